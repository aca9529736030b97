"""The OpenAPI schema states what the API enforces on what it is sent (``bali_portal.openapi``),
so that a client (and schemathesis) sends what is accepted and knows what is refused."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def query_parameter(schema, path, name):
    (found,) = [
        parameter
        for parameter in schema["paths"][path]["get"]["parameters"]
        if parameter["name"] == name and parameter["in"] == "query"
    ]
    return found["schema"].get("items", found["schema"])


def component(schema, reference):
    return schema["components"]["schemas"][reference.rsplit("/", 1)[1]]


def test_every_optional_query_parameter_may_be_empty(schema):
    """Said by allowEmptyValue, unless the parameter is free text, which "" already is."""
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or parameter.get("required"):
                continue
            kind = parameter["schema"].get("items", parameter["schema"])
            free_text = kind.get("type") == "string" and set(kind) <= {"type", "description"}
            assert free_text or parameter.get("allowEmptyValue") is True, (path, parameter)


def test_a_form_body_says_how_a_form_is_read(schema):
    """No null in a form (an empty value is null), and a yes-or-no is text, no if left out."""
    body = schema["paths"]["/api/v1/requests/{reference}/sharing/"]["post"]["requestBody"]
    form = component(schema, body["content"]["multipart/form-data"]["schema"]["$ref"])
    json = component(schema, body["content"]["application/json"]["schema"]["$ref"])
    assert json["required"] == ["share_with_partners"]
    assert json["properties"]["share_with_partners"]["type"] == "boolean"
    assert "required" not in form
    assert {"true", "false", "on", "0"} <= set(form["properties"]["share_with_partners"]["enum"])
    assert "" not in form["properties"]["share_with_partners"]["enum"]  # required: "" is no value
    offer = schema["paths"]["/api/v1/offers/"]["post"]["requestBody"]["content"]
    form = component(schema, offer["application/x-www-form-urlencoded"]["schema"]["$ref"])
    assert "nullable" not in form["properties"]["provider_organization"]


def test_page_numbers_and_keys_state_their_bounds(schema):
    from bali_portal import bounds

    key = {"type": "integer", "minimum": 1, "maximum": bounds.KEY.high}
    for path in ("/api/v1/activities/", "/api/v1/requests/", "/api/v1/designations/"):
        assert query_parameter(schema, path, "page")["minimum"] == 1
    for path, name in (
        ("/api/v1/activities/", "funder"),
        ("/api/v1/activities/", "parent"),
        ("/api/v1/experts/", "centre"),
        ("/api/v1/offers/", "provider_organization"),
    ):
        assert query_parameter(schema, path, name) | key == query_parameter(schema, path, name)
    year = query_parameter(schema, "/api/v1/activities/", "year")
    assert (year["minimum"], year["maximum"]) == (bounds.YEAR.low, bounds.YEAR.high)
    age = query_parameter(schema, "/api/v1/requests/", "min_age_days")
    assert (age["minimum"], age["maximum"]) == (bounds.AGE_DAYS.low, bounds.AGE_DAYS.high)


def test_request_bodies_say_what_is_refused(schema):
    bodies = {}
    for path, method, operation in operations(schema):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            bodies[(path, method, media_type)] = component(schema, content["schema"]["$ref"])
    # No read-only field is offered to be sent.
    for key, body in bodies.items():
        for name, field in body.get("properties", {}).items():
            assert not field.get("readOnly"), (key, name)
    draft = bodies[("/api/v1/requests/", "post", "application/json")]
    assert draft["additionalProperties"] is False  # a misspelt field is refused
    reason = bodies[("/api/v1/designations/{id}/end/", "post", "application/json")]
    assert reason["properties"]["reason"]["minLength"] == 1
    assert "pattern" in reason["properties"]["reason"]  # nor only spaces
    token = bodies[("/api/v1/auth/token/", "post", "application/json")]
    assert token["properties"]["username"]["minLength"] == 1
    upload = bodies[("/api/v1/requests/{reference}/attachments/", "post", "multipart/form-data")]
    assert upload["properties"]["file"]["format"] == "binary"


def test_the_blank_pattern_is_what_python_strips():
    import re

    from bali_portal.openapi import NOT_ONLY_SPACES

    pattern = re.compile(NOT_ONLY_SPACES)
    for character in map(chr, range(0x10000)):
        assert bool(pattern.search(character)) != character.isspace(), hex(ord(character))


def test_a_decimal_is_sent_as_a_number_or_as_its_text(schema):
    draft = schema["components"]["schemas"]["DraftRequest"]["properties"]["estimated_budget_usd"]
    number, text = draft["anyOf"]
    assert number["type"] == "number" and number["minimum"] == 0
    assert text["type"] == "string" and "pattern" in text
