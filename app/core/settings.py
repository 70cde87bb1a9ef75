"""Settings from `LOCAL_OFFER_*` environment variables (and an optional `.env` file)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "local_offer.db"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ExternalIssuer(BaseModel):
    """A council's identity provider (Microsoft Entra ID and the like) whose tokens we accept."""

    issuer: str = Field(description="The `iss` claim, e.g. https://login.microsoftonline.com/<tenant>/v2.0")
    jwks_url: str = Field(description="Where the issuer publishes its signing keys")
    audience: str = Field(description="The `aud` our API is registered as with that issuer")
    user_claim: str = Field(
        default="email", description="Claim matched (case-insensitively) to an account email"
    )
    local_authority: str = Field(
        pattern=r"^E\d{8}$", description="GSS code: only that council's staff may sign in through this issuer"
    )
    algorithms: list[str] = Field(default_factory=lambda: ["RS256"])

    @field_validator("algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        # An HS* algorithm would let anyone holding the public key forge tokens.
        allowed = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
        if not value or not set(value) <= allowed:
            raise ValueError(f"must be asymmetric algorithms from {sorted(allowed)}")
        return value


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
        default="http://127.0.0.1:8000",
        description="Where clients reach the API: the OpenAPI `servers` entry",
    )
    secret_key: SecretStr = Field(
        default=SecretStr("development-only-key-change-me-in-production-0123456789"),
        description="Signs access tokens (HS256); at least 32 characters; must be set in production",
    )
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, description="Largest JSON body accepted")
    max_upload_bytes: int = Field(
        default=11_000_000, ge=1_000, description="Largest file upload (CSV imports)"
    )
    access_token_minutes: int = Field(default=15, ge=1, le=120)
    refresh_token_days: int = Field(default=30, ge=1, le=90)
    token_issuer: str = "urn:local-offer:api"
    token_audience: str = "urn:local-offer:api"
    external_issuers: list[ExternalIssuer] = Field(
        default_factory=list, description="JSON list of identity providers whose tokens are accepted"
    )
    # Failed sign-ins: after `slowdown_after` failures, each try must wait 2^n seconds; after
    # `max_failures` the account (or address, after `max_failures_per_address`) is refused for a while.
    sign_in_slowdown_after: int = Field(default=3, ge=1)
    sign_in_first_wait_seconds: int = Field(
        default=1, ge=1, le=60, description="Doubles with each further failure"
    )
    sign_in_max_failures: int = Field(default=10, ge=2)
    sign_in_max_failures_per_address: int = Field(default=50, ge=2)
    sign_in_block_minutes: int = Field(default=15, ge=1)

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
