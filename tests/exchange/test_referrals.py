"""A referral reaches the partner (issue 19): the contact answers by a signed link, without an
account, and later reports the outcome; the country and the office follow it on the request."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from exchange import links, mail, services
from exchange.models import Event, Mail, Referral
from registry.models import Organization
from requests_app.workflow import State
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

CONTACT = "partnerships@undp.example.org"
LINK = re.compile(r"https?://\S+/referrals/[^/\s]+/")


def reviewed(cast, **values):
    return focal.advance(focal.submitted(cast, **values), cast, "acknowledge")


def refer(api, request_obj, partner, **extra):
    data = {"organization": partner.pk, "contact_email": CONTACT, "explanation": "UNDP runs it."}
    return api.post(
        f"/api/v1/requests/{request_obj.reference}/refer/", {**data, **extra}, format="json"
    )


def referred(cast, partner, api_for, **values):
    request_obj = reviewed(cast, **values)
    assert refer(api_for(cast.office), request_obj, partner).status_code == 200
    request_obj.refresh_from_db()
    return request_obj


def path_of(message) -> str:
    """The path of the partner's link in an e-mail (the portal's base address is set aside)."""
    url = LINK.search(message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_refer_takes_an_organization_and_a_contact_and_the_request_carries_the_referral(
    cast, partner, api_for, mailoutbox
):
    request_obj = reviewed(cast)
    office = api_for(cast.office)
    missing = refer(office, request_obj, partner, contact_email="")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"contact_email"}
    wrong = refer(office, request_obj, partner, contact_email="not an address")
    assert wrong.status_code == 400 and "contact_email" in wrong.json()["errors"]
    assert not Referral.objects.exists()  # nothing is kept of a refused action

    answer = refer(office, request_obj, partner)
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == State.REFERRED
    assert body["referral"]["organization"] == partner.pk
    assert (body["referral"]["status"], body["referral"]["outcome"]) == ("sent", None)
    # The country reads the same on its side.
    seen = api_for(cast.owner).get(f"/api/v1/requests/{request_obj.reference}/").json()
    assert seen["referral"]["status"] == "sent"

    assert mail.send_pending() == 1
    (message,) = [m for m in mailoutbox if m.to == [CONTACT]]
    assert "United Nations Development Programme" in message.subject
    assert "UNDP runs it." in message.body
    assert path_of(message).startswith("/referrals/")
    assert mail.send_pending() == 0  # sent once


def test_the_partner_accepts_then_reports_the_outcome_through_the_link_without_an_account(
    cast, partner, api_for, client, mailoutbox
):
    request_obj = referred(cast, partner, api_for)
    mail.send_pending()
    path = path_of(next(m for m in mailoutbox if m.to == [CONTACT]))
    mailoutbox.clear()

    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kenya" in html and "UNDP runs it." in html
    # The country did not share its request with partners: its own words stay with it.
    assert escape(request_obj.description) not in html

    assert client.post(path, {"answer": ""}).status_code == 400  # nothing chosen: said so
    assert client.post(path, {"answer": "accept", "note": "We take it up."}).status_code == 302
    referral = Referral.objects.get(request=request_obj)
    assert (referral.status, referral.answer_note) == ("accepted", "We take it up.")
    mail.send_pending()
    told = {address for message in mailoutbox for address in message.to}
    assert {cast.owner.email, cast.colleague.email, cast.office.email, CONTACT} <= told

    # Later: the outcome. A half-filled form keeps what was typed.
    half = client.post(path, {"outcome": "supported", "note": ""})
    assert half.status_code == 400
    assert re.search(r'value="supported"[^>]*checked', half.content.decode())
    done = client.post(path, {"outcome": "supported", "note": "Two workshops held."})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "supported")
    assert client.post(path, {"outcome": "supported", "note": "Again"}).status_code == 409

    page = api_for(cast.owner).get(f"/api/v1/requests/{request_obj.reference}/").json()
    assert page["referral"]["status"] == "completed"
    assert page["referral"]["outcome"] == "supported"
    kinds = list(Event.objects.filter(referral=referral).values_list("kind", flat=True))
    assert kinds == ["referral_sent", "referral_accepted", "referral_completed"]


def test_a_declined_referral_is_told_to_the_country_and_the_office(
    cast, partner, api_for, client, mailoutbox
):
    request_obj = referred(cast, partner, api_for)
    token = links.referral_token(request_obj.referral)
    response = client.post(f"/referrals/{token}/", {"answer": "decline", "note": "Fully booked."})
    assert response.status_code == 302
    mail.send_pending()
    answered = [m for m in mailoutbox if m.to == [cast.owner.email]]
    assert answered and "Declined by the partner" in answered[0].subject
    html = focal_page(cast, request_obj, client)
    assert "Declined by the partner" in html and "Fully booked." in html


def focal_page(cast, request_obj, client) -> str:
    client.force_login(cast.owner)
    return client.get(f"/requests/{request_obj.reference}/").content.decode()


def test_a_forged_altered_or_expired_link_is_refused(cast, partner, api_for, client):
    request_obj = referred(cast, partner, api_for)
    referral = request_obj.referral
    good = links.referral_token(referral)
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    assert client.get(f"/referrals/{forged}/").status_code == 404
    assert client.get("/referrals/not-a-token/").status_code == 404
    assert client.post(f"/referrals/{forged}/", {"answer": "accept"}).status_code == 404
    old = timezone.now() - timedelta(days=121)
    expired = links.referral_token(referral, issued_at=old)
    page = client.get(f"/referrals/{expired}/")
    assert page.status_code == 410 and "expired" in page.content.decode()
    assert client.post(f"/referrals/{expired}/", {"answer": "accept"}).status_code == 410
    referral.refresh_from_db()
    assert referral.status == "sent"  # nothing was answered


def test_the_link_reveals_only_its_own_referral(cast, partner, api_for, client):
    first = referred(cast, partner, api_for, **focal.complete_values("Mercury-free mining"))
    second = referred(cast, partner, api_for, **focal.complete_values("Coastal wetlands"))
    Referral.objects.filter(pk=second.referral.pk).update(explanation="Second explanation.")
    token = links.referral_token(first.referral)
    html = client.get(f"/referrals/{token}/").content.decode()
    assert "UNDP runs it." in html
    assert "Second explanation." not in html and second.reference not in html
    assert links.read_referral_token(token).referral_id == first.referral.pk


def test_the_country_shared_request_is_shown_whole_to_the_partner(cast, partner, api_for, client):
    values = {**focal.complete_values(), "share_with_partners": True}
    request_obj = referred(cast, partner, api_for, **values)
    html = client.get(f"/referrals/{links.referral_token(request_obj.referral)}/").content
    assert escape(request_obj.description) in html.decode()


def test_an_unanswered_referral_is_reminded_once_after_two_weeks(cast, partner, api_for):
    waiting = referred(cast, partner, api_for).referral
    recent = referred(cast, partner, api_for).referral
    answered = referred(cast, partner, api_for).referral
    services.answer_referral(referral_id=answered.pk, accept=True)
    now = timezone.now()
    Referral.objects.filter(pk__in=[waiting.pk, answered.pk]).update(
        sent_at=now - timedelta(days=15)
    )
    Referral.objects.filter(pk=recent.pk).update(sent_at=now - timedelta(days=13))

    assert services.remind_unanswered_referrals(now) == 1
    assert services.remind_unanswered_referrals(now) == 0
    assert services.remind_unanswered_referrals(now + timedelta(days=30)) == 1  # the recent one
    reminders = Mail.objects.filter(kind="referral_reminder")
    assert sorted(reminders.values_list("referral_id", flat=True)) == sorted(
        [waiting.pk, recent.pk]
    )
    waiting.refresh_from_db()
    assert waiting.reminded_at is not None
    assert Event.objects.filter(referral=waiting, kind="referral_reminded").count() == 1


def test_the_office_sends_a_new_link_others_cannot(cast, partner, api_for, client, mailoutbox):
    request_obj = referred(cast, partner, api_for)
    url = f"/requests/{request_obj.reference}/referral/resend/"
    client.force_login(cast.owner)
    assert client.post(url).status_code == 403
    client.force_login(cast.outsider_office)
    assert client.post(url).status_code == 404
    client.force_login(cast.office)
    assert client.post(url).status_code == 302
    mail.send_pending()
    assert sum(1 for m in mailoutbox if m.to == [CONTACT]) == 2  # the referral, the new link


def test_the_referral_shows_on_the_request_page_for_the_country_and_the_office(
    cast, partner, api_for, client
):
    request_obj = referred(cast, partner, api_for)
    for person in (cast.owner, cast.office, factories.coordinator()):
        client.force_login(person)
        html = client.get(f"/requests/{request_obj.reference}/").content.decode()
        assert 'id="referral-status"' in html and "Sent, awaiting an answer" in html
    client.force_login(cast.outsider_focal_point)
    assert client.get(f"/requests/{request_obj.reference}/").status_code == 404


def test_the_office_names_the_organization_on_the_page_which_lists_none_of_them(
    cast, partner, client_for
):
    """The registry holds tens of thousands of organizations: the page takes a name or an
    acronym as typed, and never carries the whole list (it weighed 386 KB at the large scale)."""
    request_obj = reviewed(cast)
    centres = [
        Organization.objects.create(name=f"Regional Seas Centre {n}", kind="regional_centre")
        for n in range(3)
    ]
    office = client_for(cast.office)
    page = office.get(f"/requests/{request_obj.reference}/").content.decode()
    assert 'name="organization"' in page
    assert not any(escape(org.name) in page for org in [partner, *centres])

    def act(organization):
        return office.post(
            f"/requests/{request_obj.reference}/act/refer/",
            {"organization": organization, "contact_email": CONTACT},
        )

    unknown = act("Regional Seas")
    assert unknown.status_code == 400
    text = unknown.content.decode()
    assert "No organization in the registry is called" in text
    assert escape("Regional Seas Centre 0") in text  # suggested, to be typed in full
    assert escape("Regional Seas") in text  # what was typed is kept in the box
    assert not Referral.objects.exists()

    assert act("undp").status_code == 302  # the acronym, whatever its case
    assert Referral.objects.get(request=request_obj).organization == partner
