"""Introductions: asked for a suggestion, answered once (accepted or declined) or
withdrawn, with the emails and in-app notifications of each step."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel.accounts.models import Role, User
from kennisschakel.core.background.outbox import queue_email
from kennisschakel.matching import rules
from kennisschakel.matching.models import Introduction, Question, title_from_text
from kennisschakel.matching.services.asking import municipality_by_code
from kennisschakel.notifications import services as notifications
from kennisschakel.notifications.models import Kind as NotificationKind
from kennisschakel.register import models as register


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
    from kennisschakel.core.permissions import can_edit

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
