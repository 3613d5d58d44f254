"""Tests for painting a pose: the frame of every pose, and what a drawing holds.

Painting all 86 poses took most of this folder's time. Instead every pose's frame is
checked as arithmetic (no drawing), and a few poses chosen from the data so that between
them they take every branch of the painter (each view, side, prop shape, kind of tint,
face) are drawn and read back.
"""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from backstretch_kit import AREA_COLOURS, load_stretches
from backstretch_kit.poses import draw_stretch
from backstretch_kit.poses._load import pose_table
from backstretch_kit.poses._paint import WINDOW, Window, arrow_path, picture_window
from backstretch_kit.poses._parse import Pose
from backstretch_kit.poses._skeleton import FLOOR_VIEWS


def paint_features(pose: Pose) -> set[str]:
    """The branches of the painter a pose takes: view, phase, side, props, tint, face."""
    body = pose.body
    features = {f"view {pose.view}", f"phase {pose.phase}", f"side {pose.side_drawn or '-'}"}
    features |= {f"prop {prop.kind}" for prop in pose.placed}
    features |= {f"shape {kind}" for prop in pose.placed for kind, _ in prop.shapes}
    features |= {f"tint {t.partition(':')[2] or 'whole'}" for t in pose.tint}
    features |= {f"tinted {s.layer}" for s in body.segments if s.name in pose.tint}
    if body.nod > 0:
        features.add("nodding")
    if body.nod > 30 or abs(body.head_turn) > 30:
        features.add("nose on the edge of the face")
    return features


def covering_poses() -> list[Pose]:
    """Few poses that between them take every branch any shipped pose takes (greedy cover)."""
    poses = list(pose_table().poses.values())
    wanted = set().union(*map(paint_features, poses))
    chosen = []
    while wanted:
        best = max(poses, key=lambda pose: len(paint_features(pose) & wanted))
        chosen.append(best)
        wanted -= paint_features(best)
    return chosen


COVERING = covering_poses()


def patches_with(fig: Figure, *gids: str) -> list:
    return [p for p in fig.axes[0].patches if p.get_gid() in gids]


def inside(window: Window, point: tuple[float, float]) -> bool:
    (left, right), (bottom, top) = window.xlim, window.ylim
    return left <= point[0] <= right and bottom <= point[1] <= top


def test_every_pose_fits_its_picture_at_one_scale():
    """Each pose's body, props and arrow lie inside its frame, of one shape and scale."""
    table = pose_table()
    for (stretch_id, phase), pose in table.poses.items():
        start = table.pose(stretch_id, "start").body
        arrow_from = start.points[pose.arrow[0]] if pose.arrow else None
        window = picture_window(pose.body, list(pose.placed), arrow_from)
        x0, y0, x1, y1 = pose.body.bounds()
        assert inside(window, (x0, y0)) and inside(window, (x1, y1)), (stretch_id, phase)
        width, height = window.xlim[1] - window.xlim[0], window.ylim[1] - window.ylim[0]
        assert width >= WINDOW[0] - 1e-9 and height >= WINDOW[1] - 1e-9  # never smaller
        assert width / height == pytest.approx(WINDOW[0] / WINDOW[1])
        for prop in pose.placed:
            for kind, pts in prop.shapes:
                corners = pts[:1] if kind == "circle" else pts  # a circle's second item is r
                assert all(inside(window, p) for p in corners), (stretch_id, phase, prop.kind)
        if pose.arrow:
            name, bend, shift, off = pose.arrow
            moves = start.points[name], pose.body.points[name]
            tail, head, _ = arrow_path(*moves, bend, shift, pose.body.points["chest"], off)
            assert inside(window, tail) and inside(window, head), (stretch_id, "arrow")


def test_a_standing_figure_gets_the_usual_frame():
    """A pose that fits the usual frame is not enlarged: every picture shares one scale."""
    pose = pose_table().pose("chin-tuck", "start")
    window = picture_window(pose.body, list(pose.placed))
    assert window.xlim[1] - window.xlim[0] == pytest.approx(WINDOW[0])
    assert window.ylim == pytest.approx((-0.08, -0.08 + WINDOW[1]))


def test_a_few_poses_cover_every_branch_of_the_painter():
    """The poses drawn below take every painting branch that any pose takes, and are few."""
    assert set().union(*map(paint_features, COVERING)) == set().union(
        *map(paint_features, pose_table().poses.values())
    )
    assert len(COVERING) <= len(pose_table().poses) // 4


