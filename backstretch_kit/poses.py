"""Stick-figure pictograms of the stretches, drawn from joint angles.

The poses live in ``data/poses.csv``, next to the catalog: one row per stretch
and phase (``start`` and ``stretch``). Each row gives the view, the joint
angles (see :mod:`backstretch_kit._figure` for what each angle means), the
body point resting on the floor, the props, the side drawn and the arrow that
shows the movement. A physiotherapist who adds a stretch to the catalog adds
two rows here and gets its picture.

The pose file
-------------
``stretch_id``, ``phase``
    A catalog id, and ``start`` or ``stretch``; every posed stretch has both.
``view``
    ``side`` (the default for most), ``front`` (side bends, the butterfly, an arm
    across the chest), ``above`` (lying on the back, seen from the ceiling) or
    ``above-side`` (lying on one side, seen from the ceiling).
angle columns
    Degrees; a blank cell is 0. Joint ranges are checked: a knee or elbow bent
    backwards, or a neck past its range, is refused. ``nod`` (the chin dropping
    toward the viewer, front and above views only) may be left out of a file.
``rest_on``
    The body point that rests on the floor (or on the bed, if there is one);
    no other part may go through the floor.
``props``
    ``;``-separated, each ``kind`` or ``kind:point[+point]``, for instance
    ``chair``, ``step:near_ankle`` or ``strap:near_toe+near_hand``. A chair with
    a second point, ``chair:hip+far_hand``, is seen from its side with its back
    rest at that point: someone sitting sideways on it, holding the back.
``side_drawn``
    ``left`` or ``right`` for a stretch done on each side, else blank.
``arrow``
    On the stretch row: ``point [bend [shift [off]]]``, the body point whose move
    from the start pose the arrow shows, how much the arrow curves, how far it
    slides along its own direction and how far it stands off the body (0.07 by
    default; negative puts it on the other side of the point).
``tint``, ``scale`` (optional)
    Segments to tint in the area colour (default: by the catalog's body area),
    ``segment:back`` for only the half behind it (side views: ``neck:back`` is the
    nape, not the throat), and ``part=factor`` length factors for limbs pointing
    out of the picture.

Examples
--------
>>> from backstretch_kit.poses import draw_stretch, load_poses
>>> poses = load_poses()
>>> sorted(poses["phase"].unique())
['start', 'stretch']
>>> fig = draw_stretch("knee-to-chest")
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _figure as fg
from ._data import data_path
from ._pictogram import NEAR_COLOUR, draw_pose
from .vocab import AREA_COLOURS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "PHASES",
    "PoseError",
    "contact_sheet",
    "draw_stretch",
    "load_poses",
    "save_contact_sheet",
    "save_stretch_picture",
    "to_svg",
]

PHASES: tuple[str, ...] = ("start", "stretch")
#: An arrow's bend, shift and stand-off when the ``arrow`` cell leaves them out.
ARROW_DEFAULTS = (0.25, 0.0, 0.07)
TEXT_COLUMNS = ("stretch_id", "phase", "view", "rest_on", "props", "side_drawn", "arrow")
OPTIONAL_COLUMNS = ("tint", "scale")
#: Angle columns added after the first pose files: a file without them reads them as 0.
OPTIONAL_ANGLE_COLUMNS = ("nod",)
#: ``segment:part`` in the tint column tints only that part of a segment (side views).
TINT_PARTS = ("back",)

#: Segments tinted for each body area when a row names none.
DEFAULT_TINT: dict[str, tuple[str, ...]] = {
    "neck": ("neck",),
    "chest and shoulders": ("upper", "near_upper_arm"),
    "upper back": ("upper", "mid"),
    "mid back": ("mid",),
    "lower back": ("lower",),
    "hips and glutes": ("near_thigh",),
    "hip flexors": ("near_thigh",),
    "hamstrings": ("near_thigh",),
}

#: Plain names for the floor check messages.
SEGMENT_WORDS: dict[str, str] = {
    "lower": "lower trunk",
    "mid": "mid trunk",
    "upper": "upper trunk",
    "shoulders": "shoulders",
    "hips": "hips",
}

FLOOR_TOLERANCE = 0.012  # body heights: resting flesh may touch, not sink


class PoseError(ValueError):
    """The pose data is malformed, names an unknown stretch, or asks a body for the impossible."""


@dataclass(frozen=True)
class _Pose:
    stretch_id: str
    phase: str
    view: str
    angles: dict[str, float]
    rest_on: str
    props: tuple[tuple[str, tuple[str, ...]], ...]
    side_drawn: str
    arrow: tuple[str, float, float, float] | None
    tint: tuple[str, ...]
    scale: dict[str, float]
    body: fg.Body
    placed: tuple[fg.Prop, ...]


# ---------------------------------------------------------------- loading


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
    frame, _ = _load(Path(path) if path is not None else data_path("poses.csv"), stretches)
    return frame.copy()


def _load(path: Path, stretches: pd.DataFrame | None) -> tuple[pd.DataFrame, dict]:
    if stretches is not None:
        return _parse(path, stretches)
    return _cached(str(path), path.stat().st_mtime_ns, *_catalog_key())


def _catalog_key() -> tuple[str, int]:
    catalog = data_path("stretches.csv")
    return str(catalog), catalog.stat().st_mtime_ns


@functools.lru_cache(maxsize=8)
def _cached(
    path: str, _mtime: int, _catalog: str, _catalog_mtime: int
) -> tuple[pd.DataFrame, dict]:
    return _parse(Path(path), _default_catalog())


@functools.lru_cache(maxsize=1)
def _default_catalog_cached(_key: tuple[str, int]) -> pd.DataFrame:
    from .catalog import load_stretches

    return load_stretches()


def _default_catalog() -> pd.DataFrame:
    return _default_catalog_cached(_catalog_key())


def _parse(
    path: Path, stretches: pd.DataFrame
) -> tuple[pd.DataFrame, dict[tuple[str, str], _Pose]]:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise PoseError(f"{path}: cannot read the pose data: {exc}") from exc
    required = [c for c in fg.ANGLE_COLUMNS if c not in OPTIONAL_ANGLE_COLUMNS]
    missing = [c for c in (*TEXT_COLUMNS, *required) if c not in raw.columns]
    if missing:
        raise PoseError(f"{path}: missing column(s) {', '.join(missing)}")
    for col in (*OPTIONAL_COLUMNS, *OPTIONAL_ANGLE_COLUMNS):
        if col not in raw.columns:
            raw[col] = ""
    poses: dict[tuple[str, str], _Pose] = {}
    for i, rec in enumerate(raw.to_dict("records")):
        pose = _parse_row(path, i + 2, {k: str(v).strip() for k, v in rec.items()}, stretches)
        key = (pose.stretch_id, pose.phase)
        if key in poses:
            raise PoseError(
                f"{path}, row {i + 2}, stretch {pose.stretch_id!r}: "
                f"phase {pose.phase!r} appears twice"
            )
        poses[key] = pose
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
    rows = []
    for (sid, phase), p in poses.items():
        rows.append(
            {
                "stretch_id": sid,
                "phase": phase,
                "view": p.view,
                **p.angles,
                "rest_on": p.rest_on,
                "props": ";".join(k if not a else f"{k}:{'+'.join(a)}" for k, a in p.props),
                "side_drawn": p.side_drawn,
                "arrow": _arrow_text(p.arrow),
                "tint": ";".join(p.tint),
                "scale": ";".join(f"{k}={v:g}" for k, v in p.scale.items()),
            }
        )
    columns = [
        "stretch_id",
        "phase",
        "view",
        *fg.ANGLE_COLUMNS,
        "rest_on",
        "props",
        "side_drawn",
        "arrow",
        "tint",
        "scale",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["phase"] = pd.Categorical(frame["phase"], categories=PHASES, ordered=True)
    frame = frame.sort_values(["stretch_id", "phase"]).reset_index(drop=True)
    return frame, poses


def _parse_row(path: Path, row: int, rec: dict[str, str], stretches: pd.DataFrame) -> _Pose:
    sid = rec["stretch_id"]

    def fail(column: str, why: str) -> PoseError:
        return PoseError(f"{path}, row {row}, stretch {sid!r}, column {column!r}: {why}")

    if sid not in stretches.index:
        raise fail("stretch_id", "not a stretch in the catalog")
    phase = rec["phase"]
    if phase not in PHASES:
        raise fail("phase", f"{phase!r} is not one of {', '.join(PHASES)}")
    view = rec["view"]
    if view not in fg.VIEWS:
        raise fail("view", f"{view!r} is not one of {', '.join(fg.VIEWS)}")

    angles: dict[str, float] = {}
    for col in fg.ANGLE_COLUMNS:
        text = rec[col]
        try:
            value = float(text) if text else 0.0  # a blank angle is the neutral 0
        except ValueError:
            raise fail(col, f"{text!r} is not a number of degrees") from None
        if not math.isfinite(value):
            raise fail(col, f"{text!r} is not a number of degrees")
        angles[col] = value
    for col in ("head_turn", "twist"):
        if view in fg.SIDE_VIEWS and angles[col]:
            raise fail(col, "a turn toward the viewer is drawn only in the front and above views")
    if view in fg.SIDE_VIEWS and angles["nod"]:
        raise fail(
            "nod",
            "in the side views the chin goes down with 'neck' and 'head'; 'nod' is "
            "for the front and above views",
        )
    scale = _parse_scale(rec["scale"], fail)
    for col, (low, high, views) in fg.LIMITS.items():
        side, _, joint = col.partition("_")
        parts = fg.LIMIT_PARTS.get(joint, ())
        if any(scale.get(f"{side}_{p}", scale.get(p, 1.0)) < fg.FORESHORTENED for p in parts):
            continue  # a limb pointing out of the picture: its angles are projections
        if view in views and not low <= angles[col] <= high:
            raise fail(
                col,
                f"{angles[col]:g} degrees is outside what a body can do "
                f"({low:g} to {high:g}) in phase {phase!r}",
            )

    rest_on = rec["rest_on"]
    if rest_on not in fg.POINT_NAMES:
        raise fail("rest_on", f"{rest_on!r} is not a body point ({', '.join(fg.POINT_NAMES)})")

    side = rec["side_drawn"]
    sides = stretches.loc[sid, "sides"] if "sides" in stretches.columns else None
    if side not in ("", "left", "right"):
        raise fail("side_drawn", f"{side!r} is not left, right or blank")
    if sides == "each side" and not side:
        raise fail("side_drawn", "an each-side stretch must say which side is drawn")
    if sides == "both together" and side:
        raise fail("side_drawn", "a both-sides-together stretch has no side to draw")

    props = []
    for item in filter(None, (p.strip() for p in rec["props"].split(";"))):
        kind, _, anchor_text = item.partition(":")
        kind = kind.strip()
        if kind not in fg.PROPS:
            raise fail("props", f"{kind!r} is not one of {', '.join(fg.PROPS)}")
        anchors = tuple(a.strip() for a in anchor_text.split("+") if a.strip())
        for a in anchors:
            if a not in fg.POINT_NAMES:
                raise fail("props", f"{a!r} (in {item!r}) is not a body point")
        props.append((kind, anchors))

    arrow = None
    if rec["arrow"]:
        # "point [bend [shift [off]]]": the body point that moves, how much the arrow curves,
        # how far to slide it along its own direction (to clear a body part it would cross),
        # and how far to stand it off the body (negative: to the other side of the point)
        parts = rec["arrow"].split()
        if parts[0] not in fg.POINT_NAMES or len(parts) > 4:
            raise fail("arrow", f"{rec['arrow']!r} is not 'point [bend [shift [off]]]'")
        try:
            numbers = [float(x) for x in parts[1:]] + list(ARROW_DEFAULTS[len(parts) - 1 :])
        except ValueError:
            numbers = [math.nan]
        if not all(math.isfinite(n) for n in numbers):
            raise fail("arrow", f"{rec['arrow']!r}: bend, shift and off must be numbers")
        if abs(numbers[2]) > 0.3:
            raise fail("arrow", f"{rec['arrow']!r}: off {numbers[2]:g} is not from -0.3 to 0.3")
        arrow = (parts[0], numbers[0], numbers[1], numbers[2])
    elif phase == "stretch":
        raise fail("arrow", "the stretch phase needs an arrow showing the movement")

    segment_names = _segment_names()
    tint = tuple(t.strip() for t in rec["tint"].split(";") if t.strip())
    for t in tint:
        name, _, part = t.partition(":")
        if name not in segment_names:
            raise fail("tint", f"{t!r} is not a segment ({', '.join(sorted(segment_names))})")
        if part and part not in TINT_PARTS:
            raise fail("tint", f"{t!r}: the part after ':' can only be {', '.join(TINT_PARTS)}")
        if part and view not in fg.SIDE_VIEWS:
            raise fail("tint", f"{t!r}: the back of a segment is tinted only in the side views")
    if not tint:
        area = stretches.loc[sid, "body_area"] if "body_area" in stretches.columns else None
        tint = DEFAULT_TINT.get(str(area), ())

    body = fg.pose_body(view, angles, scale)
    # the resting point sits on the floor (or the bed) at x = 0, so both phases share a frame
    lift = fg.contact_radius(body, rest_on)
    if any(kind == "bed" for kind, _ in props):
        lift += fg.BED_TOP
    rest_x, rest_y = body.points[rest_on]
    body = body.shifted(-rest_x, lift - rest_y)
    if view in fg.FLOOR_VIEWS:
        name, low = body.lowest()
        if low < -FLOOR_TOLERANCE:
            word = SEGMENT_WORDS.get(name, name.replace("_", " "))
            raise fail(
                "rest_on",
                f"in phase {phase!r} the {word} goes {-low:.2f} body heights through the floor "
                f"when the figure rests on {rest_on}",
            )
    facing = 1.0 if math.cos(math.radians(body.face_dir)) >= 0 else -1.0
    specs = [(k, list(a) or [fg.DEFAULT_ANCHORS.get(k, "hip")]) for k, a in props]
    placed, problem = fg.place_props(body, specs, facing)
    if problem:
        raise fail("props", f"in phase {phase!r} {problem}")
    return _Pose(
        sid,
        phase,
        view,
        angles,
        rest_on,
        tuple(props),
        side,
        arrow,
        tint,
        scale,
        body,
        tuple(placed),
    )


def _arrow_text(arrow: tuple[str, float, float, float] | None) -> str:
    if arrow is None:
        return ""
    point, *numbers = arrow
    if numbers[2] == ARROW_DEFAULTS[2]:
        numbers = numbers[:2]  # the usual stand-off goes unsaid, as in the file
    return " ".join([point, *(f"{v:g}" for v in numbers)])


def _parse_scale(text: str, fail: Any) -> dict[str, float]:
    scale: dict[str, float] = {}
    for item in filter(None, (p.strip() for p in text.split(";"))):
        key, _, value = item.partition("=")
        part = key.strip().removeprefix("near_").removeprefix("far_")
        try:
            factor = float(value)
        except ValueError:
            raise fail("scale", f"{item!r} is not part=factor") from None
        if part not in fg.LENGTHS or not 0.05 <= factor <= 1.5:
            raise fail("scale", f"{item!r}: needs a body part and a factor from 0.05 to 1.5")
        scale[key.strip()] = factor
    return scale


@functools.cache
def _segment_names() -> frozenset[str]:
    body = fg.pose_body("front", dict.fromkeys(fg.ANGLE_COLUMNS, 0.0), {})
    return frozenset(s.name for s in body.segments)


def _pose(stretch_id: str, phase: str, poses: dict[tuple[str, str], _Pose]) -> _Pose:
    if phase not in PHASES:
        raise PoseError(f"phase {phase!r} is not one of {', '.join(PHASES)}")
    try:
        return poses[(stretch_id, phase)]
    except KeyError:
        raise PoseError(f"stretch {stretch_id!r} has no pose in the pose data") from None


# ---------------------------------------------------------------- drawing


def draw_stretch(
    stretch_id: str,
    ax: Axes | None = None,
    phase: str = "stretch",
    show_arrow: bool = True,
    title: bool = False,
    *,
    path: str | Path | None = None,
    stretches: pd.DataFrame | None = None,
) -> Figure:
    """Draw the pictogram of one stretch.

    Parameters
    ----------
    stretch_id : str
        A catalog stretch id, such as ``"knee-to-chest"``.
    ax : matplotlib Axes, optional
        Draw into this Axes; by default a new Figure of its own.
    phase : {"stretch", "start"}
        The stretched position (with the movement arrow) or the starting one.
    show_arrow : bool
        Draw the arrow from where the moving part was at the start to where it is.
    title : bool
        Put the stretch's name above the drawing.
    path, stretches
        Other pose data or catalog, as for :func:`load_poses`.

    Returns
    -------
    matplotlib.figure.Figure
        The Figure holding the drawing (that of ``ax`` when one was given).
    """
    catalog = stretches if stretches is not None else _default_catalog()
    _, poses = _load(Path(path) if path is not None else data_path("poses.csv"), stretches)
    pose = _pose(stretch_id, phase, poses)
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(3.5, 2.6 + (0.3 if title else 0.0)))
        ax = fig.add_axes((0, 0, 1, 0.9 if title else 1))
    area = str(catalog.loc[stretch_id, "body_area"]) if stretch_id in catalog.index else ""
    draw_pose(
        ax,
        pose.body,
        list(pose.placed),
        tint=pose.tint,
        colour=AREA_COLOURS.get(area),
        arrow=pose.arrow if (show_arrow and phase == "stretch") else None,
        start=poses[(stretch_id, "start")].body,
        side_drawn=pose.side_drawn,
    )
    if title:
        name = catalog.loc[stretch_id, "name"] if "name" in catalog.columns else stretch_id
        ax.set_title(textwrap.fill(str(name), 34), fontsize=10, color=NEAR_COLOUR)
    return ax.figure


def to_svg(stretch_id: str, phase: str = "stretch", **kwargs: Any) -> str:
    """Return the pictogram as an SVG document (a string), for inline use in HTML.

    Keyword arguments go to :func:`draw_stretch`.
    """
    buffer = io.BytesIO()
    _save(draw_stretch(stretch_id, phase=phase, **kwargs), buffer, "svg")
    return buffer.getvalue().decode("utf-8")


def save_stretch_picture(
    stretch_id: str, path: str | Path, phase: str = "stretch", **kwargs: Any
) -> Path:
    """Write the pictogram to ``path``: SVG or PNG, chosen by the file's suffix.

    Keyword arguments go to :func:`draw_stretch`. Returns the path written.
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise PoseError(f"{target}: a picture is written as .svg or .png, not {target.suffix!r}")
    fig = draw_stretch(stretch_id, phase=phase, **kwargs)
    _save(fig, target, fmt)
    return target


