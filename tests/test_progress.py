"""Tests for backstretch_kit.progress: the tables behind the charts, and the one day rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backstretch_kit import demo, progress
from backstretch_kit.catalog import load_stretches
from backstretch_kit.guidance import NOT_EASING_WEEKS
from backstretch_kit.log import SessionLog
from backstretch_kit.vocab import BODY_AREAS

START = "2025-01-06"  # a Monday


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return load_stretches()


@pytest.fixture(scope="module")
def year(catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A year of one person's sessions and holds."""
    return demo.sample_log(days=365, start=START, seed=3, stretches=catalog)


@pytest.fixture(scope="module")
def pair(catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten weeks of Alex (pain eases) and Sam (pain does not)."""
    return demo.sample_log(("Alex", "Sam"), days=70, start=START, seed=1, stretches=catalog)


def sessions_on(days: list[str], minutes: float = 8.0) -> pd.DataFrame:
    """One session at 07:30 UTC on each day, ``minutes`` long, with no pain scores."""
    started = pd.to_datetime([f"{d} 07:30" for d in days]).tz_localize("UTC")
    return pd.DataFrame(
        {
            "session_id": range(1, len(days) + 1),
            "person": "Alex",
            "started_at": started,
            "ended_at": started + pd.Timedelta(minutes=minutes),
            "pain_before": np.nan,
            "pain_after": np.nan,
        }
    )


def pain_log(levels: list[float]) -> pd.DataFrame:
    """One session a day from 1 January 2026 with the given pain before, after one point lower."""
    days = [str(d.date()) for d in pd.date_range("2026-01-01", periods=len(levels))]
    sessions = sessions_on(days)
    sessions["pain_before"] = levels
    sessions["pain_after"] = [max(0.0, v - 1) for v in levels]
    return sessions


def holds_at(*stamps: str, seconds: float = 60.0) -> pd.DataFrame:
    """One lower-back hold at each ISO time, offsets and all, as a CSV export gives them."""
    return pd.DataFrame(
        {"started_at": list(stamps), "body_area": "lower back", "actual_s": seconds}
    )


# -- the day rule -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("2026-03-01T23:30:00+02:00", "2026-03-01"),  # 21:30 in UTC: the same day
        ("2026-03-02T00:30:00+02:00", "2026-03-02"),  # still Sunday in UTC
        ("2026-03-01T23:30:00-05:00", "2026-03-01"),  # already Monday in UTC
        ("2026-03-01T23:30:00", "2026-03-01"),  # naive: a wall-clock time already
    ],
)
def test_a_hold_counts_on_the_day_of_its_own_clock(stamp, day):
    """A late hold counts on its local day, and that day's week and streak, whatever UTC says."""
    day = pd.Timestamp(day)
    holds = holds_at(stamp)
    assert progress.local_days(holds["started_at"]).iloc[0] == day
    assert progress.as_local_day(pd.Timestamp(stamp)) == day
    monday = day - pd.Timedelta(days=day.weekday())
    assert list(progress.weekly_minutes(holds).index) == [monday]
    started = pd.to_datetime(holds["started_at"])  # parsed: one zone for the column
    sessions = pd.DataFrame({"started_at": started, "ended_at": started + pd.Timedelta("5min")})
    assert progress.days_stretched(sessions).to_dict() == {day: 5.0}
    assert progress.current_streak(sessions, end=day) == 1


def test_offsets_that_change_between_rows_keep_each_rows_own_day():
    """Across a clock change (CSV with +01:00 then +02:00), each hold keeps its own local day."""
    holds = holds_at("2026-03-28T23:30:00+01:00", "2026-03-29T23:30:00+02:00", seconds=120.0)
    days = progress.local_days(holds["started_at"])
    assert list(days) == [pd.Timestamp("2026-03-28"), pd.Timestamp("2026-03-29")]
    weekly = progress.weekly_minutes(holds)
    assert weekly.loc["2026-03-23", "lower back"] == pytest.approx(4.0)
    assert progress.today(holds["started_at"]) == progress.today(
        pd.Series([pd.Timestamp("2026-03-29T23:30:00+02:00")])
    )


# -- weekly minutes ---------------------------------------------------------------------
def test_weekly_minutes_equal_a_groupby_of_the_holds(year):
    """Each week-and-area cell is the holds' minutes there; empty weeks between stay as zeros."""
    _, holds = year
    day = holds["started_at"].dt.tz_localize(None).dt.normalize()
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    expected = (
        holds.groupby([week.rename("week"), holds["body_area"].astype(str)])["actual_s"]
        .sum()
        .div(60)
        .unstack(fill_value=0.0)
        .reindex(columns=list(BODY_AREAS), fill_value=0.0)
    )
    table = progress.weekly_minutes(holds)
    assert list(table.columns) == list(BODY_AREAS)
    assert (table.index.to_series().diff().dropna() == pd.Timedelta(weeks=1)).all()
    np.testing.assert_allclose(table.loc[expected.index].to_numpy(), expected.to_numpy())
    assert table.drop(expected.index).to_numpy().sum() == 0
    assert table.to_numpy().sum() == pytest.approx(holds["actual_s"].sum() / 60)


def test_weekly_minutes_read_holds_daily_totals_and_weekly_table_alike(catalog, tmp_path):
    """Holds, SessionLog.daily_totals() and SessionLog.weekly_minutes() give the same table."""
    with SessionLog(tmp_path / "log.sqlite", catalog=catalog) as log:
        _, holds = demo.sample_log(days=40, start=START, seed=5, log=log, stretches=catalog)
        frames = [holds, log.daily_totals(), log.weekly_minutes()]
        tables = [progress.weekly_minutes(f) for f in frames]
    for other in tables[1:]:
        pd.testing.assert_frame_equal(other, tables[0], check_freq=False, check_index_type=False)
    with pytest.raises(progress.ProgressError, match="weekly_minutes\\(person=...\\)"):
        progress.weekly_minutes(frames[2], person="Alex")


def test_minutes_by_week_over_daily_totals_matches_the_logs_own_weekly_table(catalog, tmp_path):
    """Given the range, minutes_by_week builds SessionLog.weekly_minutes' table, empty ends too."""
    start, end = pd.Timestamp("2024-12-23"), pd.Timestamp("2025-03-03")  # weeks with nothing
    with SessionLog(tmp_path / "log.sqlite", catalog=catalog) as log:
        demo.sample_log(days=40, start=START, seed=5, log=log, stretches=catalog)
        want = log.weekly_minutes(start=start, end=end)
        got = progress.minutes_by_week(
            log.daily_totals(start=start, end=end), first=start, last=end - pd.Timedelta(days=1)
        )
    assert want.iloc[0].sum() == 0 and want.iloc[-1].sum() == 0
    pd.testing.assert_frame_equal(got, want, check_freq=False, check_index_type=False)


def test_weekly_guideline_is_one_minute_per_area_two_to_three_days(year):
    """Each week's guideline runs from 2x to 3x one minute per area stretched that week."""
    _, holds = year
    table = progress.weekly_minutes(holds)
    guide = progress.weekly_guideline(table)
    areas = (table > 0).sum(axis=1)
    pd.testing.assert_series_equal(guide["areas"], areas, check_names=False)
    np.testing.assert_allclose(guide["low_min"], 2 * areas)
    np.testing.assert_allclose(guide["high_min"], 3 * areas)


def test_empty_frames_give_empty_tables(year):
    """No holds or sessions give empty tables, a zero streak and no pain marker, not errors."""
    sessions, holds = (frame.iloc[:0] for frame in year)
    assert progress.weekly_minutes(holds).empty
    assert progress.side_table(holds).empty
    assert progress.days_stretched(sessions).empty
    assert progress.current_streak(sessions, end="2026-01-05") == 0
    assert progress.pain_not_eased_since(sessions) is None


# -- left and right ---------------------------------------------------------------------
def test_side_table_sums_left_and_right_per_stretch(year):
    """Left and right minutes are the summed each-side holds, rows head to toe."""
    _, holds = year
    sided = holds[holds["side"].isin(["left", "right"])]
    expected = sided.groupby(["name", "side"])["actual_s"].sum().div(60).unstack()
    table = progress.side_table(holds)
    assert sorted(table["name"]) == sorted(expected.index)
    assert table["body_area"].cat.codes.is_monotonic_increasing
    np.testing.assert_allclose(table["left_min"], expected.loc[table["name"], "left"])
    np.testing.assert_allclose(table["right_min"], expected.loc[table["name"], "right"])


def test_side_table_names_stretches_from_the_catalog_or_their_id(catalog):
    """Without a name column, names come from the catalog; an unknown stretch shows its id."""
    rows = [
        ("figure-four-stretch", "hips and glutes", "left"),
        ("not-in-the-catalog", "neck", "right"),
        ("knee-to-chest", "lower back", "both"),  # a both-sides stretch is left out
    ]
    holds = pd.DataFrame(rows, columns=["stretch_id", "body_area", "side"]).assign(actual_s=30.0)
    table = progress.side_table(holds, stretches=catalog)
    assert list(table["name"]) == ["not-in-the-catalog", catalog.loc["figure-four-stretch", "name"]]


# -- days stretched and the streak ------------------------------------------------------
@pytest.mark.parametrize(
    ("days", "end", "streak"),
    [
        (["2026-01-01", "2026-01-03", "2026-01-04", "2026-01-05"], "2026-01-05", 3),
        (["2026-01-01", "2026-01-03", "2026-01-04", "2026-01-05"], "2026-01-04", 2),
        (["2026-01-01", "2026-01-03", "2026-01-04", "2026-01-05"], "2026-01-07", 0),
        (["2026-01-03", "2026-01-04"], "2026-01-05", 2),  # today is not over yet
    ],
)
def test_current_streak_counts_days_in_a_row(days, end, streak):
    """Days in a row up to the end day make the streak; a gap ends it; today may still come."""
    assert progress.current_streak(sessions_on(days), end=end) == streak


def test_days_stretched_adds_the_minutes_of_a_days_sessions():
    """Two sessions on one day add up; each day with a session is a row."""
    sessions = pd.concat(
        [sessions_on(["2026-01-05"], 3), sessions_on(["2026-01-05", "2026-01-07"])]
    )
    minutes = progress.days_stretched(sessions)
    assert minutes.to_dict() == {pd.Timestamp("2026-01-05"): 11.0, pd.Timestamp("2026-01-07"): 8.0}


# -- pain ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("levels", "flagged"),
    [
        ([6.0] * 35, pd.Timestamp("2026-01-22")),  # flat for 5 weeks: flagged on day 22
        ([6.0] * 21, None),  # three weeks: not yet
        ([6.0] * 7 + list(np.linspace(6, 3, 7).round()) + [3.0] * 28, None),  # eased 2+ points
        ([2.0] * 40, None),  # mild pain that stays put
    ],
    ids=["flat", "three-weeks", "eased", "mild"],
)
def test_pain_not_eased_since_follows_the_three_week_rule(levels, flagged):
    """Only pain of 3+ that has not eased by 2 points after 3 weeks is flagged, on its first day."""
    assert progress.pain_not_eased_since(pain_log(levels)) == flagged


