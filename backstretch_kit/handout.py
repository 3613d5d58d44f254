"""Patient handouts: a routine on paper, as one HTML file or a PDF.

:func:`write_handout` chooses the format from the file's suffix;
:func:`write_handouts` writes both side by side, by default into the
``handouts`` folder of the user data folder (owner-only). Either format lists
each stretch with its numbered steps, dose, side and time, the total time, the
findings of :func:`~backstretch_kit.guidance.check_routine` for the person,
the date, and a short safety note.

The HTML is one self-contained file (inline CSS, inline SVG pictures, no
external assets) that prints on A4 and Letter alike. Everything in it is
escaped, including what a user typed (routine name, notes, person), so a
routine called ``<script>`` shows as text.

Pictures
--------
With ``pictures=True`` each stretch gets its pictogram from
:func:`backstretch_kit.poses.picture_bytes` (inline SVG in HTML, PNG in PDF), the
one way the package turns a pictogram into bytes. A stretch without a pose (one
of your own catalog's) is printed without a picture; a broken pose file raises
its :class:`~backstretch_kit.poses.PoseError` rather than quietly printing none.
"""

from __future__ import annotations

import datetime as _dt
import html
import io
import unicodedata
import warnings
from pathlib import Path
from typing import Any

from .guidance import (
    CAUTION_WORDS,
    LASTING_PAIN_LABEL,
    RED_FLAGS,
    URGENCIES,
    Finding,
    Profile,
    check_routine,
)
from .pdf_fonts import MAIN_FAMILY, setup_fonts, unprintable
from .poses import picture_bytes
from .routine import Routine, RoutineError, RoutineItem
from .vocab import AREA_COLOURS
from .words import FINDING_TITLES, dose_text, format_duration

__all__ = ["HANDOUT_FOLDER", "SUFFIXES", "handout_folder", "write_handout", "write_handouts"]

SUFFIXES: tuple[str, ...] = (".html", ".pdf")

#: The folder of the user data folder where handouts go when no folder is given.
HANDOUT_FOLDER = "handouts"


def _signs(urgency: str) -> str:
    return "; ".join(flag.label for flag in RED_FLAGS if flag.urgency == urgency)


#: The safety box of every handout; its warning signs come from the one red-flag table.
SAFETY_NOTE: tuple[str, ...] = (
    "Move slowly into each stretch until you feel a gentle pull, not pain. Breathe "
    "normally and do not bounce.",
    "If pain increases sharply, spreads down a leg, or you feel tingling or numbness, stop "
    "the stretch and rest.",
    f"{URGENCIES['emergency']} (call your emergency number or go to an emergency "
    f"department) if you notice: {_signs('emergency')}.",
    f"Stop stretching and see a doctor within a day or two if you notice: {_signs('doctor soon')}.",
    f"{URGENCIES['talk it over']} about {LASTING_PAIN_LABEL}.",
)

#: Over a stretch: a stop about one stretch means leaving that stretch out.
_LEFT_OUT = "Leave this stretch out"
_STOP_HEADING = "Stop: do not do these stretches now"


#: Dots per inch of the PNG pictures in the PDF: sharp in print at 42 mm wide.
PICTURE_DPI = 150


def _item_seconds(routine: Routine) -> list[float]:
    """Seconds each item takes on the timer, its lead-in pause included."""
    frame = routine.schedule()
    by_item = frame.groupby("item")["seconds"].sum()
    return [float(by_item.get(index, 0.0)) for index in range(len(routine))]


def _steps(routine: Routine, stretch_id: str) -> list[str]:
    catalog = routine.catalog
    if "instructions" not in catalog.columns:
        return []
    return [str(step) for step in catalog.at[stretch_id, "instructions"]]


def _today(date: _dt.date | None) -> _dt.date:
    if date is None:
        return _dt.datetime.now().astimezone().date()
    if isinstance(date, _dt.datetime):
        return date.date()
    if not isinstance(date, _dt.date):
        raise RoutineError(f"the handout date must be a date, got {date!r}", field="date")
    return date


