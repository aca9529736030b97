"""Demonstration data of the registry: the reference data (always), then its records.

Idempotent: organizations, solutions and sources are looked up by their natural keys and
activities by identifier; only what is missing is created, and what staff have edited since is
left alone.
"""

from .demo_data import ACTIVITY_ROWS, ASSISTANCE_SOURCES, ORGANIZATIONS, SOLUTIONS
from .importing import import_rows
from .models import (
    Activity,
    AssistanceSource,
    Country,
    Organization,
    RegionalOffice,
    Solution,
    SupportType,
    ThematicArea,
)
from .reference_data import load_reference_data


def seed_organizations() -> int:
    created = 0
    for name, acronym, kind, country, website, iati_ref, name_zh in ORGANIZATIONS:
        _organization, was_created = Organization.objects.get_or_create(
            name=name,
            defaults={
                "acronym": acronym,
                "kind": kind,
                "country_id": country,
                "website": website,
                "iati_ref": iati_ref,
                "name_zh": name_zh,
            },
        )
        created += was_created
    return created


def seed_activities() -> int:
    records = [(number, row, []) for number, row in enumerate(ACTIVITY_ROWS, start=2)]
    report = import_rows(records, actor=None, only_missing=True)
    if not report.ok:
        raise RuntimeError("; ".join(str(problem) for problem in report.problems))
    return len(report.created)


def seed_solutions() -> int:
    created = 0
    for (
        title,
        kind,
        provider,
        themes,
        support,
        countries,
        south_south,
        activity,
        description,
    ) in SOLUTIONS:
        solution, was_created = Solution.objects.get_or_create(
            title=title,
            provider=Organization.objects.get(name=provider),
            defaults={
                "kind": kind,
                "is_south_south": south_south,
                "description": description,
                "source_activity": Activity.objects.filter(identifier=activity).first(),
            },
        )
        if was_created:
            solution.thematic_areas.set(ThematicArea.objects.filter(code__in=themes.split()))
            solution.support_types.set(SupportType.objects.filter(code__in=support.split()))
            solution.countries.set(Country.objects.filter(code__in=countries.split()))
            created += 1
    return created


def seed_assistance_sources() -> int:
    created = 0
    for (
        name,
        provider,
        kind,
        themes,
        support,
        regions,
        website,
        description,
        eligibility,
        how_to_apply,
    ) in ASSISTANCE_SOURCES:
        source, was_created = AssistanceSource.objects.get_or_create(
            name=name,
            defaults={
                "provider": Organization.objects.get(name=provider),
                "kind": kind,
                "website": website,
                "description": description,
                "eligibility": eligibility,
                "how_to_apply": how_to_apply,
            },
        )
        if was_created:
            source.thematic_areas.set(ThematicArea.objects.filter(code__in=themes.split()))
            source.support_types.set(SupportType.objects.filter(code__in=support.split()))
            source.eligible_regional_offices.set(
                RegionalOffice.objects.filter(code__in=regions.split())
            )
            created += 1
    return created


def seed(log) -> None:
    load_reference_data()
    log("Reference data: up to date.")
    organizations = seed_organizations()
    activities = seed_activities()
    solutions = seed_solutions()
    sources = seed_assistance_sources()
    log(
        f"Registry: {organizations} organizations, {activities} activities, {solutions} "
        f"solutions and {sources} sources of assistance created; the others were already there."
    )
