"""Tests for turning pictograms into bytes and files: the one path every caller uses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit import load_stretches
from backstretch_kit._data import data_path
from backstretch_kit.poses import (
    PoseError,
    _load,
    _render,
    contact_sheet,
    picture_bytes,
    save_contact_sheet,
    save_stretch_picture,
    to_svg,
)
from backstretch_kit.poses._render import sheet_ids

PNG = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, from a PNG's header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def forget_pictures(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Empty both picture caches: memory, and disk (by pointing it at an empty folder)."""
    _render._DRAWN.clear()
    _render._FIGURES.clear()
    monkeypatch.setenv("BACKSTRETCH_CACHE_DIR", str(folder))


@pytest.mark.parametrize(("fmt", "head"), [("png", PNG), ("svg", b"<?xml")])
def test_picture_bytes_are_a_real_file_and_the_same_every_time(fmt, head, tmp_path, monkeypatch):
    """picture_bytes gives a PNG or SVG file, the same bytes for the same picture."""
    forget_pictures(monkeypatch, tmp_path / "first")
    data = picture_bytes("childs-pose", fmt=fmt, dpi=20)
    assert data is not None and data.startswith(head)
    forget_pictures(monkeypatch, tmp_path / "second")  # drawn again, not taken from a cache
    assert picture_bytes("childs-pose", fmt=fmt, dpi=20) == data
    assert picture_bytes("childs-pose", phase="start", fmt=fmt, dpi=20) != data


def test_a_picture_is_drawn_once_until_the_pose_data_changes(monkeypatch, tmp_path):
    """The slow drawing is done once per picture; a changed pose file draws anew."""
    drawn = []

    def counting(stretch_id, **kwargs):
        drawn.append(stretch_id)
        return real_draw(stretch_id, **kwargs)

    real_draw = _render.draw_stretch
    monkeypatch.setattr(_render, "draw_stretch", counting)
    forget_pictures(monkeypatch, tmp_path / "cache")
    first = picture_bytes("cat-stretch", dpi=20)
    assert picture_bytes("cat-stretch", dpi=20) is first
    picture_bytes("cat-stretch", fmt="svg")  # another file of the same drawing: saved only
    picture_bytes("cat-stretch", phase="start", dpi=20)  # another drawing: drawn
    assert drawn == ["cat-stretch", "cat-stretch"]
    copy = tmp_path / "poses.csv"
    copy.write_bytes(data_path("poses.csv").read_bytes())
    monkeypatch.setattr(
        _load, "data_path", lambda name: copy if name == "poses.csv" else data_path(name)
    )
    # a new table with the same poses: the picture kept on disk, not drawn again
    assert picture_bytes("cat-stretch", dpi=20) == first
    assert drawn == ["cat-stretch"] * 2
    # other poses: drawn again, and a different picture
    text = copy.read_text()
    copy.write_text(
        text.replace(
            "cat-stretch,stretch,side,35,20,30,45,", "cat-stretch,stretch,side,35,20,30,40,"
        )
    )
    assert picture_bytes("cat-stretch", dpi=20) != first
    assert drawn == ["cat-stretch"] * 3


def test_one_drawing_saved_in_both_formats_is_what_fresh_drawings_give(monkeypatch, tmp_path):
    """A handout's SVG (HTML) and PNG (PDF) come from one drawing: the same bytes as
    a drawing of its own for each, in either order."""
    for first, second in (("svg", "png"), ("png", "svg")):
        forget_pictures(monkeypatch, tmp_path / f"{first}-both")
        shared = {fmt: picture_bytes("knee-to-chest", fmt=fmt, dpi=30) for fmt in (first, second)}
        for fmt in (first, second):
            forget_pictures(monkeypatch, tmp_path / f"{first}-{fmt}-alone")
            assert picture_bytes("knee-to-chest", fmt=fmt, dpi=30) == shared[fmt]


def test_picture_bytes_follow_the_dpi():
    """A pictogram is 3.5 by 2.6 inches: its PNG is that many pixels at each dpi."""
    assert png_size(picture_bytes("cat-stretch", dpi=20)) == (70, 52)
    assert png_size(picture_bytes("cat-stretch", dpi=40)) == (140, 104)


