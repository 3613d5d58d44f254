"""Export a session log to CSV files, and import such an export back.

Three files, ``people.csv``, ``sessions.csv`` and ``holds.csv``: times keep the
UTC offset they were recorded with and numbers are written exactly, so an
import gives back the same log. Records carry their stable ids (uuids), so
importing an export twice adds nothing. Every cell of an import passes the
same checks as a call to :class:`SessionLog` (``_checks``), all of them before
anything is written, and the write is one transaction.

Works over the store's methods for the package (:meth:`Store.read`,
:meth:`Store.write`, :meth:`Store.snapshot`), never over a log's insides.

Spreadsheet formulas
--------------------
A spreadsheet opening an export runs a cell that begins with ``=``, ``+``,
``-`` or ``@`` as a formula, and a leading tab or carriage return can lead to
the same, so a name or a note could run code or send data away. The text
columns (:data:`TEXT_COLUMNS`: names, routine names and snapshots, notes,
stretch ids) are written so that such a cell is text: with a single quote in
front (``=1+2`` is written ``'=1+2``). So that the import can undo exactly
that and nothing else, a text that itself begins with a quote gets one too
(``'tis`` is written ``''tis``). The import takes one leading quote off a
text cell when what follows begins with one of those characters or with a
quote, which are exactly the cells the export prefixed, and reads any other
cell as it stands: every text comes back as it was. Numbers and times are
never prefixed (a negative number stays a number), and neither are the
fixed words of ``kind``, ``side`` and ``completed``.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import _checks, _totals
from ._checks import MAX_ACTIVITY_S, MAX_HOLD_S, MAX_REP, LogError, iso
from ._file import os_error_text
from ._store import Store, person_id

__all__ = ["TEXT_COLUMNS", "export_tables", "import_tables", "shield", "unshield"]

# The header of each file, in the order written (an import accepts any order).
# fmt: off
_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person", "created_at"),
    "sessions": ("session_uuid", "session_id", "person", "kind", "routine_name", "routine_json",
                 "started_at", "ended_at", "pain_before", "pain_after", "notes"),
    "holds": ("hold_uuid", "hold_id", "session_uuid", "stretch_id", "side", "rep", "planned_s",
              "actual_s", "completed", "started_at"),
}
# The stored fields of a session and of a hold, in the order an import compares them.
_SESSION_FIELDS = ("person", "kind", "routine_name", "routine_json", "started_us",
                   "started_offset_s", "ended_us", "ended_offset_s", "pain_before", "pain_after",
                   "notes")
_HOLD_FIELDS = ("session_uuid", "stretch_id", "side", "rep", "planned_s", "actual_s", "completed",
                "started_us", "offset_s")
# fmt: on

#: The columns of free text, where a cell could start a spreadsheet formula.
TEXT_COLUMNS: dict[str, frozenset[str]] = {
    "people": frozenset({"person"}),
    "sessions": frozenset({"person", "routine_name", "routine_json", "notes"}),
    "holds": frozenset({"stretch_id"}),
}
# What a spreadsheet takes for the start of a formula, and the quote that
# makes a cell text (see the module's notes).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_SHIELDED_STARTS = (*_FORMULA_STARTS, _QUOTE)


def shield(text: str) -> str:
    """A text cell as written: a quote in front when it could start a formula or begins with one."""
    return _QUOTE + text if text.startswith(_SHIELDED_STARTS) else text


def unshield(cell: str) -> str:
    """Undo :func:`shield` exactly: ``unshield(shield(t)) == t`` for every text ``t``."""
    if cell.startswith(_QUOTE) and cell[1:].startswith(_SHIELDED_STARTS):
        return cell[1:]
    return cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    return str(value)


def _cells(table: str, row: tuple[Any, ...]) -> list[str]:
    """One row of a file as written: text columns shielded, everything else as it is."""
    text = TEXT_COLUMNS[table]
    return [
        shield(_cell(value)) if column in text else _cell(value)
        for column, value in zip(_CSV_COLUMNS[table], row, strict=True)
    ]


def export_tables(store: Store, folder: Path) -> dict[str, Path]:
    """Write the three files into ``folder`` (created 0o700 if missing), each 0o600."""
    if not folder.exists():
        try:
            folder.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise LogError(
                f"cannot create export folder {folder}: {os_error_text(exc, folder.parent)}"
            ) from exc
    elif not folder.is_dir():
        raise LogError(f"cannot export to {folder}: it is not a folder")

    # One read transaction: the three files agree.
    def read(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
        people = [
            (name, iso(created, 0))
            for name, created in conn.execute(
                "SELECT person, created_us FROM people ORDER BY person_id"
            )
        ]
        sessions = [
            (row[0], row[1], row[2], row[3], row[4], row[5])
            + (iso(row[6], row[7]), iso(row[8], row[9]), row[10], row[11], row[12])
            for row in conn.execute(
                "SELECT s.uuid, s.session_id, p.person, s.kind, s.routine_name, "
                "s.routine_json, s.started_us, s.started_offset_s, s.ended_us, "
                "s.ended_offset_s, s.pain_before, s.pain_after, s.notes "
                "FROM sessions s JOIN people p USING (person_id) ORDER BY s.session_id"
            )
        ]
        holds = [
            (*row[:8], "true" if row[8] else "false", iso(row[9], row[10]))
            for row in conn.execute(
                "SELECT h.uuid, h.hold_id, s.uuid, h.stretch_id, h.side, h.rep, "
                "h.planned_s, h.actual_s, h.completed, h.started_us, h.offset_s "
                "FROM holds h JOIN sessions s USING (session_id) ORDER BY h.hold_id"
            )
        ]
        return {"people": people, "sessions": sessions, "holds": holds}

    tables = store.snapshot(read)
    written = {}
    for name, rows in tables.items():
        target = folder / f"{name}.csv"
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(handle, 0o600)
            with open(handle, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(_CSV_COLUMNS[name])
                writer.writerows(_cells(name, row) for row in rows)
        except OSError as exc:
            raise LogError(f"cannot write {target}: {os_error_text(exc, folder)}") from exc
        written[name] = target
    return written


def _read_csv(path: Path, table: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of one export file, after checking its header.

    Text cells come back unshielded: as the log had them.
    """
    columns, text = _CSV_COLUMNS[table], TEXT_COLUMNS[table]
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            extra = [c for c in header if c not in columns]
            if missing or extra:
                raise LogError(
                    f"{path}: expected the columns {', '.join(columns)}; "
                    + (f"missing {', '.join(missing)}" if missing else "")
                    + ("; " if missing and extra else "")
                    + (f"unexpected {', '.join(extra)}" if extra else "")
                )
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise LogError(f"{path}, line {reader.line_num}: wrong number of fields")
                for column in text:
                    row[column] = unshield(row[column])
                rows.append((reader.line_num, row))
            return rows
    except FileNotFoundError:
        raise LogError(f"cannot import: {path} is missing") from None
    except UnicodeDecodeError as exc:
        raise LogError(f"{path}: not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise LogError(f"{path}: not a readable CSV file ({exc})") from None


class _Row:
    """Reads typed fields out of one CSV row, naming file, line and field on failure."""

    def __init__(self, path: Path, line: int, row: dict[str, str]):
        self.where, self.row = f"{path.name}, line {line}", row

    def fail(self, field: str, message: str) -> LogError:
        return LogError(f"{self.where}, field {field}: {message}")

    def get(self, field: str, parse: Callable[[str], Any], *, optional: bool = False) -> Any:
        raw = self.row[field]
        if raw == "":
            if optional:
                return None
            raise self.fail(field, "is empty")
        try:
            return parse(raw)
        except LogError as exc:
            raise self.fail(field, f"{exc} (value {raw!r})") from None
        except ValueError:
            raise self.fail(field, f"cannot read {raw!r}") from None


def _parse_uuid(raw: str) -> str:
    if str(uuid.UUID(raw)) != raw:
        raise LogError("not a uuid in its usual lower-case form")
    return raw


def _parse_float(field: str, low: float, high: float, above_low: bool = False) -> Callable:
    return lambda raw: _checks.number(float(raw), field, low, high, above_low=above_low)


def _parse_instant(field: str) -> Callable[[str], tuple[int, int]]:
    return lambda raw: _checks.instant(raw, field)


def _parse_bool(raw: str) -> bool:
    if raw not in ("true", "false"):
        raise LogError("must be true or false")
    return raw == "true"


def _parse_json(raw: str) -> str:
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LogError(f"not valid JSON ({exc})") from None
    return raw


def import_tables(store: Store, folder: Path) -> dict[str, int]:
    """Check every row of an export folder, then add what the log lacks, in one transaction."""
    files = {name: folder / f"{name}.csv" for name in _CSV_COLUMNS}
    raw = {name: _read_csv(path, name) for name, path in files.items()}
    people = _checked_people(files["people"], raw["people"])
    sessions = _checked_sessions(store, files["sessions"], raw["sessions"], people)
    holds = _checked_holds(store, files["holds"], raw["holds"], sessions)
    return store.write(lambda conn: _merge(conn, people, sessions, holds))


def _checked_people(path: Path, rows: list[tuple[int, dict[str, str]]]) -> dict[str, int]:
    """Name -> created (microseconds) for each row of people.csv."""
    people: dict[str, int] = {}
    for line, row in rows:
        r = _Row(path, line, row)
        name = r.get("person", _checks.person_name)
        if name in people:
            raise r.fail("person", f"{name!r} appears twice")
        people[name] = r.get("created_at", _parse_instant("created_at"))[0]
    return people


def _checked_sessions(
    store: Store, path: Path, rows: list[tuple[int, dict[str, str]]], people: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """uuid -> the stored fields of each row of sessions.csv (and where it was)."""
    sessions: dict[str, dict[str, Any]] = {}
    seen_ids: set[int | None] = set()
    for line, row in rows:
        r = _Row(path, line, row)
        key, session_id = _keys(r, "session", sessions, seen_ids)
        record: dict[str, Any] = {"where": r.where, "session_id": session_id}
        person = record["person"] = r.get("person", _checks.person_name)
        if person not in people and not store.read(
            "SELECT 1 FROM people WHERE person = ?", (person,)
        ):
            raise r.fail("person", f"{record['person']!r} is not in people.csv nor in the log")
        record["kind"] = r.get("kind", str)
        if record["kind"] not in ("routine", "ad hoc"):
            raise r.fail("kind", f"must be 'routine' or 'ad hoc', not {record['kind']!r}")
        record["routine_name"] = r.get(
            "routine_name", lambda v: _checks.person_name(v, "routine name"), optional=True
        )
        record["routine_json"] = r.get("routine_json", _parse_json, optional=True)
        start = r.get("started_at", _parse_instant("started_at"))
        end = r.get("ended_at", _parse_instant("ended_at"), optional=True)
        record["started_us"], record["started_offset_s"] = start
        record["ended_us"], record["ended_offset_s"] = end or (None, None)
        if end is not None and end[0] < start[0]:
            raise r.fail("ended_at", "is before started_at")
        record["pain_before"] = r.get(
            "pain_before", _parse_float("pain_before", 0, 10), optional=True
        )
        record["pain_after"] = r.get("pain_after", _parse_float("pain_after", 0, 10), optional=True)
        record["notes"] = r.get("notes", lambda v: _checks.text(v, "notes"), optional=True) or ""
        sessions[key] = record
    return sessions


def _checked_holds(
    store: Store,
    path: Path,
    rows: list[tuple[int, dict[str, str]]],
    sessions: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """uuid -> the stored fields of each row of holds.csv, its session in the file or the log."""
    known = _stored_sessions(store, {row["session_uuid"] for _, row in rows} - set(sessions))
    holds: dict[str, dict[str, Any]] = {}
    seen_ids: set[int | None] = set()
    for line, row in rows:
        r = _Row(path, line, row)
        key, hold_id = _keys(r, "hold", holds, seen_ids)
        record: dict[str, Any] = {"where": r.where, "hold_id": hold_id}
        session_key = r.get("session_uuid", _parse_uuid)
        session = sessions.get(session_key) or known.get(session_key)
        if session is None:
            raise r.fail("session_uuid", f"{session_key} is not in sessions.csv nor in the log")
        record["session_uuid"] = session_key
        record["stretch_id"] = r.get("stretch_id", _checks.stretch_id)
        record["side"] = r.get("side", _checks.side)
        record["rep"] = r.get("rep", lambda v: _checks.integer(int(v), "rep", 1, MAX_REP))
        # An ad-hoc entry is one long "hold" (up to 4 hours), as log_activity takes it.
        longest = MAX_ACTIVITY_S if session["kind"] == "ad hoc" else MAX_HOLD_S
        record["planned_s"] = r.get("planned_s", _parse_float("planned_s", 0, longest, True))
        record["actual_s"] = r.get("actual_s", _parse_float("actual_s", 0, longest))
        record["completed"] = r.get("completed", _parse_bool)
        record["started_us"], record["offset_s"] = r.get("started_at", _parse_instant("started_at"))
        if record["started_us"] < session["started_us"]:
            raise r.fail("started_at", "is before its session started")
        if session["ended_us"] is not None and record["started_us"] > session["ended_us"]:
            raise r.fail("started_at", "is after its session ended")
        holds[key] = record
    return holds


def _keys(
    r: _Row, table: str, records: dict[str, Any], seen_ids: set[int | None]
) -> tuple[str, int | None]:
    """A row's uuid and (optional) id, each refused when it appeared before in the file."""
    key = r.get(f"{table}_uuid", _parse_uuid)
    if key in records:
        raise r.fail(f"{table}_uuid", f"{key} appears twice")
    field = f"{table}_id"
    row_id = r.get(field, lambda v: _checks.row_id(int(v), field), optional=True)
    if row_id is not None and row_id in seen_ids:
        raise r.fail(field, f"{row_id} appears twice")
    seen_ids.add(row_id)
    return key, row_id


def _stored_sessions(store: Store, keys: set[str]) -> dict[str, dict[str, Any]]:
    found = {}
    for key in keys:
        rows = store.read("SELECT kind, started_us, ended_us FROM sessions WHERE uuid = ?", (key,))
        if rows:
            found[key] = {"kind": rows[0][0], "started_us": rows[0][1], "ended_us": rows[0][2]}
    return found


def _merge(
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
