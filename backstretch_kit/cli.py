"""The ``backstretch`` command: backstretch-kit without a browser.

``backstretch play ROUTINE.json`` counts a routine down in the terminal with
plain text and logs it like the notebook's guided session: every hold is
written to the session log as it finishes, so Ctrl-C (which stops the
routine cleanly) keeps every finished hold.

Each subcommand is one ``add_<name>_command(subparsers)`` function listed in
:data:`COMMANDS`; it adds its parser and sets ``run`` to a function taking
the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from . import __version__
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

__all__ = ["COMMANDS", "build_parser", "main"]

#: Longest sleep between two looks at the clock while counting down.
TICK_S = 0.1

#: Exit statuses.
EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2


def _positive_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scale must be a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"--scale must be more than 0, got {text!r}")
    return value


def add_play_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``play ROUTINE.json``: count a routine down in the terminal and log it."""
    parser = subparsers.add_parser(
        "play",
        help="play a routine in the terminal and log it",
        description=(
            "Count a routine down in the terminal, hold by hold, and log each hold as it "
            "finishes. Ctrl-C stops cleanly and keeps the finished holds."
        ),
    )
    parser.add_argument("routine", type=Path, metavar="ROUTINE.json", help="a saved routine")
    parser.add_argument(
        "--person",
        default=os.environ.get("USER") or "me",
        help="who is stretching (default: $USER, or 'me')",
    )
    parser.add_argument(
        "--log", type=Path, default=None, help="session log file (default: the standard place)"
    )
    parser.add_argument(
        "--scale",
        type=_positive_scale,
        default=1.0,
        help="multiply every phase length, e.g. 0.1 for a quick demonstration",
    )
    parser.add_argument(
        "--no-questions",
        action="store_true",
        help="do not ask for pain before and after (for scripts)",
    )
    parser.add_argument("--quiet", action="store_true", help="no terminal bell at cues")
    parser.set_defaults(run=run_play)
    return parser


#: The subcommands, each an ``add_<name>_command(subparsers)``.
def add_workshop_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``workshop``: serve the workshop notebook with Voila for a class."""
    parser = subparsers.add_parser(
        "workshop",
        help="serve the workshop notebook with Voila (a projector-size timer)",
        description="Serve notebooks/05-Workshop.ipynb with Voila on this computer. "
        "Each browser that opens it gets its own kernel, which runs Python as you: beyond "
        "this computer (--ip), a token is required and made for you.",
    )
    parser.add_argument("--port", type=int, default=8866, help="port to listen on (8866)")
    parser.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1, this computer only; 0.0.0.0 for a room "
        "network, with a token; see the README before serving a room)",
    )
    parser.add_argument(
        "--token",
        default=None,
        help="the secret in the link (default: none on loopback, a new random one otherwise; "
        "an empty token beyond loopback is refused)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another name the room reaches this computer by (repeatable); requests "
        "for any other name are refused",
    )
    parser.add_argument(
        "--max-kernels",
        type=int,
        default=None,
        metavar="N",
        help="most pages open at once, about 110 MiB each (20)",
    )
    parser.add_argument(
        "--print-command",
        action="store_true",
        help="print the Voila command line (with the token) instead of running it",
    )

    def run_workshop(args: argparse.Namespace) -> int:
        import shlex

        from .serve import (
            ServeError,
            WorkshopLimits,
            serve_workshop,
            voila_command,
            workshop_links,
            workshop_token,
        )

        limits = WorkshopLimits()
        if args.max_kernels is not None:
            limits = WorkshopLimits(max_kernels=args.max_kernels)
        try:
            token = workshop_token(args.ip, args.token)
            command = voila_command(
                port=args.port,
                ip=args.ip,
                token=token,
                allowed_hosts=args.allow_host,
                limits=limits,
            )
        except ServeError as error:
            print(f"backstretch workshop: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if args.print_command:
            print(shlex.join(command))
            if token:  # stdout stays a command to paste; the links go beside it
                for link in workshop_links(args.ip, args.port, token, args.allow_host):
                    print(f"link: {link}", file=sys.stderr)
            return EXIT_OK
        return serve_workshop(
            port=args.port, ip=args.ip, token=token, allowed_hosts=args.allow_host, limits=limits
        )

    parser.set_defaults(run=run_workshop)
    return parser


def add_recover_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``recover DAMAGED NEW``: save what a damaged session log still holds into a new one."""
    parser = subparsers.add_parser(
        "recover",
        help="save what a damaged session log still holds into a new log",
        description=(
            "Copy every person, session and hold that can still be read from a damaged "
            "session log into a new log, and say what was saved and what was lost. The "
            "damaged file is only read: it is left exactly as it was."
        ),
    )
    parser.add_argument("damaged", type=Path, metavar="DAMAGED", help="the damaged session log")
    parser.add_argument("new", type=Path, metavar="NEW", help="the new log file (must not exist)")

    def run_recover(args: argparse.Namespace) -> int:
        from .log import recover

        # a LogError (no such file, NEW exists, not a log...) is main's one line and status 2
        for line in recover(args.damaged, args.new).lines():
            print(line)
        return EXIT_OK

    parser.set_defaults(run=run_recover)
    return parser


def add_clinic_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``clinic ...``: set up a clinic's PostgreSQL log (``backstretch_kit.log.clinic``)."""
    # listed here for --help; main() hands everything after "clinic" to the clinic's own
    # parser, which has its own subcommands and options
    return subparsers.add_parser(
        "clinic",
        help="set up a clinic's PostgreSQL session log: init, add-therapist, add-patient, assign",
        add_help=False,
    )


COMMANDS: list[Callable[[Any], argparse.ArgumentParser]] = [
    add_play_command,
    add_workshop_command,
    add_recover_command,
    add_clinic_command,
]


def build_parser() -> argparse.ArgumentParser:
    """The ``backstretch`` argument parser with every subcommand in :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="backstretch", description="backstretch-kit from the terminal."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``backstretch`` command; return the exit status."""
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["clinic"]:
        from .log.clinic import main as clinic_main

        return clinic_main(given[1:])
    args = build_parser().parse_args(given)
    try:
        return int(args.run(args))
    except ValueError as error:
        # Every bad input the package finds is one of its own ValueError classes
        # (CatalogError, RoutineError, LogError, ...), whose message names the file,
        # field and value: one line and status 2, no traceback. Any other
        # ValueError is a bug, and its traceback is worth seeing.
        if not type(error).__module__.startswith("backstretch_kit."):
            raise
        print(f"backstretch {args.command}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


# -- play ------------------------------------------------------------------------------


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
    """Play a routine file in the terminal; see :func:`add_play_command`."""
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


if __name__ == "__main__":
    sys.exit(main())
