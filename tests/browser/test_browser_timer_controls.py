"""The hold timer in the page, under a person's hands and a busy kernel: the keys pause,
skip, go back and fill the screen; a 10 s computation in the kernel freezes nothing and
its holds are saved after it (the shared set-up is in ``_timer_helpers``).

The two play at the same time, each in a notebook (so a kernel) and a page of its own on
one JupyterLab (``Together`` in ``_timer_helpers``).
"""

from __future__ import annotations

import pytest
from _timer_helpers import (
    PREPARED,
    SHORT_KNEE_HOLD_S,
    KernelClient,
    Together,
    begin_in_turn,
    countdown_errors,
    expected_tones,
    late,
    logged_holds,
    oscillator_perf_ms,
    page_holds,
    pause,
    prepare_in_turn,
    read_log_in_turn,
    schedule_of,
    spy,
    together,
    until,
    until_js,
    until_shown,
    whole_seconds,
)

pytestmark = pytest.mark.servers("lab")  # started through request.getfixturevalue


@pytest.fixture(scope="module")
def played(request):
    return Together(request)


def _keys(request, page, name):
    server, _kernel, person = yield from prepare_in_turn(request, page, "lab", name=name)
    yield PREPARED
    yield from begin_in_turn(page)
    phases = schedule_of(page)
    assert page.evaluate("() => document.activeElement.classList.contains('bk-timer')")
    yield until(page, "info.index === 1 && info.remaining_s < 8", 30)
    page.keyboard.press("Space")
    info = yield until(page, "info.state === 'paused'", 5)
    assert page.locator(".bk-timer .bk-pause").inner_text().strip().endswith("Resume")
    assert page.locator(".bk-timer .bk-pause").get_attribute("aria-label") == "Resume the timer"
    yield until_js(page, "() => document.querySelector('.bk-timer .bk-live').textContent"
                         " === 'Paused.'")  # fmt: skip
    yield until_js(page, "() => window.__bkSpy.released >= 1", timeout=5)
    frozen = page.locator(".bk-timer .bk-countdown").inner_text()
    yield pause(1.5)
    assert page.locator(".bk-timer .bk-countdown").inner_text() == frozen
    page.keyboard.press("Space")
    yield until(page, "info.state === 'running'", 5)
    assert len(spy(page)["wake"]) >= 2
    page.keyboard.press("ArrowRight")  # skip the left hold
    page.keyboard.press("Space")  # and pause in the 1 s switch that follows
    yield until(page, "info.index === 2 && info.state === 'paused'", 5)
    page.keyboard.press("ArrowLeft")  # within 2 s of its start: back to the left hold
    yield until(page, "info.index === 1", 5)
    page.keyboard.press("Space")
    yield until(page, "info.state === 'running'", 5)
    page.keyboard.press("f")
    yield until_js(page, "() => window.__bkSpy.fullscreen === 1", timeout=5)
    page.locator(".bk-timer .bk-stop").click()
    info = yield until(page, "info.state === 'stopped' && info.queued.length === 0", 20)
    log = yield from read_log_in_turn(server.log_file, person)

    outcomes = [(e["index"], e["outcome"]) for e in info["finished"]]
    assert outcomes == [(0, "completed"), (1, "skipped"), (2, "back"), (1, "stopped")]
    assert logged_holds(log) == page_holds(info, phases)
    skipped, stopped = log["holds"]
    assert not skipped["completed"] and not stopped["completed"]
    # held about 2 s before the pause and a moment after it; the 1.5 s pause not counted
    assert 1.5 < skipped["actual_s"] < 3.5
    assert page.page_errors == []


@together(_keys)
def test_keys_pause_skip_go_back_and_fill_the_screen(played, request, browser):
    """Space pauses and resumes (the lock let go and taken again), right skips, left goes
    back, F asks for full screen; the log holds the seconds held, pause excluded."""
    played.outcome(request, browser)


def _busy_kernel(request, page, name):
    server, kernel_id, person = yield from prepare_in_turn(
        request, page, "lab", knee_hold_s=SHORT_KNEE_HOLD_S, name=name
    )
    client = KernelClient(server.runtime_dir / f"kernel-{kernel_id}.json")
    try:
        yield PREPARED
        yield from begin_in_turn(page)
        phases = schedule_of(page)
        yield until(page, "info.index === 1 && info.remaining_s < 2.5", 30)
        busy = client.start("import time as _t; _t.sleep(10)")
        yield until_shown(page, ".bk-timer .bk-pending", 12)  # during the 10 s
        waiting = page.locator(".bk-timer .bk-pending").inner_text()
        assert "waiting to be saved" in waiting
        reply = yield from client.reply_in_turn(busy)
        assert reply["status"] == "ok"
        info = yield until(page, "info.state === 'finished' && info.queued.length === 0", 90)
        marks = spy(page)
    finally:
        client.close()
    log = yield from read_log_in_turn(server.log_file, person)
    shown = countdown_errors(marks["countdown"], info, phases)
    lateness = late(shown, marks["frames"])
    assert len(shown) >= whole_seconds(phases) - 3 and not lateness, lateness
    due = expected_tones(info, phases)
    played = [o for o in marks["osc"] if not o["cancelled"]]
    for cue in due:
        assert any(abs(oscillator_perf_ms(o) - cue["due_ms"]) <= 5.0 for o in played), cue
    assert logged_holds(log) == page_holds(info, phases)
    assert len(log["holds"]) == 4
    assert not page.locator(".bk-timer .bk-pending").is_visible()


@together(_busy_kernel)
def test_a_busy_kernel_freezes_nothing_and_its_holds_are_saved_after(played, request, browser):
    """A 10 s computation in the kernel: the countdown skips no second, the tones stay on
    time, the page says holds are waiting, and afterwards each is logged once."""
    played.outcome(request, browser)