def test_svg_has_no_date_and_keeps_its_text():
    """The SVG carries no creation date and keeps labels as text, so it diffs cleanly."""
    svg = picture_bytes("neck-side-bend", fmt="svg").decode()  # an each-side stretch
    assert "<dc:date>" not in svg
    assert "left side" in svg


def test_a_stretch_without_a_pose_has_no_picture():
    """A stretch the pose data does not know (a catalog of your own) gives None, not an error."""
    assert picture_bytes("my-own-stretch") is None
    assert picture_bytes("my-own-stretch", fmt="svg") is None


def test_bad_requests_are_refused():
    """An unknown format or phase is an error, not a missing picture."""
    with pytest.raises(PoseError, match="'gif'"):
        picture_bytes("cat-stretch", fmt="gif")
    with pytest.raises(PoseError, match="middle"):
        picture_bytes("cat-stretch", phase="middle")


def test_a_broken_pose_file_is_raised_not_hidden(tmp_path, monkeypatch):
    """A shipped pose file that fails its checks raises PoseError, never "no picture"."""
    broken = pd.read_csv(data_path("poses.csv"), dtype=str, keep_default_na=False)
    broken.loc[0, "rest_on"] = "elbowz"
    path = tmp_path / "poses.csv"
    broken.to_csv(path, index=False)
    shipped = _load.data_path
    monkeypatch.setattr(
        _load, "data_path", lambda name: path if name == "poses.csv" else shipped(name)
    )
    with pytest.raises(PoseError, match="row 2, .*'elbowz'"):
        picture_bytes(broken.loc[0, "stretch_id"])


def test_drawing_an_unknown_stretch_is_refused():
    """draw_stretch and to_svg name a stretch that has no pose, and a phase that does not exist."""
    with pytest.raises(PoseError, match="no-such-stretch"):
        to_svg("no-such-stretch")
    with pytest.raises(PoseError, match="middle"):
        to_svg("knee-to-chest", phase="middle")


def test_svg_and_png_files_are_real(tmp_path):
    """save_stretch_picture writes PNG or SVG by suffix, the same bytes as picture_bytes."""
    png = save_stretch_picture("childs-pose", tmp_path / "childs.png")
    assert png.read_bytes() == picture_bytes("childs-pose")
    svg = save_stretch_picture("childs-pose", tmp_path / "childs.svg", phase="start")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    assert to_svg("childs-pose", phase="start") == text
    with pytest.raises(PoseError, match=r"\.gif"):
        save_stretch_picture("childs-pose", tmp_path / "childs.gif")
    assert not (tmp_path / "childs.gif").exists()


def test_the_contact_sheet_shows_every_posed_stretch_in_catalog_order():
    """By default the sheet takes every stretch with a pose, in catalog order."""
    assert sheet_ids() == list(load_stretches().index)


def test_contact_sheet_titles_each_panel_with_its_name():
    """Each panel of a contact sheet is one stretch, titled with its catalog name."""
    fig = contact_sheet(ids=["cat-stretch", "cow-stretch"], phase="start")
    titles = [ax.get_title().replace("\n", " ") for ax in fig.axes]
    assert titles == list(load_stretches().loc[["cat-stretch", "cow-stretch"], "name"])


def test_save_contact_sheet_writes_a_png_six_pictures_a_row(tmp_path):
    """save_contact_sheet writes a PNG six pictures wide; anything but .png is refused."""
    path = save_contact_sheet(tmp_path / "sheet.png", dpi=20, ids=["cat-stretch", "sphinx"])
    data = path.read_bytes()
    assert data.startswith(PNG)
    assert png_size(data)[0] == round(2.6 * 6 * 20)
    with pytest.raises(PoseError, match=r"\.svg"):
        save_contact_sheet(tmp_path / "sheet.svg")


def test_docs_overview_is_written_by_save_contact_sheet():
    """docs/pictograms.png is the full contact sheet at the default dpi (checked by size)."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "pictograms.png"
    rows = -(-len(sheet_ids()) // 6)
    assert png_size(docs.read_bytes()) == (round(2.6 * 6 * 120), round((2.3 * rows + 0.35) * 120))
