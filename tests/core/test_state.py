"""Tests for bot.core.state, time controlled by the test.

Every test that takes `store` or `db_url` runs twice: on a real SQLite file in tmp_path and on a
real PostgreSQL server (a throwaway cluster from tests/servers.py, one new database per test).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from fsrs import Scheduler

from bot.core.state import (
    LATEST_VERSION,
    InvalidSetting,
    StateError,
    StateStore,
    migrate,
)
from bot.core.state.schema import metadata

pytest_plugins = ["tests.servers"]

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
D0 = date(2026, 3, 2)
GUILD = "111111111111111111"
OTHER_GUILD = "222222222222222222"
ALICE = "300000000000000001"
BOB = "300000000000000002"
CAROL = "300000000000000003"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A new, empty database: a SQLite file in tmp_path, or a database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite3'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture
def store(db_url):
    """A fresh store, FSRS fuzzing off for exact intervals."""
    s = StateStore(db_url, scheduler=Scheduler(enable_fuzzing=False))
    yield s
    s.close()


def reopen(db_url: str) -> StateStore:
    """Open another store on the same database (as a restarted process would)."""
    return StateStore(db_url, scheduler=Scheduler(enable_fuzzing=False))


def schema_state(db_url: str) -> tuple[set[str], int]:
    """(table names, highest recorded schema version), read with a plain engine."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            version = conn.exec_driver_sql("SELECT max(version) FROM schema_version").scalar()
        return tables, version
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- engine / schema


def test_for_data_dir_creates_sqlite_file_with_pragmas(tmp_path):
    """for_data_dir creates <dir>/state.sqlite3 in WAL mode with foreign keys and a busy timeout."""
    data_dir = tmp_path / "nested" / "data"
    s = StateStore.for_data_dir(data_dir)
    try:
        assert (data_dir / "state.sqlite3").is_file()
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        s.close()


def test_new_database_is_at_latest_version(store):
    """A new database is migrated to LATEST_VERSION and records every version applied."""
    assert store.schema_version() == LATEST_VERSION
    with store.engine.connect() as conn:
        versions = [r[0] for r in conn.exec_driver_sql("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_migration_from_v1_applies_missing_versions_and_keeps_data(db_url):
    """Opening a v1 database with current code applies later migrations and keeps existing rows."""
    engine = sa.create_engine(db_url)
    assert migrate(engine, target=1) == 1
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO target_roles (user_id, role_id, updated_at) "
            "VALUES ('local', 'ml-engineer', '2026-01-01 00:00:00')"
        )
    engine.dispose()
    tables, version = schema_state(db_url)
    assert "target_roles" in tables and "sessions" not in tables and version == 1

    s = reopen(db_url)
    try:
        assert s.schema_version() == LATEST_VERSION
        assert s.get_target_role("local") == "ml-engineer"
        s.save_session("local", "mock", {"step": 1}, T0)
        assert s.load_session("local", "mock") == {"step": 1}
    finally:
        s.close()


def test_failed_migration_rolls_back_completely(db_url, monkeypatch):
    """A migration that fails part-way leaves neither its tables nor its version row behind."""
    from bot.core.state import migrations

    reopen(db_url).close()

    def broken(conn):
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, broken))
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(RuntimeError, match="boom"):
        reopen(db_url)
    tables, version = schema_state(db_url)
    assert version == LATEST_VERSION and "half_done" not in tables


def test_migrated_schema_matches_current_table_definitions(store):
    """Every table and column declared in schema.py exists after migrating, so the frozen copies have not drifted."""
    inspector = sa.inspect(store.engine)
    for table in metadata.sorted_tables:
        assert inspector.has_table(table.name), table.name
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_database_newer_than_code_is_refused(db_url):
    """A database from a newer prepbot raises StateError instead of being used."""
    s = reopen(db_url)
    with s.engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO schema_version (version, applied_at) VALUES ({LATEST_VERSION + 1}, '2026-01-01 00:00:00')"
        )
    s.close()
    with pytest.raises(StateError, match="upgrade prepbot"):
        reopen(db_url)


def test_naive_datetime_is_rejected(store):
    """Passing a naive datetime is a programming error, reported as ValueError."""
    with pytest.raises(ValueError, match="timezone-aware"):
        store.review_card(ALICE, "q1", "good", datetime(2026, 1, 1))


