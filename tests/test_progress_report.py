"""The physiotherapist's progress report: a PDF of adherence, pain, sides, notes and next step."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pypdf
import pytest

from backstretch_kit.log import SessionLog
from backstretch_kit.program import ProgramError
from backstretch_kit.program_demo import sample_program_log
from backstretch_kit.program_file import load_program
from backstretch_kit.progress_report import write_progress_report


@pytest.fixture(scope="module")
def program():
    return load_program("lower-back-six-weeks")


@pytest.fixture(scope="module")
def log(program, tmp_path_factory):
    """Client A's first three weeks, the pain rising in week 3, and a note of their own."""
    with SessionLog(tmp_path_factory.mktemp("report") / "log.sqlite") as opened:
        sample_program_log(program, opened, seed=3, until=dt.date(2026, 3, 23), pain_rises_in=3)
        at = dt.datetime(2026, 3, 18, 19, 0, tzinfo=program.zone)
        session = opened.start_session(program.person, started_at=at, notes="Knee felt odd $x$")
        opened.finish_session(session, ended_at=at + dt.timedelta(minutes=5))
        yield opened


def text_of(path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_report_says_what_was_done_and_what_comes_next(program, log, tmp_path):
    """Summary, next step (the pain rule's caution), weeks, notes: all in the PDF's text."""
    path = write_progress_report(program, log, tmp_path / "r.pdf", end=dt.date(2026, 3, 24))
    text = text_of(path)
    assert text.startswith("Progress report: Client A")
    assert "2 March 2026 to 23 March 2026" in text
    assert "Sessions:" in text and "planned" in text
    assert "Take care: Your pain after stretching rose last week" in text
    assert "contact your physiotherapist" in text
    assert "Week by week" in text and "4 (kept)" in text
    assert "18 Mar: Knee felt odd $x$" in text


def test_the_report_has_the_three_charts(program, log, tmp_path):
    """Adherence, pain and sides are drawn as three images."""
    path = write_progress_report(program, log, tmp_path / "r.pdf", end=dt.date(2026, 3, 24))
    images = [image for page in pypdf.PdfReader(path).pages for image in page.images]
    assert len(images) == 3


def test_a_range_limits_what_is_reported(program, log, tmp_path):
    """Only the first week: its sessions, and no note from week 3."""
    path = write_progress_report(
        program, log, tmp_path / "r.pdf", start=program.start, end=dt.date(2026, 3, 9)
    )
    text = text_of(path)
    assert "2 March 2026 to 8 March 2026" in text
    assert "Knee felt odd" not in text


def test_a_name_in_another_script_is_printed(program, log, tmp_path):
    """A patient named in Arabic gets the fallback fonts: the name reads back from the PDF."""
    from backstretch_kit.pdf_fonts import unprintable

    name = "مريض الظهر"
    if unprintable([name]):
        pytest.skip("the fallback fonts are not installed here (fonts-noto-core)")
    other = dataclasses.replace(program, person=name)
    path = write_progress_report(other, log, tmp_path / "r.pdf", end=dt.date(2026, 3, 9))
    assert "الظهر" in text_of(path)


def test_a_report_must_be_a_pdf(program, log, tmp_path):
    """Another suffix, or other paper, is refused before anything is written."""
    with pytest.raises(ProgramError, match=".pdf"):
        write_progress_report(program, log, tmp_path / "r.html")
    with pytest.raises(ProgramError, match="paper"):
        write_progress_report(program, log, tmp_path / "r.pdf", paper="A5")
    assert list(tmp_path.iterdir()) == []
