"""Is this routine a sensible dose, and is it safe for this person?

Pure data and rules, no charts and no widgets: :func:`check_routine` reads a
:class:`~backstretch_kit.routine.Routine` and an optional :class:`Profile` and
returns :class:`Finding` objects, most serious first. Messages are written for
the person who will stretch: plain, calm, and never a diagnosis.

Where the figures come from
---------------------------
- Dose, after the American College of Sports Medicine's flexibility guidance:
  hold each stretch 10 to 30 s (30 to 60 s may help older adults), 2 to 4
  repetitions, about 60 s of stretching per muscle group per session. Here a
  muscle group is the stretch's main ``body_area``, and an each-side stretch
  counts once per side (the left and right are different muscles).
- Safety, from common physiotherapy advice: sustained or repeated forward
  bending tends to aggravate flexion-intolerant low back pain; end-range
  forward bending and twisting are usually avoided with osteoporosis.
- Red flags: new loss of bladder or bowel control, numbness in the saddle
  area, weakness in both legs, fever, unexplained weight loss and pain worse at
  night call for medical care now; back pain lasting more than 3 to 4 weeks is
  worth talking over with a doctor or physiotherapist.

"Slightly off" gives an ``info`` finding, "far off" a ``caution``; the
thresholds are the module constants below, so tests and notebooks can show
them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .routine import format_duration

if TYPE_CHECKING:  # pragma: no cover
    from .routine import Routine

__all__ = [
    "AGE_GROUPS",
    "LEVELS",
    "RED_FLAG_QUESTIONS",
    "Finding",
    "GuidanceError",
    "Profile",
    "RedFlagQuestion",
    "check_routine",
    "conflicting_cautions",
    "screen_red_flags",
]

#: Finding levels, least to most serious.
LEVELS: tuple[str, ...] = ("info", "caution", "stop")
AGE_GROUPS: tuple[str, ...] = ("adult", "older adult")

# Dose figures (seconds and counts). "Far off" is beyond the outer bounds.
HOLD_RANGE_S = (10.0, 30.0)
HOLD_RANGE_OLDER_S = (30.0, 60.0)
HOLD_FAR_SHORT_S = 5.0  # below this a hold is too brief to stretch anything
HOLD_FAR_LONG_FACTOR = 2.0  # more than twice the upper bound
REPS_RANGE = (2, 4)
REPS_FAR_MANY = 8
AREA_TARGET_S = 60.0
AREA_OK_S = (45.0, 90.0)  # "about 60 s"
AREA_FAR_S = (15.0, 240.0)  # below / above these: a caution
SYMPTOM_WEEKS_LIMIT = 3.0


class GuidanceError(ValueError):
    """A profile or red-flag answer is not valid (names the field and the value)."""


@dataclass(frozen=True)
class Finding:
    """One thing :func:`check_routine` has to say about a routine.

    Attributes
    ----------
    level : str
        ``"info"`` (good to know), ``"caution"`` (change something or take
        care) or ``"stop"`` (do not go on; seek advice or care).
    message : str
        A sentence or two the person stretching can read.
    item : int or None
        0-based position of the routine item it concerns; ``None`` for the
        routine as a whole or the red-flag screen.
    stretch_id : str or None
        The stretch it concerns, when it concerns one.
    code : str
        A short stable id for programs and tests, such as ``"hold-short"``.
    body_area : str or None
        The body area, for the per-area dose findings.
    """

    level: str
    message: str
    item: int | None = None
    stretch_id: str | None = None
    code: str = ""
    body_area: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise GuidanceError(f"level must be one of {LEVELS}, got {self.level!r}")


@dataclass(frozen=True)
class RedFlagQuestion:
    """One question of the red-flag screen: answer ``True`` for yes."""

    key: str
    question: str
    level: str = "stop"


#: The red-flag screen, as plain data a notebook can show as checkboxes.
#: Answer with a dict ``{key: bool}``; a missing key counts as "no".
RED_FLAG_QUESTIONS: tuple[RedFlagQuestion, ...] = (
    RedFlagQuestion(
        "bladder_bowel",
        "Have you recently lost control of your bladder or bowels, or found it hard to pass urine?",
    ),
    RedFlagQuestion(
        "saddle_numbness",
        "Is there numbness or tingling between your legs or around your bottom (the saddle area)?",
    ),
    RedFlagQuestion(
        "leg_weakness",
        "Do both of your legs feel weak, or has walking become hard because of weakness?",
    ),
    RedFlagQuestion("fever", "Do you have a fever, or feel hot and shivery, with the back pain?"),
    RedFlagQuestion("weight_loss", "Have you lost weight recently without trying to?"),
    RedFlagQuestion("night_pain", "Is the pain worse at night, even when you lie still?"),
)

_RED_FLAG_SHORT = {
    "bladder_bowel": "a change in bladder or bowel control",
    "saddle_numbness": "numbness between the legs or around the bottom",
    "leg_weakness": "weakness in both legs",
    "fever": "a fever with back pain",
    "weight_loss": "weight loss you cannot explain",
    "night_pain": "pain that is worse at night",
}


@dataclass(frozen=True)
class Profile:
    """What matters about the person for the safety checks.

    Parameters
    ----------
    age_group : str
        ``"adult"`` or ``"older adult"`` (65 and over).
    flexion_intolerant : bool
        Low back pain made worse by bending forward.
    osteoporosis, pregnancy, recent_surgery : bool
        As named; recent surgery means any operation the person is still
        recovering from.
    red_flags : dict
        Answers to :data:`RED_FLAG_QUESTIONS`, ``{key: bool}``.
    symptom_weeks : float or None
        How many weeks the back pain or stiffness has lasted, if known.
    """

    age_group: str = "adult"
    flexion_intolerant: bool = False
    osteoporosis: bool = False
    pregnancy: bool = False
    recent_surgery: bool = False
    red_flags: Mapping[str, bool] = field(default_factory=dict)
    symptom_weeks: float | None = None

    def __post_init__(self) -> None:
        if self.age_group not in AGE_GROUPS:
            raise GuidanceError(
                f"age_group must be one of {', '.join(map(repr, AGE_GROUPS))}, "
                f"got {self.age_group!r}"
            )
        for name in ("flexion_intolerant", "osteoporosis", "pregnancy", "recent_surgery"):
            if not isinstance(getattr(self, name), bool):
                raise GuidanceError(f"{name} must be True or False, got {getattr(self, name)!r}")
        _check_answers(self.red_flags)
        _check_weeks(self.symptom_weeks)


def _check_answers(answers: Mapping[str, Any]) -> None:
    if not isinstance(answers, Mapping):
        raise GuidanceError(f"red-flag answers must be a dict of key -> bool, got {answers!r}")
    known = {question.key for question in RED_FLAG_QUESTIONS}
    for key, value in answers.items():
        if key not in known:
            raise GuidanceError(
                f"unknown red-flag question {key!r}; known: {', '.join(sorted(known))}"
            )
        if not isinstance(value, bool):
            raise GuidanceError(f"red-flag answer {key!r} must be True or False, got {value!r}")


def _check_weeks(weeks: Any) -> None:
    if weeks is None:
        return
    if isinstance(weeks, bool) or not isinstance(weeks, int | float):
        raise GuidanceError(f"symptom_weeks must be a number of weeks, got {weeks!r}")
    if not math.isfinite(weeks) or weeks < 0:
        raise GuidanceError(f"symptom_weeks must be zero or more, got {weeks!r}")


def screen_red_flags(
    answers: Mapping[str, bool], symptom_weeks: float | None = None
) -> list[Finding]:
    """Turn red-flag answers into findings.

    Each "yes" gives a ``stop`` finding (code ``red-flag-<key>``) asking the
    person to stop and seek medical care now. Symptoms lasting more than 3
    weeks give a ``caution`` (code ``symptoms-weeks``) to talk to a doctor or
    physiotherapist. No answers and no weeks give an empty list.

    Raises
    ------
    GuidanceError
        For an unknown question key, a non-boolean answer, or negative weeks.
    """
    _check_answers(answers)
    _check_weeks(symptom_weeks)
    findings = []
    for question in RED_FLAG_QUESTIONS:
        if answers.get(question.key, False):
            findings.append(
                Finding(
                    question.level,
                    f"You mentioned {_RED_FLAG_SHORT[question.key]}. Please leave the "
                    "stretches for now and seek medical care now: call your doctor today, "
                    "or your local urgent care or emergency number if you cannot reach them. "
                    "This does not mean something is badly wrong, but it needs checking "
                    "first.",
                    code=f"red-flag-{question.key}",
                )
            )
    if symptom_weeks is not None and symptom_weeks > SYMPTOM_WEEKS_LIMIT:
        findings.append(
            Finding(
                "caution",
                f"Your back pain or stiffness has lasted about {symptom_weeks:g} weeks. When "
                "it goes on for more than 3 to 4 weeks, it is worth talking to a doctor or "
                "physiotherapist, who can check it and tailor your stretches.",
                code="symptoms-weeks",
            )
        )
    return findings


# -- safety rules: (profile attribute, caution tags that conflict, level, code, reason) ---------
_SAFETY_RULES: tuple[tuple[str, frozenset[str], str, str, str], ...] = (
    (
        "flexion_intolerant",
        frozenset({"flexion"}),
        "caution",
        "flexion-intolerant",
        "this stretch bends the lower back forward, and sustained or repeated forward "
        "bending tends to aggravate back pain that is worse when bending. Leave it out, or "
        "ask your physiotherapist for an alternative.",
    ),
    (
        "osteoporosis",
        frozenset({"osteoporosis", "flexion", "end-range rotation"}),
        "caution",
        "osteoporosis",
        "end-range forward bending and twisting are usually avoided with osteoporosis, as "
        "they load the bones of the spine. Ask your doctor or physiotherapist whether this "
        "stretch suits you.",
    ),
    (
        "pregnancy",
        frozenset({"pregnancy", "end-range rotation"}),
        "caution",
        "pregnancy",
        "in pregnancy, lying flat on the back for long, lying face down and deep twists are "
        "usually avoided, especially from the middle months on. Check with your midwife, "
        "doctor or physiotherapist first.",
    ),
    (
        "recent_surgery",
        frozenset({"recent surgery"}),
        "stop",
        "recent-surgery",
        "please check with your surgeon or physiotherapist before doing this stretch while "
        "you recover from surgery.",
    ),
)


def conflicting_cautions(profile: Profile | None) -> frozenset[str]:
    """The catalog caution tags that conflict with a profile's conditions.

    The same rules :func:`check_routine` applies, so a catalog browser that hides
    these stretches agrees with the routine check.

    Examples
    --------
    >>> sorted(conflicting_cautions(Profile(flexion_intolerant=True)))
    ['flexion']
    """
    if profile is None:
        return frozenset()
    tags: set[str] = set()
    for attribute, conflicts, _level, _code, _reason in _SAFETY_RULES:
        if getattr(profile, attribute):
            tags |= conflicts
    return frozenset(tags)


def _stretch_facts(routine: Routine) -> dict[str, tuple[str, str, frozenset[str]]]:
    """Return stretch_id -> (name, body_area, caution tags) for the routine's stretches."""
    catalog = routine.catalog
    facts = {}
    for item in routine:
        if item.stretch_id not in facts:
            row = catalog.loc[item.stretch_id]
            cautions = row["cautions"] if "cautions" in catalog.columns else []
            facts[item.stretch_id] = (str(row["name"]), str(row["body_area"]), frozenset(cautions))
    return facts


