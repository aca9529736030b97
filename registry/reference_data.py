"""The reference data of the Bali Strategic Plan, as loaded by migrations and ``seed_demo``.

Codes and labels come from the plan (seed 000 §20, §33-36) and ``docs/requirements.md``.
Loading is an upsert by code, so running it again changes nothing and keeps staff's edits
to fields it does not set (such as a country's regional office once changed in the admin).
"""

import csv
from datetime import date
from pathlib import Path

from django.apps import apps as global_apps

DATA_DIR = Path(__file__).resolve().parent / "data"

REGIONAL_OFFICES = [
    ("ROA", "Regional Office for Africa", "非洲区域办事处"),
    ("ROAP", "Regional Office for Asia and the Pacific", "亚洲及太平洋区域办事处"),
    ("ROE", "Regional Office for Europe", "欧洲区域办事处"),
    ("ROLAC", "Regional Office for Latin America and the Caribbean", "拉丁美洲和加勒比区域办事处"),
    ("RONA", "Regional Office for North America", "北美洲区域办事处"),
    ("ROWA", "Regional Office for West Asia", "西亚区域办事处"),
]

DIVISIONS = [
    ("DEWA", "Division of Early Warning and Assessment", "预警和评估司"),
    ("DELC", "Division of Environmental Law and Conventions", "环境法和公约司"),
    ("DTIE", "Division of Technology, Industry and Economics", "技术、工业和经济司"),
    ("DEPI", "Division of Environmental Policy Implementation", "环境政策实施司"),
    ("DRC", "Division of Regional Cooperation", "区域合作司"),
    ("DCPI", "Division of Communications and Public Information", "通讯和新闻司"),
]

# §20(b), in the plan's order.
THEMATIC_AREAS = [
    (
        "T01",
        "Biodiversity, including biosafety and invasive species",
        "生物多样性，包括生物安全及入侵物种问题",
    ),
    ("T02", "Climate change", "气候变化问题"),
    ("T03", "Desertification, drought and land degradation", "荒漠化、干旱和土地退化问题"),
    ("T04", "Freshwater", "淡水资源问题"),
    ("T05", "Wetlands", "湿地养护问题"),
    (
        "T06",
        "Oceans, seas and coastal areas, including regional seas and land-based pollution",
        "大洋和海洋及沿海地区问题，其中包括区域海洋问题及保护海洋环境免受陆上活动影响",
    ),
    ("T07", "Chemicals", "化学品问题"),
    ("T08", "Waste management", "废物管理问题"),
    ("T09", "Pollution", "污染问题"),
    ("T10", "Health and environment", "健康与环境问题"),
    ("T11", "Trade and environment", "贸易与环境问题"),
    ("T12", "Renewable energy", "可再生能源问题"),
    (
        "T13",
        "Transboundary conservation and sustainable management of natural resources",
        "经与各有关国家共同商定，对自然资源实行越界养护和可持续管理",
    ),
    ("T14", "Environmental emergency preparedness and response", "环境紧急情况的防范和应对"),
    ("T15", "Taxonomy", "分类学"),
    ("T16", "Forests", "森林问题"),
    ("T17", "Post-conflict assessment", "冲突后评估"),
    ("T18", "Sanitation", "卫生"),
    ("T19", "Food security and environment", "粮食安全与环境"),
]

# §20(a), in the plan's order.
CROSS_CUTTING_ISSUES = [
    (
        "X01",
        "Strengthening national and regional environmental institutions (government "
        "agencies, judiciary, enforcement)",
        "增强国家和区域环境或与环境有关的部门和机构(政府机构、司法部门、执法机构等)",
    ),
    ("X02", "Development of national environmental law", "制定国家环境法"),
    (
        "X03",
        "Cooperation with civil society and the private sector",
        "增强与民间社会和私营部门之间的合作",
    ),
    (
        "X04",
        "Compliance with and implementation of multilateral environmental agreements",
        "为推动遵守和履行各项多边环境协定所订立的义务和履行各项环境承诺而提供援助",
    ),
    (
        "X05",
        "Environmental commitments in national sustainable development plans",
        "订立、整合和切实兑现国家可持续发展计划中的环境承诺",
    ),
    (
        "X06",
        "Poverty and environment, including poverty reduction strategies",
        "贫困与环境，其中包括实施减贫战略方案",
    ),
    (
        "X07",
        "National research, monitoring and assessment capacity, including early warning",
        "发展和建立国家研究、监测和评估能力，其中包括提供评估和预警方面的培训",
    ),
    (
        "X08",
        "Data collection, analysis and monitoring of environmental trends",
        "支持国家和区域机构开展数据收集、分析和环境发展趋势监测方面的工作",
    ),
    (
        "X09",
        "Access to scientific and technological information",
        "获取科学和技术信息，包括关于最新技术方面的信息",
    ),
    (
        "X10",
        "Access to environmentally sound technologies and know-how",
        "便利获得支持研制无害环境技术和相应的专门知识",
    ),
    (
        "X11",
        "Education and awareness, including university networks",
        "教育和宣传，包括与那些设有环境专才中心的大学联网",
    ),
    (
        "X12",
        "Sustainable consumption and production, including cleaner production centres",
        "促进采用可持续的消费和生产模式，包括向各清洁生产中心提供支持",
    ),
    (
        "X13",
        "Gender mainstreaming in environmental policy",
        "在环境政策囊括把性别问题作为主流事项纳入的战略",
    ),
]

