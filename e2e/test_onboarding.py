"""A council goes live: Sasha (admin) adds an adviser, imports a 10,000-row caseload
with a dry run and a progress bar, prints invite letters, and a new young person joins
with one. Amara downloads her data and sees that Priya viewed her record. axe checks
these pages in English and Welsh.

(Named to run after the dashboard and budget tests: it adds 10,000 young people to
Riverside, on the new adviser's caseload only.)"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    NARROW,
    accessibility_problems,
    open_record,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
)
from tests.factories import born as born_aged

ROWS = 10_000
ADVISER = "lee.park@riverside.example"


def caseload_file(tmp: Path, *, bad_row: bool) -> Path:
    rng = random.Random(3)
    lines = ["Person ID,Name,DOB,Status,PA Email"]
    for i in range(ROWS):
        born = born_aged(24, 320) + timedelta(days=rng.randint(0, 3000))  # 16 to 24 on the test clock
        lines.append(f"LP{i:05d},Imported Person {i:05d},{born:%d/%m/%Y},former relevant,{ADVISER}")
    if bad_row:
        lines.append('LP00001,Imported Person 00001,31/02/2007,adopted,=HYPERLINK("http://evil.example")')
    path = tmp / ("caseload-with-problem.csv" if bad_row else "caseload.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_admin_imports_a_caseload_and_a_young_person_joins(
    page: Page, base_url: str, make_context: Callable[..., BrowserContext], tmp_path: Path
) -> None:
    problems: list[str] = []
    sign_in_staff(page, "sasha@riverside.example", base_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Council admin").click()
    expect(page.locator("h1")).to_have_text("Council settings")
    problems += accessibility_problems(page, "settings", "en")

    # A new adviser, through the Staff page.
    page.get_by_role("navigation", name="Council admin").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Add a member of staff").click()
    page.get_by_label("Full name").fill("Lee Park")
    page.get_by_label("Work email address").fill(ADVISER)
    page.get_by_label("Team").fill("Leaving care team")
    page.get_by_role("button", name="Add member of staff").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_role("link", name="Lee Park")).to_be_visible()
    problems += accessibility_problems(page, "staff", "en")

    # A file with a problem: the dry run says where, and nothing can be imported.
    page.get_by_role("navigation", name="Council admin").get_by_role("link", name="Import caseloads").click()
    page.get_by_label("CSV file").set_input_files(caseload_file(tmp_path, bad_row=True))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Problems to fix")).to_be_visible()
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    table = page.get_by_role("table")
    expect(table).to_contain_text("This id is also on row 3")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all problems (CSV)").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in report and ",=HYPERLINK" not in report
    problems += accessibility_problems(page, "import report", "en")

    # The fixed file: the dry run says what would change, then the import runs.
    page.get_by_role("link", name="Back to import caseloads").click()
    page.get_by_label("CSV file").set_input_files(caseload_file(tmp_path, bad_row=False))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("dl.summary")).to_contain_text(f"New young people{ROWS:,}")
    page.get_by_role("button", name="Import now").click()
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()  # the page polls it while the import runs
    problems += accessibility_problems(page, "import progress", "en")
    expect(page.get_by_role("status")).to_contain_text(
        f"Imported. {ROWS:,} new, 0 updated, 0 moved to a new worker, 0 unchanged.", timeout=60_000
    )

    # Letters for the first 100 (by name), with a QR code each.
    page.get_by_role("link", name="Print their invite letters").click()
    expect(page.locator("caption")).to_contain_text(f"{ROWS:,} young people")
    problems += accessibility_problems(page, "invites", "en")
    page.get_by_role("button", name=re.compile(r"Print 100 letters")).click()
    expect(page.locator("article.letter")).to_have_count(100)
    expect(page.locator("article.letter svg[role=img]")).to_have_count(100)
    first = page.locator("article.letter").first
    expect(first).to_contain_text("Dear Imported,")
    url = first.locator(".letter-url").inner_text()
    assert re.fullmatch(re.escape(base_url) + r"/join/[0-9A-Z]{12}", url), url
    problems += accessibility_problems(page, "letters", "en")

    # The young person joins from the letter.
    phone = make_context().new_page()
    phone.goto(url)
    phone.get_by_label("Choose a username").fill("imported0")
    phone.get_by_label("Choose a passphrase").fill("orange kettle harbour seven")
    phone.get_by_label("Type your passphrase again").fill("orange kettle harbour seven")
    phone.get_by_role("button", name="Save and sign in").click()
    phone.wait_for_url(base_url + "/?welcome=1")
    expect(phone.locator("h1")).to_have_text("Hello, Imported")

    # The same admin pages in Welsh.
    page.goto("/staff/admin")
    switch_to_welsh(page)
    problems += accessibility_problems(page, "settings (cy)", "cy")
    for path in ("/staff/admin/staff", "/staff/admin/import", "/staff/admin/invites"):
        page.goto(path)
        problems += accessibility_problems(page, f"{path} (cy)", "cy")
    assert not problems, "\n".join(problems)


def test_young_person_downloads_her_data_and_sees_who_viewed_her_record(
    page: Page, base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    sign_in_staff(page, "priya@riverside.example", base_url)
    open_record(page, "Amara Mensah")

    amara = make_context(**NARROW).new_page()  # the narrowest phone: no sideways scrolling
    sign_in_young_person(amara, "amara")
    amara.get_by_role("link", name="See and download your data").click()
    expect(amara.locator("h1")).to_have_text("Your data")
    views = amara.locator("section", has=amara.get_by_role("heading", name="Who looked at your record"))
    expect(views).to_contain_text("Priya Shah")
    with amara.expect_download() as download:
        amara.get_by_role("link", name="Download your data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["profile"][0]["full_name"] == "Amara Mensah"
    assert any(view["actor"] == "Priya Shah" for view in data["record_views"]), data["record_views"][-3:]
    assert data["plan_steps"], "her plan is in the download"

    problems = accessibility_problems(amara, "my data", "en", reflow=True)
    amara.get_by_role("link", name="Delete your account").first.click()
    problems += accessibility_problems(amara, "delete account", "en", reflow=True)
    amara.goto("/me/data")
    switch_to_welsh(amara)
    problems += accessibility_problems(amara, "my data (cy)", "cy", reflow=True)
    amara.goto("/me/delete")
    problems += accessibility_problems(amara, "delete account (cy)", "cy", reflow=True)
    assert not problems, "\n".join(problems)
