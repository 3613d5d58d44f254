"""Daily totals and weekly minutes: kept hold by hold, always what the holds add up to."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

import backstretch_kit as bk
from backstretch_kit.log import SessionLog, _checks, _schema, _totals
from backstretch_kit.vocab import BODY_AREAS

from .records import PLUS2, T0, dump, fill


def test_daily_totals_count_the_local_calendar_day(log: SessionLog) -> None:
    """A hold at 00:30 local (still yesterday in UTC) counts for the local date."""
    late = datetime(2026, 3, 1, 0, 30, tzinfo=PLUS2)  # 2026-02-28 22:30 UTC
    log.log_activity("me", "sphinx", 90, when=late)
    totals = log.daily_totals()
    assert totals["day"].tolist() == [pd.Timestamp("2026-03-01")]
    assert totals["seconds"].tolist() == [90.0]
    assert totals["body_area"].tolist() == ["lower back"]


def test_daily_totals_and_weekly_minutes_agree_with_the_holds(log: SessionLog) -> None:
    """Summaries kept hold by hold equal a pandas summary of holds() on the same data."""
    rng = np.random.default_rng(7)
    catalog = bk.load_stretches()
    stretch_ids = list(catalog.index[:20])
    sid = log.start_session("me", started_at=T0)
    for i in range(150):
        when = T0 + timedelta(hours=int(rng.integers(0, 24 * 40)), minutes=i % 60)
        log.record_hold(
            sid, str(rng.choice(stretch_ids)), "both", 1, 30, float(rng.uniform(0, 60)), True, when
        )
    holds = log.holds()
    holds["day"] = holds["started_at"].dt.tz_convert(PLUS2).dt.tz_localize(None).dt.normalize()
    expected = holds.groupby(["day", "person", "body_area"], observed=True)["actual_s"].sum()
    got = log.daily_totals().set_index(["day", "person", "body_area"])["seconds"]
    pd.testing.assert_series_equal(got, expected, check_names=False, check_index_type=False)

    weekly = log.weekly_minutes()
    assert list(weekly.columns) == list(BODY_AREAS)
    assert (weekly.index.day_of_week == 0).all() and (np.diff(weekly.index.asi8) > 0).all()
    holds["week"] = holds["day"] - pd.to_timedelta(holds["day"].dt.day_of_week, unit="D")
    by_week = holds.pivot_table(
        index="week", columns="body_area", values="actual_s", aggfunc="sum", observed=False
    )
    by_week = by_week.reindex(index=weekly.index, columns=list(BODY_AREAS)).fillna(0) / 60
    # Totals are kept in whole microseconds: at most 0.5 us off per hold.
    np.testing.assert_allclose(
        weekly.to_numpy(), by_week.to_numpy(), rtol=0, atol=150 * 0.5e-6 / 60
    )


def test_weekly_minutes_fills_empty_weeks_and_respects_bounds(log: SessionLog) -> None:
    """Weeks with nothing logged inside the range appear as zeros; the range trims."""
    log.log_activity("me", "sphinx", 60, when=datetime(2026, 3, 4, 9, tzinfo=PLUS2))
    log.log_activity("me", "chin-tuck", 120, when=datetime(2026, 3, 25, 9, tzinfo=PLUS2))
    weekly = log.weekly_minutes("me")
    assert weekly.index.tolist() == [
        pd.Timestamp(d) for d in ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")
    ]
    assert weekly.loc["2026-03-02", "lower back"] == 1.0
    assert weekly.loc["2026-03-23", "neck"] == 2.0
    assert weekly.loc["2026-03-16"].sum() == 0.0
    trimmed = log.weekly_minutes("me", start=date(2026, 3, 9), end=date(2026, 3, 30))
    assert trimmed.index[0] == pd.Timestamp("2026-03-09") and trimmed["lower back"].sum() == 0


def test_stretch_missing_from_catalog_keeps_its_time_without_an_area(log: SessionLog) -> None:
    """A stretch id the catalog no longer knows shows as NaN area daily, and not by week."""
    log.log_activity("me", "retired-stretch", 300, when=T0)
    log.log_activity("me", "sphinx", 60, when=pd.Timestamp(T0))  # pandas timestamps work too
    totals = log.daily_totals()
    assert totals["seconds"].sum() == 360.0
    assert totals.loc[totals["body_area"].isna(), "seconds"].tolist() == [300.0]
    weekly = log.weekly_minutes()
    assert weekly.to_numpy().sum() == 1.0 and weekly.loc["2026-03-02", "lower back"] == 1.0


@pytest.mark.parametrize("table", ["daily_totals", "weekly_totals"])
def test_totals_kept_per_hold_equal_a_full_rebuild(sqlite_log: SessionLog, table: str) -> None:
    """Hold-by-hold totals, daily and weekly, are exactly what rebuilding from every hold gives."""
    log = sqlite_log
    fill(log)
    before = dump(log.path)[table]
    with sqlite3.connect(log.path) as conn:
        _schema.rebuild_totals(conn)
        after = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    assert before == after and len(before) == 4


def test_forgetting_a_person_leaves_weekly_totals_as_a_rebuild_would(
    sqlite_log: SessionLog,
) -> None:
    """Forgetting takes a person's time out of everyone's weekly totals, to the microsecond."""
    log = sqlite_log
    for person in ("stays", "goes"):
        sid = log.start_session(person, started_at=T0)
        log.record_hold(sid, "sphinx", "both", 1, 30, 20.25, started_at=T0)
        log.record_hold(sid, "chin-tuck", "both", 1, 30, 0.0, False, T0)  # a zero stays a row
    log.log_activity("goes", "cat-stretch", 30, when=T0)  # only theirs: the row goes
    log.forget_person("goes")
    kept = dump(log.path)["weekly_totals"]
    with sqlite3.connect(log.path) as conn:
        _schema.rebuild_totals(conn)
        rebuilt = conn.execute("SELECT * FROM weekly_totals ORDER BY 1, 2").fetchall()
    assert kept == rebuilt and [row[1:] for row in kept] == [("chin-tuck", 0), ("sphinx", 20250000)]


# --------------------------------------------------------------------------- weekly by range

# Three people in three zones; some of their sessions start just before local
# midnight, so a hold's local day (the one it counts for) is not its UTC day.
ZONES = {
    "ann": timezone(timedelta(hours=2)),
    "bo": timezone(timedelta(hours=-5)),
    "cy": timezone(timedelta(hours=5, minutes=30)),
}
STRETCHES = ("sphinx", "chin-tuck", "cat-stretch", "seated-forward-bend", "retired-stretch")

# case -> (person, start, end): the log runs from Monday 2026-03-02 for 60 days.
WEEK_RANGES = {
    "everyone, all of it": (None, None, None),
    "one person": ("bo", None, None),
    "from a Wednesday": (None, "2026-03-11", None),
    "to a Thursday": (None, None, "2026-04-09"),
    "whole weeks only": (None, "2026-03-09", "2026-04-06"),
    "inside one week": (None, "2026-03-10", "2026-03-13"),
    "two part weeks": (None, "2026-03-12", "2026-03-18"),
    "part weeks at both ends": (None, "2026-03-04", "2026-04-23"),
    "one person, part weeks": ("cy", "2026-03-04", "2026-04-23"),
    "wider than the log": (None, "2026-02-02", "2026-06-01"),
    "nothing in range": ("ann", "2026-07-01", "2026-07-15"),
}


def _crowd(target) -> SessionLog:
    """Two months of holds by three people in three zones, with zero and retired holds."""
    rng = np.random.default_rng(13)
    log = SessionLog(target)
    for day in range(60):
        for person, zone in ZONES.items():
            if rng.random() < 0.3:
                continue
            start = datetime(2026, 3, 2, tzinfo=zone) + timedelta(days=day)
            start += timedelta(hours=float(rng.choice([7.5, 18.0, 23.9])))
            sid = log.start_session(person, started_at=start)
            for i in range(int(rng.integers(1, 5))):
                held = 0.0 if rng.random() < 0.1 else round(float(rng.uniform(5, 60)), 2)
                when = start + timedelta(minutes=3 * i)
                log.record_hold(sid, str(rng.choice(STRETCHES)), "both", 1, 30, held, True, when)
            log.finish_session(sid, ended_at=start + timedelta(minutes=15))
    return log


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crowd(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SessionLog:
    """The crowd's log on each backend."""
    if request.param == "sqlite":
        target = tmp_path_factory.mktemp("crowd") / "log.sqlite"
    else:
        target = request.getfixturevalue("pg_server").create_database(f"crowd_{os.getpid()}")
    log = _crowd(target)
    yield log
    log.close()


