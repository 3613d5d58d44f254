"""Tests for GuidedSession: real Routine, real SQLite log in tmp_path, a simulated timer page."""

from __future__ import annotations

import pandas as pd
import pytest
from timer_page import FakeClock, SimulatedPage

from backstretch_kit.guidance import Profile
from backstretch_kit.log import SessionLog
from backstretch_kit.routine import Routine
from backstretch_kit.widgets import GuidedSession


@pytest.fixture
def routine() -> Routine:
    """Knee to chest, each side, 2 reps of 20 s with 10 s rest; settings kept short."""
    return Routine.from_stretches(
        ["knee-to-chest"], hold_s=20.0, reps=2, sides="each side", rest_s=10.0
    )


@pytest.fixture
def log(tmp_path) -> SessionLog:
    """A real session log in a fresh SQLite file."""
    return SessionLog(tmp_path / "log.sqlite")


def make(routine, log, **options) -> tuple[GuidedSession, SimulatedPage]:
    clock = FakeClock(50.0)
    session = GuidedSession(routine, "Ana <B>", log, clock=clock, pictures=False, **options)
    return session, SimulatedPage(session.timer, clock)


def play(page: SimulatedPage, seconds: float, step: float = 0.5) -> None:
    page.advance(seconds, step=step)


def test_before_stage_asks_pain_and_escapes_the_name(routine, log):
    """A fresh session shows the pain slider and Begin, the escaped name, and no timer yet."""
    session, _ = make(routine, log)
    assert session.stage == "before"
    assert session.before_box in session.children and session.timer not in session.children
    assert "Ana &lt;B&gt;" in session.header.value
    for css, part in {
        "bk-pain-before": session.pain_before,
        "bk-begin": session.begin_button,
        "bk-pain-after": session.pain_after,
        "bk-notes": session.notes,
        "bk-finish": session.finish_button,
        "bk-session-status": session.status,
    }.items():
        assert css in part._dom_classes, css
    assert log.sessions().empty


def test_full_session_logs_every_hold_and_the_pain(routine, log):
    """Begin, play to the end, Finish: four completed holds, pain before and after saved."""
    session, page = make(routine, log)
    session.pain_before.value = 6
    session.begin_button.click()
    assert session.stage == "playing" and session.timer in session.children
    assert session.timer.state == "running" and page.commands == ["start"]
    play(page, session.timer.total_s + 1.0)
    assert session.stage == "after" and session.after_box in session.children
    session.pain_after.value = 4
    session.notes.value = "  felt <good>  "
    session.finish_button.click()
    assert session.stage == "done"

    holds = log.holds()
    assert len(holds) == 4 and holds["completed"].all()
    assert list(holds["side"]) == ["left", "left", "right", "right"]
    assert list(holds["rep"]) == [1, 2, 1, 2]
    assert (holds["actual_s"] == 20.0).all() and (holds["planned_s"] == 20.0).all()
    assert set(holds["session_id"]) == {session.session_id}
    started = list(holds["started_at"])
    assert all(t.tzinfo is not None for t in started)
    assert started == sorted(started)

    sessions = log.sessions()
    row = sessions.iloc[0]
    assert row["pain_before"] == 6 and row["pain_after"] == 4
    assert row["notes"] == "felt <good>" and not pd.isna(row["ended_at"])
    assert row["ended_at"] >= holds["started_at"].max()
    assert "4 holds, 4 completed" in session.status.value and "6 → 4" in session.status.value


def test_each_hold_is_saved_as_it_finishes(routine, log):
    """After the first hold ends, and before anything else, its row is already in the file."""
    session, page = make(routine, log)
    session.begin_button.click()
    first_hold_end = session.timer.phases[1].start_s + 20.0
    play(page, first_hold_end + 0.5)
    holds = SessionLog(log.path).holds()  # a second connection: it is really written
    assert len(holds) == 1 and holds.iloc[0]["completed"]


def test_stop_half_way_keeps_holds_and_offers_pain_after(routine, log):
    """Stop during the second hold: first hold complete, second logged as not completed."""
    session, page = make(routine, log)
    session.begin_button.click()
    second_hold_start = session.timer.phases[3].start_s
    play(page, second_hold_start + 7.0)
    page.press("stop")
    assert session.stage == "after"
    session.pain_after.value = 2
    session.finish_button.click()
    holds = log.holds()
    assert list(holds["completed"]) == [True, False]
    assert holds.iloc[1]["actual_s"] == pytest.approx(7.0, abs=0.5)
    assert log.sessions().iloc[0]["pain_after"] == 2


