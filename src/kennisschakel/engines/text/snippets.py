"""Search-result snippets: the best passage of a text, with the matches marked.

Words are matched by their analysed terms, exactly as the index matches them,
so the query *armoede* marks *Armoedebestrijding* (a compound part), *Wmo*
marks *maatschappelijke ondersteuning* (a synonym) and *geevalueerd* marks
*geëvalueerd*. The whole word that matched is marked.
"""

import html
import re

from kennisschakel.engines.text.query import parse_query, query_terms

ELLIPSIS = "…"
# How much text to show before the first match of the chosen passage.
LEAD_FRACTION = 0.2
_WHITESPACE = re.compile(r"\s+")


def highlight(text: str, query: str, analyzer, max_chars: int = 240, terms=None) -> str:
    """HTML-escaped passage of at most about ``max_chars`` characters around the
    region with the most (distinct) query matches, matches in ``<mark>``, and
    ``…`` where the text was cut. Without matches: the start of the text.

    ``terms``: the query's analysed terms when the caller has them already (a search
    returns them), so a page of hits parses the query once, not once per snippet."""
    text = analyzer.prepare(_WHITESPACE.sub(" ", text or "").strip())
    if not text:
        return ""
    if terms is not None:
        wanted = set(terms)
    else:
        wanted = set(query_terms(parse_query(query, analyzer))) if query.strip() else set()
    matches = []  # (start, end, matched terms)
    if wanted:
        for start, end, word_terms in analyzer.term_spans(text):
            terms = wanted.intersection(word_terms)
            if terms:
                matches.append((start, end, frozenset(terms)))
    start, end = _best_window(text, matches, max_chars)
    shown = [m for m in matches if m[0] >= start and m[1] <= end]
    pieces = [ELLIPSIS] if start > 0 else []
    position = start
    for match_start, match_end, _terms in shown:
        pieces.append(html.escape(text[position:match_start]))
        pieces.append(f"<mark>{html.escape(text[match_start:match_end])}</mark>")
        position = match_end
    pieces.append(html.escape(text[position:end]))
    if end < len(text):
        pieces.append(ELLIPSIS)
    return "".join(pieces)


def _best_window(text: str, matches: list, max_chars: int) -> tuple[int, int]:
    """Start and end of the passage to show, cut at word boundaries."""
    if len(text) <= max_chars:
        return 0, len(text)
    best_start, best_anchor, best_rank = 0, 0, (-1, -1)
    lead = int(max_chars * LEAD_FRACTION)
    for anchor, _end, _terms in matches:
        start = max(0, anchor - lead)
        inside = [m for m in matches if m[0] >= start and m[1] <= start + max_chars]
        rank = (len(frozenset().union(*(m[2] for m in inside))), len(inside))
        if rank > best_rank:
            best_start, best_anchor, best_rank = start, anchor, rank
    start = min(best_start, max(0, len(text) - max_chars))
    end = start + max_chars
    if start > 0:  # begin at a word start, but not after the first match
        space = text.find(" ", start - 1, max(best_anchor, start))
        if space != -1:
            start = space + 1
    if end < len(text):  # end at a word end
        space = text.rfind(" ", start, end + 1)
        if space > start:
            end = space
    return start, end
