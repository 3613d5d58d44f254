"""Reading a table of a damaged SQLite file past its damaged pages.

A read in id order stops at the first page that cannot be read. The upper
pages of the table's b-tree still know where the following rows are, so a
read started past the damage works again: :func:`scan` reads on from the
first id after the damaged stretch it can find, and gives back every row it
could read with the id ranges it could not. :func:`index_rows` asks an index
(a separate b-tree) what it still lists for those ranges, so that what is
lost can be counted and named.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ._checks import MAX_ID

__all__ = ["Gaps", "index_rows", "scan"]

#: Id ranges ``(low, high)`` that could not be read: ``low <= id < high`` (``high`` None: on).
Gaps = list[tuple[int, int | None]]


def scan(
    conn: sqlite3.Connection, table: str, key: str, columns: tuple[str, ...]
) -> tuple[list[tuple[Any, ...]], Gaps]:
    """Every row that can be read, in id order, and the id ranges that cannot be.

    A gap ``(low, high)`` means ids ``low <= id < high`` could not be read
    (``high`` None: nothing from ``low`` on).
    """
    present = {name for (_, name, *_rest) in conn.execute(f"PRAGMA table_info({table})")}
    chosen = ", ".join(c if c in present else "NULL" for c in columns)
    sql = f"SELECT {key}, {chosen} FROM {table} NOT INDEXED WHERE {key} >= ? ORDER BY {key}"
    rows: list[tuple[Any, ...]] = []
    gaps: Gaps = []
    start = -MAX_ID
    while True:
        try:
            for row in conn.execute(sql, (start,)):
                _add_in_order(rows, row, start)
            return rows, gaps
        except sqlite3.DatabaseError:
            pass
        # Rows kept from this read have ids from start on; earlier ones are below it.
        after = rows[-1][0] + 1 if rows and rows[-1][0] >= start else start
        # A cursor reads one row ahead, so the row just before the damage
        # may still read on its own.
        works, row = _read_one(conn, sql, after)
        if works:
            if row is None:
                return rows, gaps
            _add_in_order(rows, row, after)
            start = row[0] + 1
            continue
        resume = _next_readable(conn, sql, after)
        gaps.append((after, resume))
        if resume is None:
            return rows, gaps
        start = max(resume, start + 1)  # always onwards, whatever a damaged page says


def _next_readable(conn: sqlite3.Connection, sql: str, low: int) -> int | None:
    """The first id at or after which reading works again (None: nowhere after ``low``).

    A read from a start inside the damaged page fails; one from past it
    finds the next page through the b-tree's upper pages. Gallop, then
    halve the last step, so the first readable row is not jumped over.
    """

    def reads_from(start: int) -> tuple[bool, int | None]:
        works, row = _read_one(conn, sql, start)
        return works, None if row is None else row[0]

    failed, step, probe = low - 1, 1, low
    while True:
        works, _ = reads_from(probe)
        if works:
            break
        if probe >= MAX_ID:
            return None
        failed, step = probe, step * 2
        probe = min(probe + step, MAX_ID)
    while probe - failed > 1:
        middle = (failed + probe) // 2
        if reads_from(middle)[0]:
            probe = middle
        else:
            failed = middle
    return reads_from(probe)[1]


def _read_one(
    conn: sqlite3.Connection, sql: str, start: int
) -> tuple[bool, tuple[Any, ...] | None]:
    """Whether the first row from ``start`` on reads, and that row (None: no more rows)."""
    try:
        row = conn.execute(sql + " LIMIT 1", (start,)).fetchone()
    except sqlite3.DatabaseError:
        return False, None
    if row is None:
        return True, None
    # A damaged page can give an id out of its place: that is no way on.
    works = isinstance(row[0], int) and row[0] >= start
    return works, row if works else None


def index_rows(
    conn: sqlite3.Connection, table: str, select: str, index: str, gaps: Gaps
) -> list[tuple[Any, ...]]:
    """Rows of ``select`` an index still lists for the ids in ``gaps`` ([] if unreadable)."""
    key = select.split(",")[0].strip()
    found: list[tuple[Any, ...]] = []
    for low, high in gaps:
        try:
            found += conn.execute(
                f"SELECT {select} FROM {table} INDEXED BY {index} "
                f"WHERE {key} >= ? AND {key} < ? ORDER BY {key}",
                (low, MAX_ID if high is None else high),
            ).fetchall()
        except sqlite3.DatabaseError:
            return []
    return found


def _add_in_order(rows: list[tuple[Any, ...]], row: tuple[Any, ...], start: int) -> None:
    """Keep rows in rising id order from ``start``: a damaged id out of its place is left out."""
    key = row[0]
    if not isinstance(key, int) or key < start:
        return
    if not rows or key > rows[-1][0]:
        rows.append(row)
    elif len(rows) >= 2 and rows[-2][0] < key:
        rows[-1] = row  # the previous id was the one out of place (too high)
