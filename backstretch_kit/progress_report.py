"""A progress report for the physiotherapist: one PDF of what a patient did and how it went.

:func:`write_progress_report` reads the patient's range from the log and prints the
program, a summary (sessions, holds and minutes planned against done, pain at the
start and the end), the program's next step (:meth:`Program.advice` as of the last
day of the range, and what the next week changes), the adherence chart
(:func:`~backstretch_kit.charts.program_adherence.program_adherence`), the pain
trend (:func:`~backstretch_kit.charts.pain_trend`), left against right
(:func:`~backstretch_kit.charts.side_balance`), the weeks in a table and the
patient's own notes. Everything a person typed is printed as plain text.

Fonts: :func:`~backstretch_kit.pdf_fonts.setup_fonts` loads the fallback fonts only
when a name or note needs a script DejaVu cannot print, so a report stays well under
two seconds.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .adherence import adherence, log_frames
from .pdf_fonts import MAIN_FAMILY, setup_fonts
from .program_rules import ProgramError
from .words import FINDING_TITLES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .log import SessionLog
    from .program import Program

__all__ = ["write_progress_report"]

#: Dots per inch of the charts: sharp on paper at the page's width, quick to draw.
CHART_DPI = 110


def _png(fig: Figure) -> io.BytesIO:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white")
    buffer.seek(0)
    return buffer


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _share(done: float, planned: float) -> str:
    return f" ({done / planned:.0%})" if planned else ""


def _summary(program: Program, table: pd.DataFrame) -> list[str]:
    planned, done = table["planned_sessions"].sum(), table["done_sessions"].sum()
    minutes, planned_minutes = table["done_minutes"].sum(), table["planned_minutes"].sum()
    lines = [
        f"Sessions: {done} done of {planned} planned{_share(done, planned)}.",
        f"Holds: {table['done_holds'].sum()} done, {table['completed_holds'].sum()} of them "
        f"held to the end; {table['planned_holds'].sum()} planned.",
        f"Minutes held: {minutes:.0f} of {planned_minutes:.0f} planned"
        f"{_share(minutes, planned_minutes)}.",
    ]
    pain = table.dropna(subset=["pain_after"])
    if len(pain) >= 2:
        first, last = pain.iloc[0], pain.iloc[-1]
        lines.append(
            f"Pain after sessions: {first['pain_after']:.1f} out of 10 in week {first['week']}, "
            f"{last['pain_after']:.1f} in week {last['week']}."
        )
    held = table.loc[table["dose_held"], "week"].tolist()
    if held:
        lines.append(f"Dose kept by the pain rule in week {', '.join(map(str, held))}.")
    return lines


def _notes(program: Program, sessions: pd.DataFrame) -> list[str]:
    written = sessions[sessions["notes"].fillna("").str.strip() != ""]
    days = program.local_days(written["started_at"])
    return [f"{day:%d %b}: {note}" for day, note in zip(days, written["notes"], strict=True)]


def write_progress_report(
    program: Program,
    log: SessionLog,
    path: str | Path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    paper: str = "A4",
) -> Path:
    """Write a physiotherapist's progress report of ``program`` as a PDF; return its path.

    Parameters
    ----------
    program : Program
    log : SessionLog
        Holds the patient's sessions under ``program.person`` (see
        :func:`~backstretch_kit.patient_log.import_patient_log`).
    path : str or Path
        Ends in ``.pdf``.
    start, end : datetime.date, optional
        The patient days ``start <= day < end`` reported; by default from the
        program's start to today (or to the program's end, if that comes first).
    paper : {"A4", "Letter"}

    Raises
    ------
    ProgramError
        For a path that does not end in ``.pdf``, bad paper or a bad range.
    """
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise ProgramError(
            f"a progress report is a .pdf, not {target.suffix or '(none)'!r}", path=target
        )
    if paper not in ("A4", "Letter"):
        raise ProgramError(f"must be 'A4' or 'Letter', got {paper!r}", field="paper")
    end = min(program.end, program.today() + dt.timedelta(days=1)) if end is None else end
    sessions, holds = log_frames(program, log, start, end)
    table = adherence(program, sessions, holds, start, end)
    first = program.start if start is None else max(start, program.start)
    last = max(first, min(end, program.end) - dt.timedelta(days=1))
    notes = _notes(program, sessions)
    advice = program.advice(sessions, today=min(last, program.end))
    target.write_bytes(_pdf(program, sessions, holds, table, notes, advice, first, last, paper))
    return target


def _pdf(program, sessions, holds, table, notes, advice, first, last, paper) -> bytes:
    from fpdf import FPDF

    from .charts import pain_trend, side_balance
    from .charts.program_adherence import program_adherence

    pdf = FPDF(orientation="portrait", unit="mm", format=paper)
    texts = [program.person, program.notes, *notes, *(r.name for r in program.routines)]
    setup_fonts(pdf, texts, styles=("", "B"))  # the report sets no oblique text
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_title(f"Progress report: {program.person}")
    pdf.set_creator("backstretch-kit")
    pdf.add_page()

    def para(text: str, size: float = 10, style: str = "", height: float = 5.0) -> None:
        pdf.set_font(MAIN_FAMILY, style, size)
        pdf.multi_cell(pdf.epw, height, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(text: str) -> None:
        pdf.ln(2)
        para(text, 12.5, "B", 7)

    def chart(title: str, fig: Figure) -> None:
        height = pdf.epw * fig.get_figheight() / fig.get_figwidth()
        if pdf.will_page_break(height + 12):  # the heading stays with its chart
            pdf.add_page()
        heading(title)
        pdf.image(_png(fig), x=pdf.l_margin, w=pdf.epw)

    para(f"Progress report: {program.person}", 17, "B", 8.5)
    pdf.set_text_color(85, 85, 85)
    routines = ", ".join(routine.name for routine in program.routines)
    para(
        f"{_long(first)} to {_long(last)} · program of {program.weeks} weeks from "
        f"{_long(program.start)} ({routines}) · review on {_long(program.review)} · "
        f"days in {program.time_zone} time"
    )
    pdf.set_text_color(0, 0, 0)
    heading("Summary")
    for line in _summary(program, table) if not table.empty else ["No program weeks in range."]:
        para(f"• {line}")
    heading("Next step")
    for finding in advice:
        para(f"{FINDING_TITLES[finding.level]}: {finding.message}")
    if last + dt.timedelta(days=1) < program.end:
        para(program.week_summary(program.week_of(last + dt.timedelta(days=1)), sessions))
    chart("Planned and done", program_adherence(table))
    # the pain chart counts days on each time's own clock: give it the patient's
    local = sessions.assign(started_at=sessions["started_at"].dt.tz_convert(program.zone))
    chart("Pain", pain_trend(local))
    chart("Left and right", side_balance(holds))
    heading("Week by week")
    _week_table(pdf, table)
    heading("The patient's notes")
    for note in notes or ["No notes in this period."]:
        para(note)
    if program.notes:
        heading("The program's note")
        para(program.notes)
    pdf.ln(3)
    pdf.set_text_color(85, 85, 85)
    para(
        "Made with backstretch-kit from the patient's own log. Minutes are time held; "
        "days are the patient's local days.",
        8.5,
    )
    return bytes(pdf.output())


def _week_table(pdf: Any, table: pd.DataFrame) -> None:
    pdf.set_font(MAIN_FAMILY, "", 9)
    with pdf.table(
        col_widths=(14, 30, 26, 30, 30, 24),
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5,
    ) as grid:
        grid.row(["Week", "From", "Sessions", "Minutes held", "Holds to the end", "Pain after"])
        for row in table.itertuples(index=False):
            pain = "–" if pd.isna(row.pain_after) else f"{row.pain_after:.1f}"
            kept = " (kept)" if row.dose_held else ""
            grid.row(
                [
                    f"{row.week}{kept}",
                    f"{row.first_day:%d %b}",
                    f"{row.done_sessions} / {row.planned_sessions}",
                    f"{row.done_minutes:.0f} / {row.planned_minutes:.0f}",
                    f"{row.completed_holds} / {row.planned_holds}",
                    pain,
                ]
            )
