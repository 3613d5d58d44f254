"""Forward kinematics of the stick figure: joint angles to a posed body.

Pure arithmetic, no matplotlib and no pandas, so the pose checks in
:mod:`backstretch_kit.poses` run without drawing anything. The figure's tables
(views, angle columns, lengths, thicknesses, named points) and what a posed body
is made of are in :mod:`backstretch_kit.poses._skeleton`; the furniture and kit
around the figure in :mod:`backstretch_kit.poses._props`.

Units and axes
--------------
Lengths are fractions of body height (a standing figure is 1.0 tall), y points
up and the floor is ``y = 0``.

Angles (degrees) are *relative joint angles*, posed from the pelvis outwards:

``trunk``
    Absolute direction of the lower trunk (hip to waist), counter-clockwise
    from +x: 90 is upright, 180 lying on the back (head to the left), 0 lying
    face down (head to the right).
``lumbar``, ``thoracic``, ``neck``, ``head``
    Bends at the waist, the chest, the base of the neck and the skull. In the
    side view positive is flexion (bending forward); in the front view positive
    bends toward the viewer's right.

Side view (``side``, and ``above-side`` for a person lying on their side,
seen from the ceiling): the figure faces +x. ``*_shoulder`` and ``*_hip`` are
flexion (limb swung forward, negative is extension), ``*_elbow`` and
``*_knee`` are flexion (negative is bending backwards), ``*_ankle`` is
plantar flexion (toes pointed). The near limbs are the ones facing the viewer;
the far limbs are drawn lighter.

Front view (``front``, and ``above`` for a person lying on their back, seen
from the ceiling): the figure faces the viewer; ``near`` is the figure's right
side, which is on the viewer's left. ``*_shoulder`` and ``*_hip`` are
abduction (limb out to the side, negative crosses the body), ``*_elbow`` and
``*_knee`` bend toward the middle of the body. ``head_turn`` turns the face
toward the viewer's right and ``twist`` turns the shoulders (narrowing them).
``nod`` tips the head forward, chin down, the way the face points: seen from
the front the head drops (and, when turned, moves toward the side it looks at)
and the face slides down it. In the side views ``neck`` and ``head`` already
are flexion, so ``nod`` is for the front and above views only.

Examples
--------
>>> from backstretch_kit.poses._geometry import pose_body
>>> from backstretch_kit.poses._skeleton import ANGLE_COLUMNS
>>> standing = dict.fromkeys(ANGLE_COLUMNS, 0.0) | {"trunk": 90.0}
>>> body = pose_body("side", standing, {})
>>> round(body.head_centre[1] + body.head_radius, 2)  # hip height is 0 here
0.45
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._skeleton import (
    FRONT_TRUNK_RADIUS,
    HEAD_RADIUS,
    HIP_HALF_WIDTH,
    LENGTHS,
    RADII,
    SHOULDER_HALF_WIDTH,
    SIDE_VIEWS,
    Body,
    Point,
    Segment,
)

__all__ = ["pose_body", "step"]


def step(p: Point, deg: float, length: float) -> Point:
    """Return the point ``length`` away from ``p`` in the direction ``deg`` (degrees)."""
    rad = math.radians(deg)
    return (p[0] + length * math.cos(rad), p[1] + length * math.sin(rad))


def _length(scale: dict[str, float], side: str, part: str) -> float:
    factor = scale.get(f"{side}_{part}", scale.get(part, 1.0)) if side else scale.get(part, 1.0)
    return LENGTHS[part] * factor


@dataclass(frozen=True)
class _Spine:
    """The trunk, neck and head posed from the hip: where the limbs and the face hang on."""

    d_lower: float  # direction of the lower trunk (degrees)
    d_upper: float  # direction of the upper trunk
    d_head: float  # direction of the head
    nod: float  # radians the head tips forward; 0 in the side views
    turn: float  # radians the head turns; 0 in the side views
    points: dict[str, Point]  # hip, waist, chest, neck_base, head
    segments: list[Segment]  # lower, mid, upper, neck


def pose_body(view: str, angles: dict[str, float], scale: dict[str, float]) -> Body:
    """Forward kinematics: joint angles to a figure with its hip at the origin.

    Parameters
    ----------
    view : str
        One of :data:`VIEWS`.
    angles : dict
        Every name in :data:`ANGLE_COLUMNS`, in degrees.
    scale : dict
        Length factors by part (``"thigh"``) or sided part (``"near_thigh"``),
        for limbs that point toward the viewer and look shorter.
    """
    sagittal = view in SIDE_VIEWS
    spine = _spine(sagittal, angles, scale)
    points = dict(spine.points)
    segments = list(spine.segments)
    shoulders, hips = _girdles(sagittal, angles, spine, segments)
    for side in ("far", "near"):  # near limbs last, drawn on top
        points.update(
            _limbs(side, sagittal, angles, scale, spine, (shoulders[side], hips[side]), segments)
        )
    face_dir = spine.d_head - 90
    if sagittal:
        nose = step(points["head"], face_dir, HEAD_RADIUS)
        turn = 0.0
    else:
        turn = angles["head_turn"]
        # the nose slides across the face as the head turns, and down it as the head nods
        nose = step(
            step(
                points["head"],
                spine.d_head - 90,
                HEAD_RADIUS * math.sin(spine.turn) * math.cos(spine.nod),
            ),
            spine.d_head + 180,
            HEAD_RADIUS * (0.15 * math.cos(spine.nod) + math.sin(spine.nod)),
        )
    points["nose"] = nose
    return Body(
        view=view,
        segments=segments,
        head_centre=points["head"],
        head_radius=HEAD_RADIUS,
        points=points,
        face_dir=face_dir,
        head_turn=turn,
        nose=nose,
        nod=math.degrees(spine.nod),
    )


def _spine(sagittal: bool, a: dict[str, float], scale: dict[str, float]) -> _Spine:
    """Pose the trunk, the neck and the head from the hip at the origin."""
    hip = (0.0, 0.0)
    d_lower = a["trunk"]
    d_mid = d_lower - a["lumbar"]
    d_upper = d_mid - a["thoracic"]
    d_neck = d_upper - a["neck"]
    d_head = d_neck - a["head"]
    nod = 0.0 if sagittal else math.radians(a["nod"])
    turn = 0.0 if sagittal else math.radians(a["head_turn"])

    def nodded(p: Point, deg: float, length: float) -> Point:
        # seen from the front a forward nod shortens the neck and head, and a turned head
        # nods toward the side it faces (toward the viewer's right for a positive turn)
        p = step(p, deg, length * math.cos(nod))
        return step(p, deg - 90, length * math.sin(nod) * math.sin(turn))

    waist = step(hip, d_lower, _length(scale, "", "lower"))
    chest = step(waist, d_mid, _length(scale, "", "mid"))
    neck_base = step(chest, d_upper, _length(scale, "", "upper"))
    neck_top = nodded(neck_base, d_neck, _length(scale, "", "neck"))
    head_centre = nodded(neck_top, d_head, HEAD_RADIUS * 0.85)
    trunk_r = (
        (RADII["lower"], RADII["mid"], RADII["upper"])
        if sagittal
        else (FRONT_TRUNK_RADIUS * 0.9, FRONT_TRUNK_RADIUS, FRONT_TRUNK_RADIUS)
    )
    # seen from the front the wide trunk must stop at the shoulder line, not cap over the neck
    top = neck_base if sagittal else step(neck_base, d_upper + 180, trunk_r[2] - 0.01)
    return _Spine(
        d_lower=d_lower,
        d_upper=d_upper,
        d_head=d_head,
        nod=nod,
        turn=turn,
        points={
            "hip": hip,
            "waist": waist,
            "chest": chest,
            "neck_base": neck_base,
            "head": head_centre,
        },
        segments=[
            Segment("lower", hip, waist, trunk_r[0], "body"),
            Segment("mid", waist, chest, trunk_r[1], "body"),
            Segment("upper", chest, top, trunk_r[2], "body"),
            Segment("neck", neck_base, neck_top, RADII["neck"], "body"),
        ],
    )


def _girdles(
    sagittal: bool, a: dict[str, float], spine: _Spine, segments: list[Segment]
) -> tuple[dict[str, Point], dict[str, Point]]:
    """Where each side's arm and leg hang on; seen from the front, the shoulder and hip bars.

    The two bars are appended to ``segments``.
    """
    hip, neck_base = spine.points["hip"], spine.points["neck_base"]
    if sagittal:  # seen from the side both arms hang from one point, both legs from another
        return {"near": neck_base, "far": neck_base}, {"near": hip, "far": hip}
    half_w = SHOULDER_HALF_WIDTH * math.cos(math.radians(a["twist"]))
    # near (figure's right) is on the viewer's left: 90 degrees counter-clockwise
    shoulders = {
        "near": step(neck_base, spine.d_upper + 90, half_w),
        "far": step(neck_base, spine.d_upper - 90, half_w),
    }
    hips = {
        "near": step(hip, spine.d_lower + 90, HIP_HALF_WIDTH),
        "far": step(hip, spine.d_lower - 90, HIP_HALF_WIDTH),
    }
    segments.append(
        Segment("shoulders", shoulders["near"], shoulders["far"], RADII["upper_arm"], "body")
    )
    segments.append(Segment("hips", hips["near"], hips["far"], RADII["thigh"], "body"))
    return shoulders, hips


def _limbs(
    side: str,
    sagittal: bool,
    a: dict[str, float],
    scale: dict[str, float],
    spine: _Spine,
    roots: tuple[Point, Point],
    segments: list[Segment],
) -> dict[str, Point]:
    """Pose one side's arm and leg from its shoulder and hip (``roots``).

    The five segments are appended to ``segments``; returns the side's named points.
    """
    # front view: the near side mirrors the far side so that both bend the same way
    mirror = 1.0 if sagittal or side == "far" else -1.0
    layer = side if sagittal else "body"
    down_upper = spine.d_upper + 180
    down_lower = spine.d_lower + 180
    if sagittal:
        d_arm = down_upper + a[f"{side}_shoulder"]
        d_fore = d_arm + a[f"{side}_elbow"]
        d_thigh = down_lower + a[f"{side}_hip"]
        d_shin = d_thigh - a[f"{side}_knee"]
        d_foot = d_shin + 90 - a[f"{side}_ankle"]
    else:
        d_arm = down_upper + mirror * a[f"{side}_shoulder"]
        d_fore = d_arm - mirror * a[f"{side}_elbow"]
        d_thigh = down_lower + mirror * a[f"{side}_hip"]
        d_shin = d_thigh - mirror * a[f"{side}_knee"]
        d_foot = d_shin + mirror * (70 - a[f"{side}_ankle"] * 0.5)
    sh, hp = roots
    elbow = step(sh, d_arm, _length(scale, side, "upper_arm"))
    hand = step(elbow, d_fore, _length(scale, side, "forearm"))
    knee = step(hp, d_thigh, _length(scale, side, "thigh"))
    ankle = step(knee, d_shin, _length(scale, side, "shin"))
    foot_len = _length(scale, side, "foot") * (1.0 if sagittal else 0.45)
    toe = step(ankle, d_foot, foot_len)
    segments += [
        Segment(f"{side}_thigh", hp, knee, RADII["thigh"], layer),
        Segment(f"{side}_shin", knee, ankle, RADII["shin"], layer),
        Segment(f"{side}_foot", ankle, toe, RADII["foot"], layer),
        Segment(f"{side}_upper_arm", sh, elbow, RADII["upper_arm"], layer),
        Segment(f"{side}_forearm", elbow, hand, RADII["forearm"], layer),
    ]
    return {
        f"{side}_shoulder": sh,
        f"{side}_elbow": elbow,
        f"{side}_hand": hand,
        f"{side}_hip": hp,
        f"{side}_knee": knee,
        f"{side}_ankle": ankle,
        f"{side}_toe": toe,
    }
