"""Programs: their checks, planned days, weekly doses within the guidance, and the pain rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from backstretch_kit.catalog import load_stretches
from backstretch_kit.guidance import (
    HOLD_RANGE_OLDER_S,
    HOLD_RANGE_S,
    REPS_RANGE,
    Profile,
    check_routine,
)
from backstretch_kit.program import Program, ProgramError, Progression, dose_ceiling, patient_days
from backstretch_kit.program_file import load_program
from backstretch_kit.routine import Routine
from backstretch_kit.routine_file import load_routine

START = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture(scope="module")
def catalog():
    return load_stretches()


@pytest.fixture(scope="module")
def example() -> Program:
    return load_program("lower-back-six-weeks")


def make(catalog, **changes) -> Program:
    """A small program of static holds and one repeated movement."""
    routine = Routine.from_stretches(
        ["lying-spinal-twist", "sphinx", "knee-to-chest"], catalog, name="Evening"
    )
    routine.change(0, hold_s=20, reps=2)
    routine.change(1, hold_s=15, reps=2)
    values = dict(
        person="Client A",
        routines=(routine,),
        start=START,
        weeks=6,
        days=3,
        review=START + dt.timedelta(weeks=6),
        time_zone="Europe/Berlin",
        progressions=(Progression("hold_s", 5, up_to=30), Progression("reps", 1, 2, up_to=4)),
    )
    values.update(changes)
    return Program(**values)


def sessions_with_pain(program: Program, weekly_after: dict[int, float]) -> pd.DataFrame:
    """One scored session on the first day of each given week, at 18:00 in Berlin."""
    rows = []
    for number, (week, after) in enumerate(sorted(weekly_after.items()), start=1):
        day = program.start + dt.timedelta(weeks=week - 1)
        at = pd.Timestamp(dt.datetime.combine(day, dt.time(18), program.zone)).tz_convert("UTC")
        rows.append(
            {
                "session_id": number, "person": program.person, "routine_name": "Evening",
                "kind": "routine", "started_at": at, "ended_at": at + pd.Timedelta(minutes=10),
                "pain_before": 4.0, "pain_after": after, "notes": "",
            }
        )  # fmt: skip
    columns = ["session_id", "person", "routine_name", "kind", "started_at", "ended_at"]
    frame = pd.DataFrame(rows, columns=[*columns, "pain_before", "pain_after", "notes"])
    for column in ("started_at", "ended_at"):  # as SessionLog.sessions() gives them
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def dose(program: Program, week: int, stretch_id: str, sessions=None) -> tuple[float, int]:
    routine = program.week_routines(week, sessions)[0]
    item = next(item for item in routine if item.stretch_id == stretch_id)
    return item.hold_s, item.reps


# -- checks ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person": "  "}, "person"),
        ({"routines": ()}, "routines"),
        ({"routines": ("not a routine",)}, "routines[0]"),
        ({"start": dt.datetime(2026, 3, 2, 9)}, "start"),
        ({"weeks": 0}, "weeks"),
        ({"weeks": 53}, "weeks"),
        ({"weeks": 2.5}, "weeks"),
        ({"days": 8}, "days"),
        ({"days": ("monday", "funday")}, "days"),
        ({"days": ("monday", "monday")}, "days"),
        ({"days": "monday"}, "days"),
        ({"review": START - dt.timedelta(days=1)}, "review"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"session_time": dt.time(18, tzinfo=dt.UTC)}, "session_time"),
        ({"reminder_minutes": -5}, "reminder_minutes"),
        ({"profile": Profile(red_flags={"night_pain": True})}, "profile"),
    ],
)
def test_bad_values_are_refused_naming_the_field(catalog, change, field):
    """Each bad value raises ProgramError naming its field (and saying the value)."""
    with pytest.raises(ProgramError) as refused:
        make(catalog, **change)
    assert refused.value.field == field
    assert f"field {field!r}" in str(refused.value)


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        (Progression("hold_s", 5, up_to=45), "progressions[0].up_to", "past the 30 s"),
        (Progression("reps", 1, up_to=6), "progressions[0].up_to", "past the 4"),
        (Progression("hold_s", 5, stretch_ids=("knee-to-chest",)), "progressions[0].stretch_ids",
         "repeated movement"),
        (Progression("hold_s", 5, stretch_ids=("cat-stretch",)), "progressions[0].stretch_ids",
         "none of the routines"),
    ],
)  # fmt: skip
def test_progressions_past_the_guidance_or_on_repeated_movements_are_refused(
    catalog, rule, field, words
):
    """A rule above the guidance, on a repeated movement or an absent stretch is refused."""
    with pytest.raises(ProgramError, match=words) as refused:
        make(catalog, progressions=(rule,))
    assert refused.value.field == field


def test_two_rules_for_one_dose_of_one_stretch_are_refused(catalog):
    """Two hold rules that both reach the sphinx are ambiguous, so refused."""
    rules = (Progression("hold_s", 5), Progression("hold_s", 10, stretch_ids=("sphinx",)))
    with pytest.raises(ProgramError, match="second hold_s rule"):
        make(catalog, progressions=rules)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"dose": "rest_s", "step": 5}, "dose"),
        ({"dose": "hold_s", "step": 0}, "step"),
        ({"dose": "reps", "step": 1.5}, "step"),
        ({"dose": "hold_s", "step": 5, "every_weeks": 0}, "every_weeks"),
        ({"dose": "hold_s", "step": 5, "up_to": -1}, "up_to"),
        ({"dose": "hold_s", "step": 5, "stretch_ids": "sphinx"}, "stretch_ids"),
    ],
)
def test_bad_progressions_are_refused(kwargs, field):
    """A progression's own values are checked when it is made."""
    with pytest.raises(ProgramError) as refused:
        Progression(**kwargs)
    assert refused.value.field == field


