"""The checks of a CSV import: every file, row and field, before anything is written.

Each cell passes the same check as the argument of a :class:`SessionLog`
call (``_checks``); a failure is a :class:`LogError` naming the file, line
and field. The checks also look into the target log (a person or session
named in a file but stored in the log) through the store's :meth:`read`.
:func:`backstretch_kit.log.recover` runs the same checks on the rows of a
damaged log.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import _checks
from ._checks import MAX_ACTIVITY_S, MAX_HOLD_S, MAX_REP, LogError
from ._csv_cells import COLUMNS, TEXT_COLUMNS, unshield

__all__ = ["checked_holds", "checked_people", "checked_sessions", "read_file"]

#: One file's rows: (line number, the row by column).
Rows = list[tuple[int, dict[str, str]]]


def read_file(path: Path, table: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of one export file, after checking its header.

    Text cells come back unshielded: as the log had them.
    """
    columns, text = COLUMNS[table], TEXT_COLUMNS[table]
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


def checked_people(path: Path, rows: Rows) -> dict[str, int]:
    """Name -> created (microseconds) for each row of people.csv."""
    people: dict[str, int] = {}
    for line, row in rows:
        r = _Row(path, line, row)
        name = r.get("person", _checks.person_name)
        if name in people:
            raise r.fail("person", f"{name!r} appears twice")
        people[name] = r.get("created_at", _parse_instant("created_at"))[0]
    return people


def checked_sessions(
    store: Any, path: Path, rows: Rows, people: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """uuid -> the stored fields of each row of sessions.csv (and where it was)."""
    sessions: dict[str, dict[str, Any]] = {}
    for r, key, record in _records(path, rows, "session", sessions):
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


def checked_holds(
    store: Any,
    path: Path,
    rows: Rows,
    sessions: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """uuid -> the stored fields of each row of holds.csv, its session in the file or the log."""
    known = _stored_sessions(store, {row["session_uuid"] for _, row in rows} - set(sessions))
    holds: dict[str, dict[str, Any]] = {}
    for r, key, record in _records(path, rows, "hold", holds):
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


def _records(
    path: Path, rows: Rows, table: str, records: dict[str, Any]
) -> Iterator[tuple[_Row, str, dict[str, Any]]]:
    """Each row of a sessions or holds file, its uuid, and its new record (where, optional id).

    A uuid already in ``records`` (the caller adds each record before the
    next row) or an id that appeared before in the file is refused.
    """
    seen_ids: set[int | None] = set()
    field = f"{table}_id"
    for line, row in rows:
        r = _Row(path, line, row)
        key = r.get(f"{table}_uuid", _parse_uuid)
        if key in records:
            raise r.fail(f"{table}_uuid", f"{key} appears twice")
        row_id = r.get(field, lambda v: _checks.row_id(int(v), field), optional=True)
        if row_id is not None and row_id in seen_ids:
            raise r.fail(field, f"{row_id} appears twice")
        seen_ids.add(row_id)
        yield r, key, {"where": r.where, field: row_id}


def _stored_sessions(store: Any, keys: set[str]) -> dict[str, dict[str, Any]]:
    found = {}
    for key in keys:
        rows = store.read("SELECT kind, started_us, ended_us FROM sessions WHERE uuid = ?", (key,))
        if rows:
            found[key] = {"kind": rows[0][0], "started_us": rows[0][1], "ended_us": rows[0][2]}
    return found
