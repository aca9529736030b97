"""The table of the shared cache when there is no Redis (settings: ``CACHES["shared"]``).

Created in every deployment, Redis or not, so that ``migrate`` is all a deployment needs
whichever it runs with; ``createcachetable`` would make the same table.
"""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_table(apps, schema_editor):
    # The command's own table, made as the command would; nothing if it is there already.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.SHARED_CACHE_TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.SHARED_CACHE_TABLE)}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_table, drop_table),
    ]
