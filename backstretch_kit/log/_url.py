"""Where a session log lives: a SQLite file or a PostgreSQL database, from a path or a URL.

``SessionLog(target)`` takes a plain path (the SQLite file of old), a
``sqlite:///path`` URL, or a ``postgresql+psycopg://user@host:port/db`` URL.
With no target it opens ``BACKSTRETCH_DATABASE_URL`` when that is set, else the
default SQLite file.

A password never belongs in a URL: a URL ends up in notebooks, shell history
and logs. libpq finds it in a pgpass file instead (``~/.pgpass`` or
``PGPASSFILE``, which it reads only when no one but the owner can), or in
``PGPASSWORD`` from the environment. A URL with a password is refused.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ._checks import LogError

__all__ = ["DATABASE_URL_VARIABLE", "Target", "resolve"]

#: The environment variable naming the clinic's database (a URL without a password).
DATABASE_URL_VARIABLE = "BACKSTRETCH_DATABASE_URL"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_POSTGRES_SCHEMES = ("postgresql", "postgresql+psycopg", "postgres")


@dataclass(frozen=True)
class Target:
    """A resolved log location: exactly one of ``path`` (SQLite) or ``url`` (PostgreSQL)."""

    path: Path | None = None
    #: A SQLAlchemy URL with the psycopg 3 driver, never with a password in it.
    url: str | None = None
    #: ``user@host:port/database``, for messages.
    label: str = ""


def resolve(target: str | os.PathLike[str] | None) -> Target | None:
    """The location ``target`` names, or None for the default SQLite file.

    Raises
    ------
    LogError
        An unknown scheme, a PostgreSQL URL with a password or without a
        database, or a malformed URL.
    """
    if target is None:
        target = os.environ.get(DATABASE_URL_VARIABLE) or None
        if target is None:
            return None
        where = f" (from {DATABASE_URL_VARIABLE})"
    else:
        where = ""
    if isinstance(target, os.PathLike) or not _SCHEME.match(str(target)):
        return Target(path=Path(target).expanduser().absolute())
    text = str(target)
    scheme = text.split("://", 1)[0].lower()
    if scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as SQLAlchemy reads them.
        rest = text.split("://", 1)[1]
        if not rest.startswith("/") or rest == "/":
            raise LogError(f"a SQLite URL is sqlite:///PATH, got {text!r}{where}")
        return Target(path=Path(rest[1:]).expanduser().absolute())
    if scheme not in _POSTGRES_SCHEMES:
        raise LogError(
            f"a session log is a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DB; "
            f"the scheme {scheme!r} of {_without_secret(text)!r}{where} is not one of these"
        )
    return _postgres(text, where)


def _postgres(text: str, where: str) -> Target:
    try:
        import psycopg  # noqa: F401  (the driver: missing it is said here, plainly)
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError
    except ImportError as exc:
        raise LogError(
            f"a PostgreSQL session log{where} needs SQLAlchemy 2 and psycopg 3: "
            "pip install 'backstretch-kit[clinic]'"
        ) from exc

    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise LogError(f"cannot read the database URL {_without_secret(text)!r}{where}") from exc
    if url.password is not None:
        raise LogError(
            f"the database URL {url.render_as_string(hide_password=True)!r}{where} has a "
            "password in it; leave it out and put it in a pgpass file readable by you alone "
            "(~/.pgpass or the file PGPASSFILE names, mode 0600: "
            "HOST:PORT:DATABASE:USER:PASSWORD) or in PGPASSWORD in the environment"
        )
    if not url.database:
        raise LogError(f"the database URL {text!r}{where} names no database (…/DATABASE)")
    url = url.set(drivername="postgresql+psycopg")
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    label = f"{user}{host}{port}/{url.database}"
    return Target(url=url.render_as_string(hide_password=False), label=label)


def _without_secret(text: str) -> str:
    """A URL for a message, with anything between ':' and '@' in its authority masked."""
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", text)
