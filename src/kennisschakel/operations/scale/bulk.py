"""Fast inserts of generated rows: COPY on PostgreSQL, bulk_create in batches elsewhere.

Rows are dicts of field attnames. Every concrete field the row leaves out gets the
model's default (or NULL), so fields other apps add later are filled in too. Ids
are given by the generator (``next_id``) so related rows can point at them without
reading anything back; the id sequence is moved past them afterwards.
"""

import json
from collections.abc import Iterable

from django.db import connection, models

BATCH = 5000


def next_id(model) -> int:
    last = model._base_manager.aggregate(last=models.Max("pk"))["last"]
    return (last or 0) + 1


def _columns(model, sample: dict) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in sample:
            continue
        fields.append(field)
    return fields


def _value(field: models.Field, row: dict):
    value = _raw_value(field, row)
    if isinstance(field, models.JSONField) and value is not None:
        return json.dumps(value, ensure_ascii=False)
    return value


def _json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _raw_value(field: models.Field, row: dict):
    if field.attname in row:
        value = row[field.attname]
    elif field.has_default():
        value = field.get_default()
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        from django.utils import timezone

        value = timezone.now()
    else:
        value = field.get_default()  # '' for text columns without NULL, else None
    return value


def insert(model, rows: Iterable[dict]) -> int:
    """Write ``rows``; returns how many."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    fields = _columns(model, first)
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            # Defaults once per column; per row only a dict look-up (2 million rows).
            specs = [(f.attname, isinstance(f, models.JSONField), _value(f, {})) for f in fields]
            for item in _chain(first, rows):
                copy.write_row(
                    [
                        (_json(item[name]) if is_json else item[name]) if name in item else default
                        for name, is_json, default in specs
                    ]
                )
                count += 1
        return count
    batch = []
    for item in _chain(first, rows):
        batch.append(model(**{field.attname: _raw_value(field, item) for field in fields}))
        if len(batch) >= BATCH:
            model._base_manager.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model._base_manager.bulk_create(batch)
        count += len(batch)
    return count


def _chain(first, rest):
    yield first
    yield from rest


def move_sequence(model) -> None:
    """After inserting explicit ids: the next automatic id comes after the largest."""
    if connection.vendor != "postgresql":
        return  # SQLite takes max(rowid) + 1 by itself
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        # Table and column names come from the model, not from input.
        largest = f"SELECT MAX({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}"  # noqa: E501, S608
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({largest}), 1))",
            [table, column],
        )
