"""The PostgreSQL store under :class:`SessionLog`: SQLAlchemy 2 Core over psycopg 3.

Same methods and the same rows as the SQLite ``Store`` (``_store``), so
:class:`SessionLog` and its frames cannot tell the two apart. The store trusts
its arguments (``_checks`` has checked them).

Durability: every call is one transaction, committed with
``synchronous_commit = on`` (forced per connection), so a hold is on the
server's disk when ``record_hold`` returns.

Faults: a call whose connection breaks (the server restarted, the network
dropped) is retried on a new connection for up to :data:`RETRY_FOR_S`.
Records carry a uuid made once per call, and an insert whose uuid is already
stored returns the stored row: a commit whose answer was lost on the way is
never stored twice. If the server cannot be reached in time the call raises
:class:`LogError` saying that nothing was stored.

Threads: the engine's pool hands each call its own connection.

Access: the policies of ``_pg_schema`` decide what a connection sees; the
store adds nothing, so a patient's log shows that patient only, and a
physiotherapist's their patients. Adding a person is the administrator's
job (:mod:`backstretch_kit.log.clinic`); a clinic role asked to add one gets
a LogError that says so.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from . import _pg_schema, _reads, _schema
from ._checks import EPOCH, US, Hold, LogError, iso

__all__ = ["RETRY_FOR_S", "PgStore"]

#: How long a call keeps trying to reach the server after its connection broke.
RETRY_FOR_S = 30.0
_CONNECT_TIMEOUT_S = 5

# SQLSTATEs worth another attempt: serialization failure, deadlock, the
# server shutting down or starting up, and every connection exception.
_RETRY_STATES = {"40001", "40P01", "57P01", "57P02", "57P03"}

_T = TypeVar("_T")


class PgStore:
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

    # ----------------------------------------------------------------- plumbing

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
                if _state(exc) == "42501":
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
        state = _state(exc)
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
        if _retryable(exc):
            return LogError(
                f"cannot {what} at {self.label}: the server cannot be reached ({detail})"
            )
        return LogError(f"session log {self.label}: {what} failed: {detail}")

    def _run(self, work: Callable[[Any, int], _T], what: str, write: bool = True) -> _T:
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
                if not _retryable(exc):
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

    def _rows(self, sql: str, params: dict[str, Any], what: str = "read") -> list[tuple]:
        from sqlalchemy import text

        return self._run(
            lambda conn, _: [tuple(r) for r in conn.execute(text(sql), params)], what, write=False
        )

    # ----------------------------------------------------------------- writing

    def add_person(self, name: str) -> None:
        """Add a person unless they exist."""
        self._run(lambda conn, _: _person_id(conn, name, create=True), f"add {name!r}")

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
        key = uuid.uuid4()

        def work(conn: Any, _: int) -> int:
            values = {
                "uuid": key,
                "person_id": _person_id(conn, name, create=True),
                "routine_name": routine_name,
                "routine_json": routine_json,
                "started_us": at[0],
                "started_offset_s": at[1],
                "pain_before": pain_before,
                "notes": notes,
            }
            return _insert_once(conn, "sessions", "session_id", {**values, "kind": "routine"})

        return self._run(work, "start the session")

    def record_hold(self, session_id: int, hold: Hold) -> int:
        """Insert a hold into an open session and add it to the totals; return its id."""
        key = uuid.uuid4()
        us, offset_s = hold.at

        def work(conn: Any, _: int) -> int:
            existing = _by_uuid(conn, "holds", "hold_id", key)
            if existing is not None:  # an earlier attempt committed; its answer was lost
                return existing
            owner, session_start = self._open_session(conn, session_id, lock="SHARE")
            if us < session_start:
                raise LogError(
                    f"hold starts at {iso(us, offset_s)}, before its session {session_id} "
                    f"started ({iso(session_start, offset_s)})"
                )
            hold_id = _insert_hold(conn, key, session_id, owner, hold)
            _add_totals(conn, owner, hold)
            return hold_id

        return self._run(work, f"store the hold ({hold.stretch_id}, {hold.side}, rep {hold.rep})")

    def finish_session(
        self, session_id: int, pain_after: float | None, notes: str | None, at: tuple[int, int]
    ) -> None:
        """Close an open session no earlier than its start and its last hold."""
        from sqlalchemy import text

        us, offset_s = at

        def work(conn: Any, attempt: int) -> None:
            if attempt:
                done = conn.execute(
                    text("SELECT ended_us, ended_offset_s FROM sessions WHERE session_id = :s"),
                    {"s": session_id},
                ).first()
                if done is not None and tuple(done) == (us, offset_s):
                    return  # an earlier attempt committed; its answer was lost
            self._open_session(conn, session_id, lock="UPDATE")
            latest = conn.execute(
                text(
                    "SELECT GREATEST((SELECT started_us FROM sessions WHERE session_id = :s), "
                    "(SELECT MAX(started_us) FROM holds WHERE session_id = :s))"
                ),
                {"s": session_id},
            ).scalar_one()
            if us < latest:
                raise LogError(
                    f"session {session_id} cannot end at {iso(us, offset_s)}: it has a start "
                    f"or a hold at {iso(latest, offset_s)}"
                )
            conn.execute(
                text(
                    "UPDATE sessions SET ended_us = :us, ended_offset_s = :off, "
                    "pain_after = :pain, notes = COALESCE(:notes, notes) WHERE session_id = :s"
                ),
                {"us": us, "off": offset_s, "pain": pain_after, "notes": notes, "s": session_id},
            )

        self._run(work, f"finish session {session_id}")

    def log_activity(self, name: str, hold: Hold, notes: str) -> int:
        """Insert a finished ad-hoc session with its one hold; return the session's id."""
        session_key, hold_key = uuid.uuid4(), uuid.uuid4()
        us, offset_s = hold.at
        end_us = us + round(hold.actual_s * 1_000_000)

        def work(conn: Any, _: int) -> int:
            existing = _by_uuid(conn, "sessions", "session_id", session_key)
            if existing is not None:
                return existing
            owner = _person_id(conn, name, create=True)
            values = {
                "uuid": session_key,
                "person_id": owner,
                "kind": "ad hoc",
                "started_us": us,
                "started_offset_s": offset_s,
                "ended_us": end_us,
                "ended_offset_s": offset_s,
                "notes": notes,
            }
            session_id = _insert_once(conn, "sessions", "session_id", values)
            _insert_hold(conn, hold_key, session_id, owner, hold)
            _add_totals(conn, owner, hold)
            return session_id

        return self._run(work, f"log the activity ({hold.stretch_id})")

    def forget_person(self, name: str) -> dict[str, int]:
        """Delete a person and all of theirs in one transaction.

        PostgreSQL keeps deleted rows' old versions until a VACUUM reclaims
        them; the clinic's nightly vacuum (docs/CLINIC.md) does.
        """
        from sqlalchemy import text

        def work(conn: Any, attempt: int) -> dict[str, int]:
            owner = _person_id(conn, name, create=False)
            if owner is None:
                if attempt:  # an earlier attempt committed; its answer was lost
                    return {"sessions": 0, "holds": 0}
                raise LogError(f"no person named {name!r} in {self.label}")
            p = {"p": owner}
            holds = conn.execute(text("DELETE FROM holds WHERE person_id = :p"), p).rowcount
            conn.execute(text("DELETE FROM daily_totals WHERE person_id = :p"), p)
            conn.execute(text("DELETE FROM weekly_totals WHERE person_id = :p"), p)
            sessions = conn.execute(text("DELETE FROM sessions WHERE person_id = :p"), p).rowcount
            conn.execute(text("DELETE FROM care_team WHERE person_id = :p"), p)
            gone = conn.execute(text("DELETE FROM people WHERE person_id = :p"), p).rowcount
            if gone != 1:
                raise LogError(
                    f"session log {self.label}: user {self.role!r} may not delete the person "
                    f"{name!r} itself; nothing was deleted"
                )
            return {"sessions": sessions, "holds": holds}

        return self._run(work, f"forget {name!r}")

    def _open_session(self, conn: Any, session_id: int, lock: str) -> tuple[int, int]:
        """Person id and start of a session that may still take holds (its row locked)."""
        from sqlalchemy import text

        row = conn.execute(
            text(
                "SELECT person_id, started_us, ended_us FROM sessions "
                f"WHERE session_id = :s FOR {lock}"
            ),
            {"s": session_id},
        ).first()
        if row is None:
            raise LogError(f"unknown session id {session_id} in {self.label}")
        if row[2] is not None:
            raise LogError(f"session {session_id} is finished; it takes no more holds")
        return int(row[0]), int(row[1])

    # ----------------------------------------------------------------- reading

    def people(self) -> list[str]:
        """Names, alphabetically (the people this connection may see)."""
        rows = self._rows('SELECT person FROM people ORDER BY person COLLATE "C"', {})
        return [name for (name,) in rows]

    def sessions(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """Session rows, oldest first, in the column order of ``_frames.SESSIONS``."""
        return self._rows(*_reads.sessions(name, low, high))

    def holds(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """Hold rows, oldest first, in ``_frames.HOLDS`` order less ``name`` and ``body_area``."""
        # Holds keep their person_id here (row-level security): no detour through sessions.
        return self._rows(*_reads.holds(_reads.HOLDS_WITH_PERSON, name, low, high))

    def routine_json(self, session_id: int) -> str | None:
        """The routine snapshot stored with a session (None if it had none)."""
        rows = self._rows(
            "SELECT routine_json FROM sessions WHERE session_id = :s", {"s": session_id}
        )
        if not rows:
            raise LogError(f"unknown session id {session_id} in {self.label}")
        return rows[0][0]

    def daily_totals(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """(day, person, stretch_id, held_us) rows for days ``low <= day < high``."""
        return self._rows(*_reads.daily(name, low, high))

    def weekly_totals(self, name: str | None, low: int | None, high: int | None) -> list[tuple]:
        """(week, stretch_id, held_us) rows for days ``low <= day < high``, by week and stretch."""
        # Whole weeks from weekly_totals (a row per person, week and stretch:
        # each connection sees only its own people's); only the days of a
        # partly covered first or last week from daily_totals, as SQLite's
        # _totals.weekly_query does. One statement: one moment of the
        # database. Sums of integers: exact in any order.
        pick = "SELECT t.week, t.stretch_id, t.held_us FROM {} t WHERE true{}"
        parts = _reads.week_parts(low, high)
        if parts is None:
            where, params = _reads.days(name, low, high)
            tables = [pick.format("daily_totals", where)]
        else:
            start, stop, edges = parts
            where, params = _reads.weeks(name, start, stop)
            tables = [pick.format("weekly_totals", where)]
            for edge, (edge_low, edge_high) in enumerate(edges):
                more, extra = _reads.days(name, edge_low, edge_high, suffix=f"_{edge}")
                tables.append(pick.format("daily_totals", more))
                params |= extra
        return self._rows(
            "SELECT week, stretch_id, SUM(held_us)::bigint FROM ("
            + " UNION ALL ".join(tables)
            + ') w GROUP BY week, stretch_id ORDER BY week, stretch_id COLLATE "C"',
            params,
        )

    # The names SessionLog's CSV code would call; PostgreSQL logs do not offer CSV yet.
    def snapshot(self, work: Any) -> Any:
        raise LogError(
            f"session log {self.label}: CSV export and import work on SQLite logs only for now"
        )

    write = read = snapshot


# --------------------------------------------------------------------------- rows


def _state(exc: BaseException) -> str | None:
    """The SQLSTATE of a (wrapped) psycopg error, if any."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None)


def _retryable(exc: Any) -> bool:
    import psycopg

    state = _state(exc)
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


def _person_id(conn: Any, person: str, *, create: bool) -> int | None:
    """The id of a person, adding them first with ``create``; None if absent."""
    from sqlalchemy import text

    found = conn.execute(
        text("SELECT person_id FROM people WHERE person = :n"), {"n": person}
    ).scalar()
    if found is not None or not create:
        return found
    now_us = (datetime.now(UTC) - EPOCH) // US
    return conn.execute(
        text(
            "INSERT INTO people (person, created_us) VALUES (:n, :c) "
            "ON CONFLICT (person) DO UPDATE SET person = excluded.person RETURNING person_id"
        ),
        {"n": person, "c": now_us},
    ).scalar_one()


def _by_uuid(conn: Any, table: str, key: str, value: uuid.UUID) -> int | None:
    from sqlalchemy import text

    return conn.execute(text(f"SELECT {key} FROM {table} WHERE uuid = :u"), {"u": value}).scalar()


def _insert_once(conn: Any, table: str, key: str, values: dict[str, Any]) -> int:
    """Insert a row by its uuid; if that uuid is stored already, its id."""
    from sqlalchemy import text

    columns = ", ".join(values)
    marks = ", ".join(f":{c}" for c in values)
    new = conn.execute(
        text(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT (uuid) DO NOTHING RETURNING {key}"
        ),
        values,
    ).scalar()
    return new if new is not None else _by_uuid(conn, table, key, values["uuid"])


def _insert_hold(conn: Any, key: uuid.UUID, session_id: int, owner: int, hold: Hold) -> int:
    from sqlalchemy import text

    return conn.execute(
        text(
            "INSERT INTO holds (uuid, session_id, person_id, stretch_id, side, rep, planned_s, "
            "actual_s, completed, started_us, offset_s) VALUES (:u, :s, :p, :stretch, :side, "
            ":rep, :planned, :actual, :done, :us, :off) RETURNING hold_id"
        ),
        {
            "u": key,
            "s": session_id,
            "p": owner,
            "stretch": hold.stretch_id,
            "side": hold.side,
            "rep": hold.rep,
            "planned": hold.planned_s,
            "actual": hold.actual_s,
            "done": hold.completed,
            "us": hold.at[0],
            "off": hold.at[1],
        },
    ).scalar_one()


def _add_totals(conn: Any, owner: int, hold: Hold) -> None:
    """Add one hold to its person's daily and weekly totals (the day rule of ``_totals``)."""
    from sqlalchemy import text

    us, offset_s = hold.at
    day = (us + offset_s * 1_000_000) // _schema.US_PER_DAY
    conn.execute(
        text(
            "INSERT INTO daily_totals (person_id, day, week, stretch_id, held_us) "
            "VALUES (:p, :day, :week, :stretch, :held) ON CONFLICT (person_id, day, stretch_id) "
            "DO UPDATE SET held_us = daily_totals.held_us + excluded.held_us"
        ),
        {
            "p": owner,
            "day": day,
            "week": _schema.week_of(day),
            "stretch": hold.stretch_id,
            "held": _schema.held_us(hold.actual_s),
        },
    )
    conn.execute(
        text(
            "INSERT INTO weekly_totals (person_id, week, stretch_id, held_us) "
            "VALUES (:p, :week, :stretch, :held) ON CONFLICT (person_id, week, stretch_id) "
            "DO UPDATE SET held_us = weekly_totals.held_us + excluded.held_us"
        ),
        {
            "p": owner,
            "week": _schema.week_of(day),
            "stretch": hold.stretch_id,
            "held": _schema.held_us(hold.actual_s),
        },
    )
