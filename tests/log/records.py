"""A small realistic session log, and ways to look at a log file, for the log's tests."""

from __future__ import annotations

import random
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


#: The tables of a PostgreSQL log (see backstretch_kit.log._pg_schema).
PG_TABLES = (
    "people", "care_team", "sessions", "holds", "daily_totals", "weekly_totals",
    "backstretch_schema",
)  # fmt: skip


def dump(where: Path | SessionLog) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate connection (a file or a log's database)."""
    if isinstance(where, SessionLog) and where.url is not None:
        from sqlalchemy import create_engine, text

        engine = create_engine(where.url)
        try:
            with engine.connect() as conn:
                return {
                    t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))]
                    for t in PG_TABLES
                }
        finally:
            engine.dispose()
    path = where.path if isinstance(where, SessionLog) else where
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


def thirty_sessions(path: Path) -> SessionLog:
    """A closed log of 30 finished sessions (3 people), 6 holds each: 180 holds on 4 pages."""
    with SessionLog(path) as log:
        for day in range(30):
            start = T0 + timedelta(days=day)
            sid = log.start_session(f"client {day % 3}", "morning", 4, start, f"day {day}")
            for rep in range(1, 7):
                at = start + timedelta(minutes=rep)
                log.record_hold(sid, "single-knee-to-chest", "left", rep, 30, 29.5, True, at)
            log.finish_session(sid, pain_after=3, ended_at=start + timedelta(minutes=10))
    return log


def table_leaves(path: Path, table: str) -> list[int]:
    """The numbers of a table's leaf pages, in key order, read from the file's bytes.

    Walks the table's b-tree by hand (rather than with SQLite's dbstat, which
    not every build has): interior pages (type 5) list their children.
    """
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        root_page = root.fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = path.read_bytes()
    leaves: list[int] = []

    def walk(number: int) -> None:
        page = data[(number - 1) * size : number * size]
        head = 100 if number == 1 else 0
        if page[head] == 0x0D:
            leaves.append(number)
            return
        assert page[head] == 0x05, f"page {number} of {table} is not a table b-tree page"
        cells = int.from_bytes(page[head + 3 : head + 5], "big")
        for i in range(cells):
            pointer = int.from_bytes(page[head + 12 + 2 * i : head + 14 + 2 * i], "big")
            walk(int.from_bytes(page[pointer : pointer + 4], "big"))
        walk(int.from_bytes(page[head + 8 : head + 12], "big"))

    walk(root_page)
    return leaves


def damage_page(path: Path, page: int, count: int = 64) -> None:
    """Overwrite the first ``count`` bytes of a page (its header and cell pointers) with noise."""
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(random.Random(14).randbytes(count))
