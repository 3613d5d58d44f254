"""Tests for TimerWidget without a browser: buttons are clicked, a fake clock ticks."""

from __future__ import annotations

import asyncio
import io
import wave

import pytest

from backstretch_kit.timer import (
    CueDue,
    Phase,
    PhaseFinished,
    RoutineEnded,
    countdown_text,
    describe_next,
    describe_phase,
)
from backstretch_kit.widgets import TimerWidget
from backstretch_kit.widgets._audio import cue_wav, tone_wav


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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


def make(catalog, **options):
    clock = FakeClock()
    widget = TimerWidget(phases(), clock=clock, stretches=catalog, pictures=False, **options)
    return widget, clock


def run_for(widget: TimerWidget, clock: FakeClock, seconds: float, step: float = 0.1) -> list:
    events = []
    for _ in range(round(seconds / step)):
        clock.now += step
        events += widget.tick()
    return events


def test_initial_display_shows_first_phase_escaped(catalog):
    """Before start: the stretch name and first step (HTML-escaped), full countdown, Start only."""
    widget, _ = make(catalog)
    assert "Knee &lt;to&gt; chest" in widget.name_html.value
    assert "Lie on your back &lt;slowly&gt;." in widget.step_html.value
    assert "Hug one knee" not in widget.step_html.value
    assert ">5</div>" in widget.countdown.value
    assert "Get ready" in widget.status.value
    assert "Next: Knee &lt;to&gt; chest, hold 12 s, left side" in widget.next_html.value
    assert not widget.start_button.disabled
    assert widget.pause_button.disabled and widget.skip_button.disabled
    assert widget.back_button.disabled and widget.stop_button.disabled
    assert widget.engine.state == "ready" and widget.progress.value == 0.0


def test_css_classes_for_the_browser_tests(catalog):
    """Key parts carry the stable CSS classes the browser tests look for."""
    widget, _ = make(catalog)
    expected = {
        "bk-countdown": widget.countdown,
        "bk-start": widget.start_button,
        "bk-pause": widget.pause_button,
        "bk-skip": widget.skip_button,
        "bk-back": widget.back_button,
        "bk-stop": widget.stop_button,
        "bk-status": widget.status,
        "bk-mute": widget.mute,
        "bk-progress": widget.progress,
    }
    for css, part in expected.items():
        assert css in part._dom_classes, css
    assert "bk-timer" in widget._dom_classes


def test_start_click_runs_countdown_from_fake_clock(catalog):
    """Clicking Start begins the routine; tick() moves the countdown and progress."""
    widget, clock = make(catalog)
    widget.start_button.click()
    assert widget.engine.state == "running"
    assert widget.start_button.disabled and not widget.pause_button.disabled
    assert not widget.ticking  # no running loop here: the test drives tick()
    run_for(widget, clock, 5.0 + 3.5)
    assert "Hold · left side" in widget.status.value
    assert ">9</div>" in widget.countdown.value  # 8.5 s left, rounded up
    assert widget.progress.value == pytest.approx(8.5 / 34.0)
    assert "Next: Switch to the right side, 5 s" in widget.next_html.value


def test_pause_button_toggles_and_keeps_time(catalog):
    """Pause freezes the countdown through a long wait; Resume carries on from there."""
    widget, clock = make(catalog)
    widget.start_button.click()
    run_for(widget, clock, 7.0)
    widget.pause_button.click()
    assert widget.engine.state == "paused" and widget.pause_button.description == "Resume"
    before = widget.countdown.value
    clock.now += 120.0
    widget.tick()
    assert widget.countdown.value == before and widget.engine.remaining_s == pytest.approx(10.0)
    widget.pause_button.click()
    assert widget.engine.state == "running" and widget.pause_button.description == "Pause"
    assert widget.engine.remaining_s == pytest.approx(10.0)


def test_skip_back_and_stop_buttons(catalog):
    """Skip moves on, Back within 2 s returns, Stop ends and disables every button."""
    widget, clock = make(catalog)
    seen = []
    widget.add_event_handler(seen.append)
    widget.start_button.click()
    widget.skip_button.click()
    assert widget.engine.index == 1
    clock.now += 1.0
    widget.back_button.click()
    assert widget.engine.index == 0
    widget.stop_button.click()
    assert widget.engine.state == "stopped"
    assert "Stopped" in widget.countdown.value
    assert all(
        b.disabled
        for b in (
            widget.start_button,
            widget.pause_button,
            widget.skip_button,
            widget.back_button,
            widget.stop_button,
        )
    )
    outcomes = [e.outcome for e in seen if isinstance(e, PhaseFinished)]
    assert outcomes == ["skipped", "back", "stopped"]
    assert isinstance(seen[-1], RoutineEnded)


def test_whole_routine_finishes_and_reports_events(catalog):
    """Running past the end shows Done, a full progress bar, and every event reached on_event."""
    seen = []
    widget, clock = make(catalog, on_event=seen.append)
    widget.start_button.click()
    run_for(widget, clock, 40.0, step=0.25)
    assert widget.engine.state == "finished"
    assert "Done" in widget.countdown.value and widget.progress.value == 1.0
    finished = [e for e in seen if isinstance(e, PhaseFinished)]
    assert [e.phase.kind for e in finished] == ["get ready", "hold", "switch side", "hold"]
    assert all(e.completed for e in finished)


