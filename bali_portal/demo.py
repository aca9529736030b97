"""Demonstration data: each app contributes a step, run in order by ``seed_demo``.

A step is a function ``seed(log)`` in the app's ``demo`` module. Every step must be idempotent
(look records up by a natural key, create only what is missing) so that running ``seed_demo``
twice changes nothing.
"""

from importlib import import_module

from django.db import transaction

DEMO_STEPS = [
    "registry.demo",
    "bali_portal.accounts.demo",
    "requests_app.demo",
    "designations.demo",
    "exchange.demo",
    "reporting.demo",
    "reporting.demo_history",
]


def run_demo_steps(log) -> None:
    for module_name in DEMO_STEPS:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # this app has no demonstration data yet
        with transaction.atomic():
            module.seed(log)
