from django.core.management.base import BaseCommand, CommandError

from bali_portal.accounts.models import Role
from bali_portal.accounts.services import PortalUserError, create_portal_user


class Command(BaseCommand):
    help = "Create a portal user with a role and the scope that role needs."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--country", help="ISO alpha-3 code, for focal points")
        parser.add_argument("--regional-office", help="ROA, ROAP, ROE, ROLAC, RONA or ROWA")
        parser.add_argument("--division", help="DEWA, DELC, DTIE, DEPI, DRC or DCPI")
        parser.add_argument(
            "--forum", help="a forum's code (AMCEN, CAMRE...), for forum focal points"
        )
        parser.add_argument(
            "--organization", help="a regional centre's number, acronym or name (regional_centre)"
        )
        parser.add_argument("--password", help="omit to create the user without a password")
        parser.add_argument("--full-name", default="")

    def handle(self, *args, **options):
        try:
            user = create_portal_user(
                email=options["email"],
                role=options["role"],
                password=options["password"],
                full_name=options["full_name"],
                country=options["country"],
                regional_office=options["regional_office"],
                division=options["division"],
                forum=options["forum"],
                organization=options["organization"],
            )
        except PortalUserError as exc:
            raise CommandError(str(exc)) from None
        scope = f" ({user.scope_label})" if user.scope_label else ""
        self.stdout.write(self.style.SUCCESS(f"Created {user.email}: {user.role}{scope}"))