def test_pain_weeks_is_the_guidances_figure():
    """The marker's 3 weeks and 2 points are the guidance's own figures, defined once."""
    assert progress.PAIN_WEEKS == NOT_EASING_WEEKS == 3
    assert progress.MEANINGFUL_CHANGE == 2.0


def test_pain_marker_follows_the_demo_stories(pair):
    """In the demo, Sam's steady pain is flagged and Alex's easing pain is not."""
    sessions, _ = pair
    assert progress.pain_not_eased_since(sessions, person="Sam") is not None
    assert progress.pain_not_eased_since(sessions, person="Alex") is None


def test_pain_baseline_is_the_first_weeks_mean():
    """The baseline is the mean pain before stretching over the first 7 days scored."""
    daily = progress.daily_pain(
        pain_log([5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0] + [3.0] * 10), "pain_before"
    )
    assert progress.pain_baseline(daily) == pytest.approx(38 / 7)


# -- refusing what cannot be read ---------------------------------------------------------
@pytest.mark.parametrize(
    "table",
    [
        lambda s, h, **kw: progress.weekly_minutes(h, **kw),
        lambda s, h, **kw: progress.side_table(h, **kw),
        lambda s, h, **kw: progress.days_stretched(s, **kw),
        lambda s, h, **kw: progress.current_streak(s, end="2025-03-16", **kw),
        lambda s, h, **kw: progress.pain_not_eased_since(s, **kw),
    ],
    ids=["weekly_minutes", "side_table", "days_stretched", "current_streak", "pain"],
)
def test_several_people_need_a_choice(pair, table):
    """Mixing people is refused with their names; person= picks one."""
    sessions, holds = pair
    with pytest.raises(progress.ProgressError, match=r"2 people \(Alex, Sam\).*person="):
        table(sessions, holds)
    table(sessions, holds, person="Sam")


@pytest.mark.parametrize(
    ("table", "frame", "missing"),
    [
        (progress.weekly_minutes, {"started_at": [], "body_area": []}, "actual_s"),
        (progress.weekly_minutes, {"day": [], "seconds": []}, "body_area"),
        (progress.side_table, {"stretch_id": [], "body_area": [], "actual_s": []}, "side"),
        (progress.days_stretched, {"ended_at": []}, "started_at"),
        (progress.pain_not_eased_since, {"started_at": []}, "pain_before"),
    ],
)
def test_missing_columns_are_named(table, frame, missing):
    """A frame without a needed column fails with a ProgressError (a ValueError) naming it."""
    with pytest.raises(progress.ProgressError, match=missing):
        table(pd.DataFrame(frame))
    assert issubclass(progress.ProgressError, ValueError)
