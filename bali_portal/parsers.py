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
HEAD_BYTES = 512
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
    """A file's bytes may hold anything; its other fields are text. A body from which no
    field is read is an empty form only if it is one (its closing boundary alone), otherwise
    malformed: no part at all, or parts with no field's name."""

    def parse(self, stream, media_type=None, parser_context=None):
        head = _HeadOf(stream)
        parsed = super().parse(head, media_type, parser_context)
        if not parsed.data and not parsed.files and not _is_empty_form(head.head, media_type):
            raise ParseError(_("The body is not a multipart form."))
        field = first_nul_form_field(parsed.data)
        if field is not None:
            raise ValidationError({field: [NUL_MESSAGE]})
        return parsed


class _HeadOf:
    """A stream that keeps the first bytes read from it."""

    def __init__(self, stream):
        self.stream = stream
        self.head = b""

    def read(self, *args):
        chunk = self.stream.read(*args)
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]
        return chunk

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _is_empty_form(head: bytes, media_type) -> bool:
    boundary = re.search(r'boundary="?([^";]+)', media_type or "")
    closing = b"--" + boundary.group(1).encode() + b"--" if boundary else None
    return bool(closing) and head.strip(b"\r\n") == closing
