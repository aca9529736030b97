"""The annual report pages, under ``/reports/``: the runs, one run's progress, its files.

Thin: who may see and start runs comes from ``selectors`` (anyone else gets a 404), every write
from ``services``. A running run's page refreshes itself with ``<meta http-equiv="refresh">``,
which needs no script and stays within the content security policy.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import document, progress, selectors, services
from .forms import RunForm
from .models import FILE_KINDS, ReportRun

PAGE_SIZE = 20
REFRESH_SECONDS = 2
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _require_reader(user) -> None:
    if not selectors.can_read_runs(user):
        raise Http404


def serve_file(run: ReportRun, kind: str) -> FileResponse:
    """A finished run's file, as a download. Only a done run has files to offer."""
    if kind not in FILE_KINDS or run.status != ReportRun.Status.DONE:
        raise Http404
    try:
        handle = run.file_for(kind).open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=services.download_name(run, kind),
        content_type=CONTENT_TYPES[kind],
    )


@login_required
def run_list(request):
    _require_reader(request.user)
    can_start = selectors.can_start_runs(request.user)
    language = get_language()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    form = RunForm(
        request.POST or None,
        initial={"year": timezone.now().year - 1, "language": language},
    )
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        if form.is_valid():
            try:
                run = services.start_report_run(
                    actor=request.user,
                    year=form.cleaned_data["year"],
                    language=form.cleaned_data["language"],
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    regional_office=getattr(form.cleaned_data["regional_office"], "pk", None),
                )
            except services.ReportError as error:
                for name, message in error.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(
                    request,
                    _("The report for %(year)s has been started.") % {"year": run.period_label},
                )
                return redirect("reporting:detail", pk=run.pk)
    page = Paginator(selectors.run_list_visible_to(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reporting/list.html",
        {
            "form": form if can_start else None,
            "page": page,
            "runs": page.object_list,
            "refresh": any(run.is_active for run in page.object_list),
            "refresh_seconds": REFRESH_SECONDS * 3,
            "starters": [] if can_start else selectors.run_starters(),
        },
    )


@login_required
def run_detail(request, pk: int):
    _require_reader(request.user)
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    return render(
        request,
        "reporting/detail.html",
        {
            "run": run,
            "headlines": document.headlines(run.snapshot) if run.is_done else [],
            "refresh": run.is_active,
            "refresh_seconds": REFRESH_SECONDS,
            "step": progress.step_of(run) if run.is_active else "",
            "files": [
                (kind, label, services.download_name(run, kind))
                for kind, label in (
                    ("pdf", _("The report (PDF)")),
                    ("xlsx", _("The annex (XLSX)")),
                    ("csv", _("Headline figures (CSV)")),
                )
            ]
            if run.is_done
            else [],
            "language_name": dict(settings.LANGUAGES).get(run.language, run.language),
        },
    )


@login_required
def run_download(request, pk: int, kind: str):
    _require_reader(request.user)
    run = get_object_or_404(selectors.runs_visible_to(request.user), pk=pk)
    return serve_file(run, kind)
