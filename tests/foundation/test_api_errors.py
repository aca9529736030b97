"""Every error of ``/api/v1/`` in one shape, ``{"detail", "code", "errors": {field: [...]}}``:
each endpoint's 400, 403, 404 and 409 (and 401, 405), the JSON bodies nested too deep, the
unknown paths."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from bali_portal.parsers import MAX_JSON_DEPTH, json_depth
from requests_app.workflow import State
from tests.requests_app import focal

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return focal.people()


def assert_error_shape(response, status: int, field: str | None = None):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["errors"], dict)
    for messages in body["errors"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    if field is not None:
        assert field in body["errors"], body
    return body


def api_list_paths() -> list[str]:
    """The API's paths without a parameter (its lists and its single endpoints)."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                path = prefix + route
                if "(?P" not in path and "<" not in path and "\\" not in path:
                    found.append("/" + path)

    walk(get_resolver().url_patterns, "")
    # docs/ and schema/ are documents (the Swagger UI, the OpenAPI file), not the API.
    documents = ("/api/v1/docs/", "/api/v1/schema/")
    return sorted(
        {p for p in found if p.startswith("/api/v1/") and "format" not in p} - set(documents)
    )


def test_every_endpoint_without_a_parameter_answers_401_or_403_or_404_in_the_shape(client):
    paths = api_list_paths()
    assert len(paths) >= 10
    for path in paths:
        response = client.post(path, {"x": 1}, content_type="application/json")
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/json"), path
            assert_error_shape(response, response.status_code)


def test_400_403_404_409_of_the_requests_api(cast, api_for):
    request_obj = focal.advance(focal.submitted(cast), cast, "acknowledge")
    url = f"/api/v1/requests/{request_obj.reference}"
    office, owner = api_for(cast.office), api_for(cast.owner)
    assert_error_shape(
        office.post(f"{url}/route/", {"lead_division": "NOPE"}, format="json"),
        400,
        "lead_division",
    )
    assert_error_shape(owner.post(f"{url}/acknowledge/", {}, format="json"), 403)
    assert_error_shape(api_for(cast.outsider_office).get(f"{url}/"), 404)
    assert_error_shape(owner.post(f"{url}/evaluate/", {}, format="json"), 409)
    assert_error_shape(owner.post(f"{url}/no_such_action/", {}, format="json"), 404)
    assert_error_shape(owner.delete(f"{url}/"), 405)
    assert_error_shape(owner.get("/api/v1/requests/?ordering=sideways"), 400, "ordering")
    assert_error_shape(owner.get("/api/v1/requests/?submitted_after=tomorrow"), 400)
    assert_error_shape(owner.get("/api/v1/requests/?min_age_days=1000000"), 400)


def test_the_registry_and_token_endpoints_answer_in_the_shape(client):
    assert_error_shape(client.get("/api/v1/activities/?year=99999"), 400, "year")
    assert_error_shape(client.get("/api/v1/activities/999999999/"), 404)
    assert_error_shape(client.post("/api/v1/requests/", {}, content_type="application/json"), 401)
    token = client.post("/api/v1/auth/token/", {}, content_type="application/json")
    assert_error_shape(token, 400, "username")


@pytest.mark.parametrize(
    "path", ["/api/nothing", "/api/v1/nothing/", "/api/v2/requests/", "/api/v1/requests/x/y/z/"]
)
def test_an_unknown_api_path_is_a_json_404(client, path):
    body = assert_error_shape(client.get(path), 404)
    assert body["code"] == "not_found"


def test_json_nested_too_deep_is_a_400_everywhere_including_the_token_endpoint(
    client, cast, api_for
):
    deep = "[" * 100_000 + "]" * 100_000
    token = client.post("/api/v1/auth/token/", deep, content_type="application/json")
    assert_error_shape(token, 400)
    request_obj = focal.submitted(cast)
    action = api_for(cast.office).post(
        f"/api/v1/requests/{request_obj.reference}/acknowledge/",
        '{"assignee": ' + "{" * 5000 + "}" * 5000 + "}",
        content_type="application/json",
    )
    assert_error_shape(action, 400)
    request_obj.refresh_from_db()
    assert request_obj.state == State.SUBMITTED
    drafts = api_for(cast.owner).post("/api/v1/requests/", deep, content_type="application/json")
    assert_error_shape(drafts, 400)


def test_json_depth_counts_brackets_outside_strings_only():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert json_depth(nested) == MAX_JSON_DEPTH


def test_matches_take_a_lower_case_reference(cast, api_for):
    request_obj = focal.submitted(cast)
    api = api_for(cast.office)
    upper = api.get(f"/api/v1/requests/{request_obj.reference}/matches/")
    lower = api.get(f"/api/v1/requests/{request_obj.reference.lower()}/matches/")
    assert upper.status_code == lower.status_code == 200
    assert upper.json() == lower.json()
