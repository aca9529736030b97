"""``manage.py import_activities FILE.csv [--dry-run]``: the registry's CSV import."""

from django.core.management.base import BaseCommand, CommandError

from bali_portal.accounts.models import User
from registry.importing import import_csv


class Command(BaseCommand):
    help = (
        "Import activities from a CSV file with the columns of the registry's CSV export. "
        "Every row is checked first; if any row is wrong nothing is saved. Rows are matched "
        "by identifier, so importing the same file again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file (UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, but save nothing"
        )
        parser.add_argument(
            "--as",
            dest="email",
            help="record the changes as made by this user (default: a system import)",
        )

    def handle(self, *args, **options):
        actor = None
        if options["email"]:
            try:
                actor = User.objects.get(email__iexact=options["email"])
            except User.DoesNotExist:
                raise CommandError(f"No user with the e-mail address {options['email']}.") from None
        try:
            with open(options["file"], "rb") as handle:
                report = import_csv(handle, actor=actor, dry_run=options["dry_run"])
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from None
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
