"""A program's dose ladder: held weeks do not climb, rungs are shared, copies go out."""

from __future__ import annotations

import pytest

from backstretch_kit.catalog import load_stretches
from backstretch_kit.program import Progression
from backstretch_kit.program_doses import DoseLadder, check_progressions, is_static_hold
from backstretch_kit.program_rules import ProgramError
from backstretch_kit.routine import Routine


@pytest.fixture(scope="module")
def routine() -> Routine:
    routine = Routine.from_stretches(["lying-spinal-twist", "knee-to-chest"], load_stretches())
    routine.change(0, hold_s=20, reps=2)
    return routine


def holds(routines: tuple[Routine, ...]) -> list[float]:
    return [item.hold_s for item in routines[0]]


def test_each_week_climbs_one_step_and_held_weeks_do_not(routine):
    """+5 s a week up to 30 s; a held week (named twice or not) repeats the week before."""
    ladder = DoseLadder((routine,), (Progression("hold_s", 5, up_to=30),), None, weeks=4)
    first = routine[0].hold_s
    assert [holds(ladder.week(w))[0] for w in (1, 2, 3, 4)] == [first, first + 5, 30, 30]
    assert ladder.steps(3, held=[2, 2]) == 1
    assert holds(ladder.week(3, held={2})) == holds(ladder.week(2))


def test_a_repeated_movement_keeps_its_dose(routine):
    """knee-to-chest is a repeated movement: no rule may name it, and none moves it."""
    assert not is_static_hold(routine, "knee-to-chest")
    with pytest.raises(ProgramError, match="repeated movement"):
        check_progressions(
            (routine,), (Progression("hold_s", 5, stretch_ids=("knee-to-chest",)),), False
        )
    ladder = DoseLadder((routine,), (Progression("hold_s", 5, up_to=30),), None, weeks=3)
    assert holds(ladder.week(3))[1] == routine[1].hold_s


def test_a_catalog_without_dose_styles_counts_as_static_holds(routine):
    """A hand-made catalog with no dose_style column is judged by the static-hold figures."""
    plain = Routine.from_stretches(["knee-to-chest"], routine.catalog.drop(columns=["dose_style"]))
    assert is_static_hold(plain, "knee-to-chest")


def test_unchanged_weeks_share_one_rung(routine):
    """Once the ceiling is reached the same routine objects are handed out, not rebuilt."""
    ladder = DoseLadder((routine,), (Progression("hold_s", 5, up_to=25),), None, weeks=5)
    assert ladder.week(4) is ladder.week(5)
    assert len(ladder.rungs) == 5
