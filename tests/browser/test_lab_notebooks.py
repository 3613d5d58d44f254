"""In JupyterLab, every notebook runs all its cells with no error output, no broken widget
and no request to any host but this machine.

As a person works through the workbook: one JupyterLab page, each notebook opened from the
file browser, run, and closed with its kernel shut down before the next one opens.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, idle_kernel_id, new_page, outside_requests, screenshot

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


@pytest.fixture(scope="module")
def lab(jupyter_lab, module_browser):
    """One JupyterLab page for the module (a fresh workspace: no notebook open), with its
    outside-request recorder as ``page.outside``."""
    page = new_page(module_browser)
    page.outside = outside_requests(page)  # type: ignore[attr-defined]
    page.goto(f"{jupyter_lab.url}/lab?reset", timeout=90_000)
    page.locator(".jp-DirListing-item").first.wait_for(timeout=90_000)
    yield page
    page.context.close()


def test_there_are_notebooks_to_run():
    """The workbook has its eight notebooks (so the run below can never pass on nothing)."""
    assert len(NOTEBOOKS) == 8


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_run_all_cells_without_errors(jupyter_lab, lab, name):
    """Open from the file browser, clear outputs, Run All Cells, wait until each cell has run,
    then look for errors and for any request that left the machine (Lab's own included)."""
    page = lab
    page.page_errors.clear()
    page.outside.clear()
    assert page.locator(".jp-NotebookPanel").count() == 0, "a notebook from before is open"
    page.locator(".jp-DirListing-item", has_text=name).dblclick()
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=90_000)
    # The indicator says "idle" before the notebook has any kernel: first the server's word.
    kernel_id = idle_kernel_id(jupyter_lab, name)
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
    text = page.locator(".jp-NotebookPanel").inner_text()
    page.wait_for_load_state("networkidle")
    outside, page_errors = list(page.outside), list(page.page_errors)

    # File > Close and Shut Down Notebook, and confirm: the next notebook opens alone
    _menu(page, "File", "Close and Shut Down Notebook")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-NotebookPanel").wait_for(state="detached", timeout=30_000)
    page.wait_for_function(
        "id => fetch('/api/kernels').then(r => r.json()).then(ks => !ks.some(k => k.id === id))",
        arg=kernel_id,
        timeout=30_000,
    )

    assert errors == []
    assert "Error displaying widget" not in text
    assert "Traceback" not in text
    assert outside == []
    assert page_errors == []
