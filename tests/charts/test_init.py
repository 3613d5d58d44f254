"""Tests for backstretch_kit.charts itself: what every chart promises, and the public face."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from matplotlib.figure import Figure

from backstretch_kit import charts, progress
from backstretch_kit.routine import Routine
from backstretch_kit.vocab import AREA_COLOURS, BODY_AREAS

from ._helpers import all_text, hex_of, render

#: Each log chart, called the way a notebook does, and what it says with no data.
LOG_CHARTS = {
    "weekly": (lambda s, h, **kw: charts.weekly_minutes_by_area(h, **kw), "No stretching"),
    "calendar": (lambda s, h, **kw: charts.adherence_calendar(s, **kw), "No stretching"),
    "pain": (lambda s, h, **kw: charts.pain_trend(s, **kw), "No pain scores"),
    "sides": (lambda s, h, **kw: charts.side_balance(h, **kw), "No stretches done one side"),
}


def sized(year: tuple[pd.DataFrame, pd.DataFrame], size: str) -> tuple[pd.DataFrame, ...]:
    """The year's log, just its first session, or nothing."""
    sessions, holds = year
    if size == "empty":
        return sessions.iloc[:0], holds.iloc[:0]
    if size == "tiny":
        first = sessions.iloc[:1]
        return first, holds[holds["session_id"] == first["session_id"].iloc[0]]
    return sessions, holds


@pytest.mark.parametrize("size", ["empty", "tiny", "year"])
@pytest.mark.parametrize("chart", sorted(LOG_CHARTS))
def test_log_charts_draw_for_empty_tiny_and_a_year(year, chart, size):
    """Each log chart draws with no data (saying so, calmly), one session, and a year."""
    sessions, holds = sized(year, size)
    draw, empty_words = LOG_CHARTS[chart]
    end = None if size == "empty" else str(sessions["started_at"].max().date())
    fig = render(draw(sessions, holds, end=end) if chart == "calendar" else draw(sessions, holds))
    text = all_text(fig)
    if size == "empty":
        assert empty_words in text and "logged yet" in text
        assert not fig.axes[0].axison
    else:
        assert fig.axes[0].axison
        assert "logged yet" not in text


def test_charts_draw_on_a_given_axes(year):
    """Given an Axes, a chart draws there and returns that Axes' Figure."""
    sessions, holds = year
    fig = Figure(figsize=(10, 12))
    axes = fig.subplots(len(LOG_CHARTS), 1)
    for ax, (draw, _) in zip(axes, LOG_CHARTS.values(), strict=True):
        assert draw(sessions, holds, ax=ax) is fig
    render(fig)
    assert all(ax.has_data() for ax in axes)


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
    for bars in (c for c in ax.collections if c.get_label() in BODY_AREAS):
        seen.setdefault(bars.get_label(), set()).update(map(hex_of, bars.get_facecolors()))

    table = charts.side_table(holds)
    ax = charts.side_balance(holds).axes[0]
    for container in ax.containers:
        for area, patch in zip(table["body_area"].astype(str), container, strict=True):
            seen.setdefault(area, set()).add(hex_of(patch))

    assert set(seen) == set(BODY_AREAS)
    for area, colours in seen.items():
        assert colours == {AREA_COLOURS[area].upper()}, area


@pytest.mark.parametrize("chart", ["weekly", "pain", "sides"])
def test_several_people_need_a_choice(pair, chart):
    """A chart of two people's data is refused with their names; person= picks one."""
    sessions, holds = pair
    draw, _ = LOG_CHARTS[chart]
    with pytest.raises(charts.ChartError, match="Alex, Sam"):
        draw(sessions, holds)
    assert render(draw(sessions, holds, person="Sam")).axes[0].axison


def test_calendar_picks_one_person(pair):
    """The calendar of one of two people draws their days."""
    sessions, _ = pair
    fig = charts.adherence_calendar(sessions, person="Sam", end="2025-03-16")
    assert "Stretched on" in fig.axes[0].get_title(loc="left")


@pytest.mark.parametrize(
    ("chart", "frame", "missing"),
    [
        ("weekly", {"started_at": [], "body_area": []}, "actual_s"),
        ("pain", {"started_at": [], "pain_before": []}, "pain_after"),
        ("calendar", {"ended_at": []}, "started_at"),
    ],
)
def test_missing_columns_are_named(chart, frame, missing):
    """A frame without a needed column fails with a ChartError naming it."""
    draw, _ = LOG_CHARTS[chart]
    frame = pd.DataFrame(frame)
    with pytest.raises(charts.ChartError, match=missing):
        draw(frame, frame)


def test_chart_error_is_the_tables_error():
    """ChartError is progress.ProgressError, a ValueError: charts refuse what their tables do."""
    assert charts.ChartError is progress.ProgressError
    assert issubclass(charts.ChartError, ValueError)


def test_the_public_names_stay_the_same():
    """charts exports the names notebooks, widgets and tests use, and the figures beside them."""
    assert sorted(charts.__all__) == sorted(
        [
            "ChartError", "MEANINGFUL_CHANGE", "PAIN_WEEKS", "adherence_calendar",
            "current_streak", "pain_not_eased_since", "pain_trend", "routine_time_by_area",
            "save_demo_charts", "side_balance", "side_table", "weekly_minutes",
            "weekly_minutes_by_area",
        ]
    )  # fmt: skip
    assert all(callable(getattr(charts, name)) for name in charts.__all__ if name.islower())
    assert (charts.PAIN_PRESENT, charts.GUIDE_S_PER_AREA, charts.GUIDE_DAYS) == (3.0, 60.0, (2, 3))
    assert "{weeks}" in charts.PAIN_ADVICE


def test_tables_need_no_matplotlib_and_charts_never_load_pyplot():
    """Importing charts and building every table loads no matplotlib; drawing never loads pyplot."""
    code = (
        "import sys\n"
        "from backstretch_kit import charts, demo, progress\n"
        "s, h = demo.sample_log(days=20, start='2025-01-06')\n"
        "progress.weekly_guideline(progress.weekly_minutes(h)); progress.side_table(h)\n"
        "progress.current_streak(s); progress.pain_not_eased_since(s)\n"
        "assert 'matplotlib' not in sys.modules, 'imported without drawing'\n"
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
