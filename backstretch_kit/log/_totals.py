"""The running totals: kept with every hold, read back by day or by week.

``daily_totals`` has a row per person, local day and stretch; ``weekly_totals``
a row per week and stretch for everyone together (see ``_schema``). Both
are updated inside the transaction that writes the hold, so they are always
what a rebuild from the holds would give, to the microsecond. The readers
here only build SQL; the store runs it.
"""

from __future__ import annotations

import sqlite3

from . import _reads, _schema
from ._reads import Params

__all__ = ["add", "forget", "weekly_query"]

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


def weekly_query(name: str | None, low: int | None, high: int | None) -> tuple[str, Params]:
    """SQL for (week, stretch_id, held_us) rows of days ``low <= day < high``.

    Rows come ordered by week and stretch, one per pair, whichever table they
    are read from.
    """
    parts = _reads.week_parts(low, high)
    # One person's weeks, or a range with no whole week: from the daily totals
    # (SQLite's weekly totals are everyone's together).
    if name is not None or parts is None:
        where, params = _reads.days(name, low, high)
        sql = f"SELECT {_BY_WEEK} FROM daily_totals t WHERE true{where}{_GROUP_BY_WEEK}"
        return sql + " ORDER BY 1, 2", params
    # Everyone: whole weeks from weekly_totals, about forty times fewer rows
    # than the daily ones; only the days of a partly covered first or last
    # week are summed from daily_totals. One statement: one moment of the file.
    start, stop, edges = parts
    where, params = _reads.weeks(None, start, stop)
    parts_sql = [f"SELECT week, stretch_id, held_us FROM weekly_totals t WHERE true{where}"]
    for edge, (edge_low, edge_high) in enumerate(edges):
        more, extra = _reads.days(None, edge_low, edge_high, suffix=f"_{edge}")
        parts_sql.append(f"SELECT {_BY_WEEK} FROM daily_totals t WHERE true{more}{_GROUP_BY_WEEK}")
        params |= extra
    return " UNION ALL ".join(parts_sql) + " ORDER BY 1, 2", params
