"""Tests for TimerWidget without a browser: a simulated page plays, the kernel side reacts."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import threading
from pathlib import Path

import pytest
from timer_page import FakeClock, SimulatedPage

from backstretch_kit.timer import (
    Phase,
    PhaseFinished,
    PhaseStarted,
    RoutineEnded,
    TimerError,
    countdown_text,
    cues_for,
    describe_next,
    describe_phase,
)
from backstretch_kit.widgets import TimerWidget, _callbacks
from backstretch_kit.widgets.timer_widget import COMMANDS, TONES

WIDGETS = Path(__file__).resolve().parents[2] / "backstretch_kit" / "widgets"


def phases() -> list[Phase]:
    """A small each-side routine: get ready 5, left hold 12, switch 5, right hold 12."""
    common = {"item": 0, "stretch_id": "knee-to-chest", "name": "Knee <to> chest", "reps": 1}
    return [
        Phase("get ready", 5.0, side="left", **common),
        Phase("hold", 12.0, side="left", **common),
        Phase("switch side", 5.0, side="right", **common),
        Phase("hold", 12.0, side="right", **common),
    ]


@pytest.fixture
def catalog():
    """A one-row stand-in for the catalog: just the instructions column the widget reads."""
    import pandas as pd

    return pd.DataFrame(
        {"instructions": [["Lie on your back <slowly>.", "Hug one knee."]]},
        index=pd.Index(["knee-to-chest"], name="stretch_id"),
    )


def make(catalog, **options) -> tuple[TimerWidget, SimulatedPage, list]:
    clock = FakeClock()
    seen: list = []
    widget = TimerWidget(
        phases(), clock=clock, stretches=catalog, pictures=False, on_event=seen.append, **options
    )
    return widget, SimulatedPage(widget, clock), seen


def finished(seen: list) -> list[PhaseFinished]:
    return [e for e in seen if isinstance(e, PhaseFinished)]


def test_the_schedule_sent_to_the_page_has_every_phase_with_its_words(catalog):
    """The page gets each phase's seconds, side, rep and words as text; the first step only."""
    widget, _page, _seen = make(catalog)
    schedule = widget.schedule
    json.dumps(schedule)  # a synced trait: plain JSON
    kinds = [p["kind"] for p in schedule["phases"]]
    assert kinds == ["get ready", "hold", "switch side", "hold"]
    first, left = schedule["phases"][:2]
    assert first["name"] == "Knee <to> chest"  # text, escaped by the page (textContent)
    assert first["status"] == "Get ready"
    assert first["next"] == "Next: Knee <to> chest, hold 12 s, left side"
    assert (left["seconds"], left["side"], left["rep"], left["start_s"]) == (12.0, "left", 1, 5.0)
    assert left["status"] == describe_phase(widget.phases[1])
    assert schedule["phases"][-1]["next"] == describe_next(None)
    assert schedule["steps"] == {"knee-to-chest": "Lie on your back <slowly>."}
    assert schedule["total_s"] == 34.0 and schedule["pictures"] == {}
    assert widget.state == "ready" and widget.owner == "" and len(widget.session_key) == 32


def test_each_cue_has_the_tone_of_what_it_marks(catalog):
    """3-2-1 count, halfway, switch side, rest and done each get their own tone."""
    widget, _page, _seen = make(catalog)
    cues = [p["cues"] for p in widget.schedule["phases"]]
    assert [[kind for _r, kind, _t in c] for c in cues] == [
        [kind for _r, kind in cues_for(p)] for p in widget.phases
    ]
    assert [(kind, tone) for _r, kind, tone in cues[0]] == [("3", "count"), ("2", "count"),
                                                           ("1", "count")]  # fmt: skip
    left_hold = {kind: tone for _r, kind, tone in cues[1]}
    assert left_hold["halfway"] == "halfway"
    assert left_hold["end"] is None  # the switch phase's own cue sounds then
    assert {kind: tone for _r, kind, tone in cues[2]}["switch side"] == "switch"
    assert {kind: tone for _r, kind, tone in cues[3]}["end"] == "done"
    rested = TimerWidget([Phase("hold", 5.0), Phase("rest", 3.0), Phase("hold", 5.0)],
                         stretches=catalog, pictures=False)  # fmt: skip
    assert rested.schedule["phases"][0]["cues"][-1] == [0.0, "end", "rest"]
    tones = {tone for p in widget.schedule["phases"] for _r, _k, tone in p["cues"]} - {None}
    assert tones <= set(TONES)
    script = (WIDGETS / "timer.js").read_text()
    for tone in TONES:  # every tone the kernel names has notes in the page
        assert re.search(rf"^\s+{tone}: \[\[", script, re.M), tone


