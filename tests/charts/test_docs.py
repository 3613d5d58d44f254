"""Tests for backstretch_kit.charts._docs: the pictures in docs/charts."""

from __future__ import annotations

from matplotlib.image import imread

from backstretch_kit import charts


def test_save_demo_charts_writes_readme_sized_pngs(tmp_path):
    """The docs pictures are written as PNGs about 700 to 1200 pixels wide."""
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
