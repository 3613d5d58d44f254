"""backstretch_kit.words: the one way to say a duration, a dose and a finding's level."""

from __future__ import annotations

import pytest

from backstretch_kit.guidance import FINDING_LEVELS
from backstretch_kit.routine import RoutineItem
from backstretch_kit.words import (
    FINDING_COLOURS,
    FINDING_ICONS,
    FINDING_TITLES,
    dose_text,
    format_duration,
    seconds_text,
)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(0, "0 s"), (0.5, "0.5 s"), (2.25, "2.2 s"), (9.96, "10 s"), (45, "45 s"), (60, "1 min"),
     (90, "1 min 30 s"), (260, "4 min 20 s"), (3600, "1 h"), (3720, "1 h 2 min")],
)  # fmt: skip
def test_durations_read_as_a_person_says_them(seconds: float, said: str) -> None:
    """Whole seconds, minutes and hours; a tenth kept under 10 s for scaled demonstrations."""
    assert format_duration(seconds) == said


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_a_duration_that_is_not_one_is_refused(bad: float) -> None:
    """Negative or non-finite seconds raise ValueError naming the value."""
    with pytest.raises(ValueError, match="duration"):
        format_duration(bad)


def test_seconds_in_a_sentence() -> None:
    """One second is singular; others plural, without trailing zeros."""
    assert [seconds_text(s) for s in (1, 12, 2.5)] == ["1 second", "12 seconds", "2.5 seconds"]


def test_dose_text_in_plain_words() -> None:
    """Doses read as a sentence; a single hold and zero rest say no rest."""
    assert dose_text(RoutineItem("x", 30, 2, "each side", 10)) == (
        "Hold 30 s, 2 times on each side (left side first), resting 10 s between holds."
    )
    assert dose_text(RoutineItem("x", 90, 1, "both together", 10)) == "Hold 1 min 30 s, once."
    assert dose_text(RoutineItem("x", 20, 3, "both together", 0)) == "Hold 20 s, 3 times."


def test_every_finding_level_has_one_title_colour_and_icon() -> None:
    """The three tables cover exactly the checker's levels, so no level reads two ways."""
    for table in (FINDING_TITLES, FINDING_COLOURS, FINDING_ICONS):
        assert set(table) == set(FINDING_LEVELS)
