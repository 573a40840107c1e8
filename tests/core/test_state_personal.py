"""Personal state (issue 13): new cards from fit gaps, kept resumes, preferences, plan DM claims,
leaderboard opt-outs, and forget_user removing every row of one user and no one else's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.core.state import InvalidSetting, StateStore
from bot.core.state import schema as t

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store():
    with StateStore("sqlite://") as opened:
        yield opened


def _fill(store: StateStore, user: str) -> None:
    store.add_new_cards(user, ["recsys-a"], NOW)
    store.review_card(user, "search-b", "good", NOW)
    store.record_answer(user, "42", "search-b", "search", "an answer", 2, 4, NOW)
    store.record_activity("42", user, NOW.date())
    store.save_session(user, "mock", {"step": 1}, NOW)
    store.append_turn(f"dm:{user}", "user", "hello", NOW)
    store.record_feedback(user, "answer:1", 1, NOW)
    store.set_target_role(user, "some-role", now=NOW)
    store.keep_resume(user, "cv.pdf", "Experience ...", NOW)
    store.set_user_prefs(user, timezone="Europe/London", plan_dm=True, now=NOW)
    store.save_plan(user, "some-role", date(2026, 3, 20), 30, {"days": []}, NOW)
    store.claim_plan_dm(user, NOW.date(), now=NOW)
    store.set_leaderboard_hidden("42", user, True, now=NOW)


def _rows(store: StateStore, user: str) -> dict[str, int]:
    counts = {}
    with store.engine.connect() as conn:
        for table in t.metadata.sorted_tables:
            if "user_id" in table.c:
                counts[table.name] = conn.execute(sa.select(sa.func.count()).select_from(table)
                                                  .where(table.c.user_id == user)).scalar()
        counts["turns"] = conn.execute(sa.select(sa.func.count()).select_from(t.turns)
                                       .where(t.turns.c.conversation_key == f"dm:{user}")).scalar()
    return counts


def test_forget_removes_every_row_of_one_user_only(store):
    _fill(store, "111")
    _fill(store, "222")
    before = _rows(store, "111")
    assert all(count > 0 for count in before.values()), before  # the fill touches every personal table
    deleted = store.forget_user("111")
    assert sum(deleted.values()) == sum(before.values())
    assert all(count == 0 for count in _rows(store, "111").values())
    assert _rows(store, "222") == before  # the other user keeps everything


def test_new_cards_never_reset_a_practised_card(store):
    store.review_card("u", "recsys-a", "good", NOW)
    reviewed = store.get_card("u", "recsys-a")
    assert store.add_new_cards("u", ["recsys-a", "recsys-b", "recsys-b"], NOW) == ["recsys-b"]
    assert store.get_card("u", "recsys-a") == reviewed
    new = store.get_card("u", "recsys-b")
    assert new.reps == 0 and new.due == NOW and new.is_due(NOW)


def test_resume_is_kept_only_when_asked(store):
    assert store.kept_resume("u") is None
    store.keep_resume("u", "cv.docx", "Built things", NOW)
    assert store.kept_resume("u").text == "Built things"
    assert store.drop_resume("u") and store.kept_resume("u") is None


def test_preferences_validate_and_remember(store):
    assert store.user_prefs("u").timezone is None
    store.set_user_prefs("u", timezone="asia/tokyo", now=NOW)
    prefs = store.set_user_prefs("u", plan_dm=True, plan_dm_time="7:30", now=NOW)
    assert (prefs.timezone, prefs.plan_dm, prefs.plan_dm_time) == ("Asia/Tokyo", True, "07:30")
    with pytest.raises(InvalidSetting):
        store.set_user_prefs("u", timezone="Mars/Olympus")


def test_plan_dm_claim_is_once_per_user_and_day(store):
    day = date(2026, 3, 2)
    assert store.claim_plan_dm("u", day, now=NOW)
    assert not store.claim_plan_dm("u", day, now=NOW)
    assert store.release_plan_dm("u", day)
    assert store.claim_plan_dm("u", day, now=NOW)
    store.mark_plan_dm_sent("u", day, now=NOW)
    assert not store.release_plan_dm("u", day)  # a sent DM is never released (no second DM)


def test_subscribers_need_a_plan_a_zone_and_the_opt_in(store):
    store.set_user_prefs("a", timezone="UTC", plan_dm=True, now=NOW)
    store.set_user_prefs("b", timezone="UTC", plan_dm=False, now=NOW)
    store.set_user_prefs("c", plan_dm=True, now=NOW)
    for user in "abc":
        store.save_plan(user, "r", date(2026, 4, 1), 20, {}, NOW)
    assert [prefs.user_id for prefs, _plan in store.plan_dm_subscribers()] == ["a"]


def test_leaderboard_ranks_quality_not_volume(store):
    """Many weak answers lose to a few strong ones; streaks break ties; the minimum and opt-outs hold."""
    day = NOW.date()
    for _ in range(6):  # volume: six answers covering a quarter of the key points
        store.record_answer("spammer", "42", "q", "recsys", "x", 1, 4, NOW, local_date=day)
    for _ in range(2):
        store.record_answer("careful", "42", "q", "recsys", "x", 3, 4, NOW, local_date=day)
        store.record_answer("steady", "42", "q", "recsys", "x", 3, 4, NOW, local_date=day)
    store.record_answer("once", "42", "q", "recsys", "x", 4, 4, NOW, local_date=day)
    for back in range(3):
        store.record_activity("42", "steady", day - timedelta(days=back))
    rows = store.leaderboard("42", "week", day, min_answers=2)
    assert [r.user_id for r in rows] == ["steady", "careful", "spammer"]  # "once" has too few answers
    assert rows[0].quality == pytest.approx(0.75) and rows[0].streak == 3 and rows[-1].quality == pytest.approx(0.25)
    store.set_leaderboard_hidden("42", "careful", True, now=NOW)
    assert [r.user_id for r in store.leaderboard("42", "week", day, min_answers=2)] == ["steady", "spammer"]
    store.set_leaderboard_hidden("42", "careful", False, now=NOW)
    assert "careful" in [r.user_id for r in store.leaderboard("42", "all", day, min_answers=2)]
    assert store.leaderboard("43", "week", day) == []  # hidden or not, per server
