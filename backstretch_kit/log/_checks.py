"""The session log's limits, its one exception, and the checks every argument passes.

Each check takes a caller's value and returns it in the form the store keeps
(a stripped name, a float, microseconds since the epoch...), or raises
:class:`LogError` naming the field and the bad value. :class:`SessionLog`
runs them before it asks the store for anything, and the CSV import runs the
very same ones on every cell, so a file cannot put in what a call could not.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd

# The longest hold and name are the workbook's own limits, the same for catalog rows,
# routines and the log: defined once, in vocab.
from ..vocab import MAX_HOLD_S, MAX_NAME_CHARS

__all__ = ["HOLD_SIDES", "LogError", "MAX_ACTIVITY_S", "MAX_HOLD_S", "MAX_REP"]

#: Longest ad-hoc activity entry, in seconds.
MAX_ACTIVITY_S = 4 * 3600.0
#: Highest repetition number accepted for one side of one stretch.
MAX_REP = 100
MAX_NOTES_CHARS = 10_000
#: Which side a hold was on.
HOLD_SIDES: tuple[str, ...] = ("both", "left", "right")
#: Largest row id accepted (SQLite's rowids are signed 64-bit; this leaves headroom).
MAX_ID = 2**62

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class LogError(ValueError):
    """A session-log call was refused: bad input, or a file that is not a usable log.

    Nothing was written when this is raised, with one exception that says so
    in its message: ``forget_person`` deleted the person but could not empty
    the journal of their old records while another program was reading.
    """


@dataclass(frozen=True)
class Hold:
    """One hold's values, checked, in the form the store keeps them."""

    stretch_id: str
    side: str
    rep: int
    planned_s: float
    actual_s: float
    completed: bool
    #: Microseconds since the epoch (UTC) and the UTC offset in seconds, from :func:`instant`.
    at: tuple[int, int]


def hold(
    stretch: Any,
    on_side: Any,
    rep: Any,
    planned_s: Any,
    actual_s: Any,
    completed: Any,
    started_at: Any,
) -> Hold:
    """One hold's arguments, each checked as ``record_hold`` checks them."""
    return Hold(
        stretch_id(stretch),
        side(on_side),
        integer(rep, "rep", 1, MAX_REP),
        number(planned_s, "planned_s", 0.0, MAX_HOLD_S, above_low=True),
        number(actual_s, "actual_s", 0.0, MAX_HOLD_S),
        flag(completed, "completed"),
        instant(started_at, "started_at"),
    )


def person_name(value: Any, field: str = "person") -> str:
    """A person's name or pseudonym (also used for routine names), stripped."""
    if not isinstance(value, str) or not value.strip():
        raise LogError(f"{field} must be a non-empty name (a pseudonym is fine), got {value!r}")
    name = value.strip()
    if len(name) > MAX_NAME_CHARS:
        raise LogError(f"{field} is longer than {MAX_NAME_CHARS} characters: {name[:40]!r}...")
    return name


def text(value: Any, field: str) -> str:
    """Free text such as notes, kept exactly as given."""
    if not isinstance(value, str):
        raise LogError(f"{field} must be text, got {value!r}")
    if len(value) > MAX_NOTES_CHARS:
        raise LogError(f"{field} is longer than {MAX_NOTES_CHARS} characters")
    return value


def number(value: Any, field: str, low: float, high: float, *, above_low: bool = False) -> float:
    """A finite real number in ``[low, high]`` (or ``(low, high]`` with ``above_low``)."""
    # bool is an Integral to Python, but True seconds or True pain is a mistake.
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise LogError(f"{field} must be a number, got {value!r}")
    result = float(value)
    too_low = result <= low if above_low else result < low
    if not math.isfinite(result) or too_low or result > high:
        bounds = f"more than {low:g}" if above_low else f"at least {low:g}"
        raise LogError(f"{field} must be {bounds} and at most {high:g}, got {value!r}")
    return result


def pain(value: Any, field: str) -> float | None:
    """Pain on the 0 to 10 scale, or None when not given."""
    if value is None:
        return None
    return number(value, field, 0.0, 10.0)


def integer(value: Any, field: str, low: int, high: int) -> int:
    """A whole number in ``[low, high]``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise LogError(f"{field} must be a whole number, got {value!r}")
    if not low <= int(value) <= high:
        raise LogError(f"{field} must be between {low} and {high}, got {value!r}")
    return int(value)


def row_id(value: Any, field: str = "session_id") -> int:
    """A session or hold id as the log hands them out (1 or more)."""
    return integer(value, field, 1, MAX_ID)


def side(value: Any) -> str:
    """One of :data:`HOLD_SIDES`."""
    if value not in HOLD_SIDES:
        raise LogError(f"side must be one of {', '.join(HOLD_SIDES)}, got {value!r}")
    return str(value)


def stretch_id(value: Any) -> str:
    """A catalog-style id; ids outside the catalog are allowed (a log outlives edits)."""
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise LogError(f"stretch_id must be a non-empty id such as 'knee-to-chest', got {value!r}")
    if len(value) > MAX_NAME_CHARS:
        raise LogError(f"stretch_id is longer than {MAX_NAME_CHARS} characters: {value[:40]!r}")
    return value


def flag(value: Any, field: str) -> bool:
    """True or False, nothing merely truthy."""
    if not isinstance(value, bool | np.bool_):
        raise LogError(f"{field} must be True or False, got {value!r}")
    return bool(value)


def instant(value: Any, field: str) -> tuple[int, int]:
    """Microseconds since the epoch (UTC) and the UTC offset in seconds it carried.

    ``None`` means now, in the machine's zone; ISO text and pandas timestamps
    are accepted. A naive time is refused: its calendar day would be a guess.
    """
    if value is None:
        value = datetime.now().astimezone()
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise LogError(f"{field}: {value!r} is not an ISO 8601 date and time") from None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime(warn=False)
    if not isinstance(value, datetime):
        raise LogError(f"{field} must be a timezone-aware datetime, got {value!r}")
    offset = value.utcoffset()
    if offset is None:
        raise LogError(
            f"{field} has no time zone ({value.isoformat()}); pass an aware datetime, "
            "for example datetime.now().astimezone()"
        )
    if offset % timedelta(seconds=1):
        raise LogError(f"{field} has a UTC offset with a fraction of a second: {offset}")
    if not _EARLIEST <= value < _LATEST:
        raise LogError(f"{field} must be between 2000 and 2200, got {value.isoformat()}")
    return (value - EPOCH) // US, int(offset.total_seconds())


def iso(us: int | None, offset_s: int | None) -> str:
    """The exact local ISO text for a stored instant (empty for none); undoes :func:`instant`."""
    if us is None:
        return ""
    zone = timezone(timedelta(seconds=offset_s or 0))
    return (EPOCH + timedelta(microseconds=us)).astimezone(zone).isoformat(timespec="microseconds")


def bound_us(value: Any, field: str) -> int | None:
    """A reader's range bound as microseconds; a plain date means local midnight."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        value = _plain_date(value, field)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time()).astimezone()
    return instant(value, field)[0]


def bound_day(value: Any, field: str) -> int | None:
    """A daily-totals range bound as a day number (the local calendar date)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = _plain_date(value[:10], field)
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise LogError(f"{field} must be a date, got {value!r}")
    return (value - date(1970, 1, 1)).days


def _plain_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LogError(f"{field}: {value!r} is not a date like 2026-01-31") from None


def routine_fields(routine: Any) -> tuple[str | None, str | None]:
    """Routine name and JSON snapshot from a Routine (duck-typed), a name, or None."""
    if routine is None:
        return None, None
    if isinstance(routine, str):
        return person_name(routine, "routine name"), None
    # Duck-typed so the log does not import the routine layer above it.
    name, to_dict = getattr(routine, "name", None), getattr(routine, "to_dict", None)
    if not isinstance(name, str) or not callable(to_dict):
        raise LogError(
            f"routine must be a Routine (with .name and .to_dict()), a name, or None; "
            f"got {type(routine).__name__}"
        )
    try:
        snapshot = json.dumps(to_dict(), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise LogError(f"routine {name!r} cannot be saved as JSON: {exc}") from exc
    return person_name(name, "routine name"), snapshot
