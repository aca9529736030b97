"""Generate the benchmark data set on PostgreSQL, fast, with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bali_bench \
        .venv/bin/python bench/generate.py --scale small|large [--seed 7]

It empties the portal's tables of people, requests and the registry's records (never the
reference data loaded by the migrations), then writes:

- users: two focal points per country, four staff per regional office and per division, two
  coordinators, one Governing Council member — all with ``common.BENCH_PASSWORD``;
- organizations; activities with countries, regional offices, themes, cross-cutting issues,
  MEAs, support types, partners, funding lines, links, and a stored search document and vector;
- requests created over ``years`` years, more from some regions and countries (a Zipf-like
  tail) and some themes, each walked through the lifecycle of ``requests_app.workflow`` with
  log-normal delays (long tails of handling times) until "now": old requests are finished,
  recent ones open, some drafts abandoned. Every event is written as the services would
  (action, from, to, actor, time), with the request's clocks (``sla.py``) kept to match;
  about 1 in 500 requests carries a 20-event timeline (comments). Every state appears.

Table and column names come from the models' ``_meta``, so the generator follows the models;
a new NOT NULL field without a default is reported instead of guessed.

Loading: rows are spooled to TSV files, then each table is truncated and filled with
``COPY ... FREEZE`` in one transaction with foreign-key triggers off (the generator writes
consistent ids) and the plain (non-unique) indexes dropped and rebuilt afterwards.
"""

import argparse
import bisect
import json
import math
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_PASSWORD, SCALES, setup_django

DAY = 86400.0

# --- Text ------------------------------------------------------------------------------------

WORDS = [
    "water",
    "biodiversity",
    "climate",
    "adaptation",
    "mitigation",
    "coastal",
    "marine",
    "forest",
    "wetland",
    "soil",
    "drought",
    "desertification",
    "chemicals",
    "mercury",
    "waste",
    "plastic",
    "pollution",
    "air",
    "quality",
    "health",
    "energy",
    "renewable",
    "solar",
    "wind",
    "efficiency",
    "transport",
    "urban",
    "cities",
    "green",
    "economy",
    "finance",
    "policy",
    "law",
    "legislation",
    "enforcement",
    "compliance",
    "monitoring",
    "assessment",
    "data",
    "indicators",
    "reporting",
    "inventory",
    "emissions",
    "ozone",
    "montreal",
    "basel",
    "rotterdam",
    "stockholm",
    "minamata",
    "ramsar",
    "cites",
    "species",
    "invasive",
    "biosafety",
    "taxonomy",
    "ecosystem",
    "restoration",
    "mangrove",
    "coral",
    "reef",
    "fisheries",
    "ocean",
    "sea",
    "river",
    "basin",
    "groundwater",
    "sanitation",
    "hazardous",
    "electronic",
    "recycling",
    "circular",
    "consumption",
    "production",
    "procurement",
    "tourism",
    "agriculture",
    "pesticides",
    "fertilizer",
    "land",
    "degradation",
    "early",
    "warning",
    "disaster",
    "risk",
    "resilience",
    "vulnerability",
    "community",
    "gender",
    "youth",
    "indigenous",
    "knowledge",
    "education",
    "awareness",
    "training",
    "workshop",
    "institutional",
    "capacity",
    "national",
    "strategy",
    "action",
    "plan",
    "framework",
    "guidelines",
    "toolkit",
    "methodology",
    "technology",
    "transfer",
    "innovation",
    "research",
    "university",
    "network",
    "south",
    "cooperation",
    "triangular",
    "regional",
    "subregional",
    "transboundary",
    "mountain",
    "island",
    "small",
    "developing",
    "states",
    "arid",
    "drylands",
    "lakes",
    "glaciers",
    "heat",
    "health",
    "vector",
    "disease",
    "sustainable",
    "management",
    "protected",
    "areas",
    "wildlife",
    "trafficking",
    "customs",
    "border",
    "officers",
    "judges",
    "prosecutors",
    "parliamentarians",
    "accounting",
    "valuation",
    "natural",
    "capital",
    "payment",
    "services",
    "mapping",
    "satellite",
    "remote",
    "sensing",
]

VERBS = [
    "Strengthening",
    "Building",
    "Developing",
    "Supporting",
    "Improving",
    "Establishing",
    "Enhancing",
    "Assessing",
    "Implementing",
    "Mainstreaming",
    "Scaling",
    "Reviewing",
    "Designing",
    "Piloting",
]


def sentence(rng, n_min, n_max):
    n = rng.randint(n_min, n_max)
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraph(rng, sentences_min, sentences_max):
    return " ".join(sentence(rng, 8, 16) for _ in range(rng.randint(sentences_min, sentences_max)))


class TextPool:
    """Pre-made sentences and titles, drawn with one random number each (for speed)."""

    def __init__(self, rng, size=20_000):
        self.random = rng.random
        self.sentences = [sentence(rng, 5, 18) for _ in range(size)]
        self.titles = [title_text(rng) for _ in range(size)]
        self.size = size

    def sentence(self):
        return self.sentences[int(self.random() * self.size)]

    def paragraph(self, n):
        pool, size, random_ = self.sentences, self.size, self.random
        return " ".join([pool[int(random_() * size)] for _ in range(n)])

    def title(self):
        return self.titles[int(self.random() * self.size)]


def title_text(rng):
    return f"{rng.choice(VERBS)} {' '.join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))}"


# --- TSV spools ---------------------------------------------------------------------------


