"""The ``waymark`` command: serve, migrate, seed-demo, dev-idp."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from waymark.identity.permissions import COUNCIL_ADMIN
from waymark.settings import Settings, SettingsError


def _settings() -> Settings:
    try:
        return Settings().check()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def main() -> None:
    """Waymark: run the app and look after its database."""


@main.command()
@click.option("--host", default=None, help="Defaults to WAYMARK_HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Defaults to WAYMARK_PORT (8000).")
@click.option("--workers", default=1, show_default=True)
@click.option("--jobs/--no-jobs", default=True, show_default=True, help="Run background jobs in this process.")
def serve(host: str | None, port: int | None, workers: int, jobs: bool) -> None:
    """Serve the app with uvicorn (and run background jobs, unless --no-jobs)."""
    import uvicorn

    from waymark.app import create_app

    settings = _settings()
    try:
        app = create_app(settings)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if jobs:
        from waymark.jobs.service import Worker

        Worker(app.state.db.session).start()  # the single-process set-up runs jobs too
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        **settings.server_options(),  # type: ignore[arg-type]
        access_log=False,
        server_header=False,
    )


@main.command()
@click.option("--interval", default=15.0, show_default=True, help="Seconds between looks for due jobs.")
def worker(interval: float) -> None:
    """Run background jobs (escalations, reminders) until stopped. Run as many as you
    like beside `waymark serve --no-jobs`: each job runs once."""
    import waymark.app  # noqa: F401 (importing the app registers every feature's job handlers)
    from waymark.db import Database, make_engine
    from waymark.jobs.service import Worker

    database = Database(make_engine(_settings().database_url))
    click.echo(f"Running jobs every {interval:g}s. Stop with Ctrl-C.")
    runner = Worker(database.session, interval=interval)
    try:
        runner.run()
    except KeyboardInterrupt:
        runner.stop()


@main.command()
def migrate() -> None:
    """Apply database migrations (creates the SQLite file if needed). Needs only
    WAYMARK_DATABASE_URL."""
    from waymark import db

    engine = db.make_engine(Settings().database_url)
    db.migrate(engine)
    click.echo(f"Database at migration {db.current_revision(engine)}.")


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Write over FILE if it is already there.")
def backup_command(file: Path, replace: bool) -> None:
    """Write a consistent copy of the database to FILE while the app keeps running
    (SQLite: an online backup; PostgreSQL: pg_dump). Needs only WAYMARK_DATABASE_URL."""
    from waymark import backup

    try:
        done = backup.backup(Settings().database_url, file, replace=replace)
    except backup.BackupError as exc:
        raise click.ClickException(f"No backup made. {exc}") from None
    click.echo(
        f"Backed up {done.tables} tables at migration {done.revision} to {done.file} ({done.size / 1e6:.1f} MB)."
    )


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore FILE (made by `waymark backup`) into the empty database at
    WAYMARK_DATABASE_URL. Refuses a database that holds any table."""
    from waymark import backup, db

    try:
        done = backup.restore(file, Settings().database_url)
    except backup.BackupError as exc:
        raise click.ClickException(f"Nothing restored. {exc}") from None
    click.echo(f"Restored {done.tables} tables at migration {done.revision} from {done.file}.")
    if done.revision != db.head_revision():
        click.echo(f"This version of Waymark is at migration {db.head_revision()}: run `waymark migrate` next.")


@main.command("retention")
@click.option("--dry-run", is_flag=True, help="Only list what would be erased or deleted.")
@click.option("--council", "council_slug", default=None, help="One council (its short name); default: all.")
def retention_command(dry_run: bool, council_slug: str | None) -> None:
    """Apply each council's retention policy now (the daily job does the same at
    02:30 UTC): erase accounts past the line, delete unused words and old audit entries."""
    from sqlmodel import col, select

    from waymark.db import Database, make_engine
    from waymark.identity.models import Tenant
    from waymark.retention import service as retention

    database = Database(make_engine(Settings().database_url))
    with database.session() as session:
        query = select(Tenant).order_by(col(Tenant.id))
        if council_slug:
            query = query.where(Tenant.slug == council_slug)
        tenants = session.exec(query).all()
        if not tenants:
            raise click.ClickException(
                f"No council with the short name {council_slug!r}." if council_slug else "No councils."
            )
        for tenant in tenants:
            lines = retention.cutoffs(tenant)
            found = retention.due(session, tenant) if dry_run else retention.apply(session, tenant)
            verb = "Would" if dry_run else "Did"
            click.echo(f"{tenant.name} ({tenant.slug}):")
            click.echo(
                f"  {verb} erase {len(found.accounts)} young people's accounts "
                f"(support ended on or before {lines['support_ended_by']:%-d %b %Y})"
                + (f": ids {', '.join(map(str, found.accounts))}" if dry_run and found.accounts else "")
            )
            if found.held:
                click.echo(
                    f"  Held back {len(found.held)} (a safeguarding alert about them is open): "
                    f"ids {', '.join(map(str, found.held))}"
                )
            click.echo(
                f"  {verb} delete the words of {len(found.answers) + len(found.comments)} answers and comments "
                f"not used (decided before {lines['unused_words_before']:%-d %b %Y})"
            )
            click.echo(
                f"  {verb} delete {found.audit_entries} audit entries (from before {lines['audit_before']:%-d %b %Y})"
            )
        if dry_run:
            click.echo("Dry run: nothing changed.")
        else:
            session.commit()


