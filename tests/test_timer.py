"""Tests for the hold-timer engine, driven by a fake clock (and one real one)."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from backstretch_kit.timer import (
    BACK_RESTART_S,
    CueDue,
    HoldTimer,
    Phase,
    PhaseFinished,
    PhaseStarted,
    RoutineEnded,
    TimerError,
)

PHASE_KINDS = ["get ready", "hold", "switch side", "rest", "next stretch"]


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def schedule(rows: list[tuple]) -> pd.DataFrame:
    """Build a schedule DataFrame shaped like Routine.schedule() from short rows."""
    records = []
    start = 0.0
    for kind, item, stretch_id, side, rep, reps, seconds in rows:
        records.append(
            {
                "phase": kind,
                "item": item,
                "stretch_id": stretch_id,
                "name": stretch_id.replace("-", " ").capitalize(),
                "body_area": "lower back",
                "side": side,
                "rep": rep,
                "reps": reps,
                "seconds": float(seconds),
                "start_s": start,
            }
        )
        start += seconds
    frame = pd.DataFrame(records)
    frame["phase"] = pd.Categorical(frame["phase"], categories=PHASE_KINDS, ordered=True)
    frame["body_area"] = frame["body_area"].astype("category")
    return frame


#: One each-side stretch (2 reps, 20 s holds, 5 s rest) then one both-sides stretch.
EACH_SIDE = schedule(
    [
        ("get ready", 0, "knee-to-chest", "left", 1, 2, 5),
        ("hold", 0, "knee-to-chest", "left", 1, 2, 20),
        ("rest", 0, "knee-to-chest", "left", 2, 2, 5),
        ("hold", 0, "knee-to-chest", "left", 2, 2, 20),
        ("switch side", 0, "knee-to-chest", "right", 1, 2, 5),
        ("hold", 0, "knee-to-chest", "right", 1, 2, 20),
        ("rest", 0, "knee-to-chest", "right", 2, 2, 5),
        ("hold", 0, "knee-to-chest", "right", 2, 2, 20),
        ("next stretch", 1, "cat-cow", "both", 1, 1, 10),
        ("hold", 1, "cat-cow", "both", 1, 1, 30),
    ]
)
TOTAL_S = 140.0


def kinds(events: list) -> list[str]:
    """Summarise events as short strings, for readable assertions."""
    out = []
    for event in events:
        if isinstance(event, PhaseStarted):
            out.append(f"start {event.index}")
        elif isinstance(event, CueDue):
            out.append(f"cue {event.kind}")
        elif isinstance(event, PhaseFinished):
            out.append(f"finish {event.index} {event.outcome}")
        elif isinstance(event, RoutineEnded):
            out.append(f"ended {event.outcome}")
    return out


def started_timer(frame: pd.DataFrame = EACH_SIDE) -> tuple[HoldTimer, FakeClock]:
    clock = FakeClock()
    timer = HoldTimer(frame, clock=clock)
    timer.start()
    return timer, clock


def test_schedule_frame_becomes_phases():
    """A schedule DataFrame (categoricals, numpy numbers) turns into plain Phase records."""
    timer = HoldTimer(EACH_SIDE)
    assert len(timer.phases) == 10
    hold = timer.phases[5]
    assert hold == Phase(
        kind="hold",
        seconds=20.0,
        item=0,
        stretch_id="knee-to-chest",
        name="Knee to chest",
        body_area="lower back",
        side="right",
        rep=1,
        reps=2,
        start_s=55.0,
    )
    assert type(hold.rep) is int and type(hold.seconds) is float
    assert timer.total_s == TOTAL_S


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([], "no phases"),
        ([Phase("hold", -1.0)], "seconds must be"),
        ([Phase("hold", float("nan"))], "seconds must be"),
        ([Phase("stretching", 5.0)], "phase must be one of"),
        ([{"phase": "hold"}], "no 'seconds' column"),
    ],
)
def test_bad_schedules_are_refused(phases, message):
    """Empty schedules, negative or NaN lengths, unknown kinds and missing columns fail."""
    with pytest.raises(TimerError, match=message):
        HoldTimer(phases)


def test_bad_scale_is_refused():
    """A scale of zero would make every phase vanish; it is refused."""
    with pytest.raises(TimerError, match="scale"):
        HoldTimer(EACH_SIDE, scale=0)


def test_ready_state_before_start():
    """Before start the timer shows the first phase in full and moves for nothing."""
    clock = FakeClock()
    timer = HoldTimer(EACH_SIDE, clock=clock)
    clock.advance(50)
    assert timer.state == "ready"
    assert timer.poll() == []
    assert timer.remaining_s == 5.0
    assert timer.progress == 0.0
    timer.pause()
    timer.skip()
    assert timer.state == "ready" and timer.poll() == []


def test_start_reports_first_phase_at_clock_time():
    """start() begins phase 0 now; start() again changes nothing."""
    timer, clock = started_timer()
    events = timer.poll()
    assert kinds(events) == ["start 0"]
    assert events[0].at == clock.now
    assert timer.state == "running"
    timer.start()
    assert timer.poll() == []


def test_each_side_routine_plays_in_order_with_planned_times():
    """Polling every 0.5 s walks every phase, left then right, each finishing as planned."""
    timer, clock = started_timer()
    t0 = clock.now
    events = timer.poll()
    while timer.state == "running":
        clock.advance(0.5)
        events += timer.poll()
    started = [e for e in events if isinstance(e, PhaseStarted)]
    finished = [e for e in events if isinstance(e, PhaseFinished)]
    assert [e.index for e in started] == list(range(10))
    assert [(e.phase.kind, e.phase.side, e.phase.rep) for e in started[:8]] == [
        ("get ready", "left", 1),
        ("hold", "left", 1),
        ("rest", "left", 2),
        ("hold", "left", 2),
        ("switch side", "right", 1),
        ("hold", "right", 1),
        ("rest", "right", 2),
        ("hold", "right", 2),
    ]
    # each phase starts at the planned offset, exactly
    assert [e.at - t0 for e in started] == [p.start_s for p in timer.phases]
    assert all(e.completed and e.actual_s == e.planned_s for e in finished)
    assert isinstance(events[-1], RoutineEnded) and events[-1].at == t0 + TOTAL_S
    assert timer.state == "finished" and timer.progress == 1.0 and timer.remaining_s == 0.0


def test_cue_times_in_a_hold():
    """A 20 s hold cues halfway at 10 s, 3-2-1 at 17, 18, 19 s and the end at 20 s."""
    timer = HoldTimer.single_hold(20.0, clock=FakeClock(0.0))
    timer.start()
    events = []
    for _ in range(200):
        timer.clock.advance(0.1)
        events += timer.poll()
    cues = [(e.kind, round(e.at, 6)) for e in events if isinstance(e, CueDue)]
    assert cues == [("halfway", 10.0), ("3", 17.0), ("2", 18.0), ("1", 19.0), ("end", 20.0)]
    # the end cue comes before the hold's PhaseFinished, then the routine ends
    assert kinds(events)[-3:] == ["cue end", "finish 0 completed", "ended finished"]


def test_short_hold_has_no_halfway_and_short_phase_no_full_countdown():
    """A 5 s hold has no halfway cue; a 2 s rest counts down only '1'."""
    phases = [Phase("hold", 5.0), Phase("rest", 2.0), Phase("hold", 5.0)]
    clock = FakeClock(0.0)
    timer = HoldTimer(phases, clock=clock)
    timer.start()
    events = []
    while timer.state == "running":
        clock.advance(0.25)
        events += timer.poll()
    rest_cues = [e.kind for e in events if isinstance(e, CueDue) and e.index == 1]
    hold_cues = [e.kind for e in events if isinstance(e, CueDue) and e.index == 0]
    assert hold_cues == ["3", "2", "1", "end"]
    assert rest_cues == ["1"]


def test_switch_side_cue_at_start_of_switch_phase():
    """The switch-side cue is due the moment the switch phase begins."""
    timer, clock = started_timer()
    clock.advance(50.0)  # get ready 5 + hold 20 + rest 5 + hold 20
    events = timer.poll()
    switch = [e for e in events if isinstance(e, CueDue) and e.kind == "switch side"]
    assert len(switch) == 1
    assert switch[0].at == timer.phases[4].start_s + 100.0
    assert timer.index == 4 and timer.current.kind == "switch side"


def test_pause_resume_keeps_remaining_time_exactly():
    """Pausing 4 s into a 20 s hold keeps 16 s through any pause; the hold then runs 20 s."""
    timer, clock = started_timer()
    clock.advance(5.0 + 4.0)
    timer.poll()
    assert timer.index == 1 and timer.remaining_s == 16.0
    timer.pause()
    assert timer.state == "paused"
    clock.advance(300.0)
    assert timer.poll() == []
    assert timer.remaining_s == 16.0 and timer.elapsed_s == 4.0
    timer.resume()
    assert timer.state == "running" and timer.remaining_s == 16.0
    clock.advance(15.9)
    assert not any(isinstance(e, PhaseFinished) for e in timer.poll())
    clock.advance(0.1)
    finished = [e for e in timer.poll() if isinstance(e, PhaseFinished)]
    assert finished[0].index == 1
    assert finished[0].actual_s == 20.0 and finished[0].completed


def test_pause_after_a_missed_boundary_pauses_the_next_phase():
    """Pausing late first reports the boundaries that passed, then freezes the new phase."""
    timer, clock = started_timer()
    timer.poll()
    clock.advance(7.0)  # 2 s into the first hold
    timer.pause()
    events = [e for e in timer.poll() if not isinstance(e, CueDue)]
    assert kinds(events) == ["finish 0 completed", "start 1"]
    assert timer.state == "paused"
    assert timer.index == 1 and timer.remaining_s == 18.0


def test_toggle_pause_flips_between_running_and_paused():
    """toggle_pause() pauses a running timer and resumes a paused one."""
    timer, _ = started_timer()
    timer.toggle_pause()
    assert timer.state == "paused"
    timer.toggle_pause()
    assert timer.state == "running"


def test_late_poll_catches_up_every_boundary():
    """One poll 57 s late reports every phase that passed, each at its due time."""
    timer, clock = started_timer()
    t0 = clock.now
    timer.poll()
    clock.advance(57.0)  # into the right side's first hold, 2 s in
    events = timer.poll()
    finished = [e for e in events if isinstance(e, PhaseFinished)]
    assert [e.index for e in finished] == [0, 1, 2, 3, 4]
    assert [e.at - t0 for e in finished] == [5.0, 25.0, 30.0, 50.0, 55.0]
    assert all(e.actual_s == e.planned_s for e in finished)
    cues = [e for e in events if isinstance(e, CueDue)]
    assert [e.kind for e in cues if e.index == 1] == ["halfway", "3", "2", "1", "end"]
    # each cue knows how late it is reported: the first hold's end was due at 25 s
    end_cue = next(e for e in cues if e.index == 1 and e.kind == "end")
    assert end_cue.late_s == pytest.approx(57.0 - 25.0)
    assert timer.index == 5 and timer.remaining_s == pytest.approx(18.0)
    assert timer.elapsed_s == pytest.approx(2.0)


def test_skip_finishes_phase_as_skipped_with_actual_time():
    """skip() 8 s into a 20 s hold logs 8 s skipped and starts the rest at once."""
    timer, clock = started_timer()
    clock.advance(13.0)
    timer.poll()
    timer.skip()
    events = timer.poll()
    assert kinds(events) == ["finish 1 skipped", "start 2"]
    assert events[0].actual_s == pytest.approx(8.0) and events[0].planned_s == 20.0
    assert events[0].skipped and not events[0].completed
    assert events[1].at == clock.now
    assert timer.remaining_s == 5.0
    # skipped time counts as done in the routine's progress
    assert timer.progress == pytest.approx(25.0 / TOTAL_S)


def test_skip_while_paused_stays_paused_on_next_phase():
    """Skipping while paused moves on but keeps the timer paused with a full phase."""
    timer, clock = started_timer()
    clock.advance(8.0)
    timer.pause()
    timer.poll()
    timer.skip()
    events = timer.poll()
    assert kinds(events) == ["finish 1 skipped", "start 2"]
    assert events[0].actual_s == pytest.approx(3.0)
    assert timer.state == "paused" and timer.remaining_s == 5.0
    clock.advance(60.0)
    assert timer.poll() == []


def test_skip_last_phase_finishes_routine():
    """Skipping the last phase ends the routine as finished."""
    timer = HoldTimer.single_hold(10.0, clock=FakeClock())
    timer.start()
    timer.skip()
    assert kinds(timer.poll()) == ["start 0", "finish 0 skipped", "ended finished"]
    assert timer.state == "finished"


def test_back_early_goes_to_previous_phase():
    """back() within BACK_RESTART_S of a phase's start returns to the previous phase."""
    timer, clock = started_timer()
    clock.advance(25.0 + BACK_RESTART_S / 2)  # 1 s into the rest after hold 1
    timer.poll()
    assert timer.index == 2
    timer.back()
    events = timer.poll()
    assert kinds(events) == ["finish 2 back", "start 1"]
    assert timer.index == 1 and timer.remaining_s == 20.0
    # the hold's cues are announced again when it is played again
    clock.advance(20.0)
    again = timer.poll()
    assert [e.kind for e in again if isinstance(e, CueDue) and e.index == 1] == [
        "halfway",
        "3",
        "2",
        "1",
        "end",
    ]


