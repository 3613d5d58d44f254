"""check_routine: a routine's dose and its safety for one person.

The dose figures (after the ACSM, see :mod:`backstretch_kit.guidance`) live here,
beside the one rule that judges by them; programs read them from the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..vocab import BODY_AREAS
from ..words import format_duration, seconds_text
from ._findings import FINDING_LEVELS, Finding
from ._profile import Profile
from ._safety import SAFETY_RULES
from ._screen import screen_red_flags

if TYPE_CHECKING:  # pragma: no cover
    from ..routine import Routine


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
        for rule in SAFETY_RULES:
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
