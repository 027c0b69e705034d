"""/api/v1/partnerships: partnerships and city links, their partners' participation and
the mutual-learning scores."""

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

from kennisschakel.core.api.openapi import ETAG_HEADER, conditional_update
from kennisschakel.core.permissions import can_edit
from kennisschakel.partnerships import services
from kennisschakel.partnerships.api.conditional import (
    ConditionalUpdateMixin,
    expected_version,
    version_field,
)
from kennisschakel.partnerships.filters import PartnershipFilter
from kennisschakel.partnerships.models import LearningDimension, Motive, Partnership
from kennisschakel.partnerships.rules import may_score_side
from kennisschakel.register.models import PolicyDomain


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
