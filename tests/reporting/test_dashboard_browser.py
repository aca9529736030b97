"""The public dashboard in a real Chromium, as a visitor who is not signed in sees it, in
English, Chinese and Arabic: translated, its figures those of the API, charts drawn without
any script (JavaScript is switched off), nothing refused by the content security policy, and
no sideways scrolling on a 360-pixel phone."""

import re

import pytest
from django.utils import translation

from tests.reporting.test_statistics import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

LANGUAGES = {"en": "English", "zh-hans": "简体中文", "ar": "العربية"}


@pytest.fixture
def visitor(browser, live_server):
    """A browser page with JavaScript switched off, as some visitors have it."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    yield page, refused
    context.close()


def choose_language(page, language: str) -> None:
    if language == "en":
        return
    page.locator("#language").select_option(language)
    page.locator("form.lang button").click()
    page.wait_for_load_state()


def digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_visitor_reads_the_dashboard(world, visitor, language, tmp_path):  # noqa: F811
    page, refused = visitor
    page.goto("/")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")
    choose_language(page, language)
    assert page.locator("html").get_attribute("lang") == language
    with translation.override(language):
        title = translation.gettext("The programme in figures")
        stages = translation.gettext("Requests by stage")
        note = translation.gettext("Download as CSV")
    if language != "en":
        assert title != "The programme in figures"  # the catalog has it
    assert page.locator("h1").inner_text() == title
    assert page.locator("#h-stages").inner_text() == stages
    assert page.get_by_role("link", name=note).count() == 6

    api = page.request.get("/api/v1/statistics/", headers={"Accept-Language": language}).json()
    assert digits(page.locator("#total-requests").inner_text()) == api["totals"]["requests"]
    for row in api["by_region"]:
        cell = page.locator(f'#table-regions tr[data-code="{row["code"]}"] td').first
        assert (
            page.locator(f'#table-regions tr[data-code="{row["code"]}"] th').inner_text()
            == (row["name"])
        )
        if not row["suppressed"]:
            assert digits(cell.inner_text()) == row["count"]
    for row in api["by_stage"]:
        cell = page.locator(f'#table-stages tr[data-code="{row["code"]}"] td.num')
        assert digits(cell.inner_text()) == row["count"]

    # The charts: the largest stage's bar spans its cell, from the reading direction's start.
    largest = max(api["by_stage"], key=lambda row: row["count"])
    bar = page.locator(f'#table-stages tr[data-code="{largest["code"]}"] svg.bar')
    box, rect = bar.bounding_box(), bar.locator("rect").bounding_box()
    assert box["width"] > 40 and abs(rect["width"] - box["width"]) < 1.5
    half = api["by_stage"][0]
    if half["count"] and half["count"] < largest["count"]:
        row_bar = page.locator(f'#table-stages tr[data-code="{half["code"]}"] svg.bar')
        outer, inner = row_bar.bounding_box(), row_bar.locator("rect").bounding_box()
        if language == "ar":
            assert abs(inner["x"] + inner["width"] - (outer["x"] + outer["width"])) < 1.5
        else:
            assert abs(inner["x"] - outer["x"]) < 1.5
    years = page.locator(".year-chart svg rect")
    assert years.count() == 2 * len(api["by_year"])

    # The countries' table opens without a script; hidden counts say why.
    page.locator("details summary").click()
    hidden = [row for row in api["by_country"] if row["suppressed"]]
    ghana = page.locator(f'#table-countries tr[data-code="{hidden[0]["code"]}"]')
    assert ghana.is_visible() and "3" in ghana.inner_text()

    page.screenshot(path=tmp_path / f"dashboard-{language}.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    assert refused == []