def _long_date(date: _dt.date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


# -- the entry points ---------------------------------------------------------------------
def handout_folder() -> Path:
    """Where handouts go by default: ``user_data_dir() / "handouts"``, owner-only.

    Created (0o700, as the session log's folder) when missing; see
    :func:`backstretch_kit._data.user_folder`.
    """
    from ._data import user_folder

    return user_folder(HANDOUT_FOLDER)


def write_handouts(
    routine: Routine,
    folder: str | Path | None = None,
    profile: Profile | None = None,
    **options: Any,
) -> tuple[Path, ...]:
    """Write a routine's handout as HTML and as PDF, side by side; return both paths.

    The one way the notebooks and the routine builder make handouts, so both
    put the same two files in the same place.

    Parameters
    ----------
    routine : Routine
        What to print.
    folder : str or Path, optional
        Where to write; :func:`handout_folder` (the ``handouts`` folder of the
        user data folder) when ``None``. Created if missing.
    profile : Profile, optional
        The person's profile, as for :func:`write_handout`.
    **options
        ``person``, ``notes``, ``date``, ``pictures`` and ``paper``, as for
        :func:`write_handout`.

    Returns
    -------
    tuple of Path
        The files written, in :data:`SUFFIXES` order (``.html``, then ``.pdf``),
        named after the routine (:func:`~backstretch_kit.routine_file.file_stem`);
        a handout of the same name is replaced, as it is the same routine's.
    """
    from .routine_file import file_stem

    if folder is None:
        target = handout_folder()
    else:
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
    stem = file_stem(routine.name)
    return tuple(
        write_handout(routine, target / f"{stem}{suffix}", profile=profile, **options)
        for suffix in SUFFIXES
    )


def write_handout(
    routine: Routine,
    path: str | Path,
    profile: Profile | None = None,
    person: str | None = None,
    notes: str | None = None,
    date: _dt.date | None = None,
    pictures: bool = True,
    paper: str = "A4",
) -> Path:
    """Write a patient handout for ``routine`` and return its path.

    Parameters
    ----------
    routine : Routine
        What to print.
    path : str or Path
        Ends in ``.html`` (one self-contained page) or ``.pdf``.
    profile : Profile, optional
        The person's profile; its findings (and the dose findings) are printed.
    person : str, optional
        Who the handout is for.
    notes : str, optional
        A note from whoever prepared the routine.
    date : datetime.date, optional
        The date printed; today (local time) by default.
    pictures : bool
        Add each stretch's pictogram when :mod:`backstretch_kit.poses` is there.
    paper : {"A4", "Letter"}
        PDF page size. The HTML fits both and lets the printer decide.

    Raises
    ------
    RoutineError
        For a suffix other than ``.html`` or ``.pdf`` (naming it), before
        anything is written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise RoutineError(
            f"{target}: a handout is written as .html or .pdf, not {target.suffix or '(none)'!r}",
            field="suffix",
        )
    if paper not in ("A4", "Letter"):
        raise RoutineError(f"paper must be 'A4' or 'Letter', got {paper!r}", field="paper")
    for label, text in (("person", person), ("notes", notes)):
        if text is not None and not isinstance(text, str):
            raise RoutineError(f"must be text, got {text!r}", field=label)
    content = _Content(
        routine=routine,
        findings=check_routine(routine, profile),
        person=person,
        notes=notes,
        date=_today(date),
        pictures=pictures,
    )
    if suffix == ".html":
        target.write_text(_html(content), encoding="utf-8")
    else:
        target.write_bytes(_pdf(content, paper))
    return target


class _Content:
    """Everything a handout shows, worked out once for either format."""

    def __init__(
        self,
        *,
        routine: Routine,
        findings: list[Finding],
        person: str | None,
        notes: str | None,
        date: _dt.date,
        pictures: bool,
    ) -> None:
        self.routine = routine
        self.findings = findings
        self.person = person
        self.notes = notes
        self.date = date
        self.pictures = pictures
        self.total = format_duration(routine.total_seconds())
        self.item_seconds = _item_seconds(routine)
        catalog = routine.catalog
        self.names = [str(catalog.at[item.stretch_id, "name"]) for item in routine]
        self.areas = [str(catalog.at[item.stretch_id, "body_area"]) for item in routine]

    def picture(self, stretch_id: str, fmt: str) -> bytes | None:
        """The pictogram as ``fmt`` ("svg" or "png") bytes; None with pictures off or no pose."""
        if not self.pictures:
            return None
        return picture_bytes(stretch_id, fmt=fmt, dpi=PICTURE_DPI)

    def typed_text(self) -> list[str]:
        """Everything in the handout a person typed (names, notes), for the font check."""
        texts = [self.routine.name, self.routine.notes, self.person or "", self.notes or ""]
        return texts + [item.note for item in self.routine]

    def stops(self) -> list[Finding]:
        """Stops about the person, not one stretch (red flags): the handout shows no stretch."""
        return [f for f in self.findings if f.level == "stop" and f.item is None]

    def general_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.item is None and f.level != "stop"]

    def left_out(self, index: int) -> list[Finding]:
        return [f for f in self.findings if f.item == index and f.level == "stop"]

    def cautions(self, index: int) -> list[str]:
        """The stretch's cautions in plain words, printed whatever the profile."""
        catalog = self.routine.catalog
        if "cautions" not in catalog.columns:
            return []
        tags = catalog.at[self.routine[index].stretch_id, "cautions"]
        return [CAUTION_WORDS[tag] for tag in tags if tag in CAUTION_WORDS]

    def item_findings(self, index: int) -> list[Finding]:
        return [finding for finding in self.findings if finding.item == index]

    def meta(self) -> list[str]:
        parts = []
        if self.person:
            parts.append(f"For {self.person}")
        parts.append(_long_date(self.date))
        count = len(self.routine)
        parts.append(f"{count} stretch{'es' if count != 1 else ''}")
        parts.append(f"about {self.total} in all")
        return parts


# -- HTML ---------------------------------------------------------------------------------
_CSS = """
@page { margin: 16mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; color: #1f2328;
       line-height: 1.45; max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
.meta { color: #555; margin: 0 0 1rem; }
.notes p { margin: .3rem 0; white-space: pre-wrap; }
.safety { border: 1px solid #c9d1d9; border-radius: 6px; padding: .5rem 1rem; }
.safety ul { margin: .3rem 0; padding-left: 1.2rem; }
.finding { margin: .25rem 0; padding: .3rem .6rem; border-left: 4px solid #8c959f; }
.finding.stop { border-color: #b35900; background: #fff4e5; }
.finding.caution { border-color: #d4a72c; background: #fffbea; }
.finding.info { border-color: #8c959f; background: #f6f8fa; }
.level { font-weight: bold; }
.stop-banner { border: 3px solid #b00020; background: #fdecee; border-radius: 6px;
               padding: .6rem 1rem; margin: 1rem 0; }
.stop-banner h2 { color: #b00020; margin-top: .2rem; }
.stop-banner p { font-weight: bold; }
.cautions { margin: 0 0 .3rem; padding-left: 1.2rem; }
.cautions-title { margin: .4rem 0 0; font-weight: bold; }
.left-out { color: #555; }
ol.stretches { list-style: none; padding: 0; margin: 0; }
.stretch { border-left: 6px solid var(--area); padding: .4rem 0 .4rem .8rem; margin: 1rem 0;
           break-inside: avoid; page-break-inside: avoid; }
.stretch .area { color: #555; font-size: .9rem; }
.dose { font-weight: bold; margin: .25rem 0; }
.steps { margin: .3rem 0; padding-left: 1.4rem; }
.note { font-style: italic; white-space: pre-wrap; }
.picture { float: right; width: 10rem; margin: 0 0 .4rem .8rem; }
.picture svg { width: 100%; height: auto; }
.stretch::after { content: ""; display: block; clear: both; }
footer { color: #555; font-size: .85rem; border-top: 1px solid #c9d1d9; margin-top: 1.5rem;
         padding-top: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .finding, .safety { break-inside: avoid; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_finding(finding: Finding) -> str:
    title = _LEFT_OUT if finding.level == "stop" and finding.item is not None else None
    title = title or FINDING_TITLES[finding.level]
    return (
        f'<p class="finding {_e(finding.level)}" data-code="{_e(finding.code)}">'
        f'<span class="level">{_e(title)}:</span> {_e(finding.message)}</p>'
    )


def _svg_inline(svg: bytes) -> str:
    text = svg.decode("utf-8")
    start = text.find("<svg")
    # Drop the XML declaration and DOCTYPE: inside HTML only the <svg> element belongs.
    return text[start:] if start >= 0 else ""


def _html(content: _Content) -> str:
    routine = content.routine
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(routine.name)}: stretching routine</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(routine.name)}</h1>",
        f'<p class="meta">{" · ".join(_e(part) for part in content.meta())}</p>',
        "</header>",
    ]
    stops = content.stops()
    if stops:
        # the person ticked a warning sign: that advice, and no stretches to try anyway
        parts.append(f'<section class="stop-banner" role="alert"><h2>{_e(_STOP_HEADING)}</h2>')
        parts += [f'<p data-code="{_e(f.code)}">{_e(f.message)}</p>' for f in stops]
        parts.append("</section>")
    notes = [text for text in (routine.notes, content.notes) if text]
    if notes and not stops:
        parts.append('<section class="notes">')
        parts += [f"<p>{_e(text)}</p>" for text in notes]
        parts.append("</section>")
    parts.append('<section class="safety"><h2>Stretch safely</h2><ul>')
    parts += [f"<li>{_e(line)}</li>" for line in SAFETY_NOTE]
    parts.append("</ul></section>")
    general = content.general_findings()
    if general:
        parts.append('<section class="findings"><h2>Before you start</h2>')
        parts += [_html_finding(finding) for finding in general]
        parts.append("</section>")
    if not stops:
        parts.append("<h2>The stretches</h2>")
        parts.append('<ol class="stretches">')
        for index, item in enumerate(routine):
            parts.append(_html_item(content, index, item))
        parts.append("</ol>")
    parts.append(
        f"<footer>Total time: about {_e(content.total)}. Prepared on "
        f"{_e(_long_date(content.date))} with backstretch-kit. This handout does not replace "
        "advice from your doctor or physiotherapist.</footer>"
    )
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _html_item(content: _Content, index: int, item: RoutineItem) -> str:
    area = content.areas[index]
    colour = AREA_COLOURS.get(area, "#999999")
    parts = [f'<li class="stretch" id="stretch-{index + 1}" style="--area: {_e(colour)}">']
    left_out = content.left_out(index)
    if left_out:  # not how to do it: why it is left out
        parts.append(f'<h3 class="left-out">{index + 1}. {_e(content.names[index])}</h3>')
        parts += [_html_finding(finding) for finding in left_out]
        parts.append("</li>")
        return "\n".join(parts)
    # Picture hook: the pictogram from backstretch_kit.poses, inline, when there is one.
    svg = content.picture(item.stretch_id, "svg")
    if svg is not None:
        parts.append(f'<div class="picture" role="img">{_svg_inline(svg)}</div>')
    parts.append(f"<h3>{index + 1}. {_e(content.names[index])}</h3>")
    parts.append(
        f'<div class="area">{_e(area)} · about {_e(format_duration(content.item_seconds[index]))}'
        "</div>"
    )
    parts.append(f'<p class="dose">{_e(dose_text(item))}</p>')
    steps = _steps(content.routine, item.stretch_id)
    if steps:
        parts.append('<ol class="steps">')
        parts += [f"<li>{_e(step)}</li>" for step in steps]
        parts.append("</ol>")
    if item.note:
        parts.append(f'<p class="note">{_e(item.note)}</p>')
    cautions = content.cautions(index)
    if cautions:
        parts.append('<p class="cautions-title">Cautions:</p><ul class="cautions">')
        parts += [f"<li>{_e(words)}</li>" for words in cautions]
        parts.append("</ul>")
    parts += [_html_finding(finding) for finding in content.item_findings(index)]
    parts.append("</li>")
    return "\n".join(parts)


# -- PDF ----------------------------------------------------------------------------------
_FONT = MAIN_FAMILY


def _character_name(char: str) -> str:
    """A character said so it can be read even where it cannot be drawn."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def _pdf(content: _Content, paper: str) -> bytes:
    from fpdf import FPDF

    routine = content.routine
    pdf = FPDF(orientation="portrait", unit="mm", format=paper)
    setup_fonts(pdf)  # DejaVu, with fallbacks for Arabic, Chinese, Devanagari, emoji
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_title(routine.name)
    pdf.set_creator("backstretch-kit")
    pdf.set_creation_date(_dt.datetime.combine(content.date, _dt.time(12, 0), tzinfo=_dt.UTC))
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: float = 10.5, style: str = "", height: float = 5.2) -> None:
        pdf.set_font(_FONT, style, size)
        pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT", align="L")

    para(routine.name, 18, "B", 8.5)
    pdf.set_text_color(85, 85, 85)
    para(" · ".join(content.meta()), 10)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    missing = unprintable(content.typed_text())
    if missing:
        # said on the page, where the reader looks, and to the program that asked
        note = (
            "Some characters could not be printed in this PDF, as no font on this "
            f"computer has them: {', '.join(_character_name(c) for c in missing)}. "
            "The HTML handout shows them."
        )
        warnings.warn(note, stacklevel=3)
        pdf.set_text_color(176, 0, 32)
        para(note, 9.5)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)
    stops = content.stops()
    if stops:
        pdf.set_draw_color(176, 0, 32)
        pdf.set_line_width(0.8)
        top = pdf.get_y()
        pdf.set_text_color(176, 0, 32)
        para(_STOP_HEADING, 14, "B", 7.5)
        pdf.set_text_color(0, 0, 0)
        for finding in stops:
            para(finding.message, 11, "B", 5.8)
        pdf.rect(pdf.l_margin - 2, top - 2, pdf.epw + 4, pdf.get_y() - top + 4)
        pdf.ln(5)
    for text in (routine.notes, content.notes):
        if text and not stops:
            para(text)
            pdf.ln(1)
    para("Stretch safely", 12.5, "B", 7)
    for line in SAFETY_NOTE:
        _hanging(pdf, "•", line, pdf.epw)
    general = content.general_findings()
    if general:
        pdf.ln(2)
        para("Before you start", 12.5, "B", 7)
        for finding in general:
            para(f"{FINDING_TITLES[finding.level]}: {finding.message}", 10)
    if not stops:
        pdf.ln(2)
        para("The stretches", 12.5, "B", 7)
        for index, item in enumerate(routine):
            _pdf_item(pdf, content, index, item)
    pdf.ln(2)
    para(f"Total time: about {content.total}.", 11, "B")
    pdf.set_text_color(85, 85, 85)
    para(
        f"Prepared on {_long_date(content.date)} with backstretch-kit. This handout does not "
        "replace advice from your doctor or physiotherapist.",
        9,
    )
    return bytes(pdf.output())


