"""The signed link a referral's partner answers by, without an account.

The link names one referral, signed with the portal's secret and the time it was issued: it
cannot be forged, it opens that referral only, and it expires after
``REFERRAL_LINK_MAX_AGE_DAYS`` (each e-mail to the partner carries a fresh one).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.encoding import force_str

SALT = "exchange.referral-link"


class _SignedAt(signing.TimestampSigner):
    """A signer stamping a given moment instead of now."""

    def __init__(self, issued_at: datetime, **kwargs):
        super().__init__(**kwargs)
        self.issued_at = issued_at

    def timestamp(self):
        return signing.b62_encode(int(self.issued_at.timestamp()))


def referral_token(referral, *, issued_at: datetime | None = None) -> str:
    """The token of ``referral``'s link, issued now (or at ``issued_at``)."""
    signer = (
        _SignedAt(issued_at, salt=SALT)
        if issued_at is not None
        else signing.TimestampSigner(salt=SALT)
    )
    return signer.sign_object({"referral": referral.pk}, compress=True)


def referral_url(referral, *, issued_at: datetime | None = None) -> str:
    path = reverse("exchange:referral-answer", args=[referral_token(referral, issued_at=issued_at)])
    return f"{settings.PORTAL_BASE_URL}{path}"


@dataclass(frozen=True)
class LinkCheck:
    referral_id: int | None
    expired: bool = False

    @property
    def valid(self) -> bool:
        return self.referral_id is not None and not self.expired


def read_referral_token(token: str) -> LinkCheck:
    """Which referral a token opens; not valid when forged, altered or expired."""
    max_age = timedelta(days=settings.REFERRAL_LINK_MAX_AGE_DAYS)
    try:
        value = signing.TimestampSigner(salt=SALT).unsign_object(force_str(token), max_age=max_age)
    except signing.SignatureExpired:
        return LinkCheck(None, expired=True)
    except (signing.BadSignature, ValueError, TypeError):
        return LinkCheck(None)
    referral_id = value.get("referral") if isinstance(value, dict) else None
    return LinkCheck(referral_id if isinstance(referral_id, int) else None)
