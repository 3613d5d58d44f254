"""The hold timer in the page when things go wrong: a kernel restart, a reloaded page and
a page the browser froze; no finished hold is lost or logged twice (the shared set-up is
in ``_timer_helpers``).

The three play at the same time, each in a notebook (so a kernel) and a page of its own on
one JupyterLab: each test is a scenario that yields what it waits for, and ``Together``
plays the selected ones at once.
"""

from __future__ import annotations

import json
import time

import pytest
from _timer_helpers import (
    PREPARED,
    SHORT_KNEE_HOLD_S,
    Together,
    begin_in_turn,
    logged_holds,
    menu,
    page_holds,
    pause,
    prepare_in_turn,
    read_log_in_turn,
    schedule_of,
    together,
    until,
    until_js,
    until_shown,
)

pytestmark = pytest.mark.servers("lab")  # started through request.getfixturevalue


@pytest.fixture(scope="module")
def played(request):
    return Together(request)


def _kernel_restart(request, page, name):
    server, _kernel_id, person = yield from prepare_in_turn(
        request, page, "lab", knee_hold_s=SHORT_KNEE_HOLD_S, name=name
    )
    yield PREPARED
    yield from begin_in_turn(page)
    phases = schedule_of(page)
    before = yield until(page, "info.index >= 4 && info.queued.length === 0", 40)
    # as a person does: Kernel > Restart Kernel..., and Restart in the dialog
    menu(page, "Kernel", "Restart Kernel")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    restarted_at = time.monotonic()
    # the page goes on with the next stretch and finishes holds the new kernel never hears of
    after = yield until(page, "info.state === 'finished'", 60)
    yield until_shown(page, ".bk-timer .bk-pending", 15)
    log = yield from read_log_in_turn(server.log_file, person)

    acknowledged = page_holds(before, phases)
    assert len(acknowledged) == 2  # both knee-to-chest holds, before the restart
    assert logged_holds(log) == acknowledged
    later = page_holds(after, phases)[len(acknowledged) :]
    assert len(later) == 2 and after["waiting"] == 2
    said = page.locator(".bk-timer .bk-pending").inner_text()
    assert "2 finished holds could not be saved: the kernel restarted" in said
    assert time.monotonic() - restarted_at < 60
    assert page.page_errors == []


@together(_kernel_restart)
def test_a_kernel_restart_neither_loses_nor_doubles_a_hold_finished_before_it(
    played, request, browser
):
    """Restart the kernel mid-session: the page plays on; the holds acknowledged before are
    in the log once; holds finished after are shown as waiting, never sent elsewhere."""
    played.outcome(request, browser)


def _reloaded_page(request, page, name):
    server, _kernel, person = yield from prepare_in_turn(request, page, "lab", name=name)
    yield PREPARED
    yield from begin_in_turn(page)
    phases = schedule_of(page)
    before = yield until(page, "info.index === 3 && info.queued.length === 0", 40)
    page.keyboard.press("Control+s")  # the reloaded notebook shows the output it saved
    yield until_js(page, "() => !document.querySelector('.jp-mod-dirty')", timeout=10)
    # the new document loads while the other scenarios play on
    page.reload(wait_until="commit")
    yield until_shown(page, ".bk-timer .bk-countdown", 90)
    info = yield until(page, "info.state === 'running' && info.index >= 3", 30)
    assert info["run"] == before["run"]
    yield until(page, "info.state === 'finished' && info.queued.length === 0", 60)
    log = yield from read_log_in_turn(server.log_file, person)
    holds = [(h["stretch_id"], h["side"], h["rep"]) for h in log["holds"]]
    expected = [(p["stretch_id"], p["side"], p["rep"]) for p in phases if p["kind"] == "hold"]
    assert holds == expected, json.dumps(log["holds"], indent=1)
    assert all(h["completed"] for h in log["holds"])
    assert page.page_errors == []


@together(_reloaded_page)
def test_a_reloaded_page_carries_on_and_logs_no_hold_twice(played, request, browser):
    """Reload mid-session: the page takes the run up where it is, resends what waited,
    and the log ends with every hold exactly once."""
    played.outcome(request, browser)


def _frozen_page(request, page, name):
    server, _kernel, person = yield from prepare_in_turn(
        request, page, "lab", knee_hold_s=SHORT_KNEE_HOLD_S, name=name
    )
    yield PREPARED
    yield from begin_in_turn(page)
    phases = schedule_of(page)
    left_s, switch_s, right_s = (phases[i]["seconds"] for i in (1, 2, 3))
    assert (
        phases[2]["kind"] == "switch side" and left_s + switch_s < 7 < left_s + switch_s + right_s
    )
    info = yield until(page, "info.index === 1", 30)
    hold_start = info["history"][-1]["start_ms"]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setWebLifecycleState", {"state": "frozen"})  # no script runs at all
    yield pause(7)  # past the end of the left hold and the switch, into the right hold
    cdp.send("Page.setWebLifecycleState", {"state": "active"})
    info = yield until(page, "info.index >= 3", 5)
    now_ms = page.evaluate("() => performance.now()")
    starts = {h["index"]: h["start_ms"] for h in info["history"]}
    assert abs(starts[2] - (hold_start + left_s * 1000)) < 1  # the switch, at the deadline
    assert abs(starts[3] - (hold_start + (left_s + switch_s) * 1000)) < 1  # then the right hold
    if info["index"] == 3:
        assert abs(info["remaining_s"] - (right_s - (now_ms - starts[3]) / 1000)) < 0.2
    info = yield until(page, "info.state === 'finished' && info.queued.length === 0", 60)
    log = yield from read_log_in_turn(server.log_file, person)
    assert logged_holds(log) == page_holds(info, phases)
    assert len(log["holds"]) == 4
    assert all(h["completed"] and h["actual_s"] == h["planned_s"] for h in log["holds"])
    assert page.page_errors == []


@together(_frozen_page)
def test_a_frozen_background_page_keeps_the_right_time(played, request, browser):
    """A page frozen 7 s (as a browser freezes a background tab) catches up exactly: each
    phase dated at its deadline, the countdown right at once, every hold logged in full."""
    played.outcome(request, browser)
