"""The session log's file: where it lives, the checks before SQLite opens it, the connection.

Health data, so the file is created owner-only, and a file that is not a
session log (another program's database, any other file) or is a newer one is
refused from its header bytes before SQLite can touch it or its side files.

A log is checked whole when it is opened (SQLite's ``quick_check``): a
damaged file is refused before anything is read from it or written to it,
with the way to save what is left (``backstretch recover``). Errors from
SQLite and the operating system become a :class:`LogError` in plain words
(:func:`explain`): a full disk says the disk is full, not "disk I/O error".
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from .._data import user_data_dir
from . import _schema
from ._checks import LogError

__all__ = [
    "check_place",
    "connect",
    "damaged",
    "default_path",
    "explain",
    "is_busy",
    "is_corrupt",
    "os_error_text",
    "private_folder",
]

# How long one attempt waits for another writer (SQLite's own busy handler);
# the store retries beyond that.
BUSY_TIMEOUT_S = 5.0

# SQLite's primary result codes that get words of their own here.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_CORRUPT = 5, 6, 10, 11
_SQLITE_FULL, _SQLITE_CANTOPEN = 13, 14

# An I/O error with less free space than this (or no free inode) is taken for
# a full disk: SQLite reports a full disk as "disk I/O error" when the failed
# write was the one growing its shared-memory file (SQLITE_IOERR_SHMSIZE), and
# as "unable to open database file" when no new journal file can be made.
_NEARLY_FULL_BYTES = 1 << 20


def default_path() -> Path:
    """Where ``SessionLog()`` keeps its file: ``sessions.sqlite`` in the user's data folder.

    The folder is the platform's user data folder, or ``BACKSTRETCH_DATA_DIR``
    when set (see :func:`backstretch_kit._data.user_data_dir`). If missing it is
    created readable by the owner alone (0o700).
    """
    folder = user_data_dir()
    private_folder(folder, "the session log folder")
    return folder / "sessions.sqlite"


def private_folder(folder: Path, what: str) -> None:
    """Create ``folder`` (and any parents) owner-only (0o700) if it is missing: health data.

    Raises
    ------
    LogError
        ``cannot create {what} {folder}: ...``, a full disk said to be full.
    """
    if folder.exists():
        return
    try:
        folder.mkdir(parents=True, mode=0o700)
    except OSError as exc:
        raise LogError(f"cannot create {what} {folder}: {os_error_text(exc, folder)}") from exc
    folder.chmod(0o700)  # in case the umask took bits away from the owner


def check_place(path: Path) -> None:
    """Refuse a path whose folder or file cannot hold a log; create a new file 0o600.

    Raises
    ------
    LogError
        The folder is missing, not a folder or read-only; the file is not a
        regular file, is read-only, is not a session log, or is a newer one.
    """
    folder = path.parent
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
            _check_header(path)
        return
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except FileExistsError:  # another process created it a moment ago
        return
    except OSError as exc:
        raise LogError(f"cannot create session log {path}: {os_error_text(exc, folder)}") from exc
    try:
        os.fchmod(handle, 0o600)  # exactly owner-only, whatever the umask
    finally:
        os.close(handle)


def connect(path: Path) -> sqlite3.Connection:
    """Open the file durably (WAL, ``synchronous=FULL``), checked, in the current layout.

    The whole file passes SQLite's ``quick_check`` first, so a damaged log is
    refused (:class:`LogError`, see :func:`damaged`) before anything is read
    or written. Then the tables are created in an empty file or an older log
    is upgraded, in one transaction. SQLite's errors propagate, for the caller
    to retry (busy) or to :func:`explain`.
    """
    try:
        # check_same_thread=False: calls arrive on other threads than the one
        # that opened the log; the store's lock serialises the use.
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise LogError(f"cannot open session log {path}: {exc}") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        # Checks each page's cells as it is read: damage found later than
        # the open is then an error, not wrong rows.
        conn.execute("PRAGMA cell_size_check = ON")
        _check_sound(conn, path)
        _ensure_schema(conn, path)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise LogError(f"session log {path}: cannot use a WAL journal here ({mode})")
        # FULL syncs the WAL at every commit: an acknowledged record survives power loss.
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def _check_sound(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged file: SQLite's quick check of every page, once per open.

    About 1.5 s for a log of 1,000,000 holds (220 MB) on these machines, a few
    milliseconds for a year of one person's stretching; a log is opened once
    per program (see ``_open_stores.open_store``), so this is paid once.
    """
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        if _code(exc) != _SQLITE_CORRUPT:
            raise
        problems = [str(exc)]
    if problems != ["ok"]:
        found = "; ".join(" ".join(p.split()) for p in problems[:3])
        raise damaged(path, f"SQLite's check of the file found: {found[:300]}", at_open=True)


