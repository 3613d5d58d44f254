"""Measure the hold timer against the real clock, beside a naive sleep(1) countdown.

This is the engine driven from the kernel, as ``backstretch play`` drives it in a terminal
and as the notebook's timer did before it moved into the page (issue 15; the page's timer is
measured by ``timer_browser_benchmark.py``).

Run as ``.venv/bin/python benchmarks/timer_benchmark.py`` (about 3.5 minutes)
or with ``--quick`` (about 40 s: 20 holds, a 30 s routine) for a smoke run.

1. End-of-hold error over 50 real holds of 1 to 5 s. The holds run
   concurrently as asyncio tasks on one event loop, each driven the way
   kernel-ticked TimerWidget drove its engine: poll, update display traits, then sleep
   ``min(tick, time to the next cue or phase end)``. The error is the
   monotonic time at which the driver saw the hold end minus the hold's
   planned end. The same holds are then run with a plain fixed 100 ms tick
   (no wake at the deadline), for comparison. The headline run's per-tick
   work is the trait updates alone; a second run adds the simulated send to
   every one of the 50 drivers, which keeps the one loop about half busy.
2. One real 3-minute routine played the same way (error at every phase
   boundary, from the routine's start), while, in a thread of the same
   process, a naive ``for s in range(n): update(); time.sleep(1)`` countdown
   of the same length runs. Both do the same per-tick work: real ipywidgets
   trait updates plus a simulated 1 ms for sending the update to the browser.
   The naive loop's error grows by that work and the sleep's overshoot every
   second; the deadline-based timer's does not grow.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import threading
import time
from pathlib import Path

# Run from a source checkout without installing: put the repository first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ipywidgets as W  # noqa: E402

from backstretch_kit.timer import (  # noqa: E402
    HoldTimer,
    Phase,
    PhaseFinished,
    PhaseStarted,
    countdown_text,
)

TICK_S = 0.1


class Display:
    """The per-tick work of the widget: set a countdown and a progress bar, then send."""

    def __init__(self, send_ms: float) -> None:
        self.countdown = W.HTML()
        self.progress = W.FloatProgress(min=0.0, max=1.0)
        self.send_s = send_ms / 1000

    def update(self, remaining_s: float, progress: float) -> None:
        self.countdown.value = f"<div style='font-size:5em'>{countdown_text(remaining_s)}</div>"
        self.progress.value = progress
        # stand-in for serialising the change and sending it over the kernel's socket
        end = time.perf_counter() + self.send_s
        while time.perf_counter() < end:
            pass


async def drive(timer: HoldTimer, display: Display, *, wake_at_deadline: bool) -> list:
    """Play a timer as the kernel-ticked TimerWidget did; return (event, time seen) pairs."""
    seen = []
    timer.start()
    while True:
        events = timer.poll()
        now = time.monotonic()
        seen.extend((event, now) for event in events)
        if timer.state not in ("running", "paused"):
            return seen
        display.update(timer.remaining_s, timer.progress)
        due = timer.next_due_s()
        delay = TICK_S
        if wake_at_deadline and due is not None:
            delay = min(TICK_S, due + 0.0005)
        await asyncio.sleep(delay)


async def many_holds(lengths: list[float], display: Display, *, wake: bool) -> list[float]:
    async def one(seconds: float) -> float:
        timer = HoldTimer.single_hold(seconds)
        seen = await drive(timer, display, wake_at_deadline=wake)
        start_at = next(event.at for event, _ in seen if isinstance(event, PhaseStarted))
        seen_end = next(at for event, at in seen if isinstance(event, PhaseFinished))
        return seen_end - (start_at + seconds)

    return list(await asyncio.gather(*(one(s) for s in lengths)))


def routine_phases(total_s: float) -> list[Phase]:
    """A routine of get ready, 20 s holds, 10 s rests and switches, about total_s long."""
    phases = [Phase("get ready", 5.0, name="Demo")]
    side = "left"
    while sum(p.seconds for p in phases) + 30 <= total_s:
        phases.append(Phase("hold", 20.0, name="Demo", side=side))
        phases.append(Phase("rest" if side == "left" else "switch side", 10.0, side=side))
        side = "right" if side == "left" else "left"
    phases.append(Phase("hold", total_s - sum(p.seconds for p in phases), name="Demo"))
    return phases


def naive_countdown(seconds: int, display: Display, out: list[float]) -> None:
    """The naive way: count whole seconds with sleep(1); record each second's lateness."""
    start = time.monotonic()
    for s in range(seconds):
        display.update(seconds - s, s / seconds)
        time.sleep(1)
        out.append(time.monotonic() - start - (s + 1))


