"""Fixtures shared by the session-log tests: a log on each backend, and the PostgreSQL server.

``log`` runs a test twice, on a new SQLite file and on a new PostgreSQL
database; ``sqlite_log`` is for what only a file has (its bytes, its journal,
its CSV round trip). The PostgreSQL server is a real one, started once per
test process from Debian's binaries (``tests/_postgres.py``). Where they are
missing the PostgreSQL tests are skipped with the advice to install them,
except on CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backstretch_kit.log import SessionLog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import _postgres  # noqa: E402  (tests/_postgres.py, shared with the hub tests)

_NAMES = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_postgres.PostgresServer]:
    """A PostgreSQL server for this test process; its pgpass file is in the environment."""
    yield from _postgres.serve_for_pytest()


@pytest.fixture
def pg_url(pg_server: _postgres.PostgresServer) -> str:
    """The URL of a new, empty database on the test server (as its superuser)."""
    return pg_server.create_database(f"log_{os.getpid()}_{next(_NAMES)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def log_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a new log goes: a file in the test's folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "log.sqlite"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def log(log_target: str | Path) -> Iterator[SessionLog]:
    """A new, empty log on each backend in turn, closed afterwards."""
    with SessionLog(log_target) as opened:
        yield opened


@pytest.fixture
def sqlite_log(tmp_path: Path) -> Iterator[SessionLog]:
    """A new, empty SQLite log in the test's own folder, closed afterwards."""
    with SessionLog(tmp_path / "log.sqlite") as opened:
        yield opened
