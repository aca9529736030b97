"""``/api/v1/designations/``: nominate (anyone), approve, reject and end (the country's regional
office or the coordinator), each step an immutable event; outsiders get 404."""

import re

import pytest
from django.core import mail
from django.db import DatabaseError, transaction

from designations.models import Designation, DesignationEvent, ImmutableEventError, Status
from designations.selectors import acts_as_focal_point
from requests_app import services as requests
from requests_app.models import Notification
from tests import factories
from tests.designations import nominations

pytestmark = pytest.mark.django_db

LIST = "/api/v1/designations/"


def test_anyone_nominates_with_the_letter_and_the_nomination_waits(api_client):
    answer = api_client.post(
        LIST, {**nominations.form_data(), "letter": nominations.letter()}, format="multipart"
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["country"], body["status"], body["account"]) == ("KEN", "nominated", None)
    assert [event["action"] for event in body["events"]] == ["nominated"]
    designation = Designation.objects.get(pk=body["id"])
    assert designation.letter_content_type == "application/pdf"
    assert designation.letter.read().startswith(b"%PDF-")


def test_a_nomination_names_each_missing_or_bad_field(api_client):
    data = nominations.form_data(ministry="", email="not an address")
    answer = api_client.post(LIST, data, format="multipart")
    assert answer.status_code == 400
    assert {"ministry", "email", "letter"} <= set(answer.json()["errors"])
    assert not Designation.objects.exists()


def test_a_letter_is_judged_by_its_content(api_client):
    fake = nominations.letter("letter.pdf")
    fake.file.write(b"MZ\x90\x00 an executable")
    fake.file.seek(0)
    fake.file.truncate(13)
    answer = api_client.post(LIST, {**nominations.form_data(), "letter": fake}, format="multipart")
    assert answer.status_code == 400
    assert "not accepted" in " ".join(answer.json()["errors"]["letter"])


def test_a_country_the_plan_does_not_serve_cannot_nominate(api_client):
    data = {**nominations.form_data("CAN"), "letter": nominations.letter()}
    answer = api_client.post(LIST, data, format="multipart")
    assert answer.status_code == 400
    assert "developed economy" in " ".join(answer.json()["errors"]["country"])


def test_the_regional_office_approves_and_the_person_gets_a_link_to_set_a_password(
    api_for, django_capture_on_commit_callbacks
):
    designation = nominations.nominate()
    office = factories.regional_staff("ROA")
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_for(office).post(f"{LIST}{designation.pk}/approve/")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "approved" and body["available_actions"] == ["end", "send-link"]
    account = Designation.objects.get(pk=designation.pk).account
    assert (account.email, account.country_id, account.role) == (
        "grace.wanjiku@environment.example.org",
        "KEN",
        "focal_point",
    )
    assert not account.has_usable_password() and acts_as_focal_point(account)
    (message,) = mail.outbox
    assert message.to == [account.email]
    assert re.search(r"/focal-points/set-password/[^/]+/[^/]+/", message.body)
    actions = list(designation.events.values_list("action", flat=True))
    assert actions == ["nominated", "approved", "link_sent"]


