"""In Voila, a teacher picks two stretches, starts the class and a real hold lands in the log."""

from __future__ import annotations

import sqlite3
import time

from conftest import screenshot


def _logged_holds(path) -> list[tuple]:
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT stretch_id, completed, actual_s FROM holds").fetchall()


def test_pick_two_stretches_start_and_log_a_hold(voila, page):
    """Pick, see the total, begin, watch the countdown move, and find the hold in SQLite."""
    page.goto(f"{voila.url}/voila/render/05-Workshop.ipynb", timeout=90_000)
    picker = page.locator(".bk-workshop-pick select")
    picker.wait_for(timeout=90_000)
    # ipywidgets numbers its <option> values and writes labels with no-break spaces
    labels = [label.replace(" ", "\u00a0") for label in ("Chin tuck (neck)", "Neck turn (neck)")]
    picker.select_option(label=labels)
    for css, value in ((".bk-workshop-hold input", "2"), (".bk-workshop-reps input", "1")):
        field = page.locator(css)
        field.fill(value)
        field.press("Tab")
    # get ready 5 s + hold 2 s + next 10 s + 2 holds of 2 s with a 5 s switch = 26 s
    page.wait_for_function(
        "document.querySelector('.bk-workshop-total').innerText"
        ".includes('Total time: 26 s for 2 stretches')",
        timeout=10_000,
    )
    screenshot(page, "workshop-picker")

    page.locator(".bk-workshop-use").click()
    page.locator(".bk-begin").click()
    countdown = page.locator(".bk-countdown")
    first = countdown.inner_text()
    page.wait_for_function(
        "first => document.querySelector('.bk-countdown').innerText !== first", arg=first
    )
    screenshot(page, "workshop-timer", element=page.locator(".bk-timer"))

    deadline = time.monotonic() + 30
    while not _logged_holds(voila.log_file) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    holds = _logged_holds(voila.log_file)
    assert holds, "no hold reached the log file within 30 s"
    stretch_id, completed, actual_s = holds[0]
    assert (stretch_id, completed) == ("chin-tuck", 1)
    assert abs(actual_s - 2.0) < 0.01
    page.locator(".bk-stop").click()
    assert page.page_errors == []
