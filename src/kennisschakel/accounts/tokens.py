"""API tokens: DRF's authtoken model, with a lifetime, revoked with the password.

We keep ``rest_framework.authtoken`` rather than a model of our own with hashed
keys: every app's API tests, the documented ``Authorization: Token <key>`` header
and the profile page already use it, and expiry and revocation need no new
columns (``Token.created`` dates each key; a renewed key is a new row). The
known gap is that keys are stored as they are sent, so whoever can read the
database can use them until they expire (docs/security.md).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_lifetime() -> timedelta:
    return timedelta(days=settings.KENNISSCHAKEL_TOKEN_TTL_DAYS)


def expires_at(token: Token) -> datetime:
    return token.created + token_lifetime()


def is_expired(token: Token) -> bool:
    return expires_at(token) <= timezone.now()


def current_token(user) -> Token:
    """The user's token, replaced by a new one when it has expired."""
    token, _created = Token.objects.get_or_create(user=user)
    if is_expired(token):
        Token.objects.filter(pk=token.pk).delete()
        token, _created = Token.objects.get_or_create(user=user)
    return token


def renew_token(user) -> Token:
    revoke_tokens(user)
    return Token.objects.create(user=user)


def revoke_tokens(user) -> int:
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused with a clear reason once the key has expired."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise AuthenticationFailed(
                _(
                    "This API token has expired. Ask for a new one with POST /api/v1/tokens "
                    "or on your profile page."
                )
            )
        return user, token
