"""Shapes of requests in the API (``docs/design.md``, "API"): codes in, codes out."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from bali_portal import bounds
from bali_portal.serializers import (
    BlankAsNullChoiceField,
    ChoiceLabelField,
    FieldsBuiltOnce,
    RefusesUnknownFields,
    StrictJSONTypes,
)
from exchange.api.referral import ReferralSerializer
from exchange.selectors import referral_of
from registry import freshness, reference
from registry.models import MEA, Country, CrossCuttingIssue, SupportType, ThematicArea

from .. import selectors, services, sla
from ..actions import ACTION_FORMS
from ..actions.forms import ActivitiesField, CodeChoiceField, ColleagueField
from ..models import (
    Attachment,
    DeclineReason,
    Request,
    Requester,
    RequestEvent,
    Scope,
    SouthSouthInterest,
)
from ..workflow import actions_available

# --- Writing a draft -----------------------------------------------------------------------------


class CodeListField(serializers.ListField):
    """A list of reference codes (``["T02", "T07"]``), matched exactly, then ignoring case,
    against the list's active items as this process keeps them (``registry.reference``)."""

    default_error_messages = {
        # DRF's own message, so that its translations apply.
        "does_not_exist": _("Object with {slug_name}={value} does not exist."),
    }

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(child=serializers.CharField(), **kwargs)

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        if not codes:
            return []
        active = reference.active_items(self.model, version=self._registry_version())
        items = []
        for code in codes:
            item = active.find(code)
            if item is None:
                self.fail("does_not_exist", slug_name="code", value=code)
            items.append(item)
        return items

    def _registry_version(self) -> str:
        # Read once for all the lists of one body: each read is a round trip to the cache.
        root = self.root
        version = getattr(root, "_registry_version", None)
        if version is None:
            version = root._registry_version = freshness.registry_version()
        return version


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "enum": SouthSouthInterest.values},
            {"type": "boolean", "description": "true: south_south; false: none"},
        ]
    }
)
class SouthSouthInterestField(serializers.ChoiceField):
    """``none``, ``south_south`` or ``triangular``; also ``true`` (South-South) / ``false``."""

    def __init__(self, **kwargs):
        super().__init__(choices=SouthSouthInterest.choices, **kwargs)

    def to_internal_value(self, data):
        if html.is_html_input(getattr(self.root, "initial_data", None)):
            # A form carries only text: the schema's booleans arrive spelt.
            data = {"true": True, "false": False}.get(data, data)
        if data is True:
            return SouthSouthInterest.SOUTH_SOUTH
        if data is False:
            return SouthSouthInterest.NONE
        return super().to_internal_value(data)


def _codes(model, **kwargs):
    return CodeListField(model, required=False, **kwargs)


class DraftSerializer(
    RefusesUnknownFields, StrictJSONTypes, FieldsBuiltOnce, serializers.Serializer
):
    """A draft's fields, all optional: a draft may be incomplete; ``submit`` checks the rest."""

    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    national_priorities = serializers.CharField(required=False, allow_blank=True)
    thematic_areas = _codes(ThematicArea)
    cross_cutting_issues = _codes(CrossCuttingIssue)
    meas = _codes(MEA)
    support_types = _codes(SupportType)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    covered_countries = _codes(Country)
    desired_start = serializers.DateField(
        required=False, allow_null=True, validators=bounds.DATE.validators()
    )
    duration_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=bounds.MONTHS.low, max_value=bounds.MONTHS.high
    )
    beneficiaries = serializers.CharField(required=False, allow_blank=True)
    gender_considerations = serializers.CharField(required=False, allow_blank=True)
    south_south_interest = SouthSouthInterestField(required=False)
    other_support = serializers.CharField(required=False, allow_blank=True)
    estimated_budget_usd = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=bounds.USD.low,
        max_value=bounds.USD.high,
        required=False,
        allow_null=True,
    )
    co_financing = serializers.CharField(required=False, allow_blank=True)
    share_with_partners = serializers.BooleanField(required=False)
    submit = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_(
            "On creation only: submit the request at once. A request that is not complete is "
            "refused with what it lacks, and no draft is kept."
        ),
    )

    @property
    def also_accepted(self):
        # What the API returns of a request (reference, state, ...) may be sent back as is.
        return RequestDetailSerializer.Meta.fields


