"""/api/v1/activities: the exchange ledger, and the other side's confirmation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kennisschakel.core.api.openapi import ETAG_HEADER, conditional_update
from kennisschakel.knowledge.models import Practice
from kennisschakel.partnerships import services
from kennisschakel.partnerships.api.conditional import (
    ConditionalUpdateMixin,
    expected_version,
    version_field,
)
from kennisschakel.partnerships.filters import ActivityFilter
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    ExchangeForm,
    Partnership,
)
from kennisschakel.partnerships.rules import can_confirm, may_log_under


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
    version = version_field()

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
            "version",
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

    def _check_partnership(self, attrs) -> None:
        """The same rule as the form and the service: only under your own partnerships."""
        if "partnership" not in attrs:
            return
        partnership = attrs["partnership"]
        if self.instance is not None:
            if partnership == self.instance.partnership:
                return
            organisation_id = self.instance.logged_by_organisation_id
        else:
            organisation_id = self.context["request"].user.organisation_id
        if not may_log_under(self.context["request"].user, organisation_id, partnership):
            raise PermissionDenied(
                _(
                    "Your organisation is not a confirmed partner in %(partnership)s, so you "
                    "cannot log an exchange under it."
                )
                % {"partnership": partnership}
            )

    def validate(self, attrs):
        self._check_partnership(attrs)
        if "sides" not in attrs and self.instance is not None:
            sides = [services.side_input_of(s) for s in self.instance.sides.all()]
            start = attrs.get("start_date", self.instance.start_date)
            end = attrs.get("end_date", self.instance.end_date)
            try:
                services.validate_activity(start, end, sides)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict) from error
            attrs["sides"] = sides
            return attrs
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
        validated.pop("version", None)
        request = self.context["request"]
        sides = validated.pop("sides")
        practices = validated.pop("practices", [])
        activity = services.log_activity(validated, sides, request.user, request.user.organisation)
        services.set_activity_practices(activity, practices)
        return activity

    def update(self, activity, validated):
        expected = expected_version(self.context, validated)
        sides = validated.pop("sides")
        practices = validated.pop("practices", None)
        return services.update_activity(
            activity,
            validated,
            sides,
            practices,
            user=self.context["request"].user,
            expected_version=expected,
        )


class ConfirmationSerializer(serializers.Serializer):
    agree = serializers.BooleanField(help_text="true: confirmed; false: disputed")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema_view(
    list=extend_schema(summary="Exchange activities (the ledger)", tags=["partnerships"]),
    retrieve=extend_schema(
        summary="One exchange activity", tags=["partnerships"], parameters=[ETAG_HEADER]
    ),
    create=extend_schema(
        summary="Log an exchange your organisation took part in", tags=["partnerships"]
    ),
    update=extend_schema(
        summary="Change an exchange (the logging side only)",
        tags=["partnerships"],
        **conditional_update(ActivitySerializer),
    ),
    partial_update=extend_schema(
        summary="Change part of an exchange (the logging side only)",
        tags=["partnerships"],
        **conditional_update(ActivitySerializer),
    ),
)
class ActivityViewSet(
    ConditionalUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ExchangeActivity.objects.prefetch_related(
        "sides__organisation", "sides__place__country", "sides__country", "practices"
    ).select_related("partnership")
    serializer_class = ActivitySerializer
    lookup_field = "slug"
    filterset_class = ActivityFilter

    @extend_schema(
        summary="The other side confirms or disputes a logged exchange",
        request=ConfirmationSerializer,
        responses={200: ActivitySerializer},
        tags=["partnerships"],
    )
    @action(detail=True, methods=["post"], url_path="confirmation")
    def confirmation(self, request, slug=None):
        activity = get_object_or_404(ExchangeActivity, slug=slug)
        if not can_confirm(request.user, activity):
            raise PermissionDenied(_("Only the other side of this exchange can confirm it."))
        serializer = ConfirmationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.confirm_activity(
            activity, serializer.validated_data["agree"], serializer.validated_data.get("note", "")
        )
        # Not self.get_object(): that applies the edit rule, which the confirming side lacks.
        refreshed = self.get_queryset().get(pk=activity.pk)
        return Response(ActivitySerializer(refreshed, context={"request": request}).data)
