from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.notifications.models import DigestPreference


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often do you want an email with your new notifications?"),
        choices=DigestPreference.Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "One email with your unread notifications, only when there is something new. "
            "Emails about an introduction still come straight away."
        ),
        error_messages={"invalid_choice": _("Choose never, daily or weekly.")},
    )
