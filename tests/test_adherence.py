"""Adherence: planned against done per program week, counted on the patient's own days."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from backstretch_kit import demo
from backstretch_kit.adherence import (
    ADHERENCE_COLUMNS,
    AREA_COLUMNS,
    adherence,
    adherence_by_area,
    adherence_from_log,
    log_frames,
    plan_table,
    week_table,
)
from backstretch_kit.log import SessionLog
from backstretch_kit.program import ProgramError
from backstretch_kit.program_demo import sample_program_log
from backstretch_kit.program_file import load_program


@pytest.fixture(scope="module")
def program():
    return load_program("lower-back-six-weeks")


@pytest.fixture(scope="module")
def followed(program, tmp_path_factory):
    """A log where Client A did the program (pain rising in week 3) and someone else stretched."""
    log = SessionLog(tmp_path_factory.mktemp("adherence") / "log.sqlite")
    # three weeks: the rise in week 3 is what holds week 4 (and every hold is an fsync)
    sample_program_log(program, log, seed=2, until=dt.date(2026, 3, 23), pain_rises_in=3)
    demo.sample_log(("Someone else",), days=10, start=program.start, log=log)
    yield log
    log.close()


def one_hold_log(tmp_path, program, when: dt.datetime) -> SessionLog:
    log = SessionLog(tmp_path / "one.sqlite")
    sid = log.start_session(program.person, started_at=when, pain_before=3)
    log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=when)
    log.finish_session(sid, pain_after=2, ended_at=when + dt.timedelta(minutes=1))
    return log


def test_the_table_has_one_row_per_week_in_its_columns(program, followed):
    """Six weeks, the documented columns, counts as whole numbers."""
    table = adherence_from_log(program, followed)
    assert tuple(table.columns) == ADHERENCE_COLUMNS
    assert table["week"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["planned_sessions"].tolist() == [3] * 6
    assert table["first_day"].iloc[1] == program.start + dt.timedelta(weeks=1)
    assert table["planned_holds"].dtype == np.int64 and table["done_holds"].dtype == np.int64


def test_done_counts_what_the_log_holds(program, followed):
    """Done sessions, holds, completed holds and minutes add up to the person's log."""
    sessions, holds = followed.sessions("Client A"), followed.holds("Client A")
    table = adherence(program, followed.sessions(), followed.holds())
    assert table["done_sessions"].sum() == len(sessions)
    assert table["done_holds"].sum() == len(holds)
    assert table["completed_holds"].sum() == int(holds["completed"].sum())
    assert table["done_minutes"].sum() == pytest.approx(holds["actual_s"].sum() / 60)


def test_planned_follows_each_weeks_doses(program):
    """Planned holds and minutes are those of that week's routine, times its sessions."""
    table = adherence(program, *demo.sample_log(("Nobody",), days=1, start=program.start))
    for week in (1, 3, 5):
        routine = program.week_routines(week)[0]
        holds = sum(item.reps * (2 if item.sides == "each side" else 1) for item in routine)
        row = table.set_index("week").loc[week]
        assert row["planned_holds"] == 3 * holds
        expected = 3 * sum(item.hold_s * item.reps * (2 if item.sides == "each side" else 1)
                           for item in routine) / 60  # fmt: skip
        assert row["planned_minutes"] == pytest.approx(expected)
    assert table["done_sessions"].sum() == 0 and table["pain_after"].isna().all()


def test_the_pain_rule_shows_as_a_held_week(program, followed):
    """Pain rising in week 3 holds week 4's dose, and the table says so."""
    table = adherence_from_log(program, followed)
    assert table.loc[table["dose_held"], "week"].tolist() == [4]
    assert table.loc[2, "pain_after"] > table.loc[1, "pain_after"] + 2


def test_a_late_evening_hold_counts_on_the_patients_day(program, tmp_path):
    """A hold at 23:30 Berlin time (21:30 UTC) on a Sunday is in week 1, not week 2."""
    late = dt.datetime(2026, 3, 8, 23, 30, tzinfo=program.zone)
    with one_hold_log(tmp_path, program, late) as log:
        table = adherence_from_log(program, log)
    assert table.loc[0, "done_holds"] == 1 and table.loc[1, "done_holds"] == 0


def test_a_hold_logged_in_another_zone_counts_on_the_patients_day(program, tmp_path):
    """00:30 in Berlin on Monday, logged as 23:30 UTC on Sunday, counts in week 2."""
    utc = dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC)  # 00:30 on 9 March in Berlin
    with one_hold_log(tmp_path, program, utc) as log:
        table = adherence_from_log(program, log)
    assert table.loc[0, "done_holds"] == 0 and table.loc[1, "done_holds"] == 1


