"""SessionLog's readers: each checks its filters, asks the store, and shapes the rows.

:class:`FrameReaders` is the reading half of :class:`SessionLog` (which
inherits it): the filters pass the same checks as every argument
(``_checks``), the store (SQLite or PostgreSQL) gives the rows, and
``_frames`` makes them the documented DataFrames.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from . import _checks, _frames

__all__ = ["FrameReaders"]


class FrameReaders:
    """The readers of :class:`SessionLog`, over its store and its stretch catalog."""

    # Given by SessionLog: the open store, and the catalog's names and areas.
    _store: Any
    _stretches: _frames.StretchLookup

    def people(self) -> list[str]:
        """The names (pseudonyms) in the log, alphabetically."""
        return self._store.people()

    def sessions(
        self, person: str | None = None, start: Any = None, end: Any = None
    ) -> pd.DataFrame:
        """Sessions, oldest first, optionally for one person and a time range.

        Parameters
        ----------
        person : str, optional
        start, end : datetime, date or ISO text, optional
            Sessions with ``start <= started_at < end``; a plain date means
            midnight in the machine's local zone.

        Returns
        -------
        DataFrame
            ``session_id, person, routine_name, kind, started_at, ended_at,
            pain_before, pain_after, notes``; times are UTC timestamps, pains
            floats (NaN when not given), ``kind`` is ``routine`` or ``ad hoc``.
        """
        low, high = _checks.bound_us(start, "start"), _checks.bound_us(end, "end")
        return _frames.sessions_from_rows(self._store.sessions(_name_or_none(person), low, high))

    def holds(self, person: str | None = None, start: Any = None, end: Any = None) -> pd.DataFrame:
        """Holds, oldest first, optionally for one person and a time range.

        Parameters
        ----------
        person : str, optional
        start, end : datetime, date or ISO text, optional
            Holds with ``start <= started_at < end`` (a plain date: local midnight).

        Returns
        -------
        DataFrame
            ``hold_id, session_id, person, stretch_id, name, body_area, side, rep,
            planned_s, actual_s, completed, started_at``. ``body_area`` is an
            ordered categorical over ``BODY_AREAS``; ``name`` and ``body_area``
            are NaN for stretches no longer in the catalog.
        """
        low, high = _checks.bound_us(start, "start"), _checks.bound_us(end, "end")
        rows = self._store.holds(_name_or_none(person), low, high)
        return _frames.holds_from_rows(rows, self._stretches)

    def routine_snapshot(self, session_id: int) -> dict[str, Any] | None:
        """The routine as it was when the session started (``Routine.to_dict()``), or None."""
        snapshot = self._store.routine_json(_checks.row_id(session_id))
        return None if snapshot is None else json.loads(snapshot)

    def daily_totals(
        self, person: str | None = None, start: Any = None, end: Any = None
    ) -> pd.DataFrame:
        """Seconds held per local calendar day, person and body area.

        Kept up to date as holds are written, so this never scans the holds.
        ``start <= day < end`` (dates; a datetime counts by its own date).

        Returns
        -------
        DataFrame
            ``day`` (midnight timestamps of local calendar dates, no zone),
            ``person``, ``body_area`` (ordered categorical; NaN for stretches
            not in the catalog), ``seconds`` (actual seconds held, skipped or
            not).
        """
        low, high = _checks.bound_day(start, "start"), _checks.bound_day(end, "end")
        rows = self._store.daily_totals(_name_or_none(person), low, high)
        return _frames.daily_totals_from_rows(rows, self._stretches)

    def weekly_minutes(
        self, person: str | None = None, start: Any = None, end: Any = None
    ) -> pd.DataFrame:
        """Minutes held per week and body area, built from the daily totals.

        Parameters
        ----------
        person : str, optional
            One person; everyone together by default.
        start, end : date, optional
            Days with ``start <= day < end``. Weeks in the range with nothing
            logged appear as rows of zeros.

        Returns
        -------
        DataFrame
            Index ``week`` (the Monday, a timestamp with no zone); one column per
            entry of ``BODY_AREAS``, in that order; values in minutes. Stretches
            no longer in the catalog have no area and are left out here (they
            stay in :meth:`daily_totals` and :meth:`holds`).
        """
        low, high = _checks.bound_day(start, "start"), _checks.bound_day(end, "end")
        rows = self._store.weekly_totals(_name_or_none(person), low, high)
        return _frames.weekly_from_rows(rows, self._stretches, low, high)


def _name_or_none(person: Any) -> str | None:
    """A reader's person filter: None for everyone, else a checked name."""
    return None if person is None else _checks.person_name(person)
