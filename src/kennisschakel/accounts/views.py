from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from kennisschakel.accounts.forms import EmailLoginForm, OutboxPasswordResetForm
from kennisschakel.accounts.lockout import forget_failures
from kennisschakel.accounts.tokens import expires_at, is_expired, renew_token, revoke_tokens


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = OutboxPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)  # saving the password also revokes API tokens
        # The owner proved the address through the email link; the lock-out page
        # promises that a new password lets them back in.
        forget_failures(form.user.email)
        return response


@login_required
def profile(request):
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "token_expires": expires_at(token) if token else None,
        "token_expired": bool(token and is_expired(token)),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def renew_token_view(request):
    renew_token(request.user)
    messages.success(request, _("A new API token has been made; the old one no longer works."))
    return redirect("accounts:profile")


@login_required
@require_POST
def revoke_token_view(request):
    revoke_tokens(request.user)
    messages.success(request, _("Your API token has been revoked; programs using it are refused."))
    return redirect("accounts:profile")
