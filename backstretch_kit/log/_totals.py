"""The running totals: kept with every hold, read back by day or by week.

``daily_totals`` has a row per person, local day and stretch; ``weekly_totals``
a row per week and stretch for everyone together (see ``_schema``). Both
are updated inside the transaction that writes the hold, so they are always
what a rebuild from the holds would give, to the microsecond. The readers
here only build SQL; the store runs it.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from . import _schema

__all__ = ["add", "daily_query", "forget", "weekly_query"]

# What a weekly read returns per row, summed from daily rows where it must be.
_BY_WEEK = "t.week, t.stretch_id, SUM(t.held_us)"
_GROUP_BY_WEEK = " GROUP BY t.week, t.stretch_id"


def add(
    conn: sqlite3.Connection, owner: int, stretch_id: str, us: int, offset_s: int, seconds: float
) -> None:
    """Add one hold (started at ``us`` with its UTC offset) to both totals."""
    day = (us + offset_s * 1_000_000) // _schema.US_PER_DAY
    week, held = _schema.week_of(day), _schema.held_us(seconds)
    conn.execute(
        "INSERT INTO daily_totals (person_id, day, week, stretch_id, held_us) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, day, stretch_id) "
        "DO UPDATE SET held_us = held_us + excluded.held_us",
        (owner, day, week, stretch_id, held),
    )
    conn.execute(
        "INSERT INTO weekly_totals (week, stretch_id, held_us) VALUES (?, ?, ?) "
        "ON CONFLICT (week, stretch_id) DO UPDATE SET held_us = held_us + excluded.held_us",
        (week, stretch_id, held),
    )


def forget(conn: sqlite3.Connection, owner: int) -> None:
    """Take a person's time out of the weekly totals, then drop their daily ones."""
    theirs = conn.execute(
        "SELECT week, stretch_id, SUM(held_us) FROM daily_totals WHERE person_id = ? "
        "GROUP BY week, stretch_id",
        (owner,),
    ).fetchall()
    conn.executemany(
        "UPDATE weekly_totals SET held_us = held_us - ?3 WHERE week = ?1 AND stretch_id = ?2",
        theirs,
    )
    conn.execute("DELETE FROM daily_totals WHERE person_id = ?", (owner,))
    # A row nobody else adds to goes, as a rebuild would not make it (a zero
    # left by others' zero-second holds stays, as a rebuild would make it).
    conn.executemany(
        "DELETE FROM weekly_totals WHERE week = ?1 AND stretch_id = ?2 AND NOT EXISTS "
        "(SELECT 1 FROM daily_totals d WHERE d.week = ?1 AND d.stretch_id = ?2)",
        [(week, stretch) for week, stretch, _ in theirs],
    )


def daily_query(name: str | None, low: int | None, high: int | None) -> tuple[str, list[Any]]:
    """SQL for (day, person, stretch_id, held_us) rows of days ``low <= day < high``."""
    return _daily(
        "t.day, (SELECT person FROM people p WHERE p.person_id = t.person_id), "
        "t.stretch_id, t.held_us",
        name,
        low,
        high,
    )


def weekly_query(name: str | None, low: int | None, high: int | None) -> tuple[str, list[Any]]:
    """SQL for (week, stretch_id, held_us) rows of days ``low <= day < high``.

    Rows come ordered by week and stretch, one per pair, whichever table they
    are read from.
    """
    # The weeks wholly inside the range: from the Monday on or after low to
    # the Monday on or before high (exclusive).
    start = None if low is None else _schema.week_of(low + 6)
    stop = None if high is None else _schema.week_of(high)
    if name is not None or (start is not None and stop is not None and start >= stop):
        sql, params = _daily(_BY_WEEK, name, low, high, _GROUP_BY_WEEK)
        return sql + " ORDER BY 1, 2", params
    # Everyone: whole weeks from weekly_totals, about forty times fewer rows
    # than the daily ones; only the days of a partly covered first or last
    # week are summed from daily_totals. One statement: one moment of the file.
    parts, params = ["SELECT week, stretch_id, held_us FROM weekly_totals t WHERE 1"], []
    if start is not None:
        parts[0] += " AND t.week >= ?"
        params.append(start)
    if stop is not None:
        parts[0] += " AND t.week < ?"
        params.append(stop)
    for edge_low, edge_high in ((low, start), (stop, high)):
        if edge_low is not None and edge_high is not None and edge_low < edge_high:
            sql, more = _daily(_BY_WEEK, None, edge_low, edge_high, _GROUP_BY_WEEK)
            parts.append(sql)
            params += more
    return " UNION ALL ".join(parts) + " ORDER BY 1, 2", params


def _daily(
    select: str, name: str | None, low: int | None, high: int | None, group: str = ""
) -> tuple[str, list[Any]]:
    """A read of daily_totals for days ``low <= day < high``, optionally one person's."""
    where, params = "", []
    if name is not None:
        where += " AND t.person_id = (SELECT person_id FROM people WHERE person = ?)"
        params.append(name)
    # The week bounds let SQLite walk the (week, ...) index for a range.
    if low is not None:
        where += " AND t.week >= ? AND t.day >= ?"
        params += [_schema.week_of(low), low]
    if high is not None:
        where += " AND t.week <= ? AND t.day < ?"
        params += [_schema.week_of(high), high]
    return f"SELECT {select} FROM daily_totals t WHERE 1{where}{group}", params
