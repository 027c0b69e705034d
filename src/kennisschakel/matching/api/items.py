"""/api/v1/questions and /offers: a municipality's knowledge questions (with their
suggestions) and offers, saved through ``services.save_item``."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kennisschakel.matching import services
from kennisschakel.matching.api.matches import MatchSerializer
from kennisschakel.matching.filters import OfferFilter, QuestionFilter
from kennisschakel.matching.models import Offer, Question
from kennisschakel.register.models import Country, PolicyDomain, WorldRegion


class _ItemSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(
        source="organisation", slug_field="slug", read_only=True
    )
    domains = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=PolicyDomain.objects.all(), required=False
    )
    countries = serializers.SlugRelatedField(
        many=True, slug_field="iso2", queryset=Country.objects.all(), required=False
    )
    regions = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=WorldRegion.objects.all(), required=False
    )

    def validate_text(self, value):
        try:
            return services.validate_question_text(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def _save(self, instance, validated):
        domains = validated.pop("domains", None)
        countries = validated.pop("countries", None)
        regions = validated.pop("regions", None)
        for name, value in validated.items():
            setattr(instance, name, value)
        return services.save_item(
            instance,
            domains if domains is not None else (instance.domains.all() if instance.pk else []),
            countries
            if countries is not None
            else (instance.countries.all() if instance.pk else []),
            regions if regions is not None else (instance.regions.all() if instance.pk else []),
        )

    def create(self, validated):
        user = self.context["request"].user
        instance = self.Meta.model(organisation=user.organisation, created_by=user)
        return self._save(instance, validated)

    def update(self, instance, validated):
        return self._save(instance, validated)


class QuestionSerializer(_ItemSerializer):
    class Meta:
        model = Question
        fields = ["id", "municipality", "title", "text", "domains", "transfer", "forms",
                  "international", "countries", "regions", "deadline", "status", "answer",
                  "outside_circle", "created_at"]  # fmt: skip
        read_only_fields = ["id", "created_at"]


class OfferSerializer(_ItemSerializer):
    class Meta:
        model = Offer
        fields = ["id", "municipality", "title", "text", "domains", "transfer", "forms",
                  "international", "countries", "regions", "active", "created_at"]  # fmt: skip
        read_only_fields = ["id", "created_at"]


class _OwnOrganisationMixin:
    def perform_create(self, serializer):
        if self.request.user.organisation is None:
            raise exceptions.PermissionDenied(_("Only people of a municipality can do this."))
        serializer.save()


@extend_schema_view(
    list=extend_schema(summary="Knowledge questions", tags=["matching"]),
    retrieve=extend_schema(summary="One knowledge question", tags=["matching"]),
    create=extend_schema(summary="Ask a knowledge question", tags=["matching"]),
    partial_update=extend_schema(summary="Change your question", tags=["matching"]),
    update=extend_schema(summary="Change your question", tags=["matching"]),
)
class QuestionViewSet(
    _OwnOrganisationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Question.objects.select_related("organisation").prefetch_related(
        "domains", "countries", "regions"
    )
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter

    @extend_schema(summary="Suggestions for this question", responses=MatchSerializer(many=True),
                   tags=["matching"])  # fmt: skip
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        question = self.get_object()
        found = services.find_matches(
            question.text,
            getattr(question.organisation, "municipality", None),
            international=question.international,
            outside_circle=question.outside_circle,
            countries={c.iso2 for c in question.countries.all()},
            regions={r.slug for r in question.regions.all()},
        )
        return Response([suggestion.as_dict() for suggestion in found])


@extend_schema_view(
    list=extend_schema(summary="Knowledge offers", tags=["matching"]),
    retrieve=extend_schema(summary="One knowledge offer", tags=["matching"]),
    create=extend_schema(summary="Offer knowledge", tags=["matching"]),
    partial_update=extend_schema(summary="Change your offer", tags=["matching"]),
    update=extend_schema(summary="Change your offer", tags=["matching"]),
)
class OfferViewSet(
    _OwnOrganisationMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Offer.objects.select_related("organisation").prefetch_related(
        "domains", "countries", "regions"
    )
    serializer_class = OfferSerializer
    filterset_class = OfferFilter
