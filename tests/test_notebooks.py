"""The committed notebooks: thin, parametrised, executed, and free of errors and machine paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_the_eight_notebooks_are_there_and_named_by_number():
    """NN-Title-With-Dashes, 00 to 07, as the README lists them."""
    names = [path.stem for path in NOTEBOOKS]
    assert len(names) == 8
    assert all(re.fullmatch(r"0\d-[A-Z][A-Za-z]*(-[A-Z][A-Za-z]*)*", name) for name in names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_has_one_parameters_cell_near_the_top(path: Path):
    """Exactly one cell tagged 'parameters' (for papermill), among the first three."""
    tagged = [
        i for i, cell in enumerate(_cells(path)) if "parameters" in cell["metadata"].get("tags", [])
    ]
    assert len(tagged) == 1 and tagged[0] <= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_is_committed_executed_without_errors_or_machine_paths(path: Path):
    """Every code cell ran, in order; no stored error, traceback or /tmp, /root, /home path."""
    code = [cell for cell in _cells(path) if cell["cell_type"] == "code"]
    counts = [cell["execution_count"] for cell in code]
    assert counts == list(range(1, len(code) + 1)), "re-run the notebook top to bottom"
    for cell in code:
        for output in cell["outputs"]:
            text = json.dumps(output)
            assert output["output_type"] != "error" and "Traceback" not in text
            assert not re.search(r"/(root|tmp|home)/[\w.-]+", text), text[:200]
