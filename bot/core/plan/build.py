"""A study plan back from the interview date: which topics, how many new questions and reviews each
day within a minutes budget, and the recall to expect per topic on the day.

Topic weights multiply three things the bot knows: the role's profile (what its posting asks
about), the user's fit gaps (a gap's topic counts `GAP_BOOST` times more), and past scores (a
topic answered well needs less). Questions are taken from the bank in an order that interleaves
topics by weight, so when the budget is too small the questions that do not fit are those of the
least weighted topics: the plan says so and names them instead of silently shrinking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.core.errors import PrepbotError
from bot.core.plan.simulate import SimCard, at, days_between, existing, learn, recall_on, review

ROLE_QUESTIONS = 60  # new questions a plan aims to cover, split over the topics by weight
REVIEW_ONLY_SHARE = 0.2  # the last fifth of the days (at least one) only reviews: no new material
GAP_BOOST = 1.0  # a topic with fit gaps gets (1 + GAP_BOOST x its share of the gaps) x its weight
SCORE_NEUTRAL = 0.5  # past coverage above this lowers a topic's weight, below raises it
MAX_HORIZON_DAYS = 366
MIN_TOPIC_WEIGHT = 0.02  # topics below this share get no questions of their own


class InvalidPlan(PrepbotError):
    """A plan request that cannot be planned (a date in the past, no minutes...)."""


@dataclass(frozen=True)
class PlanInputs:
    role_id: str
    start: date
    interview: date
    minutes: int
    minutes_per_new: float
    minutes_per_review: float
    profile: dict[str, float]  # topic -> weight (sums to 1)
    questions: dict[str, list[str]]  # topic -> bank question ids not yet carded, in bank order
    gaps: dict[str, int] = field(default_factory=dict)  # topic -> fit gaps on it
    scores: dict[str, float] = field(default_factory=dict)  # topic -> mean key-point coverage
    cards: list[tuple[str, str, dict]] = field(default_factory=list)  # (question id, topic, fsrs card dict)


@dataclass
class PlanDay:
    date: date
    new: int
    reviews: int
    minutes: float
    new_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "new": self.new, "reviews": self.reviews,
                "minutes": round(self.minutes, 1)}


@dataclass
class PlanTopic:
    topic: str
    weight: float
    questions: int  # planned (new questions that fit, plus the user's existing cards on it)
    predicted_recall: float

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "weight": round(self.weight, 4), "questions": self.questions,
                "predicted_recall": round(self.predicted_recall, 3)}


@dataclass
class StudyPlan:
    role_id: str
    start: date
    interview: date
    minutes: int
    feasible: bool
    days: list[PlanDay]
    topics: list[PlanTopic]
    dropped: dict[str, int]  # topic -> new questions that did not fit
    minutes_needed: int | None  # the daily budget that fits everything (when infeasible)
    over_budget_days: list[date]
    minutes_per_new: float
    minutes_per_review: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role_id,
            "interview_date": self.interview.isoformat(),
            "start_date": self.start.isoformat(),
            "minutes_per_day": self.minutes,
            "feasible": self.feasible,
            "days": [day.to_dict() for day in self.days],
            "topics": [topic.to_dict() for topic in self.topics],
            "dropped": self.dropped,
            "minutes_needed": self.minutes_needed,
            "note": self.note(),
        }

    def note(self) -> str:
        """What a person needs to hear: it fits, or what does not and what to change."""
        total_new = sum(d.new for d in self.days)
        if self.feasible:
            return (f"{total_new} new questions over {len(self.days)} days fit in {self.minutes} minutes a day "
                    f"({self.minutes_per_new:g} per new question, {self.minutes_per_review:g} per review).")
        parts = []
        if self.dropped:
            listed = ", ".join(f"{n} {topic}" for topic, n in self.dropped.items())
            parts.append(f"{sum(self.dropped.values())} of the planned questions do not fit, so this plan leaves "
                         f"out questions of the least weighted topics ({listed})")
        if self.over_budget_days:
            parts.append(f"reviews alone exceed {self.minutes} minutes on {len(self.over_budget_days)} day(s)")
        need = f" About {self.minutes_needed} minutes a day would fit everything." if self.minutes_needed else ""
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"This does not fit in {self.minutes} {unit} a day: " + "; ".join(parts) + "." + need

    def day(self, when: date) -> PlanDay | None:
        return next((d for d in self.days if d.date == when), None)


def topic_weights(inputs: PlanInputs) -> dict[str, float]:
    """Profile x gap boost x score factor, normalised; topics without questions left get none."""
    total_gaps = sum(inputs.gaps.values()) or 1
    raw = {}
    for topic, weight in inputs.profile.items():
        gap = 1.0 + GAP_BOOST * inputs.gaps.get(topic, 0) / total_gaps
        score = inputs.scores.get(topic)
        factor = 1.0 if score is None else 1.0 + (SCORE_NEUTRAL - score)
        raw[topic] = weight * gap * factor
    norm = sum(raw.values()) or 1.0
    return {topic: value / norm for topic, value in raw.items()}


def question_order(weights: dict[str, float], questions: dict[str, list[str]], total: int) -> list[tuple[str, str]]:
    """Up to `total` (topic, question id) pairs, interleaved so that each prefix follows the weights
    (Sainte-Laguë): cutting the list short drops the least weighted topics' questions first."""
    available = {t: list(questions.get(t, [])) for t, w in weights.items() if w >= MIN_TOPIC_WEIGHT}
    taken = {t: 0 for t in available}
    order: list[tuple[str, str]] = []
    while len(order) < total:
        open_topics = [t for t in available if taken[t] < len(available[t])]
        if not open_topics:
            break
        best = max(open_topics, key=lambda t: (weights[t] / (2 * taken[t] + 1), -list(weights).index(t)))
        order.append((best, available[best][taken[best]]))
        taken[best] += 1
    return order


