"""Guidance findings as HTML, one look for every widget that lists them.

The routine builder's checks and the guided session's warnings show the same
:class:`~backstretch_kit.guidance.Finding` objects, so they show them one way: a list,
each line in its level's colour with its icon and title (from
:mod:`backstretch_kit.words`, where a level's words live) and the escaped message.
Each line carries ``bk-finding bk-finding-<level>`` for the tests and the workshop's
projector style.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..words import FINDING_COLOURS, FINDING_ICONS, FINDING_TITLES

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from ..guidance import Finding

__all__ = ["findings_html"]


def findings_html(findings: Iterable[Finding], empty: str = "") -> str:
    """The findings as a coloured list, most serious first as given; ``empty`` if none.

    >>> from backstretch_kit.guidance import Finding
    >>> print(findings_html([Finding("caution", "Go gently & slowly.")]))  # doctest: +ELLIPSIS
    <ul ...><li class='bk-finding bk-finding-caution' ...><b>⚠️ Take care:</b> Go gently &amp; ...
    >>> findings_html([], empty="<p>Nothing to flag.</p>")
    '<p>Nothing to flag.</p>'
    """
    rows = [
        f"<li class='bk-finding bk-finding-{f.level}' style='color:{FINDING_COLOURS[f.level]}'>"
        f"<b>{FINDING_ICONS[f.level]} {FINDING_TITLES[f.level]}:</b> {html.escape(f.message)}</li>"
        for f in findings
    ]
    if not rows:
        return empty
    return f"<ul style='margin:0.3em 0;padding-left:1.2em'>{''.join(rows)}</ul>"
