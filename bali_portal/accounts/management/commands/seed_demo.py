from django.core.management.base import BaseCommand

from bali_portal.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from bali_portal.demo import run_demo_steps
from reporting import statistics


class Command(BaseCommand):
    help = "Load the demonstration data (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins", action="store_true", help="print the demo users' logins at the end"
        )

    def handle(self, *args, **options):
        run_demo_steps(lambda line: self.stdout.write(line))
        # The dashboard's figures include what was just loaded, without waiting for beat
        # (and are left as they are when nothing changed: seeding twice changes nothing).
        statistics.refresh_figures(keep_if_unchanged=True)
        if options["print_logins"]:
            self.stdout.write(
                self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            )
            for email, role, scope, _name in DEMO_USERS:
                self.stdout.write(f"  {role:<17} {scope or '':<8} {email}")
