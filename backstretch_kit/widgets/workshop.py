"""WorkshopPanel: a teacher's routine picker and a projector-size guided session.

The teacher picks the stretches and one hold length for the class, sees the total time,
and starts; the projector then shows the large timer. Every finished hold is logged under
the workshop's name, so the teacher keeps a record of what each class did.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import pandas as pd

from ..routine import Routine
from ..words import format_duration
from ._callbacks import click, watch
from .guided_session import GuidedSession

__all__ = ["WorkshopPanel"]


class WorkshopPanel(W.VBox):
    """Pick stretches for a class, then run them on a large timer.

    Parameters
    ----------
    log : SessionLog
        Where the class's holds are written.
    person : str
        The name the log files the class under.
    stretches : list of str, optional
        Stretch ids picked at the start.
    hold_s, reps : float, int
        One dose for the whole class (a teacher rarely wants per-stretch doses).
    catalog : DataFrame, optional
        The stretch catalog; the shipped one by default.
    session_options
        Passed on to :class:`GuidedSession` (for example ``clock`` in tests).

    Attributes
    ----------
    picker : ipywidgets.SelectMultiple
        The stretches (CSS class ``bk-workshop-pick``).
    hold, reps : ipywidgets.BoundedIntText
        The class dose (``bk-workshop-hold``, ``bk-workshop-reps``).
    total : ipywidgets.HTML
        The routine's total time (``bk-workshop-total``).
    use_button : ipywidgets.Button
        Builds the routine and shows the session (``bk-workshop-use``).
    session : GuidedSession or None
        The class's session, once started.
    """

    def __init__(
        self,
        log: Any,
        person: str = "Workshop",
        *,
        stretches: list[str] | None = None,
        hold_s: float = 20,
        reps: int = 2,
        catalog: pd.DataFrame | None = None,
        **session_options: Any,
    ) -> None:
        if catalog is None:
            from ..catalog import load_stretches

            catalog = load_stretches()
        self.catalog = catalog
        self.session_log = log
        self.person = person
        self.session: GuidedSession | None = None
        self._session_options = session_options

        by_area = catalog.sort_values(["body_area", "name"])
        options = [
            (f"{name} ({area})", stretch_id)
            for stretch_id, name, area in zip(
                by_area.index, by_area["name"], by_area["body_area"], strict=True
            )
        ]
        self.picker = W.SelectMultiple(
            options=options,
            value=tuple(stretches or ()),
            rows=12,
            description="Stretches",
            layout=W.Layout(width="36em"),
        ).add_class("bk-workshop-pick")
        self.hold = W.BoundedIntText(
            value=int(hold_s), min=1, max=120, description="Hold (s)"
        ).add_class("bk-workshop-hold")
        self.reps = W.BoundedIntText(value=reps, min=1, max=10, description="Repetitions")
        self.reps.add_class("bk-workshop-reps")
        self.total = W.HTML().add_class("bk-workshop-total")
        self.use_button = W.Button(
            description="Start the class", icon="play", button_style="success"
        ).add_class("bk-workshop-use")
        click(self.use_button, self.start_class, self._show_error, "starting the class")
        for control in (self.picker, self.hold, self.reps):
            watch(control, self._update_total, self._show_error, "adding up the time")
        self.setup = W.VBox(
            [
                W.HTML("<b>Pick the stretches for the class</b> (Ctrl or Shift to pick several)"),
                self.picker,
                W.HBox([self.hold, self.reps]),
                self.total,
                self.use_button,
            ]
        )
        super().__init__([self.setup])
        self.add_class("bk-workshop")
        self._update_total()

    def routine(self) -> Routine | None:
        """The class routine as picked now, or None when nothing is picked."""
        if not self.picker.value:
            return None
        return Routine.from_stretches(
            list(self.picker.value),
            name="Today's class",
            catalog=self.catalog,
            hold_s=float(self.hold.value),
            reps=int(self.reps.value),
        )

    def start_class(self) -> None:
        """Swap the picker for the large guided session of the picked routine."""
        routine = self.routine()
        if routine is None:
            self.total.value = "<b>Pick at least one stretch first.</b>"
            return
        self.session = GuidedSession(
            routine, self.person, self.session_log, large=True, ask_pain=False,
            **self._session_options,
        )  # fmt: skip
        back = W.Button(description="Pick other stretches", icon="undo")
        back.add_class("bk-workshop-again")
        click(back, self._show_setup, self._show_error, "going back to the picker")
        self.children = [self.session, back]

    def _show_error(self, markup: str) -> None:
        self.total.value = markup

    def _show_setup(self) -> None:
        if self.session is not None:
            self.session.timer.stop()
        self.children = [self.setup]

    def _update_total(self, _change: object = None) -> None:
        routine = self.routine()
        if routine is None:
            self.total.value = "Total time: nothing picked yet"
            self.use_button.disabled = True
            return
        self.use_button.disabled = False
        count = len(routine)
        self.total.value = (
            f"Total time: <b>{html.escape(format_duration(routine.total_seconds()))}</b> "
            f"for {count} stretch{'es' if count != 1 else ''}"
        )
