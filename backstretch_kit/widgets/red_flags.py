"""RedFlagScreen: the short red-flag screen as checkboxes, with its findings shown live.

The questions and the rules live in :mod:`backstretch_kit.guidance`; this widget only
asks them and shows what :func:`~backstretch_kit.guidance.screen_red_flags` says.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..guidance import RED_FLAG_QUESTIONS, Finding, Profile, screen_red_flags
from ._callbacks import watch

__all__ = ["RedFlagScreen"]

_COLOURS = {"stop": "#b00020", "caution": "#8a5a00", "info": "#1f4e79"}
_ALL_CLEAR = (
    "Nothing here needs a doctor first. Stop any stretch that causes sharp pain, "
    "tingling or numbness."
)


class RedFlagScreen(W.VBox):
    """Ask the red-flag questions before a session and say what the answers mean.

    Parameters
    ----------
    on_change : callable, optional
        Called with the list of findings whenever an answer changes.

    Attributes
    ----------
    boxes : dict of str to ipywidgets.Checkbox
        One per question of :data:`~backstretch_kit.guidance.RED_FLAG_QUESTIONS`,
        by its key; each carries the CSS class ``bk-red-flag``.
    weeks : ipywidgets.BoundedFloatText
        How many weeks the pain or stiffness has lasted (0 when not known).
    findings : list of Finding
        What the current answers mean, most serious first.
    """

    def __init__(self, on_change: Callable[[list[Finding]], None] | None = None) -> None:
        self._handlers = [] if on_change is None else [on_change]
        self.boxes: dict[str, W.Checkbox] = {}
        for question in RED_FLAG_QUESTIONS:
            box = W.Checkbox(
                value=False,
                description=question.question,
                indent=False,
                layout=W.Layout(width="auto"),
            ).add_class("bk-red-flag")
            watch(box, self._update, self._show_error, "reading your answer")
            self.boxes[question.key] = box
        self.weeks = W.BoundedFloatText(
            value=0,
            min=0,
            max=520,
            step=1,
            description="Weeks of back pain or stiffness so far",
            style={"description_width": "initial"},
        ).add_class("bk-red-flag-weeks")
        watch(self.weeks, self._update, self._show_error, "reading your answer")
        self.verdict = W.HTML().add_class("bk-red-flag-verdict")
        self.findings: list[Finding] = []
        super().__init__(
            [
                W.HTML("<b>Before you stretch:</b> tick anything that is true for you now."),
                *self.boxes.values(),
                self.weeks,
                self.verdict,
            ]
        )
        self.add_class("bk-red-flags")
        self._update()

    @property
    def answers(self) -> dict[str, bool]:
        """The answers as ``{question key: bool}``, ready for a Profile."""
        return {key: box.value for key, box in self.boxes.items()}

    @property
    def symptom_weeks(self) -> float | None:
        """Weeks of symptoms, or None when left at 0 (not known)."""
        return float(self.weeks.value) or None

    def profile(self, **conditions: Any) -> Profile:
        """A :class:`Profile` with these answers and any other conditions given."""
        return Profile(red_flags=self.answers, symptom_weeks=self.symptom_weeks, **conditions)

    def _show_error(self, markup: str) -> None:
        self.verdict.value = markup

    def _update(self, _change: object = None) -> None:
        self.findings = screen_red_flags(self.answers, self.symptom_weeks)
        if self.findings:
            items = "".join(
                f'<li style="color:{_COLOURS[f.level]}">{html.escape(f.message)}</li>'
                for f in self.findings
            )
            self.verdict.value = f"<ul>{items}</ul>"
        else:
            self.verdict.value = f"<p>{_ALL_CLEAR}</p>"
        for handler in self._handlers:
            handler(self.findings)
