"""Row counts and a checksum of every table: what a backup promises and a restore proves.

Each table is read in primary-key order (all columns when it has none) and every value
of every row goes into a SHA-256, so one changed character anywhere changes the table's
checksum. The checksum of the data is the SHA-256 over the tables' names and checksums.

Values are compared within one database vendor only (a restore refuses another vendor),
so each vendor's driver representation is fine as long as it is deterministic; SQLite is
always read through a plain ``sqlite3`` connection (Django's adds type converters).
"""

import datetime
import hashlib
import sqlite3
from collections.abc import Iterable
from decimal import Decimal

FETCH_ROWS = 2000


def _canonical(value) -> str:
    if value is None:
        return "N"
    if isinstance(value, bytes | bytearray | memoryview):
        return "b" + bytes(value).hex()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return "d" + value.isoformat()
    if isinstance(value, float):
        return "f" + repr(value)
    if isinstance(value, Decimal | int | bool):
        return "n" + str(value)
    return "s" + str(value)


def _hash_rows(rows: Iterable[tuple]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        for value in row:
            text = _canonical(value)
            # Length-prefixed: no value can pass for the end of another.
            digest.update(f"{len(text)}:".encode())
            digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def _fetch_in_chunks(cursor) -> Iterable[tuple]:
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield from rows


def data_checksum(tables: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for name in sorted(tables):
        digest.update(f"{name}\t{tables[name]['rows']}\t{tables[name]['sha256']}\n".encode())
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(path: str) -> dict[str, dict]:
    """{table: {"rows": n, "sha256": …}} of an SQLite file, read through plain sqlite3."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = connection.cursor()
        names = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        tables = {}
        for name in names:
            columns = cursor.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
            keys = sorted((c for c in columns if c[5]), key=lambda c: c[5]) or columns
            order = ", ".join(_quote(c[1]) for c in keys)
            # Names come from the database's own catalogue, quoted.
            cursor.execute(f"SELECT * FROM {_quote(name)} ORDER BY {order}")  # noqa: S608
            count, digest = _hash_rows(_fetch_in_chunks(cursor))
            tables[name] = {"rows": count, "sha256": digest}
        return tables
    finally:
        connection.close()


def postgresql_tables(connection) -> dict[str, dict]:
    """The same for the tables a Django PostgreSQL connection sees (its search path).

    Call it inside the transaction whose snapshot the numbers must describe.
    """
    tables = {}
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        layout = {}
        for name in names:
            keys = connection.introspection.get_primary_key_columns(cursor, name)
            if not keys:
                keys = [
                    column.name
                    for column in connection.introspection.get_table_description(cursor, name)
                ]
            layout[name] = keys
    for name, keys in layout.items():
        order = ", ".join(_quote(key) for key in keys)
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT * FROM {_quote(name)} ORDER BY {order}")  # noqa: S608
            count, digest = _hash_rows(_fetch_in_chunks(cursor))
        tables[name] = {"rows": count, "sha256": digest}
    return tables


def database_tables(connection) -> dict[str, dict]:
    """Counts and checksums of the database behind a Django connection."""
    if connection.vendor == "sqlite":
        connection.close()  # read the file as it is on disk, through plain sqlite3
        return sqlite_tables(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        return postgresql_tables(connection)
    raise ValueError(f"Unsupported database vendor: {connection.vendor}")
