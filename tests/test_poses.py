"""Tests for the stick-figure pictograms: pose data checks, drawing and file output."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from backstretch_kit import AREA_COLOURS, load_stretches
from backstretch_kit._data import data_path
from backstretch_kit.poses import (
    PHASES,
    PoseError,
    contact_sheet,
    draw_stretch,
    load_poses,
    save_contact_sheet,
    save_stretch_picture,
    to_svg,
)


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    """The shipped pose CSV as plain text cells, to edit into broken copies."""
    return pd.read_csv(data_path("poses.csv"), dtype=str, keep_default_na=False)


def write_copy(frame: pd.DataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "poses.csv"
    frame.to_csv(path, index=False)
    return path


def row_of(frame: pd.DataFrame, stretch_id: str, phase: str) -> int:
    matches = frame.index[(frame["stretch_id"] == stretch_id) & (frame["phase"] == phase)]
    assert len(matches) == 1
    return int(matches[0])


def test_every_catalog_stretch_has_both_phases():
    """Each stretch in the catalog has exactly a start and a stretch pose, and no more."""
    poses = load_poses()
    catalog = load_stretches()
    assert set(poses["stretch_id"]) == set(catalog.index)
    counts = poses.groupby("stretch_id", observed=True)["phase"].apply(
        lambda p: sorted(map(str, p))
    )
    assert all(c == sorted(PHASES) for c in counts)


def test_every_stretch_draws_in_both_phases():
    """Every catalog stretch draws without error in both phases, as a figure with a body."""
    for stretch_id in load_stretches().index:
        for phase in PHASES:
            fig = draw_stretch(stretch_id, phase=phase)
            assert isinstance(fig, Figure)
            gids = {p.get_gid() for p in fig.axes[0].patches}
            assert "head" in gids, (stretch_id, phase)


def test_each_side_stretches_say_which_side_is_drawn():
    """An each-side stretch names the side drawn; a both-sides stretch leaves it blank."""
    poses = load_poses().drop_duplicates("stretch_id").set_index("stretch_id")
    catalog = load_stretches()
    for stretch_id, sides in catalog["sides"].items():
        side = poses.loc[stretch_id, "side_drawn"]
        assert (side in ("left", "right")) == (sides == "each side"), stretch_id


def test_knee_bent_backwards_is_refused(shipped, tmp_path):
    """A knee bent backwards is refused, naming the file row, the stretch and the joint."""
    broken = shipped.copy()
    i = row_of(broken, "standing-hamstring-step", "stretch")
    broken.loc[i, "near_knee"] = "-35"
    with pytest.raises(PoseError) as info:
        load_poses(write_copy(broken, tmp_path))
    message = str(info.value)
    assert "standing-hamstring-step" in message
    assert "'near_knee'" in message
    assert f"row {i + 2}" in message
    assert "-35" in message


def test_elbow_bent_backwards_is_refused(shipped, tmp_path):
    """An elbow bent backwards in a side view is refused with the joint named."""
    broken = shipped.copy()
    broken.loc[row_of(broken, "seated-rhomboid-stretch", "start"), "far_elbow"] = "-40"
    with pytest.raises(PoseError, match=r"seated-rhomboid-stretch.*'far_elbow'"):
        load_poses(write_copy(broken, tmp_path))


def test_trunk_through_the_floor_is_refused(shipped, tmp_path):
    """A trunk pointing down into the floor is refused, naming the stretch and the body part."""
    broken = shipped.copy()
    # the sphinx rests on its hips; aim the trunk down at the floor instead of up
    broken.loc[row_of(broken, "sphinx", "stretch"), "trunk"] = "-40"
    with pytest.raises(PoseError) as info:
        load_poses(write_copy(broken, tmp_path))
    message = str(info.value)
    assert "sphinx" in message
    assert "through the floor" in message
    assert "trunk" in message


def test_missing_phase_is_refused(shipped, tmp_path):
    """A stretch with only one phase is refused, naming the stretch, the column and the phase."""
    broken = shipped.drop(index=row_of(shipped, "cat-stretch", "start"))
    with pytest.raises(PoseError) as info:
        load_poses(write_copy(broken, tmp_path))
    message = str(info.value)
    assert "cat-stretch" in message
    assert "'phase'" in message
    assert "'start'" in message


def test_unknown_stretch_id_is_refused(shipped, tmp_path):
    """A pose for a stretch the catalog does not know is refused with the id named."""
    broken = shipped.copy()
    broken.loc[row_of(broken, "cow-stretch", "start"), "stretch_id"] = "moo-stretch"
    with pytest.raises(PoseError, match=r"moo-stretch.*'stretch_id'"):
        load_poses(write_copy(broken, tmp_path))


def test_non_numeric_angle_is_refused(shipped, tmp_path):
    """A word where an angle belongs is refused, naming the row, stretch, column and value."""
    broken = shipped.copy()
    i = row_of(broken, "pelvic-tilt", "stretch")
    broken.loc[i, "near_hip"] = "forty"
    with pytest.raises(PoseError) as info:
        load_poses(write_copy(broken, tmp_path))
    message = str(info.value)
    assert f"row {i + 2}" in message
    assert "pelvic-tilt" in message
    assert "'near_hip'" in message
    assert "forty" in message


def test_unknown_prop_and_body_point_are_refused(shipped, tmp_path):
    """Props and resting points must come from the known lists."""
    broken = shipped.copy()
    broken.loc[row_of(broken, "chin-tuck", "start"), "props"] = "sofa"
    with pytest.raises(PoseError, match=r"chin-tuck.*'props'.*sofa"):
        load_poses(write_copy(broken, tmp_path))
    broken = shipped.copy()
    broken.loc[row_of(broken, "chin-tuck", "start"), "rest_on"] = "elbowz"
    with pytest.raises(PoseError, match=r"chin-tuck.*'rest_on'.*elbowz"):
        load_poses(write_copy(broken, tmp_path))


def test_drawing_an_unknown_stretch_is_refused():
    """draw_stretch names a stretch that has no pose, and a phase that does not exist."""
    with pytest.raises(PoseError, match="no-such-stretch"):
        draw_stretch("no-such-stretch")
    with pytest.raises(PoseError, match="middle"):
        draw_stretch("knee-to-chest", phase="middle")


def test_area_tint_uses_the_chart_colours():
    """The stretched area is tinted in its AREA_COLOURS colour, read back from the artists."""
    catalog = load_stretches()
    for stretch_id in ("knee-to-chest", "neck-side-bend", "lying-hamstring-strap"):
        area = catalog.loc[stretch_id, "body_area"]
        fig = draw_stretch(stretch_id)
        tints = [p for p in fig.axes[0].patches if p.get_gid() in ("area-tint", "area-segment")]
        assert tints, stretch_id
        colours = {to_hex(p.get_facecolor(), keep_alpha=False) for p in tints}
        assert colours == {AREA_COLOURS[area].lower()}, stretch_id


def test_arrow_only_on_the_stretch_phase():
    """The movement arrow is drawn on the stretch phase and left off the start."""

    def arrows(fig: Figure) -> int:
        return sum(p.get_gid() == "arrow" for p in fig.axes[0].patches)

    assert arrows(draw_stretch("cat-stretch")) == 1
    assert arrows(draw_stretch("cat-stretch", phase="start")) == 0
    assert arrows(draw_stretch("cat-stretch", show_arrow=False)) == 0


def test_draw_into_a_given_axes_returns_its_figure():
    """Drawing into a caller's Axes uses it and returns that Axes' figure."""
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert draw_stretch("sphinx", ax=ax) is fig
    assert len(ax.patches) > 10
    assert fig.axes == [ax]


def test_svg_and_png_files_are_real(tmp_path):
    """save_stretch_picture writes a real PNG and SVG by suffix; to_svg returns SVG text."""
    png = save_stretch_picture("childs-pose", tmp_path / "childs.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = save_stretch_picture("childs-pose", tmp_path / "childs.svg", phase="start")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    inline = to_svg("childs-pose")
    assert inline.lstrip().startswith("<?xml") and "<svg" in inline
    assert to_svg("childs-pose") == inline  # the same drawing gives the same text
    with pytest.raises(PoseError, match=r"\.gif"):
        save_stretch_picture("childs-pose", tmp_path / "childs.gif")
    assert not (tmp_path / "childs.gif").exists()


def test_contact_sheet_has_one_panel_per_stretch():
    """The contact sheet draws every stretch, in catalog order, each titled with its name."""
    catalog = load_stretches()
    fig = contact_sheet()
    titles = [ax.get_title().replace("\n", " ") for ax in fig.axes]
    assert titles == list(catalog["name"])
    small = contact_sheet(ids=["cat-stretch", "cow-stretch"], phase="start")
    assert len(small.axes) == 2


def test_importing_poses_does_not_import_matplotlib():
    """matplotlib is loaded only when something is drawn."""
    code = (
        "import sys, backstretch_kit.poses as p; p.load_poses(); print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_a_header_only_file_loads_empty(shipped, tmp_path):
    """A pose file with no rows loads as an empty table with every column."""
    poses = load_poses(write_copy(shipped.iloc[0:0], tmp_path))
    assert poses.empty
    assert list(poses.columns) == list(shipped.columns)


# ---------------------------------------------------------------- what each picture shows
# These read the posed geometry (floor coordinates, in body heights), not pixels.


def posed(stretch_id: str, phase: str):
    """The checked pose of one stretch and phase: its body and placed props."""
    from backstretch_kit import poses

    _, table = poses._load(data_path("poses.csv"), None)
    return table[(stretch_id, phase)]


def point(stretch_id: str, phase: str, name: str) -> tuple[float, float]:
    return posed(stretch_id, phase).body.points[name]


def gap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def elevation(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Degrees above the floor of the line from ``a`` to ``b``."""
    return math.degrees(math.atan2(b[1] - a[1], abs(b[0] - a[0])))


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


