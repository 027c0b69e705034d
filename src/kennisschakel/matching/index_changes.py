"""Every write that changes a matcher candidate is numbered, in commit order.

As for the practice search (``knowledge/index_changes.py``): a change takes the next
number of the one-row :class:`MatchIndexState` with an UPDATE that keeps the row locked
until the transaction commits, and logs what it touched in :class:`MatchIndexChange`
under that number. A worker process reads the number (one primary-key read per match
request) and, when it moved, re-derives only the candidates the logged rows name
(``match_index.apply_changes``).

Caught with model signals, so services, admin, loaders and plain ``save()`` all count:
practices (and their domains and places abroad), adoptions, questions, offers (and their
domains), partnerships (their partners and domains), network memberships, organisations
(and their domains) and contact persons. Not caught: ``QuerySet.update()`` and bulk
inserts — the services that use them call :func:`record_change` themselves, or send a
signal caught here (``partnerships.signals.partners_changed``) — and the
register's reference data (municipalities, provinces, borders): ``kennisschakel
rebuild_match_index`` (run by ``seed``) picks those up.
"""

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.matching.models import MatchIndexChange, MatchIndexState, Offer, Question
from kennisschakel.matching.rebuild_requests import enqueue_rebuild, rebuild_every
from kennisschakel.partnerships.models import NetworkMembership, Partnership, PartnershipPartner
from kennisschakel.partnerships.signals import partners_changed
from kennisschakel.register.models import ContactPerson, Organisation

# Organisation types whose own candidate the matcher shows (facts.NETWORK_TYPES …).
_CANDIDATE_KINDS = {
    "network": "network",
    "knowledge_platform": "network",
    "association": "network",
    "knowledge_institution": "institution",
}


def current_seq() -> int:
    """The number of the last committed change (one indexed primary-key read)."""
    found = MatchIndexState.objects.filter(pk=1).values_list("seq", flat=True).first()
    return found or 0


def record_change(refs) -> int:
    """Number a change touching ``refs`` — (kind, primary key, candidate key or "")
    tuples — and log it; returns its number (0 when there was nothing to log)."""
    refs = sorted({(kind, int(ref), key or "") for kind, ref, key in refs if ref is not None})
    if not refs:
        return 0
    with transaction.atomic():
        if not MatchIndexState.objects.filter(pk=1).update(seq=F("seq") + 1):
            MatchIndexState.objects.get_or_create(pk=1)
            MatchIndexState.objects.filter(pk=1).update(seq=F("seq") + 1)
        seq = MatchIndexState.objects.values_list("seq", flat=True).get(pk=1)
        MatchIndexChange.objects.bulk_create(
            [MatchIndexChange(seq=seq, kind=kind, ref=ref, key=key) for kind, ref, key in refs]
        )
    # Every so many changes a fresh generation takes them in, so that the processes'
    # overlays stay small. Exactly one writer draws each multiple.
    if rebuild_every() > 0 and seq % rebuild_every() == 0:
        enqueue_rebuild()
    return seq


def organisation_key(organisation: Organisation) -> str:
    kind = _CANDIDATE_KINDS.get(organisation.type)
    return f"{kind}:{organisation.slug}" if kind else ""


# -- what each write touches ----------------------------------------------------------


def _practice(instance: Practice):
    return [
        ("practice", instance.pk, f"practice:{instance.slug}" if instance.slug else ""),
        ("organisation", instance.owner_id, ""),
    ]


def _refs(instance) -> list[tuple]:
    if isinstance(instance, Practice):
        return _practice(instance)
    if isinstance(instance, Adoption):
        return [("practice", instance.practice_id, "")]
    if isinstance(instance, Question | Offer):
        return [("organisation", instance.organisation_id, "")]
    if isinstance(instance, Partnership):
        return [("partnership", instance.pk, "")]
    if isinstance(instance, PartnershipPartner):
        return [
            ("partnership", instance.partnership_id, ""),
            ("organisation", instance.organisation_id, ""),
            ("place", instance.place_id, f"place:{instance.place_id}"),
        ]
    if isinstance(instance, NetworkMembership):
        return [("organisation", instance.network_id, ""), ("organisation", instance.member_id, "")]
    if isinstance(instance, Organisation):
        return [("organisation", instance.pk, organisation_key(instance))]
    if isinstance(instance, ContactPerson):
        return [("person", instance.pk, f"person:{instance.pk}")]
    return []


_WATCHED = (
    Practice,
    Adoption,
    Question,
    Offer,
    Partnership,
    PartnershipPartner,
    NetworkMembership,
    Organisation,
    ContactPerson,
)
_WATCHED_RELATIONS = (
    Practice.domains.through,
    Practice.foreign_places.through,
    Question.domains.through,
    Offer.domains.through,
    Partnership.domains.through,
    Organisation.domains.through,
)


def _on_write(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures: a rebuild follows
        return
    record_change(_refs(instance))


def _on_relation(sender, instance, action, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # From the other side (rare: a policy domain's practices): every object named.
        model = kwargs["model"]
        refs = [
            ref
            for obj in model.objects.filter(pk__in=kwargs.get("pk_set") or ())
            for ref in _refs(obj)
        ]
        record_change(refs)
    else:
        record_change(_refs(instance))


def _on_partners_changed(sender, partnership, **kwargs):
    record_change([("partnership", partnership.pk, "")])


def connect() -> None:
    partners_changed.connect(_on_partners_changed, dispatch_uid="match-index-partners-changed")
    for model in _WATCHED:
        post_save.connect(
            _on_write, sender=model, dispatch_uid=f"match-index-save-{model.__name__}"
        )
        post_delete.connect(
            _on_write, sender=model, dispatch_uid=f"match-index-delete-{model.__name__}"
        )
    for through in _WATCHED_RELATIONS:
        m2m_changed.connect(
            _on_relation, sender=through, dispatch_uid=f"match-index-m2m-{through.__name__}"
        )
