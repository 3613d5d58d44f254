"""Tests for the stick-figure pictograms: pose data checks, drawing and file output."""

from __future__ import annotations

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
