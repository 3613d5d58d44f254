"""A patient's log, exported as one file and imported into the physiotherapist's log.

At home the patient's :class:`~backstretch_kit.log.SessionLog` holds their sessions;
:func:`export_patient_log` writes one person's sessions and holds as **one flat CSV**
(one row per hold, its session's fields on every row; a session with no hold gets
one row with the hold fields empty) or as **JSON** (``.json``: sessions, each with
its holds). :func:`import_patient_log` adds such a file to another log under the
name the physiotherapist uses for that patient.

Both sides stand on the log's own CSV export and import: records carry the log's
stable ids (uuids), the import is :meth:`SessionLog.import_csv`, so importing the
same export twice adds nothing the second time, every cell passes the log's own
checks, and a bad file leaves the log exactly as it was (one transaction). The
file's layout, and reading it back as records, are in ``patient_log_records``. Errors
are :class:`~backstretch_kit.program.ProgramError` naming the user's file, its row
and field, never the temporary files in between.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .log import LogError
from .patient_log_records import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    FLAT_COLUMNS,
    HOLD_FIELDS,
    SESSION_FIELDS,
    Record,
    flat_records,
    json_cell,
    json_records,
)
from .program_rules import ProgramError
from .user_files import read_text
from .vocab import MAX_NAME_CHARS

if TYPE_CHECKING:  # pragma: no cover
    from .log import SessionLog

__all__ = [
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "FLAT_COLUMNS",
    "export_patient_log",
    "import_patient_log",
]

_SUFFIXES = (".csv", ".json")
# where the log's import names a line of one of its files
_LOG_LINE = re.compile(r"\b(people|sessions|holds)\.csv, line (\d+)")


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ProgramError(
            f"a patient's log is a .csv or .json file, not {path.suffix or '(none)'!r}",
            path=path,
            field="suffix",
        )
    return suffix


def _private_write(path: Path, text: str) -> None:
    """Write health data owner-only (0o600), as the log writes its own exports."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(handle, 0o600)
    with open(handle, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)


def _read_export(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def export_patient_log(log: SessionLog, person: str, path: str | os.PathLike[str]) -> Path:
    """Write one person's sessions and holds as one file (``.csv`` flat, or ``.json``).

    Times keep the offset they were recorded with and numbers are exact (the log's
    own export does the writing). The file is owner-only (0o600): it is health data.

    Raises
    ------
    ProgramError
        For a suffix other than .csv or .json, or a person the log does not have.
    """
    target = Path(path)
    suffix = _suffix(target)
    if person not in log.people():
        raise ProgramError(f"{person!r} is not in the log {log.where}", field="person")
    with tempfile.TemporaryDirectory() as tmp:
        log.export_csv(Path(tmp) / "export")
        sessions = _read_export(Path(tmp) / "export", "sessions")
        holds = _read_export(Path(tmp) / "export", "holds")
    mine = [row for row in sessions if row["person"] == person]
    by_session: dict[str, list[dict[str, str]]] = {row["session_uuid"]: [] for row in mine}
    for hold in holds:
        if hold["session_uuid"] in by_session:
            by_session[hold["session_uuid"]].append(hold)
    if suffix == ".json":
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "person": person,
            "sessions": [
                {
                    **{f: json_cell(s[f], f) for f in SESSION_FIELDS},
                    "holds": [
                        {f: json_cell(h[f], f) for f in HOLD_FIELDS}
                        for h in by_session[s["session_uuid"]]
                    ],
                }  # fmt: skip
                for s in mine
            ],
        }
        _private_write(target, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
        return target
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FLAT_COLUMNS)
    for session in mine:
        cells = [session[f] for f in SESSION_FIELDS]
        for hold in by_session[session["session_uuid"]] or [dict.fromkeys(HOLD_FIELDS, "")]:
            writer.writerow(cells + [hold[f] for f in HOLD_FIELDS])
    _private_write(target, out.getvalue())
    return target


