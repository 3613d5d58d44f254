"""Save what can still be read from a damaged session log into a new one.

``backstretch recover DAMAGED NEW`` runs :func:`recover`. SQLite's own
``.recover`` lives in the sqlite3 shell, not in Python (and the shell of
SQLite 3.40 gives up on these files), while ``Connection.iterdump()`` and
``VACUUM INTO`` stop at the first damaged page. So the file is read here
table by table, row by row in id order, and where a page cannot be read the
reading seeks past it (``_scan``): the upper pages of a table's b-tree still
know where the following rows are, so only the rows of the damaged page are
lost. The indexes, which are separate b-trees, then tell how many rows were
lost and, for holds, in which sessions.

The damaged file is only read, never written: it is copied (with its
journal) into a private folder beside NEW and the copy is opened read-only,
so the damaged file and its folder are byte for byte as they were. Every row
read passes the same checks as a row of a CSV import (``_csv_checks``), and
goes into NEW through the import's merge (``_merge``), which keeps ids and
uuids and adds every hold to the totals (the damaged file's totals are not
trusted).
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import _csv_checks, _file, _open_stores, _scan, _schema
from ._checks import EPOCH, US, LogError, iso
from ._csv_cells import COLUMNS, cell
from ._merge import merge

__all__ = ["Recovery", "recover"]

# Rows are checked in batches; a batch with a bad row is checked row by row.
_BATCH = 1_000

# The tables read, with their id and the columns kept (in the order of the
# CSV files' fields, less what is joined in); each with an index that still
# lists the ids (and more) of rows the table cannot give back.
_PEOPLE = ("person_id", ("person", "created_us"))
_SESSIONS = (
    "session_id",
    ("uuid", "person_id", "kind", "routine_name", "routine_json", "started_us")
    + ("started_offset_s", "ended_us", "ended_offset_s", "pain_before", "pain_after", "notes"),
)
_HOLDS = (
    "hold_id",
    ("uuid", "session_id", "stretch_id", "side", "rep", "planned_s", "actual_s", "completed")
    + ("started_us", "offset_s"),
)


@dataclass
class Recovery:
    """What :func:`recover` saved into the new log, and what it could not."""

    damaged: Path
    new: Path
    #: What SQLite's quick check said of the damaged file (["ok"] if it found nothing).
    problems: list[str]
    #: How many people, sessions and holds the new log holds.
    saved: dict[str, int]
    #: One plain sentence per loss.
    lost: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report, one sentence a line, as ``backstretch recover`` prints it."""
        saved = self.saved
        out = [
            f"Saved into {self.new}: {saved['people']} people, {saved['sessions']} sessions, "
            f"{saved['holds']} holds (daily and weekly totals rebuilt from those holds).",
        ]
        if self.problems == ["ok"]:
            out.append(f"SQLite's check found no damage in {self.damaged}.")
        out += [f"Lost: {sentence}" for sentence in self.lost]
        if not self.lost:
            out.append("Nothing that the file held could be found lost.")
        out.append(f"{self.damaged} was left exactly as it was.")
        return out


