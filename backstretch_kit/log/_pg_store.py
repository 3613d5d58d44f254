"""The PostgreSQL store under :class:`SessionLog`: its writers and readers.

Same methods and the same rows as the SQLite ``Store`` (``_store``), so
:class:`SessionLog` and its frames cannot tell the two apart. The store trusts
its arguments (``_checks`` has checked them). Connecting, the tables,
retries and errors in plain words are :class:`PgConnection`'s
(``_pg_conn``); the totals' SQL is in ``_pg_totals``, the readers' in
``_reads``.

Durability: every call is one transaction, committed with
``synchronous_commit = on`` (forced per connection), so a hold is on the
server's disk when ``record_hold`` returns.

Faults: a call whose connection breaks is run again on a new connection
(see ``_pg_conn``). Records carry a uuid made once per call, and an insert
whose uuid is already stored returns the stored row: a commit whose answer
was lost on the way is never stored twice.

Access: the policies of ``_pg_schema`` decide what a connection sees; the
store adds nothing, so a patient's log shows that patient only, and a
physiotherapist's their patients. Adding a person is the administrator's
job (:mod:`backstretch_kit.log.clinic`); a clinic role asked to add one gets
a LogError that says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from . import _pg_totals, _reads, _session_rules
from ._batch import FinishedSession
from ._checks import EPOCH, US, Hold, LogError
from ._pg_conn import PgConnection

__all__ = ["PgStore"]


class PgStore(PgConnection, _reads.Readers):
    """A clinic's session log in PostgreSQL: the writers and readers ``SessionLog`` calls.

    Opened as a :class:`PgConnection` (same parameters, same errors); each
    method is one call of :meth:`PgConnection.run`. The readers it shares
    with the SQLite store come from :class:`_reads.Readers`.
    """

    # Holds keep their person_id here (row-level security): no detour through sessions.
    HOLDS = _reads.HOLDS_WITH_PERSON

    # ----------------------------------------------------------------- writing

    def add_person(self, name: str) -> None:
        """Add a person unless they exist."""
        self.run(lambda conn, _: _person_id(conn, name, create=True), f"add {name!r}")

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

        return self.run(work, "start the session")

    def record_hold(self, session_id: int, hold: Hold) -> int:
        """Insert a hold into an open session and add it to the totals; return its id."""
        key = uuid.uuid4()

        def work(conn: Any, _: int) -> int:
            existing = _by_uuid(conn, "holds", "hold_id", key)
            if existing is not None:  # an earlier attempt committed; its answer was lost
                return existing
            owner, session_start = self._open_session(conn, session_id, lock="SHARE")
            _session_rules.hold_not_before(session_id, hold.at, session_start)
            hold_id = _insert_hold(conn, key, session_id, owner, hold)
            _pg_totals.add(conn, owner, hold)
            return hold_id

        return self.run(work, f"store the hold ({hold.stretch_id}, {hold.side}, rep {hold.rep})")

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
            _session_rules.end_not_before(session_id, at, latest)
            conn.execute(
                text(
                    "UPDATE sessions SET ended_us = :us, ended_offset_s = :off, "
                    "pain_after = :pain, notes = COALESCE(:notes, notes) WHERE session_id = :s"
                ),
                {"us": us, "off": offset_s, "pain": pain_after, "notes": notes, "s": session_id},
            )

        self.run(work, f"finish session {session_id}")

    def record_sessions(self, sessions: Sequence[FinishedSession]) -> list[int]:
        """Insert checked finished sessions with their holds and totals, in one transaction."""
        keys = [(uuid.uuid4(), [uuid.uuid4() for _ in s.holds]) for s in sessions]

        def work(conn: Any, _: int) -> list[int]:
            # All or nothing: if the first session is stored, an earlier attempt
            # committed them all and its answer was lost.
            if _by_uuid(conn, "sessions", "session_id", keys[0][0]) is not None:
                return [_by_uuid(conn, "sessions", "session_id", key) for key, _ in keys]
            owners: dict[str, int] = {}
            ids = []
            for session, (key, hold_keys) in zip(sessions, keys, strict=True):
                if session.person not in owners:
                    owners[session.person] = _person_id(conn, session.person, create=True)
                owner = owners[session.person]
                session_id = _insert_once(
                    conn, "sessions", "session_id", _finished(key, owner, session)
                )
                for hold, hold_key in zip(session.holds, hold_keys, strict=True):
                    _insert_hold(conn, hold_key, session_id, owner, hold)
                    _pg_totals.add(conn, owner, hold)
                ids.append(session_id)
            return ids

        return self.run(work, f"store the {len(sessions)} sessions")

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
            _pg_totals.add(conn, owner, hold)
            return session_id

        return self.run(work, f"log the activity ({hold.stretch_id})")

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
            _pg_totals.forget(conn, owner)
            sessions = conn.execute(text("DELETE FROM sessions WHERE person_id = :p"), p).rowcount
            conn.execute(text("DELETE FROM care_team WHERE person_id = :p"), p)
            gone = conn.execute(text("DELETE FROM people WHERE person_id = :p"), p).rowcount
            if gone != 1:
                raise LogError(
                    f"session log {self.label}: user {self.role!r} may not delete the person "
                    f"{name!r} itself; nothing was deleted"
                )
            return {"sessions": sessions, "holds": holds}

        return self.run(work, f"forget {name!r}")

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
        return _session_rules.open_session(row, session_id, self.label)

    # ----------------------------------------------------------------- reading

    def people(self) -> list[str]:
        """Names, alphabetically (the people this connection may see)."""
        rows = self.rows('SELECT person FROM people ORDER BY person COLLATE "C"', {})
        return [name for (name,) in rows]

    # The weekly totals have a row per person here (see _pg_totals).
    weekly_query = staticmethod(_pg_totals.weekly_query)

    # The names SessionLog's CSV code would call; PostgreSQL logs do not offer CSV yet.
    def snapshot(self, work: Any) -> Any:
        raise LogError(
            f"session log {self.label}: CSV export and import work on SQLite logs only for now"
        )

    write = read = snapshot


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


def _finished(key: uuid.UUID, owner: int, session: FinishedSession) -> dict[str, Any]:
    """A finished session's row, for _insert_once."""
    return {
        "uuid": key,
        "person_id": owner,
        "kind": "routine",
        "routine_name": session.routine_name,
        "routine_json": session.routine_json,
        "started_us": session.started[0],
        "started_offset_s": session.started[1],
        "ended_us": session.ended[0],
        "ended_offset_s": session.ended[1],
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "notes": session.notes,
    }


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
