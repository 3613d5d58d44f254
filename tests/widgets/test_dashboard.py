"""The progress dashboard: empty logs, demo logs, the person picker and the date range."""

from __future__ import annotations

import datetime as dt

import pytest

from backstretch_kit.demo import sample_log
from backstretch_kit.log import SessionLog
from backstretch_kit.widgets.dashboard import ProgressDashboard

TODAY = dt.date(2026, 3, 31)


@pytest.fixture(scope="module")
def demo_log(tmp_path_factory):
    """Two people, 60 days ending on TODAY, written through the real log."""
    path = tmp_path_factory.mktemp("demo") / "log.sqlite"
    with SessionLog(path) as log:
        sample_log(people=("Alex", "Sam"), days=60, seed=3, start="2026-01-31", log=log)
        yield log


def charts(board: ProgressDashboard) -> list[bytes]:
    return [
        bytes(image.value)
        for image in (board.weekly, board.calendar, board.pain_chart, board.sides_chart)
    ]


def test_empty_log_says_nothing_is_logged(tmp_path):
    """With an empty log the dashboard says so and hides the charts."""
    with SessionLog(tmp_path / "empty.sqlite") as log:
        board = ProgressDashboard(log, dpi=20)
    assert "No stretching logged yet" in board.summary.value
    assert board.person.options == () and board.person.value is None
    assert board.charts.layout.display == "none"


def test_demo_log_draws_four_charts(demo_log):
    """With a demo log the first person's four charts are PNGs and the summary counts them."""
    board = ProgressDashboard(demo_log, today=TODAY, dpi=20)
    assert board.person.options == ("Alex", "Sam") and board.person.value == "Alex"
    assert all(png.startswith(b"\x89PNG") for png in charts(board))
    assert board.charts.layout.display is None
    sessions = demo_log.sessions("Alex", start=TODAY - dt.timedelta(days=90))
    assert f"last 3 months: {len(sessions)} sessions" in board.summary.value


def test_person_picker_changes_the_charts(demo_log):
    """Picking another person redraws the charts and the summary for them."""
    board = ProgressDashboard(demo_log, today=TODAY, dpi=20)
    alex_charts, alex_summary = charts(board), board.summary.value
    board.person.value = "Sam"
    assert "<b>Sam</b>" in board.summary.value and board.summary.value != alex_summary
    assert all(a != s for a, s in zip(alex_charts, charts(board), strict=True))


def test_person_argument_picks_whom_to_show(demo_log):
    """The person given first is the one shown."""
    board = ProgressDashboard(demo_log, person="Sam", today=TODAY, dpi=20)
    assert board.person.value == "Sam"


def test_period_narrows_the_sessions_counted(demo_log):
    """'Last 4 weeks' counts only the sessions of the last 28 days, 'All time' all of them."""
    board = ProgressDashboard(demo_log, today=TODAY, dpi=20, period="All time")
    everything = len(demo_log.sessions("Alex"))
    assert f"all time: {everything} sessions" in board.summary.value
    board.period.value = "Last 4 weeks"
    recent = len(demo_log.sessions("Alex", start=TODAY - dt.timedelta(days=27)))
    assert 0 < recent < everything
    assert f"last 4 weeks: {recent} sessions" in board.summary.value


def test_refresh_picks_up_new_entries(tmp_path):
    """After the first logged stretch, Refresh offers the person and shows the charts."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        board = ProgressDashboard(log, dpi=20)
        log.log_activity("Kim", "cat-stretch", 90.0)
        board.refresh_button.click()
    assert board.person.options == ("Kim",) and board.person.value == "Kim"
    assert "1 session" in board.summary.value and "1 min 30 s" in board.summary.value
    assert board.charts.layout.display is None


def test_a_person_with_nothing_logged_is_not_shown_someone_else(demo_log):
    """Asking for a name not in the log says they have nothing yet, not another's charts."""
    board = ProgressDashboard(demo_log, person="Robin", today=TODAY, dpi=20)
    assert board.person.value == "Robin"
    assert board.person.options == ("Alex", "Robin", "Sam")
    assert "No stretching logged yet for Robin" in board.summary.value
    assert board.charts.layout.display == "none"
    board.person.value = "Sam"
    assert "<b>Sam</b>" in board.summary.value and board.charts.layout.display is None
