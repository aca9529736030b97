"""What the OpenAPI schema says of errors: every operation documents the answers the API can
give besides its success, each in the one error shape of ``bali_portal.api_errors``.

A postprocessing hook of drf-spectacular (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``),
so that a new endpoint is documented without a decorator of its own.
"""

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