def build_plan(inputs: PlanInputs) -> StudyPlan:
    """The plan for `inputs`; `InvalidPlan` for a date not after the start or a non-positive budget."""
    horizon = (inputs.interview - inputs.start).days
    if horizon < 1:
        raise InvalidPlan(f"The interview date {inputs.interview.isoformat()} must be after "
                          f"{inputs.start.isoformat()} (the plan starts today).")
    if horizon > MAX_HORIZON_DAYS:
        raise InvalidPlan(f"That is {horizon} days away; plans go up to a year ahead.")
    if inputs.minutes < 1:
        raise InvalidPlan("Give at least 1 minute a day.")
    weights = topic_weights(inputs)
    days = days_between(inputs.start, inputs.interview)
    learning_days = max(1, len(days) - max(1, math.ceil(len(days) * REVIEW_ONLY_SHARE))) if len(days) > 1 else 1
    wanted = question_order(weights, inputs.questions, ROLE_QUESTIONS)
    sim = _Simulation(inputs, days, learning_days)
    plan_days, introduced, over = sim.run(len(wanted), inputs.minutes)
    dropped: dict[str, int] = {}
    kept = wanted
    while introduced < len(kept):
        # Leave out as many questions as did not fit, from the least weighted topics first (each
        # topic's last questions first), and plan the rest; repeat until everything kept fits.
        excess = len(kept) - introduced
        for topic in sorted({t for t, _ in kept}, key=lambda t: (weights.get(t, 0.0), t)):
            if excess <= 0:
                break
            positions = [i for i, (t, _) in enumerate(kept) if t == topic][-excess:]
            dropped[topic] = dropped.get(topic, 0) + len(positions)
            excess -= len(positions)
            cut = set(positions)
            kept = [pair for i, pair in enumerate(kept) if i not in cut]
        plan_days, introduced, over = sim.run(len(kept), inputs.minutes)
    _name_new(plan_days, kept)
    feasible = not dropped and not over
    needed = None if feasible else _minutes_needed(sim, len(wanted), inputs.minutes)
    topics = _topic_summary(weights, plan_days, kept, sim)
    return StudyPlan(inputs.role_id, inputs.start, inputs.interview, inputs.minutes, feasible, plan_days, topics,
                     dropped, needed, over, inputs.minutes_per_new, inputs.minutes_per_review)