def recover(damaged: Path, new: Path) -> Recovery:
    """Copy every readable person, session and hold of ``damaged`` into a new log ``new``.

    Raises
    ------
    LogError
        ``damaged`` is missing, not a session log, open in this program, or
        has no readable first page; ``new`` exists already.
    """
    damaged, new = damaged.expanduser().absolute(), new.expanduser().absolute()
    if not damaged.is_file():
        raise LogError(f"cannot recover {damaged}: there is no such file")
    if new.exists():
        raise LogError(
            f"cannot recover into {new}: it exists already (recover writes a new file only)"
        )
    if _open_stores.is_open(damaged):
        raise LogError(f"cannot recover {damaged}: close the SessionLog using it first")
    _file.check_place(new)  # the folder can take it; creates it empty, owner-only
    try:
        with tempfile.TemporaryDirectory(prefix=".backstretch-recover-", dir=new.parent) as work:
            return _recover_copy(damaged, new, Path(work))
    except BaseException:
        for leftover in (new, *(new.with_name(new.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise


def _recover_copy(damaged: Path, new: Path, work: Path) -> Recovery:
    copy = work / "damaged.sqlite"
    shutil.copyfile(damaged, copy)
    if not _schema.read_header(copy).is_sqlite:
        raise LogError(
            f"cannot recover {damaged}: it is not an SQLite file (if it was a session log, "
            "its first bytes are damaged, and nothing can be saved from it here)"
        )
    journal = damaged.with_name(damaged.name + "-wal")
    if journal.exists():  # committed records may be there only
        shutil.copyfile(journal, work / "damaged.sqlite-wal")
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cell_size_check = ON")
        problems = _first_look(conn, damaged)
        reading = _Reading(conn)
        people = reading.people()
        sessions = reading.sessions(people)
        holds = reading.holds(sessions)
    finally:
        conn.close()
    store = _open_stores.open_store(new)
    try:
        store.write(lambda c: merge(c, people, sessions, holds))
    finally:
        _open_stores.release(store)
    saved = {"people": len(people), "sessions": len(sessions), "holds": len(holds)}
    return Recovery(damaged, new, problems, saved, reading.lost)


def _first_look(conn: sqlite3.Connection, damaged: Path) -> list[str]:
    """What SQLite's quick check says; LogError unless this is a log SQLite can open."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = _schema.table_names(conn)
    except sqlite3.DatabaseError as exc:
        raise LogError(
            f"cannot recover {damaged}: its first page, which says where everything is, "
            f"cannot be read ({exc}); nothing can be saved from it here"
        ) from exc
    if app_id != _schema.APP_ID or not {"people", "sessions", "holds"} <= tables:
        raise LogError(f"cannot recover {damaged}: it is not a backstretch-kit session log")
    try:
        return [" ".join(str(row[0]).split()) for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


class _Reading:
    """Reads the tables of a damaged log, past damaged pages, and notes what is lost."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.lost: list[str] = []

    # ------------------------------------------------------------------ the three tables

    def people(self) -> dict[str, int]:
        """Name -> created (microseconds), as the CSV import's checks give them."""
        rows, gaps = _scan.scan(self.conn, "people", *_PEOPLE)
        self.names: dict[int, str] = {}
        candidates = self._as_cells(
            "people", rows, lambda row: {"person": row[1], "created_at": iso(row[2], 0)}
        )
        today = (datetime.now(UTC) - EPOCH) // US
        redated: list[str] = []

        def check(rows: list[tuple[int, dict[str, str]]]) -> dict[str, int]:
            try:
                return _people_check(rows)
            except LogError:
                if len(rows) > 1:
                    raise
                # A name is worth keeping without the date it was added.
                (row_id, row), today_text = rows[0], iso(today, 0)
                checked = _people_check([(row_id, {**row, "created_at": today_text})])
                redated.extend(map(repr, checked))
                return checked

        people: dict[str, int] = {}
        for person_id, (name, created) in self._checked("people", candidates, check):
            if name not in people:
                people[name] = created
                self.names[person_id] = name
        # The index on names still lists the people whose rows are lost.
        for person_id, name in _scan.index_rows(
            self.conn, "people", "person_id, person", "sqlite_autoindex_people_1", gaps
        ):
            if person_id not in self.names and isinstance(name, str) and name not in people:
                self.names[person_id] = name
                people[name] = today
                redated.append(repr(name))
        if redated:
            self.lost.append(
                f"the date {len(redated)} people were added ({_first_few(redated)}): their "
                "names are kept, with today as that date."
            )
        return people

    def sessions(self, people: dict[str, int]) -> dict[str, dict[str, Any]]:
        """uuid -> the checked fields of each readable session whose person is known."""
        rows, gaps = _scan.scan(self.conn, "sessions", *_SESSIONS)
        self._gap_sentence("sessions", "session_id", "sessions_by_person", gaps)
        known = [row for row in rows if row[2] in self.names]
        if len(known) < len(rows):
            self.lost.append(f"{len(rows) - len(known)} sessions whose person could not be read.")

        def cells(row: tuple[Any, ...]) -> dict[str, str]:
            key = row[1] or str(uuid.uuid4())  # a version-1 log had no uuids
            values = (key, row[0], self.names[row[2]], row[3], row[4], row[5])
            values += (iso(row[6], row[7]), iso(row[8], row[9]), row[10], row[11], row[12])
            return _as_csv_row("sessions", values)

        candidates = self._as_cells("sessions", known, cells)
        self.session_uuids: dict[int, str] = {}
        sessions: dict[str, dict[str, Any]] = {}
        check = _sessions_check(people)
        for session_id, (key, record) in self._checked("sessions", candidates, check):
            if key not in sessions:
                sessions[key] = record
                self.session_uuids[session_id] = key
        return sessions

    def holds(self, sessions: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """uuid -> the checked fields of each readable hold whose session is kept."""
        rows, gaps = _scan.scan(self.conn, "holds", *_HOLDS)
        self._gap_sentence("holds", "hold_id", "holds_by_session", gaps)
        known = [row for row in rows if row[2] in self.session_uuids]
        if len(known) < len(rows):
            self.lost.append(
                f"{len(rows) - len(known)} holds whose session could not be read or kept."
            )

        def cells(row: tuple[Any, ...]) -> dict[str, str]:
            key = row[1] or str(uuid.uuid4())
            completed = {1: "true", 0: "false"}.get(row[8], str(row[8]))
            values = (key, row[0], self.session_uuids[row[2]], *row[3:8], completed)
            return _as_csv_row("holds", (*values, iso(row[9], row[10])))

        candidates = self._as_cells("holds", known, cells)
        holds: dict[str, dict[str, Any]] = {}
        for _, (key, record) in self._checked("holds", candidates, _holds_check(sessions)):
            holds.setdefault(key, record)
        return holds

    # ------------------------------------------------------------------ checking

    def _as_cells(
        self,
        table: str,
        rows: list[tuple[Any, ...]],
        cells: Callable[[tuple[Any, ...]], dict[str, str]],
    ) -> list[tuple[int, dict[str, str]]]:
        """(id, CSV-style row) for each row whose values can be written as text at all."""
        out, refused = [], []
        for row in rows:
            try:
                out.append((row[0], cells(row)))
            except (TypeError, ValueError, OverflowError) as exc:  # values of a damaged row
                refused.append((row[0], f"{type(exc).__name__}: {exc}"))
        self._note_refused(table, refused)
        return out

    def _checked(
        self,
        table: str,
        candidates: list[tuple[int, dict[str, str]]],
        check: Callable[[list[tuple[int, dict[str, str]]]], dict[str, Any]],
    ) -> list[tuple[int, tuple[str, Any]]]:
        """(id, (key, record)) for each row that passes the CSV import's checks."""
        passed, refused = [], []
        for first in range(0, len(candidates), _BATCH):
            batch = candidates[first : first + _BATCH]
            try:
                result = check(batch)
            except LogError:  # one bad row (or a repeated key): row by row
                for row_id, row in batch:
                    try:
                        passed.append((row_id, next(iter(check([(row_id, row)]).items()))))
                    except LogError as exc:
                        refused.append((row_id, str(exc)))
            else:
                ids = [row_id for row_id, _ in batch]
                passed += zip(ids, result.items(), strict=True)
        self._note_refused(table, refused)
        return passed

    def _note_refused(self, table: str, refused: list[tuple[int, str]]) -> None:
        if refused:
            self.lost.append(
                f"{len(refused)} {table} read with damaged values (ids "
                f"{_ranges([row_id for row_id, _ in refused])}), for example: {refused[0][1]}."
            )

    def _gap_sentence(self, table: str, key: str, index: str, gaps: _scan.Gaps) -> None:
        if not gaps:
            return
        extra = "session_id" if table == "holds" else "person_id"
        listed = _scan.index_rows(self.conn, table, f"{key}, {extra}", index, gaps)
        if listed:
            sentence = (
                f"{len(listed)} {table} on damaged pages (ids {_ranges([r[0] for r in listed])})"
            )
            if table == "holds":
                sentence += f", of sessions {_ranges(sorted({r[1] for r in listed}))}"
            self.lost.append(sentence + ".")
            return
        spans = ", ".join(
            f"from {low} on" if high is None else f"{low} to {high - 1}" for low, high in gaps
        )
        self.lost.append(f"the {table} on damaged pages, ids {spans} (their number is unknown).")


def _as_csv_row(table: str, cells: tuple[Any, ...]) -> dict[str, str]:
    """A row as the CSV import reads it from an export (cells as text, unshielded)."""
    return dict(zip(COLUMNS[table], map(cell, cells), strict=True))


def _people_check(rows: list[tuple[int, dict[str, str]]]) -> dict[str, int]:
    return _csv_checks.checked_people(Path("people"), rows)


def _sessions_check(people: dict[str, int]) -> Callable:
    def check(rows: list[tuple[int, dict[str, str]]]) -> dict[str, dict[str, Any]]:
        return _csv_checks.checked_sessions(_NO_STORE, Path("sessions"), rows, people)

    return check


def _holds_check(sessions: dict[str, dict[str, Any]]) -> Callable:
    def check(rows: list[tuple[int, dict[str, str]]]) -> dict[str, dict[str, Any]]:
        theirs = {row["session_uuid"] for _, row in rows}
        known = {key: sessions[key] for key in theirs if key in sessions}
        return _csv_checks.checked_holds(_NO_STORE, Path("holds"), rows, known)

    return check


class _NoStore:
    """Stands for the target log in the CSV checks: a new log, with nothing in it yet."""

    def read(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return []


_NO_STORE: Any = _NoStore()


def _first_few(names: list[str]) -> str:
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _ranges(ids: list[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"`` (at most ten spans)."""
    spans: list[list[int]] = []
    for value in sorted(set(ids)):
        if spans and value == spans[-1][1] + 1:
            spans[-1][1] = value
        else:
            spans.append([value, value])
    text = [f"{a}-{b}" if a != b else f"{a}" for a, b in spans[:10]]
    return ", ".join(text) + (", ..." if len(spans) > 10 else "")
