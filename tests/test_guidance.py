"""Tests for backstretch_kit.guidance: dose checks, profile conflicts and the red-flag screen."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from backstretch_kit import vocab
from backstretch_kit.catalog import load_stretches
from backstretch_kit.guidance import (
    ALL_CLEAR,
    CAUTION_WORDS,
    PROFILE_QUESTIONS,
    RED_FLAGS,
    URGENCIES,
    Finding,
    GuidanceError,
    Profile,
    check_routine,
    conflicting_cautions,
    pain_change_advice,
    red_flag_table,
    screen_red_flags,
    unreachable_cautions,
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
        ("wobbly", "Standing balance stretch", "neck", ["balance"]),
        ("arch", "Back arch", "lower back", ["extension"]),
        ("long-sit", "Long-sitting fold", "hamstrings", ["nerve tension"]),
        ("deep-hip", "Deep hip bend", "hips and glutes", ["hip replacement"]),
        ("head-turn", "Neck turn", "neck", ["neck"]),
        ("kneel", "Kneeling stretch", "hip flexors", ["knee"]),
        ("repeat", "Repeated movement", "lower back", []),
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
    frame["secondary_areas"] = [["mid back"] if sid == "twist" else [] for sid, *_ in rows]
    styles = ["repeated movement" if sid == "repeat" else "static hold" for sid, *_ in rows]
    frame["dose_style"] = pd.Categorical(styles, categories=vocab.DOSE_STYLES, ordered=True)
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


def test_a_repeated_movement_keeps_its_own_dose() -> None:
    """5 s x 10 of a repeated movement raises no hold, reps or area finding; as a hold it would."""
    assert check_routine(routine_of(("repeat", 5, 10))) == []
    as_hold = codes(check_routine(routine_of(("plain", 5, 10))))
    assert as_hold == {"hold-short": "info", "reps-many": "caution"}


def test_area_total_counts_static_holds_only() -> None:
    """Repeated movements do not add to an area's held time: 60 s of holds stays 'about 60'."""
    findings = check_routine(routine_of(("arch", 30, 2), ("repeat", 15, 10)))
    assert [f for f in findings if f.code.startswith("area")] == []


def test_the_seeds_doses_raise_no_dose_finding() -> None:
    """Knee to chest 15 s x 10, neck to the opposite knee 5 s x 5, upper-back head stretch."""
    seed = ["knee-to-chest", "neck-to-opposite-knee", "seated-upper-back-head-stretch"]
    catalog = load_stretches()
    for stretch_id in seed:
        findings = check_routine(Routine.from_stretches([stretch_id], catalog))
        dose = [f for f in findings if f.code.startswith(("hold", "reps"))]
        assert dose == [], stretch_id
    assert tuple(catalog.loc["knee-to-chest", ["hold_s", "reps"]]) == (15.0, 10)
    assert tuple(catalog.loc["neck-to-opposite-knee", ["hold_s", "reps"]]) == (5.0, 5)
    assert 10 <= catalog.loc["seated-upper-back-head-stretch", "hold_s"] <= 20


@pytest.mark.parametrize("name", ["lower-back", "neck-and-upper-back", "desk-break"])
def test_ready_routines_raise_no_caution_for_a_person_with_no_profile(name: str) -> None:
    """The ready routines follow the catalog's doses: nothing above info with no profile."""
    levels = {f.level for f in check_routine(load_routine(name))}
    assert levels <= {"info"}, name


def test_every_caution_tag_is_checked_by_some_profile_condition() -> None:
    """No caution tag of the vocabulary is unreachable, and each has plain words."""
    assert unreachable_cautions() == frozenset()
    assert set(CAUTION_WORDS) == set(vocab.CAUTIONS)
    tags = set()
    for name, _words in PROFILE_QUESTIONS:
        tags |= conflicting_cautions(Profile(**{name: True}))
    tags |= conflicting_cautions(Profile(age_group="older adult"))
    assert tags == set(vocab.CAUTIONS)


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
        (Profile(age_group="older adult"), "wobbly", "balance", "info", "chair or a wall"),
        (Profile(extension_intolerant=True), "arch", "extension-intolerant", "caution",
         "bending backward tends to aggravate"),
        (Profile(leg_pain=True), "long-sit", "leg-pain", "caution", "lying strap hamstring"),
        (Profile(hip_replacement=True), "deep-hip", "hip-replacement", "stop",
         "until your surgeon says they are safe"),
        (Profile(neck_problem=True), "head-turn", "neck-problem", "caution", "dizzy"),
        (Profile(knee_problem=True), "kneel", "knee-problem", "caution", "Pad the knees"),
        (Profile(surgery_areas=("hip flexors",)), "kneel", "recent-surgery", "stop",
         "Leave it out until your surgeon or physiotherapist"),
        (Profile(surgery_areas=("mid back",)), "twist", "recent-surgery", "stop",
         "area of your recent operation (mid back)"),
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


def test_recent_surgery_with_no_area_says_so_for_the_routine() -> None:
    """Recent surgery, area not given, adds one routine-level caution to check first."""
    findings = check_routine(routine_of(("plain", 20, 3)), Profile(recent_surgery=True))
    assert codes(findings, item=None) == {"recent-surgery-routine": "caution"}
    assert codes(findings) == {}


def test_recent_surgery_of_an_area_leaves_out_only_that_area() -> None:
    """With the operated area known, its stretches get a stop and the others nothing."""
    profile = Profile(surgery_areas=("lower back",))
    assert profile.recent_surgery is True
    findings = check_routine(routine_of(("plain", 20, 3), ("forward", 20, 3)), profile)
    assert [(f.code, f.item) for f in findings if f.level == "stop"] == [("recent-surgery", 1)]
    assert codes(findings, item=None) == {}