def test_back_late_restarts_current_phase():
    """back() well into a phase restarts that phase with its full time."""
    timer, clock = started_timer()
    clock.advance(5.0 + 12.0)
    timer.poll()
    timer.back()
    events = timer.poll()
    assert kinds(events) == ["finish 1 back", "start 1"]
    assert events[0].actual_s == pytest.approx(12.0)
    assert timer.remaining_s == 20.0


def test_back_at_first_phase_restarts_it():
    """back() at the very first phase restarts it (there is nothing before)."""
    timer, clock = started_timer()
    clock.advance(1.0)
    timer.back()
    assert kinds(timer.poll()) == ["start 0", "finish 0 back", "start 0"]
    assert timer.remaining_s == 5.0


def test_stop_ends_routine_and_reports_the_partial_phase():
    """stop() finishes the current phase as stopped with its actual time; then nothing moves."""
    timer, clock = started_timer()
    clock.advance(5.0 + 7.5)
    timer.poll()
    timer.stop()
    events = timer.poll()
    assert kinds(events) == ["finish 1 stopped", "ended stopped"]
    assert events[0].actual_s == pytest.approx(7.5)
    assert timer.state == "stopped" and timer.next_phase is None
    timer.resume()
    timer.skip()
    timer.back()
    clock.advance(100.0)
    assert timer.poll() == [] and timer.state == "stopped"


