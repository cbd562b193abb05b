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


def test_import_checks_then_imports_a_caseload_file(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WAYMARK_DEMO_MODE", "true")
    monkeypatch.setenv("WAYMARK_SECRET_KEY", "x" * 40)
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    assert runner.invoke(main, ["seed-demo"]).exit_code == 0
    good = tmp_path / "caseload.csv"
    good.write_text(
        "Person ID,Name,DOB,Status,PA Email\n"
        "LL1,Rhys Evans,03/04/2006,relevant,tom@riverside.example\n"
        "LL2,Maya Lee,2005-09-30,Former relevant,tom@riverside.example\n",
        encoding="cp1252",
    )
    who = ["--council", "riverside", "--as", "sasha@riverside.example"]
    dry = runner.invoke(main, ["import", str(good), *who, "--dry-run"])
    assert dry.exit_code == 0 and "2 rows: 2 new" in dry.output and "Dry run: nothing changed." in dry.output
    done = runner.invoke(main, ["import", str(good), *who])
    assert done.exit_code == 0 and "Imported: 2 new, 0 updated, 0 moved to a new worker." in done.output
    again = runner.invoke(main, ["import", str(good), *who])
    assert again.exit_code == 0 and "2 unchanged" in again.output and "Imported: 0 new" in again.output

    bad = tmp_path / "bad.csv"
    bad.write_text("Person ID,Name,DOB,Status,PA Email\nLL3,=cmd,1/1/07,adopted,nobody@x.example\n")
    report = tmp_path / "problems.csv"
    refused = runner.invoke(main, ["import", str(bad), *who, "--report", str(report)])
    assert refused.exit_code != 0 and "Nothing imported" in refused.output
    assert "row 2, date_of_birth: Use a 4-digit year" in refused.output
    assert "Use one of: eligible" in report.read_text()

    not_admin = runner.invoke(main, ["import", str(good), "--council", "riverside", "--as", "tom@riverside.example"])
    assert not_admin.exit_code != 0 and "not an active admin" in not_admin.output


def test_vapid_keys_makes_a_pair_that_signs_and_verifies():
    import base64

    from py_vapid import Vapid

    result = CliRunner().invoke(main, ["vapid-keys"])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.output.strip().splitlines())
    vapid = Vapid.from_string(lines["WAYMARK_VAPID_PRIVATE_KEY"])
    public = base64.urlsafe_b64decode(lines["WAYMARK_VAPID_PUBLIC_KEY"] + "==")
    assert len(public) == 65 and public[0] == 4  # an uncompressed P-256 point, as browsers want
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    assert vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint) == public


def test_a_council_is_set_up_without_sql_outside_demo_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("WAYMARK_DEMO_MODE", "false")
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    assert "No councils yet" in runner.invoke(main, ["council", "list"]).output
    create = ["council", "create", "--slug", "riverside", "--name", "Riverside Council"]
    made = runner.invoke(main, [*create, "--admin-email", "Sasha.Novak@riverside.gov.uk", "--welsh"])
    assert made.exit_code == 0, made.output
    assert "Created Riverside Council (riverside), in English and Welsh." in made.output
    assert "First admin: Sasha Novak <sasha.novak@riverside.gov.uk>." in made.output
    refused = runner.invoke(main, ["council", "create", "--slug", "Hill side", "--name", " ", "--admin-email", "x@"])
    assert refused.exit_code != 0 and "Nothing was created." in refused.output
    assert "short name must be" in refused.output and "name must be 1 to 120" in refused.output
    assert "email address is not valid" in refused.output
    again = runner.invoke(main, [*create, "--admin-email", "SASHA.NOVAK@riverside.gov.uk"])
    assert again.exit_code != 0 and "already a council with the short name 'riverside'" in again.output
    assert "sasha.novak@riverside.gov.uk already has a Waymark account (in Riverside Council)" in again.output
    listed = runner.invoke(main, ["council", "list"]).output.splitlines()
    assert len(listed) == 2 and listed[1].split()[:3] == ["riverside", "Riverside", "Council"]
    assert listed[1].split()[-4:] == ["en+cy", "1", "1", "0"]  # languages, admins, staff, young people
