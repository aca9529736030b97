"""In a real Chromium, the designation of a national focal point from end to end: a government
official nominates with the official letter; the regional office approves; the new focal point
sets a password from the e-mailed link and files a request; later the designation is ended and
the same person can no longer act (403 on pages and API), while a successor sees the country's
requests."""

import re

import pytest
from django.core import mail

from designations import services
from designations.demo import letter_pdf
from designations.models import Designation, Status
from requests_app.models import Request
from requests_app.workflow import State
from tests import factories
from tests.designations import nominations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kilimanjaro-2026!"


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_focal_point_is_designated_acts_and_stops_acting_when_the_designation_ends(
    page, login_page, csp_refusals
):
    office = factories.regional_staff("ROA", full_name="Amina Diallo")

    # A government official nominates, with the letter; a mistake first, then corrected.
    page.goto("/focal-points/")
    page.get_by_role("link", name="Nominate a focal point").click()
    page.get_by_label("Country").select_option("KEN")
    page.get_by_label("Full name of the focal point").fill("Grace Wanjiku")
    page.get_by_label("Position").fill("Director, Multilateral Environmental Agreements")
    page.get_by_label("Ministry or agency").fill("Ministry of Environment and Forestry")
    page.get_by_label("E-mail address").fill("grace.wanjiku@environment.example.org")
    page.get_by_label("Telephone").fill("+254 20 273 0808")
    page.get_by_label("Designated from").fill("early next year")
    page.get_by_label("Official letter of designation").set_input_files(
        {"name": "designation.pdf", "mimeType": "application/pdf", "buffer": letter_pdf("Kenya")}
    )
    page.get_by_role("button", name="Send the nomination").click()
    page.get_by_role("alert").get_by_text("Enter a valid date.").wait_for()
    assert page.get_by_label("Full name of the focal point").input_value() == "Grace Wanjiku"
    page.get_by_label("Designated from").fill("2026-01-05")
    page.get_by_label("Official letter of designation").set_input_files(
        {"name": "designation.pdf", "mimeType": "application/pdf", "buffer": letter_pdf("Kenya")}
    )
    page.get_by_role("button", name="Send the nomination").click()
    page.get_by_role("heading", name="Nomination received").wait_for()
    designation = Designation.objects.get()
    assert designation.status == Status.NOMINATED

    # The regional office verifies and approves.
    login_page(office)
    page.goto("/focal-points/")
    page.get_by_role("link", name="Designations to verify").click()
    page.get_by_role("link", name="Grace Wanjiku").click()
    assert "designation.pdf" in page.locator("main").inner_text()
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("The designation was approved").wait_for()
    assert page.locator("#designation-status").inner_text() == "Approved"
    log_out(page)

    # The new focal point sets a password from the e-mailed link, and files a request.
    (message,) = mail.outbox
    link = re.search(r"https?://\S+(/focal-points/set-password/\S+/)", message.body).group(1)
    page.goto(link)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    page.get_by_role("heading", name="Password saved").wait_for()
    log_in(page, "grace.wanjiku@environment.example.org", PASSWORD)
    page.goto("/requests/")
    page.get_by_role("link", name="Start a new request").click()
    page.get_by_label("Title").fill("Mercury-free artisanal gold mining")
    page.get_by_label("The need").fill("Train miners' cooperatives in mercury-free processing.")
    page.get_by_label("Link to national priorities").fill("Minamata national action plan.")
    page.get_by_label("Chemicals").check()
    page.get_by_label("Training", exact=True).check()
    page.get_by_label("Desired start").fill("2026-09-01")
    page.get_by_label("Duration (months)").fill("12")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Submit to the regional office").click()
    page.get_by_text("The request was submitted.").wait_for()
    filed = Request.objects.get()
    assert (filed.state, filed.country_id) == (State.SUBMITTED, "KEN")

    # The designation is ended: the same person, still logged in, can no longer act.
    services.end(designation=designation, actor=office, reason="Moved to another ministry.")
    page.goto("/requests/")
    assert "ended on" in page.locator("main").inner_text()
    answer = page.request.get("/api/v1/requests/")
    assert answer.status == 403 and "ended on" in answer.json()["detail"]
    answer = page.request.get(f"/requests/{filed.reference}/")
    assert answer.status == 403
    log_out(page)

    # A successor, approved in turn, sees the country's requests, the predecessor's included.
    successor = nominations.nominate(email="otieno.kamau@environment.example.org")
    services.approve(designation=successor, actor=office)
    account = Designation.objects.get(pk=successor.pk).account
    account.set_password(PASSWORD)
    account.save()
    log_in(page, account.email, PASSWORD)
    page.goto("/requests/")
    page.get_by_role("link", name=filed.reference).click()
    assert "Mercury-free artisanal gold mining" in page.locator("h1").inner_text()
    assert not csp_refusals, csp_refusals
