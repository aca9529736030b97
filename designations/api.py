"""``/api/v1/designations/``: the same designations, scope and steps as the pages.

Anyone may nominate (``POST``, multipart with the ``letter``); reading is scoped by
``selectors.designations_visible_to`` (anything else is a 404); ``approve/``, ``reject/``
{``reason``}, ``end/`` {``reason``} and ``send-link/`` go through ``services``. A
``DesignationError`` becomes an error of the API's one shape (``bali_portal.api_errors``).
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from bali_portal.parsers import BoundedJSONParser, TextFormParser, TextMultiPartParser
from bali_portal.serializers import ChoiceLabelField, StrictJSONTypes
from registry.models import Country

from . import selectors, services
from .access import RoleInForce
from .models import Designation, DesignationEvent
from .views import serve_letter


class NominationThrottle(AnonRateThrottle):
    scope = "nominate"


class DesignationEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = DesignationEvent
        fields = ["action", "from_status", "to_status", "actor", "note", "payload", "created_at"]


class DesignationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id")
    status_label = ChoiceLabelField(Designation._meta.get_field("status").choices, source="status")
    letter = serializers.SerializerMethodField()
    account = serializers.IntegerField(source="account_id", allow_null=True)
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)
    events = DesignationEventSerializer(many=True)
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Designation
        fields = [
            "id", "country", "full_name", "position", "ministry", "email", "phone", "letter",
            "letter_name", "starts_on", "ends_on", "status", "status_label", "replaces",
            "account", "nominated_at", "decided_at", "ended_at", "reason", "events",
            "available_actions",
        ]  # fmt: skip
        read_only_fields = fields

    def get_letter(self, designation) -> str | None:
        if not designation.letter:
            return None
        return reverse("api-designation-letter", kwargs={"pk": designation.pk})

    def get_available_actions(self, designation) -> list[str]:
        user = self.context["request"].user
        if not selectors.may_decide(user, designation):
            return []
        return list(services.ACTIONS_OF_STATUS.get(designation.status, ()))


class NominationSerializer(StrictJSONTypes, serializers.Serializer):
    """A government's nomination: the fields of the page, the letter as a multipart file."""

    country = serializers.SlugRelatedField(slug_field="code", queryset=Country.objects.all())
    full_name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200)
    ministry = serializers.CharField(max_length=300)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=40)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    replaces = serializers.PrimaryKeyRelatedField(
        queryset=Designation.objects.all(), required=False, allow_null=True
    )
    letter = serializers.FileField(help_text=_("The official letter of designation."))


class ReasonSerializer(StrictJSONTypes, serializers.Serializer):
    reason = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="Designations the caller may see"),
    retrieve=extend_schema(summary="One designation with its history"),
    create=extend_schema(
        summary="Nominate a national focal point (anyone; the official letter attached)",
        request={"multipart/form-data": NominationSerializer},
        responses={201: DesignationSerializer},
    ),
)
class DesignationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    serializer_class = DesignationSerializer
    parser_classes = [TextMultiPartParser, TextFormParser, BoundedJSONParser]
    filter_backends = []

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return [IsAuthenticated(), RoleInForce()]

    def get_throttles(self):
        return [NominationThrottle()] if self.action == "create" else super().get_throttles()

    def get_queryset(self):
        designations = selectors.designations_visible_to(self.request.user)
        status = self.request.query_params.get("status")
        if self.action == "list" and status:
            designations = designations.filter(status=status)
        return selectors.with_details(designations)

    def create(self, request, *args, **kwargs):
        serializer = NominationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        letter = values.pop("letter")
        designation = services.nominate(values=values, letter=letter)
        # The nominating government has no account: the answer says what was recorded.
        data = DesignationSerializer(
            selectors.with_details(Designation.objects.filter(pk=designation.pk)).get(),
            context={"request": request},
        ).data
        return Response(data, status=201)

    def _take(self, service, **kwargs):
        designation = self.get_object()
        service(designation=designation, actor=self.request.user, **kwargs)
        return self.retrieve(self.request, pk=designation.pk)

    def _reason(self):
        serializer = ReasonSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]

    @extend_schema(
        summary="Approve: create or reactivate the account, e-mail the link to set a password",
        request=None,
        responses={200: DesignationSerializer, 409: OpenApiResponse(description="Not nominated")},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._take(services.approve)

    @extend_schema(summary="Reject a nomination", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._take(services.reject, reason=self._reason())

    @extend_schema(summary="End a designation (revoked or replaced)", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._take(services.end, reason=self._reason())

    @extend_schema(summary="Send a new link to set a password", request=None)
    @action(detail=True, methods=["post"], url_path="send-link")
    def send_link(self, request, pk=None):
        return self._take(services.send_new_link)

    @extend_schema(summary="Download the official letter", responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None):
        designation = self.get_object()
        if not designation.letter:
            raise NotFound
        return serve_letter(designation)


designation_list = DesignationViewSet.as_view({"get": "list", "post": "create"})
designation_item = DesignationViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    path("designations/", designation_list, name="api-designation-list"),
    path("designations/<int:pk>/", designation_item, name="api-designation-detail"),
    *[
        path(
            f"designations/<int:pk>/{name}/",
            DesignationViewSet.as_view({"post": name.replace("-", "_")}),
            name=f"api-designation-{name}",
        )
        for name in ("approve", "reject", "end", "send-link")
    ],
    path(
        "designations/<int:pk>/letter/",
        DesignationViewSet.as_view({"get": "letter"}),
        name="api-designation-letter",
    ),
]
