"""What a run is doing, in words, from the progress it records (``services._advance``).

The producer records a percentage at each step of the work: the figures take the first
``FIGURES_DONE`` points (one step per section), then the CSV, the XLSX annex and the PDF. The
page names the step the bar is in, so a reader knows what the wait is for.
"""

from django.utils.translation import gettext_lazy as _

from . import services
from .models import ReportRun


def step_of(run: ReportRun) -> str:
    if run.status == ReportRun.Status.QUEUED:
        return str(_("Waiting to start"))
    if run.progress < services.FIGURES_DONE:
        return str(_("Computing the figures, section by section"))
    if run.progress < services.CSV_DONE:
        return str(_("Writing the headline figures (CSV)"))
    if run.progress < services.XLSX_DONE:
        return str(_("Writing the annex (XLSX)"))
    if run.progress < services.PDF_DONE:
        return str(_("Writing the report (PDF)"))
    return str(_("Putting the files in place"))
