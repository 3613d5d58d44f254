"""Data the chart tests draw: the shipped catalog and seeded demo logs."""

from __future__ import annotations

import pandas as pd
import pytest

from backstretch_kit import demo
from backstretch_kit.catalog import load_stretches

START = "2025-01-06"  # a Monday


@pytest.fixture(scope="session")
def catalog() -> pd.DataFrame:
    return load_stretches()


@pytest.fixture(scope="session")
def year(catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A year of one person's sessions and holds."""
    return demo.sample_log(days=365, start=START, seed=3, stretches=catalog)


@pytest.fixture(scope="session")
def pair(catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten weeks of Alex (pain eases) and Sam (pain does not)."""
    return demo.sample_log(("Alex", "Sam"), days=70, start=START, seed=1, stretches=catalog)
