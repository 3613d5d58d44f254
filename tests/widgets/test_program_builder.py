"""The program builder makes a program from clicks, shows its weeks and errors, and writes packs."""

from __future__ import annotations

import datetime as dt
import html
import zipfile

import pytest

from backstretch_kit.guidance import Profile
from backstretch_kit.patient_pack import open_patient_pack
from backstretch_kit.routine import Routine
from backstretch_kit.widgets import ProgramBuilder

START = dt.date(2026, 3, 2)


@pytest.fixture
def builder(tmp_path):
    return ProgramBuilder("Client A", start=START, time_zone="Europe/Berlin", folder=tmp_path)


def test_the_defaults_make_a_program_and_show_its_weeks(builder):
    """Out of the box: six weeks, three days, the lower-back routine, a weeks table."""
    program = builder.program
    assert (program.person, program.weeks, program.days) == ("Client A", 6, 3)
    assert [r.name for r in program.routines] == ["Lower back: knee to chest"]
    assert builder.status.value == "18 sessions over 6 weeks for Client A."
    assert builder.table.value.count("<tr>") == 7  # a header and six weeks
    assert "the starting dose" in builder.table.value


def test_each_control_changes_the_program(builder):
    """Weeks, days, time, reminder and the progression sliders all reach the program."""
    builder.weeks.value = 4
    builder.days.value = 2
    builder.session_time.value = "07:30"
    builder.reminder.value = 15
    builder.hold_step.value = 10
    builder.reps_step.value = 0
    program = builder.program
    assert (program.weeks, program.days, program.session_time) == (4, 2, dt.time(7, 30))
    assert program.reminder_minutes == 15
    assert [(r.dose, r.step) for r in program.progressions] == [("hold_s", 10.0)]


def test_weekday_buttons_name_the_days(builder):
    """Toggling Tue and Thu plans those days, and the days-a-week slider steps aside."""
    builder.weekdays[1].value = True
    builder.weekdays[3].value = True
    assert builder.program.days == ("tuesday", "thursday")
    assert builder.days.disabled
    assert {d.strftime("%a") for d in builder.program.planned_days()} == {"Tue", "Thu"}


def test_a_progression_past_the_guidance_is_shown_not_raised(builder):
    """Holds up to 45 s for an adult: the program's error on the status line, no program."""
    builder.hold_up_to.value = 45
    assert builder.program is None
    assert "past the 30 s the dose guidance suggests" in html.unescape(builder.status.value)
    assert "color:#B3261E" in builder.status.value


def test_an_older_adult_may_go_to_60_s(tmp_path):
    """With an older adult's profile the same 45 s makes a program."""
    builder = ProgramBuilder(
        "Client B", start=START, profile=Profile(age_group="older adult"), folder=tmp_path
    )
    builder.hold_up_to.value = 45
    assert builder.program is not None and builder.program.progressions[0].up_to == 45


def test_a_bad_zone_or_name_is_explained(builder):
    """An unknown zone, then a blank name: each message shows, escaped."""
    builder.time_zone.value = "Mars/<b>Base</b>"
    assert "not a known time zone" in html.unescape(builder.status.value)
    assert "<b>" not in builder.status.value
    builder.time_zone.value = "Europe/Berlin"
    builder.person.value = " "
    assert builder.program is None and "person" in html.unescape(builder.status.value)


def test_the_pack_button_writes_a_pack_that_opens(builder, tmp_path):
    """Make the patient pack: a zip in the folder, named after the patient, that opens."""
    builder.pack_button.click()
    assert builder.last_pack == tmp_path / "client-a-program.zip"
    assert builder.status.value == "Saved the patient pack as client-a-program.zip."
    assert zipfile.is_zipfile(builder.last_pack)
    assert open_patient_pack(builder.last_pack).program == builder.program


def test_no_pack_while_the_choices_make_no_program(builder, tmp_path):
    """With no routine chosen the pack button says why, and writes nothing."""
    builder.routines.value = ()
    builder.pack_button.click()
    assert "No pack yet" in builder.status.value and "at least one routine" in builder.status.value
    assert list(tmp_path.iterdir()) == []


def test_routines_given_are_offered_and_chosen(tmp_path):
    """A routine of the physiotherapist's own is offered, and chosen to start with."""
    mine = Routine.from_stretches(["sphinx"], name="Mine")
    builder = ProgramBuilder("Client C", routines=[mine], start=START, folder=tmp_path)
    assert builder.routines.value == ("Mine",)
    assert builder.program.routines[0] == mine


def test_stable_css_classes_for_the_browser_tests(builder):
    """The parts a browser test clicks carry their bk-program-... classes."""
    assert "bk-program-builder" in builder._dom_classes
    assert "bk-program-pack" in builder.pack_button._dom_classes
    assert "bk-program-day-tuesday" in builder.weekdays[1]._dom_classes
    assert "bk-program-status" in builder.status._dom_classes