def test_skipped_hold_is_logged_as_skipped(routine, log):
    """Skipping a hold 5 s in logs it as not completed with 5 s held."""
    session, page = make(routine, log)
    session.begin_button.click()
    play(page, session.timer.phases[1].start_s + 5.0)
    page.press("skip")
    holds = log.holds()
    assert len(holds) == 1
    assert not holds.iloc[0]["completed"]
    assert holds.iloc[0]["actual_s"] == pytest.approx(5.0)


def test_back_within_a_hold_does_not_log_it_twice(routine, log):
    """Restarting a hold with Back logs it once, when it finally finishes."""
    session, page = make(routine, log)
    session.begin_button.click()
    play(page, session.timer.phases[1].start_s + 8.0)
    page.press("back")
    assert log.holds().empty
    play(page, 20.5)
    holds = log.holds()
    assert len(holds) == 1 and holds.iloc[0]["completed"]


def test_stop_finding_blocks_the_session(routine, log):
    """A red flag gives a stop finding: Begin is disabled, the reason shown, nothing logged."""
    profile = Profile(red_flags={"fever_unwell": True})
    session, _ = make(routine, log, profile=profile)
    assert session.stage == "blocked"
    assert any(f.level == "stop" for f in session.findings)
    assert session.begin_button.disabled and session.pain_before.disabled
    assert session.before_box in session.children and session.timer not in session.children
    assert "will not start" in session.status.value
    assert "doctor within a day or two" in session.status.value
    assert "Stop" in session.findings_html.value
    session.begin_button.click()  # a click on a disabled button still fires in Python
    assert session.stage == "blocked" and session.session_id is None
    assert log.sessions().empty


def test_finish_before_the_end_does_nothing(routine, log):
    """Finish only acts after the routine ended; early clicks change nothing."""
    session, _ = make(routine, log)
    session.finish_button.click()
    session.begin_button.click()
    session.finish_button.click()
    assert session.stage == "playing"

    assert pd.isna(log.sessions().iloc[0]["ended_at"])


def test_class_session_without_pain_questions_logs_holds_and_no_pain(tmp_path):
    """ask_pain=False (a workshop) begins at once, logs each hold and stores no pain scores."""
    from backstretch_kit import Routine, SessionLog
    from backstretch_kit.widgets import GuidedSession

    clock = FakeClock(100.0)
    routine = Routine.from_stretches(["chin-tuck"], name="Class", hold_s=2, reps=1)
    with SessionLog(tmp_path / "class.sqlite") as log:
        session = GuidedSession(routine, "Workshop", log, ask_pain=False, clock=clock)
        page = SimulatedPage(session.timer, clock)
        assert session.pain_before not in session.before_box.children
        session.begin_button.click()
        page.advance(20.0, step=0.5)
        assert session.stage == "after"
        assert session.pain_after not in session.after_box.children
        session.finish_button.click()
        sessions = log.sessions()
        assert sessions["pain_before"].isna().all() and sessions["pain_after"].isna().all()
        assert len(log.holds()) == 1 and log.holds()["completed"].all()
        assert session.status.value.count("Saved: 1 holds") == 1


def test_red_flag_ticked_before_begin_blocks_the_session_and_logs_nothing(tmp_path):
    """With a screen, a red flag ticked after the widget was built still stops Begin."""
    from backstretch_kit import Routine, SessionLog
    from backstretch_kit.widgets import GuidedSession, RedFlagScreen

    routine = Routine.from_stretches(["chin-tuck"], name="Neck", hold_s=10, reps=2)
    with SessionLog(tmp_path / "log.sqlite") as log:
        screen = RedFlagScreen()
        session = GuidedSession(routine, "Ann", log, screen=screen, clock=lambda: 0.0)
        assert screen in session.before_box.children and session.stage == "before"
        screen.boxes["saddle_numbness"].value = True
        session.begin_button.click()
        assert session.stage == "blocked" and session.begin_button.disabled
        assert "emergency care now" in session.status.value
        # an emergency is not sent to "a doctor or physiotherapist", nor softened
        assert "physiotherapist" not in session.status.value
        assert "emergency care now" in session.findings_html.value
        assert log.sessions().empty
        screen.boxes["saddle_numbness"].value = False  # ticked by mistake
        assert session.stage == "before" and not session.begin_button.disabled


