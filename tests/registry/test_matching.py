"""The South-South exchange mechanism matches a request with what could answer it."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from registry.models import SupportType, ThematicArea
from requests_app.matching import matches_for
from tests.factories import (
    coordinator,
    division_staff,
    focal_point,
    make_request,
    regional_staff,
)

pytestmark = pytest.mark.django_db


def nepal_request(state="submitted", **fields):
    fields.setdefault("title", "Transboundary conservation of mountain biodiversity")
    fields.setdefault(
        "description",
        "Our high mountain ecosystems and sacred landscapes span the borders with China and "
        "India; we need joint ecological monitoring and community-based adaptation.",
    )
    fields.setdefault("south_south_interest", "south_south")
    request = make_request("NPL", state=state, **fields)
    request.thematic_areas.set(ThematicArea.objects.filter(code__in=["T01", "T13"]))
    request.support_types.set(SupportType.objects.filter(code__in=["assessment", "training"]))
    return request


def test_a_nepalese_request_on_mountain_biodiversity_is_matched_to_kailash(registry_demo):
    results = matches_for(nepal_request())
    best = results.activities[0]
    assert best.object.identifier == "UNEP-KSLCI"
    reasons = " | ".join(best.reasons)
    assert "Same thematic areas: Biodiversity, including biosafety and invasive species" in reasons
    assert "Transboundary conservation and sustainable management of natural resources" in reasons
    assert "Already works in Nepal" in reasons
    assert "South-South cooperation, which the country asked for" in reasons
    assert "Same types of support: Assessment and information for decision-making" in reasons
    # Scores rank: Kailash above an activity sharing one theme and no country (the corridor).
    identifiers = [match.object.identifier for match in results.activities]
    scores = [match.score for match in results.activities]
    assert scores == sorted(scores, reverse=True)
    assert all(match.reasons for match in results.activities)

    solutions = [match.object.title for match in results.solutions]
    assert solutions[0] == "Integrated ecological monitoring for transboundary mountain landscapes"
    assert "Has worked in Nepal" in results.solutions[0].reasons
    organizations = [match.object.acronym for match in results.organizations]
    assert organizations[0] == "ICIMOD"
    assert any("Kailash" in reason for reason in results.organizations[0].reasons)
    sources = {match.object.name for match in results.assistance_sources}
    assert "GEF Trust Fund grants" in sources
    # Sources reserved for Africa are not offered to Nepal.
    assert "Africa–China science and technology cooperation on environment" not in sources
    assert "UNEP-KSLCI" in identifiers


def test_unpublished_or_cancelled_activities_are_never_matched(registry_demo, make_activity):
    make_activity("SECRET-NPL", countries=("NPL",), themes=("T01", "T13"), published=False)
    make_activity("OFF-NPL", countries=("NPL",), themes=("T01", "T13"), status="cancelled")
    matched = {match.object.identifier for match in matches_for(nepal_request()).activities}
    assert not matched & {"SECRET-NPL", "OFF-NPL"}


def test_the_matches_endpoint_answers_those_who_see_the_request_and_404_otherwise(
    registry_demo, api_client, api_for
):
    request = nepal_request()
    url = f"/api/v1/requests/{request.reference}/matches/"
    for outsider in (focal_point("KEN"), regional_staff("ROA"), division_staff("DTIE")):
        assert api_for(outsider).get(url).status_code == 404
    assert api_client.get(url).status_code == 404
    assert (
        api_for(focal_point("NPL")).get("/api/v1/requests/NPL-2026-9999/matches/").status_code
        == 404
    )

    for insider in (focal_point("NPL"), regional_staff("ROAP"), coordinator()):
        response = api_for(insider).get(url)
        assert response.status_code == 200
        body = response.json()
        assert body["request"] == request.reference
        best = body["activities"][0]
        assert "Kailash" in best["title"]
        assert best["url"] == registry_demo["UNEP-KSLCI"].get_absolute_url()
        assert any("Nepal" in reason for reason in best["reasons"])
        assert body["solutions"] and body["organizations"] and body["assistance_sources"]


def test_similar_requests_of_the_same_country_are_flagged_only_to_who_may_see_them(
    registry_demo, api_for
):
    request = nepal_request()
    earlier = nepal_request(title="Biodiversity monitoring in the Himalaya")
    draft = nepal_request(state="draft", title="Biodiversity draft")
    other_country = make_request("IND", state="submitted")
    other_country.thematic_areas.set(ThematicArea.objects.filter(code="T01"))

    url = f"/api/v1/requests/{request.reference}/matches/"
    flagged = {m["id"] for m in api_for(focal_point("NPL")).get(url).json()["possible_duplicates"]}
    assert flagged == {earlier.reference, draft.reference}  # its own drafts are its to see
    flagged = {
        m["id"] for m in api_for(regional_staff("ROAP")).get(url).json()["possible_duplicates"]
    }
    assert flagged == {earlier.reference}
    duplicate = api_for(coordinator()).get(url).json()["possible_duplicates"][0]
    assert "Same country: Nepal" in duplicate["reasons"]
    # Without a person to check against, requests are never listed (their existence is private).
    assert matches_for(request).possible_duplicates == []


def test_the_panel_for_the_request_page(registry_demo):
    request = nepal_request()
    html = render_to_string(
        "registry/_matches_panel.html", {"matches": matches_for(request, user=coordinator())}
    )
    assert "What could answer this request" in html
    assert registry_demo["UNEP-KSLCI"].get_absolute_url() in html
    assert "Already works in Nepal" in html
    assert "<script" not in html and "style=" not in html
    empty = make_request("KEN", state="submitted")
    html = render_to_string("registry/_matches_panel.html", {"matches": matches_for(empty)})
    assert "Nothing in the registry matches this request yet." in html


def test_matching_runs_a_fixed_number_of_queries(
    registry_demo, make_activity, django_assert_num_queries
):

    request = nepal_request()
    user = coordinator()
    with CaptureQueriesContext(connection) as small:
        matches_for(request, user=user)
    for number in range(15):
        make_activity(
            countries=("NPL", "CHN"),
            themes=("T01",),
            partners=[(f"Partner {number}", "implementing")],
        )
    with django_assert_num_queries(len(small.captured_queries)):
        matches_for(request, user=user)


def _naive_activity_scores(request) -> dict[int, int]:
    """The activity scores of ``matching``, computed row by row in Python (no words)."""
    from registry.models import SOUTH_SOUTH_MODALITIES, Activity

    themes = set(request.thematic_areas.values_list("pk", flat=True))
    support = set(request.support_types.values_list("pk", flat=True))
    meas = set(request.meas.values_list("pk", flat=True))
    issues = set(request.cross_cutting_issues.values_list("pk", flat=True))
    south_south = request.south_south_interest in SOUTH_SOUTH_MODALITIES
    scores = {}
    for activity in Activity.objects.filter(is_published=True).exclude(status="cancelled"):
        shared = (
            len(themes & set(activity.thematic_areas.values_list("pk", flat=True))),
            len(support & set(activity.support_types.values_list("pk", flat=True))),
            len(meas & set(activity.meas.values_list("pk", flat=True))),
        )
        if not any(shared):
            continue
        score = shared[0] * 3 + shared[1] * 2 + shared[2] * 2
        score += len(issues & set(activity.cross_cutting_issues.values_list("pk", flat=True)))
        score += 4 if activity.countries.filter(pk=request.country_id).exists() else 0
        in_region = activity.regional_offices.filter(pk=request.regional_office_id).exists()
        score += 2 if in_region else 0
        score += 2 if south_south and activity.modality in SOUTH_SOUTH_MODALITIES else 0
        scores[activity.pk] = score
    return scores


def test_the_grouped_scoring_query_equals_scoring_each_activity(registry_demo, make_activity):
    make_activity("ONE-THEME", countries=("KEN",), themes=("T13",), published=True)
    make_activity("ONLY-REGION", countries=("IND",), themes=("T19",), published=True)
    # No word of five letters or more outside the stop words: scores come from codes alone.
    request = nepal_request(title="Help", description="Help us, please.")
    expected = _naive_activity_scores(request)
    found = matches_for(request, limit=100).activities
    assert {match.object.pk: match.score for match in found} == expected
    assert [match.score for match in found] == sorted(expected.values(), reverse=True)
    assert "ONLY-REGION" not in {match.object.identifier for match in found}


def test_words_of_the_request_found_in_an_activity_add_to_its_score(registry_demo):
    plain = matches_for(nepal_request(title="Help", description="Help us."), limit=20)
    plain = {match.object.identifier: match for match in plain.activities}
    worded = matches_for(nepal_request(title="Kailash", description="Help us."), limit=20)
    worded = worded.activities
    kailash = next(match for match in worded if match.object.identifier == "UNEP-KSLCI")
    assert kailash.score == plain["UNEP-KSLCI"].score + 1
    assert "Mentions: kailash" in kailash.reasons


def test_the_request_page_links_to_its_matches_page_which_keeps_the_scope(
    registry_demo, client_for
):
    request = nepal_request()
    page = client_for(coordinator()).get(f"/requests/{request.reference}/")
    matches_url = f"/requests/{request.reference}/matches/"
    assert matches_url in page.content.decode()
    html = client_for(focal_point("NPL")).get(matches_url).content.decode()
    assert "What could answer this request" in html
    assert registry_demo["UNEP-KSLCI"].get_absolute_url() in html
    assert "Already works in Nepal" in html
    assert client_for(focal_point("KEN")).get(matches_url).status_code == 404
    assert client_for(regional_staff("ROA")).get(matches_url).status_code == 404


def test_requests_filed_years_apart_are_not_flagged_as_duplicates(registry_demo):
    from datetime import timedelta

    from django.utils import timezone

    from requests_app.matching import DUPLICATE_WINDOW
    from requests_app.models import Request

    request = nepal_request()
    recent = nepal_request(title="Biodiversity monitoring, this year")
    long_ago = nepal_request(title="Biodiversity monitoring, a decade ago")
    Request.objects.filter(pk=long_ago.pk).update(
        created_at=timezone.now() - DUPLICATE_WINDOW - timedelta(days=30)
    )
    flagged = {m.object.pk for m in matches_for(request, user=coordinator()).possible_duplicates}
    assert flagged == {recent.pk}
