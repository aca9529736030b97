"""The shapes that keep search fast at scale give the same answers as the plain ones: facets
and totals from one statement equal counts made row by row, cached counts follow every write,
and results read a page at a time in two parts come in the queryset's order."""

from collections import Counter

import pytest
from django.db import connection

from registry.filters import ActivityFilterSet
from registry.models import Activity, Organization, PartnerRole
from registry.search import listed_results, search_activities
from registry.selectors import FACET_LIMIT, FACETS_SHOWN_WHOLE, activity_summary
from registry.services import save_organization
from tests.factories import coordinator

pytestmark = pytest.mark.django_db


def naive_facets(activities) -> dict[str, Counter]:
    """Counts of each facet's values, activity by activity (the definition)."""
    counts = {name: Counter() for name in ("regional_office", "country", "thematic_area")}
    counts |= {name: Counter() for name in ("modality", "division", "status", "year", "funder")}
    for activity in activities:
        counts["regional_office"].update(r.code for r in activity.regional_offices.all())
        counts["country"].update(c.country_id for c in activity.activity_countries.all())
        counts["thematic_area"].update(t.code for t in activity.thematic_areas.all())
        counts["modality"][activity.modality] += 1
        counts["division"][activity.lead_division_id] += 1
        counts["status"][activity.status] += 1
        if activity.start_date:
            counts["year"][str(activity.start_date.year)] += 1
        counts["funder"].update(
            {str(p.organization_id) for p in activity.partnerships.all() if p.role == "funding"}
        )
    return counts


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"thematic_area": "T13"},
        {"search": "water"},
        {"search": "kailash landscape"},
        {"country": ["CHN", "KEN"], "status": "completed"},
    ],
)
def test_facets_and_total_equal_counts_made_row_by_row(registry_demo, params):
    filterset = ActivityFilterSet(params, queryset=Activity.objects.all())
    assert filterset.is_valid()
    activities = list(filterset.qs.with_everything())
    summary = activity_summary(filterset.qs)
    assert summary.total == len(activities)
    expected = naive_facets(activities)
    for facet in summary.facets:
        shown = {item.value: item.count for item in facet.items}
        everything = dict(expected[facet.name])
        assert shown == {value: everything[value] for value in shown}
        assert len(shown) == min(len(everything), FACET_LIMIT) or facet.name in (FACETS_SHOWN_WHOLE)
        if facet.name in FACETS_SHOWN_WHOLE:
            assert shown == everything
        elif facet.name != "year":  # the most frequent values are the ones shown
            hidden = [count for value, count in everything.items() if value not in shown]
            assert all(count <= min(shown.values()) for count in hidden)
        counts = [item.count for item in facet.items]
        if facet.name == "year":
            assert [int(item.value) for item in facet.items] == sorted(
                (int(item.value) for item in facet.items), reverse=True
            )
        else:
            assert counts == sorted(counts, reverse=True)
    funders = {f.name: f for f in summary.facets}["funder"].items
    names = {str(o.pk): o.name for o in Organization.objects.all()}
    assert all(item.label == names[item.value] for item in funders)


def test_cached_counts_follow_every_write(registry_demo, make_activity, client):
    def facets():
        response = client.get("/api/v1/activities/", {"search": "kailash"})
        facets = {f["name"]: f for f in response.json()["facets"]}
        return response.json()["count"], facets

    count, before = facets()
    assert count == 5
    make_activity("KAILASH-MORE", title="Kailash follow-up", countries=("IND",))
    count, after = facets()
    assert count == 6
    india = [item["count"] for item in after["country"]["items"] if item["value"] == "IND"]
    assert india == [1 + sum(i["count"] for i in before["country"]["items"] if i["value"] == "IND")]
    # A renamed funder is renamed in the facets at once.
    line = (
        Activity.objects.get(identifier="UNEP-CBC").partnerships.filter(role=PartnerRole.FUNDING)
    ).first()
    funder = line.organization
    funder.name = "European Union (renamed)"
    save_organization(actor=coordinator(), organization=funder)
    response = client.get("/api/v1/activities/", {"search": "corridor"})
    labels = {
        item["label"]
        for facet in response.json()["facets"]
        if facet["name"] == "funder"
        for item in facet["items"]
    }
    assert "European Union (renamed)" in labels


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranking")
def test_pages_read_in_two_parts_follow_the_order_of_the_ranked_queryset(make_activity):
    for number in range(7):
        make_activity(f"TITLE-{number}", title=f"Wetland water plan {number}")
    make_activity("TWICE", title="Water for water users")
    for number in range(9):
        make_activity(f"BODY-{number}", title=f"Plan {number:02d}", description="Clean water.")
    make_activity("OTHER", title="Mountain roads", description="Nothing to see.")
    matches = search_activities(Activity.objects.all(), "water")
    expected = [activity.identifier for activity in matches]
    assert expected[0] == "TWICE"  # the title names the word twice
    mine = [identifier for identifier in expected if identifier.startswith(("TITLE", "BODY"))]
    assert mine == [f"TITLE-{n}" for n in range(7)] + [f"BODY-{n}" for n in range(9)]
    results = listed_results(matches, "water")
    for bottom, top in [(0, 5), (5, 10), (6, 9), (8, 17), (15, 20), (18, 40), (50, 60)]:
        assert [activity.identifier for activity in results[bottom:top]] == expected[bottom:top]


def test_the_list_and_the_api_page_through_all_results_once(registry_demo, make_activity, client):
    for number in range(25):
        make_activity(f"WATER-{number:02d}", title=f"Project {number:02d}", description="water")
    seen = []
    for page in (1, 2):
        response = client.get("/registry/", {"search": "water", "page": page})
        seen += [activity.identifier for activity in response.context["page_obj"]]
    total = search_activities(Activity.objects.published(), "water").count()
    assert len(seen) == len(set(seen)) == min(total, 40)
    data = client.get("/api/v1/activities/", {"search": "water"}).json()
    assert data["count"] == total and len(data["results"]) == total
