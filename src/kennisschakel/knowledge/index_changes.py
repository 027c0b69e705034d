"""Every write that changes what the practice search shows is numbered, in commit order.

A change takes the next number of the one-row :class:`SearchIndexState` with an UPDATE,
which keeps that row locked until the transaction ends (SQLite: the whole database is
locked by the writing transaction anyway), and logs the practice under that number in
:class:`SearchIndexChange`. Numbers thus become visible in the order their transactions
commit: a search that read number N and applied the changes up to N can never miss a
change that commits later with a lower number (a plain auto-increment id or a timestamp
could). The price: writes of practices wait for each other's commits, which are short.

The writes are caught with model signals, so every path counts (services, admin,
loaders, a plain ``practice.save()``): saving or deleting a practice, changing its policy
domains, and recording or removing an adoption ("adopted" is a facet). Not caught: a
``QuerySet.update()`` or a bulk insert, and changes to municipalities (province, size)
that show in facets; ``kennisschakel rebuild_index`` picks those up.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from kennisschakel.knowledge.models import Adoption, Practice, SearchIndexChange, SearchIndexState
from kennisschakel.knowledge.tasks import compact_search_index

DEFAULT_COMPACT_EVERY = 500


def compact_every() -> int:
    """Changes after which the saved index is rebuilt with them (a task on "index")."""
    return int(getattr(settings, "KENNISSCHAKEL_INDEX_COMPACT_EVERY", DEFAULT_COMPACT_EVERY))


def current_seq() -> int:
    """The number of the last committed change (one indexed primary-key read)."""
    return SearchIndexState.current_seq()


def record_change(practice_ids) -> int:
    """Number a change to ``practice_ids`` and log it; returns its sequence number."""
    practice_ids = sorted({int(pk) for pk in practice_ids if pk is not None})
    if not practice_ids:
        return 0
    with transaction.atomic():
        if not SearchIndexState.objects.filter(pk=1).update(seq=F("seq") + 1):
            SearchIndexState.objects.get_or_create(pk=1)
            SearchIndexState.objects.filter(pk=1).update(seq=F("seq") + 1)
        seq, base_seq = SearchIndexState.objects.values_list("seq", "base_seq").get(pk=1)
        SearchIndexChange.objects.bulk_create(
            [SearchIndexChange(seq=seq, practice_id=pk) for pk in practice_ids]
        )
    if (seq - base_seq) % compact_every() == 0:
        transaction.on_commit(_enqueue_compaction)
    return seq


def _enqueue_compaction() -> None:
    compact_search_index.enqueue()


def _practice_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        record_change([instance.pk])


def _practice_deleted(sender, instance, **kwargs):
    record_change([instance.pk])


def _domains_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:  # domain.practices.add(...): the practices are in pk_set
        if action in ("post_add", "post_remove") and pk_set:
            record_change(pk_set)
        elif action == "pre_clear":  # after the clear they can no longer be found
            record_change(instance.practices.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        record_change([instance.pk])


def _adoption_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        record_change([instance.practice_id])


def connect() -> None:
    """Called from the app's ready(): watch the writes that change the index."""
    post_save.connect(_practice_saved, sender=Practice, dispatch_uid="index-practice-saved")
    post_delete.connect(_practice_deleted, sender=Practice, dispatch_uid="index-practice-deleted")
    m2m_changed.connect(
        _domains_changed, sender=Practice.domains.through, dispatch_uid="index-practice-domains"
    )
    post_save.connect(_adoption_changed, sender=Adoption, dispatch_uid="index-adoption-saved")
    post_delete.connect(_adoption_changed, sender=Adoption, dispatch_uid="index-adoption-deleted")
