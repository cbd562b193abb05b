"""Caseload import from a case-management export (CSV).

Two steps, both here and shared by the web pages and ``waymark import``:

1. ``check_file``: read the file, check every row against the council's data and keep
   a report (problems per row, and what would change). Nothing else is written.
2. ``execute``: check again (the data may have moved on), then apply every change in
   ONE transaction, so a failure part-way leaves the database as it was.

Rows are matched on the council's external id, so importing the same file twice changes
nothing; a changed row updates that young person; a changed worker ends one assignment,
starts another and makes a handover (contacts.change_worker).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import update
from sqlmodel import Session, col, select

from waymark import clock
from waymark.admin import messages as m
from waymark.admin.models import CHECKED, DONE, FAILED, RUNNING, ImportRun
from waymark.admin.service import require_admin
from waymark.audit.service import audit_record
from waymark.contacts import service as contacts
from waymark.errors import described
from waymark.identity.actor import Actor
from waymark.identity.models import CARE_STATUSES, YOUNG_PERSON, Assignment, User, UserRole
from waymark.identity.service import NotFound, assignment_current_on

log = logging.getLogger("waymark.import")

REQUIRED_COLUMNS = ("external_id", "full_name", "date_of_birth", "care_status", "worker_email")
OPTIONAL_COLUMNS = ("preferred_name", "council_accommodation")
# Other names case-management exports use for the same columns.
ALIASES = {
    "id": "external_id",
    "person_id": "external_id",
    "client_id": "external_id",
    "case_id": "external_id",
    "name": "full_name",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "status": "care_status",
    "leaving_care_status": "care_status",
    "worker": "worker_email",
    "pa_email": "worker_email",
    "personal_adviser_email": "worker_email",
    "known_as": "preferred_name",
}
MAX_ROWS = 50_000
CHUNK = 500  # rows saved between progress reports
_ID = re.compile(r"^[A-Za-z0-9._/\-]{1,64}$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}

ProgressFn = Callable[[str, int, int], None]


class FileRefused(Exception):
    """The file as a whole cannot be read (a message constant, with params)."""

    def __init__(self, message: str, **params: Any):
        super().__init__(message)
        self.message = message
        self.params = params


# ------------------------------------------------------------------ reading
def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) or Windows-1252; anything else is
    refused. UTF-16 and binary files (such as .xlsx) have NUL bytes."""
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # .xlsx (zip) or .xls
        raise FileRefused(m.FILE_NOT_CSV)
    if b"\x00" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(m.FILE_ENCODING)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(m.FILE_ENCODING) from None


def _column_name(header: str) -> str:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return ALIASES.get(name, name)


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The columns found and the rows as (line number, {column: value}). Raises
    ``FileRefused`` for an empty file, missing columns or too many rows."""
    if not text.strip():
        raise FileRefused(m.FILE_EMPTY)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [_column_name(h) for h in next(reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise FileRefused(m.FILE_MISSING_COLUMNS, columns=", ".join(missing))
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileRefused(m.FILE_TOO_MANY_ROWS, max=f"{MAX_ROWS:,}")
            values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise FileRefused(m.FILE_NOT_READABLE, detail=str(exc)[:120]) from None
    return header, rows


def parse_day(text: str) -> date | None:
    """Dates as UK case systems export them: day first, or ISO."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _status(text: str) -> str | None:
    value = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return value if value in CARE_STATUSES else None


# ----------------------------------------------------------------- checking
@dataclass
class Row:
    line: int
    external_id: str
    full_name: str
    display_name: str
    date_of_birth: date
    care_status: str
    worker_id: int
    council_accommodation: bool | None  # None: the file has no such column


@dataclass
class Action:
    kind: str  # "new", "updated", "worker_changed", "unchanged"
    row: Row
    user_id: int | None = None
    fields: list[str] = field(default_factory=list)
    worker_change: bool = False


@dataclass
class Plan:
    total_rows: int
    problems: list[dict[str, Any]]
    actions: list[Action]

    @property
    def summary(self) -> dict[str, int]:
        counts = {"rows": self.total_rows, "new": 0, "updated": 0, "worker_changed": 0, "unchanged": 0}
        for action in self.actions:
            if action.kind == "new":
                counts["new"] += 1
            else:
                counts["updated"] += bool(action.fields)
                counts["worker_changed"] += action.worker_change
                counts["unchanged"] += not action.fields and not action.worker_change
        counts["problems"] = len(self.problems)
        counts["rows_with_problems"] = len({p["row"] for p in self.problems})
        return counts


