"""A program's doses week by week: the progression rules checked, then climbed.

:func:`check_progressions` refuses, when a program is made, a rule that asks for
more than the dose guidance, names a stretch in none of the routines, moves a
repeated movement, or doubles another rule. A :class:`DoseLadder` is then the
routines after 0, 1, 2... weeks of progression: a rule never goes past its ceiling
nor below the prescribed dose, and a step that would add a
:func:`~backstretch_kit.guidance.check_routine` caution is not taken (the dose stays
there for the rest of the program). Weeks held by the pain rule do not advance it.
:class:`~backstretch_kit.program.Program` keeps one ladder; nothing here reads a log.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection

from .guidance import Profile, check_routine
from .program_rules import ProgramError, Progression, dose_ceiling
from .routine import Routine

__all__ = ["DoseLadder", "check_progressions", "is_static_hold"]

#: (hold_s, reps) of every item of every routine, in order.
Doses = tuple[tuple[tuple[float, int], ...], ...]


def is_static_hold(routine: Routine, stretch_id: str) -> bool:
    """Whether the catalog doses ``stretch_id`` as a static hold (only those progress)."""
    catalog = routine.catalog
    if "dose_style" not in catalog.columns:
        return True  # a hand-made catalog is judged by the static-hold figures
    return str(catalog.at[stretch_id, "dose_style"]) == "static hold"


def check_progressions(
    routines: tuple[Routine, ...], progressions: tuple[Progression, ...], older_adult: bool
) -> None:
    """Refuse rules past the guidance, on unknown stretches or repeated movements, or doubled.

    Raises :class:`~backstretch_kit.program_rules.ProgramError` naming the rule
    (``progressions[1].up_to``) and the value.
    """
    in_program = {item.stretch_id: r for r in routines for item in r}
    for index, rule in enumerate(progressions):
        field = f"progressions[{index}]"
        ceiling = dose_ceiling(rule.dose, older_adult)
        if rule.up_to is not None and rule.up_to > ceiling:
            unit = " s" if rule.dose == "hold_s" else ""
            raise ProgramError(
                f"up_to {rule.up_to:g}{unit} is past the {ceiling:g}{unit} the dose guidance "
                f"suggests{' for older adults' if older_adult else ''}; a progression stops there",
                field=f"{field}.up_to",
            )
        for stretch_id in rule.stretch_ids:
            if stretch_id not in in_program:
                raise ProgramError(
                    f"{stretch_id!r} is in none of the routines", field=f"{field}.stretch_ids"
                )
            if not is_static_hold(in_program[stretch_id], stretch_id):
                raise ProgramError(
                    f"{stretch_id!r} is a repeated movement: it keeps its own dose",
                    field=f"{field}.stretch_ids",
                )
        for other in progressions[:index]:
            shared = [i for i in in_program if rule.applies_to(i) and other.applies_to(i)]
            if other.dose == rule.dose and shared:
                raise ProgramError(
                    f"a second {rule.dose} rule for {shared[0]!r}; "
                    "give each stretch one rule per dose",
                    field=field,
                )


class DoseLadder:
    """The program's routines after each number of weeks of progression.

    Parameters
    ----------
    routines : tuple of Routine
        As prescribed (the first week's doses).
    progressions : tuple of Progression
        Already passed by :func:`check_progressions`.
    profile : Profile or None
        Sets the ceilings (older adults may hold longer) and the cautions judged.
    weeks : int
        How long the program runs: the ladder has ``weeks`` rungs at most.

    The routines handed out are shared, never to be edited: the program copies
    them for its callers.
    """

    def __init__(
        self,
        routines: tuple[Routine, ...],
        progressions: tuple[Progression, ...],
        profile: Profile | None,
        weeks: int,
    ) -> None:
        self._routines = routines
        self._progressions = progressions
        self._profile = profile
        self._older = profile is not None and profile.older_adult
        self.rungs = self._climb(weeks)

    def steps(self, week: int, held: Collection[int]) -> int:
        """Weeks the progression has advanced by 1-based ``week``: held weeks do not count."""
        return (week - 1) - sum(1 for w in set(held) if w <= week)

    def week(self, week: int, held: Collection[int] = ()) -> tuple[Routine, ...]:
        """The (shared) routines of 1-based ``week``, with ``held`` weeks not advancing."""
        return self.rungs[self.steps(week, held)]

    def _doses(self, steps: int) -> Doses:
        """Every item's (hold_s, reps) after the progression has advanced ``steps`` weeks."""
        # each rule's ceiling: the guidance's for the person, or the rule's own if lower
        rules = [
            (rule, min(dose_ceiling(rule.dose, self._older), rule.up_to or math.inf))
            for rule in self._progressions
        ]
        doses = []
        for routine in self._routines:
            items = []
            for item in routine:
                dose = {"hold_s": item.hold_s, "reps": item.reps}
                if is_static_hold(routine, item.stretch_id):
                    for rule, ceiling in rules:
                        if rule.applies_to(item.stretch_id):
                            raised = dose[rule.dose] + rule.step * (steps // rule.every_weeks)
                            # never past the ceiling, and never below what was prescribed
                            dose[rule.dose] = max(dose[rule.dose], min(raised, ceiling))
                items.append((float(dose["hold_s"]), int(dose["reps"])))
            doses.append(tuple(items))
        return tuple(doses)

    def _build(self, doses: Doses) -> tuple[Routine, ...]:
        built = []
        for routine, items in zip(self._routines, doses, strict=True):
            new = [
                dataclasses.replace(item, hold_s=hold, reps=reps)
                for item, (hold, reps) in zip(routine, items, strict=True)
            ]
            built.append(
                Routine(
                    routine.name, new, routine.notes, routine.catalog,
                    routine.get_ready_s, routine.switch_s, routine.transition_s,
                )
            )  # fmt: skip
        return tuple(built)

    def _cautions(self, routines: tuple[Routine, ...]) -> set[tuple]:
        return {
            (f.level, f.code, f.item, f.body_area, index)
            for index, routine in enumerate(routines)
            for f in check_routine(routine, self._profile)
            if f.level in ("caution", "stop")
        }

    def _climb(self, weeks: int) -> tuple[tuple[Routine, ...], ...]:
        """The routines after 0, 1, 2... weeks of progression (at most ``weeks - 1``)."""
        base = self._build(self._doses(0))
        known = self._cautions(base)
        ladder, last = [base], self._doses(0)
        for steps in range(1, weeks):
            doses = self._doses(steps)
            if doses == last:
                ladder.append(ladder[-1])
                continue
            routines = self._build(doses)
            if self._cautions(routines) - known:
                # one more step would be too much for some body area: the dose stays
                ladder += [ladder[-1]] * (weeks - steps)
                break
            ladder.append(routines)
            last = doses
        return tuple(ladder)
