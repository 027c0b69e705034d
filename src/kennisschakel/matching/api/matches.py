"""POST /api/v1/matches: ranked, explained suggestions for a question."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kennisschakel.matching import services


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
