"""The red-flag screen: the warning signs, their urgencies, and what to say.

:data:`RED_FLAGS` is the one list every part of the workbook shows;
:func:`screen_red_flags` turns answers into findings, and
:func:`pain_change_advice` says what to do when a session left the pain
clearly higher.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._findings import Finding, GuidanceError

#: Back pain or stiffness lasting longer than this many weeks is worth talking
#: over with a doctor or physiotherapist (the guidance says 3 to 4 weeks: the
#: earlier figure, and the same one in the red-flag screen and the pain chart).
NOT_EASING_WEEKS = 3

#: The smallest change on the 0-10 pain scale that matters to a person with
#: low back pain.
PAIN_CHANGE_THAT_MATTERS = 2


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


def check_answers(answers: Mapping[str, Any]) -> None:
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


def check_weeks(weeks: Any) -> None:
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
    check_answers(answers)
    check_weeks(symptom_weeks)
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
