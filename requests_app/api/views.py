"""``/api/v1/requests/``: the same requests, scope and lifecycle as the pages.

Every queryset starts from ``selectors.requests_visible_to`` (anything else is a 404); every
write goes through ``services``; a ``RequestError`` becomes an error of the API's one shape
(``bali_portal.api_errors``).
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bali_portal.pagination import KeysFirstPagination
from bali_portal.parsers import BoundedJSONParser, TextFormParser, TextMultiPartParser
from designations.access import RoleInForce

from .. import selectors, services
from ..filters import RequestFilterSet
from ..models import Attachment, Request
from ..views import serve_attachment
from ..workflow import ACTIONS
from .serializers import (
    ActionInputSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DraftSerializer,
    RequestDetailSerializer,
    RequestSerializer,
)

BAD_ORDERING = gettext_lazy("Choose one of: %(choices)s.")
SUBMIT_WITH_ACTION = gettext_lazy("Submit a saved draft with POST to its submit/ action.")
ORDER_NEWEST, ORDER_URGENCY = "newest", "urgency"
ORDERINGS = (ORDER_NEWEST, ORDER_URGENCY)


class RequestAPIMixin:
    permission_classes = [IsAuthenticated, RoleInForce]

    def visible_request(self, reference: str, *, detailed: bool = False) -> Request:
        requests = selectors.requests_visible_to(self.request.user)
        if detailed:
            requests = selectors.with_page_details(requests)
        # A reference is unique: no ORDER BY to plan.
        found = list(requests.filter(reference=reference.upper()).order_by()[:1])
        if not found:
            raise NotFound
        return found[0]

    def detail_response(self, reference: str, status_code: int = 200, headers=None) -> Response:
        request_obj = self.visible_request(reference, detailed=True)
        data = RequestDetailSerializer(request_obj, context={"request": self.request}).data
        return Response(data, status=status_code, headers=headers)


@extend_schema_view(
    list=extend_schema(
        summary="Requests the caller may see, filtered",
        parameters=[
            OpenApiParameter(
                "ordering",
                str,
                enum=ORDERINGS,
                description="newest (default) or urgency: overdue, then open, oldest first, "
                "as the staff queues",
            )
        ],
    ),
    retrieve=extend_schema(summary="One request with its timeline, clocks and possible actions"),
    create=extend_schema(
        summary="Start a draft (focal points)",
        request=DraftSerializer,
        responses={201: RequestDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a draft; 409 once submitted",
        request=DraftSerializer,
        responses={200: RequestDetailSerializer},
    ),
)
class RequestViewSet(
    RequestAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_field = "reference"
    filterset_class = RequestFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    pagination_class = KeysFirstPagination

    def get_queryset(self):
        visible = selectors.requests_visible_to(self.request.user)
        if self.action == "list":
            return self.ordered(selectors.with_list_details(visible))
        return selectors.with_page_details(visible)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.attach_reference_lists(page) if page is not None else None

    def ordered(self, requests):
        """``?ordering=urgency``: as the staff queues (overdue, open, oldest first);
        otherwise, or ``?ordering=newest``, the newest first."""
        ordering = self.request.query_params.get("ordering") or ORDER_NEWEST
        if ordering == ORDER_URGENCY:
            return selectors.most_urgent_first(requests, timezone.now())
        if ordering != ORDER_NEWEST:
            raise ValidationError({"ordering": BAD_ORDERING % {"choices": ", ".join(ORDERINGS)}})
        return requests.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return RequestSerializer if self.action == "list" else RequestDetailSerializer

    def get_object(self):
        return self.visible_request(self.kwargs["reference"], detailed=True)

    def create(self, request, *args, **kwargs):
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        headers = {}
        if values.pop("submit", False):
            # Filed as it will be read back: answered from what was written, not read again.
            request_obj = services.file_request(actor=request.user, values=values)
            headers["Location"] = RequestSerializer().get_url(request_obj)
            data = RequestDetailSerializer(request_obj, context={"request": request}).data
            return Response(data, status=201, headers=headers)
        request_obj = services.create_draft(actor=request.user, values=values)
        headers["Location"] = RequestSerializer().get_url(request_obj)
        return self.detail_response(request_obj.reference, 201, headers=headers)

    def partial_update(self, request, *args, **kwargs):
        request_obj = self.visible_request(kwargs["reference"])
        # A submitted request answers 409 (or 403 for a caller who cannot edit drafts)
        # whatever the body; the service checks again under the row lock.
        services.check_draft_editable(request=request_obj, actor=request.user)
        serializer = DraftSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if values.pop("submit", False):
            raise ValidationError({"submit": SUBMIT_WITH_ACTION})
        # A field now given a valid value no longer carries what was typed into it before.
        kept = {k: v for k, v in request_obj.draft_input.items() if k not in values}
        services.update_draft(
            request=request_obj, actor=request.user, values=values, draft_input=kept
        )
        return self.detail_response(request_obj.reference)


def _plain(data) -> dict:
    """Form-encoded or JSON bodies alike: repeated form fields become lists."""
    if hasattr(data, "lists"):
        return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    return dict(data) if isinstance(data, dict) else {}


class RequestActionView(RequestAPIMixin, APIView):
    """``POST requests/{reference}/{action}/`` for every action of the lifecycle table."""

    parser_classes = [BoundedJSONParser, TextFormParser, TextMultiPartParser]

    @extend_schema(
        operation_id="requests_action",
        summary="Take an action of the lifecycle table",
        request=ActionInputSerializer,
        responses={
            200: RequestDetailSerializer,
            400: OpenApiResponse(description="A field is missing or invalid (named in errors)"),
            403: OpenApiResponse(description="The caller cannot take this action"),
            404: OpenApiResponse(description="No such request in the caller's scope"),
            409: OpenApiResponse(description="The lifecycle table forbids it from this state"),
        },
    )
    def post(self, request, reference, action):
        if action not in ACTIONS:
            raise NotFound
        request_obj = self.visible_request(reference)
        event = services.perform_action(
            request=request_obj, actor=request.user, action=action, data=_plain(request.data)
        )
        try:
            return self.detail_response(request_obj.reference)
        except NotFound:
            # issue 4: a lead division that returns a request to the office no longer sees it;
            # the action succeeded, so say what became of it rather than answer 404.
            return Response(
                {"reference": request_obj.reference, "state": event.to_state, "action": action}
            )


class AttachmentListView(RequestAPIMixin, APIView):
    """``requests/{reference}/attachments/``: list, and upload (multipart ``file``, ``kind``)."""

    parser_classes = [TextMultiPartParser, TextFormParser]

    @extend_schema(summary="Documents of a request", responses=AttachmentSerializer(many=True))
    def get(self, request, reference):
        request_obj = self.visible_request(reference)
        attachments = Attachment.objects.filter(request=request_obj).select_related(
            "request", "uploaded_by"
        )
        return Response(AttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        summary="Add a document (PDF, DOCX, ODT, PNG, JPEG; checked by content)",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    def post(self, request, reference):
        request_obj = self.visible_request(reference)
        attachment = services.add_attachment(
            request=request_obj,
            actor=request.user,
            upload=request.FILES.get("file"),
            kind=request.data.get("kind", ""),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(RequestAPIMixin, APIView):
    @extend_schema(summary="Download a document", responses={(200, "*/*"): bytes})
    def get(self, request, reference, pk):
        request_obj = self.visible_request(reference)
        attachment = Attachment.objects.filter(request=request_obj, pk=pk).first()
        if attachment is None:
            raise NotFound
        try:
            return serve_attachment(attachment)
        except Http404:
            raise NotFound from None