def _seconds_text(seconds: float) -> str:
    return f"{seconds:g} seconds" if seconds != 1 else "1 second"


def _hold_findings(index: int, stretch_id: str, name: str, hold: float, older: bool) -> list:
    low, high = HOLD_RANGE_OLDER_S if older else HOLD_RANGE_S
    said = f"{name}: holding for {_seconds_text(hold)}"
    findings = []
    if hold < HOLD_FAR_SHORT_S:
        findings.append(
            Finding(
                "caution",
                f"{said} is very short for a stretch. Holds of {HOLD_RANGE_S[0]:g} to "
                f"{HOLD_RANGE_S[1]:g} seconds are usually suggested.",
                index,
                stretch_id,
                "hold-short",
            )
        )
    elif hold < HOLD_RANGE_S[0]:
        findings.append(
            Finding(
                "info",
                f"{said} is a little short. Holds of {HOLD_RANGE_S[0]:g} to "
                f"{HOLD_RANGE_S[1]:g} seconds are usually suggested.",
                index,
                stretch_id,
                "hold-short",
            )
        )
    elif older and hold < low:
        findings.append(
            Finding(
                "info",
                f"{said}. For older adults, longer holds of {low:g} to {high:g} seconds are "
                "often suggested, as they may help more.",
                index,
                stretch_id,
                "hold-older-adult",
            )
        )
    elif hold > high * HOLD_FAR_LONG_FACTOR:
        findings.append(
            Finding(
                "caution",
                f"{said} is much longer than the {low:g} to {high:g} seconds usually "
                "suggested. Long holds add little and can leave you sore; consider shorter "
                "holds repeated a few times.",
                index,
                stretch_id,
                "hold-long",
            )
        )
    elif hold > high:
        findings.append(
            Finding(
                "info",
                f"{said} is a little longer than the {low:g} to {high:g} seconds usually "
                "suggested. That is fine if it feels comfortable.",
                index,
                stretch_id,
                "hold-long",
            )
        )
    return findings


