"""What a routine adds up to, under the routine builder: its total time, the chart, the checks.

A plain object holding its widgets, as :mod:`._stretch_picker` is: the builder lays
:attr:`RoutineSummary.rows` out and calls :meth:`RoutineSummary.show` after every change.
The time, the chart and the findings are the routine's own,
:func:`~backstretch_kit.charts.routine_time_by_area`'s and
:func:`~backstretch_kit.guidance.check_routine`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..words import format_duration
from ._findings import findings_html
from ._render import figure_to_png, png_image

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..guidance import Profile
    from ..routine import Routine

#: Said under Checks when the routine gives nothing to flag.
NOTHING_TO_FLAG = "<p>Nothing to flag: the doses and stretches fit the usual guidance.</p>"


class RoutineSummary:
    """The total time, the time-by-area chart (drawn at ``dpi``) and the findings."""

    def __init__(self, dpi: float) -> None:
        self.dpi = dpi
        self.total = widgets.HTML()
        self.total.add_class("bk-builder-total")
        self.chart = png_image("bk-builder-chart")
        self.findings = widgets.HTML()
        self.findings.add_class("bk-builder-findings")
        self.rows = [self.total, self.chart, widgets.HTML("<b>Checks</b>"), self.findings]

    def show(self, routine: Routine, profile: Profile | None) -> None:
        """Redraw all three for ``routine``, checked for ``profile``."""
        from ..charts import routine_time_by_area
        from ..guidance import check_routine

        count = len(routine)
        noun = "stretch" if count == 1 else "stretches"
        self.total.value = (
            f"Total time: <b>{format_duration(routine.total_seconds())}</b> ({count} {noun})"
        )
        self.chart.value = figure_to_png(routine_time_by_area(routine), dpi=self.dpi)
        self.findings.value = findings_html(check_routine(routine, profile), NOTHING_TO_FLAG)
