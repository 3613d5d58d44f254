"""What a handout shows, worked out once for the HTML and the PDF alike.

:class:`HandoutContent` gathers a routine's names, areas, times, findings and
pictures; :mod:`~backstretch_kit.handout_html` and
:mod:`~backstretch_kit.handout_pdf` only lay it out, so the two formats cannot
say different things. The safety box, :data:`SAFETY_NOTE`, is built from the
one red-flag table.
"""

from __future__ import annotations

import datetime as _dt

from .guidance import CAUTION_WORDS, LASTING_PAIN_LABEL, RED_FLAGS, URGENCIES, Finding
from .poses import picture_bytes
from .routine import Routine
from .words import format_duration


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
LEFT_OUT = "Leave this stretch out"
STOP_HEADING = "Stop: do not do these stretches now"

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


def _long_date(date: _dt.date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


class HandoutContent:
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

    def steps(self, stretch_id: str) -> list[str]:
        """The stretch's steps from the routine's catalog (none if it has no such column)."""
        return _steps(self.routine, stretch_id)

    def printed_date(self) -> str:
        """The handout's date as printed: ``14 March 2026``."""
        return _long_date(self.date)

    def typed_text(self) -> list[str]:
        """Everything in the handout a person typed (names, notes), for the font check."""
        texts = [self.routine.name, self.routine.notes, self.person or "", self.notes or ""]
        return texts + [item.note for item in self.routine]

    def outside_text(self) -> list[str]:
        """What the handout prints that the workbook did not write: the typed text and the
        catalog's names and steps (a catalog of one's own may be in any script)."""
        texts = self.typed_text() + list(self.names)
        for item in self.routine:
            texts.extend(self.steps(item.stretch_id))
        return texts

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
        parts.append(self.printed_date())
        count = len(self.routine)
        parts.append(f"{count} stretch{'es' if count != 1 else ''}")
        parts.append(f"about {self.total} in all")
        return parts
