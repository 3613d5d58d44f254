"""Other exercise libraries brought into the catalog's shape.

Today: the public-domain free-exercise-db (github.com/yuhonas/free-exercise-db).
Its stretching entries become rows like ``data/stretches.csv``'s and go through
the same checks as the shipped catalog, so an import is as trustworthy as a
load.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import pandas as pd

from .catalog import LIST_SEP, MAX_REPS, STEP_SEP, CatalogError, rows_to_frame
from .user_files import parse_json, read_text

__all__ = ["import_free_exercise_db"]


# Its muscle names onto our body areas. Arms go with the shoulders they hang from,
# quadriceps with the hip flexors (rectus femoris crosses the hip), calves with the
# back of the leg, abdominals with the lower back (they open up when the spine arches).
_MUSCLE_AREAS: dict[str, str] = {
    "neck": "neck",
    "traps": "upper back",
    "chest": "chest and shoulders",
    "shoulders": "chest and shoulders",
    "biceps": "chest and shoulders",
    "triceps": "chest and shoulders",
    "forearms": "chest and shoulders",
    "lats": "mid back",
    "middle back": "mid back",
    "lower back": "lower back",
    "abdominals": "lower back",
    "glutes": "hips and glutes",
    "abductors": "hips and glutes",
    "adductors": "hips and glutes",
    "quadriceps": "hip flexors",
    "hamstrings": "hamstrings",
    "calves": "hamstrings",
}
_LEVELS = {"beginner": "beginner", "intermediate": "intermediate", "expert": "advanced"}
_EQUIPMENT = {"foam roll": "foam roller", "bands": "strap"}
# First match wins, so the more specific wording comes first.
_POSITION_WORDS: tuple[tuple[str, str], ...] = (
    ("all fours", "all fours"),
    ("hands and knees", "all fours"),
    ("kneel", "kneeling"),
    ("lie ", "lying"),
    ("lying", "lying"),
    ("on your back", "lying"),
    ("seated", "seated"),
    ("sit ", "seated"),
    ("sitting", "seated"),
    ("chair", "seated"),
    ("stand", "standing"),
)
_MOVEMENT_WORDS: tuple[tuple[str, str], ...] = (
    ("twist", "rotation"),
    ("rotat", "rotation"),
    ("side bend", "side bend"),
    ("lean to the side", "side bend"),
    ("bend forward", "flexion"),
    ("toe touch", "flexion"),
    ("round your back", "flexion"),
    ("knees to your chest", "flexion"),
    ("arch", "extension"),
    ("lean back", "extension"),
)
_EACH_SIDE_WORDS = (
    "other side",
    "other leg",
    "other arm",
    "switch sides",
    "each side",
    "repeat on",
)
_HOLD = re.compile(r"(\d+(?:\.\d+)?)\s*(?:-|to)?\s*(?:\d+(?:\.\d+)?)?\s*(?:seconds|secs?)\b", re.I)
_REPS = re.compile(r"(\d+)\s*(?:-|to)?\s*(?:\d+)?\s*(?:repetitions|reps|times)\b", re.I)
DEFAULT_HOLD_S = 30.0
DEFAULT_REPS = 2
DEFAULT_REST_S = 10.0


def import_free_exercise_db(path: str | PathLike[str]) -> pd.DataFrame:
    """Import the stretches of a free-exercise-db ``exercises.json`` into our schema.

    Only entries whose ``category`` is ``"stretching"`` are taken. Muscles are
    mapped onto the body-area vocabulary; position, spine movement and sides
    are read from the words of the name and instructions; the hold and the
    repetitions come from the instructions where they state them ("hold for
    20 seconds", "10 repetitions"), else the defaults of 30 s and 2 reps.
    Every imported stretch is a ``"static hold"``: the library describes
    stretches held still, and a repeated movement is a judgement its text does
    not let us make.

    Parameters
    ----------
    path
        The ``exercises.json`` of free-exercise-db (public domain).

    Returns
    -------
    pandas.DataFrame
        The same columns and dtypes as :func:`load_stretches`, ids prefixed
        with ``fedb-`` so they never collide with the built-in catalog.

    Raises
    ------
    CatalogError
        If the file is not JSON, not a list of exercises, an exercise lacks
        a field, or the result breaks a catalog rule.
    """
    file = Path(path)

    def refuse(message: str) -> CatalogError:
        return CatalogError(f"{file}: {message}")

    entries = parse_json(read_text(file, refuse, what="an exercise list"), refuse)
    if not isinstance(entries, list):
        kind = type(entries).__name__
        raise CatalogError(f"{file}: expected a JSON list of exercises, got a {kind}")

    rows = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise CatalogError(f"{file}, exercise {number}: not a JSON object")
        if entry.get("category") != "stretching":
            continue
        rows.append(_row_from_exercise(entry, number, file))
    if not rows:
        raise CatalogError(f"{file}: no exercise has category 'stretching'")
    return rows_to_frame(rows, origin=f"{file} (imported)")


_FIELD_KINDS = {
    "id": "text",
    "name": "text",
    "level": "text",
    "primaryMuscles": "list",
    "secondaryMuscles": "list",
    "equipment": "text",
    "instructions": "list",
}


def _row_from_exercise(entry: dict, number: int, file: Path) -> dict[str, str]:
    for field in ("id", "name", "primaryMuscles", "instructions"):
        if field not in entry:
            raise CatalogError(f"{file}, exercise {number}: missing field {field!r}")
    # the library's own types; anything else is a damaged or different file
    for field, kind in _FIELD_KINDS.items():
        value = entry.get(field)
        if value is None and field not in ("id", "name"):
            continue
        fits = (
            isinstance(value, str)
            if kind == "text"
            else (isinstance(value, list) and all(isinstance(v, str) for v in value))
        )
        if not fits:
            raise CatalogError(
                f"{file}, exercise {number}, field {field}: must be "
                f"{'text' if kind == 'text' else 'a list of text'}, got {value!r:.80}"
            )
    muscles = [*(entry.get("primaryMuscles") or []), *(entry.get("secondaryMuscles") or [])]
    areas = list(dict.fromkeys(_MUSCLE_AREAS[m] for m in muscles if m in _MUSCLE_AREAS))
    if not areas:
        raise CatalogError(
            f"{file}, exercise {number} ({entry['id']}), field primaryMuscles: "
            f"{entry['primaryMuscles']!r} maps onto no body area"
        )
    steps = [str(step).replace(STEP_SEP, "/").strip() for step in entry["instructions"]]
    text = " ".join([str(entry["name"]), *steps]).lower()
    hold = _HOLD.search(text)
    reps = _REPS.search(text)
    movement = _first_match(text, _MOVEMENT_WORDS, "neutral")
    equipment = _EQUIPMENT.get(entry.get("equipment") or "")
    cautions = ["flexion"] if movement == "flexion" else []
    slug = re.sub(r"[^a-z0-9]+", "-", str(entry["id"]).lower()).strip("-")
    return {
        "stretch_id": f"fedb-{slug}",
        "name": str(entry["name"]),
        "body_area": areas[0],
        "secondary_areas": LIST_SEP.join(areas[1:]),
        "position": _first_match(text, _POSITION_WORDS, "standing"),
        "movement": movement,
        "sides": "each side" if any(w in text for w in _EACH_SIDE_WORDS) else "both together",
        "dose_style": "static hold",
        "hold_s": hold.group(1) if hold else str(DEFAULT_HOLD_S),
        "reps": str(min(int(reps.group(1)), MAX_REPS)) if reps else str(DEFAULT_REPS),
        "rest_s": str(DEFAULT_REST_S),
        "level": _LEVELS.get(entry.get("level") or "", "beginner"),
        "equipment": equipment or "",
        "instructions": f" {STEP_SEP} ".join(steps),
        "cautions": LIST_SEP.join(cautions),
        "source": f"free-exercise-db (public domain), exercise {entry['id']}",
    }


def _first_match(text: str, words: tuple[tuple[str, str], ...], default: str) -> str:
    for word, value in words:
        if word in text:
            return value
    return default
