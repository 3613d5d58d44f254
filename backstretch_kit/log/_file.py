"""The session log's file: where it lives, the checks before SQLite opens it, the connection.

Health data, so the file is created owner-only, and a file that is not a
session log (another program's database, any other file) or is a newer one is
refused from its header bytes before SQLite can touch it or its side files.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .._data import user_data_dir
from . import _schema
from ._checks import LogError

__all__ = ["check_place", "connect", "default_path"]

# How long one attempt waits for another writer (SQLite's own busy handler);
# the store retries beyond that.
_BUSY_TIMEOUT_S = 5.0


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
        raise LogError(f"cannot create session log {path}: {exc}") from exc
    try:
        os.fchmod(handle, 0o600)  # exactly owner-only, whatever the umask
    finally:
        os.close(handle)


def connect(path: Path) -> sqlite3.Connection:
    """Open the file durably (WAL, ``synchronous=FULL``) in the current layout.

    Creates the tables in an empty file and upgrades an older log, in one
    transaction. SQLite's busy errors propagate, for the caller to retry.
    """
    try:
        # check_same_thread=False: calls arrive on other threads than the one
        # that opened the log; the store's lock serialises the use.
        conn = sqlite3.connect(
            path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise LogError(f"cannot open session log {path}: {exc}") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
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
