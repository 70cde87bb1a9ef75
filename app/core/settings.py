"""Settings from `LOCAL_OFFER_*` environment variables (and an optional `.env` file)."""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"
DEFAULT_SQLITE_PATH = DEFAULT_DATA_DIR / "local_offer.db"
SECRET_KEY_FILE = "secret_key"
MIN_KEY_LENGTH = 32


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
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs access tokens (HS256); at least 32 characters. Without it only development and "
        "test start, with a random key kept in the data directory",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Where development and test keep their generated key: by default the SQLite file's "
        "directory, or var/",
    )
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks of the reverse proxies whose X-Forwarded-For is believed",
    )
    max_body_bytes: int = Field(default=1_000_000, ge=1_000, description="Largest JSON body accepted")
    max_upload_bytes: int = Field(
        default=11_000_000, ge=1_000, description="Largest file upload (CSV imports, claim evidence)"
    )
    access_token_minutes: int = Field(default=15, ge=1, le=120)
    refresh_token_days: int = Field(default=30, ge=1, le=90)
    token_issuer: str = "urn:local-offer:api"
    token_audience: str = "urn:local-offer:api"
    external_issuers: list[ExternalIssuer] = Field(
        default_factory=list, description="JSON list of identity providers whose tokens are accepted"
    )
    # Failed sign-ins (app/auth/throttle.py): past a threshold each further try waits, the wait
    # doubling with each failure up to a ceiling; nothing is ever blocked outright.
    sign_in_slowdown_after: int = Field(default=3, ge=1)
    sign_in_first_wait_seconds: int = Field(
        default=1, ge=1, le=3600, description="Doubles with each further failure"
    )
    sign_in_max_wait_seconds: int = Field(default=900, ge=1, le=86_400)
    sign_in_max_failures_per_address: int = Field(default=50, ge=2)
    sign_in_forget_minutes: int = Field(default=60, ge=1, le=10_080)
    # Partner status checks (app/partners/status_checks.py): a fixed window per partner organisation, and
    # the least time every answer takes, so a yes, a no and a not-found take the same time.
    status_checks_per_minute: int = Field(default=60, ge=1, le=10_000)
    status_check_min_milliseconds: int = Field(default=50, ge=0, le=5_000)
    invitation_days: int = Field(
        default=7, ge=1, le=30, description="How long a young person's invitation to the app stays valid"
    )

    # Webhook deliveries (app/events/worker.py, `python -m app worker`): the first retry after
    # webhook_backoff_base_seconds, doubling (with jitter) up to webhook_backoff_max_seconds; after
    # webhook_max_attempts tries (about a day with the defaults) a delivery becomes a dead letter.
    webhook_backoff_base_seconds: float = Field(default=10.0, gt=0, le=3600)
    webhook_backoff_max_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    webhook_max_attempts: int = Field(default=32, ge=1, le=100)
    webhook_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="A delivery claimed by a worker that died is retried after this",
    )
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60, description="How often the worker looks")
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="Per request to a receiver")
    webhook_batch_size: int = Field(default=20, ge=1, le=500)

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        # A comma-separated list is easier to set in an environment than JSON.
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
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
    def _key_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_KEY_LENGTH:
            raise ValueError(f"must be at least {MIN_KEY_LENGTH} characters")
        return value

    def model_post_init(self, __context: object) -> None:
        if self.environment is Environment.PRODUCTION and self.demo:
            raise ValueError("LOCAL_OFFER_DEMO cannot be enabled in production")
        if self.secret_key is None:
            if self.environment not in {Environment.DEVELOPMENT, Environment.TEST}:
                raise ValueError(f"LOCAL_OFFER_SECRET_KEY must be set in {self.environment.value}")
            self.secret_key = SecretStr(development_key(self.key_directory))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def key_directory(self) -> Path:
        """Where a generated key lives: beside the SQLite file, so each database keeps its own."""
        if self.data_dir is not None:
            return self.data_dir
        prefix = "sqlite:///"
        path = self.database_url[len(prefix) :] if self.database_url.startswith(prefix) else ""
        if path and path != ":memory:":
            return Path(path).parent
        return DEFAULT_DATA_DIR

    @property
    def signing_key(self) -> str:
        assert self.secret_key is not None  # set in model_post_init, or start-up failed
        return self.secret_key.get_secret_value()

    @property
    def trusted_proxy_hosts(self) -> list[str]:
        return [str(network) for network in self.trusted_proxies]


def development_key(directory: Path) -> str:
    """The key this data directory signs with in development and test: created once, then reused.

    Written to a private temporary file and linked into place, so processes starting together
    (uvicorn workers) agree on one key, and a half-written key is never read.
    """
    path = directory / SECRET_KEY_FILE
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = directory / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    key = path.read_text().strip()
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"{path} holds no usable key: delete it to make a new one")
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
