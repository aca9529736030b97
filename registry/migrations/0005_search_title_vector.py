"""The heading's own search vector, filled from the stored records on PostgreSQL."""

import django.contrib.postgres.search
from django.db import migrations

# As registry.search.store_search_document builds it: identifier, title and Chinese title.
FILL = """
    UPDATE registry_activity
    SET search_title_vector = to_tsvector('english', concat_ws(' ', identifier, title, title_zh))
"""


def fill(apps, schema_editor):
    # SQLite has no vectors: it searches the plain document (registry.search).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_search_vector_gin_index")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="search_title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
