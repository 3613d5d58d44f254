"""Tests for backstretch_kit.charts: each chart draws, keeps area colours, plots true numbers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from backstretch_kit import charts, demo
from backstretch_kit.catalog import load_stretches
from backstretch_kit.guidance import NOT_EASING_WEEKS
from backstretch_kit.log import SessionLog
from backstretch_kit.routine import Routine, format_duration, load_routine
from backstretch_kit.vocab import AREA_COLOURS, BODY_AREAS

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


def tiny(year: tuple[pd.DataFrame, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exactly one session and its holds."""
    sessions, holds = year
    first = sessions.iloc[:1]
    return first, holds[holds["session_id"] == first["session_id"].iloc[0]]


def empty(year: tuple[pd.DataFrame, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    sessions, holds = year
    return sessions.iloc[:0], holds.iloc[:0]


def render(fig: Figure) -> Figure:
    """Draw the figure with Agg, as a notebook or savefig would."""
    assert isinstance(fig, Figure)
    FigureCanvasAgg(fig).draw()
    return fig


def all_text(fig: Figure) -> str:
    ax = fig.axes[0]
    parts = [t.get_text() for t in ax.texts] + [ax.get_title(loc="left")]
    legend = ax.get_legend()
    if legend is not None:
        parts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(parts)


def hex_of(patch) -> str:
    return to_hex(patch.get_facecolor(), keep_alpha=False).upper()


def draw_each(sessions: pd.DataFrame, holds: pd.DataFrame, end: str | None) -> dict[str, Figure]:
    return {
        "weekly": charts.weekly_minutes_by_area(holds),
        "calendar": charts.adherence_calendar(sessions, end=end),
        "pain": charts.pain_trend(sessions),
        "sides": charts.side_balance(holds),
    }


# -- every chart draws, whatever the amount of data -----------------------------------------
@pytest.mark.parametrize("size", ["empty", "tiny", "year"])
def test_log_charts_draw_for_empty_tiny_and_a_year(year, size):
    """Each log chart returns a drawable Figure with no data, one session, and a year."""
    sessions, holds = {"empty": empty, "tiny": tiny, "year": lambda y: y}[size](year)
    end = None if size == "empty" else str(sessions["started_at"].max().date())
    for name, fig in draw_each(sessions, holds, end).items():
        render(fig)
        text = all_text(fig)
        if size == "empty":
            assert "No " in text and "logged yet" in text, name
            assert not fig.axes[0].axison, name
        else:
            assert fig.axes[0].axison, name
            assert "logged yet" not in text, name


def test_empty_log_charts_say_no_stretching_logged_yet(year):
    """The empty weekly chart and calendar say the house sentence, not an error."""
    sessions, holds = empty(year)
    for fig in (charts.weekly_minutes_by_area(holds), charts.adherence_calendar(sessions)):
        assert "No stretching logged yet" in all_text(render(fig))


def test_routine_chart_draws_for_empty_and_real_routines(catalog):
    """A routine with no stretches gets a calm message; a shipped one draws bars."""
    fig = render(charts.routine_time_by_area(Routine("Nothing yet", catalog=catalog)))
    assert "This routine has no stretches yet" in all_text(fig)
    fig = render(charts.routine_time_by_area(load_routine("desk-break", catalog=catalog)))
    assert len(fig.axes[0].patches) == 2 * len(BODY_AREAS)


def test_charts_draw_on_a_given_axes(year):
    """Given an Axes, a chart draws there and returns that Axes' Figure."""
    sessions, holds = year
    fig = Figure(figsize=(10, 12))
    axes = fig.subplots(4, 1)
    assert charts.weekly_minutes_by_area(holds, ax=axes[0]) is fig
    assert charts.adherence_calendar(sessions, ax=axes[1], end="2025-12-31") is fig
    assert charts.pain_trend(sessions, ax=axes[2]) is fig
    assert charts.side_balance(holds, ax=axes[3]) is fig
    render(fig)
    assert all(ax.has_data() for ax in axes)


# -- the numbers plotted are the numbers in the data ---------------------------------------
def test_routine_bars_equal_time_by_area_in_minutes(catalog):
    """Hold and non-hold bar lengths are time_by_area() in minutes, head to toe."""
    routine = load_routine("lower-back", catalog=catalog)
    table = routine.time_by_area()
    ax = charts.routine_time_by_area(routine).axes[0]
    hold, other = ax.containers
    np.testing.assert_allclose([p.get_width() for p in hold], table["hold_s"] / 60)
    np.testing.assert_allclose([p.get_width() for p in other], table["other_s"] / 60)
    np.testing.assert_allclose([p.get_x() for p in other], table["hold_s"] / 60)
    assert [t.get_text() for t in ax.get_yticklabels()] == [a.capitalize() for a in BODY_AREAS]
    assert format_duration(routine.total_seconds()) in ax.get_title(loc="left")
    assert routine.name in ax.get_title(loc="left")


def expected_weekly(holds: pd.DataFrame) -> pd.DataFrame:
    """Minutes per Monday-week and area, by a plain pandas groupby."""
    day = holds["started_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    grouped = holds.groupby([week.rename("week"), holds["body_area"].astype(str)])["actual_s"]
    return grouped.sum().div(60).unstack(fill_value=0.0)


def area_bars(ax) -> list:
    """The weekly chart's bar collections, one per body area, labelled with the area."""
    return [c for c in ax.collections if c.get_label() in BODY_AREAS]


def bar_heights(ax) -> dict[str, pd.Series]:
    """Area -> bar heights by week start, read back from the drawn rectangles."""
    import matplotlib.dates as mdates

    out = {}
    for bars in area_bars(ax):
        weeks, heights = [], []
        for path in bars.get_paths():
            xs, ys = path.vertices[:, 0], path.vertices[:, 1]
            week = pd.Timestamp(mdates.num2date(xs.min() - 0.5)).tz_localize(None)
            weeks.append(week.normalize())
            heights.append(ys.max() - ys.min())
        out[bars.get_label()] = pd.Series(heights, index=weeks)
    return out


def test_weekly_bars_equal_a_groupby_of_the_holds(year):
    """Every stacked segment's height is that week's minutes for that area."""
    _, holds = year
    expected = expected_weekly(holds)
    heights = bar_heights(charts.weekly_minutes_by_area(holds).axes[0])
    assert set(heights) == set(expected.columns)
    for area, series in heights.items():
        want = expected[area][expected[area] > 0]
        assert list(series.index) == list(want.index), area
        np.testing.assert_allclose(series.to_numpy(), want.to_numpy(), atol=1e-9)
    total = sum(s.sum() for s in heights.values())
    assert total == pytest.approx(holds["actual_s"].sum() / 60)


def test_weekly_chart_reads_daily_totals_and_weekly_table_alike(catalog, tmp_path):
    """Holds, SessionLog.daily_totals() and SessionLog.weekly_minutes() give the same bars."""
    with SessionLog(tmp_path / "log.sqlite", catalog=catalog) as log:
        _, holds = demo.sample_log(days=40, start=START, seed=5, log=log, stretches=catalog)
        frames = [holds, log.daily_totals(), log.weekly_minutes()]
        drawn = [bar_heights(charts.weekly_minutes_by_area(f).axes[0]) for f in frames]
    with pytest.raises(charts.ChartError, match="weekly_minutes\\(person=...\\)"):
        charts.weekly_minutes_by_area(frames[2], person="Alex")
    for other in drawn[1:]:
        assert set(other) == set(drawn[0])
        for area in drawn[0]:
            pd.testing.assert_series_equal(other[area], drawn[0][area], check_exact=False)


def test_weekly_guideline_is_one_minute_per_area_two_to_three_days(year):
    """The guideline marks 2x and 3x one minute per area stretched that week."""
    _, holds = year
    table = charts.weekly_minutes(holds)
    areas = (table > 0).sum(axis=1)
    areas = areas[areas > 0].to_numpy()
    ax = charts.weekly_minutes_by_area(holds).axes[0]
    lines = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    low, high = (c.get_segments() for c in lines)
    np.testing.assert_allclose([seg[0][1] for seg in low], 2 * areas)
    np.testing.assert_allclose([seg[0][1] for seg in high], 3 * areas)
    assert "2 to 3 days a week" in all_text(ax.figure)


def test_side_balance_bars_equal_left_and_right_sums(year):
    """Left bars (drawn leftwards) and right bars are the summed minutes per stretch."""
    _, holds = year
    sided = holds[holds["side"].isin(["left", "right"])]
    expected = sided.groupby(["name", "side"])["actual_s"].sum().div(60).unstack()
    ax = charts.side_balance(holds).axes[0]
    left, right = ax.containers
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(names) == sorted(expected.index)
    np.testing.assert_allclose([-p.get_width() for p in left], expected.loc[names, "left"])
    np.testing.assert_allclose([p.get_width() for p in right], expected.loc[names, "right"])


def test_side_balance_says_which_side_got_less():
    """A stretch held 20% less on the right is labelled so; an even one says even."""
    rows = []
    for stretch, area, left_s, right_s in (
        ("figure-four-stretch", "hips and glutes", 30.0, 24.0),
        ("lying-hamstring-strap", "hamstrings", 30.0, 30.0),
    ):
        for side, seconds in (("left", left_s), ("right", right_s)):
            rows.append(
                {"stretch_id": stretch, "body_area": area, "side": side, "actual_s": seconds}
            )
    rows.append({"stretch_id": "knee-to-chest", "body_area": "lower back", "side": "both"})
    rows[-1]["actual_s"] = 99.0
    text = all_text(charts.side_balance(pd.DataFrame(rows)))
    assert "right 20% less" in text
    assert "even" in text
    assert "Double knee to chest" not in text  # a both-sides stretch is left out


# -- one colour per area, in every chart ---------------------------------------------------
def test_each_area_keeps_its_colour_in_every_chart(year, catalog):
    """Routine, weekly and side charts paint each area in vocab.AREA_COLOURS."""
    _, holds = year
    seen: dict[str, set[str]] = {}

    routine = Routine.from_stretches(
        [catalog.index[catalog["body_area"] == a][0] for a in BODY_AREAS], name="All areas"
    )
    ax = charts.routine_time_by_area(routine).axes[0]
    for area, patch in zip(BODY_AREAS, ax.containers[0], strict=True):
        seen.setdefault(area, set()).add(hex_of(patch))

    ax = charts.weekly_minutes_by_area(holds).axes[0]
    for bars in area_bars(ax):
        colours = {to_hex(c, keep_alpha=False).upper() for c in bars.get_facecolors()}
        seen.setdefault(bars.get_label(), set()).update(colours)

    table = charts.side_table(holds)
    ax = charts.side_balance(holds).axes[0]
    for container in ax.containers:
        for area, patch in zip(table["body_area"].astype(str), container, strict=True):
            seen.setdefault(area, set()).add(hex_of(patch))

    assert set(seen) == set(BODY_AREAS)
    for area, colours in seen.items():
        assert colours == {AREA_COLOURS[area].upper()}, area


def test_colours_are_distinct_per_area():
    """No two areas share a colour, so a colour always names one area."""
    assert len({c.upper() for c in AREA_COLOURS.values()}) == len(BODY_AREAS)


# -- the calendar and the streak -----------------------------------------------------------
def sessions_on(days: list[str], minutes: float = 8.0) -> pd.DataFrame:
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


def test_current_streak_counts_days_in_a_row():
    """Three days in a row up to the end day make a streak of 3; a gap ends it."""
    sessions = sessions_on(["2026-01-01", "2026-01-03", "2026-01-04", "2026-01-05"])
    assert charts.current_streak(sessions, end="2026-01-05") == 3
    assert charts.current_streak(sessions, end="2026-01-04") == 2
    assert charts.current_streak(sessions, end="2026-01-07") == 0


def test_current_streak_waits_for_today():
    """A day not yet stretched (the end day) does not break yesterday's streak."""
    sessions = sessions_on(["2026-01-03", "2026-01-04"])
    assert charts.current_streak(sessions, end="2026-01-05") == 2


def test_calendar_squares_and_title_match_the_days(year):
    """Coloured squares equal the days stretched; the title gives count and streak."""
    sessions, _ = year
    end = "2025-12-31"
    ax = charts.adherence_calendar(sessions, end=end).axes[0]
    (squares,) = ax.collections
    colours = [to_hex(c).upper() for c in squares.get_facecolors()]
    days = sessions["started_at"].dt.tz_localize(None).dt.normalize()
    stretched = days[days <= end].nunique()
    assert sum(c != "#ECECEC" for c in colours) == stretched
    streak = charts.current_streak(sessions, end=end)
    title = ax.get_title(loc="left")
    assert f"Stretched on {stretched} of " in title
    assert f"current streak: {streak} day" in title


def test_calendar_shades_by_minutes():
    """A 25-minute day is darkest, a 3-minute day lightest, in weekday rows."""
    short = sessions_on(["2026-01-05"], minutes=3)  # Monday
    long = sessions_on(["2026-01-07"], minutes=25)  # Wednesday
    ax = charts.adherence_calendar(pd.concat([short, long]), end="2026-01-07").axes[0]
    (squares,) = ax.collections
    colours = [to_hex(c).upper() for c in squares.get_facecolors()]
    # Squares run day by day up to the end day, so the last three are Mon, Tue, Wed.
    assert colours[-3:] == ["#C7E9B4", "#ECECEC", "#253494"]
    (x, y) = squares.get_paths()[-3].vertices.min(axis=0)
    assert y == 0  # Monday is the top row
    assert x == len(colours) // 7  # in the last week's column


# -- pain trend ----------------------------------------------------------------------------
def pain_log(levels: list[float]) -> pd.DataFrame:
    """One session a day with the given pain before, pain after one point lower."""
    days = [str(d.date()) for d in pd.date_range("2026-01-01", periods=len(levels))]
    sessions = sessions_on(days)
    sessions["pain_before"] = levels
    sessions["pain_after"] = [max(0.0, v - 1) for v in levels]
    return sessions


def has_advice(fig: Figure) -> bool:
    return "talk to a doctor or physiotherapist" in all_text(fig)


def test_pain_marker_after_three_weeks_without_easing():
    """Pain flat at 6 for 5 weeks is flagged on day 22, and the chart shows the advice."""
    sessions = pain_log([6.0] * 35)
    assert charts.PAIN_WEEKS == NOT_EASING_WEEKS == 3  # one figure with the red-flag screen
    assert charts.pain_not_eased_since(sessions) == pd.Timestamp("2026-01-22")
    assert has_advice(render(charts.pain_trend(sessions)))


def test_no_pain_marker_before_three_weeks():
    """Three weeks of unchanged pain is not yet flagged."""
    sessions = pain_log([6.0] * 21)
    assert charts.pain_not_eased_since(sessions) is None
    assert not has_advice(charts.pain_trend(sessions))


def test_no_pain_marker_when_pain_eased_by_two_points():
    """Pain falling from 6 to 3 within two weeks is a meaningful change: no marker."""
    sessions = pain_log([6.0] * 7 + list(np.linspace(6, 3, 7).round()) + [3.0] * 28)
    assert charts.pain_not_eased_since(sessions) is None
    assert not has_advice(charts.pain_trend(sessions))


def test_no_pain_marker_for_mild_pain():
    """Mild pain (2 of 10) that stays put raises no marker."""
    assert charts.pain_not_eased_since(pain_log([2.0] * 40)) is None


def test_pain_marker_follows_the_demo_stories(pair):
    """In the demo, Sam's steady pain is flagged and Alex's easing pain is not."""
    sessions, _ = pair
    assert charts.pain_not_eased_since(sessions, person="Sam") is not None
    assert charts.pain_not_eased_since(sessions, person="Alex") is None
    assert has_advice(charts.pain_trend(sessions, person="Sam"))
    assert not has_advice(charts.pain_trend(sessions, person="Alex"))


def test_pain_band_spans_two_points_around_the_first_week():
    """The shaded band runs from 2 below to 2 above the first week's mean pain."""
    sessions = pain_log([5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0] + [3.0] * 10)
    ax = charts.pain_trend(sessions).axes[0]
    (band,) = ax.patches
    low, high = ax.transData.inverted().transform(band.get_window_extent())[:, 1]
    baseline = np.mean([5.0, 6.0, 5.0, 6.0, 5.0, 6.0, 5.0])
    assert low == pytest.approx(baseline - 2, abs=0.01)
    assert high == pytest.approx(baseline + 2, abs=0.01)


def test_pain_dots_are_the_scores(year):
    """The plotted dots are exactly the logged pain scores, in order."""
    sessions, _ = year
    ax = charts.pain_trend(sessions).axes[0]
    before_dots = ax.lines[0].get_ydata()
    scored = sessions[sessions["pain_before"].notna() | sessions["pain_after"].notna()]
    np.testing.assert_array_equal(before_dots, scored["pain_before"].to_numpy())


def test_pain_chart_without_scores_says_so(year):
    """Sessions with no pain scores give a message, not an exception."""
    sessions, _ = year
    blank = sessions.assign(pain_before=np.nan, pain_after=np.nan)
    assert "No pain scores logged yet" in all_text(render(charts.pain_trend(blank)))


# -- refusing what cannot be drawn ---------------------------------------------------------
def test_several_people_need_a_choice(pair):
    """Mixing people is refused with their names; person= picks one."""
    sessions, holds = pair
    with pytest.raises(charts.ChartError, match="Alex, Sam"):
        charts.pain_trend(sessions)
    with pytest.raises(charts.ChartError, match="person="):
        charts.weekly_minutes_by_area(holds)
    fig = charts.adherence_calendar(sessions, person="Sam", end="2025-03-16")
    assert "Stretched on" in fig.axes[0].get_title(loc="left")


def test_missing_columns_are_named(year):
    """A frame without the needed column fails with a ChartError naming it."""
    _, holds = year
    with pytest.raises(charts.ChartError, match="actual_s"):
        charts.weekly_minutes_by_area(holds.drop(columns=["actual_s"]))
    with pytest.raises(charts.ChartError, match="pain_after"):
        charts.pain_trend(pd.DataFrame({"started_at": [], "pain_before": []}))
    assert issubclass(charts.ChartError, ValueError)


# -- the module stays light and global-state free -----------------------------------------
def test_charts_use_no_pyplot_and_import_matplotlib_lazily():
    """Importing charts loads no matplotlib; drawing every chart never loads pyplot."""
    code = (
        "import sys\n"
        "from backstretch_kit import charts, demo\n"
        "assert 'matplotlib' not in sys.modules, 'imported at module level'\n"
        "s, h = demo.sample_log(days=20, start='2025-01-06')\n"
        "charts.weekly_minutes_by_area(h); charts.adherence_calendar(s, end='2025-01-25')\n"
        "charts.pain_trend(s); charts.side_balance(h)\n"
        "from backstretch_kit.routine import load_routine\n"
        "charts.routine_time_by_area(load_routine('desk-break'))\n"
        "assert 'matplotlib' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_save_demo_charts_writes_readme_sized_pngs(tmp_path):
    """The docs pictures are written as PNGs about 700 to 1200 pixels wide."""
    from matplotlib.image import imread

    written = charts.save_demo_charts(tmp_path)
    assert [p.name for p in written] == [
        "routine-time-by-area.png",
        "weekly-minutes-by-area.png",
        "adherence-calendar.png",
        "pain-trend.png",
        "pain-trend-not-easing.png",
        "side-balance.png",
    ]
    for path in written:
        height, width = imread(path).shape[:2]
        assert 700 <= width <= 1200, path.name
        assert 250 <= height <= 800, path.name
