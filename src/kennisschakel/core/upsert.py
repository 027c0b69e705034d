"""Idempotent loading: insert new rows, update changed ones, leave the rest untouched.

Reference data is loaded on every ``kennisschakel seed``; a second run must
change nothing, and loading tens of thousands of rows must not take one
query per row.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    objects: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


def upsert(
    model: type[models.Model], key: str, rows: Iterable[dict], batch_size: int = 2000
) -> UpsertResult:
    """Bring ``model`` in line with ``rows`` (dicts of field values), matched on ``key``.

    Foreign keys are given by their column (``province_id``), so comparing a
    row with the stored object never fetches a related object.

    Returns the saved objects by key, so callers can wire up relations.
    Rows absent from ``rows`` are left alone: a facilitator's additions survive a re-seed.
    """
    rows = list(rows)
    keys = [row[key] for row in rows]
    existing = model.objects.in_bulk(keys, field_name=key) if keys else {}
    result = UpsertResult()
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
        else:
            differing = [name for name, value in row.items() if getattr(obj, name) != value]
            if differing:
                for name in differing:
                    setattr(obj, name, row[name])
                changed_fields.update(model._meta.get_field(name).name for name in differing)
                to_update.append(obj)
            else:
                result.unchanged += 1
        result.objects[row[key]] = obj
    if to_create:
        model.objects.bulk_create(to_create, batch_size=batch_size)
        result.created = len(to_create)
        if any(obj.pk is None for obj in to_create):
            # Backends that do not return primary keys from bulk inserts.
            fresh = model.objects.in_bulk([getattr(o, key) for o in to_create], field_name=key)
            result.objects.update(fresh)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=batch_size)
        result.updated = len(to_update)
    return result
