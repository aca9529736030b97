"""The registry in the IATI activity standard, version 2.03 (``iati-activities`` XML).

IATI is the common format in which UN bodies, MEA secretariats and donors exchange activity
data (plan §27, §31(d); seed 001 §70). Code values are those of the IATI 2.03 codelists.

- The plan's thematic areas are sectors in a reporting-organisation vocabulary (99), and the
  cross-cutting issues in a second one (98); percentages of each vocabulary add up to 100.
- Recipient countries (ISO alpha-2) carry the activity's shares, normalized to add up to 100;
  an activity without countries names its regions (OECD DAC region codes) instead.
- Funding lines become budgets (one per funding year) and incoming commitments.
- South-South and triangular cooperation are tagged in the reporting organisation's
  vocabulary; triangular cooperation is also collaboration type 8.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from lxml import etree

from .codes import alpha2_of_country
from .models import (
    IDENTIFIER_LINK_KINDS,
    Activity,
    ActivityScope,
    ActivityStatus,
    LinkKind,
    Modality,
    Organization,
    PartnerRole,
)

VERSION = "2.03"
REPORTING_ORG_REF = "XM-DAC-41116"  # UNEP in the OECD DAC channel codes
REPORTING_ORG_TYPE = "40"  # Multilateral
REPORTING_ORG_NAME = "United Nations Environment Programme"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ACTIVITY_STATUS = {
    ActivityStatus.PIPELINE: "1",
    ActivityStatus.ONGOING: "2",
    ActivityStatus.COMPLETED: "3",
    ActivityStatus.CANCELLED: "5",
}
ACTIVITY_SCOPE = {
    ActivityScope.GLOBAL: "1",
    ActivityScope.REGIONAL: "2",
    ActivityScope.SUBREGIONAL: "3",
    ActivityScope.NATIONAL: "4",
}
# OrganisationRole: 1 Funding, 2 Accountable, 3 Extending, 4 Implementing. IATI has no role
# for a beneficiary institution; it takes part in carrying the activity out.
ORGANISATION_ROLE = {
    PartnerRole.FUNDING: "1",
    PartnerRole.IMPLEMENTING: "4",
    PartnerRole.TECHNICAL: "4",
    PartnerRole.BENEFICIARY: "4",
}
ORGANISATION_TYPE = {
    Organization.Kind.GOVERNMENT: "10",
    Organization.Kind.UN_BODY: "40",
    Organization.Kind.MEA_SECRETARIAT: "40",
    Organization.Kind.FINANCIAL_INSTITUTION: "40",
    Organization.Kind.INTERGOVERNMENTAL: "40",
    Organization.Kind.REGIONAL_CENTRE: "80",
    Organization.Kind.NGO: "21",
    Organization.Kind.UNIVERSITY: "80",
    Organization.Kind.PRIVATE_SECTOR: "70",
}
# Regional offices as OECD DAC regions (Region codelist), for activities without countries.
DAC_REGION = {
    "ROA": "298",  # Africa, regional
    "ROAP": "798",  # Asia, regional
    "ROE": "89",  # Europe, regional
    "ROLAC": "498",  # America, regional
    "RONA": "389",  # North & Central America, regional
    "ROWA": "589",  # Middle East, regional
}
DEVELOPING_COUNTRIES_UNSPECIFIED = "998"
TRIANGULAR_COOPERATION = "8"  # CollaborationType
INCOMING_COMMITMENT = "11"  # TransactionType
MODALITY_TAG = {
    Modality.SOUTH_SOUTH: "South-South cooperation",
    Modality.TRIANGULAR: "Triangular cooperation",
}


def iati_identifier(activity: Activity) -> str:
    return f"{REPORTING_ORG_REF}-{activity.identifier}"


def split_percentages(weights: list[Decimal | None]) -> list[Decimal]:
    """Percentages (two decimals) proportional to ``weights`` that add up to exactly 100.

    Missing weights share what the given ones leave; if none is given, all share equally.
    """
    count = len(weights)
    if not count:
        return []
    given = [weight for weight in weights if weight is not None]
    if not given or sum(given) == 0:
        weights = [Decimal(1)] * count
    else:
        known = sum(given)
        missing = count - len(given)
        rest = max(Decimal(100) - known, Decimal(0))
        fill = rest / missing if missing else Decimal(0)
        weights = [weight if weight is not None else fill for weight in weights]
    total = sum(weights)
    cent = Decimal("0.01")
    shares = [(Decimal(100) * weight / total).quantize(cent, ROUND_HALF_UP) for weight in weights]
    # Rounding leftovers go to the largest share, so the sum is exactly 100.00.
    largest = max(range(count), key=lambda index: shares[index])
    shares[largest] += Decimal(100) - sum(shares)
    return shares


def _narrative(parent, text: str, lang: str | None = None):
    element = etree.SubElement(parent, "narrative")
    element.text = text
    if lang:
        element.set(XML_LANG, lang)
    return element


def _text_element(parent, tag: str, english: str, chinese: str = "", **attributes):
    element = etree.SubElement(parent, tag, **attributes)
    _narrative(element, english)
    if chinese:
        _narrative(element, chinese, "zh")
    return element


def _organisation(parent, tag: str, organization: Organization | None, **attributes):
    element = etree.SubElement(parent, tag, **attributes)
    if organization is not None:
        if organization.iati_ref:
            element.set("ref", organization.iati_ref)
        element.set("type", ORGANISATION_TYPE.get(organization.kind, "90"))
        _narrative(element, organization.name)
    return element


def _value(parent, tag: str, amount: Decimal, currency: str, value_date: date):
    element = etree.SubElement(
        parent, tag, currency=currency, **{"value-date": value_date.isoformat()}
    )
    element.text = f"{amount:.2f}"
    return element


def activity_element(activity: Activity, base_url: str = "") -> etree._Element:
    """One ``iati-activity`` from an activity loaded ``with_everything()``."""
    root = etree.Element(
        "iati-activity",
        **{
            "last-updated-datetime": activity.updated_at.isoformat(timespec="seconds"),
            "default-currency": "USD",
            "hierarchy": "2" if activity.parent_id else "1",
        },
    )
    root.set(XML_LANG, "en")
    etree.SubElement(root, "iati-identifier").text = iati_identifier(activity)
    reporting = etree.SubElement(
        root, "reporting-org", ref=REPORTING_ORG_REF, type=REPORTING_ORG_TYPE
    )
    _narrative(reporting, REPORTING_ORG_NAME)
    _text_element(root, "title", activity.title, activity.title_zh)
    # Description type 1 is the general description, 2 the objectives.
    _text_element(
        root, "description", activity.description or activity.objectives or activity.title, type="1"
    )
    if activity.objectives and activity.description:
        _text_element(root, "description", activity.objectives, type="2")

    accountable = etree.SubElement(
        root, "participating-org", ref=REPORTING_ORG_REF, type=REPORTING_ORG_TYPE, role="2"
    )
    _narrative(accountable, REPORTING_ORG_NAME)
    for partnership in activity.partnerships.all():
        _organisation(
            root,
            "participating-org",
            partnership.organization,
            role=ORGANISATION_ROLE[partnership.role],
        )

    etree.SubElement(root, "other-identifier", ref=activity.identifier, type="A1")
    for link in activity.links.all():
        if link.kind in (LinkKind.GEF, LinkKind.OTHER_IDENTIFIER) and link.identifier:
            etree.SubElement(root, "other-identifier", ref=link.identifier, type="A9")

    etree.SubElement(root, "activity-status", code=ACTIVITY_STATUS[activity.status])
    for date_type, value in (
        ("1", activity.planned_start),
        ("2", activity.actual_start),
        ("3", activity.planned_end),
        ("4", activity.actual_end),
    ):
        if value:
            etree.SubElement(
                root, "activity-date", type=date_type, **{"iso-date": value.isoformat()}
            )
    etree.SubElement(root, "activity-scope", code=ACTIVITY_SCOPE[activity.scope])

    countries = list(activity.activity_countries.all())
    alpha2 = alpha2_of_country()
    if countries:
        for row, share in zip(
            countries, split_percentages([row.share_percent for row in countries]), strict=True
        ):
            element = etree.SubElement(
                root, "recipient-country", code=alpha2[row.country_id], percentage=f"{share}"
            )
            _narrative(element, row.country.name)
    else:
        regions = [DAC_REGION[office.code] for office in activity.regional_offices.all()]
        regions = list(dict.fromkeys(regions)) or [DEVELOPING_COUNTRIES_UNSPECIFIED]
        for code, share in zip(regions, split_percentages([None] * len(regions)), strict=True):
            etree.SubElement(
                root, "recipient-region", code=code, vocabulary="1", percentage=f"{share}"
            )

    for vocabulary, uri, items in (
        ("99", f"{base_url}/api/v1/reference/thematic-areas/", activity.thematic_areas.all()),
        (
            "98",
            f"{base_url}/api/v1/reference/cross-cutting-issues/",
            activity.cross_cutting_issues.all(),
        ),
    ):
        items = list(items)
        for item, share in zip(items, split_percentages([None] * len(items)), strict=True):
            sector = etree.SubElement(
                root,
                "sector",
                vocabulary=vocabulary,
                code=item.code,
                percentage=f"{share}",
                **{"vocabulary-uri": uri},
            )
            _narrative(sector, item.name)
            if item.name_zh:
                _narrative(sector, item.name_zh, "zh")

    if activity.modality in MODALITY_TAG:
        tag = etree.SubElement(
            root,
            "tag",
            vocabulary="99",
            code=activity.modality,
            **{"vocabulary-uri": f"{base_url}/registry/?modality={activity.modality}"},
        )
        _narrative(tag, MODALITY_TAG[activity.modality])
    if activity.modality == Modality.TRIANGULAR:
        etree.SubElement(root, "collaboration-type", code=TRIANGULAR_COOPERATION)

    fallback_date = activity.start_date or timezone.now().date()
    by_year: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for line in activity.funding_lines.all():
        if line.year:
            by_year[(line.year, line.currency)] += line.amount
    for (year, currency), amount in sorted(by_year.items()):
        budget = etree.SubElement(root, "budget", type="1", status="2")
        etree.SubElement(budget, "period-start", **{"iso-date": date(year, 1, 1).isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": date(year, 12, 31).isoformat()})
        _value(budget, "value", amount, currency, date(year, 1, 1))
    for line in activity.funding_lines.all():
        when = date(line.year, 1, 1) if line.year else fallback_date
        transaction = etree.SubElement(root, "transaction")
        etree.SubElement(transaction, "transaction-type", code=INCOMING_COMMITMENT)
        etree.SubElement(transaction, "transaction-date", **{"iso-date": when.isoformat()})
        _value(transaction, "value", line.amount, line.currency, when)
        _organisation(transaction, "provider-org", line.funder)

    page = etree.SubElement(
        root, "document-link", url=f"{base_url}{activity.get_absolute_url()}", format="text/html"
    )
    _text_element(page, "title", activity.title)
    etree.SubElement(page, "category", code="A12")
    for link in activity.links.all():
        if link.kind in IDENTIFIER_LINK_KINDS or not link.url:
            continue
        document = etree.SubElement(
            root,
            "document-link",
            url=link.url,
            format="text/html" if link.kind == LinkKind.WEB_PAGE else "application/octet-stream",
        )
        _text_element(document, "title", link.label or link.url)
        etree.SubElement(
            document, "category", code="A12" if link.kind == LinkKind.WEB_PAGE else "A08"
        )

    if activity.parent_id:
        etree.SubElement(root, "related-activity", ref=iati_identifier(activity.parent), type="1")
    for child in activity.children.all():
        etree.SubElement(root, "related-activity", ref=iati_identifier(child), type="2")
    for link in activity.links.all():
        if link.kind == LinkKind.IATI and link.identifier:
            etree.SubElement(root, "related-activity", ref=link.identifier, type="5")

    _results(root, activity)
    return root


def _results(root, activity: Activity) -> None:
    """Outputs as IATI results: people trained (by gender), institutions supported."""
    year = (activity.end_date or activity.start_date or timezone.now().date()).year
    indicators = []
    for label, value in (
        ("Women trained", activity.people_trained_female),
        ("Men trained", activity.people_trained_male),
        ("Others trained, or gender not recorded", activity.people_trained_other),
        ("Institutions supported", activity.institutions_supported),
    ):
        if value is not None:
            indicators.append((label, value))
    if not indicators and not activity.outputs:
        return
    result = etree.SubElement(root, "result", type="1", **{"aggregation-status": "1"})
    _text_element(result, "title", "Outputs")
    if activity.outputs:
        _text_element(result, "description", activity.outputs)
    if not indicators:
        indicator = etree.SubElement(result, "indicator", measure="5")
        _text_element(indicator, "title", "Outputs delivered (qualitative)")
        return
    for label, value in indicators:
        indicator = etree.SubElement(result, "indicator", measure="1", ascending="1")
        _text_element(indicator, "title", label)
        period = etree.SubElement(indicator, "period")
        etree.SubElement(period, "period-start", **{"iso-date": date(year, 1, 1).isoformat()})
        etree.SubElement(period, "period-end", **{"iso-date": date(year, 12, 31).isoformat()})
        etree.SubElement(period, "actual", value=str(value))


def iati_document(activities: Iterable[Activity], base_url: str = "") -> Iterator[bytes]:
    """The ``iati-activities`` file, one activity at a time (for a streaming response)."""
    generated = timezone.now().isoformat(timespec="seconds")
    yield (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + f'<iati-activities version="{VERSION}" generated-datetime="{generated}">\n'.encode()
    )
    for activity in activities:
        yield etree.tostring(activity_element(activity, base_url), encoding="utf-8") + b"\n"
    yield b"</iati-activities>\n"
