"""Checking one row of ``data/poses.csv``: one small function per column.

Every refusal is a :class:`PoseError` naming the file, the row (as a spreadsheet
numbers it: the header is row 1), the stretch, the column and the bad value, so a
physiotherapist editing the file can go straight to the cell. Each row is posed
and stood on the floor here (:mod:`~backstretch_kit.poses._geometry`), so a body
part through the floor or a prop that cannot stand is refused when the file is
read, not when a picture is drawn. The file as a whole (its columns, both phases
of each stretch, the cache) is :mod:`~backstretch_kit.poses._load`'s.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import _skeleton as sk
from ._geometry import pose_body
from ._props import BED_TOP, DEFAULT_ANCHORS, PROPS, Prop, place_props

__all__ = ["ARROW_DEFAULTS", "PHASES", "Pose", "PoseError", "Row", "parse_row"]

PHASES: tuple[str, ...] = ("start", "stretch")
#: An arrow's bend, shift and stand-off when the ``arrow`` cell leaves them out.
ARROW_DEFAULTS = (0.25, 0.0, 0.07)
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

#: Joint ranges (degrees), checked in the views where the angle means that joint.
#: Generous: a pictogram may exaggerate, but a knee may not bend backwards.
LIMITS: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "near_knee": (-8.0, 165.0, sk.SIDE_VIEWS),
    "far_knee": (-8.0, 165.0, sk.SIDE_VIEWS),
    "near_elbow": (-10.0, 160.0, sk.SIDE_VIEWS),
    "far_elbow": (-10.0, 160.0, sk.SIDE_VIEWS),
    "near_hip": (-45.0, 150.0, ("side",)),
    "far_hip": (-45.0, 150.0, ("side",)),
    "near_shoulder": (-80.0, 190.0, ("side",)),
    "far_shoulder": (-80.0, 190.0, ("side",)),
    "near_ankle": (-40.0, 100.0, sk.SIDE_VIEWS),
    "far_ankle": (-40.0, 100.0, sk.SIDE_VIEWS),
    "lumbar": (-45.0, 75.0, sk.VIEWS),
    "thoracic": (-45.0, 75.0, sk.VIEWS),
    "neck": (-70.0, 80.0, sk.VIEWS),
    "head": (-40.0, 40.0, sk.VIEWS),
    "head_turn": (-85.0, 85.0, sk.VIEWS),
    "nod": (-30.0, 70.0, sk.VIEWS),
    "twist": (-80.0, 80.0, sk.VIEWS),
}

#: The segments whose length factor, when small, marks a limb as pointing out of the
#: picture: its projected angles are then not joint angles, and are not range-checked.
LIMIT_PARTS: dict[str, tuple[str, ...]] = {
    "shoulder": ("upper_arm",),
    "elbow": ("upper_arm", "forearm"),
    "hip": ("thigh",),
    "knee": ("thigh", "shin"),
    "ankle": ("shin", "foot"),
}
FORESHORTENED = 0.7

Arrow = tuple[str, float, float, float]


class PoseError(ValueError):
    """The pose data is malformed, names an unknown stretch, or asks a body for the impossible."""


@dataclass(frozen=True)
class Pose:
    """One checked row: the pose as written, and the body posed on the floor with its props."""

    stretch_id: str
    phase: str
    view: str
    angles: dict[str, float]
    rest_on: str
    props: tuple[tuple[str, tuple[str, ...]], ...]
    side_drawn: str
    arrow: Arrow | None
    tint: tuple[str, ...]
    scale: dict[str, float]
    body: sk.Body
    placed: tuple[Prop, ...]


@dataclass(frozen=True)
class Row:
    """One row's text cells and where they came from, for the error messages."""

    path: Path
    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def error(self, column: str, why: str) -> PoseError:
        """The error to raise for this row's ``column``, saying ``why`` (with the bad value)."""
        return PoseError(
            f"{self.path}, row {self.number}, stretch {self['stretch_id']!r}, "
            f"column {column!r}: {why}"
        )


