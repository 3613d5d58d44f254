"""Session-log benchmark: one durable record_hold, and weekly minutes from 1,000,000 holds.

Run as ``.venv/bin/python benchmarks/log_benchmark.py`` (``--holds N`` for a
smaller or larger log). It prints:

1. the median and 95th percentile time of one durable ``record_hold``
   (WAL, ``synchronous=FULL``) over 2,000 calls;
2. the time of ``SessionLog.weekly_minutes()`` on a log of 1,000,000 holds
   (target: under 25 ms), beside references on the same file in the same
   process: plain pandas (read every hold, group by week and area), SQLite's
   own GROUP BY over the holds, the same over the per-person daily totals
   (how log format 2 built the table), and DuckDB if it happens to be
   installed. DuckDB gets the holds through pandas: its SQLite reader is an
   extension it downloads on first use, and these machines have no network.

The big log is filled through a bulk path (one transaction, totals rebuilt in
SQL); a whole person's holds are then replayed through ``record_hold`` into a
second log to check that per-hold totals equal the bulk ones exactly.
"""

from __future__ import annotations

import argparse
import importlib.util
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backstretch_kit.catalog import load_stretches  # noqa: E402
from backstretch_kit.log import SessionLog, _schema  # noqa: E402
from backstretch_kit.vocab import BODY_AREAS  # noqa: E402

PEOPLE = 50
HOLDS_PER_SESSION = 20
ZONES_MIN = (-300, 0, 60, 330, 600)  # UTC offsets of the clients, in minutes


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_record_hold(folder: Path, calls: int = 2_000) -> None:
    with SessionLog(folder / "single.sqlite") as log:
        sid = log.start_session("bench")
        log.record_hold(sid, "sphinx", "both", 1, 30.0, 30.0)  # warm up
        times = []
        for i in range(calls):
            start = time.perf_counter()
            log.record_hold(sid, "sphinx", "both", 1 + i % 4, 30.0, 29.5)
            times.append(time.perf_counter() - start)
        # Read on the measured connection itself: synchronous is per connection.
        sync = log._store.read("PRAGMA synchronous")[0][0]
        mode = log._store.read("PRAGMA journal_mode")[0][0]
    ms = np.array(times) * 1e3
    print(f"record_hold, {calls} durable calls (journal_mode={mode}, synchronous={sync}, 2=FULL)")
    print(
        f"  median {np.median(ms):.3f} ms   p95 {np.percentile(ms, 95):.3f} ms   "
        f"mean {ms.mean():.3f} ms   max {ms.max():.3f} ms   (target: median under 1 ms)"
    )