def test_chin_tuck_slides_straight_back_with_the_nape_tinted():
    """Chin tuck: the arrow's point slides straight back, and the tint is on the nape only."""
    pose = posed("chin-tuck", "stretch")
    name = pose.arrow[0]
    (x0, y0), (x1, y1) = point("chin-tuck", "start", name), pose.body.points[name]
    assert x1 - x0 < -0.02  # the figure faces +x: backward is -x
    assert abs(y1 - y0) <= 0.2 * abs(x1 - x0)  # straight back, not up or down

    fig = draw_stretch("chin-tuck")
    neck = next(s for s in pose.body.segments if s.name == "neck")
    (sx, sy), (ex, ey) = neck.start, neck.end
    back = (sy - ey, ex - sx)  # square to the neck, toward the back of the head (faces +x)
    assert back[0] < 0
    tinted = [p for p in fig.axes[0].patches if p.get_gid() in ("area-tint", "area-segment")]
    assert tinted
    for patch in tinted:
        for x, y in patch.get_xy():
            # nothing tinted in front of the neck's line, where the throat is
            assert (x - sx) * back[0] + (y - sy) * back[1] > -1e-9


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


# ---------------------------------------------------------------- the geometry they needed


def test_a_nod_drops_the_head_toward_the_side_it_faces():
    """nod (front views): the head drops, toward the viewer's right when turned right."""
    from backstretch_kit import _figure as fg

    def head(**angles: float) -> tuple[float, float]:
        pose = dict.fromkeys(fg.ANGLE_COLUMNS, 0.0) | {"trunk": 90.0} | angles
        return fg.pose_body("front", pose, {}).head_centre

    level, down, turned = head(), head(nod=50), head(nod=50, head_turn=40)
    assert level[0] == pytest.approx(0.0, abs=1e-12)
    assert down[0] == pytest.approx(0.0, abs=1e-12) and down[1] < level[1] - 0.03
    assert turned[0] > 0.03 and turned[1] == pytest.approx(down[1])
    assert head(head_turn=40) == pytest.approx(level)  # a turn alone does not move the head


