"""Tests for backstretch_kit.charts.routine_time: a routine's minutes per body area."""

from __future__ import annotations

import numpy as np

from backstretch_kit import charts
from backstretch_kit.routine import Routine, format_duration, load_routine
from backstretch_kit.vocab import BODY_AREAS

from ._helpers import all_text, render


def test_routine_chart_draws_for_empty_and_real_routines(catalog):
    """A routine with no stretches gets a calm message; a shipped one draws two bars per area."""
    fig = render(charts.routine_time_by_area(Routine("Nothing yet", catalog=catalog)))
    assert "This routine has no stretches yet" in all_text(fig)
    fig = render(charts.routine_time_by_area(load_routine("desk-break", catalog=catalog)))
    assert len(fig.axes[0].patches) == 2 * len(BODY_AREAS)


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