class _Simulation:
    """The workload of one plan. Every new question is learned the same way (recalled at each
    review), so all of them follow one FSRS trajectory shifted to the day they are learned: it is
    simulated once (`learned_trajectory`) and reused, which keeps a 60-day plan fast. The user's
    existing cards are simulated one by one, once, since the budget does not change them."""

    def __init__(self, inputs: PlanInputs, days: list[date], learning_days: int) -> None:
        self.inputs = inputs
        self.days = days
        self.learning_days = learning_days
        self.trajectory = learned_trajectory(days[0], len(days))  # day offset -> expected reviews
        self.existing_load = [0.0] * len(days)
        self.existing = [existing(qid, topic, stored) for qid, topic, stored in inputs.cards]
        for number, day in enumerate(days):
            self.existing_load[number] = sum(review(c, day) for c in self.existing
                                             if c.due_day() is not None and c.due_day() <= day)

    def run(self, total_new: int, budget: float) -> tuple[list[PlanDay], int, list[date]]:
        """Walk the days: due reviews first, then as many new questions as the rest of the budget
        holds (spread evenly over the learning days, catching up when a day had room)."""
        inputs = self.inputs
        new_per_day = [0] * len(self.days)
        introduced = 0
        plan_days: list[PlanDay] = []
        over: list[date] = []
        for number, day in enumerate(self.days):
            reviews = self.existing_load[number] + sum(
                new_per_day[start] * self.trajectory.get(number - start, 0.0) for start in range(number))
            minutes = reviews * inputs.minutes_per_review
            if minutes > budget + 1e-9:  # reviews alone do not fit: said so, never silently skipped
                over.append(day)
            if number < self.learning_days and introduced < total_new:
                quota = math.ceil((total_new - introduced) / (self.learning_days - number))
                room = quota if math.isinf(budget) else int(max(0.0, budget - minutes) // inputs.minutes_per_new)
                new_per_day[number] = min(quota, room)
                introduced += new_per_day[number]
                minutes += new_per_day[number] * inputs.minutes_per_new
            plan_days.append(PlanDay(day, new_per_day[number], round(reviews), minutes))
        return plan_days, introduced, over

    def recall_of_new(self, learned_on: int) -> float:
        """Recall on interview morning of a question learned on day `learned_on` of the plan."""
        return learned_recall(self.days[0], len(self.days), learned_on)

    def existing_recall(self) -> dict[str, list[float]]:
        moment = at(self.inputs.interview).replace(hour=9)
        found: dict[str, list[float]] = {}
        for card in self.existing:
            found.setdefault(card.topic, []).append(recall_on(card, moment))
        return found


def learned_trajectory(start: date, length: int) -> dict[int, float]:
    """Day offset -> expected reviews of one question learned on day 0 (see `simulate.review`)."""
    card = SimCard("template", "")
    learn(card, start)
    costs: dict[int, float] = {}
    end = start + timedelta(days=length)
    while (due := card.due_day()) is not None and due < end:
        costs[(due - start).days] = costs.get((due - start).days, 0.0) + review(card, due)
    return costs


def learned_recall(start: date, length: int, learned_on: int) -> float:
    """Recall at 09:00 after `length` days of a question learned on day `learned_on` and reviewed
    whenever due before then."""
    card = SimCard("template", "")
    first = start + timedelta(days=learned_on)
    learn(card, first)
    end = start + timedelta(days=length)
    while (due := card.due_day()) is not None and due < end:
        review(card, due)
    return recall_on(card, at(end).replace(hour=9))


def _name_new(plan_days: list[PlanDay], kept: list[tuple[str, str]]) -> None:
    """Hand out the kept questions, in their weighted order, to the days that learn them."""
    position = 0
    for day in plan_days:
        day.new_ids = [qid for _topic, qid in kept[position: position + day.new]]
        position += day.new


def _minutes_needed(sim: _Simulation, total_new: int, budget: int) -> int | None:
    """A daily budget that fits everything: the busiest day of the same plan with no budget at all
    (with that budget no day is ever cut short, so the plan is the same and fits)."""
    plan_days, _introduced, _over = sim.run(total_new, math.inf)
    busiest = max((day.minutes for day in plan_days), default=0.0)
    return max(budget + 1, math.ceil(busiest - 1e-9))


def _topic_summary(weights: dict[str, float], plan_days: list[PlanDay], kept: list[tuple[str, str]],
                   sim: _Simulation) -> list[PlanTopic]:
    """Per topic: questions in the plan (new and already carded) and their mean recall on interview
    morning (questions that did not fit are not in the mean: they are listed as dropped instead)."""
    topic_of = dict((qid, topic) for topic, qid in kept)
    recalls = sim.existing_recall()
    for number, day in enumerate(plan_days):
        if day.new_ids:
            value = sim.recall_of_new(number)
            for qid in day.new_ids:
                recalls.setdefault(topic_of[qid], []).append(value)
    rows = []
    for topic, weight in sorted(weights.items(), key=lambda item: -item[1]):
        values = recalls.get(topic, [])
        rows.append(PlanTopic(topic, weight, len(values), sum(values) / len(values) if values else 0.0))
    return rows
