"""No NUL character in what a client sends as text.

PostgreSQL's text cannot hold a NUL character, and a value that reaches a query with one (a
code looked up by a related field or a filter) fails in the driver: a 500. No field of the
portal has a use for one. The API's parsers (``bali_portal.parsers``) refuse it in a body with
a 400 naming the field; ``bali_portal.nul_query`` refuses it in any query string, where filters
and searches of pages and API read their values.
"""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

NUL_MESSAGE = _("Null characters are not allowed.")


def first_nul_field(data, field: str = "") -> str | None:
    """The name of the first top-level field whose value (or name) holds a NUL character."""
    if isinstance(data, str):
        return field if "\x00" in data else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list | tuple):
        items = ((field, item) for item in data)
    else:
        return None
    for key, value in items:
        name = field or str(key)
        if "\x00" in str(key):
            return name or "non_field_errors"
        found = first_nul_field(value, name)
        if found is not None:
            return found or "non_field_errors"
    return None


def first_nul_form_field(data: QueryDict) -> str | None:
    """The first field of a form or query string whose name or a text value holds a NUL."""
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in value for value in values if isinstance(value, str)):
            return key
    return None
