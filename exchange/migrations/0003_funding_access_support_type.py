from django.db import migrations

# Seed 004 §2(b): a country may ask for help to reach a source of assistance; such a request
# is of this support type (registry.reference_data lists it for new databases).
CODE, NAME, NAME_ZH, ORDER = "funding_access", "Access to funding", "获得资金", 11


def add(apps, schema_editor):
    apps.get_model("registry", "SupportType").objects.update_or_create(
        code=CODE, defaults={"name": NAME, "name_zh": NAME_ZH, "sort_order": ORDER}
    )


def remove(apps, schema_editor):
    apps.get_model("registry", "SupportType").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_events_are_immutable"), ("registry", "0002_load_reference_data")]

    operations = [migrations.RunPython(add, remove)]