# The API's choice sets whose field names (``scope``, ``kind``) mean other sets elsewhere in the
# API; settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] names them from here.
REQUEST_SCOPES = Scope.choices
ATTACHMENT_KINDS = Attachment.Kind.choices


# --- Reading a request ---------------------------------------------------------------------------


class EventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    action_label = ChoiceLabelField(RequestEvent._meta.get_field("action").choices, source="action")
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    actor = serializers.SerializerMethodField()
    actor_role = serializers.SerializerMethodField()

    class Meta:
        model = RequestEvent
        fields = [
            "id",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "actor",
            "actor_role",
            "note",
            "payload",
            "created_at",
        ]

    def get_actor(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None

    def get_actor_role(self, event) -> str | None:
        return event.actor.role if event.actor_id else None


class AttachmentSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, attachment) -> str:
        return reverse(
            "api-request-attachment-download",
            kwargs={"reference": attachment.request.reference, "pk": attachment.pk},
        )


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class ReferenceCodesField(serializers.Field):
    """The codes of one of a request's reference lists (``["T02", "T07"]``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return selectors.related_items(instance, self.field_name)

    def to_representation(self, items):
        return [item.code for item in items]


class RequestSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A request as the list shows it (no history); ``RequestDetailSerializer`` adds it."""

    requester = serializers.ChoiceField(choices=Requester.choices, read_only=True)
    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)
    forum = serializers.CharField(source="forum_id", read_only=True, allow_null=True)
    regional_office = serializers.CharField(source="regional_office_id", read_only=True)
    lead_division = serializers.CharField(
        source="lead_division_id", read_only=True, allow_null=True
    )
    supporting_divisions = ReferenceCodesField()
    assignee = serializers.IntegerField(source="assignee_id", read_only=True, allow_null=True)
    assignee_name = serializers.SerializerMethodField()
    state_label = ChoiceLabelField(Request._meta.get_field("state").choices, source="state")
    thematic_areas = ReferenceCodesField()
    cross_cutting_issues = ReferenceCodesField()
    meas = ReferenceCodesField()
    support_types = ReferenceCodesField()
    covered_countries = ReferenceCodesField()
    overdue = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = [
            "reference", "url", "state", "state_label", "requester", "country", "forum",
            "regional_office",
            "lead_division", "supporting_divisions", "assignee", "assignee_name",
            "title", "description", "national_priorities", "thematic_areas",
            "cross_cutting_issues", "meas", "support_types", "scope", "covered_countries",
            "desired_start", "duration_months", "beneficiaries", "gender_considerations",
            "south_south_interest", "other_support", "estimated_budget_usd", "co_financing",
            "share_with_partners", "created_at", "updated_at", "submitted_at", "due_at", "overdue",
            "clocks", "available_actions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, request_obj) -> str:
        return reverse("api-request-detail", kwargs={"reference": request_obj.reference})

    def get_assignee_name(self, request_obj) -> str | None:
        return str(request_obj.assignee) if request_obj.assignee_id else None

    def get_overdue(self, request_obj) -> bool:
        return bool(
            request_obj.state in sla.CLOCKED_STATES
            and request_obj.due_at
            and request_obj.due_at < timezone.now()
        )

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "label": {"type": "string"},
                    "due_at": {"type": "string", "format": "date-time", "nullable": True},
                    "done_at": {"type": "string", "format": "date-time", "nullable": True},
                    "status": {"type": "string"},
                },
            },
        }
    )
    def get_clocks(self, request_obj):
        now = timezone.now()
        field = serializers.DateTimeField()
        return [
            {
                "name": clock.name,
                "label": str(clock.label),
                "due_at": field.to_representation(clock.due_at) if clock.due_at else None,
                "done_at": field.to_representation(clock.done_at) if clock.done_at else None,
                "status": clock.status(now),
            }
            for clock in sla.clocks_for(request_obj)
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_available_actions(self, request_obj):
        user = self.context["request"].user
        capacities = selectors.capacities_of(user, request_obj)
        return [action.name for action in actions_available(request_obj.state, capacities)]


class EvaluationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    months_after = serializers.IntegerField(allow_null=True)
    rating = serializers.IntegerField()
    capacity_retained = serializers.BooleanField(allow_null=True)
    capacity_used = serializers.BooleanField(allow_null=True)
    programme_rating = serializers.IntegerField(allow_null=True)
    staff_rating = serializers.IntegerField(allow_null=True)
    comments = serializers.CharField()
    evaluated_at = serializers.DateTimeField()


class RequestDetailSerializer(RequestSerializer):
    """A request with its timeline, documents, outcome and the caller's possible actions."""

    events = EventSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    referred_to = serializers.StringRelatedField(allow_null=True)
    merged_into = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )
    decline_reason = BlankAsNullChoiceField(choices=DeclineReason.choices)
    evaluation = serializers.SerializerMethodField()
    evaluations = EvaluationSerializer(many=True, read_only=True)
    missing_fields = serializers.SerializerMethodField()
    referral = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = [
            *RequestSerializer.Meta.fields,
            "decline_reason", "referred_to", "merged_into", "response_plan",
            "people_trained_female", "people_trained_male", "people_trained_other",
            "institutions_supported", "outputs", "cost_usd", "lessons", "evaluation",
            "laws_drafted", "policies_adopted", "tools_developed", "institutions_strengthened",
            "successes", "shortcomings", "evaluations",
            "draft_input", "missing_fields", "events", "attachments", "referral",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, request_obj):
        evaluation = getattr(request_obj, "evaluation", None)
        return EvaluationSerializer(evaluation).data if evaluation else None

    @extend_schema_field(ReferralSerializer(allow_null=True))
    def get_referral(self, request_obj):
        """Where the referral to a partner stands (a referred request only; issue 19)."""
        referral = referral_of(request_obj)
        return ReferralSerializer(referral).data if referral else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_missing_fields(self, request_obj):
        """For a draft: what it still lacks before it can be submitted, field by field."""
        if not request_obj.is_draft:
            return {}
        return services.missing_for_submission(request_obj)