def test_integer_snowflakes_are_stored_as_strings(store):
    """Ids passed as ints (discord.py style) come back as strings and match string lookups."""
    store.set_target_role(int(ALICE), "ml-engineer")
    assert store.get_target_role(ALICE) == "ml-engineer"
    card = store.review_card(int(ALICE), "q1", "good", T0)
    assert card.user_id == ALICE


def test_in_memory_url_is_shared_between_threads():
    """sqlite:// (in-memory) works from worker threads, which all see the same database."""
    s = StateStore("sqlite://")
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: s.record_answer(f"u{i}", GUILD, "q", "t", "a", 1, 2, T0), range(8)))
        assert s.progress("u3", T0).answers == 1
        assert len(s.leaderboard(GUILD, "all", D0)) == 8
    finally:
        s.close()


# --------------------------------------------------------------------------- target role


def test_target_role_set_get_and_replace(store):
    """The target role is None until set, then the latest value wins."""
    assert store.get_target_role(ALICE) is None
    store.set_target_role(ALICE, "ml-engineer")
    store.set_target_role(ALICE, "research-scientist")
    assert store.get_target_role(ALICE) == "research-scientist"
    assert store.get_target_role(BOB) is None
    assert store.clear_target_role(ALICE) is True
    assert store.get_target_role(ALICE) is None


# --------------------------------------------------------------------------- spaced repetition


def test_first_review_creates_card_and_stores_fsrs_json(store):
    """The first review creates the card; its FSRS JSON round-trips through the database."""
    assert store.get_card(ALICE, "q1") is None
    card = store.review_card(ALICE, "q1", "good", T0)
    assert card.reps == 1 and card.last_rating == "good" and card.last_review == T0
    assert card.due > T0
    stored = store.get_card(ALICE, "q1")
    assert stored == card
    assert stored.due.tzinfo is not None
    with store.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT CAST(card AS TEXT) FROM cards").scalar()
    assert '"stability"' in raw and '"due"' in raw


def test_again_comes_due_sooner_than_easy(store):
    """FSRS schedules a card rated 'again' earlier than one rated 'easy'."""
    again = store.review_card(ALICE, "q-again", "again", T0)
    easy = store.review_card(ALICE, "q-easy", "easy", T0)
    assert again.due < easy.due
    assert easy.due - T0 >= timedelta(days=1)


def test_repeated_good_reviews_grow_the_interval(store):
    """Reviewing a card 'good' whenever it is due pushes the next due date further out."""
    now = T0
    intervals = []
    for _ in range(4):
        card = store.review_card(ALICE, "q1", "good", now)
        intervals.append(card.due - now)
        now = card.due
    assert intervals == sorted(intervals) and intervals[-1] > intervals[0]
    assert store.get_card(ALICE, "q1").reps == 4


def test_lapse_counted_when_review_card_rated_again(store):
    """'again' on a graduated (review-state) card counts as a lapse and relearns it."""
    card = store.review_card(ALICE, "q1", "easy", T0)
    assert card.state == "review" and card.lapses == 0
    card = store.review_card(ALICE, "q1", "again", card.due)
    assert card.state == "relearning" and card.lapses == 1


def test_due_cards_respects_now_and_orders_most_overdue_first(store):
    """due_cards only returns cards due at `now`, most overdue first, up to `limit`."""
    a = store.review_card(ALICE, "q-again", "again", T0)  # due in ~1 minute
    g = store.review_card(ALICE, "q-good", "good", T0)  # due in ~10 minutes
    e = store.review_card(ALICE, "q-easy", "easy", T0)  # due in days
    store.review_card(BOB, "q-bob", "again", T0)
    assert store.due_cards(ALICE, T0) == []
    assert [c.question_id for c in store.due_cards(ALICE, a.due)] == ["q-again"]
    later = e.due + timedelta(seconds=1)
    assert [c.question_id for c in store.due_cards(ALICE, later)] == ["q-again", "q-good", "q-easy"]
    assert [c.question_id for c in store.due_cards(ALICE, later, limit=2)] == ["q-again", "q-good"]
    assert g.is_due(later) and not g.is_due(T0)


def test_card_counts_total_and_due(store):
    """card_counts returns (total, due) for the user at `now`."""
    assert store.card_counts(ALICE, T0) == (0, 0)
    store.review_card(ALICE, "q1", "again", T0)
    store.review_card(ALICE, "q2", "easy", T0)
    assert store.card_counts(ALICE, T0) == (2, 0)
    assert store.card_counts(ALICE, T0 + timedelta(hours=1)) == (2, 1)
    assert store.card_counts(BOB, T0) == (0, 0)


