"""In a real Chromium: a focal point starts a request, leaves and comes back to the draft, submits
it after fixing what the page said was missing, answers a question, and sees the timeline."""

import re

import pytest

from requests_app import services
from requests_app.models import Request
from requests_app.workflow import State
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

QUESTION = "Which counties would the training cover, and how many miners?"
ANSWER = "Migori and Kakamega counties: about 400 miners, half of them women."


def test_focal_point_files_follows_and_answers(login_page, csp_refusals):
    focal_point = factories.focal_point("KEN", full_name="Wanjiru Kamau")
    office = factories.regional_staff("ROA", full_name="Amina Diallo")
    page = login_page(focal_point)

    # Starts a request, and saves it half done.
    page.goto("/requests/")
    page.get_by_role("link", name="Start a new request").click()
    page.get_by_label("Title").fill("Mercury-free artisanal gold mining")
    page.get_by_label("The need").fill("Train miners' cooperatives in mercury-free processing.")
    page.get_by_label("Chemicals").check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    reference = Request.objects.get().reference
    assert page.url.endswith(f"/requests/{reference}/edit/")

    # Leaves, and comes back to the draft from the list.
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    row = page.get_by_role("row").filter(has_text=reference)
    assert "Draft" in row.inner_text()
    row.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/requests/{reference}/edit/")
    assert page.get_by_label("Title").input_value() == "Mercury-free artisanal gold mining"
    assert page.get_by_label("Chemicals").is_checked()

    # Submits too early: the page says, field by field, what is missing.
    page.get_by_role("button", name="Submit to the regional office").click()
    summary = page.get_by_role("alert")
    summary.get_by_text("The request cannot be submitted yet").wait_for()
    for message in (
        "Say how the need links to national priorities.",
        "Choose at least one type of support.",
        "Give a desired start date.",
        "Give the expected duration in months.",
    ):
        assert message in summary.inner_text()
    assert "Choose at least one thematic area." not in summary.inner_text()
    assert Request.objects.get().state == State.DRAFT

    # Fixes what was missing (what was typed before is still there), and submits.
    assert page.get_by_label("The need").input_value().startswith("Train miners'")
    page.get_by_role("link", name="Link to national priorities").click()
    page.get_by_label("Link to national priorities").fill("Minamata national action plan.")
    page.get_by_label("Training", exact=True).check()
    page.get_by_label("Desired start").fill("2026-09-01")
    page.get_by_label("Duration (months)").fill("12")
    page.get_by_role("button", name="Submit to the regional office").click()
    page.wait_for_url(f"**/requests/{reference}/")
    page.get_by_text("The request was submitted.").wait_for()
    assert Request.objects.get().state == State.SUBMITTED

    # The regional office acknowledges and asks a question.
    request_obj = Request.objects.get()
    services.perform_action(request=request_obj, actor=office, action="acknowledge")
    services.perform_action(
        request=request_obj, actor=office, action="request_info", data={"message": QUESTION}
    )

    # The focal point sees the question and answers it from the request's page.
    page.reload()
    status = page.locator("#status")
    assert "Information requested" in status.inner_text()
    assert "An answer to the question asked." in status.inner_text()
    timeline = page.locator("#timeline")
    assert QUESTION in timeline.inner_text()
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Answer", exact=True).click()
    page.get_by_text("Your answer was sent.").wait_for()

    # And sees the whole timeline, in order.
    text = page.locator("#timeline").inner_text()
    steps = [
        "Draft started",
        "Submitted to the regional office",
        "Acknowledged by the regional office",
        "Question to the country",
        QUESTION,
        "Answer from the country",
        ANSWER,
    ]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions), text
    assert re.search(r"Under review", page.locator("#status").inner_text())
    request_obj.refresh_from_db()
    assert request_obj.state == State.UNDER_REVIEW
    assert not csp_refusals, csp_refusals
