"""backstretch-kit: an interactive Jupyter workbook for back stretching.

The public face of the package. Names are resolved lazily, on first use, so
``import backstretch_kit`` stays about as fast as ``import pandas`` and never
pulls in matplotlib, ipywidgets or Jupyter on a headless server.

Examples
--------
>>> import backstretch_kit as bk
>>> stretches = bk.load_stretches()
>>> float(stretches.loc["knee-to-chest", "hold_s"])
15.0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # catalog
    "load_stretches": "catalog",
    "import_free_exercise_db": "catalog_import",
    "CatalogError": "catalog",
    "BODY_AREAS": "vocab",
    "AREA_COLOURS": "vocab",
    "user_data_dir": "_data",
    # routines and guidance
    "Routine": "routine",
    "RoutineItem": "routine",
    "RoutineError": "routine",
    "load_routine": "routine_file",
    "ready_routines": "routine_file",
    "check_routine": "guidance",
    "Finding": "guidance",
    "Profile": "guidance",
    "RED_FLAGS": "guidance",
    "red_flag_table": "guidance",
    "screen_red_flags": "guidance",
    "pain_change_advice": "guidance",
    "warning_signs_text": "guidance",
    "write_handout": "handout",
    # session log
    "SessionLog": "log",
    "LogError": "log",
    # timer
    "HoldTimer": "timer",
    "Phase": "timer",
    "PhaseStarted": "timer",
    "PhaseFinished": "timer",
    "CueDue": "timer",
    "RoutineEnded": "timer",
    "TimerError": "timer",
    # charts and demo data
    "ChartError": "charts",
    "sample_log": "demo",
    # pictograms
    "draw_stretch": "poses",
    "load_poses": "poses",
    "PoseError": "poses",
}

# submodules reachable as attributes, such as ``bk.charts.pain_trend``
_SUBMODULES = frozenset({"charts", "demo", "poses", "widgets"})

__all__ = ["__version__", *sorted(_EXPORTS)]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from ._data import user_data_dir
    from .catalog import CatalogError, load_stretches
    from .catalog_import import import_free_exercise_db
    from .charts import ChartError
    from .demo import sample_log
    from .guidance import (
        RED_FLAGS,
        Finding,
        Profile,
        check_routine,
        pain_change_advice,
        red_flag_table,
        screen_red_flags,
        warning_signs_text,
    )
    from .handout import write_handout
    from .log import LogError, SessionLog
    from .poses import PoseError, draw_stretch, load_poses
    from .routine import Routine, RoutineError, RoutineItem
    from .routine_file import load_routine, ready_routines
    from .timer import (
        CueDue,
        HoldTimer,
        Phase,
        PhaseFinished,
        PhaseStarted,
        RoutineEnded,
        TimerError,
    )
    from .vocab import AREA_COLOURS, BODY_AREAS


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'backstretch_kit' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