def test_routines_are_kept_by_value(catalog):
    """Editing the routine after making the program does not change the program."""
    routine = Routine.from_stretches(["sphinx"], catalog, name="Mine")
    program = make(catalog, routines=(routine,), progressions=())
    routine.change(0, hold_s=55)
    assert program.routines[0][0].hold_s != 55
    assert program.routines[0].catalog is catalog


# -- planned days --------------------------------------------------------------------------
def test_days_a_week_are_spread_from_the_start_day(catalog):
    """Three days from a Monday are Monday, Wednesday and Friday, each of the six weeks."""
    days = make(catalog).planned_days()
    assert len(days) == 18
    assert {day.strftime("%a") for day in days} == {"Mon", "Wed", "Fri"}
    assert days[0] == START and days[-1] == START + dt.timedelta(weeks=5, days=4)


def test_named_weekdays_are_the_planned_days(catalog):
    """Tuesday and Saturday, named, are the only planned days, whatever the start day."""
    program = make(catalog, days=("saturday", "tuesday"), start=dt.date(2026, 3, 4))
    assert program.days == ("tuesday", "saturday")
    assert {day.strftime("%a") for day in program.planned_days()} == {"Tue", "Sat"}
    assert len(program.planned_days()) == 12


def test_routines_take_turns_over_the_planned_sessions(catalog):
    """With two routines, planned sessions alternate between them; a rest day has none."""
    second = load_routine("desk-break", catalog)
    program = make(catalog, routines=(make(catalog).routines[0], second))
    names = [program.routine_for(day).name for day in program.planned_days()[:4]]
    assert names == ["Evening", "Desk break", "Evening", "Desk break"]
    assert program.routine_for(START + dt.timedelta(days=1)) is None


def test_a_day_outside_the_program_is_refused(catalog):
    """routine_for a day before the start or after the last week raises ProgramError."""
    program = make(catalog)
    with pytest.raises(ProgramError, match="outside the program"):
        program.routine_for(START - dt.timedelta(days=1))
    with pytest.raises(ProgramError, match="outside the program"):
        program.routine_for(program.end)


# -- doses ---------------------------------------------------------------------------------
def test_holds_grow_each_week_up_to_the_rule(catalog):
    """20 s holds gain 5 s a week and stop at 30 s; 15 s ones reach 30 s a week later."""
    program = make(catalog)
    assert [dose(program, w, "lying-spinal-twist")[0] for w in range(1, 7)] == [
        20, 25, 30, 30, 30, 30
    ]  # fmt: skip
    assert [dose(program, w, "sphinx")[0] for w in range(1, 7)] == [15, 20, 25, 30, 30, 30]


