"""The public session log: checks each argument, then asks the store.

:class:`SessionLog` is the user's side of the log. Each method runs every
check of its arguments (``_checks``) before the store (``_store``) is asked
for anything, so a refused call never opens a transaction; readers shape the
store's rows into the documented frames (``_frames``, through the readers
it inherits from ``_read_frames``); CSV export and import live in ``_csv``.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import _batch, _checks, _csv, _frames, _url
from ._checks import MAX_ACTIVITY_S, LogError
from ._file import default_path
from ._open_stores import open_store, release
from ._read_frames import FrameReaders

__all__ = ["SessionLog"]


class SessionLog(FrameReaders):
    """A person's (or a practice's) stretching record in one SQLite file.

    Parameters
    ----------
    path : str or Path, optional
        The database file, ``sqlite:///PATH``, or a clinic's PostgreSQL
        database as ``postgresql+psycopg://USER@HOST:PORT/DATABASE`` (never
        with a password in it: libpq reads it from a pgpass file or
        ``PGPASSWORD``; see docs/CLINIC.md). A file is created (owner-only,
        0o600) if missing; its folder must exist and be writable. With no
        argument the log opens ``BACKSTRETCH_DATABASE_URL`` when that is set,
        else ``sessions.sqlite`` in the user's data folder (see
        ``platformdirs``), which is created owner-only (0o700).
    catalog : DataFrame, optional
        The stretch catalog used to name stretches and give their body area
        when reading (index ``stretch_id``, columns ``name`` and
        ``body_area``). Defaults to :func:`backstretch_kit.load_stretches`.
        Stretches missing from it read back with no area (NaN), since a log
        outlives catalog edits.

    Attributes
    ----------
    path : Path or None
        The database file in use (None for PostgreSQL).
    url : str or None
        The PostgreSQL URL in use, without a password (None for SQLite).

    Raises
    ------
    LogError
        If the folder is missing or read-only, or the file is not a session log
        (another program's database, any other file), was written by a newer
        backstretch-kit, or is damaged (SQLite's quick check of the whole file,
        made at every open, found a fault; ``backstretch recover DAMAGED NEW``
        saves what can still be read). Such a file is not touched. A full disk
        is said to be full. For PostgreSQL: a URL with a password, a server
        that cannot be reached, a refused login, a missing database, or one
        that is not a session log; the message names the user, host and
        database.

    Notes
    -----
    Every public method may be called from any thread: one connection is
    shared and each call holds it for its whole transaction, so a hold is on
    disk when ``record_hold`` returns whichever thread called it.

    Several SessionLogs on the same file in one program share that one
    connection (the file is opened and checked once), and it is closed when
    the last of them is closed or dropped; closing one never disturbs the
    others.

    Holds may not be added to a finished session, and a session is finished
    once: a finished session is a closed record, and refusing late writes keeps
    a stale widget from adding to the wrong session. Times are timezone-aware;
    the calendar day of a hold (for daily totals) is its local date in the zone
    its timestamp carried.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, catalog: Any = None):
        target = _url.resolve(path)
        self._stretches = _frames.StretchLookup(catalog)
        self.url: str | None = None
        if target is not None and target.url is not None:
            from ._pg_store import PgStore

            self.path = None
            self.url = target.url
            self._where = target.label
            store = PgStore(target.url, target.label)
            self._shared = store
            self._release = weakref.finalize(self, store.close)
            return
        self.path = target.path if target is not None else default_path()
        self._where = str(self.path)
        store = open_store(self.path)
        self._shared = store
        # Lets go of the shared store on close(), or when the log is dropped unclosed.
        self._release = weakref.finalize(self, release, store)

    # ----------------------------------------------------------------- plumbing

    @property
    def _store(self) -> Any:
        store = self._shared
        if store is None:
            raise LogError(f"session log {self._where} is closed")
        return store

    @property
    def where(self) -> str:
        """Where the log is, for messages: the file's path, or ``user@host:port/database``."""
        return self._where

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``: which kind of database holds this log."""
        return "sqlite" if self.url is None else "postgresql"

    def _sqlite_only(self, what: str) -> None:
        if self.url is not None:
            raise LogError(
                f"session log {self._where}: {what} works on SQLite logs only for now; "
                "a clinic's PostgreSQL database is backed up with pg_dump"
            )

    def close(self) -> None:
        """Close the file. Safe to call twice; the log cannot be used afterwards.

        Other SessionLogs of this program on the same file stay open.
        """
        self._shared = None
        self._release()

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._shared is None else "open"
        return f"SessionLog({self._where!r}, {state})"

    # ----------------------------------------------------------------- writing

    def add_person(self, person: str) -> None:
        """Add a person (a pseudonym) with no sessions yet; nothing happens if they exist."""
        self._store.add_person(_checks.person_name(person))

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
        name = _checks.person_name(person)
        routine_name, snapshot = _checks.routine_fields(routine)
        pain = _checks.pain(pain_before, "pain_before")
        at = _checks.instant(started_at, "started_at")
        text = _checks.text(notes, "notes")
        return self._store.start_session(name, routine_name, snapshot, pain, at, text)

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
        sid = _checks.row_id(session_id)
        hold = _checks.hold(stretch_id, side, rep, planned_s, actual_s, completed, started_at)
        return self._store.record_hold(sid, hold)

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
        sid = _checks.row_id(session_id)
        pain = _checks.pain(pain_after, "pain_after")
        text = None if notes is None else _checks.text(notes, "notes")
        at = _checks.instant(ended_at, "ended_at")
        self._store.finish_session(sid, pain, text, at)

    def record_sessions(self, sessions: Iterable[Mapping[str, Any]]) -> list[int]:
        """Write many finished sessions with their holds in one transaction; return their ids.

        What ``start_session``, ``record_hold`` for each hold and
        ``finish_session`` would store, with one commit (one wait for the disk)
        for the whole batch instead of one per call: for a sample, an import
        from another program, or a day's sessions written at once.

        Parameters
        ----------
        sessions : iterable of mappings
            One mapping per session, with the fields of ``start_session`` and
            ``finish_session``: ``person`` (required), ``routine``,
            ``pain_before``, ``started_at``, ``notes``, ``pain_after``,
            ``ended_at``, and ``holds``: one mapping per hold with the fields of
            ``record_hold``: ``stretch_id``, ``side``, ``rep``, ``planned_s``,
            ``actual_s`` (required), ``completed`` and ``started_at``. Left-out
            fields default as in those calls (a time left out is now).

        Returns
        -------
        list of int
            The new sessions' ids, in the order given.

        Raises
        ------
        LogError
            A field the one-by-one calls would refuse, an unknown or missing
            field, a hold before its session's start, or an end before a
            session's start or last hold. The message names the place in the
            batch (``sessions[2].holds[5]``), the field and the value, and
            nothing of the batch is written: every session is checked before
            the transaction begins, and the transaction is all or nothing.
        """
        batch = _batch.finished_sessions(sessions)
        return self._store.record_sessions(batch) if batch else []

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
        name = _checks.person_name(person)
        stretch = _checks.stretch_id(stretch_id)
        held = _checks.number(seconds, "seconds", 0.0, MAX_ACTIVITY_S, above_low=True)
        if when is None:
            when = datetime.now().astimezone() - timedelta(seconds=held)
        at = _checks.instant(when, "when")
        hold = _checks.Hold(stretch, _checks.side(side), 1, held, held, True, at)
        return self._store.log_activity(name, hold, _checks.text(notes, "notes"))

    def forget_person(self, person: str) -> dict[str, int]:
        """Delete everything about one person, in one transaction, and leave no copy behind.

        Their sessions, holds, daily totals and name are removed; deleted rows
        are overwritten in the file, then the journal (the ``-wal`` file) is
        emptied, so nothing of theirs stays readable in any of the log's files.
        Another program in the middle of reading the log keeps the journal
        from being emptied: this waits up to 5 s for it.

        Returns
        -------
        dict
            How many ``sessions`` and ``holds`` were deleted.

        Raises
        ------
        LogError
            No such person (nothing is written); or, after deleting, the
            journal could not be emptied because another program kept reading:
            the message says so. Close the other programs using the log, then
            call ``forget_person`` again with the same name: it then only
            empties the journal and returns zero counts.
        """
        return self._store.forget_person(_checks.person_name(person))

    # ----------------------------------------------------------------- CSV

    def export_csv(self, folder: str | os.PathLike[str]) -> dict[str, Path]:
        """Write ``people.csv``, ``sessions.csv`` and ``holds.csv`` into ``folder``.

        Times keep the UTC offset they were recorded with and numbers are
        written exactly, so :meth:`import_csv` gives back the same log. A name,
        note or other text a spreadsheet would run as a formula (it begins
        with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
        with a single quote in front, as is a text that begins with a quote, so
        a spreadsheet shows text; the import takes exactly that quote off. The
        folder is created owner-only if missing and the files are owner-only
        (0o600): they are health data. Existing files of these names are replaced.

        Returns
        -------
        dict
            The path of each file written, by table name.
        """
        self._sqlite_only("CSV export")
        return _csv.export_tables(self._store, Path(folder))

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
        self._sqlite_only("CSV import")
        return _csv.import_tables(self._store, Path(folder))
