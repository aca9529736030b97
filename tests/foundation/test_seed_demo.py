import io

import pytest
from django.apps import apps
from django.core.management import call_command

from bali_portal.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every portal model, so that any change at all shows up."""
    rows = {}
    portal = {"accounts", "registry", "designations", "requests_app", "reporting", "exchange"}
    for model in apps.get_models():
        if model._meta.app_label in portal:
            rows[model._meta.label] = sorted(
                repr(sorted(row.items())) for row in model.objects.values()
            )
    return rows


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first


def test_seed_demo_creates_a_user_of_each_role_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "coordinator@unep.example.org" in out.getvalue()
    assert "password for all" in out.getvalue()
