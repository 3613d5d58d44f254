"""The ``backstretch`` command: backstretch-kit without a browser.

``backstretch play ROUTINE.json`` counts a routine down in the terminal and logs
it (the player is :mod:`backstretch_kit.play`); ``workshop`` serves the workshop
notebook with Voila, ``recover`` saves what a damaged log still holds, and
``clinic`` sets up a clinic's PostgreSQL log.

Each subcommand is one ``add_<name>_command(subparsers)`` function listed in
:data:`COMMANDS`; it adds its parser and sets ``run`` to a function taking
the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .play import EXIT_BAD_INPUT, EXIT_OK, run_play

__all__ = ["COMMANDS", "build_parser", "main"]


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


#: The subcommands, each an ``add_<name>_command(subparsers)``.
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


if __name__ == "__main__":
    sys.exit(main())
