"""Filters of the question and offer API lists; their names are the query parameters, in
lower camelCase (NL API Design Rules): ?organisation=<slug>, not ?organisation__slug=."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kennisschakel.matching.models import Offer, Question


class QuestionFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Organisation"), help_text="slug"
    )

    class Meta:
        model = Question
        fields = ["status"]


class OfferFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Organisation"), help_text="slug"
    )

    class Meta:
        model = Offer
        fields = ["active"]