def test_spoken_words_name_the_stretch_the_side_switch_and_the_last_rep():
    """The voice says the stretch and hold at its start, the side to switch to, 'last one'."""
    common = {"stretch_id": "knee-to-chest", "name": "Knee to chest"}
    widget = TimerWidget(
        [
            Phase("get ready", 5.0, side="left", **common),
            Phase("hold", 30.0, side="left", rep=1, reps=2, **common),
            Phase("rest", 10.0, side="left", rep=2, reps=2, **common),
            Phase("hold", 30.0, side="left", rep=2, reps=2, **common),
            Phase("switch side", 5.0, side="right", **common),
            Phase("hold", 75.0, side="right", rep=1, reps=1, **common),
        ],
        pictures=False,
    )
    said = [p["say"] for p in widget.schedule["phases"]]
    assert said == [
        "Get ready: Knee to chest.",
        "Knee to chest. Hold 30 seconds, left side.",
        "Rest.",
        "Last one.",
        "Switch to the right side.",
        "Knee to chest. Hold 1 minute 15 seconds, right side.",
    ]
    assert widget.schedule["say_done"].startswith("Done")
    announced = widget.schedule["phases"][1]["announce"]
    assert announced == "Knee to chest: Hold, rep 1 of 2, left side, 30 s."


def test_start_on_the_page_runs_and_reports_each_phase(catalog):
    """Start pressed on the page: the kernel follows the phases and hears each event once."""
    widget, page, seen = make(catalog)
    page.press("start")
    assert widget.state == "running" and widget.owner == "page-1"
    assert isinstance(seen[0], PhaseStarted) and seen[0].index == 0
    page.advance(5.0 + 3.5)
    assert widget.index == 1 and widget.current.kind == "hold"
    assert [type(e).__name__ for e in seen] == ["PhaseStarted", "PhaseFinished", "PhaseStarted"]
    assert seen[1].at == pytest.approx(1005.0)  # dated at its deadline, not at a tick
    assert page.queue == [] and all(not ack["refused"] for ack in page.acks)


def test_kernel_commands_are_sent_to_the_page(catalog):
    """start(), toggle_pause(), skip(), back() and stop() send commands the page plays."""
    widget, page, seen = make(catalog)
    widget.start()
    widget.toggle_pause()
    assert widget.state == "paused"
    widget.toggle_pause()
    widget.skip()
    page.advance(1.0)
    widget.back()
    widget.stop()
    assert page.commands == ["start", "toggle_pause", "toggle_pause", "skip", "back", "stop"]
    assert set(page.commands) <= set(COMMANDS)
    assert [e.outcome for e in finished(seen)] == ["skipped", "back", "stopped"]
    assert isinstance(seen[-1], RoutineEnded) and seen[-1].outcome == "stopped"
    assert widget.state == "stopped"


def test_a_start_sent_before_the_page_was_there_is_asked_again_at_its_hello(catalog):
    """start() before the page made its model: the page's hello gets the start again, once."""
    clock = FakeClock()
    widget = TimerWidget(phases(), clock=clock, stretches=catalog, pictures=False)
    widget.start()  # no page yet: the command is lost
    page = SimulatedPage(widget, clock)
    page.hello()
    assert page.commands == ["start"] and widget.state == "running"
    page.hello()  # a reload later: the run is under way, nothing is asked
    assert page.commands == ["start"]
    idle = TimerWidget(phases(), clock=clock, stretches=catalog, pictures=False)
    quiet = SimulatedPage(idle, clock)
    quiet.hello()  # nobody asked for a start: the page waits for its Start button
    assert quiet.commands == [] and idle.state == "ready"


