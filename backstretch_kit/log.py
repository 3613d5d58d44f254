"""The session log: every stretch someone does, kept safely in one SQLite file.

A self-tracker or a physiotherapist (with several clients under pseudonyms)
records sessions and the holds in them; charts and tables read them back as
tidy DataFrames. The file is health data, so it is written with care:

* owner-only permissions (0o600, in a 0o700 folder when the log chooses it);
* WAL journal with ``synchronous=FULL``: each record is on disk when the call
  returns, and a crash or power cut never loses an acknowledged record;
* several processes may write at once; lock waits are retried, so callers
  never see "database is locked";
* every public method may be called from any thread of the process (Jupyter
  delivers widget clicks on kernel subshell threads): the one connection is
  shared, and a lock keeps each call's transaction whole;
* every check runs before anything is written, and every write is a single
  transaction, so a failed call leaves the file exactly as it was;
* forgetting a person overwrites their rows (``secure_delete``) and empties
  the journal, so their data does not linger in the file.

Examples
--------
>>> from backstretch_kit import SessionLog
>>> with SessionLog("my-log.sqlite") as log:  # doctest: +SKIP
...     sid = log.start_session("client A", routine="morning", pain_before=4)
...     log.record_hold(sid, "knee-to-chest", "left", 1, planned_s=30, actual_s=28.5)
...     log.finish_session(sid, pain_after=3)
...     log.weekly_minutes("client A")
"""

from __future__ import annotations

import csv
import json
import math
import numbers
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from . import _schema
from ._data import user_data_dir
from .vocab import BODY_AREAS

__all__ = ["LogError", "SessionLog"]

#: Longest single hold the log accepts, in seconds (anything longer is a mistake).
MAX_HOLD_S = 600.0
#: Longest ad-hoc activity entry, in seconds.
MAX_ACTIVITY_S = 4 * 3600.0
#: Highest repetition number accepted for one side of one stretch.
MAX_REP = 100
MAX_NOTES_CHARS = 10_000
MAX_NAME_CHARS = 200
#: Which side a hold was on.
HOLD_SIDES: tuple[str, ...] = ("both", "left", "right")

# How long one attempt waits for another writer (SQLite's own busy handler),
# and how long in all the log keeps retrying before it gives up.
_BUSY_TIMEOUT_S = 5.0
_RETRY_FOR_S = 60.0

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

_T = TypeVar("_T")


class LogError(ValueError):
    """A session-log call was refused: bad input, or a file that is not a usable log.

    Nothing was written when this is raised.
    """


# --------------------------------------------------------------------------- checks


def _person_name(value: Any, field: str = "person") -> str:
    if not isinstance(value, str) or not value.strip():
        raise LogError(f"{field} must be a non-empty name (a pseudonym is fine), got {value!r}")
    name = value.strip()
    if len(name) > MAX_NAME_CHARS:
        raise LogError(f"{field} is longer than {MAX_NAME_CHARS} characters: {name[:40]!r}...")
    return name


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise LogError(f"{field} must be text, got {value!r}")
    if len(value) > MAX_NOTES_CHARS:
        raise LogError(f"{field} is longer than {MAX_NOTES_CHARS} characters")
    return value


def _number(value: Any, field: str, low: float, high: float, *, above_low: bool = False) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise LogError(f"{field} must be a number, got {value!r}")
    number = float(value)
    too_low = number <= low if above_low else number < low
    if not math.isfinite(number) or too_low or number > high:
        bounds = f"more than {low:g}" if above_low else f"at least {low:g}"
        raise LogError(f"{field} must be {bounds} and at most {high:g}, got {value!r}")
    return number


def _pain(value: Any, field: str) -> float | None:
    if value is None:
        return None
    return _number(value, field, 0.0, 10.0)


