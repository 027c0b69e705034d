"""/api/v1/reciprocity: the give-and-take balances (read only)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kennisschakel.partnerships import balance_cache, balances
from kennisschakel.register.models import Municipality, Organisation


def _balance_dict(balance) -> dict:
    return {
        "given_activities": balance.given_activities,
        "received_activities": balance.received_activities,
        "given_hours": balance.given_hours,
        "received_hours": balance.received_hours,
        "activity_count": balance.activity_count,
        "activity_index": balance.activity_index,
        "hours_index": balance.hours_index,
    }


def _period_of(request) -> dict:
    import datetime

    bounds = {}
    for name in ("from", "until"):
        value = request.query_params.get(name)
        if value:
            try:
                bounds[name] = datetime.date.fromisoformat(value)
            except ValueError as error:
                raise serializers.ValidationError(
                    {name: _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": value}}
                ) from error
    if "from" in bounds and "until" in bounds and bounds["until"] < bounds["from"]:
        raise serializers.ValidationError({"until": _("The end date lies before the start date.")})
    return bounds


PERIOD_PARAMETERS = [
    OpenApiParameter("from", str, description="YYYY-MM-DD"),
    OpenApiParameter("until", str, description="YYYY-MM-DD"),
]


class ReciprocityViewSet(viewsets.ViewSet):
    lookup_field = "cbs_code"

    @extend_schema(
        tags=["partnerships"],
        summary="Every municipality's reciprocity balance (one record per municipality)",
        operation_id="reciprocity_all_municipalities",
        parameters=PERIOD_PARAMETERS,
        responses={200: dict},
    )
    def list(self, request):
        bounds = _period_of(request)
        by_organisation = balance_cache.country_balances(bounds.get("from"), bounds.get("until"))
        codes = dict(
            Municipality.objects.filter(organisation_id__in=by_organisation).values_list(
                "organisation_id", "cbs_code"
            )
        )
        return Response(
            {
                "from": bounds.get("from"),
                "until": bounds.get("until"),
                "municipalities": {
                    codes[pk]: _balance_dict(balance)
                    for pk, balance in sorted(
                        by_organisation.items(), key=lambda kv: codes.get(kv[0], "")
                    )
                    if pk in codes
                },
            }
        )

    @extend_schema(
        tags=["partnerships"],
        summary="A municipality's reciprocity balance: overall, per partner and per year",
        operation_id="reciprocity_municipality",
        parameters=[OpenApiParameter("cbs_code", str, OpenApiParameter.PATH), *PERIOD_PARAMETERS],
        responses={200: dict},
    )
    def retrieve(self, request, cbs_code=None):
        municipality = get_object_or_404(Municipality, cbs_code=cbs_code.upper())
        bounds = _period_of(request)
        summary = balance_cache.organisation_summary(
            municipality.organisation_id, bounds.get("from"), bounds.get("until")
        )
        return Response(
            {
                "municipality": municipality.cbs_code,
                "balance": _balance_dict(summary["balance"]),
                "partners": {k: _balance_dict(b) for k, b in summary["partners"].items()},
                "trend": {str(y): _balance_dict(b) for y, b in summary["trend"].items()},
                "undated_activities": summary["undated"],
            }
        )

    @extend_schema(
        tags=["partnerships"],
        summary="Within one network: each member's give and take with the other members",
        operation_id="reciprocity_network",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH), *PERIOD_PARAMETERS],
        responses={200: dict},
    )
    @action(detail=False, url_path=r"networks/(?P<slug>[a-z0-9-]+)")
    def network(self, request, slug=None):
        network = get_object_or_404(Organisation.objects.exclude(type="municipality"), slug=slug)
        bounds = _period_of(request)
        summary = balances.network_summary(network, bounds.get("from"), bounds.get("until"))
        return Response(
            {
                "network": network.slug,
                "members": {k: _balance_dict(b) for k, b in summary["balances"].items()},
            }
        )
