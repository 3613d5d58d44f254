"""A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries, a temp folder.

Any test module (or a benchmark) can start one::

    from tests._postgres import start_server   # or `from _postgres import ...`
    server = start_server()          # initdb + pg_ctl start on a free loopback port
    server.url("postgres", "postgres")   # a postgresql+psycopg:// URL, no password in it
    server.env                       # {"PGPASSFILE": ...}: the superuser's password file
    server.stop()

A pytest fixture is one line: ``yield from serve_for_pytest()`` (it skips, or
fails on CI, where no server can be started).

The server listens on 127.0.0.1 only and asks for a password (scram-sha-256)
on every TCP login, so the tests exercise the same pgpass path a clinic uses.
PostgreSQL refuses to run as root: as root the server runs as the ``postgres``
system user (made by Debian's package) in a folder that user owns.

:func:`missing_reason` says why no server can be started here (no binaries),
for a ``pytest.skip`` on a developer's machine; on CI (``CI=true``) the tests
fail instead.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PostgresServer", "find_bindir", "missing_reason", "serve_for_pytest", "start_server"]

SUPERUSER = "postgres"
_ADVICE = "install PostgreSQL's server (Debian: apt-get install postgresql)"


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: ``PG_BINDIR``, Debian's versioned folder, PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: -int(p.name))]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def missing_reason() -> str | None:
    """Why a server cannot be started here, or None if it can."""
    if find_bindir() is None:
        return f"no PostgreSQL server binaries (initdb, pg_ctl) found: {_ADVICE}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return f"running as root and there is no '{SUPERUSER}' system user: {_ADVICE}"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """One running server; :meth:`stop` it (or :meth:`restart`) by its own pg_ctl."""

    bindir: Path
    folder: Path
    port: int
    password: str
    #: Environment that lets libpq log in as the superuser (a 0600 pgpass file).
    env: dict[str, str] = field(default_factory=dict)

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def pgpass(self) -> Path:
        return self.folder / "pgpass"

    def url(self, user: str = SUPERUSER, database: str = "postgres") -> str:
        """A SQLAlchemy URL for psycopg 3; the password comes from the pgpass file."""
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def dsn(self, user: str = SUPERUSER, database: str = "postgres") -> str:
        """A libpq connection string, for psycopg.connect()."""
        return f"host=127.0.0.1 port={self.port} user={user} dbname={database}"

    def add_password(self, user: str, password: str) -> None:
        """Let libpq log in as ``user`` too (one more line of the pgpass file)."""
        with open(self.pgpass, "a", encoding="utf-8") as handle:
            handle.write(f"127.0.0.1:{self.port}:*:{user}:{password}\n")

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args]
        return _run_as_owner(command, check=check)

    def start(self) -> None:
        log = self.folder / "server.log"
        self._pg_ctl("-w", "-t", "60", "-l", str(log), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``mode="immediate"`` is a crash (no shutdown checkpoint)."""
        self._pg_ctl("-w", "-m", mode, "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def psql_superuser(self):
        """A psycopg connection as the superuser (autocommit), for set-up statements."""
        import psycopg

        return psycopg.connect(self.dsn(), autocommit=True, password=self.password)

    def create_database(self, name: str, owner: str = SUPERUSER) -> str:
        """A new empty database; returns its URL for ``owner``."""
        from psycopg import sql

        with self.psql_superuser() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(owner)
                )
            )
        return self.url(owner, name)


def _owner() -> pwd.struct_passwd | None:
    """The system user the server runs as when we are root (None: ourselves)."""
    return pwd.getpwnam(SUPERUSER) if os.geteuid() == 0 else None


def _run_as_owner(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    owner = _owner()
    if owner is not None:
        command = ["runuser", "-u", owner.pw_name, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}): {done.stdout}{done.stderr}"
        )
    return done


def start_server(settings: dict[str, str] | None = None) -> PostgresServer:
    """initdb a new cluster in a temp folder, start it on a free port, return it.

    ``settings`` are extra ``postgresql.conf`` lines (``{"fsync": "off"}``).
    Raises RuntimeError (with the advice) when it cannot be done here.
    """
    reason = missing_reason()
    if reason is not None:
        raise RuntimeError(reason)
    bindir = find_bindir()
    assert bindir is not None
    # Not under pytest's tmp_path: its folders are 0700 root's, and the server
    # (as user postgres) must reach its own folder.
    folder = Path(tempfile.mkdtemp(prefix="backstretch-pg-"))
    owner = _owner()
    password = secrets.token_urlsafe(18)
    (folder / "pwfile").write_text(password + "\n", encoding="utf-8")
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        os.chown(folder / "pwfile", owner.pw_uid, owner.pw_gid)
    _run_as_owner(
        [
            str(bindir / "initdb"),
            "-D",
            str(folder / "data"),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(folder / "pwfile"),
            "--auth",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale",
            "C",
        ]
    )
    (folder / "pwfile").unlink()
    lines = {
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": "''",
        "max_connections": "200",
        "shared_buffers": "'256MB'",
        **(settings or {}),
    }
    for attempt in range(5):
        port = _free_port()
        conf = {**lines, "port": str(port)}
        text = "".join(f"{key} = {value}\n" for key, value in conf.items())
        (folder / "data" / "postgresql.auto.conf").write_text(text, encoding="utf-8")
        server = PostgresServer(bindir, folder, port, password)
        try:
            server.start()
            break
        except RuntimeError:
            if attempt == 4:
                raise
            time.sleep(0.2)
    server.pgpass.write_text("", encoding="utf-8")
    server.pgpass.chmod(0o600)  # libpq ignores a pgpass file others can read
    server.add_password(SUPERUSER, password)
    server.env = {"PGPASSFILE": str(server.pgpass)}
    return server


def serve_for_pytest(settings: dict[str, str] | None = None) -> Iterator[PostgresServer]:
    """The body of a session-scoped pytest fixture: skip (or, with CI=true, fail) where no
    server can be started; else start one, put its pgpass file in ``os.environ`` (so
    subprocesses find it too), yield it, and remove it afterwards::

        @pytest.fixture(scope="session")
        def pg_server():
            yield from serve_for_pytest()
    """
    import pytest

    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests cannot run on CI: {reason}")
        pytest.skip(reason)
    server = start_server(settings)
    saved = {key: os.environ.get(key) for key in (*server.env, "PGPASSWORD")}
    os.environ.update(server.env)
    os.environ.pop("PGPASSWORD", None)
    try:
        yield server
    finally:
        server.remove()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


if __name__ == "__main__":  # a manual check: start, print the URL, stop on Enter
    running = start_server()
    print(running.url(), "PGPASSFILE=" + running.env["PGPASSFILE"], flush=True)
    try:
        input("Enter stops the server... ")
    finally:
        running.remove()