def _documented(field) -> serializers.Field:
    """How the API documents an action form's field: its type and bounds, as the form checks
    them (the form is the one validator; this only describes it)."""
    common = {"required": False, "help_text": str(field.help_text or field.label or "")}
    if isinstance(field, ActivitiesField):
        return serializers.ListField(child=serializers.CharField(max_length=300), **common)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(max_length=20), **common)
    if isinstance(field, ColleagueField):
        return serializers.CharField(**common)  # an account's number or e-mail address
    if isinstance(field, forms.ModelChoiceField):
        if getattr(field, "to_field_name", None) is None and not isinstance(field, CodeChoiceField):
            return serializers.IntegerField(min_value=1, **common)
        return serializers.CharField(max_length=20, **common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits, decimal_places=field.decimal_places,
            min_value=field.min_value, max_value=field.max_value, **common,
        )  # fmt: skip
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=field.min_value, max_value=field.max_value, **common
        )
    if isinstance(field, forms.TypedChoiceField) and field.empty_value is None:
        return serializers.BooleanField(allow_null=True, **common)
    if isinstance(field, forms.TypedChoiceField):
        return serializers.ChoiceField(choices=[value for value, _ in field.choices], **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=field.choices, **common)
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(**common)
    return serializers.CharField(max_length=field.max_length, **common)


# Documentation only, built from the actions' forms: each action takes the fields of its form
# (``docs/design.md``), and a field at fault is named in a 400.
ActionInputSerializer = type(
    "ActionInputSerializer",
    (serializers.Serializer,),
    {
        name: _documented(field)
        for form in ACTION_FORMS.values()
        for name, field in form.base_fields.items()
    },
)


class AttachmentUploadSerializer(serializers.Serializer):
    """Documentation of the multipart upload; the service checks the content and size."""

    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices, required=False)
