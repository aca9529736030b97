"""Full-text search (stored, indexed vector on PostgreSQL; the stored document on SQLite),
facets with grouped counts, and who sees what."""

import pytest
from django.db import connection

from registry.filters import ActivityFilterSet
from registry.models import Activity, Organization
from registry.search import search_activities
from registry.selectors import activities_visible_to, activity_facets
from registry.services import save_organization
from tests.factories import coordinator, division_staff, focal_point, regional_staff

pytestmark = pytest.mark.django_db


def found(text: str, queryset=None) -> set[str]:
    queryset = queryset if queryset is not None else Activity.objects.all()
    return set(search_activities(queryset, text).values_list("identifier", flat=True))


def test_search_finds_words_of_titles_partners_countries_and_chinese_text(registry_demo):
    kailash = {
        "UNEP-KSLCI",
        "UNEP-KSLCI-PREP",
        "UNEP-KSLCI-INCEPTION",
        "UNEP-KSLCI-IMPL1",
        "UNEP-KSLCI-IMPL2",
    }
    assert found("Kailash") == kailash
    assert found("kailash sacred landscape") == kailash
    assert found("ICIMOD") == kailash  # a partner's acronym
    assert found("冈仁波齐") == kailash  # the official Chinese title
    assert "UNEP-CBC" in found("European Union")  # a funder
    assert found("Haiti corridor") == {"UNEP-CBC"}  # every word must match
    assert "UNEP-CBC" in found("biodivers")  # a word's beginning finds it
    assert found("Kailash Zanzibar") == set()
    assert found("") == set(registry_demo)  # no words: no narrowing


def test_search_ignores_query_syntax(registry_demo):
    # Operators and quotes of tsquery are just punctuation to the search box.
    assert found("Kailash & | ! :* ( ' \"") == found("Kailash")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgres_keeps_a_stored_vector_indexed_with_gin_and_ranks_titles_first(
    registry_demo, make_activity
):
    mention = make_activity(
        "MENTIONS-KAILASH", title="Mountain tourism", description="Near the Kailash landscape."
    )
    assert not Activity.objects.filter(search_vector__isnull=True).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'activity_search_vector'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower() and "search_vector" in definition
    # The title weighs more than the text: records named after Kailash come first.
    results = list(search_activities(Activity.objects.all(), "Kailash"))
    assert results[-1] == mention
    assert all(activity.identifier.startswith("UNEP-KSLCI") for activity in results[:-1])


def test_the_index_follows_every_change_made_through_the_services(registry_demo):
    icimod = Organization.objects.get(acronym="ICIMOD")
    icimod.name = "Himalayan Mountain Centre"
    save_organization(actor=coordinator(), organization=icimod)
    assert "UNEP-KSLCI" in found("Himalayan Mountain Centre")


def test_rebuilding_the_index_picks_up_renamed_reference_data(registry_demo):
    from django.core.management import call_command

    from registry.models import Country

    Country.objects.filter(code="NPL").update(name="Federal Democratic Republic of Nepal")
    assert "UNEP-KSLCI" not in found("Federal Democratic")
    call_command("rebuild_registry_search", verbosity=0)
    assert "UNEP-KSLCI" in found("Federal Democratic")


def test_facet_counts_are_the_counts_of_the_filtered_list(registry_demo):
    filterset = ActivityFilterSet({"thematic_area": ["T04"]}, queryset=Activity.objects.all())
    assert filterset.is_valid()
    activities = filterset.qs
    facets = {facet.name: facet for facet in activity_facets(activities)}
    ids = set(activities.values_list("pk", flat=True))
    kenya = next(item for item in facets["country"].items if item.value == "KEN")
    assert kenya.count == Activity.objects.filter(pk__in=ids, countries="KEN").count() == 3
    modality = {item.value: item.count for item in facets["modality"].items}
    assert sum(modality.values()) == len(ids)
    funders = {item.label: item.count for item in facets["funder"].items}
    # The programme and three of its four projects are about freshwater (§26).
    assert funders["Ministry of Science and Technology of China"] == len(ids) == 4
    years = {item.value: item.count for item in facets["year"].items}
    assert years == {"2008": 4}
    status = {item.value: item.count for item in facets["status"].items}
    assert sum(status.values()) == len(ids)


def test_filters_of_the_list(registry_demo, client):
    def listed(**params):
        response = client.get("/registry/", params)
        assert response.status_code == 200
        return {a.identifier for a in response.context["page_obj"].object_list}

    assert listed(country="NPL", status="pipeline") == set()
    assert "UNEP-CBC" in listed(regional_office="ROLAC")
    assert listed(modality="triangular") == {"UNEP-NORWAY-AFRICA-IEA"}
    assert listed(division="DELC") == {"UNEP-ASIA-AFRICA-LAW"}
    assert listed(year="2004") == {"UNEP-MESA"}
    eu = Organization.objects.get(name="European Union")
    assert listed(funder=str(eu.pk)) == {"UNEP-CBC"}
    # Several values of one filter: either.
    assert listed(country=["CUB", "NPL"]) >= {"UNEP-CBC", "UNEP-KSLCI"}
    # A code no record has matches nothing, as a search no record answers: never everything.
    response = client.get("/registry/", {"country": "XXX"})
    assert response.context["page_obj"].paginator.count == 0
    # A value that cannot be a key is shown as an error, with no results.
    response = client.get("/registry/", {"funder": "abc"})
    assert response.context["page_obj"].paginator.count == 0
    assert response.context["filterset"].errors


def test_anonymous_and_focal_points_see_published_activities_only(registry_demo, make_activity):
    draft = make_activity("DRAFT-ROAP", countries=("NPL",), published=False)
    assert draft not in activities_visible_to(None)
    assert draft not in activities_visible_to(focal_point("NPL"))
    assert draft in activities_visible_to(regional_staff("ROAP"))
    assert draft in activities_visible_to(division_staff("DEPI"))
    assert draft not in activities_visible_to(division_staff("DTIE"))
    assert draft in activities_visible_to(coordinator())
    assert activities_visible_to(None).count() == len(registry_demo)


def test_an_unpublished_activity_is_a_404_for_the_public(make_activity, client, client_for):
    draft = make_activity("DRAFT-PAGE", published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/activities/{draft.pk}/").status_code == 404
    assert client_for(regional_staff("ROAP")).get(draft.get_absolute_url()).status_code == 200
