"""Charts of routines and stretching logs, all in one look.

Every chart takes data (a :class:`~backstretch_kit.routine.Routine`, or the
DataFrames a :class:`~backstretch_kit.log.SessionLog` returns) and an optional
matplotlib Axes, and returns the Figure it drew on. Nothing is shown or saved:
display the Figure in a notebook, or call ``fig.savefig(...)``. Without an Axes
each chart makes a plain :class:`matplotlib.figure.Figure` (not pyplot), so no
global state is touched and nothing needs closing.

The numbers each chart draws come from :mod:`backstretch_kit.progress` (pandas
only), and the tables are re-exported here (:func:`weekly_minutes`,
:func:`side_table`, :func:`current_streak`, :func:`pain_not_eased_since`) so
one import serves a notebook. matplotlib is imported inside the drawing
functions only, so importing this package stays light.

Every body area has one colour (:data:`backstretch_kit.vocab.AREA_COLOURS`,
safe for common colour-vision deficiencies), the same in every chart. With no
data a chart says so ("No stretching logged yet") instead of raising.

Examples
--------
>>> from backstretch_kit import charts, demo
>>> sessions, holds = demo.sample_log(days=60, start="2026-01-05")
>>> fig = charts.weekly_minutes_by_area(holds)
>>> fig.savefig("weekly.png", dpi=110)  # doctest: +SKIP
"""

from __future__ import annotations

# GUIDE_*, PAIN_PRESENT and PAIN_ADVICE stay reachable as ``charts.NAME``, as they
# always were, though ``__all__`` (what a star import takes) never listed them.
from ..progress import (  # noqa: F401
    GUIDE_DAYS,
    GUIDE_S_PER_AREA,
    MEANINGFUL_CHANGE,
    PAIN_PRESENT,
    PAIN_WEEKS,
    current_streak,
    pain_not_eased_since,
    side_table,
    weekly_minutes,
)
from ..progress import ProgressError as ChartError
from ._docs import save_demo_charts
from .adherence import adherence_calendar
from .pain import PAIN_ADVICE, pain_trend  # noqa: F401
from .routine_time import routine_time_by_area
from .sides import side_balance
from .weekly import weekly_minutes_by_area

__all__ = [
    "ChartError",
    "MEANINGFUL_CHANGE",
    "PAIN_WEEKS",
    "adherence_calendar",
    "current_streak",
    "pain_not_eased_since",
    "pain_trend",
    "routine_time_by_area",
    "save_demo_charts",
    "side_balance",
    "side_table",
    "weekly_minutes",
    "weekly_minutes_by_area",
]
