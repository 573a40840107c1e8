"""A deterministic FSRS workload simulation on py-fsrs's own scheduler.

py-fsrs has no simulator and fsrs-rs-python's has no exam date or per-topic recall, so the plan
walks the calendar itself, one day at a time:

- a new question is learned on its day (its learning steps happen that day and are part of the
  minutes a new question costs), then every review falls on the day py-fsrs schedules it;
- each review follows the most likely outcome (the card is recalled: "Good"), and its cost counts
  the expected relearning: a card reviewed at retrievability R is forgotten with probability 1 - R
  and then seen once more that day, so it costs 1 + (1 - R) reviews;
- fuzzing is off, so the same inputs always give the same plan (no random outcomes at all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from fsrs import Card, Rating, Scheduler, State

STUDY_HOUR = time(18, 0)  # reviews are modelled at one fixed local hour; only the day matters


@cache
def scheduler() -> Scheduler:
    """The default FSRS parameters without fuzzing (deterministic)."""
    return Scheduler(enable_fuzzing=False)


def at(day: date) -> datetime:
    return datetime.combine(day, STUDY_HOUR, tzinfo=UTC)


@dataclass
class SimCard:
    key: str
    topic: str
    card: Card | None = None  # None until introduced

    def due_day(self) -> date | None:
        return None if self.card is None else self.card.due.astimezone(UTC).date()


def learn(card: SimCard, day: date) -> None:
    """Introduce a new card on `day`: rated Good through its same-day learning steps."""
    sched = scheduler()
    fresh = Card(card_id=0, due=at(day))  # an explicit id: py-fsrs would sleep 1 ms to make one
    when = at(day)
    for _ in range(len(sched.learning_steps) + 1):
        fresh, _log = sched.review_card(fresh, Rating.Good, review_datetime=when)
        if fresh.state == State.Review:
            break
        when = max(when, fresh.due)
    card.card = fresh


def review(card: SimCard, day: date) -> float:
    """Review a due card on `day` (most likely outcome: recalled); returns its expected cost in reviews."""
    sched = scheduler()
    assert card.card is not None
    when = at(day)
    recall = sched.get_card_retrievability(card.card, when)
    updated, _log = sched.review_card(card.card, Rating.Good, review_datetime=when)
    if updated.state != State.Review:  # still in (re)learning: finish its steps the same day
        updated, _log = sched.review_card(updated, Rating.Good, review_datetime=max(when, updated.due))
    card.card = updated
    return 1.0 + (1.0 - recall)


def recall_on(card: SimCard, moment: datetime) -> float:
    """Probability of recalling the card at `moment` (0 for a card never learned)."""
    if card.card is None:
        return 0.0
    return float(scheduler().get_card_retrievability(card.card, moment))


def existing(key: str, topic: str, stored: dict) -> SimCard:
    """A user's stored card (py-fsrs dict) as a simulated one."""
    return SimCard(key, topic, Card.from_dict(stored))


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days)]
