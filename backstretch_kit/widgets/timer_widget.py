"""TimerWidget: the hold timer, run by the page; the kernel sends the schedule and logs.

Who does what. The kernel makes the schedule once, with the engine that plays it
everywhere (:class:`~backstretch_kit.timer.HoldTimer`'s phases and
:func:`~backstretch_kit.timer.cues_for`), and sends it whole as the synced trait
``schedule``: every phase with its seconds, kind, side and rep, the words to show,
say and announce, its cues and the tone of each, the first step and a PNG picture
of each stretch. From then on the page (``timer.js``, an anywidget ES module shipped
beside this file) runs the session on its own clock: the countdown, the ring, the
tones on the audio clock, the speech, the wake lock and the keys do not wait for the
kernel, so a busy kernel freezes nothing and a running timer costs the kernel
nothing but a message at each phase boundary.

The messages (custom widget messages; times are seconds on the page's clock):

page -> kernel
    ``{"type": "hello", "now": t}`` when the page's model is made (a start asked for
    before the page could hear it is asked again), and
    ``{"type": "events", "now": t, "events": [event, ...]}``. Each event has an
    ``id`` (``"<run>:<seq>"``), the ``page`` (run) it comes from, ``seq`` (1, 2, 3,
    ... within the run), ``kind`` and ``t`` (when it happened, a boundary at its
    deadline): ``started`` and ``finished`` (with ``index``, ``phase``, and for
    ``finished`` ``planned_s``, ``actual_s`` and ``outcome``), ``pause``,
    ``resume``, ``skip``, ``back``, ``stop`` (with ``index``) and ``ended`` (with
    ``outcome``).
kernel -> page
    ``{"type": "ack", "ids": [...], "refused": {id: reason}}`` after each events
    message, and ``{"type": "command", "command": name}`` from :meth:`start`,
    :meth:`toggle_pause`, :meth:`skip`, :meth:`back` and :meth:`stop`.

Exactly once. The page keeps every event it sent until it is acknowledged (in
memory and in localStorage under the widget's ``session_key``), resends the
unacknowledged ones with a growing delay and shows how many finished holds are
waiting to be saved. Here an id already seen is acknowledged again and not handled
again, and events are handled strictly in ``seq`` order (one that comes after a gap
waits for the resend that fills it). The first run to report makes the ``owner``;
events of any other run (a second tab) are refused. Each accepted event becomes the
engine's own event object (:class:`~backstretch_kit.timer.PhaseStarted`,
:class:`~backstretch_kit.timer.PhaseFinished`,
:class:`~backstretch_kit.timer.RoutineEnded`) for the ``on_event`` handlers, so a
:class:`~backstretch_kit.widgets.GuidedSession` logs each finished hold once,
through :meth:`SessionLog.record_timer_hold`, before the event is acknowledged.

What survives what. A busy kernel, a dropped connection, a reloaded page: no hold is
lost or doubled (the page resends, this object remembers what it took). A kernel
restart ends this object and its memory of the ids it took; the page keeps playing
and keeps its unacknowledged events, but they cannot reach the new kernel: the old
widget's comm is gone there, and a new kernel could not tell which of them the old
one had logged just before it stopped. So holds acknowledged before a restart are
in the log exactly once, holds finished during or after it are shown on the page as
not saved, and running the notebook again starts a new session.

Page times become this widget's ``clock`` (``time.monotonic`` by default, a fake
clock in tests) through the smallest ``clock() - now`` seen over the page's
messages: the two clocks' offset plus the shortest trip a message made, so a message
delayed by a busy kernel never dates an event late.

Without a page (plain Python, the unit tests) nothing plays by itself: hand the
widget what a page would send with :meth:`handle_page_message`.

Beside this module: what each phase is sent (its words, cues and tones, the first
steps) is made in :mod:`._timer_phases`, and how one page event is read into the
engine's event, and checked, is :mod:`._page_events`; this class keeps the rest,
the comm, the order and the ids taken, the owner and the clock offset.
"""

from __future__ import annotations

import base64
import logging
import math
import pathlib
import time
import uuid
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

from ..poses import picture_bytes
from ..timer import BACK_RESTART_S, HoldTimer, Phase, TimerError
from ._callbacks import error_html, on_kernel_loop
from ._page_events import PAGE_EVENT_KINDS, engine_event, page_number
from ._timer_phases import TONES, first_steps, page_phases

__all__ = ["COMMANDS", "PAGE_EVENT_KINDS", "TONES", "TimerWidget"]

_log = logging.getLogger(__name__)

_HERE = pathlib.Path(__file__).resolve().parent

#: What the kernel can ask the page to do.
COMMANDS: tuple[str, ...] = ("start", "toggle_pause", "pause", "resume", "skip", "back", "stop")


