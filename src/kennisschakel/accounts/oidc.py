"""Optional single sign-on through OpenID Connect (mozilla-django-oidc); see docs/oidc.md."""

import logging

from django.contrib import messages
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kennisschakel.accounts.models import Role, normalise_email

logger = logging.getLogger(__name__)


class KennisschakelOIDCBackend(OIDCAuthenticationBackend):
    """Match SSO users on their email address; new ones start as readers.

    Only an address the provider says it has verified (``email_verified`` is
    exactly true) may sign in: otherwise anyone who can put a colleague's
    address in an identity provider's profile would take over the colleague's
    account, or claim the address with a new one.
    """

    def verify_claims(self, claims):
        if not super().verify_claims(claims):
            return False
        if claims.get("email_verified") is not True:
            logger.warning("OIDC sign-in refused: the provider did not verify the email address")
            self._refuse(
                _(
                    "Your organisation's account did not confirm that this email address is "
                    "yours, so you have not been logged in. Ask your organisation's IT "
                    "department to verify the address, or log in with your password."
                )
            )
            return False
        return True

    def _refuse(self, message: str) -> None:
        request = getattr(self, "request", None)
        if request is not None and hasattr(request, "_messages"):
            messages.error(request, message)

    def filter_users_by_claims(self, claims):
        email = normalise_email(claims.get("email"))
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            email=normalise_email(claims["email"]),
            full_name=claims.get("name", ""),
            role=Role.READER,
        )

    def update_user(self, user, claims):
        if claims.get("name") and not user.full_name:
            user.full_name = claims["name"]
            user.save(update_fields=["full_name"])
        return user
