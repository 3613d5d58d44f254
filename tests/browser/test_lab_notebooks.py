"""In JupyterLab, every notebook runs all its cells with no error output, no broken widget
and no request to any host but this machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, idle_kernel_id, outside_requests, screenshot

NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))

ALL_DONE = """() => {
  const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.innerText));
}"""

# Every widget output (in JupyterLab 4 the one output with no data-mime-type: a panel that
# gets the widget's view) holds its view, or the error text that replaces one.
WIDGETS_DRAWN = """() => Array.from(
  document.querySelectorAll('.jp-OutputArea-output:not([data-mime-type])')
).every(output => output.childElementCount > 0 || output.innerText.trim() !== '')"""


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def test_there_are_notebooks_to_run():
    """The workbook has its eight notebooks (so the run below can never pass on nothing)."""
    assert len(NOTEBOOKS) == 8


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_run_all_cells_without_errors(jupyter_lab, page, name):
    """Clear outputs, Run All Cells, wait until each cell has run, then look for errors and
    for any request that left the machine (JupyterLab's own included)."""
    outside = outside_requests(page)
    # ?reset: a fresh workspace, so only this notebook is open
    page.goto(f"{jupyter_lab.url}/lab/tree/{name}?reset", timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    # The indicator says "idle" before the notebook has any kernel: first the server's word.
    idle_kernel_id(jupyter_lab, name)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => !document.querySelector('.jp-OutputArea-output')")
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(ALL_DONE, timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    page.wait_for_function(WIDGETS_DRAWN)  # the last widget views render
    screenshot(page, f"lab-{Path(name).stem}")

    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
    assert errors == []
    text = page.locator(".jp-Notebook").inner_text()
    assert "Error displaying widget" not in text
    assert "Traceback" not in text
    page.wait_for_load_state("networkidle")
    assert outside == []
    assert page.page_errors == []
