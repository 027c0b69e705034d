"""REST API for the knowledge bank: /api/v1/practices and their adoptions."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kennisschakel.core.api.openapi import ETAG_HEADER, conditional_update
from kennisschakel.core.permissions import can_create
from kennisschakel.core.versioning import (
    PreconditionFailed,
    VersionConflict,
    expected_version_from,
)
from kennisschakel.knowledge import services
from kennisschakel.knowledge.facets import FACET_PARAMETERS, parse_filters
from kennisschakel.knowledge.models import Adoption, Maturity, Practice, TransferCategory
from kennisschakel.knowledge.rules import can_adopt
from kennisschakel.knowledge.search import practice_search
from kennisschakel.knowledge.validation import practice_rule_errors
from kennisschakel.register.models import PolicyDomain


class AdoptionSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Adoption.Reason.choices), required=False
    )

    class Meta:
        model = Adoption
        fields = [
            "id",
            "organisation",
            "outcome",
            "reasons",
            "note",
            "what_changed",
            "created_at",
            "reply",
            "replied_at",
        ]
        read_only_fields = ["id", "organisation", "created_at", "reply", "replied_at"]

    def validate(self, attrs):
        outcome = attrs.get("outcome")
        if outcome == Adoption.Outcome.ADAPTED and not attrs.get("what_changed", "").strip():
            raise serializers.ValidationError(
                {"what_changed": _("Say what you changed when you adapted it.")}
            )
        if outcome == Adoption.Outcome.DECLINED and not attrs.get("reasons"):
            raise serializers.ValidationError({"reasons": _("Say why you decided against it.")})
        return attrs


class PracticeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:practice-detail", lookup_field="slug")
    owner = serializers.SlugRelatedField(read_only=True, slug_field="slug")
    domains = serializers.SlugRelatedField(
        many=True,
        slug_field="slug",
        queryset=PolicyDomain.objects.filter(children__isnull=True),
    )
    transfer = serializers.ListField(
        child=serializers.ChoiceField(choices=TransferCategory.choices), required=False
    )
    maturity = serializers.ChoiceField(choices=Maturity.choices, required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=10), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    learning_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    adopted_by = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Version of the practice; every save raises it. Send the version you read "
        "(or the ETag in If-Match) with a PATCH: when someone saved in between, the answer is "
        "412 and nothing is changed.",
    )

    class Meta:
        model = Practice
        fields = [
            "url", "slug", "kind", "title", "summary", "summary_en", "body", "owner", "domains",
            "transfer",
            "learning_types", "maturity", "evidence_url", "effort_cost", "period_start",
            "period_end", "context_urbanity", "context_legal_basis", "context_partners",
            "negative_lessons", "languages", "tags", "source", "status", "published_at",
            "updated_at", "adopted_by", "version",
        ]  # fmt: skip
        read_only_fields = ["slug", "owner", "published_at", "updated_at"]

    def get_adopted_by(self, practice) -> list[str]:
        return sorted(a.organisation.slug for a in practice.adoptions.all() if a.took_over)

    def validate_title(self, value):
        return value.strip()

    def validate(self, attrs):
        """The same rules as the form: the values as they will be stored must pass them."""
        values = {name: getattr(self.instance, name, None) for name in RULE_FIELDS}
        if self.instance is not None:
            values["domains"] = list(self.instance.domains.all())
        values.update({k: v for k, v in attrs.items() if k in RULE_FIELDS})
        errors = practice_rule_errors(values)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _save(self, practice, validated, expected_version=None):
        relations = {}
        if "domains" in validated:
            relations["domains"] = validated.pop("domains")
        for name, value in validated.items():
            setattr(practice, name, value)
        return services.save_practice(
            practice,
            self.context["request"].user,
            relations,
            expected_version=expected_version,
        )

    def create(self, validated):
        validated.pop("version", None)
        user = self.context["request"].user
        return self._save(Practice(owner=user.organisation), validated)

    def update(self, practice, validated):
        expected = expected_version_from(self.context["request"], validated.pop("version", None))
        try:
            return self._save(practice, validated, expected_version=expected)
        except VersionConflict as conflict:
            raise PreconditionFailed() from conflict


RULE_FIELDS = ("title", "domains", "kind", "negative_lessons", "period_start", "period_end")


@extend_schema_view(
    list=extend_schema(
        summary="Search practices and lessons (Dutch full-text search with facets)",
        tags=["practices"],
        parameters=[
            OpenApiParameter("q", str, description="Search words, in Dutch"),
            OpenApiParameter("page", int, description="Page number, from 1"),
            OpenApiParameter("pageSize", int, description="Results per page, 1–100 (default 20)"),
        ]
        + [
            OpenApiParameter(parameter, str, many=True, description=f"Facet filter: {parameter}")
            for parameter in FACET_PARAMETERS.values()
        ],
    ),
    retrieve=extend_schema(summary="One practice", tags=["practices"], parameters=[ETAG_HEADER]),
    create=extend_schema(summary="Add a practice for your own organisation", tags=["practices"]),
    partial_update=extend_schema(
        summary="Update a practice of your own organisation",
        description='Send the version you read, as `If-Match: "<version>"` (the ETag of the '
        "GET) or as the `version` field, and the update is refused with 412 Precondition Failed "
        "when someone else saved the practice in between.",
        tags=["practices"],
        **conditional_update(PracticeSerializer),
    ),
)
class PracticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PracticeSerializer
    lookup_field = "slug"
    # Slugs only: anything else (a NUL byte, say) is a plain 404 before the database sees it.
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends: list = []
    queryset = Practice.objects.all()

    def get_queryset(self):
        return (
            Practice.objects.visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related("domains", "adoptions__organisation")
        )

    def list(self, request, *args, **kwargs):
        try:
            page_size = min(100, max(1, int(request.query_params.get("pageSize", 20))))
            page = max(1, int(request.query_params.get("page", 1)))
        except ValueError as error:
            raise serializers.ValidationError(
                {"page": _("page and pageSize are whole numbers.")}
            ) from error
        result = practice_search.search(
            request.query_params.get("q", ""),
            parse_filters(request.query_params),
            limit=page_size,
            offset=(page - 1) * page_size,
        )
        ids = [hit.practice.pk for hit in result.hits]
        practices = self.get_queryset().in_bulk(ids)
        data = self.get_serializer([practices[i] for i in ids if i in practices], many=True).data
        for item, hit in zip(data, result.hits, strict=False):
            item["score"] = round(hit.score, 4)
        # Facet counts keyed by their query parameter, so a client can filter on them.
        facets = {FACET_PARAMETERS[name]: counts for name, counts in result.facet_counts.items()}
        return Response({"count": result.total, "page": page, "results": data, "facets": facets})

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    def perform_create(self, serializer):
        if self.request.user.organisation is None:
            raise PermissionDenied(_("Your account belongs to no organisation."))
        serializer.save()

    @extend_schema(
        tags=["practices"],
        summary="Adoptions of a practice; POST records what your organisation did with it",
        request=AdoptionSerializer,
        responses=AdoptionSerializer(many=True),
    )
    # A plain list (a practice has few adoptions): no pagination, no list filters.
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[],
        pagination_class=None,
        filter_backends=[],
    )
    def adoptions(self, request, slug=None):
        practice = get_object_or_404(self.get_queryset(), slug=slug)
        if request.method == "GET":
            serializer = AdoptionSerializer(
                practice.adoptions.select_related("organisation"), many=True
            )
            return Response(serializer.data)
        if not IsAuthenticated().has_permission(request, self):
            raise PermissionDenied(_("Log in or send a token to record an adoption."))
        if not (can_create(request.user, Adoption) and can_adopt(request.user, practice)):
            raise PermissionDenied(
                _("Contributors of another organisation can record what became of this practice.")
            )
        serializer = AdoptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            adoption = services.record_adoption(
                practice, request.user.organisation, request.user, **serializer.validated_data
            )
        return Response(AdoptionSerializer(adoption).data, status=status.HTTP_201_CREATED)