def synthetic_holds(n_holds: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sessions and holds for PEOPLE clients, one session a day each, some past midnight."""
    rng = np.random.default_rng(seed)
    stretch_ids = np.array(load_stretches().index)
    n_sessions = n_holds // HOLDS_PER_SESSION
    person = np.arange(n_sessions) % PEOPLE
    day = np.arange(n_sessions) // PEOPLE
    offset_s = np.array(ZONES_MIN)[person % len(ZONES_MIN)] * 60
    local_start_s = rng.integers(6 * 3600, 24 * 3600 - 300, n_sessions)  # some cross midnight
    base = int(datetime(2023, 1, 2, tzinfo=UTC).timestamp())
    start_us = (base + day * 86_400 + local_start_s - offset_s) * 1_000_000
    sessions = pd.DataFrame(
        {"person": person + 1, "started_us": start_us, "offset_s": offset_s},
        index=pd.RangeIndex(1, n_sessions + 1, name="session_id"),
    )
    session = np.repeat(sessions.index.to_numpy(), HOLDS_PER_SESSION)
    step = np.tile(np.arange(HOLDS_PER_SESSION), n_sessions)
    # five stretches a session, four holds each
    picks = rng.choice(len(stretch_ids), (n_sessions, HOLDS_PER_SESSION // 4))
    holds = pd.DataFrame(
        {
            "session_id": session,
            "stretch_id": stretch_ids[np.repeat(picks.ravel(), 4)],
            "side": np.array(["left", "right"])[step % 2],
            "rep": 1 + (step % 4) // 2,
            "planned_s": 30.0,
            "actual_s": np.round(rng.uniform(15, 45, len(session)), 2),
            "completed": rng.random(len(session)) > 0.05,
            "started_us": np.repeat(start_us, HOLDS_PER_SESSION) + step * 45_000_000,
            "offset_s": np.repeat(offset_s, HOLDS_PER_SESSION),
        }
    )
    return sessions, holds


def bulk_fill(path: Path, sessions: pd.DataFrame, holds: pd.DataFrame) -> float:
    start = time.perf_counter()
    SessionLog(path).close()  # creates the current schema
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")  # setup only; the measured log is durable
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO people (person_id, person, created_us) VALUES (?, ?, 0)",
        [(i, f"client {i:02d}") for i in range(1, PEOPLE + 1)],
    )
    conn.executemany(
        "INSERT INTO sessions (session_id, uuid, person_id, kind, started_us, started_offset_s) "
        "VALUES (?, ?, ?, 'routine', ?, ?)",
        (
            (int(sid), str(uuid.uuid4()), int(p), int(us), int(off))
            for sid, p, us, off in zip(
                sessions.index,
                sessions["person"],
                sessions["started_us"],
                sessions["offset_s"],
                strict=True,
            )
        ),
    )
    conn.executemany(
        "INSERT INTO holds (uuid, session_id, stretch_id, side, rep, planned_s, actual_s, "
        "completed, started_us, offset_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (str(uuid.uuid4()), int(r[0]), r[1], r[2], int(r[3]), float(r[4]), float(r[5]))
            + (int(r[6]), int(r[7]), int(r[8]))
            for r in holds.itertuples(index=False)
        ),
    )
    _schema.rebuild_totals(conn)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def _local(us: int, zone: timezone) -> datetime:
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(us))).astimezone(zone)


def check_totals_match_per_hold_writes(
    path: Path, folder: Path, sessions: pd.DataFrame, holds: pd.DataFrame, person: int
) -> int:
    """Replay one person's holds through record_hold; their totals must equal the bulk ones."""
    mine = sessions[sessions["person"] == person]
    with SessionLog(folder / "replay.sqlite") as replay:
        for sid, row in mine.iterrows():
            zone = timezone(timedelta(seconds=int(row["offset_s"])))
            new_sid = replay.start_session(
                f"client {person:02d}", started_at=_local(row["started_us"], zone)
            )
            for h in holds[holds["session_id"] == sid].itertuples(index=False):
                replay.record_hold(
                    new_sid, h.stretch_id, h.side, int(h.rep), h.planned_s, h.actual_s,
                    bool(h.completed), _local(int(h.started_us), zone),
                )  # fmt: skip
    with sqlite3.connect(folder / "replay.sqlite") as conn:
        replayed = conn.execute(
            "SELECT day, week, stretch_id, held_us FROM daily_totals ORDER BY 1, 3"
        ).fetchall()
    with sqlite3.connect(path) as conn:
        bulk = conn.execute(
            "SELECT day, week, stretch_id, held_us FROM daily_totals WHERE person_id = ? "
            "ORDER BY 1, 3",
            (person,),
        ).fetchall()
    assert replayed == bulk, "per-hold totals differ from the bulk rebuild"
    return len(bulk)


def read_holds(path: Path) -> pd.DataFrame:
    """Every hold's start, zone offset, stretch and seconds, read into pandas."""
    with sqlite3.connect(path) as conn:
        return pd.read_sql_query(
            "SELECT started_us, offset_s, stretch_id, actual_s FROM holds", conn
        )


def by_area(frame: pd.DataFrame, area_of: pd.Series) -> pd.DataFrame:
    """(week, stretch_id, seconds) rows -> the weekly minutes table, areas from the catalog."""
    frame = frame.assign(area=frame["stretch_id"].map(area_of))
    table = frame.pivot_table(index="week", columns="area", values="seconds", aggfunc="sum") / 60
    return table.reindex(columns=list(BODY_AREAS), fill_value=0.0).fillna(0.0)


def pandas_reference(path: Path, area_of: pd.Series) -> pd.DataFrame:
    """The naive way: read every hold into pandas, then group by week and area."""
    holds = read_holds(path)
    day = (holds["started_us"] + holds["offset_s"] * 1_000_000) // _schema.US_PER_DAY
    week = day - (day + 3) % 7
    area = holds["stretch_id"].map(area_of)
    table = holds["actual_s"].groupby([week, area]).sum().unstack(fill_value=0.0) / 60
    table = table.reindex(columns=list(BODY_AREAS), fill_value=0.0)
    table.index = pd.to_datetime(table.index.to_numpy(), unit="D")
    return table


def sqlite_reference(path: Path, area_of: pd.Series) -> pd.DataFrame:
    """SQLite's own GROUP BY over every hold (areas mapped afterwards)."""
    day = f"((started_us + offset_s * 1000000) / {_schema.US_PER_DAY})"
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            f"SELECT {day} - (({day} + 3) % 7) AS week, stretch_id, SUM(actual_s) "
            "FROM holds GROUP BY week, stretch_id"
        ).fetchall()
    return by_area(pd.DataFrame(rows, columns=["week", "stretch_id", "seconds"]), area_of)


