"""Give-and-take pages: every municipality's balance and one network's members."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from kennisschakel.partnerships import balance_cache, balances
from kennisschakel.register.models import Municipality, Organisation


def _period(request) -> tuple:
    """The period from ?from=YYYY-MM-DD&until=YYYY-MM-DD, with a message per bad value."""
    import datetime

    bounds, problems = {}, []
    for name in ("from", "until"):
        value = request.GET.get(name, "").strip()
        if value:
            try:
                bounds[name] = datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(
                    _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value}
                )
    start, end = bounds.get("from"), bounds.get("until")
    if start and end and end < start:
        problems.append(_("The end date lies before the start date."))
        start = end = None
    return start, end, problems


def country_balance_list(request):
    """Every municipality's give and take, sortable, for a chosen period."""
    start, end, problems = _period(request)
    generation = balance_cache.generation()
    by_organisation = balance_cache.country_balances(start, end, generation)
    municipalities = Municipality.objects.select_related("organisation", "province").filter(
        organisation_id__in=by_organisation
    )
    rows = [(m, by_organisation[m.organisation_id]) for m in municipalities]
    # Rows whose exchanges include some the other side has not confirmed yet are marked.
    pending = balance_cache.pending_per_organisation(start, end, generation)
    for municipality, _balance in rows:
        municipality.pending = pending.get(municipality.organisation_id, 0)
    order = request.GET.get("order", "activities")
    sort_keys = {
        "activities": lambda row: -row[1].activity_count,
        "given": lambda row: -row[1].net_activities,
        "received": lambda row: row[1].net_activities,
        "name": lambda row: row[0].name,
    }
    if order not in sort_keys:
        order = "activities"  # also keeps the cached row fragments to the known orders
    rows.sort(key=sort_keys[order])
    return render(
        request,
        "partnerships/balance_list.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "problems": problems,
            "order": order,
            "balance_notes": {"pending_rows": bool(pending), "hours_column": bool(rows)},
            "municipality_count": Municipality.objects.count(),
            # The rendered rows are cached under it too (hundreds of formatted figures).
            "generation": generation,
        },
        status=400 if problems else 200,
    )


def network_balance(request, slug):
    """Within one network: what each member gave to and received from the other members."""
    network = get_object_or_404(Organisation.objects.exclude(type="municipality"), slug=slug)
    start, end, problems = _period(request)
    summary = balances.network_summary(network, start, end)
    labels = balances.party_labels(summary["balances"])
    rows = sorted(
        ((labels.get(key, key), balance) for key, balance in summary["balances"].items()),
        key=lambda row: (-row[1].activity_count, row[0]),
    )
    return render(
        request,
        "partnerships/network_balance.html",
        {"network": network, "rows": rows, "start": start, "end": end, "problems": problems},
        status=400 if problems else 200,
    )
