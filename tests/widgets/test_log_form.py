"""The log form writes real rows, and shows the log's refusals instead of raising."""

from __future__ import annotations

import html
import sqlite3

import pytest

from backstretch_kit import load_stretches
from backstretch_kit.log import LogError, SessionLog
from backstretch_kit.widgets.log_form import LogForm


@pytest.fixture(scope="module")
def catalog():
    return load_stretches()


@pytest.fixture
def log(tmp_path):
    with SessionLog(tmp_path / "log.sqlite") as opened:
        yield opened


def hold_rows(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT COUNT(*) FROM holds").fetchone()[0]


def test_activity_is_written_to_the_sqlite_file(log, catalog):
    """'2 minutes of the seated forward bend, left side' becomes one hold in the file."""
    form = LogForm(log, person="Alex", catalog=catalog)
    form.stretch.value = "seated-forward-bend"
    form.minutes.value = 2.0
    form.side.value = "left"
    form.notes.value = "after the walk"
    form.save_button.click()

    assert hold_rows(log.path) == 1
    with SessionLog(log.path) as reread:  # a second connection sees the committed row
        holds = reread.holds()
        sessions = reread.sessions()
    assert holds[["person", "stretch_id", "side", "actual_s"]].values.tolist() == [
        ["Alex", "seated-forward-bend", "left", 120.0]
    ]
    assert sessions.loc[0, "kind"] == "ad hoc" and sessions.loc[0, "notes"] == "after the walk"
    assert form.last_session_id == sessions.loc[0, "session_id"]
    assert form.status.value == "Saved: 2 min of Seated forward bend (left side) for Alex."
    assert form.notes.value == ""  # ready for the next entry
    assert form.person.options == ("Alex",)


@pytest.mark.parametrize(
    ("person", "minutes", "call"),
    [
        ("Alex", -1.0, ("Alex", "cat-stretch", -60.0)),
        ("", 2.0, ("", "cat-stretch", 120.0)),
        ("Alex", 500.0, ("Alex", "cat-stretch", 30000.0)),
    ],
)
def test_bad_input_shows_the_log_error(log, catalog, person, minutes, call):
    """Bad minutes or no name show the LogError message on the status line; nothing is saved."""
    with pytest.raises(LogError) as refused:
        log.log_activity(*call)
    form = LogForm(log, person=person, catalog=catalog)
    form.stretch.value = "cat-stretch"
    form.minutes.value = minutes
    form.save_button.click()  # must not raise
    assert html.escape(str(refused.value)) in form.status.value
    assert "color:#B3261E" in form.status.value
    assert hold_rows(log.path) == 0
    assert form.last_session_id is None


def test_pain_score_is_saved(log, catalog):
    """A pain score alone is stored as a closed session with that pain."""
    form = LogForm(log, person="Sam", catalog=catalog)
    form.pain.value = 6
    form.pain_notes.value = "stiff morning"
    form.pain_button.click()
    sessions = log.sessions("Sam")
    assert sessions["pain_before"].tolist() == [6.0]
    assert sessions["notes"].tolist() == ["stiff morning"]
    assert sessions["ended_at"].notna().all()
    assert hold_rows(log.path) == 0
    assert form.status.value == "Saved: pain 6 out of 10 for Sam."


def test_pain_without_a_name_is_refused(log, catalog):
    """Saving a pain score with no name shows the log's message and writes nothing."""
    form = LogForm(log, catalog=catalog)
    form.pain.value = 3
    form.pain_button.click()
    assert "person" in form.status.value and "B3261E" in form.status.value
    assert log.sessions().empty


def test_names_are_escaped_on_the_status_line(log, catalog):
    """A name with markup is shown as text."""
    form = LogForm(log, person="<b>Kim</b>", catalog=catalog)
    form.pain_button.click()
    assert "&lt;b&gt;Kim&lt;/b&gt;" in form.status.value
    assert "<b>" not in form.status.value
