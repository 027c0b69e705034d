"""Asking: a question validated, matched (ranked, explained suggestions) and saved."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_create
from kennisschakel.engines import matching as matchengine
from kennisschakel.engines.text.bilingual import translate_query
from kennisschakel.matching import adapter, explain, match_index
from kennisschakel.matching.countries import countries_in_text
from kennisschakel.matching.models import Question, title_from_text
from kennisschakel.register import models as register

MIN_QUESTION_LENGTH = 10
MAX_QUESTION_LENGTH = 4000
MAX_LIMIT = 50


def validate_question_text(text: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_QUESTION_LENGTH:
        raise ValidationError(
            _("Describe what you are looking for in at least %(min)s characters.")
            % {"min": MIN_QUESTION_LENGTH}
        )
    if len(text) > MAX_QUESTION_LENGTH:
        raise ValidationError(
            _("The question is %(length)s characters long; at most %(max)s fit.")
            % {"length": len(text), "max": MAX_QUESTION_LENGTH}
        )
    return text


def validate_match_text(text: str) -> str:
    """A question to match: as :func:`validate_question_text`, but a shorter one is
    accepted when it names a country, or a municipality, place abroad or organisation
    the matcher knows ("Dalian", "Ghana"): the name says what is asked (issue 12)."""
    try:
        return validate_question_text(text)
    except ValidationError:
        short = (text or "").strip()
        if not short or len(short) >= MIN_QUESTION_LENGTH:
            raise
        if not (countries_in_text(short) or match_index.current_matcher().named_in(short)):
            raise
        return short


@dataclass
class Suggestion:
    key: str
    type: str
    name: str
    score: float
    explanation: list[str]
    url: str = ""
    introducible: bool = False
    signals: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The explanation for pages: escaped, practice titles marked lang="nl" (explain.py).
    explanation_html: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "type": self.type,
            "id": self.key,
            "name": self.name,
            "score": round(self.score, 4),
            "explanation": self.explanation,
            "notes": self.notes,
        }


def municipality_by_code(code: str) -> register.Municipality:
    municipality = (
        register.Municipality.objects.select_related("organisation")
        .filter(cbs_code=(code or "").strip().upper())
        .first()
    )
    if municipality is None:
        raise ValidationError(
            _("'%(code)s' is not the CBS code of a current municipality.") % {"code": code}
        )
    return municipality


def find_matches(
    text: str,
    municipality: register.Municipality | None = None,
    *,
    international: bool = False,
    outside_circle: bool = False,
    limit: int = 10,
    countries: set[str] | None = None,
    regions: set[str] | None = None,
    types: set[str] | None = None,
) -> list[Suggestion]:
    """Ranked, explained suggestions for a question (validated first)."""
    text = validate_match_text(text)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            _("Ask for 1 to %(max)s suggestions, not %(limit)s.")
            % {"max": MAX_LIMIT, "limit": limit}
        )
    asked_countries = set(countries or ()) | countries_in_text(text)  # knows English names
    # An English question is searched with its Dutch policy terms (engines/text/bilingual.py).
    searched = translate_query(text, translation.get_language()).text
    query = matchengine.Query(
        text=searched,
        international=international or bool(asked_countries),
        outside_circle=outside_circle,
        countries=frozenset(asked_countries),
        regions=frozenset(regions or ()),
        types=frozenset(types or ()),
        limit=limit,
    )
    # First: the asker is read from the facts the matcher was built from.
    matcher = match_index.current_matcher()
    asker = adapter.asker_for(municipality.organisation_id) if municipality else None
    matches = matcher.match(query, asker)
    return [_suggestion(match) for match in matches]


def question_matches(question: Question, limit: int = 10) -> list[Suggestion]:
    """The suggestions for a saved question: its page and the background pass that
    follows it up (followup.py) ask the same way."""
    return find_matches(
        question.text,
        getattr(question.organisation, "municipality", None),
        international=question.international,
        outside_circle=question.outside_circle,
        countries={c.iso2 for c in question.countries.all()},
        regions={r.slug for r in question.regions.all()},
        limit=limit,
    )


def _suggestion(match: matchengine.Match) -> Suggestion:
    from django.urls import reverse

    kind, _sep, ident = match.key.partition(":")
    url = ""
    introducible = kind in {"municipality", "practice", "network", "institution", "person"}
    if kind == "municipality":
        url = reverse("register:municipality-detail", args=[ident])
    elif kind == "practice":
        url = reverse("knowledge:practice-detail", args=[ident])
    elif kind in {"network", "institution"}:
        url = reverse("register:organisation-detail", args=[ident])
    elif kind == "place":
        url = reverse("register:place-detail", args=[int(ident)])
    return Suggestion(
        key=match.key,
        type=match.type,
        name=match.name,
        score=match.score,
        explanation=[explain.sentence(reason) for reason in match.reasons],
        url=url,
        introducible=introducible,
        signals=dict(match.signals),
        notes=[explain.note(reason, match.name) for reason in match.notes],
        explanation_html=[explain.sentence_html(reason) for reason in match.reasons],
    )


@transaction.atomic
def save_item(item, domains=(), countries=(), regions=()):
    """Save a question or an offer (both are KnowledgeItems) with its relations."""
    item.text = validate_question_text(item.text)
    item.full_clean(exclude=["domains", "countries", "regions"])
    item.save()
    item.domains.set(domains)
    item.countries.set(countries)
    item.regions.set(regions)
    return item


def save_asked_question(
    user, text: str, *, international: bool = False, outside_circle: bool = False
) -> Question:
    """The question typed on /hulp-zoeken/, saved as the user's organisation's question on
    the way to an introduction. The same open question (same text and choices) is reused, so
    asking a second suggestion, or pressing twice, makes no twin; the organisation's row is
    locked while looking, so two requests at once cannot both miss it."""
    if user.organisation_id is None or not can_create(user, Question):
        raise PermissionDenied(_("Only contributors of a municipality can ask a question."))
    text = validate_question_text(text)
    with transaction.atomic():
        register.Organisation.objects.select_for_update().filter(pk=user.organisation_id).first()
        same = Question.objects.filter(
            organisation_id=user.organisation_id,
            text=text,
            international=international,
            outside_circle=outside_circle,
            status__in=[Question.Status.OPEN, Question.Status.IN_CONVERSATION],
        ).first()
        if same is not None:
            return same
        question = Question(
            organisation_id=user.organisation_id,
            created_by=user,
            text=text,
            title=title_from_text(text),
            international=international,
            outside_circle=outside_circle,
        )
        return save_item(question)