@pytest.mark.parametrize("rating", ["AGAIN", " Good ", "hard", "easy"])
def test_ratings_are_case_insensitive(store, rating):
    """Ratings are accepted in any case with surrounding spaces."""
    assert store.review_card(ALICE, "q1", rating, T0).last_rating == rating.strip().lower()


def test_invalid_rating_has_readable_message(store):
    """An unknown rating raises InvalidSetting naming the valid choices; nothing is stored."""
    with pytest.raises(InvalidSetting, match="again, hard, good or easy"):
        store.review_card(ALICE, "q1", "meh", T0)
    assert store.card_counts(ALICE, T0) == (0, 0)


# --------------------------------------------------------------------------- answers / progress


def test_record_answer_and_recent_answers_newest_first(store):
    """Answers are stored with coverage and listed newest first, per user."""
    store.record_answer(ALICE, GUILD, "q1", "ml-fundamentals", "first", 1, 4, T0)
    second = store.record_answer(ALICE, None, "q2", "llm", "second", 3, 3, T0 + timedelta(minutes=5))
    store.record_answer(BOB, GUILD, "q1", "ml-fundamentals", "bob", 0, 4, T0)
    recent = store.recent_answers(ALICE, limit=10)
    assert [a.answer for a in recent] == ["second", "first"]
    assert recent[0] == second and recent[0].guild_id is None and recent[0].coverage == 1.0
    assert recent[1].coverage == 0.25 and recent[1].local_date == D0
    assert [a.answer for a in store.recent_answers(ALICE, limit=1)] == ["second"]


def test_record_answer_rejects_impossible_coverage(store):
    """covered must lie between 0 and total."""
    with pytest.raises(ValueError):
        store.record_answer(ALICE, GUILD, "q1", "llm", "x", 5, 4, T0)


def test_progress_summarises_topics_cards_streak_and_questions(store):
    """progress reports answers and mean coverage per topic, cards, the cross-guild streak and questions practised."""
    store.record_answer(ALICE, GUILD, "q1", "llm", "a", 1, 2, T0)
    store.record_answer(ALICE, GUILD, "q2", "llm", "b", 2, 2, T0)
    store.record_answer(ALICE, None, "q3", "coding", "c", 0, 0, T0)  # no key points: no coverage
    store.review_card(ALICE, "q1", "again", T0)
    store.review_card(ALICE, "q9", "easy", T0)  # practised as a card only
    store.record_activity(GUILD, ALICE, D0 - timedelta(days=2))
    store.record_activity(None, ALICE, D0 - timedelta(days=1))  # a DM day bridges the guild days
    store.record_activity(OTHER_GUILD, ALICE, D0)

    p = store.progress(ALICE, T0 + timedelta(hours=1), today=D0)
    assert p.answers == 3
    assert list(p.topics) == ["llm", "coding"]
    assert p.topics["llm"].answers == 2 and p.topics["llm"].mean_coverage == pytest.approx(0.75)
    assert p.topics["coding"].mean_coverage is None
    assert (p.cards_total, p.cards_due) == (2, 1)
    assert p.streak_days == 3
    assert p.questions_practised == 4
    assert p.last_active == D0
    assert p.mean_coverage == pytest.approx(0.75)


def test_progress_for_new_user_is_empty(store):
    """A user with no history gets zeros, not errors."""
    p = store.progress("local", T0)
    assert (p.answers, p.cards_total, p.cards_due, p.streak_days, p.questions_practised) == (0, 0, 0, 0, 0)
    assert p.topics == {} and p.mean_coverage is None and p.last_active is None


def test_progress_streak_survives_until_a_day_is_missed(store):
    """The progress streak stays alive through 'today' if yesterday was active, and is 0 after a missed day."""
    store.record_activity(GUILD, ALICE, D0 - timedelta(days=1))
    store.record_activity(GUILD, ALICE, D0)
    assert store.progress(ALICE, T0, today=D0 + timedelta(days=1)).streak_days == 2
    assert store.progress(ALICE, T0, today=D0 + timedelta(days=2)).streak_days == 0
    # Without `today`, the UTC date of `now` is used.
    assert store.progress(ALICE, T0).streak_days == 2


# --------------------------------------------------------------------------- streaks / leaderboard