def _tsv(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _tsv(json.dumps(value)) if value else ("{}" if isinstance(value, dict) else "[]")
    return str(value)


def _str(value) -> str:
    if value is None:
        return "\\N"
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return _tsv(value)
    return value


def _iso(value) -> str:
    return "\\N" if value is None else value.isoformat()


def _plain(value) -> str:
    return "\\N" if value is None else str(value)


_TEXT_TYPES = {"CharField", "TextField", "EmailField", "URLField", "SlugField", "FileField"}
_ISO_TYPES = {"DateTimeField", "DateField"}
_PLAIN_TYPES = {
    "AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField", "DecimalField",
}  # fmt: skip


def formatter(field):
    """The TSV formatter of a field's values (generic for anything unusual)."""
    kind = field.get_internal_type()
    if field.is_relation:
        target = field.target_field.get_internal_type()
        return _plain if target in _PLAIN_TYPES else _str if target in _TEXT_TYPES else _tsv
    if kind in _TEXT_TYPES:
        return _str
    if kind in _ISO_TYPES:
        return _iso
    if kind in _PLAIN_TYPES:
        return _plain
    return _tsv


class MissingColumnError(Exception):
    pass


class Table:
    """A model's table: its columns (from ``_meta``) and a TSV spool of rows for COPY."""

    def __init__(self, model, directory: Path, now: datetime, suffix="", omit_id=False):
        from django.db.models import NOT_PROVIDED

        self.model = model
        self.name = model._meta.db_table
        # omit_id: the database numbers the rows (nothing generated refers to their ids).
        self.fields = [
            f for f in model._meta.concrete_fields if not (omit_id and f is model._meta.pk)
        ]
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        # What a row gets for a field the generator does not set: its default, NULL, "" or now.
        self.fallback = {}
        for f in self.fields:
            if f.has_default():
                default = f.default() if callable(f.default) else f.default
                self.fallback[f.attname] = (
                    f.get_prep_value(default) if not isinstance(default, dict | list) else default
                )
            elif f.null:
                self.fallback[f.attname] = None
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.fallback[f.attname] = now
            elif f.blank and f.get_internal_type() in ("CharField", "TextField", "EmailField",
                                                       "URLField", "SlugField"):  # fmt: skip
                self.fallback[f.attname] = ""
            else:
                self.fallback[f.attname] = NOT_PROVIDED
        self._not_provided = NOT_PROVIDED
        self.plan = [
            (f.attname, formatter(f), None if self.fallback[f.attname] is NOT_PROVIDED
             else _tsv(self.fallback[f.attname]))
            for f in self.fields
        ]  # fmt: skip
        self.path = directory / f"{self.name}{suffix}.tsv"
        self.file = open(self.path, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
        self.rows = 0
        self._checked = False

    def add(self, values: dict) -> None:
        if not self._checked:
            missing = [
                name
                for name in self.attnames
                if name not in values and self.fallback[name] is self._not_provided
            ]
            if missing:
                raise MissingColumnError(
                    f"{self.name}: the generator sets no value for {missing} (NOT NULL, no default)"
                )
            self._checked = True
        self.file.write(
            "\t".join([
                fmt(values[name]) if name in values else constant
                for name, fmt, constant in self.plan
            ]) + "\n"
        )  # fmt: skip
        self.rows += 1

    def writer(self, attnames):
        """A fast path: a function taking values for ``attnames`` in that order (others get
        their fallback, formatted once)."""
        missing = [
            name for name in self.attnames
            if name not in attnames and self.fallback[name] is self._not_provided
        ]  # fmt: skip
        if missing:
            raise MissingColumnError(
                f"{self.name}: the generator sets no value for {missing} (NOT NULL, no default)"
            )
        position = {name: i for i, name in enumerate(attnames)}
        plan = [
            (position[name], fmt, None) if name in position else (None, None, constant)
            for name, fmt, constant in self.plan
        ]
        write = self.file.write

        def add(*values):
            write("\t".join([
                fmt(values[i]) if i is not None else constant for i, fmt, constant in plan
            ]) + "\n")  # fmt: skip
            self.rows += 1

        return add

    def close(self):
        self.file.close()


class Through:
    """An M2M through table (two id columns, plus its own id)."""

    def __init__(self, model, field_name: str, directory: Path, suffix=""):
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        self.model = through
        self.name = through._meta.db_table
        # The id is left to the database's identity column.
        self.columns = [field.m2m_column_name(), field.m2m_reverse_name()]
        self.path = directory / f"{self.name}{suffix}.tsv"
        self.file = open(self.path, "w", encoding="utf-8", buffering=1 << 20)  # noqa: SIM115
        self.rows = 0

    def add(self, left, right) -> None:
        self.rows += 1
        self.file.write(f"{left}\t{right}\n")

    def close(self):
        self.file.close()


# --- Distributions -------------------------------------------------------------------------

REGION_WEIGHTS = {"ROA": 0.31, "ROAP": 0.27, "ROLAC": 0.18, "ROWA": 0.10, "ROE": 0.11, "RONA": 0.03}


def zipf_weights(n, s=0.9, floor=0.02):
    return [1.0 / (rank**s) + floor for rank in range(1, n + 1)]


def cumulative(weights):
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def pick(rng, items, cum):
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


def pick_some(rng, items, cum, n):
    chosen = []
    guard = 0
    while len(chosen) < n and guard < 20:
        item = pick(rng, items, cum)
        if item not in chosen:
            chosen.append(item)
        guard += 1
    return chosen


def lognormal_days(rng, median_days, sigma):
    return rng.lognormvariate(math.log(median_days), sigma) * DAY


# Delays (median days, sigma) of each step: long tails come from the log-normal.
DELAYS = {
    "submit": (2.0, 1.2),
    "acknowledge": (3.0, 1.0),
    "decide": (9.0, 1.0),
    "answer": (6.0, 1.0),
    "accept": (7.0, 0.9),
    "complete": (120.0, 0.9),
    "close": (14.0, 1.2),
    "evaluate": (25.0, 1.0),
    "withdraw": (10.0, 1.0),
    "comment": (3.0, 1.2),
}

ALL_STATES = [
    "draft", "submitted", "under_review", "info_requested", "routed", "in_progress",
    "completed", "closed", "declined", "referred", "withdrawn",
]  # fmt: skip

# Which actions lead to each target state from the start (for the requests forced to a state).
FORCED_PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "under_review": ["submit", "acknowledge"],
    "info_requested": ["submit", "acknowledge", "request_info"],
    "routed": ["submit", "acknowledge", "route"],
    "in_progress": ["submit", "acknowledge", "route", "accept"],
    "completed": ["submit", "acknowledge", "route", "accept", "complete"],
    "closed": ["submit", "acknowledge", "route", "accept", "complete", "close"],
    "declined": ["submit", "acknowledge", "decline"],
    "referred": ["submit", "acknowledge", "refer"],
    "withdrawn": ["submit", "withdraw"],
}
TO_STATE = {
    "submit": "submitted", "acknowledge": "under_review", "request_info": "info_requested",
    "route": "routed", "accept": "in_progress", "complete": "completed", "close": "closed",
    "decline": "declined", "refer": "referred", "withdraw": "withdrawn", "return": "under_review",
}  # fmt: skip
STEP_DELAY = {
    "submit": "submit", "acknowledge": "acknowledge", "request_info": "decide", "route": "decide",
    "decline": "decide", "refer": "decide", "withdraw": "withdraw", "return": "accept",
    "accept": "accept", "complete": "complete", "close": "close", "provide_info": "answer",
}  # fmt: skip
CLOCK_OF_STATE = {"submitted": "acknowledge", "under_review": "decision", "routed": "acceptance"}
DECLINE_REASONS = [
    "outside_mandate", "insufficient_information", "duplicate", "supported_elsewhere",
    "no_resources",
]  # fmt: skip


def choose_next(rng, state, asked_info, returned):
    """The next action of an unforced walk, or None to stay (an abandoned draft)."""
    r = rng.random()
    if state == "draft":
        return "submit" if r < 0.97 else None
    if state == "submitted":
        return "acknowledge" if r < 0.96 else "withdraw"
    if state == "under_review":
        if not asked_info and r < 0.12:
            return "request_info"
        r = rng.random()
        if r < 0.80:
            return "route"
        if r < 0.90:
            return "decline"
        if r < 0.96:
            return "refer"
        return "withdraw"
    if state == "info_requested":
        return "provide_info" if r < 0.88 else "withdraw"
    if state == "routed":
        if not returned and r < 0.03:
            return "return"
        if not asked_info and r < 0.07:
            return "request_info"
        return "accept"
    if state == "in_progress":
        return "complete"
    if state == "completed":
        return "close" if r < 0.9 else None
    return None


# --- The generator -------------------------------------------------------------------------


class Generator:
    def __init__(self, scale: dict, seed: int, now: datetime, directory: Path, log=print):
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = now
        self.now_ts = now.timestamp()
        self.dir = directory
        self.log = log
        self.seed = seed
        self.tables = {}
        self.suffix = ""
        self.spools = []  # (table, columns, path, rows) in load order

    # -- plumbing

    # Rows nothing generated refers to by id: numbered by the database.
    NUMBERED_BY_DATABASE = {
        "requests_app.RequestEvent", "requests_app.Evaluation", "registry.Partnership",
        "registry.FundingLine", "registry.ActivityLink", "registry.ActivityCountry",
        "requests_app.ReferenceCounter",
    }  # fmt: skip

    def table(self, model):
        key = model._meta.label
        if key not in self.tables:
            self.tables[key] = Table(model, self.dir, self.now, self.suffix,
                                     omit_id=key in self.NUMBERED_BY_DATABASE)  # fmt: skip
        return self.tables[key]

    def through(self, model, field_name):
        key = f"{model._meta.label}.{field_name}"
        if key not in self.tables:
            self.tables[key] = Through(model, field_name, self.dir, self.suffix)
        return self.tables[key]

    def dt(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, UTC)

    # -- reference data (loaded by the migrations; read, never written)

    def load_reference(self):
        from registry import models as r

        self.offices = list(
            r.RegionalOffice.objects.order_by("code").values_list("code", flat=True)
        )
        self.divisions = list(r.Division.objects.order_by("code").values_list("code", flat=True))
        countries = list(r.Country.objects.order_by("code").values_list(
            "code", "name", "regional_office_id"))  # fmt: skip
        self.country_name = {code: name for code, name, _ in countries}
        self.country_office = {code: office for code, _, office in countries}
        self.countries_by_office = {}
        for code, _, office in countries:
            self.countries_by_office.setdefault(office, []).append(code)
        self.countries = [code for code, _, _ in countries]
        self.themes = list(r.ThematicArea.objects.order_by("sort_order", "code").values_list(
            "code", flat=True))  # fmt: skip
        self.theme_name = dict(r.ThematicArea.objects.values_list("code", "name"))
        self.cross_cutting = list(r.CrossCuttingIssue.objects.order_by("code").values_list(
            "code", flat=True))  # fmt: skip
        self.meas = list(r.MEA.objects.order_by("code").values_list("code", flat=True))
        self.support_types = list(r.SupportType.objects.order_by("sort_order", "code").values_list(
            "code", flat=True))  # fmt: skip
        self.subprogrammes = list(r.Subprogramme.objects.order_by("code").values_list(
            "code", flat=True))  # fmt: skip
        self.funding_kinds = list(r.FundingSourceKind.objects.order_by("code").values_list(
            "code", flat=True))  # fmt: skip
        if not (self.offices and self.divisions and self.countries and self.themes):
            raise SystemExit("Reference data is missing: run the migrations first.")

        # Requests: more from some regions, and within a region a long tail of countries.
        rng = random.Random(11)
        weights = []
        ordered = []
        for office in self.offices:
            members = list(self.countries_by_office.get(office, []))
            rng.shuffle(members)
            region_weight = REGION_WEIGHTS.get(office, 0.05)
            zw = zipf_weights(len(members))
            total = sum(zw)
            for code, w in zip(members, zw, strict=True):
                ordered.append(code)
                weights.append(region_weight * w / total)
        self.request_countries = ordered
        self.request_country_cum = cumulative(weights)
        self.theme_cum = cumulative(zipf_weights(len(self.themes), 0.8, 0.05))
        self.support_cum = cumulative(zipf_weights(len(self.support_types), 0.8, 0.05))
        self.cc_cum = cumulative(zipf_weights(len(self.cross_cutting), 0.7, 0.05))
        self.mea_cum = cumulative(zipf_weights(len(self.meas), 0.7, 0.05))
        self.country_cum_uniform = cumulative([1.0] * len(self.countries))

    # -- users

    def designations(self):
        """Each focal point acts under an approved designation, recorded when it was created."""
        from designations.models import Designation, Status

        table = self.table(Designation)
        since = self.now - timedelta(days=7300)
        for code, accounts in self.focal_points.items():
            for account in accounts:
                table.add({
                    "id": account, "country_id": code, "full_name": self.user_emails[account],
                    "email": self.user_emails[account], "letter": "", "letter_size": 0,
                    "starts_on": since.date(), "status": Status.APPROVED, "account_id": account,
                    "nominated_at": since, "decided_at": since,
                })  # fmt: skip

    def users(self):
        from django.contrib.auth.hashers import make_password

        from bali_portal.accounts.models import User

        table = self.table(User)
        password = make_password(BENCH_PASSWORD)
        self.user_id = 0
        self.focal_points = {}
        self.office_staff = {}
        self.division_staff = {}
        self.user_emails = {}

        def add(email, role, **scope):
            self.user_id += 1
            table.add({
                "id": self.user_id, "password": password, "last_login": None,
                "is_superuser": False, "email": email, "full_name": email.split("@")[0],
                "role": role, "country_id": scope.get("country"),
                "regional_office_id": scope.get("office"), "division_id": scope.get("division"),
                "language": "en", "is_active": True, "is_staff": False,
                "date_joined": self.now - timedelta(days=7300),
            })  # fmt: skip
            self.user_emails[self.user_id] = email
            return self.user_id

        for code in self.countries:
            self.focal_points[code] = [
                add(f"fp{n}.{code.lower()}@bench.example", "focal_point", country=code)
                for n in (1, 2)
            ]
        self.designations()
        for office in self.offices:
            self.office_staff[office] = [
                add(f"staff{n}.{office.lower()}@bench.example", "regional_staff", office=office)
                for n in (1, 2, 3, 4)
            ]
        for division in self.divisions:
            self.division_staff[division] = [
                add(
                    f"staff{n}.{division.lower()}@bench.example",
                    "division_staff",
                    division=division,
                )
                for n in (1, 2, 3, 4)
            ]
        self.coordinators = [add(f"coordinator{n}@bench.example", "coordinator") for n in (1, 2)]
        self.council = [add("council1@bench.example", "council")]

    # -- organizations

    def organizations(self):
        from registry.models import Organization

        table = self.table(Organization)
        rng = self.rng
        kinds = [choice for choice, _ in Organization.Kind.choices]
        n = self.scale["organizations"]
        self.organization_names = {}
        for i in range(1, n + 1):
            words = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(2, 4)))
            kind = rng.choice(kinds)
            name = f"{words} {kind.replace('_', ' ').title()} {i}"
            acronym = "".join(part[0] for part in name.split()[:4]).upper() + str(i)
            self.organization_names[i] = name
            table.add({
                "id": i, "name": name, "name_zh": "", "acronym": acronym[:40], "kind": kind,
                "country_id": rng.choice(self.countries) if rng.random() < 0.8 else None,
                "website": f"https://org{i}.example.org" if rng.random() < 0.5 else "",
                "description": sentence(rng, 10, 25), "iati_ref": "",
            })  # fmt: skip
        self.n_orgs = n

    # -- activities

    def activities(self):
        from registry import models as r

        rng = self.rng
        n = self.scale["activities"]
        years = self.scale["years"]
        activity = self.table(r.Activity)
        countries = self.table(r.ActivityCountry)
        partnerships = self.table(r.Partnership)
        funding = self.table(r.FundingLine)
        links = self.table(r.ActivityLink)
        offices = self.through(r.Activity, "regional_offices")
        themes = self.through(r.Activity, "thematic_areas")
        cross = self.through(r.Activity, "cross_cutting_issues")
        meas = self.through(r.Activity, "meas")
        supports = self.through(r.Activity, "support_types")
        statuses = ["completed"] * 55 + ["ongoing"] * 30 + ["pipeline"] * 12 + ["cancelled"] * 3
        modalities = ["north_south"] * 35 + ["south_south"] * 30 + ["triangular"] * 15 + [
            "multilateral"] * 20  # fmt: skip
        scopes = ["national"] * 60 + ["subregional"] * 20 + ["regional"] * 15 + ["global"] * 5
        roles = ["implementing", "funding", "technical", "beneficiary"]
        currencies = ["USD"] * 6 + ["EUR", "GBP", "JPY", "CHF"]
        partnership_id = funding_id = link_id = country_row_id = 0
        start_ts = self.now_ts - years * 365.25 * DAY
        office_cum = cumulative([REGION_WEIGHTS.get(o, 0.05) for o in self.offices])
        for i in range(1, n + 1):
            office = pick(rng, self.offices, office_cum)
            modality = rng.choice(modalities)
            members = self.countries_by_office.get(office) or self.countries
            chosen_countries = rng.sample(members, min(len(members), rng.choice([1, 1, 1, 2, 3])))
            chosen_themes = pick_some(rng, self.themes, self.theme_cum, rng.choice([1, 1, 2, 3]))
            chosen_cc = pick_some(rng, self.cross_cutting, self.cc_cum, rng.choice([0, 1, 1, 2]))
            chosen_meas = pick_some(rng, self.meas, self.mea_cum, rng.choice([0, 0, 1, 2]))
            chosen_support = pick_some(rng, self.support_types, self.support_cum,
                                       rng.choice([1, 1, 2]))  # fmt: skip
            division = rng.choice(self.divisions)
            status = rng.choice(statuses)
            start = start_ts + rng.random() * (self.now_ts - start_ts)
            planned_start = self.dt(start).date()
            planned_end = planned_start + timedelta(days=rng.randint(90, 1500))
            actual_start = planned_start if status in ("ongoing", "completed") else None
            actual_end = planned_end if status == "completed" else None
            title = title_text(rng)
            description = paragraph(rng, 2, 5)
            objectives = sentence(rng, 10, 20)
            outputs = sentence(rng, 6, 14) if status == "completed" else ""
            female = rng.randint(0, 400) if status == "completed" else None
            male = rng.randint(0, 400) if status == "completed" else None
            n_partners = rng.choice([1, 1, 2, 2, 3, 4])
            partner_names = []
            seen = set()
            for _ in range(n_partners):
                org = rng.randint(1, self.n_orgs)
                role = rng.choice(roles)
                if (org, role) in seen:
                    continue
                seen.add((org, role))
                partnership_id += 1
                partnerships.add({"id": partnership_id, "activity_id": i, "organization_id": org,
                                  "role": role})  # fmt: skip
                partner_names.append(self.organization_names[org])
            for _ in range(rng.choice([1, 1, 2, 3])):
                funding_id += 1
                funder = rng.randint(1, self.n_orgs)
                currency = rng.choice(currencies)
                amount = Decimal(rng.randint(5_000, 5_000_000))
                funding.add({
                    "id": funding_id, "activity_id": i, "funder_id": funder,
                    "source_kind_id": rng.choice(self.funding_kinds), "amount": amount,
                    "currency": currency, "year": planned_start.year,
                    "amount_usd": amount if currency == "USD" else None,
                })  # fmt: skip
                partner_names.append(self.organization_names[funder])
            if rng.random() < 0.3:
                link_id += 1
                links.add({"id": link_id, "activity_id": i, "kind": "web_page",
                           "url": f"https://activities.example.org/{i}", "identifier": "",
                           "label": "Project page"})  # fmt: skip
            share = None if len(chosen_countries) == 1 else Decimal(100 // len(chosen_countries))
            for code in chosen_countries:
                country_row_id += 1
                countries.add({"id": country_row_id, "activity_id": i, "country_id": code,
                               "share_percent": share})  # fmt: skip
            offices.add(i, office)
            for code in chosen_themes:
                themes.add(i, code)
            for code in chosen_cc:
                cross.add(i, code)
            for code in chosen_meas:
                meas.add(i, code)
            for code in chosen_support:
                supports.add(i, code)
            identifier = f"BENCH-{i:07d}"
            heading = f"{identifier} {title}"
            body = " ".join([
                objectives, description, outputs, modality, status, division,
                " ".join(self.country_name[c] + " " + c for c in chosen_countries),
                " ".join(self.theme_name[c] for c in chosen_themes), " ".join(partner_names),
            ])  # fmt: skip
            created = self.dt(start)
            activity.add({
                "id": i, "identifier": identifier, "title": title, "title_zh": "",
                "objectives": objectives, "description": description, "status": status,
                "planned_start": planned_start, "planned_end": planned_end,
                "actual_start": actual_start, "actual_end": actual_end, "parent_id": None,
                "phase": "", "lead_division_id": division,
                "subprogramme_id": rng.choice(self.subprogrammes) if self.subprogrammes
                and rng.random() < 0.7 else None,
                "scope": rng.choice(scopes), "modality": modality,
                "people_trained_female": female, "people_trained_male": male,
                "people_trained_other": None,
                "institutions_supported": rng.randint(0, 30) if status == "completed" else None,
                "outputs": outputs, "results_narrative": "",
                "is_published": rng.random() < 0.92, "created_at": created,
                "updated_at": created, "created_by_id": None, "updated_by_id": None,
                "search_document": f"{heading} {body}".casefold(), "search_vector": None,
            })  # fmt: skip
        self.n_activities = n

    # -- requests and their events

    def plan_requests(self):
        """When each request was created, for which country, its reference: decided up front
        (cheap), so that the walks can run in parallel processes."""
        from requests_app import models as m

        rng = self.rng
        n = self.scale["requests"]
        years = self.scale["years"]
        # Creation times: mild growth over the years (the last year is partial: up to now).
        span = years * 365.25 * DAY
        start_ts = self.now_ts - span
        times = []
        for _ in range(n):
            # density growing linearly from 0.8 to 1.2 across the span
            u = rng.random()
            a, b = 0.8, 1.2
            x = (-a + math.sqrt(a * a + (b * b - a * a) * u)) / (b - a)
            times.append(start_ts + x * span)
        times.sort()
        # Requests forced to each state, recent, so that every state is present at any scale.
        forced = {}
        n_forced_each = max(3, min(30, n // 2000))
        recent_slots = list(range(n - 1, max(-1, n - 1 - 40 * n_forced_each), -1))
        for k, index in enumerate(recent_slots[: n_forced_each * len(ALL_STATES)]):
            forced[index] = ALL_STATES[k % len(ALL_STATES)]
            times[index] = min(times[index], self.now_ts - 40 * DAY)
        counters = {}
        countries = []
        references = []
        for index in range(n):
            country = pick(rng, self.request_countries, self.request_country_cum)
            year = self.dt(times[index]).year
            counters[(country, year)] = number = counters.get((country, year), 0) + 1
            countries.append(country)
            references.append(f"{country}-{year}-{number:04d}")
        counter_table = self.table(m.ReferenceCounter)
        for (country, year), last in sorted(counters.items()):
            counter_table.add({"country_id": country, "year": year, "last_number": last})
        self.plan = {"times": times, "countries": countries, "references": references,
                     "forced": forced}  # fmt: skip

    def requests(self, start, end):
        from requests_app import models as m

        rng = self.rng
        text = TextPool(rng, size=5_000 if end - start < 100_000 else 20_000)
        times = self.plan["times"]
        plan_countries = self.plan["countries"]
        references = self.plan["references"]
        forced = self.plan["forced"]
        request_table = self.table(m.Request)
        event_table = self.table(m.RequestEvent)
        add_event = event_table.writer([
            "id", "request_id", "actor_id", "action", "from_state", "to_state", "note",
            "payload", "created_at",
        ])  # fmt: skip
        evaluation_table = self.table(m.Evaluation)
        themes = self.through(m.Request, "thematic_areas")
        cross = self.through(m.Request, "cross_cutting_issues")
        meas = self.through(m.Request, "meas")
        supports = self.through(m.Request, "support_types")
        subregional = self.through(m.Request, "covered_countries")
        supporting = self.through(m.Request, "supporting_divisions")
        from registry.models import Activity

        activity_requests = self.through(Activity, "requests")

        # About 1 in 500 requests gets a 20-event timeline (the detail page's benchmark).
        long_every = 500
        event_id = 0
        evaluation_id = 0
        levels = {"acknowledge": 5, "decision": 20, "acceptance": 15}
        state_counts = {}
        for index in range(start, end):
            request_id = index + 1
            target = forced.get(index)
            long_timeline = index % long_every == 7
            country = plan_countries[index]
            office = self.country_office[country]
            t0 = times[index]
            created = self.dt(t0)
            reference = references[index]
            focal = rng.choice(self.focal_points[country])
            staff = rng.choice(self.office_staff[office])

            r = {
                "id": request_id, "reference": reference, "country_id": country,
                "regional_office_id": office, "state": "draft", "created_by_id": focal,
                "created_at": created, "title": text.title(),
                "description": text.paragraph(rng.randint(1, 3)),
                "national_priorities": text.sentence(),
                "scope": "national", "desired_start": (created + timedelta(days=90)).date(),
                "duration_months": rng.choice([3, 6, 6, 12, 12, 18, 24, 36]),
                "beneficiaries": text.sentence(), "gender_considerations":
                text.sentence() if rng.random() < 0.6 else "",
                "south_south_interest": rng.choice(["none", "none", "south_south", "triangular"]),
                "other_support": "", "estimated_budget_usd":
                Decimal(rng.randint(10, 2000) * 1000) if rng.random() < 0.7 else None,
                "co_financing": "", "assignee_id": None, "lead_division_id": None,
                "state_before_info": "", "decline_reason": "", "referred_to_id": None,
                "merged_into_id": None, "response_plan": "", "people_trained_female": None,
                "people_trained_male": None, "people_trained_other": None,
                "institutions_supported": None, "outputs": "", "cost_usd": None, "lessons": "",
                "submitted_at": None, "acknowledged_at": None, "decided_at": None,
                "routed_at": None, "accepted_at": None, "completed_at": None, "closed_at": None,
                "info_requested_at": None, "paused_seconds": 0, "acknowledge_due_at": None,
                "decision_due_at": None, "acceptance_due_at": None, "due_at": None,
                "escalate_at": None, "draft_input": {},
            }  # fmt: skip
            for code in pick_some(rng, self.themes, self.theme_cum, rng.choice([1, 1, 2, 2, 3])):
                themes.add(request_id, code)
            for code in pick_some(rng, self.support_types, self.support_cum, rng.choice([1, 2])):
                supports.add(request_id, code)
            for code in pick_some(rng, self.cross_cutting, self.cc_cum, rng.choice([0, 1, 2])):
                cross.add(request_id, code)
            for code in pick_some(rng, self.meas, self.mea_cum, rng.choice([0, 0, 1])):
                meas.add(request_id, code)
            if rng.random() < 0.12:
                r["scope"] = "subregional"
                neighbours = [c for c in self.countries_by_office[office] if c != country]
                for code in rng.sample(neighbours, min(len(neighbours), rng.randint(1, 3))):
                    subregional.add(request_id, code)
            elif rng.random() < 0.05:
                r["scope"] = "regional"

            # Walk the lifecycle.
            events = [("create", "", "draft", t0, focal, "", {})]
            state = "draft"
            t = t0
            asked_info = returned = False
            division = None
            division_actor = None
            supporting_now = []
            forced_path = list(FORCED_PATHS[target]) if target is not None else None
            while True:
                if forced_path is not None:
                    if not forced_path:
                        break
                    action = forced_path.pop(0)
                else:
                    action = choose_next(rng, state, asked_info, returned)
                    if action is None:
                        break
                median, sigma = DELAYS[STEP_DELAY[action]]
                delay = lognormal_days(rng, median, sigma)
                if forced_path is not None:
                    delay = min(delay, 4 * DAY)
                t_next = t + delay
                if t_next > self.now_ts:
                    break
                t = t_next
                note = ""
                payload = {}
                actor = staff
                from_state = state
                when = self.dt(t)
                if action == "submit":
                    actor = focal
                    r["submitted_at"] = when
                    r["acknowledge_due_at"] = when + timedelta(days=levels["acknowledge"])
                    r["decision_due_at"] = when + timedelta(days=levels["decision"])
                elif action == "acknowledge":
                    r["assignee_id"] = staff
                    r["acknowledged_at"] = when
                    payload = {"assignee": staff, "assignee_name": self.user_emails[staff]}
                elif action == "request_info":
                    asked_info = True
                    if state == "routed":
                        actor = division_actor
                    r["state_before_info"] = state
                    r["info_requested_at"] = when
                    note = text.sentence()
                elif action == "provide_info":
                    actor = focal
                    waited = when - r["info_requested_at"]
                    r["paused_seconds"] += int(waited.total_seconds())
                    clock = CLOCK_OF_STATE.get(r["state_before_info"])
                    if clock and r[f"{clock}_due_at"]:
                        r[f"{clock}_due_at"] += waited
                    r["info_requested_at"] = None
                    note = text.sentence()
                elif action == "route":
                    division = rng.choice(self.divisions)
                    division_actor = rng.choice(self.division_staff[division])
                    r["lead_division_id"] = division
                    others = []
                    if rng.random() < 0.3:
                        others = [rng.choice([d for d in self.divisions if d != division])]
                    supporting_now = others  # route replaces the supporting divisions
                    r["decided_at"] = r["decided_at"] or when
                    r["routed_at"] = when
                    r["acceptance_due_at"] = when + timedelta(days=levels["acceptance"])
                    payload = {"lead_division": division, "supporting_divisions": others}
                elif action == "decline":
                    reason = rng.choice(DECLINE_REASONS)
                    r["decline_reason"] = reason
                    r["decided_at"] = when
                    note = text.sentence()
                    payload = {"reason": reason}
                elif action == "refer":
                    org = rng.randint(1, self.n_orgs)
                    r["referred_to_id"] = org
                    r["decided_at"] = when
                    note = text.sentence()
                    payload = {"organization": org,
                               "organization_name": self.organization_names[org]}  # fmt: skip
                elif action == "withdraw":
                    actor = focal
                    note = text.sentence()
                elif action == "return":
                    returned = True
                    actor = division_actor
                    note = text.sentence()
                elif action == "accept":
                    actor = division_actor
                    r["accepted_at"] = when
                    r["response_plan"] = text.paragraph(rng.randint(1, 2))
                    if rng.random() < 0.3:
                        activity_requests.add(rng.randint(1, self.n_activities), request_id)
                elif action == "complete":
                    actor = division_actor
                    r["completed_at"] = when
                    r["people_trained_female"] = rng.randint(0, 120)
                    r["people_trained_male"] = rng.randint(0, 120)
                    r["people_trained_other"] = rng.randint(0, 5)
                    r["outputs"] = text.sentence()
                    r["cost_usd"] = Decimal(rng.randint(5, 900) * 1000)
                    r["lessons"] = text.sentence()
                elif action == "close":
                    r["closed_at"] = when
                if action == "provide_info":
                    state = r["state_before_info"]
                    r["state_before_info"] = ""
                else:
                    state = TO_STATE[action]
                clock = CLOCK_OF_STATE.get(state)
                due = r[f"{clock}_due_at"] if clock else None
                r["due_at"] = due
                r["escalate_at"] = due + timedelta(days=levels[clock]) if due else None
                events.append((action, from_state, state, t, actor, note, payload))
                # Now and then a comment between steps.
                if state != "draft" and rng.random() < 0.12:
                    tc = t + lognormal_days(rng, *DELAYS["comment"]) * 0.2
                    if tc < self.now_ts:
                        events.append(("comment", state, state, tc, rng.choice(
                            [focal, staff]), text.sentence(), {}))  # fmt: skip
                        t = tc
            # Evaluation of completed work, by the focal point.
            if state in ("completed", "closed") and rng.random() < 0.35:
                te = r["completed_at"].timestamp() + lognormal_days(rng, *DELAYS["evaluate"])
                if te < self.now_ts:
                    rating = rng.choice([3, 4, 4, 5, 5, 2, 1])
                    evaluation_id += 1
                    evaluation_table.add({
                        "id": evaluation_id, "request_id": request_id, "rating": rating,
                        "capacity_retained": rng.choice([True, True, False, None]),
                        "comments": text.sentence(), "evaluated_by_id": focal,
                        "evaluated_at": self.dt(te),
                    })  # fmt: skip
                    events.append(("evaluate", state, state, te, focal, "", {"rating": rating}))
            # The detail page's benchmark: a long history of comments.
            if long_timeline and state != "draft":
                last = max(e[3] for e in events)
                while len(events) < 20:
                    last = min(self.now_ts - 1, last + rng.random() * DAY)
                    events.append(("comment", state, state, last, rng.choice([focal, staff]),
                                   text.sentence(), {}))  # fmt: skip
            for code in supporting_now:
                supporting.add(request_id, code)
            events.sort(key=lambda e: e[3])
            for action, from_state, to_state, when_ts, actor, note, payload in events:
                event_id += 1
                add_event(event_id, request_id, actor, action, from_state, to_state, note,
                          payload, self.dt(when_ts))  # fmt: skip
            r["state"] = state
            r["updated_at"] = self.dt(events[-1][3])
            if state == "info_requested" and not r["info_requested_at"]:
                r["info_requested_at"] = self.dt(t)
            request_table.add(r)
            state_counts[state] = state_counts.get(state, 0) + 1
        self.state_counts = state_counts
        self.n_events = event_id

    def _close_part(self):
        for table in self.tables.values():
            table.close()
        spools = [(t.name, t.columns, str(t.path), t.rows) for t in self.tables.values()]
        self.tables = {}
        return spools

    def task(self, part, kind, start=0, end=0):
        """One piece of the work, in this process or a forked one; returns what it spooled."""
        self.suffix = f".{part}"
        self.rng = random.Random(self.seed * 7919 + part)
        self.state_counts = {}
        self.n_events = 0
        if kind == "activities":
            self.activities()
        else:
            self.requests(start, end)
        return {"spools": self._close_part(), "states": self.state_counts,
                "events": self.n_events}  # fmt: skip

    def run(self, jobs=1):
        t = time.monotonic()
        self.load_reference()
        self.users()
        self.organizations()
        self.n_activities = self.scale["activities"]
        self.plan_requests()
        self.spools += self._close_part()
        self.log(f"  users, organizations, plan: {time.monotonic() - t:.1f}s")
        n = self.scale["requests"]
        chunks = max(1, jobs * 2) if jobs > 1 else 1
        bounds = [n * k // chunks for k in range(chunks + 1)]
        tasks = [(0, "activities", 0, 0)] + [
            (k + 1, "requests", bounds[k], bounds[k + 1]) for k in range(chunks)
        ]
        if jobs > 1:
            import multiprocessing

            from django.db import connections

            global _FORKED_GENERATOR
            connections.close_all()  # the forked workers never touch the database
            _FORKED_GENERATOR = self  # inherited by the forked workers, never pickled
            try:
                with multiprocessing.get_context("fork").Pool(jobs) as pool:
                    outcomes = pool.starmap(_forked_task, tasks, chunksize=1)
            finally:
                _FORKED_GENERATOR = None
        else:
            outcomes = [self.task(*task) for task in tasks]
        self.state_counts = {}
        self.n_events = 0
        for outcome in outcomes:
            self.spools += outcome["spools"]
            self.n_events += outcome["events"]
            for state, count in outcome["states"].items():
                self.state_counts[state] = self.state_counts.get(state, 0) + count
        self.log(f"  activities and requests spooled ({jobs} processes): "
                 f"{time.monotonic() - t:.1f}s")  # fmt: skip

    def rows_by_table(self):
        rows = {}
        for name, _, _, count in self.spools:
            rows[name] = rows.get(name, 0) + count
        return rows


_FORKED_GENERATOR = None


def _forked_task(*task):
    return _FORKED_GENERATOR.task(*task)


# --- Loading -------------------------------------------------------------------------------


# Models whose rows the generator owns (truncated first). Reference data is never touched.
def owned_tables():
    from django.apps import apps

    reference = {
        "RegionalOffice", "Division", "Country", "ThematicArea", "CrossCuttingIssue", "MEA",
        "Subprogramme", "FundingSourceKind", "SupportType",
    }  # fmt: skip
    names = set()
    for app_label in ("accounts", "registry", "requests_app", "reporting", "authtoken", "sessions",
                      "axes", "admin"):  # fmt: skip
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.object_name in reference or model._meta.proxy:
                continue
            if app_label == "requests_app" and model._meta.object_name == "ServiceLevel":
                continue
            names.add(model._meta.db_table)
    return sorted(names)


def load(generator: Generator, connection, *, freeze=True, log=print):
    """Truncate, COPY every spool, rebuild the plain indexes, set the sequences. One transaction."""
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        existing = {row[0] for row in _fetch(cursor, "SELECT tablename FROM pg_tables "
                                             "WHERE schemaname = current_schema()")}  # fmt: skip
        owned = [name for name in owned_tables() if name in existing]
        spools = generator.spools
        target_names = list(dict.fromkeys(name for name, _, _, _ in spools))
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Index rebuilds sort in memory and on both cores instead of spilling to disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '2GB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        cursor.execute(
            "TRUNCATE " + ", ".join(f'"{name}"' for name in owned) + " RESTART IDENTITY CASCADE"
        )
        # Plain indexes (not backing a constraint): dropped now, rebuilt after the load.
        indexes = _fetch(cursor, """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """, [target_names])  # fmt: skip
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        t = time.monotonic()
        for name, columns, path, _ in spools:
            column_list = ", ".join(f'"{c}"' for c in columns)
            option = " WITH (FREEZE)" if freeze else ""
            with cursor.copy(f'COPY "{name}" ({column_list}) FROM STDIN{option}') as copy, \
                    open(path, "rb") as source:  # fmt: skip
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
        log(f"  COPY {sum(s[3] for s in spools):,} rows: {time.monotonic() - t:.1f}s")
        t = time.monotonic()
        # The search vectors, as registry.search builds them: the heading weighs more (A) than
        # the rest (B); the heading's own vector orders the results.
        from registry.models import Activity

        activity_table = Activity._meta.db_table
        cursor.execute(f"""
            UPDATE "{activity_table}" SET search_vector =
                setweight(to_tsvector('english', identifier || ' ' || title || ' ' || title_zh),
                          'A')
                || setweight(to_tsvector('english', search_document), 'B'),
              search_title_vector =
                to_tsvector('english', identifier || ' ' || title || ' ' || title_zh)
        """)  # fmt: skip
        log(f"  search vectors: {time.monotonic() - t:.1f}s")
        t = time.monotonic()
        for _, definition in indexes:
            cursor.execute(definition)
        log(f"  {len(indexes)} indexes rebuilt: {time.monotonic() - t:.1f}s")
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for name in target_names:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f'GREATEST((SELECT max(id) FROM "{name}"), 1))',
                [f'"{name}"'],
            )


def _fetch(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchall()


def generate(scale: dict, *, seed: int = 7, now: datetime | None = None, freeze=True,
             jobs=1, log=print) -> Generator:  # fmt: skip
    """Generate and load the data set into Django's default database (PostgreSQL)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark generator needs PostgreSQL (it loads with COPY).")
    now = now or datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="bali-bench-") as directory:
        generator = Generator(scale, seed, now, Path(directory), log=log)
        generator.run(jobs=jobs)
        with transaction.atomic():
            load(generator, connection, freeze=freeze, log=log)
    return generator


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--jobs", type=int, default=2, help="processes that generate rows in parallel (default 2)"
    )
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection

    started = time.monotonic()
    print(f"Generating scale {args.scale} into {connection.settings_dict['NAME']}")
    generator = generate(SCALES[args.scale], seed=args.seed, jobs=args.jobs)
    t = time.monotonic()
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"  vacuum analyze: {time.monotonic() - t:.1f}s")
    elapsed = time.monotonic() - started
    summary = {
        "scale": args.scale,
        "seconds": round(elapsed, 1),
        "jobs": args.jobs,
        "rows": generator.rows_by_table(),
        "states": dict(sorted(generator.state_counts.items())),
    }
    out = Path(__file__).resolve().parent / f"generated-{args.scale}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary["states"]))
    print(f"Generated {summary['rows'].get('requests_app_request', 0):,} requests, "
          f"{generator.n_events:,} events in {elapsed:.0f}s (summary in {out.name})")  # fmt: skip
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali_portal.settings")
    raise SystemExit(main())
