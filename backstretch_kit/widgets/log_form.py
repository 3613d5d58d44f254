"""Log stretching done outside a routine, and a pain score, in a few clicks.

The form only gathers values: :class:`backstretch_kit.log.SessionLog` checks
and stores them, and its :class:`~backstretch_kit.log.LogError` message is
shown on the status line when it refuses something.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..log import LogError
from ..words import format_duration
from ._callbacks import click

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import pandas as pd

    from ..log import SessionLog

__all__ = ["LogForm"]

_SIDES: tuple[tuple[str, str], ...] = (
    ("Both sides, or not one-sided", "both"),
    ("Left side", "left"),
    ("Right side", "right"),
)


class LogForm(widgets.VBox):
    """A form for ad-hoc stretching ("I did 2 minutes of ...") and a quick pain score.

    Parameters
    ----------
    log : SessionLog
        Where entries go.
    person : str, optional
        The name filled in to start with; the log's people are offered too.
    catalog : DataFrame, optional
        The stretches offered; the shipped catalog when ``None``.

    Attributes
    ----------
    session_log : SessionLog
        The log given (a widget's ``log`` attribute is its Python logger).
    person, stretch, minutes, side, notes : widgets
        The activity entry; ``save_button`` stores it with
        :meth:`SessionLog.log_activity`.
    pain, pain_notes : widgets
        The pain entry (0 to 10); ``pain_button`` stores it.
    status : ipywidgets.HTML
        What was saved, or why it was refused.
    last_session_id : int or None
        The id of the session the last successful entry made.

    Notes
    -----
    A pain score on its own is stored as a session with ``pain_before`` set
    and no holds, opened and closed at once, since the log has no separate
    pain entry.
    """

    def __init__(
        self,
        log: SessionLog,
        person: str | None = None,
        catalog: pd.DataFrame | None = None,
        **kwargs: Any,
    ) -> None:
        if catalog is None:
            from ..catalog import load_stretches

            catalog = load_stretches()
        self.session_log = log
        self.catalog = catalog
        self.last_session_id: int | None = None

        self.person = widgets.Combobox(
            options=log.people(),
            value=person or "",
            placeholder="Your name",
            description="Name",
            ensure_option=False,
        )
        self.person.add_class("bk-log-person")

        self.stretch = widgets.Dropdown(
            options=[(str(name), str(sid)) for sid, name in catalog["name"].items()],
            description="Stretch",
            layout=widgets.Layout(width="420px"),
        )
        self.stretch.add_class("bk-log-stretch")
        self.minutes = widgets.FloatText(value=2.0, step=0.5, description="Minutes")
        self.minutes.add_class("bk-log-minutes")
        self.side = widgets.Dropdown(options=list(_SIDES), description="Side")
        self.side.add_class("bk-log-side")
        self.notes = widgets.Textarea(
            placeholder="How did it feel? (optional)", description="Notes"
        )
        self.notes.add_class("bk-log-notes")
        self.save_button = widgets.Button(
            description="Log it", icon="check", button_style="primary"
        )
        self.save_button.add_class("bk-log-save")
        click(self.save_button, self._on_save, self._show_error, "saving the stretch")

        self.pain = widgets.IntSlider(value=0, min=0, max=10, description="Pain now")
        self.pain.add_class("bk-log-pain")
        self.pain_notes = widgets.Text(placeholder="(optional)", description="Notes")
        self.pain_notes.add_class("bk-log-pain-notes")
        self.pain_button = widgets.Button(description="Save pain score", icon="check")
        self.pain_button.add_class("bk-log-pain-save")
        click(self.pain_button, self._on_pain, self._show_error, "saving the pain score")

        self.status = widgets.HTML()
        self.status.add_class("bk-log-status")

        super().__init__(
            [
                self.person,
                widgets.HTML("<b>Stretching I did on my own</b>"),
                self.stretch,
                widgets.HBox([self.minutes, self.side]),
                self.notes,
                self.save_button,
                widgets.HTML("<b>How is the pain?</b> 0 is no pain, 10 the worst you can imagine."),
                self.pain,
                self.pain_notes,
                self.pain_button,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("bk-log")

    def _on_save(self, button: widgets.Button | None = None) -> None:
        stretch_id = self.stretch.value
        try:
            self.last_session_id = self.session_log.log_activity(
                self.person.value,
                stretch_id,
                self.minutes.value * 60.0,
                side=self.side.value,
                notes=self.notes.value,
            )
        except LogError as error:
            self._say(str(error), error=True)
            return
        side = "" if self.side.value == "both" else f" ({self.side.value} side)"
        name = self.catalog.loc[stretch_id, "name"]
        self._say(
            f"Saved: {format_duration(self.minutes.value * 60.0)} of {name}{side} "
            f"for {self.person.value.strip()}."
        )
        self.notes.value = ""
        self._offer_people()

    def _on_pain(self, button: widgets.Button | None = None) -> None:
        try:
            session_id = self.session_log.start_session(
                self.person.value, pain_before=self.pain.value, notes=self.pain_notes.value
            )
            self.session_log.finish_session(session_id)
        except LogError as error:
            self._say(str(error), error=True)
            return
        self.last_session_id = session_id
        self._say(f"Saved: pain {self.pain.value} out of 10 for {self.person.value.strip()}.")
        self.pain_notes.value = ""
        self._offer_people()

    def _offer_people(self) -> None:
        self.person.options = self.session_log.people()

    def _show_error(self, markup: str) -> None:
        self.status.value = markup

    def _say(self, text: str, error: bool = False) -> None:
        body = html.escape(text)
        self.status.value = f"<span style='color:#B3261E'>{body}</span>" if error else body
