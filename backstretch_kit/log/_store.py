"""The SQLite store under :class:`SessionLog`: its writers and readers.

The store trusts its arguments (``_checks`` has checked them). Its
connection, transactions and retries are :class:`Transactions`'s
(``_transactions``); the SQL of the writers is here, the readers' in
``_reads`` and the totals' in ``_totals``. The CSV code works through the
same methods (:meth:`Store.read`, :meth:`Store.write`,
:meth:`Store.snapshot`) and :func:`person_id`. One store serves every
SessionLog of a file in a process (``_open_stores``).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import _reads, _session_rules, _totals
from ._batch import FinishedSession
from ._checks import EPOCH, US, Hold, LogError
from ._transactions import Transactions

__all__ = ["FORGET_WAIT_S", "Store", "person_id"]

# How long forget_person waits for other programs' reads to end so that it
# can empty the journal.
FORGET_WAIT_S = 5.0


class Store(Transactions, _reads.Readers):
    """One session-log file's writers and readers (opened as :class:`Transactions`)."""

    # SQLite's weekly totals are everyone's together (see _totals).
    weekly_query = staticmethod(_totals.weekly_query)

    def __init__(self, path: Path):
        super().__init__(path)
        #: How many SessionLogs use this store (see _open_stores).
        self.users = 0
        # People deleted whose old records are still in the journal (forget_person).
        self._unemptied: set[str] = set()

    def rows(self, sql: str, params: _reads.Params) -> list[tuple]:
        """Every row of one statement with named parameters (for the shared readers)."""
        return self.read(sql, params)

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

    def record_sessions(self, sessions: Sequence[FinishedSession]) -> list[int]:
        """Insert checked finished sessions with their holds and totals, in one transaction."""

        def work(conn: sqlite3.Connection) -> list[int]:
            owners: dict[str, int] = {}
            ids = []
            for session in sessions:
                if session.person not in owners:
                    owners[session.person] = person_id(conn, session.person, create=True)
                owner = owners[session.person]
                session_id = _insert_finished(conn, owner, session)
                for hold in session.holds:
                    _insert_hold(conn, session_id, hold)
                    _totals.add(conn, owner, hold.stretch_id, *hold.at, hold.actual_s)
                ids.append(session_id)
            return ids

        return self.write(work)

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


def _insert_finished(conn: sqlite3.Connection, owner: int, session: FinishedSession) -> int:
    cursor = conn.execute(
        "INSERT INTO sessions (uuid, person_id, kind, routine_name, routine_json, started_us, "
        "started_offset_s, ended_us, ended_offset_s, pain_before, pain_after, notes) "
        "VALUES (?, ?, 'routine', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(uuid.uuid4()), owner, session.routine_name, session.routine_json)
        + (*session.started, *session.ended, session.pain_before, session.pain_after)
        + (session.notes,),
    )
    return int(cursor.lastrowid)
