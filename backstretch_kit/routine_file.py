"""The routine file: a small, versioned JSON format, read with clear errors.

Routine files
-------------
``routine.save(path)`` writes a small JSON document::

    {
      "format": "backstretch-routine",
      "version": 1,
      "name": "Lower back",
      "notes": "",
      "timing": {"get_ready_s": 5.0, "switch_s": 5.0, "transition_s": 10.0},
      "items": [
        {"stretch_id": "knee-to-chest", "hold_s": 30.0, "reps": 2,
         "sides": "both together", "rest_s": 10.0}
      ]
    }

Keys are written in a fixed order and indented, so two versions of a routine
diff line by line. An item's ``note`` is written only when it is not empty.
When reading, ``notes``, ``timing`` and an item's dose fields may be left out
(the dose then comes from the catalog). Unknown fields are **refused** with a
:class:`RoutineError` naming them, on purpose: a misspelt ``"hold"`` for
``"hold_s"`` would otherwise be dropped and the catalog's dose used without a
word.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .routine import Routine, RoutineError
from .routine_item import DOSE_FIELDS
from .user_files import check_header, parse_json, read_text, refuse_unknown_fields

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FILE_FORMAT",
    "file_stem",
    "free_path_for",
    "FILE_VERSION",
    "load_routine",
    "read_routine_file",
    "ready_routines",
    "routine_from_dict",
    "routine_to_dict",
    "save_routine",
]

FILE_FORMAT = "backstretch-routine"
FILE_VERSION = 1

_ITEM_FIELDS = ("stretch_id", *DOSE_FIELDS, "note")
_TIMING_FIELDS = ("get_ready_s", "switch_s", "transition_s")
_FILE_FIELDS = ("format", "version", "name", "notes", "timing", "items")


def routine_to_dict(routine: Routine) -> dict[str, Any]:
    """Return a routine as the JSON document :func:`save_routine` writes."""
    return {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "name": routine.name,
        "notes": routine.notes,
        "timing": {
            "get_ready_s": routine.get_ready_s,
            "switch_s": routine.switch_s,
            "transition_s": routine.transition_s,
        },
        "items": [item.to_dict() for item in routine.items],
    }


def routine_from_dict(
    data: Mapping[str, Any],
    catalog: pd.DataFrame | None = None,
    *,
    source: str | Path | None = None,
) -> Routine:
    """Build a routine from a routine-file document (see the module docstring).

    ``source`` names the file in error messages.

    Raises
    ------
    RoutineError
        Naming the file, the item (number and stretch id) and the field,
        for a wrong format or version, an unknown field or stretch id, or
        a dose that is not a sensible positive number.
    """

    def error(message: str, field: str | None) -> RoutineError:
        return RoutineError(message, path=source, field=field)

    data = check_header(data, "routine", FILE_FORMAT, FILE_VERSION, _FILE_FIELDS, error)
    timing = data.get("timing", {})
    if not isinstance(timing, Mapping):
        raise RoutineError(f"must be an object, got {timing!r}", path=source, field="timing")
    refuse_unknown_fields(timing, _TIMING_FIELDS, "timing", error)
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise RoutineError(
            f"must be a list of stretches, got {raw_items!r}", path=source, field="items"
        )
    for key in ("name", "notes"):
        if key in data and not isinstance(data[key], str):
            raise RoutineError(f"must be text, got {data[key]!r}", path=source, field=key)
    try:
        routine = Routine(
            data.get("name", ""),
            (),
            notes=data.get("notes", ""),
            catalog=catalog,
            **{key: timing[key] for key in _TIMING_FIELDS if key in timing},
        )
    except RoutineError as error:
        raise error.located(path=source) from None
    for index, raw in enumerate(raw_items):
        _add_item(routine, raw, index, source)
    return routine


def save_routine(routine: Routine, path: str | Path) -> Path:
    """Write a routine as an indented JSON file (UTF-8) and return its path."""
    path = Path(path)
    text = json.dumps(routine_to_dict(routine), indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def read_routine_file(path: str | Path, catalog: pd.DataFrame | None = None) -> Routine:
    """Read a routine file written by :func:`save_routine` (or by hand).

    Raises
    ------
    RoutineError
        When the file is not UTF-8 JSON or not a valid routine; the message
        names the file, and the item and field where there is one.
    FileNotFoundError
        When there is no such file.
    """
    path = Path(path)

    def refuse(message: str) -> RoutineError:
        return RoutineError(message, path=path)

    data = parse_json(read_text(path, refuse, what="a routine file"), refuse)
    return routine_from_dict(data, catalog, source=path)


def _add_item(routine: Routine, raw: Any, index: int, source: str | Path | None) -> None:
    if not isinstance(raw, Mapping):
        raise RoutineError(f"must be a JSON object, got {raw!r}", path=source, item=index)
    stretch_id = raw.get("stretch_id")
    label = stretch_id if isinstance(stretch_id, str) else None
    refuse_unknown_fields(
        raw,
        _ITEM_FIELDS,
        "an item",
        lambda message, field: RoutineError(
            message, path=source, item=index, stretch_id=label, field=field
        ),
    )
    if label is None:
        raise RoutineError(
            f"must be a stretch id, got {stretch_id!r}", path=source, item=index, field="stretch_id"
        )
    dose = {key: raw[key] for key in (*DOSE_FIELDS, "note") if key in raw}
    try:
        routine.add(stretch_id, **dose)
    except RoutineError as error:
        raise error.located(path=source, item=index, stretch_id=stretch_id) from None


def load_routine(path: str | Path, catalog: pd.DataFrame | None = None) -> Routine:
    """Read a routine file, or a shipped routine by its name (see :func:`ready_routines`).

    Examples
    --------
    >>> load_routine("desk-break").total_seconds() < 300
    True
    """
    candidate = Path(path)
    if not candidate.exists() and isinstance(path, str):
        shipped = ready_routines()
        if path in shipped:
            candidate = shipped[path]
    return read_routine_file(candidate, catalog)


def ready_routines() -> dict[str, Path]:
    """Return the routines shipped with the package, short name -> file path.

    The short name is the file name without ``.json`` (such as
    ``"desk-break"``); :func:`load_routine` accepts it in place of a path.
    """
    from ._data import data_path

    folder = data_path("routines")
    return {path.stem: path for path in sorted(folder.glob("*.json"))}


# -- file names -----------------------------------------------------------------------
def file_stem(name: str) -> str:
    """A file name (no suffix) from a routine's name, keeping the letters of any script.

    Lower case, words joined by ``-``; letters and digits of every script are
    kept, so routines named in Arabic, Chinese or Hindi get names of their
    own. A name with no letter or digit at all gets a short, stable hash.

    Examples
    --------
    >>> file_stem("Evening, gentle"), file_stem("تمارين الظهر"), file_stem("पीठ के व्यायाम")
    ('evening-gentle', 'تمارين-الظهر', 'पीठ-के-व्यायाम')
    >>> file_stem("!!!")
    'routine-9a7b006d'
    """
    normal = unicodedata.normalize("NFKC", name).lower()
    # letters, marks and digits of every script stay (the marks carry the vowels of
    # Devanagari); everything else becomes "-"
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else "-" for c in normal)
    stem = re.sub(r"-+", "-", kept).strip("-")[:80].strip("-")
    if not stem:
        stem = "routine-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return stem


def free_path_for(routine: Routine, folder: Path) -> tuple[Path, bool]:
    """Where to save ``routine`` in ``folder`` without overwriting a different routine.

    Returns the path and whether it already holds this routine (same name), in
    which case saving updates it. A file holding another routine (or not a
    routine at all) is never the answer: ``-2``, ``-3``... are tried instead.
    """
    stem = file_stem(routine.name)
    for number in range(1, 1000):
        path = folder / (f"{stem}.json" if number == 1 else f"{stem}-{number}.json")
        if not path.exists():
            return path, False
        try:
            if read_routine_file(path, routine.catalog).name == routine.name:
                return path, True
        except RoutineError:
            pass  # a file we cannot read is not ours to replace
    raise RoutineError(f"{folder}: too many routines named like {routine.name!r}")