def problem_text(problem: dict[str, Any], gettext: Callable[[str], str]) -> str:
    """A stored problem in the reader's language, with its numbers filled in."""
    text = gettext(problem["problem"])
    return text % problem["params"] if problem.get("params") else text


def report(problems: list[dict[str, Any]], gettext: Callable[[str], str]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The downloadable report: a header and one row per problem."""
    header = [gettext("Row"), gettext("Column"), gettext("What we found"), gettext("Problem")]
    return header, [(p["row"] or "", p["column"], p["value"], problem_text(p, gettext)) for p in problems]


def _problem(line: int, column: str, message: str, value: str = "", **params: Any) -> dict[str, Any]:
    return {"row": line, "column": column, "problem": message, "params": params, "value": value[:100]}


def _current_workers(session: Session, tenant_id: int, today: date) -> dict[int, set[int]]:
    rows = session.exec(
        select(Assignment.young_person_id, Assignment.worker_id).where(
            Assignment.tenant_id == tenant_id,
            assignment_current_on(today),
        )
    ).all()
    current: dict[int, set[int]] = {}
    for young_person_id, worker_id in rows:
        current.setdefault(young_person_id, set()).add(worker_id)
    return current


def check(session: Session, *, tenant_id: int, text: str, progress: ProgressFn | None = None) -> Plan:
    """Every row checked against the council's data, and what importing would do.
    Reads only; a handful of queries whatever the file's size."""
    header, rows = read_rows(text)
    has_accommodation = "council_accommodation" in header
    today = clock.today()
    workers = {
        (u.email or "").lower(): u.id
        for u in contacts.assignable_workers(session, tenant_id=tenant_id)
        if u.id is not None
    }
    existing = {
        u.external_id: u
        for u in session.exec(
            select(User).where(
                User.tenant_id == tenant_id, User.kind == YOUNG_PERSON, col(User.external_id).is_not(None)
            )
        ).all()
    }
    current = _current_workers(session, tenant_id, today)
    problems: list[dict[str, Any]] = []
    actions: list[Action] = []
    seen_ids: dict[str, int] = {}
    seen_rows: dict[tuple[str, ...], int] = {}
    for n, (line, values) in enumerate(rows, start=1):
        if progress and n % CHUNK == 0:
            progress("checking", n, len(rows))
        found: list[dict[str, Any]] = []
        key = tuple(values.get(c, "") for c in header)
        if key in seen_rows:
            problems.append(_problem(line, "", m.ROW_DUPLICATE, row=seen_rows[key]))
            continue
        seen_rows[key] = line

        external_id = values["external_id"]
        if not external_id:
            found.append(_problem(line, "external_id", m.ROW_ID_REQUIRED))
        elif not _ID.match(external_id):
            found.append(_problem(line, "external_id", m.ROW_ID_INVALID, external_id))
        elif external_id in seen_ids:
            found.append(_problem(line, "external_id", m.ROW_ID_DUPLICATE, external_id, row=seen_ids[external_id]))
        else:
            seen_ids[external_id] = line

        full_name = " ".join(values["full_name"].split())
        if not full_name:
            found.append(_problem(line, "full_name", m.ROW_NAME_REQUIRED))
        elif len(full_name) > 160:
            found.append(_problem(line, "full_name", m.ROW_NAME_TOO_LONG, full_name))
        preferred = " ".join(values.get("preferred_name", "").split())[:80]

        dob_text = values["date_of_birth"]
        dob = parse_day(dob_text) if dob_text else None
        if not dob_text:
            found.append(_problem(line, "date_of_birth", m.ROW_DOB_REQUIRED))
        elif _TWO_DIGIT_YEAR.match(dob_text):
            found.append(_problem(line, "date_of_birth", m.ROW_DOB_TWO_DIGIT_YEAR, dob_text))
        elif dob is None:
            found.append(_problem(line, "date_of_birth", m.ROW_DOB_INVALID, dob_text))
        elif dob > today:
            found.append(_problem(line, "date_of_birth", m.ROW_DOB_FUTURE, dob_text))
        elif (age := relativedelta(today, dob).years) >= 26:
            found.append(_problem(line, "date_of_birth", m.ROW_DOB_TOO_OLD, dob_text, age=age))

        status = _status(values["care_status"])
        if status is None:
            found.append(_problem(line, "care_status", m.ROW_STATUS_UNKNOWN, values["care_status"]))

        email = values["worker_email"].lower()
        worker_id = workers.get(email)
        if not email:
            found.append(_problem(line, "worker_email", m.ROW_WORKER_REQUIRED))
        elif worker_id is None:
            found.append(_problem(line, "worker_email", m.ROW_WORKER_UNKNOWN, values["worker_email"]))

        accommodation: bool | None = None
        if has_accommodation:
            answer = values.get("council_accommodation", "").lower()
            if answer not in _YES | _NO:
                found.append(_problem(line, "council_accommodation", m.ROW_YES_NO, answer))
            accommodation = answer in _YES

        if found:
            problems.extend(found)
            continue
        assert dob is not None and status is not None and worker_id is not None
        row = Row(
            line=line,
            external_id=external_id,
            full_name=full_name,
            display_name=preferred or full_name.split()[0],
            date_of_birth=dob,
            care_status=status,
            worker_id=worker_id,
            council_accommodation=accommodation,
        )
        actions.append(_action(row, existing.get(external_id), current))
    if progress:
        progress("checking", len(rows), len(rows))
    return Plan(total_rows=len(rows), problems=problems, actions=actions)


_COMPARED = ("full_name", "display_name", "date_of_birth", "care_status")


def _action(row: Row, user: User | None, current: dict[int, set[int]]) -> Action:
    if user is None:
        return Action(kind="new", row=row)
    assert user.id is not None
    fields = [name for name in _COMPARED if getattr(user, name) != getattr(row, name)]
    if row.council_accommodation is not None and user.council_accommodation != row.council_accommodation:
        fields.append("council_accommodation")
    worker_change = row.worker_id not in current.get(user.id, set())
    kind = "worker_changed" if worker_change else ("updated" if fields else "unchanged")
    return Action(kind=kind, row=row, user_id=user.id, fields=fields, worker_change=worker_change)


# ------------------------------------------------------------------ dry run


def check_file(session: Session, *, actor: Actor, filename: str, data: bytes) -> ImportRun:
    """The dry run: read and check the file and keep the report. A file that cannot be
    read at all is kept as a failed run with its reason, so the admin sees why."""
    require_admin(actor)
    run = ImportRun(tenant_id=actor.tenant_id, created_by_id=actor.user_id, filename=filename[:200] or "caseload.csv")
    try:
        text = decode(data)
        plan = check(session, tenant_id=actor.tenant_id, text=text)
    except FileRefused as exc:
        run.status = FAILED
        run.problems = [_problem(0, "", exc.message, **exc.params)]
        run.summary = {"rows": 0, "problems": 1}
    else:
        run.content = text if not plan.problems else None
        run.total_rows = plan.total_rows
        run.summary = plan.summary
        run.problems = plan.problems
        run.status = CHECKED
    # Files checked before and never imported hold personal data we no longer need.
    session.execute(
        update(ImportRun)
        .where(col(ImportRun.tenant_id) == actor.tenant_id, col(ImportRun.content).is_not(None))
        .values(content=None)
    )
    session.add(run)
    session.flush()
    audit_record(
        session,
        actor=actor,
        action="caseload.check",
        object_type="import_run",
        object_id=run.id,
        detail={"summary": run.summary},
    )
    session.commit()
    return run


def run_for(session: Session, *, actor: Actor, run_id: int) -> ImportRun:
    require_admin(actor)
    run = session.get(ImportRun, run_id)
    if run is None or run.tenant_id != actor.tenant_id:
        raise NotFound()
    return run


def recent_runs(session: Session, *, actor: Actor, limit: int = 10) -> list[ImportRun]:
    require_admin(actor)
    return list(
        session.exec(
            select(ImportRun)
            .where(ImportRun.tenant_id == actor.tenant_id)
            .order_by(col(ImportRun.id).desc())
            .limit(limit)
        ).all()
    )


def can_import(run: ImportRun) -> bool:
    return run.status == CHECKED and not run.problems and run.content is not None


def start(session: Session, *, actor: Actor, run_id: int) -> int:
    """Mark a checked run as running (once: a second click finds it already taken).
    Returns its number of rows. Ends with the transaction committed and none open, as
    the import itself runs next in its own session."""
    run = run_for(session, actor=actor, run_id=run_id)
    if not can_import(run):
        raise FileRefused(m.IMPORT_NOT_READY)
    claimed = session.execute(
        update(ImportRun).where(col(ImportRun.id) == run_id, col(ImportRun.status) == CHECKED).values(status=RUNNING)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise FileRefused(m.IMPORT_NOT_READY)
    total = run.total_rows
    session.commit()
    return total


# ------------------------------------------------------------------- import
def execute(
    open_session: Callable[[], AbstractContextManager[Session]],
    *,
    run_id: int,
    actor: Actor,
    progress: ProgressFn | None = None,
) -> ImportRun:
    """Check the run's file again and apply it in one transaction. On any failure the
    transaction is rolled back and the run is marked failed with the reason."""
    with open_session() as session:
        run = session.get(ImportRun, run_id)
        assert run is not None and run.status == RUNNING and run.content is not None
        plan: Plan | None = None
        try:
            plan = check(session, tenant_id=run.tenant_id, text=run.content, progress=progress)
            if plan.problems:  # the data moved on since the dry run
                raise FileRefused(m.IMPORT_HAS_PROBLEMS)
            _apply(session, actor=actor, run_id=run_id, plan=plan, progress=progress)
            run.status, run.summary, run.content = DONE, plan.summary, None
            run.finished_at = clock.now()
            session.add(run)
            audit_record(
                session,
                actor=actor,
                action="caseload.import",
                object_type="import_run",
                object_id=run_id,
                detail={"summary": plan.summary},
            )
            session.commit()
            return run
        except Exception as exc:
            session.rollback()
            if not isinstance(exc, FileRefused):
                log.error("caseload import %s failed: %s", run_id, described(exc))
            problems = plan.problems if plan is not None and isinstance(exc, FileRefused) else []
            failed = session.get(ImportRun, run_id)
            assert failed is not None
            failed.status = FAILED
            failed.error = exc.message if isinstance(exc, FileRefused) else m.IMPORT_FAILED
            failed.problems = problems
            failed.finished_at = clock.now()
            session.add(failed)
            session.commit()
            return failed


def _chunks(items: list[Action], size: int) -> Iterator[list[Action]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _audit_person(session: Session, *, actor: Actor, user_id: int, run_id: int, action: str, fields: list[str]) -> None:
    """Which fields changed, never their values (no personal data in the audit log)."""
    audit_record(
        session,
        actor=actor,
        action=action,
        subject_id=user_id,
        object_type="import_run",
        object_id=run_id,
        detail={"fields": fields},
    )


def _apply(session: Session, *, actor: Actor, run_id: int, plan: Plan, progress: ProgressFn | None) -> None:
    today = clock.today()
    changing = [a for a in plan.actions if a.kind != "unchanged"]
    done = 0
    new = [a for a in changing if a.kind == "new"]
    for chunk in _chunks(new, CHUNK):
        users = [
            User(
                tenant_id=actor.tenant_id,
                kind=YOUNG_PERSON,
                external_id=a.row.external_id,
                full_name=a.row.full_name,
                display_name=a.row.display_name,
                date_of_birth=a.row.date_of_birth,
                care_status=a.row.care_status,
                council_accommodation=bool(a.row.council_accommodation),
            )
            for a in chunk
        ]
        session.add_all(users)
        session.flush()
        for action, user in zip(chunk, users, strict=True):
            assert user.id is not None
            session.add(UserRole(user_id=user.id, role=YOUNG_PERSON))
            session.add(
                Assignment(
                    tenant_id=actor.tenant_id, worker_id=action.row.worker_id, young_person_id=user.id, starts_on=today
                )
            )
            _audit_person(
                session, actor=actor, user_id=user.id, run_id=run_id, action="young_person.import_create", fields=[]
            )
        session.flush()
        done += len(chunk)
        if progress:
            progress("saving", done, len(changing))
    workers = {w.id for w in contacts.assignable_workers(session, tenant_id=actor.tenant_id) if w.id is not None}
    for chunk in _chunks([a for a in changing if a.kind != "new"], CHUNK):
        for action in chunk:
            assert action.user_id is not None
            if action.fields:
                user = session.get(User, action.user_id)
                assert user is not None
                for name in action.fields:
                    setattr(user, name, getattr(action.row, name))
                session.add(user)
                _audit_person(
                    session,
                    actor=actor,
                    user_id=action.user_id,
                    run_id=run_id,
                    action="young_person.import_update",
                    fields=action.fields,
                )
            if action.worker_change:
                contacts.change_worker(
                    session,
                    actor=actor,
                    young_person_id=action.user_id,
                    new_worker_id=action.row.worker_id,
                    commit=False,
                    workers=workers,
                )
        session.flush()
        done += len(chunk)
        if progress:
            progress("saving", done, len(changing))