def _hanging(pdf: Any, label: str, text: str, width: float, size: float = 10) -> None:
    """One list entry with its label in a margin, so wrapped lines stay indented."""
    pdf.set_font(_FONT, "", size)
    indent = 6.0
    pdf.cell(indent, 5.2, label)
    pdf.multi_cell(width - indent, 5.2, text, new_x="LMARGIN", new_y="NEXT", align="L")


def _pdf_item(pdf: Any, content: _Content, index: int, item: RoutineItem) -> None:
    left_out = content.left_out(index)
    if left_out:
        pdf.ln(2)
        pdf.set_font(_FONT, "B", 12)
        pdf.set_text_color(85, 85, 85)
        pdf.multi_cell(
            pdf.epw, 6.5, f"{index + 1}. {content.names[index]}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(0, 0, 0)
        for finding in left_out:
            pdf.set_font(_FONT, "", 10)
            pdf.multi_cell(
                pdf.epw, 5.2, f"{_LEFT_OUT}: {finding.message}", new_x="LMARGIN", new_y="NEXT"
            )
        return
    picture = content.picture(item.stretch_id, "png")
    picture_w = 42.0 if picture is not None else 0.0
    picture_h = picture_w * 0.75
    # Keep a stretch's heading, picture and first steps on one page.
    if pdf.will_page_break(32 + picture_h):
        pdf.add_page()
    pdf.ln(2)
    top, page = pdf.get_y(), pdf.page_no()
    # Text runs beside the picture, never under it.
    text_w = pdf.epw - (picture_w + 4 if picture is not None else 0)

    def para(text: str, size: float, style: str = "", height: float = 5.2) -> None:
        pdf.set_font(_FONT, style, size)
        pdf.multi_cell(text_w, height, text, new_x="LMARGIN", new_y="NEXT", align="L")

    if picture is not None:
        pdf.image(io.BytesIO(picture), x=pdf.l_margin + pdf.epw - picture_w, y=top, w=picture_w)
    para(f"{index + 1}. {content.names[index]}", 12, "B", 6.5)
    pdf.set_text_color(85, 85, 85)
    para(f"{content.areas[index]} · about {format_duration(content.item_seconds[index])}", 9.5)
    pdf.set_text_color(0, 0, 0)
    para(dose_text(item), 10.5, "B")
    for number, step in enumerate(_steps(content.routine, item.stretch_id), start=1):
        _hanging(pdf, f"{number}.", step, text_w)
    if item.note:
        para(item.note, 10, "I")
    for words in content.cautions(index):
        _hanging(pdf, "!", words, text_w, size=9.5)
    for finding in content.item_findings(index):
        para(f"{FINDING_TITLES[finding.level]}: {finding.message}", 9.5)
    if pdf.page_no() == page:
        bottom = max(pdf.get_y(), top + picture_h)
        # A bar in the area's colour down the left edge, as in the charts.
        colour = AREA_COLOURS.get(content.areas[index], "#999999").lstrip("#")
        pdf.set_fill_color(*(int(colour[i : i + 2], 16) for i in (0, 2, 4)))
        pdf.rect(pdf.l_margin - 4, top, 1.6, bottom - top, style="F")
        pdf.set_y(bottom)
