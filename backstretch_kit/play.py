"""``backstretch play``: a routine counted down in the terminal, and logged.

The player writes plain text (one line a phase, a redrawn countdown line on a
terminal) and logs like the notebook's guided session, through the same
:class:`~backstretch_kit.session.LoggedSession`: every hold is written to the
session log as it finishes, so Ctrl-C (which stops the routine cleanly) keeps
every finished hold. Before it starts, the red-flag questions are asked and the
routine is checked; a "stop" finding refuses to play. The parser for the command
is in :mod:`backstretch_kit.cli`.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

from .timer import (
    CueDue,
    HoldTimer,
    PhaseFinished,
    PhaseStarted,
    RoutineEnded,
    countdown_text,
    describe_next,
    describe_phase,
)
from .words import FINDING_TITLES, format_duration

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_REFUSED", "TICK_S", "run_play"]

#: Longest sleep between two looks at the clock while counting down.
TICK_S = 0.1

#: Exit statuses of every ``backstretch`` command: done, refused (a red flag), bad input.
EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


def _ask_pain(question: str, out: TextIO, ask: Callable[[str], str]) -> int | None:
    """Ask a 0-10 pain score until the answer is one; empty (or Ctrl-D) skips."""
    while True:
        try:
            answer = ask(question).strip()
        except EOFError:
            out.write("\n")
            return None
        if not answer:
            return None
        if answer.isdigit() and 0 <= int(answer) <= 10:
            return int(answer)
        out.write("Please type a whole number from 0 to 10, or press Enter to skip.\n")


def _ask_red_flags(out: TextIO, ask: Callable[[str], str]) -> dict[str, bool]:
    """Ask each warning sign of the red-flag screen as y/n; Enter (or Ctrl-D) is no."""
    from .guidance import RED_FLAGS

    out.write("Before you stretch, a few questions. Answer y or n (Enter means no).\n")
    answers = {}
    for flag in RED_FLAGS:
        while True:
            try:
                answer = ask(f"{flag.question} [y/N] ").strip().lower()
            except EOFError:
                out.write("\n")
                answer = ""
            if answer in ("", "n", "no", "y", "yes"):
                break
            out.write("Please type y or n.\n")
        answers[flag.key] = answer in ("y", "yes")
    return answers


class _Player:
    """Counts a routine down on a text stream and logs its holds."""

    def __init__(
        self, args: argparse.Namespace, routine: Any, log: Any, out: TextIO, *, live: bool
    ) -> None:
        self.args = args
        self.routine = routine
        self.log = log
        self.out = out
        self.live = live  # a terminal: redraw one line with \r
        self.bell = live and not args.quiet
        from .session import LoggedSession  # pandas and the log load only when playing

        self.timer = HoldTimer(routine.schedule(), scale=args.scale)
        # the session flow the notebook's guided session uses too
        self.record = LoggedSession(log, args.person.strip(), routine, self.timer.clock)
        self.stop_requested = False
        self._line_width = 0

    def play(self) -> None:
        """Run to the end, or until a Ctrl-C asks to stop; log every finished hold."""
        queue: deque[Any] = deque()
        self.timer.start()
        while True:
            if self.stop_requested and self.timer.state in ("running", "paused"):
                self.timer.stop()
            queue.extend(self.timer.poll())
            while queue:
                self.handle(queue[0])
                queue.popleft()  # only once handled: nothing is lost half way
            if self.timer.state not in ("running", "paused"):
                break
            self.redraw()
            due = self.timer.next_due_s()
            time.sleep(TICK_S if due is None else min(TICK_S, due + 0.0005))

    def handle(self, event: Any) -> None:
        from .log import LogError

        try:
            saved = self.record.handle(event)
        except LogError as error:
            self.clear_line()
            self.out.write(f"  this hold could not be saved: {error}\n")
            saved = None
        if isinstance(event, PhaseStarted):
            self.clear_line()
            phase = event.phase
            length = format_duration(phase.seconds)
            self.out.write(f"{phase.name} · {describe_phase(phase)} · {length}\n")
            if not self.live:
                self.out.flush()
        elif isinstance(event, CueDue):
            if self.bell and event.kind in ("end", "switch side") and event.late_s < 0.5:
                self.out.write("\a")
        elif isinstance(event, PhaseFinished) and saved is not None:
            self.clear_line()
            what = "held" if event.completed else event.outcome
            self.out.write(f"  {what} {event.actual_s:.1f} s of {event.planned_s:g} s, saved\n")
        elif isinstance(event, RoutineEnded):
            self.clear_line()
            word = "Routine complete." if event.outcome == "finished" else "Stopped."
            self.out.write(f"{word}\n")
        self.out.flush()

    def redraw(self) -> None:
        if not self.live:
            return
        timer = self.timer
        filled = round(timer.progress * 20)
        bar = "#" * filled + "." * (20 - filled)
        line = (
            f"\r  {countdown_text(timer.remaining_s):>5}  [{bar}] {timer.progress:4.0%}  "
            f"{describe_next(timer.next_phase)}"
        )
        self.out.write(line.ljust(self._line_width))
        self._line_width = len(line)
        self.out.flush()

    def clear_line(self) -> None:
        if self.live and self._line_width:
            self.out.write("\r" + " " * self._line_width + "\r")
            self._line_width = 0


def run_play(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    ask: Callable[[str], str] = input,
) -> int:
    """Play a routine file in the terminal; see ``backstretch play --help``."""
    from .guidance import Profile, check_routine, pain_change_advice, warning_signs_text
    from .log import LogError, SessionLog
    from .routine import Routine, RoutineError
    from .vocab import MAX_NAME_CHARS

    out = sys.stdout if out is None else out
    routine = Routine.load(args.routine)  # a RoutineError names the file and the field
    if not len(routine):
        raise RoutineError("has no stretches to play", path=args.routine, field="items")
    person = args.person.strip()
    if not person:
        raise LogError("--person must name who is stretching, not be blank")
    if len(person) > MAX_NAME_CHARS:
        raise LogError(f"--person is {len(person)} characters; at most {MAX_NAME_CHARS}")
    if args.no_questions:
        out.write("Before you stretch, check these warning signs.\n")
        out.write(warning_signs_text() + "\n")
        profile = Profile()
    else:
        profile = Profile(red_flags=_ask_red_flags(out, ask))
    findings = check_routine(routine, profile)
    for finding in findings:
        out.write(f"{FINDING_TITLES[finding.level]}: {finding.message}\n")
    if any(f.level == "stop" for f in findings):
        # each stop says what to do (emergency care, a doctor soon): nothing to add to it
        out.write("This routine will not start.\n")
        return EXIT_REFUSED
    try:
        log = SessionLog(args.log)
    except (OSError, LogError) as error:
        print(f"backstretch play: cannot open the log {args.log}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    player = _Player(args, routine, log, out, live=out.isatty())
    total = format_duration(player.timer.total_s)
    out.write(f"{routine.name}: {len(routine)} stretches, {total}. ")
    out.write("Press Ctrl-C to stop; finished holds are kept.\n")
    pain_before = None if args.no_questions else _ask_pain("Pain now, 0-10: ", out, ask)
    player.record.begin(pain_before)

    def request_stop(_signum: int, _frame: Any) -> None:
        if player.stop_requested:  # a second Ctrl-C: leave at once
            raise KeyboardInterrupt
        player.stop_requested = True

    # a flag rather than KeyboardInterrupt, so a hold being written is never cut short
    previous = signal.signal(signal.SIGINT, request_stop)
    try:
        player.play()
    finally:
        signal.signal(signal.SIGINT, previous)

    pain_after = None
    notes = None
    if not args.no_questions:
        try:
            pain_after = _ask_pain("Pain now, after stretching, 0-10: ", out, ask)
            notes = ask("Anything to note (Enter to skip): ").strip() or None
        except (KeyboardInterrupt, EOFError):
            out.write("\n")
    record = player.record
    record.finish(pain_after, notes)
    out.write(
        f"Saved session {record.session_id} to {log.where}: {len(record.saved)} holds, "
        f"{record.completed} completed, {record.held_s:.0f} s held in all."
    )
    if record.unsaved:
        out.write(f" {len(record.unsaved)} could not be saved.")
    if pain_before is not None and pain_after is not None:
        out.write(f" Pain {pain_before} -> {pain_after}.")
    out.write("\n")
    advice = pain_change_advice(pain_before, pain_after)
    if advice is not None:
        out.write(advice + "\n")
    return EXIT_OK
