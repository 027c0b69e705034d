"""Filters shared by the HTML list pages and the API, so both answer alike.

Filter names are the query parameters of both, in lower camelCase (NL API Design
Rules): ?sizeClass=…, not ?size_class=….
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from kennisschakel.register import models as m
from kennisschakel.register.services import search_municipalities


class MunicipalityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        queryset=m.Province.objects.all(),
        to_field_name="code",
        empty_label=_("All provinces"),
        method="filter_province",
    )
    sizeClass = django_filters.ModelChoiceFilter(
        label=_("Size class"),
        queryset=m.SizeClass.objects.select_related("scheme"),
        to_field_name="slug",
        empty_label=_("All sizes"),
        method="filter_size_class",
    )
    grouping = django_filters.ModelChoiceFilter(
        label=_("Grouping"),
        queryset=m.Grouping.objects.all(),
        to_field_name="slug",
        empty_label=_("All groupings"),
        method="filter_grouping",
    )
    border = django_filters.ModelChoiceFilter(
        label=_("Borders on"),
        queryset=m.Country.objects.filter(border_municipalities__isnull=False).distinct(),
        to_field_name="iso2",
        empty_label=_("Any"),
        method="filter_border",
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=_("name (A–Z)"),
        fields=(
            ("sort_name", "name"),
            ("inhabitants", "inhabitants"),
            ("province__name", "province"),
        ),
        field_labels={
            "sort_name": _("name"),
            "inhabitants": _("inhabitants"),
            "province__name": _("province"),
        },
    )

    class Meta:
        model = m.Municipality
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Label size classes with their scheme, so the two schemes can share one list.
        self.filters["sizeClass"].field.label_from_instance = lambda c: (
            f"{c.scheme.name}: {c.label}"
        )
        # Accept province names too: ?province=Limburg as well as ?province=PV31.
        if self.data.get("province") and not str(self.data["province"]).upper().startswith("PV"):
            from kennisschakel.engines.text.folding import fold
            from kennisschakel.register.services import province_lookup

            match = province_lookup().get(fold(str(self.data["province"])))
            if match:
                self.data = self.data.copy()
                self.data["province"] = match.code

    def filter_name(self, queryset, name, value):
        return search_municipalities(queryset, value)

    @extend_schema_field(OpenApiTypes.STR)
    def filter_province(self, queryset, name, value):
        return queryset.filter(province=value)

    @extend_schema_field(OpenApiTypes.STR)
    def filter_size_class(self, queryset, name, value):
        return queryset.filter(value.population_filter())

    @extend_schema_field(OpenApiTypes.STR)
    def filter_grouping(self, queryset, name, value):
        return queryset.filter(grouping_memberships__grouping=value)

    @extend_schema_field(OpenApiTypes.STR)
    def filter_border(self, queryset, name, value):
        return queryset.filter(border_segments__country=value)


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=m.Organisation.Type.choices, empty_label=_("All types")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=m.Organisation.Level.choices, empty_label=_("All levels")
    )
    domain = django_filters.ModelChoiceFilter(
        label=_("Policy domain"),
        queryset=m.PolicyDomain.objects.filter(parent__isnull=True),
        to_field_name="slug",
        empty_label=_("All domains"),
        method="filter_domain",
    )

    class Meta:
        model = m.Organisation
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_domain(self, queryset, name, value):
        return queryset.filter(domains__in=[value, *value.children.all()]).distinct()


class MergerFilter(django_filters.FilterSet):
    oldCode = django_filters.CharFilter(
        field_name="old_code", label=_("Former CBS code"), help_text="e.g. GM0017"
    )
    newCode = django_filters.CharFilter(
        field_name="new_code", label=_("CBS code after the merger"), help_text="e.g. GM0014"
    )

    class Meta:
        model = m.Merger
        fields: list[str] = []


class CountryFilter(django_filters.FilterSet):
    worldRegion = django_filters.CharFilter(
        field_name="world_region__slug", label=_("World region"), help_text="slug, e.g. west-europa"
    )

    class Meta:
        model = m.Country
        fields: list[str] = []
