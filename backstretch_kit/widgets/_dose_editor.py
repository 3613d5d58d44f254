"""The routine builder's dose controls: one per dose field, each with a note beside it.

A plain object, not a widget: the builder lays :attr:`DoseEditor.rows` out in
its own editor column, so the widget tree (and what the browser tests find in
it) is the builder's. The editor only shows an item's dose and reports what was
typed; the builder changes the routine, which keeps every dose rule in one place.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..vocab import SIDES
from ._callbacks import watch

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..routine import RoutineItem

#: The dose fields in the order their rows are shown.
DOSE_FIELDS = ("hold_s", "reps", "rest_s", "sides")
ERROR_COLOUR = "#B3261E"


class DoseEditor:
    """Hold, reps, rest and sides of the selected item, and why a value was refused.

    Parameters
    ----------
    on_dose : callable
        Called with ``(field, value)`` when a person changes a control (never
        when :meth:`show` fills them in).
    show_error : callable
        Shows an error raised by ``on_dose`` (see :func:`._callbacks.watch`).
    """

    def __init__(
        self, on_dose: Callable[[str, Any], None], show_error: Callable[[str], None]
    ) -> None:
        self._on_dose = on_dose
        self._syncing = False
        self.controls: dict[str, widgets.ValueWidget] = {
            "hold_s": widgets.FloatText(description="Hold (s)", step=5),
            "reps": widgets.IntText(description="Reps"),
            "rest_s": widgets.FloatText(description="Rest (s)", step=5),
            "sides": widgets.Dropdown(options=list(SIDES), description="Sides"),
        }
        self.notes: dict[str, widgets.HTML] = {}
        for field, control in self.controls.items():
            css = f"bk-builder-{field.replace('_s', '')}"
            control.add_class(css)
            control.layout.width = "220px"
            watch(control, self._typed, show_error, "changing the dose")
            note = widgets.HTML(layout=widgets.Layout(margin="0 0 0 0.5em"))
            note.add_class(f"{css}-note")
            self.notes[field] = note
        # one row per dose field, with room beside it to say why a value was refused
        self.rows = [
            widgets.HBox(
                [self.controls[field], self.notes[field]],
                layout=widgets.Layout(align_items="center"),
            )
            for field in DOSE_FIELDS
        ]

    def _typed(self, change: dict) -> None:
        if self._syncing:
            return
        field = next(f for f, control in self.controls.items() if control is change["owner"])
        self._on_dose(field, change["new"])

    def show(self, item: RoutineItem | None) -> None:
        """Show an item's dose (``None``: no item, controls disabled); clears every note."""
        for control in self.controls.values():
            control.disabled = item is None
        for field in DOSE_FIELDS:  # a refusal is about the value typed just before
            self.note(field, "")
        if item is None:
            return
        self._syncing = True
        try:
            for field in DOSE_FIELDS:
                self.controls[field].value = getattr(item, field)
        finally:
            self._syncing = False

    def note(self, field: str, text: str) -> None:
        """Say beside a dose field why its value was refused ("" to clear it)."""
        body = html.escape(text)
        self.notes[field].value = (
            f"<span role='alert' style='color:{ERROR_COLOUR}'>{body}</span>" if text else ""
        )