def test_stop_while_paused_counts_time_up_to_the_pause():
    """Stopping a paused hold counts only the running time before the pause."""
    timer, clock = started_timer()
    clock.advance(5.0 + 3.0)
    timer.pause()
    clock.advance(40.0)
    timer.stop()
    finished = [e for e in timer.poll() if isinstance(e, PhaseFinished)]
    assert finished[-1].outcome == "stopped" and finished[-1].actual_s == pytest.approx(3.0)


def test_progress_next_phase_and_next_due():
    """progress grows with planned time; next_phase and next_due_s look one step ahead."""
    timer, clock = started_timer()
    assert timer.next_phase == timer.phases[1]
    clock.advance(5.0 + 5.0)
    timer.poll()
    assert timer.progress == pytest.approx(10.0 / TOTAL_S)
    assert timer.position_s == pytest.approx(10.0)
    assert timer.next_due_s() == pytest.approx(5.0)  # halfway cue at 10 s of 20
    clock.advance(5.5)
    timer.poll()
    assert timer.next_due_s() == pytest.approx(6.5)  # the "3" cue, 17 s into the hold
    timer.pause()
    assert timer.next_due_s() is None
    timer.resume()
    clock.advance(200.0)
    timer.poll()
    assert timer.next_phase is None and timer.progress == 1.0


