"""The pictures of the charts in the docs (``docs/charts/*.png``), drawn from seeded demo data.

Run ``python -m backstretch_kit.charts docs/charts`` from a checkout to
regenerate them after changing a chart, then look at each picture.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .adherence import adherence_calendar
from .pain import pain_trend
from .routine_time import routine_time_by_area
from .sides import side_balance
from .weekly import weekly_minutes_by_area

__all__ = ["save_demo_charts"]

# A fixed end day, so the pictures are the same on every run (and every day).
_END = pd.Timestamp("2026-03-31")
_DAYS = 120


def save_demo_charts(folder: str | Path, *, seed: int = 0, dpi: int = 110) -> list[Path]:
    """Draw every chart from seeded demo data and save them as PNGs in ``folder``.

    This regenerates the pictures under ``docs/charts/``. The demo log (Alex,
    whose pain eases, and Sam, whose pain does not) covers the 120 days up to a
    fixed date, so the pictures are the same on every run; the routine chart
    shows the shipped "lower-back" routine.

    Returns
    -------
    list of pathlib.Path
        The files written: ``routine-time-by-area.png``,
        ``weekly-minutes-by-area.png``, ``adherence-calendar.png``,
        ``pain-trend.png`` (Alex), ``pain-trend-not-easing.png`` (Sam) and
        ``side-balance.png``.
    """
    from .. import demo
    from ..routine import load_routine

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    start = _END - pd.Timedelta(days=_DAYS - 1)
    sessions, holds = demo.sample_log(("Alex", "Sam"), days=_DAYS, seed=seed, start=start)
    figures = {
        "routine-time-by-area.png": routine_time_by_area(load_routine("lower-back")),
        "weekly-minutes-by-area.png": weekly_minutes_by_area(holds, person="Alex"),
        "adherence-calendar.png": adherence_calendar(sessions, end=_END, person="Alex"),
        "pain-trend.png": pain_trend(sessions, person="Alex"),
        "pain-trend-not-easing.png": pain_trend(sessions, person="Sam"),
        "side-balance.png": side_balance(holds, person="Alex"),
    }
    written = []
    for name, fig in figures.items():
        path = folder / name
        fig.savefig(path, dpi=dpi, facecolor="white")
        written.append(path)
    return written