MEAS = [
    ("CBD", "Convention on Biological Diversity", "生物多样性公约"),
    ("CARTAGENA", "Cartagena Protocol on Biosafety", "卡塔赫纳生物安全议定书"),
    (
        "NKL",
        "Nagoya – Kuala Lumpur Supplementary Protocol on Liability and Redress",
        "卡塔赫纳生物安全议定书关于赔偿责任和补救的名古屋-吉隆坡补充议定书",
    ),
    (
        "CITES",
        "Convention on International Trade in Endangered Species of Wild Fauna and Flora",
        "濒危野生动植物种国际贸易公约",
    ),
    (
        "CMS",
        "Convention on the Conservation of Migratory Species of Wild Animals",
        "保护野生动物迁徙物种公约",
    ),
    (
        "ITPGRFA",
        "International Treaty on Plant Genetic Resources for Food and Agriculture",
        "粮食和农业植物遗传资源国际条约",
    ),
    ("RAMSAR", "Ramsar Convention on Wetlands", "湿地公约"),
    ("WHC", "World Heritage Convention", "保护世界文化和自然遗产公约"),
    ("BASEL", "Basel Convention on hazardous wastes", "控制危险废物越境转移及其处置巴塞尔公约"),
    (
        "ROTTERDAM",
        "Rotterdam Convention on prior informed consent",
        "关于在国际贸易中对某些危险化学品和农药采用事先知情同意程序的鹿特丹公约",
    ),
    (
        "STOCKHOLM",
        "Stockholm Convention on Persistent Organic Pollutants",
        "关于持久性有机污染物的斯德哥尔摩公约",
    ),
    ("MINAMATA", "Minamata Convention on Mercury", "关于汞的水俣公约"),
    ("UNFCCC", "United Nations Framework Convention on Climate Change", "联合国气候变化框架公约"),
    ("UNCCD", "United Nations Convention to Combat Desertification", "联合国防治荒漠化公约"),
    ("VIENNA", "Vienna Convention for the Protection of the Ozone Layer", "保护臭氧层维也纳公约"),
    (
        "MONTREAL",
        "Montreal Protocol on Substances that Deplete the Ozone Layer",
        "关于消耗臭氧层物质的蒙特利尔议定书",
    ),
]

# Medium-term strategy 2010-2013.
SUBPROGRAMMES = [
    ("CC", "Climate change", "气候变化"),
    ("DC", "Disasters and conflicts", "灾害与冲突"),
    ("EM", "Ecosystem management", "生态系统管理"),
    ("EG", "Environmental governance", "环境治理"),
    ("HS", "Harmful substances and hazardous waste", "有害物质和危险废物"),
    (
        "RE",
        "Resource efficiency – sustainable consumption and production",
        "资源效率——可持续消费和生产",
    ),
]

# §33-36.
FUNDING_SOURCE_KINDS = [
    ("environment_fund", "Environment Fund", "环境基金"),
    ("gef", "Global Environment Facility", "全球环境基金"),
    ("extrabudgetary", "Extrabudgetary and trust funds", "预算外资金和信托基金"),
    ("bilateral", "Bilateral donors", "双边捐助方"),
    ("ppp", "Public-private partnerships", "公私伙伴关系"),
    ("in_kind", "In-kind contributions", "实物捐助"),
]

# §13, with what seed 001 adds (exchanges, fellowships, equipment).
SUPPORT_TYPES = [
    ("training", "Training", "培训"),
    ("advisory", "Advisory services", "咨询服务"),
    ("legal", "Legal and policy support", "法律和政策支持"),
    ("technology", "Technology support", "技术支持"),
    ("assessment", "Assessment and information for decision-making", "评估和决策信息"),
    ("institutional", "Institutional strengthening", "机构能力建设"),
    ("exchange", "Exchange of experts and best practice", "专家和最佳做法交流"),
    ("fellowship", "Fellowships", "研究金"),
    ("equipment", "Equipment", "设备"),
    ("awareness", "Awareness and education", "宣传和教育"),
    # Help to reach a source of assistance (seed 004 §2(b); exchange migration 0003).
    ("funding_access", "Access to funding", "获得资金"),
]


