"""Domain operations of matchmaking (no HTTP): ask, match, suggest networks, introduce."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel.accounts.models import Role, User
from kennisschakel.accounts.permissions import can_create
from kennisschakel.core.background.outbox import queue_email
from kennisschakel.engines import matching as matchengine
from kennisschakel.engines.text.bilingual import translate_query
from kennisschakel.engines.text.folding import fold
from kennisschakel.matching import adapter, explain, rules
from kennisschakel.matching.models import Introduction, Question, title_from_text
from kennisschakel.notifications import services as notifications
from kennisschakel.notifications.models import Kind as NotificationKind
from kennisschakel.register import models as register

DATA = Path(__file__).resolve().parent / "data"
MIN_QUESTION_LENGTH = 10
MAX_QUESTION_LENGTH = 4000
MAX_LIMIT = 50


# --------------------------------------------------------------------------- asking


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
        if not (countries_in_text(short) or adapter.matcher().named_in(short)):
            raise
        return short


@cache
def _country_words() -> dict[str, str]:
    words = yaml.safe_load((DATA / "country_words.yaml").read_text(encoding="utf-8")) or {}
    return {fold(word): iso2 for word, iso2 in words.items()}


def countries_in_text(text: str) -> set[str]:
    """ISO2 codes of the countries a question names: 'een Chinese stad' → {'CN'}."""
    names = dict(_country_words())
    for iso2, name_nl, name_en in register.Country.objects.values_list(
        "iso2", "name_nl", "name_en"
    ):
        for name in (name_nl, name_en):
            if name and len(name) > 3:
                names[fold(name)] = iso2
    folded = f" {fold(text)} "
    found = set()
    for name, iso2 in names.items():
        if f" {name} " in folded or f" {name}," in folded or f" {name}." in folded:
            found.add(iso2)
    return found


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
    matcher = adapter.matcher()  # first: the asker is read from the facts it was built from
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


# --------------------------------------------------------------------------- networks


@cache
def _network_rules() -> list[dict]:
    data = yaml.safe_load((DATA / "network_suggestions.yaml").read_text(encoding="utf-8"))
    return data["rules"]


def _size_fits(rule: dict, inhabitants: int) -> bool:
    """A rule's size bounds, all of them (a network for towns of 50,000–250,000 needs
    both); an unknown population (0) fits no size rule."""
    low, high = rule.get("min_inhabitants"), rule.get("max_inhabitants")
    if low is None and high is None or inhabitants <= 0:
        return False
    return (low is None or inhabitants >= low) and (high is None or inhabitants <= high)


def network_suggestions(municipality: register.Municipality) -> list[dict]:
    """Networks that suit a municipality's profile and that it is not in yet, with why."""
    from kennisschakel.knowledge.models import Practice
    from kennisschakel.partnerships.models import NetworkMembership, Partnership

    domains = set(
        Practice.objects.published()
        .filter(owner=municipality.organisation)
        .values_list("domains__slug", flat=True)
    ) | set(
        Partnership.objects.filter(partners__organisation=municipality.organisation).values_list(
            "domains__slug", flat=True
        )
    )
    already = set(
        NetworkMembership.objects.filter(member=municipality.organisation).values_list(
            "network__slug", flat=True
        )
    )
    borders = municipality.border_segments.exists()
    inhabitants = municipality.inhabitants or 0
    organisations = {o.slug: o for o in register.Organisation.objects.all()}
    language = translation.get_language() or "nl"
    found: dict[str, dict] = {}
    for rule in _network_rules():
        fits = (
            municipality.cbs_code in rule.get("municipalities", [])
            or bool(domains & set(rule.get("domains", [])))
            or (rule.get("border") and borders)
            or _size_fits(rule, inhabitants)
        )
        if not fits:
            continue
        label = rule["label_en"] if language.startswith("en") else rule["label_nl"]
        for slug in rule["networks"]:
            if slug in already or slug not in organisations:
                continue
            entry = found.setdefault(slug, {"network": organisations[slug], "because": []})
            entry["because"].append(label)
    return sorted(found.values(), key=lambda e: (-len(e["because"]), e["network"].name))