def parse_row(row: Row, stretches: pd.DataFrame) -> Pose:
    """Check one row's cells, in the order of the columns, and pose its body."""
    sid = _stretch_id(row, stretches)
    phase = _choice(row, "phase", PHASES)
    view = _choice(row, "view", sk.VIEWS)
    angles = _angles(row, view)
    scale = _scale(row)
    _check_ranges(row, view, phase, angles, scale)
    rest_on = _rest_on(row)
    side = _side_drawn(row, stretches.loc[sid, "sides"] if "sides" in stretches.columns else None)
    props = _props(row)
    arrow = _arrow(row, phase)
    area = stretches.loc[sid, "body_area"] if "body_area" in stretches.columns else None
    tint = _tint(row, view) or DEFAULT_TINT.get(str(area), ())
    body, placed = _place(row, phase, pose_body(view, angles, scale), rest_on, props)
    return Pose(sid, phase, view, angles, rest_on, props, side, arrow, tint, scale, body, placed)


def _stretch_id(row: Row, stretches: pd.DataFrame) -> str:
    if row["stretch_id"] not in stretches.index:
        raise row.error("stretch_id", "not a stretch in the catalog")
    return row["stretch_id"]


def _choice(row: Row, column: str, allowed: tuple[str, ...]) -> str:
    if row[column] not in allowed:
        raise row.error(column, f"{row[column]!r} is not one of {', '.join(allowed)}")
    return row[column]


def _angles(row: Row, view: str) -> dict[str, float]:
    """Every angle column as degrees (blank is the neutral 0), and the ones this view allows."""
    angles: dict[str, float] = {}
    for col in sk.ANGLE_COLUMNS:
        text = row[col]
        try:
            value = float(text) if text else 0.0
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise row.error(col, f"{text!r} is not a number of degrees")
        angles[col] = value
    if view not in sk.SIDE_VIEWS:
        return angles
    for col in ("head_turn", "twist"):
        if angles[col]:
            raise row.error(
                col,
                f"{row[col]} degrees: a turn toward the viewer is drawn only in the front and "
                "above views",
            )
    if angles["nod"]:
        raise row.error(
            "nod",
            f"{row['nod']} degrees: in the side views the chin goes down with 'neck' and "
            "'head'; 'nod' is for the front and above views",
        )
    return angles


def _scale(row: Row) -> dict[str, float]:
    """``part=factor`` length factors, for limbs pointing out of the picture."""
    scale: dict[str, float] = {}
    for item in _items(row["scale"], ";"):
        key, _, value = item.partition("=")
        part = key.strip().removeprefix("near_").removeprefix("far_")
        try:
            factor = float(value)
        except ValueError:
            raise row.error("scale", f"{item!r} is not part=factor") from None
        if part not in sk.LENGTHS or not 0.05 <= factor <= 1.5:
            raise row.error("scale", f"{item!r}: needs a body part and a factor from 0.05 to 1.5")
        scale[key.strip()] = factor
    return scale


def _check_ranges(
    row: Row, view: str, phase: str, angles: dict[str, float], scale: dict[str, float]
) -> None:
    """No joint past what a body can do, in the views where the angle is that joint's."""
    for col, (low, high, views) in LIMITS.items():
        side, _, joint = col.partition("_")
        parts = LIMIT_PARTS.get(joint, ())
        if any(scale.get(f"{side}_{p}", scale.get(p, 1.0)) < FORESHORTENED for p in parts):
            continue  # a limb pointing out of the picture: its angles are projections
        if view in views and not low <= angles[col] <= high:
            raise row.error(
                col,
                f"{angles[col]:g} degrees is outside what a body can do "
                f"({low:g} to {high:g}) in phase {phase!r}",
            )


def _rest_on(row: Row) -> str:
    if row["rest_on"] not in sk.POINT_NAMES:
        points = ", ".join(sk.POINT_NAMES)
        raise row.error("rest_on", f"{row['rest_on']!r} is not a body point ({points})")
    return row["rest_on"]


def _side_drawn(row: Row, sides: object) -> str:
    """``left`` or ``right`` exactly when the catalog does the stretch on each side."""
    side = row["side_drawn"]
    if side not in ("", "left", "right"):
        raise row.error("side_drawn", f"{side!r} is not left, right or blank")
    if sides == "each side" and not side:
        raise row.error("side_drawn", "blank: an each-side stretch must say which side is drawn")
    if sides == "both together" and side:
        raise row.error("side_drawn", f"{side!r}: a both-sides-together stretch has no side")
    return side


