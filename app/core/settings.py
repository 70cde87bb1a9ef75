"""Settings from `LOCAL_OFFER_*` environment variables (and an optional `.env` file)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "local_offer.db"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting is read once at start-up; the README lists them all."""

    model_config = SettingsConfigDict(
        env_prefix="LOCAL_OFFER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: sqlite:///path/to.db or postgresql://user:pass@host/db",
    )
    database_pool_size: int = Field(default=10, ge=1, le=200)
    database_echo: bool = False
    demo: bool = Field(
        default=False, description="Demo mode: loads fictional data and accepts the demo password"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Where clients reach the API; used in `next` links"
    )
    secret_key: SecretStr = Field(
        default=SecretStr("development-only-key-change-me-in-production-0123456789"),
        description="Signs access tokens (HS256); at least 32 characters; must be set in production",
    )
    max_page_size: int = Field(default=100, ge=1, le=1000)
    default_page_size: int = Field(default=25, ge=1, le=1000)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # A comma-separated list is easier to set in an environment than JSON.
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}:
            raise ValueError("must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG")
        return level

    @field_validator("secret_key")
    @classmethod
    def _key_length(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters")
        return value

    def model_post_init(self, __context: object) -> None:
        if self.environment is Environment.PRODUCTION:
            if self.demo:
                raise ValueError("LOCAL_OFFER_DEMO cannot be enabled in production")
            if "development-only" in self.secret_key.get_secret_value():
                raise ValueError("LOCAL_OFFER_SECRET_KEY must be set in production")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