CODED_LISTS = {
    "RegionalOffice": REGIONAL_OFFICES,
    "Division": DIVISIONS,
    "ThematicArea": THEMATIC_AREAS,
    "CrossCuttingIssue": CROSS_CUTTING_ISSUES,
    "MEA": MEAS,
    "Subprogramme": SUBPROGRAMMES,
    "FundingSourceKind": FUNDING_SOURCE_KINDS,
    "SupportType": SUPPORT_TYPES,
}


# Regional and subregional ministerial forums, UN bodies and MEA secretariats that bring requests
# (plan §8, §14-15, §30, §31(g)): code, name, Chinese name, kind, regional office, members.
# Members are ISO codes, or ``office:ROA`` for every country a regional office serves.
FORUMS = [
    ("AMCEN", "African Ministerial Conference on the Environment", "非洲环境问题部长级会议",
     "regional_forum", "ROA", "office:ROA"),
    ("LACFORUM", "Forum of Ministers of Environment of Latin America and the Caribbean",
     "拉丁美洲和加勒比环境部长论坛", "regional_forum", "ROLAC", "office:ROLAC"),
    # The 22 member States of the League of Arab States.
    ("CAMRE", "Council of Arab Ministers Responsible for the Environment",
     "阿拉伯环境事务部长理事会", "regional_forum", "ROWA",
     "DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN PSE QAT SAU SOM SDN SYR TUN ARE YEM"),
    # The ASEAN member States; Timor-Leste joined on 26 October 2025.
    ("AMME", "ASEAN Ministerial Meeting on the Environment", "东盟环境部长会议",
     "subregional_forum", "ROAP", "BRN KHM IDN LAO MYS MMR PHL SGP THA VNM TLS"),
    # The Pacific island members that are UN member States, and the five metropolitan members;
    # SPREP's territories are not countries of this list.
    ("SPREP", "Secretariat of the Pacific Regional Environment Programme",
     "太平洋区域环境方案秘书处", "subregional_forum", "ROAP",
     "FJI FSM KIR MHL NRU PLW PNG WSM SLB TON TUV VUT AUS FRA NZL GBR USA"),
    # The 54 African member States of the Commission.
    ("UNECA", "United Nations Economic Commission for Africa", "联合国非洲经济委员会",
     "un_body", "ROA", "office:ROA"),
    # Its ten Contracting Parties.
    ("NAIROBI", "Secretariat of the Nairobi Convention (Western Indian Ocean)",
     "内罗毕公约（西印度洋）秘书处", "mea_secretariat", "ROA",
     "COM FRA KEN MDG MUS MOZ SYC SOM ZAF TZA"),
    # The five Caspian littoral States; UNEP administers the interim secretariat from Geneva.
    ("TEHRAN", "Secretariat of the Tehran Convention (Caspian Sea)", "德黑兰公约（里海）秘书处",
     "mea_secretariat", "ROE", "AZE IRN KAZ RUS TKM"),
]  # fmt: skip

# Where the classifications of registry/data/country_classification.csv come from (its header
# says more): a country loaded from it carries this source and date until the coordinator
# changes its classification.
CLASSIFICATION_SOURCE = (
    "World Economic Situation and Prospects 2024 (UN DESA) and the M49 standard (UNSD, list "
    "of least developed countries of 13 December 2024)"
)
CLASSIFICATION_DATE = date(2024, 12, 13)


