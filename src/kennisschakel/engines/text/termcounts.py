"""Analysed term counts: the JSON-serialisable form of a document the search index is
built from (:func:`analyse`), and reading it back (:func:`read_term_counts`).

A caller may store a document's term counts and rebuild an index from them later without
analysing the texts again; :func:`is_current` tells whether stored counts can still be
used. Per field, the counts map terms to frequencies, plus the keys below.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.spelling import is_form

# In analysed term counts (with part_markers), a term of a field that occurs there only
# as a compound part also appears with this prefix (count 1). A document holds one
# posting of the marked term when every field that has the term marks it. Terms never
# contain '~'.
PART_MARK = "~"
# In analysed term counts, a top-level key (not a field) holding the analyzer's
# signature: counts stored under another signature are analysed again (is_current).
ANALYSIS_KEY = "#analysis"
# In analysed term counts, the number of words of a field (compound parts not
# counted), so that BM25F's length normalisation does not punish compounds.
# Terms never contain '#'.
LENGTH_KEY = "#words"
# In analysed term counts, the distinct (folded) words of a field as a list: the
# vocabulary of spelling suggestions. Not a term: add_analysed takes it out.
FORMS_KEY = "#forms"

TermCounts = dict[str, dict[str, int]]


def analyse(
    analyzer: DutchAnalyzer,
    fields: Mapping[str, str],
    part_markers: bool = False,
    labels: bool = False,
) -> TermCounts:
    """Per-field term counts of a document (see SearchIndex.analyse)."""
    counts: dict = {}
    for name, text in fields.items():
        terms, words, whole = analyzer.analyse_parts(text or "")
        if terms:
            forms = sorted({w for w in analyzer.words(text) if is_form(w)})
            field_counts = {**terms, LENGTH_KEY: words, FORMS_KEY: forms}
            if part_markers:
                for term in terms if labels else terms.keys() - whole:
                    field_counts[PART_MARK + term] = 1
            counts[name] = field_counts
    if counts:
        counts[ANALYSIS_KEY] = analyzer.signature
    return counts


@dataclass
class DocumentTerms:
    """Stored term counts read back for indexing."""

    # Per field with terms, in stored order: its name and its term counts (LENGTH_KEY
    # included: the word count rides along as a pseudo-term no query can ask for).
    fields: list[tuple[str, dict[str, int]]]
    # The marker terms (PART_MARK + term) of the terms the document holds only as
    # compound parts: marked by every field that has the term.
    part_only: list[str]
    # The document's words, for spelling suggestions.
    forms: set[str]


def read_term_counts(term_counts: TermCounts) -> DocumentTerms:
    """Stored term counts without the spelling forms and the per-field part marks; which
    terms the document holds only as compound parts is decided over all its fields."""
    forms: set[str] = set()
    marked: set[str] = set()  # terms some field holds only as compound parts
    fields = []  # per field: its name, its terms and those it marks
    for field_name, counts in term_counts.items():
        if not counts or field_name.startswith("#"):
            continue
        if FORMS_KEY in counts or any(term[:1] == PART_MARK for term in counts):
            forms.update(counts.get(FORMS_KEY, ()))
            field_marked = {t[1:] for t in counts if t[:1] == PART_MARK}
            counts = {
                term: count
                for term, count in counts.items()
                if term != FORMS_KEY and term[:1] != PART_MARK
            }
            marked |= field_marked
        else:
            field_marked = set()
        fields.append((field_name, counts, field_marked))
    part_only = [
        PART_MARK + term
        for term in sorted(marked)
        if all(term in marks or term not in counts for _name, counts, marks in fields)
    ]
    return DocumentTerms([(name, counts) for name, counts, _ in fields], part_only, forms)


def has_forms(term_counts: Mapping) -> bool:
    """Whether stored term counts carry the words for spelling suggestions (counts
    stored before they did are analysed again when indexed)."""
    return any(
        FORMS_KEY in counts
        for name, counts in term_counts.items()
        if not name.startswith("#") and isinstance(counts, Mapping)
    )


def merge_fields(term_counts: Mapping, more: Mapping) -> dict:
    """Analysed term counts of one document with the fields of ``more`` added (a field
    of the same name replaced); the analysis signature stays that of ``term_counts``.
    Which terms the document holds only as compound parts is decided over all its
    fields when it is indexed (add_analysed)."""
    merged = {**term_counts, **{k: v for k, v in more.items() if k != ANALYSIS_KEY}}
    if ANALYSIS_KEY not in term_counts and ANALYSIS_KEY in more:
        merged[ANALYSIS_KEY] = more[ANALYSIS_KEY]
    return merged


def is_current(term_counts: Mapping, analyzer: DutchAnalyzer) -> bool:
    """Whether stored term counts were made by an analyzer like ``analyzer`` (same
    analysis version and protected names, see DutchAnalyzer.signature) and carry the
    words for spelling suggestions; other counts must be analysed again."""
    if not term_counts or not has_forms(term_counts):
        return False
    return term_counts.get(ANALYSIS_KEY) == analyzer.signature
