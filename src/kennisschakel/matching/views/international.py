"""The international partner search: places abroad with the Dutch municipalities already
working there, and networks that suit your municipality."""

from django.shortcuts import render

from kennisschakel.matching import services
from kennisschakel.matching.forms import PlaceSearchForm
from kennisschakel.matching.views.ask import own_municipality
from kennisschakel.register import models as register


def international(request):
    """Places abroad by country, region, size and name, with the Dutch municipalities already
    working there and through which programmes; and networks that suit your municipality."""
    from kennisschakel.partnerships.models import PartnershipPartner

    form = PlaceSearchForm(request.GET or None)
    places = []
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        queryset = register.ForeignPlace.objects.select_related("country__world_region")
        if data["country"]:
            queryset = queryset.filter(country=data["country"])
        if data["region"]:
            queryset = queryset.filter(country__world_region=data["region"])
        if data["min_population"]:
            queryset = queryset.filter(population__gte=data["min_population"])
        if data["q"]:
            from kennisschakel.engines.text.folding import fold

            queryset = queryset.filter(search_names__contains=f"|{fold(data['q'])}")
        linked = PartnershipPartner.objects.filter(place__isnull=False)
        linked_ids = set(linked.values_list("place_id", flat=True))
        # Places with Dutch partners first, then the largest.
        chosen = list(queryset.filter(pk__in=linked_ids)[:50]) + list(
            queryset.exclude(pk__in=linked_ids).order_by("-population")[:25]
        )
        # Two queries: which partnerships the places are in, then their Dutch partners.
        place_of: dict[int, set[int]] = {}
        for partnership_id, place_id in PartnershipPartner.objects.filter(
            place__in=[p.pk for p in chosen]
        ).values_list("partnership_id", "place_id"):
            place_of.setdefault(partnership_id, set()).add(place_id)
        dutch: dict[int, list] = {}
        for row in PartnershipPartner.objects.filter(
            partnership_id__in=place_of,
            organisation__type="municipality",
            status=PartnershipPartner.Status.CONFIRMED,  # not those merely named by another
        ).select_related("organisation__municipality", "partnership"):
            for place_id in place_of[row.partnership_id]:
                dutch.setdefault(place_id, []).append(row)
        places = [(place, dutch.get(place.pk, [])) for place in chosen]
    municipality = own_municipality(request.user)
    return render(
        request,
        "matching/international.html",
        {
            "form": form,
            "places": places,
            "municipality": municipality,
            "networks": services.network_suggestions(municipality) if municipality else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