def read_countries() -> list[dict[str, str]]:
    with open(DATA_DIR / "countries.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_classification() -> dict[str, dict]:
    """ISO code -> ``economy``, ``ldc``, ``lldc``, ``sids`` (the header's comments skipped)."""
    with open(DATA_DIR / "country_classification.csv", encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {
        row["iso3"]: {
            "economy": row["economy"],
            **{flag: row[flag] == "1" for flag in ("ldc", "lldc", "sids")},
        }
        for row in csv.DictReader(lines)
    }


def load_country_classification(apps) -> None:
    """Classify every country not classified yet, from the data file; a country already
    classified is the coordinator's to keep, so loading again changes nothing."""
    country_model = apps.get_model("registry", "Country")
    classification = read_classification()
    for country in country_model.objects.filter(classified_on__isnull=True):
        if country.code not in classification:
            continue  # added by staff, who classify it themselves
        values = _classified(classification[country.code])
        for name, value in values.items():
            setattr(country, name, value)
        country.save(update_fields=list(values))


def _classified(values: dict) -> dict:
    return {
        **values,
        "classification_source": CLASSIFICATION_SOURCE,
        "classified_on": CLASSIFICATION_DATE,
    }


def load_forums(apps) -> None:
    """Insert or rename each forum; its office and members are set on creation only (staff's
    to edit after that)."""
    forum_model = apps.get_model("registry", "Forum")
    country_model = apps.get_model("registry", "Country")
    for order, (code, name, name_zh, kind, office, members) in enumerate(FORUMS, start=1):
        forum, created = forum_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_zh": name_zh, "sort_order": order},
            create_defaults={
                "name": name, "name_zh": name_zh, "sort_order": order, "kind": kind,
                "regional_office_id": office,
            },
        )  # fmt: skip
        if created:
            forum.countries.set(_members(country_model, members))


def _members(country_model, members: str):
    if members.startswith("office:"):
        return country_model.objects.filter(regional_office_id=members.removeprefix("office:"))
    return country_model.objects.filter(code__in=members.split())


# The languages whose reference names are loaded here (English and Chinese come with each list).
TRANSLATED_LANGUAGES = ("fr", "es", "ru", "ar")


def read_reference_names() -> dict[tuple[str, str], dict[str, str]]:
    """(list, code) -> {"name_fr": ..., "name_es": ..., ...} from reference_names.csv."""
    with open(DATA_DIR / "reference_names.csv", encoding="utf-8", newline="") as handle:
        return {(row.pop("list"), row.pop("code")): row for row in csv.DictReader(handle)}


def read_un_country_names() -> dict[str, dict[str, str]]:
    """ISO alpha-3 -> names where the UN's official short name differs from the CLDR's."""
    with open(DATA_DIR / "country_un_names.csv", encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row.pop("iso3"): row for row in csv.DictReader(lines)}


def country_names() -> dict[str, dict[str, str]]:
    """ISO alpha-3 -> the country's name in each translated language: the Unicode CLDR's (as
    Babel ships it), except where the UN's official name differs (country_un_names.csv)."""
    from babel import Locale  # its locale data is large: read only when the lists are loaded

    with open(DATA_DIR / "country_alpha2.csv", encoding="utf-8", newline="") as handle:
        alpha2 = {row["iso3"]: row["iso2"] for row in csv.DictReader(handle)}
    territories = {
        language: Locale.parse(language).territories for language in TRANSLATED_LANGUAGES
    }
    official = read_un_country_names()
    names = {}
    for iso3, iso2 in alpha2.items():
        names[iso3] = {
            f"name_{language}": territories[language].get(iso2, "")
            for language in TRANSLATED_LANGUAGES
        }
        names[iso3].update({key: value for key, value in official.get(iso3, {}).items() if value})
    return names


def load_translated_names(apps) -> None:
    """Give every reference item its French, Spanish, Russian and Arabic names where it has
    none yet: a name already there is the coordinator's to keep, so loading again changes
    nothing."""
    translated = read_reference_names()
    for model_name in (*CODED_LISTS, "Forum"):
        model = apps.get_model("registry", model_name)
        for item in model.objects.all():
            _fill_names(item, translated.get((model_name, item.code), {}))
    countries = country_names()
    for country in apps.get_model("registry", "Country").objects.all():
        _fill_names(country, countries.get(country.code, {}))


def _fill_names(item, names: dict[str, str]) -> None:
    missing = {field: name for field, name in names.items() if name and not getattr(item, field)}
    if missing:
        for field, name in missing.items():
            setattr(item, field, name)
        item.save(update_fields=list(missing))


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def load_reference_data(apps=None) -> None:
    """Insert or refresh every reference item. ``apps`` is given by data migrations."""
    if apps is None:
        apps = global_apps
    for model_name, rows in CODED_LISTS.items():
        model = apps.get_model("registry", model_name)
        for order, (code, name, name_zh) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"name": name, "name_zh": name_zh, "sort_order": order}
            )
    country_model = apps.get_model("registry", "Country")
    # The migration that loads these rows (0002) runs before the classification's columns and
    # the forums' table exist; the migrations that add them load them.
    classification = read_classification() if _has_field(country_model, "classified_on") else None
    for row in read_countries():
        # The office and the classification are set on creation only: after that they are the
        # staff's to edit.
        defaults = {
            "name": row["name_en"],
            "name_zh": row["name_zh"],
            "regional_office_id": row["regional_office"],
        }
        if classification is not None:
            defaults.update(_classified(classification[row["iso3"]]))
        country, created = country_model.objects.get_or_create(code=row["iso3"], defaults=defaults)
        if not created and (country.name, country.name_zh) != (row["name_en"], row["name_zh"]):
            country.name, country.name_zh = row["name_en"], row["name_zh"]
            country.save(update_fields=["name", "name_zh"])
    try:
        apps.get_model("registry", "Forum")
    except LookupError:
        return
    load_forums(apps)
    # The migration that adds the translated names' columns loads them (0011).
    if _has_field(country_model, "name_fr"):
        load_translated_names(apps)
