"""The records behind the results, listed in full in the XLSX annex.

Read with ``iterator()`` in chunks and written row by row, so a year with many records takes no
more memory than a small one. Only what was completed by the moment the figures were taken is
listed, so the annex agrees with the figures of the run.
"""

from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from requests_app.models import OUTPUT_KINDS

from .aggregation import Period, _activities_completed, _completed_requests
from .document import DIVISION, INT, MODALITY, OFFICE, TEXT, USD, Column
from .render.xlsx import Annex

CHUNK = 500


def completed_requests(period: Period) -> Annex:
    rows = (
        _completed_requests(period)
        .filter(completed_at__lte=period.as_of)
        # A forum's request has no country: its forum's code stands there.
        .annotate(
            completed_on=TruncDate("completed_at"), asked_by=Coalesce("country_id", "forum_id")
        )
        .order_by("completed_at", "pk")
        .values_list(
            "reference",
            "asked_by",
            "regional_office_id",
            "lead_division_id",
            "completed_on",
            "people_trained_female",
            "people_trained_male",
            "people_trained_other",
            "institutions_supported",
            "cost_usd",
            "outputs",
            "lessons",
            *OUTPUT_KINDS,
            "successes",
            "shortcomings",
        )
        .iterator(chunk_size=CHUNK)
    )
    return Annex(
        _("Annex A. Requests completed"),
        [
            Column(_("Reference")),
            Column(_("Country or forum")),
            Column(_("Regional office"), OFFICE),
            Column(_("Lead division"), DIVISION),
            Column(_("Completed")),
            Column(_("Women trained"), INT),
            Column(_("Men trained"), INT),
            Column(_("Others trained"), INT),
            Column(_("Institutions supported"), INT),
            Column(_("Cost reported (US$)"), USD),
            Column(_("Outputs"), TEXT),
            Column(_("Lessons learned"), TEXT),
            Column(_("Laws and regulations drafted"), INT),
            Column(_("Policies and plans adopted"), INT),
            Column(_("Tools developed"), INT),
            Column(_("Institutions strengthened"), INT),
            Column(_("Successes"), TEXT),
            Column(_("Shortcomings"), TEXT),
        ],
        rows,
    )


def completed_activities(period: Period) -> Annex:
    rows = (
        _activities_completed(period)
        .order_by("ended", "pk")
        .values_list(
            "identifier",
            "title",
            "lead_division_id",
            "modality",
            "ended",
            "people_trained_female",
            "people_trained_male",
            "people_trained_other",
            "institutions_supported",
            "outputs",
            "results_narrative",
        )
        .iterator(chunk_size=CHUNK)
    )
    return Annex(
        _("Annex B. Activities completed"),
        [
            Column(_("Identifier")),
            Column(_("Title")),
            Column(_("Lead division"), DIVISION),
            Column(_("Modality"), MODALITY),
            Column(_("Completed")),
            Column(_("Women trained"), INT),
            Column(_("Men trained"), INT),
            Column(_("Others trained"), INT),
            Column(_("Institutions supported"), INT),
            Column(_("Outputs"), TEXT),
            Column(_("Results"), TEXT),
        ],
        rows,
    )


def annexes(period: Period) -> list[Annex]:
    return [completed_requests(period), completed_activities(period)]
