"""One red-flag list: the README, the notebooks, the handout and the terminal all show it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backstretch_kit.guidance import LASTING_PAIN_LABEL, RED_FLAGS, warning_signs_text

ROOT = Path(__file__).resolve().parents[1]


def _stored_text(notebook: str) -> str:
    """Every stored text output of a committed notebook, joined."""
    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    texts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            texts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(texts)


def test_the_readme_lists_every_sign_under_its_urgency():
    """The README's safety box names each sign, under the heading of its own urgency."""
    readme = re.sub(r"\n> ?", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    emergency = readme.index("Get emergency care now")
    soon = readme.index("see a doctor within a day or two")
    talk = readme.index("Talk to a doctor or physiotherapist")
    for flag in RED_FLAGS:
        where = readme.index(flag.label)
        if flag.urgency == "emergency":
            assert emergency < where < soon, flag.key
        else:
            assert soon < where < talk, flag.key
    assert LASTING_PAIN_LABEL.split(" more than")[0] in readme[talk:]


@pytest.mark.parametrize("notebook", ["00-Start-Here.ipynb", "06-Back-Care-Basics.ipynb"])
def test_the_notebooks_show_the_list_as_the_package_says_it(notebook: str):
    """Notebooks 00 and 06 print warning_signs_text() itself (nbval keeps it current)."""
    assert warning_signs_text() in _stored_text(notebook)


def test_the_guided_session_notebook_asks_the_screen_and_the_whole_profile():
    """Notebook 03 builds its session on the red-flag screen with the profile questions."""
    source = (ROOT / "notebooks" / "03-Guided-Session.ipynb").read_text(encoding="utf-8")
    assert "RedFlagScreen(ask_profile=True)" in source
    assert "flexion_intolerant" not in source  # no longer the only question asked
