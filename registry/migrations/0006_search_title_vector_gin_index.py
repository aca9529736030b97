from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX = GinIndex(fields=["search_title_vector"], name="activity_search_title_vector")


def create_index(apps, schema_editor):
    # PostgreSQL only, as activity_search_vector (0004): SQLite searches the plain document.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("registry", "Activity"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("registry", "Activity"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_search_title_vector")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="activity", index=INDEX)],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        )
    ]
