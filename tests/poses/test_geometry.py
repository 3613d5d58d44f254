"""Tests for the posed geometry: what each picture shows, read in body heights, not pixels."""

from __future__ import annotations

import math

import pytest

from backstretch_kit.poses import PHASES
from backstretch_kit.poses._geometry import pose_body
from backstretch_kit.poses._load import pose_table
from backstretch_kit.poses._parse import Pose
from backstretch_kit.poses._skeleton import ANGLE_COLUMNS, Body


def posed(stretch_id: str, phase: str) -> Pose:
    """The checked pose of one stretch and phase: its body and placed props."""
    return pose_table().pose(stretch_id, phase)


def point(stretch_id: str, phase: str, name: str) -> tuple[float, float]:
    return posed(stretch_id, phase).body.points[name]


def gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def elevation(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Degrees above the floor of the line from ``a`` to ``b``."""
    return math.degrees(math.atan2(b[1] - a[1], abs(b[0] - a[0])))


def front(**angles: float) -> Body:
    """A figure standing upright, seen from the front, with the given angles changed."""
    return pose_body("front", dict.fromkeys(ANGLE_COLUMNS, 0.0) | {"trunk": 90.0} | angles, {})


def test_every_pose_rests_on_its_point_with_nothing_below_the_floor():
    """Each pose sits its resting point at x = 0 on the floor (or bed), nothing far below it."""
    for (stretch_id, phase), pose in pose_table().poses.items():
        body = pose.body
        assert body.points[pose.rest_on][0] == pytest.approx(0.0, abs=1e-12), stretch_id
        if body.view in ("side", "front"):
            assert body.lowest()[1] >= -0.012, (stretch_id, phase)


def test_butterfly_has_soles_together_and_knees_out():
    """Butterfly: seated, feet together in the middle, knees far out and sinking in the stretch."""
    for phase in PHASES:
        knees = abs(point("butterfly-stretch", phase, "near_knee")[0])
        knees += abs(point("butterfly-stretch", phase, "far_knee")[0])
        near_ankle = point("butterfly-stretch", phase, "near_ankle")
        far_ankle = point("butterfly-stretch", phase, "far_ankle")
        feet = abs(near_ankle[0] - far_ankle[0])
        assert feet < 0.06, phase  # soles together
        assert knees > 6 * feet, phase  # knees out to the sides, far wider than the feet
        assert gap(point("butterfly-stretch", phase, "near_hand"), near_ankle) < 0.07, phase
        # sitting: the hips stay low, on a folded blanket, not up in a squat
        assert point("butterfly-stretch", phase, "hip")[1] < 0.16, phase
    start_knee = point("butterfly-stretch", "start", "near_knee")[1]
    assert point("butterfly-stretch", "stretch", "near_knee")[1] < start_knee - 0.05


@pytest.mark.parametrize("stretch_id", ["knee-to-chest", "single-knee-to-chest"])
def test_knee_to_chest_hugs_the_knee_in(stretch_id):
    """Knee to chest: in the stretch the knee is close to the chest and the hands hold it."""
    start_gap = gap(point(stretch_id, "start", "near_knee"), point(stretch_id, "start", "chest"))
    knee = point(stretch_id, "stretch", "near_knee")
    assert gap(knee, point(stretch_id, "stretch", "chest")) < 0.18
    assert start_gap > 0.35
    assert gap(point(stretch_id, "stretch", "near_hand"), knee) < 0.08


def test_chin_tuck_slides_straight_back():
    """Chin tuck: the point the arrow follows slides straight back, not up or down."""
    pose = posed("chin-tuck", "stretch")
    name = pose.arrow[0]
    (x0, y0), (x1, y1) = point("chin-tuck", "start", name), pose.body.points[name]
    assert x1 - x0 < -0.02  # the figure faces +x: backward is -x
    assert abs(y1 - y0) <= 0.2 * abs(x1 - x0)


def test_seated_forward_bend_is_a_gentle_fold():
    """Seated forward bend: a gentle fold from the hips, well short of lying on the legs."""
    pose = posed("seated-forward-bend", "stretch")
    body = pose.body
    assert elevation(body.points["hip"], body.points["neck_base"]) > 50
    assert pose.angles["near_hip"] <= 115
    assert body.head_centre[1] > 0.3  # the head stays well above the knees
    assert body.points["near_hand"][0] < body.points["near_toe"][0]  # no reaching past the feet


def test_neck_to_opposite_knee_tips_the_chin_down_toward_that_knee():
    """Neck to the opposite knee: the head turns and drops toward that knee, not ear to shoulder."""
    start, pose = posed("neck-to-opposite-knee", "start"), posed("neck-to-opposite-knee", "stretch")
    assert pose.angles["nod"] >= 40 and pose.angles["head_turn"] > 0
    assert abs(pose.angles["neck"]) <= 15  # little side bend
    head, base = pose.body.head_centre, pose.body.points["neck_base"]
    # the figure's far (left) knee is on the viewer's right, where the head goes
    assert pose.body.points["far_knee"][0] > base[0] and head[0] > base[0] + 0.03
    assert head[1] < start.body.head_centre[1] - 0.04
    # chin down: the nose sits low on the face
    assert pose.body.points["nose"][1] < head[1] - 0.8 * pose.body.head_radius


def test_seated_chair_twist_sits_sideways_holding_the_back_rest():
    """Seated chair twist: the chair's back rest is beside the sitter, who turns to hold it."""
    for phase in PHASES:
        pose = posed("seated-spinal-twist", phase)
        chair = next(p for p in pose.placed if p.kind == "chair")
        back = max((pts for kind, pts in chair.shapes if kind == "line"), key=lambda p: p[1][1])
        back_x, hip = back[0][0], pose.body.points["hip"]
        assert back[1][1] > hip[1]  # a back rest standing above the seat
        assert back_x - hip[0] > 0.1  # beside the sitter, on the side the turn goes
        assert abs(pose.body.points["far_hand"][0] - back_x) < 0.03
    pose = posed("seated-spinal-twist", "stretch")
    assert pose.angles["twist"] > 30 and pose.angles["head_turn"] > 30
    assert abs(pose.body.points["near_hand"][0] - back_x) < 0.03  # both hands on it


def test_pigeon_is_up_on_the_hands_with_the_back_leg_long():
    """Pigeon: trunk fairly upright on straight arms, front knee ahead, back leg long behind."""
    body = posed("pigeon-pose", "stretch").body
    hip = body.points["hip"]
    assert elevation(hip, body.points["neck_base"]) > 50
    for hand in ("near_hand", "far_hand"):
        assert body.points[hand][1] < 0.04  # on the floor
    assert body.points["near_knee"][0] - hip[0] > 0.15
    assert hip[0] - body.points["far_knee"][0] > 0.2
    assert hip[0] - body.points["far_toe"][0] > 0.5
    assert hip[1] < 0.12  # the hips sink toward the floor
    start = posed("pigeon-pose", "start").body  # from hands and knees
    assert start.points["near_hand"][1] < 0.04 and start.points["near_knee"][1] < 0.05


def test_figure_four_rests_the_ankle_on_the_other_knee():
    """Figure four: in a side view, the crossed ankle rests on top of the other knee."""
    for phase in PHASES:
        pose = posed("figure-four-stretch", phase)
        ankle, knee = pose.body.points["near_ankle"], pose.body.points["far_knee"]
        assert pose.view == "side"
        assert gap(ankle, knee) < 0.06 and ankle[1] > knee[1], phase
    start, stretch = posed("figure-four-stretch", "start"), posed("figure-four-stretch", "stretch")
    assert start.body.points["far_toe"][1] < 0.06  # the other foot on the floor
    assert stretch.body.points["far_toe"][1] > 0.1  # then drawn in toward the chest
    assert gap(stretch.body.points["far_knee"], stretch.body.points["chest"]) < gap(
        start.body.points["far_knee"], start.body.points["chest"]
    )


def test_a_nod_drops_the_head_toward_the_side_it_faces():
    """nod (front views): the head drops, toward the viewer's right when turned right."""
    level, down = front().head_centre, front(nod=50).head_centre
    turned = front(nod=50, head_turn=40).head_centre
    assert level[0] == pytest.approx(0.0, abs=1e-12)
    assert down[0] == pytest.approx(0.0, abs=1e-12) and down[1] < level[1] - 0.03
    assert turned[0] > 0.03 and turned[1] == pytest.approx(down[1])
    assert front(head_turn=40).head_centre == pytest.approx(level)  # a turn alone stays put


def test_a_twist_narrows_the_shoulders_seen_from_the_front():
    """twist turns the shoulders away from the viewer, so they look narrower."""

    def width(body: Body) -> float:
        return gap(body.points["near_shoulder"], body.points["far_shoulder"])

    assert width(front(twist=60)) == pytest.approx(width(front()) / 2)
