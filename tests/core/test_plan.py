"""Study plans: deterministic FSRS workload simulation, budgets that fit and do not, 14 and 60 days."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler

from bot.core.plan import InvalidPlan, PlanInputs, build_plan
from bot.core.plan.build import topic_weights
from bot.core.plan.ics import plan_calendar

START = date(2026, 3, 2)
PROFILE = {"recsys": 0.4, "search": 0.2, "ml-systems": 0.15, "coding": 0.1, "behavioral": 0.1, "cpp": 0.05}
QUESTIONS = {topic: [f"{topic}-{n}" for n in range(20)] for topic in PROFILE}


def inputs(days: int, minutes: int, **extra) -> PlanInputs:
    values = dict(role_id="role", start=START, interview=START + timedelta(days=days), minutes=minutes,
                  minutes_per_new=4.0, minutes_per_review=1.5, profile=PROFILE, questions=QUESTIONS)
    values.update(extra)
    return PlanInputs(**values)


@pytest.mark.parametrize("days, minutes", [(14, 45), (60, 20)])
def test_feasible_plans_stay_within_budget(days, minutes):
    plan = build_plan(inputs(days, minutes))
    assert plan.feasible and not plan.dropped and plan.minutes_needed is None
    assert len(plan.days) == days and plan.days[0].date == START and plan.days[-1].date == START + timedelta(days - 1)
    assert all(day.minutes <= minutes + 1e-9 for day in plan.days)
    assert all(day.new == 0 for day in plan.days[-max(1, days // 5):])  # the last days only review
    assert sum(day.new for day in plan.days) == sum(topic.questions for topic in plan.topics) > 0
    assert sum(day.reviews for day in plan.days) > 0
    recsys = next(t for t in plan.topics if t.topic == "recsys")
    assert recsys.questions == max(t.questions for t in plan.topics)  # the heaviest topic gets the most
    assert all(0.0 <= t.predicted_recall <= 1.0 for t in plan.topics)
    assert all(t.predicted_recall > 0.8 for t in plan.topics if t.questions)


@pytest.mark.parametrize("days, minutes", [(14, 15), (60, 5)])
def test_infeasible_plans_say_what_to_drop(days, minutes):
    plan = build_plan(inputs(days, minutes))
    assert not plan.feasible
    assert plan.dropped and "do not fit" in plan.note() and "least weighted" in plan.note()
    weights = topic_weights(inputs(days, minutes))
    lightest = min(weights, key=weights.get)
    assert lightest in plan.dropped  # what goes first is the least weighted topic
    assert all(day.minutes <= minutes + 1e-9 for day in plan.days)  # what is kept does fit
    assert plan.minutes_needed and plan.minutes_needed > minutes
    assert build_plan(inputs(days, plan.minutes_needed)).feasible  # the suggested budget really fits


def test_same_inputs_same_plan():
    first = json.dumps(build_plan(inputs(60, 25)).to_dict(), sort_keys=True)
    assert json.dumps(build_plan(inputs(60, 25)).to_dict(), sort_keys=True) == first


def test_json_contract():
    data = build_plan(inputs(14, 30)).to_dict()
    assert {"role", "interview_date", "feasible", "days", "topics"} <= set(data)
    assert set(data["days"][0]) == {"date", "new", "reviews", "minutes"}
    assert set(data["topics"][0]) == {"topic", "weight", "questions", "predicted_recall"}
    assert data["interview_date"] == (START + timedelta(days=14)).isoformat()
    assert abs(sum(t["weight"] for t in data["topics"]) - 1.0) < 1e-3


def test_existing_cards_add_reviews_and_can_overflow_the_budget():
    scheduler = Scheduler(enable_fuzzing=False)
    cards = []
    for n in range(30):  # thirty cards learned a while ago, all due on the first day
        card = Card(due=datetime(2026, 2, 20, 18, tzinfo=UTC))
        card, _ = scheduler.review_card(card, Rating.Good, review_datetime=datetime(2026, 2, 20, 18, tzinfo=UTC))
        card, _ = scheduler.review_card(card, Rating.Good, review_datetime=datetime(2026, 2, 20, 18, 10, tzinfo=UTC))
        cards.append((f"old-{n}", "recsys", card.to_dict()))
    plan = build_plan(inputs(14, 20, cards=cards))
    assert plan.days[0].reviews >= 30
    assert START in plan.over_budget_days and not plan.feasible
    assert "reviews alone exceed" in plan.note()


def test_gaps_and_scores_move_the_weights():
    base = topic_weights(inputs(14, 30))
    with_gap = topic_weights(inputs(14, 30, gaps={"cpp": 2}))
    assert with_gap["cpp"] > base["cpp"]
    practised = topic_weights(inputs(14, 30, scores={"recsys": 0.95}))
    assert practised["recsys"] < base["recsys"]


def test_bad_requests():
    with pytest.raises(InvalidPlan, match="must be after"):
        build_plan(inputs(0, 30))
    with pytest.raises(InvalidPlan, match="at least 1 minute"):
        build_plan(inputs(14, 0))


def test_calendar_export():
    from icalendar import Calendar

    plan = build_plan(inputs(14, 30))
    raw = plan_calendar(plan, "ML Engineer Intern")
    assert raw == plan_calendar(plan, "ML Engineer Intern")  # stable file, stable UIDs
    events = [c for c in Calendar.from_ical(raw).walk("VEVENT")]
    study = [e for e in events if str(e["summary"]).startswith("prepbot:")]
    assert len(study) == sum(1 for d in plan.days if d.new or d.reviews)
    assert any(str(e["summary"]) == "Interview: ML Engineer Intern" for e in events)
    first = plan.days[0]
    assert any(e.decoded("dtstart") == first.date and f"{first.new} new" in str(e["summary"]) for e in study)
