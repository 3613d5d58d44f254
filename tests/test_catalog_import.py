"""Importing the public-domain free-exercise-db into the catalog's shape and checks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit.catalog import CatalogError, load_stretches
from backstretch_kit.catalog_import import import_free_exercise_db
from backstretch_kit.vocab import BODY_AREAS, POSITIONS

PEER_DB = Path(__file__).resolve().parents[2] / "shared/peer-data/free-exercise-db/exercises.json"


@pytest.fixture(scope="module")
def stretches() -> pd.DataFrame:
    return load_stretches()


FIXTURE = [
    {
        "id": "Lying_Knee_Hug",
        "name": "Lying Knee Hug",
        "category": "stretching",
        "level": "beginner",
        "equipment": None,
        "primaryMuscles": ["lower back"],
        "secondaryMuscles": ["glutes"],
        "instructions": [
            "Lie on your back and pull both knees to your chest.",
            "Hold for 25 seconds and breathe.",
            "Do it 3 times.",
        ],
    },
    {
        "id": "Standing_Calf_Lean",
        "name": "Standing Calf Lean",
        "category": "stretching",
        "level": "expert",
        "equipment": "foam roll",
        "primaryMuscles": ["calves"],
        "secondaryMuscles": [],
        "instructions": ["Stand facing a wall.", "Lean in, then switch sides."],
    },
    {
        "id": "Barbell_Squat",
        "name": "Barbell Squat",
        "category": "strength",
        "level": "beginner",
        "equipment": "barbell",
        "primaryMuscles": ["quadriceps"],
        "secondaryMuscles": [],
        "instructions": ["Squat."],
    },
]


def test_import_fixture_maps_fields(tmp_path, stretches):
    """Stretching entries only, muscles to areas, hold and reps read from the text."""
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps(FIXTURE))
    imported = import_free_exercise_db(path)
    assert list(imported.index) == ["fedb-lying-knee-hug", "fedb-standing-calf-lean"]
    assert imported.dtypes.equals(stretches.dtypes)
    hug = imported.loc["fedb-lying-knee-hug"]
    assert (hug.body_area, hug.secondary_areas, hug.position) == (
        "lower back",
        ["hips and glutes"],
        "lying",
    )
    assert (hug.hold_s, hug.reps, hug.sides) == (25.0, 3, "both together")
    assert hug.movement == "flexion" and hug.cautions == ["flexion"]
    assert hug.dose_style == "static hold"
    calf = imported.loc["fedb-standing-calf-lean"]
    assert (calf.hold_s, calf.reps, calf.sides, calf.level) == (30.0, 2, "each side", "advanced")
    assert calf.equipment == ["foam roller"] and calf.position == "standing"


def test_import_refuses_bad_json(tmp_path):
    """Not JSON, not a list, or no stretches at all: each is a CatalogError naming the file."""
    path = tmp_path / "exercises.json"
    for text, why in [("{not json", "is not valid JSON"), ('{"a": 1}', "expected a JSON list"),
                      (json.dumps(FIXTURE[2:]), "no exercise has category")]:  # fmt: skip
        path.write_text(text)
        with pytest.raises(CatalogError, match=why) as info:
            import_free_exercise_db(path)
        assert str(path) in str(info.value)


def test_import_names_an_entry_missing_a_field(tmp_path):
    """An exercise without instructions is named by its position in the file."""
    broken = [dict(FIXTURE[0])]
    del broken[0]["instructions"]
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(CatalogError, match="exercise 1: missing field 'instructions'"):
        import_free_exercise_db(path)


@pytest.mark.skipif(not PEER_DB.exists(), reason=f"free-exercise-db copy not found at {PEER_DB}")
def test_import_real_free_exercise_db(stretches):
    """All 123 stretches of the real free-exercise-db import into our schema."""
    imported = import_free_exercise_db(PEER_DB)
    assert len(imported) == 123
    assert imported.dtypes.equals(stretches.dtypes)
    assert set(imported["body_area"]) <= set(BODY_AREAS)
    assert set(imported["position"]) <= set(POSITIONS)
    assert imported["dose_style"].eq("static hold").all()
    assert imported["body_area"].nunique() >= 6
    # "Hold for 20-30 seconds": a stated range starts at its lower end
    stated = imported.loc["fedb-chin-to-chest-stretch"]
    assert stated.hold_s == 20.0 and stated.body_area == "neck"
    # both kinds of dose appear: read from the text, and the defaults
    assert (imported["hold_s"] != 30.0).sum() > 20
    # the importer never collides with the built-in catalog
    assert not set(imported.index) & set(stretches.index)
