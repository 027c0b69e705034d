"""/api/v1/introductions: ask for an introduction to a suggestion, answer or withdraw it;
only its two sides ever see it."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kennisschakel.core.api.openapi import PROBLEM_CONTENT_TYPE, problem_response
from kennisschakel.core.permissions import can_edit
from kennisschakel.matching import rules, services
from kennisschakel.matching.models import Introduction, Question


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