class TimerWidget(anywidget.AnyWidget):
    """Play a routine in a notebook: the page counts down, cues and speaks; Python logs.

    Parameters
    ----------
    routine_or_schedule : Routine, pandas.DataFrame or sequence of Phase
        A :class:`~backstretch_kit.routine.Routine` (its ``schedule()`` is
        played), a schedule DataFrame, or Phase records.
    large : bool
        Projector mode: a much bigger countdown and name, white on black.
    on_event : callable, optional
        Called with every engine event the page reports (``PhaseStarted``,
        ``PhaseFinished``, ``RoutineEnded``), once each. More via
        :meth:`add_event_handler`.
    clock : callable
        The clock page times are mapped onto (see the module docstring); inject
        a fake one in tests.
    scale : float
        Multiplies every phase length (for demonstrations).
    stretches : pandas.DataFrame, optional
        The catalog for the instruction steps; by default the routine's own,
        or ``load_stretches()``.
    pictures : bool or None
        Show each stretch's pictogram: True or None whenever
        :mod:`backstretch_kit.poses` has a pose for the stretch, False never.
    volume, muted, voice : float, bool, bool
        The sound settings the page starts with (the page can change them).

    Attributes
    ----------
    phases : list of Phase
        What is played, scaled.
    total_s : float
    state : str
        ``"ready"``, ``"running"``, ``"paused"``, ``"finished"`` or ``"stopped"``,
        as the page last reported (synced trait).
    index : int
        The phase the page last reported starting.
    schedule : dict
        What the page is sent (synced trait).
    owner : str
        The run (page) whose events are taken (synced trait).
    session_key : str
        This widget's key for the page's stored queue (synced trait).
    error : str
        An error to show on the page, as escaped HTML (synced trait).
    """

    _esm = _HERE / "timer.js"
    _css = _HERE / "timer.css"

    schedule = t.Dict().tag(sync=True)
    session_key = t.Unicode("").tag(sync=True)
    large = t.Bool(False).tag(sync=True)
    volume = t.Float(0.8).tag(sync=True)
    muted = t.Bool(False).tag(sync=True)
    voice = t.Bool(True).tag(sync=True)
    state = t.Unicode("ready").tag(sync=True)
    owner = t.Unicode("").tag(sync=True)
    error = t.Unicode("").tag(sync=True)

    def __init__(
        self,
        routine_or_schedule: Any,
        *,
        large: bool = False,
        on_event: Callable[[Any], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        scale: float = 1.0,
        stretches: Any = None,
        pictures: bool | None = None,
        volume: float = 0.8,
        muted: bool = False,
        voice: bool = True,
    ) -> None:
        source = routine_or_schedule
        schedule = source.schedule() if hasattr(source, "schedule") else source
        # HoldTimer makes the schedule the page plays: the same phases, scaled and
        # checked, as the terminal's `backstretch play` and the tests use
        made = HoldTimer(schedule, clock=clock, scale=scale)
        self.phases: list[Phase] = made.phases
        self.total_s: float = made.total_s
        self.clock = clock
        self.show_pictures = pictures
        self.index = 0
        self._handlers: list[Callable[[Any], None]] = [] if on_event is None else [on_event]
        if stretches is None:
            stretches = getattr(source, "catalog", None)
        self._steps = first_steps(self.phases, stretches)
        self._pictures: dict[str, bytes | None] = {}
        self._seen: set[str] = set()
        self._next_seq = 1
        self._offset: float | None = None
        self._start_asked = False
        self._picture_dpi = 110 if large else 80  # sharp at the picture's shown width
        super().__init__(
            schedule=self._make_schedule(),
            large=large,
            volume=volume,
            muted=muted,
            voice=voice,
            session_key=uuid.uuid4().hex,
        )
        self.add_class("bk-timer")
        if large:
            self.add_class("bk-large")
        # custom messages arrive on a subshell thread in JupyterLab: handled on the
        # kernel's main loop, like every other callback of the workbook's widgets
        self.on_msg(
            on_kernel_loop(
                lambda _widget, content, _buffers: self.handle_page_message(content),
                self._show_error,
                action="saving what the timer reported",
            )
        )

    @t.validate("volume")
    def _valid_volume(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        return min(1.0, max(0.0, value)) if math.isfinite(value) else 0.8

    # -- building the schedule -------------------------------------------------------

    def picture_png(self, stretch_id: str) -> bytes | None:
        """PNG bytes of the stretch's pictogram, drawn once per stretch, or None.

        None when pictures are off, the phase has no stretch, or the pose
        data has no pose for this stretch. Override to show other pictures.
        """
        if self.show_pictures is False or not stretch_id:
            return None
        if stretch_id not in self._pictures:
            self._pictures[stretch_id] = picture_bytes(stretch_id, dpi=self._picture_dpi)
        return self._pictures[stretch_id]

    def _make_schedule(self) -> dict[str, Any]:
        pictures = {}
        for stretch_id in dict.fromkeys(p.stretch_id for p in self.phases):
            png = self.picture_png(stretch_id)
            if png is not None:
                pictures[stretch_id] = "data:image/png;base64," + base64.b64encode(png).decode()
        return {
            "version": 1,
            "phases": page_phases(self.phases),
            "total_s": self.total_s,
            "back_restart_s": BACK_RESTART_S,
            "steps": self._steps,
            "pictures": pictures,
            "say_done": "Done. Well done.",
            "done_status": "Well done: the routine is complete.",
            "stopped_status": "Stopped. Finished holds are kept.",
        }

    # -- commands: sent to the page, which plays them --------------------------------

    def _command(self, name: str) -> None:
        self.send({"type": "command", "command": name})

    def start(self) -> None:
        """Ask the page to start the routine (the page's Start does the same)."""
        self._start_asked = True  # asked again of a page that says hello before it starts
        self._command("start")

    def toggle_pause(self) -> None:
        """Ask the page to pause, or to resume with exactly the time that was left."""
        self._command("toggle_pause")

    def skip(self) -> None:
        """Ask the page to skip to the next phase (a skipped hold is logged as skipped)."""
        self._command("skip")

    def back(self) -> None:
        """Ask the page to restart this phase, or go to the previous one near its start."""
        self._command("back")

    def stop(self) -> None:
        """Ask the page to end the routine now."""
        self._command("stop")

    def add_event_handler(self, handler: Callable[[Any], None]) -> None:
        """Call ``handler(event)`` for every engine event from now on."""
        self._handlers.append(handler)

    # -- what the page reports -------------------------------------------------------

    @property
    def current(self) -> Phase:
        """The phase the page last reported starting (the first before start)."""
        return self.phases[self.index]

    def handle_page_message(self, content: Any) -> dict[str, Any] | None:
        """Handle one message from the page, exactly as the comm handler does.

        Events are taken in order, each id once; the acknowledgement is sent to
        the page and returned (None for a message that is not the timer's).
        """
        kind = content.get("type") if isinstance(content, dict) else None
        if kind not in ("events", "hello"):
            return None  # not ours (anywidget's own commands use this channel too)
        try:
            self._learn_offset(page_number(content, "now"))
        except TimerError as error:
            _log.warning("a timer message without a usable time: %s", error)
        if kind == "hello":
            # a start sent before the page had made its model was lost on the way
            if self._start_asked and self.state == "ready":
                self._command("start")
            return None
        acked: list[str] = []
        refused: dict[str, str] = {}
        for raw in content.get("events") or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                _log.warning("a timer event without an id was dropped: %r", raw)
                continue
            event_id = raw["id"]
            if event_id in self._seen:
                acked.append(event_id)  # a resend of what was already taken
                continue
            page = str(raw.get("page", ""))
            if self.owner and page != self.owner:
                refused[event_id] = "another tab or window is playing this timer"
                continue
            seq = raw.get("seq")
            if seq != self._next_seq:
                # out of order: never taken before the ones in front of it, which
                # the page resends together with this one
                continue
            self._seen.add(event_id)
            self._next_seq += 1
            if not self.owner:
                self.owner = page
            try:
                event = engine_event(raw, self.phases, self._offset or 0.0)
            except TimerError as error:
                refused[event_id] = str(error)
                self._show_error(error_html("reading what the timer reported", error))
                continue
            self._follow(raw)
            if event is not None:
                self._dispatch(event)
            acked.append(event_id)
        ack = {"type": "ack", "ids": acked, "refused": refused}
        if acked or refused:
            self.send(ack)
        return ack

    def _learn_offset(self, page_now: float) -> None:
        offset = self.clock() - page_now
        if self._offset is None or offset < self._offset:
            self._offset = offset

    def _follow(self, raw: dict[str, Any]) -> None:
        """Keep ``state`` and ``index`` as the page reports them."""
        kind = raw["kind"]
        if kind == "started":
            self.index = raw["index"]
            if self.state == "ready":
                self.state = "running"
        elif kind == "pause":
            self.state = "paused"
        elif kind == "resume":
            self.state = "running"
        elif kind == "ended":
            self.state = raw["outcome"]

    def _dispatch(self, event: Any) -> None:
        for handler in self._handlers:
            try:
                handler(event)
            except Exception as exc:  # one handler's failure is shown, the others still run
                _log.exception("a timer event handler failed")
                self._show_error(error_html("handling what the timer reported", exc))

    def _show_error(self, markup: str) -> None:
        self.error = markup
