"""Small builders for hand-made candidate sets."""

from kennisschakel.engines.matching import Asker, Candidate, Query

YEAR = 2025
S = frozenset


def candidate(key: str, text: str = "", **fields) -> Candidate:
    kind = fields.pop("type", key.partition(":")[0])
    name = fields.pop("name", key)
    return Candidate(key=key, type=kind, name=name, text={"title": text or name}, **fields)


def municipality(code: str, text: str = "", **fields) -> Candidate:
    return candidate(f"municipality:{code}", text or code, municipality=code, **fields)


def query(text: str, **fields) -> Query:
    fields.setdefault("year", YEAR)
    return Query(text=text, **fields)


ASKER = Asker(
    municipality="GM0988",
    province="PV31",
    size_class="gib2009-20k-50k",
    border_countries=S({"BE"}),
    partners=S(),
    networks=S(),
    offers=S(),
)


def keys(matches) -> list[str]:
    return [match.key for match in matches]


def reason_codes(match) -> list[str]:
    return [reason.code for reason in match.reasons]
