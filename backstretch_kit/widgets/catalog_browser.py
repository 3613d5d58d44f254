"""Browse the stretch catalog: filter it, and read one stretch's steps and cautions.

Everything shown comes from the package: the catalog from
:func:`backstretch_kit.load_stretches`, the safety rules from
:mod:`backstretch_kit.guidance`, the pictogram from
:func:`backstretch_kit.poses.picture_bytes`.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..catalog import NO_EQUIPMENT, filter_stretches
from ..guidance import CAUTION_WORDS, PROFILE_QUESTIONS, conflicting_cautions
from ..poses import picture_bytes
from ..routine import RoutineItem
from ..vocab import BODY_AREAS, EQUIPMENT, LEVELS, POSITIONS
from ..words import dose_text, stretch_label
from ._callbacks import watch
from ._render import DEFAULT_DPI, png_image

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd

    from ..guidance import Profile

__all__ = ["CatalogBrowser"]


#: Profile conditions the browser offers as checkboxes: every condition that hides
#: stretches by their caution tags (recent surgery depends on the operated area, which
#: the routine check asks for), with the words a person would tick.
_PROFILE_BOXES: tuple[tuple[str, str, str], ...] = tuple(
    (name, words, f"bk-catalog-{name.replace('_', '-')}")
    for name, words in PROFILE_QUESTIONS
    if name != "recent_surgery"
)


def _choice(label: str, values: Iterable[str]) -> list[tuple[str, str | None]]:
    return [(label, None), *((value, value) for value in values)]


class CatalogBrowser(widgets.VBox):
    """Filter the stretch catalog and read each stretch's steps, dose and cautions.

    Parameters
    ----------
    catalog : DataFrame, optional
        The stretches to browse; the shipped catalog when ``None``.
    profile : Profile, optional
        A :class:`backstretch_kit.guidance.Profile`; its conditions tick the
        safety checkboxes, so stretches that conflict with them start hidden.
    dpi : float
        Resolution of the pictogram.

    Attributes
    ----------
    shown : DataFrame
        The catalog rows the filters let through, in the order listed.
    area, position, level, equipment : ipywidgets.Dropdown
        The filters (``None`` means any).
    safety : dict of str to ipywidgets.Checkbox
        One checkbox per profile condition that hides stretches by their
        caution tags (``"flexion_intolerant"``, ``"osteoporosis"``, ...; see
        :data:`~backstretch_kit.guidance.PROFILE_QUESTIONS`).
    results : ipywidgets.Select
        The stretches shown, each with its main body area (and, filtered by an
        area it works on the side, that one too); its value is the stretch id.

    Examples
    --------
    >>> browser = CatalogBrowser()
    >>> browser.safety["flexion_intolerant"].value = True
    >>> "flexion" in {tag for tags in browser.shown["cautions"] for tag in tags}
    False
    """

    def __init__(
        self,
        catalog: pd.DataFrame | None = None,
        profile: Profile | None = None,
        *,
        dpi: float = DEFAULT_DPI,
        **kwargs: Any,
    ) -> None:
        if catalog is None:
            from ..catalog import load_stretches

            catalog = load_stretches()
        self.catalog = catalog
        self._base_profile = profile
        self._dpi = dpi
        self._pictures: dict[str, bytes | None] = {}
        self._updating = False

        self.area = widgets.Dropdown(options=_choice("All areas", BODY_AREAS), description="Area")
        self.position = widgets.Dropdown(
            options=_choice("Any position", POSITIONS), description="Position"
        )
        self.level = widgets.Dropdown(options=_choice("Any level", LEVELS), description="Level")
        self.equipment = widgets.Dropdown(
            options=_choice("Any equipment", (NO_EQUIPMENT, *EQUIPMENT)), description="Equipment"
        )
        for control, css in (
            (self.area, "bk-catalog-area"),
            (self.position, "bk-catalog-position"),
            (self.level, "bk-catalog-level"),
            (self.equipment, "bk-catalog-equipment"),
        ):
            control.add_class(css)
            watch(control, self._refresh, self._show_error, "filtering the catalog")

        self.safety: dict[str, widgets.Checkbox] = {}
        for field, label, css in _PROFILE_BOXES:
            box = widgets.Checkbox(
                value=bool(getattr(profile, field, False)),
                description=label,
                indent=False,
                layout=widgets.Layout(width="auto"),
            )
            box.add_class(css)
            watch(box, self._refresh, self._show_error, "filtering the catalog")
            self.safety[field] = box

        self.count = widgets.HTML()
        self.count.add_class("bk-catalog-count")
        self.results = widgets.Select(rows=14, layout=widgets.Layout(width="100%"))
        self.results.add_class("bk-catalog-results")
        watch(self.results, self._show_detail, self._show_error, "showing the stretch")

        self.detail = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.detail.add_class("bk-catalog-detail")
        self.picture = png_image("bk-catalog-picture")

        filters = widgets.VBox(
            [
                self.area,
                self.position,
                self.level,
                self.equipment,
                widgets.HTML("<b>Hide stretches that do not suit me:</b>"),
                *self.safety.values(),
                self.count,
                self.results,
            ],
            layout=widgets.Layout(width="40%", min_width="300px"),
        )
        pane = widgets.VBox(
            [self.picture, self.detail], layout=widgets.Layout(width="60%", padding="0 0 0 1em")
        )
        super().__init__([widgets.HBox([filters, pane])], **kwargs)
        self.add_class("bk-catalog")
        self.shown = catalog
        self._refresh()

    # -- what is shown --------------------------------------------------------------
    @property
    def profile(self) -> Profile | None:
        """The safety profile the checkboxes describe (the given profile, updated)."""
        flags = {field: box.value for field, box in self.safety.items()}
        if self._base_profile is None and not any(flags.values()):
            return None
        from ..guidance import Profile

        if self._base_profile is None:
            return Profile(**flags)
        return dataclasses.replace(self._base_profile, **flags)

    @property
    def selected_id(self) -> str | None:
        """The stretch id shown in the detail pane, or ``None`` when nothing is listed."""
        return self.results.value

    def _show_error(self, markup: str) -> None:
        self.count.value = markup

    def _refresh(self, change: dict | None = None) -> None:
        self.shown = filter_stretches(
            self.catalog,
            area=self.area.value,
            position=self.position.value,
            level=self.level.value,
            equipment=self.equipment.value,
            hidden_cautions=conflicting_cautions(self.profile),
        )
        total = len(self.catalog)
        noun = "stretch" if total == 1 else "stretches"
        self.count.value = f"{len(self.shown)} of {total} {noun}"
        previous = self.results.value
        ids = [str(i) for i in self.shown.index]
        self._updating = True
        try:
            self.results.options = [
                (stretch_label(name, area, also, listed_for=self.area.value), sid)
                for sid, name, area, also in zip(
                    ids,
                    self.shown["name"],
                    self.shown["body_area"],
                    self.shown["secondary_areas"],
                    strict=True,
                )
            ]
            if ids:
                self.results.value = previous if previous in ids else ids[0]
        finally:
            self._updating = False
        self._show_detail()

    def _show_detail(self, change: dict | None = None) -> None:
        if self._updating:
            return
        stretch_id = self.results.value
        if stretch_id is None:
            self.detail.value = (
                "<p>No stretch matches all of these filters. Set one back to "
                "<i>All</i> or <i>Any</i> to see more.</p>"
            )
            self._set_picture(None)
            return
        self.detail.value = _detail_html(stretch_id, self.catalog.loc[stretch_id])
        self._set_picture(self._picture_for(stretch_id))

    def _set_picture(self, png: bytes | None) -> None:
        self.picture.value = png or b""
        self.picture.layout.display = None if png else "none"

    def _picture_for(self, stretch_id: str) -> bytes | None:
        # None for a stretch with no pose (a catalog of your own): shown without a picture
        if stretch_id not in self._pictures:
            self._pictures[stretch_id] = picture_bytes(stretch_id, dpi=self._dpi)
        return self._pictures[stretch_id]


def _detail_html(stretch_id: str, row: pd.Series) -> str:
    """The detail pane: name, what it works, numbered steps, dose and cautions."""
    esc = html.escape
    areas = ", ".join([str(row["body_area"]), *row["secondary_areas"]])
    kit = ", ".join(row["equipment"]) or "nothing"
    steps = "".join(f"<li>{esc(step)}</li>" for step in row["instructions"])
    item = RoutineItem(
        stretch_id, float(row["hold_s"]), int(row["reps"]), str(row["sides"]), float(row["rest_s"])
    )
    dose = dose_text(item)
    parts = [
        f"<h3>{esc(str(row['name']))}</h3>",
        f"<p><b>Works:</b> {esc(areas)}. <b>Position:</b> {esc(str(row['position']))}. "
        f"<b>Level:</b> {esc(str(row['level']))}. <b>You need:</b> {esc(kit)}.</p>",
        f"<ol>{steps}</ol>",
        f"<p><b>Dose:</b> {esc(dose)}</p>",
    ]
    if row["cautions"]:
        cautions = "".join(f"<li>{esc(CAUTION_WORDS[tag])}</li>" for tag in row["cautions"])
        parts.append(f"<p><b>Take care:</b></p><ul>{cautions}</ul>")
    parts.append(
        "<p><i>A stretch should feel like a gentle pull, never pain. Stop if it hurts, "
        "and talk to a doctor or physiotherapist if pain lasts.</i></p>"
    )
    parts.append(f"<p style='color:#6B6B6B'><small>id: {esc(stretch_id)}</small></p>")
    return "\n".join(parts)
