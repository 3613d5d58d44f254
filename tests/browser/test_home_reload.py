"""At home, in JupyterLab: reloading the page mid-session brings the running timer into view.

The reloaded notebook opens at its top while the run goes on further down; the timer view
that takes the run up again from the page's storage scrolls itself to the middle.
"""

from __future__ import annotations

from _timer_helpers import menu, wait_for_timer

from conftest import idle_kernel_id, screenshot

IN_VIEW = """() => {
  const el = document.querySelector('.bk-timer');
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
}"""


def test_a_reloaded_session_shows_the_running_timer(jupyter_lab, page):
    """Begin in notebook 03, save, reload: the timer runs on and is inside the window."""
    name = "03-Guided-Session.ipynb"
    page.goto(f"{jupyter_lab.url}/lab/tree/{name}?reset", timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    idle_kernel_id(jupyter_lab, name)
    menu(page, "Run", "Run All Cells")
    begin = page.locator(".bk-begin")
    begin.wait_for(timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    begin.click()
    before = wait_for_timer(page, "info.state === 'running'", 30)
    page.keyboard.press("Control+s")  # the reloaded notebook shows the output it saved
    page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')", timeout=10_000)
    page.reload()
    page.locator(".bk-timer .bk-countdown").wait_for(timeout=90_000)
    info = wait_for_timer(page, "info.state === 'running'", 30)
    assert info["run"] == before["run"]  # the same run, taken up, not a new one
    page.wait_for_function(IN_VIEW, timeout=5_000)
    page.wait_for_timeout(1500)  # cells drawn later must not push it out again
    assert page.evaluate(IN_VIEW), page.locator(".bk-timer").bounding_box()
    screenshot(page, "lab-reloaded-session")
    assert page.page_errors == []
