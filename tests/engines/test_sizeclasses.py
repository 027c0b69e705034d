"""Size classes at their boundaries, both as the plain engine and through the register."""

import pytest

from kennisschakel.engines.sizeclasses import SizeBand, check_scheme, classify
from kennisschakel.register.models import Municipality, SizeScheme
from kennisschakel.register.services import size_schemes

# (inhabitants, 2009 monitor class, 2021 knowledge-survey class)
BOUNDARIES = [
    (0, "gib2009-0-10k", "kennis2021-tot-25k"),
    (9_999, "gib2009-0-10k", "kennis2021-tot-25k"),
    (10_000, "gib2009-10k-20k", "kennis2021-tot-25k"),
    (20_000, "gib2009-20k-50k", "kennis2021-tot-25k"),
    (25_000, "gib2009-20k-50k", "kennis2021-tot-25k"),
    (25_001, "gib2009-20k-50k", "kennis2021-25k-50k"),
    (50_000, "gib2009-50k-100k", "kennis2021-25k-50k"),
    (50_001, "gib2009-50k-100k", "kennis2021-50k-100k"),
    (100_000, "gib2009-100k-plus", "kennis2021-50k-100k"),
    (100_001, "gib2009-100k-plus", "kennis2021-100k-plus"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("inhabitants", "class_2009", "class_2021"), BOUNDARIES)
def test_boundaries_of_both_schemes(inhabitants, class_2009, class_2021):
    schemes = {s.scheme.slug: s for s in size_schemes()}
    assert schemes["gib2009"].class_for(inhabitants).slug == class_2009
    assert schemes["kennis2021"].class_for(inhabitants).slug == class_2021


@pytest.mark.django_db
@pytest.mark.parametrize(("inhabitants", "class_2009", "class_2021"), BOUNDARIES)
def test_database_filter_agrees_with_engine(inhabitants, class_2009, class_2021):
    """The list filter selects by inhabitants in SQL; it must put a municipality
    in the same class as the engine does."""
    municipality = Municipality.objects.get(cbs_code="GM0988")
    municipality.inhabitants = inhabitants
    municipality.save()
    for scheme in SizeScheme.objects.prefetch_related("classes"):
        matching = [
            c.slug
            for c in scheme.classes.all()
            if Municipality.objects.filter(c.population_filter(), pk=municipality.pk).exists()
        ]
        assert matching == [class_2009 if scheme.slug == "gib2009" else class_2021]


def test_scheme_checks_find_gaps_and_overlaps():
    good = [SizeBand("a", 0, 99), SizeBand("b", 100, None)]
    assert check_scheme(good) == []
    assert "do not join" in check_scheme([SizeBand("a", 0, 99), SizeBand("b", 101, None)])[0]
    assert "not open-ended" in check_scheme([SizeBand("a", 0, 99), SizeBand("b", 100, 200)])[0]
    assert classify(150, good) == "b"
    assert classify(-1, good) is None


@pytest.mark.django_db
def test_every_municipality_has_exactly_one_class_per_scheme():
    schemes = size_schemes()
    for municipality in Municipality.objects.all():
        for scheme in schemes:
            assert scheme.class_for(municipality.inhabitants) is not None, municipality