def _integer(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise LogError(f"{field} must be a whole number, got {value!r}")
    if not low <= int(value) <= high:
        raise LogError(f"{field} must be between {low} and {high}, got {value!r}")
    return int(value)


def _side(value: Any) -> str:
    if value not in HOLD_SIDES:
        raise LogError(f"side must be one of {', '.join(HOLD_SIDES)}, got {value!r}")
    return str(value)


def _stretch_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise LogError(f"stretch_id must be a non-empty id such as 'knee-to-chest', got {value!r}")
    if len(value) > MAX_NAME_CHARS:
        raise LogError(f"stretch_id is longer than {MAX_NAME_CHARS} characters: {value[:40]!r}")
    return value


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise LogError(f"{field} must be True or False, got {value!r}")
    return bool(value)


def _instant(value: Any, field: str) -> tuple[int, int]:
    """Microseconds since the epoch (UTC) and the UTC offset in seconds it carried."""
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
    return (value - _EPOCH) // _US, int(offset.total_seconds())


def _iso(us: int | None, offset_s: int | None) -> str:
    """The exact local ISO text for a stored instant (empty for none)."""
    if us is None:
        return ""
    zone = timezone(timedelta(seconds=offset_s or 0))
    return (_EPOCH + timedelta(microseconds=us)).astimezone(zone).isoformat(timespec="microseconds")


def _day_of(us: int, offset_s: int) -> int:
    return (us + offset_s * 1_000_000) // _schema.US_PER_DAY


def _bound_us(value: Any, field: str) -> int | None:
    """A reader's range bound as microseconds; a plain date means local midnight."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        value = _plain_date(value, field)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time()).astimezone()
    return _instant(value, field)[0]


def _plain_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LogError(f"{field}: {value!r} is not a date like 2026-01-31") from None


def _bound_day(value: Any, field: str) -> int | None:
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


def _routine_fields(routine: Any) -> tuple[str | None, str | None]:
    """Routine name and JSON snapshot from a Routine (duck-typed), a name, or None."""
    if routine is None:
        return None, None
    if isinstance(routine, str):
        return _person_name(routine, "routine name"), None
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
    return _person_name(name, "routine name"), snapshot


def default_path() -> Path:
    """Where ``SessionLog()`` keeps its file: ``sessions.sqlite`` in the user's data folder.

    The folder is the platform's user data folder, or ``BACKSTRETCH_DATA_DIR``
    when set (see :func:`backstretch_kit._data.user_data_dir`). If missing it is
    created readable by the owner alone (0o700).
    """
    folder = user_data_dir()
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise LogError(f"cannot create the session log folder {folder}: {exc}") from exc
        folder.chmod(0o700)  # in case the umask took bits away from the owner
    return folder / "sessions.sqlite"


def _is_busy(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


# --------------------------------------------------------------------------- the log


class SessionLog:
    """A person's (or a practice's) stretching record in one SQLite file.

    Parameters
    ----------
    path : str or Path, optional
        The database file. Created (owner-only, 0o600) if missing; its folder
        must exist and be writable. By default the file is ``sessions.sqlite``
        in the user's data folder (see ``platformdirs``), which is created
        owner-only (0o700).
    catalog : DataFrame, optional
        The stretch catalog used to name stretches and give their body area
        when reading (index ``stretch_id``, columns ``name`` and
        ``body_area``). Defaults to :func:`backstretch_kit.load_stretches`.
        Stretches missing from it read back with no area (NaN), since a log
        outlives catalog edits.

    Attributes
    ----------
    path : Path
        The database file in use.

    Raises
    ------
    LogError
        If the folder is missing or read-only, or the file is not a session log
        (another program's database, any other file) or was written by a newer
        backstretch-kit. Such a file is not touched.

    Notes
    -----
    Every public method may be called from any thread: one connection is
    shared and each call holds it for its whole transaction, so a hold is on
    disk when ``record_hold`` returns whichever thread called it.

    Holds may not be added to a finished session, and a session is finished
    once: a finished session is a closed record, and refusing late writes keeps
    a stale widget from adding to the wrong session. Times are timezone-aware;
    the calendar day of a hold (for daily totals) is its local date in the zone
    its timestamp carried.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, catalog: Any = None):
        self.path = Path(path).expanduser().absolute() if path is not None else default_path()
        self._catalog = catalog
        self._lookup: dict[str, tuple[str, int]] | None = None
        self._conn: sqlite3.Connection | None = None
        # One connection for every thread, used by one call at a time: SQLite
        # transactions are per connection, so two threads must never interleave
        # statements on it. Re-entrant, as a CSV import reads inside its write.
        self._lock = threading.RLock()
        self._check_place()
        self._conn = self._retrying(self._connect)

    # ----------------------------------------------------------------- opening

    def _check_place(self) -> None:
        path, folder = self.path, self.path.parent
        if not folder.exists():
            raise LogError(f"cannot open session log {path}: folder {folder} does not exist")
        if not folder.is_dir():
            raise LogError(f"cannot open session log {path}: {folder} is not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise LogError(
                f"cannot open session log {path}: folder {folder} is read-only "
                "(the log writes its journal beside the file)"
            )
        if path.exists():
            if not path.is_file():
                raise LogError(f"cannot open session log {path}: it is not a file")
            if not os.access(path, os.R_OK | os.W_OK):
                raise LogError(f"cannot open session log {path}: the file is read-only")
            if path.stat().st_size:
                self._check_header()
            return
        try:
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        except FileExistsError:  # another process created it a moment ago
            return
        except OSError as exc:
            raise LogError(f"cannot create session log {path}: {exc}") from exc
        try:
            os.fchmod(handle, 0o600)  # exactly owner-only, whatever the umask
        finally:
            os.close(handle)

    def _check_header(self) -> None:
        header = _schema.read_header(self.path)
        if not header.is_sqlite:
            raise LogError(f"{self.path} is not a backstretch-kit session log (not an SQLite file)")
        if header.app_id == _schema.APP_ID:
            if header.user_version > _schema.SCHEMA_VERSION:
                raise _newer(self.path, header.user_version)
            return
        if header.app_id != 0 or header.schema_cookie != 0:
            raise LogError(
                f"{self.path} is not a backstretch-kit session log "
                "(an SQLite database of another program); it was left untouched"
            )

    def _connect(self) -> sqlite3.Connection:
        try:
            # check_same_thread=False: widget callbacks arrive on other threads
            # than the one that opened the log; self._lock serialises the use.
            conn = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise LogError(f"cannot open session log {self.path}: {exc}") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            self._ensure_schema(conn)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise LogError(f"session log {self.path}: cannot use a WAL journal here ({mode})")
            # FULL syncs the WAL at every commit: an acknowledged record survives power loss.
            conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        if self._is_current(conn):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Checked again under the write lock: another process may have
            # created or upgraded the file since the first look.
            if not self._is_current(conn):
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if conn.execute("PRAGMA application_id").fetchone()[0] == _schema.APP_ID:
                    _schema.upgrade(conn, version)
                else:
                    _schema.create(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _is_current(self, conn: sqlite3.Connection) -> bool:
        """True for a current log; False for an empty or older one; LogError otherwise."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id == _schema.APP_ID:
            if version > _schema.SCHEMA_VERSION:
                raise _newer(self.path, version)
            return version == _schema.SCHEMA_VERSION
        tables = _schema.table_names(conn)
        if tables:
            raise LogError(
                f"{self.path} is not a backstretch-kit session log (it has the tables "
                f"{', '.join(sorted(tables))}); it was left untouched"
            )
        return False

    # ----------------------------------------------------------------- plumbing

    def close(self) -> None:
        """Close the file. Safe to call twice; the log cannot be used afterwards."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"SessionLog({str(self.path)!r}, {state})"

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise LogError(f"session log {self.path} is closed")
        return self._conn

    def _retrying(self, attempt: Callable[[], _T]) -> _T:
        """Run ``attempt`` holding the connection, retrying while another process writes.

        The thread lock is held for one attempt, never during the pause between
        attempts, so other threads of this process can go on meanwhile.
        """
        deadline = time.monotonic() + _RETRY_FOR_S
        pause = 0.002
        while True:
            try:
                with self._lock:
                    return attempt()
            except sqlite3.DatabaseError as exc:
                if not (isinstance(exc, sqlite3.OperationalError) and _is_busy(exc)):
                    raise LogError(f"session log {self.path}: {exc}") from exc
                if time.monotonic() > deadline:
                    raise LogError(
                        f"session log {self.path} stayed locked by another program for "
                        f"{_RETRY_FOR_S:.0f} s; nothing was written"
                    ) from exc
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.1)

    def _write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` in one immediate write transaction, committed durably."""

        def attempt() -> _T:
            conn = self._db
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

        return self._retrying(attempt)

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return self._retrying(lambda: self._db.execute(sql, tuple(params)).fetchall())

    @staticmethod
    def _person_id(conn: sqlite3.Connection, person: str, *, create: bool) -> int | None:
        row = conn.execute("SELECT person_id FROM people WHERE person = ?", (person,)).fetchone()
        if row is not None:
            return int(row[0])
        if not create:
            return None
        now_us = (datetime.now(UTC) - _EPOCH) // _US
        cursor = conn.execute(
            "INSERT INTO people (person, created_us) VALUES (?, ?)", (person, now_us)
        )
        return int(cursor.lastrowid)

    @staticmethod
    def _add_to_totals(
        conn: sqlite3.Connection, person_id: int, stretch_id: str, us: int, offset_s: int, s: float
    ) -> None:
        day = _day_of(us, offset_s)
        conn.execute(
            "INSERT INTO daily_totals (person_id, day, week, stretch_id, held_us) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, day, stretch_id) "
            "DO UPDATE SET held_us = held_us + excluded.held_us",
            (person_id, day, _schema.week_of(day), stretch_id, _schema.held_us(s)),
        )

    # ----------------------------------------------------------------- writing

    def add_person(self, person: str) -> None:
        """Add a person (a pseudonym) with no sessions yet; nothing happens if they exist."""
        name = _person_name(person)
        self._write(lambda conn: self._person_id(conn, name, create=True))

    def start_session(
        self,
        person: str,
        routine: Any = None,
        pain_before: float | None = None,
        started_at: datetime | None = None,
        notes: str = "",
    ) -> int:
        """Open a session and return its id.

        Parameters
        ----------
        person : str
            Who is stretching (a name or pseudonym); added if new.
        routine : Routine, str or None
            The routine followed. A Routine (anything with ``.name`` and
            ``.to_dict()``) is stored with a JSON snapshot, so later edits to
            the routine do not rewrite history; a plain name stores the name only.
        pain_before : float, optional
            Pain on the 0 to 10 scale.
        started_at : datetime, optional
            Timezone-aware start; defaults to now in the machine's zone.
        notes : str
            Free text.
        """
        name = _person_name(person)
        routine_name, snapshot = _routine_fields(routine)
        pain = _pain(pain_before, "pain_before")
        us, offset_s = _instant(started_at, "started_at")
        text = _text(notes, "notes")

        def work(conn: sqlite3.Connection) -> int:
            person_id = self._person_id(conn, name, create=True)
            cursor = conn.execute(
                "INSERT INTO sessions (uuid, person_id, kind, routine_name, routine_json, "
                "started_us, started_offset_s, pain_before, notes) "
                "VALUES (?, ?, 'routine', ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), person_id, routine_name, snapshot, us, offset_s, pain, text),
            )
            return int(cursor.lastrowid)

        return self._write(work)

    def _open_session(self, conn: sqlite3.Connection, session_id: int) -> tuple[int, int]:
        """Person id and start of a session that may still take holds."""
        row = conn.execute(
            "SELECT person_id, started_us, ended_us FROM sessions WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise LogError(f"unknown session id {session_id} in {self.path}")
        if row[2] is not None:
            raise LogError(f"session {session_id} is finished; it takes no more holds")
        return int(row[0]), int(row[1])

    def record_timer_hold(self, session_id: int, finished: Any, started_at: datetime) -> int:
        """Record a hold the hold timer has just finished, and return its id.

        ``finished`` is a :class:`backstretch_kit.timer.PhaseFinished` for a hold
        phase; its stretch, side, rep, planned and actual seconds and outcome are
        what gets stored. The guided session and ``backstretch play`` both log
        through here, so the two always store a hold the same way.
        """
        phase = finished.phase
        return self.record_hold(
            session_id,
            phase.stretch_id,
            phase.side,
            phase.rep,
            planned_s=finished.planned_s,
            actual_s=finished.actual_s,
            completed=finished.completed,
            started_at=started_at,
        )

    def record_hold(
        self,
        session_id: int,
        stretch_id: str,
        side: str,
        rep: int,
        planned_s: float,
        actual_s: float,
        completed: bool = True,
        started_at: datetime | None = None,
    ) -> int:
        """Record one hold in an open session, durably, and return its id.

        Parameters
        ----------
        session_id : int
            From :meth:`start_session`; the session must not be finished.
        stretch_id : str
            The catalog id of the stretch (ids outside the catalog are kept too).
        side : {"both", "left", "right"}
        rep : int
            1-based repetition number for that side.
        planned_s, actual_s : float
            Planned and actually held seconds (planned above 0; both at most 600).
        completed : bool
            False when the hold was skipped or stopped early.
        started_at : datetime, optional
            Timezone-aware start of the hold (not before the session's start);
            defaults to now. Its local date is the day the hold counts for.
        """
        sid = _integer(session_id, "session_id", 1, 2**62)
        stretch = _stretch_id(stretch_id)
        hold_side = _side(side)
        rep_no = _integer(rep, "rep", 1, MAX_REP)
        planned = _number(planned_s, "planned_s", 0.0, MAX_HOLD_S, above_low=True)
        actual = _number(actual_s, "actual_s", 0.0, MAX_HOLD_S)
        done = _flag(completed, "completed")
        us, offset_s = _instant(started_at, "started_at")

        def work(conn: sqlite3.Connection) -> int:
            person_id, session_start = self._open_session(conn, sid)
            if us < session_start:
                raise LogError(
                    f"hold starts at {_iso(us, offset_s)}, before its session {sid} "
                    f"started ({_iso(session_start, offset_s)})"
                )
            cursor = conn.execute(
                "INSERT INTO holds (uuid, session_id, stretch_id, side, rep, planned_s, "
                "actual_s, completed, started_us, offset_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), sid, stretch, hold_side, rep_no, planned, actual, int(done))
                + (us, offset_s),
            )
            self._add_to_totals(conn, person_id, stretch, us, offset_s, actual)
            return int(cursor.lastrowid)

        return self._write(work)

    def finish_session(
        self,
        session_id: int,
        pain_after: float | None = None,
        notes: str | None = None,
        ended_at: datetime | None = None,
    ) -> None:
        """Close a session with the pain afterwards.

        Parameters
        ----------
        session_id : int
        pain_after : float, optional
            Pain on the 0 to 10 scale.
        notes : str, optional
            If given, replaces the session's notes.
        ended_at : datetime, optional
            Timezone-aware end, not before the session's start or its last hold;
            defaults to now.

        Raises
        ------
        LogError
            Unknown session, a session already finished, or an end before the start.
        """
        sid = _integer(session_id, "session_id", 1, 2**62)
        pain = _pain(pain_after, "pain_after")
        text = None if notes is None else _text(notes, "notes")
        us, offset_s = _instant(ended_at, "ended_at")

        def work(conn: sqlite3.Connection) -> None:
            self._open_session(conn, sid)
            (latest,) = conn.execute(
                "SELECT MAX(t) FROM (SELECT started_us AS t FROM sessions WHERE session_id = ?1 "
                "UNION ALL SELECT started_us FROM holds WHERE session_id = ?1)",
                (sid,),
            ).fetchone()
            if us < latest:
                raise LogError(
                    f"session {sid} cannot end at {_iso(us, offset_s)}: it has a start or a "
                    f"hold at {_iso(latest, offset_s)}"
                )
            conn.execute(
                "UPDATE sessions SET ended_us = ?, ended_offset_s = ?, pain_after = ?, "
                "notes = COALESCE(?, notes) WHERE session_id = ?",
                (us, offset_s, pain, text, sid),
            )

        self._write(work)

    def log_activity(
        self,
        person: str,
        stretch_id: str,
        seconds: float,
        when: datetime | None = None,
        side: str = "both",
        notes: str = "",
    ) -> int:
        """Record something done outside a routine ("2 minutes of the seated forward bend").

        Stored as a finished session of kind ``"ad hoc"`` with one hold.

        Parameters
        ----------
        person : str
        stretch_id : str
        seconds : float
            How long, above 0 and at most 4 hours.
        when : datetime, optional
            Timezone-aware start; defaults to ``seconds`` ago (it just ended).
        side : {"both", "left", "right"}
        notes : str

        Returns
        -------
        int
            The id of the new session.
        """
        name = _person_name(person)
        stretch = _stretch_id(stretch_id)
        held = _number(seconds, "seconds", 0.0, MAX_ACTIVITY_S, above_low=True)
        if when is None:
            when = datetime.now().astimezone() - timedelta(seconds=held)
        us, offset_s = _instant(when, "when")
        hold_side = _side(side)
        text = _text(notes, "notes")
        end_us = us + round(held * 1_000_000)

        def work(conn: sqlite3.Connection) -> int:
            person_id = self._person_id(conn, name, create=True)
            session_id = conn.execute(
                "INSERT INTO sessions (uuid, person_id, kind, started_us, started_offset_s, "
                "ended_us, ended_offset_s, notes) VALUES (?, ?, 'ad hoc', ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), person_id, us, offset_s, end_us, offset_s, text),
            ).lastrowid
            conn.execute(
                "INSERT INTO holds (uuid, session_id, stretch_id, side, rep, planned_s, "
                "actual_s, completed, started_us, offset_s) VALUES (?, ?, ?, ?, 1, ?, ?, 1, ?, ?)",
                (str(uuid.uuid4()), session_id, stretch, hold_side, held, held, us, offset_s),
            )
            self._add_to_totals(conn, person_id, stretch, us, offset_s, held)
            return int(session_id)

        return self._write(work)

    def forget_person(self, person: str) -> dict[str, int]:
        """Delete everything about one person, in one transaction.

        Their sessions, holds, daily totals and name are removed; deleted rows
        are overwritten in the file and the journal is emptied, so nothing of
        theirs stays readable in it (other open connections may delay that
        last step until they close).

        Returns
        -------
        dict
            How many ``sessions`` and ``holds`` were deleted.
        """
        name = _person_name(person)

        def work(conn: sqlite3.Connection) -> dict[str, int]:
            person_id = self._person_id(conn, name, create=False)
            if person_id is None:
                raise LogError(f"no person named {name!r} in {self.path}")
            holds = conn.execute(
                "DELETE FROM holds WHERE session_id IN "
                "(SELECT session_id FROM sessions WHERE person_id = ?)",
                (person_id,),
            ).rowcount
            sessions = conn.execute(
                "DELETE FROM sessions WHERE person_id = ?", (person_id,)
            ).rowcount
            conn.execute("DELETE FROM daily_totals WHERE person_id = ?", (person_id,))
            conn.execute("DELETE FROM people WHERE person_id = ?", (person_id,))
            return {"sessions": sessions, "holds": holds}

        counts = self._write(work)
        # Old page images live on in the WAL until a checkpoint copies the
        # overwritten pages home; TRUNCATE then empties the WAL file itself.
        self._retrying(lambda: self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
        return counts

    # ----------------------------------------------------------------- reading

    def _areas(self) -> dict[str, tuple[str, int]]:
        """stretch_id -> (name, index into BODY_AREAS), from the catalog, loaded once."""
        if self._lookup is None:
            catalog = self._catalog
            if catalog is None:
                from .catalog import load_stretches

                catalog = load_stretches()
            position = {area: i for i, area in enumerate(BODY_AREAS)}
            self._lookup = {
                str(stretch): (str(name), position.get(str(area), -1))
                for stretch, name, area in zip(
                    catalog.index, catalog["name"], catalog["body_area"], strict=True
                )
            }
        return self._lookup

    def _area_codes(self, stretch_ids: Iterable[str]) -> np.ndarray:
        lookup = self._areas()
        return np.fromiter(
            (lookup.get(s, ("", -1))[1] for s in stretch_ids), dtype=np.int8, count=-1
        )

    @staticmethod
    def _person_filter(person: str | None, column: str) -> tuple[str, list[Any]]:
        if person is None:
            return "", []
        return f" AND {column} = ?", [_person_name(person)]

    def people(self) -> list[str]:
        """The names (pseudonyms) in the log, alphabetically."""
        return [name for (name,) in self._read("SELECT person FROM people ORDER BY person")]

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
        where, params = self._range("s.started_us", start, end)
        extra, more = self._person_filter(person, "p.person")
        rows = self._read(
            "SELECT s.session_id, p.person, s.routine_name, s.kind, s.started_us, s.ended_us, "
            "s.pain_before, s.pain_after, s.notes FROM sessions s JOIN people p USING (person_id) "
            f"WHERE 1{where}{extra} ORDER BY s.started_us, s.session_id",
            params + more,
        )
        cols = list(zip(*rows, strict=True)) if rows else [()] * 9
        return pd.DataFrame(
            {
                "session_id": np.array(cols[0], dtype=np.int64),
                "person": pd.Series(cols[1], dtype="str"),
                "routine_name": pd.Series(cols[2], dtype="str"),
                "kind": pd.Series(cols[3], dtype="str"),
                "started_at": _timestamps(cols[4]),
                "ended_at": _timestamps(cols[5]),
                "pain_before": np.array(cols[6], dtype=np.float64),
                "pain_after": np.array(cols[7], dtype=np.float64),
                "notes": pd.Series(cols[8], dtype="str"),
            }
        )

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
        where, params = self._range("h.started_us", start, end)
        extra, more = self._person_filter(person, "p.person")
        rows = self._read(
            "SELECT h.hold_id, h.session_id, p.person, h.stretch_id, h.side, h.rep, h.planned_s, "
            "h.actual_s, h.completed, h.started_us FROM holds h "
            "JOIN sessions s USING (session_id) JOIN people p USING (person_id) "
            f"WHERE 1{where}{extra} ORDER BY h.started_us, h.hold_id",
            params + more,
        )
        cols = list(zip(*rows, strict=True)) if rows else [()] * 10
        lookup = self._areas()
        names = [lookup[s][0] if s in lookup else None for s in cols[3]]
        return pd.DataFrame(
            {
                "hold_id": np.array(cols[0], dtype=np.int64),
                "session_id": np.array(cols[1], dtype=np.int64),
                "person": pd.Series(cols[2], dtype="str"),
                "stretch_id": pd.Series(cols[3], dtype="str"),
                "name": pd.Series(names, dtype="str"),
                "body_area": _areas_categorical(self._area_codes(cols[3])),
                "side": pd.Series(cols[4], dtype="str"),
                "rep": np.array(cols[5], dtype=np.int64),
                "planned_s": np.array(cols[6], dtype=np.float64),
                "actual_s": np.array(cols[7], dtype=np.float64),
                "completed": np.array(cols[8], dtype=bool),
                "started_at": _timestamps(cols[9]),
            }
        )

    def routine_snapshot(self, session_id: int) -> dict[str, Any] | None:
        """The routine as it was when the session started (``Routine.to_dict()``), or None."""
        sid = _integer(session_id, "session_id", 1, 2**62)
        rows = self._read("SELECT routine_json FROM sessions WHERE session_id = ?", (sid,))
        if not rows:
            raise LogError(f"unknown session id {sid} in {self.path}")
        return None if rows[0][0] is None else json.loads(rows[0][0])

    @staticmethod
    def _range(column: str, start: Any, end: Any) -> tuple[str, list[Any]]:
        low, high = _bound_us(start, "start"), _bound_us(end, "end")
        where, params = "", []
        if low is not None:
            where, params = f" AND {column} >= ?", [low]
        if high is not None:
            where, params = where + f" AND {column} < ?", [*params, high]
        return where, params

    def _totals_rows(
        self, select: str, person: str | None, start: Any, end: Any, group: str = ""
    ) -> list[tuple[Any, ...]]:
        low, high = _bound_day(start, "start"), _bound_day(end, "end")
        where, params = "", []
        if person is not None:
            where += " AND t.person_id = (SELECT person_id FROM people WHERE person = ?)"
            params.append(_person_name(person))
        # The week bounds let SQLite walk the (week, ...) index for a range.
        if low is not None:
            where += " AND t.week >= ? AND t.day >= ?"
            params += [_schema.week_of(low), low]
        if high is not None:
            where += " AND t.week <= ? AND t.day < ?"
            params += [_schema.week_of(high), high]
        return self._read(f"SELECT {select} FROM daily_totals t WHERE 1{where}{group}", params)

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
        rows = self._totals_rows(
            "t.day, (SELECT person FROM people p WHERE p.person_id = t.person_id), "
            "t.stretch_id, t.held_us",
            person,
            start,
            end,
        )
        cols = list(zip(*rows, strict=True)) if rows else [()] * 4
        frame = pd.DataFrame(
            {
                "day": _days(cols[0]),
                "person": pd.Series(cols[1], dtype="str"),
                "body_area": _areas_categorical(self._area_codes(cols[2])),
                "seconds": np.array(cols[3], dtype=np.int64) / 1e6,
            }
        )
        totals = frame.groupby(
            ["day", "person", "body_area"], observed=True, dropna=False, sort=True
        )["seconds"].sum()
        return totals.reset_index()

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
        rows = self._totals_rows(
            "t.week, t.stretch_id, SUM(t.held_us)",
            person,
            start,
            end,
            group=" GROUP BY t.week, t.stretch_id",
        )
        low, high = _bound_day(start, "start"), _bound_day(end, "end")
        weeks = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        first = _schema.week_of(low) if low is not None else (weeks.min() if rows else None)
        last = _schema.week_of(high - 1) if high is not None else (weeks.max() if rows else None)
        if first is None or last is None or last < first:
            index = pd.DatetimeIndex(_days(()), name="week")
            return pd.DataFrame(0.0, index=index, columns=pd.Index(BODY_AREAS, name="body_area"))
        n_weeks = (last - first) // 7 + 1
        table = np.zeros((n_weeks, len(BODY_AREAS)))
        codes = self._area_codes(r[1] for r in rows)
        minutes = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows)) / 6e7
        known = codes >= 0
        np.add.at(table, ((weeks[known] - first) // 7, codes[known]), minutes[known])
        index = pd.DatetimeIndex(_days(np.arange(first, last + 1, 7)), name="week")
        return pd.DataFrame(table, index=index, columns=pd.Index(BODY_AREAS, name="body_area"))

    # ----------------------------------------------------------------- CSV

    def export_csv(self, folder: str | os.PathLike[str]) -> dict[str, Path]:
        """Write ``people.csv``, ``sessions.csv`` and ``holds.csv`` into ``folder``.

        Times keep the UTC offset they were recorded with and numbers are
        written exactly, so :meth:`import_csv` gives back the same log. The
        folder is created owner-only if missing and the files are owner-only
        (0o600): they are health data. Existing files of these names are replaced.

        Returns
        -------
        dict
            The path of each file written, by table name.
        """
        return _export_tables(self, Path(folder))

    def import_csv(self, folder: str | os.PathLike[str]) -> dict[str, int]:
        """Add what an :meth:`export_csv` folder holds; records already present are skipped.

        Every row is checked before anything is written; a bad file, row or
        field raises :class:`LogError` naming it, and the log is unchanged.
        Records are matched by their stable ids (uuids), so importing the same
        export twice adds nothing the second time. A record whose id is known
        but whose contents differ is refused rather than overwritten.

        Returns
        -------
        dict
            How many ``people``, ``sessions`` and ``holds`` were added.
        """
        return _import_tables(self, Path(folder))


def _newer(path: Path, version: int) -> LogError:
    return LogError(
        f"{path} was written by a newer backstretch-kit (log format {version}; this version "
        f"reads up to {_schema.SCHEMA_VERSION}); upgrade backstretch-kit to open it. "
        "The file was left untouched"
    )


def _timestamps(values: Iterable[int | None]) -> pd.Series:
    """UTC timestamps (microsecond precision) from stored microseconds; None -> NaT."""
    nat = np.iinfo(np.int64).min
    raw = np.fromiter((nat if v is None else v for v in values), dtype=np.int64, count=-1)
    return pd.Series(pd.DatetimeIndex(raw.view("datetime64[us]")).tz_localize("UTC"))


def _days(values: Iterable[int]) -> pd.DatetimeIndex:
    raw = np.fromiter(values, dtype=np.int64, count=-1)
    return pd.DatetimeIndex(raw.astype("datetime64[D]").astype("datetime64[s]"))


def _areas_categorical(codes: np.ndarray) -> pd.Categorical:
    dtype = pd.CategoricalDtype(list(BODY_AREAS), ordered=True)
    return pd.Categorical.from_codes(codes.astype(np.int8), dtype=dtype)


# --------------------------------------------------------------------------- CSV

_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person", "created_at"),
    "sessions": (
        "session_uuid",
        "session_id",
        "person",
        "kind",
        "routine_name",
        "routine_json",
        "started_at",
        "ended_at",
        "pain_before",
        "pain_after",
        "notes",
    ),
    "holds": (
        "hold_uuid",
        "hold_id",
        "session_uuid",
        "stretch_id",
        "side",
        "rep",
        "planned_s",
        "actual_s",
        "completed",
        "started_at",
    ),
}

# The stored fields of a session, in the order an import compares them.
_SESSION_FIELDS = (
    "person",
    "kind",
    "routine_name",
    "routine_json",
    "started_us",
    "started_offset_s",
    "ended_us",
    "ended_offset_s",
    "pain_before",
    "pain_after",
    "notes",
)
_HOLD_FIELDS = (
    "session_uuid",
    "stretch_id",
    "side",
    "rep",
    "planned_s",
    "actual_s",
    "completed",
    "started_us",
    "offset_s",
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    return str(value)


def _export_tables(log: SessionLog, folder: Path) -> dict[str, Path]:
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise LogError(f"cannot create export folder {folder}: {exc}") from exc
    elif not folder.is_dir():
        raise LogError(f"cannot export to {folder}: it is not a folder")

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        conn = log._db
        conn.execute("BEGIN")  # one read transaction: the three files agree
        try:
            people = [
                (name, _iso(created, 0))
                for name, created in conn.execute(
                    "SELECT person, created_us FROM people ORDER BY person_id"
                )
            ]
            sessions = [
                (row[0], row[1], row[2], row[3], row[4], row[5])
                + (_iso(row[6], row[7]), _iso(row[8], row[9]), row[10], row[11], row[12])
                for row in conn.execute(
                    "SELECT s.uuid, s.session_id, p.person, s.kind, s.routine_name, "
                    "s.routine_json, s.started_us, s.started_offset_s, s.ended_us, "
                    "s.ended_offset_s, s.pain_before, s.pain_after, s.notes "
                    "FROM sessions s JOIN people p USING (person_id) ORDER BY s.session_id"
                )
            ]
            holds = [
                (*row[:8], "true" if row[8] else "false", _iso(row[9], row[10]))
                for row in conn.execute(
                    "SELECT h.uuid, h.hold_id, s.uuid, h.stretch_id, h.side, h.rep, "
                    "h.planned_s, h.actual_s, h.completed, h.started_us, h.offset_s "
                    "FROM holds h JOIN sessions s USING (session_id) ORDER BY h.hold_id"
                )
            ]
        finally:
            conn.execute("COMMIT")
        return {"people": people, "sessions": sessions, "holds": holds}

    tables = log._retrying(snapshot)
    written = {}
    for name, rows in tables.items():
        target = folder / f"{name}.csv"
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(handle, 0o600)
            with open(handle, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(_CSV_COLUMNS[name])
                writer.writerows([_cell(v) for v in row] for row in rows)
        except OSError as exc:
            raise LogError(f"cannot write {target}: {exc}") from exc
        written[name] = target
    return written


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of one export file, after checking its header."""
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            extra = [c for c in header if c not in columns]
            if missing or extra:
                raise LogError(
                    f"{path}: expected the columns {', '.join(columns)}; "
                    + (f"missing {', '.join(missing)}" if missing else "")
                    + ("; " if missing and extra else "")
                    + (f"unexpected {', '.join(extra)}" if extra else "")
                )
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise LogError(f"{path}, line {reader.line_num}: wrong number of fields")
                rows.append((reader.line_num, row))
            return rows
    except FileNotFoundError:
        raise LogError(f"cannot import: {path} is missing") from None
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise LogError(f"{path}: not a readable CSV file ({exc})") from None


class _Row:
    """Reads typed fields out of one CSV row, naming file, line and field on failure."""

    def __init__(self, path: Path, line: int, row: dict[str, str]):
        self.where, self.row = f"{path.name}, line {line}", row

    def fail(self, field: str, message: str) -> LogError:
        return LogError(f"{self.where}, field {field}: {message}")

    def get(self, field: str, parse: Callable[[str], Any], *, optional: bool = False) -> Any:
        raw = self.row[field]
        if raw == "":
            if optional:
                return None
            raise self.fail(field, "is empty")
        try:
            return parse(raw)
        except LogError as exc:
            raise self.fail(field, f"{exc} (value {raw!r})") from None
        except ValueError:
            raise self.fail(field, f"cannot read {raw!r}") from None


def _parse_uuid(raw: str) -> str:
    if str(uuid.UUID(raw)) != raw:
        raise LogError("not a uuid in its usual lower-case form")
    return raw


def _parse_float(field: str, low: float, high: float, above_low: bool = False) -> Callable:
    return lambda raw: _number(float(raw), field, low, high, above_low=above_low)


def _parse_bool(raw: str) -> bool:
    if raw not in ("true", "false"):
        raise LogError("must be true or false")
    return raw == "true"


def _parse_json(raw: str) -> str:
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LogError(f"not valid JSON ({exc})") from None
    return raw


def _import_tables(log: SessionLog, folder: Path) -> dict[str, int]:
    files = {name: folder / f"{name}.csv" for name in _CSV_COLUMNS}
    raw = {name: _read_csv(path, _CSV_COLUMNS[name]) for name, path in files.items()}

    people: dict[str, int] = {}
    for line, row in raw["people"]:
        r = _Row(files["people"], line, row)
        name = r.get("person", _person_name)
        if name in people:
            raise r.fail("person", f"{name!r} appears twice")
        people[name] = r.get("created_at", lambda v: _instant(v, "created_at"))[0]

    sessions: dict[str, dict[str, Any]] = {}
    seen_ids: set[int | None] = set()
    for line, row in raw["sessions"]:
        r = _Row(files["sessions"], line, row)
        key = r.get("session_uuid", _parse_uuid)
        if key in sessions:
            raise r.fail("session_uuid", f"{key} appears twice")
        record: dict[str, Any] = {"where": r.where}
        record["session_id"] = r.get(
            "session_id", lambda v: _integer(int(v), "session_id", 1, 2**62), optional=True
        )
        if record["session_id"] is not None and record["session_id"] in seen_ids:
            raise r.fail("session_id", f"{record['session_id']} appears twice")
        seen_ids.add(record["session_id"])
        person = record["person"] = r.get("person", _person_name)
        if person not in people and not log._read(
            "SELECT 1 FROM people WHERE person = ?", (person,)
        ):
            raise r.fail("person", f"{record['person']!r} is not in people.csv nor in the log")
        record["kind"] = r.get("kind", str)
        if record["kind"] not in ("routine", "ad hoc"):
            raise r.fail("kind", f"must be 'routine' or 'ad hoc', not {record['kind']!r}")
        record["routine_name"] = r.get(
            "routine_name", lambda v: _person_name(v, "routine name"), optional=True
        )
        record["routine_json"] = r.get("routine_json", _parse_json, optional=True)
        start = r.get("started_at", lambda v: _instant(v, "started_at"))
        end = r.get("ended_at", lambda v: _instant(v, "ended_at"), optional=True)
        record["started_us"], record["started_offset_s"] = start
        record["ended_us"], record["ended_offset_s"] = end or (None, None)
        if end is not None and end[0] < start[0]:
            raise r.fail("ended_at", "is before started_at")
        record["pain_before"] = r.get(
            "pain_before", _parse_float("pain_before", 0, 10), optional=True
        )
        record["pain_after"] = r.get("pain_after", _parse_float("pain_after", 0, 10), optional=True)
        record["notes"] = r.get("notes", lambda v: _text(v, "notes"), optional=True) or ""
        sessions[key] = record

    known = _stored_sessions(log, {row["session_uuid"] for _, row in raw["holds"]} - set(sessions))
    holds: dict[str, dict[str, Any]] = {}
    seen_ids = set()
    for line, row in raw["holds"]:
        r = _Row(files["holds"], line, row)
        key = r.get("hold_uuid", _parse_uuid)
        if key in holds:
            raise r.fail("hold_uuid", f"{key} appears twice")
        record = {"where": r.where}
        record["hold_id"] = r.get(
            "hold_id", lambda v: _integer(int(v), "hold_id", 1, 2**62), optional=True
        )
        if record["hold_id"] is not None and record["hold_id"] in seen_ids:
            raise r.fail("hold_id", f"{record['hold_id']} appears twice")
        seen_ids.add(record["hold_id"])
        session_key = r.get("session_uuid", _parse_uuid)
        session = sessions.get(session_key) or known.get(session_key)
        if session is None:
            raise r.fail("session_uuid", f"{session_key} is not in sessions.csv nor in the log")
        record["session_uuid"] = session_key
        record["stretch_id"] = r.get("stretch_id", _stretch_id)
        record["side"] = r.get("side", _side)
        record["rep"] = r.get("rep", lambda v: _integer(int(v), "rep", 1, MAX_REP))
        longest = MAX_ACTIVITY_S if session["kind"] == "ad hoc" else MAX_HOLD_S
        record["planned_s"] = r.get("planned_s", _parse_float("planned_s", 0, longest, True))
        record["actual_s"] = r.get("actual_s", _parse_float("actual_s", 0, longest))
        record["completed"] = r.get("completed", _parse_bool)
        record["started_us"], record["offset_s"] = r.get(
            "started_at", lambda v: _instant(v, "started_at")
        )
        if record["started_us"] < session["started_us"]:
            raise r.fail("started_at", "is before its session started")
        if session["ended_us"] is not None and record["started_us"] > session["ended_us"]:
            raise r.fail("started_at", "is after its session ended")
        holds[key] = record

    return log._write(lambda conn: _merge(log, conn, people, sessions, holds))


def _stored_sessions(log: SessionLog, keys: set[str]) -> dict[str, dict[str, Any]]:
    found = {}
    for key in keys:
        rows = log._read("SELECT kind, started_us, ended_us FROM sessions WHERE uuid = ?", (key,))
        if rows:
            found[key] = {"kind": rows[0][0], "started_us": rows[0][1], "ended_us": rows[0][2]}
    return found


def _merge(
    log: SessionLog,
    conn: sqlite3.Connection,
    people: dict[str, int],
    sessions: dict[str, dict[str, Any]],
    holds: dict[str, dict[str, Any]],
) -> dict[str, int]:
    """Write the checked import inside one transaction; a conflict rolls it all back."""
    empty = conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM sessions) AND NOT EXISTS (SELECT 1 FROM holds)"
    ).fetchone()[0]
    # Into an empty log the exported ids are kept, so the round trip is exact.
    keep_ids = bool(empty) and all(s["session_id"] is not None for s in sessions.values())
    keep_ids = keep_ids and all(h["hold_id"] is not None for h in holds.values())
    added = {"people": 0, "sessions": 0, "holds": 0}

    for name, created_us in people.items():
        if log._person_id(conn, name, create=False) is None:
            conn.execute(
                "INSERT INTO people (person, created_us) VALUES (?, ?)", (name, created_us)
            )
            added["people"] += 1

    session_ids: dict[str, int] = {}
    for key, s in sessions.items():
        stored = conn.execute(
            f"SELECT session_id, {', '.join(_SESSION_FIELDS)} FROM sessions "
            "JOIN people USING (person_id) WHERE uuid = ?",
            (key,),
        ).fetchone()
        if stored is not None:
            _same(s, dict(zip(_SESSION_FIELDS, stored[1:], strict=True)), f"session {key}")
            session_ids[key] = stored[0]
            continue
        person_id = log._person_id(conn, s["person"], create=False)
        cursor = conn.execute(
            "INSERT INTO sessions (session_id, uuid, person_id, kind, routine_name, "
            "routine_json, started_us, started_offset_s, ended_us, ended_offset_s, "
            "pain_before, pain_after, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (s["session_id"] if keep_ids else None, key, person_id)
            + tuple(s[f] for f in _SESSION_FIELDS[1:]),
        )
        session_ids[key] = int(cursor.lastrowid)
        added["sessions"] += 1

    for key, h in holds.items():
        stored = conn.execute(
            f"SELECT {', '.join('h.' + f for f in _HOLD_FIELDS[1:])}, s.uuid FROM holds h "
            "JOIN sessions s USING (session_id) WHERE h.uuid = ?",
            (key,),
        ).fetchone()
        if stored is not None:
            values = dict(zip((*_HOLD_FIELDS[1:], "session_uuid"), stored, strict=True))
            values["completed"] = bool(values["completed"])
            _same(h, values, f"hold {key}")
            continue
        sid = session_ids.get(h["session_uuid"])
        if sid is None:
            found = conn.execute(
                "SELECT session_id FROM sessions WHERE uuid = ?", (h["session_uuid"],)
            ).fetchone()
            if found is None:  # deleted by another program since the checks
                raise LogError(f"{h['where']}: session {h['session_uuid']} is no longer in the log")
            sid = found[0]
        conn.execute(
            "INSERT INTO holds (hold_id, uuid, session_id, stretch_id, side, rep, planned_s, "
            "actual_s, completed, started_us, offset_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (h["hold_id"] if keep_ids else None, key, sid)
            + tuple(int(h[f]) if f == "completed" else h[f] for f in _HOLD_FIELDS[1:]),
        )
        (person_id,) = conn.execute(
            "SELECT person_id FROM sessions WHERE session_id = ?", (sid,)
        ).fetchone()
        log._add_to_totals(
            conn, person_id, h["stretch_id"], h["started_us"], h["offset_s"], h["actual_s"]
        )
        added["holds"] += 1
    return added


def _same(incoming: dict[str, Any], stored: dict[str, Any], what: str) -> None:
    for field, value in stored.items():
        if incoming[field] != value:
            raise LogError(
                f"{incoming['where']}: {what} is already in the log with a different "
                f"{field} ({value!r} there, {incoming[field]!r} here); nothing was imported"
            )
