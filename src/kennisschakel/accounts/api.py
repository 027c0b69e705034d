"""POST /api/v1/tokens: exchange an email address and password for an API token."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class TokenView(APIView):
    permission_classes = [AllowAny]
    # Listed so that a failed login answers 401 with a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        tags=["accounts"],
        summary="Get your API token (send it as 'Authorization: Token <key>')",
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Email address or password is incorrect."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
