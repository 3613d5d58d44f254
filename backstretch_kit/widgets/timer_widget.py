"""TimerWidget: the hold timer in a notebook, with buttons, countdown and sounds.

Where the ticks come from: when a kernel's event loop is running (JupyterLab,
Notebook 7, Voila), Start launches an asyncio task on that loop which polls
the engine about every ``tick_s`` seconds (sooner when a cue is due) and only
sets widget traits. It never sleeps the kernel and never writes to an Output
widget, so other widgets stay live. The countdown comes from the engine's
monotonic deadline, so a late tick shows the right time and never drifts.

Without a running loop (plain Python, tests) nothing ticks by itself: call
:meth:`TimerWidget.tick` to advance, as the tests do with a fake clock.

Sounds are WAV bytes played by an ``ipywidgets.Audio`` set to autoplay: its
browser view loads a new source, and so plays, whenever ``value`` changes.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..poses import picture_bytes
from ..timer import (
    CueDue,
    HoldTimer,
    Phase,
    PhaseStarted,
    countdown_text,
    describe_next,
    describe_phase,
)
from ._audio import CUE_SOUND, cue_wav, silence_wav
from ._callbacks import click, watch

__all__ = ["TimerWidget"]

_log = logging.getLogger(__name__)

#: A cue reported later than this (the kernel was busy) is not played, so a
#: catch-up does not sound a burst of beeps.
CUE_MAX_LATE_S = 0.5

#: Fonts and colours: (normal, large) for the projector mode.
_LOOK = {
    "name": ("font-size:1.5em;font-weight:600", "font-size:3.4em;font-weight:700;color:#fff"),
    "step": ("font-size:1.05em", "font-size:1.9em;color:#fff"),
    "countdown": (
        "font-size:5em;font-weight:700;line-height:1.1;font-variant-numeric:tabular-nums",
        "font-size:13em;font-weight:800;line-height:1;color:#ffd400;"
        "font-variant-numeric:tabular-nums",
    ),
    "status": ("font-size:1.25em", "font-size:2.6em;color:#fff"),
    "next": ("font-size:1em;color:#555", "font-size:1.8em;color:#ddd"),
}

_LARGE_CSS = """<style>
.bk-timer.bk-large { background: #000; padding: 24px; border-radius: 8px; }
.bk-timer.bk-large .widget-progress .progress { height: 28px; }
</style>"""


def _div(style: str, text: str) -> str:
    return f'<div style="{style}">{text}</div>'


class TimerWidget(W.VBox):
    """Play a routine in a notebook: countdown, progress, buttons and cue sounds.

    Parameters
    ----------
    routine_or_schedule : Routine, pandas.DataFrame or sequence of Phase
        A :class:`~backstretch_kit.routine.Routine` (its ``schedule()`` is
        played), a schedule DataFrame, or Phase records.
    large : bool
        Projector mode: a much bigger countdown and name, white on black.
    on_event : callable, optional
        Called with every engine event (see :mod:`backstretch_kit.timer`),
        after the widget has updated itself. More via :meth:`add_event_handler`.
    tick_s : float
        Longest time between two polls of the engine while ticking.
    clock : callable
        The engine's clock; inject a fake one in tests.
    scale : float
        Multiplies every phase length (for demonstrations).
    stretches : pandas.DataFrame, optional
        The catalog for the instruction steps; by default the routine's own,
        or ``load_stretches()``.
    pictures : bool or None
        Show each stretch's pictogram (drawn once per stretch, when the
        stretch first comes up): True or None show it whenever
        :mod:`backstretch_kit.poses` has a pose for the stretch, False never.

    Attributes
    ----------
    engine : HoldTimer
    name_html, step_html, picture, countdown, status, progress, next_html,
    start_button, pause_button, skip_button, back_button, stop_button,
    mute, audio : ipywidgets
        The parts, for tests and layouts. Key parts carry the CSS classes
        ``bk-countdown``, ``bk-start``, ``bk-pause``, ``bk-skip``, ``bk-back``,
        ``bk-stop``, ``bk-status``, ``bk-mute``, ``bk-progress``, ``bk-next``.
    sounds_played : list of str
        Names of the sounds sent to the browser, in order (for tests).
    """

    def __init__(
        self,
        routine_or_schedule: Any,
        *,
        large: bool = False,
        on_event: Callable[[Any], None] | None = None,
        tick_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        scale: float = 1.0,
        stretches: Any = None,
        pictures: bool | None = None,
    ) -> None:
        if not tick_s > 0:
            raise ValueError(f"tick_s must be more than 0 seconds, got {tick_s!r}")
        source = routine_or_schedule
        schedule = source.schedule() if hasattr(source, "schedule") else source
        self.engine = HoldTimer(schedule, clock=clock, scale=scale)
        self.large = large
        self.tick_s = float(tick_s)
        self.show_pictures = pictures
        self.sounds_played: list[str] = []
        self._handlers: list[Callable[[Any], None]] = [] if on_event is None else [on_event]
        self._task: asyncio.Task[None] | None = None
        self._steps = self._first_steps(source, stretches)
        self._pictures: dict[str, bytes | None] = {}
        self._sound_count = 0
        self._shown_stretch: str | None = None
        self._build()
        super().__init__(children=self._children())
        self.add_class("bk-timer")
        if large:
            self.add_class("bk-large")
        self._show_phase(self.engine.current)
        self._refresh()

    # -- building ----------------------------------------------------------------

    def _first_steps(self, source: Any, stretches: Any) -> dict[str, str]:
        ids = {p.stretch_id for p in self.engine.phases if p.stretch_id}
        if not ids:
            return {}
        if stretches is None:
            stretches = getattr(source, "catalog", None)
        if stretches is None:
            from ..catalog import load_stretches

            stretches = load_stretches()
        steps = {}
        for stretch_id in ids & set(stretches.index):
            instructions = stretches.loc[stretch_id, "instructions"]
            if len(instructions):
                steps[stretch_id] = str(instructions[0])
        return steps

    def _build(self) -> None:
        look = 1 if self.large else 0
        self._look = {part: styles[look] for part, styles in _LOOK.items()}
        self.name_html = W.HTML().add_class("bk-name")
        self.step_html = W.HTML().add_class("bk-step")
        self.picture = W.Image(format="png", layout=W.Layout(display="none"))
        self.picture.layout.width = "360px" if self.large else "200px"
        self.picture.add_class("bk-picture")
        self.countdown = W.HTML().add_class("bk-countdown")
        self.status = W.HTML().add_class("bk-status")
        self.progress = W.FloatProgress(
            value=0.0, min=0.0, max=1.0, layout=W.Layout(width="100%")
        ).add_class("bk-progress")
        self.next_html = W.HTML().add_class("bk-next")

        def button(text: str, icon: str, css: str, handler: Callable[[], None]) -> W.Button:
            made = W.Button(description=text, icon=icon, tooltip=text).add_class(css)
            if self.large:
                made.style.font_size = "1.6em"
                made.layout.height = "3em"
                made.layout.width = "9em"
            click(made, handler, self._show_error, f"{text.lower()} the timer")
            return made

        self.start_button = button("Start", "play", "bk-start", self.start)
        self.start_button.button_style = "success"
        self.pause_button = button("Pause", "pause", "bk-pause", self.toggle_pause)
        self.skip_button = button("Skip", "step-forward", "bk-skip", self.skip)
        self.back_button = button("Back", "step-backward", "bk-back", self.back)
        self.stop_button = button("Stop", "stop", "bk-stop", self.stop)
        self.mute = W.ToggleButton(value=False, description="Sound on", icon="volume-up")
        self.mute.add_class("bk-mute")
        watch(self.mute, self._on_mute, self._show_error, "switching the sound")
        # no controls: an <audio> element without them takes no room but still plays
        self.audio = W.Audio(value=silence_wav(), format="wav", autoplay=True, loop=False)
        self.audio.controls = False
        self.audio.add_class("bk-audio")
        self.buttons = W.HBox(
            [
                self.start_button,
                self.pause_button,
                self.skip_button,
                self.back_button,
                self.stop_button,
                self.mute,
            ],
            layout=W.Layout(flex_flow="row wrap"),
        )

    def _children(self) -> list[W.Widget]:
        words = W.VBox([self.name_html, self.step_html, self.status, self.countdown])
        top = W.HBox([self.picture, words], layout=W.Layout(align_items="center"))
        parts: list[W.Widget] = [top, self.progress, self.next_html, self.buttons, self.audio]
        if self.large:
            parts.insert(0, W.HTML(_LARGE_CSS))
        return parts

    # -- commands (the buttons call these) ---------------------------------------

    def start(self) -> None:
        """Start the routine and, inside a running event loop, the ticking task."""
        self.engine.start()
        self.tick()
        self._start_ticking()

    def toggle_pause(self) -> None:
        """Pause, or resume with exactly the time that was left."""
        self.engine.toggle_pause()
        self.tick()

    def skip(self) -> None:
        """Skip to the next phase (a skipped hold is reported as skipped)."""
        self.engine.skip()
        self.tick()

    def back(self) -> None:
        """Restart this phase, or go to the previous one within 2 s of its start."""
        self.engine.back()
        self.tick()

    def stop(self) -> None:
        """End the routine now."""
        self.engine.stop()
        self.tick()

    def add_event_handler(self, handler: Callable[[Any], None]) -> None:
        """Call ``handler(event)`` for every engine event from now on."""
        self._handlers.append(handler)

    # -- ticking -------------------------------------------------------------------

    @property
    def ticking(self) -> bool:
        """True while an asyncio task is driving the widget."""
        return self._task is not None and not self._task.done()

    def _start_ticking(self) -> None:
        if self.ticking:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (plain Python, tests): whoever drives us calls tick()
        self._task = loop.create_task(self._run())
        self._task.add_done_callback(self._task_done)

    async def _run(self) -> None:
        while self.engine.state in ("running", "paused"):
            self.tick()
            due = self.engine.next_due_s()
            # wake at the next cue or phase end if that comes before the next tick
            delay = self.tick_s if due is None else min(self.tick_s, due + 0.0005)
            await asyncio.sleep(delay)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            # a task's exception is otherwise lost: show it where the user looks
            _log.error("the timer stopped on an error", exc_info=error)
            self.status.value = _div(
                self._look["status"], f"The timer stopped on an error: {html.escape(str(error))}"
            )

    def tick(self) -> list[Any]:
        """Poll the engine once, update the display, play due cues, call handlers.

        Returns the events of this poll.
        """
        events = self.engine.poll()
        for event in events:
            if isinstance(event, PhaseStarted):
                self._show_phase(event.phase)
            elif isinstance(event, CueDue):
                self._cue(event)
        self._refresh()
        for event in events:
            for handler in self._handlers:
                handler(event)
        return events

    # -- display -------------------------------------------------------------------

    def _cue(self, event: CueDue) -> None:
        sound = CUE_SOUND.get(event.kind)
        if sound is None or self.mute.value or event.late_s > CUE_MAX_LATE_S:
            return
        self.play_sound(sound)

    def play_sound(self, sound: str) -> None:
        """Send a sound (``count``, ``end``, ``switch``, ``halfway``) to the browser."""
        # alternate two byte-different variants so a repeat is still a change
        self._sound_count += 1
        self.audio.value = cue_wav(sound, self._sound_count % 2)
        self.sounds_played.append(sound)

    def _show_error(self, markup: str) -> None:
        self.status.value = markup

    def _on_mute(self, change: dict[str, Any]) -> None:
        muted = bool(change["new"])
        self.mute.description = "Muted" if muted else "Sound on"
        self.mute.icon = "volume-off" if muted else "volume-up"

    def _show_phase(self, phase: Phase) -> None:
        look = self._look
        self.name_html.value = _div(look["name"], html.escape(phase.name or "Stretch"))
        step = self._steps.get(phase.stretch_id, "")
        self.step_html.value = _div(look["step"], html.escape(step)) if step else ""
        self.status.value = _div(look["status"], html.escape(describe_phase(phase)))
        self.next_html.value = _div(
            look["next"], html.escape(describe_next(self.engine.next_phase))
        )
        if phase.stretch_id != self._shown_stretch:
            self._shown_stretch = phase.stretch_id
            png = self.picture_png(phase.stretch_id)
            if png is None:
                self.picture.layout.display = "none"
            else:
                self.picture.value = png
                self.picture.layout.display = None

    def picture_png(self, stretch_id: str) -> bytes | None:
        """PNG bytes of the stretch's pictogram, drawn once per stretch, or None.

        None when pictures are off, the phase has no stretch, or the pose
        data has no pose for this stretch. Override to show other pictures.
        """
        if self.show_pictures is False or not stretch_id:
            return None
        if stretch_id not in self._pictures:
            dpi = 110 if self.large else 80  # sharp at the picture's shown width
            self._pictures[stretch_id] = picture_bytes(stretch_id, dpi=dpi)
        return self._pictures[stretch_id]

    def _refresh(self) -> None:
        engine = self.engine
        state = engine.state
        if state == "finished":
            text = "Done"
            self.status.value = _div(self._look["status"], "Well done: the routine is complete.")
            self.next_html.value = ""
        elif state == "stopped":
            text = "Stopped"
            self.status.value = _div(self._look["status"], "Stopped. Finished holds are kept.")
            self.next_html.value = ""
        else:
            text = countdown_text(engine.remaining_s)
        value = _div(self._look["countdown"], text)
        if self.countdown.value != value:
            self.countdown.value = value
        self.progress.value = engine.progress
        live = state in ("running", "paused")
        self.start_button.disabled = state != "ready"
        self.pause_button.disabled = not live
        self.pause_button.description = "Resume" if state == "paused" else "Pause"
        self.pause_button.icon = "play" if state == "paused" else "pause"
        self.skip_button.disabled = not live
        self.back_button.disabled = not live
        self.stop_button.disabled = not live