def _reps_findings(index: int, stretch_id: str, name: str, reps: int) -> list[Finding]:
    low, high = REPS_RANGE
    times = "time" if reps == 1 else "times"
    if reps < low:
        return [
            Finding(
                "info",
                f"{name} is done once. Doing it {low} to {high} times is usually suggested.",
                index,
                stretch_id,
                "reps-few",
            )
        ]
    if reps > REPS_FAR_MANY:
        level, words = "caution", "many more repetitions than"
    elif reps > high:
        level, words = "info", "a few more repetitions than"
    else:
        return []
    return [
        Finding(
            level,
            f"{name} is done {reps} {times}: {words} the {low} to {high} usually suggested. "
            "Fewer, steady holds are usually enough.",
            index,
            stretch_id,
            "reps-many",
        )
    ]


def _area_findings(seconds_by_area: dict[str, float]) -> list[Finding]:
    findings = []
    for area, seconds in seconds_by_area.items():
        if AREA_OK_S[0] <= seconds <= AREA_OK_S[1]:
            continue
        if seconds < AREA_OK_S[0]:
            level = "caution" if seconds < AREA_FAR_S[0] else "info"
            code, words = "area-little", "less than"
            advice = "A longer hold or one more repetition would bring it closer."
        else:
            level = "caution" if seconds > AREA_FAR_S[1] else "info"
            code, words = "area-much", "more than"
            advice = (
                "That is fine if this area is your focus, but more is not always better; "
                "stop if it starts to feel sore."
            )
        findings.append(
            Finding(
                level,
                f"Your {area} stretches add up to about {format_duration(seconds)} of "
                f"holding in this routine, {words} the {AREA_TARGET_S:g} seconds or so "
                "usually suggested per area. "
                f"{advice}",
                code=code,
                body_area=area,
            )
        )
    return findings


