"""A stand-in for TimerWidget's page in tests: HoldTimer plays the page's part.

The real page is ``backstretch_kit/widgets/timer.js``. This one speaks the same
messages (see the docstring of ``backstretch_kit/widgets/timer_widget.py``) against a
fake clock, so the unit tests drive the kernel side exactly as a browser does: the
kernel's commands are played, what happens is sent as events with ids and sequence
numbers, and events stay queued until acknowledged. HoldTimer has the same state
machine as the page's engine, so the events come in the same order, with the same
times and outcomes.
"""

from __future__ import annotations

from typing import Any

from backstretch_kit.timer import CueDue, HoldTimer, PhaseFinished, PhaseStarted, RoutineEnded


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class SimulatedPage:
    """The page of one TimerWidget: buttons, the engine, the queue of unacknowledged events.

    Parameters
    ----------
    widget : TimerWidget
        Its custom messages to the page come here (``widget.send`` is replaced).
    clock : FakeClock
        The page's clock. Pass the widget's own clock to keep page and kernel times equal.
    run : str
        The run's id (the page that plays it).
    kernel_clock : FakeClock, optional
        The widget's clock when it is another one: time passes on both together.
    """

    def __init__(
        self, widget: Any, clock: FakeClock, run: str = "page-1", kernel_clock: Any = None
    ) -> None:
        self.widget = widget
        self.clock = clock
        self.kernel_clock = kernel_clock
        self.run = run
        self.engine = HoldTimer(widget.phases, clock=clock)
        self.seq = 0
        self.queue: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # every event, acknowledged or not
        self.commands: list[str] = []
        self.acks: list[dict[str, Any]] = []
        self.connected = True  # False: a busy kernel; what is sent waits in its queue
        self.in_transit: list[dict[str, Any]] = []
        widget.send = self._from_kernel

    # -- the kernel -> page side ---------------------------------------------------

    def _from_kernel(self, content: dict[str, Any], buffers: Any = None) -> None:
        if content.get("type") == "command":
            self.commands.append(content["command"])
            self.press(content["command"])
        elif content.get("type") == "ack":
            self.acks.append(content)
            done = set(content["ids"]) | set(content["refused"])
            self.queue = [event for event in self.queue if event["id"] not in done]

    # -- what a person does ----------------------------------------------------------

    def press(self, name: str) -> None:
        """Press a button (or its key): start, toggle_pause, skip, back or stop."""
        engine = self.engine
        fresh = self._events(engine.poll())  # boundaries already passed come first
        now = self.clock()
        live = engine.state in ("running", "paused")
        if name == "start":
            engine.start()
        elif name == "toggle_pause" and engine.state == "running":
            engine.pause()
            fresh += self._events(engine.poll())
            fresh.append({"kind": "pause", "t": now, "index": engine.index})
        elif name == "toggle_pause" and engine.state == "paused":
            engine.resume()
            fresh.append({"kind": "resume", "t": now, "index": engine.index})
        elif name in ("skip", "back", "stop") and live:
            fresh.append({"kind": name, "t": now, "index": engine.index})
            getattr(engine, name)()
        fresh += self._events(engine.poll())
        self._send(fresh)

    def advance(self, seconds: float, step: float = 0.1) -> None:
        """Let ``seconds`` pass on the page's clock, the page ticking every ``step``."""
        for _ in range(round(seconds / step)):
            self.clock.now += step
            if self.kernel_clock is not None and self.kernel_clock is not self.clock:
                self.kernel_clock.now += step
            self._send(self._events(self.engine.poll()))

    # -- the page -> kernel side -----------------------------------------------------

    def _events(self, engine_events: list[Any]) -> list[dict[str, Any]]:
        out = []
        for event in engine_events:
            if isinstance(event, PhaseStarted):
                out.append(
                    {"kind": "started", "t": event.at, "index": event.index,
                     "phase": event.phase.kind}
                )  # fmt: skip
            elif isinstance(event, PhaseFinished):
                out.append(
                    {"kind": "finished", "t": event.at, "index": event.index,
                     "phase": event.phase.kind, "planned_s": event.planned_s,
                     "actual_s": event.actual_s, "outcome": event.outcome}
                )  # fmt: skip
            elif isinstance(event, RoutineEnded):
                out.append({"kind": "ended", "t": event.at, "outcome": event.outcome})
            elif not isinstance(event, CueDue):  # cues stay in the page
                raise AssertionError(f"unexpected engine event {event!r}")
        return out

    def _send(self, events: list[dict[str, Any]]) -> None:
        stamped = []
        for event in events:
            self.seq += 1
            stamped.append({**event, "id": f"{self.run}:{self.seq}", "page": self.run,
                            "seq": self.seq})  # fmt: skip
        self.queue.extend(stamped)
        self.sent.extend(stamped)
        if stamped:
            self.deliver(stamped)

    def deliver(self, events: list[dict[str, Any]] | None = None) -> dict[str, Any] | None:
        """Send events (by default every unacknowledged one, as a resend does)."""
        events = list(self.queue) if events is None else events
        message = {"type": "events", "now": self.clock(), "events": events}
        if not self.connected:
            self.in_transit.append(message)  # handled when the kernel is free again
            return None
        return self.widget.handle_page_message(message)

    def hello(self) -> None:
        """The page has made its model (a page loaded late, or reloaded) and says so."""
        self.widget.handle_page_message({"type": "hello", "now": self.clock()})

    def reconnect(self) -> dict[str, Any] | None:
        """The kernel is free again: it handles what waited, then the page resends."""
        self.connected = True
        waiting, self.in_transit = self.in_transit, []
        for message in waiting:
            self.widget.handle_page_message(message)
        return self.deliver()

    def holds_waiting(self) -> int:
        """Finished holds not yet acknowledged, as the page counts them."""
        return sum(
            e["kind"] == "finished" and e["phase"] == "hold" and e["outcome"] != "back"
            for e in self.queue
        )