def test_screen_with_no_flags_lets_the_session_begin(tmp_path):
    """An all-clear screen changes nothing: Begin opens the session as usual."""
    from backstretch_kit import Routine, SessionLog
    from backstretch_kit.widgets import GuidedSession, RedFlagScreen

    routine = Routine.from_stretches(["chin-tuck"], name="Neck", hold_s=10, reps=2)
    with SessionLog(tmp_path / "log.sqlite") as log:
        session = GuidedSession(routine, "Ann", log, screen=RedFlagScreen(), clock=lambda: 0.0)
        session.begin_button.click()
        assert session.stage == "playing" and len(log.sessions()) == 1


def test_a_hold_the_log_refuses_is_reported_and_the_session_goes_on(routine, log):
    """When the log refuses a hold, the person is told which one, and the timer carries on."""
    session, page = make(routine, log)
    session.begin()
    log.close()  # every later write fails, as on a full disk
    play(page, 30)
    assert session.unsaved, "the refused hold is kept in view"
    assert "could not be saved" in session.status.value
    assert session.timer.state == "running"


def test_a_click_handler_error_is_shown_in_the_session(routine, log):
    """An error raised by Finish appears in the session's status line, not only in a log."""
    session, page = make(routine, log)
    session.begin()
    page.press("stop")
    log.close()
    session.finish_button.click()
    assert "Something went wrong while saving the session" in session.status.value


def test_the_screen_asks_the_whole_profile_and_the_findings_follow_it(tmp_path):
    """Conditions ticked on the screen are checked at once: hip replacement leaves out pigeon."""
    from backstretch_kit import Routine, SessionLog
    from backstretch_kit.widgets import GuidedSession, RedFlagScreen

    routine = Routine.from_stretches(["pigeon-pose", "chin-tuck"], name="Hips")
    with SessionLog(tmp_path / "log.sqlite") as log:
        screen = RedFlagScreen(ask_profile=True)
        assert set(screen.conditions) >= {"hip_replacement", "leg_pain", "older_adult"}
        session = GuidedSession(routine, "Ann", log, screen=screen, clock=lambda: 0.0)
        assert session.stage == "before"
        screen.conditions["hip_replacement"].value = True
        assert session.stage == "blocked" and session.begin_button.disabled
        assert "hip replacement" in session.findings_html.value
        assert "leave these stretches out" in session.status.value
        screen.conditions["hip_replacement"].value = False
        screen.conditions["older_adult"].value = True
        assert screen.profile().age_group == "older adult"
        assert session.stage == "before"


def test_pain_up_two_points_after_the_session_gets_advice(routine, log):
    """Pain 2 before and 5 after: the session says to ease off and see a physiotherapist."""
    session, page = make(routine, log)
    session.pain_before.value = 2
    session.begin_button.click()
    page.press("stop")
    session.pain_after.value = 5
    session.finish_button.click()
    assert "3 points higher" in session.status.value
    assert "ease off" in session.status.value and "see a physiotherapist" in session.status.value


def test_a_hold_the_page_sends_twice_is_logged_once(routine, log):
    """The page resends what the kernel already took (its ack was lost): one row per hold."""
    session, page = make(routine, log)
    session.begin_button.click()
    play(page, session.timer.phases[1].start_s + 20.5)
    assert len(log.holds()) == 1
    page.deliver(page.sent)  # every event again, as after a lost acknowledgement
    page.deliver(page.sent)
    holds = log.holds()
    assert len(holds) == 1 and session.hold_ids == list(holds["hold_id"])


def test_holds_finished_while_the_kernel_is_busy_are_logged_with_their_own_times(routine, log):
    """Kernel busy for the first hold: it is logged once it answers, started when it started."""
    session, page = make(routine, log)
    session.begin_button.click()
    page.connected = False  # a long computation in another cell
    play(page, session.timer.phases[1].start_s + 20.5)
    assert log.holds().empty and page.holds_waiting() == 1
    page.reconnect()
    holds = log.holds()
    assert len(holds) == 1 and holds.iloc[0]["completed"] and page.holds_waiting() == 0
    started = holds.iloc[0]["started_at"]
    session_start = log.sessions().iloc[0]["started_at"]
    assert (started - session_start).total_seconds() == pytest.approx(5.0, abs=0.01)
