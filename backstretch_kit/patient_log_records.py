"""A patient's exported log as a file holds it: the layout, and reading it back as records.

:func:`~backstretch_kit.patient_log.export_patient_log` writes one person's
sessions and holds as a flat CSV (one row per hold, its session's fields on
every row) or as JSON (sessions, each with its holds); the fields are the
log's own CSV export's (``SessionLog.export_csv``), less the local row ids.
:func:`flat_records` and :func:`json_records` read either back into the
same records, each naming where in the user's file it was, and refuse a file
of another shape with a :class:`~backstretch_kit.program.ProgramError`
naming the file, row and field. What the cells say is checked later, by the
log's own import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .program_rules import ProgramError
from .user_files import parse_json

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "FLAT_COLUMNS",
    "HOLD_FIELDS",
    "SESSION_FIELDS",
    "Record",
    "csv_cell",
    "flat_records",
    "json_cell",
    "json_records",
]

EXPORT_FORMAT = "backstretch-patient-log"
EXPORT_VERSION = 1
#: A session's fields, as the log's sessions.csv names them (less its local row id).
SESSION_FIELDS = ("session_uuid", "person", "kind", "routine_name", "routine_json",
                  "started_at", "ended_at", "pain_before", "pain_after", "notes")  # fmt: skip
#: A hold's fields, as the log's holds.csv names them (less its row id and session).
HOLD_FIELDS = ("hold_uuid", "stretch_id", "side", "rep", "planned_s", "actual_s",
               "completed", "started_at")  # fmt: skip
#: The flat CSV's header: the session's fields, then the hold's (times renamed apart).
FLAT_COLUMNS = (*(f"session_{f}" if f in ("started_at", "ended_at") else f for f in SESSION_FIELDS),
                *(f"hold_{f}" if f == "started_at" else f for f in HOLD_FIELDS))  # fmt: skip
_FLAT_SESSION = dict(zip(FLAT_COLUMNS[: len(SESSION_FIELDS)], SESSION_FIELDS, strict=True))
_FLAT_HOLD = dict(zip(FLAT_COLUMNS[len(SESSION_FIELDS) :], HOLD_FIELDS, strict=True))

_NUMBERS = ("pain_before", "pain_after", "planned_s", "actual_s")


def json_cell(cell: str, field: str) -> Any:
    """A cell of the log's CSV export as its JSON value: numbers as numbers, none as null."""
    if field == "notes":
        return cell
    if cell == "":
        return None
    if field == "completed":
        return cell == "true"
    if field == "rep":
        return int(cell)
    return float(cell) if field in _NUMBERS else cell


def csv_cell(value: Any, where: str, field: str) -> str:
    """A JSON value as the cell the log's CSV import reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if field != "completed":
            raise ProgramError(f"{where}: must not be true or false, got {value!r}", field=field)
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if field != "rep" else str(value)
    if isinstance(value, str):
        return value
    raise ProgramError(f"{where}: must be text or a number, got {value!r}", field=field)


#: One hold (or a session with none): where in the file, the session's cells, the hold's (or None).
Record = tuple[str, dict[str, str], dict[str, str] | None]


def flat_records(text: str, path: Path) -> list[Record]:
    """The records of a flat CSV export, after checking its header."""
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        if sorted(header) != sorted(FLAT_COLUMNS):
            missing = [c for c in FLAT_COLUMNS if c not in header]
            extra = [c for c in header if c not in FLAT_COLUMNS]
            raise ProgramError(
                f"is not a patient's log export: expected the columns {', '.join(FLAT_COLUMNS)}"
                + (f"; missing {', '.join(missing)}" if missing else "")
                + (f"; unexpected {', '.join(map(str, extra))}" if extra else ""),
                path=path,
            )
        records = []
        for row in reader:
            where = f"row {reader.line_num}"
            if None in row or any(value is None for value in row.values()):
                raise ProgramError(f"{where}: wrong number of fields", path=path)
            session = {field: row[column] for column, field in _FLAT_SESSION.items()}
            hold = {field: row[column] for column, field in _FLAT_HOLD.items()}
            records.append((where, session, hold if any(hold.values()) else None))
        return records
    except csv.Error as exc:
        raise ProgramError(f"is not a readable CSV file ({exc})", path=path) from None


def _fields(raw: Any, known: tuple[str, ...], where: str, path: Path) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ProgramError(f"{where}: must be a JSON object, got {raw!r}", path=path)
    unknown = [key for key in raw if key not in known]
    missing = [key for key in known if key not in raw]
    if unknown or missing:
        raise ProgramError(
            f"{where}: "
            + (f"unknown field {', '.join(map(repr, unknown))}" if unknown else "")
            + ("; " if unknown and missing else "")
            + (f"missing {', '.join(missing)}" if missing else ""),
            path=path,
            field=(unknown or missing)[0],
        )
    try:
        return {field: csv_cell(raw[field], where, field) for field in known}
    except ProgramError as error:
        raise error.located(path=path) from None


def json_records(text: str, path: Path) -> list[Record]:
    """The records of a JSON export, after checking its format, version and fields."""
    data = parse_json(text, lambda message: ProgramError(message, path=path))
    document = _fields_top(data, path)
    records = []
    for number, raw in enumerate(document["sessions"], start=1):
        where = f"session {number}"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("holds"), list):
            raise ProgramError(f"{where}: must be an object with a list of holds", path=path)
        session = _fields(
            {k: v for k, v in raw.items() if k != "holds"}, SESSION_FIELDS, where, path
        )
        if session["person"] != document["person"]:
            raise ProgramError(
                f"{where}: is {session['person']!r}'s, in the export of {document['person']!r}",
                path=path,
                field="person",
            )
        holds = raw["holds"]
        if not holds:
            records.append((where, session, None))
        for index, hold in enumerate(holds, start=1):
            spot = f"{where}, hold {index}"
            records.append((spot, session, _fields(hold, HOLD_FIELDS, spot, path)))
    return records


def _fields_top(data: Any, path: Path) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ProgramError("is not a patient's log export (not a JSON object)", path=path)
    unknown = [key for key in data if key not in ("format", "version", "person", "sessions")]
    if unknown:
        raise ProgramError(
            f"unknown field {unknown[0]!r}; refused rather than dropped",
            path=path,
            field=str(unknown[0]),
        )
    if data.get("format") != EXPORT_FORMAT:
        raise ProgramError(
            f"is not a patient's log export (format {data.get('format')!r})",
            path=path,
            field="format",
        )
    if data.get("version") != EXPORT_VERSION or isinstance(data.get("version"), bool):
        raise ProgramError(
            f"version {data.get('version')!r} is not one this backstretch-kit reads",
            path=path,
            field="version",
        )
    if not isinstance(data.get("sessions"), list):
        raise ProgramError("must be a list of sessions", path=path, field="sessions")
    return data
