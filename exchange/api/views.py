"""``/api/v1/offers/``, ``experts/``, a request's ``proposals/`` and ``sharing/``, and
``assistance-sources/{id}/access-request/``: the same selectors and services as the pages.

An ``ExchangeError`` becomes an error of the API's one shape (``bali_portal.api_errors``).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import selectors as registry_selectors
from requests_app.api.serializers import DraftSerializer, RequestDetailSerializer
from requests_app.api.views import RequestAPIMixin
from requests_app.selectors import requests_visible_to, with_page_details

from .. import responses, selectors, services
from ..filters import ExpertFilterSet, OfferFilterSet
from ..services import ExchangeInvalid
from .serializers import (
    DecisionInputSerializer,
    ExpertSerializer,
    OfferInputSerializer,
    OfferSerializer,
    ProposalInputSerializer,
    ProposalSerializer,
    SharingInputSerializer,
)


class ExchangeAPIMixin:
    """The exchange's views (its errors answer in the API's one shape, as every view's)."""


class OfferViewSet(
    ExchangeAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What countries and regional centres offer. Public read; providers publish and edit."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = OfferSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OfferFilterSet
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return selectors.offers_visible_to(self.request.user).prefetch_related(
            "thematic_areas", "support_types", "countries_served"
        )

    def _answer(self, offer, status_code):
        offer = self.get_queryset().get(pk=offer.pk)
        return Response(OfferSerializer(offer).data, status=status_code)

    @extend_schema(request=OfferInputSerializer, responses={201: OfferSerializer})
    def create(self, request):
        data = OfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.save_offer(actor=request.user, values=data.validated_data)
        return self._answer(offer, status.HTTP_201_CREATED)

    @extend_schema(request=OfferInputSerializer, responses={200: OfferSerializer})
    def partial_update(self, request, pk=None):
        offer = get_object_or_404(selectors.offers_editable_by(request.user), pk=pk)
        data = OfferInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        offer = services.save_offer(actor=request.user, values=data.validated_data, offer=offer)
        return self._answer(offer, status.HTTP_200_OK)


class ExpertViewSet(ExchangeAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Rosters of the regional centres: a centre reads its own, UNEP staff all of them."""

    permission_classes = [IsAuthenticated]
    serializer_class = ExpertSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ExpertFilterSet

    def get_queryset(self):
        return selectors.experts_visible_to(self.request.user).prefetch_related(
            "thematic_areas", "countries"
        )


class RequestProposalsView(ExchangeAPIMixin, RequestAPIMixin, APIView):
    """A request's proposals (GET); a regional centre proposes help (POST)."""

    @extend_schema(responses=ProposalSerializer(many=True))
    def get(self, request, reference):
        request_obj = self.visible_request(reference)
        proposals = selectors.proposals_visible_to(request.user).filter(request=request_obj)
        return Response(ProposalSerializer(proposals.prefetch_related("experts"), many=True).data)

    @extend_schema(request=ProposalInputSerializer, responses={201: ProposalSerializer})
    def post(self, request, reference):
        request_obj = self.visible_request(reference)
        data = ProposalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = set(data.validated_data.get("experts") or ())
        experts = list(selectors.experts_editable_by(request.user).filter(pk__in=wanted))
        if len(experts) != len(wanted):
            raise ExchangeInvalid(
                _("Some fields are missing or not valid."),
                {"experts": _("Propose experts of your own roster.")},
            )
        proposal = services.propose_help(
            request=request_obj,
            actor=request.user,
            summary=data.validated_data["summary"],
            experts=experts,
        )
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDecisionView(ExchangeAPIMixin, RequestAPIMixin, APIView):
    """The regional office accepts a proposal into the routing (``accept/``) or not
    (``decline/``)."""

    accept = True

    @extend_schema(request=DecisionInputSerializer, responses=ProposalSerializer)
    def post(self, request, pk):
        proposal = selectors.proposals_visible_to(request.user).filter(pk=pk).first()
        if proposal is None:
            raise NotFound
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = responses.decide_proposal(
            proposal=proposal,
            actor=request.user,
            accept=self.accept,
            note=data.validated_data.get("note", ""),
        )
        return Response(ProposalSerializer(proposal).data)


class RequestSharingView(ExchangeAPIMixin, RequestAPIMixin, APIView):
    """The country lets partners read its request, or stops them."""

    @extend_schema(request=SharingInputSerializer, responses=RequestDetailSerializer)
    def post(self, request, reference):
        request_obj = self.visible_request(reference)
        data = SharingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_partner_sharing(
            request=request_obj,
            actor=request.user,
            share=data.validated_data["share_with_partners"],
        )
        return self.detail_response(reference)


class FundingAccessView(ExchangeAPIMixin, APIView):
    """A focal point asks for help to reach a source of assistance: a draft request of
    support type ``funding_access``, linked to the source (the draft's fields, all optional)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=DraftSerializer, responses={201: RequestDetailSerializer})
    def post(self, request, pk):
        source = get_object_or_404(
            registry_selectors.assistance_sources_visible_to(request.user), pk=pk
        )
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {key: value for key, value in data.validated_data.items() if key != "submit"}
        draft = responses.ask_for_funding_access(actor=request.user, source=source, values=values)
        found = with_page_details(requests_visible_to(request.user)).get(pk=draft.pk)
        body = RequestDetailSerializer(found, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)
