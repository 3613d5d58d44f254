"""The geometry of the stick figure: segment lengths, forward kinematics, props.

Pure arithmetic, no matplotlib and no pandas, so the pose checks in
:mod:`backstretch_kit.poses` run without drawing anything.

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = [
    "ANGLE_COLUMNS",
    "LENGTHS",
    "LIMITS",
    "POINT_NAMES",
    "PROPS",
    "VIEWS",
    "Body",
    "Prop",
    "pose_body",
    "place_props",
]

VIEWS: tuple[str, ...] = ("side", "front", "above", "above-side")
SIDE_VIEWS = ("side", "above-side")
FLOOR_VIEWS = ("side", "front")

ANGLE_COLUMNS: tuple[str, ...] = (
    "trunk",
    "lumbar",
    "thoracic",
    "neck",
    "head",
    "head_turn",
    "nod",
    "twist",
    "near_shoulder",
    "near_elbow",
    "far_shoulder",
    "far_elbow",
    "near_hip",
    "near_knee",
    "near_ankle",
    "far_hip",
    "far_knee",
    "far_ankle",
)

#: Segment lengths as fractions of body height (adult proportions, rounded).
LENGTHS: dict[str, float] = {
    "lower": 0.10,
    "mid": 0.11,
    "upper": 0.08,
    "neck": 0.05,
    "upper_arm": 0.18,
    "forearm": 0.15,  # forearm and part of the hand
    "thigh": 0.245,
    "shin": 0.25,
    "foot": 0.12,
}

#: Half the thickness of each segment: the drawn capsule and the floor check share it.
RADII: dict[str, float] = {
    "lower": 0.05,
    "mid": 0.052,
    "upper": 0.05,
    "neck": 0.022,
    "upper_arm": 0.03,
    "forearm": 0.025,
    "thigh": 0.04,
    "shin": 0.032,
    "foot": 0.02,
}
FRONT_TRUNK_RADIUS = 0.072
HEAD_RADIUS = 0.062
SHOULDER_HALF_WIDTH = 0.1
HIP_HALF_WIDTH = 0.05

#: Joint ranges (degrees), checked in the views where the angle means that joint.
#: Generous: a pictogram may exaggerate, but a knee may not bend backwards.
LIMITS: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "near_knee": (-8.0, 165.0, SIDE_VIEWS),
    "far_knee": (-8.0, 165.0, SIDE_VIEWS),
    "near_elbow": (-10.0, 160.0, SIDE_VIEWS),
    "far_elbow": (-10.0, 160.0, SIDE_VIEWS),
    "near_hip": (-45.0, 150.0, ("side",)),
    "far_hip": (-45.0, 150.0, ("side",)),
    "near_shoulder": (-80.0, 190.0, ("side",)),
    "far_shoulder": (-80.0, 190.0, ("side",)),
    "near_ankle": (-40.0, 100.0, SIDE_VIEWS),
    "far_ankle": (-40.0, 100.0, SIDE_VIEWS),
    "lumbar": (-45.0, 75.0, VIEWS),
    "thoracic": (-45.0, 75.0, VIEWS),
    "neck": (-70.0, 80.0, VIEWS),
    "head": (-40.0, 40.0, VIEWS),
    "head_turn": (-85.0, 85.0, VIEWS),
    "nod": (-30.0, 70.0, VIEWS),
    "twist": (-80.0, 80.0, VIEWS),
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

#: Named points of the body, usable in ``rest_on``, ``arrow`` and prop anchors.
POINT_NAMES: tuple[str, ...] = (
    "hip",
    "waist",
    "chest",
    "neck_base",
    "head",
    "nose",
    "near_shoulder",
    "far_shoulder",
    "near_elbow",
    "near_hand",
    "far_elbow",
    "far_hand",
    "near_hip",
    "far_hip",
    "near_knee",
    "near_ankle",
    "near_toe",
    "far_knee",
    "far_ankle",
    "far_toe",
)

PROPS: tuple[str, ...] = (
    "floor",
    "mat",
    "chair",
    "wall",
    "doorway",
    "step",
    "foam roller",
    "strap",
    "bed",
    "cushion",
)

#: Where a prop goes when the data names no anchor point.
DEFAULT_ANCHORS: dict[str, str] = {
    "chair": "hip",
    "wall": "near_hand",
    "doorway": "near_elbow",
    "step": "near_ankle",
    "foam roller": "chest",
    "strap": "near_toe",
    "bed": "hip",
    "cushion": "head",
}

CHAIR_SEAT_DEPTH = 0.24
BED_TOP = 0.3
CHAIR_BACK_HEIGHT = 0.26
ROLLER_RADIUS = 0.045


@dataclass
class Segment:
    """One drawn capsule of the body: from ``start`` to ``end`` with a half-thickness."""

    name: str
    start: tuple[float, float]
    end: tuple[float, float]
    radius: float
    layer: str  # "far", "body" or "near": the drawing order and shade


@dataclass
class Body:
    """A posed figure: its segments, head and named points, in floor coordinates."""

    view: str
    segments: list[Segment]
    head_centre: tuple[float, float]
    head_radius: float
    points: dict[str, tuple[float, float]]
    face_dir: float  # degrees; where the face points (side) or the turn (front)
    head_turn: float = 0.0
    nose: tuple[float, float] | None = None
    nod: float = 0.0  # degrees the head tips forward, chin down (front and above views)

    def shifted(self, dx: float, dy: float) -> Body:
        """Return the same body moved by ``(dx, dy)``."""

        def mv(p: tuple[float, float]) -> tuple[float, float]:
            return (p[0] + dx, p[1] + dy)

        return Body(
            view=self.view,
            segments=[
                Segment(s.name, mv(s.start), mv(s.end), s.radius, s.layer) for s in self.segments
            ],
            head_centre=mv(self.head_centre),
            head_radius=self.head_radius,
            points={k: mv(v) for k, v in self.points.items()},
            face_dir=self.face_dir,
            head_turn=self.head_turn,
            nose=None if self.nose is None else mv(self.nose),
            nod=self.nod,
        )

    def lowest(self) -> tuple[str, float]:
        """Return the segment (or ``"head"``) reaching lowest, and its lowest y."""
        name, low = "head", self.head_centre[1] - self.head_radius
        for seg in self.segments:
            y = min(seg.start[1], seg.end[1]) - seg.radius
            if y < low:
                name, low = seg.name, y
        return name, low

    def bounds(self) -> tuple[float, float, float, float]:
        """Return ``(xmin, ymin, xmax, ymax)`` of everything drawn."""
        xs, ys = [], []
        for seg in self.segments:
            for p in (seg.start, seg.end):
                xs += [p[0] - seg.radius, p[0] + seg.radius]
                ys += [p[1] - seg.radius, p[1] + seg.radius]
        cx, cy = self.head_centre
        xs += [cx - self.head_radius, cx + self.head_radius]
        ys += [cy - self.head_radius, cy + self.head_radius]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass
class Prop:
    """A piece of furniture or kit, as simple shapes in floor coordinates."""

    kind: str
    # ("poly", [(x, y), ...]) closed filled shapes, ("line", [(x, y), ...]) strokes,
    # ("circle", [(x, y), (r, 0)]) rollers
    shapes: list[tuple[str, list[tuple[float, float]]]] = field(default_factory=list)
    behind: bool = True  # drawn behind the body (a strap goes in front)


def _step(p: tuple[float, float], deg: float, length: float) -> tuple[float, float]:
    rad = math.radians(deg)
    return (p[0] + length * math.cos(rad), p[1] + length * math.sin(rad))


def _length(scale: dict[str, float], side: str, part: str) -> float:
    factor = scale.get(f"{side}_{part}", scale.get(part, 1.0)) if side else scale.get(part, 1.0)
    return LENGTHS[part] * factor


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
    a = angles
    sagittal = view in SIDE_VIEWS
    hip = (0.0, 0.0)
    d_lower = a["trunk"]
    d_mid = d_lower - a["lumbar"]
    d_upper = d_mid - a["thoracic"]
    d_neck = d_upper - a["neck"]
    d_head = d_neck - a["head"]
    nod = 0.0 if sagittal else math.radians(a["nod"])
    turn_rad = 0.0 if sagittal else math.radians(a["head_turn"])

    def nodded(p: tuple[float, float], deg: float, length: float) -> tuple[float, float]:
        # seen from the front a forward nod shortens the neck and head, and a turned head
        # nods toward the side it faces (toward the viewer's right for a positive turn)
        p = _step(p, deg, length * math.cos(nod))
        return _step(p, deg - 90, length * math.sin(nod) * math.sin(turn_rad))

    waist = _step(hip, d_lower, _length(scale, "", "lower"))
    chest = _step(waist, d_mid, _length(scale, "", "mid"))
    neck_base = _step(chest, d_upper, _length(scale, "", "upper"))
    neck_top = nodded(neck_base, d_neck, _length(scale, "", "neck"))
    head_centre = nodded(neck_top, d_head, HEAD_RADIUS * 0.85)

    points: dict[str, tuple[float, float]] = {
        "hip": hip,
        "waist": waist,
        "chest": chest,
        "neck_base": neck_base,
        "head": head_centre,
    }
    trunk_r = (
        (RADII["lower"], RADII["mid"], RADII["upper"])
        if sagittal
        else (FRONT_TRUNK_RADIUS * 0.9, FRONT_TRUNK_RADIUS, FRONT_TRUNK_RADIUS)
    )
    # seen from the front the wide trunk must stop at the shoulder line, not cap over the neck
    top = neck_base if sagittal else _step(neck_base, d_upper + 180, trunk_r[2] - 0.01)
    segments = [
        Segment("lower", hip, waist, trunk_r[0], "body"),
        Segment("mid", waist, chest, trunk_r[1], "body"),
        Segment("upper", chest, top, trunk_r[2], "body"),
        Segment("neck", neck_base, neck_top, RADII["neck"], "body"),
    ]

    if sagittal:
        shoulders = {"near": neck_base, "far": neck_base}
        hips = {"near": hip, "far": hip}
    else:
        half_w = SHOULDER_HALF_WIDTH * math.cos(math.radians(a["twist"]))
        # near (figure's right) is on the viewer's left: 90 degrees counter-clockwise
        shoulders = {
            "near": _step(neck_base, d_upper + 90, half_w),
            "far": _step(neck_base, d_upper - 90, half_w),
        }
        hips = {
            "near": _step(hip, d_lower + 90, HIP_HALF_WIDTH),
            "far": _step(hip, d_lower - 90, HIP_HALF_WIDTH),
        }
        segments.append(
            Segment("shoulders", shoulders["near"], shoulders["far"], RADII["upper_arm"], "body")
        )
        segments.append(Segment("hips", hips["near"], hips["far"], RADII["thigh"], "body"))

    for side in ("far", "near"):  # near limbs last, drawn on top
        # front view: the near side mirrors the far side so that both bend the same way
        mirror = 1.0 if sagittal or side == "far" else -1.0
        layer = side if sagittal else "body"
        down_upper = d_upper + 180
        down_lower = d_lower + 180
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
        sh = shoulders[side]
        elbow = _step(sh, d_arm, _length(scale, side, "upper_arm"))
        hand = _step(elbow, d_fore, _length(scale, side, "forearm"))
        hp = hips[side]
        knee = _step(hp, d_thigh, _length(scale, side, "thigh"))
        ankle = _step(knee, d_shin, _length(scale, side, "shin"))
        foot_len = _length(scale, side, "foot") * (1.0 if sagittal else 0.45)
        toe = _step(ankle, d_foot, foot_len)
        segments += [
            Segment(f"{side}_thigh", hp, knee, RADII["thigh"], layer),
            Segment(f"{side}_shin", knee, ankle, RADII["shin"], layer),
            Segment(f"{side}_foot", ankle, toe, RADII["foot"], layer),
            Segment(f"{side}_upper_arm", sh, elbow, RADII["upper_arm"], layer),
            Segment(f"{side}_forearm", elbow, hand, RADII["forearm"], layer),
        ]
        points.update(
            {
                f"{side}_shoulder": sh,
                f"{side}_elbow": elbow,
                f"{side}_hand": hand,
                f"{side}_hip": hp,
                f"{side}_knee": knee,
                f"{side}_ankle": ankle,
                f"{side}_toe": toe,
            }
        )

    if sagittal:
        face_dir = d_head - 90
        nose = _step(head_centre, face_dir, HEAD_RADIUS)
        turn = 0.0
    else:
        turn = a["head_turn"]
        # the nose slides across the face as the head turns, and down it as the head nods
        nose = _step(
            _step(head_centre, d_head - 90, HEAD_RADIUS * math.sin(turn_rad) * math.cos(nod)),
            d_head + 180,
            HEAD_RADIUS * (0.15 * math.cos(nod) + math.sin(nod)),
        )
        face_dir = d_head - 90
    points["nose"] = nose
    return Body(
        view=view,
        segments=segments,
        head_centre=head_centre,
        head_radius=HEAD_RADIUS,
        points=points,
        face_dir=face_dir,
        head_turn=turn,
        nose=nose,
        nod=math.degrees(nod),
    )


def contact_radius(body: Body, point: str) -> float:
    """How far below ``point`` the body's surface is (the flesh that rests on the floor)."""
    if point in ("head", "nose"):
        return body.head_radius
    best = 0.0
    target = body.points[point]
    for seg in body.segments:
        if target in (seg.start, seg.end):
            best = max(best, seg.radius)
    return best


