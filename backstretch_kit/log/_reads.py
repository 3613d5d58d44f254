"""The SQL of the log's readers, one copy for the SQLite and the PostgreSQL store.

Each function returns a statement and its named parameters (``:low``,
``:high``, ``:name``, ...): sqlite3 takes them from a dict just as
SQLAlchemy's ``text()`` does, and ``WHERE true`` starts a filter in both
(SQLite since 3.23). Ranges are ``low <= value < high`` with either end
open (None), as ``SessionLog``'s readers promise.

One difference between the two databases shows here: a hold's person is
found through its session in SQLite, while PostgreSQL keeps ``person_id`` on
each hold (its row-level security needs it there) and joins people directly;
the store says which with :data:`HOLDS_VIA_SESSION` or
:data:`HOLDS_WITH_PERSON`.

:class:`Readers` is the readers' half of both stores: each store gives it
one way to run a statement (``rows``) and its weekly query, and inherits
``sessions``, ``holds``, ``routine_json`` and ``daily_totals`` from it.
"""

from __future__ import annotations

from typing import Any

from . import _schema
from ._checks import LogError

__all__ = [
    "HOLDS_VIA_SESSION",
    "HOLDS_WITH_PERSON",
    "Params",
    "Readers",
    "daily_query",
    "days",
    "holds_query",
    "sessions_query",
    "week_parts",
    "weeks",
]

Params = dict[str, Any]

# The columns of sessions() and holds(), in the order _frames builds them from.
_SESSION_COLUMNS = (
    "s.session_id, p.person, s.routine_name, s.kind, s.started_us, s.ended_us, "
    "s.pain_before, s.pain_after, s.notes"
)
_HOLD_COLUMNS = (
    "h.hold_id, h.session_id, p.person, h.stretch_id, h.side, h.rep, h.planned_s, "
    "h.actual_s, h.completed, h.started_us"
)

#: Holds with their person found through the session (SQLite: holds have no person_id).
HOLDS_VIA_SESSION = "holds h JOIN sessions s USING (session_id) JOIN people p USING (person_id)"
#: Holds with their person on the hold itself (PostgreSQL, for row-level security).
HOLDS_WITH_PERSON = "holds h JOIN people p USING (person_id)"