def test_pause_keeps_time_and_the_hold_counts_only_running_time(catalog):
    """Paused 2 minutes in a hold: the hold still finishes completed, the pause not counted."""
    widget, page, seen = make(catalog)
    page.press("start")
    page.advance(7.0)
    page.press("toggle_pause")
    assert widget.state == "paused"
    page.advance(120.0, step=1.0)
    assert widget.index == 1 and len(finished(seen)) == 1
    page.press("toggle_pause")
    assert widget.state == "running"
    page.advance(10.5)
    hold = finished(seen)[1]
    assert (hold.index, hold.outcome, hold.actual_s) == (1, "completed", 12.0)
    assert hold.at == pytest.approx(1000.0 + 17.0 + 120.0)


def test_skip_back_and_stop_from_the_page(catalog):
    """Skip moves on, Back within 2 s returns, Stop ends: each outcome reported, then the end."""
    widget, page, seen = make(catalog)
    page.press("start")
    page.press("skip")
    assert widget.index == 1
    page.advance(1.0)
    page.press("back")
    assert widget.index == 0
    page.press("stop")
    assert widget.state == "stopped"
    assert [e.outcome for e in finished(seen)] == ["skipped", "back", "stopped"]
    assert isinstance(seen[-1], RoutineEnded)


def test_whole_routine_finishes_and_every_event_reaches_on_event(catalog):
    """Running to the end: every phase completed, one RoutineEnded, state finished."""
    widget, page, seen = make(catalog)
    page.press("start")
    page.advance(40.0, step=0.25)
    assert widget.state == "finished"
    assert [e.phase.kind for e in finished(seen)] == ["get ready", "hold", "switch side", "hold"]
    assert all(e.completed for e in finished(seen))
    assert sum(isinstance(e, RoutineEnded) for e in seen) == 1


def test_an_event_id_seen_before_is_acknowledged_and_not_handled_again(catalog):
    """A resend of events already taken is acked again; the handlers hear each event once."""
    widget, page, seen = make(catalog)
    page.press("start")
    page.advance(6.0)
    count = len(seen)
    ack = page.deliver(page.sent)  # all of it again, as after a lost acknowledgement
    assert ack["ids"] == [e["id"] for e in page.sent] and ack["refused"] == {}
    assert len(seen) == count == 3


def test_events_are_taken_in_order_and_one_after_a_gap_waits(catalog):
    """An event whose predecessor has not arrived is not taken until the resend fills the gap."""
    widget, page, seen = make(catalog)
    page.connected = False
    page.press("start")
    page.advance(5.5)
    page.in_transit.clear()  # those messages were lost on the way
    page.connected = True
    assert seen == [] and len(page.queue) == 3
    ack = page.deliver(page.queue[1:])  # only the later ones arrive
    assert ack["ids"] == [] and seen == []
    page.deliver()  # the page resends all it still holds
    assert [type(e).__name__ for e in seen] == ["PhaseStarted", "PhaseFinished", "PhaseStarted"]
    assert page.queue == []


def test_a_run_from_another_page_is_refused(catalog):
    """Once a page plays the timer, a second tab's events are refused and change nothing."""
    widget, page, seen = make(catalog)
    page.press("start")
    other = {"kind": "started", "t": page.clock(), "index": 0, "phase": "get ready",
             "id": "tab-2:1", "page": "tab-2", "seq": 1}  # fmt: skip
    ack = widget.handle_page_message({"type": "events", "now": page.clock(), "events": [other]})
    assert list(ack["refused"]) == ["tab-2:1"] and "another tab" in ack["refused"]["tab-2:1"]
    assert len(seen) == 1 and widget.owner == "page-1"


def test_a_malformed_event_is_refused_with_its_reason_and_shown(catalog):
    """An event naming a phase that does not exist is refused, shown, and the next is taken."""
    widget, page, seen = make(catalog)
    bad = {"kind": "finished", "t": 1.0, "index": 9, "phase": "hold", "planned_s": 12.0,
           "actual_s": 3.0, "outcome": "completed", "id": "p:1", "page": "p", "seq": 1}  # fmt: skip
    good = {"kind": "started", "t": 1.0, "index": 0, "phase": "get ready", "id": "p:2",
            "page": "p", "seq": 2}  # fmt: skip
    ack = widget.handle_page_message({"type": "events", "now": 1.0, "events": [bad, good]})
    assert "there is no phase 9" in ack["refused"]["p:1"] and ack["ids"] == ["p:2"]
    assert "there is no phase 9" in widget.error and len(seen) == 1
    for seq, value in ((3, "-3"), (4, 99.0)):  # not a number; more than the phase's length
        wrong = {**bad, "index": 1, "actual_s": value, "id": f"p:{value}", "seq": seq}
        ack = widget.handle_page_message({"type": "events", "now": 1.0, "events": [wrong]})
        assert list(ack["refused"]) == [f"p:{value}"]


