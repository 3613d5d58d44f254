"""The PostgreSQL store's connection: the engine, the tables, retries, errors in plain words.

:class:`PgConnection` is what :class:`~backstretch_kit.log._pg_store.PgStore`
stands on. It connects through SQLAlchemy 2 Core over psycopg 3, with
``synchronous_commit = on`` forced per connection (a commit is on the
server's disk when it returns), creates the tables of a new log or upgrades
an older one under an advisory lock (``_pg_schema``), and refuses a
database that is not a session log or is a newer one.

Faults: :meth:`PgConnection.run` runs a call in one transaction, and when
its connection breaks (the server restarted, the network dropped) runs it
again on a new connection for up to :data:`RETRY_FOR_S`, telling the call
which attempt it is (so that it can find what an earlier attempt committed).
If the server cannot be reached in time the call raises :class:`LogError`
saying that nothing was stored. Any other database error is said in plain
words naming the database (a refused password, a missing database, a role
that may not do what was asked).

Threads: the engine's pool hands each call its own connection.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from . import _pg_schema
from ._checks import LogError

__all__ = ["RETRY_FOR_S", "PgConnection", "retryable", "sqlstate"]

#: How long a call keeps trying to reach the server after its connection broke.
RETRY_FOR_S = 30.0
_CONNECT_TIMEOUT_S = 5

# SQLSTATEs worth another attempt: serialization failure, deadlock, the
# server shutting down or starting up, and every connection exception.
_RETRY_STATES = {"40001", "40P01", "57P01", "57P02", "57P03"}

_T = TypeVar("_T")


class PgConnection:
    """One session-log database, connected, checked and brought to the current layout.

    Parameters
    ----------
    url : str
        A ``postgresql+psycopg://`` URL with no password (see ``_url``).
    label : str
        ``user@host:port/database``, for messages.

    Raises
    ------
    LogError
        The server cannot be reached, refuses the login, the database is
        missing, is not a session log or is a newer one, or the role may not
        create the schema of a new log.
    """

    def __init__(self, url: str, label: str):
        from sqlalchemy import create_engine

        self.label = label
        self.url = url
        self.users = 1
        self._lock = threading.Lock()
        self._engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=15,
            connect_args={
                "connect_timeout": _CONNECT_TIMEOUT_S,
                "application_name": "backstretch-kit",
                # Durable commits whatever the server's default says.
                "options": "-c synchronous_commit=on",
            },
        )
        try:
            with self._engine.begin() as conn:
                self.role = conn.exec_driver_sql("SELECT current_user").scalar_one()
                self._ensure_schema(conn)
        except BaseException as exc:
            self._engine.dispose()
            if isinstance(exc, LogError):
                raise
            error = self._explain(exc, "open the session log")
            if error is None:
                raise
            raise error from exc
        self.closed = False

    def close(self) -> None:
        """Close every pooled connection; safe to call twice."""
        with self._lock:
            if not getattr(self, "closed", True):
                self.closed = True
                self._engine.dispose()

    def _ensure_schema(self, conn: Any) -> None:
        version = self._version(conn)
        if version == _pg_schema.SCHEMA_VERSION:
            return
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_pg_schema.LOCK_KEY})")
        version = self._version(conn)  # again, under the lock
        if version == _pg_schema.SCHEMA_VERSION:
            return
        raw = conn.connection.driver_connection
        for step in range(version + 1, _pg_schema.SCHEMA_VERSION + 1):
            try:
                raw.execute(_pg_schema.STEPS[step])
            except Exception as exc:
                if sqlstate(exc) == "42501":
                    what = "create" if version == 0 else f"upgrade (from format {version})"
                    raise LogError(
                        f"session log {self.label}: user {self.role!r} may not {what} the "
                        "session log's tables; the clinic's administrator (the owner of the "
                        "database) sets them up first: python -m backstretch_kit.log.clinic "
                        "init (see docs/CLINIC.md)"
                    ) from exc
                raise
            raw.execute(
                f"UPDATE {_pg_schema.VERSION_TABLE} SET version = {step}, upgraded_at = now()"
            )

    def _version(self, conn: Any) -> int:
        """0 for an empty database; the stored version; LogError for a foreign or newer one."""
        found = conn.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v') AND n.nspname = current_schema()"
        ).all()
        tables = {name for (name,) in found}
        if _pg_schema.VERSION_TABLE not in tables:
            if tables:
                raise LogError(
                    f"{self.label} is not a backstretch-kit session log (its schema has the "
                    f"tables {', '.join(sorted(tables)[:8])}); it was left untouched"
                )
            return 0
        version = conn.exec_driver_sql(
            f"SELECT max(version) FROM {_pg_schema.VERSION_TABLE}"
        ).scalar_one()
        if version is None:
            raise LogError(f"session log {self.label}: its version table is empty")
        if version > _pg_schema.SCHEMA_VERSION:
            raise LogError(
                f"{self.label} was written by a newer backstretch-kit (database format "
                f"{version}; this version reads up to {_pg_schema.SCHEMA_VERSION}); upgrade "
                "backstretch-kit to open it. The database was left untouched"
            )
        return int(version)

    def _explain(self, exc: BaseException, what: str) -> LogError | None:
        """A database error in plain words naming the database; None if not a database error."""
        import psycopg
        from sqlalchemy.exc import DBAPIError

        if not isinstance(exc, DBAPIError | psycopg.Error):
            return None
        state = sqlstate(exc)
        detail = " ".join(str(getattr(exc, "orig", exc)).split())
        if state == "28P01" or "password authentication failed" in detail:
            return LogError(
                f"cannot {what} at {self.label}: the server refused the password of its user. "
                "Put the right one in your pgpass file (~/.pgpass or PGPASSFILE, mode 0600) or "
                f"PGPASSWORD ({detail})"
            )
        if "no password supplied" in detail:
            return LogError(
                f"cannot {what} at {self.label}: the server asks for a password and none was "
                "found; put it in a pgpass file (~/.pgpass or PGPASSFILE, mode 0600: "
                "HOST:PORT:DATABASE:USER:PASSWORD) or in PGPASSWORD, never in the URL"
            )
        if state == "3D000" or ("database" in detail and "does not exist" in detail):
            return LogError(f"cannot {what} at {self.label}: the database does not exist")
        if state and state.startswith("28"):
            return LogError(
                f"cannot {what} at {self.label}: the server refused the login ({detail})"
            )
        if state == "42501":
            return LogError(
                f"session log {self.label}: user {getattr(self, 'role', '?')!r} may not {what}; "
                "nothing was written. People are added, given to a physiotherapist and "
                "forgotten by the clinic's administrator (python -m backstretch_kit.log.clinic) "
                f"({detail})"
            )
        if retryable(exc):
            return LogError(
                f"cannot {what} at {self.label}: the server cannot be reached ({detail})"
            )
        return LogError(f"session log {self.label}: {what} failed: {detail}")

    def run(self, work: Callable[[Any, int], _T], what: str, write: bool = True) -> _T:
        """Run ``work(conn, attempt)`` in one transaction; retry while the server is away."""
        from sqlalchemy.exc import DBAPIError

        if self.closed:
            raise LogError(f"session log {self.label} is closed")
        deadline = time.monotonic() + RETRY_FOR_S
        pause, attempt = 0.05, 0
        while True:
            try:
                with self._engine.begin() as conn:
                    return work(conn, attempt)
            except DBAPIError as exc:
                if not retryable(exc):
                    raise self._explain(exc, what) from exc
                if time.monotonic() > deadline:
                    detail = " ".join(str(exc.orig).split())
                    outcome = ", so it was NOT stored" if write else ""
                    raise LogError(
                        f"session log {self.label}: could not {what}: the server could not be "
                        f"reached for {RETRY_FOR_S:g} s{outcome}; try again when the database "
                        f"is back ({detail})"
                    ) from exc
            attempt += 1
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 1.0)

    def rows(self, sql: str, params: dict[str, Any], what: str = "read") -> list[tuple]:
        """Every row of one statement (named parameters), read in one transaction."""
        from sqlalchemy import text

        return self.run(
            lambda conn, _: [tuple(r) for r in conn.execute(text(sql), params)], what, write=False
        )


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a (wrapped) psycopg error, if any."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None)


def retryable(exc: Any) -> bool:
    """Whether another attempt on a new connection may succeed where this one failed."""
    import psycopg

    state = sqlstate(exc)
    if getattr(exc, "connection_invalidated", False):
        return True
    if state is not None:
        return state in _RETRY_STATES or state.startswith("08")
    # No SQLSTATE: libpq could not connect or lost the connection (refused,
    # closed, timed out). A refused login has a state (28...), so it is not here.
    orig = getattr(exc, "orig", exc)
    detail = str(orig)
    if "password" in detail or "does not exist" in detail:
        return False
    return isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError)
