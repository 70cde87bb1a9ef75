from __future__ import annotations

import stat
import subprocess
import sys
from ipaddress import ip_network
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.settings import PROJECT_ROOT, Environment, Settings


def test_settings_come_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LOCAL_OFFER_DATABASE_URL", "postgresql://u:p@db.example/local_offer")
    monkeypatch.setenv("LOCAL_OFFER_CORS_ORIGINS", "https://app.notts.demo, https://admin.notts.demo")
    monkeypatch.setenv("LOCAL_OFFER_LOG_LEVEL", "debug")
    monkeypatch.setenv("LOCAL_OFFER_DEMO", "true")
    monkeypatch.setenv("LOCAL_OFFER_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7,2001:db8::/32")
    monkeypatch.setenv("LOCAL_OFFER_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.database_url == "postgresql://u:p@db.example/local_offer"
    assert settings.cors_origins == ["https://app.notts.demo", "https://admin.notts.demo"]
    assert settings.log_level == "DEBUG"
    assert settings.demo is True
    assert settings.trusted_proxies == [
        ip_network("10.0.0.0/8"),
        ip_network("192.0.2.7"),
        ip_network("2001:db8::/32"),
    ]
    assert settings.trusted_proxy_hosts == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]


def test_no_proxy_is_trusted_unless_configured(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).trusted_proxies == []
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(data_dir=tmp_path, trusted_proxies="*")
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(data_dir=tmp_path, trusted_proxies="proxy.internal")


def test_unknown_log_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="log_level"):
        Settings(log_level="chatty", data_dir=tmp_path)


def test_production_refuses_demo_mode_and_a_missing_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="LOCAL_OFFER_DEMO"):
        Settings(environment=Environment.PRODUCTION, demo=True, secret_key="x" * 40)
    with pytest.raises(ValueError, match="LOCAL_OFFER_SECRET_KEY must be set"):
        Settings(environment=Environment.PRODUCTION, data_dir=tmp_path)
    assert not (tmp_path / "secret_key").exists()  # never made up outside development and test
    production = Settings(environment=Environment.PRODUCTION, secret_key="k" * 40)
    assert production.signing_key == "k" * 40


def test_short_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(secret_key="short")


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TEST])
def test_development_and_test_make_a_private_key_once_per_data_directory(
    environment: Environment, tmp_path: Path
) -> None:
    first = Settings(environment=environment, data_dir=tmp_path / "a")
    key_file = tmp_path / "a" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.signing_key) >= 32
    assert Settings(environment=environment, data_dir=tmp_path / "a").signing_key == first.signing_key
    assert Settings(environment=environment, data_dir=tmp_path / "b").signing_key != first.signing_key
    # A configured key wins, and nothing is written.
    assert (
        Settings(environment=environment, data_dir=tmp_path / "c", secret_key="c" * 40).signing_key
        == "c" * 40
    )
    assert not (tmp_path / "c").exists()


def test_the_key_lives_beside_the_sqlite_file_by_default(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/data/app.db")
    assert settings.key_directory == tmp_path / "data"
    assert (tmp_path / "data" / "secret_key").read_text().strip() == settings.signing_key
    assert Settings(database_url="postgresql://db.example/x", secret_key="p" * 40).key_directory == (
        PROJECT_ROOT / "var"
    )


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    """Like uvicorn workers: each makes a key if there is none, and all end up signing with the same one."""
    script = (
        "from app.core.settings import Settings; import sys; "
        "print(Settings(data_dir=sys.argv[1]).signing_key)"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert len(keys) == 1
    assert keys == {(tmp_path / "secret_key").read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left


def test_an_unreadable_key_file_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(ValueError, match="no usable key"):
        Settings(data_dir=tmp_path)
