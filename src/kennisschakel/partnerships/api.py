"""REST API: /api/v1/partnerships, /activities, /network-memberships and reciprocity balances."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from kennisschakel.knowledge.models import Practice
from kennisschakel.partnerships import balances, services
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    ExchangeForm,
    NetworkMembership,
    Partnership,
)
from kennisschakel.register.models import Municipality


class PartnerSerializer(serializers.Serializer):
    party = serializers.CharField(source="party_key")
    label = serializers.CharField()


class PartnershipSerializer(serializers.ModelSerializer):
    partners = PartnerSerializer(many=True, read_only=True)
    motives = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "name",
            "kind",
            "status",
            "start_year",
            "end_year",
            "end_reason",
            "translocal_link",
            "network_model",
            "motives",
            "policy_fields",
            "funding",
            "partners",
            "source",
        ]


class SideSerializer(serializers.Serializer):
    party = serializers.CharField(help_text="CBS code, 'place: Name, CC' or 'org: slug'")
    direction = serializers.ChoiceField(choices=ActivitySide.Direction.choices)
    participants = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    hours = serializers.FloatField(required=False, allow_null=True, min_value=0)


class ActivitySerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(
        slug_field="slug", queryset=Partnership.objects.all(), required=False, allow_null=True
    )
    form = serializers.ChoiceField(choices=ExchangeForm.choices)
    sides = SideSerializer(many=True, write_only=True)
    parties = serializers.SerializerMethodField()
    practices = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        required=False,
        queryset=Practice.objects.filter(status=Practice.Status.PUBLISHED),
    )

    class Meta:
        model = ExchangeActivity
        fields = [
            "slug",
            "partnership",
            "form",
            "title",
            "start_date",
            "end_date",
            "year",
            "costs",
            "subsidy",
            "subsidy_programme",
            "learning_goals",
            "outcomes",
            "outcome_level",
            "outcome_side",
            "embedded",
            "disseminated",
            "practices",
            "confirmation",
            "sides",
            "parties",
            "source",
        ]
        read_only_fields = ["slug", "confirmation", "source"]

    def get_parties(self, activity) -> list[dict]:
        return [
            {
                "party": s.party_key,
                "label": s.label,
                "direction": s.direction,
                "hours": float(s.hours) if s.hours is not None else None,
            }
            for s in activity.sides.all()
        ]

    def validate(self, attrs):
        sides = []
        for raw in attrs.get("sides", []):
            try:
                party = services.parse_party(raw["party"])
            except DjangoValidationError as error:
                raise serializers.ValidationError({"sides": error.messages}) from error
            sides.append(
                services.SideInput(
                    party, raw["direction"], raw.get("participants"), raw.get("hours")
                )
            )
        organisation = self.context["request"].user.organisation
        if organisation is None or all(s.party.organisation != organisation for s in sides):
            raise serializers.ValidationError(
                {"sides": _("You can only log an exchange your own organisation took part in.")}
            )
        try:
            services.validate_activity(attrs.get("start_date"), attrs.get("end_date"), sides)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        attrs["sides"] = sides
        return attrs

    def create(self, validated):
        request = self.context["request"]
        sides = validated.pop("sides")
        practices = validated.pop("practices", [])
        activity = services.log_activity(validated, sides, request.user, request.user.organisation)
        activity.practices.set(practices)
        return activity


@extend_schema_view(
    list=extend_schema(summary="Partnerships and city links", tags=["partnerships"]),
    retrieve=extend_schema(summary="One partnership", tags=["partnerships"]),
)
class PartnershipViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Partnership.objects.prefetch_related(
        "partners__organisation", "partners__place", "motives"
    )
    serializer_class = PartnershipSerializer
    lookup_field = "slug"
    filterset_fields = {
        "kind": ["exact"],
        "status": ["exact"],
        "partners__place__country__iso2": ["exact"],
    }


@extend_schema_view(
    list=extend_schema(summary="Exchange activities (the ledger)", tags=["partnerships"]),
    retrieve=extend_schema(summary="One exchange activity", tags=["partnerships"]),
    create=extend_schema(
        summary="Log an exchange your organisation took part in", tags=["partnerships"]
    ),
)
class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ExchangeActivity.objects.prefetch_related(
        "sides__organisation", "sides__place"
    ).select_related("partnership")
    serializer_class = ActivitySerializer
    lookup_field = "slug"
    filterset_fields = {"partnership__slug": ["exact"], "form": ["exact"]}


class MembershipSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    network = serializers.SlugRelatedField(read_only=True, slug_field="slug")

    class Meta:
        model = NetworkMembership
        fields = ["member", "network", "role", "since", "until", "source"]


@extend_schema_view(
    list=extend_schema(summary="Network memberships", tags=["partnerships"]),
)
class MembershipViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = NetworkMembership.objects.select_related("member", "network")
    serializer_class = MembershipSerializer
    filterset_fields = {"network__slug": ["exact"], "member__slug": ["exact"]}


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


@extend_schema(
    tags=["partnerships"],
    summary="A municipality's reciprocity balance: overall, per partner and per year",
    parameters=[
        OpenApiParameter("cbs_code", str, OpenApiParameter.PATH),
        OpenApiParameter("from", str, description="YYYY-MM-DD"),
        OpenApiParameter("until", str, description="YYYY-MM-DD"),
    ],
    responses={200: dict},
)
class ReciprocityViewSet(viewsets.ViewSet):
    lookup_field = "cbs_code"

    def retrieve(self, request, cbs_code=None):
        import datetime

        municipality = get_object_or_404(Municipality, cbs_code=cbs_code.upper())
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
        summary = balances.organisation_summary(
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
