"""The SQLite store's connection: one for every thread, a transaction per call, retries.

:class:`Transactions` opens the file (``_file``: place checks, header, quick
check, create or upgrade) and runs every call of the store on its one
connection: :meth:`~Transactions.write` in one immediate write transaction
committed durably, :meth:`~Transactions.snapshot` in one read transaction,
:meth:`~Transactions.read` for a single statement. Each retries while
another process writes, for up to a minute in all, so callers never see
"database is locked". A file SQLite finds damaged is refused from then on.

Threads: one connection serves every thread (Jupyter delivers widget clicks
on other threads than the one that opened the log), and a re-entrant lock is
held for each attempt at a call's transaction, so two threads never
interleave statements on it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from . import _file
from ._checks import LogError

__all__ = ["Transactions"]

# How long in all the store keeps retrying while another process writes
# (each attempt also waits up to _file.BUSY_TIMEOUT_S inside SQLite).
_RETRY_FOR_S = 60.0

# How long each look for other programs' readers waits inside SQLite when
# the journal is to be emptied (see empty_journal).
_CHECKPOINT_BUSY_MS = 50

_T = TypeVar("_T")


class Transactions:
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
        #: Where the log is, for messages.
        self.label = str(path)
        self._conn: sqlite3.Connection | None = None
        # Re-entrant, as a CSV import reads inside its write.
        self._lock = threading.RLock()
        # Set once SQLite has found the file damaged: no call touches it again.
        self._damage: str | None = None
        _file.check_place(path)
        self._conn = self.retrying(lambda: _file.connect(path))
        status = os.stat(path)
        #: The file's identity (device, inode), as the registry of open stores knows it.
        self.key = (status.st_dev, status.st_ino)

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
        restore = f"PRAGMA busy_timeout = {round(_file.BUSY_TIMEOUT_S * 1000)}"

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
