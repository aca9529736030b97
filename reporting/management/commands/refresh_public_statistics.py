from django.core.management.base import BaseCommand

from reporting import statistics
from reporting.models import PublicFigures


class Command(BaseCommand):
    help = (
        "Compute the public figures (/dashboard/, /api/v1/statistics/) now and store them, "
        "as the beat task does every five minutes."
    )

    def handle(self, *args, **options):
        if statistics.refresh_figures() is None:
            self.stdout.write("Another process is computing the public figures; nothing done.")
            return
        stored = PublicFigures.objects.get()
        self.stdout.write(
            f"Public figures as of {stored.computed_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"computed in {stored.compute_seconds:.2f} s."
        )
