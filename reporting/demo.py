"""Demonstration data for the annual report: registry activities of the demonstration years.

The registry's own demonstration records are the activities of 2008-2012 described in seed 001;
the demonstration requests are of 2025-2026. So that every section of the report on those years
has content (funding by source, funder and division; South-South and triangular cooperation;
results of activities), this step adds a few activities of 2025-2026 with their funding, in
countries and themes the demonstration requests come from.

Idempotent: an activity is looked up by its identifier and created only if missing; funders are
looked up by name. Produces no report run (``generate_annual_report --year 2025`` does).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from registry.models import (
    Activity,
    ActivityCountry,
    ActivityScope,
    ActivityStatus,
    Division,
    FundingLine,
    Modality,
    Organization,
)
from registry.search import refresh_search_index

FUNDERS = {
    "GEF": ("Global Environment Facility", "financial_institution"),
    "UNEP": ("United Nations Environment Programme", "un_body"),
    "EU": ("European Union", "intergovernmental"),
    "Norway": ("Government of Norway", "government"),
    "Japan": ("Government of Japan", "government"),
    "MOST": ("Ministry of Science and Technology of China", "government"),
}

# identifier, title, Chinese title, status, modality, lead division, countries, themes,
# (start, end), (women, men, others, institutions), outputs, results,
# [(funder, source kind, amount, currency, year, amount in US$)]
ACTIVITIES = [
    (
        "BSP-2025-EA-EWS",
        "Regional training on early warning for floods and droughts in East Africa",
        "东非洪水和干旱预警区域培训",
        ActivityStatus.COMPLETED,
        Modality.SOUTH_SOUTH,
        "DEWA",
        "KEN UGA TZA ETH",
        "T03 T14",
        (date(2025, 2, 3), date(2025, 9, 30)),
        (42, 38, 0, 9),
        "Four national early-warning bulletins; a regional training manual.",
        "Meteorological services of four countries now issue joint drought outlooks.",
        [
            ("GEF", "gef", "250000", "USD", 2025, None),
            ("UNEP", "environment_fund", "60000", "USD", 2025, None),
        ],
    ),
    (
        "BSP-2025-SA-CP",
        "Network of cleaner production centres in South and South-East Asia",
        "南亚和东南亚清洁生产中心网络",
        ActivityStatus.ONGOING,
        Modality.TRIANGULAR,
        "DTIE",
        "IND BGD VNM IDN",
        "T08 T09",
        (date(2025, 3, 1), None),
        (None, None, None, None),
        "",
        "",
        [
            ("EU", "extrabudgetary", "120000", "EUR", 2025, "130400"),
            ("MOST", "bilateral", "500000", "CNY", 2025, None),
        ],
    ),
    (
        "BSP-2025-LAC-LAW",
        "Environmental law enforcement training for judges and prosecutors",
        "法官和检察官环境执法培训",
        ActivityStatus.COMPLETED,
        Modality.SOUTH_SOUTH,
        "DELC",
        "BRA PER COL",
        "T13 T16",
        (date(2025, 4, 7), date(2025, 11, 28)),
        (25, 31, 0, 6),
        "A bench book on environmental crime; three national workshops.",
        "Courts in three countries adopted the bench book; judges asked for a second module.",
        [
            ("Norway", "bilateral", "80000", "USD", 2025, None),
            ("UNEP", "environment_fund", "15000", "USD", 2025, None),
        ],
    ),
    (
        "BSP-2025-WA-MERCURY",
        "Mercury inventories under the Minamata Convention in West Asia",
        "西亚根据《水俣公约》开展汞清单编制",
        ActivityStatus.COMPLETED,
        Modality.MULTILATERAL,
        "DTIE",
        "JOR LBN OMN",
        "T07 T09",
        (date(2025, 1, 15), date(2025, 12, 12)),
        (14, 19, 1, 5),
        "Three national mercury inventories.",
        "Inventories submitted to the Minamata secretariat on time.",
        [
            ("GEF", "gef", "180000", "USD", 2025, None),
            ("Japan", "in_kind", "20000", "USD", 2025, None),
        ],
    ),
    (
        "BSP-2026-AF-WATER",
        "Freshwater quality monitoring with West African universities",
        "与西非大学合作开展淡水水质监测",
        ActivityStatus.ONGOING,
        Modality.SOUTH_SOUTH,
        "DEPI",
        "NGA GHA SEN",
        "T04",
        (date(2026, 1, 12), None),
        (None, None, None, None),
        "",
        "",
        [
            ("UNEP", "environment_fund", "45000", "USD", 2026, None),
            ("EU", "extrabudgetary", "90000", "EUR", 2026, "97200"),
        ],
    ),
]


def _funder(key: str) -> Organization:
    name, kind = FUNDERS[key]
    acronym = key if key not in ("Norway", "Japan") else ""
    return Organization.objects.get_or_create(
        name=name, defaults={"acronym": acronym, "kind": kind}
    )[0]


@transaction.atomic
def seed(log) -> None:
    created = []
    for identifier, title, title_zh, status, modality, division, countries, themes, (start, end), (
        women,
        men,
        others,
        institutions,
    ), outputs, results, funding in ACTIVITIES:
        if Activity.objects.filter(identifier=identifier).exists():
            continue
        activity = Activity.objects.create(
            identifier=identifier,
            title=title,
            title_zh=title_zh,
            status=status,
            modality=modality,
            scope=ActivityScope.SUBREGIONAL,
            lead_division=Division.objects.get(code=division),
            actual_start=start,
            actual_end=end,
            people_trained_female=women,
            people_trained_male=men,
            people_trained_other=others,
            institutions_supported=institutions,
            outputs=outputs,
            results_narrative=results,
            is_published=True,
        )
        ActivityCountry.objects.bulk_create(
            ActivityCountry(activity=activity, country_id=code) for code in countries.split()
        )
        activity.thematic_areas.set(themes.split())
        FundingLine.objects.bulk_create(
            FundingLine(
                activity=activity,
                funder=_funder(funder),
                source_kind_id=kind,
                amount=Decimal(amount),
                currency=currency,
                year=year,
                amount_usd=Decimal(usd) if usd else None,
            )
            for funder, kind, amount, currency, year, usd in funding
        )
        created.append(activity.pk)
    refresh_search_index(created)  # so that the registry's search finds them
    log(f"Annual report: {len(created)} activities of 2025-2026 added to the registry.")
