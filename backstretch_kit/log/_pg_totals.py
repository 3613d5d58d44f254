"""The PostgreSQL store's running totals: kept with every hold, read back by week.

As in SQLite (``_totals``), ``daily_totals`` has a row per person, local day
and stretch, and both tables are updated inside the transaction that writes
the hold. Unlike SQLite, ``weekly_totals`` has a row per *person*, week and
stretch: row-level security lets each connection see only its own people's
rows, so a total of everyone's would show others' time. The day rule is
``_totals``'s: a hold counts on the local date its start carried.
"""

from __future__ import annotations

from typing import Any

from . import _reads, _schema
from ._checks import Hold

__all__ = ["add", "forget", "weekly_query"]


def add(conn: Any, owner: int, hold: Hold) -> None:
    """Add one hold to its person's daily and weekly totals (the day rule of ``_totals``)."""
    from sqlalchemy import text

    us, offset_s = hold.at
    day = (us + offset_s * 1_000_000) // _schema.US_PER_DAY
    values = {
        "p": owner,
        "day": day,
        "week": _schema.week_of(day),
        "stretch": hold.stretch_id,
        "held": _schema.held_us(hold.actual_s),
    }
    conn.execute(
        text(
            "INSERT INTO daily_totals (person_id, day, week, stretch_id, held_us) "
            "VALUES (:p, :day, :week, :stretch, :held) ON CONFLICT (person_id, day, stretch_id) "
            "DO UPDATE SET held_us = daily_totals.held_us + excluded.held_us"
        ),
        values,
    )
    conn.execute(
        text(
            "INSERT INTO weekly_totals (person_id, week, stretch_id, held_us) "
            "VALUES (:p, :week, :stretch, :held) ON CONFLICT (person_id, week, stretch_id) "
            "DO UPDATE SET held_us = weekly_totals.held_us + excluded.held_us"
        ),
        values,
    )


def forget(conn: Any, owner: int) -> None:
    """Drop a person's daily and weekly totals (the rows are theirs alone)."""
    from sqlalchemy import text

    conn.execute(text("DELETE FROM daily_totals WHERE person_id = :p"), {"p": owner})
    conn.execute(text("DELETE FROM weekly_totals WHERE person_id = :p"), {"p": owner})


def weekly_query(name: str | None, low: int | None, high: int | None) -> tuple[str, _reads.Params]:
    """SQL for (week, stretch_id, held_us) rows of days ``low <= day < high``, by week and stretch.

    Whole weeks come from weekly_totals, only the days of a partly covered
    first or last week from daily_totals, as SQLite's ``_totals.weekly_query``
    does. One statement: one moment of the database. Sums of integers: exact
    in any order.
    """
    pick = "SELECT t.week, t.stretch_id, t.held_us FROM {} t WHERE true{}"
    parts = _reads.week_parts(low, high)
    if parts is None:
        where, params = _reads.days(name, low, high)
        tables = [pick.format("daily_totals", where)]
    else:
        start, stop, edges = parts
        where, params = _reads.weeks(name, start, stop)
        tables = [pick.format("weekly_totals", where)]
        for edge, (edge_low, edge_high) in enumerate(edges):
            more, extra = _reads.days(name, edge_low, edge_high, suffix=f"_{edge}")
            tables.append(pick.format("daily_totals", more))
            params |= extra
    sql = (
        "SELECT week, stretch_id, SUM(held_us)::bigint FROM ("
        + " UNION ALL ".join(tables)
        + ') w GROUP BY week, stretch_id ORDER BY week, stretch_id COLLATE "C"'
    )
    return sql, params
