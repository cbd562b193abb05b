"""The pages a public service must publish: the privacy notice (each council's own,
from its settings and retention policy), the accessibility statement (from the axe
results file and the known issues) and the cookies (every cookie the code sets)."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from tests import factories
from tests.factories import make_staff, make_tenant, make_world
from waymark.admin import service as admin
from waymark.identity import service as identity
from waymark.legal import service
from waymark.settings import ROOT


def test_a_visitor_reads_the_notice_with_every_councils_contact(client, db_session):
    world = make_world(db_session)
    world.a.dpo_email, world.b.contact_email = "dpo@a.example", "hello@b.example"
    db_session.add_all([world.a, world.b])
    db_session.commit()
    page = client.get("/privacy")
    assert page.status_code == 200
    for text in ("Council A", "dpo@a.example", "Council B", "hello@b.example", "data controller", "0303 123 1113"):
        assert text in page.text
    assert 'href="/me/data"' not in page.text  # the links to their own data are for the signed in


def test_a_young_person_reads_their_own_councils_notice_with_its_policy(client, db_session):
    world = make_world(db_session)
    world.a.retention_months_after_support, world.a.retention_audit_years = 18, 1
    world.a.contact_email, world.a.ico_registration = "care@a.example", "Z1234567"
    db_session.add(world.a)
    db_session.commit()
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/privacy")
    assert "Council A is in charge of your information" in page.text and "Council B" not in page.text
    assert "18 months after your 25th birthday" in page.text
    assert "kept for 1 year." in page.text  # the singular
    assert "Email Council A:" in page.text and "care@a.example" in page.text  # no DPO set: the council
    assert "Z1234567" in page.text
    assert 'href="/me/data"' in page.text and 'href="/my-facts"' in page.text

    world.a.dpo_email = "dpo@a.example"
    db_session.add(world.a)
    db_session.commit()
    page = client.get("/privacy")
    assert "Council A's data protection officer:" in page.text and "dpo@a.example" in page.text


def test_the_notice_and_statement_are_in_welsh(client, db_session):
    make_tenant(db_session)
    client.cookies.set("waymark_lang", "cy")
    for path, english in (
        ("/privacy", "How we use your information"),
        ("/accessibility", "Accessibility statement for Waymark"),
        ("/cookies", "Cookies are small files"),
    ):
        page = client.get(path)
        assert page.status_code == 200 and 'lang="cy"' in page.text
        assert english not in page.text, path


@pytest.mark.parametrize("path", ["/", "/login", "/privacy", "/offers", "/staff/caseload"])
def test_every_page_links_to_the_three_pages(client, db_session, path):
    world = make_world(db_session)
    if path.startswith("/staff"):
        factories.sign_in(client, db_session, world.pa)
    page = client.get(path)
    assert page.status_code == 200
    for link in ('href="/privacy"', 'href="/accessibility"', 'href="/cookies"'):
        assert link in page.text, (path, link)


def test_the_join_page_links_to_the_notice(client, db_session):
    world = make_world(db_session)
    invite_page = client.get("/join/NOTAREALCODE")
    assert invite_page.status_code == 404  # a bad code shows its own page; the real one is below
    _, code = identity.invite_create(
        db_session, actor=factories.actor(db_session, world.pa), young_person_id=world.yp.id
    )
    page = client.get(f"/join/{code}")
    assert page.status_code == 200 and 'href="/privacy"' in page.text


# ------------------------------------------------------------ accessibility
def _results(tmp_path: Path, **overrides) -> Path:
    data = {
        "tested_on": "2026-12-04",
        "tool": "axe-core 4.10.0",
        "pages": 312,
        "page_kinds": 97,
        "roles": ["anonymous", "amara", "priya@riverside.example"],
        "languages": ["en"],
        "violations": 0,
    }
    data.update(overrides)
    (tmp_path / "axe-results.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_the_statement_reads_the_crawls_results_and_says_partial_while_issues_are_known(tmp_path):
    statement = service.statement(_results(tmp_path))
    assert statement.pages == 312 and statement.tool == "axe-core 4.10.0" and statement.violations == 0
    assert statement.issues == list(service.KNOWN_ISSUES)
    assert statement.compliance == ("partial" if service.KNOWN_ISSUES else "full")
    clean = service.Statement(**{**statement.__dict__, "issues": []})
    assert clean.compliance == "full"
    failing = service.Statement(**{**statement.__dict__, "issues": [], "violations": 2})
    assert failing.compliance == "partial"


def test_the_statement_page_has_the_regulations_parts(client, db_session):
    tenant = make_tenant(db_session, name="Riverside Council")
    tenant.contact_email = "access@riverside.example"
    db_session.add(tenant)
    db_session.commit()
    page = client.get("/accessibility")
    assert page.status_code == 200
    for heading in (
        "Feedback and contact information",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Disproportionate burden",
        "Preparation of this accessibility statement",
    ):
        assert heading in page.text, heading
    assert "It is run by Riverside Council" in page.text and "access@riverside.example" in page.text
    assert "partially compliant" in page.text
    for issue in service.KNOWN_ISSUES:
        assert issue.criterion in page.text
    committed = service.statement()
    if committed.tested_on is not None:  # make accessibility-results has written it
        assert f"{committed.pages} pages of {committed.page_kinds} kinds" in page.text


def test_the_committed_results_come_from_a_full_crawl():
    file = ROOT / "content" / "accessibility" / "axe-results.json"
    results = json.loads(file.read_text(encoding="utf-8"))
    assert results["violations"] == 0 and results["pages"] > 100 and "anonymous" in results["roles"]
    assert results["tool"].startswith("axe-core ")


# ------------------------------------------------------------------ cookies
def _cookie_names_in_code() -> set[str]:
    """The name of every cookie the backend sets: the first argument of each
    ``set_cookie(...)`` and every ``session_cookie=``, resolved in its module, and
    every module constant named ``*COOKIE*`` (the CSRF middleware writes its header
    itself)."""
    names: set[str] = set()
    package = ROOT / "backend" / "waymark"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                if any(isinstance(t, ast.Name) and "COOKIE" in t.id for t in node.targets):
                    names.add(node.value.value)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            found = []
            if isinstance(node.func, ast.Attribute) and node.func.attr == "set_cookie" and node.args:
                found.append(node.args[0])
            found += [k.value for k in node.keywords if k.arg == "session_cookie"]
            for expression in found:
                if module is None:
                    dotted = ".".join(("waymark", *path.relative_to(package).with_suffix("").parts))
                    module = importlib.import_module(dotted.removesuffix(".__init__"))
                names.add(eval(ast.unparse(expression), vars(module)))  # noqa: S307 (our own source)
    return names


def test_every_cookie_the_code_sets_is_on_the_cookies_page(client):
    in_code = _cookie_names_in_code()
    assert {"waymark_session", "waymark_lang", "waymark_oidc"} <= in_code  # the scan finds them
    listed = {c.name for c in service.COOKIES}
    assert in_code == listed, f"not listed: {in_code - listed}; listed but never set: {listed - in_code}"
    page = client.get("/cookies")
    for name in listed:
        assert f"<code>{name}</code>" in page.text


# ------------------------------------------------------------------ settings
def test_the_admin_sets_the_dpo_and_ico_number_with_checks(client, db_session):
    world = make_world(db_session)
    sasha = make_staff(db_session, world.a, "admin")
    factories.sign_in(client, db_session, sasha)
    page = client.get("/staff/admin")
    form = {**admin.settings_values(world.a), "csrf_token": factories.csrf_from(page.text)}
    bad = client.post("/staff/admin", data={**form, "dpo_email": "not an email", "ico_registration": "12345"})
    assert bad.status_code == 422
    assert 'id="dpo_email-error"' in bad.text and 'id="ico_registration-error"' in bad.text
    assert 'value="not an email"' in bad.text  # input kept
    good = client.post("/staff/admin", data={**form, "dpo_email": "DPO@A.example", "ico_registration": "za 123456"})
    assert good.status_code == 303
    db_session.refresh(world.a)
    assert (world.a.dpo_email, world.a.ico_registration) == ("dpo@a.example", "ZA123456")
