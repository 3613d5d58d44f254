"""Tests for reading and checking data/poses.csv: what loads, and each refusal's message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit import load_stretches
from backstretch_kit._data import data_path
from backstretch_kit.poses import PHASES, PoseError, load_poses


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
    assert set(poses["stretch_id"]) == set(load_stretches().index)
    counts = poses.groupby("stretch_id", observed=True)["phase"].apply(
        lambda p: sorted(map(str, p))
    )
    assert all(c == sorted(PHASES) for c in counts)


def test_each_side_stretches_say_which_side_is_drawn():
    """An each-side stretch names the side drawn; a both-sides stretch leaves it blank."""
    poses = load_poses().drop_duplicates("stretch_id").set_index("stretch_id")
    for stretch_id, sides in load_stretches()["sides"].items():
        side = poses.loc[stretch_id, "side_drawn"]
        assert (side in ("left", "right")) == (sides == "each side"), stretch_id


# (stretch, phase, column, bad value, column named in the error, what else it says)
BAD_CELLS = [
    ("standing-hamstring-step", "stretch", "near_knee", "-35", "near_knee", "-35 degrees"),
    ("seated-rhomboid-stretch", "start", "far_elbow", "-40", "far_elbow", "-40 degrees"),
    ("cat-stretch", "stretch", "trunk", "-90", "rest_on", "upper trunk goes .* through the floor"),
    ("cow-stretch", "start", "stretch_id", "moo-stretch", "stretch_id", "moo-stretch"),
    ("pelvic-tilt", "stretch", "near_hip", "forty", "near_hip", "'forty' is not a number"),
    ("pelvic-tilt", "stretch", "near_hip", "inf", "near_hip", "'inf' is not a number"),
    ("chin-tuck", "start", "props", "sofa", "props", "'sofa' is not one of"),
    ("chin-tuck", "start", "props", "strap:near_toe+elbowz", "props", "'elbowz'"),
    ("chin-tuck", "start", "rest_on", "elbowz", "rest_on", "'elbowz' is not a body point"),
    ("chin-tuck", "stretch", "phase", "middle", "phase", "'middle' is not one of"),
    ("chin-tuck", "stretch", "view", "top", "view", "'top' is not one of"),
    ("chin-tuck", "stretch", "nod", "20", "nod", "20 degrees: in the side views"),
    ("chin-tuck", "stretch", "head_turn", "20", "head_turn", "20 degrees: a turn toward"),
    ("neck-to-opposite-knee", "stretch", "nod", "95", "nod", "95 degrees is outside"),
    ("chin-tuck", "stretch", "arrow", "nose 0 0 0.5", "arrow", "off 0.5"),
    ("chin-tuck", "stretch", "arrow", "nose 0 0 0 1", "arrow", "is not 'point"),
    ("chin-tuck", "stretch", "arrow", "nose a", "arrow", "'nose a': bend, shift and off must"),
    ("chin-tuck", "stretch", "arrow", "", "arrow", "blank: the stretch phase needs an arrow"),
    ("chin-tuck", "stretch", "side_drawn", "left", "side_drawn", "'left': a both-sides"),
    ("chin-tuck", "stretch", "side_drawn", "up", "side_drawn", "'up' is not left, right"),
    ("chin-tuck", "stretch", "tint", "spleen", "tint", "'spleen' is not a segment"),
    ("chin-tuck", "stretch", "tint", "neck:front", "tint", "can only be back"),
    ("neck-side-bend", "stretch", "tint", "neck:back", "tint", "'neck:back': .* side views"),
    ("chin-tuck", "stretch", "scale", "thigh=x", "scale", "'thigh=x' is not part=factor"),
    ("chin-tuck", "stretch", "scale", "tail=0.5", "scale", "'tail=0.5': needs a body part"),
    (
        "seated-spinal-twist",
        "start",
        "props",
        "chair:hip+neck_base",
        "props",
        "chair back at neck_base",
    ),
]


@pytest.mark.parametrize(
    ("stretch_id", "phase", "column", "value", "named", "says"),
    BAD_CELLS,
    ids=[f"{c[2]}={c[3] or 'blank'}" for c in BAD_CELLS],
)
def test_a_bad_cell_is_refused_naming_file_row_stretch_column_and_why(
    shipped, tmp_path, stretch_id, phase, column, value, named, says
):
    """One bad cell is refused with the file, its row, the stretch, the column and the value."""
    broken = shipped.copy()
    i = row_of(broken, stretch_id, phase)
    broken.loc[i, column] = value
    path = write_copy(broken, tmp_path)
    with pytest.raises(PoseError, match=says) as info:
        load_poses(path)
    message = str(info.value)
    shown_id = value if column == "stretch_id" else stretch_id
    assert message.startswith(f"{path}, row {i + 2}, stretch {shown_id!r}, column {named!r}: ")


def test_a_missing_phase_or_a_repeated_one_is_refused(shipped, tmp_path):
    """A stretch with one phase, or one phase twice, is refused naming the stretch and phase."""
    broken = shipped.drop(index=row_of(shipped, "cat-stretch", "start"))
    with pytest.raises(PoseError, match=r"'cat-stretch': column 'phase' has no 'start' row"):
        load_poses(write_copy(broken, tmp_path))
    broken = shipped.copy()
    i = row_of(broken, "cat-stretch", "stretch")
    broken.loc[i, "phase"] = "start"
    with pytest.raises(PoseError, match=rf"row {i + 2}, stretch 'cat-stretch': phase 'start'"):
        load_poses(write_copy(broken, tmp_path))


def test_phases_seen_differently_are_refused(shipped, tmp_path):
    """Both phases of a stretch share their view and side, or the pair is refused."""
    broken = shipped.copy()
    broken.loc[row_of(broken, "chin-tuck", "start"), "view"] = "above-side"
    with pytest.raises(PoseError, match=r"'chin-tuck': columns 'view' and 'side_drawn'"):
        load_poses(write_copy(broken, tmp_path))


def test_a_missing_column_or_an_unreadable_file_is_refused(shipped, tmp_path):
    """A file without a needed column, or that is not there, is refused naming the file."""
    path = write_copy(shipped.drop(columns="trunk"), tmp_path)
    with pytest.raises(PoseError, match=rf"{path}: missing column\(s\) trunk"):
        load_poses(path)
    with pytest.raises(PoseError, match="cannot read the pose data"):
        load_poses(tmp_path / "nowhere.csv")


def test_a_header_only_file_loads_empty(shipped, tmp_path):
    """A pose file with no rows loads as an empty table with every column."""
    poses = load_poses(write_copy(shipped.iloc[0:0], tmp_path))
    assert poses.empty
    assert list(poses.columns) == list(shipped.columns)


def test_a_pose_file_without_the_nod_column_still_loads(shipped, tmp_path):
    """Older pose files have no nod column: it reads as 0."""
    old = shipped[shipped["stretch_id"] != "neck-to-opposite-knee"]  # this one needs a nod
    poses = load_poses(write_copy(old.drop(columns="nod"), tmp_path))
    assert (poses["nod"] == 0).all()


def test_arrow_cells_are_written_back_as_in_the_file():
    """The arrow's numbers come back as written; the usual stand-off goes unsaid."""
    poses = load_poses().set_index(["stretch_id", "phase"])
    assert poses.loc[("chin-tuck", "stretch"), "arrow"] == "nose 0 -0.13 -0.03"
    assert poses.loc[("cat-stretch", "stretch"), "arrow"] == "chest 0 0.14"
    assert poses.loc[("cat-stretch", "start"), "arrow"] == ""


def test_a_catalog_of_your_own_checks_the_ids(shipped, tmp_path):
    """With stretches= the ids are checked against that catalog instead of the shipped one."""
    catalog = load_stretches().drop(index="chin-tuck")
    with pytest.raises(PoseError, match=r"'chin-tuck', column 'stretch_id'"):
        load_poses(write_copy(shipped, tmp_path), stretches=catalog)


def test_importing_poses_does_not_import_matplotlib():
    """matplotlib is loaded only when something is drawn, not to read and check poses."""
    code = (
        "import sys, backstretch_kit.poses as p; p.load_poses(); print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
