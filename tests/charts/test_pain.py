"""Tests for backstretch_kit.charts.pain: dots, averages, the 2-point band and the marker."""

from __future__ import annotations

import numpy as np
import pytest

from backstretch_kit import charts, progress

from ._helpers import all_text, render


def has_advice(fig) -> bool:
    return "talk to a doctor or physiotherapist" in all_text(fig)


@pytest.mark.parametrize("person", ["Alex", "Sam"])
def test_pain_marker_shows_where_the_table_flags_pain(pair, person):
    """The advice marker appears exactly when pain_not_eased_since flags the person (Sam)."""
    sessions, _ = pair
    flagged = progress.pain_not_eased_since(sessions, person=person)
    assert (flagged is not None) == (person == "Sam")
    assert has_advice(render(charts.pain_trend(sessions, person=person))) == (person == "Sam")


def test_pain_band_spans_two_points_around_the_first_week(pair):
    """The shaded band runs from 2 below to 2 above the first week's mean pain before."""
    sessions, _ = pair
    own = sessions[sessions["person"] == "Alex"]
    ax = charts.pain_trend(own).axes[0]
    (band,) = ax.patches
    low, high = ax.transData.inverted().transform(band.get_window_extent())[:, 1]
    baseline = progress.pain_baseline(progress.daily_pain(own, "pain_before"))
    assert low == pytest.approx(max(0.0, baseline - 2), abs=0.01)
    assert high == pytest.approx(min(10.0, baseline + 2), abs=0.01)


def test_pain_dots_are_the_scores(year):
    """The plotted dots are exactly the logged pain scores, in order."""
    sessions, _ = year
    ax = charts.pain_trend(sessions).axes[0]
    scored = sessions[sessions["pain_before"].notna() | sessions["pain_after"].notna()]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), scored["pain_before"].to_numpy())


def test_pain_chart_without_scores_says_so(year):
    """Sessions with no pain scores give a message, not an exception."""
    sessions, _ = year
    blank = sessions.assign(pain_before=np.nan, pain_after=np.nan)
    assert "No pain scores logged yet" in all_text(render(charts.pain_trend(blank)))
