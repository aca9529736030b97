"""The registry's pages (no JavaScript needed, nothing inline, nothing from other hosts,
translated) and its API."""

import re

import pytest

from registry.models import Organization, Solution
from tests.factories import coordinator, regional_staff

pytestmark = pytest.mark.django_db


def page_urls(registry_demo):
    icimod = Organization.objects.get(acronym="ICIMOD")
    solution = Solution.objects.first()
    source = solution.provider
    return [
        "/registry/",
        "/registry/?search=Kailash&country=NPL",
        registry_demo["UNEP-KSLCI"].get_absolute_url(),
        registry_demo["UNEP-CBC"].get_absolute_url(),
        "/registry/organizations/",
        icimod.get_absolute_url(),
        "/registry/solutions/",
        solution.get_absolute_url(),
        "/registry/assistance/",
        source.get_absolute_url(),
    ]


def test_pages_load_nothing_inline_and_nothing_from_other_hosts(registry_demo, client):
    for url in page_urls(registry_demo):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script" not in html and "<style" not in html, url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
        # Stylesheets, scripts, images and fonts come from the portal itself.
        for match in re.finditer(r'<(?:link|img|script|source)\b[^>]*(?:href|src)="([^"]+)"', html):
            assert not re.match(r"(https?:)?//", match.group(1)), (url, match.group(1))
        assert "Content-Security-Policy" in response.headers


def test_the_search_works_without_javascript_as_a_plain_get_form(registry_demo, client):
    html = client.get("/registry/").content.decode()
    form = re.search(r'<form method="get" action="/registry/"[^>]*role="search"', html)
    assert form
    for name in ("search", "regional_office", "country", "thematic_area", "status"):
        assert f'name="{name}"' in html
    # Facets are links, usable with the keyboard.
    assert re.search(r'<a href="\?country=NPL">Nepal</a> \(\d+\)', html)


def test_pages_follow_the_readers_language(registry_demo, client):
    page = client.get(
        registry_demo["UNEP-KSLCI"].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "冈仁波齐“神山”的保护倡议" in page
    assert "尼泊尔" in page  # Nepal
    assert "生物多样性，包括生物安全及入侵物种问题" in page  # thematic area T01


def test_the_detail_page_links_partners_funders_countries_and_related(registry_demo, client):
    kailash = registry_demo["UNEP-KSLCI"]
    html = client.get(kailash.get_absolute_url()).content.decode()
    icimod = Organization.objects.get(acronym="ICIMOD")
    assert f'href="{icimod.get_absolute_url()}"' in html
    assert "/registry/?country=NPL" in html
    assert registry_demo["UNEP-KSLCI-PREP"].get_absolute_url() in html  # its phases
    assert "format=pdf&amp;identifier=UNEP-KSLCI" in html  # the printed form
    prep = client.get(registry_demo["UNEP-KSLCI-PREP"].get_absolute_url()).content.decode()
    assert kailash.get_absolute_url() in prep  # part of
    organization_page = client.get(icimod.get_absolute_url()).content.decode()
    assert kailash.get_absolute_url() in organization_page


def test_the_coordinator_keeps_the_directory(registry_demo, client_for):
    assert client_for(regional_staff("ROA")).get("/registry/organizations/new/").status_code == 403
    client = client_for(coordinator())
    response = client.post(
        "/registry/organizations/new/",
        {"name": "Water Research Commission", "kind": "university", "country": "ZAF"},
    )
    assert response.status_code == 302
    organization = Organization.objects.get(name="Water Research Commission")
    response = client.post(
        "/registry/solutions/new/",
        {
            "title": "Low-cost water-quality kits",
            "kind": "tool",
            "provider": organization.pk,
            "thematic_areas": ["T04"],
            "countries": ["ZAF", "NAM"],
            "is_south_south": "on",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    solution = Solution.objects.get(title="Low-cost water-quality kits")
    assert set(solution.countries.values_list("code", flat=True)) == {"ZAF", "NAM"}


def test_api_list_with_facets_and_detail(registry_demo, api_client):
    response = api_client.get("/api/v1/activities/", {"search": "kailash"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    facets = {facet["name"]: facet for facet in body["facets"]}
    assert {"regional_office", "country", "thematic_area", "modality", "division", "status"} <= set(
        facets
    )
    assert {"value": "NPL", "label": "Nepal", "count": 5} in facets["country"]["items"]
    kailash = next(row for row in body["results"] if row["identifier"] == "UNEP-KSLCI")
    assert [country["code"] for country in kailash["countries"]] == ["CHN", "IND", "NPL"]

    detail = api_client.get(f"/api/v1/activities/{registry_demo['UNEP-CBC'].pk}/").json()
    assert detail["funding"][0]["funder"]["name"] == "European Union"
    assert detail["funding"][0]["amount"] == "2774805.00"
    assert detail["funding"][0]["currency"] == "EUR"
    assert detail["meas"] == ["CBD"]


def test_api_filters_and_read_only(registry_demo, api_client, api_for):
    def identifiers(**params):
        response = api_client.get("/api/v1/activities/", params)
        assert response.status_code == 200
        return {row["identifier"] for row in response.json()["results"]}

    assert identifiers(modality="triangular") == {"UNEP-NORWAY-AFRICA-IEA"}
    assert identifiers(division="DELC", status="completed") == {"UNEP-ASIA-AFRICA-LAW"}
    assert "UNEP-GEF-TNA" in identifiers(funder=Organization.objects.get(acronym="GEF").pk)
    assert identifiers(country="XXX") == set()  # a code no record has matches nothing
    assert api_client.get("/api/v1/activities/", {"funder": "abc"}).status_code == 400
    assert api_for(coordinator()).post("/api/v1/activities/", {}).status_code == 405
    solutions = api_client.get("/api/v1/solutions/", {"country": "NPL"}).json()
    assert [s["title"] for s in solutions["results"]] == [
        "Integrated ecological monitoring for transboundary mountain landscapes"
    ]
    sources = api_client.get("/api/v1/assistance-sources/", {"regional_office": "ROAP"}).json()
    names = {source["name"] for source in sources["results"]}
    assert "GEF Trust Fund grants" in names
    assert "Africa–China science and technology cooperation on environment" not in names
    organizations = api_client.get("/api/v1/organizations/", {"search": "icimod"}).json()
    assert "International Centre for Integrated Mountain Development" in {
        o["name"] for o in organizations["results"]
    }


def test_the_openapi_schema_documents_the_registry(db, api_client):
    schema = api_client.get("/api/v1/schema/").content.decode()
    for path in (
        "/api/v1/activities/",
        "/api/v1/activities/export/",
        "/api/v1/requests/{reference}/matches/",
        "/api/v1/solutions/",
        "/api/v1/assistance-sources/",
    ):
        assert path in schema


def test_the_unfiltered_list_shows_every_published_activity(registry_demo, client):
    response = client.get("/registry/")
    assert response.context["page_obj"].paginator.count == len(registry_demo)
    assert len(response.context["page_obj"].object_list) == 20
    assert client.get("/registry/organizations/").context["page_obj"].paginator.count > 50
