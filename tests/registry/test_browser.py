"""A person searches the registry in a real browser, narrows by a facet, opens a record and
downloads the list."""

import csv
import io

import pytest

from registry import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_filter_by_facet_open_a_record_and_download_the_export(page):
    demo.seed_organizations()
    demo.seed_activities()

    page.goto("/registry/")
    page.get_by_label("Search", exact=True).fill("Kailash")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/registry/?search=Kailash*")
    assert page.get_by_role("heading", name="5 activities").is_visible()

    # Narrow by a facet, with the keyboard.
    facets = page.get_by_role("complementary")
    facets.get_by_role("link", name="Nepal", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**country=NPL*")
    assert "search=Kailash" in page.url
    assert page.get_by_role("heading", name="5 activities").is_visible()
    facets.get_by_role("link", name="Preparatory phase", exact=False).count()  # not a facet
    page.get_by_role(
        "link", name="Kailash Sacred Landscape Conservation Initiative", exact=True
    ).click()

    page.wait_for_url("**/registry/activities/*/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Kailash Sacred Landscape Conservation Initiative"
    )
    countries = page.locator("dt:has-text('Countries') + dd").inner_text()
    assert countries == "China, India, Nepal"

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert {row["identifier"] for row in rows} == {
        "UNEP-KSLCI",
        "UNEP-KSLCI-PREP",
        "UNEP-KSLCI-INCEPTION",
        "UNEP-KSLCI-IMPL1",
        "UNEP-KSLCI-IMPL2",
    }
    assert all("NPL" in row["countries"] for row in rows)
