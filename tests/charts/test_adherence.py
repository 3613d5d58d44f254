"""Tests for backstretch_kit.charts.adherence: one square a day, shaded by minutes."""

from __future__ import annotations

import pandas as pd

from backstretch_kit import charts, progress

from ._helpers import hex_of


def test_calendar_squares_and_title_match_the_days(year):
    """Coloured squares are the days stretched; the title gives their count and the streak."""
    sessions, _ = year
    end = "2025-12-31"
    ax = charts.adherence_calendar(sessions, end=end).axes[0]
    (squares,) = ax.collections
    colours = [hex_of(c) for c in squares.get_facecolors()]
    stretched = progress.days_stretched(sessions).loc[:end]
    assert sum(c != "#ECECEC" for c in colours) == len(stretched)
    streak = progress.current_streak(sessions, end=end)
    title = ax.get_title(loc="left")
    assert f"Stretched on {len(stretched)} of " in title
    assert f"current streak: {streak} day" in title


def test_calendar_shades_by_minutes():
    """A 25-minute day is darkest, a 3-minute day lightest, in weekday rows, Monday on top."""
    started = pd.to_datetime(["2026-01-05 07:30", "2026-01-07 07:30"]).tz_localize("UTC")
    sessions = pd.DataFrame(
        {"started_at": started, "ended_at": started + pd.to_timedelta([3, 25], unit="min")}
    )  # a Monday and a Wednesday
    ax = charts.adherence_calendar(sessions, end="2026-01-07").axes[0]
    (squares,) = ax.collections
    colours = [hex_of(c) for c in squares.get_facecolors()]
    # Squares run day by day up to the end day, so the last three are Mon, Tue, Wed.
    assert colours[-3:] == ["#C7E9B4", "#ECECEC", "#253494"]
    (x, y) = squares.get_paths()[-3].vertices.min(axis=0)
    assert y == 0  # Monday is the top row
    assert x == len(colours) // 7  # in the last week's column
