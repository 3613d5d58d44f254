"""Setting up a clinic's PostgreSQL session log: the tables, and a login role per person.

Run by the clinic's administrator, connected as the owner of the database::

    export BACKSTRETCH_DATABASE_URL=postgresql+psycopg://clinic_admin@db.example:5432/backstretch
    python -m backstretch_kit.log.clinic init
    python -m backstretch_kit.log.clinic add-therapist --role physio_kim --password-prompt
    python -m backstretch_kit.log.clinic add-patient "client 17" --role patient_17 \\
        --therapist physio_kim --password-prompt

Each person in the log gets a PostgreSQL login role (``people.db_role``); the
row-level-security policies (``_pg_schema``) let that role read and write
that person's rows only, and a physiotherapist's role those of the people
``care_team`` gives them. See docs/CLINIC.md.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from . import _checks, _pg_schema, _url
from ._checks import EPOCH, US, LogError

__all__ = ["add_patient", "add_therapist", "assign", "init", "main"]

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def init(url: str | None = None) -> None:
    """Create (or upgrade) the session log's tables and policies in the database at ``url``."""
    from .session_log import SessionLog

    SessionLog(_url_or_env(url)).close()


def add_therapist(url: str | None, role: str, *, password: str | None = None) -> None:
    """Make ``role`` a physiotherapist's login role (created if missing)."""
    with _admin(url) as (conn, _):
        _ensure_role(conn, _role_name(role), password)


def add_patient(
    url: str | None,
    person: str,
    role: str,
    *,
    therapist: str | None = None,
    password: str | None = None,
) -> None:
    """Add ``person`` to the log (if new) as the login role ``role``, optionally in a
    physiotherapist's care.

    Raises
    ------
    LogError
        A bad name or role, a person who already has another role, a role
        that is another person's, or a therapist role that does not exist.
    """
    from sqlalchemy import text

    name, role = _checks.person_name(person), _role_name(role)
    with _admin(url) as (conn, label):
        _ensure_role(conn, role, password)
        taken = conn.execute(
            text("SELECT person FROM people WHERE db_role = :r AND person <> :n"),
            {"r": role, "n": name},
        ).scalar()
        if taken is not None:
            raise LogError(f"role {role!r} is already {taken!r} in {label}; give each a role")
        now_us = (datetime.now(UTC) - EPOCH) // US
        stored = conn.execute(
            text(
                "INSERT INTO people (person, created_us, db_role) VALUES (:n, :c, :r) "
                "ON CONFLICT (person) DO UPDATE SET db_role = COALESCE(people.db_role, :r) "
                "RETURNING person_id, db_role"
            ),
            {"n": name, "c": now_us, "r": role},
        ).one()
        if stored.db_role != role:
            raise LogError(f"{name!r} already logs in as {stored.db_role!r} in {label}")
        if therapist is not None:
            _assign(conn, label, _role_name(therapist), stored.person_id)


def assign(url: str | None, therapist: str, person: str) -> None:
    """Put ``person`` in the care of the physiotherapist role ``therapist``."""
    from sqlalchemy import text

    name = _checks.person_name(person)
    with _admin(url) as (conn, label):
        found = conn.execute(
            text("SELECT person_id FROM people WHERE person = :n"), {"n": name}
        ).scalar()
        if found is None:
            raise LogError(f"no person named {name!r} in {label}")
        _assign(conn, label, _role_name(therapist), found)


# --------------------------------------------------------------------------- helpers


def _url_or_env(url: str | None) -> str:
    url = url or os.environ.get(_url.DATABASE_URL_VARIABLE)
    if not url:
        raise LogError(f"give the database URL, or set {_url.DATABASE_URL_VARIABLE}")
    return url


def _role_name(role: str) -> str:
    if not isinstance(role, str) or not _ROLE.match(role):
        raise LogError(
            f"a role name is lower-case letters, digits and _ (at most 63, not starting with a "
            f"digit), got {role!r}"
        )
    if role == _pg_schema.GROUP_ROLE or role.startswith("pg_"):
        raise LogError(f"{role!r} is reserved; choose another role name")
    return role


class _admin:
    """A transaction on the clinic's database as its administrator, with the tables made."""

    def __init__(self, url: str | None):
        self.url = _url_or_env(url)

    def __enter__(self):
        from sqlalchemy import create_engine

        target = _url.resolve(self.url)
        if target is None or target.url is None:
            raise LogError(f"{self.url!r} is not a PostgreSQL URL; roles exist only there")
        init(target.url)  # the tables and policies, and a plain error for a bad URL or login
        self.engine = create_engine(target.url)
        self.context = self.engine.begin()
        return self.context.__enter__(), target.label

    def __exit__(self, *exc_info):
        from sqlalchemy.exc import DBAPIError

        try:
            return self.context.__exit__(*exc_info)
        except DBAPIError as exc:
            raise LogError(f"the clinic set-up failed: {' '.join(str(exc.orig).split())}") from exc
        finally:
            self.engine.dispose()


def _ensure_role(conn, role: str, password: str | None) -> None:
    from psycopg import sql
    from sqlalchemy import text

    raw = conn.connection.driver_connection
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    if not exists:
        raw.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    raw.execute(
        sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(_pg_schema.GROUP_ROLE), sql.Identifier(role)
        )
    )
    if password is not None:
        # Sent to the server once, here; never stored by the workbook.
        raw.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
        )


def _assign(conn, label: str, therapist: str, person_id: int) -> None:
    from sqlalchemy import text

    known = conn.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": therapist}
    ).scalar()
    if not known:
        raise LogError(f"no role {therapist!r} in {label}: add it first (add-therapist)")
    conn.execute(
        text("INSERT INTO care_team (therapist, person_id) VALUES (:t, :p) ON CONFLICT DO NOTHING"),
        {"t": therapist, "p": person_id},
    )


# --------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None, prog: str = "backstretch clinic") -> int:
    """``backstretch clinic`` (or ``python -m backstretch_kit.log.clinic``): init,
    add-therapist, add-patient, assign."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Set up a clinic's PostgreSQL session log (run as the database's owner).",
    )
    parser.add_argument(
        "--url", help=f"the database (default: ${_url.DATABASE_URL_VARIABLE}); no password in it"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init", help="create or upgrade the tables and policies")
    therapist = commands.add_parser("add-therapist", help="a physiotherapist's login role")
    therapist.add_argument("--role", required=True)
    patient = commands.add_parser("add-patient", help="a person and their login role")
    patient.add_argument("person")
    patient.add_argument("--role", required=True)
    patient.add_argument("--therapist", help="the physiotherapist role that looks after them")
    care = commands.add_parser("assign", help="put a person in a physiotherapist's care")
    care.add_argument("therapist")
    care.add_argument("person")
    for sub in (therapist, patient):
        sub.add_argument(
            "--password-prompt", action="store_true", help="ask for the role's login password"
        )
    args = parser.parse_args(argv)
    password = None
    if getattr(args, "password_prompt", False):
        password = getpass.getpass(f"password for {args.role}: ")
    try:
        if args.command == "init":
            init(args.url)
        elif args.command == "add-therapist":
            add_therapist(args.url, args.role, password=password)
        elif args.command == "add-patient":
            add_patient(
                args.url, args.person, args.role, therapist=args.therapist, password=password
            )
        else:
            assign(args.url, args.therapist, args.person)
    except LogError as exc:
        # one line and status 2, as every other backstretch command says bad input
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(prog="python -m backstretch_kit.log.clinic"))
