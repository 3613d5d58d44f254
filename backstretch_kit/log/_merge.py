"""Writing checked records into a log: what an import or a recovery adds, in one transaction.

The records come from ``_csv_checks`` (a CSV import, or the rows
:func:`backstretch_kit.log.recover` read from a damaged log). A record
whose uuid the log holds already is skipped when it is the same and refused
when it differs, which rolls the whole write back; every hold added is added
to the totals too.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from . import _totals
from ._checks import LogError
from ._store import person_id

__all__ = ["merge"]

# The stored fields of a session and of a hold, in the order an import compares them.
# fmt: off
_SESSION_FIELDS = ("person", "kind", "routine_name", "routine_json", "started_us",
                   "started_offset_s", "ended_us", "ended_offset_s", "pain_before", "pain_after",
                   "notes")
_HOLD_FIELDS = ("session_uuid", "stretch_id", "side", "rep", "planned_s", "actual_s", "completed",
                "started_us", "offset_s")
# fmt: on


def merge(
    conn: sqlite3.Connection,
    people: dict[str, int],
    sessions: dict[str, dict[str, Any]],
    holds: dict[str, dict[str, Any]],
) -> dict[str, int]:
    """Write the checked import inside one transaction; a conflict rolls it all back."""
    empty = conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM sessions) AND NOT EXISTS (SELECT 1 FROM holds)"
    ).fetchone()[0]
    # Into an empty log the exported ids are kept, so the round trip is exact.
    keep_ids = bool(empty) and all(s["session_id"] is not None for s in sessions.values())
    keep_ids = keep_ids and all(h["hold_id"] is not None for h in holds.values())
    added = {"people": 0, "sessions": 0, "holds": 0}

    for name, created_us in people.items():
        if person_id(conn, name, create=False) is None:
            conn.execute(
                "INSERT INTO people (person, created_us) VALUES (?, ?)", (name, created_us)
            )
            added["people"] += 1

    session_ids: dict[str, int] = {}
    for key, s in sessions.items():
        stored = conn.execute(
            f"SELECT session_id, {', '.join(_SESSION_FIELDS)} FROM sessions "
            "JOIN people USING (person_id) WHERE uuid = ?",
            (key,),
        ).fetchone()
        if stored is not None:
            _same(s, dict(zip(_SESSION_FIELDS, stored[1:], strict=True)), f"session {key}")
            session_ids[key] = stored[0]
            continue
        owner = person_id(conn, s["person"], create=False)
        cursor = conn.execute(
            "INSERT INTO sessions (session_id, uuid, person_id, kind, routine_name, "
            "routine_json, started_us, started_offset_s, ended_us, ended_offset_s, "
            "pain_before, pain_after, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (s["session_id"] if keep_ids else None, key, owner)
            + tuple(s[f] for f in _SESSION_FIELDS[1:]),
        )
        session_ids[key] = int(cursor.lastrowid)
        added["sessions"] += 1

    for key, h in holds.items():
        stored = conn.execute(
            f"SELECT {', '.join('h.' + f for f in _HOLD_FIELDS[1:])}, s.uuid FROM holds h "
            "JOIN sessions s USING (session_id) WHERE h.uuid = ?",
            (key,),
        ).fetchone()
        if stored is not None:
            values = dict(zip((*_HOLD_FIELDS[1:], "session_uuid"), stored, strict=True))
            values["completed"] = bool(values["completed"])
            _same(h, values, f"hold {key}")
            continue
        sid = session_ids.get(h["session_uuid"])
        if sid is None:
            found = conn.execute(
                "SELECT session_id FROM sessions WHERE uuid = ?", (h["session_uuid"],)
            ).fetchone()
            if found is None:  # deleted by another program since the checks
                raise LogError(f"{h['where']}: session {h['session_uuid']} is no longer in the log")
            sid = found[0]
        conn.execute(
            "INSERT INTO holds (hold_id, uuid, session_id, stretch_id, side, rep, planned_s, "
            "actual_s, completed, started_us, offset_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (h["hold_id"] if keep_ids else None, key, sid)
            + tuple(int(h[f]) if f == "completed" else h[f] for f in _HOLD_FIELDS[1:]),
        )
        (owner,) = conn.execute(
            "SELECT person_id FROM sessions WHERE session_id = ?", (sid,)
        ).fetchone()
        _totals.add(conn, owner, h["stretch_id"], h["started_us"], h["offset_s"], h["actual_s"])
        added["holds"] += 1
    return added


def _same(incoming: dict[str, Any], stored: dict[str, Any], what: str) -> None:
    for field, value in stored.items():
        if incoming[field] != value:
            raise LogError(
                f"{incoming['where']}: {what} is already in the log with a different "
                f"{field} ({value!r} there, {incoming[field]!r} here); nothing was imported"
            )
