"""Regional centres (issue 19): a role scoped to one centre and the countries it serves; its
roster of experts, its inventory of sources of assistance, and proposals on shared requests
that the regional office can accept into the routing."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from bali_portal.accounts.models import Role, User
from bali_portal.accounts.services import PortalUserError, create_portal_user
from exchange import mail, services
from exchange.models import Expert, Proposal
from registry.models import AssistanceSource, Organization
from requests_app.models import RequestEvent
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


def shared(cast, title="Mapping land degradation", share=True, **extra):
    values = {**focal.complete_values(title), "share_with_partners": share, **extra}
    return focal.advance(focal.submitted(cast, **values), cast, "acknowledge")


# --- The role and its scope -----------------------------------------------------------------


def test_a_centre_account_is_scoped_to_an_organization_of_kind_regional_centre(centres):
    user = create_portal_user(
        email="officer@rcmrd.example.org", role="regional_centre", password=None,
        organization="rcmrd",
    )  # fmt: skip
    assert (user.role, user.organization) == (Role.REGIONAL_CENTRE, centres.east_africa)
    assert user.scope_label == "Regional Centre for Mapping of Resources (RCMRD)"
    undp = focal.organization()
    with pytest.raises(PortalUserError, match="No regional centre"):
        create_portal_user(email="x@undp.example.org", role="regional_centre", password=None,
                           organization=undp.pk)  # fmt: skip
    with pytest.raises(PortalUserError, match="needs a organization"):
        create_portal_user(email="y@example.org", role="regional_centre", password=None)
    with pytest.raises(PortalUserError, match="takes no organization"):
        create_portal_user(email="z@example.org", role="focal_point", password=None,
                           country="KEN", organization="RCMRD")  # fmt: skip
    call_command(
        "create_portal_user", "second@rcmrd.example.org", "--role", "regional_centre",
        "--organization", str(centres.east_africa.pk),
    )  # fmt: skip
    with pytest.raises(CommandError):
        call_command("create_portal_user", "w@example.org", "--role", "regional_centre")


def test_the_database_refuses_a_centre_account_without_its_organization(centres):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="bad@example.org", role=Role.REGIONAL_CENTRE)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            email="worse@example.org", role=Role.FOCAL_POINT, country_id="KEN",
            organization=centres.east_africa,
        )  # fmt: skip


def test_a_centre_sees_only_the_shared_requests_of_its_countries(
    cast, centres, api_for, client_for
):
    visible = shared(cast)
    not_shared = shared(cast, "Private request", share=False)
    uganda = factories.focal_point("UGA")
    draft_shared = focal.draft(
        cast, **{**focal.complete_values("Draft"), "share_with_partners": True}
    )
    brazil = factories.make_request("BRA", state="submitted", share_with_partners=True)

    api = api_for(centres.staff)
    listed = {item["reference"] for item in api.get("/api/v1/requests/").json()["results"]}
    assert listed == {visible.reference}
    assert api.get(f"/api/v1/requests/{visible.reference}/").status_code == 200
    for hidden in (not_shared, draft_shared, brazil):
        assert api.get(f"/api/v1/requests/{hidden.reference}/").status_code == 404
        assert client_for(centres.staff).get(f"/requests/{hidden.reference}/").status_code == 404
    assert client_for(centres.staff).get(f"/requests/{visible.reference}/").status_code == 200
    # The centre of Brazil sees Brazil's shared request, none of Kenya's.
    amazon = api_for(centres.amazon_staff)
    assert amazon.get(f"/api/v1/requests/{visible.reference}/").status_code == 404
    assert amazon.get(f"/api/v1/requests/{brazil.reference}/").status_code == 200
    # A centre takes no action of the lifecycle on what it reads.
    body = api.get(f"/api/v1/requests/{visible.reference}/").json()
    assert body["available_actions"] == []
    assert api.post(
        f"/api/v1/requests/{visible.reference}/comment/", {"text": "Hello"}, format="json"
    ).status_code in (403, 404)
    assert uganda.country_id == "UGA"


# --- Proposals ----------------------------------------------------------------------------------


def add_expert(centres, name="Grace Wanjiku") -> Expert:
    return services.save_expert(
        actor=centres.staff,
        values={
            "full_name": name,
            "email": "gw@rcmrd.example.org",
            "expertise": "Land cover mapping.",
            "languages": ["en", "sw"],
            "is_available": True,
            "thematic_areas": ["T03"],
            "countries": ["KEN"],
        },
    )


def test_a_centre_proposes_help_and_the_office_accepts_it_into_the_routing(
    cast, centres, client_for, api_for, mailoutbox
):
    request_obj = shared(cast)
    expert = add_expert(centres)
    page = client_for(centres.staff).get(f"/requests/{request_obj.reference}/propose/")
    assert page.status_code == 200 and request_obj.title in page.content.decode()
    # An empty proposal is refused, naming the field, and keeps the experts chosen.
    refused = client_for(centres.staff).post(
        f"/requests/{request_obj.reference}/propose/", {"summary": "", "experts": [expert.pk]}
    )
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    sent = client_for(centres.staff).post(
        f"/requests/{request_obj.reference}/propose/",
        {"summary": "Land cover maps of the two counties.", "experts": [expert.pk]},
    )
    assert sent.status_code == 302
    proposal = Proposal.objects.get(request=request_obj)
    assert list(proposal.experts.all()) == [expert]
    again = api_for(centres.colleague).post(
        f"/api/v1/requests/{request_obj.reference}/proposals/", {"summary": "More"}, format="json"
    )
    assert again.status_code == 409  # one proposal of a centre waits at a time

    mail.send_pending()
    assert any(cast.office.email in m.to for m in mailoutbox)  # the office hears of it
    html = client_for(cast.office).get(f"/requests/{request_obj.reference}/").content.decode()
    assert "Land cover maps of the two counties." in html and "Accept into the routing" in html
    # Only the request's own office decides.
    decide = f"/api/v1/proposals/{proposal.pk}/accept/"
    assert api_for(cast.outsider_office).post(decide, {}).status_code == 404
    assert api_for(cast.owner).post(decide, {}).status_code == 403
    assert api_for(centres.staff).post(decide, {}).status_code == 403
    answer = api_for(cast.office).post(decide, {"note": "Welcome aboard."}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    # On the timeline, for the country and the divisions.
    note = RequestEvent.objects.filter(request=request_obj, action="comment").last()
    assert "joins the response" in note.note and "Land cover maps" in note.note
    assert api_for(cast.office).post(decide, {}).status_code == 409
    mailoutbox.clear()
    mail.send_pending()
    assert {centres.staff.email, centres.colleague.email} <= {m.to[0] for m in mailoutbox}


def test_no_proposal_on_what_was_not_shared_or_another_countrys_request(cast, centres, api_for):
    private = shared(cast, "Private request", share=False)
    brazil = factories.make_request("BRA", state="submitted", share_with_partners=True)
    api = api_for(centres.staff)
    for request_obj in (private, brazil):
        url = f"/api/v1/requests/{request_obj.reference}/proposals/"
        assert api.post(url, {"summary": "Help"}, format="json").status_code == 404
    visible = shared(cast)
    other_roster = Expert.objects.create(centre=centres.amazon, full_name="Someone", expertise="x")
    answer = api.post(
        f"/api/v1/requests/{visible.reference}/proposals/",
        {"summary": "Help", "experts": [other_roster.pk]},
        format="json",
    )
    assert answer.status_code == 400 and "experts" in answer.json()["errors"]
    assert not Proposal.objects.exists()
    assert (
        api_for(cast.owner)
        .post(f"/api/v1/requests/{visible.reference}/proposals/", {"summary": "Me"}, format="json")
        .status_code
        == 403
    )


# --- The roster and the inventory ---------------------------------------------------------------


def test_a_centre_keeps_its_roster_and_unep_staff_read_every_roster(
    cast, centres, client_for, api_for
):
    expert = add_expert(centres)
    client = client_for(centres.staff)
    page = client.get("/registry/centre/experts/").content.decode()
    assert "Grace Wanjiku" in page and "Swahili" in page
    duplicate = client.post("/registry/centre/experts/new/", {
        "full_name": "Grace Wanjiku", "expertise": "Again", "thematic_areas": ["T03"],
    })  # fmt: skip
    assert duplicate.status_code == 200 and "already exists" in duplicate.content.decode()
    half = client.post("/registry/centre/experts/new/", {"full_name": "New Expert"})
    assert half.status_code == 200 and 'value="New Expert"' in half.content.decode()
    assert Expert.objects.filter(centre=centres.east_africa).count() == 1
    assert (
        client_for(centres.amazon_staff)
        .get(f"/registry/centre/experts/{expert.pk}/edit/")
        .status_code
        == 404
    )
    assert api_for(centres.amazon_staff).get("/api/v1/experts/").json()["count"] == 0
    for staff in (cast.office, cast.lead, cast.coordinator):
        assert api_for(staff).get("/api/v1/experts/").json()["count"] == 1
    assert api_for(cast.owner).get("/api/v1/experts/").json()["count"] == 0
    assert client_for(cast.owner).get("/registry/centre/experts/").status_code == 403


def test_a_centre_keeps_its_own_inventory_of_sources_of_assistance(centres, client_for):
    client = client_for(centres.staff)
    data = {"name": "Mapping grants", "provider": centres.east_africa.pk, "kind": "technical"}
    assert client.post("/registry/assistance/new/", data).status_code == 302
    source = AssistanceSource.objects.get(name="Mapping grants")
    assert source.provider == centres.east_africa
    # Not in another organization's name, and not another centre's source.
    other = {**data, "name": "Someone else's", "provider": centres.amazon.pk}
    refused = client.post("/registry/assistance/new/", other)
    assert (
        refused.status_code == 200
        and not AssistanceSource.objects.filter(name="Someone else's").exists()
    )
    theirs = AssistanceSource.objects.create(
        name="Amazon fund", provider=centres.amazon, kind="financial"
    )
    assert client.get(f"/registry/assistance/{theirs.pk}/edit/").status_code == 404
    assert (
        client_for(centres.amazon_staff).get(f"/registry/assistance/{source.pk}/edit/").status_code
        == 404
    )
    page = client_for(centres.staff).get("/registry/centre/").content.decode()
    assert "Mapping grants" in page and "Amazon fund" not in page


def test_the_centre_page_is_its_own(cast, centres, client_for):
    page = client_for(centres.staff).get("/registry/centre/")
    html = page.content.decode()
    assert page.status_code == 200 and "Regional Centre for Mapping of Resources" in html
    assert "Kenya" in html and "Uganda" in html
    assert client_for(cast.owner).get("/registry/centre/").status_code == 403
    assert Organization.objects.filter(kind="regional_centre").count() == 2


def test_the_coordinator_keeps_the_centres_countries_in_the_admin(centres, client):
    admin = factories.coordinator(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for name in ("regionalcentre", "referral", "offer", "expert", "proposal", "matchnotice",
                 "mail", "event"):  # fmt: skip
        assert client.get(f"/admin/exchange/{name}/").status_code == 200, name
    page = client.get(f"/admin/exchange/regionalcentre/{centres.east_africa.pk}/change/")
    assert page.status_code == 200 and "countries" in page.content.decode()
