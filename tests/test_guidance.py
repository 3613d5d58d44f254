"""Tests for backstretch_kit.guidance: dose checks, profile conflicts and the red-flag screen."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from backstretch_kit import vocab
from backstretch_kit.guidance import (
    RED_FLAG_QUESTIONS,
    Finding,
    GuidanceError,
    Profile,
    check_routine,
    screen_red_flags,
)
from backstretch_kit.routine import Routine, RoutineItem, load_routine


def tagged_catalog() -> pd.DataFrame:
    """A small catalog, one stretch per caution tag, in the shape of load_stretches()."""
    rows = [
        ("plain", "Plain stretch", "hamstrings", []),
        ("forward", "Forward bend", "lower back", ["flexion"]),
        ("twist", "Deep twist", "mid back", ["end-range rotation"]),
        ("bones", "Bone-loading stretch", "upper back", ["osteoporosis"]),
        ("on-back", "Long lie on the back", "hips and glutes", ["pregnancy"]),
        ("post-op", "Post-op stretch", "hip flexors", ["recent surgery"]),
        ("wobbly", "Standing balance stretch", "neck", ["balance"]),
    ]
    frame = pd.DataFrame(rows, columns=["stretch_id", "name", "body_area", "cautions"])
    frame = frame.set_index("stretch_id")
    frame["body_area"] = pd.Categorical(
        frame["body_area"], categories=vocab.BODY_AREAS, ordered=True
    )
    frame["sides"] = pd.Categorical(["both together"] * len(rows), categories=vocab.SIDES)
    frame["hold_s"] = 20.0
    frame["reps"] = 3
    frame["rest_s"] = 10.0
    frame["instructions"] = [["Get comfortable.", "Hold gently."] for _ in rows]
    return frame


def routine_of(*doses: tuple[str, float, int]) -> Routine:
    """A routine of (stretch_id, hold_s, reps) items, both sides together."""
    items = [RoutineItem(sid, hold, reps, "both together", 10.0) for sid, hold, reps in doses]
    return Routine("test", items, catalog=tagged_catalog())


def codes(findings: list[Finding], item: int | None = 0) -> dict[str, str]:
    """code -> level for the findings about one item (or the routine, item=None)."""
    return {f.code: f.level for f in findings if f.item == item}


# -- dose ---------------------------------------------------------------------------------
def test_good_dose_says_nothing() -> None:
    """20 s x 3 on one area (60 s) is inside every ACSM figure: no findings."""
    assert check_routine(routine_of(("plain", 20, 3))) == []


@pytest.mark.parametrize(
    ("hold", "expected"),
    [
        (3, {"hold-short": "caution"}),
        (8, {"hold-short": "info"}),
        (10, {}),
        (30, {}),
        (45, {"hold-long": "info"}),
        (90, {"hold-long": "caution"}),
    ],
)
def test_hold_length_for_adults(hold: float, expected: dict[str, str]) -> None:
    """Holds under 10 s or over 30 s are said, far off ones as a caution."""
    findings = check_routine(routine_of(("plain", hold, 2)))
    assert {k: v for k, v in codes(findings).items() if k.startswith("hold")} == expected


@pytest.mark.parametrize(
    ("hold", "expected"),
    [
        (20, {"hold-older-adult": "info"}),
        (30, {}),
        (60, {}),
        (90, {"hold-long": "info"}),
        (150, {"hold-long": "caution"}),
    ],
)
def test_hold_length_for_older_adults(hold: float, expected: dict[str, str]) -> None:
    """For an older adult, holds under 30 s suggest 30 to 60 s, and the upper bound is 60 s."""
    findings = check_routine(routine_of(("plain", hold, 2)), Profile(age_group="older adult"))
    assert {k: v for k, v in codes(findings).items() if k.startswith("hold")} == expected
    if expected.get("hold-older-adult"):
        message = next(f.message for f in findings if f.code == "hold-older-adult")
        assert "older adults" in message and "30 to 60 seconds" in message


@pytest.mark.parametrize(
    ("reps", "expected"),
    [(1, {"reps-few": "info"}), (2, {}), (4, {}), (6, {"reps-many": "info"}),
     (10, {"reps-many": "caution"})],
)  # fmt: skip
def test_repetitions(reps: int, expected: dict[str, str]) -> None:
    """Fewer than 2 or more than 4 repetitions are said; far more is a caution."""
    findings = check_routine(routine_of(("plain", 20, reps)))
    assert {k: v for k, v in codes(findings).items() if k.startswith("reps")} == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([("plain", 10, 1)], ("area-little", "caution")),  # 10 s
        ([("plain", 15, 2)], ("area-little", "info")),  # 30 s
        ([("plain", 30, 2)], None),  # 60 s
        ([("plain", 30, 2), ("plain", 30, 2)], ("area-much", "info")),  # 120 s
        ([("plain", 30, 3)] * 3, ("area-much", "caution")),  # 270 s
    ],
)
def test_seconds_per_body_area(items: list, expected: tuple[str, str] | None) -> None:
    """About 60 s per body area is fine; too little and too much are both said."""
    findings = [f for f in check_routine(routine_of(*items)) if f.code.startswith("area")]
    if expected is None:
        assert findings == []
    else:
        assert [(f.code, f.level, f.body_area, f.item) for f in findings] == [
            (*expected, "hamstrings", None)
        ]


def test_area_counts_each_side_once() -> None:
    """An each-side stretch counts hold x reps once, since each side is its own muscle."""
    catalog = tagged_catalog()
    item = RoutineItem("plain", 30.0, 2, "each side", 10.0)
    findings = check_routine(Routine("sides", [item], catalog=catalog))
    assert [f for f in findings if f.code.startswith("area")] == []


def test_catalog_knee_to_chest_dose_is_flagged() -> None:
    """The catalog's knee-to-chest (15 s x 10) differs from ACSM on purpose and is said."""
    routine = Routine.from_stretches(["knee-to-chest"])
    found = codes(check_routine(routine))
    assert found.get("reps-many") == "caution"


