"""Fonts for PDFs that print every character a person types, in any script.

A name or a note may be written in Arabic, Chinese, Devanagari or with an
emoji. DejaVu Sans (shipped with matplotlib) covers Latin, Greek and Cyrillic;
fallback fonts cover the rest, with fpdf2's text shaping (HarfBuzz, through
``uharfbuzz``) joining Arabic letters, ordering right-to-left runs and placing
Devanagari vowel signs. The fallbacks are the system's fonts (Debian's
``fonts-noto-core``, ``fonts-wqy-microhei`` and ``fonts-symbola``, installed
by the README's set-up and by ``.ci/run``); a missing one is simply not used.

Whatever no font can print is not dropped in silence: :func:`unprintable`
says which characters, so the handout can say so on the page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["FALLBACKS", "MAIN_FAMILY", "dejavu_prints", "setup_fonts", "unprintable"]

MAIN_FAMILY = "DejaVu"

#: Fallback families, in the order fpdf2 tries them, and where Debian puts each font.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "NotoArabic": (
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
    ),
    "NotoDevanagari": ("/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf",),
    "WenQuanYi": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",),
    "Symbola": ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",),
}


def _dejavu() -> dict[str, Path]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {
        "": folder / "DejaVuSans.ttf",
        "B": folder / "DejaVuSans-Bold.ttf",
        "I": folder / "DejaVuSans-Oblique.ttf",
    }


@functools.cache
def _available_fallbacks() -> tuple[tuple[str, str], ...]:
    """(family, file) of each fallback font present on this machine."""
    found = []
    for family, candidates in FALLBACKS.items():
        for candidate in candidates:
            if Path(candidate).is_file():
                found.append((family, candidate))
                break
    return tuple(found)


@functools.cache
def _coverage() -> frozenset[int]:
    """Every code point some font of ours can draw (read once from the fonts' cmaps)."""
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    files = [str(path) for path in _dejavu().values()] + [f for _, f in _available_fallbacks()]
    for file in files:
        fonts = TTCollection(file).fonts[:1] if file.endswith(".ttc") else [TTFont(file)]
        for font in fonts:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


@functools.cache
def _dejavu_coverage() -> frozenset[int]:
    """The code points DejaVu Sans draws (its cmap, read once)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(_dejavu()[""]), lazy=True).getBestCmap() or {})


def dejavu_prints(texts: Iterable[str]) -> bool:
    """Whether DejaVu Sans alone prints every character of ``texts`` (white space aside)."""
    covered = _dejavu_coverage()
    return all(char.isspace() or ord(char) in covered for text in texts for char in text)


def setup_fonts(
    pdf: Any, texts: Iterable[str] | None = None, styles: Iterable[str] = ("", "B", "I")
) -> None:
    """Register DejaVu and every available fallback on an ``fpdf.FPDF``, shaping on.

    With ``texts`` (everything the PDF will print that did not come from us), the
    fallbacks are registered only when DejaVu alone cannot print them: fpdf2 reads each
    font file it is given, and the Chinese, Arabic, Devanagari and emoji fonts take
    about a second to read, for a handout that is usually Latin text only. For the same
    reason only the DejaVu ``styles`` the document sets are read ("" regular, "B" bold,
    "I" oblique; all three unless told).
    """
    wanted = set(styles)
    for style, path in _dejavu().items():
        if style in wanted:
            pdf.add_font(MAIN_FAMILY, style, str(path))
    # HarfBuzz joins Arabic letters, orders right-to-left runs and places Devanagari
    # vowel signs; uharfbuzz is a dependency, so a missing one is an install to fix
    pdf.set_text_shaping(True)
    if texts is not None and dejavu_prints(texts):
        return
    families = []
    for family, file in _available_fallbacks():
        pdf.add_font(family, "", file)
        families.append(family)
    if families:
        # exact_match=False: a bold heading in Arabic falls back to the regular face
        pdf.set_fallback_fonts(families, exact_match=False)


def unprintable(texts: Iterable[str]) -> list[str]:
    """The characters of ``texts`` that no available font can print, in first-seen order.

    White space and control characters are left out: they print as nothing on
    purpose.
    """
    texts = list(texts)
    if dejavu_prints(texts):
        # the usual case; the fallbacks' cmaps (a tenth of a second to read) are not needed
        return []
    covered = _coverage()
    missing: dict[str, None] = {}
    for text in texts:
        for char in text:
            if char.isspace() or ord(char) < 32 or ord(char) in covered:
                continue
            # variation selectors and joiners shape emoji; they have no glyph of their own
            if 0xFE00 <= ord(char) <= 0xFE0F or char in "\u200d\u200c":
                continue
            missing[char] = None
    return list(missing)
