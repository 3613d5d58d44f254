"""Notebook 02: its default person and its ready routine agree, and its handout is the builder's."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from backstretch_kit.guidance import Profile, check_routine
from backstretch_kit.routine_file import load_routine, ready_routines

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02-Build-A-Routine.ipynb"


def _code_cells() -> list[dict]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _parse(cell: dict) -> ast.Module:
    """The cell as Python, its IPython magics (``%matplotlib inline``) left out."""
    lines = _source(cell).splitlines()
    return ast.parse("\n".join(line for line in lines if not line.lstrip().startswith("%")))


@pytest.fixture(scope="module")
def parameters() -> dict[str, object]:
    """The values the parameters cell assigns, read as literals (the cell is not run)."""
    (cell,) = [c for c in _code_cells() if "parameters" in c["metadata"].get("tags", [])]
    values = {}
    for node in _parse(cell).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.unparse(node)
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def test_the_profile_cell_passes_every_parameter_but_the_routine_to_the_profile(parameters):
    """So the profile the test builds below is the one the notebook builds."""
    profile_cell = next(c for c in _code_cells() if "bk.Profile(" in _source(c))
    call = next(
        node
        for node in ast.walk(_parse(profile_cell))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "bk.Profile"
    )
    passed = {kw.arg: ast.unparse(kw.value) for kw in call.keywords}
    person = {name for name in parameters if name != "routine_name"}
    assert passed == {name: name for name in person}
    assert person <= {field.name for field in dataclasses.fields(Profile)}


def test_the_default_person_gets_no_caution_or_stop_on_the_ready_routine(parameters):
    """The notebook's defaults are a person the ready routine suits: only info findings, if any.

    (Once a flexion-intolerant default, with forward bends in the routine: the first thing a
    physiotherapist saw was "Leave it out" against the routine the notebook offered.)
    """
    assert parameters["routine_name"] in ready_routines()
    routine = load_routine(parameters["routine_name"])
    person = {name: value for name, value in parameters.items() if name != "routine_name"}
    findings = check_routine(routine, Profile(**person))
    assert [(f.level, f.message) for f in findings if f.level != "info"] == []


def test_the_handout_cell_uses_the_builders_function_and_place():
    """write_handouts with no folder: HTML and PDF in the data folder's handouts folder."""
    (cell,) = [c for c in _code_cells() if "handout" in _source(c)]
    calls = {
        ast.unparse(node.func): node
        for node in ast.walk(_parse(cell))
        if isinstance(node, ast.Call)
    }
    assert "write_handout" not in calls
    call = calls["write_handouts"]
    assert [kw.arg for kw in call.keywords] == ["profile"] and len(call.args) == 1
    text = "".join("".join(output.get("text", "")) for output in cell["outputs"])
    assert ".html in the handouts folder" in text and ".pdf in the handouts folder" in text
