from django.contrib.auth.backends import ModelBackend

from kennisschakel.accounts.models import normalise_email


class EmailBackend(ModelBackend):
    """Log in with an email address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get("email")
        if email is None or password is None:
            return None
        return super().authenticate(request, username=normalise_email(email), password=password)