@pytest.mark.parametrize("pose", COVERING, ids=[f"{p.stretch_id}-{p.phase}" for p in COVERING])
def test_a_pose_draws_its_body_props_arrow_and_labels(pose):
    """A drawing has a head, each prop, an arrow on the stretch phase only, and its labels."""
    fig = draw_stretch(pose.stretch_id, phase=pose.phase)
    ax = fig.axes[0]
    gids = {p.get_gid() for p in ax.patches} | {line.get_gid() for line in ax.lines}
    assert "head" in gids
    assert {prop.kind for prop in pose.placed} <= gids
    assert len(patches_with(fig, "arrow")) == (pose.phase == "stretch")
    labels = {t.get_text() for t in ax.texts}
    assert ("left side" in labels) == bool(pose.side_drawn)
    assert ("seen from above" in labels) == (pose.view not in FLOOR_VIEWS)
    assert ax.xaxis_inverted() == (pose.side_drawn == "right")


@pytest.mark.parametrize("stretch_id", ["knee-to-chest", "neck-side-bend", "lying-hamstring-strap"])
def test_area_tint_uses_the_chart_colours(stretch_id):
    """The stretched area is tinted in its AREA_COLOURS colour, read back from the artists."""
    area = load_stretches().loc[stretch_id, "body_area"]
    tints = patches_with(draw_stretch(stretch_id), "area-tint", "area-segment")
    assert tints
    colours = {to_hex(p.get_facecolor(), keep_alpha=False) for p in tints}
    assert colours == {AREA_COLOURS[area].lower()}


def test_chin_tuck_tints_the_nape_not_the_throat():
    """neck:back tints only behind the line of the neck, away from the face."""
    pose = pose_table().pose("chin-tuck", "stretch")
    neck = next(s for s in pose.body.segments if s.name == "neck")
    (sx, sy), (ex, ey) = neck.start, neck.end
    back = (sy - ey, ex - sx)  # square to the neck, toward the back of the head (faces +x)
    assert back[0] < 0
    tinted = patches_with(draw_stretch("chin-tuck"), "area-tint", "area-segment")
    assert tinted
    for patch in tinted:
        assert all((x - sx) * back[0] + (y - sy) * back[1] > -1e-9 for x, y in patch.get_xy())


def test_arrow_only_on_the_stretch_phase():
    """The movement arrow is drawn on the stretch phase and left off the start or on request."""
    assert len(patches_with(draw_stretch("cat-stretch"), "arrow")) == 1
    assert patches_with(draw_stretch("cat-stretch", phase="start"), "arrow") == []
    assert patches_with(draw_stretch("cat-stretch", show_arrow=False), "arrow") == []


def test_draw_into_a_given_axes_returns_its_figure():
    """Drawing into a caller's Axes uses it and returns that Axes' figure."""
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert draw_stretch("sphinx", ax=ax) is fig
    assert len(ax.patches) > 10
    assert fig.axes == [ax]


def test_each_side_pictures_show_the_left_side_the_timer_starts_with():
    """A pose written for the right side is drawn mirrored and labelled left, as the text says."""
    sides = {pose.side_drawn: pose.stretch_id for pose in pose_table().poses.values()}
    for side, inverted in (("right", True), ("left", False)):
        ax = draw_stretch(sides[side]).axes[0]
        labels = [t.get_text() for t in ax.texts]
        assert "left side" in labels and "right side" not in labels, sides[side]
        assert ax.xaxis_inverted() == inverted


def _luminance(colour: str) -> float:
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_corner_labels_are_large_and_dark_enough_to_read():
    """'left side' and 'seen from above' are 10 pt on a picture of its own, 8 pt on a sheet,
    and at least 7:1 against the mat they may sit on (they shrink to half in the timer)."""
    from backstretch_kit.poses import contact_sheet

    ax = draw_stretch("lying-spinal-twist").axes[0]  # seen from above, each side: both labels
    labels = {t.get_text(): t for t in ax.texts}
    assert set(labels) == {"left side", "seen from above"}
    mat = _luminance("#EEF0F2")
    for text in labels.values():
        assert text.get_fontsize() >= 10
        assert (mat + 0.05) / (_luminance(text.get_color()) + 0.05) >= 7
        assert text.get_zorder() > max(p.get_zorder() for p in ax.patches)
    sheet = contact_sheet(["lying-spinal-twist"]).axes[0]
    assert {t.get_fontsize() for t in sheet.texts} == {8.0}