def test_repetitions_grow_every_two_weeks_up_to_the_rule(catalog):
    """One more repetition every two weeks: 2, 2, 3, 3, 4, 4."""
    program = make(catalog)
    assert [dose(program, w, "sphinx")[1] for w in range(1, 7)] == [2, 2, 3, 3, 4, 4]


def test_repeated_movements_keep_their_own_dose(catalog):
    """Knee to chest (a repeated movement) stays at 15 s x 10 through every week."""
    program = make(catalog)
    assert {dose(program, w, "knee-to-chest") for w in range(1, 7)} == {(15.0, 10)}


def test_without_up_to_a_rule_stops_at_the_guidance(catalog):
    """A rule with no limit stops at the guidance's upper bound: 30 s holds, 4 repetitions."""
    program = make(catalog, progressions=(Progression("hold_s", 10), Progression("reps", 1)))
    assert dose(program, 6, "sphinx") == (HOLD_RANGE_S[1], REPS_RANGE[1])


def test_older_adults_may_progress_to_60_s(catalog):
    """For an older adult the hold ceiling is 60 s (HOLD_RANGE_OLDER_S)."""
    program = make(
        catalog, profile=Profile(age_group="older adult"), progressions=(Progression("hold_s", 10),)
    )
    assert dose(program, 6, "lying-spinal-twist")[0] == HOLD_RANGE_OLDER_S[1]
    assert dose_ceiling("hold_s", older_adult=True) == HOLD_RANGE_OLDER_S[1]


def test_a_dose_above_the_ceiling_is_never_lowered(catalog):
    """A 45 s hold the physiotherapist chose stays 45 s: a progression only ever adds."""
    routine = Routine.from_stretches(["sphinx"], catalog, name="Long", hold_s=45, reps=2)
    program = make(catalog, routines=(routine,))
    assert {dose(program, w, "sphinx")[0] for w in range(1, 7)} == {45.0}


def test_a_week_that_would_add_a_caution_keeps_the_dose_before(catalog):
    """Three lower-back holds at 30 s x 4 would be too much for one area: the reps stop at 3."""
    routine = Routine.from_stretches(
        ["sphinx", "childs-pose", "lying-spinal-twist"], catalog, name="Lower", hold_s=30, reps=2
    )
    program = make(catalog, routines=(routine,), progressions=(Progression("reps", 1),))
    for week in range(1, 7):
        levels = {f.level for f in check_routine(program.week_routines(week)[0])}
        assert "caution" not in levels
    assert dose(program, 6, "sphinx")[1] == 2  # 3 x 30 x 3 = 270 s is past the 240 s caution


def test_the_shipped_example_has_no_caution_in_any_week(example):
    """Every week of the shipped example passes check_routine with nothing above info."""
    for week in range(1, example.weeks + 1):
        for routine in example.week_routines(week):
            assert {f.level for f in check_routine(routine)} <= {"info"}
    assert example.findings_for(example.start) == check_routine(example.routine_for(example.start))


# -- the day rule and the pain rule ----------------------------------------------------------
def test_patient_days_are_taken_in_the_patients_zone():
    """23:30 UTC is the next day in Berlin in summer and the same day in New York."""
    stamps = pd.Series(pd.to_datetime(["2026-06-30 23:30", "2026-03-29 00:30"], utc=True))
    berlin = patient_days(stamps, "Europe/Berlin").dt.date.tolist()
    assert berlin == [dt.date(2026, 7, 1), dt.date(2026, 3, 29)]
    assert patient_days(stamps, "America/New_York").dt.date.tolist()[0] == dt.date(2026, 6, 30)


def test_times_with_offsets_that_differ_are_taken_as_instants():
    """Aware times with a different offset on each row (across a clock change) still count."""
    stamps = pd.Series(
        [pd.Timestamp("2026-03-28T23:30+01:00"), pd.Timestamp("2026-03-29T23:30+02:00")],
        dtype=object,
    )
    days = patient_days(stamps, "Europe/Berlin").dt.date.tolist()
    assert days == [dt.date(2026, 3, 28), dt.date(2026, 3, 29)]


