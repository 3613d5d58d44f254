"""The person: what matters about them for the safety checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..vocab import BODY_AREAS
from ._findings import GuidanceError
from ._screen import check_answers, check_weeks

#: A Profile's age groups; "older adult" (65 and over) is judged by the longer holds.
AGE_GROUPS: tuple[str, ...] = ("adult", "older adult")

#: The yes/no conditions of a :class:`Profile`, with the words a person would
#: tick, for widgets and notebooks that ask the whole profile.
PROFILE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("flexion_intolerant", "Bending forward makes my back pain worse"),
    ("extension_intolerant", "Bending backward makes my back pain worse"),
    ("leg_pain", "I have pain, tingling or numbness going down a leg"),
    ("osteoporosis", "I have osteoporosis or low bone density"),
    ("pregnancy", "I am pregnant"),
    ("hip_replacement", "I have had a hip replacement"),
    ("neck_problem", "I have a neck problem (pain, injury, or dizziness when moving my head)"),
    ("knee_problem", "Kneeling or bending my knees deeply hurts"),
    ("recent_surgery", "I have had an operation I am still recovering from"),
)


@dataclass(frozen=True)
class Profile:
    """What matters about the person for the safety checks.

    Parameters
    ----------
    age_group : str
        ``"adult"`` or ``"older adult"`` (65 and over).
    flexion_intolerant, extension_intolerant : bool
        Low back pain made worse by bending forward, or backward.
    leg_pain : bool
        Pain, tingling or numbness going down a leg.
    osteoporosis, pregnancy, hip_replacement : bool
        As named.
    neck_problem, knee_problem : bool
        A neck that hurts or makes one dizzy when moved; knees that do not
        tolerate kneeling or deep bending.
    recent_surgery : bool
        An operation the person is still recovering from.
    surgery_areas : tuple of str
        The body areas (:data:`~backstretch_kit.vocab.BODY_AREAS`) the
        operation was on, when known: stretches of those areas are left out
        until the surgeon or physiotherapist clears them. Giving areas implies
        ``recent_surgery``.
    red_flags : dict
        Answers to :data:`RED_FLAGS`, ``{key: bool}``.
    symptom_weeks : float or None
        How many weeks the back pain or stiffness has lasted, if known.
    """

    age_group: str = "adult"
    flexion_intolerant: bool = False
    extension_intolerant: bool = False
    leg_pain: bool = False
    osteoporosis: bool = False
    pregnancy: bool = False
    hip_replacement: bool = False
    neck_problem: bool = False
    knee_problem: bool = False
    recent_surgery: bool = False
    surgery_areas: tuple[str, ...] = ()
    red_flags: Mapping[str, bool] = field(default_factory=dict)
    symptom_weeks: float | None = None

    def __post_init__(self) -> None:
        if self.age_group not in AGE_GROUPS:
            raise GuidanceError(
                f"age_group must be one of {', '.join(map(repr, AGE_GROUPS))}, "
                f"got {self.age_group!r}"
            )
        for name, _words in PROFILE_QUESTIONS:
            if not isinstance(getattr(self, name), bool):
                raise GuidanceError(f"{name} must be True or False, got {getattr(self, name)!r}")
        areas = self.surgery_areas
        if isinstance(areas, str) or not all(isinstance(a, str) for a in areas):
            raise GuidanceError(f"surgery_areas must be a tuple of body areas, got {areas!r}")
        for area in areas:
            if area not in BODY_AREAS:
                raise GuidanceError(
                    f"surgery_areas: unknown body area {area!r}; known: {', '.join(BODY_AREAS)}"
                )
        object.__setattr__(self, "surgery_areas", tuple(areas))
        if areas:
            object.__setattr__(self, "recent_surgery", True)
        check_answers(self.red_flags)
        check_weeks(self.symptom_weeks)

    @property
    def older_adult(self) -> bool:
        """True for the ``"older adult"`` age group."""
        return self.age_group == "older adult"
