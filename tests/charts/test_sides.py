"""Tests for backstretch_kit.charts.sides: left against right, and the notes on the gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backstretch_kit import charts, progress
from backstretch_kit.charts.sides import balance_note

from ._helpers import all_text


def test_side_balance_bars_are_the_side_table(year):
    """Left bars (drawn leftwards) and right bars are side_table's minutes, row by row."""
    _, holds = year
    table = progress.side_table(holds)
    ax = charts.side_balance(holds).axes[0]
    left, right = ax.containers
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table["name"])
    np.testing.assert_allclose([-p.get_width() for p in left], table["left_min"])
    np.testing.assert_allclose([p.get_width() for p in right], table["right_min"])


def test_side_balance_says_which_side_got_less():
    """A stretch held 20% less on the right is labelled so; an even one says even."""
    holds = pd.DataFrame(
        [
            ("figure-four-stretch", "hips and glutes", "left", 30.0),
            ("figure-four-stretch", "hips and glutes", "right", 24.0),
            ("lying-hamstring-strap", "hamstrings", "left", 30.0),
            ("lying-hamstring-strap", "hamstrings", "right", 30.0),
            ("knee-to-chest", "lower back", "both", 99.0),
        ],
        columns=["stretch_id", "body_area", "side", "actual_s"],
    )
    text = all_text(charts.side_balance(holds))
    assert "right 20% less" in text
    assert "even" in text
    assert "Double knee to chest" not in text  # a both-sides stretch is left out


@pytest.mark.parametrize(
    ("left", "right", "note"),
    [
        (3.0, 2.4, ("right 20% less", True)),
        (1.0, 2.0, ("left 50% less", True)),
        (3.0, 2.9, ("even", False)),  # 3%: within the 5% allowed
        (0.0, 0.0, ("even", False)),
    ],
)
def test_balance_note_names_the_side_with_less(left, right, note):
    """Over a 5% gap the side with less is named with its share; otherwise it is even."""
    assert balance_note(left, right) == note
