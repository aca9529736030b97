"""Two-way matching (issue 19): a routed request is told to the providers whose offers or
solutions match it well, a published offer to the offices with matching open requests; each
match once; both sides see why; a request's details only if the country shared it."""

import pytest

from exchange import mail, services
from exchange.models import MatchNotice
from registry.models import Solution
from requests_app import services as request_services
from tests import factories
from tests.exchange.test_offers import publish
from tests.requests_app import focal

pytestmark = pytest.mark.django_db

CONTACT = "cooperation@mma.example.org"


def mining(cast, title="Mercury-free artisanal gold mining", **extra):
    """A Kenyan request on chemicals (T07) and health (T10), asking for training."""
    return focal.advance(
        focal.submitted(cast, **{**focal.complete_values(title), **extra}), cast, "acknowledge"
    )


def route(cast, request_obj, capture):
    with capture(execute=True):
        focal.advance(request_obj, cast, "route")


def test_a_routed_request_is_told_once_to_the_providers_it_matches_well(
    cast, centres, django_capture_on_commit_callbacks, mailoutbox
):
    request_obj = mining(cast)
    well = publish(cast.outsider_focal_point, thematic_areas=["T07"], support_types=["training"])
    barely = publish(  # one shared type of support: listed among matches, not told
        cast.outsider_focal_point,
        title="Legal drafting",
        contact_email="legal@mma.example.org",
        thematic_areas=["T16"],
        support_types=["training"],
    )
    solution = Solution.objects.create(title="Mercury-free gold processing", kind="method",
                                       provider=centres.east_africa)  # fmt: skip
    solution.thematic_areas.set(["T07", "T10"])
    solution.support_types.set(["training"])
    nobody_home = Solution.objects.create(title="Gravity concentration", kind="technology",
                                          provider=focal.organization())  # fmt: skip
    nobody_home.thematic_areas.set(["T07"])
    nobody_home.support_types.set(["training"])

    route(cast, request_obj, django_capture_on_commit_callbacks)

    told = MatchNotice.objects.filter(request=request_obj, direction="to_provider")
    assert {(n.offer_id, n.solution_id) for n in told} == {(well.pk, None), (None, solution.pk)}
    assert barely.pk not in {n.offer_id for n in told}
    offer_notice = told.get(offer=well)
    assert offer_notice.why == {
        "themes": ["T07"],
        "support_types": ["training"],
        "country": None,
        "south_south": False,
    }
    by_address = {}
    for message in mailoutbox:
        for address in message.to:
            by_address.setdefault(address, []).append(message)
    assert len(by_address[CONTACT]) == 1
    assert {centres.staff.email, centres.colleague.email} <= set(by_address)
    assert "legal@mma.example.org" not in by_address
    body = by_address[CONTACT][0].body
    assert "Same thematic areas: Chemicals" in body and "Same types of support: Training" in body
    # Kenya did not share its request: its title and words stay with it.
    assert request_obj.title not in body and request_obj.reference not in body
    assert "has not shared the details" in body

    # Returned and routed again: nothing is told twice.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        give_back(cast, request_obj)
    route(cast, request_obj, django_capture_on_commit_callbacks)
    providers = {CONTACT, centres.staff.email, centres.colleague.email}
    assert told.count() == 2 and not [m for m in mailoutbox if set(m.to) & providers]
    assert services.tell_providers_of_request(request_obj.pk) == 0


def give_back(cast, request_obj):
    """The lead division returns the request to the office."""
    request_services.perform_action(
        request=request_obj, actor=cast.lead, action="return", data={"reason": "Not ours."}
    )
    request_obj.refresh_from_db()


def test_a_shared_request_is_told_with_its_details(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    request_obj = mining(cast, share_with_partners=True)
    publish(cast.outsider_focal_point, thematic_areas=["T07"], support_types=["training"])
    route(cast, request_obj, django_capture_on_commit_callbacks)
    (message,) = [m for m in mailoutbox if m.to == [CONTACT]]
    assert request_obj.title in message.body and request_obj.reference in message.body


def test_a_published_offer_is_told_once_to_the_offices_with_matching_open_requests(
    cast, centres, mailoutbox
):
    first = mining(cast, "Mercury-free mining in Migori")
    second = mining(cast, "Mercury-free mining in Kakamega")
    withdrawn = mining(cast, "Withdrawn mining request")
    request_services.perform_action(
        request=withdrawn, actor=cast.owner, action="withdraw", data={"reason": "Funded."}
    )
    draft = focal.draft(cast, **focal.complete_values("A draft on mining"))
    brazil = factories.make_request("BRA", state="submitted", title="Brazilian mining")
    brazil.thematic_areas.set(["T07"])
    brazil.support_types.set(["training"])

    offer = publish(cast.outsider_focal_point, thematic_areas=["T07"], support_types=["training"])
    assert services.tell_offices_of_offer(offer.pk) == 3
    assert services.tell_offices_of_offer(offer.pk) == 0
    told = set(
        MatchNotice.objects.filter(offer=offer, direction="to_office").values_list(
            "request__reference", flat=True
        )
    )
    assert told == {first.reference, second.reference, brazil.reference}
    assert withdrawn.reference not in told and draft.reference not in told

    # Two matches for each of two Africa officers, one for Latin America's.
    assert mail.send_pending() == 5
    africa = [m for m in mailoutbox if m.to == [cast.office.email]]
    assert len(africa) == 1  # one e-mail with both of its requests
    assert first.reference in africa[0].body and second.reference in africa[0].body
    assert "Same thematic areas: Chemicals" in africa[0].body
    assert brazil.reference not in africa[0].body
    latin_america = [m for m in mailoutbox if m.to == [cast.outsider_office.email]]
    assert len(latin_america) == 1 and brazil.reference in latin_america[0].body

    # A new request later, and the offer saved again: only the new match is told.
    mailoutbox.clear()
    third = mining(cast, "Mercury-free mining in Narok")
    assert services.tell_offices_of_offer(offer.pk) == 1
    mail.send_pending()
    assert {m.to[0] for m in mailoutbox} == {cast.office.email, cast.office_colleague.email}
    assert all(third.reference in m.body and first.reference not in m.body for m in mailoutbox)


def test_the_offer_page_shows_each_side_why_and_hides_what_was_not_shared(cast, client):
    hidden = mining(cast, "Hidden request on mercury")
    shared = mining(cast, "Shared request on mercury", share_with_partners=True)
    offer = publish(cast.outsider_focal_point, thematic_areas=["T07"], support_types=["training"])
    url = f"/registry/offers/{offer.pk}/"

    client.force_login(cast.outsider_focal_point)  # the provider
    html = client.get(url).content.decode()
    assert "Open requests this offer matches" in html
    assert "Shared request on mercury" in html and "Hidden request on mercury" not in html
    assert "has not shared its details with partners" in html
    assert "Same thematic areas: Chemicals" in html

    client.force_login(cast.office)  # the office sees its own region's requests whole
    html = client.get(url).content.decode()
    assert hidden.title in html and f"/requests/{hidden.reference}/" in html
    assert shared.title in html

    client.force_login(cast.outsider_office)  # another region: none of Kenya's
    assert hidden.title not in client.get(url).content.decode()
    client.logout()
    assert "Open requests this offer matches" not in client.get(url).content.decode()
