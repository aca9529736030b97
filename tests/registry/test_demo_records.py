"""The demonstration records are the real activities of the South-South report (seed 001)."""

import pytest

from registry import demo
from registry.models import Activity, ActivityChange, Organization, Solution

pytestmark = pytest.mark.django_db

REPORT_ACTIVITIES = {
    "UNEP-SEAN-CC",
    "UNEP-LAC-SRM",
    "UNEP-AFRICA-CHINA",
    "UNEP-GEF-TNA",
    "UNEP-CBC",
    "UNEP-KSLCI",
    "UNEP-GEF-UNCCD-MA",
    "UNEP-GEF-BIOSAFETY",
    "UNEP-ASIA-AFRICA-LAW",
    "UNEP-MESA",
    "UNEP-NORWAY-AFRICA-IEA",
}


def test_the_eleven_activities_of_the_report_with_their_phases_and_projects(registry_demo):
    top_level = set(Activity.objects.filter(parent=None).values_list("identifier", flat=True))
    assert top_level == REPORT_ACTIVITIES
    africa_china = registry_demo["UNEP-AFRICA-CHINA"]
    assert africa_china.children.count() == 4
    # The programme works in the twelve African countries of its four projects (§26, §29).
    assert africa_china.countries.count() == 12
    assert africa_china.people_trained_other == 200
    kailash = registry_demo["UNEP-KSLCI"]
    assert [child.phase for child in kailash.children.in_time_order()] == [
        "Preparatory phase",
        "Inception phase",
        "First implementation phase",
        "Second implementation phase",
    ]
    assert str(kailash.planned_end) == "2023-07-31"


def test_real_partners_funders_and_amounts(registry_demo):
    corridor = registry_demo["UNEP-CBC"]
    line = corridor.funding_lines.get()
    assert (line.funder.name, line.currency, str(line.amount)) == (
        "European Union",
        "EUR",
        "2774805.00",
    )
    assert set(corridor.countries.values_list("code", flat=True)) == {"CUB", "DOM", "HTI"}
    tna = registry_demo["UNEP-GEF-TNA"].funding_lines.get()
    assert (tna.funder.acronym, tna.currency, tna.amount, tna.amount_usd) == (
        "GEF",
        "USD",
        9_000_000,
        9_000_000,
    )
    kailash = registry_demo["UNEP-KSLCI"]
    roles = set(kailash.partnerships.values_list("organization__acronym", "role"))
    assert {("ICIMOD", "implementing"), ("Norway", "funding")} <= roles
    assert registry_demo["UNEP-NORWAY-AFRICA-IEA"].modality == "triangular"


def test_the_registry_seed_step_twice_changes_nothing(registry_demo):
    # seed_demo runs this step; the module fixture already ran it once.
    counts = (
        Activity.objects.count(),
        Organization.objects.count(),
        Solution.objects.count(),
        ActivityChange.objects.count(),
    )
    stamps = dict(Activity.objects.values_list("identifier", "updated_at"))
    lines = []
    demo.seed(lines.append)
    assert counts[0] == 20
    assert (
        Activity.objects.count(),
        Organization.objects.count(),
        Solution.objects.count(),
        ActivityChange.objects.count(),
    ) == counts
    assert dict(Activity.objects.values_list("identifier", "updated_at")) == stamps
    assert "0 organizations, 0 activities, 0 solutions and 0 sources" in lines[-1]


def test_anonymous_search_for_kailash_finds_the_initiative_with_its_three_countries(
    registry_demo, client
):
    response = client.get("/registry/", {"search": "Kailash"})
    assert response.status_code == 200
    kailash = registry_demo["UNEP-KSLCI"]
    assert kailash in response.context["page_obj"].object_list
    page = response.content.decode()
    assert "Kailash Sacred Landscape Conservation Initiative" in page
    row = next(a for a in response.context["page_obj"].object_list if a.pk == kailash.pk)
    assert [r.country.name for r in row.activity_countries.all()] == ["China", "India", "Nepal"]
    detail = client.get(kailash.get_absolute_url()).content.decode()
    for country in ("China", "India", "Nepal"):
        assert "?country=" in detail and f">{country}</a>" in detail


def test_the_caribbean_biological_corridor_shows_the_european_union_funding(registry_demo, client):
    page = client.get(registry_demo["UNEP-CBC"].get_absolute_url()).content.decode()
    assert "EUR 2,774,805" in page
    assert ">European Union</a>" in page
