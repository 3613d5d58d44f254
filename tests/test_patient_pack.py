"""The patient pack: one zip out, the same program back in one call, and bad packs refused."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import icalendar
import pypdf
import pytest

from backstretch_kit.patient_pack import (
    PACK_FORMAT,
    make_patient_pack,
    open_patient_pack,
    plan_text,
)
from backstretch_kit.program import ProgramError
from backstretch_kit.program_file import load_program
from backstretch_kit.routine_file import load_routine

NAMES = {
    "manifest.json", "program.json", "routines/lower-back-knee-to-chest.json",
    "handouts/lower-back-knee-to-chest.pdf", "reminders.ics", "README.txt",
}  # fmt: skip


@pytest.fixture(scope="module")
def program():
    return load_program("lower-back-six-weeks")


@pytest.fixture(scope="module")
def pack(program, tmp_path_factory):
    return make_patient_pack(program, tmp_path_factory.mktemp("pack") / "pack.zip", pictures=False)


def rezip(source, target, change):
    """Copy a pack, changing its entries: ``change(entries)`` edits a name -> bytes dict."""
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    change(entries)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


def test_the_pack_holds_the_program_routines_handout_and_calendar(pack):
    """Exactly the listed files, with a manifest saying what each is."""
    with zipfile.ZipFile(pack) as archive:
        assert set(archive.namelist()) == NAMES
        manifest = json.loads(archive.read("manifest.json"))
        handout = pypdf.PdfReader(io.BytesIO(archive.read(manifest["handouts"][0])))
        calendar = icalendar.Calendar.from_ical(archive.read("reminders.ics"))
    assert manifest["format"] == PACK_FORMAT and manifest["person"] == "Client A"
    text = " ".join(" ".join(page.extract_text() for page in handout.pages).split())
    assert "For Client A" in text and "Your review is on 13 April 2026" in text
    assert "contact your physiotherapist" in text
    assert len(calendar.walk("VEVENT")) == 18


def test_opening_the_pack_gives_back_the_same_program(pack, program):
    """open_patient_pack returns the program, its first-week routines, handouts and calendar."""
    opened = open_patient_pack(pack)
    assert opened.program == program
    assert opened.routines == program.week_routines(1)
    assert list(opened.handouts) == ["handouts/lower-back-knee-to-chest.pdf"]
    assert opened.calendar.startswith(b"BEGIN:VCALENDAR")


def test_the_patient_can_save_the_printable_files(pack, tmp_path):
    """save_files writes the handout and the .ics, by their plain names."""
    written = open_patient_pack(pack).save_files(tmp_path / "mine")
    assert sorted(p.name for p in written) == ["lower-back-knee-to-chest.pdf", "reminders.ics"]
    assert all(p.read_bytes() for p in written)


def test_two_routines_of_the_same_name_get_two_files(program, tmp_path):
    """Routine file names stay unique in the pack."""
    twin = load_routine("lower-back")
    both = dataclasses.replace(program, routines=(program.routines[0], twin))
    pack = make_patient_pack(both, tmp_path / "two.zip", pictures=False)
    opened = open_patient_pack(pack)
    assert len(opened.routines) == 2 and len(opened.handouts) == 2


def test_the_plan_is_said_in_plain_words(program):
    """The handout's plan: how often, how long, the review, the progression, the pain rule."""
    text = plan_text(program)
    assert "3 times a week for 6 weeks, from 2 March 2026" in text
    assert "holds 5 s longer every week, up to 30 s" in text
    assert "rises by 2 points or more" in text


def test_a_pack_is_written_whole_or_not_at_all(program, tmp_path):
    """A wrong suffix writes nothing; a good pack leaves no .part file behind."""
    with pytest.raises(ProgramError, match=".zip"):
        make_patient_pack(program, tmp_path / "pack.tar")
    make_patient_pack(program, tmp_path / "pack.zip", pictures=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.zip"]


def swap(name: str, old: bytes, new: bytes):
    """An edit that replaces ``old`` with ``new`` in one entry."""
    return lambda entries: entries.update({name: entries[name].replace(old, new)})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda e: e.update({"../evil.sh": b"rm -rf"}), "does not list"),
        (lambda e: e.update({"extra.txt": b"hi"}), "does not list"),
        (lambda e: e.pop("reminders.ics"), "has no reminders.ics"),
        (lambda e: e.update({"manifest.json": b"{}"}), "not a backstretch patient pack"),
        (lambda e: e.update({"manifest.json": b"\xff"}), "not UTF-8"),
        (swap("manifest.json", b'"reminders.ics"', b'"../../x.ics"'), "not a plain file"),
        (swap("program.json", b'"weeks": 6', b'"weeks": 99'), "program.json: field 'weeks'"),
        (
            lambda e: e.update({"routines/lower-back-knee-to-chest.json": b'{"format": "x"}'}),
            "lower-back-knee-to-chest.json",
        ),
        (swap("manifest.json", b'"Client A"', b'"Client B"'), "different people"),
    ],
)
def test_a_bad_pack_is_refused_naming_the_pack(pack, tmp_path, change, words):
    """Unlisted or climbing names, missing files, bad entries: ProgramError naming the pack."""
    bad = rezip(pack, tmp_path / "bad.zip", change)
    with pytest.raises(ProgramError, match=words) as refused:
        open_patient_pack(bad)
    assert str(bad) in str(refused.value)


@pytest.mark.parametrize(
    ("content", "words"), [(b"not a zip at all", "not a zip"), (None, "no such file")]
)
def test_a_file_that_is_no_pack_is_refused(tmp_path, content, words):
    """Not a zip, or no file: ProgramError."""
    path = tmp_path / "x.zip"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProgramError, match=words):
        open_patient_pack(path)


def test_a_folder_is_refused(tmp_path):
    """A folder is not read as a pack."""
    with pytest.raises(ProgramError, match="is a folder"):
        open_patient_pack(tmp_path)


def test_the_guided_session_finds_todays_routine_in_a_pack(tmp_path):
    """open_program reads the pack a patient is handed; todays_session gives today's routine."""
    import datetime as dt

    from backstretch_kit.log import SessionLog
    from backstretch_kit.program_file import load_program, open_program
    from backstretch_kit.program_pain import todays_session

    program = load_program("lower-back-six-weeks")
    pack = make_patient_pack(program, tmp_path / "pack.zip", pictures=False)
    opened = open_program(pack)
    assert opened.person == program.person
    day = program.planned_days()[0]
    with SessionLog(tmp_path / "log.sqlite") as log:
        routine, advice = todays_session(opened, log, day)
    assert routine == program.routine_for(day)
    assert all(finding.message for finding in advice)
    rest = next(
        day + dt.timedelta(days=n)
        for n in range(1, 8)
        if day + dt.timedelta(days=n) not in set(program.planned_days())
    )
    with SessionLog(tmp_path / "log.sqlite") as log:
        assert todays_session(opened, log, rest)[0] is None
