"""Reading ``data/poses.csv`` as a whole: its columns, both phases of each stretch, a cache.

Each row is checked by :func:`~backstretch_kit.poses._parse.parse_row`; here the
file is read as text, a stretch is held to have both phases seen the same way,
and the result is kept until the file (or the catalog it is checked against)
changes on disk, so the widgets can ask for pictures again and again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._data import data_path
from ._parse import ARROW_DEFAULTS, PHASES, Arrow, Pose, PoseError, Row, parse_row
from ._skeleton import ANGLE_COLUMNS

__all__ = ["PoseTable", "default_catalog", "load_poses", "pose_table"]

TEXT_COLUMNS = ("stretch_id", "phase", "view", "rest_on", "props", "side_drawn", "arrow")
OPTIONAL_COLUMNS = ("tint", "scale")
#: Angle columns added after the first pose files: a file without them reads them as 0.
OPTIONAL_ANGLE_COLUMNS = ("nod",)
#: The columns of :func:`load_poses`, in order.
COLUMNS = ("stretch_id", "phase", "view", *ANGLE_COLUMNS, *TEXT_COLUMNS[3:], "tint", "scale")


@dataclass(frozen=True, eq=False)
class PoseTable:
    """A checked pose file: the tidy frame :func:`load_poses` returns, and each pose."""

    frame: pd.DataFrame
    poses: dict[tuple[str, str], Pose]

    def __contains__(self, stretch_id: object) -> bool:
        return (stretch_id, "start") in self.poses  # every posed stretch has both phases

    def pose(self, stretch_id: str, phase: str) -> Pose:
        """Return one stretch's pose in one phase, or raise a :class:`PoseError` saying why."""
        if phase not in PHASES:
            raise PoseError(f"phase {phase!r} is not one of {', '.join(PHASES)}")
        try:
            return self.poses[(stretch_id, phase)]
        except KeyError:
            raise PoseError(f"stretch {stretch_id!r} has no pose in the pose data") from None


def load_poses(
    path: str | Path | None = None, stretches: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read and check the pose data: one row per stretch and phase.

    Parameters
    ----------
    path : str or Path, optional
        A poses CSV; the shipped ``data/poses.csv`` by default.
    stretches : DataFrame, optional
        The catalog to check stretch ids against (index ``stretch_id``, columns
        ``body_area`` and ``sides``); :func:`backstretch_kit.load_stretches` by default.

    Returns
    -------
    DataFrame
        Columns ``stretch_id``, ``phase`` (ordered categorical), ``view``, one
        float column per angle, ``rest_on``, ``props``, ``side_drawn``,
        ``arrow``, ``tint`` and ``scale``.

    Raises
    ------
    PoseError
        Naming the file, the row (as a spreadsheet numbers it: the header is
        row 1), the stretch and the column or joint, for a malformed cell, an
        unknown stretch, a missing phase, a joint past its range or a body part
        below the floor.
    """
    return pose_table(path, stretches).frame.copy()


def pose_table(path: str | Path | None = None, stretches: pd.DataFrame | None = None) -> PoseTable:
    """Read and check a pose file, as :func:`load_poses`, keeping each posed body.

    The shipped file checked against the shipped catalog is read once and kept
    until either file changes on disk.
    """
    target = Path(path) if path is not None else data_path("poses.csv")
    if stretches is not None:
        return _check_file(target, stretches)
    try:
        mtime = target.stat().st_mtime_ns
    except OSError as exc:  # the same error whether or not a catalog was passed
        raise PoseError(f"{target}: cannot read the pose data: {exc}") from exc
    return _cached(str(target), mtime, *_catalog_key())


def default_catalog() -> pd.DataFrame:
    """The shipped catalog, read once and kept until its file changes."""
    return _default_catalog_cached(_catalog_key())


def _catalog_key() -> tuple[str, int]:
    catalog = data_path("stretches.csv")
    return str(catalog), catalog.stat().st_mtime_ns


@functools.lru_cache(maxsize=8)
def _cached(path: str, _mtime: int, _catalog: str, _catalog_mtime: int) -> PoseTable:
    # the modification times are only part of the key: a changed file is read anew
    return _check_file(Path(path), default_catalog())


@functools.lru_cache(maxsize=1)
def _default_catalog_cached(_key: tuple[str, int]) -> pd.DataFrame:
    from ..catalog import load_stretches

    return load_stretches()


def _check_file(path: Path, stretches: pd.DataFrame) -> PoseTable:
    poses: dict[tuple[str, str], Pose] = {}
    for row, cells in _rows(path):
        pose = parse_row(Row(path, row, cells), stretches)
        key = (pose.stretch_id, pose.phase)
        if key in poses:
            raise PoseError(
                f"{path}, row {row}, stretch {pose.stretch_id!r}: "
                f"phase {pose.phase!r} appears twice"
            )
        poses[key] = pose
    _check_pairs(path, poses)
    return PoseTable(_frame(poses), poses)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as stripped text cells, numbered as a spreadsheet numbers them."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise PoseError(f"{path}: cannot read the pose data: {exc}") from exc
    required = [c for c in ANGLE_COLUMNS if c not in OPTIONAL_ANGLE_COLUMNS]
    missing = [c for c in (*TEXT_COLUMNS, *required) if c not in raw.columns]
    if missing:
        raise PoseError(f"{path}: missing column(s) {', '.join(missing)}")
    for col in (*OPTIONAL_COLUMNS, *OPTIONAL_ANGLE_COLUMNS):
        if col not in raw.columns:
            raw[col] = ""
    records = raw.to_dict("records")
    return [(i + 2, {k: str(v).strip() for k, v in rec.items()}) for i, rec in enumerate(records)]


def _check_pairs(path: Path, poses: dict[tuple[str, str], Pose]) -> None:
    """Every posed stretch has both phases, seen the same way and of the same side."""
    for sid in sorted({k[0] for k in poses}):
        for phase in PHASES:
            if (sid, phase) not in poses:
                raise PoseError(
                    f"{path}, stretch {sid!r}: column 'phase' has no {phase!r} row "
                    f"(every stretch needs both {' and '.join(PHASES)})"
                )
        start, stretch = poses[(sid, "start")], poses[(sid, "stretch")]
        if start.view != stretch.view or start.side_drawn != stretch.side_drawn:
            raise PoseError(
                f"{path}, stretch {sid!r}: columns 'view' and 'side_drawn' must be the same "
                "in both phases"
            )


def _frame(poses: dict[tuple[str, str], Pose]) -> pd.DataFrame:
    """The checked poses as :func:`load_poses` shows them, each cell written as in a file."""
    rows = [
        {
            "stretch_id": p.stretch_id,
            "phase": p.phase,
            "view": p.view,
            **p.angles,
            "rest_on": p.rest_on,
            "props": ";".join(k if not a else f"{k}:{'+'.join(a)}" for k, a in p.props),
            "side_drawn": p.side_drawn,
            "arrow": _arrow_text(p.arrow),
            "tint": ";".join(p.tint),
            "scale": ";".join(f"{k}={v:g}" for k, v in p.scale.items()),
        }
        for p in poses.values()
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["phase"] = pd.Categorical(frame["phase"], categories=PHASES, ordered=True)
    return frame.sort_values(["stretch_id", "phase"]).reset_index(drop=True)


def _arrow_text(arrow: Arrow | None) -> str:
    if arrow is None:
        return ""
    point, *numbers = arrow
    if numbers[2] == ARROW_DEFAULTS[2]:
        numbers = numbers[:2]  # the usual stand-off goes unsaid, as in the file
    return " ".join([point, *(f"{v:g}" for v in numbers)])
