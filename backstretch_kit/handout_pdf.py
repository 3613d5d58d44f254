"""The handout as a PDF (fpdf2, imported when one is written), A4 or Letter."""

from __future__ import annotations

import datetime as _dt
import io
import unicodedata
import warnings
from typing import Any

from .handout_content import LEFT_OUT, SAFETY_NOTE, STOP_HEADING, HandoutContent
from .pdf_fonts import MAIN_FAMILY, setup_fonts, unprintable
from .routine import RoutineItem
from .vocab import AREA_COLOURS
from .words import FINDING_TITLES, dose_text, format_duration

_FONT = MAIN_FAMILY


def _character_name(char: str) -> str:
    """A character said so it can be read even where it cannot be drawn."""
    return f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"


def render_pdf(content: HandoutContent, paper: str) -> bytes:
    """The whole document, as bytes; warns when typed text has characters no font has."""
    from fpdf import FPDF

    routine = content.routine
    pdf = FPDF(orientation="portrait", unit="mm", format=paper)
    # DejaVu, with fallbacks for Arabic, Chinese, Devanagari and emoji where needed
    # oblique only for the items' notes: each face is a font file for fpdf2 to read
    styles = ("", "B", "I") if any(item.note for item in routine) else ("", "B")
    setup_fonts(pdf, content.outside_text(), styles)
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
        para(STOP_HEADING, 14, "B", 7.5)
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
        f"Prepared on {content.printed_date()} with backstretch-kit. This handout does not "
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


def _pdf_item(pdf: Any, content: HandoutContent, index: int, item: RoutineItem) -> None:
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
                pdf.epw, 5.2, f"{LEFT_OUT}: {finding.message}", new_x="LMARGIN", new_y="NEXT"
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
    for number, step in enumerate(content.steps(item.stretch_id), start=1):
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
