"""Where attachments and report files are kept (``MEDIA_STORAGE``), and how it fails.

The default is the local ``MEDIA_ROOT``; with ``MEDIA_STORAGE=s3`` it is an S3-compatible bucket
(django-storages) that every web process and worker shares. What follows lets the rest of the
portal treat both the same way and tell a store that cannot be reached from a missing file.
"""

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage


def is_local() -> bool:
    """Whether files are on this host's file system (so they can be renamed into place)."""
    try:
        default_storage.path("")
    except NotImplementedError:
        return False
    return True


def is_storage_outage(error: BaseException | None) -> bool:
    """The object store could not be reached or failed on its side (not: no such object)."""
    if isinstance(error, BotoCoreError):  # no connection, a timeout, a broken answer
        return True
    if isinstance(error, ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
    return False


def storage_failed(error: BaseException) -> bool:
    """A write to the media storage failed for want of the store: unreachable, or the local
    disk full or not writable."""
    return is_storage_outage(error) or (
        isinstance(error, OSError) and not isinstance(error, FileNotFoundError)
    )
