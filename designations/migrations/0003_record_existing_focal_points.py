from django.db import migrations
from django.utils import timezone


def record(apps, schema_editor):
    """Focal-point accounts that administrators created before designations existed keep
    acting: each gets an approved designation, recorded as ``create_portal_user`` records one
    (the government's letter is on file elsewhere), starting the day it joined."""
    User = apps.get_model("accounts", "User")
    Designation = apps.get_model("designations", "Designation")
    Event = apps.get_model("designations", "DesignationEvent")
    now = timezone.now()
    for account in User.objects.filter(role="focal_point", designations__isnull=True):
        designation = Designation.objects.create(
            country_id=account.country_id, full_name=account.full_name or account.email,
            email=account.email, starts_on=account.date_joined.date(), status="approved",
            account=account, nominated_at=now, decided_at=now,
        )  # fmt: skip
        Event.objects.create(
            designation=designation, action="approved", from_status="", to_status="approved",
            note="Recorded when designations were introduced.",
            payload={"recorded": True}, created_at=now,
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("designations", "0002_events_are_immutable"),
        ("accounts", "0003_forum_focal_point"),
    ]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
