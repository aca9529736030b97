"""The API's parsers: a bound on how deeply a JSON body may nest, and no NUL character in text.

Python's ``json`` parses nested arrays and objects by recursion: a body nested 100,000 deep
raises ``RecursionError`` (a 500) before any view sees it. No body of the API nests more than a
few levels, so the depth is counted first, on the raw text with its strings left out, and a
deeper body is refused with a 400 like any other malformed body. A text holding a NUL
character is refused too, naming its field (``bali_portal.nul_characters``).
"""

import io
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from .nul_characters import NUL_MESSAGE, first_nul_field, first_nul_form_field

MAX_JSON_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a bare value)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or 2_621_440
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise ParseError(_("The body is too large."))
        if json_depth(body) > MAX_JSON_DEPTH:
            raise ParseError(
                _("The body nests more than %(depth)s levels deep.") % {"depth": MAX_JSON_DEPTH}
            )
        data = super().parse(io.BytesIO(body), media_type, parser_context)
        field = first_nul_field(data)
        if field is not None:
            raise ValidationError({field: [NUL_MESSAGE]})
        return data


class TextFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        field = first_nul_form_field(data)
        if field is not None:
            raise ValidationError({field: [NUL_MESSAGE]})
        return data


class TextMultiPartParser(MultiPartParser):
    """A file's bytes may hold anything; its other fields are text."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        field = first_nul_form_field(parsed.data)
        if field is not None:
            raise ValidationError({field: [NUL_MESSAGE]})
        return parsed
