from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.settings import Environment, Settings


def test_settings_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCAL_OFFER_DATABASE_URL", "postgresql://u:p@db.example/local_offer")
    monkeypatch.setenv("LOCAL_OFFER_CORS_ORIGINS", "https://app.notts.demo, https://admin.notts.demo")
    monkeypatch.setenv("LOCAL_OFFER_LOG_LEVEL", "debug")
    monkeypatch.setenv("LOCAL_OFFER_DEMO", "true")
    settings = Settings()
    assert settings.database_url == "postgresql://u:p@db.example/local_offer"
    assert settings.cors_origins == ["https://app.notts.demo", "https://admin.notts.demo"]
    assert settings.log_level == "DEBUG"
    assert settings.demo is True


def test_unknown_log_level_is_refused() -> None:
    with pytest.raises(ValidationError, match="log_level"):
        Settings(log_level="chatty")


def test_production_refuses_demo_mode_and_the_development_key() -> None:
    with pytest.raises(ValueError, match="LOCAL_OFFER_DEMO"):
        Settings(environment=Environment.PRODUCTION, demo=True, secret_key="x" * 40)
    with pytest.raises(ValueError, match="LOCAL_OFFER_SECRET_KEY"):
        Settings(environment=Environment.PRODUCTION)
    assert Settings(environment=Environment.PRODUCTION, secret_key="k" * 40).demo is False


def test_short_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(secret_key="short")
