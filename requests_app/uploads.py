"""What an uploaded file really is, from its first bytes — never from its name or the browser.

A concept note or an endorsement letter arrives as PDF, Word (DOCX), OpenDocument text (ODT),
or a scan (PNG, JPEG). Anything else, whatever its extension says, is refused.
"""

import os
import unicodedata
import zipfile
from dataclasses import dataclass


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


def sniff(upload) -> Kind | None:
    """The allowed kind this file's content is, or None. Leaves the file at its start."""
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
            names = set(package.namelist())
            if "mimetype" in names:
                return ODT if package.read("mimetype").strip() == _ODT_MIMETYPE else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError):
        return None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    return None


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
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    if upload is None:
        return None, _("Choose a file to upload.")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        return None, _("The file is larger than %(size)s.") % {
            "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        }
    detected = sniff(upload)
    if detected is None:
        return None, _("This file type is not accepted. Upload one of: %(kinds)s.") % {
            "kinds": ALLOWED_LABEL
        }
    return detected, ""


def stored_file_response(field_file, name: str, content_type: str):
    """A stored document as a download under its uploader's name; 404 when the file is gone.
    Only views that have checked who may read it call this."""
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
