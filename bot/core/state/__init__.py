"""Persistent state for prepbot (SQLAlchemy 2; SQLite by default, PostgreSQL-ready).

Import from here, not from the submodules::

    from bot.core.state import StateStore, InvalidSetting

    store = StateStore.for_data_dir(settings.data_dir)
    card = await asyncio.to_thread(store.review_card, user_id, qid, "good", datetime.now(UTC))
"""

from .errors import InvalidSetting, StateError, StateUnavailable
from .migrations import LATEST_VERSION, MIGRATIONS, migrate
from .models import (
    AnswerRecord,
    CardState,
    DailyPost,
    FeedbackTotals,
    LeaderboardRow,
    Progress,
    StudyGroup,
    TopicProgress,
    Turn,
)
from .personal import KeptResume, SavedPlan, UserPrefs
from .store import (
    DB_FILENAME,
    DM_SCOPE,
    RATINGS,
    Snowflake,
    StateStore,
    parse_post_time,
    parse_rating,
    parse_timezone,
)

__all__ = [
    "DB_FILENAME",
    "DM_SCOPE",
    "LATEST_VERSION",
    "MIGRATIONS",
    "RATINGS",
    "AnswerRecord",
    "CardState",
    "DailyPost",
    "FeedbackTotals",
    "InvalidSetting",
    "KeptResume",
    "LeaderboardRow",
    "Progress",
    "SavedPlan",
    "Snowflake",
    "StateError",
    "StateStore",
    "StateUnavailable",
    "StudyGroup",
    "TopicProgress",
    "Turn",
    "UserPrefs",
    "migrate",
    "parse_post_time",
    "parse_rating",
    "parse_timezone",
]