def test_record_activity_counts_consecutive_days_once_each(store):
    """Consecutive days extend the streak and a second activity on the same day counts once."""
    assert store.record_activity(GUILD, ALICE, D0) == 1
    assert store.record_activity(GUILD, ALICE, D0) == 1
    assert store.record_activity(GUILD, ALICE, D0 + timedelta(days=1)) == 2
    assert store.record_activity(GUILD, ALICE, D0 + timedelta(days=2)) == 3


def test_streak_resets_after_missed_day(store):
    """Missing a day resets the streak to 1 on the next active day."""
    store.record_activity(GUILD, ALICE, D0)
    store.record_activity(GUILD, ALICE, D0 + timedelta(days=1))
    assert store.record_activity(GUILD, ALICE, D0 + timedelta(days=3)) == 1
    assert store.record_activity(GUILD, ALICE, D0 + timedelta(days=4)) == 2
    assert store.streak(GUILD, ALICE, D0 + timedelta(days=5)) == 2
    assert store.streak(GUILD, ALICE, D0 + timedelta(days=6)) == 0


def test_streaks_are_per_guild(store):
    """Activity in one guild does not extend the streak in another."""
    store.record_activity(GUILD, ALICE, D0)
    assert store.record_activity(OTHER_GUILD, ALICE, D0 + timedelta(days=1)) == 1
    assert store.record_activity(GUILD, ALICE, D0 + timedelta(days=1)) == 2


def test_leaderboard_week_versus_all_time(store):
    """'week' counts only the last 7 local days inclusive; 'all' counts everything in the guild."""
    today = D0 + timedelta(days=10)
    for _ in range(5):  # old answers: outside the week
        store.record_answer(ALICE, GUILD, "q", "llm", "x", 1, 1, T0, local_date=D0)
    store.record_answer(ALICE, GUILD, "q", "llm", "x", 1, 1, T0, local_date=today - timedelta(days=6))
    for _ in range(2):
        store.record_answer(BOB, GUILD, "q", "llm", "x", 1, 1, T0, local_date=today)
    store.record_answer(BOB, GUILD, "q", "llm", "x", 1, 1, T0, local_date=today - timedelta(days=7))
    store.record_answer(CAROL, OTHER_GUILD, "q", "llm", "x", 1, 1, T0, local_date=today)
    store.record_answer(CAROL, None, "q", "llm", "x", 1, 1, T0, local_date=today)

    week = store.leaderboard(GUILD, "week", today)
    assert [(r.user_id, r.answers) for r in week] == [(BOB, 2), (ALICE, 1)]
    all_time = store.leaderboard(int(GUILD), "all", today)
    assert [(r.user_id, r.answers) for r in all_time] == [(ALICE, 6), (BOB, 3)]
    assert store.leaderboard(GUILD, "all", today, limit=1)[0].user_id == ALICE


def test_leaderboard_reports_current_streak_and_breaks_ties_with_it(store):
    """Rows carry the guild streak as of `today`, and equal answer counts rank the longer streak first."""
    for uid in (ALICE, BOB, CAROL):
        store.record_answer(uid, GUILD, "q", "llm", "x", 1, 1, T0, local_date=D0)
    for day in range(3):
        store.record_activity(GUILD, BOB, D0 - timedelta(days=day))
    store.record_activity(GUILD, CAROL, D0 - timedelta(days=1))
    store.record_activity(GUILD, ALICE, D0 - timedelta(days=5))
    rows = store.leaderboard(GUILD, "week", D0)
    assert [(r.user_id, r.streak) for r in rows] == [(BOB, 3), (CAROL, 1), (ALICE, 0)]
    assert [r.user_id for r in store.leaderboard(GUILD, "week", D0, limit=2)] == [BOB, CAROL]


def test_leaderboard_rejects_unknown_period(store):
    """Only 'week' and 'all' are valid periods."""
    with pytest.raises(InvalidSetting, match="'week' or 'all'"):
        store.leaderboard(GUILD, "month", D0)


# --------------------------------------------------------------------------- study groups


