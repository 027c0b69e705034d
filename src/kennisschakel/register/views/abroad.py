"""The register's pages abroad: the place search, a place, countries by world region."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from kennisschakel.register import models as m
from kennisschakel.register.forms import PlaceSearchForm
from kennisschakel.register.services import search_places


def place_search(request):
    form = PlaceSearchForm(request.GET or None)
    results = []
    if form.is_bound and form.is_valid():
        country = form.cleaned_data.get("country")
        results = search_places(
            form.cleaned_data["q"], country=country.iso2 if country else None, limit=50
        )
    template = (
        "register/_place_results.html"
        if request.headers.get("HX-Request")
        else "register/place_search.html"
    )
    return render(request, template, {"form": form, "results": results})


def place_detail(request, pk):
    place = get_object_or_404(m.ForeignPlace.objects.select_related("country__world_region"), pk=pk)
    return render(request, "register/place_detail.html", {"place": place})


def country_list(request):
    regions = m.WorldRegion.objects.annotate(country_count=Count("countries"))
    countries = m.Country.objects.select_related("world_region").order_by("name_nl")
    region = request.GET.get("region")
    if region:
        countries = countries.filter(world_region__slug=region)
    return render(
        request,
        "register/country_list.html",
        {"regions": regions, "countries": countries, "region": region},
    )


def country_detail(request, iso2):
    country = get_object_or_404(m.Country.objects.select_related("world_region"), iso2=iso2.upper())
    places = country.places.order_by("-population")[:50]
    return render(request, "register/country_detail.html", {"country": country, "places": places})
