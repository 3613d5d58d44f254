"""Build a routine: pick stretches, set each dose, reorder, check, save and print.

The widget edits a :class:`backstretch_kit.routine.Routine` in place through
its own methods (``add``, ``change``, ``move``, ``remove``), so every rule a
routine enforces applies here too; the total time, the chart and the findings
are the routine's, :mod:`backstretch_kit.charts`' and
:func:`backstretch_kit.guidance.check_routine`'s. Write handout calls
:func:`backstretch_kit.handout.write_handouts`, as the notebooks do.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..routine import DOSE_RULES, Routine, RoutineError
from ._builder_markup import item_label, item_numbers
from ._callbacks import click, watch
from ._dose_editor import DOSE_FIELDS, ERROR_COLOUR, DoseEditor
from ._render import DEFAULT_DPI
from ._routine_files import RoutineFiles
from ._routine_summary import RoutineSummary
from ._stretch_picker import StretchPicker

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd

    from ..guidance import Profile

__all__ = ["RoutineBuilder"]


class RoutineBuilder(widgets.VBox):
    """Pick stretches, set their doses and order, and see the time and the checks.

    Parameters
    ----------
    catalog : DataFrame, optional
        Stretches to choose from; the routine's catalog, or the shipped one.
    routine : Routine, optional
        A routine to start from (edited in place); a new empty one when ``None``.
    profile : Profile, optional
        The person the routine is for: used by the safety checks and the handout.
    folder : str or Path, optional
        Where Save and Load read and write routine files, and Write handout
        its HTML and PDF; it is created on the first save if missing. When
        ``None``, routines are saved in the current folder and handouts in the
        ``handouts`` folder of the user data folder, as the notebooks write them
        (:func:`backstretch_kit.handout.write_handouts`).
    dpi : float
        Resolution of the time-by-area chart.

    Attributes
    ----------
    routine : Routine
        The routine being built. Load replaces it with a new object.
    on_change : list of callable
        Each is called with the current routine after every change (add,
        dose, order, remove, rename, notes, load), for example to hand it to a
        timer.
    notes : ipywidgets.Textarea
        The routine's description (``routine.notes``), printed at the top of
        the handout.
    dose : DoseEditor
        The selected item's dose controls; ``hold_s``, ``reps``, ``rest_s`` and
        ``sides`` are its controls, kept as attributes here too.
    dose_notes : dict of str to ipywidgets.HTML
        Beside each dose control (``"hold_s"``, ``"reps"``, ``"rest_s"``,
        ``"sides"``): why the value typed there was refused, in plain words.
    status : ipywidgets.HTML
        The last thing done, or why it could not be done.
    downloads : ipywidgets.HTML
        After Write handout, links that download the HTML and the PDF from the
        page; cleared when the routine or the profile changes, as the handout
        no longer fits them.

    Examples
    --------
    >>> builder = RoutineBuilder()
    >>> builder.choices.value = "knee-to-chest"
    >>> builder.add_button.click()
    >>> [item.stretch_id for item in builder.routine]
    ['knee-to-chest']
    """

    def __init__(
        self,
        catalog: pd.DataFrame | None = None,
        routine: Routine | None = None,
        profile: Profile | None = None,
        folder: str | Path | None = None,
        *,
        dpi: float = DEFAULT_DPI,
        **kwargs: Any,
    ) -> None:
        if catalog is None:
            if routine is not None:
                catalog = routine.catalog
            else:
                from ..catalog import load_stretches

                catalog = load_stretches()
        self.catalog = catalog
        self._routine = routine if routine is not None else Routine("My routine", catalog=catalog)
        self._profile = profile
        self._syncing = False
        self.on_change: list[Callable[[Routine], Any]] = []

        # -- picking
        self.picker = StretchPicker(catalog, self._on_add, self._show_error)
        # Its widgets stay attributes of the builder: notebooks and tests click them.
        self.area, self.choices = self.picker.area, self.picker.choices
        self.add_button = self.picker.add_button

        # -- the routine's items and the selected item's dose
        # Renamed on Enter or leaving the field, not per keystroke: each change redraws.
        self.name = widgets.Text(
            value=self._routine.name, description="Name", continuous_update=False
        )
        self.name.add_class("bk-builder-name")
        watch(self.name, self._on_rename, self._show_error, "renaming the routine")
        # A ready routine's description would otherwise go on printing on the handout of
        # the routine made from it, whatever was renamed or changed.
        self.notes = widgets.Textarea(
            value=self._routine.notes,
            description="Notes",
            placeholder="What this routine is for and how to do it: printed on the handout",
            continuous_update=False,
            rows=3,
            layout=widgets.Layout(width="100%"),
        )
        self.notes.add_class("bk-builder-notes")
        watch(self.notes, self._on_notes, self._show_error, "changing the notes")
        self.items = widgets.Select(rows=8, layout=widgets.Layout(width="100%"))
        self.items.add_class("bk-builder-items")
        watch(self.items, self._show_dose, self._show_error, "showing the dose")
        self.dose = DoseEditor(self._on_dose, self._show_error)
        # The controls stay attributes of the builder: notebooks and tests type into them.
        self.hold_s, self.reps, self.rest_s, self.sides = (
            self.dose.controls[field] for field in DOSE_FIELDS
        )
        self.dose_notes = self.dose.notes
        self.up_button = widgets.Button(description="Up", icon="arrow-up")
        self.down_button = widgets.Button(description="Down", icon="arrow-down")
        self.remove_button = widgets.Button(description="Remove", icon="trash")
        for button, css, handler, action in (
            (self.up_button, "bk-builder-up", self._on_up, "moving the stretch"),
            (self.down_button, "bk-builder-down", self._on_down, "moving the stretch"),
            (self.remove_button, "bk-builder-remove", self._on_remove, "removing the stretch"),
        ):
            button.add_class(css)
            button.layout.width = "110px"
            click(button, handler, self._show_error, action)

        # -- what the routine adds up to
        summary = self.summary = RoutineSummary(dpi)
        self.total, self.chart, self.findings = summary.total, summary.chart, summary.findings

        # -- files
        self.files = RoutineFiles(folder)
        # Its widgets stay attributes of the builder: notebooks and tests click them.
        self.save_button, self.saved = self.files.save_button, self.files.saved
        self.load_button, self.handout_button = self.files.load_button, self.files.handout_button
        self.downloads = self.files.downloads
        click(self.save_button, self._on_save, self._show_error, "saving the routine")
        click(self.load_button, self._on_load, self._show_error, "loading the routine")
        click(self.handout_button, self._on_handout, self._show_error, "writing the handout")
        self.status = widgets.HTML()
        self.status.add_class("bk-builder-status")

        editor = widgets.VBox(
            [
                self.name,
                self.notes,
                self.items,
                widgets.HBox([self.up_button, self.down_button, self.remove_button]),
                *self.dose.rows,
            ],
            layout=widgets.Layout(width="60%", padding="0 0 0 1em"),
        )
        super().__init__(
            [
                widgets.HBox([self.picker.box, editor]),
                *self.summary.rows,
                self.files.box,
                self.status,
                self.downloads,
            ],
            **kwargs,
        )
        self.add_class("bk-builder")
        self._refresh(select=0 if len(self._routine) else None, notify=False)

    # -- public state ---------------------------------------------------------------
    @property
    def routine(self) -> Routine:
        """The routine being built (a new object after Load)."""
        return self._routine

    @property
    def folder(self) -> Path:
        """Where Save and Load read and write routine files."""
        return self.files.folder

    @property
    def handout_folder(self) -> Path | None:
        """Where Write handout writes: ``folder``, or ``None`` for the default."""
        return self.files.handout_folder

    @property
    def profile(self) -> Profile | None:
        """The person the checks and the handout are for; set it to re-check."""
        return self._profile

    @profile.setter
    def profile(self, value: Profile | None) -> None:
        self._profile = value
        self.downloads.value = ""  # the handout was written for the person before
        self._refresh(select=self.items.value, notify=False)

    @property
    def selected(self) -> int | None:
        """0-based position of the selected routine item, or ``None``."""
        return self.items.value

    # -- picking --------------------------------------------------------------------
    def _show_error(self, markup: str) -> None:
        self.status.value = markup

    def _on_add(self, button: widgets.Button | None = None) -> None:
        stretch_id = self.choices.value
        if stretch_id is None:
            self._say("Choose a stretch in the list first.", error=True)
            return
        already = [i + 1 for i, item in enumerate(self._routine) if item.stretch_id == stretch_id]
        self._routine.add(stretch_id)
        name = self.catalog.loc[stretch_id, "name"]
        if already:
            # Said, not asked: the same stretch twice is a real plan (a knee to chest to
            # start and to finish), so a "Really add it?" step would stand in the way of
            # every such routine, and a dialog is easy to click through unread. The added
            # item is selected, with Remove beside it, should it have been a slip.
            which = item_numbers(already)
            set_words = "a second set" if len(already) == 1 else "another set"
            self._say(
                f"{name} is already in the routine ({which}); added {set_words} "
                f"as item {len(self._routine)}."
            )
        else:
            self._say(f"Added {name}.")
        self._refresh(select=len(self._routine) - 1)

    # -- editing --------------------------------------------------------------------
    def _on_rename(self, change: dict) -> None:
        if self._syncing:
            return
        name = change["new"].strip()
        if not name:
            self._say("A routine needs a name; the old one is kept until you type one.", error=True)
            return
        try:
            self._routine.name = name
        except RoutineError as error:
            self._say(f"{error}; the old name is kept.", error=True)
            return
        self._refresh(select=self.items.value)

    def _on_notes(self, change: dict) -> None:
        if self._syncing:
            return
        self._routine.notes = change["new"]
        self._changed()

    def _on_dose(self, field: str, value: Any) -> None:
        if self._syncing or self.items.value is None:
            return
        index = self.items.value
        try:
            self._routine.change(index, **{field: value})
        except RoutineError as error:
            self._show_dose()  # put back the dose the routine still has
            if error.field in DOSE_RULES:
                # beside the field, in the person's words; the message names the item
                # and the field as a program would, which is for files and logs
                self.dose.note(error.field, DOSE_RULES[error.field])
                self._say("")
            else:
                self._say(str(error), error=True)
            return
        self._say("")
        self._refresh(select=index)

    def _on_up(self, button: widgets.Button | None = None) -> None:
        self._move(-1)

    def _on_down(self, button: widgets.Button | None = None) -> None:
        self._move(+1)

    def _move(self, step: int) -> None:
        index = self.items.value
        if index is None or not 0 <= index + step < len(self._routine):
            return
        self._routine.move(index, index + step)
        self._refresh(select=index + step)

    def _on_remove(self, button: widgets.Button | None = None) -> None:
        index = self.items.value
        if index is None:
            return
        item = self._routine.remove(index)
        self._say(f"Removed {self.catalog.loc[item.stretch_id, 'name']}.")
        left = len(self._routine)
        self._refresh(select=min(index, left - 1) if left else None)

    # -- files ----------------------------------------------------------------------
    def _on_save(self, button: widgets.Button | None = None) -> None:
        self._say(self.files.save(self._routine))

    def _on_load(self, button: widgets.Button | None = None) -> None:
        if self.saved.value is None:
            self._say(f"No saved routines in {self.folder} yet.", error=True)
            return
        try:
            routine = self.files.load(self.catalog)
        except (RoutineError, FileNotFoundError) as error:
            self._say(str(error), error=True)
            return
        self._routine = routine
        self._syncing = True
        try:
            self.name.value = routine.name
            self.notes.value = routine.notes
        finally:
            self._syncing = False
        self._say(f"Loaded {routine.name} from {self.saved.value}")
        self._refresh(select=0 if len(routine) else None)

    def _on_handout(self, button: widgets.Button | None = None) -> None:
        if not len(self._routine):
            self._say("Add a stretch before writing a handout.", error=True)
            return
        self._say("Writing the handout as a web page and as a PDF...")
        self._say(self.files.write_handout(self._routine, self._profile))

    # -- showing --------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        # Escaped: messages quote routine names, file paths and what the user typed.
        body = html.escape(text)
        self.status.value = f"<span style='color:{ERROR_COLOUR}'>{body}</span>" if error else body

    def _item_label(self, index: int) -> str:
        item = self._routine[index]
        return item_label(index, str(self.catalog.loc[item.stretch_id, "name"]), item)

    def _refresh(self, select: int | None, notify: bool = True) -> None:
        """Redraw everything from the routine; then tell the ``on_change`` listeners."""
        routine = self._routine
        self._syncing = True
        try:
            self.items.options = [(self._item_label(i), i) for i in range(len(routine))]
            self.items.value = select if select is not None and select < len(routine) else None
        finally:
            self._syncing = False
        self._show_dose()
        self.summary.show(routine, self._profile)
        if notify:
            self._changed()

    def _changed(self) -> None:
        """The routine changed: an old handout no longer fits it; tell the listeners."""
        self.downloads.value = ""
        for callback in list(self.on_change):
            callback(self._routine)

    def _show_dose(self, change: dict | None = None) -> None:
        if change is not None and self._syncing:
            return
        index = self.items.value
        for button in (self.up_button, self.down_button, self.remove_button):
            button.disabled = index is None
        self.dose.show(None if index is None else self._routine[index])
