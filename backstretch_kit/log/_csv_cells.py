"""The cells of the log's CSV files: their columns, and text a spreadsheet will not run.

The export (``_csv``) writes these cells, the import's checks
(``_csv_checks``) read them back, and :func:`backstretch_kit.log.recover`
rebuilds rows of a damaged log in the same form, so that every row passes
the same checks.

Spreadsheet formulas
--------------------
A spreadsheet opening an export runs a cell that begins with ``=``, ``+``,
``-`` or ``@`` as a formula, and a leading tab or carriage return can lead to
the same, so a name or a note could run code or send data away. The text
columns (:data:`TEXT_COLUMNS`: names, routine names and snapshots, notes,
stretch ids) are written so that such a cell is text: with a single quote in
front (``=1+2`` is written ``'=1+2``). So that the import can undo exactly
that and nothing else, a text that itself begins with a quote gets one too
(``'tis`` is written ``''tis``). The import takes one leading quote off a
text cell when what follows begins with one of those characters or with a
quote, which are exactly the cells the export prefixed, and reads any other
cell as it stands: every text comes back as it was. Numbers and times are
never prefixed (a negative number stays a number), and neither are the
fixed words of ``kind``, ``side`` and ``completed``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["COLUMNS", "TEXT_COLUMNS", "cell", "cells", "shield", "unshield"]

# The header of each file, in the order written (an import accepts any order).
# fmt: off
COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person", "created_at"),
    "sessions": ("session_uuid", "session_id", "person", "kind", "routine_name", "routine_json",
                 "started_at", "ended_at", "pain_before", "pain_after", "notes"),
    "holds": ("hold_uuid", "hold_id", "session_uuid", "stretch_id", "side", "rep", "planned_s",
              "actual_s", "completed", "started_at"),
}
# The stored fields of a session and of a hold, in the order an import compares them.
_SESSION_FIELDS = ("person", "kind", "routine_name", "routine_json", "started_us",
                   "started_offset_s", "ended_us", "ended_offset_s", "pain_before", "pain_after",
                   "notes")
_HOLD_FIELDS = ("session_uuid", "stretch_id", "side", "rep", "planned_s", "actual_s", "completed",
                "started_us", "offset_s")
# fmt: on

#: The columns of free text, where a cell could start a spreadsheet formula.
TEXT_COLUMNS: dict[str, frozenset[str]] = {
    "people": frozenset({"person"}),
    "sessions": frozenset({"person", "routine_name", "routine_json", "notes"}),
    "holds": frozenset({"stretch_id"}),
}
# What a spreadsheet takes for the start of a formula, and the quote that
# makes a cell text (see the module's notes).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_SHIELDED_STARTS = (*_FORMULA_STARTS, _QUOTE)


def shield(text: str) -> str:
    """A text cell as written: a quote in front when it could start a formula or begins with one."""
    return _QUOTE + text if text.startswith(_SHIELDED_STARTS) else text


def unshield(cell: str) -> str:
    """Undo :func:`shield` exactly: ``unshield(shield(t)) == t`` for every text ``t``."""
    if cell.startswith(_QUOTE) and cell[1:].startswith(_SHIELDED_STARTS):
        return cell[1:]
    return cell


def cell(value: Any) -> str:
    """A stored value as its cell: none empty, a float exactly, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    return str(value)


def cells(table: str, row: tuple[Any, ...]) -> list[str]:
    """One row of a file as written: text columns shielded, everything else as it is."""
    text = TEXT_COLUMNS[table]
    return [
        shield(cell(value)) if column in text else cell(value)
        for column, value in zip(COLUMNS[table], row, strict=True)
    ]
