"""Text typed by people, drawn in any figure: charts and pictograms alike.

A routine or person's name goes into chart titles, legends and pictogram titles. It must
come out as the person typed it, in any script, and never be read as matplotlib's
mathtext. :func:`draws_user_text` wraps a drawing function so that every Text made inside
it is plain text in DejaVu Sans with fallbacks for other scripts, without touching the
global rcParams. (PDFs have their own fonts: :mod:`backstretch_kit.pdf_fonts`.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["FALLBACK_FAMILIES", "draws_user_text"]

#: Families tried after DejaVu Sans for names typed in other scripts (Debian's
#: fonts-noto-core, fonts-wqy-microhei, fonts-symbola); those not installed are skipped.
FALLBACK_FAMILIES = (
    "Noto Sans Arabic",
    "Noto Sans Devanagari",
    "WenQuanYi Micro Hei",
    "Symbola",
)

_Drawer = TypeVar("_Drawer", bound=Callable[..., Any])


@functools.cache
def _families() -> tuple[str, ...]:
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in FALLBACK_FAMILIES if name in installed))


def draws_user_text(draw: _Drawer) -> _Drawer:
    """Run a drawing function with text that is always text, in any script.

    Names and notes are typed by people: a routine called "My $5 stretch" must
    not be read as mathtext (an unbalanced ``$`` makes matplotlib raise), and a
    name in Arabic or Chinese must not come out as empty boxes. Every Text made
    inside the call gets ``parse_math=False`` and the fallback font families;
    the global rcParams are untouched outside it.
    """

    @functools.wraps(draw)
    def drawing(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        settings = {"text.parse_math": False, "font.family": list(_families())}
        with matplotlib.rc_context(settings):
            return draw(*args, **kwargs)

    return drawing  # type: ignore[return-value]
