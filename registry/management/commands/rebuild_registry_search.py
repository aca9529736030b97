"""``manage.py rebuild_registry_search``: rebuild every activity's stored search document."""

from django.core.management.base import BaseCommand

from registry.freshness import registry_changed
from registry.models import Activity
from registry.search import refresh_search_index


class Command(BaseCommand):
    help = "Rebuild the search document (and vector) of every activity, e.g. after renames."

    def handle(self, *args, **options):
        ids = list(Activity.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 200):
            refresh_search_index(ids[start : start + 200])
        registry_changed()
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} activities re-indexed."))
