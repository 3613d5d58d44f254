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

Inside, the handout is three objects: :mod:`~backstretch_kit.handout_content`
works out what to show, :mod:`~backstretch_kit.handout_html` and
:mod:`~backstretch_kit.handout_pdf` lay it out; this module checks the
arguments and writes the file.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from .guidance import Profile, check_routine

# PICTURE_DPI and SAFETY_NOTE were public here before the handout was split: still importable.
from .handout_content import PICTURE_DPI, SAFETY_NOTE, HandoutContent  # noqa: F401
from .handout_html import render_html
from .handout_pdf import render_pdf
from .routine import Routine, RoutineError

__all__ = ["HANDOUT_FOLDER", "SUFFIXES", "handout_folder", "write_handout", "write_handouts"]

SUFFIXES: tuple[str, ...] = (".html", ".pdf")

#: The folder of the user data folder where handouts go when no folder is given.
HANDOUT_FOLDER = "handouts"


def _today(date: _dt.date | None) -> _dt.date:
    if date is None:
        return _dt.datetime.now().astimezone().date()
    if isinstance(date, _dt.datetime):
        return date.date()
    if not isinstance(date, _dt.date):
        raise RoutineError(f"the handout date must be a date, got {date!r}", field="date")
    return date


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
    content = HandoutContent(
        routine=routine,
        findings=check_routine(routine, profile),
        person=person,
        notes=notes,
        date=_today(date),
        pictures=pictures,
    )
    if suffix == ".html":
        target.write_text(render_html(content), encoding="utf-8")
    else:
        target.write_bytes(render_pdf(content, paper))
    return target
