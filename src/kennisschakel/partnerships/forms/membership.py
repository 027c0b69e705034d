"""An organisation's membership of a network or platform."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kennisschakel.partnerships.models import NetworkMembership
from kennisschakel.register.widgets import grouped_domain_field

# Organisation types that members can join (register.Organisation.type).
NETWORK_TYPES = ["network", "knowledge_platform", "association"]


class MembershipForm(forms.ModelForm):
    """Your organisation's membership of a network or platform."""

    class Meta:
        model = NetworkMembership
        fields = ["network", "role", "since", "until", "themes", "source"]

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kennisschakel.register.models import Organisation, PolicyDomain

        self.member = member or getattr(self.instance, "member", None)
        self.fields["network"].queryset = Organisation.objects.filter(
            type__in=NETWORK_TYPES
        ).order_by("name")
        self.fields["themes"].queryset = PolicyDomain.objects.order_by("name_nl")
        grouped_domain_field(self.fields["themes"])
        self.fields["source"].label = _("Source or link (optional)")
        for name in ("since", "until"):
            self.fields[name].widget.attrs.update({"min": 1900, "max": 2100})
        if self.instance.pk:
            self.fields["network"].disabled = True

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end year lies before the start year."))
        network = cleaned.get("network")
        already = (
            network is not None
            and self.member is not None
            and not self.instance.pk
            and NetworkMembership.objects.filter(member=self.member, network=network).exists()
        )
        if already:
            self.add_error(
                "network",
                _("%(member)s is already a member of %(network)s.")
                % {"member": self.member, "network": network},
            )
        return cleaned

    def save(self, commit=True):
        self.instance.member = self.member
        return super().save(commit)
