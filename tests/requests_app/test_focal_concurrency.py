"""A double submit (two clicks, two tabs, two colleagues) makes one submission and one event."""

import threading

import pytest
from django.db import connection
from django.test import Client

from bali_portal.api_errors import domain_status
from requests_app import services
from requests_app.models import Request, RequestEvent
from requests_app.workflow import State
from tests.requests_app import focal

SUBMIT_FORM = {
    "title": "Mercury-free artisanal gold mining",
    "description": "Train miners' cooperatives in mercury-free gold processing.",
    "national_priorities": "Minamata national action plan.",
    "thematic_areas": ["T07"],
    "support_types": ["training"],
    "scope": "national",
    "desired_start": "2026-09-01",
    "duration_months": "12",
    "intent": "submit",
}


def submit_events(request_obj) -> int:
    return RequestEvent.objects.filter(request=request_obj, action="submit").count()


@pytest.mark.django_db
def test_two_tabs_submitting_the_same_draft_make_one_submission(client_for):
    cast = focal.people()
    request_obj = focal.draft(cast, title="Two tabs")
    url = f"/requests/{request_obj.reference}/edit/"
    client = client_for(cast.owner)
    # Both tabs loaded the draft before either clicked "Submit".
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    first = client.post(url, SUBMIT_FORM)
    second = client.post(url, {**SUBMIT_FORM, "title": "Second tab's title"})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"/requests/{request_obj.reference}/"
    page = client.get(second["Location"]).content.decode()
    assert "This request has been submitted; it is no longer a draft." in page
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED
    assert request_obj.title == "Mercury-free artisanal gold mining"
    assert submit_events(request_obj) == 1


@pytest.mark.django_db
def test_two_clicks_on_the_page_submit_button_make_one_submission(client_for):
    cast = focal.people()
    request_obj = focal.draft(cast)
    client = client_for(cast.owner)
    url = f"/requests/{request_obj.reference}/act/submit/"
    assert client.post(url).status_code == 302
    response = client.post(url)
    assert response.status_code == 409
    assert "This request has already been submitted." in response.content.decode()
    assert submit_events(request_obj) == 1


def _run_together(workers):
    """Start the workers at the same instant, each on its own database connection."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as error:  # reported to the test below
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


postgres_only = pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="real concurrent transactions need PostgreSQL",
)


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_two_colleagues_make_one_submission():
    cast = focal.people()
    request_obj = focal.draft(cast)

    def submit_as(person):
        def work():
            client = Client()
            client.force_login(person)
            return client.post(f"/requests/{request_obj.reference}/act/submit/").status_code

        return work

    statuses = _run_together([submit_as(cast.owner), submit_as(cast.colleague)])
    assert sorted(statuses) == [302, 409]
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED
    assert submit_events(request_obj) == 1


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_draft_form_submits_make_one_submission():
    cast = focal.people()
    request_obj = focal.draft(cast, title="Double click")

    def click():
        client = Client()
        client.force_login(cast.owner)
        return client.post(f"/requests/{request_obj.reference}/edit/", SUBMIT_FORM)

    responses = _run_together([click, click, click])
    assert all(not isinstance(response, Exception) for response in responses), responses
    assert [response.status_code for response in responses] == [302, 302, 302]
    assert Request.objects.get(pk=request_obj.pk).state == State.SUBMITTED
    assert submit_events(request_obj) == 1


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_service_calls_one_wins_the_other_gets_409():
    cast = focal.people()
    request_obj = focal.draft(cast)

    def submit():
        try:
            services.perform_action(request=request_obj, actor=cast.owner, action="submit")
            return "submitted"
        except services.TransitionNotAllowed as error:
            return domain_status(error)

    assert sorted(_run_together([submit, submit]), key=str) == [409, "submitted"]
    assert submit_events(request_obj) == 1
