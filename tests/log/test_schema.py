"""The file layout's versions: older logs open and are upgraded in place."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pandas as pd

from backstretch_kit.log import SessionLog, _schema

from .records import T0, dump, fill

_V1_SCHEMA = """
CREATE TABLE people (person_id INTEGER PRIMARY KEY, person TEXT NOT NULL UNIQUE,
    created_us INTEGER NOT NULL);
CREATE TABLE sessions (session_id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(person_id),
    kind TEXT NOT NULL, routine_name TEXT, routine_json TEXT,
    started_us INTEGER NOT NULL, started_offset_s INTEGER NOT NULL,
    ended_us INTEGER, ended_offset_s INTEGER, pain_before REAL, pain_after REAL,
    notes TEXT NOT NULL DEFAULT '');
CREATE TABLE holds (hold_id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(session_id),
    stretch_id TEXT NOT NULL, side TEXT NOT NULL, rep INTEGER NOT NULL,
    planned_s REAL NOT NULL, actual_s REAL NOT NULL, completed INTEGER NOT NULL,
    started_us INTEGER NOT NULL, offset_s INTEGER NOT NULL);
"""


def test_version_1_file_opens_and_is_upgraded(tmp_path: Path) -> None:
    """A hand-built version-1 file (no uuids, no totals) opens, gains uuids and rebuilt totals."""
    path = tmp_path / "old.sqlite"
    start_us = int(T0.timestamp() * 1_000_000)
    conn = sqlite3.connect(path)
    conn.executescript(_V1_SCHEMA)
    conn.execute("INSERT INTO people VALUES (1, 'old client', ?)", (start_us,))
    conn.execute(
        "INSERT INTO sessions VALUES (1, 1, 'routine', 'old', NULL, ?, 7200, ?, 7200, 6, 4, 'x')",
        (start_us, start_us + 600_000_000),
    )
    for i, (stretch, held) in enumerate([("sphinx", 30.0), ("sphinx", 25.5), ("chin-tuck", 10.0)]):
        conn.execute(
            "INSERT INTO holds VALUES (?, 1, ?, 'both', 1, 30, ?, 1, ?, 7200)",
            (i + 1, stretch, held, start_us + i * 60_000_000),
        )
    conn.execute(f"PRAGMA application_id = {_schema.APP_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    with SessionLog(path) as log:
        assert log.holds()["actual_s"].tolist() == [30.0, 25.5, 10.0]
        totals = log.daily_totals().set_index("body_area")["seconds"]
        assert totals["lower back"] == 55.5 and totals["neck"] == 10.0
        sid = log.start_session("old client", started_at=T0 + timedelta(days=1))
        log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=T0 + timedelta(days=1))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == _schema.SCHEMA_VERSION
        uuids = [
            r[0] for r in conn.execute("SELECT uuid FROM holds UNION ALL SELECT uuid FROM sessions")
        ]
    conn.close()
    assert len(uuids) == len(set(uuids)) == 6 and all(uuids)


def test_version_2_file_gains_weekly_totals_summed_from_its_daily_ones(tmp_path: Path) -> None:
    """A version-2 file (no weekly totals) opens, and its weekly minutes are unchanged."""
    path = tmp_path / "v2.sqlite"
    with SessionLog(path) as log:
        fill(log)
        weekly, rows = log.weekly_minutes(), dump(path)
    with sqlite3.connect(path) as conn:  # what version 2 wrote: the same, less one table
        conn.execute("DROP TABLE weekly_totals")
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with SessionLog(path) as log:
        pd.testing.assert_frame_equal(log.weekly_minutes(), weekly)
    assert dump(path) == rows
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == _schema.SCHEMA_VERSION == 3
    conn.close()
