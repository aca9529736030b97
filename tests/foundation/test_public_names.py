"""A person is shown to others by name, never by e-mail address (issue 22, point 6): a staff
member without a name appears as what they are ("Staff of the Regional Office for Africa") in
pages, the API, e-mail and files; report runs show who asked by name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from reporting.models import ReportRun
from requests_app import notifications, services
from requests_app.workflow import State
from tests import factories
from tests.requests_app import lifecycle

pytestmark = pytest.mark.django_db


def test_a_person_without_a_name_is_described_by_role_and_scope():
    people = {
        "Staff of the Regional Office for Africa": factories.regional_staff("ROA", full_name=""),
        "Focal point of Kenya": factories.focal_point("KEN", full_name=""),
        "BSP coordinator": factories.coordinator(full_name=""),
        "Governing Council staff": factories.council(full_name=""),
    }
    division = factories.division_staff("DEPI", full_name="")
    people[f"Staff of the {division.division.name}"] = division
    for expected, person in people.items():
        assert str(person) == person.public_name == expected
        assert "@" not in str(person)
    named = factories.regional_staff("ROA", full_name="Amina Njoroge")
    assert str(named) == "Amina Njoroge"
    with translation.override("zh-hans"):
        described = str(people["Staff of the Regional Office for Africa"])
    assert "非洲区域办事处" in described and "Staff" not in described


def test_describing_people_of_a_list_reads_nothing_more():
    from registry.models import RegionalOffice
    from registry.reference import active_items

    staff = [factories.regional_staff("ROA", full_name="") for _ in range(3)]
    active_items(RegionalOffice)  # each process keeps the lists
    people = list(type(staff[0]).objects.filter(pk__in=[person.pk for person in staff]))
    with CaptureQueriesContext(connection) as queries:
        names = {str(person) for person in people}
    assert names == {"Staff of the Regional Office for Africa"}
    assert len(queries) == 0


def test_the_country_sees_the_office_not_its_staffs_addresses(client_for, api_for, mailoutbox):
    cast = lifecycle.make_cast()
    for person in (cast.regional_staff, cast.colleague, cast.lead_division):
        person.full_name = ""
        person.save()
    request = lifecycle.new_request(cast, State.UNDER_REVIEW)
    services.perform_action(
        request=request,
        actor=cast.regional_staff,
        action="comment",
        data={"text": "We are reviewing it."},
    )
    addresses = [cast.regional_staff.email, cast.colleague.email]
    office = "Staff of the Regional Office for Africa"

    page = client_for(cast.focal_point).get(f"/requests/{request.reference}/")
    html = page.content.decode()
    assert office in html
    assert not [address for address in addresses if address in html]

    detail = api_for(cast.focal_point).get(f"/api/v1/requests/{request.reference}/").json()
    assert detail["assignee_name"] == office
    assert {
        event["actor"] for event in detail["events"] if event["actor_role"] != "focal_point"
    } == {office}
    body = str(detail)
    assert not [address for address in addresses if address in body]

    # The e-mail the country got of the acknowledgement names the office's staff, not them.
    notifications.send_pending()
    to_country = [mail for mail in mailoutbox if cast.focal_point.email in mail.to]
    assert to_country
    for mail in to_country:
        assert office in mail.body
        assert not [address for address in addresses if address in mail.body]


def test_report_runs_show_who_asked_by_name(client_for, api_for):
    named = factories.coordinator(full_name="Ines Moreau")
    unnamed = factories.coordinator(full_name="")
    for person in (named, unnamed):
        ReportRun.objects.create(year=2025, requested_by=person)
    council = factories.council()
    listed = api_for(council).get("/api/v1/reports/").json()
    runs = listed["results"] if isinstance(listed, dict) else listed
    assert {run["requested_by"] for run in runs} == {"Ines Moreau", "BSP coordinator"}
    html = client_for(council).get("/reports/").content.decode()
    assert "Ines Moreau" in html and "BSP coordinator" in html
    assert named.email not in html and unnamed.email not in html


def test_an_office_still_tells_its_own_people_apart(client_for):
    staff = factories.regional_staff("ROA", full_name="")
    colleague = factories.regional_staff("ROA", full_name="")
    html = client_for(staff).get("/requests/queue/").content.decode()
    assert colleague.email in html  # choosing whom to assign, among the office's own people
