"""In Chromium: a regional office refers a request to a regional centre; the centre's contact
opens the e-mailed link in a fresh browser (no account, no login), accepts, later reports the
outcome; the focal point sees it on the request's page. A forged or expired link is refused
(issue 19)."""

import re
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.utils import timezone

from exchange import links
from exchange.models import Referral
from registry.models import Organization
from requests_app import services
from tests.requests_app import focal
from tests.requests_app.test_staff_browser import log_in, open_action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTACT = "projects@acmad.example.org"


def fresh_browser(browser, live_server, errors):
    """A browser nobody has logged into: the partner's."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return page


def test_a_referral_answered_by_the_partner_through_its_link(browser, live_server, mailoutbox):
    cast = focal.people()
    centre = Organization.objects.create(
        name="African Centre of Meteorological Applications for Development",
        acronym="ACMAD",
        kind=Organization.Kind.REGIONAL_CENTRE,
    )
    request_obj = focal.advance(
        focal.submitted(cast, **focal.complete_values("Seasonal forecasts for farmers")),
        cast,
        "acknowledge",
    )
    errors = []

    # The regional officer refers the request, naming the centre's contact.
    office = log_in(browser, live_server, cast.office, errors)
    office.goto(f"/requests/{request_obj.reference}/")
    form = open_action(office, "refer")
    form.get_by_label("Organization referred to").fill(centre.name)
    form.get_by_label("E-mail of the organization's contact").fill(CONTACT)
    form.get_by_label("Why this organization is better placed").fill(
        "ACMAD runs seasonal forecasting for African farmers."
    )
    form.get_by_role("button", name="Refer to another organization").click()
    office.wait_for_load_state()
    assert "Sent, awaiting an answer" in office.locator("#referral").inner_text()

    # The contact's e-mail carries the link; it opens in a browser nobody logged into.
    (invitation,) = [m for m in mailoutbox if m.to == [CONTACT]]
    path = re.search(r"/referrals/[^/\s]+/", invitation.body).group(0)
    partner = fresh_browser(browser, live_server, errors)
    partner.goto(path)
    assert "ACMAD runs seasonal forecasting" in partner.content()
    assert "Kenya" in partner.locator("dl.facts").inner_text()
    partner.get_by_label("Yes, we accept it").check()
    partner.get_by_label("A note for the country and the regional office").fill(
        "We include Kenya in our next season."
    )
    partner.get_by_role("button", name="Send the answer").click()
    partner.wait_for_load_state()
    assert partner.locator("#referral-status").inner_text() == "Accepted by the partner"

    # Later, the outcome, from the same link.
    partner.goto(path)
    partner.get_by_label("Support provided", exact=True).check()
    partner.get_by_label("What was done").fill("Forecasts issued to 3,000 farmers by SMS.")
    partner.get_by_role("button", name="Report the outcome").click()
    partner.wait_for_load_state()
    assert partner.locator("#referral-status").inner_text() == "Completed by the partner"
    assert "This referral is closed; thank you." in partner.content()

    # The focal point sees it on the request's page.
    country = log_in(browser, live_server, cast.owner, errors)
    country.goto(f"/requests/{request_obj.reference}/")
    referral = country.locator("#referral").inner_text()
    assert "Completed by the partner" in referral
    assert "Support provided" in referral
    assert "Forecasts issued to 3,000 farmers by SMS." in referral
    assert "We include Kenya in our next season." in referral
    assert errors == []
    assert any(cast.owner.email in m.to for m in django_mail.outbox)  # told by e-mail too


def test_a_forged_or_expired_link_is_refused(browser, live_server):
    cast = focal.people()
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    services.perform_action(
        request=request_obj,
        actor=cast.office,
        action="refer",
        data={"organization": focal.organization().pk, "contact_email": CONTACT},
    )
    referral = Referral.objects.get(request=request_obj)
    errors = []
    partner = fresh_browser(browser, live_server, errors)

    good = links.referral_token(referral)
    forged = good[:-3] + ("xyz" if not good.endswith("xyz") else "abc")
    answer = partner.goto(f"/referrals/{forged}/")
    assert answer.status == 404
    assert "This link is not valid" in partner.locator("#link-refused").inner_text()

    expired = links.referral_token(referral, issued_at=timezone.now() - timedelta(days=200))
    answer = partner.goto(f"/referrals/{expired}/")
    assert answer.status == 410
    assert "This link has expired" in partner.locator("#link-refused").inner_text()
    assert partner.get_by_role("button", name="Send the answer").count() == 0
    referral.refresh_from_db()
    assert referral.status == "sent"