def test_studygroup_set_get_disable_and_list(store):
    """Study groups are stored normalised, listed while enabled, and kept (disabled) after disable."""
    assert store.get_studygroup(GUILD) is None
    group = store.set_studygroup(GUILD, 999, "9:05", "europe/london")
    assert (group.channel_id, group.post_time, group.timezone, group.enabled) == ("999", "09:05", "Europe/London", True)
    assert store.get_studygroup(GUILD) == group
    store.set_studygroup(OTHER_GUILD, "555", "18:30", "UTC")
    assert [g.guild_id for g in store.enabled_studygroups()] == [GUILD, OTHER_GUILD]

    assert store.disable_studygroup(GUILD) is True
    assert store.disable_studygroup(GUILD) is False
    assert store.get_studygroup(GUILD).enabled is False
    assert [g.guild_id for g in store.enabled_studygroups()] == [OTHER_GUILD]
    assert store.set_studygroup(GUILD, "999", "10:00", "Asia/Tokyo").enabled is True


def test_studygroup_local_time_helpers():
    """StudyGroup converts UTC instants to the guild's local date and post instant."""
    from bot.core.state import StudyGroup

    g = StudyGroup(guild_id=GUILD, channel_id="1", post_time="09:00", timezone="Asia/Tokyo", enabled=True)
    late_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 08:30 on 3 March in Tokyo
    assert g.local_date(late_utc) == date(2026, 3, 3)
    assert g.post_at(date(2026, 3, 3)) == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    assert not g.is_post_due(late_utc)
    assert g.is_post_due(late_utc + timedelta(minutes=30))


@pytest.mark.parametrize("bad", ["25:00", "12:60", "noon", "9", "12:5", "", "-1:30"])
def test_invalid_post_time_has_readable_message(store, bad):
    """A bad post time raises InvalidSetting (a ValueError) that tells the user the HH:MM format."""
    with pytest.raises(InvalidSetting, match="HH:MM, for example 09:30") as info:
        store.set_studygroup(GUILD, "1", bad, "UTC")
    assert isinstance(info.value, ValueError)
    assert store.get_studygroup(GUILD) is None


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "America", "../etc/passwd", "/etc/localtime", "", "GMT+25"])
def test_invalid_timezone_has_readable_message(store, bad):
    """A bad timezone raises InvalidSetting with an example of a valid IANA name."""
    with pytest.raises(InvalidSetting, match="isn't a timezone I know.*Europe/London"):
        store.set_studygroup(GUILD, "1", "09:00", bad)
    assert store.get_studygroup(GUILD) is None


# --------------------------------------------------------------------------- daily posts


def test_claim_daily_post_exactly_once(store):
    """Only the first claim for a guild and date succeeds; other dates and guilds are independent."""
    assert store.claim_daily_post(GUILD, D0) is True
    assert store.claim_daily_post(GUILD, D0) is False
    assert store.claim_daily_post(GUILD, D0 + timedelta(days=1)) is True
    assert store.claim_daily_post(OTHER_GUILD, D0) is True


def test_claim_daily_post_from_eight_threads_at_once(store):
    """Eight threads racing to claim the same day get exactly one True."""
    barrier = threading.Barrier(8)

    def claim(_):
        barrier.wait()
        return store.claim_daily_post(GUILD, D0)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(claim, range(8)))
    assert results.count(True) == 1


def test_claim_daily_post_across_separate_engines(db_url):
    """Claims from separate stores (separate engines, as in separate processes) still succeed once."""
    stores = [reopen(db_url) for _ in range(4)]
    barrier = threading.Barrier(8)

    def claim(i):
        barrier.wait()
        return stores[i % 4].claim_daily_post(GUILD, D0)

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(claim, range(8)))
    finally:
        for s in stores:
            s.close()
    assert results.count(True) == 1


def test_release_daily_post_allows_retry_only_before_thread_is_set(store):
    """A failed post can release its claim, but a day with a thread cannot be released."""
    assert store.claim_daily_post(GUILD, D0)
    assert store.release_daily_post(GUILD, D0) is True
    assert store.claim_daily_post(GUILD, D0) is True
    store.set_daily_thread(GUILD, D0, "7001", "q1")
    assert store.release_daily_post(GUILD, D0) is False
    assert store.claim_daily_post(GUILD, D0) is False


