"""LoggedSession: the one session flow, driven by a real HoldTimer into a real SQLite log."""

from __future__ import annotations

import pytest

from backstretch_kit.log import LogError, SessionLog
from backstretch_kit.routine import Routine
from backstretch_kit.session import LOGGED_OUTCOMES, LoggedSession
from backstretch_kit.timer import HoldTimer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(tmp_path):
    """A two-rep routine, its timer on a fake clock, a fresh log and a session over them."""
    routine = Routine.from_stretches(["sphinx"], hold_s=10.0, reps=2, rest_s=5.0)
    clock = Clock()
    timer = HoldTimer(routine.schedule(), clock=clock)
    log = SessionLog(tmp_path / "log.sqlite")
    return routine, clock, timer, log, LoggedSession(log, "Ana", routine, clock)


def run(timer: HoldTimer, clock: Clock, session: LoggedSession, seconds: float) -> None:
    for _ in range(int(seconds * 2)):
        clock.now += 0.5
        for event in timer.poll():
            session.handle(event)


def test_a_played_routine_is_logged_hold_by_hold_on_one_timeline(setup):
    """Both holds are stored with their planned and actual time, in order, then finished."""
    _routine, clock, timer, log, session = setup
    session.begin(pain_before=4)
    timer.start()
    run(timer, clock, session, 40)
    session.finish(pain_after=2, notes="easy")
    holds = log.holds()
    assert holds["rep"].tolist() == [1, 2] and holds["completed"].all()
    assert holds["actual_s"].tolist() == pytest.approx([10.0, 10.0], abs=0.6)
    assert holds["started_at"].is_monotonic_increasing
    stored = log.sessions().iloc[0]
    assert (stored["pain_before"], stored["pain_after"], stored["notes"]) == (4, 2, "easy")
    assert stored["ended_at"] > holds["started_at"].max()
    assert session.completed == 2 and session.held_s == pytest.approx(20.0, abs=1.2)


def test_skipped_and_stopped_holds_are_logged_as_not_completed(setup):
    """Skip in the first hold and Stop in the second: both are logged, neither completed."""
    _routine, clock, timer, log, session = setup
    assert set(LOGGED_OUTCOMES) == {"completed", "skipped", "stopped"}
    session.begin()
    timer.start()
    run(timer, clock, session, 8)  # 5 s get ready, then 3 s into the first hold
    timer.skip()
    run(timer, clock, session, 8)  # the rest, then 3 s into the second hold
    timer.stop()
    run(timer, clock, session, 1)
    holds = log.holds()
    assert holds["completed"].tolist() == [False, False]
    assert holds["actual_s"].tolist() == pytest.approx([3.0, 3.0], abs=0.6)


def test_a_hold_the_log_refuses_is_kept_and_reported(setup):
    """A closed log raises LogError from handle(), and the hold is listed as unsaved."""
    _routine, clock, timer, log, session = setup
    session.begin()
    timer.start()
    log.close()
    with pytest.raises(LogError):
        run(timer, clock, session, 20)
    assert len(session.unsaved) == 1 and session.saved == []


def test_nothing_is_logged_before_begin_and_finish_needs_begin(setup):
    """Events before begin() are not logged anywhere; finish() without begin() says so."""
    _routine, clock, timer, log, session = setup
    timer.start()
    run(timer, clock, session, 20)
    assert log.holds().empty
    with pytest.raises(LogError, match="never begun"):
        session.finish()