def check_routine(routine: Routine, profile: Profile | None = None) -> list[Finding]:
    """Check a routine's dose and its safety for a person.

    Parameters
    ----------
    routine : Routine
        The routine to check; its catalog supplies names, areas and caution tags.
    profile : Profile, optional
        The person; an adult with nothing to note when not given.

    Returns
    -------
    list of Finding
        Most serious first (stop, caution, info); within a level, red-flag
        screen first, then items in routine order, then body areas in
        vocabulary order. An empty list means nothing to say.

    Notes
    -----
    Some catalog doses differ from ACSM's figures on purpose (a knee-to-chest
    stretch is often done as 15 s x 10); findings for them are expected.
    """
    from .vocab import BODY_AREAS

    profile = Profile() if profile is None else profile
    older = profile.age_group == "older adult"
    findings = screen_red_flags(profile.red_flags, profile.symptom_weeks)
    if profile.recent_surgery and len(routine):
        findings.append(
            Finding(
                "caution",
                "You have had surgery recently. Please check with your surgeon or "
                "physiotherapist before starting these stretches, and start gently.",
                code="recent-surgery-routine",
            )
        )
    facts = _stretch_facts(routine)
    area_seconds: dict[str, float] = {}
    for index, item in enumerate(routine):
        name, area, cautions = facts[item.stretch_id]
        for attribute, tags, level, code, reason in _SAFETY_RULES:
            if getattr(profile, attribute) and cautions & tags:
                findings.append(Finding(level, f"{name}: {reason}", index, item.stretch_id, code))
        if older and "balance" in cautions:
            findings.append(
                Finding(
                    "info",
                    f"{name} asks for some balance: keep a chair or a wall within reach.",
                    index,
                    item.stretch_id,
                    "balance",
                )
            )
        findings += _hold_findings(index, item.stretch_id, name, item.hold_s, older)
        findings += _reps_findings(index, item.stretch_id, name, item.reps)
        area_seconds[area] = area_seconds.get(area, 0.0) + item.hold_s * item.reps
    ordered = {area: area_seconds[area] for area in BODY_AREAS if area in area_seconds}
    findings += _area_findings(ordered)
    rank = {level: number for number, level in enumerate(reversed(LEVELS))}
    return sorted(findings, key=lambda finding: rank[finding.level])
