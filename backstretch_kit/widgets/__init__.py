"""Notebook widgets for backstretch-kit (the only place that imports ipywidgets).

Names are resolved lazily, so ``import backstretch_kit.widgets`` costs
nothing until a widget is used.

In a notebook: ``from backstretch_kit.widgets import TimerWidget``, then
``TimerWidget(routine)`` as the last line of a cell.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module (within this package) that defines it
_EXPORTS: dict[str, str] = {
    "CatalogBrowser": "catalog_browser",
    "GuidedSession": "guided_session",
    "LogForm": "log_form",
    "ProgramBuilder": "program_builder",
    "ProgressDashboard": "dashboard",
    "RedFlagScreen": "red_flags",
    "RoutineBuilder": "routine_builder",
    "TimerWidget": "timer_widget",
    "WorkshopPanel": "workshop",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .catalog_browser import CatalogBrowser
    from .dashboard import ProgressDashboard
    from .guided_session import GuidedSession
    from .log_form import LogForm
    from .program_builder import ProgramBuilder
    from .red_flags import RedFlagScreen
    from .routine_builder import RoutineBuilder
    from .timer_widget import TimerWidget
    from .workshop import WorkshopPanel


def __getattr__(name: str) -> Any:
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(
            f"module 'backstretch_kit.widgets' has no attribute {name!r}"
        ) from None
    value = getattr(importlib.import_module(f".{module_name}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
