"""Settings shared by the unit tests, the nbval notebook runs and the browser tests.

Every test session gets its own data and cache folders, so nothing a test or a notebook run writes
(the session log above all) ever lands in the user's real backstretch-kit data.
"""

from __future__ import annotations

import os
import tempfile

import pytest

_DATA_DIR = tempfile.TemporaryDirectory(prefix="backstretch-test-data-")
# Set at import, before nbval starts any kernel, so kernels inherit it too.
os.environ["BACKSTRETCH_DATA_DIR"] = _DATA_DIR.name
# The pictogram cache too (see backstretch_kit/poses/_picture_cache.py): shared by the
# session's kernels, as a user's are, and never the user's own cache folder.
_CACHE_DIR = tempfile.TemporaryDirectory(prefix="backstretch-test-cache-")
os.environ["BACKSTRETCH_CACHE_DIR"] = _CACHE_DIR.name


@pytest.fixture(scope="session")
def test_data_dir() -> str:
    """The session's private stand-in for the user's data folder."""
    return _DATA_DIR.name
