"""Optional single sign-on through OpenID Connect (mozilla-django-oidc); see docs/oidc.md."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kennisschakel.accounts.models import Role


class KennisschakelOIDCBackend(OIDCAuthenticationBackend):
    """Match SSO users on their email address; new ones start as readers."""

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            email=claims["email"].lower(),
            full_name=claims.get("name", ""),
            role=Role.READER,
        )

    def update_user(self, user, claims):
        if claims.get("name") and not user.full_name:
            user.full_name = claims["name"]
            user.save(update_fields=["full_name"])
        return user