@main.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if demo data is already there.")
def seed_demo(if_empty: bool) -> None:
    """Add the demo councils and accounts (demo mode only)."""
    from waymark import db, demo

    settings = _settings()
    if not settings.demo_mode:
        raise click.ClickException("seed-demo runs only with WAYMARK_DEMO_MODE=true.")
    database = db.Database(db.make_engine(settings.database_url))
    with database.session() as session:
        if demo.has_demo_data(session):
            if if_empty:
                click.echo("Demo data is already there.")
                return
            raise click.ClickException("Demo data is already there.")
        counts = demo.seed_demo(session)
    click.echo("Demo data added: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()) + ".")


@main.command("check-content")
@click.option("--target", default=12, show_default=True, help="The highest reading age allowed.")
def check_content(target: int) -> None:
    """Check content/: every file loads, reading ages, sources and last-checked dates."""
    from waymark.content_report import content_report

    lines, problems = content_report(target=target)
    for line in lines:
        click.echo(line)
    if problems:
        raise click.ClickException(f"{problems} problem(s) found.")
    click.echo("All content passes.")


@main.group()
def themes() -> None:
    """Theme suggestions for what young people write (content/themes.yaml)."""


@themes.command("suggest")
def themes_suggest() -> None:
    """Read lines of text on standard input; print one JSON object a line:
    {"text": ..., "themes": [...]}, the same suggestions the moderation queue shows."""
    import json

    from waymark.moderation.themes import suggest

    for line in click.get_text_stream("stdin"):
        text = line.rstrip("\n")
        if text.strip():
            click.echo(json.dumps({"text": text, "themes": suggest(text)}, ensure_ascii=False))


@themes.command("evaluate")
@click.argument("labelled", type=click.Path(exists=True, dir_okay=False))
def themes_evaluate(labelled: str) -> None:
    """Precision and recall of the suggestions on a labelled JSON-lines file
    ({"text": ..., "themes": [...]} a line), overall and per theme."""
    import json

    from waymark.moderation.themes import evaluate

    rows = [json.loads(line) for line in Path(labelled).read_text(encoding="utf-8").splitlines() if line.strip()]
    result = evaluate((row["text"], row["themes"]) for row in rows)
    click.echo(
        f"{result.statements} statements: precision {result.precision:.2f}, recall {result.recall:.2f}, "
        f"F1 {result.f1:.2f} (micro-averaged)"
    )
    for key, (precision, recall, labelled_count) in result.per_theme.items():
        click.echo(f"  {key:28} precision {precision:.2f}  recall {recall:.2f}  ({labelled_count} labelled)")


@main.group()
def safeguarding() -> None:
    """Safeguarding detection (what raises an alert to the designated lead)."""


@safeguarding.command("check")
def safeguarding_check() -> None:
    """Read lines on standard input; print one JSON object a line: ``risk`` (true for
    anything that goes to the duty list), ``level`` ("urgent" or "check"), the kinds
    and the reasons."""
    import json

    from waymark.safeguarding.detect import check

    for line in click.get_text_stream("stdin"):
        text = line.rstrip("\n")
        if text.strip():
            signal = check(text)
            row = {"text": text, "risk": signal.risk, "level": signal.level, "kinds": signal.kinds, "why": signal.why}
            click.echo(json.dumps(row, ensure_ascii=False))


@safeguarding.command("evaluate")
@click.argument("labelled", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--misses", is_flag=True, help="List what was missed and the false alarms (not for the held-out set).")
def safeguarding_evaluate(labelled: tuple[str, ...], misses: bool) -> None:
    """Recall on risk statements and the false-alarm rate on the rest, one JSON object
    a line per set: every set in content/safeguarding/, or the JSON-lines files given
    ({"text": ..., "risk": true|false} a line)."""
    import json

    from waymark.safeguarding.detect import check
    from waymark.safeguarding.evaluation import ALL_SETS, HELDOUT_SETS, SETS_DIR, evaluate, load_set

    sets = {Path(p).stem: load_set(Path(p).stem, Path(p).parent) for p in labelled} or {
        name: load_set(name, SETS_DIR) for name in ALL_SETS
    }
    for name, rows in sets.items():
        result = evaluate(rows, lambda text: check(text).risk)
        click.echo(json.dumps(result.line(name)))
        if misses and name in HELDOUT_SETS:
            raise click.ClickException("held-out sets are only reported: reading their misses would be tuning on them")
        if misses:
            for text in result.missed:
                click.echo(f"  missed: {text}")
            for text in result.false_alarms:
                click.echo(f"  false alarm: {text}")


@safeguarding.command("train")
def safeguarding_train() -> None:
    """Rebuild the model file from the labelled sets (needs scikit-learn: make
    install-dev). The same data gives the same file."""
    import json

    from waymark.safeguarding import training

    data, tried = training.train()
    for row in tried:
        click.echo(json.dumps(row))
    training.write(data)
    click.echo(f"wrote {training.model.MODEL_FILE} (C={data['C']}, thresholds {data['thresholds']})")


@main.group()
def redaction() -> None:
    """Finding names and other personal details for moderators to take out."""


@redaction.command("evaluate")
@click.argument("labelled", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def redaction_evaluate(labelled: tuple[str, ...]) -> None:
    """Names taken out whole, and words kept that must stay, one JSON object a line
    per set: content/safeguarding/names-*.jsonl, or the files given."""
    import json

    from waymark.moderation import personal
    from waymark.settings import ROOT

    paths = [Path(p) for p in labelled] or sorted((ROOT / "content" / "safeguarding").glob("names-*.jsonl"))
    for path in paths:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        click.echo(json.dumps({"set": path.stem, **personal.evaluate(rows)}))


@main.group()
def council() -> None:
    """Set up councils (on any database, outside demo mode too)."""


@council.command("create")
@click.option("--slug", required=True, help="Short name, used in addresses and commands (riverside).")
@click.option("--name", required=True, help='The council\'s name as people know it ("Riverside Council").')
@click.option("--admin-email", required=True, help="The first admin: they sign in with this email through the IdP.")
@click.option("--admin-name", default="", help="The first admin's name (default: from the email address).")
@click.option("--welsh", is_flag=True, help="Offer Welsh as well as English to the council's people.")
def council_create(slug: str, name: str, admin_email: str, admin_name: str, welsh: bool) -> None:
    """Create a council and its first admin."""
    from waymark.db import Database, make_engine
    from waymark.errors import InputError
    from waymark.identity import councils

    settings = Settings()
    database = Database(make_engine(settings.database_url))
    with database.session() as session:
        try:
            tenant, admin = councils.create(
                session, slug=slug, name=name, admin_email=admin_email, admin_name=admin_name, welsh=welsh
            )
        except InputError as exc:
            raise click.ClickException("Nothing was created.\n" + "\n".join(exc.errors.values())) from None
    click.echo(
        f"Created {tenant.name} ({tenant.slug}), in {' and '.join(_LANGUAGE_NAMES[c] for c in tenant.languages)}."
    )
    click.echo(f"First admin: {admin.full_name} <{admin.email}>.")
    click.echo(
        "Next: point the identity provider at Waymark (WAYMARK_OIDC_*, or this council's own in "
        "WAYMARK_COUNCIL_OIDC with its host in WAYMARK_COUNCIL_HOSTS), then the admin signs in at "
        f"{settings.url_for(tenant.slug)}/login/staff and finishes set-up at /staff/admin."
    )


_LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}


@council.command("list")
def council_list() -> None:
    """Every council, with its admins, staff and young people."""
    from waymark.db import Database, make_engine
    from waymark.identity import councils

    database = Database(make_engine(Settings().database_url))
    with database.session() as session:
        rows = councils.listing(session)
    if not rows:
        click.echo("No councils yet: waymark council create --help")
        return
    click.echo(f"{'slug':<20} {'name':<32} {'languages':<10} {'admins':>6} {'staff':>6} {'young people':>12}")
    for r in rows:
        name = r.name + (" (demo)" if r.is_demo else "")
        click.echo(
            f"{r.slug:<20} {name:<32} {'+'.join(r.languages):<10} {r.admins:>6} {r.staff:>6} {r.young_people:>12}"
        )


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--council", "council_slug", required=True, help="The council's short name (its slug).")
@click.option("--as", "admin_email", required=True, help="Email of the council admin doing this (audited).")
@click.option("--dry-run", is_flag=True, help="Only check the file and say what would change.")
@click.option("--report", type=click.Path(dir_okay=False, writable=True), help="Write the row problems to this CSV.")
def import_caseload(file: str, council_slug: str, admin_email: str, dry_run: bool, report: str | None) -> None:
    """Import young people and caseloads from a case-management CSV export: the same
    checks and all-or-nothing import as the admin page, with a progress bar."""

    from sqlmodel import select

    from waymark.admin import importer
    from waymark.db import Database, make_engine
    from waymark.identity.models import Tenant, User
    from waymark.identity.sessions import actor_for_user
    from waymark.web.csvfile import csv_text
    from waymark.web.i18n import translations

    t = translations("en")
    database = Database(make_engine(Settings().database_url))
    with database.session() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == council_slug)).first()
        if tenant is None:
            raise click.ClickException(f"No council with the short name {council_slug!r}.")
        user = session.exec(select(User).where(User.email == admin_email.lower(), User.tenant_id == tenant.id)).first()
        actor = actor_for_user(session, user) if user is not None and user.is_active else None
        if actor is None or not actor.can(COUNCIL_ADMIN):
            raise click.ClickException(f"{admin_email} is not an active admin of {tenant.name}.")
        run = importer.check_file(session, actor=actor, filename=Path(file).name, data=Path(file).read_bytes())
        summary = run.summary
        click.echo(
            f"{summary.get('rows', 0):,} rows: {summary.get('new', 0):,} new, {summary.get('updated', 0):,} updated, "
            f"{summary.get('worker_changed', 0):,} moved to a new worker, {summary.get('unchanged', 0):,} unchanged, "
            f"{summary.get('rows_with_problems', 0):,} with problems."
        )

        for p in run.problems[:20]:
            where = f"row {p['row']}" + (f", {p['column']}" if p["column"] else "") if p["row"] else "file"
            click.echo(f"  {where}: {importer.problem_text(p, t.gettext)}" + (f" ({p['value']})" if p["value"] else ""))
        if len(run.problems) > 20:
            click.echo(f"  ... and {len(run.problems) - 20:,} more" + ("" if report else " (use --report FILE)"))
        if report:
            header, rows = importer.report(run.problems, t.gettext)
            Path(report).write_text(csv_text(header, rows), encoding="utf-8")
            click.echo(f"Problems written to {report}.")
        if run.problems:
            raise click.ClickException("Nothing imported: fix the problems and run again.")
        if dry_run:
            click.echo("Dry run: nothing changed.")
            return
        total = importer.start(session, actor=actor, run_id=run.id or 0)
    from waymark.admin.progress import Progress

    click.echo(f"Importing {total:,} rows in one transaction: if anything fails, nothing changes.")
    with click.progressbar(length=100, label="Importing", show_percent=True, show_eta=True) as bar:
        shown = {"percent": 0}

        def advance(phase: str, done: int, phase_total: int) -> None:
            percent = Progress(phase, done, phase_total).percent
            bar.update(max(0, percent - shown["percent"]))
            shown["percent"] = max(shown["percent"], percent)

        result = importer.execute(database.session, run_id=run.id or 0, actor=actor, progress=advance)
        bar.update(100 - shown["percent"])
    if result.status != "done":
        raise click.ClickException(t.gettext(result.error or "") or "The import failed; nothing was changed.")
    click.echo(
        f"Imported: {result.summary['new']:,} new, {result.summary['updated']:,} updated, "
        f"{result.summary['worker_changed']:,} moved to a new worker."
    )


@main.command("vapid-keys")
def vapid_keys() -> None:
    """Make a VAPID key pair for web push. Put both lines in the app's environment
    (and the worker's); keep the private key secret. New keys mean browsers must turn
    messages on again."""
    from waymark.vapid import new_vapid_keys

    keys = new_vapid_keys()
    click.echo(f"WAYMARK_VAPID_PRIVATE_KEY={keys.private_key}")
    click.echo(f"WAYMARK_VAPID_PUBLIC_KEY={keys.public_key}")


@main.command("dev-idp")
@click.option("--port", default=None, type=int, help="Defaults to WAYMARK_DEV_IDP_PORT (9400).")
def dev_idp(port: int | None) -> None:
    """Run the development OIDC provider for demo staff (demo mode only)."""
    settings = _settings()
    if not settings.demo_mode:
        raise click.ClickException("dev-idp runs only with WAYMARK_DEMO_MODE=true.")
    from waymark.dev_idp import serve as serve_idp

    serve_idp(port=port or settings.dev_idp_port)


if __name__ == "__main__":
    sys.exit(main())
