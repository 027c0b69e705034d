"""Proper names for the matcher (issue 12): the analyzer it is built with, the names it
must never split, the names a place abroad is recognised by, and the places, networks,
institutions and countries a practice's text names."""

from kennisschakel.engines.matching.entities import NameTable
from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.folding import is_latin
from kennisschakel.matching.countries import country_words
from kennisschakel.matching.facts import ACTIVE, INSTITUTION_TYPES, NETWORK_TYPES
from kennisschakel.partnerships.models import PartnershipPartner
from kennisschakel.register import models as register

_ANALYZER = None


def shared_analyzer():
    """One Dutch analyzer per process for building (its lexicon takes a second to load).
    An opened matcher brings its own, over the lexicon saved with it."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = DutchAnalyzer()
    return _ANALYZER


def protected_names() -> list[str]:
    """Proper names that are no candidate but must not be split either (issue 12):
    countries (Nieuw-Zeeland is not Zeeland) and provinces."""
    names = []
    for name_nl, name_en in register.Country.objects.values_list("name_nl", "name_en"):
        names += [name for name in (name_nl, name_en) if name]
    names += register.Province.objects.values_list("name", flat=True)
    return sorted(set(names))


def place_names(name: str, variants) -> frozenset[str]:
    """The names a place abroad is recognised by in a question: its name and the variants
    a Dutch or English writer could use. Left out: transliterations that share no word
    with the name ("ka sa bu lan ka", "White House" for Casablanca), variants shorter
    than four letters, and single words that are ordinary Dutch words (the lexicon)."""
    analyzer = shared_analyzer()
    own = analyzer.name_words(name)
    joined = "".join(own)
    names = {name}
    for variant in variants or ():
        words = analyzer.name_words(variant)
        if not words or not is_latin(variant) or len("".join(words)) < 4:
            continue
        if len(words) == 1:
            if words == own or (words[0] not in analyzer.lexicon and len(words[0]) >= 4):
                names.add(variant)
        elif "".join(words) == joined or (set(words) & set(own) - analyzer.stopwords):
            names.add(variant)
    return frozenset(names)


class MentionFinder:
    """The places abroad (in an active partnership), networks, institutions and countries
    a practice's text names, as whole names (``matchengine.NameTable``): built on first
    use, in three queries."""

    def __init__(self):
        self._table = None
        self._where: dict[str, tuple[str | None, str | None]] = {}

    def _build(self):
        analyzer = shared_analyzer()
        table = NameTable(analyzer.name_words, analyzer.stopwords)
        regions = {}
        for iso2, name_nl, name_en, region in register.Country.objects.values_list(
            "iso2", "name_nl", "name_en", "world_region__slug"
        ):
            regions[iso2] = region
            table.add(f"country:{iso2}", [n for n in (name_nl, name_en) if n and len(n) > 3])
            self._where[f"country:{iso2}"] = (iso2, region)
        for word, iso2 in country_words().items():  # adjectives: "Duitse", "Marokkaanse"
            table.add(f"country:{iso2}", [word])
        places = (
            PartnershipPartner.objects.filter(
                partnership__status__in=ACTIVE,
                status=PartnershipPartner.Status.CONFIRMED,
                place__isnull=False,
            )
            .values_list("place_id", "place__name", "place__name_variants", "place__country__iso2")
            .distinct()
        )
        for place_id, name, variants, iso2 in places:
            table.add(f"place:{place_id}", place_names(name, variants))
            self._where[f"place:{place_id}"] = (iso2, regions.get(iso2))
        for slug, kind, name, short in register.Organisation.objects.filter(
            type__in=NETWORK_TYPES | INSTITUTION_TYPES
        ).values_list("slug", "type", "name", "short_name"):
            prefix = "network" if kind in NETWORK_TYPES else "institution"
            table.add(f"{prefix}:{slug}", [n for n in (name, short) if n])
        self._table = table

    def find(self, text: str) -> tuple[set[str], set[str], set[str]]:
        """(candidate keys, ISO2 codes, world regions) that ``text`` names."""
        if self._table is None:
            self._build()
        keys, countries, regions = set(), set(), set()
        for key in self._table.find(text):
            iso2, region = self._where.get(key, (None, None))
            countries |= {iso2} if iso2 else set()
            regions |= {region} if region else set()
            if not key.startswith("country:"):
                keys.add(key)
        return keys, countries, regions
