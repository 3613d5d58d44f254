"""One store per file per process: every SessionLog on a file shares its one connection.

:func:`open_store` finds the store of a file by the file's device and inode
(so two spellings of one path meet), opening it if none is open yet, and
counts its users; :func:`release` counts one less and closes it after the
last. POSIX locks belong to a process, not to a connection: a second
connection's opening (which reads the file's header bytes) would drop the
first one's locks, and another program could then take the log for unused,
checkpoint it and delete its journal under the first connection's feet,
taking acknowledged holds with it. Nothing else in this process may open the
file while a log is open on it. A forked child starts with no stores: a
connection must not cross a fork.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ._store import Store

__all__ = ["is_open", "open_store", "release"]

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