def _props(row: Row) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``kind`` or ``kind:point[+point]`` items, ``;``-separated."""
    props = []
    for item in _items(row["props"], ";"):
        kind, _, anchor_text = item.partition(":")
        kind = kind.strip()
        if kind not in PROPS:
            raise row.error("props", f"{kind!r} is not one of {', '.join(PROPS)}")
        anchors = tuple(_items(anchor_text, "+"))
        for a in anchors:
            if a not in sk.POINT_NAMES:
                raise row.error("props", f"{a!r} (in {item!r}) is not a body point")
        props.append((kind, anchors))
    return tuple(props)


def _arrow(row: Row, phase: str) -> Arrow | None:
    """``point [bend [shift [off]]]``; the stretch phase must have one.

    The body point that moves, how much the arrow curves, how far to slide it along
    its own direction (to clear a body part it would cross), and how far to stand it
    off the body (negative: to the other side of the point).
    """
    text = row["arrow"]
    if not text:
        if phase == "stretch":
            raise row.error("arrow", "blank: the stretch phase needs an arrow showing the movement")
        return None
    parts = text.split()
    if parts[0] not in sk.POINT_NAMES or len(parts) > 4:
        raise row.error("arrow", f"{text!r} is not 'point [bend [shift [off]]]'")
    try:
        numbers = [float(x) for x in parts[1:]] + list(ARROW_DEFAULTS[len(parts) - 1 :])
    except ValueError:
        numbers = [math.nan]
    if not all(math.isfinite(n) for n in numbers):
        raise row.error("arrow", f"{text!r}: bend, shift and off must be numbers")
    if abs(numbers[2]) > 0.3:
        raise row.error("arrow", f"{text!r}: off {numbers[2]:g} is not from -0.3 to 0.3")
    return (parts[0], numbers[0], numbers[1], numbers[2])


def _tint(row: Row, view: str) -> tuple[str, ...]:
    """The segments named to tint (``segment`` or ``segment:back``); empty if none are."""
    names = _segment_names()
    tint = tuple(_items(row["tint"], ";"))
    for t in tint:
        name, _, part = t.partition(":")
        if name not in names:
            raise row.error("tint", f"{t!r} is not a segment ({', '.join(sorted(names))})")
        if part and part not in TINT_PARTS:
            raise row.error(
                "tint", f"{t!r}: the part after ':' can only be {', '.join(TINT_PARTS)}"
            )
        if part and view not in sk.SIDE_VIEWS:
            raise row.error(
                "tint", f"{t!r}: the back of a segment is tinted only in the side views"
            )
    return tint


def _place(
    row: Row,
    phase: str,
    body: sk.Body,
    rest_on: str,
    props: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[sk.Body, tuple[Prop, ...]]:
    """Stand the body on its resting point and build its props; refuse what cannot be."""
    # the resting point sits on the floor (or the bed) at x = 0, so both phases share a frame
    lift = sk.contact_radius(body, rest_on)
    if any(kind == "bed" for kind, _ in props):
        lift += BED_TOP
    rest_x, rest_y = body.points[rest_on]
    body = body.shifted(-rest_x, lift - rest_y)
    if body.view in sk.FLOOR_VIEWS:
        name, low = body.lowest()
        if low < -FLOOR_TOLERANCE:
            word = SEGMENT_WORDS.get(name, name.replace("_", " "))
            raise row.error(
                "rest_on",
                f"in phase {phase!r} the {word} goes {-low:.2f} body heights through the floor "
                f"when the figure rests on {rest_on}",
            )
    facing = 1.0 if math.cos(math.radians(body.face_dir)) >= 0 else -1.0
    specs = [(k, list(a) or [DEFAULT_ANCHORS.get(k, "hip")]) for k, a in props]
    placed, problem = place_props(body, specs, facing)
    if problem:
        raise row.error("props", f"in phase {phase!r} {problem}")
    return body, tuple(placed)


def _items(text: str, sep: str) -> list[str]:
    """The non-blank, stripped items of a ``sep``-separated cell."""
    return [item.strip() for item in text.split(sep) if item.strip()]


@functools.cache
def _segment_names() -> frozenset[str]:
    body = pose_body("front", dict.fromkeys(sk.ANGLE_COLUMNS, 0.0), {})
    return frozenset(s.name for s in body.segments)