def test_a_range_counts_only_its_days(program, followed):
    """From a Wednesday to the next Thursday: two part weeks, planned and done alike."""
    start, end = dt.date(2026, 3, 4), dt.date(2026, 3, 13)
    table = adherence_from_log(program, followed, start, end)
    assert table["week"].tolist() == [1, 2]
    assert table["planned_sessions"].tolist() == [2, 2]  # Wed, Fri; Mon, Wed
    assert table["first_day"].tolist() == [start, dt.date(2026, 3, 9)]
    assert table["last_day"].tolist() == [dt.date(2026, 3, 8), dt.date(2026, 3, 12)]
    sessions, holds = log_frames(program, followed, start, end)
    days = program.local_days(holds["started_at"])
    assert days.min() >= pd.Timestamp(start) and days.max() < pd.Timestamp(end)
    assert table["done_holds"].sum() == len(holds)


def test_a_range_outside_the_program_is_empty_and_a_reversed_one_refused(program, followed):
    """Days after the program give no rows; an end before the start is an error."""
    after = adherence_from_log(program, followed, dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    assert after.empty and tuple(after.columns) == ADHERENCE_COLUMNS
    with pytest.raises(ProgramError, match="before the start"):
        adherence_from_log(program, followed, dt.date(2026, 3, 10), dt.date(2026, 3, 5))


def test_frames_missing_a_column_are_refused(program):
    """A holds frame without actual_s raises ProgramError naming the column."""
    sessions, holds = demo.sample_log(days=3, start=program.start)
    with pytest.raises(ProgramError, match="actual_s"):
        adherence(program, sessions, holds.drop(columns="actual_s"))


def test_minutes_by_area_add_up_to_the_weekly_table(program, followed):
    """Per week, the areas' planned and done minutes sum to the adherence table's."""
    sessions, holds = followed.sessions(), followed.holds()
    areas = adherence_by_area(program, sessions, holds)
    weekly = adherence(program, sessions, holds).set_index("week")
    assert tuple(areas.columns) == AREA_COLUMNS
    assert isinstance(areas["body_area"].dtype, pd.CategoricalDtype)
    sums = areas.groupby("week")[["planned_minutes", "done_minutes"]].sum()
    assert np.allclose(sums["planned_minutes"], weekly["planned_minutes"])
    assert np.allclose(sums["done_minutes"], weekly["done_minutes"])
    assert "lower back" in set(areas["body_area"].astype(str))


def test_the_plan_lists_every_session_and_stretch(program):
    """One row per planned session and item, holds counting both sides."""
    plan = plan_table(program)
    assert plan["session"].nunique() == len(program.planned_days()) == 18
    assert len(plan) == 18 * len(program.routines[0])
    twist = plan[(plan["week"] == 1) & (plan["stretch_id"] == "lying-spinal-twist")].iloc[0]
    assert (twist["holds"], twist["hold_s"]) == (4, 80.0)  # 20 s x 2, each side


def test_the_week_table_says_what_changes(program, followed):
    """The weeks table names the change of each week, and the held one."""
    plain = week_table(program)
    assert plain["change"].iloc[0] == "the starting dose"
    assert "Sphinx holds from 20 s to 25 s" in plain["change"].iloc[1]
    held = week_table(program, followed.sessions())
    assert held.loc[held["week"] == 4, "change"].item() == "last week's dose: the pain rose"


def test_the_sample_patient_is_seeded_and_follows_the_plan(program, tmp_path):
    """The same seed gives the same sessions; they fall on planned days at about 18:00."""
    counts = []
    for name in ("a", "b"):
        with SessionLog(tmp_path / f"{name}.sqlite") as log:
            counts.append(sample_program_log(program, log, seed=5, until=dt.date(2026, 3, 9)))
            sessions = log.sessions()
    assert counts[0] == counts[1] == len(sessions) > 0
    local = sessions["started_at"].dt.tz_convert(program.zone)
    assert local.dt.hour.between(16, 19).all()
    on_plan = local.dt.date.isin(set(program.planned_days()))
    assert on_plan.mean() >= 0.7


def test_a_different_person_sees_nothing_done(program, followed):
    """A program for someone not in the log has its plan and no sessions done."""
    table = adherence_from_log(dataclasses.replace(program, person="Nobody"), followed)
    assert table["done_sessions"].sum() == 0 and table["planned_sessions"].sum() == 18
