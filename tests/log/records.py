"""A small realistic session log, and ways to look at a log file, for the log's tests."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from backstretch_kit.log import SessionLog, _schema

PLUS2 = timezone(timedelta(hours=2))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=PLUS2)  # a Monday morning, UTC+2


class FakeRoutine:
    """Quacks like backstretch_kit.routine.Routine for the log's purposes."""

    name = "lower back basics"

    def to_dict(self) -> dict:
        return {"name": self.name, "items": [{"stretch_id": "knee-to-chest", "hold_s": 30.0}]}


def fill(log: SessionLog) -> dict[str, int]:
    """A small realistic log: a finished routine session, an open one, an ad-hoc entry."""
    first = log.start_session("client A", FakeRoutine(), pain_before=5, started_at=T0)
    for rep in (1, 2):
        for side in ("left", "right"):
            log.record_hold(
                first,
                "single-knee-to-chest",
                side,
                rep,
                30,
                28.25,
                started_at=T0 + timedelta(minutes=rep),
            )
    log.record_hold(
        first, "no-longer-in-catalog", "both", 1, 20, 4.5, False, T0 + timedelta(minutes=5)
    )
    log.finish_session(first, pain_after=3, notes="felt looser", ended_at=T0 + timedelta(minutes=9))
    second = log.start_session("client B", "desk break", started_at=T0 + timedelta(days=8))
    log.record_hold(
        second, "chin-tuck", "both", 1, 15, 15, started_at=T0 + timedelta(days=8, seconds=5)
    )
    adhoc = log.log_activity("client A", "seated-forward-bend", 120, when=T0 + timedelta(days=1))
    return {"first": first, "second": second, "adhoc": adhoc}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate connection."""
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in _schema.TABLES
        }


def file_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file in a folder."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }
