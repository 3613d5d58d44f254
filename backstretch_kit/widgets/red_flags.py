"""RedFlagScreen: the red-flag screen and the person's profile as checkboxes, answered live.

The questions and the rules live in :mod:`backstretch_kit.guidance`; this widget only
asks them and shows what :func:`~backstretch_kit.guidance.screen_red_flags` says.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..guidance import (
    ALL_CLEAR,
    LASTING_PAIN_QUESTION,
    PROFILE_QUESTIONS,
    RED_FLAGS,
    URGENCY_HEADINGS,
    Finding,
    Profile,
    screen_red_flags,
)
from ..words import FINDING_COLOURS
from ._callbacks import watch

__all__ = ["RedFlagScreen"]


class RedFlagScreen(W.VBox):
    """Ask the red-flag questions (and, optionally, the profile) and say what the answers mean.

    Parameters
    ----------
    on_change : callable, optional
        Called with the list of findings whenever an answer changes.
    ask_profile : bool
        Also ask the person's conditions (:data:`~backstretch_kit.guidance.PROFILE_QUESTIONS`
        and the age group), so :meth:`profile` gives a whole
        :class:`~backstretch_kit.guidance.Profile`. A class in a workshop is not asked.

    Attributes
    ----------
    boxes : dict of str to ipywidgets.Checkbox
        One per sign of :data:`~backstretch_kit.guidance.RED_FLAGS`, by its key;
        each carries the CSS class ``bk-red-flag``.
    conditions : dict of str to ipywidgets.Checkbox
        One per profile condition (class ``bk-profile-condition``), plus
        ``"older_adult"``; empty when ``ask_profile`` is False.
    weeks : ipywidgets.BoundedFloatText
        How many weeks the pain or stiffness has lasted (0 when not known).
    findings : list of Finding
        What the current answers mean, most serious first.
    """

    def __init__(
        self,
        on_change: Callable[[list[Finding]], None] | None = None,
        *,
        ask_profile: bool = False,
    ) -> None:
        self._handlers = [] if on_change is None else [on_change]
        self.boxes: dict[str, W.Checkbox] = {}
        groups: list[W.Widget] = []
        for urgency, heading in URGENCY_HEADINGS.items():
            flags = [flag for flag in RED_FLAGS if flag.urgency == urgency]
            if not flags:
                continue
            groups.append(W.HTML(f"<i>{html.escape(heading)}:</i>"))
            for flag in flags:
                box = self._checkbox(flag.question, "bk-red-flag")
                self.boxes[flag.key] = box
                groups.append(box)
        self.weeks = W.BoundedFloatText(
            value=0,
            min=0,
            max=520,
            step=1,
            description=LASTING_PAIN_QUESTION,
            style={"description_width": "initial"},
            layout=W.Layout(width="auto"),
        ).add_class("bk-red-flag-weeks")
        self.conditions: dict[str, W.Checkbox] = {}
        about: list[W.Widget] = []
        if ask_profile:
            about.append(
                W.HTML("<b>About you</b> (so the stretches that do not suit you are flagged):")
            )
            questions = (*PROFILE_QUESTIONS, ("older_adult", "I am 65 or older"))
            for name, words in questions:
                self.conditions[name] = self._checkbox(words, "bk-profile-condition")
                about.append(self.conditions[name])
        self.verdict = W.HTML().add_class("bk-red-flag-verdict")
        self.findings: list[Finding] = []
        for box in (*self.boxes.values(), self.weeks, *self.conditions.values()):
            watch(box, self._update, self._show_error, "reading your answer")
        super().__init__(
            [
                W.HTML("<b>Before you stretch:</b> tick anything that is true for you now."),
                *groups,
                self.weeks,
                self.verdict,
                *about,
            ]
        )
        self.add_class("bk-red-flags")
        self._update()

    def add_change_handler(self, handler: Callable[[list[Finding]], None]) -> None:
        """Call ``handler(findings)`` whenever an answer or a condition changes."""
        self._handlers.append(handler)

    @staticmethod
    def _checkbox(words: str, css: str) -> W.Checkbox:
        box = W.Checkbox(
            value=False, description=words, indent=False, layout=W.Layout(width="auto")
        )
        return box.add_class(css)

    @property
    def answers(self) -> dict[str, bool]:
        """The red-flag answers as ``{key: bool}``, ready for a Profile."""
        return {key: box.value for key, box in self.boxes.items()}

    @property
    def symptom_weeks(self) -> float | None:
        """Weeks of symptoms, or None when left at 0 (not known)."""
        return float(self.weeks.value) or None

    def profile(self, base: Profile | None = None, **conditions: Any) -> Profile:
        """A :class:`Profile` with these answers.

        Conditions ticked here are added to those of ``base`` (a profile a
        physiotherapist prepared) and to ``conditions``; nothing ticked here
        takes a condition away.
        """
        profile = base if base is not None else Profile()
        ticked = {name: True for name, box in self.conditions.items() if box.value}
        if ticked.pop("older_adult", False):
            ticked["age_group"] = "older adult"
        return dataclasses.replace(
            profile,
            **{**conditions, **ticked},
            red_flags=self.answers,
            symptom_weeks=self.symptom_weeks,
        )

    def _show_error(self, markup: str) -> None:
        self.verdict.value = markup

    def _update(self, _change: object = None) -> None:
        self.findings = screen_red_flags(self.answers, self.symptom_weeks)
        if self.findings:
            items = "".join(
                f'<li style="color:{FINDING_COLOURS[f.level]}">{html.escape(f.message)}</li>'
                for f in self.findings
            )
            self.verdict.value = f"<ul>{items}</ul>"
        else:
            self.verdict.value = f"<p>{html.escape(ALL_CLEAR)}</p>"
        for handler in self._handlers:
            handler(self.findings)