def test_times_come_from_the_page_clock_even_when_the_kernel_answers_late(catalog):
    """Events held up 8 s by a busy kernel keep the times they happened at on the page."""
    kernel = FakeClock(1000.0)
    seen: list = []
    widget = TimerWidget(phases(), clock=kernel, stretches=catalog, pictures=False,
                         on_event=seen.append)  # fmt: skip
    page = SimulatedPage(widget, FakeClock(200.0), kernel_clock=kernel)
    page.press("start")  # the kernel learns the clocks' offset from this quick message
    page.connected = False  # a cell computes for 8 s: what the page sends waits
    page.advance(8.0)
    assert len(seen) == 1
    page.reconnect()  # handled 8 s late, sent (and stamped) on time
    assert [round(e.at, 6) for e in seen] == [1000.0, 1005.0, 1005.0]
    assert [type(e).__name__ for e in seen] == ["PhaseStarted", "PhaseFinished", "PhaseStarted"]


def test_holds_waiting_on_the_page_go_once_the_kernel_answers(catalog):
    """Holds finished while the kernel was away stay queued on the page, then are taken once."""
    widget, page, seen = make(catalog)
    page.press("start")
    page.connected = False
    page.advance(18.0)
    assert page.holds_waiting() == 1 and finished(seen) == []
    page.reconnect()
    page.deliver()  # an extra resend: nothing is taken twice
    assert page.holds_waiting() == 0
    assert [e.index for e in finished(seen)] == [0, 1]


def test_a_failing_handler_is_shown_and_the_others_still_run(catalog):
    """A handler that raises: the error shows on the page, later handlers still hear it."""
    widget, page, seen = make(catalog)

    def broken(_event):
        raise RuntimeError("disk <full>")

    widget._handlers.insert(0, broken)
    page.press("start")
    assert "disk &lt;full&gt;" in widget.error
    assert len(seen) == 1 and page.queue == []


