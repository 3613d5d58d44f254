"""The stick figure's make-up: its views, angle columns, lengths, thicknesses and named points.

The tables the pose file is checked against and the figure is built from, and the
two things a posed figure is made of, :class:`Segment` and :class:`Body`. Lengths
are fractions of body height (a standing figure is 1.0 tall), y points up and the
floor is ``y = 0``; what each angle means, and how angles become a body, is
:mod:`~backstretch_kit.poses._geometry`. Pure arithmetic, no matplotlib, no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ANGLE_COLUMNS",
    "FLOOR_VIEWS",
    "LENGTHS",
    "POINT_NAMES",
    "RADII",
    "SIDE_VIEWS",
    "VIEWS",
    "Body",
    "Point",
    "Segment",
    "contact_radius",
]

Point = tuple[float, float]

VIEWS: tuple[str, ...] = ("side", "front", "above", "above-side")
SIDE_VIEWS = ("side", "above-side")
#: The views with a floor under the figure; the others look down from the ceiling.
FLOOR_VIEWS = ("side", "front")

#: The angle columns of the pose file: the spine and head, then each arm and leg.
ANGLE_COLUMNS: tuple[str, ...] = (
    "trunk", "lumbar", "thoracic", "neck", "head", "head_turn", "nod", "twist",
    "near_shoulder", "near_elbow", "far_shoulder", "far_elbow",
    "near_hip", "near_knee", "near_ankle", "far_hip", "far_knee", "far_ankle",
)  # fmt: skip

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

#: Named points of the body, usable in ``rest_on``, ``arrow`` and prop anchors.
POINT_NAMES: tuple[str, ...] = (
    "hip", "waist", "chest", "neck_base", "head", "nose",
    "near_shoulder", "far_shoulder", "near_elbow", "near_hand", "far_elbow", "far_hand",
    "near_hip", "far_hip", "near_knee", "near_ankle", "near_toe", "far_knee", "far_ankle",
    "far_toe",
)  # fmt: skip


@dataclass
class Segment:
    """One drawn capsule of the body: from ``start`` to ``end`` with a half-thickness."""

    name: str
    start: Point
    end: Point
    radius: float
    layer: str  # "far", "body" or "near": the drawing order and shade


@dataclass
class Body:
    """A posed figure: its segments, head and named points, in floor coordinates."""

    view: str
    segments: list[Segment]
    head_centre: Point
    head_radius: float
    points: dict[str, Point]
    face_dir: float  # degrees; where the face points (side) or the turn (front)
    head_turn: float = 0.0
    nose: Point | None = None
    nod: float = 0.0  # degrees the head tips forward, chin down (front and above views)

    def shifted(self, dx: float, dy: float) -> Body:
        """Return the same body moved by ``(dx, dy)``."""

        def mv(p: Point) -> Point:
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
