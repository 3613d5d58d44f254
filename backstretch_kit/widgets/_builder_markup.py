"""What the routine builder shows as HTML and says in words: pure functions, no widgets.

Kept apart from :mod:`~backstretch_kit.widgets.routine_builder` so that the
download links and the item labels can be read and tested without building the
widget. The findings list is every widget's, in :mod:`._findings`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..words import format_duration

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..routine import RoutineItem

#: How a handout file is offered for download: its media type and what to call it.
_DOWNLOADS = {".html": ("text/html", "web page (HTML)"), ".pdf": ("application/pdf", "PDF")}


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"


def download_links_html(paths: Iterable[Path]) -> str:
    """Links that download each file from the page itself, whatever server shows it.

    The files live in the user's data folder, outside what JupyterLab or Voila
    serve (Voila serves no PDF or HTML at all), so a link to the file could not
    be followed. Each link carries its file as a ``data:`` URL instead: it works
    in JupyterLab, Notebook and Voila alike, needs no server route and no
    copy beside the notebook, and leaves no handout in a folder other people may
    share. A handout is a few hundred KB, well within what browsers take.
    """
    links = []
    for path in paths:
        media, words = _DOWNLOADS[path.suffix.lower()]
        data = path.read_bytes()
        encoded = base64.b64encode(data).decode("ascii")
        links.append(
            f"<a class='bk-builder-download' download='{html.escape(path.name)}' "
            f"href='data:{media};base64,{encoded}' style='margin-right:1.5em'>"
            f"<b>Download the {words}</b> {html.escape(path.name)}, {_size_text(len(data))}</a>"
        )
    return "<div>" + "".join(links) + "</div>"


def item_label(index: int, name: str, item: RoutineItem) -> str:
    """One line of the builder's item list: ``"2. Cat-cow: 30 s x 2, rest 10 s"``."""
    dose = f"{format_duration(item.hold_s)} x {item.reps}"
    if item.sides == "each side":
        dose += " each side"
    if item.reps > 1 and item.rest_s > 0:
        dose += f", rest {format_duration(item.rest_s)}"
    return f"{index + 1}. {name}: {dose}"


def item_numbers(numbers: list[int]) -> str:
    """``[2]`` -> "item 2"; ``[1, 2, 5]`` -> "items 1, 2 and 5"."""
    if len(numbers) == 1:
        return f"item {numbers[0]}"
    return f"items {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"
