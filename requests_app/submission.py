"""What a draft is made of, and what it must carry before it can be submitted: read by the
draft's form, by the services that write drafts and by the ``submit`` action."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import eligibility
from registry.models import Forum

from . import selectors
from .errors import InvalidInput
from .models import Request, Scope

DRAFT_FIELDS = (
    "title", "description", "national_priorities", "scope", "desired_start", "duration_months",
    "beneficiaries", "gender_considerations", "south_south_interest", "other_support",
    "estimated_budget_usd", "co_financing", "share_with_partners",
)  # fmt: skip
DRAFT_RELATIONS = (
    "thematic_areas", "cross_cutting_issues", "meas", "support_types", "covered_countries",
)  # fmt: skip

# What a complete request must carry before it can be submitted.
REQUIRED_TO_SUBMIT = {
    "title": gettext_lazy("Give the request a title."),
    "description": gettext_lazy("Describe the need."),
    "national_priorities": gettext_lazy("Say how the need links to national priorities."),
    "thematic_areas": gettext_lazy("Choose at least one thematic area."),
    "support_types": gettext_lazy("Choose at least one type of support."),
    "scope": gettext_lazy("Choose the scope."),
    "desired_start": gettext_lazy("Give a desired start date."),
    "duration_months": gettext_lazy("Give the expected duration in months."),
}


def missing_for_submission(request: Request) -> dict[str, str]:
    """Field by field, what a draft still lacks before it can be submitted."""
    missing = {}
    for name, message in REQUIRED_TO_SUBMIT.items():
        if name in DRAFT_RELATIONS:
            if not selectors.related_items(request, name):
                missing[name] = str(message)
        elif getattr(request, name) in (None, ""):
            missing[name] = str(message)
    for name in request.draft_input:
        missing.setdefault(name, _("This value is not valid; correct it."))
    covered = selectors.related_items(request, "covered_countries")
    if request.scope == Scope.SUBREGIONAL and not covered:
        missing["covered_countries"] = _("Name the other countries of a subregional request.")
    elif request.forum_id and covered:
        outside = sorted({country.code for country in covered} - member_codes(request.forum_id))
        if outside:
            missing["covered_countries"] = _(
                "These countries are not members of %(forum)s: %(codes)s."
            ) % {"forum": request.forum.label, "codes": ", ".join(outside)}
    try:
        # The fields' own rules; the table's check constraints are the database's to enforce
        # (validating them here costs a query and a savepoint each).
        request.full_clean(
            exclude=["reference", "country", "regional_office", "created_by"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            missing.setdefault(name, " ".join(messages))
    return missing


def member_codes(forum_id: str) -> set[str]:
    return set(
        Forum.countries.through.objects.filter(forum_id=forum_id).values_list(
            "country_id", flat=True
        )
    )


def refuse_unless_served(request: Request) -> None:
    """The plan serves developing countries and economies in transition (registry.eligibility)."""
    refused = eligibility.refusals(
        country=request.country, covered=selectors.related_items(request, "covered_countries")
    )
    if refused:
        raise InvalidInput(" ".join(refused.values()), refused)
