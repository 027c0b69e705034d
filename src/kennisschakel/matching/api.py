"""REST API: /api/v1/matches, /questions, /offers and /introductions."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kennisschakel.accounts.permissions import can_edit
from kennisschakel.core.api.openapi import PROBLEM_CONTENT_TYPE, problem_response
from kennisschakel.matching import rules, services
from kennisschakel.matching.filters import OfferFilter, QuestionFilter
from kennisschakel.matching.models import Introduction, Offer, Question
from kennisschakel.register.models import Country, PolicyDomain, WorldRegion


class MatchRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="What you are looking for."
    )
    municipality = serializers.CharField(
        required=False, allow_blank=True, help_text="CBS code of the asking municipality."
    )
    international = serializers.BooleanField(default=False)
    outside_circle = serializers.BooleanField(default=False)
    limit = serializers.IntegerField(default=10, min_value=1, max_value=services.MAX_LIMIT)


class MatchSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    explanation = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Remarks that are no reason for the suggestion, such as 'you already "
        "work with …' (the asker's own partner or network).",
    )


class MatchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Who can help us, and why: ranked, explained suggestions",
        request=MatchRequestSerializer,
        responses=MatchSerializer(many=True),
        tags=["matching"],
    )
    def post(self, request):
        serializer = MatchRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            municipality = (
                services.municipality_by_code(data["municipality"])
                if data.get("municipality")
                else None
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"municipality": error.messages}) from error
        try:
            found = services.find_matches(
                data["text"],
                municipality,
                international=data["international"],
                outside_circle=data["outside_circle"],
                limit=data["limit"],
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"text": error.messages}) from error
        return Response([suggestion.as_dict() for suggestion in found])


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


class IntroductionSerializer(serializers.ModelSerializer):
    asker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recipient = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    candidate = serializers.CharField(
        source="candidate_key",
        write_only=True,
        help_text="The id of a suggestion, e.g. municipality:GM0153",
    )
    question = serializers.PrimaryKeyRelatedField(
        queryset=Question.objects.all(), required=False, allow_null=True
    )
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Introduction
        fields = ["id", "question", "asker", "recipient", "candidate", "subject", "message",
                  "status", "response", "created_at", "responded_at", "contacts"]  # fmt: skip
        read_only_fields = ["id", "asker", "recipient", "subject", "status", "response",
                            "created_at", "responded_at"]  # fmt: skip

    def get_contacts(self, introduction) -> dict | None:
        """Both sides' contact details, only once the request is accepted."""
        if introduction.status != Introduction.Status.ACCEPTED:
            return None
        return {
            "asker": introduction.requested_by.email,
            "recipient": introduction.responded_by.email if introduction.responded_by else None,
        }

    def create(self, validated):
        user = self.context["request"].user
        question = validated.get("question")
        # The same rule as the site (rules.may_request_introduction): readers cannot ask.
        if not rules.may_request_introduction(user, question):
            raise exceptions.PermissionDenied(rules.why_no_introduction(user, question))
        try:
            return services.request_introduction(
                user, validated["candidate_key"], validated["message"], question
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"candidate": error.messages}) from error


class AlreadyAnswered(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_answered"


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    response = serializers.CharField(required=False, allow_blank=True, max_length=2000)


@extend_schema_view(
    list=extend_schema(summary="Your introductions, asked by and of you", tags=["matching"]),
    retrieve=extend_schema(summary="One introduction (its two sides only)", tags=["matching"]),
    create=extend_schema(summary="Ask for an introduction to a suggestion", tags=["matching"]),
)
class IntroductionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = IntroductionSerializer
    permission_classes = [IsAuthenticated]
    queryset = Introduction.objects.none()

    def get_queryset(self):
        # Third parties never see an introduction, declined or not: it is simply not there.
        return services.introductions_visible_to(self.request.user)

    @extend_schema(
        summary="Accept or decline (the organisation asked)",
        request=AnswerSerializer,
        responses={
            200: IntroductionSerializer,
            (409, PROBLEM_CONTENT_TYPE): problem_response(
                "The request has already been answered or withdrawn; this answer was not saved."
            ),
        },
        tags=["matching"],
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        introduction = self.get_object()
        if not rules.may_answer_introduction(request.user, introduction):
            raise exceptions.PermissionDenied(
                _("Only the organisation asked can answer this request.")
            )
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.answer_introduction(
                introduction,
                request.user,
                serializer.validated_data["accept"],
                serializer.validated_data.get("response", ""),
            )
        except services.AlreadyAnswered as error:
            raise AlreadyAnswered(" ".join(error.messages)) from error
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(" ".join(error.args)) from error
        return Response(IntroductionSerializer(introduction, context={"request": request}).data)

    @extend_schema(
        summary="Withdraw your request (the organisation that asked)",
        request=None,
        responses={
            200: IntroductionSerializer,
            (409, PROBLEM_CONTENT_TYPE): problem_response(
                "The request has already been answered or withdrawn; nothing changed."
            ),
        },
        tags=["matching"],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        # Not one of the two sides: get_object answers 404, as if it did not exist.
        introduction = self.get_object()
        # The same rule as the site's withdraw button (rules.edit_introduction).
        if not can_edit(request.user, introduction):
            raise exceptions.PermissionDenied(
                _("Only the organisation that asked can withdraw this request.")
            )
        try:
            services.withdraw_introduction(introduction, request.user)
        except services.AlreadyAnswered as error:
            raise AlreadyAnswered(" ".join(error.messages)) from error
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(" ".join(error.args)) from error
        return Response(IntroductionSerializer(introduction, context={"request": request}).data)
