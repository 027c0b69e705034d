"""Parties by name: suggestions for the autocomplete and server-side resolution.

A *party* is a municipality, a place abroad, an organisation or a country as a whole.
Forms that ask for one accept what a person types: a CBS code (GM0988), a name
(*Weert*, *Den Haag*, *Bergen (NH.)*), a place abroad with its country (*Münster,
Duitsland* or *Münster, DE*) or an organisation's name or abbreviation (*VNG*).

Names match **whole**: the typed text must equal a known name or name variant after
folding (case, accents, punctuation), never a part of one, so *wijk* is not Harderwijk.
Suggestions (:func:`suggest`) also offer names of which a *word* starts with what was
typed (*haag* → Den Haag), because a person is still typing; resolution
(:func:`resolve`) takes only whole names and says which parties a name could mean when
it is ambiguous.

Each look-up reads every kind in a fixed number of queries (municipalities,
organisations and countries are small tables read in one query each; places abroad use
the indexed ``search_names`` column, see :func:`services.search_places`).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kennisschakel.engines.text.folding import fold_words as _fold_words
from kennisschakel.register import models as m
from kennisschakel.register.services import country_lookup, search_places

MUNICIPALITY = "municipality"
PLACE = "place"
ORGANISATION = "organisation"
COUNTRY = "country"
PARTY_KINDS = (MUNICIPALITY, PLACE, ORGANISATION)
ALL_KINDS = (MUNICIPALITY, PLACE, ORGANISATION, COUNTRY)

MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 10
# A place abroad named like a larger one elsewhere does not make the name ambiguous
# when the larger is this many times its size: 'London' is London, England.
DOMINANT_PLACE_FACTOR = 10
CBS_CODE = re.compile(r"^(?:gm)?(\d{4})$", re.IGNORECASE)
# 'Bergen (NH.)' is also called 'Bergen': the province suffix CBS adds to equal names.
_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


# Names are folded on every look-up (the tables are read whole); the names repeat.
fold_words = lru_cache(maxsize=1 << 14)(_fold_words)


@dataclass(frozen=True)
class PartyOption:
    kind: str
    pk: int
    label: str  # what the form field is filled with; resolves back to this party
    detail: str  # what kind of party, and where: shown next to the label
    code: str = ""  # CBS code or ISO code, when the party has one
    exact: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.pk,
            "value": self.label,
            "label": self.label,
            "detail": self.detail,
            "code": self.code,
        }


def _words_start_with(folded: str, needle: str) -> bool:
    return folded.startswith(needle) or f" {needle}" in f" {folded}"


def _match(variants: list[str], needle: str) -> tuple[bool, bool]:
    """(exact, prefix) of a needle against folded name variants."""
    exact = needle in variants
    return exact, exact or any(_words_start_with(variant, needle) for variant in variants)


# -- one reader per kind: (option, exact, prefix) for a folded needle -----------------


def _municipalities(needle: str, whole_only: bool):
    code = CBS_CODE.match(needle.replace(" ", ""))
    rows = m.Municipality.objects.values_list("organisation_id", "cbs_code", "name", "common_name")
    for organisation_id, cbs_code, name, common_name in rows:
        names = [name, common_name] if common_name else [name]
        variants = {fold_words(n) for n in names} | {fold_words(_SUFFIX.sub("", n)) for n in names}
        variants.discard("")
        if code and cbs_code == f"GM{code.group(1)}":
            exact, prefix = True, True
        else:
            exact, prefix = _match(sorted(variants), needle)
            if not prefix and not whole_only and len(needle) >= 3:
                prefix = cbs_code.lower().startswith(needle.replace(" ", ""))
        if exact or (prefix and not whole_only):
            label = common_name if common_name and fold_words(common_name) == needle else name
            yield PartyOption(
                MUNICIPALITY,
                organisation_id,
                label,
                _("municipality, %(code)s") % {"code": cbs_code},
                code=cbs_code,
                exact=exact,
            )


def _organisations(needle: str, whole_only: bool):
    rows = m.Organisation.objects.filter(municipality__isnull=True).values_list(
        "pk", "slug", "name", "short_name"
    )
    for pk, slug, name, short_name in rows:
        variants = [fold_words(name), fold_words(_SUFFIX.sub("", name)), fold_words(slug)]
        if short_name:
            variants.append(fold_words(short_name))
        exact, prefix = _match([v for v in variants if v], needle)
        if exact or (prefix and not whole_only):
            yield PartyOption(
                ORGANISATION,
                pk,
                name,
                short_name or _("organisation"),
                code=short_name,
                exact=exact,
            )


def _places(needle: str, whole_only: bool, country_iso2: str | None = None, limit: int = 10):
    places = search_places(needle, country=country_iso2, limit=limit)
    for place in places:
        exact = f"|{needle}|" in place.search_names or fold_words(place.name) == needle
        if exact or not whole_only:
            country = place.country
            yield (
                PartyOption(
                    PLACE,
                    place.pk,
                    f"{place.name}, {country.name}",
                    _("place in %(country)s") % {"country": country.name},
                    code=country.iso2,
                    exact=exact,
                ),
                place.population or 0,
            )


def _countries(needle: str, whole_only: bool):
    for pk, iso2, iso3, name_nl, name_en in m.Country.objects.values_list(
        "pk", "iso2", "iso3", "name_nl", "name_en"
    ):
        variants = [fold_words(name_nl), fold_words(name_en)]
        exact, prefix = _match(variants, needle)
        exact = exact or needle in (iso2.lower(), iso3.lower())
        if exact or (prefix and not whole_only):
            country = m.Country(iso2=iso2, name_nl=name_nl, name_en=name_en)
            yield PartyOption(COUNTRY, pk, country.name, _("country"), code=iso2, exact=exact)


def _options(needle: str, kinds, whole_only: bool, limit: int) -> list[PartyOption]:
    found: list[PartyOption] = []
    if MUNICIPALITY in kinds:
        found += _municipalities(needle, whole_only)
    if ORGANISATION in kinds:
        found += _organisations(needle, whole_only)
    if PLACE in kinds:
        places = list(_places(needle, whole_only, limit=limit))
        exact_places = [(option, size) for option, size in places if option.exact]
        if len(exact_places) > 1:
            exact_places.sort(key=lambda item: -item[1])
            first, second = exact_places[0][1], exact_places[1][1]
            if first >= DOMINANT_PLACE_FACTOR * max(second, 1):
                dropped = {option.key for option, _size in exact_places[1:]}
                places = [(o, s) for o, s in places if o.key not in dropped]
        found += [option for option, _size in places]
    if COUNTRY in kinds:
        found += _countries(needle, whole_only)
    order = {kind: position for position, kind in enumerate(ALL_KINDS)}
    found.sort(key=lambda o: (not o.exact, order[o.kind], fold_words(o.label)))
    return found[:limit]


def clean_query(text) -> str:
    """The folded text to look up; raises ValueError for text no name can be."""
    if not isinstance(text, str) or len(text) > MAX_QUERY_LENGTH or "\x00" in text:
        raise ValueError("bad query")
    return fold_words(text)


def suggest(text: str, kinds=PARTY_KINDS, limit: int = DEFAULT_LIMIT) -> list[PartyOption]:
    """Parties whose name, name variant or code equals what was typed (first) or of which
    a word starts with it. Empty for fewer than two characters."""
    needle = clean_query(text)
    if len(needle) < 2:
        return []
    return _options(needle, kinds, whole_only=False, limit=limit)


def _with_country(text: str, kinds) -> list[PartyOption]:
    """'Münster, Duitsland' / 'Münster, DE': a place abroad in a named country."""
    if PLACE not in kinds or "," not in text:
        return []
    name, _sep, qualifier = text.rpartition(",")
    country = country_lookup(qualifier)
    needle = fold_words(name)
    if country is None or not needle:
        return []
    exact = [option for option, _size in _places(needle, True, country_iso2=country.iso2)]
    return exact[:1]  # within one country, the largest place of that name


def _describe(option: PartyOption) -> str:
    if option.kind == MUNICIPALITY:
        return f"{option.label} ({option.code})"
    return option.label


def resolve(text: str, kinds=PARTY_KINDS) -> PartyOption:
    """The one party a typed name means. Raises ValidationError in Dutch (via i18n) when
    no party has that name, or when it names several (the message lists them, each as
    it can be typed to choose it)."""
    try:
        needle = clean_query(text)
    except ValueError:
        raise ValidationError(_("That is too long for a name.")) from None
    if not needle:
        raise ValidationError(_("Type a name."))
    matches = _options(needle, kinds, whole_only=True, limit=50) or _with_country(text, kinds)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        suggestions = _options(needle, kinds, whole_only=False, limit=5) if len(needle) > 1 else []
        if suggestions:
            raise ValidationError(
                _("No party is called '%(name)s'. Did you mean: %(options)s?")
                % {"name": text.strip(), "options": "; ".join(map(_describe, suggestions))}
            )
        if tuple(kinds) == (COUNTRY,):
            unknown = _("No country called '%(name)s' is known.")
        else:
            unknown = _("No municipality, place abroad or organisation called '%(name)s' is known.")
        raise ValidationError(unknown % {"name": text.strip()})
    raise ValidationError(
        _("'%(name)s' can mean more than one party: %(options)s. Type the name as listed.")
        % {"name": text.strip(), "options": "; ".join(map(_describe, matches))}
    )
