"""Tests for the pictograms kept on disk between sessions (poses/_picture_cache.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backstretch_kit.poses import PoseError, _picture_cache, _render, picture_bytes


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty cache folder, and nothing drawn in memory yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("BACKSTRETCH_CACHE_DIR", str(folder))
    new_session()
    return folder


def new_session() -> None:
    """Forget what this process drew and worked out, as a new kernel would; disk stays."""
    _render._DRAWN.clear()
    _render._FIGURES.clear()
    _picture_cache._GENERATIONS.clear()


def kept_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("pictures/*/*"))


def forbid_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(*_args, **_kwargs):
        raise AssertionError("drawn, though the picture was on disk")

    monkeypatch.setattr(_render, "draw_stretch", no)


def test_a_drawn_picture_is_kept_and_read_back_without_drawing(cache, monkeypatch):
    """The second session's picture comes from disk: the very bytes, nothing drawn."""
    png = picture_bytes("cat-stretch", dpi=20)
    svg = picture_bytes("cat-stretch", phase="start", fmt="svg")
    assert kept_files(cache) == ["cat-stretch.start.120.svg", "cat-stretch.stretch.20.png"]
    new_session()
    forbid_drawing(monkeypatch)
    assert picture_bytes("cat-stretch", dpi=20) == png
    assert picture_bytes("cat-stretch", phase="start", fmt="svg") == svg


def test_a_changed_drawing_code_or_library_is_a_new_generation(cache, monkeypatch, tmp_path):
    """Any change to what decides a picture's looks draws it anew; the old folder goes."""
    painter = tmp_path / "painter.py"
    painter.write_text("# version 1\n")
    monkeypatch.setattr(_picture_cache, "_DRAWING_CODE", (painter,))
    picture_bytes("cat-stretch", dpi=20)
    (first,) = (cache / "pictures").iterdir()
    painter.write_text("# version 2\n")
    new_session()
    drawn = []
    real = _render.draw_stretch
    monkeypatch.setattr(_render, "draw_stretch", lambda *a, **k: drawn.append(a) or real(*a, **k))
    picture_bytes("cat-stretch", dpi=20)
    assert drawn == [("cat-stretch",)]
    (second,) = (cache / "pictures").iterdir()
    assert second != first
    monkeypatch.setattr(_picture_cache.metadata, "version", lambda _name: "99.0")
    new_session()
    picture_bytes("cat-stretch", dpi=20)
    assert len(drawn) == 2 and not second.exists()  # a new matplotlib: drawn again too


def test_a_torn_file_is_drawn_again_and_replaced(cache):
    """A file that is not a whole picture of its format is never shown."""
    good = picture_bytes("cat-stretch", dpi=20)
    (kept,) = cache.glob("pictures/*/*")
    kept.write_bytes(b"\x89P")  # cut short
    new_session()
    assert picture_bytes("cat-stretch", dpi=20) == good
    assert kept.read_bytes() == good
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_cache_that_cannot_be_written_only_means_drawing(cache, monkeypatch):
    """A read-only home or a full disk: the picture is drawn and shown, no error."""
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("a file where the cache folder should be")
    png = picture_bytes("cat-stretch", dpi=20)
    assert png.startswith(b"\x89PNG")
    assert cache.read_text().startswith("a file")  # left alone


def test_a_cached_picture_still_refuses_an_unknown_phase(cache, monkeypatch):
    """The checks a drawing makes are made before the cache is asked."""
    picture_bytes("cat-stretch", dpi=20)
    forbid_drawing(monkeypatch)
    with pytest.raises(PoseError, match="middle"):
        picture_bytes("cat-stretch", phase="middle", dpi=20)


def test_a_timer_with_its_pictures_kept_needs_no_matplotlib(cache):
    """What the cache is for: a guided session's timer starts without importing matplotlib."""
    script = textwrap.dedent(
        """
        import sys
        import backstretch_kit as bk
        from backstretch_kit.widgets import TimerWidget
        timer = TimerWidget(bk.load_routine("desk-break"))
        print(len(timer.schedule["pictures"]), "matplotlib" in sys.modules)
        """
    )
    env = {**os.environ, "BACKSTRETCH_CACHE_DIR": str(cache)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0][1] == "True"  # the first time the pictures are drawn
    assert runs[1] == [runs[0][0], "False"]  # then read back, the same number of them
    assert int(runs[0][0]) > 0
