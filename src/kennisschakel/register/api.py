"""REST API for the register: /api/v1/municipalities, /organisations, /countries, /places …"""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from kennisschakel.register import models as m
from kennisschakel.register import serializers as s
from kennisschakel.register.filters import (
    CountryFilter,
    MergerFilter,
    MunicipalityFilter,
    OrganisationFilter,
)
from kennisschakel.register.services import (
    municipality_queryset,
    resolve_code,
    search_places,
    size_schemes,
    update_municipality,
)


class MunicipalityEditSerializer(s.MunicipalitySerializer):
    class Meta(s.MunicipalitySerializer.Meta):
        read_only_fields = ["cbs_code", "name", "source"]

    def update(self, instance, validated_data):
        return update_municipality(instance, validated_data)


@extend_schema_view(
    list=extend_schema(summary="List Dutch municipalities", tags=["municipalities"]),
    retrieve=extend_schema(summary="One municipality by CBS code", tags=["municipalities"]),
    partial_update=extend_schema(
        summary="Correct register facts (facilitators only)", tags=["municipalities"]
    ),
)
class MunicipalityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = municipality_queryset().order_by("sort_name")
    serializer_class = MunicipalityEditSerializer
    # Sorting is part of MunicipalityFilter (?ordering=name|-inhabitants|province), as on the site.
    filter_backends = [DjangoFilterBackend]
    filterset_class = MunicipalityFilter
    lookup_field = "cbs_code"
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        code = self.kwargs["cbs_code"]
        if not m.cbs_code_validator.regex.match(code):
            raise NotFound(
                _("'%(code)s' is not a CBS municipality code (GM followed by four digits).")
                % {"code": code}
            )
        try:
            return super().get_object()
        except Http404 as error:
            resolution = resolve_code(code)
            if resolution.municipality and resolution.steps:
                raise NotFound(
                    _(
                        "Municipality %(code)s no longer exists; "
                        "it is now part of %(name)s (%(new)s)."
                    )
                    % {
                        "code": code,
                        "name": resolution.municipality.display_name,
                        "new": resolution.municipality.cbs_code,
                    }
                ) from error
            raise NotFound(
                _("There is no municipality with CBS code %(code)s.") % {"code": code}
            ) from error

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["size_schemes"] = size_schemes()
        return context


@extend_schema(
    tags=["municipalities"],
    summary="Where a former municipality's code continues today",
    parameters=[
        OpenApiParameter("code", str, OpenApiParameter.PATH, description="CBS code, e.g. GM0017"),
        OpenApiParameter("date", OpenApiTypes.DATE, description="Follow mergers up to this date."),
    ],
    responses=inline_serializer(
        "CodeResolution",
        {
            "code": serializers.CharField(),
            "current": s.MunicipalitySerializer(allow_null=True),
            "steps": s.MergerSerializer(many=True),
        },
    ),
)
class FormerMunicipalityViewSet(viewsets.ViewSet):
    lookup_field = "code"

    def retrieve(self, request, code=None):
        on = request.query_params.get("date")
        if on is not None:  # an empty ?date= is malformed too (400), not "no date"
            try:
                on = datetime.date.fromisoformat(on)
            except ValueError as error:
                raise ValidationError(
                    {"date": _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": on}}
                ) from error
        resolution = resolve_code(code, on)
        if resolution.municipality is None:
            raise NotFound(_("There is no municipality with CBS code %(code)s.") % {"code": code})
        context = {"request": request, "size_schemes": size_schemes()}
        return Response(
            {
                "code": code.upper(),
                "current": s.MunicipalitySerializer(resolution.municipality, context=context).data,
                "steps": s.MergerSerializer(resolution.steps, many=True).data,
            }
        )


@extend_schema_view(
    list=extend_schema(summary="Municipal mergers (herindelingen)", tags=["municipalities"]),
)
class MergerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = m.Merger.objects.all()
    serializer_class = s.MergerSerializer
    filterset_class = MergerFilter


@extend_schema_view(
    list=extend_schema(summary="Size-class schemes and their classes", tags=["register"]),
    retrieve=extend_schema(summary="One size-class scheme", tags=["register"]),
)
class SizeSchemeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = m.SizeScheme.objects.prefetch_related("classes")
    serializer_class = s.SizeSchemeSerializer
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="Groupings (G4, G40, Euregio's …)", tags=["register"]),
    retrieve=extend_schema(summary="One grouping with its members", tags=["register"]),
)
class GroupingViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = m.Grouping.objects.prefetch_related("municipalities")
    serializer_class = s.GroupingSerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]


@extend_schema_view(
    list=extend_schema(summary="Provinces", tags=["register"]),
)
class ProvinceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = m.Province.objects.all()
    serializer_class = s.ProvinceSerializer
    pagination_class = None


@extend_schema_view(
    list=extend_schema(summary="Countries with their monitor world region", tags=["abroad"]),
    retrieve=extend_schema(summary="One country by ISO 3166-1 alpha-2 code", tags=["abroad"]),
)
class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = m.Country.objects.select_related("world_region")
    serializer_class = s.CountrySerializer
    lookup_field = "iso2"
    filterset_class = CountryFilter

    def get_object(self):
        self.kwargs["iso2"] = self.kwargs["iso2"].upper()
        return super().get_object()


@extend_schema_view(
    list=extend_schema(
        summary="Search places abroad by any name variant",
        tags=["abroad"],
        parameters=[
            OpenApiParameter("q", str, description="Name or variant, e.g. Neurenberg"),
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code"),
        ],
    ),
    retrieve=extend_schema(summary="One place abroad", tags=["abroad"]),
)
class ForeignPlaceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = m.ForeignPlace.objects.select_related("country", "country__world_region")
    serializer_class = s.ForeignPlaceSerializer
    filter_backends: list = []

    def list(self, request, *args, **kwargs):
        query = request.query_params.get("q", "").strip()
        country = request.query_params.get("country", "").strip() or None
        if country and not m.Country.objects.filter(iso2=country.upper()).exists():
            raise ValidationError(
                {"country": _("'%(value)s' is not an ISO country code.") % {"value": country}}
            )
        if not query:
            queryset = self.get_queryset()
            if country:
                queryset = queryset.filter(country__iso2=country.upper())
            page = self.paginate_queryset(queryset.order_by("-population", "name"))
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        results = search_places(query, country=country, limit=50)
        return Response(
            {
                "count": len(results),
                "next": None,
                "previous": None,
                "results": self.get_serializer(results, many=True).data,
            }
        )


@extend_schema_view(
    list=extend_schema(summary="Organisations, networks and institutions", tags=["organisations"]),
    retrieve=extend_schema(summary="One organisation", tags=["organisations"]),
    create=extend_schema(summary="Add an organisation (facilitators)", tags=["organisations"]),
    partial_update=extend_schema(
        summary="Update an organisation profile (own organisation or facilitator)",
        tags=["organisations"],
    ),
)
class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = m.Organisation.objects.select_related("municipality").prefetch_related("domains")
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return s.OrganisationCreateSerializer
        return s.OrganisationSerializer