def _save(fig: Figure, target: Any, fmt: str) -> None:
    import matplotlib

    # fixed ids and no date, so the same drawing gives the same file
    with matplotlib.rc_context({"svg.hashsalt": "backstretch-kit", "svg.fonttype": "none"}):
        metadata = {"Date": None} if fmt == "svg" else {}
        fig.savefig(target, format=fmt, dpi=120, metadata=metadata)


def contact_sheet(
    ids: list[str] | None = None,
    phase: str = "stretch",
    columns: int = 6,
    *,
    path: str | Path | None = None,
    stretches: pd.DataFrame | None = None,
) -> Figure:
    """Draw many stretches in one grid, each with its name: the docs' overview picture.

    Parameters
    ----------
    ids : list of str, optional
        Stretch ids in the order to show; every stretch with a pose, in catalog
        order, by default.
    phase : {"stretch", "start"}
        Which phase to draw.
    columns : int
        Pictures per row.
    """
    from matplotlib.figure import Figure

    catalog = stretches if stretches is not None else _default_catalog()
    frame, _ = _load(Path(path) if path is not None else data_path("poses.csv"), stretches)
    if ids is None:
        posed = set(frame["stretch_id"])
        ids = [s for s in catalog.index if s in posed]
    rows = max(1, math.ceil(len(ids) / columns))
    height = 2.3 * rows + 0.35  # room above the first row for two-line names
    fig = Figure(figsize=(2.6 * columns, height))
    fig.subplots_adjust(
        left=0.01, right=0.99, top=1 - 0.4 / height, bottom=0.01, wspace=0.04, hspace=0.3
    )
    for i, sid in enumerate(ids):
        ax = fig.add_subplot(rows, columns, i + 1)
        draw_stretch(sid, ax=ax, phase=phase, title=False, path=path, stretches=stretches)
        name = str(catalog.loc[sid, "name"]) if sid in catalog.index else sid
        ax.set_title(textwrap.fill(name, 28), fontsize=8.5, color=NEAR_COLOUR, pad=2)
    return fig


def save_contact_sheet(path: str | Path, phase: str = "stretch", *, dpi: int = 120) -> Path:
    """Draw every posed stretch in one grid and write it as a PNG: the docs' overview.

    ``save_contact_sheet("docs/pictograms.png")``, run from the repository's top folder,
    regenerates the overview picture in the README. Returns the path written.
    """
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise PoseError(f"{target}: the contact sheet is written as .png, not {target.suffix!r}")
    contact_sheet(phase=phase).savefig(target, dpi=dpi, facecolor="white")
    return target
