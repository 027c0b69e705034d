from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from kennisschakel.accounts.lockout import authenticate_serially
from kennisschakel.core.background.outbox import queue_email


class SerialLoginMixin:
    """Check one address's password one attempt at a time, so the lock-out count holds
    under parallel requests (accounts/lockout.py)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        parent_clean = super().clean
        return authenticate_serially(parent_clean, username)


class EmailLoginForm(SerialLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _(
            "The email address or password is incorrect. Both are case-sensitive "
            "except the email address."
        ),
        "inactive": _("This account has been deactivated."),
    }


class AdminLoginForm(SerialLoginMixin, AdminAuthenticationForm):
    """The admin's login, with the same serialised lock-out as the site's."""


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email going through the outbox (core/background):
    no SMTP inside the request, and retried when the mail server is down."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email(subject, body, [to_email], from_email=from_email)