def place_props(
    body: Body, specs: list[tuple[str, list[str]]], facing: float
) -> tuple[list[Prop], str | None]:
    """Build the props around a placed body.

    Parameters
    ----------
    body : Body
        The figure, already resting on the floor.
    specs : list of (kind, anchors)
        Each prop and the body points it sits under or against.
    facing : float
        +1 if the figure's front is toward +x, -1 if toward -x (for the chair back).

    Returns
    -------
    props, problem
        The props, and a message if one of them cannot be placed (else None).
    """
    props: list[Prop] = []
    for kind, anchors in specs:
        pts = [body.points[a] for a in anchors]
        x, y = pts[0]
        if kind in ("floor", "mat"):
            continue  # drawn with the frame, it spans the whole picture
        if kind == "chair":
            chair, problem = _chair(body, anchors, facing)
            if problem:
                return props, problem
            props.append(chair)
        elif kind == "bed":
            top = y - contact_radius(body, anchors[0])
            head_x = body.head_centre[0]
            x0, x1 = sorted(
                (x + math.copysign(0.06, x - head_x), head_x - math.copysign(0.15, x - head_x))
            )
            props.append(
                Prop(
                    kind,
                    [
                        ("poly", [(x0, top - 0.07), (x1, top - 0.07), (x1, top), (x0, top)]),
                        ("line", [(x0 + 0.03, top - 0.07), (x0 + 0.03, 0.0)]),
                        ("line", [(x1 - 0.03, top - 0.07), (x1 - 0.03, 0.0)]),
                    ],
                )
            )
        elif kind in ("wall", "doorway"):
            face = x + math.copysign(
                contact_radius(body, anchors[0]) + 0.012, x - body.points["hip"][0]
            )
            width = 0.06 if kind == "doorway" else 0.03
            x0, x1 = (face, face + width) if x >= body.points["hip"][0] else (face - width, face)
            if body.view in FLOOR_VIEWS:
                y0, y1 = 0.0, 1.18
            else:  # lying: the frame stands up from the floor, seen from above
                y0, y1 = body.bounds()[1] - 0.05, body.bounds()[3] + 0.05
            props.append(Prop(kind, [("poly", [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])]))
        elif kind == "step":
            top = y - contact_radius(body, anchors[0])
            if top < 0.03:
                return props, f"the step under {anchors[0]} would be {top:.2f} high"
            props.append(
                Prop(
                    kind,
                    [("poly", [(x - 0.09, 0), (x + 0.12, 0), (x + 0.12, top), (x - 0.09, top)])],
                )
            )
        elif kind == "foam roller":
            top = y - contact_radius(body, anchors[0])
            if len(anchors) == 2 and body.view not in FLOOR_VIEWS:  # along the spine, from above
                props.append(Prop(kind, [("poly", _band(pts[0], pts[1], 0.085, 0.08, 0.0))]))
            elif len(anchors) == 2:  # along the spine: a long roller seen from its side
                x0, x1 = sorted((x, pts[1][0]))
                r = max(min(top / 2, 0.06), 0.02)
                props.append(Prop(kind, [("poly", [(x0, 0), (x1, 0), (x1, 2 * r), (x0, 2 * r)])]))
            else:
                r = top / 2
                if not 0.02 <= r <= 0.08:
                    return props, f"the foam roller under {anchors[0]} would be {2 * r:.2f} across"
                props.append(Prop(kind, [("circle", [(x, r), (r, 0.0)])]))
        elif kind == "cushion":
            r = contact_radius(body, anchors[0])
            if body.view in FLOOR_VIEWS:  # a low pad under the point
                top = y - r
                shape = [(x - 0.1, 0), (x + 0.1, 0), (x + 0.1, top), (x - 0.1, top)]
            else:  # seen from above: a pillow around the resting head
                shape = [
                    (x - r - 0.05, y - r - 0.03),
                    (x + r + 0.05, y - r - 0.03),
                    (x + r + 0.05, y + r + 0.03),
                    (x - r - 0.05, y + r + 0.03),
                ]
            props.append(Prop(kind, [("poly", shape)]))
        elif kind == "strap":
            foot = pts[0]
            hands = pts[1:] or [body.points["near_hand"]]
            shapes = [("line", [foot, h]) for h in hands]
            props.append(Prop(kind, shapes, behind=False))
    return props, None


