"""Staff edit their scope's activities in forms; every save is recorded in the history."""

import pytest
from django.core.exceptions import PermissionDenied

from registry.models import Activity, ActivityChange
from registry.selectors import activities_editable_by
from registry.services import save_activity
from tests.factories import coordinator, council, division_staff, focal_point, regional_staff
from tests.registry.conftest import activity_input

pytestmark = pytest.mark.django_db


def form_data(activity: Activity | None = None, **overrides) -> dict:
    """What the activity form posts: the fields, and the four formsets' management forms."""
    data = {
        "identifier": "FORM-1",
        "title": "Mangrove restoration exchange",
        "status": "ongoing",
        "modality": "south_south",
        "scope": "national",
        "planned_start": "2025-01-01",
        "lead_division": "DEPI",
        "thematic_areas": ["T05", "T06"],
        "is_published": "on",
        "countries-0-country": "KEN",
        "countries-0-share_percent": "",
        "partners-0-organization": "",
        "funding-0-funder": "",
    }
    for prefix in ("countries", "partners", "funding", "links"):
        data[f"{prefix}-TOTAL_FORMS"] = "3"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(overrides)
    return data


def test_who_may_edit_which_activity(make_activity):
    asian = make_activity(countries=("NPL",), lead="DEPI")
    african = make_activity(countries=("KEN",), lead="DTIE")
    assert set(activities_editable_by(regional_staff("ROAP"))) == {asian}
    assert set(activities_editable_by(regional_staff("ROA"))) == {african}
    assert set(activities_editable_by(division_staff("DEPI"))) == {asian}
    assert set(activities_editable_by(coordinator())) >= {asian, african}
    for reader in (focal_point("NPL"), council(), None):
        assert not activities_editable_by(reader).exists()


def test_an_outsider_gets_404_on_the_edit_page_and_an_insider_the_form(make_activity, client_for):
    activity = make_activity(countries=("NPL",), lead="DEPI")
    url = f"/registry/activities/{activity.pk}/edit/"
    assert client_for(regional_staff("ROA")).get(url).status_code == 404
    assert client_for(division_staff("DTIE")).get(url).status_code == 404
    assert client_for(focal_point("NPL")).get(url).status_code == 404
    response = client_for(regional_staff("ROAP")).get(url)
    assert response.status_code == 200
    assert response.context["form"].instance == activity
    assert client_for(focal_point("NPL")).get("/registry/activities/new/").status_code == 403


def test_division_staff_record_an_activity_with_the_form_and_it_is_in_the_history(client_for):
    person = division_staff("DEPI")
    client = client_for(person)
    data = form_data(
        **{
            "countries-1-country": "TZA",
            "partners-0-organization": "",
            "links-0-kind": "gef",
            "links-0-identifier": "GEF-9876",
        }
    )
    response = client.post("/registry/activities/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get(identifier="FORM-1")
    assert response["Location"] == activity.get_absolute_url()
    assert set(activity.countries.values_list("code", flat=True)) == {"KEN", "TZA"}
    assert list(activity.regional_offices.values_list("code", flat=True)) == ["ROA"]
    assert activity.links.get().identifier == "GEF-9876"
    change = activity.changes.get()
    assert (change.action, change.changed_by) == ("created", person)
    assert change.changes["title"] == ["", "Mangrove restoration exchange"]

    # An edit records who changed which columns.
    data.update(title="Mangrove restoration exchange (phase 2)", status="completed")
    data["countries-TOTAL_FORMS"] = "3"
    response = client.post(f"/registry/activities/{activity.pk}/edit/", data)
    assert response.status_code == 302
    latest = activity.changes.first()
    assert latest.action == "updated" and latest.changed_by == person
    assert set(latest.changes) == {"title", "status"}, latest.changes
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "History" in page and "title, status" in page

    # Saving without a change records nothing.
    client.post(f"/registry/activities/{activity.pk}/edit/", data)
    assert activity.changes.count() == 2


def test_form_errors_keep_what_was_typed_and_save_nothing(client_for):
    client = client_for(coordinator())
    data = form_data(
        **{
            "title": "Shares that do not add up",
            "countries-0-share_percent": "70",
            "countries-1-country": "UGA",
            "countries-1-share_percent": "50",
        }
    )
    response = client.post("/registry/activities/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "more than 100%" in page
    assert 'value="Shares that do not add up"' in page
    assert not Activity.objects.filter(identifier="FORM-1").exists()

    response = client.post(
        "/registry/activities/new/", form_data(planned_start="2025-05-01", planned_end="2025-01-01")
    )
    assert "The planned end cannot be before the planned start." in response.content.decode()


def test_a_change_that_would_leave_the_actors_scope_is_refused_whole(make_activity):
    person = division_staff("DEPI")
    activity = make_activity(lead="DEPI", title="Stays with DEPI")
    data = activity_input(activity.identifier, title="Handed over", lead="DTIE")
    with pytest.raises(PermissionDenied):
        save_activity(actor=person, data=data, activity=activity)
    activity.refresh_from_db()
    assert (activity.title, activity.lead_division_id) == ("Stays with DEPI", "DEPI")
    assert not activity.changes.exclude(action="created").exists()
    with pytest.raises(PermissionDenied):
        save_activity(actor=focal_point("KEN"), data=activity_input("NEW-BY-FP"))


def test_the_service_refuses_inconsistent_records(make_activity):
    programme = make_activity("LOOP-A")
    phase = make_activity("LOOP-B", parent=programme)
    data = activity_input("LOOP-A", parent=phase)
    with pytest.raises(Exception, match="cannot be part of itself"):
        save_activity(actor=coordinator(), data=data, activity=programme)
    unpublished_undated = activity_input("UNDATED", published=True)
    unpublished_undated.fields["planned_start"] = None
    with pytest.raises(Exception, match="needs a start date"):
        save_activity(actor=None, data=unpublished_undated)


def test_the_history_row_lists_exactly_the_changed_columns(make_activity):
    activity = make_activity("HIST-1", countries=("KEN",))
    data = activity_input("HIST-1", countries=("KEN", "NPL"), title=activity.title)
    _activity, change = save_activity(actor=coordinator(), data=data, activity=activity)
    # Nepal brings its region (Asia and the Pacific) along.
    assert change.changes == {
        "countries": ["KEN", "KEN; NPL"],
        "regional_offices": ["ROA", "ROA; ROAP"],
    }
    assert ActivityChange.objects.filter(activity=activity).count() == 2
