"""What the OpenAPI schema says of errors: every operation documents the answers the API can
give besides its success, each in the one error shape of ``bali_portal.api_errors``.

A postprocessing hook of drf-spectacular (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``),
so that a new endpoint is documented without a decorator of its own.
"""

import copy

import django_filters
from django import forms
from django_filters import ModelMultipleChoiceFilter
from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework import serializers

from . import bounds
from .filters import keyed_by_number
from .internals import peek_filter_form_field

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API: a sentence, a code, and the fields at fault.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code", "errors"],
}

ERRORS = {
    "400": "A field, a filter or the body is not valid (each field named in errors)",
    "401": "No valid token or session",
    "403": "The caller may not do this",
    "404": "No such record in the caller's scope, or no such path",
    "405": "The method is not allowed here",
    "406": "The Accept header asks for a format the API does not give",
    "409": "The record's state forbids it now",
    "413": "The body is too large",
    "415": "The body's media type is not accepted",
    "429": "Too many requests: try again later",
    "503": "The service is temporarily unavailable: try again shortly",
}
# Answered by the web server (gunicorn, a proxy) before the portal sees the request: its body
# is the server's own, so no shape is promised.
SERVER_ERRORS = {
    "414": "The URL is too long for the web server (too many or too long query parameters)",
}


def document_errors(result, generator, request, public):
    """Add the error shape as ``Error``, and every error answer to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                operation["responses"][code] = {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                }
            for code, description in SERVER_ERRORS.items():
                operation["responses"][code] = {"description": description}
    return result


# --- What a valid request is -------------------------------------------------------------------
# Schemathesis sends what the schema allows and expects it accepted, and what it forbids and
# expects it refused: the schema states each rule the API enforces on what it is sent.

# A string DRF refuses as blank once it has stripped what Python counts as white space.
NOT_ONLY_SPACES = (
    "[^\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0"
    "\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, stating in request bodies what the serializers refuse: a blank
    string where blank is not allowed, and fields a serializer does not know when it says it
    refuses them (``RefusesUnknownFields``)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and not field.allow_blank
            and schema.get("type") == "string"
            and "enum" not in schema
        ):
            schema.setdefault("minLength", 1)
            if field.trim_whitespace:
                schema.setdefault("pattern", NOT_ONLY_SPACES)
        if direction == "request" and isinstance(field, serializers.DecimalField):
            # Sent as a number or as the text the API returns it as: either is read.
            number = {"type": "number"}
            if field.min_value is not None:
                number["minimum"] = float(field.min_value)
            if field.max_value is not None:
                number["maximum"] = float(field.max_value)
            text = {key: value for key, value in schema.items() if key != "nullable"}
            schema = {"anyOf": [number, text]}
            if field.allow_null:
                schema["nullable"] = True
        if (
            direction == "request"
            and isinstance(field, serializers.PrimaryKeyRelatedField)
            and schema.get("type") == "integer"
        ):
            schema.update(minimum=bounds.KEY.low, maximum=bounds.KEY.high)
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema


class FilterExtension(DjangoFilterExtension):
    """django-filter's parameters with the bounds the filters enforce: a key is a whole number
    from 1 (``bounds.KEY``), a year or an age within its own bounds."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        bound = _bounds_of(filter_field)
        for parameter in parameters:
            schema = parameter["schema"]
            schema = schema.get("items", schema)
            if bound and schema.get("type") in ("integer", "number"):
                schema.update(bound)
        return parameters


def _bounds_of(filter_field) -> dict:
    field = peek_filter_form_field(filter_field)  # the FilterSet's instances make their own
    if isinstance(filter_field, django_filters.ModelChoiceFilter | ModelMultipleChoiceFilter):
        if keyed_by_number(field):
            return {"type": "integer", "minimum": bounds.KEY.low, "maximum": bounds.KEY.high}
        return {}
    found = {}
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        found["type"] = "integer"
    if getattr(field, "min_value", None) is not None:
        found["minimum"] = field.min_value
    if getattr(field, "max_value", None) is not None:
        found["maximum"] = field.max_value
    return found if "minimum" in found or "maximum" in found else {}


def allow_empty_query_values(result, generator, request, public):
    """An empty query parameter is no filter (``bali_portal.filters``), the default order
    for ``ordering`` and page 1 for ``page``: every query parameter whose schema does not
    already take "" says so. Page numbers start at 1."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter.get("required"):
                    continue
                schema = parameter["schema"]
                if parameter["name"] == "page" and schema.get("type") == "integer":
                    schema["minimum"] = 1
                if not _takes_empty_text(schema.get("items", schema)):
                    parameter["allowEmptyValue"] = True
    return result


def _takes_empty_text(schema) -> bool:
    # Said only where needed: schemathesis reads allowEmptyValue as anyOf [schema, ""], whose
    # negative cases it cannot always tell from valid text (``true`` for a string).
    free = {"type", "description", "title"}
    return schema.get("type") == "string" and set(schema) <= free


FORM_MEDIA_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def describe_form_bodies(result, generator, request, public):
    """A form's body as DRF reads it, which JSON's schema does not say: a form carries no
    null (an empty value is null), and a yes-or-no is text (``true``, ``on``, ``0``...) and
    no when left out (an unticked box).
    Each request component sent as a form gets a ``<name>Form`` twin saying so."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in FORM_MEDIA_TYPES:
                reference = content.get(media_type, {}).get("schema", {}).get("$ref")
                if reference is None:
                    continue
                name = reference.rsplit("/", 1)[1]
                twin = f"{name}Form"
                if twin not in schemas:
                    schemas[twin] = _as_form(schemas[name])
                content[media_type]["schema"] = {"$ref": f"#/components/schemas/{twin}"}
    return result


def _as_form(component: dict) -> dict:
    form = copy.deepcopy(component)
    properties = form.get("properties", {})
    required = set(form.get("required", ()))
    booleans = [name for name, field in properties.items() if field.get("type") == "boolean"]
    for name, field in properties.items():
        if field.pop("nullable", False):
            # "" is null.
            if field.get("type") == "string" and "format" not in field:
                field.pop("minLength", None)
                field.pop("pattern", None)
            else:
                properties[name] = {"anyOf": [field, {"type": "string", "enum": [""]}]}
        if name in booleans:
            # Left out, it is no; sent empty, it is no as well unless it is required.
            spellings = FORM_BOOLEANS if name in required else ["", *FORM_BOOLEANS]
            field.update(type="string", enum=spellings)
    if required:
        form["required"] = [name for name in form["required"] if name not in booleans]
        if not form["required"]:
            del form["required"]
    return form


# A yes-or-no as a form spells it for DRF.
FORM_BOOLEANS = sorted(
    value
    for value in {*serializers.BooleanField.TRUE_VALUES, *serializers.BooleanField.FALSE_VALUES}
    if isinstance(value, str)
)
