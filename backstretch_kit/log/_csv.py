"""Export a session log to CSV files, and import such an export back.

Three files, ``people.csv``, ``sessions.csv`` and ``holds.csv``: times keep the
UTC offset they were recorded with and numbers are written exactly, so an
import gives back the same log. Records carry their stable ids (uuids), so
importing an export twice adds nothing. Every cell of an import passes the
same checks as a call to :class:`SessionLog` (``_checks``), all of them before
anything is written, and the write is one transaction.

Works over the store's methods for the package (:meth:`Store.read`,
:meth:`Store.write`, :meth:`Store.snapshot`), never over a log's insides.
Text cells are written so that a spreadsheet shows them as text, never runs
them as formulas (see ``_csv_cells``); the import's checks are in
``_csv_checks`` and its writing in ``_merge``.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from pathlib import Path
from typing import Any

from ._checks import LogError, iso
from ._csv_cells import COLUMNS, TEXT_COLUMNS, cells, shield, unshield
from ._csv_checks import checked_holds, checked_people, checked_sessions, read_file
from ._file import os_error_text, private_folder
from ._merge import merge
from ._store import Store

__all__ = ["TEXT_COLUMNS", "export_tables", "import_tables", "shield", "unshield"]


def export_tables(store: Store, folder: Path) -> dict[str, Path]:
    """Write the three files into ``folder`` (created 0o700 if missing), each 0o600."""
    if folder.exists() and not folder.is_dir():
        raise LogError(f"cannot export to {folder}: it is not a folder")
    private_folder(folder, "export folder")

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
                writer.writerow(COLUMNS[name])
                writer.writerows(cells(name, row) for row in rows)
        except OSError as exc:
            raise LogError(f"cannot write {target}: {os_error_text(exc, folder)}") from exc
        written[name] = target
    return written


def import_tables(store: Store, folder: Path) -> dict[str, int]:
    """Check every row of an export folder, then add what the log lacks, in one transaction."""
    files = {name: folder / f"{name}.csv" for name in COLUMNS}
    raw = {name: read_file(path, name) for name, path in files.items()}
    people = checked_people(files["people"], raw["people"])
    sessions = checked_sessions(store, files["sessions"], raw["sessions"], people)
    holds = checked_holds(store, files["holds"], raw["holds"], sessions)
    return store.write(lambda conn: merge(conn, people, sessions, holds))