def test_naive_times_are_refused():
    """Times without a zone cannot be given a patient's day: ProgramError."""
    with pytest.raises(ProgramError, match="timezone-aware"):
        patient_days(pd.Series(pd.to_datetime(["2026-03-02 18:00"])), "Europe/Berlin")


def test_pain_that_rose_two_points_holds_the_next_week(catalog):
    """Pain after 2 in week 2 and 4.5 in week 3: week 4 keeps week 3's doses."""
    program = make(catalog)
    sessions = sessions_with_pain(program, {1: 2.0, 2: 2.0, 3: 4.5})
    assert program.held_weeks(sessions) == [4]
    assert dose(program, 4, "sphinx", sessions) == dose(program, 3, "sphinx", sessions)
    # the progression resumes a week late, rather than jumping ahead
    assert dose(program, 5, "sphinx", sessions) == dose(program, 4, "sphinx")
    day = START + dt.timedelta(weeks=3)
    assert program.routine_for(day, sessions) == program.week_routines(3)[0]


def test_a_session_log_can_be_given_instead_of_its_frame(catalog, tmp_path):
    """routine_for(day, log) reads the person's sessions from the log and holds the dose."""
    from backstretch_kit.log import SessionLog

    program = make(catalog)
    with SessionLog(tmp_path / "log.sqlite") as log:
        for row in sessions_with_pain(program, {1: 2.0, 2: 2.0, 3: 4.5}).itertuples():
            sid = log.start_session(program.person, started_at=row.started_at, pain_before=4)
            log.finish_session(sid, pain_after=row.pain_after, ended_at=row.ended_at)
        assert program.held_weeks(log) == [4]
        day = START + dt.timedelta(weeks=3)
        assert program.routine_for(day, log) == program.week_routines(3)[0]


def test_a_rise_below_two_points_holds_nothing(catalog):
    """A 1.5-point rise is not a change that matters: no week is held."""
    program = make(catalog)
    assert program.held_weeks(sessions_with_pain(program, {1: 2.0, 2: 3.5})) == []


def test_advice_tells_the_patient_to_ease_off_and_call(catalog):
    """In a held week the advice is a caution to keep the dose and contact the physio."""
    program = make(catalog)
    sessions = sessions_with_pain(program, {1: 2.0, 2: 2.0, 3: 5.0})
    advice = program.advice(sessions, today=START + dt.timedelta(weeks=3, days=1))
    assert advice[0].level == "caution" and advice[0].code == "pain-rose"
    assert "ease off" in advice[0].message and "contact your physiotherapist" in advice[0].message
    assert "last week's dose" in next(f.message for f in advice if f.code == "this-week")


def test_advice_ignores_sessions_after_today(catalog):
    """A rise logged in a later week does not change today's advice."""
    program = make(catalog)
    sessions = sessions_with_pain(program, {1: 2.0, 2: 2.0, 3: 5.0})
    advice = program.advice(sessions, today=START + dt.timedelta(days=10))
    assert "pain-rose" not in {f.code for f in advice}


def test_advice_names_the_review_and_the_end(catalog):
    """Near the review the patient is told when it is; after the weeks, that they ended."""
    program = make(catalog)
    none = sessions_with_pain(program, {})
    soon = program.advice(none, today=program.review - dt.timedelta(days=3))
    assert "review-soon" in {f.code for f in soon}
    after = program.advice(none, today=program.end + dt.timedelta(days=2))
    assert {"program-ended", "review-due"} <= {f.code for f in after}


def test_other_peoples_sessions_do_not_count(catalog):
    """Sessions of someone else in the frame do not move this person's pain rule."""
    program = make(catalog)
    other = dataclasses.replace(program, person="Someone else")
    sessions = sessions_with_pain(other, {1: 1.0, 2: 1.0, 3: 9.0})
    assert program.held_weeks(sessions) == []
    assert other.held_weeks(sessions) == [4]


def test_week_summary_says_what_changes(catalog):
    """Week 2's summary names the stretches whose holds grow, and by how much."""
    text = make(catalog).week_summary(2)
    assert text.startswith("Week 2 of 6: 3 sessions")
    assert "Sphinx holds from 15 s to 20 s" in text