def test_surgery_areas_must_be_body_areas() -> None:
    """A misspelt operated area is refused, naming the field and the value."""
    with pytest.raises(GuidanceError, match="surgery_areas.*'low back'"):
        Profile(surgery_areas=("low back",))
    with pytest.raises(GuidanceError, match="surgery_areas"):
        Profile(surgery_areas="lower back")  # type: ignore[arg-type]


def test_findings_are_ordered_most_serious_first() -> None:
    """stop comes before caution, caution before info."""
    profile = Profile(surgery_areas=("hip flexors",), flexion_intolerant=True)
    findings = check_routine(routine_of(("forward", 3, 1), ("kneel", 20, 3)), profile)
    levels = [f.level for f in findings]
    assert levels == sorted(levels, key=["stop", "caution", "info"].index)
    assert levels[0] == "stop" and "info" in levels


# -- red flags ----------------------------------------------------------------------------
EMERGENCY = ["bladder_bowel", "saddle_numbness", "both_legs_weak", "weakness_worsening_fast"]
DOCTOR_SOON = [
    "fever_unwell", "weight_loss", "cancer_history", "fall_or_injury", "night_pain",
    "new_pain_over_50", "one_leg_worsening",
]  # fmt: skip


def test_red_flags_are_one_table_with_an_urgency_each() -> None:
    """The screen is plain data: emergencies first, then the signs that need a doctor soon."""
    assert [f.key for f in RED_FLAGS] == EMERGENCY + DOCTOR_SOON
    for flag in RED_FLAGS:
        assert flag.question.endswith("?") and flag.label and flag.message
        assert flag.urgency == ("emergency" if flag.key in EMERGENCY else "doctor soon")
        assert set(dataclasses.asdict(flag)) == {"key", "question", "label", "urgency", "message"}


@pytest.mark.parametrize("key", EMERGENCY)
def test_an_emergency_sign_sends_to_emergency_care_with_no_reassurance(key: str) -> None:
    """Cauda equina signs and fast-worsening weakness: emergency care now, nothing softer."""
    findings = screen_red_flags({key: True})
    assert [(f.level, f.code) for f in findings] == [("stop", f"red-flag-{key}")]
    message = findings[0].message
    assert "emergency care now" in message and "emergency department" in message
    for soothing in ("does not mean", "badly wrong", "today", "physiotherapist"):
        assert soothing not in message
    assert "!" not in message  # calm: no alarm marks


@pytest.mark.parametrize("key", DOCTOR_SOON)
def test_a_doctor_soon_sign_says_no_stretching_and_a_doctor_within_days(key: str) -> None:
    """The other signs: do not stretch, see a doctor within a day or two, and when to go now."""
    findings = screen_red_flags({key: True})
    assert [(f.level, f.code) for f in findings] == [("stop", f"red-flag-{key}")]
    message = findings[0].message
    assert "do not stretch" in message and "doctor within a day or two" in message
    assert "emergency care now" in message  # the safety net: what would change that
    assert "does not mean" not in message


def test_emergencies_come_first_whatever_order_they_are_ticked_in() -> None:
    """Ticked together, the emergency's message is the first thing said."""
    findings = screen_red_flags({"night_pain": True, "saddle_numbness": True})
    assert [f.code for f in findings] == ["red-flag-saddle_numbness", "red-flag-night_pain"]


def test_no_red_flags_no_findings_and_an_all_clear_that_claims_nothing() -> None:
    """All answers no, and short symptoms, give nothing; the all-clear only says so."""
    assert screen_red_flags({f.key: False for f in RED_FLAGS}, symptom_weeks=2) == []
    assert ALL_CLEAR == "None of these warning signs was ticked."


@pytest.mark.parametrize(("weeks", "said"), [(None, False), (3, False), (3.5, True), (8, True)])
def test_symptom_weeks(weeks: float | None, said: bool) -> None:
    """Symptoms lasting more than 3 weeks advise talking to a doctor or physiotherapist."""
    findings = screen_red_flags({}, symptom_weeks=weeks)
    assert bool(findings) is said
    if said:
        assert findings[0].level == "caution" and findings[0].code == "symptoms-weeks"
        assert "talk to a doctor or physiotherapist" in findings[0].message


def test_red_flag_table_lists_every_sign_and_the_weeks_rule() -> None:
    """The table notebooks and handouts show: every sign with its urgency, then 3-4 weeks."""
    table = red_flag_table()
    assert list(table["sign"][:-1]) == [f.label for f in RED_FLAGS]
    assert list(table["urgency"][:-1]) == [URGENCIES[f.urgency] for f in RED_FLAGS]
    assert table["urgency"].iloc[-1] == URGENCIES["talk it over"]
    assert "3 to 4 weeks" in table["sign"].iloc[-1]


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [(3, 5, True), (3, 4, False), (5, 2, False), (None, 8, False), (0, 10, True)],
)
def test_pain_up_two_points_or_more_gets_advice(before, after, said: bool) -> None:
    """A rise of 2 or more points says to ease off and see a physiotherapist if it recurs."""
    advice = pain_change_advice(before, after)
    assert (advice is not None) is said
    if said:
        assert "ease off" in advice and "see a physiotherapist" in advice


def test_check_routine_includes_the_screen() -> None:
    """Red flags and weeks from the profile appear in check_routine, first."""
    profile = Profile(red_flags={"saddle_numbness": True}, symptom_weeks=5)
    findings = check_routine(routine_of(("plain", 20, 3)), profile)
    assert [f.code for f in findings] == ["red-flag-saddle_numbness", "symptoms-weeks"]


@pytest.mark.parametrize(
    ("answers", "weeks", "words"),
    [({"headache": True}, None, "headache"), ({"fever_unwell": "yes"}, None, "fever_unwell"),
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
