"""What an uploaded file really is, from its first bytes — never from its name or the browser.

A concept note or an endorsement letter arrives as PDF, Word (DOCX), OpenDocument text (ODT),
or a scan (PNG, JPEG). Anything else, whatever its extension says, is refused.
"""

import os
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", ".pdf")
PNG = Kind("image/png", ".png")
JPEG = Kind("image/jpeg", ".jpg")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
ODT = Kind("application/vnd.oasis.opendocument.text", ".odt")

ALLOWED_LABEL = "PDF, DOCX, ODT, PNG, JPEG"

_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = ODT.content_type.encode()


class Refused(Exception):
    """The file is refused for what it is, not only for not being an allowed kind."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# What the type check reads of a ZIP package (ODT, DOCX). A document's members are a few MB
# at most, compressed some 5 to 20 times; a "zip bomb" (204 KB whose member expands to 200 MB)
# is refused from its directory, before anything is decompressed. No member is ever read
# whole: at most MIMETYPE_READ bytes of one, however large it says or turns out to be.
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed to compressed, for a member larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
MIMETYPE_READ = 256


def sniff(upload) -> Kind | None:
    """The allowed kind this file's content is, or None; ``Refused`` if it is a compressed
    package that would expand beyond any document. Leaves the file at its start."""
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(_ZIP_MAGIC):
            return _office_document(upload)
        return None
    finally:
        upload.seek(0)


def _office_document(upload) -> Kind | None:
    # An ODT package names its type in its "mimetype" member (ODF 1.2, part 3, §3.3); a DOCX
    # package has the Word main part. Any other ZIP file is refused.
    try:
        with zipfile.ZipFile(upload) as package:
            members = package.infolist()
            _check_expansion(members)
            names = {member.filename for member in members}
            if "mimetype" in names:
                return ODT if _mimetype(package) == _ODT_MIMETYPE else None
    except _UNREADABLE:
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    return None


# A package that cannot be read is no document: damaged, encrypted (RuntimeError), or in a
# compression zipfile does not know (NotImplementedError).
_UNREADABLE = (
    zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError,
    RuntimeError, NotImplementedError, zlib.error,
)  # fmt: skip


def _check_expansion(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a package whose directory declares more than any document expands to."""
    if len(members) > MAX_MEMBERS:
        raise Refused(_too_large())
    total = 0
    for member in members:
        total += member.file_size
        too_compressed = member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        )
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_PACKAGE_BYTES or too_compressed:
            raise Refused(_too_large())


def _mimetype(package: zipfile.ZipFile) -> bytes:
    """The first bytes of the "mimetype" member, read in bounded steps (its directory entry
    may understate its size): more than a media type is no ODT, and is refused."""
    info = package.getinfo("mimetype")
    # ODF stores it uncompressed; deflate is read a few KB at a time. Other methods (bzip2,
    # LZMA) decompress a whole chunk of input at once, megabytes from a few KB: not read.
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return b""
    with package.open(info) as member:
        content = member.read(MIMETYPE_READ + 1)
    if len(content) > MIMETYPE_READ:
        raise Refused(_too_large())
    return content.strip()


def _too_large() -> str:
    return _(
        "This file is a compressed package that expands far beyond any document (more "
        "than %(size)s, or %(ratio)s times its compressed size): it is refused."
    ) % {"size": filesizeformat(MAX_PACKAGE_BYTES), "ratio": MAX_RATIO}


def clean_original_name(name: str, kind: Kind) -> str:
    """The uploader's file name, for display and download only: no path, no control chars."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if not name or name in {".", ".."}:
        name = f"attachment{kind.extension}"
    return name[-255:]


def checked(upload) -> tuple[Kind | None, str]:
    """The kind of an uploaded document, or why it is refused (none given, too large, or not a
    kind accepted, judged by its content): ``(kind, "")`` or ``(None, message)``."""
    if upload is None:
        return None, _("Choose a file to upload.")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        return None, _("The file is larger than %(size)s.") % {
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        }
    try:
        detected = sniff(upload)
    except Refused as refused:
        return None, refused.message
    if detected is None:
        return None, _("This file type is not accepted. Upload one of: %(kinds)s.") % {
            "kinds": ALLOWED_LABEL
        }
    return detected, ""


def stored_file_response(field_file, name: str, content_type: str):
    """A stored document as a download under its uploader's name; 404 when the file is gone.
    Only views that have checked who may read it call this."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