def test_stale_daily_claim_is_reclaimed_by_exactly_one_caller(db_url):
    """A claim left without a thread (its process died) is taken over by one of several racing
    stores once older than the window; a fresh claim, or a day with a thread, is never taken over."""
    stale = timedelta(minutes=5)
    first = reopen(db_url)
    stores = [reopen(db_url) for _ in range(4)]
    try:
        assert first.claim_daily_post(GUILD, D0, now=T0)
        assert first.reclaim_stale_daily_post(GUILD, D0, stale, now=T0 + timedelta(minutes=4)) is False
        assert first.reclaim_stale_daily_post(GUILD, D0 + timedelta(days=1), stale, now=T0) is False  # unclaimed
        later = T0 + timedelta(minutes=6)
        barrier = threading.Barrier(8)

        def reclaim(i):
            barrier.wait()
            return stores[i % 4].reclaim_stale_daily_post(GUILD, D0, stale, now=later)

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(reclaim, range(8)))
        assert results.count(True) == 1
        assert first.get_daily_post(GUILD, D0).claimed_at == later  # the taken-over claim is fresh again
        assert first.reclaim_stale_daily_post(GUILD, D0, stale, now=later + timedelta(minutes=1)) is False
        first.set_daily_thread(GUILD, D0, "7001", "q1", now=later)
        assert first.reclaim_stale_daily_post(GUILD, D0, stale, now=later + timedelta(days=1)) is False
        assert first.get_daily_post(GUILD, D0).thread_id == "7001"
    finally:
        for s in [first, *stores]:
            s.close()


def test_daily_thread_maps_to_question_and_asked_questions(store):
    """Daily threads map back to their question, and asked_questions lists each guild's posted questions."""
    store.claim_daily_post(GUILD, D0)
    store.set_daily_thread(GUILD, D0, 7001, "q-bias-variance")
    store.claim_daily_post(GUILD, D0 + timedelta(days=1))
    store.set_daily_thread(GUILD, D0 + timedelta(days=1), "7002", "q-attention")
    store.claim_daily_post(GUILD, D0 + timedelta(days=2))  # claimed, not yet posted
    store.set_daily_thread(OTHER_GUILD, D0, "8001", "q-other")
    assert store.question_for_thread("7001") == "q-bias-variance"
    assert store.question_for_thread(7002) == "q-attention"
    assert store.question_for_thread("123") is None
    assert store.asked_questions(GUILD) == {"q-bias-variance", "q-attention"}
    assert store.asked_questions("333") == set()
    post = store.get_daily_post(GUILD, D0)
    assert (post.thread_id, post.question_id) == ("7001", "q-bias-variance")
    assert store.get_daily_post(GUILD, D0 + timedelta(days=2)).thread_id is None


# --------------------------------------------------------------------------- sessions / turns


def test_sessions_save_load_clear(store):
    """Sessions are stored per user and kind, replaced on save, and removed on clear."""
    assert store.load_session(ALICE, "mock") is None
    store.save_session(ALICE, "mock", {"questions": ["q1", "q2"], "index": 0}, T0)
    store.save_session(ALICE, "mock", {"questions": ["q1", "q2"], "index": 1, "notes": {"q1": 0.5}}, T0)
    store.save_session(ALICE, "drill", {"topic": "llm"}, T0)
    assert store.load_session(ALICE, "mock") == {"questions": ["q1", "q2"], "index": 1, "notes": {"q1": 0.5}}
    assert store.load_session(BOB, "mock") is None
    assert store.clear_session(ALICE, "mock") is True
    assert store.clear_session(ALICE, "mock") is False
    assert store.load_session(ALICE, "mock") is None
    assert store.load_session(ALICE, "drill") == {"topic": "llm"}


def test_session_data_must_be_json(store):
    """Non-JSON session data is rejected before touching the database."""
    with pytest.raises(TypeError, match="JSON"):
        store.save_session(ALICE, "mock", {"when": T0}, T0)


def test_turns_recent_oldest_first_with_limit(store):
    """recent_turns returns the last `limit` turns of one conversation, oldest first."""
    for i in range(8):
        store.append_turn("dm:alice", "user" if i % 2 == 0 else "bot", f"line {i}", T0 + timedelta(seconds=i))
    store.append_turn("thread:7001", "user", "elsewhere", T0)
    turns = store.recent_turns("dm:alice")
    assert [t.text for t in turns] == [f"line {i}" for i in range(2, 8)]
    assert turns[0].speaker == "user" and turns[-1].created_at == T0 + timedelta(seconds=7)
    assert [t.text for t in store.recent_turns("dm:alice", limit=2)] == ["line 6", "line 7"]
    assert store.recent_turns("nobody") == []
    assert store.clear_turns("dm:alice") == 8
    assert [t.text for t in store.recent_turns("thread:7001")] == ["elsewhere"]


