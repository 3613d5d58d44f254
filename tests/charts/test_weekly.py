"""Tests for backstretch_kit.charts.weekly: the bars and the guideline are the weekly tables."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest

from backstretch_kit import charts, progress
from backstretch_kit.vocab import BODY_AREAS

from ._helpers import all_text


def bar_heights(ax) -> dict[str, pd.Series]:
    """Area -> bar heights by week start, read back from the drawn rectangles."""
    out = {}
    for bars in (c for c in ax.collections if c.get_label() in BODY_AREAS):
        weeks, heights = [], []
        for path in bars.get_paths():
            xs, ys = path.vertices[:, 0], path.vertices[:, 1]
            week = pd.Timestamp(mdates.num2date(xs.min() - 0.5)).tz_localize(None)
            weeks.append(week.normalize())
            heights.append(ys.max() - ys.min())
        out[bars.get_label()] = pd.Series(heights, index=weeks)
    return out


def test_weekly_bars_equal_the_weekly_minutes_table(year):
    """Every stacked segment's height is that week's minutes for that area, and only those."""
    _, holds = year
    table = progress.weekly_minutes(holds)
    heights = bar_heights(charts.weekly_minutes_by_area(holds).axes[0])
    assert set(heights) == {a for a in BODY_AREAS if table[a].sum() > 0}
    for area, series in heights.items():
        want = table[area][table[area] > 0]
        assert list(series.index) == list(want.index), area
        np.testing.assert_allclose(series.to_numpy(), want.to_numpy(), atol=1e-9)
    total = sum(s.sum() for s in heights.values())
    assert total == pytest.approx(holds["actual_s"].sum() / 60)


def test_weekly_chart_draws_a_ready_weekly_table_like_the_holds(year):
    """A weekly table (as SessionLog.weekly_minutes() gives) draws the same bars as the holds."""
    _, holds = year
    from_holds = bar_heights(charts.weekly_minutes_by_area(holds).axes[0])
    from_table = bar_heights(charts.weekly_minutes_by_area(progress.weekly_minutes(holds)).axes[0])
    assert set(from_table) == set(from_holds)
    for area, series in from_holds.items():
        pd.testing.assert_series_equal(from_table[area], series)


def test_weekly_guideline_lines_are_the_weekly_guideline(year):
    """The dashed edges sit at the guideline's low and high for each week stretched."""
    _, holds = year
    guide = progress.weekly_guideline(progress.weekly_minutes(holds))
    guide = guide[guide["areas"] > 0]
    ax = charts.weekly_minutes_by_area(holds).axes[0]
    lines = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    low, high = (c.get_segments() for c in lines)
    np.testing.assert_allclose([seg[0][1] for seg in low], guide["low_min"])
    np.testing.assert_allclose([seg[0][1] for seg in high], guide["high_min"])
    assert "2 to 3 days a week" in all_text(ax.figure)