def test_page_messages_go_through_the_comm_handler_on_the_kernel_loop(catalog, monkeypatch):
    """A custom message arriving on a subshell thread is handled on the kernel loop's thread."""
    widget, page, seen = make(catalog)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="kernel-main", daemon=True)
    thread.start()
    ran_on = []
    widget.add_event_handler(lambda _e: ran_on.append(threading.current_thread().name))
    monkeypatch.setattr(_callbacks, "kernel_loop", lambda: loop)
    message = {"type": "events", "now": 1000.0, "events": [
        {"kind": "started", "t": 1000.0, "index": 0, "phase": "get ready", "id": "p:1",
         "page": "p", "seq": 1}]}  # fmt: skip
    comm = {"content": {"data": {"method": "custom", "content": message}}, "buffers": []}
    subshell = threading.Thread(target=widget._handle_msg, args=(comm,), name="subshell-1")
    subshell.start()
    subshell.join()
    asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(timeout=5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()
    assert ran_on == ["kernel-main"] and isinstance(seen[0], PhaseStarted)


def test_sound_settings_are_synced_and_the_volume_kept_in_range(catalog):
    """Volume, mute and voice are synced traits; a volume out of 0-1 is brought into it."""
    widget, _page, _seen = make(catalog, volume=0.3, muted=True, voice=False)
    assert (widget.volume, widget.muted, widget.voice) == (0.3, True, False)
    widget.volume = 4.0
    assert widget.volume == 1.0
    widget.volume = -1
    assert widget.volume == 0.0
    state = widget.get_state()
    assert {"volume", "muted", "voice", "schedule", "session_key", "owner"} <= set(state)


def test_large_mode_is_marked_for_the_projector(catalog):
    """large=True is synced and marks the view bk-large (the CSS makes it big and dark)."""
    widget, _page, _seen = make(catalog, large=True)
    assert widget.large and "bk-large" in widget._dom_classes and "bk-timer" in widget._dom_classes
    css = (WIDGETS / "timer.css").read_text()
    assert ".bk-timer.bk-large" in css and "#000" in css


def test_the_page_module_ships_beside_the_widget_with_every_part_the_tests_use():
    """_esm and _css are the package's own files (no CDN); the parts carry bk- classes."""
    assert TimerWidget._esm is not None
    script = (WIDGETS / "timer.js").read_text()
    code = re.sub(r"^\s*//.*$", "", script, flags=re.M)
    assert "export default" in code
    # nothing fetched: no imports (no build step, no CDN), no fetch, no address but SVG's
    assert not re.search(r"\bimport\b|fetch\(|https?://(?!www\.w3\.org/2000/svg)", code)
    for css in ("bk-countdown", "bk-start", "bk-pause", "bk-skip", "bk-back", "bk-stop",
                "bk-status", "bk-name", "bk-step", "bk-next", "bk-mute", "bk-progress",
                "bk-picture", "bk-pending", "bk-live"):  # fmt: skip
        assert f'"{css}' in script or f'"bk-button {css}' in script or f'{css}"' in script, css
    # user text reaches the page as text: innerHTML only for the kernel's escaped error
    assert script.count("innerHTML") == 2 and "this.error.innerHTML" in script


def test_routine_object_is_accepted():
    """A real Routine plays its schedule, with steps from its catalog."""
    from backstretch_kit.routine import Routine

    routine = Routine.from_stretches(["knee-to-chest"])
    widget = TimerWidget(routine, clock=FakeClock(), pictures=False)
    assert len(widget.phases) == len(routine.schedule())
    step = routine.catalog.loc["knee-to-chest", "instructions"][0]
    assert widget.schedule["steps"]["knee-to-chest"] == step


def test_a_bad_scale_is_refused(catalog):
    """A scale of zero would make every phase vanish; it is refused."""
    with pytest.raises(TimerError, match="scale"):
        TimerWidget(phases(), stretches=catalog, scale=0)


def test_picture_hook_can_be_overridden(catalog):
    """picture_png() is the one hook for pictures; a subclass's PNG is sent, once per stretch."""
    calls = []

    class Pictured(TimerWidget):
        def picture_png(self, stretch_id: str) -> bytes | None:
            calls.append(stretch_id)
            return b"\x89PNG fake"

    widget = Pictured(phases(), clock=FakeClock(), stretches=catalog)
    url = widget.schedule["pictures"]["knee-to-chest"]
    assert url == "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
    assert calls == ["knee-to-chest"]


def test_real_pictogram_is_sent_as_a_png_data_url():
    """With pictures on, the stretch's pictogram from poses goes to the page as a PNG."""
    from backstretch_kit.routine import Routine

    routine = Routine.from_stretches(["knee-to-chest"], hold_s=10.0, reps=2)
    widget = TimerWidget(routine, clock=FakeClock(), pictures=True)
    url = widget.schedule["pictures"]["knee-to-chest"]
    assert base64.b64decode(url.removeprefix("data:image/png;base64,")).startswith(b"\x89PNG")
    assert list(widget._pictures) == ["knee-to-chest"]


def test_describe_texts():
    """The status and next lines read naturally for each kind of phase."""
    hold = Phase("hold", 30.0, name="Cat-cow", side="left", rep=3, reps=10)
    assert describe_phase(hold) == "Hold · rep 3 of 10, left side"
    assert describe_phase(Phase("rest", 10.0, rep=2, reps=3)) == "Rest · then rep 2 of 3"
    assert describe_phase(Phase("switch side", 5.0, side="right")) == "Switch to the right side"
    assert describe_next(hold) == "Next: Cat-cow, hold 30 s, rep 3 of 10, left side"
    assert describe_next(Phase("rest", 10.0)) == "Next: Rest, 10 s"
    assert describe_next(None) == "Next: the end of the routine"
    assert [countdown_text(s) for s in (0.0, 0.2, 9.0, 9.01, 75.0)] == ["0", "1", "9", "10", "1:15"]
    script = (WIDGETS / "timer.js").read_text()  # the page counts down the same way
    assert "Math.ceil(seconds - 1e-9)" in script
