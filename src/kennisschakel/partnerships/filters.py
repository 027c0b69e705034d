"""Filters of the partnership API lists; their names are the query parameters, in lower
camelCase (NL API Design Rules), and name related objects by their slug or code."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kennisschakel.partnerships.models import ExchangeActivity, NetworkMembership, Partnership


class PartnershipFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(
        label=_("Country"),
        help_text="ISO 3166-1 alpha-2 code: partnerships with a place in that country or "
        "with the country as a whole (as ?country= on the partnerships page)",
        method="filter_country",
    )

    class Meta:
        model = Partnership
        fields = ["kind", "status"]

    def filter_country(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(
            Q(partners__place__country__iso2=code) | Q(partners__country__iso2=code)
        ).distinct()


class ActivityFilter(django_filters.FilterSet):
    partnership = django_filters.CharFilter(
        field_name="partnership__slug", label=_("Partnership"), help_text="slug"
    )

    class Meta:
        model = ExchangeActivity
        fields = ["form"]


class MembershipFilter(django_filters.FilterSet):
    network = django_filters.CharFilter(
        field_name="network__slug", label=_("Network"), help_text="slug of the network"
    )
    member = django_filters.CharFilter(
        field_name="member__slug", label=_("Member"), help_text="slug of the member organisation"
    )

    class Meta:
        model = NetworkMembership
        fields: list[str] = []