def test_cue_sounds_and_alternating_audio_bytes(catalog):
    """3-2-1 and end beep, switch has its own sound; consecutive values always differ."""
    widget, clock = make(catalog)
    values = []
    widget.audio.observe(lambda change: values.append(change["new"]), names="value")
    widget.start_button.click()
    run_for(widget, clock, 5.0 + 12.0 + 5.0, step=0.1)
    assert widget.sounds_played == [
        "count",
        "count",
        "count",  # end of get ready
        "halfway",
        "count",
        "count",
        "count",
        "end",  # left hold
        "switch",
        "count",
        "count",
        "count",  # switch phase
    ]
    # every sound reached the Audio widget as a change, even a repeated one
    assert len(values) == len(widget.sounds_played)
    assert all(a != b for a, b in zip(values, values[1:], strict=False))
    assert widget.audio.format == "wav" and widget.audio.autoplay and not widget.audio.loop


def test_mute_silences_cues(catalog):
    """With Mute on, due cues send no sound."""
    widget, clock = make(catalog)
    widget.mute.value = True
    assert widget.mute.description == "Muted"
    widget.start_button.click()
    events = run_for(widget, clock, 6.0)
    assert any(isinstance(e, CueDue) for e in events)
    assert widget.sounds_played == []


def test_late_cues_are_not_played_in_a_burst(catalog):
    """After the kernel was busy for 19.8 s, the catch-up cues are reported but not sounded."""
    widget, clock = make(catalog)
    widget.start_button.click()
    clock.now += 19.8  # the last cue passed, the switch phase's "3", was due 0.8 s ago
    events = widget.tick()
    assert sum(isinstance(e, CueDue) for e in events) >= 8
    assert widget.sounds_played == []
    assert widget.engine.index == 2


def test_large_mode_is_bigger_and_dark(catalog):
    """large=True uses much bigger type, light on dark, and marks the box bk-large."""
    widget, _ = make(catalog, large=True)
    assert "bk-large" in widget._dom_classes
    assert "font-size:13em" in widget.countdown.value
    assert "font-size:3.4em" in widget.name_html.value
    assert "background: #000" in widget.children[0].value
    assert widget.start_button.style.font_size == "1.6em"


def test_routine_object_is_accepted():
    """A real Routine plays its schedule, with steps from its catalog."""
    from backstretch_kit.routine import Routine

    routine = Routine.from_stretches(["knee-to-chest"])
    widget = TimerWidget(routine, clock=FakeClock(), pictures=False)
    assert len(widget.engine.phases) == len(routine.schedule())
    step = routine.catalog.loc["knee-to-chest", "instructions"][0]
    assert step.split()[0] in widget.step_html.value


def test_bad_tick_is_refused(catalog):
    """A tick of zero seconds would spin the kernel; it is refused."""
    with pytest.raises(ValueError, match="tick_s"):
        TimerWidget(phases(), stretches=catalog, tick_s=0)


def test_picture_hook_can_be_overridden(catalog):
    """picture_png() is the one hook for pictures; a subclass's PNG is shown, once per stretch."""
    calls = []

    class Pictured(TimerWidget):
        def picture_png(self, stretch_id: str) -> bytes | None:
            calls.append(stretch_id)
            return b"\x89PNG fake"

    widget = Pictured(phases(), clock=FakeClock(), stretches=catalog)
    widget.start_button.click()
    run_for(widget, widget.engine.clock, 30.0, step=0.5)
    assert bytes(widget.picture.value) == b"\x89PNG fake"
    assert widget.picture.layout.display is None
    assert calls == ["knee-to-chest"]


def test_real_loop_drives_widget_to_the_end(catalog):
    """Inside a running asyncio loop, Start launches a task that ticks the widget to the end."""

    async def play() -> TimerWidget:
        widget = TimerWidget(
            [Phase("hold", 0.3, name="Short"), Phase("rest", 0.2), Phase("hold", 0.3)],
            pictures=False,
            tick_s=0.05,
        )
        widget.start_button.click()
        assert widget.ticking
        for _ in range(200):  # up to 10 s on a very busy machine
            if widget.engine.state == "finished":
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)
        return widget

    widget = asyncio.run(play())
    assert widget.engine.state == "finished"
    assert not widget.ticking
    assert "Done" in widget.countdown.value


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


def test_generated_sounds_are_valid_wav():
    """Cue sounds are readable mono 16-bit WAVs; the two variants differ by one sample."""
    for sound in ("count", "end", "switch", "halfway"):
        with (
            wave.open(io.BytesIO(cue_wav(sound, 0))) as a,
            wave.open(io.BytesIO(cue_wav(sound, 1))) as b,
        ):
            assert a.getnchannels() == 1 and a.getsampwidth() == 2
            assert 0.05 < a.getnframes() / a.getframerate() < 1.0
            assert b.getnframes() == a.getnframes() + 1
    assert len(tone_wav(440.0, 0.1)) > 44
    with pytest.raises(ValueError, match="unknown cue sound"):
        cue_wav("siren")


def test_real_pictogram_is_drawn_once_per_stretch():
    """With pictures on, the stretch's pictogram from poses shows as a PNG, drawn once."""
    from backstretch_kit.routine import Routine

    routine = Routine.from_stretches(["knee-to-chest"], hold_s=10.0, reps=2)
    widget = TimerWidget(routine, clock=FakeClock(), pictures=True)
    first = bytes(widget.picture.value)
    assert first.startswith(b"\x89PNG")
    assert widget.picture.layout.display is None
    widget.start_button.click()
    run_for(widget, widget.engine.clock, 40.0, step=0.5)
    assert bytes(widget.picture.value) == first
    assert list(widget._pictures) == ["knee-to-chest"]
