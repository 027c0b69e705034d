"""{% digest_preference %}: the email-digest choice, for the Account page (accounts/
profile.html) without the accounts view having to know this app."""

from django import template

from kennisschakel.notifications import services
from kennisschakel.notifications.forms import DigestForm

register = template.Library()


@register.inclusion_tag("notifications/_digest_form.html", takes_context=True)
def digest_preference(context):
    request = context["request"]
    preference = services.preference_of(request.user)
    return {
        "form": DigestForm(initial={"frequency": preference.frequency}),
        "preference": preference,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
    }