def test_nod_is_refused_in_a_side_view_and_past_its_range(shipped, tmp_path):
    """nod belongs to the front and above views and has a range, both named in the error."""
    broken = shipped.copy()
    i = row_of(broken, "chin-tuck", "stretch")
    broken.loc[i, "nod"] = "20"
    with pytest.raises(PoseError) as info:
        load_poses(write_copy(broken, tmp_path))
    assert f"row {i + 2}" in str(info.value) and "'nod'" in str(info.value)
    broken = shipped.copy()
    broken.loc[row_of(broken, "neck-to-opposite-knee", "stretch"), "nod"] = "95"
    with pytest.raises(PoseError, match=r"neck-to-opposite-knee.*'nod'.*95 degrees"):
        load_poses(write_copy(broken, tmp_path))


def test_a_pose_file_without_the_nod_column_still_loads(shipped, tmp_path):
    """Older pose files have no nod column: it reads as 0."""
    old = shipped.drop(columns="nod")
    old.loc[old["stretch_id"] == "neck-to-opposite-knee", "nod"] = ""  # this one needs it
    old = old.drop(columns="nod")
    old = old[old["stretch_id"] != "neck-to-opposite-knee"]
    poses = load_poses(write_copy(old, tmp_path))
    assert (poses["nod"] == 0).all()


