"""The active items of each reference list (thematic areas, support types, countries...), as
each process keeps them between requests.

A request filed through the API names several lists' items by code; reading each list from
the database for every request cost more than storing the request. The lists change rarely,
and every save or deletion of an item says so (``registry.freshness``, through the signals
below, as the admin also does), which retires what every process keeps at its next lookup.
A change that bypasses the models (raw SQL, a queryset ``update()``) is seen within
``MAX_AGE_SECONDS``, as is a change rolled back after its own transaction read the list.
"""

import time
from dataclasses import dataclass

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from . import freshness
from .models import ReferenceItem

MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class ActiveItems:
    """One list's active items by code, read together."""

    by_code: dict[str, ReferenceItem]
    by_upper_code: dict[str, ReferenceItem]

    def find(self, code: str) -> ReferenceItem | None:
        """The item of this code, matched exactly, then ignoring case (``t09``, ``TRAINING``)."""
        return self.by_code.get(code) or self.by_upper_code.get(code.upper())


# model -> (registry version, monotonic time read, items); one process's copy.
_kept: dict[type[ReferenceItem], tuple[str, float, ActiveItems]] = {}


def active_items(model: type[ReferenceItem], version: str | None = None) -> ActiveItems:
    """The list's active items; ``version``: the registry's, if the caller has just read it."""
    version = version or freshness.registry_version()
    kept = _kept.get(model)
    if kept and kept[0] == version and time.monotonic() - kept[1] < MAX_AGE_SECONDS:
        return kept[2]
    # Read after the version: a change committed meanwhile has changed it again since
    # (``registry_changed`` changes it after the commit too), so what is kept here is retired.
    items = list(model.objects.active())
    found = ActiveItems(
        by_code={item.code: item for item in items},
        by_upper_code={item.code.upper(): item for item in items},
    )
    _kept[model] = (version, time.monotonic(), found)
    return found


def _reference_item_changed(sender, **kwargs):
    freshness.registry_changed()


def connect_signals() -> None:
    """Called by ``RegistryConfig.ready``: any reference item saved or deleted is a change."""
    for model in apps.get_app_config("registry").get_models():
        if issubclass(model, ReferenceItem):
            uid = f"registry-reference-changed-{model._meta.label_lower}"
            post_save.connect(_reference_item_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_reference_item_changed, sender=model, dispatch_uid=uid)
