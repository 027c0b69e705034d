"""Domain operations on practices and adoptions (no HTTP here)."""

import json

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kennisschakel.accounts.models import Role, User
from kennisschakel.core.background.outbox import queue_email
from kennisschakel.core.slugs import save_with_unique_slug
from kennisschakel.core.versioning import claim_version
from kennisschakel.knowledge.analysis import prepare_for_search
from kennisschakel.knowledge.models import Adoption, Attachment, Practice
from kennisschakel.notifications import services as notifications
from kennisschakel.notifications.models import Kind as NotificationKind

# Fields whose changes the edit history records.
TRACKED_FIELDS = [
    "kind", "title", "summary", "summary_en", "body", "transfer", "maturity", "evidence_url",
    "effort_cost",
    "period_start", "period_end", "context_urbanity", "context_legal_basis", "context_partners",
    "negative_lessons", "languages", "tags", "source", "status",
]  # fmt: skip
TRACKED_RELATIONS = ["domains", "co_owners", "contacts", "foreign_places"]


def _snapshot(practice: Practice) -> dict:
    values = {name: getattr(practice, name) for name in TRACKED_FIELDS}
    if practice.pk:
        for relation in TRACKED_RELATIONS:
            values[relation] = sorted(str(o) for o in getattr(practice, relation).all())
    return json.loads(json.dumps(values, default=str))


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


@transaction.atomic
def save_practice(
    practice: Practice,
    user: User | None,
    relations: dict | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Practice:
    """Create or update a practice: keeps the search terms and the edit history in step.

    ``relations`` maps many-to-many names (domains, co_owners, contacts,
    foreign_places) to their new members. ``expected_version`` is the version
    the editor loaded: when someone else saved in between, ``VersionConflict``
    is raised and nothing is written (see ``core.versioning``). A new practice
    always gets a unique slug, also when others save the same title at once.
    """
    if practice.pk:
        claim_version(practice, expected_version)
    before = _snapshot(Practice.objects.get(pk=practice.pk)) if practice.pk else {}
    if practice.status == Practice.Status.PUBLISHED and practice.published_at is None:
        practice.published_at = timezone.now()
    if practice.pk is None and user is not None and practice.created_by is None:
        practice.created_by = user
    prepare_for_search(practice)  # search terms and the plain-text body for snippets
    if practice.slug:
        practice.save()
    else:
        save_with_unique_slug(practice, practice.title, fallback="praktijk")
    for name, members in (relations or {}).items():
        getattr(practice, name).set(members)
    after = _snapshot(practice)
    changes = _diff(before, after)
    if changes:
        practice.revisions.create(user=user, changes=changes, note=note)
    return practice


def set_status(practice: Practice, status: str, user: User) -> Practice:
    practice.status = status
    return save_practice(practice, user, note=f"status → {status}")


def add_attachment(practice: Practice, upload, kind, user: User, is_evidence=False) -> Attachment:
    attachment = Attachment(
        practice=practice,
        original_name=upload.name[:255],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=user,
        is_evidence=is_evidence,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    practice.revisions.create(user=user, changes={"attachments": [None, upload.name]})
    return attachment


def owner_recipients(practice: Practice) -> list[str]:
    """Who hears about an adoption: the practice's contact persons, else the owner's editors."""
    contacts = [c.email for c in practice.contacts.all() if c.email]
    if contacts:
        return contacts
    return list(
        User.objects.filter(
            organisation_id=practice.owner_id,
            is_active=True,
            role__in=[Role.CONTRIBUTOR, Role.COORDINATOR],
        ).values_list("email", flat=True)
    )


@transaction.atomic
def record_adoption(
    practice: Practice,
    organisation,
    user: User,
    outcome: str,
    reasons=(),
    note: str = "",
    what_changed: str = "",
) -> Adoption:
    """Record (or update) what an organisation did with a practice, and tell the owner."""
    adoption, _created = Adoption.objects.update_or_create(
        practice=practice,
        organisation=organisation,
        defaults={
            "outcome": outcome,
            "reasons": list(reasons),
            "note": note,
            "what_changed": what_changed,
            "recorded_by": user,
        },
    )
    # Touch the practice so every process's search index picks up 'adopted by others'.
    Practice.objects.filter(pk=practice.pk).update(updated_at=timezone.now())
    notify_owner_of_adoption(adoption)  # into the outbox with the adoption: sent after commit
    notifications.notify(  # in-app, for the users of the owner and the co-owners
        NotificationKind.ADOPTION_REPORTED,
        [practice.owner_id, *practice.co_owners.values_list("pk", flat=True)],
        key=f"adoption:{adoption.pk}:{adoption.outcome}",  # a changed outcome is news again
        subject=practice.title,
        url=f"{practice.get_absolute_url()}#adoptions",
        actor=organisation,
        exclude_user=user,
    )
    return adoption


def notify_owner_of_adoption(adoption: Adoption) -> int:
    """Queue the email to the practice's owner; returns the number of emails queued."""
    recipients = owner_recipients(adoption.practice)
    if not recipients:
        return 0
    context = {
        "adoption": adoption,
        "practice": adoption.practice,
        "site_url": getattr(settings, "KENNISSCHAKEL_SITE_URL", "http://127.0.0.1:8000"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("knowledge/email/adoption_subject.txt", context).strip()
        body = render_to_string("knowledge/email/adoption.txt", context)
    return 1 if queue_email(subject, body, recipients) else 0


def reply_to_adoption(adoption: Adoption, user: User, text: str) -> Adoption:
    adoption.reply = text
    adoption.replied_by = user
    adoption.replied_at = timezone.now()
    adoption.save(update_fields=["reply", "replied_by", "replied_at"])
    return adoption
