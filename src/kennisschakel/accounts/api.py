"""/api/v1/tokens: exchange an email address and password for an API token, or revoke it."""

import threading

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from kennisschakel.accounts.lockout import authenticate_serially
from kennisschakel.accounts.tokens import (
    ExpiringTokenAuthentication,
    current_token,
    expires_at,
    revoke_tokens,
)
from kennisschakel.core.clientip import client_ip


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ClientRateThrottle(SimpleRateThrottle):
    """A per-client rate limit that cannot be dodged with a crafted X-Forwarded-For.

    The client is :func:`client_ip` (the header counts only from TRUSTED_PROXIES).
    DRF reads the history, decides and writes it back; the lock makes that one
    step, so parallel requests cannot all slip under the limit. It holds per
    process, as the default (local-memory) cache is per process.
    """

    _lock = threading.Lock()

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        with self._lock:
            return super().allow_request(request, view)


class TokenThrottle(ClientRateThrottle):
    scope = "tokens"
    rate = "20/min"


class TokenView(APIView):
    permission_classes = [AllowAny]
    # Listed so that a failed login answers 401 with a WWW-Authenticate header.
    authentication_classes = [ExpiringTokenAuthentication]
    throttle_classes = [TokenThrottle]

    def perform_authentication(self, request):
        # Asking for a token needs no token: an expired one in the header must not stop it.
        if request.method != "POST":
            super().perform_authentication(request)

    @extend_schema(
        tags=["accounts"],
        summary="Get your API token (send it as 'Authorization: Token <key>')",
        description=(
            "Answers the current token, or a new one when it has expired. Tokens expire "
            "after KENNISSCHAKEL_TOKEN_TTL_DAYS days (default 30) and are revoked when the "
            "password changes. Repeated wrong passwords lock the address for this client "
            "(429, application/problem+json)."
        ),
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expires": serializers.DateTimeField()},
        ),
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        user = authenticate_serially(
            lambda: authenticate(
                request._request, username=email, password=serializer.validated_data["password"]
            ),
            email,
        )
        if user is None or not user.is_active:
            # A lock-out is answered by axes' middleware (429, accounts.lockout).
            raise AuthenticationFailed(_("Email address or password is incorrect."))
        token = current_token(user)
        return Response({"token": token.key, "expires": expires_at(token)})

    @extend_schema(
        tags=["accounts"],
        summary="Revoke the token this request is made with",
        request=None,
        responses={204: OpenApiResponse(description="The token no longer works.")},
    )
    def delete(self, request):
        if not (request.user and request.user.is_authenticated):
            raise NotAuthenticated()
        revoke_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
