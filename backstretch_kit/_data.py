"""Where the shipped data lives, in a source checkout and in an installed wheel.

There is exactly one copy of the data: the top-level ``data/`` folder of the
repository. The wheel build packs that folder as ``backstretch_kit/data``
(see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml),
so an installed package finds it beside its modules, and a source or editable
checkout finds it one level up.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_path"]

_PACKAGE_DIR = Path(str(resources.files("backstretch_kit")))
_CANDIDATES = (_PACKAGE_DIR / "data", _PACKAGE_DIR.parent / "data")


def data_path(*parts: str) -> Path:
    """Return the path of a shipped data file, such as ``data_path("stretches.csv")``.

    Raises
    ------
    FileNotFoundError
        If the file is in neither the installed nor the source location; the
        message lists both places looked in.
    """
    for base in _CANDIDATES:
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    looked = ", ".join(str(base.joinpath(*parts)) for base in _CANDIDATES)
    raise FileNotFoundError(f"backstretch-kit data file not found; looked in: {looked}")
