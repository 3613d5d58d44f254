"""The sample people: the same generator gives the same person, and ids follow the shared rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from backstretch_kit.catalog import load_stretches
from backstretch_kit.demo_people import TEMPLATES, SamplePerson, pick_items
from backstretch_kit.vocab import BODY_AREAS

FIRST = dt.date(2026, 1, 5)


@pytest.fixture(scope="module")
def catalog():
    return load_stretches()


def lived(catalog, seed: int, sessions=None, holds=None, days: int = 30):
    sessions, holds = [] if sessions is None else sessions, [] if holds is None else holds
    person = SamplePerson(np.random.default_rng(seed), "Ann", catalog, days, steady=False)
    person.stretch(FIRST, days, "Europe/London", sessions, holds)
    return person, sessions, holds


def test_the_same_generator_gives_the_same_person_and_days(catalog):
    """Two people from equal generators have the same routines and the same rows."""
    one, sessions, holds = lived(catalog, 4)
    two, again, holds_again = lived(catalog, 4)
    assert one.routines == two.routines
    pd.testing.assert_frame_equal(pd.DataFrame(sessions), pd.DataFrame(again))  # NaN pains
    pd.testing.assert_frame_equal(pd.DataFrame(holds), pd.DataFrame(holds_again))
    assert 0 < len(sessions) < 30 and holds


def test_ids_count_on_from_rows_already_there(catalog):
    """A second person's session and hold ids continue the lists they share with the first."""
    _, sessions, holds = lived(catalog, 1)
    first_sessions, first_holds = len(sessions), len(holds)
    lived(catalog, 2, sessions, holds)
    assert [row["session_id"] for row in sessions] == list(range(1, len(sessions) + 1))
    assert [row["hold_id"] for row in holds] == list(range(1, len(holds) + 1))
    later = {row["session_id"] for row in holds[first_holds:]}
    assert min(later) > first_sessions


def test_picked_items_are_distinct_catalog_stretches_of_the_areas_asked(catalog):
    """One stretch per area, none twice, holds on 5 s steps."""
    for _, areas in TEMPLATES:
        assert set(areas) <= set(BODY_AREAS)
        items = pick_items(np.random.default_rng(0), catalog, areas)
        ids = [item["stretch_id"] for item in items]
        assert len(set(ids)) == len(ids)
        for item in items:
            assert catalog.at[item["stretch_id"], "body_area"] == item["body_area"]
            assert item["hold_s"] >= 5 and item["hold_s"] % 5 == 0
