"""``GET /api/v1/statistics/``: the programme's public figures (``reporting.statistics``).

Anyone may read them, signed in or not: they are aggregates of submitted requests and of the
registry's published activities, with small counts for a country or a region hidden. The
serializers below are the response's schema in ``/api/v1/schema/``; the tests validate the
answer against it (``tests/reporting/test_statistics.py``).
"""

from datetime import datetime

from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import statistics

PREPARING_RETRY_SECONDS = 30
MONEY = {"max_digits": 20, "decimal_places": 2, "coerce_to_string": True}


def money(**kwargs):
    return serializers.DecimalField(**MONEY, **kwargs)


class StatisticsNamedCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the language asked for (Accept-Language).")
    count = serializers.IntegerField()


class StatisticsStageSerializer(StatisticsNamedCountSerializer):
    code = serializers.CharField(help_text="A state of the request lifecycle (never draft).")


class StatisticsThemeSerializer(StatisticsNamedCountSerializer):
    code = serializers.CharField(help_text="A thematic area, T01…T19.")
    count = serializers.IntegerField(
        help_text="Requests naming the area (a request may name several)."
    )


class StatisticsRegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A regional office: ROA, ROAP, ROE, ROLAC, RONA, ROWA.")
    name = serializers.CharField()
    count = serializers.IntegerField(
        allow_null=True, help_text="Requests received; null when hidden (see suppressed)."
    )
    suppressed = serializers.BooleanField(
        help_text="The count is hidden: below the threshold, or hidden so that another cannot "
        "be worked out from the total."
    )
    estimated_budget_usd = money(
        allow_null=True, help_text="Sum of the requests' estimated budgets; null when hidden."
    )
    cost_usd = money(
        allow_null=True, help_text="Sum of costs recorded at completion; null when hidden."
    )


class StatisticsCountrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-3.")
    name = serializers.CharField()
    regional_office = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="Null when hidden.")
    suppressed = serializers.BooleanField()


class StatisticsYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    received = serializers.IntegerField(help_text="Requests submitted in the year.")
    completed = serializers.IntegerField(help_text="Requests completed in the year.")
    people_trained = serializers.IntegerField(
        help_text="People trained by the requests completed in the year."
    )
    estimated_budget_usd = money(help_text="Estimated budgets of the requests received.")
    cost_usd = money(help_text="Costs of the requests completed.")
    registry_funding_usd = money(
        help_text="Funding lines of published registry activities for the year, in USD."
    )


class StatisticsTotalsSerializer(serializers.Serializer):
    requests = serializers.IntegerField(help_text="Requests submitted (drafts never count).")
    open = serializers.IntegerField(help_text="Still being handled.")
    completed = serializers.IntegerField(help_text="Completed, or completed and closed.")
    countries = serializers.IntegerField(help_text="Countries that have asked.")


class StatisticsResultsSerializer(serializers.Serializer):
    requests_completed = serializers.IntegerField()
    people_trained = serializers.IntegerField()
    women_trained = serializers.IntegerField()
    men_trained = serializers.IntegerField()
    others_trained = serializers.IntegerField()
    institutions_supported = serializers.IntegerField()
    activities_delivered = serializers.IntegerField(
        help_text="Published registry activities completed."
    )
    activities_under_way = serializers.IntegerField(
        help_text="Published registry activities ongoing."
    )
    people_trained_in_activities = serializers.IntegerField(
        help_text="People trained by the completed registry activities, as they record it."
    )


class StatisticsFundingSourceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A kind of funding source (reference data).")
    name = serializers.CharField()
    lines = serializers.IntegerField()
    lines_in_usd = serializers.IntegerField(help_text="Lines with a US-dollar equivalent.")
    amount_usd = money()


class StatisticsFundingSerializer(serializers.Serializer):
    estimated_budget_usd = money(help_text="Estimated budgets of all requests received.")
    requests_with_budget = serializers.IntegerField()
    cost_usd = money(help_text="Costs recorded for the requests completed.")
    registry_funding_usd = money(
        help_text="Funding lines of published registry activities that have a USD equivalent."
    )
    by_source = StatisticsFundingSourceSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(help_text="When the figures were computed.")
    threshold = serializers.IntegerField(
        help_text="Counts below this are not shown for a country or a region."
    )
    refresh_seconds = serializers.IntegerField(
        help_text="The figures are computed again this often (as_of says when they last were)."
    )
    totals = StatisticsTotalsSerializer()
    by_stage = StatisticsStageSerializer(many=True)
    by_region = StatisticsRegionSerializer(many=True)
    by_theme = StatisticsThemeSerializer(many=True)
    by_year = StatisticsYearSerializer(many=True)
    by_country = StatisticsCountrySerializer(many=True)
    results = StatisticsResultsSerializer()
    funding = StatisticsFundingSerializer()


class StatisticsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The programme's public figures",
        description="Requests by stage, region, theme, year and country, results and funding. "
        "Aggregates of submitted requests and published activities only; counts below "
        "`threshold` are hidden for a country or a region. Computed in the background every "
        "`refresh_seconds` and stored; `as_of` says when. 503 with `Retry-After` only while "
        "the very first figures are being computed.",
        responses={
            200: StatisticsSerializer,
            503: OpenApiResponse(description="The first figures are being prepared."),
        },
    )
    def get(self, request):
        try:
            figures = statistics.public_statistics()
        except statistics.FiguresNotReady:
            response = Response(
                {
                    "detail": _("The figures are being prepared; try again in a minute."),
                    "code": "figures_being_prepared",
                    "errors": {},
                },
                status=503,
            )
            response["Retry-After"] = str(PREPARING_RETRY_SECONDS)
            return response
        # The figures are already JSON-shaped as the schema above describes them (tested
        # against it): serializing them again would cost more than reading them from the cache.
        response = Response(figures)
        patch_cache_control(response, public=True, max_age=60)
        # When they were computed, for HTTP caches and clients as in the body's as_of.
        response["Last-Modified"] = http_date(datetime.fromisoformat(figures["as_of"]).timestamp())
        return response
