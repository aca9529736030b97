"""A focal point files a request from the login page to its submission with the keyboard only
(issue 17): every control is reached with Tab, shows where the focus is, and is used with the
keys a keyboard user has (typing, Space on a checkbox, Enter on a link or button)."""

import pytest

from requests_app.models import Request
from requests_app.workflow import State
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOST_TABS = 400  # every focusable element of the longest page, and then some


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has the focus; it must show it."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            outline = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth]; }"
            )
            assert outline[0] != "none" and outline[1] != "0px", (selector, outline)
            return
    raise AssertionError(f"Tab never reached {selector}")


def checkbox_of(page, label: str) -> str:
    """The selector of the checkbox a label names (read from the page, not clicked)."""
    identifier = page.evaluate(
        """(text) => [...document.querySelectorAll('label')]
             .find(l => l.textContent.trim() === text).htmlFor""",
        label,
    )
    return f"#{identifier}"


def test_a_focal_point_files_a_request_with_the_keyboard_only(page):
    focal_point = factories.focal_point("KEN", full_name="Wanjiru Kamau")

    page.goto("/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(focal_point.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(factories.DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto("/requests/")
    tab_to(page, "a[href='/requests/new/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/new/")

    tab_to(page, "#id_title")
    page.keyboard.type("Mercury-free artisanal gold mining")
    tab_to(page, "#id_description")
    page.keyboard.type("Train miners' cooperatives in mercury-free processing.")
    tab_to(page, "#id_national_priorities")
    page.keyboard.type("Minamata national action plan.")
    tab_to(page, checkbox_of(page, "Chemicals"))
    page.keyboard.press("Space")
    tab_to(page, checkbox_of(page, "Training"))
    page.keyboard.press("Space")
    tab_to(page, "#id_desired_start")
    page.keyboard.type("2026-09-01")
    tab_to(page, "#id_duration_months")
    page.keyboard.type("12")
    tab_to(page, "button[name=intent][value=save]")
    page.keyboard.press("Enter")
    page.get_by_text("Draft saved.").wait_for()

    # The draft's page: the focus starts again from the top.
    tab_to(page, "button[name=intent][value=submit]")
    page.keyboard.press("Enter")

    page.get_by_text("The request was submitted.").wait_for()
    filed = Request.objects.get()
    assert filed.state == State.SUBMITTED
    assert filed.title == "Mercury-free artisanal gold mining"
    assert [area.code for area in filed.thematic_areas.all()] == ["T07"]
    assert [kind.code for kind in filed.support_types.all()] == ["training"]
