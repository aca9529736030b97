"""A division accepting a request can link the registry activities that answer it."""

import pytest

from requests_app import services
from requests_app.workflow import State
from tests.registry.conftest import make_activity  # noqa: F401 - fixture
from tests.requests_app.lifecycle import make_cast, new_request

pytestmark = pytest.mark.django_db


def test_accept_links_registry_activities_to_the_request(make_activity):  # noqa: F811
    cast = make_cast()
    request = new_request(cast, state=State.ROUTED)
    activity = make_activity(countries=("KEN",), themes=("T07",))
    event = services.perform_action(
        request=request, actor=cast.lead_division, action="accept",
        data={"response_plan": "Use the mercury training package.", "activities": [activity.pk]},
    )  # fmt: skip
    assert event.payload["activities"] == [activity.pk]
    assert list(request.activities.all()) == [activity]


def test_accept_names_unknown_activities_and_changes_nothing(make_activity):  # noqa: F811
    cast = make_cast()
    request = new_request(cast, state=State.ROUTED)
    unpublished = make_activity(published=False)
    with pytest.raises(services.InvalidInput) as error:
        services.perform_action(
            request=request, actor=cast.lead_division, action="accept",
            data={"response_plan": "Plan", "activities": [999999, unpublished.pk]},
        )  # fmt: skip
    assert "999999" in error.value.errors["activities"]
    request.refresh_from_db()
    assert request.state == State.ROUTED
    assert not request.activities.exists()


def test_the_division_names_activities_by_identifier_or_title_on_the_page(
    make_activity,  # noqa: F811
    client_for,
):
    cast = make_cast()
    request = new_request(cast, state=State.ROUTED)
    by_identifier = make_activity(countries=("KEN",), themes=("T07",))
    by_title = make_activity(countries=("KEN",), themes=("T07",))
    response = client_for(cast.lead_division).post(
        f"/requests/{request.reference}/act/accept/",
        {
            "response_plan": "Two trainings.",
            "activities": f"{by_identifier.identifier.lower()}\n{by_title.title}",
        },
    )
    assert response.status_code == 302
    assert set(request.activities.all()) == {by_identifier, by_title}


def test_the_answer_box_shows_the_question(client_for):
    cast = make_cast()
    request = new_request(cast, state=State.INFO_REQUESTED)
    page = client_for(cast.focal_point).get(f"/requests/{request.reference}/")
    form = next(
        i["form"] for i in page.context["action_forms"] if i["action"].name == "provide_info"
    )
    assert form.question == "Which provinces would the training cover?"
    html = page.content.decode()
    assert html.index(form.question) < html.index('id="id_provide_info_message"')
