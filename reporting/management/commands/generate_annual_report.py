"""``generate_annual_report --year YYYY`` (or ``--period-start D --period-end D``, optionally
``--regional-office CODE``): produce the report of a year or a period, here and now."""

from django.core.management.base import BaseCommand, CommandError

from bali_portal.broker import publish
from reporting import services
from reporting.tasks import generate_annual_report


class Command(BaseCommand):
    help = (
        "Produce the Executive Director's annual report on the Bali Strategic Plan for a year "
        "(PDF, XLSX annex and CSV of headline figures), recorded as a report run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the calendar year reported on")
        parser.add_argument("--period-start", help="or the first day of the period (YYYY-MM-DD)")
        parser.add_argument("--period-end", help="and its last day (YYYY-MM-DD)")
        parser.add_argument("--regional-office", help="one regional office's report (its code)")
        parser.add_argument(
            "--language", default=None, help="the report's language (default: the portal's)"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="hand the run to the Celery workers instead of producing it in this process",
        )

    def handle(self, *args, year, language, queue, **options):
        try:
            run = services.create_command_run(
                year=year,
                language=language,
                period_start=options["period_start"],
                period_end=options["period_end"],
                regional_office=options["regional_office"],
            )
        except services.ReportError as error:
            raise CommandError(
                "; ".join(f"{name}: {message}" for name, message in error.errors.items())
            ) from None
        if queue:
            if not publish(generate_annual_report, run.pk):
                self.stderr.write(
                    f"The task queue could not be reached: report run {run.pk} stays queued "
                    "and is queued again when its lease expires."
                )
            self.stdout.write(f"Report run {run.pk} for {run.period_label} is queued.")
            return
        try:
            run = services.produce_report(run.pk)
        except Exception as error:
            services.record_failure(run.pk, error, final=True)
            raise CommandError(f"Report run {run.pk} failed: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"Report run {run.pk} for {run.period_label} is done.")
        )
        for kind in ("pdf", "xlsx", "csv"):
            # The name in the media storage (MEDIA_ROOT, or the bucket with MEDIA_STORAGE=s3).
            self.stdout.write(f"  {kind}: {run.file_for(kind).name}")
