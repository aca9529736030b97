"""In Chromium: a regional officer finds a new request in the queue, acknowledges it, asks a
question, routes it after the country's answer; a division officer accepts and completes it
with results; the focal point sees each step on the request's timeline (issue 4)."""

import re

import pytest

from requests_app import services
from requests_app.models import Request
from requests_app.workflow import State
from tests import factories
from tests.requests_app import lifecycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, user, errors):
    """A separate browser (context) per person, logged in through the real login form."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def open_action(page, action):
    """Open an action's form with the keyboard, as someone without a mouse would (the page
    may show the main next step open already)."""
    details = page.locator(f"#action-{action}")
    if details.get_attribute("open") is None:
        summary = details.locator("summary")
        summary.focus()
        summary.press("Enter")
    assert details.get_attribute("open") is not None
    return details


def act(page, action, button):
    form = page.locator(f"#action-{action}")
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def timeline(page):
    return page.locator("#timeline").inner_text()


def test_a_request_from_the_queue_to_its_results(browser, live_server):
    country = factories.focal_point("KEN", full_name="Wanjiru Mwangi")
    officer = factories.regional_staff("ROA", full_name="Amina Diallo")
    factories.regional_staff("ROA", full_name="Kofi Mensah")
    division = factories.division_staff("DEPI", full_name="Lena Berg")
    request = services.create_draft(
        actor=country, values=lifecycle.complete_values("Mercury-free gold processing in Migori")
    )
    services.perform_action(request=request, actor=country, action="submit")
    reference = request.reference
    errors = []

    focal_point = log_in(browser, live_server, country, errors)
    focal_point.goto(f"/requests/{reference}/")
    assert "Submitted to the regional office" in timeline(focal_point)

    # The regional officer finds the new request in the queue.
    staff = log_in(browser, live_server, officer, errors)
    staff.goto("/requests/queue/")
    row = staff.locator(f'tr[data-reference="{reference}"]')
    assert "Submitted" in row.inner_text()
    row.get_by_role("link", name=reference).click()
    staff.wait_for_url(f"**/requests/{reference}/**")

    # Acknowledge (assigned to the officer herself).
    open_action(staff, "acknowledge")
    act(staff, "acknowledge", "Acknowledge")
    assert "Acknowledged by the regional office" in timeline(staff)
    focal_point.reload()
    assert "Acknowledged by the regional office" in timeline(focal_point)
    assert "Amina Diallo" in focal_point.locator("#status").inner_text()

    # Ask the focal point a question; the clock stops.
    form = open_action(staff, "request_info")
    form.get_by_label("Your question to the country", exact=True).fill(
        "Which counties would take part?"
    )
    act(staff, "request_info", "Ask the focal point")
    focal_point.reload()
    assert "Which counties would take part?" in timeline(focal_point)
    assert Request.objects.get(pk=request.pk).state == State.INFO_REQUESTED

    # The focal point answers on the request's page.
    form = open_action(focal_point, "provide_info")
    form.get_by_label("Your answer", exact=True).fill("Migori and Kakamega.")
    act(focal_point, "provide_info", "Answer")
    assert "Migori and Kakamega." in timeline(focal_point)

    # After the answer, the officer routes it to DEPI, with DELC supporting.
    staff.reload()
    assert "Answer from the country" in timeline(staff)
    form = open_action(staff, "route")
    form.get_by_label("Lead division").select_option("DEPI")
    form.locator('input[name="supporting_divisions"][value="DELC"]').check()
    act(staff, "route", "Route to a division")
    assert "Routed to a division" in timeline(staff)

    # The division officer finds it in the division's queue, accepts and completes it.
    lead = log_in(browser, live_server, division, errors)
    lead.goto("/requests/queue/")
    lead.locator(f'tr[data-reference="{reference}"]').get_by_role("link", name=reference).click()
    lead.wait_for_url(f"**/requests/{reference}/**")
    form = open_action(lead, "accept")
    form.get_by_label("Response plan", exact=True).fill(
        "Two trainings with the miners' cooperatives."
    )
    act(lead, "accept", "Accept")
    assert "Accepted by the division" in timeline(lead)

    form = open_action(lead, "complete")
    form.get_by_label("Women trained", exact=True).fill("31")
    form.get_by_label("Men trained", exact=True).fill("27")
    form.get_by_label("Institutions supported", exact=True).fill("4")
    form.get_by_label("Outputs: laws, plans, tools, reports", exact=True).fill("A training manual.")
    form.get_by_label("Cost (USD)", exact=True).fill("48500")
    form.get_by_label("Lessons learned", exact=True).fill("Cooperatives reached women miners.")
    act(lead, "complete", "Complete with results")
    assert "Completed" in timeline(lead)

    # The focal point sees every step, in order, and the results.
    focal_point.reload()
    steps = timeline(focal_point)
    expected = [
        "Submitted to the regional office",
        "Acknowledged by the regional office",
        "Question to the country",
        "Answer from the country",
        "Routed to a division",
        "Accepted by the division",
        "Completed",
    ]
    positions = [steps.index(step) for step in expected]
    assert positions == sorted(positions), steps
    assert "Two trainings with the miners' cooperatives." in steps
    results = focal_point.locator("main").inner_text()
    assert re.search(r"Women trained\s+31", results)
    assert re.search(r"Men trained\s+27", results)
    assert "A training manual." in results

    finished = Request.objects.get(pk=request.pk)
    assert finished.state == State.COMPLETED
    assert finished.lead_division_id == "DEPI"
    assert (finished.people_trained_female, finished.people_trained_male) == (31, 27)
    assert errors == [], errors  # no script errors, no content-security-policy violations
