"""Clinic log benchmark: the session log on PostgreSQL, beside SQLite for the same holds.

Run as ``.venv/bin/python benchmarks/clinic_log_benchmark.py`` (``--holds N``
for a smaller or larger log; default 10,000,000). It starts its own
PostgreSQL server the way the tests do (``tests/_postgres.py``: Debian's
binaries, a temp folder, a free loopback port, fsync and synchronous commit
on) and prints:

1. how long loading N holds across 500 patients took (one ``generate_series``
   INSERT per table, the daily and weekly totals summed in SQL, then VACUUM
   ANALYZE);
2. ``SessionLog.weekly_minutes(patient)`` for one patient (target: under
   20 ms), as the administrator and as that patient's own login role (the
   row-level-security policy then filters every row), median and p95 of 30;
3. one durable ``record_hold`` over loopback (target: under 5 ms median),
   median and p95 of 500, as the administrator and as the patient;
4. the same holds written through ``record_hold`` into a SQLite file and a
   PostgreSQL database: whether weekly minutes agree to the second (and
   exactly), per person and for everyone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import _postgres  # noqa: E402

from backstretch_kit.catalog import load_stretches  # noqa: E402
from backstretch_kit.log import SessionLog, clinic  # noqa: E402

PATIENTS = 500
STRETCHES = 20
# Monday 2025-01-06 09:00 UTC, in microseconds since 1970.
BASE_US = int(datetime(2025, 1, 6, 9, tzinfo=UTC).timestamp()) * 1_000_000


def _ms(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def load(server: _postgres.PostgresServer, database: str, holds: int) -> int:
    """Fill the log in bulk; returns how many holds it holds."""
    import psycopg

    each = max(1, holds // PATIENTS)
    # Up to two years of daily sessions, as many days as divide each patient's holds evenly.
    days = next(d for d in range(min(730, each), 0, -1) if each % d == 0)
    per_session = each // days
    stretch_ids = list(load_stretches().index[:STRETCHES])
    with psycopg.connect(server.dsn("postgres", database), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")  # bulk load: one commit per table
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute(
            "INSERT INTO people (person, created_us) "
            "SELECT 'patient ' || p, 0 FROM generate_series(1, %s) p",
            (PATIENTS,),
        )
        conn.execute(
            "INSERT INTO sessions (uuid, person_id, kind, started_us, started_offset_s, "
            "ended_us, ended_offset_s) SELECT gen_random_uuid(), p.person_id, 'routine', "
            "%(base)s + d * 86400000000::bigint + p.person_id * 1000000, 3600, "
            "%(base)s + d * 86400000000::bigint + p.person_id * 1000000 + 3600000000, 3600 "
            "FROM people p, generate_series(0, %(days)s - 1) d",
            {"base": BASE_US, "days": days},
        )
        # Secondary indexes are built once after the load, not row by row.
        conn.execute("ALTER TABLE holds DROP CONSTRAINT holds_uuid_key")
        for index in ("holds_by_session", "holds_by_person_time", "holds_by_time"):
            conn.execute(f"DROP INDEX {index}")
        conn.execute(
            "INSERT INTO holds (uuid, session_id, person_id, stretch_id, side, rep, planned_s, "
            "actual_s, completed, started_us, offset_s) "
            "SELECT gen_random_uuid(), s.session_id, s.person_id, "
            "(%(ids)s::text[])[1 + (s.session_id * 7 + k) %% %(n)s], 'both', 1 + k %% 4, 30, "
            "10 + ((s.session_id * 31 + k * 17) %% 5000) / 100.0, true, "
            "s.started_us + k * 60000000::bigint, s.started_offset_s "
            "FROM sessions s, generate_series(1, %(per)s) k",
            {"ids": stretch_ids, "n": len(stretch_ids), "per": per_session},
        )
        conn.execute("ALTER TABLE holds ADD CONSTRAINT holds_uuid_key UNIQUE (uuid)")
        conn.execute("CREATE INDEX holds_by_session ON holds (session_id)")
        conn.execute("CREATE INDEX holds_by_person_time ON holds (person_id, started_us)")
        conn.execute("CREATE INDEX holds_by_time ON holds (started_us)")
        conn.execute(
            "INSERT INTO daily_totals (person_id, day, week, stretch_id, held_us) "
            "SELECT person_id, day, day - (day + 3) % 7, stretch_id, "
            "SUM(CAST(actual_s * 1000000.0 + 0.5 AS bigint)) FROM ("
            "  SELECT person_id, ((started_us + offset_s * 1000000::bigint) / 86400000000)::int "
            "  AS day, stretch_id, actual_s FROM holds) h GROUP BY person_id, day, stretch_id"
        )
        conn.execute(
            "INSERT INTO weekly_totals (person_id, week, stretch_id, held_us) "
            "SELECT person_id, week, stretch_id, SUM(held_us) FROM daily_totals GROUP BY 1, 2, 3"
        )
        conn.execute("VACUUM ANALYZE")
        (count,) = conn.execute("SELECT count(*) FROM holds").fetchone()
    return count


def weekly_timing(url: str, person: str, runs: int = 30) -> tuple[list[float], float]:
    with SessionLog(url) as log:
        log.weekly_minutes(person)  # warm: catalog, connection, plan
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            table = log.weekly_minutes(person)
            times.append(time.perf_counter() - started)
    return times, float(table.to_numpy().sum())


def hold_timing(url: str, person: str, runs: int = 500) -> list[float]:
    with SessionLog(url) as log:
        sid = log.start_session(person)
        log.record_hold(sid, "sphinx", "both", 1, 30, 30)
        times = []
        for i in range(runs):
            started = time.perf_counter()
            log.record_hold(sid, "sphinx", "both", 1 + i % 4, 30, 29.5)
            times.append(time.perf_counter() - started)
        log.finish_session(sid)
    return times


def agreement(pg_url: str, holds: int) -> str:
    """The same holds into SQLite and PostgreSQL; compare weekly minutes."""
    rng = np.random.default_rng(17)
    stretch_ids = list(load_stretches().index[:STRETCHES]) + ["retired-stretch"]
    zones = [timezone(timedelta(hours=h)) for h in (-5, 0, 2, 5.5, 13)]
    folder = tempfile.TemporaryDirectory(prefix="clinic-bench-")
    logs = [SessionLog(Path(folder.name) / "same.sqlite"), SessionLog(pg_url)]
    people = [f"person {i}" for i in range(len(zones))]
    written = 0
    day = 0
    while written < holds:
        for person, zone in zip(people, zones, strict=True):
            start = datetime(2026, 1, 5, 23, 30, tzinfo=zone) + timedelta(days=day)
            sids = [log.start_session(person, started_at=start) for log in logs]
            for k in range(int(rng.integers(3, 12))):
                at = start + timedelta(minutes=2 * k)
                stretch = str(rng.choice(stretch_ids))
                held = 0.0 if rng.random() < 0.05 else float(rng.uniform(1, 90))
                for log, sid in zip(logs, sids, strict=True):
                    log.record_hold(sid, stretch, "both", 1, 30, held, True, at)
                written += 1
        day += 1
    lines = []
    for who in (*people[:2], None):
        sqlite_w, pg_w = (log.weekly_minutes(who) for log in logs)
        same_shape = sqlite_w.index.equals(pg_w.index) and sqlite_w.columns.equals(pg_w.columns)
        worst = float(np.abs(sqlite_w.to_numpy() - pg_w.to_numpy()).max()) * 60
        seconds_equal = bool(
            (np.round(sqlite_w.to_numpy() * 60) == np.round(pg_w.to_numpy() * 60)).all()
        )
        exact = bool((sqlite_w.to_numpy() == pg_w.to_numpy()).all())
        label = who or "everyone"
        lines.append(
            f"  {label}: {len(sqlite_w)} weeks, same weeks and areas {same_shape}, equal to the "
            f"second {seconds_equal}, bit-for-bit {exact}, largest difference {worst:.3g} s"
        )
    for log in logs:
        log.close()
    folder.cleanup()
    return f"{written} holds in each\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holds", type=int, default=10_000_000)
    parser.add_argument("--agree-holds", type=int, default=3_000)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    server = _postgres.start_server({"max_wal_size": "'8GB'", "checkpoint_timeout": "'30min'"})
    os.environ.update(server.env)
    print(f"PostgreSQL started in {time.perf_counter() - started:.1f} s on port {server.port}")
    try:
        with server.psql_superuser() as su:
            version = su.execute("SHOW server_version").fetchone()[0]
            fsync = su.execute("SHOW fsync").fetchone()[0]
        url = server.create_database("clinic_bench")
        SessionLog(url).close()  # the schema
        started = time.perf_counter()
        count = load(server, "clinic_bench", args.holds)
        loaded = time.perf_counter() - started
        print(f"PostgreSQL {version}, fsync={fsync}, synchronous_commit=on for the log")
        print(f"loaded {count:,} holds across {PATIENTS} patients in {loaded:.1f} s (bulk SQL)")

        patient = "patient 250"
        role = "patient_250"
        clinic.add_patient(url, patient, role, password="bench-only")
        server.add_password(role, "bench-only")
        patient_url = server.url(role, "clinic_bench")
        for who, where in (("administrator", url), ("the patient's own role", patient_url)):
            times, minutes = weekly_timing(where, patient)
            print(
                f"weekly_minutes({patient!r}) of {count:,} holds, as {who}: {_ms(times)} "
                f"(target < 20 ms; {minutes:,.1f} minutes in the table)"
            )
        for who, where in (("administrator", url), ("the patient's own role", patient_url)):
            timing = _ms(hold_timing(where, patient))
            print(f"one durable record_hold over loopback, as {who}: {timing} (target < 5 ms)")
        started = time.perf_counter()
        print(
            "SQLite and PostgreSQL, the same holds:",
            agreement(server.create_database("agree"), args.agree_holds),
        )
        print(f"  (writing them took {time.perf_counter() - started:.1f} s)")
    finally:
        server.remove()


if __name__ == "__main__":
    main()
