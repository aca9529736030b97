"""Bounds of every number and date that enters the records (issue 22, point 1 and 3).

A value out of range is refused with a 400 naming the field or parameter, by the validators of
the model fields (and so by every form and serializer built from them) and, whatever path it
takes, by the database's named check constraints; what is allowed, stored at its very bounds,
can be read by every page, list, export and the report, on SQLite and on PostgreSQL.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework import serializers

from bali_portal import bounds
from registry.models import ACTIVITY_BOUNDS, Activity, FundingLine
from requests_app.models import BOUNDED_FIELDS, Evaluation, Request, ServiceLevel
from requests_app.workflow import State
from tests import factories
from tests.requests_app import lifecycle

pytestmark = pytest.mark.django_db

FUNDING_BOUNDS = {"amount": bounds.AMOUNT, "amount_usd": bounds.USD, "year": bounds.YEAR}
SERVICE_LEVEL_BOUNDS = dict.fromkeys(
    ("acknowledge_days", "decision_days", "acceptance_days"), bounds.SLA_DAYS
)


def _step(value):
    if isinstance(value, Decimal):
        return Decimal("0.01")
    return timedelta(days=1) if isinstance(value, date) else 1


def above(bound: bounds.Bound):
    return bound.high + _step(bound.high)


def below(bound: bounds.Bound):
    return bound.low - _step(bound.low)


def as_input(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# --- The fields refuse it, naming it --------------------------------------------------------


@pytest.mark.parametrize(
    "model, fields",
    [
        (Request, BOUNDED_FIELDS),
        (Activity, ACTIVITY_BOUNDS),
        (FundingLine, FUNDING_BOUNDS),
        (ServiceLevel, SERVICE_LEVEL_BOUNDS),
    ],
    ids=["request", "activity", "funding line", "service levels"],
)
@pytest.mark.parametrize("beyond", [above, below], ids=["above", "below"])
def test_forms_and_serializers_built_from_the_fields_name_each_value_out_of_bounds(
    model, fields, beyond
):
    data = {name: as_input(beyond(bound)) for name, bound in fields.items()}
    form = forms.modelform_factory(model, fields=list(fields))(data=data)
    assert not form.is_valid()
    assert set(form.errors) == set(fields)

    class Serializer(serializers.ModelSerializer):
        class Meta:
            pass

    Serializer.Meta.model, Serializer.Meta.fields = model, list(fields)
    serializer = Serializer(data=data)
    assert not serializer.is_valid()
    assert set(serializer.errors) == set(fields)

    for edge in ("low", "high"):
        at_bounds = {name: as_input(getattr(bound, edge)) for name, bound in fields.items()}
        assert forms.modelform_factory(model, fields=list(fields))(data=at_bounds).is_valid()
        assert Serializer(data=at_bounds).is_valid()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400", "-0.01", "1e11"])
def test_an_amount_is_a_finite_number_of_dollars_within_bounds(value):
    form = forms.modelform_factory(Request, fields=["cost_usd", "estimated_budget_usd"])(
        data={"cost_usd": value, "estimated_budget_usd": value}
    )
    assert set(form.errors) == {"cost_usd", "estimated_budget_usd"}


def test_the_forms_written_by_hand_keep_the_same_bounds(api_for, client_for):
    from registry.forms import FundingForm
    from requests_app.forms import DraftForm
    from requests_app.forms_staff import ServiceLevelForm

    beyond = {"amount": "1e14", "amount_usd": "1e11", "year": "99999", "currency": "USD"}
    assert {"amount", "amount_usd", "year"} <= set(FundingForm(data=beyond).errors)
    draft = {
        "duration_months": "121",
        "estimated_budget_usd": "1e11",
        "desired_start": "2101-01-01",
    }
    assert set(DraftForm(data=draft).errors) == set(draft)
    days = dict.fromkeys(SERVICE_LEVEL_BOUNDS, "366")
    assert set(ServiceLevelForm(data=days).errors) == set(days)

    focal_point = factories.focal_point("KEN")
    response = api_for(focal_point).post("/api/v1/requests/", draft, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(draft)
    assert not Request.objects.exists()
    page = client_for(factories.coordinator()).post("/requests/service-levels/", days)
    assert page.status_code == 200 and set(page.context["form"].errors) == set(days)


# --- The database refuses it, whatever the path --------------------------------------------


def _stored_records() -> dict:
    request = factories.make_request(state=State.DRAFT)
    activity = Activity.objects.create(
        identifier="BOUNDS-1", title="Bounds", modality="south_south", lead_division_id="DEPI"
    )
    funding = FundingLine.objects.create(
        activity=activity,
        funder=lifecycle.organization(),
        source_kind_id="bilateral",
        amount=Decimal(1),
        currency="USD",
    )
    levels = ServiceLevel.objects.create()
    return {Request: request, Activity: activity, FundingLine: funding, ServiceLevel: levels}


CONSTRAINED = [
    (model, name, bound)
    for model, fields in [
        (Request, BOUNDED_FIELDS),
        (Activity, ACTIVITY_BOUNDS),
        (FundingLine, FUNDING_BOUNDS),
        (ServiceLevel, SERVICE_LEVEL_BOUNDS),
    ]
    for name, bound in fields.items()
]


def test_what_the_database_refuses_names_its_field():
    records = _stored_records()
    for model, name, bound in CONSTRAINED:
        for value, named in ((above(bound), True), (below(bound), bound.low != 0)):
            with pytest.raises(IntegrityError) as refused, transaction.atomic():
                model.objects.filter(pk=records[model].pk).update(**{name: value})
            # A count below zero is refused by the column's own "not negative" check.
            if named:
                assert bounds.refused_field(refused.value) == (name, bound.message()), name
        stored = model.objects.filter(pk=records[model].pk)
        for edge in (bound.low, bound.high):
            stored.update(**{name: edge})
            assert stored.values_list(name, flat=True).get() == edge
        stored.update(**{name: getattr(records[model], name)})


# --- The filters refuse what no record can have --------------------------------------------


ACTIVITY_PROBES = [
    ("year=99999", "year"),
    ("year=0", "year"),
    ("year=-1", "year"),
    ("year=99999999999999999999", "year"),
    ("year=2020.5", "year"),
    ("funder=99999999999999999999", "funder"),
    ("funder=%C2%B2", "funder"),
    ("parent=99999999999999999999", "parent"),
    ("parent=0", "parent"),
]


@pytest.mark.parametrize("query, parameter", ACTIVITY_PROBES)
def test_activity_filters_answer_400_naming_the_parameter(client, query, parameter):
    for path in ("/api/v1/activities/?", "/api/v1/activities/export/?format=csv&"):
        response = client.get(path + query)
        assert response.status_code == 400, (path, response.content)
        assert parameter in response.json()["errors"], response.json()
    # The search page, which shares the filterset, says what is wrong and lists the rest.
    page = client.get(f"/registry/?{query}")
    assert page.status_code == 200
    assert page.context["filterset"].form.errors.keys() == {parameter}


@pytest.mark.parametrize("query, parameter", [("min_age_days=1000000", "min_age_days")])
def test_request_filters_answer_400_naming_the_parameter(api_for, client_for, query, parameter):
    staff = factories.regional_staff("ROA")
    response = api_for(staff).get(f"/api/v1/requests/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {parameter}
    for page in ("/requests/", "/requests/queue/"):
        answer = client_for(staff).get(f"{page}?{query}")
        assert answer.status_code == 200
        assert parameter in answer.context["filter_form"].errors


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "٣"])
def test_an_assignee_that_is_no_key_names_nobody(api_for, value):
    staff = factories.regional_staff("ROA")
    factories.make_request(state=State.SUBMITTED, assignee=staff)
    response = api_for(staff).get("/api/v1/requests/", {"assignee": value})
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert api_for(staff).get("/api/v1/requests/", {"assignee": str(staff.pk)}).json()["results"]


# --- Regression: issue 22, point 1 -----------------------------------------------------------


def _readable_by_everyone(request: Request, cast) -> None:
    """Everyone who could read the request before still can, on every read path."""
    ref = request.reference
    for person in (cast.focal_point, cast.regional_staff, cast.lead_division, cast.coordinator):
        page, api = Client(), Client()
        page.force_login(person)
        api.force_login(person)
        for path in (f"/requests/{ref}/", "/requests/", f"/requests/{ref}/matches/"):
            assert page.get(path).status_code == 200, (person.role, path)
        for path in (f"/api/v1/requests/{ref}/", "/api/v1/requests/"):
            assert api.get(path).status_code == 200, (person.role, path)
        assert api.get(f"/api/v1/requests/{ref}/matches/").status_code == 200
    for person in (cast.regional_staff, cast.lead_division):
        page = Client()
        page.force_login(person)
        assert page.get("/requests/queue/").status_code == 200


@pytest.mark.parametrize(
    "field, value",
    [
        ("cost_usd", "1000000000000"),  # the value: 10^12
        ("cost_usd", "99999999999.99"),  # fits the column, beyond the bound
        ("people_trained_female", 2**31),  # the count
        ("people_trained_female", bounds.PEOPLE.high + 1),
    ],
)
def test_a_completion_out_of_bounds_is_refused_and_nothing_is_saved(api_for, field, value):
    """On SQLite a cost of 10^12 answered 500 *and* completed the request, after which every
    read of it failed for everyone; now it is a 400 naming the field, and nothing is saved."""
    cast = lifecycle.make_cast()
    support_request = lifecycle.new_request(cast, State.IN_PROGRESS)
    data = {**lifecycle.valid_data("complete", support_request, cast), field: value}
    response = api_for(cast.lead_division).post(
        f"/api/v1/requests/{support_request.reference}/complete/", data, format="json"
    )
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {field}
    support_request.refresh_from_db()
    assert support_request.state == State.IN_PROGRESS
    assert support_request.cost_usd is None
    assert support_request.people_trained_female is None
    assert support_request.completed_at is None
    assert not support_request.events.filter(action="complete").exists()
    _readable_by_everyone(support_request, cast)


# --- What is allowed, at its very bounds, reads everywhere ----------------------------------


def _at(edge: str, fields: dict) -> dict:
    return {name: getattr(bound, edge) for name, bound in fields.items()}


def _extreme_records(cast) -> list[Request]:
    """Requests and activities with every bounded value at its highest, and at its lowest."""
    completed = timezone.make_aware(timezone.datetime(2025, 6, 30, 12))
    requests = []
    for edge in ("high", "low"):
        for state in (State.IN_PROGRESS, State.COMPLETED):
            requests.append(
                factories.make_request(
                    state=state,
                    created_by=cast.focal_point,
                    lead_division=lifecycle.LEAD,
                    assignee=cast.regional_staff,
                    completed_at=completed if state == State.COMPLETED else None,
                    outputs='=HYPERLINK("https://example.org")',
                    **_at(edge, BOUNDED_FIELDS),
                )
            )
        activity = Activity.objects.create(
            identifier=f"EXTREME-{edge}",
            title=f"Extreme {edge}",
            status="completed",
            modality="south_south",
            lead_division_id=lifecycle.LEAD,
            is_published=True,
            **{
                **_at(edge, ACTIVITY_BOUNDS),
                "planned_start": bounds.DATE.low,
                "actual_start": bounds.DATE.low,
                "actual_end": date(2025, 6, 30),
            },
        )
        activity.countries.add("KEN")
        activity.requests.add(*requests[-2:])
        for currency in ("USD", "IDR"):
            FundingLine.objects.create(
                activity=activity,
                funder=lifecycle.organization(),
                source_kind_id="bilateral",
                currency=currency,
                **_at(edge, FUNDING_BOUNDS),
            )
            FundingLine.objects.create(
                activity=activity,
                funder=lifecycle.organization(),
                source_kind_id="bilateral",
                currency=currency,
                amount=getattr(bounds.AMOUNT, edge),
                year=2025,
            )
    ServiceLevel.objects.create(**_at("high", SERVICE_LEVEL_BOUNDS))
    # The country's assessments of the completed ones, at the ends of the scale.
    for completed, rating in zip(requests[1::2], (5, 1), strict=True):
        Evaluation.objects.create(
            request=completed,
            rating=rating,
            evaluated_by=cast.focal_point,
            evaluated_at=timezone.now(),
        )
    return requests


def test_values_at_their_bounds_read_on_every_path(mailoutbox, settings, tmp_path):
    from reporting import services as reports
    from requests_app import notifications
    from requests_app.models import Notification, RequestEvent

    settings.MEDIA_ROOT = tmp_path
    cast = lifecycle.make_cast()
    requests = _extreme_records(cast)
    for request in requests:
        _readable_by_everyone(request, cast)
        # An event about it, and its e-mail in the outbox.
        event = RequestEvent.objects.create(
            request=request, actor=cast.lead_division, action="comment", created_at=timezone.now()
        )
        Notification.objects.create(event=event, recipient=cast.focal_point)
    assert notifications.send_pending() == len(requests) == len(mailoutbox)

    anonymous = Client()
    for activity in Activity.objects.filter(identifier__startswith="EXTREME-"):
        assert anonymous.get(f"/registry/activities/{activity.pk}/").status_code == 200
        assert anonymous.get(f"/api/v1/activities/{activity.pk}/").status_code == 200
    assert anonymous.get("/registry/", {"year": bounds.FIRST_YEAR}).status_code == 200
    assert anonymous.get("/api/v1/activities/").status_code == 200
    for export_format in ("csv", "json", "xlsx", "iati", "pdf"):
        response = anonymous.get("/api/v1/activities/export/", {"format": export_format})
        assert response.status_code == 200, export_format
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body

    run = reports.create_command_run(year=2025)
    run = reports.produce_report(run.pk)
    assert run.status == run.Status.DONE, run.error
    page = Client()
    page.force_login(cast.coordinator)
    for kind in ("pdf", "xlsx", "csv"):
        assert page.get(f"/reports/{run.pk}/download/{kind}/").status_code == 200


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"people_trained_female": "²"}, "is not a whole number"),
        ({"people_trained_female": "10000001"}, "less than or equal to 10000000"),
        ({"institutions_supported": "99999999999999999999"}, "less than or equal to 100000"),
        ({"planned_start": "1900-01-01"}, "greater than or equal to 1972-01-01"),
        ({"actual_end": "2101-01-01", "actual_start": "2020-01-01"}, "2100-12-31"),
        ({"funding": "GEF | gef | 10 | USD | ²"}, "is not a year"),
        ({"funding": "GEF | gef | 10 | USD | 99999"}, "less than or equal to 2100"),
        ({"funding": "GEF | gef | 1e20 | USD"}, "amount"),
        ({"funding": "GEF | gef | 10 | EUR | 2020 | 1e11"}, "amount_usd"),
    ],
)
def test_an_import_names_each_value_out_of_bounds_and_imports_nothing(cells, reason):
    import csv
    import io

    from registry.importing import import_csv
    from registry.records import EDITABLE_COLUMNS

    lifecycle.Organization.objects.create(name="GEF", kind="financial_institution")
    row = {
        **dict.fromkeys(EDITABLE_COLUMNS, ""),
        "identifier": "BOUNDS-ROW",
        "title": "Out of bounds",
        "status": "ongoing",
        "modality": "south_south",
        "scope": "national",
        "planned_start": "2024-01-01",
        "lead_division": "DEWA",
        "is_published": "yes",
        **cells,
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EDITABLE_COLUMNS)
    writer.writeheader()
    writer.writerow(row)
    report = import_csv(buffer.getvalue().encode())
    assert not report.ok
    assert reason in str(report.problems[0]), str(report.problems[0])
    assert not Activity.objects.filter(identifier="BOUNDS-ROW").exists()
