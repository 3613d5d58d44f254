"""The routine builder's stretch chooser: an area filter, the list of stretches, and Add.

A plain object holding its widgets, as :mod:`._dose_editor` is: the builder
lays :attr:`StretchPicker.box` out and decides what Add does to the routine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..catalog import filter_stretches
from ..vocab import BODY_AREAS
from ..words import stretch_label
from ._callbacks import click, watch

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd


class StretchPicker:
    """Stretches of the catalog, filtered by body area, to add to a routine.

    Parameters
    ----------
    catalog : DataFrame
        The stretches to offer (``load_stretches()`` shape).
    on_add : callable
        Called with the Add button when it is clicked; reads :attr:`choices`.
    show_error : callable
        Shows an error raised while listing or adding (see :func:`._callbacks.watch`).
    """

    def __init__(
        self,
        catalog: pd.DataFrame,
        on_add: Callable[[Any], None],
        show_error: Callable[[str], None],
    ) -> None:
        self.catalog = catalog
        self.area = widgets.Dropdown(
            options=[("All areas", None), *((a, a) for a in BODY_AREAS)], description="Area"
        )
        self.area.add_class("bk-builder-area")
        watch(self.area, self.fill, show_error, "listing the stretches")
        self.choices = widgets.Select(rows=8, layout=widgets.Layout(width="100%"))
        self.choices.add_class("bk-builder-choices")
        self.add_button = widgets.Button(description="Add", icon="plus", button_style="primary")
        self.add_button.add_class("bk-builder-add")
        click(self.add_button, on_add, show_error, "adding the stretch")
        self.box = widgets.VBox(
            [widgets.HTML("<b>Stretches</b>"), self.area, self.choices, self.add_button],
            layout=widgets.Layout(width="40%", min_width="280px"),
        )
        self.fill()

    def fill(self, change: dict | None = None) -> None:
        """List the stretches of the chosen area (all of them for "All areas")."""
        area = self.area.value
        shown = filter_stretches(self.catalog, area=area)
        self.choices.options = [
            (stretch_label(name, main, also, listed_for=area), str(sid))
            for sid, name, main, also in zip(
                shown.index,
                shown["name"],
                shown["body_area"],
                shown["secondary_areas"],
                strict=True,
            )
        ]
