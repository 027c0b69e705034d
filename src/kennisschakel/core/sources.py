"""The five research reports Kennisschakel is built from, and public citations of them.

Rows imported from the reports carry a ``source`` such as ``000 §5.3 (Weert,
Kennisdeling); 003 Samenvatting``: the file prefix of the report (``../shared/seeds/``)
and where in it. Public pages show that as a citation a reader can follow —
"Monrooij (2021), §5.3 (Weert, Kennisdeling); Rathenau Instituut (2021), Samenvatting" —
each report linked to the *Bronnen* page with its full reference.

Provenance notes for maintainers (which file a register row came from, how a grouping's
membership was checked) stay in ``docs/data-sources.md`` and the admin: ``public_source``
leaves them out.
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Report:
    key: str  # the file prefix in the seeds
    citation: str  # author (year), as cited in a sentence
    reference: str  # the full reference
    about: str  # what it is, in one sentence


# Authors, titles, publishers and dates as the reports themselves print them (seeds
# README and each report's title page or closing page); where a report's text does not
# give its title or year, the reference says so rather than guessing.
REPORTS: dict[str, Report] = {
    report.key: report
    for report in (
        Report(
            "000",
            "Monrooij (2021)",
            "Monrooij, E. (2021). Kennis delen over de grens: ‘voor wat, hoort wat’? Een "
            "kwalitatief onderzoek naar de motieven van Nederlandse gemeenten om al dan niet "
            "kennis te delen met gemeenten over de grens. Masterscriptie Bestuur & Beleid, "
            "Universiteit Utrecht (USBO), 23 juni 2021.",
            "Waarom Den Haag, Enschede, Weert en Opsterland wel of geen kennis delen met "
            "gemeenten in het buitenland.",
        ),
        Report(
            "001",
            "Van Ewijk (samenvatting)",
            "Van Ewijk, E. Samenvatting van het promotieonderzoek ‘Between local governments "
            "and communities: Knowledge exchange and mutual learning in Dutch-Moroccan and "
            "Dutch-Turkish municipal partnerships’, Universiteit van Amsterdam (promotor "
            "prof. dr. I.S.A. Baud). Jaar van de samenvatting niet vermeld in de tekst.",
            "Gemeentebanden met Marokko en Turkije (Rotterdam–Casablanca, Zeist–Berkane, "
            "Meppel–Al Hoceima, Amsterdam–Kocaeli, Haarlem–Emirdag) en wederzijds leren.",
        ),
        Report(
            "002",
            "Kroes, Dekker en Stavenuiter (2012)",
            "Kroes, W., Dekker, F. & Stavenuiter, M. (2012). Over de schutting kijken. "
            "Intergemeentelijk leren rond de Wmo en armoedebestrijding. Utrecht: "
            "Verwey-Jonker Instituut, februari 2012.",
            "Hoe gemeenten van elkaar leren over de Wmo en armoedebeleid, na de Stedenestafette.",
        ),
        Report(
            "003",
            "Rathenau Instituut (2021)",
            "Rathenau Instituut (2021). Enquête onder gemeenteambtenaren over gemeentelijk "
            "kennisbeleid (107 van de 352 gemeenten). Den Haag: Rathenau Instituut. De titel "
            "van het rapport is niet in de tekst overgeleverd.",
            "Hoe gemeenten kennis vinden, gebruiken en delen, en de behoefte aan "
            "kennisschakelpunten.",
        ),
        Report(
            "004",
            "VNG (2009)",
            "VNG (2009). Mondiaal op eigen schaal. De derde monitor van het gemeentelijk "
            "internationaal beleid. Den Haag: Vereniging van Nederlandse Gemeenten, met "
            "financiële steun van de NCDO.",
            "De stand van het gemeentelijk internationaal beleid in 2009, vergeleken met "
            "1999 en 2005.",
        ),
    )
}

_PREFIX = re.compile(r"(?<![\w.§-])(00[0-4])(?![\w.-])")
# Parts of a source note that are for maintainers, not readers: how a membership was
# checked, where a register file came from, what the reports do not name, demo rows.
_INTERNAL = re.compile(
    r"^\s*(membership:|province via|not named|description:|demo\s*$)", re.IGNORECASE
)
_LABEL = re.compile(r"^\s*world region:\s*", re.IGNORECASE)


def _top_level_parts(source: str) -> list[str]:
    """``source`` split at the semicolons outside brackets ("§5.1 (D6; D3)" stays whole)."""
    parts, depth, current = [], 0, []
    for char in source:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth <= 0:
            parts.append("".join(current))
            current, depth = [], 0
        else:
            current.append(char)
    return [*parts, "".join(current)]


def public_source(source: str) -> str:
    """The source as a reader needs it: report prefixes kept (``cite`` links them),
    maintainers' provenance notes left out ("… via a repository", "membership: …")."""
    kept = []
    for part in _top_level_parts(source or ""):
        if _INTERNAL.match(part):
            continue
        part = _LABEL.sub("", part)
        part = part.split(" via ", 1)[0].strip()  # "CBS StatLine … via repo/file" → CBS
        if part:
            kept.append(part)
    return "; ".join(kept)


def cite(source: str) -> SafeString:
    """``public_source`` as HTML with each report prefix replaced by its citation, linked
    to the Bronnen page (``000 §5.3`` → "Monrooij (2021), §5.3")."""
    page = reverse("core:sources")

    def link(match: re.Match) -> str:
        report = REPORTS[match.group(1)]
        return f'<a href="{page}#bron-{report.key}">{escape(report.citation)}</a>,'

    text = escape(public_source(source))
    cited = _PREFIX.sub(link, text)
    return mark_safe(re.sub(r",\s*(?=;|$|\))", "", cited))  # noqa: S308 (escaped above)
