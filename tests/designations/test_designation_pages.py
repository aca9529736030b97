"""The pages under ``/focal-points/``: the public nomination keeps what was typed, the office
verifies, the e-mailed link sets a password once and for seven days, the public list shows the
focal points in office, and an account without a designation in force gets a 403 saying why."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bali_portal.accounts.models import User
from designations import services
from designations.models import Designation, Status
from designations.selectors import acts_as_focal_point
from designations.tokens import SetPasswordTokenGenerator
from tests import factories
from tests.designations import nominations

pytestmark = pytest.mark.django_db


def test_the_nomination_page_keeps_what_was_typed_and_says_what_to_correct(client):
    data = nominations.form_data(ministry="", starts_on="next week", phone="+254 722 000 111")
    answer = client.post("/focal-points/nominate/", data)
    assert answer.status_code == 400
    html = answer.content.decode()
    for typed in (
        "Grace Wanjiku",
        "grace.wanjiku@environment.example.org",
        "next week",
        "+254 722 000 111",
        "Director, Multilateral Environmental Agreements",
    ):
        assert f'value="{typed}"' in html, typed  # fmt: skip
    assert 'value="KEN" selected' in html
    assert "Enter a valid date." in html and "This field is required." in html
    assert "choose the letter again" in html
    assert not Designation.objects.exists()


def test_a_nomination_from_the_page_waits_for_its_regional_office(client, client_for):
    data = {**nominations.form_data(), "letter": nominations.letter()}
    answer = client.post("/focal-points/nominate/", data)
    assert answer.status_code == 302 and answer["Location"] == "/focal-points/nominated/"
    designation = Designation.objects.get()
    assert designation.status == Status.NOMINATED
    office = client_for(factories.regional_staff("ROA"))
    assert "Grace Wanjiku" in office.get("/focal-points/designations/").content.decode()
    page = office.get(f"/focal-points/designations/{designation.pk}/")
    assert page.status_code == 200 and b"designation.pdf" in page.content


def test_the_office_approves_rejects_and_ends_from_the_page(client_for, client):
    designation = nominations.nominate()
    office = client_for(factories.regional_staff("ROA"))
    refused = office.post(f"/focal-points/designations/{designation.pk}/reject/", {})
    assert refused.status_code == 400 and b"This field is required." in refused.content
    done = office.post(f"/focal-points/designations/{designation.pk}/approve/")
    assert done.status_code == 302
    assert Designation.objects.get(pk=designation.pk).status == Status.APPROVED
    ended = office.post(
        f"/focal-points/designations/{designation.pk}/end/", {"end-reason": "Left the ministry."}
    )
    assert ended.status_code == 302
    assert Designation.objects.get(pk=designation.pk).reason == "Left the ministry."
    outsider = client_for(factories.regional_staff("ROAP"))
    assert outsider.get(f"/focal-points/designations/{designation.pk}/").status_code == 404
    assert outsider.get(f"/focal-points/designations/{designation.pk}/letter/").status_code == 404


def _approved_with_link(django_capture_on_commit_callbacks) -> tuple[Designation, str]:
    designation = nominations.nominate()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(designation=designation, actor=factories.coordinator())
    (message,) = mail.outbox
    path = re.search(r"http://[^/]+(/focal-points/set-password/\S+/)", message.body).group(1)
    return Designation.objects.get(pk=designation.pk), path


PASSWORD = "Kilimanjaro-2026!"


def _set_password(client, path: str, password: str = PASSWORD):
    opened = client.get(path, follow=True)
    if opened.status_code != 200:
        return opened
    return client.post(
        opened.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_the_link_sets_a_password_once(client, django_capture_on_commit_callbacks):
    designation, path = _approved_with_link(django_capture_on_commit_callbacks)
    saved = _set_password(client, path)
    assert saved.status_code == 302 and saved["Location"] == "/focal-points/password-set/"
    account = User.objects.get(pk=designation.account_id)
    assert account.check_password(PASSWORD)
    assert "password_set" in designation.events.values_list("action", flat=True)
    logged_in = client.post("/accounts/login/", {"username": account.email, "password": PASSWORD})
    assert logged_in.status_code == 302
    client.logout()
    reused = client.get(path, follow=True)
    assert reused.status_code == 400 and b"This link cannot be used" in reused.content
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


def test_an_expired_link_is_refused(client, django_capture_on_commit_callbacks, monkeypatch):
    designation, path = _approved_with_link(django_capture_on_commit_callbacks)
    later = datetime.now() + timedelta(days=7, hours=1)
    monkeypatch.setattr(SetPasswordTokenGenerator, "_now", lambda self: later)
    answer = _set_password(client, path)
    assert answer.status_code == 400 and b"This link cannot be used" in answer.content
    assert not User.objects.get(pk=designation.account_id).has_usable_password()


def test_a_link_a_day_short_of_seven_still_works(client, django_capture_on_commit_callbacks,
                                                 monkeypatch):  # fmt: skip
    _designation, path = _approved_with_link(django_capture_on_commit_callbacks)
    later = datetime.now() + timedelta(days=6)
    monkeypatch.setattr(SetPasswordTokenGenerator, "_now", lambda self: later)
    assert _set_password(client, path).status_code == 302


def test_the_public_list_shows_only_the_focal_points_in_office(client):
    in_office = factories.focal_point("KEN", full_name="Wanjiru Mwangi")
    designation = Designation.objects.get(account=in_office)
    designation.position, designation.ministry = "Director", "Ministry of Environment"
    designation.save()
    nominations.nominate(email="pending@example.org")  # nominated only
    ended = factories.focal_point("NPL", full_name="Former Focal Point")
    Designation.objects.filter(account=ended).update(status=Status.ENDED, ended_at=timezone.now())
    future = factories.focal_point("BRA", full_name="Not Yet Started")
    Designation.objects.filter(account=future).update(starts_on=date.today() + timedelta(days=3))
    html = client.get("/focal-points/").content.decode()
    assert "Wanjiru Mwangi" in html and "Ministry of Environment" in html and "Kenya" in html
    for absent in ("Grace Wanjiku", "Former Focal Point", "Not Yet Started"):
        assert absent not in html


def test_the_public_list_costs_the_same_queries_however_many_focal_points(client):
    counts = []
    for countries in (("KEN",), ("NPL", "BRA", "FJI", "GEO", "HTI", "EGY")):
        for country in countries:
            factories.focal_point(country)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/focal-points/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_account_without_a_designation_in_force_gets_403_saying_why(client_for):
    focal_point = factories.focal_point("KEN")
    Designation.objects.filter(account=focal_point).update(
        status=Status.ENDED, ended_at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    )
    page = client_for(focal_point).get("/requests/")
    assert page.status_code == 403
    assert "ended on" in page.content.decode() and "Kenya" in page.content.decode()
    never = factories.UserFactory(role="focal_point", country=focal_point.country)
    answer = client_for(never).get("/requests/new/")
    assert answer.status_code == 403 and "no approved designation" in answer.content.decode()


def test_create_portal_user_records_an_approved_designation():
    call_command(
        "create_portal_user", "new.focal@nepal.example.org", role="focal_point", country="NPL",
        password="s3cret-Passw0rd", stdout=io.StringIO(),
    )  # fmt: skip
    account = User.objects.get(email="new.focal@nepal.example.org")
    designation = Designation.objects.get(account=account)
    assert (designation.status, designation.country_id) == (Status.APPROVED, "NPL")
    assert designation.events.get().payload == {"recorded": True}
    assert acts_as_focal_point(account)


def test_focal_points_created_before_designations_keep_acting():
    """The migration records a designation for each focal-point account that had none."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("designations.migrations.0003_record_existing_focal_points")
    before = factories.UserFactory(role="focal_point", country=factories.Country.objects.get(
        code="NPL"))  # fmt: skip
    already = factories.focal_point("KEN")
    assert not acts_as_focal_point(before)
    migration.record(apps, None)
    assert acts_as_focal_point(before)
    assert Designation.objects.filter(account=already).count() == 1  # untouched