def test_shipped_routines_have_no_caution_for_a_plain_adult() -> None:
    """The ready routines are dosed within ACSM's figures for an adult (info at most)."""
    for name in ("lower-back", "neck-and-upper-back", "desk-break"):
        levels = {f.level for f in check_routine(load_routine(name))}
        assert levels <= {"info"}, name


# -- profile conflicts --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("profile", "stretch", "code", "level", "words"),
    [
        (Profile(flexion_intolerant=True), "forward", "flexion-intolerant", "caution",
         "forward bending tends to aggravate"),
        (Profile(osteoporosis=True), "forward", "osteoporosis", "caution",
         "usually avoided with osteoporosis"),
        (Profile(osteoporosis=True), "twist", "osteoporosis", "caution", "twisting"),
        (Profile(osteoporosis=True), "bones", "osteoporosis", "caution", "osteoporosis"),
        (Profile(pregnancy=True), "on-back", "pregnancy", "caution", "lying flat on the back"),
        (Profile(pregnancy=True), "twist", "pregnancy", "caution", "deep twists"),
        (Profile(recent_surgery=True), "post-op", "recent-surgery", "stop",
         "check with your surgeon or physiotherapist"),
        (Profile(age_group="older adult"), "wobbly", "balance", "info", "chair or a wall"),
    ],
)  # fmt: skip
def test_profile_conflicts(
    profile: Profile, stretch: str, code: str, level: str, words: str
) -> None:
    """A stretch whose caution tags conflict with the profile is flagged with the reason."""
    findings = check_routine(routine_of(("plain", 20, 3), (stretch, 20, 3)), profile)
    matching = [f for f in findings if f.code == code and f.item == 1]
    assert len(matching) == 1
    assert matching[0].level == level and matching[0].stretch_id == stretch
    assert words in matching[0].message
    assert not [f for f in findings if f.code == code and f.item == 0]  # "plain" is untouched


def test_no_conflict_without_the_condition() -> None:
    """The same tagged stretches raise no safety finding for a profile without conditions."""
    all_tagged = [(sid, 20, 3) for sid in tagged_catalog().index]
    findings = check_routine(routine_of(*all_tagged), Profile())
    assert {f.code for f in findings} <= {"area-little", "area-much"}


