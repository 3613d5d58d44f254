"""In Voila, a teacher ticks two stretches, orders them, starts the class and a real hold
lands in the log."""

from __future__ import annotations

import sqlite3
import time

from conftest import screenshot


def _logged_holds(path) -> list[tuple]:
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("SELECT stretch_id, completed, actual_s FROM holds").fetchall()


OVERLAPS = """() => {
  const found = [];
  for (const card of document.querySelectorAll('.bk-workshop-area')) {
    const rows = Array.from(card.querySelectorAll('.bk-workshop-check'));
    rows.forEach((row, i) => {
      const text = row.querySelector('label span, label') ;
      const r = row.getBoundingClientRect();
      if (text.scrollWidth > text.clientWidth + 1) found.push('cut: ' + row.innerText);
      const next = rows[i + 1];
      if (next && next.getBoundingClientRect().top < r.bottom - 1) found.push(row.innerText);
      const inner = Array.from(row.querySelectorAll('*'))
        .some(el => el.getBoundingClientRect().bottom > r.bottom + 1);
      if (inner) found.push('spills: ' + row.innerText);
    });
  }
  return found;
}"""


def _tick(page, name: str) -> None:
    page.locator(".bk-workshop-check", has_text=name).locator("input").click()


def test_pick_two_stretches_start_and_log_a_hold(voila, page):
    """Untick the defaults, tick two, swap their order, see the summary and the total,
    begin, watch the countdown move, and find the first hold in SQLite."""
    page.goto(f"{voila.url}/voila/render/05-Workshop.ipynb", timeout=90_000)
    page.locator(".bk-workshop-pick").wait_for(timeout=90_000)
    summary = page.locator(".bk-workshop-summary")
    assert "4 stretches picked" in summary.inner_text()  # the notebook's four, all shown
    assert page.locator(".bk-workshop-check input:checked").count() == 4
    # every stretch's name is whole and on its own row: no label runs into the next
    overlaps = page.evaluate(OVERLAPS)
    assert overlaps == [], overlaps
    while page.locator(".bk-workshop-remove").count():
        count = page.locator(".bk-workshop-remove").count()
        page.locator(".bk-workshop-remove").first.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('.bk-workshop-remove').length < {count}"
        )
    use = page.locator(".bk-workshop-use")
    page.wait_for_selector(".bk-workshop-use:disabled")
    colour = use.evaluate("el => getComputedStyle(el).backgroundColor")
    red, green, blue = (int(v) for v in colour[colour.index("(") + 1 : -1].split(",")[:3])
    assert not (green > red + 40 and green > blue + 40), f"a disabled Start looks green: {colour}"
    _tick(page, "Neck turn")
    _tick(page, "Chin tuck")
    page.wait_for_function("() => document.querySelectorAll('.bk-workshop-row').length === 2")
    assert page.locator(".bk-workshop-row").first.inner_text().startswith("1. Neck turn")
    page.locator(".bk-workshop-row").nth(1).locator(".bk-workshop-up").click()
    page.wait_for_function(
        "() => document.querySelector('.bk-workshop-summary').innerText"
        ".includes('Chin tuck, Neck turn')"
    )
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
    assert "2 stretches picked" in summary.inner_text()
    screenshot(page, "workshop-picker", element=page.locator(".bk-workshop"))

    use.click()
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