def summary(errors_s: list[float]) -> str:
    ms = sorted(e * 1000 for e in errors_s)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"median {statistics.median(ms):6.2f} ms, p95 {p95:6.2f} ms, "
        f"max {ms[-1]:6.2f} ms, min {ms[0]:6.2f} ms"
    )


def slope_ms_per_min(times_s: list[float], errors_s: list[float]) -> float:
    """Least-squares growth of the error, in ms per minute of routine."""
    mean_t = statistics.fmean(times_s)
    mean_e = statistics.fmean(errors_s)
    num = sum((t - mean_t) * (e - mean_e) for t, e in zip(times_s, errors_s, strict=True))
    den = sum((t - mean_t) ** 2 for t in times_s)
    return num / den * 1000 * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 holds and a 30 s routine")
    parser.add_argument("--send-ms", type=float, default=1.0, help="simulated send per tick")
    args = parser.parse_args()
    holds = 20 if args.quick else 50
    routine_s = 30 if args.quick else 180

    rng = random.Random(5)
    lengths = [round(rng.uniform(1.0, 5.0), 2) for _ in range(holds)]
    display = Display(args.send_ms)
    print(f"machine: {sys.platform}, Python {sys.version.split()[0]}, tick {TICK_S * 1000:g} ms")
    print(f"per-tick work: ipywidgets trait updates + {args.send_ms:g} ms simulated send")
    print()
    print(f"1. {holds} real holds of 1-5 s, run concurrently as asyncio tasks on one loop")
    # 50 drivers on one loop each doing the simulated send would keep the loop half
    # busy, a load no notebook has; the headline run does the trait updates only
    light = Display(0.0)
    deadline_errors = asyncio.run(many_holds(lengths, light, wake=True))
    print(f"   deadline timer, wake at next cue/end:    end error {summary(deadline_errors)}")
    loaded_errors = asyncio.run(many_holds(lengths, display, wake=True))
    print(f"   same, each tick also a simulated send:   end error {summary(loaded_errors)}")
    fixed_errors = asyncio.run(many_holds(lengths, light, wake=False))
    print(f"   deadline timer, fixed 100 ms tick only:  end error {summary(fixed_errors)}")
    print()

    print(f"2. one real {routine_s} s routine, beside a naive sleep(1) countdown in a thread")
    naive_errors: list[float] = []
    naive = threading.Thread(
        target=naive_countdown, args=(routine_s, Display(args.send_ms), naive_errors)
    )
    timer = HoldTimer(routine_phases(routine_s))
    naive.start()
    seen = asyncio.run(drive(timer, Display(args.send_ms), wake_at_deadline=True))
    naive.join()
    origin = next(event.at for event, _ in seen if isinstance(event, PhaseStarted))
    boundary = [
        (event.at - origin, seen_at - event.at)
        for event, seen_at in seen
        if isinstance(event, PhaseFinished)
    ]
    # the engine's own boundaries are exact: each phase ends at start + its planned time
    planned_end = sum(p.seconds for p in timer.phases)
    last_at = boundary[-1][0]
    print(
        f"   {len(timer.phases)} phases, planned {planned_end:g} s; engine's last boundary "
        f"at {last_at:.6f} s (drift {abs(last_at - planned_end) * 1000:.3f} ms)"
    )
    times = [t for t, _ in boundary]
    errors = [e for _, e in boundary]
    first, last = errors[: len(errors) // 2], errors[len(errors) // 2 :]
    print(f"   deadline timer, seen late at each boundary: {summary(errors)}")
    print(
        f"     first half median {statistics.median(first) * 1000:.2f} ms, second half "
        f"{statistics.median(last) * 1000:.2f} ms, growth "
        f"{slope_ms_per_min(times, errors):+.3f} ms/min; final error {errors[-1] * 1000:.2f} ms"
    )
    naive_times = [float(s + 1) for s in range(len(naive_errors))]
    print(
        f"   naive sleep(1) countdown: final error {naive_errors[-1] * 1000:.1f} ms after "
        f"{len(naive_errors)} s; growth {slope_ms_per_min(naive_times, naive_errors):+.2f} ms/min"
        + (f"; at 60 s {naive_errors[59] * 1000:.1f} ms" if len(naive_errors) >= 60 else "")
    )


if __name__ == "__main__":
    main()