def test_arrow_stand_off_is_read_checked_and_written_back(shipped, tmp_path):
    """The arrow's fourth number moves it off the body; a bad one is refused."""
    poses = load_poses().set_index(["stretch_id", "phase"])
    assert poses.loc[("chin-tuck", "stretch"), "arrow"] == "nose 0 -0.13 -0.03"
    assert poses.loc[("cat-stretch", "stretch"), "arrow"] == "chest 0 0.14"  # as in the file
    for bad, why in (("nose 0 0 0.5", "off 0.5"), ("nose 0 0 0 1", "point"), ("nose a", "numb")):
        broken = shipped.copy()
        broken.loc[row_of(broken, "chin-tuck", "stretch"), "arrow"] = bad
        with pytest.raises(PoseError, match=rf"chin-tuck.*'arrow'.*{why}"):
            load_poses(write_copy(broken, tmp_path))


def test_back_of_segment_tint_only_in_side_views(shipped, tmp_path):
    """'neck:back' is for side views; an unknown part after ':' is refused."""
    for stretch_id, tint, why in (
        ("neck-side-bend", "neck:back", "side views"),
        ("chin-tuck", "neck:front", "can only be back"),
    ):
        broken = shipped.copy()
        for phase in PHASES:
            broken.loc[row_of(broken, stretch_id, phase), "tint"] = tint
        with pytest.raises(PoseError, match=rf"{stretch_id}.*'tint'.*{why}"):
            load_poses(write_copy(broken, tmp_path))


def test_a_sideways_chair_needs_its_back_beside_the_seat(shipped, tmp_path):
    """A chair's second point puts its back rest there; one through the sitter is refused."""
    broken = shipped.copy()
    broken.loc[row_of(broken, "seated-spinal-twist", "start"), "props"] = "chair:hip+neck_base"
    with pytest.raises(PoseError, match=r"seated-spinal-twist.*'props'.*chair back at neck_base"):
        load_poses(write_copy(broken, tmp_path))


def test_save_contact_sheet_writes_the_docs_png(tmp_path):
    """save_contact_sheet writes the README's overview as a PNG, six pictures a row."""
    path = save_contact_sheet(tmp_path / "sheet.png", dpi=20)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == round(2.6 * 6 * 20)
    with pytest.raises(PoseError, match=r"\.svg"):
        save_contact_sheet(tmp_path / "sheet.svg")


def test_each_side_pictures_show_the_left_side_the_timer_starts_with():
    """A pose written for the right side is drawn mirrored and labelled left, as the text says."""
    import csv

    from backstretch_kit import poses
    from backstretch_kit._data import data_path

    poses_path = data_path("poses.csv")
    rows = list(csv.DictReader(poses_path.open(encoding="utf-8")))
    right = next(r["stretch_id"] for r in rows if r["side_drawn"] == "right")
    left = next(r["stretch_id"] for r in rows if r["side_drawn"] == "left")
    for stretch_id in (right, left):
        figure = poses.draw_stretch(stretch_id)
        labels = [t.get_text() for ax in figure.axes for t in ax.texts]
        assert "left side" in labels and "right side" not in labels, (stretch_id, poses_path)
    assert poses.draw_stretch(right).axes[0].xaxis_inverted()
    assert not poses.draw_stretch(left).axes[0].xaxis_inverted()
