"""Where the shipped data and notebooks live, in a source checkout and in a wheel.

There is exactly one copy of each: the top-level ``data/`` and ``notebooks/``
folders of the repository. The wheel build packs them as ``backstretch_kit/data``
and ``backstretch_kit/notebooks`` (see ``[tool.hatch.build.targets.wheel.force-include]``
in pyproject.toml), so an installed package finds them beside its modules, and a
source or editable checkout finds them one level up.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["data_path", "notebook_path", "user_cache_dir", "user_data_dir", "user_folder"]

_PACKAGE_DIR = Path(str(resources.files("backstretch_kit")))


def _shipped(folder: str, parts: tuple[str, ...]) -> Path:
    candidates = (_PACKAGE_DIR / folder, _PACKAGE_DIR.parent / folder)
    for base in candidates:
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    looked = ", ".join(str(base.joinpath(*parts)) for base in candidates)
    raise FileNotFoundError(f"backstretch-kit {folder} file not found; looked in: {looked}")


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file, such as ``data_path("stretches.csv")``.

    Raises
    ------
    FileNotFoundError
        If the file is in neither the installed nor the source location; the
        message lists both places looked in.
    """
    return _shipped("data", parts)


def notebook_path(*parts: str) -> Path:
    """Return the path of a shipped notebook (or the folder, with no argument)."""
    return _shipped("notebooks", parts)


def user_data_dir() -> Path:
    """The folder for the user's own files, such as the session log.

    ``BACKSTRETCH_DATA_DIR`` overrides it (tests, workshops and demos point it at a
    folder of their own); otherwise it is the platform's user data folder.
    """
    override = os.environ.get("BACKSTRETCH_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs  # only needed when nothing overrides it

    return Path(platformdirs.user_data_dir("backstretch-kit", appauthor=False))


def user_cache_dir() -> Path:
    """The folder for files the workbook can always make again, such as drawn pictograms.

    ``BACKSTRETCH_CACHE_DIR`` overrides it; otherwise it is the platform's user cache
    folder. Nothing about the person goes here, only what the shipped data gives.
    """
    override = os.environ.get("BACKSTRETCH_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("backstretch-kit", appauthor=False))


def user_folder(name: str) -> Path:
    """A folder of the user's own files in :func:`user_data_dir`, such as ``"handouts"``.

    What goes there is about the person's health, so a folder made here (and the
    user data folder itself, if missing) is readable by the owner alone (0o700),
    as the session log's is. A folder that already exists is left as it is.
    """
    base = user_data_dir()
    folder = base / name
    for path in (base, folder):
        try:
            path.mkdir(parents=True, mode=0o700)
        except FileExistsError:
            continue
        path.chmod(0o700)  # in case the umask took bits away from the owner
    return folder