def daily_totals_reference(path: Path, area_of: pd.Series) -> pd.DataFrame:
    """SQLite's GROUP BY over the per-person daily totals: how log format 2 read the table."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT week, stretch_id, SUM(held_us) / 1e6 FROM daily_totals "
            "GROUP BY week, stretch_id"
        ).fetchall()
    return by_area(pd.DataFrame(rows, columns=["week", "stretch_id", "seconds"]), area_of)


def duckdb_reference(path: Path, area_of: pd.Series) -> tuple[pd.DataFrame, float]:
    """DuckDB's GROUP BY over the holds, loaded through pandas; also the query's own time.

    DuckDB's ``sqlite_scan`` is an extension it downloads on first use, which
    fails with no network, so the holds reach it as a pandas frame instead.
    """
    import duckdb  # only if installed

    con = duckdb.connect()
    con.register("holds", read_holds(path))
    started = time.perf_counter()
    day = f"((started_us + offset_s * 1000000) // {_schema.US_PER_DAY})"
    frame = con.execute(
        f"SELECT {day} - (({day} + 3) % 7) AS week, stretch_id, SUM(actual_s) AS seconds "
        "FROM holds GROUP BY ALL"
    ).df()
    query_s = time.perf_counter() - started
    return by_area(frame, area_of), query_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holds", type=int, default=1_000_000)
    args = parser.parse_args()
    catalog = load_stretches()
    area_of = catalog["body_area"].astype(str)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_record_hold(folder)

        sessions, holds = synthetic_holds(args.holds)
        path = folder / "big.sqlite"
        setup_s = bulk_fill(path, sessions, holds)
        size_mb = path.stat().st_size / 1e6
        with sqlite3.connect(path) as conn:
            n_holds = conn.execute("SELECT COUNT(*) FROM holds").fetchone()[0]
            n_totals = conn.execute("SELECT COUNT(*) FROM daily_totals").fetchone()[0]
        print(
            f"\nbig log: {n_holds:,} holds, {len(sessions):,} sessions, {PEOPLE} people, "
            f"{n_totals:,} daily-total rows, {size_mb:.0f} MB; bulk setup {setup_s:.1f} s"
        )
        started = time.perf_counter()
        checked = check_totals_match_per_hold_writes(path, folder, sessions, holds, person=7)
        print(
            f"per-hold totals == bulk totals for client 07 ({checked} day-stretch rows, "
            f"replayed through record_hold in {time.perf_counter() - started:.1f} s)"
        )

        with SessionLog(path) as log:  # catalog loaded on first use, as in real use
            first_start = time.perf_counter()
            log.weekly_minutes()
            first_s = time.perf_counter() - first_start
            ours_s, ours = timed(log.weekly_minutes, 20)
            one_s, _ = timed(lambda: log.weekly_minutes("client 07"), 20)
            year_s, _ = timed(lambda: log.weekly_minutes(start="2024-01-01", end="2025-01-01"), 20)
            part_s, _ = timed(lambda: log.weekly_minutes(start="2024-01-03", end="2025-01-03"), 20)
        references = {
            "plain pandas (all holds)": timed(lambda: pandas_reference(path, area_of), 3),
            "SQLite GROUP BY on holds": timed(lambda: sqlite_reference(path, area_of), 3),
            "SQLite GROUP BY on daily totals": timed(
                lambda: daily_totals_reference(path, area_of), 5
            ),
        }
        duck_query_s = None
        if importlib.util.find_spec("duckdb") is not None:
            duck_s, (by_duck, duck_query_s) = timed(lambda: duckdb_reference(path, area_of), 3)
            references["DuckDB (holds via pandas)"] = (duck_s, by_duck)
        for name, (_, ref) in references.items():
            # totals count whole microseconds: at most 0.5 us per hold apart
            np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), rtol=1e-9, atol=1e-6)
            assert len(ours) == len(ref), name

        def row(label: str, seconds: float, note: str = "") -> None:
            print(f"  {label:<46}{seconds * 1e3:8.1f} ms   {note}".rstrip())

        print(f"\nweekly_minutes() over {n_holds:,} holds ({len(ours)} weeks x 8 areas)")
        row("SessionLog.weekly_minutes(), everyone", ours_s, "(target < 25 ms)")
        row("  first call, with catalog load", first_s)
        row("  one person", one_s)
        row("  everyone, one year (Monday to Monday)", year_s)
        row("  everyone, one year from a Wednesday", part_s)
        for name, (ref_s, _) in references.items():
            row(f"reference: {name}", ref_s, f"ratio {ref_s / ours_s:6.1f}x")
        if duck_query_s is not None:
            row(
                "  of which DuckDB's query (last run)",
                duck_query_s,
                f"ratio {duck_query_s / ours_s:6.1f}x",
            )
        else:
            print("  reference: DuckDB: not installed, skipped")
        print("  (all references agree with weekly_minutes() to within 1e-6 minutes per cell)")


if __name__ == "__main__":
    main()