def test_zero_length_phase_passes_straight_through():
    """A 0 s phase is started and finished at the same instant."""
    clock = FakeClock(0.0)
    timer = HoldTimer([Phase("hold", 2.0), Phase("rest", 0.0), Phase("hold", 2.0)], clock=clock)
    timer.start()
    clock.advance(2.5)
    events = timer.poll()
    rest = [e for e in events if e.__class__ is not RoutineEnded and e.index == 1]
    assert kinds(rest) == ["start 1", "finish 1 completed"]
    assert all(e.at == 2.0 for e in rest)


def test_scale_shrinks_every_phase():
    """scale=0.1 plays a 140 s routine in 14 s."""
    timer = HoldTimer(EACH_SIDE, scale=0.1)
    assert timer.total_s == pytest.approx(14.0)
    assert timer.phases[1].seconds == pytest.approx(2.0)


def test_single_hold_with_get_ready():
    """single_hold() can put a get-ready countdown before the hold."""
    timer = HoldTimer.single_hold(30.0, name="Cat-cow", get_ready_s=5.0)
    assert [(p.kind, p.seconds) for p in timer.phases] == [("get ready", 5.0), ("hold", 30.0)]
    assert timer.phases[1].name == "Cat-cow" and timer.phases[1].start_s == 5.0


