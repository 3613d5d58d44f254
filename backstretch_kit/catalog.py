"""The stretch catalog: load it, check it, and choose stretches from it.

The catalog is a CSV file, one row per stretch. ``load_stretches()`` turns it
into a tidy pandas DataFrame indexed by ``stretch_id``, with the vocabularies
as ordered categoricals and the list-valued cells as Python lists. Every row
is checked before anything is returned: a bad catalog raises one
:class:`CatalogError` that lists each problem with its file, row, column and
value, and no half-loaded table ever escapes. Other exercise libraries are
imported into the same shape by :mod:`backstretch_kit.catalog_import`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._data import data_path
from .user_files import read_text
from .vocab import (
    BODY_AREAS,
    CAUTIONS,
    DOSE_STYLES,
    EQUIPMENT,
    LEVELS,
    MAX_HOLD_S,
    MOVEMENTS,
    POSITIONS,
    SIDES,
)

__all__ = [
    "COLUMNS",
    "NO_EQUIPMENT",
    "CatalogError",
    "filter_stretches",
    "load_stretches",
]

#: The catalog's columns, in file order.
COLUMNS: tuple[str, ...] = (
    "stretch_id",
    "name",
    "body_area",
    "secondary_areas",
    "position",
    "movement",
    "sides",
    "dose_style",
    "hold_s",
    "reps",
    "rest_s",
    "level",
    "equipment",
    "instructions",
    "cautions",
    "source",
)

MAX_REST_S = 600.0
MAX_REPS = 50

LIST_SEP = ";"
STEP_SEP = "|"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CATEGORIES: dict[str, tuple[str, ...]] = {
    "body_area": BODY_AREAS,
    "position": POSITIONS,
    "movement": MOVEMENTS,
    "sides": SIDES,
    "dose_style": DOSE_STYLES,
    "level": LEVELS,
}
_LIST_VOCABS: dict[str, tuple[str, ...]] = {
    "secondary_areas": BODY_AREAS,
    "equipment": EQUIPMENT,
    "cautions": CAUTIONS,
}
# Shown at most this many problems in one error, so a wholly wrong file stays readable.
_MAX_PROBLEMS = 20


class CatalogError(ValueError):
    """A stretch catalog that cannot be used; the message says where and why."""


def load_stretches(path: str | PathLike[str] | None = None) -> pd.DataFrame:
    """Load a stretch catalog as a tidy DataFrame.

    Parameters
    ----------
    path
        A catalog CSV of your own, with the same columns as the built-in one.
        ``None`` (the default) loads the catalog that ships with backstretch-kit.

    Returns
    -------
    pandas.DataFrame
        One row per stretch, indexed by ``stretch_id``. ``body_area``,
        ``position``, ``movement``, ``sides``, ``dose_style`` and ``level`` are
        ordered categoricals; ``secondary_areas``, ``equipment``,
        ``instructions`` and ``cautions`` hold lists; ``hold_s`` and ``rest_s``
        are seconds (float) and ``reps`` whole repetitions (per side for an
        each-side stretch). ``dose_style`` says whether ``hold_s`` x ``reps`` is
        a static hold or a repeated movement (see ``vocab.DOSE_STYLES``).

    Raises
    ------
    CatalogError
        If the file is missing, empty, not UTF-8, or any row breaks a rule.
        The message names the file, the row as a spreadsheet numbers it
        (the header is row 1), the column and the bad value.

    Examples
    --------
    >>> from backstretch_kit import load_stretches
    >>> stretches = load_stretches()
    >>> knee = stretches.loc["knee-to-chest"]
    >>> float(knee["hold_s"]), int(knee["reps"])
    (15.0, 10)
    >>> stretches.groupby("body_area", observed=False).size().index[0]
    'neck'
    """
    file = Path(path) if path is not None else data_path("stretches.csv")
    text = read_text(file, lambda message: CatalogError(f"{file}: {message}"), what="a catalog")
    if not text.strip():
        raise CatalogError(f"{file}: the file is empty; a catalog needs a header and rows")

    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(repr(c) for c in unknown)}")
        raise CatalogError(f"{file}, row 1 (header): {'; '.join(parts)}")
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if None in row:  # more cells than the header has columns
                raise CatalogError(
                    f"{file}, row {len(rows) + 2}: {len(header) + len(row[None])} cells "
                    f"but the header has {len(header)} columns"
                )
            rows.append(row)
    except csv.Error as exc:  # a cell over the csv module's limit, a stray NUL byte
        raise CatalogError(f"{file}, row {len(rows) + 2}: cannot be read as CSV ({exc})") from None
    return rows_to_frame(rows, origin=str(file))


def rows_to_frame(rows: Iterable[Mapping[str, str | None]], origin: str) -> pd.DataFrame:
    """Check raw text rows (as in the CSV) and build the catalog DataFrame.

    Shared by the CSV loader and the importers, so both obey the same rules.
    Row numbers in messages count the header as row 1.
    """
    problems: list[str] = []
    records: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        record, row_problems = _parse_row(row, number, origin)
        stretch_id = record.get("stretch_id")
        if isinstance(stretch_id, str) and stretch_id:
            if stretch_id in seen:
                row_problems.append(
                    f"{origin}, row {number}, column stretch_id: duplicate id {stretch_id!r} "
                    f"(first used on row {seen[stretch_id]})"
                )
            else:
                seen[stretch_id] = number
        problems.extend(row_problems)
        records.append(record)
    if not records:
        raise CatalogError(f"{origin}: the catalog has a header but no stretches")
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        noun = "problem" if len(problems) == 1 else "problems"
        raise CatalogError(
            f"{len(problems)} {noun} in the catalog {origin}:\n  " + "\n  ".join(shown) + tail
        )

    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS)).set_index("stretch_id")
    for column, vocabulary in _CATEGORIES.items():
        frame[column] = pd.Categorical(frame[column], categories=vocabulary, ordered=True)
    frame["hold_s"] = frame["hold_s"].astype("float64")
    frame["rest_s"] = frame["rest_s"].astype("float64")
    frame["reps"] = frame["reps"].astype("int64")
    return frame


def _parse_row(
    row: Mapping[str, str | None], number: int, origin: str
) -> tuple[dict[str, object], list[str]]:
    problems: list[str] = []

    def bad(column: str, value: object, why: str) -> None:
        shown = repr(value)
        if len(shown) > 60:  # a whole essay pasted into a cell need not fill the message
            shown = shown[:57] + "..."
        problems.append(f"{origin}, row {number}, column {column}: {shown} {why}")

    cell = {column: (row.get(column) or "").strip() for column in COLUMNS}
    record: dict[str, object] = {}

    stretch_id = cell["stretch_id"]
    if not _SLUG.match(stretch_id):
        bad("stretch_id", stretch_id, "is not a slug (lower-case letters, digits and dashes)")
    record["stretch_id"] = stretch_id

    if not cell["name"]:
        bad("name", cell["name"], "is empty; every stretch needs a name")
    record["name"] = cell["name"]

    for column, vocabulary in _CATEGORIES.items():
        if cell[column] not in vocabulary:
            bad(column, cell[column], f"is not one of: {', '.join(vocabulary)}")
        record[column] = cell[column]

    for column, vocabulary in _LIST_VOCABS.items():
        items = _split(cell[column], LIST_SEP)
        for item in items:
            if item not in vocabulary:
                bad(column, item, f"is not one of: {', '.join(vocabulary)}")
        record[column] = items
    secondary = record["secondary_areas"]
    if isinstance(secondary, list) and cell["body_area"] in secondary:
        bad("secondary_areas", cell["body_area"], "repeats the main body_area")

    record["hold_s"] = _number(cell["hold_s"], "hold_s", bad, low=0.0, high=MAX_HOLD_S)
    record["rest_s"] = _number(
        cell["rest_s"], "rest_s", bad, low=0.0, high=MAX_REST_S, allow_zero=True
    )
    reps = _number(cell["reps"], "reps", bad, low=0.0, high=float(MAX_REPS))
    if reps is not None and not float(reps).is_integer():
        bad("reps", cell["reps"], "is not a whole number of repetitions")
    record["reps"] = int(reps) if reps is not None else 0

    steps = _split(cell["instructions"], STEP_SEP)
    if not steps:
        bad("instructions", cell["instructions"], "is empty; give at least one step")
    record["instructions"] = steps
    record["source"] = cell["source"]
    return record, problems


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def _number(
    text: str,
    column: str,
    bad: Callable[[str, object, str], None],
    *,
    low: float,
    high: float,
    allow_zero: bool = False,
) -> float | None:
    """Parse a positive number of seconds or reps, reporting what is wrong with it."""
    try:
        value = float(text)
    except ValueError:
        bad(column, text, "is not a number")
        return None
    if math.isnan(value) or math.isinf(value):
        bad(column, text, "is not a number")
        return None
    if value < low or (value == low and not allow_zero):
        bad(column, text, "must be more than zero" if not allow_zero else "must not be negative")
        return None
    if value > high:
        bad(column, text, f"is absurdly large (the limit is {high:g})")
        return None
    return value


# -- choosing stretches ------------------------------------------------------------------

#: The equipment filter's choice for stretches that need nothing at all.
NO_EQUIPMENT = "none needed"


def filter_stretches(
    catalog: pd.DataFrame,
    *,
    area: str | None = None,
    position: str | None = None,
    level: str | None = None,
    equipment: str | None = None,
    hidden_cautions: Iterable[str] = (),
) -> pd.DataFrame:
    """Return the catalog rows that pass every filter, in catalog order.

    Parameters
    ----------
    catalog : DataFrame
        In the shape of :func:`backstretch_kit.load_stretches`.
    area : str, optional
        A body area; a stretch matches when it is its main area or one of its
        secondary areas.
    position, level : str, optional
        Exact matches; ``None`` lets everything through.
    equipment : str, optional
        A piece of equipment the stretch uses, or :data:`NO_EQUIPMENT` for
        stretches that need none.
    hidden_cautions : iterable of str
        Caution tags to hide: a stretch carrying any of them is left out.
    """
    keep = np.ones(len(catalog), dtype=bool)
    if area is not None:
        keep &= (catalog["body_area"].astype(str) == area).to_numpy() | catalog[
            "secondary_areas"
        ].map(lambda areas: area in areas).to_numpy(dtype=bool)
    if position is not None:
        keep &= (catalog["position"].astype(str) == position).to_numpy()
    if level is not None:
        keep &= (catalog["level"].astype(str) == level).to_numpy()
    if equipment == NO_EQUIPMENT:
        keep &= catalog["equipment"].map(lambda kit: not kit).to_numpy(dtype=bool)
    elif equipment is not None:
        keep &= catalog["equipment"].map(lambda kit: equipment in kit).to_numpy(dtype=bool)
    hidden = frozenset(hidden_cautions)
    if hidden:
        keep &= (
            catalog["cautions"].map(lambda tags: not hidden.intersection(tags)).to_numpy(dtype=bool)
        )
    return catalog[keep]


def __getattr__(name: str) -> Any:
    # The importer moved to catalog_import; old imports from here keep working.
    if name == "import_free_exercise_db":
        from .catalog_import import import_free_exercise_db

        return import_free_exercise_db
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
