"""Pictograms kept on disk between sessions, so a timer or a catalog needs no drawing.

Drawing a pictogram needs matplotlib (about 0.3 s to import) and about 0.05 s a
picture; the timer of a five-stretch routine paid both on every start. Yet a
picture of the shipped pose data is a pure function of a few inputs, so its
bytes are kept in the user cache folder (:func:`backstretch_kit._data.user_cache_dir`)
under a *generation*: a digest of everything that decides how the picture looks.

- the checked pose table itself and the shipped ``stretches.csv`` (a stretch's body
  area gives its colour);
- the source of the drawing code (``poses/`` and the modules it takes words and
  colours from), so an edited painter never shows an old picture;
- matplotlib's version, which decides the exact bytes.

A changed input is a new generation folder, and the older folders are removed.
The cache is only ever a shortcut: a file that cannot be read or written (a
read-only home, a full disk) means the picture is drawn, as without a cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from .._data import data_path, user_cache_dir

__all__ = ["cached_picture"]

_PACKAGE = Path(__file__).resolve().parent.parent
#: The code whose every change can change a picture.
_DRAWING_CODE = (
    *sorted(Path(__file__).resolve().parent.glob("*.py")),
    _PACKAGE / "figure_text.py",
    _PACKAGE / "vocab.py",
)
#: How each format's file starts: a torn or foreign file is drawn anew, never shown.
_MAGIC = {"png": b"\x89PNG", "svg": b"<?xml"}

#: The generation digest of each pose table (worked out once per table).
_GENERATIONS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def cached_picture(
    table: Any, stretch_id: str, phase: str, fmt: str, dpi: float, draw: Callable[[], bytes]
) -> bytes:
    """The picture's bytes from the cache, or from ``draw()`` (then kept for next time)."""
    folder = _generation_folder(table)
    if folder is None:
        return draw()
    path = folder / f"{stretch_id}.{phase}.{dpi:g}.{fmt}"
    try:
        content = path.read_bytes()
        if content.startswith(_MAGIC[fmt]):
            return content
    except OSError:
        pass
    content = draw()
    _write(path, content)
    return content


def _generation_folder(table: Any) -> Path | None:
    try:
        generation = _GENERATIONS.get(table)
        if generation is None:
            generation = _GENERATIONS[table] = _generation(table)
        return user_cache_dir() / "pictures" / generation
    except OSError:  # the shipped files cannot be read: no cache, draw
        return None


def _generation(table: Any) -> str:
    digest = hashlib.sha256(table.frame.to_csv(index=False).encode())
    for path in (data_path("stretches.csv"), *_DRAWING_CODE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(metadata.version("matplotlib").encode())
    return digest.hexdigest()[:20]


def _write(path: Path, content: bytes) -> None:
    """Write atomically (two kernels may draw the same picture at once); never raise."""
    folder = path.parent
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            _remove_other_generations(folder)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".drawing-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # only a cache: next time the picture is drawn again


def _remove_other_generations(current: Path) -> None:
    for other in current.parent.iterdir():
        if other != current and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
