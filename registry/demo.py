"""Demonstration data of the registry: the reference data (always), then its records."""

from .reference_data import load_reference_data


def seed(log) -> None:
    load_reference_data()
    log("Reference data: up to date.")
