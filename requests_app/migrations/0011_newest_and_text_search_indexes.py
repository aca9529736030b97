from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Concat, Upper

# requests_app.models.searched_text() as it is written at this migration.
SEARCHED_TEXT = Upper(
    Concat(
        "reference", models.Value(" "), "title", models.Value(" "), "description",
        output_field=models.TextField(),
    )
)  # fmt: skip
TRIGRAMS = GinIndex(OpClass(SEARCHED_TEXT, name="gin_trgm_ops"), name="request_text_trigrams")


class CreateTrigramExtensionOnPostgres(TrigramExtension):
    """``pg_trgm`` (it ships with PostgreSQL) on PostgreSQL; nothing on SQLite."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # the extension may serve others; it stays


def create_trigram_index(apps, schema_editor):
    # A trigram index exists only on PostgreSQL; SQLite searches the text as it is.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("requests_app", "Request"), TRIGRAMS)


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("requests_app", "Request"), TRIGRAMS)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0010_open_queue_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="request",
            index=models.Index(fields=["-created_at", "-id"], name="request_newest"),
        ),
        CreateTrigramExtensionOnPostgres(),
        # In the database only (PostgreSQL), not in the model state: SQLite rebuilds the table
        # from the state when a later migration adds a column, and cannot build this index.
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