@pytest.fixture(scope="module")
def sqlite_crowd(tmp_path_factory: pytest.TempPathFactory) -> SessionLog:
    """The crowd's log in a SQLite file, whose weekly_totals table is read below."""
    log = _crowd(tmp_path_factory.mktemp("crowd") / "log.sqlite")
    yield log
    log.close()


def pandas_weekly(holds: pd.DataFrame, person: str | None, start, end) -> pd.DataFrame:
    """Minutes by week and area the plain way: a pandas groupby over holds()."""
    if person is not None:
        holds = holds[holds["person"] == person]
    offset = holds["person"].map({p: pd.Timedelta(z.utcoffset(None)) for p, z in ZONES.items()})
    day = (holds["started_at"].dt.tz_localize(None) + offset).dt.normalize()
    keep = pd.Series(True, index=holds.index)
    if start is not None:
        keep &= day >= pd.Timestamp(start)
    if end is not None:
        keep &= day < pd.Timestamp(end)
    holds, day = holds[keep], day[keep]
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    table = holds.groupby([week, holds["body_area"]], observed=False)["actual_s"].sum().unstack()
    first = pd.Timestamp(start) if start is not None else week.min()
    last = pd.Timestamp(end) - pd.Timedelta(days=1) if end is not None else week.max()
    if pd.isna(first):
        return pd.DataFrame(columns=list(BODY_AREAS), dtype=float)
    weeks = pd.date_range(first - pd.Timedelta(days=first.day_of_week), last, freq="7D")
    return table.reindex(index=weeks, columns=list(BODY_AREAS)).fillna(0.0) / 60


