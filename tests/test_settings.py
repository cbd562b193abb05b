"""Settings refuse to start without secrets outside demo mode; demo data needs demo mode."""

import pytest
from pydantic import SecretStr

from tests import factories
from tests.factories import make_settings
from waymark.app import create_app
from waymark.settings import Settings, SettingsError


def test_no_secrets_no_start(monkeypatch):
    for name in (
        "WAYMARK_SECRET_KEY",
        "WAYMARK_OIDC_ISSUER",
        "WAYMARK_OIDC_CLIENT_ID",
        "WAYMARK_OIDC_CLIENT_SECRET",
        "WAYMARK_DEMO_MODE",
        "WAYMARK_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError) as refused:
        create_app(Settings(database_url="sqlite://"))
    for name in ("WAYMARK_SECRET_KEY", "WAYMARK_OIDC_ISSUER", "WAYMARK_OIDC_CLIENT_SECRET", "WAYMARK_BASE_URL"):
        assert name in str(refused.value)


def test_outside_demo_mode_the_public_address_is_required_for_alert_links():
    with pytest.raises(SettingsError, match="WAYMARK_BASE_URL"):
        make_settings("http://idp.example", base_url="").check()
    settings = make_settings("http://idp.example", base_url="https://waymark.riverside.gov.uk/").check()
    assert settings.public_url == "https://waymark.riverside.gov.uk"
    demo = Settings(demo_mode=True, port=8123, _env_file=None).check()
    assert demo.public_url == "http://127.0.0.1:8123"  # a working address where the demo is served


def test_short_secret_key_is_refused():
    with pytest.raises(SettingsError, match="at least 32"):
        make_settings("http://idp.example", secret_key=SecretStr("too-short")).check()


def test_settings_come_from_waymark_environment_variables(monkeypatch):
    monkeypatch.setenv("WAYMARK_PORT", "9123")
    monkeypatch.setenv("WAYMARK_DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = Settings()
    assert settings.port == 9123 and not settings.is_sqlite


def test_demo_mode_fills_in_local_secrets(tmp_path, monkeypatch):
    import waymark.settings

    monkeypatch.setattr(waymark.settings, "VAR_DIR", tmp_path)  # not the checkout's var/
    settings = Settings(demo_mode=True, database_url="sqlite://").check()
    assert (tmp_path / "demo-secret-key").exists()
    assert settings.secret_key is not None and len(settings.secret_key.get_secret_value()) >= 32
    assert settings.oidc_issuer == "http://127.0.0.1:9400"


def test_demo_data_without_demo_mode_refuses_to_start(settings, database, db_session):
    tenant = factories.make_tenant(db_session)
    tenant.is_demo = True
    db_session.add(tenant)
    db_session.commit()
    with pytest.raises(SettingsError, match="demo data"):
        create_app(settings, database=database)
    create_app(make_settings(settings.oidc_issuer, demo_mode=True), database=database)