def test_a_step_out_of_order_is_409_and_a_reason_is_required(api_for):
    designation = nominations.nominate()
    coordinator = factories.coordinator()
    api = api_for(coordinator)
    missing = api.post(f"{LIST}{designation.pk}/reject/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    rejected = api.post(f"{LIST}{designation.pk}/reject/", {"reason": "Unsigned letter."})
    assert rejected.status_code == 200 and rejected.json()["reason"] == "Unsigned letter."
    again = api.post(f"{LIST}{designation.pk}/approve/")
    assert again.status_code == 409
    assert Designation.objects.get(pk=designation.pk).status == Status.REJECTED


def test_outsiders_get_404_and_the_council_reads_but_does_not_decide(api_for, api_client):
    designation = nominations.nominate()  # Kenya: the Africa office's
    for outsider in (
        factories.regional_staff("ROAP"),
        factories.focal_point("BRA"),
        factories.division_staff("DEPI"),
    ):
        api = api_for(outsider)
        assert api.get(f"{LIST}{designation.pk}/").status_code == 404
        assert api.post(f"{LIST}{designation.pk}/approve/").status_code == 404
        assert api.get(f"{LIST}{designation.pk}/letter/").status_code == 404
        assert designation.pk not in [item["id"] for item in api.get(LIST).json()["results"]]
    assert api_client.get(f"{LIST}{designation.pk}/").status_code in (401, 403)
    council = api_for(factories.council())
    assert council.get(f"{LIST}{designation.pk}/").status_code == 200
    assert council.post(f"{LIST}{designation.pk}/approve/").status_code == 403
    letter = council.get(f"{LIST}{designation.pk}/letter/")
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF-")


def test_ending_a_designation_stops_the_account_acting_and_keeps_its_history(
    api_for, django_capture_on_commit_callbacks
):
    designation = nominations.nominate()
    office = api_for(factories.regional_staff("ROA"))
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"{LIST}{designation.pk}/approve/")
    account = Designation.objects.get(pk=designation.pk).account
    request = factories.make_request("KEN", state="submitted", created_by=account)
    focal = api_for(account)
    assert focal.get(f"/api/v1/requests/{request.reference}/").status_code == 200
    ended = office.post(f"{LIST}{designation.pk}/end/", {"reason": "Left the ministry."})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    refused = focal.get("/api/v1/requests/")
    assert refused.status_code == 403
    assert "ended on" in refused.json()["detail"]
    assert focal.get(f"/api/v1/requests/{request.reference}/").status_code == 403
    assert focal.post("/api/v1/requests/", {"title": "More"}, format="json").status_code == 403
    account.refresh_from_db()
    assert account.is_active  # the account and what it did stay; it no longer acts
    assert [e.action for e in designation.events.all()] == [
        "nominated", "approved", "link_sent", "ended",
    ]  # fmt: skip


def test_a_successor_replaces_a_focal_point_and_sees_the_countrys_whole_history(api_for):
    predecessor = factories.focal_point("KEN")
    old_request = factories.make_request("KEN", state="closed", created_by=predecessor)
    draft = factories.make_request("KEN", state="draft", created_by=predecessor)
    replaced = Designation.objects.get(account=predecessor)
    successor = nominations.nominate(replaces=replaced)
    office = api_for(factories.regional_staff("ROA"))
    assert office.post(f"{LIST}{successor.pk}/approve/").status_code == 200
    replaced.refresh_from_db()
    assert replaced.status == Status.ENDED and "Replaced by Grace Wanjiku" in replaced.reason
    new = api_for(Designation.objects.get(pk=successor.pk).account)
    seen = {item["reference"] for item in new.get("/api/v1/requests/").json()["results"]}
    assert {old_request.reference, draft.reference} <= seen
    assert api_for(predecessor).get("/api/v1/requests/").status_code == 403


def test_a_focal_point_designated_again_gets_the_same_account_back(api_for):
    first = nominations.nominate()
    office = api_for(factories.regional_staff("ROA"))
    office.post(f"{LIST}{first.pk}/approve/")
    office.post(f"{LIST}{first.pk}/end/", {"reason": "Term over."})
    account = Designation.objects.get(pk=first.pk).account
    account.is_active = False  # deactivated by an administrator meanwhile
    account.save()
    again = nominations.nominate(email="Grace.Wanjiku@environment.example.org")
    assert office.post(f"{LIST}{again.pk}/approve/").status_code == 200
    account.refresh_from_db()
    assert Designation.objects.get(pk=again.pk).account == account
    assert account.is_active and acts_as_focal_point(account)


def test_an_address_of_another_role_is_never_turned_into_a_focal_point(api_for):
    staff = factories.regional_staff("ROA", email="taken@unep.example.org")
    designation = nominations.nominate(email="taken@unep.example.org")
    answer = api_for(factories.coordinator()).post(f"{LIST}{designation.pk}/approve/")
    assert answer.status_code == 409 and "taken@unep.example.org" in answer.json()["detail"]
    staff.refresh_from_db()
    assert staff.role == "regional_staff"
    assert Designation.objects.get(pk=designation.pk).status == Status.NOMINATED


def test_events_are_immutable():
    designation = nominations.nominate()
    event = designation.events.get()
    event.note = "rewritten"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        DesignationEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(ImmutableEventError):
        event.delete()


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_change_an_event():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    event = nominations.nominate().events.get()
    table = DesignationEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET note = 'x' WHERE id = %s", [event.pk])


def test_only_focal_points_in_office_hear_of_their_countrys_requests():
    in_office = factories.focal_point("KEN")
    former = factories.focal_point("KEN")
    Designation.objects.filter(account=former).update(status=Status.ENDED)
    request = factories.make_request("KEN", state="submitted", created_by=in_office)
    office = factories.regional_staff("ROA")
    requests.perform_action(request=request, actor=office, action="acknowledge")
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert in_office.pk in told and former.pk not in told
