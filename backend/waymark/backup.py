"""Backups: a consistent copy of the database while the app runs, and a restore into
an empty database.

SQLite: the file is a SQLite database made with SQLite's online backup API (readers
and writers carry on; the copy is one committed moment). PostgreSQL: the file is a
``pg_dump`` archive (custom format, one snapshot), restored with ``pg_restore`` in one
transaction. Both refuse to restore over a database that holds any table, and a
backup made by a newer Waymark than this one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from waymark import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Something a person running the command can fix; the message says what."""


@dataclass(frozen=True)
class Done:
    file: Path
    revision: str | None
    tables: int
    size: int


def backup(url: str, file: Path, *, replace: bool = False) -> Done:
    """Write a consistent copy of the database at ``url`` to ``file`` (written beside
    it first, then moved into place, so a failed run leaves no half file)."""
    if file.exists() and not replace:
        raise BackupError(f"{file} is already there. Choose a new name, or add --replace.")
    if not file.parent.is_dir():
        raise BackupError(f"There is no folder {file.parent}.")
    parsed = make_url(url)
    fd, temp_name = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        if parsed.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(parsed), temp)
        else:
            _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={temp}", url=parsed)
        revision = backup_revision(temp)
        tables = _tables_in(temp)
        os.replace(temp, file)
    finally:
        temp.unlink(missing_ok=True)
    return Done(file=file, revision=revision, tables=tables, size=file.stat().st_size)


def restore(file: Path, url: str) -> Done:
    """Restore ``file`` (made by :func:`backup`) into the empty database at ``url``."""
    if not file.is_file():
        raise BackupError(f"There is no file {file}.")
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    kind = _kind(file)
    if kind is None:
        raise BackupError(f"{file} is not a Waymark backup (made by `waymark backup`).")
    if kind != ("sqlite" if sqlite else "postgresql"):
        raise BackupError(
            f"{file} is a {'SQLite' if kind == 'sqlite' else 'PostgreSQL'} backup, but WAYMARK_DATABASE_URL "
            f"points at {'SQLite' if sqlite else 'PostgreSQL'}. Restore it into the same kind of database."
        )
    revision = backup_revision(file)
    known = {s.revision for s in ScriptDirectory.from_config(db.alembic_config()).walk_revisions()}
    if revision is None:
        raise BackupError(f"{file} holds no Waymark database (no migration record).")
    if revision not in known:
        raise BackupError(f"{file} was made by a newer Waymark (migration {revision}). Restore it with that version.")
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            existing = inspect(connection).get_table_names()
    finally:
        engine.dispose()
    if existing:
        raise BackupError(
            f"The database already holds {len(existing)} tables. Restore only into an empty database, "
            "so nothing there is lost or mixed in."
        )
    if sqlite:
        _sqlite_backup(file, _sqlite_path(parsed))
    else:
        _pg(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(file),
            url=parsed,
        )
    return Done(file=file, revision=revision, tables=_tables_in(file), size=file.stat().st_size)


def backup_revision(file: Path) -> str | None:
    """The migration a backup file was made at (None if it has no migration record)."""
    if _kind(file) == "sqlite":
        with _read_only(file) as connection:
            try:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.DatabaseError:
                return None
        return row[0] if row else None
    lines = _pg("pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(file)).splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines) and lines[i + 1] != "\\.":
            return lines[i + 1].strip()
    return None


# ------------------------------------------------------------------- helpers
def _kind(file: Path) -> str | None:
    with file.open("rb") as f:
        head = f.read(16)
    return "sqlite" if head == SQLITE_MAGIC else "postgresql" if head.startswith(PG_MAGIC) else None


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("WAYMARK_DATABASE_URL names no SQLite file.")
    return Path(url.database)


def _read_only(file: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{file}?mode=ro", uri=True)


def _sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup: one consistent copy while others read and write."""
    if not source.is_file():
        raise BackupError(f"There is no database file {source}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        if dst.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError("The copy failed SQLite's integrity check; nothing was written.")
    finally:
        dst.close()
        src.close()


def _tables_in(file: Path) -> int:
    if _kind(file) == "sqlite":
        with _read_only(file) as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchone()
        return int(count)
    listing = _pg("pg_restore", "--list", str(file))
    return sum(1 for line in listing.splitlines() if " TABLE " in line and " TABLE DATA " not in line)


def _pg(tool: str, *args: str, url: URL | None = None) -> str:
    """Run a PostgreSQL client tool (against ``url`` if given) and return what it
    printed. The password goes in the environment, never on the command line."""
    env = dict(os.environ)
    if url is not None:
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        args = (*args, f"--dbname={url.set(drivername='postgresql', password=None).render_as_string(False)}")
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    # The arguments are this module's own options and file paths, never a shell line.
    out = subprocess.run([executable, *args], capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if out.returncode != 0:
        raise BackupError(f"{tool} failed: {out.stderr.strip()}")
    return out.stdout
