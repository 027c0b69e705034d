"""Ledger figures (country balances, a municipality's summary) cached per ledger
generation, so a page view skips the GROUP BY over the sides.

Every write that changes activity sides bumps :class:`LedgerGeneration` with one
conditional UPDATE inside its own transaction (the row stays locked until commit, so
the new number becomes visible together with the new sides). Readers read the number
first (one primary-key read) and use it in the cache key: a reader can at worst store
newer figures under an older number, never older figures under a newer one.

Partnerships and their partners move the same number (the partnerships list keeps its
count per country under it). Caught with model signals on activities, sides,
partnerships and partners (services, admin, API, loaders, cascades); ``bulk_create``
and ``QuerySet.update()`` send none, so the services that use them
(``services._create_sides``, ``services.sync_balance_dates``,
``services.answer_participation``) call :func:`bump`; a partnership's partners are
bulk-created in the same transaction as ``partnership.save()``, which bumps.
"""

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from kennisschakel.partnerships.models import (
    ActivitySide,
    ExchangeActivity,
    LedgerGeneration,
    Partnership,
    PartnershipPartner,
)

_TIMEOUT = 60 * 60  # old generations simply age out


def current() -> int:
    found = LedgerGeneration.objects.filter(pk=1).values_list("n", flat=True).first()
    return found or 0


def bump() -> None:
    """Move the generation on, in the caller's transaction."""
    with transaction.atomic():
        if not LedgerGeneration.objects.filter(pk=1).update(n=F("n") + 1):
            LedgerGeneration.objects.get_or_create(pk=1)
            LedgerGeneration.objects.filter(pk=1).update(n=F("n") + 1)
    # Until this transaction ends, its own reads see a number that may yet roll back.
    connection.ledger_written = True


def generation() -> int | None:
    """The number to key cached ledger figures on; None when they must not be cached."""
    if not connection.in_atomic_block:
        connection.ledger_written = False
    if getattr(connection, "ledger_written", False):
        # The caller's own uncommitted change: a rollback would reuse its number.
        return None
    return current()


def country_balances(start=None, end=None, number: int | None = None):
    """:func:`balances.country_balances`, from the cache while the ledger is unchanged.

    ``number``: the :func:`generation` the caller already read (saves a query).
    """
    from kennisschakel.partnerships import balances

    number = generation() if number is None else number
    if number is None:
        return balances.country_balances(start, end)
    key = f"country-balances:{number}:{start}:{end}"
    found = cache.get(key)
    if found is None:
        found = balances.country_balances(start, end)
        cache.set(key, found, _TIMEOUT)
    return found


def pending_per_organisation(start=None, end=None, number: int | None = None):
    """:func:`balances.pending_per_organisation`, from the cache while the ledger is
    unchanged (the country-wide table marks exchanges still to be confirmed)."""
    from kennisschakel.partnerships import balances

    number = generation() if number is None else number
    if number is None:
        return balances.pending_per_organisation(start, end)
    key = f"pending-per-organisation:{number}:{start}:{end}"
    found = cache.get(key)
    if found is None:
        found = balances.pending_per_organisation(start, end)
        cache.set(key, found, _TIMEOUT)
    return found


def organisation_summary(organisation_id: int, start=None, end=None):
    """:func:`balances.organisation_summary` (three queries over the sides, a self-join
    among them: half a second for the busiest municipality) from the cache while the
    ledger is unchanged."""
    from kennisschakel.partnerships import balances

    number = generation()
    if number is None:
        return balances.organisation_summary(organisation_id, start, end)
    key = f"organisation-summary:{number}:{organisation_id}:{start}:{end}"
    found = cache.get(key)
    if found is None:
        found = balances.organisation_summary(organisation_id, start, end)
        cache.set(key, found, _TIMEOUT)
    return found


def partnerships_per_country(number: int | None = None) -> dict[int, int]:
    """Country id -> number of partnerships with a partner there (a place in it or the
    country as a whole), from the cache while partnerships and partners are unchanged
    (a GROUP BY over every partner row: tens of milliseconds at national scale)."""
    number = generation() if number is None else number
    if number is None:
        return _count_partnerships_per_country()
    key = f"partnerships-per-country:{number}"
    found = cache.get(key)
    if found is None:
        found = _count_partnerships_per_country()
        cache.set(key, found, _TIMEOUT)
    return found


def _count_partnerships_per_country() -> dict[int, int]:
    # A partner abroad is a place (in a country) or a country as a whole: counted in
    # the database, not by walking every partner row.
    return dict(
        PartnershipPartner.objects.filter(Q(place__isnull=False) | Q(country__isnull=False))
        .annotate(abroad=Coalesce("place__country_id", "country_id"))
        .values("abroad")
        .annotate(n=Count("partnership_id", distinct=True))
        .values_list("abroad", "n")
    )


def _changed(sender, **kwargs):
    if not kwargs.get("raw"):
        bump()


# Partnerships and their partners too: the partnerships list counts them per country.
for _model in (ExchangeActivity, ActivitySide, Partnership, PartnershipPartner):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"ledger-generation-save-{_model}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"ledger-generation-del-{_model}")