def damaged(path: Path, what: str, *, at_open: bool) -> LogError:
    """The error for a damaged log: what happened, and how to save what is left."""
    done = (
        "Nothing was read from it or written to it."
        if at_open
        else "This call wrote nothing, and the log takes no more calls; close it."
    )
    return LogError(
        f"session log {path} is damaged ({what}). {done} Keep the file as it is (with any "
        f"{path.name}-wal beside it) and save what can still be read into a new log with: "
        f"backstretch recover {path} NEW.sqlite (a backup copy, if you have one, may hold more)"
    )


def explain(path: Path, exc: sqlite3.Error) -> LogError:
    """SQLite's error on ``path`` as a LogError in plain words (busy errors are retried first)."""
    code = _code(exc)
    if code == _SQLITE_CORRUPT:
        return damaged(path, f"SQLite: {exc}", at_open=False)
    nearly_full = code in (_SQLITE_IOERR, _SQLITE_CANTOPEN) and _nearly_full(path.parent)
    if code == _SQLITE_FULL or nearly_full:
        return LogError(
            f"session log {path}: the disk is full (SQLite: {exc}); nothing was written. "
            f"Free some space on the disk that holds {path.parent} and try again"
        )
    return LogError(f"session log {path}: {exc}")


def os_error_text(exc: OSError, folder: Path) -> str:
    """An OSError in plain words; a full disk says so."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full ({exc.strerror}); free some space on the disk that holds {folder}"
    return str(exc)


def is_corrupt(exc: sqlite3.Error) -> bool:
    """True for SQLite's "database disk image is malformed": the file is damaged."""
    return _code(exc) == _SQLITE_CORRUPT


def is_busy(exc: sqlite3.Error) -> bool:
    """True for SQLite's "database is locked" errors, which are worth retrying."""
    if _code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return True
    message = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message)


def _code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of an error, if it came from SQLite."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _nearly_full(folder: Path) -> bool:
    try:
        space = os.statvfs(folder)
    except OSError:
        return False
    # f_files is 0 where a file system has no fixed count of inodes (btrfs).
    no_inodes = space.f_files > 0 and space.f_favail == 0
    return space.f_bavail * space.f_frsize < _NEARLY_FULL_BYTES or no_inodes


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    if _is_current(conn, path):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Checked again under the write lock: another process may have
        # created or upgraded the file since the first look.
        if not _is_current(conn, path):
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


def _is_current(conn: sqlite3.Connection, path: Path) -> bool:
    """True for a current log; False for an empty or older one; LogError otherwise."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if app_id == _schema.APP_ID:
        if version > _schema.SCHEMA_VERSION:
            raise _newer(path, version)
        return version == _schema.SCHEMA_VERSION
    tables = _schema.table_names(conn)
    if tables:
        raise LogError(
            f"{path} is not a backstretch-kit session log (it has the tables "
            f"{', '.join(sorted(tables))}); it was left untouched"
        )
    return False


def _check_header(path: Path) -> None:
    """Refuse a foreign or newer file from its header bytes, before SQLite touches it."""
    header = _schema.read_header(path)
    if not header.is_sqlite:
        raise LogError(f"{path} is not a backstretch-kit session log (not an SQLite file)")
    if header.app_id == _schema.APP_ID:
        if header.user_version > _schema.SCHEMA_VERSION:
            raise _newer(path, header.user_version)
        return
    if header.app_id != 0 or header.schema_cookie != 0:
        raise LogError(
            f"{path} is not a backstretch-kit session log "
            "(an SQLite database of another program); it was left untouched"
        )


def _newer(path: Path, version: int) -> LogError:
    return LogError(
        f"{path} was written by a newer backstretch-kit (log format {version}; this version "
        f"reads up to {_schema.SCHEMA_VERSION}); upgrade backstretch-kit to open it. "
        "The file was left untouched"
    )
