"""Is this routine a sensible dose, and is it safe for this person?

Pure data and rules, no charts and no widgets: :func:`check_routine` reads a
:class:`~backstretch_kit.routine.Routine` and an optional :class:`Profile` and
returns :class:`Finding` objects, most serious first. Messages are written for
the person who will stretch: plain, calm, and never a diagnosis.

Where the figures come from
---------------------------
- Dose, after the American College of Sports Medicine's flexibility guidance:
  hold each stretch 10 to 30 s (30 to 60 s may help older adults), 2 to 4
  repetitions, about 60 s of stretching per muscle group per session. These
  figures are about *static holds*; a repeated movement (knee to chest 15 s x
  10, chin tuck 5 s x 8) keeps its own dose and is not judged by them. Here a
  muscle group is the stretch's main ``body_area``, and an each-side stretch
  counts once per side (the left and right are different muscles).
- Safety, from common physiotherapy advice: sustained or repeated forward
  bending tends to aggravate flexion-intolerant low back pain, and bending
  backward extension-intolerant pain; loaded or end-range forward bending and
  twisting are avoided with osteoporosis; after a hip replacement, deep hip
  bending, crossing the midline and turning the hip inward wait until the
  surgeon clears them; in later pregnancy, long holds lying flat on the back
  and deep twists are avoided.
- Red flags, in :data:`RED_FLAGS`, each with its urgency: emergency care now,
  a doctor within a day or two (and no stretching until then), or, for back
  pain lasting more than 3 to 4 weeks, a talk with a doctor or physiotherapist.

"Slightly off" gives an ``info`` finding, "far off" a ``caution``; the
thresholds are the module constants below, so tests and notebooks can show
them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .vocab import BODY_AREAS, CAUTIONS
from .words import format_duration, seconds_text

if TYPE_CHECKING:  # pragma: no cover
    from .routine import Routine

__all__ = [
    "AGE_GROUPS",
    "ALL_CLEAR",
    "CAUTION_WORDS",
    "FINDING_LEVELS",
    "NOT_EASING_WEEKS",
    "PAIN_CHANGE_THAT_MATTERS",
    "PROFILE_QUESTIONS",
    "RED_FLAGS",
    "URGENCIES",
    "URGENCY_HEADINGS",
    "Finding",
    "GuidanceError",
    "Profile",
    "RedFlag",
    "check_routine",
    "conflicting_cautions",
    "pain_change_advice",
    "red_flag_table",
    "screen_red_flags",
    "unreachable_cautions",
    "warning_signs_text",
]

#: Finding levels, least to most serious (not the catalog's difficulty levels, vocab.LEVELS).
FINDING_LEVELS: tuple[str, ...] = ("info", "caution", "stop")
AGE_GROUPS: tuple[str, ...] = ("adult", "older adult")

# Dose figures (seconds and counts), for static holds. "Far off" is beyond the outer bounds.
HOLD_RANGE_S = (10.0, 30.0)
HOLD_RANGE_OLDER_S = (30.0, 60.0)
HOLD_FAR_SHORT_S = 5.0  # below this a hold is too brief to stretch anything
HOLD_FAR_LONG_FACTOR = 2.0  # more than twice the upper bound
REPS_RANGE = (2, 4)
REPS_FAR_MANY = 8
AREA_TARGET_S = 60.0
AREA_OK_S = (45.0, 90.0)  # "about 60 s"
AREA_FAR_S = (15.0, 240.0)  # below / above these: a caution

#: Back pain or stiffness lasting longer than this many weeks is worth talking
#: over with a doctor or physiotherapist (the guidance says 3 to 4 weeks: the
#: earlier figure, and the same one in the red-flag screen and the pain chart).
NOT_EASING_WEEKS = 3

#: The smallest change on the 0-10 pain scale that matters to a person with
#: low back pain.
PAIN_CHANGE_THAT_MATTERS = 2


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
        if self.level not in FINDING_LEVELS:
            raise GuidanceError(f"level must be one of {FINDING_LEVELS}, got {self.level!r}")


# -- the red-flag screen ---------------------------------------------------------------------

#: Urgencies of the red-flag screen, most urgent first, with what each asks of the person.
URGENCIES: dict[str, str] = {
    "emergency": "Get emergency care now",
    "doctor soon": "See a doctor within a day or two, and do not stretch until then",
    "talk it over": "Talk to a doctor or physiotherapist",
}

#: The same urgencies as the heading of a list of signs ("... if you have:").
URGENCY_HEADINGS: dict[str, str] = {
    "emergency": "Get emergency care now if you have",
    "doctor soon": "Do not stretch, and see a doctor within a day or two, if you have",
    "talk it over": "Talk to a doctor or physiotherapist if you have",
}

_EMERGENCY = (
    "Stop here and get emergency care now: call your local emergency number (such as "
    "112, 911 or 999) or go to an emergency department. Do not wait to see if it passes, "
    "and do not stretch."
)
_DOCTOR_SOON = (
    "Please do not stretch for now, and see a doctor within a day or two: call your "
    "doctor's practice today to arrange it. If new loss of bladder or bowel control, "
    "numbness between the legs or weakness in both legs appears, get emergency care now."
)


@dataclass(frozen=True)
class RedFlag:
    """One warning sign of the red-flag screen.

    Attributes
    ----------
    key : str
        Stable id, used in answers (``{key: True}``) and finding codes.
    question : str
        The yes/no question shown as a checkbox.
    label : str
        The sign in a few words, for lists (handouts, the README).
    urgency : str
        One of :data:`URGENCIES`.
    message : str
        What to do, shown when the sign is ticked.
    """

    key: str
    question: str
    label: str
    urgency: str
    message: str

    def __post_init__(self) -> None:
        if self.urgency not in URGENCIES:
            raise GuidanceError(f"urgency must be one of {tuple(URGENCIES)}, got {self.urgency!r}")


def _flag(key: str, question: str, label: str, urgency: str) -> RedFlag:
    action = _EMERGENCY if urgency == "emergency" else _DOCTOR_SOON
    return RedFlag(key, question, label, urgency, f"You ticked: {label}. {action}")


#: The red-flag screen, the one list every part of the workbook shows: the screen
#: widget, the guided session, the handouts, the notebooks, ``backstretch play`` and
#: the README (a test keeps them the same). Answer with ``{key: bool}``; a missing
#: key counts as "no". Emergencies first.
RED_FLAGS: tuple[RedFlag, ...] = (
    _flag(
        "bladder_bowel",
        "Have you newly lost control of your bladder or bowels, or found it hard to pass urine?",
        "new loss of bladder or bowel control, or difficulty passing urine",
        "emergency",
    ),
    _flag(
        "saddle_numbness",
        "Is there numbness between your legs or around your bottom (the saddle area)?",
        "numbness between the legs or around the bottom",
        "emergency",
    ),
    _flag(
        "both_legs_weak",
        "Do both of your legs feel weak?",
        "weakness in both legs",
        "emergency",
    ),
    _flag(
        "weakness_worsening_fast",
        "Is weakness in a leg or foot getting worse quickly, over hours or a day or two?",
        "weakness that is getting worse quickly",
        "emergency",
    ),
    _flag(
        "fever_unwell",
        "Do you have a fever, or feel generally unwell, with the back pain?",
        "fever or feeling unwell",
        "doctor soon",
    ),
    _flag(
        "weight_loss",
        "Have you lost weight recently without trying to?",
        "weight loss you cannot explain",
        "doctor soon",
    ),
    _flag(
        "cancer_history",
        "Have you ever had cancer?",
        "a history of cancer",
        "doctor soon",
    ),
    _flag(
        "fall_or_injury",
        "Did the pain start after a fall or an injury (even a small one if you have osteoporosis)?",
        "pain after a fall or an injury",
        "doctor soon",
    ),
    _flag(
        "night_pain",
        "Is the pain worse at night, and not eased by lying still?",
        "pain that is worse at night and not eased by lying still",
        "doctor soon",
    ),
    _flag(
        "new_pain_over_50",
        "Is this back pain new, and are you over 50?",
        "new back pain after the age of 50",
        "doctor soon",
    ),
    _flag(
        "one_leg_worsening",
        "Is weakness or numbness in one leg or foot getting worse?",
        "weakness or numbness in one leg or foot that is getting worse",
        "doctor soon",
    ),
)

#: The third urgency's sign: not a checkbox but the number of weeks so far.
LASTING_PAIN_LABEL = "back pain or stiffness lasting more than 3 to 4 weeks"
LASTING_PAIN_QUESTION = "How many weeks has your back pain or stiffness lasted so far?"


def red_flag_table() -> Any:
    """The red-flag screen as a DataFrame: one row per sign, most urgent first.

    Columns ``urgency`` (what to do, from :data:`URGENCIES`), ``sign`` (the
    short label) and ``question``; the last row is the 3-to-4-weeks rule. For
    notebooks and handouts that show the list.

    Examples
    --------
    >>> table = red_flag_table()
    >>> table.loc[0, "urgency"]
    'Get emergency care now'
    """
    import pandas as pd

    rows = [(URGENCIES[flag.urgency], flag.label, flag.question) for flag in RED_FLAGS]
    rows.append((URGENCIES["talk it over"], LASTING_PAIN_LABEL, LASTING_PAIN_QUESTION))
    return pd.DataFrame(rows, columns=["urgency", "sign", "question"])


def warning_signs_text() -> str:
    """The red-flag screen as plain text, grouped by what to do, most urgent first.

    For notebooks, the terminal and anywhere else the list is read rather than
    ticked.
    """
    lines = []
    for urgency, heading in URGENCY_HEADINGS.items():
        signs = [flag.label for flag in RED_FLAGS if flag.urgency == urgency]
        if urgency == "talk it over":
            signs.append(LASTING_PAIN_LABEL)
        lines.append(f"{heading}:")
        lines += [f"  - {sign}" for sign in signs]
    return "\n".join(lines)


#: What the screen says when nothing was ticked: no more than that, since a
#: checklist cannot say that nothing is wrong.
ALL_CLEAR = "None of these warning signs was ticked."


# -- the person ------------------------------------------------------------------------------

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
        _check_answers(self.red_flags)
        _check_weeks(self.symptom_weeks)

    @property
    def older_adult(self) -> bool:
        """True for the ``"older adult"`` age group."""
        return self.age_group == "older adult"


def _check_answers(answers: Mapping[str, Any]) -> None:
    if not isinstance(answers, Mapping):
        raise GuidanceError(f"red-flag answers must be a dict of key -> bool, got {answers!r}")
    known = {flag.key for flag in RED_FLAGS}
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
    """Turn red-flag answers into findings, most urgent first.

    Each "yes" gives a ``stop`` finding (code ``red-flag-<key>``) carrying
    that sign's own message from :data:`RED_FLAGS`: emergency care now, or a
    doctor within a day or two with no stretching until then. Symptoms lasting
    more than :data:`NOT_EASING_WEEKS` weeks give a ``caution`` (code
    ``symptoms-weeks``) to talk to a doctor or physiotherapist. No answers and
    no weeks give an empty list.

    Raises
    ------
    GuidanceError
        For an unknown question key, a non-boolean answer, or negative weeks.

    Examples
    --------
    >>> [f.code for f in screen_red_flags({"night_pain": True, "bladder_bowel": True})]
    ['red-flag-bladder_bowel', 'red-flag-night_pain']
    """
    _check_answers(answers)
    _check_weeks(symptom_weeks)
    findings = [
        Finding("stop", flag.message, code=f"red-flag-{flag.key}")
        for flag in RED_FLAGS
        if answers.get(flag.key, False)
    ]
    if symptom_weeks is not None and symptom_weeks > NOT_EASING_WEEKS:
        findings.append(
            Finding(
                "caution",
                f"Your back pain or stiffness has lasted about {symptom_weeks:g} weeks. When "
                "it goes on for more than 3 to 4 weeks, talk to a doctor or physiotherapist, "
                "who can check it and tailor your stretches.",
                code="symptoms-weeks",
            )
        )
    return findings


def pain_change_advice(pain_before: float | None, pain_after: float | None) -> str | None:
    """What to say when the pain after a session is clearly higher than before.

    Returns None unless both scores are known and the pain rose by
    :data:`PAIN_CHANGE_THAT_MATTERS` points or more (the smallest change that
    matters to a person with back pain).

    Examples
    --------
    >>> pain_change_advice(3, 4) is None
    True
    >>> pain_change_advice(3, 6).startswith("Your pain is 3 points higher")
    True
    """
    if pain_before is None or pain_after is None:
        return None
    rise = pain_after - pain_before
    if rise < PAIN_CHANGE_THAT_MATTERS:
        return None
    return (
        f"Your pain is {rise:g} points higher than before you started. Next time, ease "
        "off: gentler and shorter holds, and leave out any stretch that made it worse. If "
        "it keeps happening, see a physiotherapist before you go on."
    )


# -- safety rules ----------------------------------------------------------------------------

#: Each caution tag of the catalog in plain words, for handouts and the catalog browser.
CAUTION_WORDS: dict[str, str] = {
    "flexion": "Rounds the lower back forward. Leave it out if bending forward makes your "
    "back pain worse.",
    "extension": "Arches the back. Leave it out if bending backward makes your pain worse.",
    "end-range rotation": "Twists the spine toward its limit. Turn only as far as is "
    "comfortable; with osteoporosis or in pregnancy, leave it out or ask your doctor or "
    "physiotherapist.",
    "osteoporosis": "Loads the spine while it is bent. With osteoporosis or low bone "
    "density, talk to a doctor or physiotherapist first.",
    "pregnancy": "Lies on the back or front, or twists deeply. In pregnancy, especially "
    "from the middle months, ask your midwife, doctor or physiotherapist first.",
    "hip replacement": "Bends the hip deeply, crosses the leg over the middle or turns the "
    "hip inward. After a hip replacement, wait until your surgeon says it is safe.",
    "nerve tension": "Stretches the back of the leg with the leg straight, which also "
    "pulls on the sciatic nerve. With pain or tingling down a leg, choose the lying strap "
    "hamstring stretch instead, and stop if the leg symptoms grow.",
    "neck": "Moves the neck: go gently, and stop if you feel dizzy or tingling in an arm.",
    "knee": "Kneels or bends the knees deeply: pad the knees, and leave it out if they hurt.",
    "balance": "Needs some balance: keep a chair or a wall within reach.",
}


@dataclass(frozen=True)
class _Rule:
    """A profile condition, the caution tags that conflict with it, and what to say."""

    applies: Callable[[Profile], bool]
    tags: frozenset[str]
    level: str
    code: str
    reason: str


def _field(name: str) -> Callable[[Profile], bool]:
    return lambda profile: bool(getattr(profile, name))


_SAFETY_RULES: tuple[_Rule, ...] = (
    _Rule(
        _field("flexion_intolerant"),
        frozenset({"flexion"}),
        "caution",
        "flexion-intolerant",
        "this stretch bends the lower back forward, and sustained or repeated forward "
        "bending tends to aggravate back pain that is worse when bending forward. Leave it "
        "out, or ask your physiotherapist for an alternative.",
    ),
    _Rule(
        _field("extension_intolerant"),
        frozenset({"extension"}),
        "caution",
        "extension-intolerant",
        "this stretch arches the back, and bending backward tends to aggravate back pain "
        "that is worse when bending backward. Leave it out, or ask your physiotherapist for "
        "an alternative.",
    ),
    _Rule(
        _field("leg_pain"),
        frozenset({"nerve tension"}),
        "caution",
        "leg-pain",
        "this stretch pulls on the sciatic nerve with the leg straight, which can flare "
        "pain or tingling down a leg. The lying strap hamstring stretch is a gentler "
        "choice; stop if the leg symptoms grow.",
    ),
    _Rule(
        _field("osteoporosis"),
        frozenset({"osteoporosis", "flexion", "end-range rotation"}),
        "caution",
        "osteoporosis",
        "loaded or end-range forward bending and twisting are usually avoided with "
        "osteoporosis, as they load the bones of the spine. Ask your doctor or "
        "physiotherapist whether this stretch suits you.",
    ),
    _Rule(
        _field("pregnancy"),
        frozenset({"pregnancy", "end-range rotation"}),
        "caution",
        "pregnancy",
        "in pregnancy, long holds lying flat on the back, lying face down and deep twists "
        "are usually avoided, especially from the middle months on. Check with your "
        "midwife, doctor or physiotherapist first.",
    ),
    _Rule(
        _field("hip_replacement"),
        frozenset({"hip replacement"}),
        "stop",
        "hip-replacement",
        "after a hip replacement, deep hip bending, crossing the leg over the middle and "
        "turning the hip inward are avoided until your surgeon says they are safe. Leave "
        "this stretch out until then.",
    ),
    _Rule(
        _field("neck_problem"),
        frozenset({"neck"}),
        "caution",
        "neck-problem",
        "this stretch moves the neck. With a neck problem, go very gently, and leave it out "
        "if it makes you dizzy or sends tingling into an arm; ask your physiotherapist.",
    ),
    _Rule(
        _field("knee_problem"),
        frozenset({"knee"}),
        "caution",
        "knee-problem",
        "this stretch kneels or bends the knees deeply. Pad the knees, or leave it out if "
        "they hurt.",
    ),
    _Rule(
        _field("older_adult"),
        frozenset({"balance"}),
        "info",
        "balance",
        "this stretch asks for some balance: keep a chair or a wall within reach.",
    ),
)


def conflicting_cautions(profile: Profile | None) -> frozenset[str]:
    """The catalog caution tags that conflict with a profile's conditions.

    The same rules :func:`check_routine` applies, so a catalog browser that hides
    these stretches agrees with the routine check. (Stretches of a recently
    operated area are left out by :func:`check_routine` by area, not by tag.)

    Examples
    --------
    >>> sorted(conflicting_cautions(Profile(flexion_intolerant=True)))
    ['flexion']
    """
    if profile is None:
        return frozenset()
    tags: set[str] = set()
    for rule in _SAFETY_RULES:
        if rule.applies(profile):
            tags |= rule.tags
    return frozenset(tags)


def unreachable_cautions() -> frozenset[str]:
    """Caution tags of the vocabulary that no profile condition checks (should be none)."""
    return frozenset(CAUTIONS) - frozenset().union(*(rule.tags for rule in _SAFETY_RULES))


@dataclass(frozen=True)
class _Facts:
    name: str
    body_area: str
    areas: frozenset[str]  # main and secondary
    cautions: frozenset[str]
    dose_style: str


def _stretch_facts(routine: Routine) -> dict[str, _Facts]:
    """The catalog facts the checks need, per stretch of the routine."""
    catalog = routine.catalog
    facts = {}
    for item in routine:
        if item.stretch_id not in facts:
            row = catalog.loc[item.stretch_id]
            cautions = row["cautions"] if "cautions" in catalog.columns else []
            secondary = row["secondary_areas"] if "secondary_areas" in catalog.columns else []
            facts[item.stretch_id] = _Facts(
                name=str(row["name"]),
                body_area=str(row["body_area"]),
                areas=frozenset([str(row["body_area"]), *secondary]),
                cautions=frozenset(cautions),
                # a catalog made by hand without the column is judged by the stricter,
                # static-hold figures: they never stay silent about a dose
                dose_style=str(row["dose_style"])
                if "dose_style" in catalog.columns
                else "static hold",
            )
    return facts


def _hold_findings(index: int, stretch_id: str, name: str, hold: float, older: bool) -> list:
    low, high = HOLD_RANGE_OLDER_S if older else HOLD_RANGE_S
    said = f"{name}: holding for {seconds_text(hold)}"
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
                f"The {area} stretches you hold still add up to about "
                f"{format_duration(seconds)} in this routine, {words} the "
                f"{AREA_TARGET_S:g} seconds or so usually suggested per area. "
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
        The routine to check; its catalog supplies names, areas, caution tags
        and dose styles.
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
    The hold and repetition ranges, and the per-area total, apply to static
    holds only: a repeated movement keeps its catalog dose.
    """
    profile = Profile() if profile is None else profile
    older = profile.older_adult
    findings = screen_red_flags(profile.red_flags, profile.symptom_weeks)
    if profile.recent_surgery and not profile.surgery_areas and len(routine):
        findings.append(
            Finding(
                "caution",
                "You have had surgery recently. Please check with your surgeon or "
                "physiotherapist before starting these stretches, and leave out any stretch "
                "of the operated area until they clear it.",
                code="recent-surgery-routine",
            )
        )
    facts = _stretch_facts(routine)
    operated = frozenset(profile.surgery_areas)
    area_seconds: dict[str, float] = {}
    for index, item in enumerate(routine):
        fact = facts[item.stretch_id]
        name, sid = fact.name, item.stretch_id
        if fact.areas & operated:
            findings.append(
                Finding(
                    "stop",
                    f"{name}: this stretch works the area of your recent operation "
                    f"({', '.join(a for a in BODY_AREAS if a in fact.areas & operated)}). "
                    "Leave it out until your surgeon or physiotherapist says it is fine.",
                    index,
                    sid,
                    "recent-surgery",
                )
            )
        for rule in _SAFETY_RULES:
            if rule.applies(profile) and fact.cautions & rule.tags:
                findings.append(
                    Finding(rule.level, f"{name}: {rule.reason}", index, sid, rule.code)
                )
        if fact.dose_style != "static hold":
            continue  # a repeated movement keeps its own dose
        findings += _hold_findings(index, sid, name, item.hold_s, older)
        findings += _reps_findings(index, sid, name, item.reps)
        area = fact.body_area
        area_seconds[area] = area_seconds.get(area, 0.0) + item.hold_s * item.reps
    ordered = {area: area_seconds[area] for area in BODY_AREAS if area in area_seconds}
    findings += _area_findings(ordered)
    rank = {level: number for number, level in enumerate(reversed(FINDING_LEVELS))}
    return sorted(findings, key=lambda finding: rank[finding.level])