@pytest.mark.parametrize("case", list(WEEK_RANGES))
def test_weekly_minutes_equal_a_pandas_groupby_of_the_holds(crowd: SessionLog, case: str) -> None:
    """For every range (whole weeks or part weeks), weekly_minutes is what the holds add up to."""
    person, start, end = WEEK_RANGES[case]
    holds = crowd.holds()
    got = crowd.weekly_minutes(person, start=start, end=end)
    expected = pandas_weekly(holds, person, start, end)
    assert got.index.tolist() == expected.index.tolist()
    assert list(got.columns) == list(BODY_AREAS)
    # Totals count whole microseconds: at most 0.5 us off per hold.
    np.testing.assert_allclose(
        got.to_numpy(), expected.to_numpy(), rtol=0, atol=len(holds) * 0.5e-6 / 60
    )


@pytest.mark.parametrize("case", [c for c, (person, *_) in WEEK_RANGES.items() if person is None])
def test_weekly_rows_equal_the_daily_rows_summed(sqlite_crowd: SessionLog, case: str) -> None:
    """Everyone's weekly read (whole weeks from weekly_totals) gives the daily rows' exact sums."""
    crowd = sqlite_crowd
    _, start, end = WEEK_RANGES[case]
    low, high = _checks.bound_day(start, "start"), _checks.bound_day(end, "end")
    with sqlite3.connect(crowd.path) as conn:
        got = conn.execute(*_totals.weekly_query(None, low, high)).fetchall()
        summed = conn.execute(
            "SELECT week, stretch_id, SUM(held_us) FROM daily_totals WHERE day >= ? AND day < ? "
            "GROUP BY week, stretch_id ORDER BY 1, 2",
            (-(2**40) if low is None else low, 2**40 if high is None else high),
        ).fetchall()
    assert got == summed and got
