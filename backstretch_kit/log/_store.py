"""The SQLite store under :class:`SessionLog`: one connection and every statement on it.

The store trusts its arguments (``_checks`` has checked them). It opens the
file (``_file``), retries while another process writes, runs each call in one
write transaction, and holds the SQL of the writers and readers; the totals'
SQL is in ``_totals``. The CSV code works through the same methods
(:meth:`Store.read`, :meth:`Store.write`, :meth:`Store.snapshot`) and
:func:`person_id`.

Threads: one connection serves every thread (Jupyter delivers widget clicks
on other threads than the one that opened the log), and a re-entrant lock is
held for each attempt at a call's transaction, so two threads never
interleave statements on it.

One store per file per process (:func:`open_store`, :func:`release`): every
:class:`SessionLog` on the same file in one process shares one store, found
by the file's device and inode, and the store closes when the last of them
does. POSIX locks belong to a process, not to a connection: a second
connection's opening (which reads the file's header bytes) would drop the
first one's locks, and another program could then take the log for unused,
checkpoint it and delete its journal under the first connection's feet,
taking acknowledged holds with it. Nothing else in this process may open the
file while a log is open on it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from . import _file, _reads, _session_rules, _totals
from ._checks import EPOCH, US, Hold, LogError

__all__ = ["Store", "is_open", "open_store", "person_id", "release"]

# How long in all the store keeps retrying while another process writes
# (each attempt also waits up to _file._BUSY_TIMEOUT_S inside SQLite).
_RETRY_FOR_S = 60.0

# How long forget_person waits for other programs' reads to end so that it
# can empty the journal, and how long each look waits inside SQLite.
FORGET_WAIT_S = 5.0
_CHECKPOINT_BUSY_MS = 50

_T = TypeVar("_T")


class Store:
    """One session-log file, opened, checked and brought to the current layout.

    Parameters
    ----------
    path : Path
        An absolute path; the file is created owner-only (0o600) if missing.

    Raises
    ------
    LogError
        The folder is missing or read-only, or the file is not a session log
        or is a newer one; such a file is left untouched (see ``_file``).
    """

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        # Re-entrant, as a CSV import reads inside its write.
        self._lock = threading.RLock()
        #: How many SessionLogs use this store (see open_store).
        self.users = 0
        # Set once SQLite has found the file damaged: no call touches it again.
        self._damage: str | None = None
        # People deleted whose old records are still in the journal (forget_person).
        self._unemptied: set[str] = set()
        _file.check_place(path)
        self._conn = self.retrying(lambda: _file.connect(path))
        status = os.stat(path)
        #: The file's identity in the registry of open stores.
        self.key = (status.st_dev, status.st_ino)

    # ----------------------------------------------------------------- transactions

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._conn is None

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise LogError(f"session log {self.path} is closed")
        return self._conn

    def retrying(self, attempt: Callable[[], _T]) -> _T:
        """Run ``attempt`` holding the connection, retrying while another process writes.

        The thread lock is held for one attempt, never during the pause between
        attempts, so other threads of this process can go on meanwhile.
        """
        deadline = time.monotonic() + _RETRY_FOR_S
        pause = 0.002
        while True:
            if self._damage is not None:
                raise LogError(self._damage)
            try:
                with self._lock:
                    return attempt()
            except sqlite3.DatabaseError as exc:
                if not _file.is_busy(exc):
                    error = _file.explain(self.path, exc)
                    if _file.is_corrupt(exc):
                        self._damage = str(error)
                    raise error from exc
                if time.monotonic() > deadline:
                    raise LogError(
                        f"session log {self.path} stayed locked by another program for "
                        f"{_RETRY_FOR_S:.0f} s; nothing was written"
                    ) from exc
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.1)

    def write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` in one immediate write transaction, committed durably.

        Anything ``work`` raises rolls the whole transaction back.
        """

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

        return self.retrying(attempt)

    def snapshot(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work`` in one read transaction: all it reads is one moment of the file."""

        def attempt() -> _T:
            conn = self._db
            conn.execute("BEGIN")
            try:
                return work(conn)
            finally:
                conn.execute("COMMIT")

        return self.retrying(attempt)

    def read(
        self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()
    ) -> list[tuple[Any, ...]]:
        """Every row of one statement, its parameters by place or (a mapping) by name."""
        values = params if isinstance(params, Mapping) else tuple(params)
        return self.retrying(lambda: self._db.execute(sql, values).fetchall())

    # ----------------------------------------------------------------- writing

    def add_person(self, name: str) -> None:
        """Add a person unless they exist."""
        self.write(lambda conn: person_id(conn, name, create=True))

    def start_session(
        self,
        name: str,
        routine_name: str | None,
        routine_json: str | None,
        pain_before: float | None,
        at: tuple[int, int],
        notes: str,
    ) -> int:
        """Insert an open routine session (adding the person if new); return its id."""

        def work(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO sessions (uuid, person_id, kind, routine_name, routine_json, "
                "started_us, started_offset_s, pain_before, notes) "
                "VALUES (?, ?, 'routine', ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), person_id(conn, name, create=True), routine_name)
                + (routine_json, *at, pain_before, notes),
            )
            return int(cursor.lastrowid)

        return self.write(work)

    def record_hold(self, session_id: int, hold: Hold) -> int:
        """Insert a hold into an open session and add it to the totals; return its id."""
        us, offset_s = hold.at

        def work(conn: sqlite3.Connection) -> int:
            owner, session_start = self._open_session(conn, session_id)
            _session_rules.hold_not_before(session_id, hold.at, session_start)
            hold_id = _insert_hold(conn, session_id, hold)
            _totals.add(conn, owner, hold.stretch_id, us, offset_s, hold.actual_s)
            return hold_id

        return self.write(work)

    def finish_session(
        self, session_id: int, pain_after: float | None, notes: str | None, at: tuple[int, int]
    ) -> None:
        """Close an open session no earlier than its start and its last hold."""
        us, offset_s = at

        def work(conn: sqlite3.Connection) -> None:
            self._open_session(conn, session_id)
            (latest,) = conn.execute(
                "SELECT MAX(t) FROM (SELECT started_us AS t FROM sessions WHERE session_id = ?1 "
                "UNION ALL SELECT started_us FROM holds WHERE session_id = ?1)",
                (session_id,),
            ).fetchone()
            _session_rules.end_not_before(session_id, at, latest)
            conn.execute(
                "UPDATE sessions SET ended_us = ?, ended_offset_s = ?, pain_after = ?, "
                "notes = COALESCE(?, notes) WHERE session_id = ?",
                (us, offset_s, pain_after, notes, session_id),
            )

        self.write(work)

    def log_activity(self, name: str, hold: Hold, notes: str) -> int:
        """Insert a finished ad-hoc session with its one hold; return the session's id."""
        us, offset_s = hold.at
        end_us = us + round(hold.actual_s * 1_000_000)

        def work(conn: sqlite3.Connection) -> int:
            owner = person_id(conn, name, create=True)
            session_id = conn.execute(
                "INSERT INTO sessions (uuid, person_id, kind, started_us, started_offset_s, "
                "ended_us, ended_offset_s, notes) VALUES (?, ?, 'ad hoc', ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), owner, us, offset_s, end_us, offset_s, notes),
            ).lastrowid
            _insert_hold(conn, session_id, hold)
            _totals.add(conn, owner, hold.stretch_id, us, offset_s, hold.actual_s)
            return int(session_id)

        return self.write(work)

    def forget_person(self, name: str) -> dict[str, int]:
        """Delete a person and all of theirs, then empty the journal of it.

        Raises LogError after deleting when the journal cannot be emptied
        within FORGET_WAIT_S; calling again with the same name then only
        empties it (see SessionLog.forget_person).
        """

        def work(conn: sqlite3.Connection) -> dict[str, int]:
            owner = person_id(conn, name, create=False)
            if owner is None:
                if name in self._unemptied:  # deleted before; the journal is still to empty
                    return {"sessions": 0, "holds": 0}
                raise LogError(f"no person named {name!r} in {self.path}")
            holds = conn.execute(
                "DELETE FROM holds WHERE session_id IN "
                "(SELECT session_id FROM sessions WHERE person_id = ?)",
                (owner,),
            ).rowcount
            sessions = conn.execute("DELETE FROM sessions WHERE person_id = ?", (owner,)).rowcount
            _totals.forget(conn, owner)
            conn.execute("DELETE FROM people WHERE person_id = ?", (owner,))
            return {"sessions": sessions, "holds": holds}

        counts = self.write(work)
        if self.empty_journal(FORGET_WAIT_S):
            self._unemptied.discard(name)
            return counts
        deleted = f"({counts['sessions']} sessions, {counts['holds']} holds)"
        if name in self._unemptied and not any(counts.values()):
            deleted = "before"
        self._unemptied.add(name)
        raise LogError(
            f"{name!r} was deleted from session log {self.path} {deleted}, but copies of "
            "their records are still in the log's files: another program kept reading the "
            f"log for {FORGET_WAIT_S:g} s, so its journal could not be emptied. Close the "
            f"other programs that have this log open, then call forget_person({name!r}) "
            "again to finish"
        )

    def empty_journal(self, wait_s: float) -> bool:
        """Copy every page home and truncate the WAL to nothing; False if readers prevent it.

        Deleted rows are overwritten in the file (``secure_delete``), but the
        old page images live on in the WAL until a checkpoint has copied the
        new pages home and the WAL is emptied; a reader in another program
        blocks both. Waits up to ``wait_s`` for readers, looking again with a
        growing pause (the thread lock is free between looks).
        """
        deadline = time.monotonic() + wait_s
        pause = 0.01
        restore = f"PRAGMA busy_timeout = {round(_file._BUSY_TIMEOUT_S * 1000)}"

        def attempt() -> bool:
            conn = self._db
            conn.execute(f"PRAGMA busy_timeout = {_CHECKPOINT_BUSY_MS}")
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                conn.execute(restore)
            return busy == 0

        while not self.retrying(attempt):
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.25)
        return True

    def _open_session(self, conn: sqlite3.Connection, session_id: int) -> tuple[int, int]:
        """Person id and start of a session that may still take holds."""
        row = conn.execute(
            "SELECT person_id, started_us, ended_us FROM sessions WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        return _session_rules.open_session(row, session_id, str(self.path))

    # ----------------------------------------------------------------- reading

    def people(self) -> list[str]:
        """Names, alphabetically."""
        return [name for (name,) in self.read("SELECT person FROM people ORDER BY person")]

    def sessions(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """Session rows, oldest first, in the column order of ``_frames.SESSIONS``."""
        return self.read(*_reads.sessions(name, low, high))

    def holds(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """Hold rows, oldest first, in ``_frames.HOLDS`` order less ``name`` and ``body_area``."""
        return self.read(*_reads.holds(_reads.HOLDS_VIA_SESSION, name, low, high))

    def routine_json(self, session_id: int) -> str | None:
        """The routine snapshot stored with a session (None if it had none)."""
        rows = self.read("SELECT routine_json FROM sessions WHERE session_id = ?", (session_id,))
        if not rows:
            raise LogError(f"unknown session id {session_id} in {self.path}")
        return rows[0][0]

    def daily_totals(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """(day, person, stretch_id, held_us) rows for days ``low <= day < high``."""
        return self.read(*_totals.daily_query(name, low, high))

    def weekly_totals(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """(week, stretch_id, held_us) rows for days ``low <= day < high``, by week and stretch."""
        return self.read(*_totals.weekly_query(name, low, high))


# --------------------------------------------------------------------------- rows


def person_id(conn: sqlite3.Connection, person: str, *, create: bool) -> int | None:
    """The id of a person, adding them first with ``create``; None if absent."""
    row = conn.execute("SELECT person_id FROM people WHERE person = ?", (person,)).fetchone()
    if row is not None:
        return int(row[0])
    if not create:
        return None
    now_us = (datetime.now(UTC) - EPOCH) // US
    cursor = conn.execute("INSERT INTO people (person, created_us) VALUES (?, ?)", (person, now_us))
    return int(cursor.lastrowid)


def _insert_hold(conn: sqlite3.Connection, session_id: int, hold: Hold) -> int:
    cursor = conn.execute(
        "INSERT INTO holds (uuid, session_id, stretch_id, side, rep, planned_s, "
        "actual_s, completed, started_us, offset_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), session_id, hold.stretch_id, hold.side, hold.rep, hold.planned_s)
        + (hold.actual_s, int(hold.completed), *hold.at),
    )
    return int(cursor.lastrowid)


# --------------------------------------------------------------------------- one store a file

_OPEN: dict[tuple[int, int], Store] = {}
# Re-entrant: a SessionLog dropped without close() releases its store from a
# finalizer, which may run inside open_store on the same thread.
_OPEN_LOCK = threading.RLock()


def open_store(path: Path) -> Store:
    """The store of the file at ``path`` in this process, opened if none is yet.

    Each call counts one more user; :func:`release` counts one less and
    closes the store after the last.
    """
    with _OPEN_LOCK:
        key = _key(path)
        store = _OPEN.get(key) if key is not None else None
        if store is not None:
            store.users += 1
            if not store.closed:
                return store
            store.users -= 1  # its last user let go a moment ago
        store = Store(path)
        store.users = 1
        _OPEN[store.key] = store
        return store


def release(store: Store) -> None:
    """One user less; the last one closes the store (inside the registry's lock, so
    that no new store of the same file opens while this one still holds its locks)."""
    with _OPEN_LOCK:
        store.users -= 1
        if store.users > 0:
            return
        if _OPEN.get(store.key) is store:
            del _OPEN[store.key]
        store.close()


def is_open(path: Path) -> bool:
    """Whether a SessionLog of this process has the file at ``path`` open."""
    with _OPEN_LOCK:
        key = _key(path)
        return key is not None and key in _OPEN


def _key(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _after_fork_in_child() -> None:
    # A connection must not cross a fork: the child opens its own.
    global _OPEN_LOCK
    _OPEN.clear()
    _OPEN_LOCK = threading.RLock()


os.register_at_fork(after_in_child=_after_fork_in_child)
