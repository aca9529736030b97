"""Fixtures of the registry's tests: the real demonstration records, and a quick way to write
activities through the same service the pages and the import use."""

import itertools
from datetime import date
from decimal import Decimal

import pytest

from registry import demo
from registry.models import (
    MEA,
    Activity,
    Country,
    Division,
    FundingSourceKind,
    Organization,
    SupportType,
    ThematicArea,
)
from registry.records import ActivityInput, FundingInput
from registry.services import save_activity

_numbers = itertools.count(1)


def _delete_registry_records():
    from registry.models import AssistanceSource, Solution

    AssistanceSource.objects.all().delete()
    Solution.objects.all().delete()
    # Phases and projects before their programmes: a parent is protected while it has them.
    while Activity.objects.exists():
        Activity.objects.filter(children__isnull=True).delete()
    Organization.objects.all().delete()


@pytest.fixture(scope="module")
def _registry_demo_records(django_db_setup, django_db_blocker):
    """Loaded once per test module (it takes a second); each test still runs in its own
    transaction, so what a test changes is rolled back and the next one sees the records."""
    with django_db_blocker.unblock():
        demo.seed_organizations()
        demo.seed_activities()
        demo.seed_solutions()
        demo.seed_assistance_sources()
    yield
    with django_db_blocker.unblock():
        _delete_registry_records()


@pytest.fixture
def registry_demo(_registry_demo_records, db):
    """The 11 activities of the South-South report (seed 001 §14-61), as ``seed_demo`` loads
    them, with their organizations, solutions and sources of assistance."""
    return {activity.identifier: activity for activity in Activity.objects.all()}


def organization(name: str, kind: str = "ngo", **fields) -> Organization:
    return Organization.objects.get_or_create(name=name, defaults={"kind": kind, **fields})[0]


def activity_input(
    identifier: str | None = None,
    *,
    title: str | None = None,
    countries=("NPL",),
    themes=("T01",),
    support=(),
    meas=(),
    lead: str = "DEPI",
    modality: str = "south_south",
    published: bool = True,
    partners=(),
    funding=(),
    **fields,
) -> ActivityInput:
    """An activity's input with sensible defaults; ``funding`` is (funder, amount, currency)."""
    number = next(_numbers)
    identifier = identifier or f"TEST-{number:04d}"
    values = {
        "identifier": identifier,
        "title": title or f"Test activity {number}",
        "status": "ongoing",
        "modality": modality,
        "scope": "national",
        "is_published": published,
        "planned_start": fields.pop("planned_start", None) or date(2020, 1, 1),
        "lead_division": Division.objects.get(code=lead),
        **fields,
    }
    countries_by_code = Country.objects.select_related("regional_office").in_bulk(list(countries))
    return ActivityInput(
        fields=values,
        countries=[(countries_by_code[code], None) for code in countries],
        thematic_areas=list(ThematicArea.objects.filter(code__in=themes)),
        support_types=list(SupportType.objects.filter(code__in=support)),
        meas=list(MEA.objects.filter(code__in=meas)),
        partners=[(organization(name), role) for name, role in partners],
        funding=[
            FundingInput(
                funder=organization(name),
                source_kind=FundingSourceKind.objects.get(code="bilateral"),
                amount=Decimal(amount),
                currency=currency,
                year=2020,
            )
            for name, amount, currency in funding
        ],
    )


@pytest.fixture
def make_activity(db):
    """``make_activity(...)``: an activity written by ``save_activity`` (see activity_input)."""

    def make(identifier: str | None = None, *, actor=None, **kwargs) -> Activity:
        activity, _change = save_activity(actor=actor, data=activity_input(identifier, **kwargs))
        return activity

    return make
