"""REST API: /api/v1/partnerships, /activities, /network-memberships and reciprocity balances."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kennisschakel.accounts.permissions import can_edit
from kennisschakel.core.api.openapi import ETAG_HEADER, conditional_update
from kennisschakel.core.versioning import (
    PreconditionFailed,
    VersionConflict,
    etag_for,
    expected_version_from,
)
from kennisschakel.knowledge.models import Practice
from kennisschakel.partnerships import balance_cache, balances, services
from kennisschakel.partnerships.filters import ActivityFilter, MembershipFilter, PartnershipFilter
from kennisschakel.partnerships.forms import NETWORK_TYPES
from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    ExchangeForm,
    LearningDimension,
    Motive,
    NetworkMembership,
    Partnership,
)
from kennisschakel.partnerships.rules import can_confirm, may_log_under, may_score_side
from kennisschakel.register.models import Municipality, Organisation, PolicyDomain

VERSION_HELP = (
    "Every save raises it. Send the version you read (or its ETag in If-Match) with a "
    "change: when someone saved in between, the answer is 412 and nothing is changed."
)


def version_field():
    return serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP
    )


def expected_version(context, validated) -> int | None:
    """The version the client read: If-Match wins over a ``version`` in the body."""
    body = validated.pop("version", None)
    header = context.get("expected_version")
    return header if header is not None else body


class PartnerSerializer(serializers.Serializer):
    party = serializers.CharField(source="party_key")
    label = serializers.CharField()


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "party": {"type": "string"},
                "label": {"type": "string"},
                "status": {"type": "string", "enum": ["proposed", "confirmed", "declined"]},
            },
        },
        "description": "On writing: a list of strings — a CBS code ('GM0153'), "
        "'place: Münster, DE', 'country: IN' or 'org: vng'.",
    }
)
class PartiesField(serializers.Field):
    """Partners: read as {party, label} objects, written as party strings."""

    def to_representation(self, partners):
        # status: an organisation named by another is 'proposed' until it confirms.
        return [
            {"party": p.party_key, "label": p.label, "status": p.status} for p in partners.all()
        ]

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise serializers.ValidationError(_("Give the partners as a list of texts."))
        parties, problems = [], []
        for item in data:
            try:
                parties.append(services.parse_party(item))
            except DjangoValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise serializers.ValidationError(problems)
        return parties


class MotiveLabelSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    label_nl = serializers.CharField(help_text="As the source words it (004 Tabel 6.2)")
    label_en = serializers.CharField(help_text="Kennisschakel's translation; may be empty")


class PartnershipSerializer(serializers.ModelSerializer):
    partners = PartiesField()
    motives = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Motive.objects.all(), required=False
    )
    domains = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=PolicyDomain.objects.all(), required=False
    )
    policy_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=Partnership.PolicyField.choices), required=False
    )
    funding = serializers.ListField(child=serializers.CharField(max_length=120), required=False)
    world_regions = serializers.SerializerMethodField()
    # Read-only, added for English clients: the motives' labels (label_nl is the source's
    # wording, label_en our translation). ``motives`` itself stays the list of slugs.
    motive_labels = serializers.SerializerMethodField()
    version = version_field()

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
            "started_by",
            "translocal_link",
            "network_model",
            "motives",
            "motive_labels",
            "policy_fields",
            "domains",
            "funding",
            "local_organisations",
            "council_ambassador",
            "wgr_form",
            "collaboration_level",
            "phase",
            "notes",
            "partners",
            "world_regions",
            "source",
            "version",
        ]
        read_only_fields = ["slug", "source"]

    def get_world_regions(self, partnership) -> list[str]:
        return [region.slug for region in partnership.world_regions]

    @extend_schema_field(MotiveLabelSerializer(many=True))
    def get_motive_labels(self, partnership) -> list[dict]:
        return [
            {"slug": m.slug, "label_nl": m.label_nl, "label_en": m.label_en}
            for m in partnership.motives.all()
        ]

    def validate(self, attrs):
        start = attrs.get("start_year", getattr(self.instance, "start_year", None))
        end = attrs.get("end_year", getattr(self.instance, "end_year", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_year": _("The end year lies before the start year.")}
            )
        partners = attrs.get("partners")
        if partners is not None:
            if len({p.key for p in partners}) < 2:
                raise serializers.ValidationError(
                    {"partners": _("A partnership needs at least two different partners.")}
                )
            user = self.context["request"].user
            if not user.is_facilitator and all(
                p.organisation is None or p.organisation.pk != user.organisation_id
                for p in partners
            ):
                raise serializers.ValidationError(
                    {"partners": _("Your own organisation must be one of the partners.")}
                )
        return attrs

    def create(self, validated):
        validated.pop("version", None)
        partners = validated.pop("partners")
        motives = validated.pop("motives", [])
        domains = validated.pop("domains", [])
        return services.create_partnership(
            validated, partners, self.context["request"].user, motives, domains
        )  # other organisations named become 'proposed' partners until they confirm

    def update(self, partnership, validated):
        expected = expected_version(self.context, validated)
        partners = validated.pop("partners", None)
        motives = validated.pop("motives", None)
        domains = validated.pop("domains", None)
        if partners is None:
            partners = [
                services.PartyRef(p.organisation, p.place, p.country)
                for p in partnership.partners.all()
            ]
        return services.update_partnership(
            partnership,
            validated,
            partners,
            motives if motives is not None else partnership.motives.all(),
            domains if domains is not None else partnership.domains.all(),
            user=self.context["request"].user,
            expected_version=expected,
        )


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
        activity.practices.set(practices)
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


class LearningScoresSerializer(serializers.Serializer):
    partner = serializers.CharField(help_text="The side's party key, e.g. 'org:12' or 'place:5'.")
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    scores = serializers.DictField(
        child=serializers.DictField(),
        help_text="{dimension: {score: 1–5, justification: text}} for all six dimensions.",
    )

    def validate_partner(self, value):
        for partner in self.context["partnership"].partners.all():
            if partner.party_key == value:
                return partner
        raise serializers.ValidationError(
            _("'%(value)s' is not a side of this partnership.") % {"value": value}
        )

    def validate_scores(self, value):
        result, problems = {}, []
        for dimension in LearningDimension:
            entry = value.get(dimension.value)
            if not isinstance(entry, dict):
                problems.append(
                    _("A score for '%(dimension)s' is missing.") % {"dimension": dimension.value}
                )
                continue
            score = entry.get("score")
            if not isinstance(score, int) or not 1 <= score <= 5:
                problems.append(
                    _("The score for '%(dimension)s' must be a whole number from 1 to 5.")
                    % {"dimension": dimension.value}
                )
                continue
            result[dimension.value] = (score, str(entry.get("justification") or "")[:500])
        unknown = set(value) - set(LearningDimension.values)
        if unknown:
            problems.append(
                _("Unknown dimensions: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        if problems:
            raise serializers.ValidationError(problems)
        return result


class ConditionalUpdateMixin:
    """Optimistic concurrency over HTTP: ``ETag`` on reading, ``If-Match`` on changing.

    A change based on an older version answers 412 (problem+json) and writes nothing.
    Without ``If-Match`` the change is not checked (older clients keep working).
    """

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.method in ("PUT", "PATCH"):
            context["expected_version"] = expected_version_from(self.request)
        return context

    def perform_update(self, serializer):
        try:
            self._updated = serializer.save()
        except VersionConflict as conflict:
            raise PreconditionFailed() from conflict

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_for(self._updated)
        return response


class ParticipationSerializer(serializers.Serializer):
    agree = serializers.BooleanField(
        help_text="true: your organisation takes part (confirmed); false: it does not (declined)"
    )


@extend_schema_view(
    list=extend_schema(summary="Partnerships and city links", tags=["partnerships"]),
    retrieve=extend_schema(
        summary="One partnership", tags=["partnerships"], parameters=[ETAG_HEADER]
    ),
    create=extend_schema(
        summary="Record a partnership your organisation is part of", tags=["partnerships"]
    ),
    update=extend_schema(
        summary="Change a partnership (its partners only)",
        tags=["partnerships"],
        **conditional_update(PartnershipSerializer),
    ),
    partial_update=extend_schema(
        summary="Change part of a partnership (its partners only)",
        tags=["partnerships"],
        **conditional_update(PartnershipSerializer),
    ),
)
class PartnershipViewSet(
    ConditionalUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Partnership.objects.prefetch_related(
        "partners__organisation",
        "partners__place__country__world_region",
        "partners__country__world_region",
        "motives",
        "domains",
    )
    serializer_class = PartnershipSerializer
    lookup_field = "slug"
    filterset_class = PartnershipFilter

    @extend_schema(
        summary="Mutual-learning scores (001 ch. 7) for one year; POST stores one side's scores",
        parameters=[OpenApiParameter("year", int, description="default: this year")],
        request=LearningScoresSerializer,
        responses={200: dict},
        tags=["partnerships"],
    )
    @action(detail=True, methods=["get", "post"], url_path="learning")
    def learning(self, request, slug=None):
        import datetime

        from kennisschakel.partnerships import learning

        partnership = self.get_object()
        if request.method == "POST":
            if not can_edit(request.user, partnership):
                raise PermissionDenied(
                    _("Only the municipalities in this partnership can score it.")
                )
            serializer = LearningScoresSerializer(
                data=request.data, context={"partnership": partnership}
            )
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            if not may_score_side(request.user, data["partner"]):
                raise PermissionDenied(
                    _("You can only fill in your own organisation's side of this assessment.")
                )
            learning.save_scores(data["partner"], data["year"], data["scores"], request.user)
            year = data["year"]
        else:
            raw = request.query_params.get("year") or str(datetime.date.today().year)
            if not raw.isdigit():
                raise serializers.ValidationError(
                    {"year": _("'%(value)s' is not a year.") % {"value": raw}}
                )
            year = int(raw)
        by_side = learning.scores_by_side(partnership, year)
        return Response(
            {
                "partnership": partnership.slug,
                "year": year,
                "sides": [
                    {
                        "party": partner.party_key,
                        "label": partner.label,
                        "scores": {
                            dimension: {"score": score.score, "justification": score.justification}
                            for dimension, score in scores.items()
                        },
                    }
                    for partner, scores in by_side.items()
                ],
            }
        )

    @extend_schema(
        summary="A proposed partner confirms or declines taking part",
        request=ParticipationSerializer,
        responses={200: PartnershipSerializer},
        tags=["partnerships"],
    )
    @action(detail=True, methods=["post"], url_path="participation")
    def participation(self, request, slug=None):
        # Not self.get_object(): that applies the edit rule, which a proposed partner lacks.
        partnership = get_object_or_404(Partnership, slug=slug)
        serializer = ParticipationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.answer_participation(
                partnership, request.user, serializer.validated_data["agree"]
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(" ".join(error.args)) from error
        refreshed = self.get_queryset().get(pk=partnership.pk)
        return Response(PartnershipSerializer(refreshed, context={"request": request}).data)


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


class MembershipSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Defaults to your own organisation; only facilitators name another.",
    )
    network = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.filter(type__in=NETWORK_TYPES)
    )
    themes = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=PolicyDomain.objects.all(), required=False
    )

    class Meta:
        model = NetworkMembership
        fields = ["id", "member", "network", "role", "since", "until", "themes", "source"]
        read_only_fields = ["id"]
        validators = []  # the unique pair is checked below, with a readable message

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is not None:
            attrs.pop("member", None)
            attrs.pop("network", None)
            member, network = self.instance.member, self.instance.network
        else:
            member = attrs.get("member") if user.is_facilitator else user.organisation
            if member is None:
                raise serializers.ValidationError({"member": _("Name the member organisation.")})
            if not user.is_facilitator and attrs.get("member") not in (None, member):
                raise serializers.ValidationError(
                    {"member": _("You can only record memberships of your own organisation.")}
                )
            attrs["member"] = member
            network = attrs["network"]
            if NetworkMembership.objects.filter(member=member, network=network).exists():
                raise serializers.ValidationError(
                    {
                        "network": _("%(member)s is already a member of %(network)s.")
                        % {"member": member, "network": network}
                    }
                )
        if member.pk == network.pk:
            raise serializers.ValidationError(
                {"network": _("An organisation cannot be a member of itself.")}
            )
        since = attrs.get("since", getattr(self.instance, "since", None))
        until = attrs.get("until", getattr(self.instance, "until", None))
        if since and until and until < since:
            raise serializers.ValidationError(
                {"until": _("The end year lies before the start year.")}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(summary="Network memberships", tags=["partnerships"]),
    retrieve=extend_schema(summary="One network membership", tags=["partnerships"]),
    create=extend_schema(
        summary="Record your organisation's membership of a network", tags=["partnerships"]
    ),
    update=extend_schema(summary="Change a membership (the member only)", tags=["partnerships"]),
    partial_update=extend_schema(
        summary="Change part of a membership (the member only)", tags=["partnerships"]
    ),
    destroy=extend_schema(summary="End the record of a membership", tags=["partnerships"]),
)
class MembershipViewSet(viewsets.ModelViewSet):
    queryset = NetworkMembership.objects.select_related("member", "network").prefetch_related(
        "themes"
    )
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter


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