# -- importing ---------------------------------------------------------------------------
def _grouped(records: list[Record], path: Path) -> tuple[dict, dict]:
    """Sessions and holds by uuid, with where each was; one person, no contradictions."""
    sessions: dict[str, tuple[str, dict[str, str]]] = {}
    holds: dict[str, tuple[str, dict[str, str]]] = {}
    people = set()
    for where, session, hold in records:
        key = session["session_uuid"]
        if not key:
            raise ProgramError(
                f"{where}: a session needs its session_uuid", path=path, field="session_uuid"
            )
        people.add(session["person"])
        if key in sessions and sessions[key][1] != session:
            first, seen = sessions[key]
            field = next(f for f in SESSION_FIELDS if seen[f] != session[f])
            raise ProgramError(
                f"{where}: session {key} has a different {field} than on {first} "
                f"({session[field]!r} here, {seen[field]!r} there)",
                path=path,
                field=field,
            )
        sessions.setdefault(key, (where, session))
        if hold is None:
            continue
        if not hold["hold_uuid"]:
            raise ProgramError(f"{where}: a hold needs its hold_uuid", path=path, field="hold_uuid")
        if hold["hold_uuid"] in holds:
            raise ProgramError(
                f"{where}: hold {hold['hold_uuid']} appears twice "
                f"(also on {holds[hold['hold_uuid']][0]})",
                path=path,
                field="hold_uuid",
            )
        holds[hold["hold_uuid"]] = (where, {**hold, "session_uuid": key})
    if len(people) > 1:
        raise ProgramError(
            f"holds the sessions of {len(people)} people ({', '.join(sorted(map(repr, people)))}); "
            "a patient's export is one person's",
            path=path,
            field="person",
        )
    return sessions, holds


def _write_tables(
    folder: Path, as_person: str, sessions: dict, holds: dict
) -> dict[str, dict[int, str]]:
    """Write the log's three export files; return file -> line -> where in the user's file."""
    starts = [fields["started_at"] for _, fields in sessions.values() if fields["started_at"]]
    # the person's first session, or now for an export with none yet
    created = min(starts) if starts else dt.datetime.now().astimezone().isoformat()
    tables = {
        "people": (("person", "created_at"), [("", {"person": as_person, "created_at": created})]),
        "sessions": (
            ("session_uuid", "session_id", *SESSION_FIELDS[1:]),
            [
                (where, {**fields, "session_id": "", "person": as_person})
                for where, fields in sessions.values()
            ],
        ),
        "holds": (
            ("hold_uuid", "hold_id", "session_uuid", *HOLD_FIELDS[1:]),
            [(where, {**fields, "hold_id": ""}) for where, fields in holds.values()],
        ),
    }
    lines: dict[str, dict[int, str]] = {}
    for name, (columns, rows) in tables.items():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        lines[name] = {}
        for line, (where, fields) in enumerate(rows, start=2):
            writer.writerow([fields[c] for c in columns])
            lines[name][line] = where
        _private_write(folder / f"{name}.csv", out.getvalue())
    return lines


def import_patient_log(
    log: SessionLog, path: str | os.PathLike[str], as_person: str
) -> dict[str, int]:
    """Add a patient's exported log to ``log``, under the name ``as_person``.

    Parameters
    ----------
    log : SessionLog
        The physiotherapist's log.
    path : path-like
        A file written by :func:`export_patient_log` (``.csv`` or ``.json``).
    as_person : str
        The patient's name in ``log`` (it may differ from the one on the patient's
        device). A session already imported under another name is refused.

    Returns
    -------
    dict
        How many ``people``, ``sessions`` and ``holds`` were added; all zero when the
        same export (or an older one) was imported before.

    Raises
    ------
    ProgramError
        Naming the file, the row (CSV) or session and hold (JSON), the field and the
        value, for anything malformed; nothing is imported then.
    """
    source = Path(path)
    suffix = _suffix(source)
    if not isinstance(as_person, str) or not as_person.strip() or len(as_person) > MAX_NAME_CHARS:
        raise ProgramError(
            f"must be the patient's name in your log, got {as_person!r}", field="as_person"
        )
    text = read_text(
        source, lambda message: ProgramError(message, path=source), what="a patient's log"
    )
    records = json_records(text, source) if suffix == ".json" else flat_records(text, source)
    sessions, holds = _grouped(records, source)
    with tempfile.TemporaryDirectory() as tmp:
        lines = _write_tables(Path(tmp), as_person.strip(), sessions, holds)
        try:
            return log.import_csv(tmp)
        except LogError as error:
            # say it in the user's file's words: its rows, not the temporary files'
            def place(match: re.Match[str]) -> str:
                where = lines[match.group(1)].get(int(match.group(2)))
                return where or f"the patient's name {as_person!r}"

            message = _LOG_LINE.sub(place, str(error)).replace(str(tmp), "")
            raise ProgramError(message, path=source) from None
