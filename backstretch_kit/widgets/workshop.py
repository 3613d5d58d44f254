"""WorkshopPanel: a teacher's routine picker and a projector-size guided session.

The teacher ticks the stretches for the class (cards by body area), puts them in order,
sets one hold length and sees the total time; Start the class then gives the whole Voila
page to the large timer (see :mod:`.workshop_style`). Every finished hold is logged under
the workshop's name, so the teacher keeps a record of what each class did, and the end of
the class thanks everyone with the workbook's safety words instead of asking one person
about their pain.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import pandas as pd

from ..routine import Routine
from ..timer import RoutineEnded
from ..words import format_duration
from ._callbacks import click, watch
from .guided_session import GuidedSession
from .workshop_style import CLASS_ON, PICKER_CSS, PROJECTOR_CSS

__all__ = ["CLASS_ENDED", "CLASS_SAFETY", "CLASS_STOPPED", "WorkshopPanel"]

#: What the projector says when the routine has played to its end.
CLASS_ENDED = "That is the end of the class. Thank you, everyone."
#: What it says when the teacher stopped the class early.
CLASS_STOPPED = "The class stopped here. Thank you, everyone."
#: The workbook's safety words, said to a whole class (never a question to one person).
CLASS_SAFETY = (
    "Stop any stretch that hurts. If a stretch made anyone's pain worse, leave it out next "
    "time, and if it keeps happening, talk to a physiotherapist or doctor. If back pain lasts "
    "more than 3 to 4 weeks, talk to a doctor or physiotherapist."
)


class WorkshopPanel(W.VBox):
    """Pick stretches for a class, put them in order, then run them on a large timer.

    Parameters
    ----------
    log : SessionLog
        Where the class's holds are written.
    person : str
        The name the log files the class under.
    stretches : list of str, optional
        Stretch ids picked at the start, in this order.
    hold_s, reps : float, int
        One dose for the whole class (a teacher rarely wants per-stretch doses).
    catalog : DataFrame, optional
        The stretch catalog; the shipped one by default.
    session_options
        Passed on to :class:`GuidedSession` (for example ``clock`` in tests).

    Attributes
    ----------
    picked : list of str
        The picked stretch ids in class order (settable).
    checks : dict of str to ipywidgets.Checkbox
        One tick box per stretch (``bk-workshop-check``), in cards by body area inside
        ``picker`` (``bk-workshop-pick``).
    order : ipywidgets.VBox
        One row per picked stretch with up, down and remove buttons (``bk-workshop-order``,
        rows ``bk-workshop-row``, buttons ``bk-workshop-up``, ``-down``, ``-remove``).
    summary : ipywidgets.HTML
        What is picked, in words (``bk-workshop-summary``).
    hold, reps : ipywidgets.BoundedIntText
        The class dose (``bk-workshop-hold``, ``bk-workshop-reps``).
    total : ipywidgets.HTML
        The routine's total time (``bk-workshop-total``).
    use_button : ipywidgets.Button
        Builds the routine and shows the session (``bk-workshop-use``); grey and disabled
        while nothing is picked.
    back_button : ipywidgets.Button
        Back to the picker (``bk-workshop-again``), shown with the session.
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
        self._picked: list[str] = []
        self._syncing = False

        self.checks: dict[str, W.Checkbox] = {}
        cards = []
        by_area = catalog.sort_values(["body_area", "name"])
        for area, rows in by_area.groupby("body_area", observed=True, sort=True):
            boxes = []
            for stretch_id, name in zip(rows.index, rows["name"], strict=True):
                box = W.Checkbox(value=False, description=str(name), indent=False)
                box.add_class("bk-workshop-check")
                box.stretch_id = stretch_id
                box.observe(self._ticked, names="value")
                self.checks[stretch_id] = box
                boxes.append(box)
            heading = W.HTML(f"{html.escape(str(area)).capitalize()}")
            heading.add_class("bk-workshop-area-name")
            cards.append(W.VBox([heading, *boxes]).add_class("bk-workshop-area"))
        self.picker = W.Box(cards).add_class("bk-workshop-pick")
        self.order = W.VBox().add_class("bk-workshop-order")
        self.summary = W.HTML().add_class("bk-workshop-summary")
        self.hold = W.BoundedIntText(
            value=int(hold_s), min=1, max=120, description="Hold (s)"
        ).add_class("bk-workshop-hold")
        self.reps = W.BoundedIntText(value=reps, min=1, max=10, description="Repetitions")
        self.reps.add_class("bk-workshop-reps")
        self.total = W.HTML().add_class("bk-workshop-total")
        self.use_button = W.Button(
            description="Start the class", icon="play", layout=W.Layout(width="auto")
        ).add_class("bk-workshop-use")
        click(self.use_button, self.start_class, self._show_error, "starting the class")
        self.back_button = W.Button(
            description="Pick other stretches", icon="undo", layout=W.Layout(width="auto")
        ).add_class("bk-workshop-again")
        click(self.back_button, self._show_setup, self._show_error, "going back to the picker")
        for control in (self.hold, self.reps):
            watch(control, self._update_total, self._show_error, "adding up the time")
        self.style_html = W.HTML(f"<style>{PICKER_CSS}{PROJECTOR_CSS}</style>")
        self.style_html.add_class("bk-workshop-style")
        self.setup = W.VBox(
            [
                W.HTML("<b>Tick the stretches for the class</b>, then put them in order"),
                self.picker,
                self.summary,
                self.order,
                W.HBox([self.hold, self.reps]),
                self.total,
                self.use_button,
            ]
        )
        super().__init__([self.style_html, self.setup])
        self.add_class("bk-workshop")
        self.picked = list(stretches or ())

    # -- what is picked --------------------------------------------------------------

    @property
    def picked(self) -> list[str]:
        """The picked stretch ids, in the order the class does them."""
        return list(self._picked)

    @picked.setter
    def picked(self, ids: list[str]) -> None:
        unknown = [i for i in ids if i not in self.checks]
        if unknown:
            raise ValueError(f"not in the catalog: {', '.join(map(repr, unknown))}")
        self._picked = list(dict.fromkeys(ids))
        self._changed()

    def move(self, stretch_id: str, by: int) -> None:
        """Move a picked stretch ``by`` places (-1 earlier, +1 later), within the list."""
        at = self._picked.index(stretch_id)
        to = min(len(self._picked) - 1, max(0, at + by))
        self._picked.insert(to, self._picked.pop(at))
        self._changed()

    def unpick(self, stretch_id: str) -> None:
        """Take a stretch out of the class."""
        self._picked.remove(stretch_id)
        self._changed()

    def _ticked(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        stretch_id = change["owner"].stretch_id
        if change["new"] and stretch_id not in self._picked:
            self._picked.append(stretch_id)
        elif not change["new"] and stretch_id in self._picked:
            self._picked.remove(stretch_id)
        self._changed()

    def _changed(self) -> None:
        self._syncing = True
        try:
            for stretch_id, box in self.checks.items():
                box.value = stretch_id in self._picked
        finally:
            self._syncing = False
        self._draw_order()
        self._update_total()

    def _label(self, stretch_id: str) -> str:
        row = self.catalog.loc[stretch_id]
        return f"{row['name']} ({row['body_area']})"

    def _draw_order(self) -> None:
        old = list(self.order.children)
        rows = []
        last = len(self._picked) - 1
        for i, stretch_id in enumerate(self._picked):
            name = self.catalog.loc[stretch_id, "name"]
            label = W.HTML(f"{i + 1}. {html.escape(self._label(stretch_id))}")
            label.layout.flex = "1 1 auto"
            buttons = []
            for css, text, tip, by in (
                ("bk-workshop-up", "↑", f"Move {name} earlier", -1),
                ("bk-workshop-down", "↓", f"Move {name} later", 1),
                ("bk-workshop-remove", "✕", f"Take {name} out", 0),
            ):
                button = W.Button(description=text, tooltip=tip).add_class(css)
                button.disabled = (by == -1 and i == 0) or (by == 1 and i == last)
                action = (
                    (lambda s=stretch_id: self.unpick(s))
                    if by == 0
                    else (lambda s=stretch_id, b=by: self.move(s, b))
                )
                click(button, action, self._show_error, "changing the order")
                buttons.append(button)
            rows.append(W.HBox([label, *buttons]).add_class("bk-workshop-row"))
        self.order.children = rows
        for row in old:  # the rows drawn before: their models go, not only their views
            for child in row.children:
                child.close()
            row.close()
        count = len(self._picked)
        if count:
            names = ", ".join(self.catalog.loc[s, "name"] for s in self._picked)
            self.summary.value = (
                f"<b>{count} stretch{'es' if count != 1 else ''} picked</b>, in this order: "
                f"{html.escape(names)}"
            )
        else:
            self.summary.value = "<b>Nothing picked yet</b>: tick the stretches above."

    # -- the routine and the class ---------------------------------------------------

    def routine(self) -> Routine | None:
        """The class routine as picked now, or None when nothing is picked."""
        if not self._picked:
            return None
        return Routine.from_stretches(
            self._picked,
            name="Today's class",
            catalog=self.catalog,
            hold_s=float(self.hold.value),
            reps=int(self.reps.value),
        )

    def start_class(self) -> None:
        """Give the page to the large guided session of the picked routine."""
        routine = self.routine()
        if routine is None:
            self.total.value = "<b>Pick at least one stretch first.</b>"
            return
        self.session = GuidedSession(
            routine, self.person, self.session_log, large=True, ask_pain=False,
            **self._session_options,
        )  # fmt: skip
        # after the session's own handler, which has just moved it to "after"
        self.session.timer.add_event_handler(self._class_event)
        self.children = [self.style_html, self.session, self.back_button]
        self.add_class(CLASS_ON)

    def _class_event(self, event: Any) -> None:
        session = self.session
        if not isinstance(event, RoutineEnded) or session is None:
            return
        session.finish()  # a class has no pain scores or notes to wait for
        ended = CLASS_ENDED if event.outcome == "finished" else CLASS_STOPPED
        count = len(session.hold_ids)
        saved = f"{count} hold{'s' if count != 1 else ''} saved in the class log."
        if session.unsaved:
            saved += f" {len(session.unsaved)} could not be saved."
        session.status.value = (
            f"<div class='bk-workshop-farewell'><b>{html.escape(ended)}</b><br>"
            f"{html.escape(CLASS_SAFETY)}<br><small>{html.escape(saved)}</small></div>"
        )

    def _show_error(self, markup: str) -> None:
        self.total.value = markup

    def _show_setup(self) -> None:
        if self.session is not None:
            self.session.timer.stop()
        self.remove_class(CLASS_ON)
        self.children = [self.style_html, self.setup]

    def _update_total(self, _change: object = None) -> None:
        routine = self.routine()
        if routine is None:
            self.total.value = "Total time: nothing picked yet"
            self.use_button.disabled = True
            self.use_button.button_style = ""  # grey: a green button invites a click
            return
        self.use_button.disabled = False
        self.use_button.button_style = "success"
        count = len(routine)
        self.total.value = (
            f"Total time: <b>{html.escape(format_duration(routine.total_seconds()))}</b> "
            f"for {count} stretch{'es' if count != 1 else ''}"
        )
