import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bali_portal.accounts.authentication import token_with_user
from bali_portal.accounts.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_create_portal_user_provisions_a_focal_point():
    call_command(
        "create_portal_user",
        "Focal@Kenya.example.org",
        "--role",
        "focal_point",
        "--country",
        "ken",
        "--password",
        "a-long-passphrase-1",
    )
    user = User.objects.get(email="focal@kenya.example.org")
    assert user.role == Role.FOCAL_POINT
    assert user.country_id == "KEN"
    assert user.check_password("a-long-passphrase-1")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "minister"], "Unknown role 'minister'"),
        (["--role", "focal_point"], "needs a country (--country)"),
        (["--role", "regional_staff"], "needs a regional office (--regional-office)"),
        (["--role", "division_staff"], "needs a division (--division)"),
        (["--role", "focal_point", "--country", "XYZ"], "Unknown country code 'XYZ'"),
        (["--role", "coordinator", "--division", "DEPI"], "takes no division"),
    ],
)
def test_create_portal_user_rejects_what_it_cannot_do_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("create_portal_user", "someone@example.org", *args, "--password", "x" * 12)
    assert not User.objects.filter(email="someone@example.org").exists()


def test_login_logout_and_password_reset_pages(client):
    user = factories.focal_point("KEN")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": user.email.upper(), "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").context["user"].is_anonymous
    assert client.get("/accounts/password_reset/").status_code == 200


def test_password_reset_sends_a_link(client, mailoutbox):
    user = factories.regional_staff("ROA")
    response = client.post("/accounts/password_reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_api_token_for_email_and_password(api_client):
    user = factories.division_staff("DEPI")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": user.email, "password": factories.DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/reference/divisions/").status_code == 200
    bad = api_client.post("/api/v1/auth/token/", {"username": user.email, "password": "wrong"})
    assert bad.status_code == 400


def test_repeated_failures_cool_off_that_account_from_that_address_only(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = factories.focal_point("KEN")
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(3):
        client.post("/accounts/login/", {"username": user.email, "password": "guess"}, **attacker)
    locked = client.post(
        "/accounts/login/",
        {"username": user.email, "password": factories.DEFAULT_PASSWORD},
        **attacker,
    )
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content
    # The real focal point, from their own address, is not locked out by the attacker.
    mine = client.post(
        "/accounts/login/",
        {"username": user.email, "password": factories.DEFAULT_PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert mine.status_code == 302


def test_the_cool_off_ends(client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    settings.AXES_FAILURE_LIMIT = 2
    user = factories.focal_point("KEN")
    for _ in range(2):
        client.post("/accounts/login/", {"username": user.email, "password": "guess"})
    assert (
        client.post(
            "/accounts/login/", {"username": user.email, "password": factories.DEFAULT_PASSWORD}
        ).status_code
        == 429
    )
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(hours=1)
    )
    assert (
        client.post(
            "/accounts/login/", {"username": user.email, "password": factories.DEFAULT_PASSWORD}
        ).status_code
        == 302
    )


def test_admin_manages_users(client):
    admin = factories.coordinator(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{admin.pk}/change/").status_code == 200


@pytest.mark.parametrize("make_user", [factories.focal_point, factories.division_staff])
def test_a_token_is_read_with_its_user_and_country_as_the_orm_reads_them(make_user):
    user = make_user()
    user.last_login = timezone.now()
    user.save()
    key = Token.objects.create(user=user).key
    expected = Token.objects.select_related("user__country").get(key=key)
    with CaptureQueriesContext(connection) as queries:
        token = token_with_user(key)
        country = token.user.country  # read with the rest: no query of its own
    assert len(queries) == 1
    assert token == expected and token.created == expected.created
    for field in User._meta.concrete_fields:
        assert getattr(token.user, field.attname) == getattr(expected.user, field.attname)
    assert token.user.last_login.tzinfo is not None  # aware, as the ORM gives it
    assert country == expected.user.country
    assert (country is None) == (user.country_id is None)
    assert token_with_user("not-a-key") is None
