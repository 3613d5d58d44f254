"""Prepare a patient's program by clicking: routines, weeks, days, progression, the pack.

The widget only gathers choices: :class:`backstretch_kit.program.Program` checks
them (a progression past the guidance, a review before the start...) and its
:class:`~backstretch_kit.program.ProgramError` message is shown on the status line.
The weeks table is :func:`backstretch_kit.adherence.week_table`'s and the pack is
:func:`backstretch_kit.patient_pack.make_patient_pack`'s.
"""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..adherence import week_table
from ..program import WEEKDAYS, Program, ProgramError, Progression
from ..routine import RoutineError
from ..routine_file import file_stem, load_routine, ready_routines
from ._callbacks import click, watch

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..guidance import Profile
    from ..routine import Routine

__all__ = ["ProgramBuilder"]

_TIMES = [f"{hour:02d}:{minute:02d}" for hour in range(6, 23) for minute in (0, 30)]
_ERROR = "#B3261E"
_LABEL = {"description_width": "initial"}  # "every (weeks)" in full, not "every (wee..."
_CELL = "padding:2px 10px 2px 0;white-space:nowrap;vertical-align:top"


class ProgramBuilder(widgets.VBox):
    """Choose a program's routines, weeks, days and progression, see its weeks, make the pack.

    Parameters
    ----------
    person : str
        The patient's pseudonym to start with.
    routines : sequence of Routine, optional
        Routines to offer besides the shipped ones (by their names).
    start : datetime.date, optional
        The first day; today by default.
    time_zone : str
        The patient's zone (an IANA name).
    profile : Profile, optional
        The person's conditions, for the checks and the handouts.
    folder : str or Path, optional
        Where the pack is written; the current folder by default.

    Attributes
    ----------
    program : Program or None
        The program the choices make, or None while they do not make one (the
        status line says why). Rebuilt on every change.
    last_pack : Path or None
        The pack written last.
    status : ipywidgets.HTML
        What was made, or why not.

    Examples
    --------
    >>> builder = ProgramBuilder("Client A", start=dt.date(2026, 3, 2))
    >>> builder.weeks.value = 4
    >>> builder.program.weeks
    4
    """

    def __init__(
        self,
        person: str = "",
        routines: list[Routine] | None = None,
        start: dt.date | None = None,
        time_zone: str = "UTC",
        profile: Profile | None = None,
        folder: str | Path | None = None,
        **kwargs: Any,
    ) -> None:
        # label -> a shipped routine's short name, or a routine given
        self._offered: dict[str, Any] = {load_routine(n).name: n for n in ready_routines()}
        for routine in routines or ():
            self._offered[routine.name] = routine
        self._profile = profile
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.program: Program | None = None
        self.last_pack: Path | None = None
        self._problem = ""
        start = start or dt.date.today()

        def add(widget: widgets.Widget, css: str) -> widgets.Widget:
            widget.add_class(css)
            return widget

        wide = widgets.Layout(width="420px")
        self.person = add(
            widgets.Text(value=person, description="Patient", layout=wide), "bk-program-person"
        )
        given = [routine.name for routine in routines or ()]
        first = given or [label for label, n in self._offered.items() if n == "lower-back"]
        self.routines = add(
            widgets.SelectMultiple(
                options=list(self._offered),
                value=first,
                rows=4,
                description="Routines",
                layout=wide,
            ),
            "bk-program-routines",
        )
        self.start = add(widgets.DatePicker(value=start, description="Start"), "bk-program-start")
        self.weeks = add(
            widgets.IntSlider(value=6, min=1, max=26, description="Weeks"), "bk-program-weeks"
        )
        self.days = add(
            widgets.IntSlider(value=3, min=1, max=7, description="Days a week"), "bk-program-days"
        )
        self.weekdays = [
            add(
                widgets.ToggleButton(
                    description=name[:3].capitalize(), layout=widgets.Layout(width="52px")
                ),
                f"bk-program-day-{name}",
            )
            for name in WEEKDAYS
        ]
        self.review = add(
            widgets.DatePicker(value=start + dt.timedelta(weeks=6), description="Review"),
            "bk-program-review",
        )
        zones = sorted(zoneinfo.available_timezones())
        self.time_zone = add(
            widgets.Combobox(
                value=time_zone, options=zones, description="Time zone", ensure_option=False
            ),
            "bk-program-zone",
        )
        self.session_time = add(
            widgets.Dropdown(options=_TIMES, value="18:00", description="At"), "bk-program-time"
        )
        self.reminder = add(
            widgets.Dropdown(
                options=[
                    ("No reminder", 0),
                    ("15 min before", 15),
                    ("30 min before", 30),
                    ("1 hour before", 60),
                ],
                value=30,
                description="Reminder",
            ),
            "bk-program-reminder",
        )
        self.hold_step = add(
            widgets.Dropdown(
                options=[("No change", 0), ("5 s longer", 5), ("10 s longer", 10)],
                value=5,
                description="Holds",
            ),
            "bk-program-hold-step",
        )
        self.hold_every = add(
            widgets.IntSlider(value=1, min=1, max=4, description="every (weeks)", style=_LABEL),
            "bk-program-hold-every",
        )
        self.hold_up_to = add(
            widgets.IntSlider(
                value=30, min=10, max=60, step=5, description="up to (s)", style=_LABEL
            ),
            "bk-program-hold-up-to",
        )
        self.reps_step = add(
            widgets.Dropdown(
                options=[("No change", 0), ("One more", 1)], value=1, description="Repetitions"
            ),
            "bk-program-reps-step",
        )
        self.reps_every = add(
            widgets.IntSlider(value=2, min=1, max=4, description="every (weeks)", style=_LABEL),
            "bk-program-reps-every",
        )
        self.reps_up_to = add(
            widgets.IntSlider(value=4, min=2, max=4, description="up to", style=_LABEL),
            "bk-program-reps-up-to",
        )
        self.table = add(widgets.HTML(), "bk-program-table")
        self.pack_button = add(
            widgets.Button(
                description="Make the patient pack",
                icon="file-archive",
                button_style="primary",
                layout=widgets.Layout(width="auto"),
            ),
            "bk-program-pack",
        )
        self.status = add(widgets.HTML(), "bk-program-status")

        for control in (
            self.person,
            self.routines,
            self.start,
            self.weeks,
            self.days,
            self.review,
            self.time_zone,
            self.session_time,
            self.reminder,
            self.hold_step,
            self.hold_every,
            self.hold_up_to,
            self.reps_step,
            self.reps_every,
            self.reps_up_to,
            *self.weekdays,
        ):
            watch(control, lambda _change: self.rebuild(), self._show_error, "updating the program")
        click(self.pack_button, self.make_pack, self._show_error, "making the patient pack")

        super().__init__(
            [
                widgets.HTML("<b>Who and what</b>"),
                self.person,
                self.routines,
                widgets.HTML("<b>When</b>"),
                self.start,
                self.weeks,
                self.days,
                widgets.HBox([widgets.Label("or on"), *self.weekdays]),
                self.review,
                self.time_zone,
                widgets.HBox([self.session_time, self.reminder]),
                widgets.HTML("<b>A little more each week, if it goes well</b>"),
                widgets.HBox([self.hold_step, self.hold_every, self.hold_up_to]),
                widgets.HBox([self.reps_step, self.reps_every, self.reps_up_to]),
                self.table,
                self.pack_button,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("bk-program-builder")
        self.rebuild()

    # -- making the program ------------------------------------------------------------
    def _routine(self, name: str) -> Routine:
        offered = self._offered[name]
        return load_routine(offered) if isinstance(offered, str) else offered

    def _progressions(self) -> tuple[Progression, ...]:
        rules = []
        if self.hold_step.value:
            rules.append(
                Progression(
                    "hold_s", self.hold_step.value, self.hold_every.value, self.hold_up_to.value
                )
            )
        if self.reps_step.value:
            rules.append(
                Progression(
                    "reps", self.reps_step.value, self.reps_every.value, self.reps_up_to.value
                )
            )
        return tuple(rules)

    def rebuild(self) -> Program | None:
        """Make the program from the choices; show its weeks, or why it cannot be made."""
        chosen = [
            name for name, button in zip(WEEKDAYS, self.weekdays, strict=True) if button.value
        ]
        try:
            hour, minute = map(int, self.session_time.value.split(":"))
            if self.start.value is None or self.review.value is None:
                raise ProgramError("pick a start and a review date", field="start")
            self.program = Program(
                person=self.person.value.strip(),
                routines=tuple(self._routine(name) for name in self.routines.value),
                start=self.start.value,
                weeks=self.weeks.value,
                days=tuple(chosen) if chosen else self.days.value,
                review=self.review.value,
                time_zone=self.time_zone.value,
                progressions=self._progressions(),
                profile=self._profile,
                session_time=dt.time(hour, minute),
                reminder_minutes=self.reminder.value,
            )
        except (ProgramError, RoutineError) as error:
            self.program, self._problem = None, str(error)
            self.table.value = ""
            self._say(str(error), error=True)
            return None
        self.days.disabled = bool(chosen)  # named days decide how many
        self.table.value = _table_html(self.program)
        count = len(self.program.planned_days())
        self._say(f"{count} sessions over {self.program.weeks} weeks for {self.program.person}.")
        return self.program

    def make_pack(self) -> Path | None:
        """Write the patient pack of the current program into ``folder``."""
        if self.program is None:
            self._say(f"No pack yet: {self._problem}", error=True)
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        from ..patient_pack import make_patient_pack

        path = self.folder / f"{file_stem(self.program.person)}-program.zip"
        self.last_pack = make_patient_pack(self.program, path)
        self._say(f"Saved the patient pack as {path.name}.")
        return self.last_pack

    def _show_error(self, markup: str) -> None:
        self.status.value = markup

    def _say(self, text: str, error: bool = False) -> None:
        body = html.escape(text)
        self.status.value = f"<span style='color:{_ERROR}'>{body}</span>" if error else body


def _table_html(program: Program) -> str:
    """The weeks as an HTML table; every text cell escaped."""
    rows = [
        f"<tr><td style='{_CELL}'>{row.week}</td><td style='{_CELL}'>{row.first_day:%d %b}</td>"
        f"<td style='{_CELL}'>{row.sessions}</td><td style='{_CELL}'>{row.hold_minutes:.0f}</td>"
        f"<td style='padding:2px 0;vertical-align:top'>{html.escape(row.change)}</td></tr>"
        for row in week_table(program).itertuples(index=False)
    ]
    head = (
        "<tr><th>Week</th><th>From</th><th>Sessions</th><th>Minutes held</th><th>Change</th></tr>"
    )
    return f"<table class='bk-program-weeks'>{head}{''.join(rows)}</table>"
