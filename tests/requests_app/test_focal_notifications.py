"""The country hears by e-mail when its request changes state or receives a question; the
e-mail goes after commit, and a broker outage never loses a submission."""

import pytest

from requests_app import tasks
from requests_app.models import Notification
from requests_app.workflow import State
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return focal.people()


def test_a_question_from_the_office_reaches_every_focal_point_of_the_country(
    cast, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.office).post(
            f"/requests/{request_obj.reference}/act/request_info/",
            {"message": "Which counties would the training cover?"},
        )
    assert response.status_code == 302
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([cast.owner.email, cast.colleague.email])
    mail = mailoutbox[0]
    assert request_obj.reference in mail.subject
    assert "Which counties would the training cover?" in mail.body
    assert f"/requests/{request_obj.reference}/" in mail.body
    assert cast.outsider_focal_point.email not in recipients


def test_the_answer_reaches_the_office_holding_the_request(
    cast, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge", "request_info")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.colleague).post(
            f"/requests/{request_obj.reference}/act/provide_info/", {"message": "Migori."}
        )
    assert [mail.to for mail in mailoutbox] == [[cast.office.email]]


def test_nothing_is_sent_before_the_transaction_commits(cast, client_for, mailoutbox):
    request_obj = focal.draft(cast)
    client_for(cast.owner).post(f"/requests/{request_obj.reference}/act/submit/")
    # The test's transaction never commits: the e-mail is owed (outbox), not sent.
    assert mailoutbox == []
    assert Notification.objects.filter(event__request=request_obj, sent_at=None).exists()


def test_a_broker_outage_never_loses_a_submission(
    cast, client_for, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_event_notifications, "delay", broker_down)
    request_obj = focal.draft(cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.owner).post(f"/requests/{request_obj.reference}/act/submit/")
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED
    owed = Notification.objects.filter(event__request=request_obj, sent_at=None).count()
    assert owed >= 2  # the colleague, and the office's staff
    assert mailoutbox == []
    # The periodic sweep sends them once the broker is back.
    monkeypatch.undo()
    assert tasks.send_pending_notifications() == owed
    assert {address for mail in mailoutbox for address in mail.to} >= {cast.colleague.email}