def test_turns_are_pruned_beyond_the_cap(db_url):
    """Conversation memory keeps at most max_turns_per_conversation turns per key."""
    s = StateStore(db_url, max_turns_per_conversation=5)
    try:
        for i in range(12):
            s.append_turn("k", "user", str(i), T0)
        assert [t.text for t in s.recent_turns("k", limit=100)] == ["7", "8", "9", "10", "11"]
    finally:
        s.close()


# --------------------------------------------------------------------------- feedback / threads


def test_feedback_one_vote_per_user_later_vote_replaces(store):
    """Each user has one vote per target; voting again replaces it, and totals reflect that."""
    store.record_feedback(ALICE, "answer:1", +1, T0)
    store.record_feedback(BOB, "answer:1", +1, T0)
    totals = store.record_feedback(ALICE, "answer:1", -1, T0)
    assert (totals.up, totals.down, totals.score) == (1, 1, 0)
    store.record_feedback(ALICE, "answer:1", -1, T0)
    assert store.feedback_totals("answer:1") == totals
    assert store.feedback_totals("answer:2").score == 0
    with pytest.raises(ValueError):
        store.record_feedback(ALICE, "answer:1", 2, T0)


def test_bot_threads_are_remembered(store):
    """is_bot_thread is True only for threads the bot remembered (remembering twice is harmless)."""
    assert store.is_bot_thread("7001") is False
    store.remember_bot_thread(7001, GUILD)
    store.remember_bot_thread("7001", GUILD)
    assert store.is_bot_thread("7001") is True
    assert store.is_bot_thread("7002") is False


# --------------------------------------------------------------------------- persistence / concurrency


def test_state_persists_across_reopening(db_url):
    """Everything written is still there after the store is closed and reopened (a restart)."""
    s = reopen(db_url)
    s.set_target_role(ALICE, "ml-engineer")
    card = s.review_card(ALICE, "q1", "easy", T0)
    s.record_answer(ALICE, GUILD, "q1", "llm", "answer", 2, 3, T0)
    s.record_activity(GUILD, ALICE, D0)
    s.set_studygroup(GUILD, "999", "09:00", "Europe/Berlin")
    s.claim_daily_post(GUILD, D0)
    s.set_daily_thread(GUILD, D0, "7001", "q1")
    s.save_session(ALICE, "mock", {"index": 2}, T0)
    s.append_turn("dm:alice", "user", "hello", T0)
    s.record_feedback(ALICE, "answer:1", 1, T0)
    s.remember_bot_thread("7002", GUILD)
    s.close()

    s = reopen(db_url)
    try:
        assert s.get_target_role(ALICE) == "ml-engineer"
        assert s.get_card(ALICE, "q1") == card
        assert s.due_cards(ALICE, card.due)[0].question_id == "q1"
        assert [a.answer for a in s.recent_answers(ALICE)] == ["answer"]
        assert s.record_activity(GUILD, ALICE, D0 + timedelta(days=1)) == 2
        assert s.get_studygroup(GUILD).timezone == "Europe/Berlin"
        assert s.claim_daily_post(GUILD, D0) is False
        assert s.question_for_thread("7001") == "q1"
        assert s.load_session(ALICE, "mock") == {"index": 2}
        assert [t.text for t in s.recent_turns("dm:alice")] == ["hello"]
        assert s.feedback_totals("answer:1").up == 1
        assert s.is_bot_thread("7002")
    finally:
        s.close()


async def test_concurrent_writes_from_worker_threads(store):
    """Many simultaneous asyncio.to_thread writers all succeed without 'database is locked'."""

    def work(i: int) -> None:
        uid = f"user{i % 4}"
        store.record_answer(uid, GUILD, f"q{i}", "llm", "x", 1, 2, T0)
        store.review_card(uid, f"q{i % 3}", "good", T0 + timedelta(seconds=i))
        store.append_turn(f"conv{i % 2}", "user", str(i), T0)
        store.record_activity(GUILD, uid, D0)

    await asyncio.gather(*(asyncio.to_thread(work, i) for i in range(40)))
    rows = store.leaderboard(GUILD, "all", D0)
    assert sum(r.answers for r in rows) == 40
    assert all(r.streak == 1 for r in rows)
    assert sum(store.card_counts(f"user{i}", T0)[0] for i in range(4)) == 12
    assert len(store.recent_turns("conv0", limit=100)) == 20
