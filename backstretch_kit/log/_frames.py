"""The frames the session log reads back, their columns and dtypes defined once.

:meth:`SessionLog.sessions`, :meth:`SessionLog.holds`,
:meth:`SessionLog.daily_totals` and :meth:`SessionLog.weekly_minutes` build
their frames here from the store's rows, and
:func:`backstretch_kit.demo.sample_log` builds its frames with the same
layouts, so a chart or notebook cannot tell sample data from a real log. The
layouts are plain ``column -> dtype`` mappings; their key order is the column
order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..vocab import BODY_AREAS
from . import _schema

__all__ = [
    "DAILY_TOTALS",
    "HOLDS",
    "HOLD_COLUMNS",
    "SESSIONS",
    "SESSION_COLUMNS",
    "StretchLookup",
    "daily_totals_from_rows",
    "holds_frame",
    "holds_from_rows",
    "sessions_frame",
    "sessions_from_rows",
    "weekly_from_rows",
]

#: Body areas as an ordered categorical, head to toe; NaN for a stretch not in the catalog.
BODY_AREA = pd.CategoricalDtype(list(BODY_AREAS), ordered=True)
#: Instants: UTC, to the microsecond (what the log stores).
UTC_TIME = pd.DatetimeTZDtype("us", "UTC")

#: ``SessionLog.sessions()``; ``kind`` is ``routine`` or ``ad hoc``, pains NaN when not given.
SESSIONS: Mapping[str, Any] = {
    "session_id": "int64",
    "person": "str",
    "routine_name": "str",
    "kind": "str",
    "started_at": UTC_TIME,
    "ended_at": UTC_TIME,
    "pain_before": "float64",
    "pain_after": "float64",
    "notes": "str",
}
#: ``SessionLog.holds()``; ``name`` and ``body_area`` come from the catalog.
HOLDS: Mapping[str, Any] = {
    "hold_id": "int64",
    "session_id": "int64",
    "person": "str",
    "stretch_id": "str",
    "name": "str",
    "body_area": BODY_AREA,
    "side": "str",
    "rep": "int64",
    "planned_s": "float64",
    "actual_s": "float64",
    "completed": "bool",
    "started_at": UTC_TIME,
}
#: ``SessionLog.daily_totals()``; ``day`` is a local calendar date (midnight, no zone).
DAILY_TOTALS: Mapping[str, Any] = {
    "day": "datetime64[s]",
    "person": "str",
    "body_area": BODY_AREA,
    "seconds": "float64",
}
SESSION_COLUMNS: tuple[str, ...] = tuple(SESSIONS)
HOLD_COLUMNS: tuple[str, ...] = tuple(HOLDS)
# What the store reads for a hold; name and area come from the catalog.
_STORED_HOLD_COLUMNS = tuple(c for c in HOLD_COLUMNS if c not in ("name", "body_area"))

_US_PER_MINUTE = 60e6


def sessions_frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    """A frame in the :data:`SESSIONS` layout from one array-like per column.

    Times may be anything :func:`pandas.to_datetime` reads as aware instants.
    """
    return _frame(SESSIONS, columns)


def holds_frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    """A frame in the :data:`HOLDS` layout; ``body_area`` as labels or as a ready categorical."""
    return _frame(HOLDS, columns)


def sessions_from_rows(rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """The sessions frame from ``Store.sessions()`` rows (times in stored microseconds)."""
    c = dict(zip(SESSION_COLUMNS, _columns(rows, len(SESSION_COLUMNS)), strict=True))
    return sessions_frame(
        {**c, "started_at": utc_times(c["started_at"]), "ended_at": utc_times(c["ended_at"])}
    )


def holds_from_rows(rows: Sequence[tuple[Any, ...]], stretches: StretchLookup) -> pd.DataFrame:
    """The holds frame from ``Store.holds()`` rows, named and placed through the catalog."""
    c = dict(zip(_STORED_HOLD_COLUMNS, _columns(rows, len(_STORED_HOLD_COLUMNS)), strict=True))
    return holds_frame(
        {
            **c,
            "name": stretches.names(c["stretch_id"]),
            "body_area": areas(stretches.codes(c["stretch_id"])),
            "started_at": utc_times(c["started_at"]),
        }
    )


def daily_totals_from_rows(
    rows: Sequence[tuple[Any, ...]], stretches: StretchLookup
) -> pd.DataFrame:
    """The :data:`DAILY_TOTALS` frame from (day, person, stretch_id, held_us) rows.

    The store keeps a row per stretch; two stretches of one area on one day
    become one row here, and stretches with no area keep a NaN-area row.
    """
    c = _columns(rows, 4)
    frame = _frame(
        DAILY_TOTALS,
        {
            "day": local_days(c[0]),
            "person": c[1],
            "body_area": areas(stretches.codes(c[2])),
            "seconds": np.array(c[3], dtype=np.int64) / 1e6,
        },
    )
    totals = frame.groupby(["day", "person", "body_area"], observed=True, dropna=False, sort=True)[
        "seconds"
    ].sum()
    return totals.reset_index()


def weekly_from_rows(
    rows: Sequence[tuple[Any, ...]], stretches: StretchLookup, low: int | None, high: int | None
) -> pd.DataFrame:
    """Minutes per week and area from (week, stretch_id, held_us) rows of days ``[low, high)``.

    Every week of the range gets a row, zeros where nothing was held; an open
    end runs to the first or last week with anything in it. Stretches with no
    area are left out.
    """
    c = _columns(rows, 3)
    weeks, codes = np.array(c[0], dtype=np.int64), stretches.codes(c[1])
    first = _schema.week_of(low) if low is not None else (int(weeks.min()) if rows else None)
    last = _schema.week_of(high - 1) if high is not None else (int(weeks.max()) if rows else None)
    columns = pd.Index(BODY_AREAS, name="body_area")
    if first is None or last is None or last < first:
        return pd.DataFrame(
            0.0, index=pd.DatetimeIndex(local_days(()), name="week"), columns=columns
        )
    table = np.zeros(((last - first) // 7 + 1, len(BODY_AREAS)))
    known = codes >= 0
    minutes = np.array(c[2], dtype=np.float64) / _US_PER_MINUTE
    # Rows come ordered by week and stretch and add.at adds in row order, so
    # each cell is the same float sum whichever table the rows were read from.
    np.add.at(table, ((weeks[known] - first) // 7, codes[known]), minutes[known])
    index = pd.DatetimeIndex(local_days(np.arange(first, last + 1, 7)), name="week")
    return pd.DataFrame(table, index=index, columns=columns)


def utc_times(values: Iterable[int | None]) -> pd.Series:
    """UTC timestamps (microsecond precision) from stored microseconds; None -> NaT."""
    nat = np.iinfo(np.int64).min
    raw = np.fromiter((nat if v is None else v for v in values), dtype=np.int64, count=-1)
    return pd.Series(pd.DatetimeIndex(raw.view("datetime64[us]")).tz_localize("UTC"))


def local_days(values: Iterable[int]) -> pd.DatetimeIndex:
    """Midnight timestamps (no zone) from day numbers (days since 1970-01-01)."""
    raw = np.fromiter(values, dtype=np.int64, count=-1)
    return pd.DatetimeIndex(raw.astype("datetime64[D]").astype("datetime64[s]"))


def areas(codes: np.ndarray) -> pd.Categorical:
    """The body-area categorical from indexes into ``BODY_AREAS`` (-1: no area)."""
    return pd.Categorical.from_codes(codes.astype(np.int8), dtype=BODY_AREA)


class StretchLookup:
    """Names and body areas of stretches, from the catalog, loaded on first use.

    Parameters
    ----------
    catalog : DataFrame, optional
        Index ``stretch_id``, columns ``name`` and ``body_area``; the shipped
        catalog (:func:`backstretch_kit.load_stretches`) when None.
    """

    def __init__(self, catalog: pd.DataFrame | None = None):
        self._catalog = catalog
        self._table: dict[str, tuple[str, int]] | None = None

    def _entries(self) -> dict[str, tuple[str, int]]:
        """stretch_id -> (name, index into BODY_AREAS)."""
        if self._table is None:
            catalog = self._catalog
            if catalog is None:
                # Loaded only when a reader needs names or areas: writing a
                # hold must not wait for the catalog.
                from ..catalog import load_stretches

                catalog = load_stretches()
            position = {area: i for i, area in enumerate(BODY_AREAS)}
            self._table = {
                str(stretch): (str(name), position.get(str(area), -1))
                for stretch, name, area in zip(
                    catalog.index, catalog["name"], catalog["body_area"], strict=True
                )
            }
        return self._table

    def names(self, stretch_ids: Iterable[str]) -> list[str | None]:
        """Each stretch's name; None for a stretch no longer in the catalog."""
        table = self._entries()
        return [table[s][0] if s in table else None for s in stretch_ids]

    def codes(self, stretch_ids: Iterable[str]) -> np.ndarray:
        """Each stretch's index into ``BODY_AREAS``; -1 for a stretch not in the catalog."""
        table = self._entries()
        return np.fromiter((table.get(s, ("", -1))[1] for s in stretch_ids), dtype=np.int8)


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> Sequence[tuple[Any, ...]]:
    """Rows turned into columns (empty ones when there are no rows)."""
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _frame(layout: Mapping[str, Any], columns: Mapping[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({name: _typed(columns[name], dtype) for name, dtype in layout.items()})


def _typed(values: Any, dtype: Any) -> Any:
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values, dtype=dtype)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return pd.Series(pd.to_datetime(values, utc=True)).dt.as_unit(dtype.unit)
    return pd.Series(values, dtype=dtype)
