"""Adherence benchmark: one patient's 52 weeks from a log of 1,000,000 holds, and the report.

Run as ``.venv/bin/python benchmarks/adherence_benchmark.py`` (``--holds N`` for a
smaller or larger log). It prints:

1. the time of :func:`backstretch_kit.adherence.adherence_from_log` for one patient
   over a 52-week program, on a log of 1,000,000 holds of 50 people (target: under
   50 ms), split into reading the patient's range from the log and the table itself,
   beside a reference in the same process: reading all the patient's holds and
   sessions with no range, and the same table from them;
2. the time of :func:`backstretch_kit.progress_report.write_progress_report` for that
   patient's first 12 weeks (target: under 2 s).

The big log is filled the way ``log_benchmark.py`` fills its own: one transaction of
``executemany`` inserts, then the log's totals rebuilt in SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backstretch_kit.adherence import adherence, adherence_from_log, log_frames  # noqa: E402
from backstretch_kit.catalog import load_stretches  # noqa: E402
from backstretch_kit.log import SessionLog, _schema  # noqa: E402
from backstretch_kit.program import Program, Progression  # noqa: E402
from backstretch_kit.routine_file import load_routine  # noqa: E402

PEOPLE = 50
HOLDS_PER_SESSION = 20
PATIENT = 7
START = dt.date(2023, 1, 2)  # the log's first day, a Monday
ZONES_MIN = (-300, 0, 60, 330, 600)  # UTC offsets of the clients, in minutes


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bulk_fill(path: Path, n_holds: int, seed: int = 1) -> None:
    """PEOPLE clients, one session a day each, HOLDS_PER_SESSION holds a session."""
    rng = np.random.default_rng(seed)
    stretch_ids = np.array(load_stretches().index)
    n_sessions = n_holds // HOLDS_PER_SESSION
    person = np.arange(n_sessions) % PEOPLE + 1
    day = np.arange(n_sessions) // PEOPLE
    offset_s = np.array(ZONES_MIN)[person % len(ZONES_MIN)] * 60
    local_s = rng.integers(6 * 3600, 24 * 3600 - 1800, n_sessions)  # some run past midnight
    base = int(dt.datetime.combine(START, dt.time(), dt.UTC).timestamp())
    start_us = (base + day * 86_400 + local_s - offset_s) * 1_000_000
    pain = rng.integers(0, 8, n_sessions).astype(float)
    SessionLog(path).close()  # the current schema
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # set-up only; the measured reads are ordinary
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO people (person_id, person, created_us) VALUES (?, ?, 0)",
        [(i, f"client {i:02d}") for i in range(1, PEOPLE + 1)],
    )
    end_us = start_us + (HOLDS_PER_SESSION * 45 + 60) * 1_000_000
    conn.executemany(
        "INSERT INTO sessions (session_id, uuid, person_id, kind, routine_name, started_us, "
        "started_offset_s, ended_us, ended_offset_s, pain_before, pain_after) "
        "VALUES (?, ?, ?, 'routine', 'Lower back: knee to chest', ?, ?, ?, ?, ?, ?)",
        (
            (i + 1, str(uuid.uuid4()), int(person[i]), int(start_us[i]), int(offset_s[i]))
            + (int(end_us[i]), int(offset_s[i]), pain[i] + 1, pain[i])
            for i in range(n_sessions)
        ),
    )
    picks = rng.choice(len(stretch_ids), (n_sessions, HOLDS_PER_SESSION // 4))
    stretch = stretch_ids[np.repeat(picks.ravel(), 4)]
    actual = np.round(rng.uniform(15, 45, n_sessions * HOLDS_PER_SESSION), 2)
    completed = rng.random(n_sessions * HOLDS_PER_SESSION) > 0.05
    step = np.tile(np.arange(HOLDS_PER_SESSION), n_sessions)
    hold_us = np.repeat(start_us, HOLDS_PER_SESSION) + step * 45_000_000
    conn.executemany(
        "INSERT INTO holds (uuid, session_id, stretch_id, side, rep, planned_s, actual_s, "
        "completed, started_us, offset_s) VALUES (?, ?, ?, ?, ?, 30.0, ?, ?, ?, ?)",
        (
            (str(uuid.uuid4()), i // HOLDS_PER_SESSION + 1, str(stretch[i]))
            + (("left", "right")[i % 2], 1 + (i % 4) // 2, float(actual[i]), int(completed[i]))
            + (int(hold_us[i]), int(offset_s[i // HOLDS_PER_SESSION]))
            for i in range(n_sessions * HOLDS_PER_SESSION)
        ),
    )
    _schema.rebuild_totals(conn)
    conn.execute("COMMIT")
    conn.close()


def the_program(weeks: int) -> Program:
    return Program(
        person=f"client {PATIENT:02d}",
        routines=(load_routine("lower-back"), load_routine("desk-break")),
        start=START + dt.timedelta(weeks=4),
        weeks=weeks,
        days=("monday", "wednesday", "friday"),
        review=START + dt.timedelta(weeks=4 + weeks),
        time_zone="Europe/Berlin",
        progressions=(Progression("hold_s", 5, up_to=30), Progression("reps", 1, 2, up_to=4)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holds", type=int, default=1_000_000)
    args = parser.parse_args()
    program = the_program(52)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite"
        started = time.perf_counter()
        bulk_fill(path, args.holds)
        setup_s = time.perf_counter() - started
        with SessionLog(path) as log:
            first_s, _ = timed(lambda: adherence_from_log(program, log), 1)
            total_s, table = timed(lambda: adherence_from_log(program, log), 20)
            read_s, (sessions, holds) = timed(lambda: log_frames(program, log), 20)
            table_s, _ = timed(lambda: adherence(program, sessions, holds), 20)
            all_s, (all_sessions, all_holds) = timed(
                lambda: (log.sessions(program.person), log.holds(program.person)), 5
            )
            ref_s, _ = timed(lambda: adherence(program, all_sessions, all_holds), 5)

            from backstretch_kit.progress_report import write_progress_report

            end = program.start + dt.timedelta(weeks=12)
            out = Path(tmp) / "report.pdf"
            report_first_s, _ = timed(lambda: write_progress_report(program, log, out, end=end), 1)
            report_s, _ = timed(lambda: write_progress_report(program, log, out, end=end), 5)
        size_kb = out.stat().st_size / 1024

    def row(label: str, seconds: float, note: str = "") -> None:
        print(f"  {label:<58}{seconds * 1e3:9.1f} ms   {note}".rstrip())

    print(
        f"log: {args.holds:,} holds of {PEOPLE} people, bulk set-up {setup_s:.1f} s; patient "
        f"{program.person!r}: {len(holds):,} holds and {len(sessions):,} sessions in "
        f"{program.weeks} weeks ({int(table['planned_sessions'].sum())} sessions planned)"
    )
    print("\nadherence over 52 weeks (median of 20 runs)")
    row("adherence_from_log(program, log)", total_s, "(target < 50 ms)")
    row("  first call, with catalog load", first_s)
    row("  of which: log_frames (read the patient's range)", read_s)
    row("  of which: adherence(program, sessions, holds)", table_s)
    row("reference: read all the patient's rows (no range)", all_s)
    row("reference: adherence from all the patient's rows", ref_s)
    print("\nprogress report PDF, 12 weeks (adherence, pain, sides, notes, next step)")
    row("write_progress_report(...)", report_s, f"(target < 2000 ms), {size_kb:.0f} kB")
    row("  first call, fonts and matplotlib loaded", report_first_s)


if __name__ == "__main__":
    main()
