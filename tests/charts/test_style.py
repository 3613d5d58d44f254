"""Tests for backstretch_kit.charts._style: one colour per area, and no unknown areas."""

from __future__ import annotations

import pytest

from backstretch_kit.charts import _style as style
from backstretch_kit.vocab import AREA_COLOURS, BODY_AREAS


def test_colours_are_distinct_per_area():
    """No two areas share a colour, so a colour always names one area."""
    assert len({c.upper() for c in AREA_COLOURS.values()}) == len(BODY_AREAS)


def test_an_unknown_area_is_refused_with_the_known_ones():
    """Asking the colour of an area not in the vocabulary names the area and lists the rest."""
    with pytest.raises(KeyError, match="'elbows'.*neck, chest and shoulders"):
        style.area_colour("elbows")


@pytest.mark.parametrize(("amount", "rgb"), [(0.0, (0.0, 0.0, 0.0)), (0.5, (0.5, 0.5, 0.5))])
def test_tint_mixes_with_white(amount, rgb):
    """A tint of 0 keeps the colour; 0.5 is halfway to white."""
    assert style.tint("#000000", amount) == pytest.approx(rgb)
