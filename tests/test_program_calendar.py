"""Calendar reminders: one event per planned session, at the patient's local time, across DST."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import pytest

from backstretch_kit.program_calendar import (
    calendar_bytes,
    program_calendar,
    routine_summary,
    write_calendar,
)
from backstretch_kit.program_file import load_program

STAMP = dt.datetime(2026, 2, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def program():
    return load_program("lower-back-six-weeks")  # Europe/Berlin, March 2 to April 12, 2026


@pytest.fixture(scope="module")
def events(program):
    parsed = icalendar.Calendar.from_ical(calendar_bytes(program, created=STAMP))
    return parsed.walk("VEVENT")


def test_one_event_per_planned_session(program, events):
    """18 events, on exactly the planned days, in order."""
    starts = [event["DTSTART"].dt for event in events]
    assert [start.date() for start in starts] == program.planned_days()


def test_every_event_is_at_six_in_the_evening_berlin_time_across_the_clock_change(events):
    """18:00 local before and after 29 March 2026, when Berlin moves from UTC+1 to UTC+2."""
    starts = [event["DTSTART"].dt for event in events]
    assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
    assert all(str(s.tzinfo) == "Europe/Berlin" for s in starts)
    before = next(s for s in starts if s.date() == dt.date(2026, 3, 27))
    after = next(s for s in starts if s.date() == dt.date(2026, 3, 30))
    assert before.utcoffset() == dt.timedelta(hours=1)
    assert after.utcoffset() == dt.timedelta(hours=2)
    assert after.astimezone(dt.UTC).hour == 16 and before.astimezone(dt.UTC).hour == 17


def test_the_file_carries_the_zone_and_local_times(program):
    """DTSTART names its TZID, and a VTIMEZONE with the summer-time change is in the file."""
    text = calendar_bytes(program, created=STAMP).decode("utf-8")
    assert "DTSTART;TZID=Europe/Berlin:20260330T180000" in text
    zone = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
    assert [z["TZID"] for z in zone] == ["Europe/Berlin"]
    daylight = zone[0].walk("DAYLIGHT")
    assert daylight and daylight[0]["DTSTART"].dt.date() == dt.date(2026, 3, 29)


def test_each_event_has_a_reminder_before_it(program, events):
    """A VALARM 30 minutes before, as the program asks."""
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert alarm["TRIGGER"].dt == dt.timedelta(minutes=-program.reminder_minutes)
        assert alarm["ACTION"] == "DISPLAY"


def test_no_reminder_when_the_program_asks_for_none(program):
    """reminder_minutes=0 leaves the alarms out."""
    quiet = program_calendar(dataclasses.replace(program, reminder_minutes=0), created=STAMP)
    assert quiet.walk("VALARM") == []


def test_the_description_has_that_weeks_doses(program, events):
    """Week 1's event says the twist is held 20 s; week 3's says 30 s, 3 times a side."""
    first, third = str(events[0]["DESCRIPTION"]), str(events[6]["DESCRIPTION"])
    assert first.startswith("Week 1 of 6, session 1 of 18.")
    assert "Lying knee-drop twist: Hold 20 s, 2 times on each side" in first
    assert "Lying knee-drop twist: Hold 30 s, 3 times on each side" in third
    assert routine_summary(program.routine_for(program.start)) in first


def test_events_last_as_long_as_the_routine(program, events):
    """DTEND is the routine's length later, rounded up to the minute."""
    length = events[0]["DTEND"].dt - events[0]["DTSTART"].dt
    seconds = program.routine_for(program.start).total_seconds()
    assert length.total_seconds() / 60 == -(-seconds // 60)


def test_event_ids_are_stable_and_unique(program, events):
    """The same program gives the same UIDs (so calendars update), one per session."""
    again = icalendar.Calendar.from_ical(calendar_bytes(program)).walk("VEVENT")
    assert [e["UID"] for e in events] == [e["UID"] for e in again]
    assert len({e["UID"] for e in events}) == len(events)


def test_write_calendar_writes_the_file(program, tmp_path):
    """write_calendar writes the same bytes calendar_bytes returns."""
    path = write_calendar(program, tmp_path / "r.ics", created=STAMP)
    assert path.read_bytes() == calendar_bytes(program, created=STAMP)


def test_another_zone_keeps_its_own_local_time(program):
    """The same program in New York (clocks change on 8 March) is at 18:00 there."""
    york = dataclasses.replace(program, time_zone="America/New_York")
    events = icalendar.Calendar.from_ical(calendar_bytes(york)).walk("VEVENT")
    offsets = {e["DTSTART"].dt.utcoffset() for e in events}
    assert {(e["DTSTART"].dt.hour) for e in events} == {18}
    assert offsets == {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}