def test_recent_surgery_also_says_so_for_the_routine() -> None:
    """Recent surgery adds one routine-level caution to check before starting."""
    findings = check_routine(routine_of(("plain", 20, 3)), Profile(recent_surgery=True))
    assert codes(findings, item=None) == {"recent-surgery-routine": "caution"}


def test_findings_are_ordered_most_serious_first() -> None:
    """stop comes before caution, caution before info."""
    profile = Profile(recent_surgery=True, flexion_intolerant=True)
    findings = check_routine(routine_of(("forward", 3, 1), ("post-op", 20, 3)), profile)
    levels = [f.level for f in findings]
    assert levels == sorted(levels, key=["stop", "caution", "info"].index)
    assert levels[0] == "stop" and "info" in levels


# -- red flags ----------------------------------------------------------------------------
def test_red_flag_questions_are_plain_data() -> None:
    """The screen is a list of key, question and level, covering the six red flags."""
    keys = [q.key for q in RED_FLAG_QUESTIONS]
    assert keys == [
        "bladder_bowel", "saddle_numbness", "leg_weakness", "fever", "weight_loss", "night_pain",
    ]  # fmt: skip
    for question in RED_FLAG_QUESTIONS:
        assert question.question.endswith("?") and question.level == "stop"
        assert set(dataclasses.asdict(question)) == {"key", "question", "level"}


@pytest.mark.parametrize("key", [q.key for q in RED_FLAG_QUESTIONS])
def test_each_red_flag_says_stop_and_seek_care(key: str) -> None:
    """Each red flag answered yes gives one calm stop finding saying to seek care now."""
    findings = screen_red_flags({key: True})
    assert [(f.level, f.code) for f in findings] == [("stop", f"red-flag-{key}")]
    assert "seek medical care now" in findings[0].message
    assert "!" not in findings[0].message  # calm: no alarm marks


def test_no_red_flags_no_findings() -> None:
    """All answers no, and short symptoms, give nothing."""
    assert screen_red_flags({q.key: False for q in RED_FLAG_QUESTIONS}, symptom_weeks=2) == []


@pytest.mark.parametrize(("weeks", "said"), [(None, False), (3, False), (3.5, True), (8, True)])
def test_symptom_weeks(weeks: float | None, said: bool) -> None:
    """Symptoms lasting more than 3 weeks advise talking to a doctor or physiotherapist."""
    findings = screen_red_flags({}, symptom_weeks=weeks)
    assert bool(findings) is said
    if said:
        assert findings[0].level == "caution" and findings[0].code == "symptoms-weeks"
        assert "talking to a doctor or physiotherapist" in findings[0].message


def test_check_routine_includes_the_screen() -> None:
    """Red flags and weeks from the profile appear in check_routine, first."""
    profile = Profile(red_flags={"saddle_numbness": True}, symptom_weeks=5)
    findings = check_routine(routine_of(("plain", 20, 3)), profile)
    assert [f.code for f in findings] == ["red-flag-saddle_numbness", "symptoms-weeks"]


@pytest.mark.parametrize(
    ("answers", "weeks", "words"),
    [({"headache": True}, None, "headache"), ({"fever": "yes"}, None, "fever"),
     ({}, -1, "symptom_weeks"), ({}, "long", "symptom_weeks")],
)  # fmt: skip
def test_bad_answers_are_refused(answers: dict, weeks: object, words: str) -> None:
    """Unknown questions, non-boolean answers and bad weeks raise GuidanceError."""
    with pytest.raises(GuidanceError, match=words):
        screen_red_flags(answers, symptom_weeks=weeks)  # type: ignore[arg-type]
    assert issubclass(GuidanceError, ValueError)


def test_bad_profile_is_refused() -> None:
    """A profile with an unknown age group or a non-boolean condition is refused."""
    with pytest.raises(GuidanceError, match="age_group"):
        Profile(age_group="teen")
    with pytest.raises(GuidanceError, match="pregnancy"):
        Profile(pregnancy="no")  # type: ignore[arg-type]
    with pytest.raises(GuidanceError, match="level"):
        Finding("warning", "x")
