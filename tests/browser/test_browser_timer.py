"""The hold timer runs in the page: on time, with tones, speech and a wake lock, and every
finished hold reaches the log once, in JupyterLab, Notebook 7 and Voila, all three playing
at the same time in one browser (``Together``: their waits overlap, and each timer keeps
its time with two others busy beside it). Keys, a busy kernel, a reload and a restart are in the
neighbouring test files.

Each test writes a short notebook (a scaled routine with every kind of cue) into the
server's temporary copy of the notebooks folder, spies on the page's AudioContext,
speechSynthesis, wake lock and full screen before it loads (``_timer_helpers.SPIES``), and
reads the session log afterwards from a fresh Python process.
"""

from __future__ import annotations

import statistics

import pytest
from _timer_helpers import (
    FIRST_NOTE,
    FRONT_ENDS,
    PREPARED,
    TONE_S,
    Together,
    begin_in_turn,
    countdown_errors,
    expected_tones,
    late,
    logged_holds,
    oscillator_perf_ms,
    page_holds,
    prepare_in_turn,
    read_log_in_turn,
    schedule_of,
    spy,
    together,
    until,
    whole_seconds,
)

from conftest import screenshot

# started through request.getfixturevalue, in prepare_in_turn
pytestmark = pytest.mark.servers("lab", "notebook", "voila")


@pytest.fixture(scope="module")
def played(request):
    return Together(request)


def _on_time(request, page, name, front_end):
    server, _kernel, person = yield from prepare_in_turn(
        request, page, front_end, large=front_end == "voila", name=f"on_time_{front_end}"
    )
    yield PREPARED  # the three notebooks open beside each other, then all three play
    yield from begin_in_turn(page)
    phases = schedule_of(page)
    yield until(page, "info.index === 3", 30)  # in its right hold
    shot = screenshot(page, f"timer-{front_end}", element=page.locator(".bk-timer"))
    info = yield until(page, "info.state === 'finished' && info.queued.length === 0", 90)
    log = yield from read_log_in_turn(server.log_file, person)
    _played_on_time_and_logged(page, info, phases, log)
    assert shot.is_file()


@pytest.mark.parametrize("front_end", FRONT_ENDS)
@together(_on_time)
def test_a_routine_plays_in_the_page_on_time_and_every_hold_is_logged(
    played, request, browser, front_end
):
    """In each front end: tones on the audio clock at each cue, words at the switch, a wake
    lock, seconds on time, and the log (read afresh) has every hold once with the seconds
    the page timed."""
    played.outcome(request, browser)


def _played_on_time_and_logged(page, info: dict, phases: list[dict], log: dict) -> None:
    marks = spy(page)

    # every tone on the audio clock at its cue, scheduled ahead, none extra
    due = expected_tones(info, phases)
    assert len(due) == 18, [d["tone"] for d in due]
    played = [o for o in marks["osc"] if not o["cancelled"]]
    errors = []
    for cue in due:
        starts = [oscillator_perf_ms(o) for o in played
                  if abs(o["freq"] - FIRST_NOTE[cue["tone"]]) < 0.5]  # fmt: skip
        errors.append(min((abs(s - cue["due_ms"]) for s in starts), default=float("inf")))
    assert max(errors) <= 5.0, list(zip([d["tone"] for d in due], errors, strict=True))
    for o in played:  # each oscillator is one note of one cue's tone
        at = oscillator_perf_ms(o)
        assert any(d["due_ms"] - 5 <= at <= d["due_ms"] + TONE_S[d["tone"]] * 1000 for d in due)
    ahead = [o["perf"] - c["due_ms"] for c in due for o in played
             if abs(oscillator_perf_ms(o) - c["due_ms"]) <= 5.0]  # fmt: skip
    assert statistics.median(ahead) < -500, "tones are scheduled well ahead of their cue"

    # the words: the stretch and hold at its start, the side switch, the last one, done
    said = [s["text"] for s in marks["speak"]]
    assert "Switch to the right side." in said
    assert "Double knee to chest. Hold 10 seconds, left side." in said
    assert "Last one." in said and said[-1].startswith("Done")

    # the wake lock: taken at the start, given back at the end
    assert marks["wake"] and marks["wake"][0]["type"] == "screen"
    assert marks["released"] >= 1 and not info["wake_lock"]

    # each second shown within a frame or so of its deadline (the benchmark measures it)
    shown = countdown_errors(marks["countdown"], info, phases)
    lateness = late(shown, marks["frames"])
    assert len(shown) >= whole_seconds(phases) - 3 and not lateness, (
        lateness,
        marks["countdown"],
        info["history"],
    )

    # the log, as a fresh process reads it: every hold once, with the page's seconds
    assert logged_holds(log) == page_holds(info, phases)
    assert len(log["holds"]) == sum(p["kind"] == "hold" for p in phases) == 4
    assert all(h["completed"] and h["actual_s"] == h["planned_s"] for h in log["holds"])
    assert page.page_errors == []