def test_real_clock_two_second_hold():
    """On the real monotonic clock a 2 s hold ends after 2 s (generous upper margin)."""
    timer = HoldTimer.single_hold(2.0)
    began = time.monotonic()
    timer.start()
    events = timer.poll()
    while timer.state == "running":
        time.sleep(0.02)
        events += timer.poll()
    took = time.monotonic() - began
    finished = [e for e in events if isinstance(e, PhaseFinished)]
    assert finished[0].completed and finished[0].actual_s == 2.0
    assert finished[0].at - events[0].at == pytest.approx(2.0)
    assert 1.9 <= took <= 3.5


def test_a_clock_that_steps_backward_never_shows_more_than_the_phase():
    """Remaining time stays within 0 and the phase length; progress stays within 0 and 1."""
    now = [100.0]
    engine = HoldTimer([Phase("hold", 10.0, stretch_id="x", name="X")], clock=lambda: now[0])
    engine.start()
    now[0] = 105.0
    engine.poll()
    now[0] = 40.0  # the clock jumped back a minute
    engine.poll()
    assert 0.0 <= engine.remaining_s <= 10.0
    assert 0.0 <= engine.progress <= 1.0


@pytest.mark.parametrize("seconds", ["abc", None, "10", True, [10]])
def test_seconds_that_are_not_a_number_raise_timer_error(seconds):
    """Non-numeric or missing seconds in a schedule row are a TimerError naming the row."""
    with pytest.raises(TimerError, match="row 0"):
        HoldTimer([{"phase": "hold", "seconds": seconds}])
    with pytest.raises(TimerError, match="row 0"):
        HoldTimer([Phase("hold", seconds)])
