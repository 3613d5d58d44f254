"""The session log's SQLite schema: tables, version stamps and upgrades.

Kept apart from the store (``_store.py``) so that every change to the file
layout is in one place with its upgrade.

Layout notes
------------
* Instants are stored as integer microseconds since 1970-01-01 UTC (exact,
  sortable, cheap to filter), next to the UTC offset in seconds that the
  caller's timestamp carried, so an export can give back the very same local
  time and the "day" of a hold can always be recomputed.
* ``daily_totals`` holds one row per person, local calendar day and stretch,
  with the held time in integer microseconds (integer sums are exact, so a
  total built hold by hold equals one rebuilt in bulk, in any order). The body
  area is joined from the catalog when reading, so a catalog edit that moves
  a stretch to another area moves its minutes too, and totals never disagree
  with ``SessionLog.holds()``.
* ``weekly_totals`` holds the same sums for everyone together, one row per
  week and stretch. A log of a million holds has a quarter of a million daily
  rows but only a few thousand weekly ones, and SQLite spends about 0.15 us
  a row whatever it does with it, so the everyone-together weekly table
  (``SessionLog.weekly_minutes()``) reads these instead of the daily rows.
  Forgetting a person subtracts their daily sums from it, exactly.
* ``day`` and ``week`` count days since 1970-01-01 in the caller's local
  calendar; ``week`` is the Monday of that day's week.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

#: Marks a file as a backstretch-kit session log ("BSKL"); SQLite keeps it in the header.
APP_ID = 0x42534B4C

#: The layout this code writes. Version 1 had no uuids and no daily totals; version 2
#: had no weekly totals.
SCHEMA_VERSION = 3

SQLITE_MAGIC = b"SQLite format 3\x00"

# One day in microseconds. 1970-01-01 was a Thursday, hence the +3 in the week formula.
US_PER_DAY = 86_400_000_000
WEEK_OF_DAY_SQL = "({day} - (({day} + 3) % 7))"

_TABLES_V2 = """
CREATE TABLE people (
    person_id   INTEGER PRIMARY KEY,
    person      TEXT NOT NULL UNIQUE,
    created_us  INTEGER NOT NULL
);
CREATE TABLE sessions (
    session_id        INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    person_id         INTEGER NOT NULL REFERENCES people(person_id),
    kind              TEXT NOT NULL CHECK (kind IN ('routine', 'ad hoc')),
    routine_name      TEXT,
    routine_json      TEXT,
    started_us        INTEGER NOT NULL,
    started_offset_s  INTEGER NOT NULL,
    ended_us          INTEGER,
    ended_offset_s    INTEGER,
    pain_before       REAL CHECK (pain_before BETWEEN 0 AND 10),
    pain_after        REAL CHECK (pain_after BETWEEN 0 AND 10),
    notes             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_person ON sessions(person_id, started_us);
CREATE INDEX sessions_by_time ON sessions(started_us);
CREATE TABLE holds (
    hold_id     INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    session_id  INTEGER NOT NULL REFERENCES sessions(session_id),
    stretch_id  TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('both', 'left', 'right')),
    rep         INTEGER NOT NULL CHECK (rep >= 1),
    planned_s   REAL NOT NULL CHECK (planned_s >= 0),
    actual_s    REAL NOT NULL CHECK (actual_s >= 0),
    completed   INTEGER NOT NULL CHECK (completed IN (0, 1)),
    started_us  INTEGER NOT NULL,
    offset_s    INTEGER NOT NULL
);
CREATE INDEX holds_by_session ON holds(session_id);
CREATE INDEX holds_by_time ON holds(started_us);
"""

_TOTALS = """
CREATE TABLE daily_totals (
    person_id   INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    week        INTEGER NOT NULL,
    stretch_id  TEXT NOT NULL,
    held_us     INTEGER NOT NULL,
    PRIMARY KEY (person_id, day, stretch_id)
) WITHOUT ROWID;
CREATE INDEX daily_totals_by_week ON daily_totals(week, stretch_id, held_us);
CREATE INDEX daily_totals_by_person_week ON daily_totals(person_id, week, stretch_id, held_us);
"""

_WEEKLY = """
CREATE TABLE weekly_totals (
    week        INTEGER NOT NULL,
    stretch_id  TEXT NOT NULL,
    held_us     INTEGER NOT NULL,
    PRIMARY KEY (week, stretch_id)
) WITHOUT ROWID;
"""

TABLES = ("people", "sessions", "holds", "daily_totals", "weekly_totals")

# One hold's contribution to the totals, the same expression in SQL as in
# ``held_us()``: both add 0.5 and truncate, so they agree to the microsecond.
_HELD_US_SQL = "CAST(actual_s * 1000000.0 + 0.5 AS INTEGER)"
_DAY_SQL = f"((h.started_us + h.offset_s * 1000000) / {US_PER_DAY})"


def held_us(actual_s: float) -> int:
    """Microseconds one hold adds to its daily total (matches the SQL rebuild)."""
    return int(actual_s * 1_000_000.0 + 0.5)


def week_of(day: int) -> int:
    """The Monday (days since 1970-01-01) of the week holding ``day``."""
    return day - (day + 3) % 7


@dataclass(frozen=True)
class Header:
    """What the first 100 bytes of an SQLite file say, read without SQLite."""

    is_sqlite: bool
    app_id: int
    user_version: int
    schema_cookie: int


def read_header(path: Path) -> Header:
    """Read an existing file's SQLite header as plain bytes.

    Reading the bytes (rather than opening the file with SQLite) guarantees a
    foreign or newer file is left exactly as it was, side files included.
    """
    with open(path, "rb") as handle:
        head = handle.read(100)
    if not head.strip(b"\x00"):
        # Zeros only: another process is creating this log right now (SQLite
        # may extend the file before page 1 is written); SQLite's own checks,
        # made under its locks, decide what the file is.
        return Header(True, 0, 0, 0)
    if not head.startswith(SQLITE_MAGIC[: len(head)]) or len(head) < len(SQLITE_MAGIC):
        return Header(False, 0, 0, 0)
    if len(head) < 100:  # being created right now by another process
        return Header(True, 0, 0, 0)
    return Header(
        True,
        app_id=int.from_bytes(head[68:72], "big", signed=True),
        user_version=int.from_bytes(head[60:64], "big", signed=True),
        schema_cookie=int.from_bytes(head[40:44], "big"),
    )


def table_names(conn: sqlite3.Connection) -> set[str]:
    """Names of the tables in the open database."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def create(conn: sqlite3.Connection) -> None:
    """Create the current layout in an empty database (inside the caller's transaction)."""
    _run_script(conn, _TABLES_V2 + _TOTALS + _WEEKLY)
    conn.execute(f"PRAGMA application_id = {APP_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Bring a file from ``version`` to ``SCHEMA_VERSION`` (inside the caller's transaction)."""
    if version <= 1:
        _upgrade_1_to_2(conn)
    if version <= 2:
        _run_script(conn, _WEEKLY)
    if version <= 1:
        rebuild_totals(conn)
    else:  # version 2's daily totals are sound: the weekly ones are summed from them
        _rebuild_weekly(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it would commit the caller's open transaction first.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _upgrade_1_to_2(conn: sqlite3.Connection) -> None:
    # Version 1 had no stable keys (so exports could not be re-imported
    # idempotently) and summarised by scanning every hold.
    for table, key in (("sessions", "session_id"), ("holds", "hold_id")):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN uuid TEXT")
        ids = [row[0] for row in conn.execute(f"SELECT {key} FROM {table}")]
        conn.executemany(
            f"UPDATE {table} SET uuid = ? WHERE {key} = ?",
            [(str(uuid.uuid4()), row_id) for row_id in ids],
        )
        conn.execute(f"CREATE UNIQUE INDEX {table}_uuid ON {table}(uuid)")
    _run_script(conn, _TOTALS)  # filled by upgrade() once every table is there


def rebuild_totals(conn: sqlite3.Connection) -> None:
    """Recompute ``daily_totals`` and ``weekly_totals`` from every stored hold.

    Runs inside the caller's transaction. Gives exactly what hold-by-hold
    updates give, since both sum the same integer microseconds per person,
    local day and stretch.
    """
    conn.execute("DELETE FROM daily_totals")
    conn.execute(
        f"""
        INSERT INTO daily_totals (person_id, day, week, stretch_id, held_us)
        SELECT s.person_id, {_DAY_SQL} AS day, {WEEK_OF_DAY_SQL.format(day=_DAY_SQL)},
               h.stretch_id, SUM({_HELD_US_SQL})
        FROM holds AS h JOIN sessions AS s USING (session_id)
        GROUP BY s.person_id, day, h.stretch_id
        """
    )
    _rebuild_weekly(conn)


def _rebuild_weekly(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM weekly_totals")
    conn.execute(
        "INSERT INTO weekly_totals (week, stretch_id, held_us) "
        "SELECT week, stretch_id, SUM(held_us) FROM daily_totals GROUP BY week, stretch_id"
    )
