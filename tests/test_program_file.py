"""The program file: a round trip, the shipped example, and clear errors for bad files."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json

import pytest

from backstretch_kit.guidance import Profile
from backstretch_kit.program import Program, ProgramError, Progression
from backstretch_kit.program_file import (
    FILE_FORMAT,
    load_program,
    program_from_dict,
    program_to_dict,
    read_program_file,
    ready_programs,
    save_program,
)


@pytest.fixture(scope="module")
def example() -> Program:
    return load_program("lower-back-six-weeks")


@pytest.fixture
def document(example) -> dict:
    return program_to_dict(example)


def test_the_example_is_shipped_and_reads():
    """The shipped example program is listed and loads by its short name."""
    assert "lower-back-six-weeks" in ready_programs()
    program = load_program("lower-back-six-weeks")
    assert (program.person, program.weeks, program.days) == ("Client A", 6, 3)


def test_save_and_read_give_the_same_program(example, tmp_path):
    """A saved program reads back equal, routines and progressions included."""
    path = save_program(example, tmp_path / "p.json")
    assert read_program_file(path) == example
    assert Program.load(path) == example
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FILE_FORMAT


def test_every_field_survives_the_round_trip(example, tmp_path):
    """Named weekdays, a profile, a time, a reminder, notes in any script: all come back."""
    program = dataclasses.replace(
        example,
        person="مريض ١",
        days=("tuesday", "friday"),
        profile=Profile(age_group="older adult", osteoporosis=True, surgery_areas=("neck",)),
        session_time=dt.time(7, 30),
        reminder_minutes=0,
        notes="Gently — 轻轻地",
        progressions=(Progression("hold_s", 10, 2, up_to=60, stretch_ids=("sphinx",)),),
    )
    assert read_program_file(program.save(tmp_path / "p.json")) == program


def test_written_keys_are_in_a_fixed_order(example):
    """The file starts with its format and version, so versions diff line by line."""
    assert list(program_to_dict(example))[:4] == ["format", "version", "person", "start"]


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda d: d.update(format="backstretch-routine"), "format", "not a backstretch program"),
        (lambda d: d.update(version=2), "version", "version 2"),
        (lambda d: d.update(version=True), "version", "version True"),
        (lambda d: d.update(colour="red"), "colour", "unknown field 'colour'"),
        (lambda d: d.pop("review"), "review", "is missing"),
        (lambda d: d.update(start="2026-02-30"), "start", "not a date in the calendar"),
        (lambda d: d.update(start="02/03/2026"), "start", "YYYY-MM-DD"),
        (lambda d: d.update(session_time="6pm"), "session_time", "HH:MM"),
        (lambda d: d.update(session_time="25:00"), "session_time", "not a time of day"),
        (lambda d: d.update(weeks="six"), "weeks", "whole number"),
        (lambda d: d.update(days=["monday", "someday"]), "days", "'someday' is not a weekday"),
        (lambda d: d.update(time_zone="Europe/Atlantis"), "time_zone", "not a known time zone"),
        (lambda d: d["progressions"][0].update(up_too=30), "progressions[0].up_too", "unknown"),
        (lambda d: d["progressions"][0].update(up_to=40), "progressions[0].up_to", "past the 30"),
        (lambda d: d["progressions"][1].pop("step"), "progressions[1]", "needs step"),
        (lambda d: d.update(progressions={}), "progressions", "must be a list"),
        (lambda d: d.update(profile={"age_group": "teen"}), "profile", "age_group"),
        (lambda d: d.update(profile={"pregnant": True}), "profile.pregnant", "unknown"),
        (lambda d: d["routines"][0]["items"][1].update(hold_s=-5), "routines[0]", "item 2"),
        (lambda d: d["routines"][0].update(name=7), "routines[0]", "must be text"),
        (lambda d: d.update(routines=[]), "routines", "at least one routine"),
    ],
)
def test_bad_documents_name_the_file_and_the_field(document, tmp_path, edit, field, words):
    """Each bad field raises ProgramError naming the file, the field and what is wrong."""
    bad = copy.deepcopy(document)
    edit(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ProgramError, match=words) as refused:
        read_program_file(path)
    assert refused.value.path == str(path)
    assert refused.value.field == field
    assert str(path) in str(refused.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2]", "holds a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_files_that_are_not_programs_are_refused(tmp_path, content, words):
    """Not JSON, not UTF-8, not an object, absurdly nested: a ProgramError naming the file."""
    path = tmp_path / "p.json"
    path.write_bytes(content)
    with pytest.raises(ProgramError, match=words) as refused:
        read_program_file(path)
    assert str(path) in str(refused.value)


def test_a_folder_or_missing_file_is_refused(tmp_path):
    """A folder, or no file at all, raises ProgramError (never IsADirectoryError)."""
    with pytest.raises(ProgramError, match="folder"):
        read_program_file(tmp_path)
    with pytest.raises(ProgramError, match="no such file"):
        read_program_file(tmp_path / "missing.json")


def test_a_document_that_is_not_an_object_is_refused():
    """program_from_dict of a list says what it got."""
    with pytest.raises(ProgramError, match="got list"):
        program_from_dict([])


def test_a_byte_order_mark_is_fine(example, tmp_path):
    """A file saved by an editor with a BOM reads the same."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(program_to_dict(example)).encode())
    assert read_program_file(path) == example
