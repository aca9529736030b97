from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX = GinIndex(fields=["search_vector"], name="activity_search_vector")


def create_index(apps, schema_editor):
    # A GIN index exists only on PostgreSQL; on SQLite the registry searches the plain
    # document instead, so the model state has the index and the SQLite database does not.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("registry", "Activity"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("registry", "Activity"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_activities")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="activity", index=INDEX)],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        )
    ]
