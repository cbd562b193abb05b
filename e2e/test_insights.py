"""Alex (manager) reads insights: small counts show as "fewer than 5" and counts that
would give them away are hidden; charts are SVG drawn on the server with the same
numbers in tables; axe finds nothing in English or Welsh."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.helpers import accessibility_problems, sign_in_staff, switch_to_welsh


def test_manager_reads_insights_with_small_counts_suppressed(page: Page, base_url: str) -> None:
    sign_in_staff(page, "alex@riverside.example", base_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()
    expect(page.locator("h1")).to_have_text("Insights")
    # Other tests may add answers to the demo data, so counts are matched loosely.
    themes = page.get_by_role("table", name="Responses by theme")
    expect(themes.get_by_role("row", name=re.compile(r"^Where I live Cllr Ruth Dunbar \d+$"))).to_be_visible()
    expect(themes.get_by_role("cell", name="fewer than 5").first).to_be_visible()
    trend = page.get_by_role("table", name="Responses by theme and quarter")
    expect(trend.get_by_role("cell", name="hidden").first).to_be_visible()  # would give a small count away
    chart = page.get_by_role("img", name="Responses by theme")
    expect(chart).to_be_visible()
    assert chart.evaluate("el => el.tagName.toLowerCase()") == "svg"
    assert page.evaluate("typeof window.Chart") == "undefined"  # no chart library in the browser
    problems = accessibility_problems(page, "insights", "en")

    page.get_by_label("Show").select_option(label="Keeping in touch with your worker")
    page.get_by_role("button", name="Show insights").click()
    expect(page.locator("h1")).to_have_text("Insights: Keeping in touch with your worker")
    consultation_id = page.url.rsplit("=", 1)[1]
    question = "How do you feel about how often you see or hear from your worker?"
    feelings = page.get_by_role("table", name=re.compile("^Answers to: " + re.escape(question)))
    expect(feelings.get_by_role("cell", name="fewer than 5").first).to_be_visible()
    problems += accessibility_problems(page, "insights for one consultation", "en")

    # A theme report for the corporate parenting panel, ready to print.
    page.goto("/staff/insights")
    page.get_by_role("link", name="Where I live").click()
    expect(page.locator("h1")).to_have_text("Theme report: Where I live")
    expect(page.locator("p.lead")).to_contain_text("Lead: Cllr Ruth Dunbar.")
    problems += accessibility_problems(page, "theme report", "en")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print for a committee paper")).to_be_hidden()
    expect(page.get_by_role("table", name="Responses by quarter")).to_be_visible()
    page.emulate_media(media="screen")

    switch_to_welsh(page)
    problems += accessibility_problems(page, "theme report (cy)", "cy")
    page.goto(f"/staff/insights?consultation={consultation_id}")
    problems += accessibility_problems(page, "insights (cy)", "cy")
    page.goto("/staff/insights")
    problems += accessibility_problems(page, "all insights (cy)", "cy")
    assert not problems, "\n".join(problems)
