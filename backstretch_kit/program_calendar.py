"""Calendar reminders: a program's planned sessions as an iCalendar (``.ics``) file.

One event per planned session, at the program's ``session_time`` in the patient's
zone (``DTSTART;TZID=Europe/Berlin:...``, with the zone's ``VTIMEZONE`` in the file,
so 18:00 stays 18:00 across a change to or from summer time), lasting as long as
that day's routine, its summary (stretches and doses of that week) in the
description, and a reminder (``VALARM``) ``reminder_minutes`` before it. One event
per session, not a weekly rule, because the doses change from week to week.

Event ids are stable (the person, the start date and the day), so importing a
newer calendar of the same program updates the events instead of doubling them.
Made with the ``icalendar`` library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path
from typing import TYPE_CHECKING

from .words import dose_text, format_duration

if TYPE_CHECKING:  # pragma: no cover
    import icalendar

    from .program import Program
    from .routine import Routine

__all__ = ["calendar_bytes", "program_calendar", "routine_summary", "write_calendar"]

PRODID = "-//backstretch-kit//patient program//EN"


def routine_summary(routine: Routine) -> str:
    """A routine in a few lines: each stretch with its dose, and the total time."""
    names = routine.catalog["name"]
    lines = [f"{routine.name}, about {format_duration(routine.total_seconds())}:"]
    lines += [f"- {names.at[item.stretch_id]}: {dose_text(item)}" for item in routine]
    return "\n".join(lines)


def _uid(program: Program, day: dt.date) -> str:
    # The same program gives the same ids, so a calendar app updates what it has.
    key = f"{program.person}\n{program.start.isoformat()}".encode()
    return f"{hashlib.sha1(key).hexdigest()[:16]}-{day.isoformat()}@backstretch-kit"


def program_calendar(program: Program, *, created: dt.datetime | None = None) -> icalendar.Calendar:
    """The program's planned sessions as an :class:`icalendar.Calendar`.

    Parameters
    ----------
    program : Program
    created : datetime, optional
        The events' ``DTSTAMP`` (timezone-aware); now by default.
    """
    import icalendar

    stamp = dt.datetime.now(dt.UTC) if created is None else created.astimezone(dt.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Stretching: {program.person}")
    calendar.add("x-wr-timezone", program.time_zone)
    zone = program.zone
    days = program.planned_days()
    for number, day in enumerate(days, start=1):
        routine = program.routine_for(day)
        assert routine is not None  # a planned day always has its routine
        start = dt.datetime.combine(day, program.session_time, zone)
        minutes = max(1, math.ceil(routine.total_seconds() / 60))
        week = program.week_of(day)
        event = icalendar.Event()
        event.add("uid", _uid(program, day))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=minutes))
        event.add("summary", f"Stretching: {routine.name}")
        event.add(
            "description",
            f"Week {week} of {program.weeks}, session {number} of {len(days)}.\n\n"
            f"{routine_summary(routine)}\n\n"
            "Stop if pain increases sharply or spreads down a leg. If your pain after "
            "stretching keeps rising, keep the dose and contact your physiotherapist.",
        )
        event.add("categories", ["Stretching"])
        if program.reminder_minutes:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add(
                "description", f"Stretching in {program.reminder_minutes} min: {routine.name}"
            )
            alarm.add("trigger", dt.timedelta(minutes=-program.reminder_minutes))
            event.add_component(alarm)
        calendar.add_component(event)
    # Only the transitions the program meets, so the file stays small.
    calendar.add_missing_timezones(
        first_date=program.start - dt.timedelta(days=1),
        last_date=program.end + dt.timedelta(days=1),
    )
    return calendar


def calendar_bytes(program: Program, *, created: dt.datetime | None = None) -> bytes:
    """The ``.ics`` file's bytes (UTF-8, CRLF line ends as iCalendar asks)."""
    return program_calendar(program, created=created).to_ical()


def write_calendar(
    program: Program, path: str | Path, *, created: dt.datetime | None = None
) -> Path:
    """Write the program's reminders as an ``.ics`` file and return its path."""
    path = Path(path)
    path.write_bytes(calendar_bytes(program, created=created))
    return path