def _band(
    a: tuple[float, float], b: tuple[float, float], half: float, past_a: float, past_b: float
) -> list[tuple[float, float]]:
    """A straight band from ``a`` to ``b``, ``half`` wide each side, running on past each end."""
    theta = math.atan2(b[1] - a[1], b[0] - a[0])
    a2 = _step(a, math.degrees(theta) + 180, past_a)
    b2 = _step(b, math.degrees(theta), past_b)
    n = math.degrees(theta) + 90
    return [_step(a2, n, half), _step(b2, n, half), _step(b2, n, -half), _step(a2, n, -half)]


def _chair(body: Body, anchors: list[str], facing: float) -> tuple[Prop, str | None]:
    """A chair under ``anchors[0]``; with a second anchor, seen from its side with the
    back rest at that point (a sitter sideways on it, seen from the front, holding the back)."""
    anchor = anchors[0]
    x, y = body.points[anchor]
    top = y - contact_radius(body, anchor) - 0.005
    legs_y = 0.0
    back_top = top + CHAIR_BACK_HEIGHT
    if len(anchors) > 1:
        hold_x, hold_y = body.points[anchors[1]]
        gap = abs(hold_x - x)
        if not 0.08 <= gap <= CHAIR_SEAT_DEPTH - 0.04:
            return Prop("chair"), (
                f"the chair back at {anchors[1]} would be {gap:.2f} from {anchor} "
                f"(0.08 to {CHAIR_SEAT_DEPTH - 0.04:.2f} puts it beside the seat)"
            )
        if not top + 0.04 <= hold_y:
            return Prop("chair"), f"{anchors[1]} is below the chair's seat, not at its back"
        back_top = max(back_top, hold_y + 0.05)  # the hand holds the back, not the air above
    if body.view in SIDE_VIEWS or len(anchors) > 1:
        if len(anchors) > 1:
            back_x = body.points[anchors[1]][0]
        elif anchor == "hip":
            back_x = x - facing * 0.09  # the back rest is behind the sitter
        else:
            hip_x = body.points["hip"][0]
            back_x = x + math.copysign(0.12, x - hip_x)  # away from whoever kneels at it
        front_x = back_x + math.copysign(CHAIR_SEAT_DEPTH, x - back_x)
        x0, x1 = sorted((back_x, front_x))
        return Prop(
            "chair",
            [
                ("poly", [(x0, top - 0.025), (x1, top - 0.025), (x1, top), (x0, top)]),
                ("line", [(back_x, legs_y), (back_x, back_top)]),
                ("line", [(front_x, legs_y), (front_x, top)]),
            ],
        ), None
    x0, x1 = x - 0.17, x + 0.17
    return Prop(
        "chair",
        [
            (
                "poly",
                [
                    (x0 + 0.02, top),
                    (x1 - 0.02, top),
                    (x1 - 0.02, top + 0.32),
                    (x0 + 0.02, top + 0.32),
                ],
            ),
            ("poly", [(x0, top - 0.025), (x1, top - 0.025), (x1, top), (x0, top)]),
            ("line", [(x0 + 0.015, legs_y), (x0 + 0.015, top)]),
            ("line", [(x1 - 0.015, legs_y), (x1 - 0.015, top)]),
        ],
    ), None