# --------------------------------------------------------------------------- introductions


def recipient_of(key: str) -> tuple[register.Organisation, register.ContactPerson | None]:
    """Who an introduction to a suggestion goes to: the organisation behind it."""
    from kennisschakel.knowledge.models import Practice

    kind, _sep, ident = key.partition(":")
    if kind == "municipality":
        return municipality_by_code(ident).organisation, None
    if kind == "practice":
        practice = Practice.objects.published().filter(slug=ident).select_related("owner").first()
        if practice:
            return practice.owner, None
    if kind in {"network", "institution"}:
        organisation = register.Organisation.objects.filter(slug=ident).first()
        if organisation:
            return organisation, None
    if kind == "person" and ident.isdigit():
        person = (
            register.ContactPerson.objects.consented()
            .filter(pk=int(ident), erased_at__isnull=True)
            .select_related("organisation")
            .first()
        )
        if person:
            return person.organisation, person
    raise ValidationError(_("An introduction to '%(key)s' is not possible.") % {"key": key})


def _people_of(organisation) -> list[User]:
    return list(
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            role__in=[Role.CONTRIBUTOR, Role.COORDINATOR],
        )
    )


def _send(template: str, to: list[str], context: dict) -> None:
    """Put the email in the outbox, inside the caller's transaction (sent after commit)."""
    if not to:
        return
    with translation.override("nl"):
        subject, _sep, body = render_to_string(template, context).partition("\n\n")
    queue_email(subject.strip(), body.strip() + "\n", to)


@transaction.atomic
def request_introduction(user, key: str, message: str, question: Question | None = None):
    if user.organisation is None:
        raise ValidationError(_("Only people of an organisation can ask for an introduction."))
    if not rules.may_request_introduction(user, question):
        raise PermissionDenied(rules.why_no_introduction(user, question))
    recipient, person = recipient_of(key)
    if recipient.pk == user.organisation_id:
        raise ValidationError(_("You cannot ask for an introduction to your own organisation."))
    message = (message or "").strip()
    if len(message) < 10:
        raise ValidationError(_("Say in a few words what you would like to talk about."))
    already = ValidationError(
        _("You have already asked %(name)s for an introduction; wait for the answer.")
        % {"name": recipient}
    )
    if Introduction.objects.filter(
        asker=user.organisation, recipient=recipient, status=Introduction.Status.REQUESTED
    ).exists():
        raise already
    try:
        with transaction.atomic():  # a savepoint: the constraint catches a parallel twin
            introduction = Introduction.objects.create(
                question=question,
                asker=user.organisation,
                requested_by=user,
                recipient=recipient,
                person=person,
                candidate_key=key,
                # A short title, never a whole question (title_from_text cuts at a word).
                subject=(question.heading if question else title_from_text(message)),
                message=message,
            )
    except IntegrityError as error:
        raise already from error
    people = [p.email for p in _people_of(recipient)]
    if person and person.email:
        people.append(person.email)
    _send(
        "matching/email/introduction_requested.txt",
        sorted(set(people)),
        {"introduction": introduction, "url": _absolute(introduction.get_absolute_url())},
    )
    notifications.notify(  # in-app, for every user of the organisation asked (after commit)
        NotificationKind.INTRODUCTION_REQUESTED,
        [recipient.pk],
        key=f"introduction:{introduction.pk}:requested",
        subject=introduction.subject,
        url=introduction.get_absolute_url(),
        actor=user.organisation,
        exclude_user=user,
    )
    return introduction


def _absolute(path: str) -> str:
    return settings.KENNISSCHAKEL_SITE_URL.rstrip("/") + path


class AlreadyAnswered(ValidationError):
    """Someone else answered or withdrew the request first; this attempt changed nothing."""


