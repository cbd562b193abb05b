"""The `waymark` command: migrate and seed-demo on a fresh SQLite file, with the demo
guard rails."""

from click.testing import CliRunner

from waymark.cli import main
from waymark.db import head_revision


def test_migrate_then_seed_demo_once(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WAYMARK_DEMO_MODE", "true")
    monkeypatch.setenv("WAYMARK_SECRET_KEY", "x" * 40)
    runner = CliRunner()
    migrated = runner.invoke(main, ["migrate"])
    assert migrated.exit_code == 0 and f"Database at migration {head_revision()}" in migrated.output
    seeded = runner.invoke(main, ["seed-demo"])
    assert seeded.exit_code == 0 and "2 councils, 8 staff, 5 young people, 5 plans" in seeded.output
    again = runner.invoke(main, ["seed-demo"])
    assert again.exit_code != 0 and "already there" in again.output
    assert runner.invoke(main, ["seed-demo", "--if-empty"]).exit_code == 0


def test_demo_commands_refuse_outside_demo_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WAYMARK_DEMO_MODE", "false")
    monkeypatch.setenv("WAYMARK_SECRET_KEY", "x" * 40)
    for name in ("WAYMARK_OIDC_ISSUER", "WAYMARK_OIDC_CLIENT_ID"):
        monkeypatch.setenv(name, "set")
    monkeypatch.setenv("WAYMARK_OIDC_CLIENT_SECRET", "set")
    runner = CliRunner()
    for command in (["seed-demo"], ["dev-idp"]):
        result = runner.invoke(main, command)
        assert result.exit_code != 0 and "WAYMARK_DEMO_MODE=true" in result.output


def test_serve_refuses_without_secrets(monkeypatch):
    for name in ("WAYMARK_SECRET_KEY", "WAYMARK_OIDC_ISSUER", "WAYMARK_DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code != 0 and "WAYMARK_SECRET_KEY" in result.output
