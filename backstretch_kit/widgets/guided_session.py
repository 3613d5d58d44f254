"""GuidedSession: check, ask pain before, play and log a routine, ask pain after.

The session moves through stages: ``"blocked"`` (a ``stop`` finding: it
never starts), ``"before"`` (pain before and Begin), ``"playing"`` (the
:class:`TimerWidget`), ``"after"`` (pain after, notes, Finish) and ``"done"``.

Every hold is written to the :class:`~backstretch_kit.log.SessionLog` the
moment the page reports it finished (the timer runs in the page, see
:mod:`.timer_widget`; each report is taken once, whatever the page resends), so
stopping half way or closing the notebook loses no finished hold; the session
row itself is closed by Finish.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from ..guidance import check_routine, pain_change_advice
from ..log import LogError
from ..session import LoggedSession
from ..timer import PhaseFinished, RoutineEnded
from ._callbacks import click
from ._findings import findings_html
from .timer_widget import TimerWidget

__all__ = ["GuidedSession"]


class GuidedSession(W.VBox):
    """A whole stretching session in one widget, logged as it goes.

    Parameters
    ----------
    routine : Routine
        The routine to play.
    person : str
        Who is stretching, as the log knows them.
    log : SessionLog
        Where the session and its holds are written.
    profile : Profile, optional
        The person's safety profile for :func:`~backstretch_kit.check_routine`.
    screen : RedFlagScreen, optional
        Shown above Begin; its answers are read when Begin is pressed, so a red
        flag ticked just before starting still blocks the session.
    large : bool
        Projector mode for the timer.
    ask_pain : bool
        Ask pain before and after (the default). A workshop's class session
        turns this off: the projector shows Begin and the timer only.
    clock : callable
        The timer's monotonic clock (the page's times are mapped onto it); inject
        a fake one in tests.
    scale : float
        Multiplies every phase length (for demonstrations); the log records
        the scaled planned seconds, as played.
    timer_options
        Passed on to :class:`TimerWidget` (``stretches``, ``pictures``, ``volume``,
        ``muted``, ``voice``).

    Attributes
    ----------
    findings : list of Finding
    session_log : SessionLog
        The ``log`` given (``.log`` is the logger every widget has).
    stage : str
    session_id : int or None
        The log's id once Begin was pressed.
    hold_ids : list of int
        Ids of the holds written so far.
    unsaved : list of PhaseFinished
        Holds the log refused (a full disk, a closed log); each was reported
        in the status line when it happened.
    timer : TimerWidget
    pain_before, begin_button, pain_after, notes, finish_button, status,
    findings_html : ipywidgets
        With CSS classes ``bk-pain-before``, ``bk-begin``, ``bk-pain-after``,
        ``bk-notes``, ``bk-finish``, ``bk-session-status``, ``bk-findings``.
    """

    def __init__(
        self,
        routine: Any,
        person: str,
        log: Any,
        profile: Any = None,
        *,
        screen: Any = None,
        large: bool = False,
        ask_pain: bool = True,
        clock: Callable[[], float] = time.monotonic,
        scale: float = 1.0,
        **timer_options: Any,
    ) -> None:
        self.routine = routine
        self.person = person
        self.ask_pain = ask_pain
        self.session_log = log  # not .log: traitlets gives every widget a logger there
        self.profile = profile
        self.screen = screen
        self.findings = check_routine(routine, profile)
        self.timer = TimerWidget(
            routine,
            large=large,
            on_event=self._on_timer_event,
            clock=clock,
            scale=scale,
            **timer_options,
        )
        self.record = LoggedSession(log, person, routine, self.timer.clock)
        title = f"{getattr(routine, 'name', '') or 'Routine'} · {person}"
        self.header = W.HTML(f"<h3 style='margin:0.2em 0'>{html.escape(title)}</h3>")
        self.findings_html = W.HTML(findings_html(self.findings)).add_class("bk-findings")
        self.status = W.HTML().add_class("bk-session-status")
        self.pain_before = W.IntSlider(
            value=0, min=0, max=10, description="Pain now (0-10)"
        ).add_class("bk-pain-before")
        self.begin_button = W.Button(
            description="Begin", icon="play", button_style="success"
        ).add_class("bk-begin")
        click(self.begin_button, self.begin, self._show_error, "starting the session")
        self.pain_after = W.IntSlider(
            value=0, min=0, max=10, description="Pain now (0-10)"
        ).add_class("bk-pain-after")
        self.notes = W.Textarea(placeholder="Anything to note (optional)").add_class("bk-notes")
        self.finish_button = W.Button(
            description="Finish and save", icon="check", button_style="primary"
        ).add_class("bk-finish")
        click(self.finish_button, self.finish, self._show_error, "saving the session")
        for slider in (self.pain_before, self.pain_after):
            slider.style.description_width = "initial"
        if ask_pain:
            self.before_box = W.VBox(
                [
                    W.HTML("How much does your back hurt right now?"),
                    self.pain_before,
                    self.begin_button,
                ]
            )
            after = [
                W.HTML("How much does your back hurt now, after stretching?"),
                self.pain_after,
            ]
        else:
            self.before_box = W.VBox([self.begin_button])
            after = []
        if screen is not None:
            self.before_box.children = (screen, *self.before_box.children)
            screen.add_change_handler(lambda _findings: self._show_screen_findings())
        self.after_box = W.VBox([*after, self.notes, self.finish_button])
        super().__init__()
        self.add_class("bk-session")
        stops = [f for f in self.findings if f.level == "stop"]
        if stops:
            self._block(stops)
        else:
            self._ready()
        self._layout()

    # -- stages ------------------------------------------------------------------

    def _layout(self) -> None:
        body: dict[str, list[W.Widget]] = {
            "blocked": [self.before_box],  # shown disabled, under the reason
            "before": [self.before_box],
            "playing": [self.timer],
            "after": [self.after_box],
            "done": [],
        }
        self.children = [self.header, self.findings_html, self.status, *body[self.stage]]

    def _show_error(self, markup: str) -> None:
        self.status.value = markup

    def _say(self, markup: str) -> None:
        self.status.value = f"<div style='font-size:1.1em'>{markup}</div>"

    def _ready(self) -> None:
        self.stage = "before"
        self.begin_button.disabled = False
        self.pain_before.disabled = False
        first = "Answer the questions below, then set" if self.screen is not None else "Set"
        self._say(
            f"{first} your pain level, then press Begin."
            if self.ask_pain
            else "Press Begin when everyone is ready."
        )

    def _block(self, stops: list[Any]) -> None:
        self.stage = "blocked"
        self.begin_button.disabled = True
        self.pain_before.disabled = True
        # each stop carries its own advice (emergency care, a doctor soon, or
        # leaving a stretch out); nothing is added that would soften or blur it
        text = "This session will not start. " + " ".join(html.escape(f.message) for f in stops)
        if all(f.item is not None for f in stops):
            text += " Change the routine to leave these stretches out, or ask your physiotherapist."
        self._say(f"<b>{text}</b>")

    def _show_screen_findings(self) -> None:
        """While waiting to begin, show what the screen's answers mean for this routine."""
        if self.stage not in ("before", "blocked") or self.screen is None:
            return
        self.findings = check_routine(self.routine, self.screen.profile(self.profile))
        self.findings_html.value = findings_html(self.findings)
        stops = [f for f in self.findings if f.level == "stop"]
        if stops:
            self._block(stops)
        elif self.stage == "blocked":  # a sign ticked by mistake was unticked
            self._ready()

    def _recheck_with_screen(self) -> bool:
        """Check again with the screen's answers; True when the session may start."""
        if self.screen is None:
            return True
        self.findings = check_routine(self.routine, self.screen.profile(self.profile))
        self.findings_html.value = findings_html(self.findings)
        stops = [f for f in self.findings if f.level == "stop"]
        if stops:
            self._block(stops)
            self._layout()
        return not stops

    def begin(self) -> None:
        """Open the session in the log with the pain before, and start the timer.

        Does nothing unless the session is waiting to begin (a blocked
        session never begins, even if the disabled button is clicked). With a
        red-flag screen, its answers are checked first.
        """
        if self.stage != "before" or not self._recheck_with_screen():
            return
        self.record.begin(self.pain_before.value if self.ask_pain else None)
        self.stage = "playing"
        self.begin_button.disabled = True
        self._say("Follow the timer. Stop at any time; finished holds are already saved.")
        self._layout()
        self.timer.start()

    def finish(self) -> None:
        """Close the session with the pain after and the notes."""
        if self.stage != "after" or self.session_id is None:
            return
        notes = self.notes.value.strip()
        self.record.finish(self.pain_after.value if self.ask_pain else None, notes or None)
        self.stage = "done"
        self.finish_button.disabled = True
        saved = f"Saved: {len(self.hold_ids)} holds, {self.record.completed} completed."
        if self.unsaved:
            saved += f" {len(self.unsaved)} could not be saved (see the message above)."
        if not self.ask_pain:
            self._say(saved)
            self._layout()
            return
        change = self.pain_after.value - self.pain_before.value
        trend = (
            "the same as before"
            if change == 0
            else f"{abs(change)} point{'s' if abs(change) != 1 else ''} "
            f"{'lower' if change < 0 else 'higher'} than before"
        )
        advice = pain_change_advice(self.pain_before.value, self.pain_after.value)
        said = f"{saved} Pain {self.pain_before.value} → {self.pain_after.value} ({trend})."
        if advice is not None:
            said += f"<br><b>{html.escape(advice)}</b>"
        self._say(said)
        self._layout()

    # -- timer events ------------------------------------------------------------

    @property
    def session_id(self) -> int | None:
        """The log's id of this session, once Begin was pressed."""
        return self.record.session_id

    @property
    def hold_ids(self) -> list[int]:
        """Ids of the holds written so far."""
        return self.record.hold_ids

    @property
    def unsaved(self) -> list[PhaseFinished]:
        """Holds the log refused; each was reported in the status line."""
        return self.record.unsaved

    def _on_timer_event(self, event: Any) -> None:
        try:
            self.record.handle(event)
        except LogError as error:
            # the timer goes on; the person is told this one hold is not in the log
            self._say(
                f"This hold ({html.escape(event.phase.name)}) could not be saved: "
                f"{html.escape(str(error))}. The other holds are kept."
            )
        if isinstance(event, RoutineEnded):
            self.stage = "after"
            done = "You finished the routine." if event.outcome == "finished" else "Stopped."
            self._say(f"{done} How does your back feel now?")
            self._layout()
