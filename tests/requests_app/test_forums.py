"""Forums and UN bodies as requesters (plan §8, §14-15, §30, §31(g)): reference data, a forum
focal point filing for its forum, routed to the forum's regional office, the covered countries'
focal points seeing the request, and the priorities forums state, shown while triaging."""

import pytest

from registry.models import Forum
from requests_app import services
from requests_app.models import Notification, Request
from tests import factories
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


def forum_values(**more) -> dict:
    return {
        **focal.complete_values("Sahel drought early-warning network"),
        "scope": "subregional",
        "covered_countries": ["NER", "MLI", "BFA"],
        **more,
    }


def test_forums_are_reference_data_with_members_office_and_priorities(api_client):
    forums = {item["code"]: item for item in api_client.get("/api/v1/reference/forums/").json()}
    assert {"AMCEN", "LACFORUM", "CAMRE", "AMME", "SPREP"} <= set(forums)
    amcen = forums["AMCEN"]
    assert amcen["name"] == "African Ministerial Conference on the Environment"
    assert (amcen["kind"], amcen["regional_office"]) == ("regional_forum", "ROA")
    assert len(amcen["countries"]) == 54 and "KEN" in amcen["countries"]
    assert len(forums["CAMRE"]["countries"]) == 22
    assert "TLS" in forums["AMME"]["countries"]
    assert forums["NAIROBI"]["kind"] == "mea_secretariat"
    assert forums["UNECA"]["kind"] == "un_body"


def test_a_forum_focal_point_files_for_its_forum_and_its_office_hears_of_it(api_for):
    amcen = factories.forum_focal_point("AMCEN")
    office = factories.regional_staff("ROA")
    answer = api_for(amcen).post(
        "/api/v1/requests/", {**forum_values(), "submit": True}, format="json"
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["reference"].startswith("AMCEN-")
    assert (body["requester"], body["forum"], body["country"]) == ("forum", "AMCEN", None)
    assert (body["regional_office"], body["state"]) == ("ROA", "submitted")
    assert body["covered_countries"] == ["BFA", "MLI", "NER"]
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert office.pk in told
    reference = body["reference"]
    services.perform_action(
        request=Request.objects.get(reference=reference), actor=office, action="acknowledge"
    )
    # The forum's focal points hear of each step, as a country's do.
    assert Notification.objects.filter(recipient=amcen).count() == 1


def test_covered_countries_must_be_members_of_the_forum(api_for):
    amcen = factories.forum_focal_point("AMCEN")
    values = forum_values(covered_countries=["NER", "BRA"], submit=True)
    answer = api_for(amcen).post("/api/v1/requests/", values, format="json")
    assert answer.status_code == 400
    assert "BRA" in " ".join(answer.json()["errors"]["covered_countries"])


def test_the_covered_countries_focal_points_see_it_and_nobody_else_outside(api_for):
    amcen = factories.forum_focal_point("AMCEN")
    draft = services.create_draft(actor=amcen, values=forum_values())
    niger = api_for(factories.focal_point("NER"))
    assert niger.get(f"/api/v1/requests/{draft.reference}/").status_code == 404  # a draft
    services.perform_action(request=draft, actor=amcen, action="submit")
    seen = niger.get(f"/api/v1/requests/{draft.reference}/")
    assert seen.status_code == 200 and seen.json()["available_actions"] == []
    comment = niger.post(f"/api/v1/requests/{draft.reference}/comment/", {"text": "Thanks"})
    assert comment.status_code == 403
    for outsider in (
        factories.focal_point("KEN"),
        factories.forum_focal_point("LACFORUM"),
        factories.regional_staff("ROLAC"),
    ):
        assert api_for(outsider).get(f"/api/v1/requests/{draft.reference}/").status_code == 404
    queue = api_for(factories.regional_staff("ROA")).get("/api/v1/requests/?requester=forum")
    assert [item["reference"] for item in queue.json()["results"]] == [draft.reference]


def test_a_forum_focal_point_acts_on_its_forums_requests_as_a_country_does(api_for):
    lac = factories.forum_focal_point("LACFORUM")
    values = forum_values(covered_countries=["JAM", "BRB"], scope="regional")
    draft = services.create_draft(actor=lac, values=values)
    assert draft.reference.startswith("LACFORUM-") and draft.regional_office_id == "ROLAC"
    api = api_for(lac)
    assert (
        api.patch(f"/api/v1/requests/{draft.reference}/", {"title": "Marine litter"}).status_code
        == 200
    )
    assert api.post(f"/api/v1/requests/{draft.reference}/submit/").status_code == 200
    withdrawn = api.post(f"/api/v1/requests/{draft.reference}/withdraw/", {"reason": "Funded."})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"


def test_forums_record_priorities_and_the_office_sees_them_while_triaging(client_for):
    amcen = factories.forum_focal_point("AMCEN")
    page = client_for(amcen)
    saved = page.post("/registry/forums/AMCEN/", {"priorities": ["T03", "T02"]})
    assert saved.status_code == 302
    forum = Forum.objects.get(code="AMCEN")
    assert set(forum.priorities.values_list("code", flat=True)) == {"T02", "T03"}
    assert forum.priorities_recorded_at is not None
    other = client_for(factories.forum_focal_point("CAMRE"))
    assert other.post("/registry/forums/AMCEN/", {"priorities": ["T01"]}).status_code == 403
    assert (
        "Desertification"
        in client_for(factories.coordinator()).get("/registry/forums/AMCEN/").content.decode()
    )
    # A Kenyan request on climate change: Kenya is a member of AMCEN.
    request = factories.make_request("KEN", state="submitted")
    request.thematic_areas.set(["T02"])
    triage = client_for(factories.regional_staff("ROA")).get(f"/requests/{request.reference}/")
    html = triage.content.decode()
    assert "The region's priorities, as its forums state them" in html
    assert "African Ministerial Conference on the Environment" in html
    owner = client_for(request.created_by).get(f"/requests/{request.reference}/")
    assert "forum-priorities" not in owner.content.decode()  # for those who triage