class Readers:
    """What both stores read the same way, over the store's :meth:`rows` and :meth:`weekly_query`.

    A store sets :attr:`label` (the log, for messages) and :attr:`HOLDS`
    (how its holds find their person).
    """

    #: :data:`HOLDS_VIA_SESSION` or :data:`HOLDS_WITH_PERSON`.
    HOLDS = HOLDS_VIA_SESSION
    #: Where the log is, for messages (a path, or ``user@host:port/database``).
    label: str

    def rows(self, sql: str, params: Params) -> list[tuple]:
        """Every row of one statement with named parameters."""
        raise NotImplementedError

    def weekly_query(
        self, name: str | None, low: int | None, high: int | None
    ) -> tuple[str, Params]:
        """The statement of :meth:`weekly_totals` (the weekly totals differ between the two)."""
        raise NotImplementedError

    def sessions(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """Session rows, oldest first, in the column order of ``_frames.SESSIONS``."""
        return self.rows(*sessions_query(name, low, high))

    def holds(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """Hold rows, oldest first, in ``_frames.HOLDS`` order less ``name`` and ``body_area``."""
        return self.rows(*holds_query(self.HOLDS, name, low, high))

    def routine_json(self, session_id: int) -> str | None:
        """The routine snapshot stored with a session (None if it had none)."""
        found = self.rows(
            "SELECT routine_json FROM sessions WHERE session_id = :s", {"s": session_id}
        )
        if not found:
            raise LogError(f"unknown session id {session_id} in {self.label}")
        return found[0][0]

    def daily_totals(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """(day, person, stretch_id, held_us) rows for days ``low <= day < high``."""
        return self.rows(*daily_query(name, low, high))

    def weekly_totals(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """(week, stretch_id, held_us) rows for days ``low <= day < high``, by week and stretch."""
        return self.rows(*self.weekly_query(name, low, high))


def sessions_query(name: str | None, low: int | None, high: int | None) -> tuple[str, Params]:
    """Session rows started ``low <= us < high``, oldest first, in ``_frames.SESSIONS`` order."""
    where, params = _started("s.started_us", name, low, high)
    return (
        f"SELECT {_SESSION_COLUMNS} FROM sessions s JOIN people p USING (person_id) "
        f"WHERE true{where} ORDER BY s.started_us, s.session_id",
        params,
    )


def holds_query(
    tables: str, name: str | None, low: int | None, high: int | None
) -> tuple[str, Params]:
    """Hold rows, oldest first, in ``_frames.HOLDS`` order less ``name`` and ``body_area``.

    ``tables`` is :data:`HOLDS_VIA_SESSION` or :data:`HOLDS_WITH_PERSON`.
    """
    where, params = _started("h.started_us", name, low, high)
    return (
        f"SELECT {_HOLD_COLUMNS} FROM {tables} WHERE true{where} ORDER BY h.started_us, h.hold_id",
        params,
    )


def daily_query(name: str | None, low: int | None, high: int | None) -> tuple[str, Params]:
    """(day, person, stretch_id, held_us) rows of the daily totals, days ``low <= day < high``."""
    where, params = days(name, low, high)
    return (
        "SELECT t.day, p.person, t.stretch_id, t.held_us FROM daily_totals t "
        f"JOIN people p USING (person_id) WHERE true{where}",
        params,
    )


def days(
    name: str | None, low: int | None, high: int | None, suffix: str = ""
) -> tuple[str, Params]:
    """The filter of a read of daily_totals (as ``t``); ``suffix`` keeps two in one statement apart.

    The week bounds, implied by the day bounds, let either database walk its
    (week, ...) index for a range.
    """
    where, params = _person(name)
    if low is not None:
        where += f" AND t.week >= :low_week{suffix} AND t.day >= :low{suffix}"
        params |= {f"low_week{suffix}": _schema.week_of(low), f"low{suffix}": low}
    if high is not None:
        where += f" AND t.week <= :high_week{suffix} AND t.day < :high{suffix}"
        params |= {f"high_week{suffix}": _schema.week_of(high), f"high{suffix}": high}
    return where, params


def weeks(name: str | None, start: int | None, stop: int | None) -> tuple[str, Params]:
    """The filter of a read of weekly_totals (as ``t``): Mondays ``start <= week < stop``."""
    where, params = _person(name)
    if start is not None:
        where, params["start"] = where + " AND t.week >= :start", start
    if stop is not None:
        where, params["stop"] = where + " AND t.week < :stop", stop
    return where, params


def week_parts(
    low: int | None, high: int | None
) -> tuple[int | None, int | None, list[tuple[int, int]]] | None:
    """Days ``low <= day < high`` cut into the weeks wholly inside and the days left over.

    Returns ``(start, stop, edges)``: the whole weeks are the Mondays
    ``start <= week < stop`` (None: open), and ``edges`` the day ranges of a
    partly covered first or last week. None when no week is whole: then all
    the days come from the daily totals.

    >>> monday = 4  # 1970-01-05, day 4 since the epoch
    >>> week_parts(monday + 2, monday + 7 * 3)
    (11, 25, [(6, 11)])
    >>> week_parts(monday + 1, monday + 5) is None
    True
    """
    start = None if low is None else _schema.week_of(low + 6)
    stop = None if high is None else _schema.week_of(high)
    if start is not None and stop is not None and start >= stop:
        return None
    edges = [
        (edge_low, edge_high)
        for edge_low, edge_high in ((low, start), (stop, high))
        if edge_low is not None and edge_high is not None and edge_low < edge_high
    ]
    return start, stop, edges


def _started(
    column: str, name: str | None, low: int | None, high: int | None
) -> tuple[str, Params]:
    """The filter of a sessions or holds read: ``low <= column < high``, one person."""
    where, params = "", {}
    if low is not None:
        where, params["low"] = f" AND {column} >= :low", low
    if high is not None:
        where, params["high"] = where + f" AND {column} < :high", high
    if name is not None:
        where, params["name"] = where + " AND p.person = :name", name
    return where, params


def _person(name: str | None) -> tuple[str, Params]:
    """The filter of a totals read to one person (none: everyone the connection sees)."""
    if name is None:
        return "", {}
    where = " AND t.person_id = (SELECT person_id FROM people WHERE person = :name)"
    return where, {"name": name}
