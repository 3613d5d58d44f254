"""Fixtures shared by the session-log tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backstretch_kit.log import SessionLog


@pytest.fixture
def log(tmp_path: Path) -> Iterator[SessionLog]:
    """A new, empty log in the test's own folder, closed afterwards."""
    with SessionLog(tmp_path / "log.sqlite") as opened:
        yield opened