def _claim_transition(introduction: Introduction, to_status: str, **changes) -> None:
    """Move a request out of 'requested' exactly once, whatever runs at the same time.

    One conditional UPDATE (… WHERE status = 'requested'): of two answers at once, the
    database lets one through; the other finds the row changed and gets AlreadyAnswered.
    """
    won = Introduction.objects.filter(
        pk=introduction.pk, status=Introduction.Status.REQUESTED
    ).update(status=to_status, **changes)
    if not won:
        current = Introduction.objects.filter(pk=introduction.pk).values_list("status", flat=True)
        status = Introduction.Status(current.first() or Introduction.Status.WITHDRAWN)
        raise AlreadyAnswered(
            _(
                "This request has already been answered (it is now: %(status)s). "
                "Your answer has not been saved; the page shows the current state."
            )
            % {"status": status.label}
        )
    introduction.status = to_status
    for name, value in changes.items():
        setattr(introduction, name, value)


@transaction.atomic
def answer_introduction(introduction: Introduction, user, accept: bool, response: str = ""):
    if not rules.may_answer_introduction(user, introduction):
        raise PermissionDenied(_("Only the organisation asked can answer this request."))
    _claim_transition(
        introduction,
        Introduction.Status.ACCEPTED if accept else Introduction.Status.DECLINED,
        response=(response or "").strip(),
        responded_by=user,
        responded_at=timezone.now(),
    )
    if introduction.question_id and accept:
        Question.objects.filter(pk=introduction.question_id, status=Question.Status.OPEN).update(
            status=Question.Status.IN_CONVERSATION
        )
    context = {"introduction": introduction, "url": _absolute(introduction.get_absolute_url())}
    # Only the transition that won gets here, and the outbox sends only what is committed.
    if accept:
        # Only now do both sides get each other's contact details.
        _send(
            "matching/email/introduction_accepted.txt",
            [introduction.requested_by.email],
            {**context, "to_asker": True},
        )
        _send("matching/email/introduction_accepted.txt",
              [user.email], {**context, "to_asker": False})  # fmt: skip
    else:
        _send(
            "matching/email/introduction_declined.txt", [introduction.requested_by.email], context
        )
    answered = (
        NotificationKind.INTRODUCTION_ACCEPTED if accept else NotificationKind.INTRODUCTION_DECLINED
    )
    notifications.notify(  # in-app, for every user of the asking organisation (after commit)
        answered,
        [introduction.asker_id],
        key=f"introduction:{introduction.pk}:answered",
        subject=introduction.subject,
        url=introduction.get_absolute_url(),
        actor=introduction.recipient,
        exclude_user=user,
    )
    return introduction


@transaction.atomic
def withdraw_introduction(introduction: Introduction, user) -> Introduction:
    from kennisschakel.accounts.permissions import can_edit

    if not can_edit(user, introduction):
        raise PermissionDenied(_("Only the organisation that asked can withdraw this request."))
    try:
        _claim_transition(introduction, Introduction.Status.WITHDRAWN)
    except AlreadyAnswered as error:
        # The generic message speaks of "your answer"; here the asker tried to withdraw.
        current = Introduction.objects.filter(pk=introduction.pk).values_list("status", flat=True)
        status = Introduction.Status(current.first() or Introduction.Status.WITHDRAWN)
        raise AlreadyAnswered(
            _(
                "This request can no longer be withdrawn (it is now: %(status)s). "
                "Nothing has changed."
            )
            % {"status": status.label}
        ) from error
    return introduction


def introductions_visible_to(user):
    """The two sides see their introductions; nobody else does (declined ones included)."""
    if not (user and user.is_authenticated and user.organisation_id):
        return Introduction.objects.none()
    from django.db.models import Q

    return Introduction.objects.filter(
        Q(asker_id=user.organisation_id) | Q(recipient_id=user.organisation_id)
    ).select_related("asker", "recipient", "requested_by", "responded_by", "question")
