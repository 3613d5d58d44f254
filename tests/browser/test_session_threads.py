"""Skip and Stop clicked in a real front end save every hold and let the session finish.

Issue 18: in JupyterLab 4.6 with ipykernel 7, widget clicks arrive on a kernel *subshell*
thread, not on the thread that made the session log's SQLite connection, and the hold the
click ended was lost. These tests play the guided session of notebook 03 in JupyterLab and in
Notebook 7, click Skip and Stop in the middle of holds, and then read the session log from a
fresh process.

Which thread ran each click is recorded, not assumed: a second kernel client (connected to
the same kernel through its connection file in the server's runtime folder) adds one more
``on_click`` handler to Begin and Finish, and one more custom-message handler to the timer
(whose Skip and Stop are pressed in the page, which reports them to the kernel as events in
a message), each noting ``threading.current_thread().name``. It uses nothing of the
workbook's own code, so it reports the same on the code before the fix as after. ipywidgets
calls a widget's handlers in turn and goes on to the next when one raises, so the note is
taken even when the workbook's handler failed; the handler also reads ``sys.last_value``,
which IPython's ``showtraceback`` sets, to report that failure. The probe's own requests go
to the kernel's shell channel and run on its main thread (the timer runs in the page, so the
kernel is idle while it plays).

The two front ends play at the same time, each on a page of its own (``Together`` in
``_timer_helpers``): the notebooks open one after the other, then both sessions play.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from _timer_helpers import (
    PREPARED,
    KernelClient,
    Together,
    read_log_in_turn,
    together,
    until_idle_kernel,
    until_js,
    until_shown,
)

from conftest import Server, screenshot

pytestmark = pytest.mark.servers("lab", "notebook")  # through request.getfixturevalue

NOTEBOOK = "03-Guided-Session.ipynb"
#: The notebook's hold_scale is set so that the skipped and the stopped hold last at least
#: this long: time to click in the middle of one, and the run stays short.
SHORT_HOLD_S = 4.0
PAIN_BEFORE = 3
PAIN_AFTER = 7

# front end (a server of the lab_and_notebook fixture) -> the address that opens a notebook
FRONT_ENDS = {
    "lab": "/lab/tree/{}?reset",
    "notebook7": "/notebooks/{}",
}

ALL_DONE = """() => {
  const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.innerText));
}"""

# True while the timer shows the hold `name`/`status`; with `seconds` (its length), only
# while whole seconds left are in [2, seconds - 1]: a second in and more than one to go.
IN_HOLD = """([name, status, seconds]) => {
  const timer = document.querySelector('.bk-session .bk-timer');
  if (!timer) return false;
  const text = (css) => timer.querySelector(css).innerText.trim();
  if (text('.bk-name') !== name || text('.bk-status') !== status) return false;
  const left = parseInt(text('.bk-countdown'), 10);
  return seconds === null || (left >= 2 && left <= seconds - 1);
}"""

# Run in the kernel by the second client, before any click: note the thread of every click.
RECORD_CLICKS = """
import sys as _bk_sys, threading as _bk_threading
import backstretch_kit as _bk_package

_bk_clicks = []


def _bk_recorder(label):
    def record(_button):
        error = getattr(_bk_sys, "last_value", None)
        _bk_sys.last_value = None
        _bk_clicks.append(
            {
                "button": label,
                "thread": _bk_threading.current_thread().name,
                "error": None if error is None else f"{type(error).__name__}: {error}",
            }
        )

    return record


def _bk_timer_recorder(_widget, content, _buffers):
    # the page reports Skip and Stop as events; a resend of one is noted once
    for event in (content or {}).get("events", []):
        if event.get("kind") in ("skip", "stop") and event.get("id") not in _bk_seen:
            _bk_seen.add(event.get("id"))
            _bk_recorder(event["kind"])(None)


_bk_seen = set()
_bk_sys.last_value = None
for _bk_label, _bk_button in {
    "begin": session.begin_button,
    "finish": session.finish_button,
}.items():
    _bk_button.on_click(_bk_recorder(_bk_label))
session.timer.on_msg(_bk_timer_recorder)
"""

# The first three holds as the kernel plays them (scaled), with the words the timer shows.
HOLDS = (
    "__import__('json').dumps([dict(stretch_id=p.stretch_id, side=p.side, rep=p.rep, "
    "seconds=p.seconds, name=p.name or 'Stretch', "
    "status=__import__('backstretch_kit.timer').timer.describe_phase(p)) "
    "for p in session.timer.phases if p.is_hold][:3])"
)

REPORT = (
    "__import__('json').dumps({'clicks': _bk_clicks, 'stage': session.stage, "
    "'hold_ids': session.hold_ids, 'main_thread': _bk_threading.main_thread().name, "
    "'package': _bk_package.__file__})"
)

READ_SCHEDULE = """
import json, sys
from backstretch_kit import load_routine

schedule = load_routine(sys.argv[1]).schedule()
print(json.dumps(list(zip(schedule["phase"], schedule["seconds"].astype(float)))))
"""


class KernelProbe(KernelClient):
    """A second client of the notebook's kernel, on the shell channel (so the main thread)."""

    def run(self, code: str, **expressions: str) -> dict[str, str]:
        """Execute code quietly; return each expression's ``text/plain``."""
        reply = self.client.execute(
            code, silent=True, store_history=False, user_expressions=expressions, reply=True,
            timeout=30,
        )  # fmt: skip
        return _values(reply["content"])

    def run_in_turn(self, code: str, **expressions: str):
        """``run`` as a scenario step: the other front end plays on while the kernel answers."""
        msg_id = self.client.execute(
            code, silent=True, store_history=False, user_expressions=expressions
        )
        return _values((yield from self.reply_in_turn(msg_id, timeout=30)))


def _values(content: dict) -> dict[str, str]:
    if content["status"] != "ok":
        raise AssertionError(f"the probe's code failed in the kernel: {content}")
    values = {}
    for name, value in content["user_expressions"].items():
        if value["status"] != "ok":
            raise AssertionError(f"the probe's expression {name} failed: {value}")
        values[name] = value["data"]["text/plain"]
    return values


def _prepare_copy(path: Path) -> float:
    """Shorten the holds in the server's copy of the notebook, drop its saved outputs.

    The routine's first and third holds (skipped and stopped below) are scaled to last
    SHORT_HOLD_S or more. Returns the seconds from Begin to the end of the third hold. The
    routine is read as the notebook names it, so the test follows edits to its data, by a
    fresh process in the notebook's folder, so it finds the package the kernel will (pytest
    puts the repository first on its own sys.path, before any PYTHONPATH).
    """
    notebook = json.loads(path.read_text())
    parameters = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(parameters) == 1, "notebook 03 should have exactly one parameters cell"
    source = "".join(parameters[0]["source"])
    assert "hold_scale = 1.0" in source, f"no 'hold_scale = 1.0' in the parameters:\n{source}"
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
    }
    out = subprocess.run(
        [sys.executable, "-c", READ_SCHEDULE, values["routine_name"]],
        capture_output=True, text=True, timeout=60, cwd=path.parent,
    )  # fmt: skip
    assert out.returncode == 0, f"reading the routine failed:\n{out.stderr}"
    phases = json.loads(out.stdout)
    holds = [i for i, (phase, _seconds) in enumerate(phases) if phase == "hold"]
    assert len(holds) >= 3, f"the routine {values['routine_name']} has fewer than 3 holds"
    scale = round(SHORT_HOLD_S / min(phases[holds[0]][1], phases[holds[2]][1]), 3)
    parameters[0]["source"] = source.replace("hold_scale = 1.0", f"hold_scale = {scale}")
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook["metadata"].pop("widgets", None)  # no stale widget views from the saved state
    path.write_text(json.dumps(notebook, indent=1))
    return scale * sum(seconds for _phase, seconds in phases[: holds[2] + 1])


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _set_slider(slider, value: int) -> None:
    """Type a value into an IntSlider's readout, as a user can, and check it took."""
    readout = slider.locator(".widget-readout")
    readout.fill(str(value))
    readout.press("Enter")
    slider.page.wait_for_function(
        "([el, value]) => el.innerText.trim() === value", arg=[readout.element_handle(), str(value)]
    )


@pytest.fixture(scope="module")
def played(request):
    return Together(request)


def _skip_and_stop(request, page, name, front_end):
    address = FRONT_ENDS[front_end]
    server: Server = request.getfixturevalue("lab_and_notebook")[front_end]
    played_s = _prepare_copy(server.notebooks / NOTEBOOK)
    # the two notebooks open beside each other
    page.goto(server.url + address.format(NOTEBOOK), wait_until="commit", timeout=90_000)
    yield until_shown(page, ".jp-Notebook .jp-Cell", 90)
    kernel_id = yield until_idle_kernel(server, NOTEBOOK)
    _menu(page, "Run", "Run All Cells")
    yield until_js(page, ALL_DONE, timeout=120)
    session = page.locator(".bk-session")
    yield until_shown(page, ".bk-session .bk-begin", 30)

    problems: list[str] = []
    probe = KernelProbe(server.runtime_dir / f"kernel-{kernel_id}.json")
    try:
        probe.run(RECORD_CLICKS)
        skipped, finished, stopped = json.loads(ast.literal_eval(probe.run("", h=HOLDS)["h"]))
        shown_as = [(hold["name"], hold["status"]) for hold in (skipped, finished, stopped)]
        if shown_as[0] == shown_as[1] or shown_as[1] == shown_as[2]:
            pytest.fail(f"the routine's first holds look alike on screen, {shown_as}: no test")
        _set_slider(session.locator(".bk-pain-before"), PAIN_BEFORE)
        yield PREPARED
        session.locator(".bk-begin").click()
        # skip the first hold a second or two in; the second runs to its end; stop the third
        wait = played_s + 15  # Begin to the end of the third hold, and slack
        yield until_js(page, IN_HOLD, [*shown_as[0], skipped["seconds"]], timeout=wait)
        session.locator(".bk-skip").click()
        yield until_js(page, IN_HOLD, [*shown_as[1], None], timeout=wait)
        yield until_js(page, IN_HOLD, [*shown_as[2], stopped["seconds"]], timeout=wait)
        session.locator(".bk-stop").click()
        try:
            yield until_shown(page, ".bk-session .bk-pain-after", 10)
        except TimeoutError:
            problems.append(
                "after Stop the pain-after/Finish form never appeared (the session stayed "
                "playing: the stop was not handled to its end)"
            )
        else:
            _set_slider(session.locator(".bk-pain-after"), PAIN_AFTER)
            session.locator(".bk-finish").click()
            try:
                yield until_js(
                    page,
                    "() => /Saved:/.test("
                    "document.querySelector('.bk-session .bk-session-status').innerText)",
                    timeout=10,
                )
            except TimeoutError:
                problems.append("after Finish the session never said 'Saved:'")
        report = yield from probe.run_in_turn("", report=REPORT)
        shown = json.loads(ast.literal_eval(report["report"]))
    finally:
        probe.close()
        screenshot(page, f"session-threads-{front_end}", element=session)

    log = yield from read_log_in_turn(server.log_file)
    clicks = shown["clicks"]
    report = (
        f"front end: {front_end}\n"
        f"kernel main thread: {shown['main_thread']}; backstretch_kit from {shown['package']}\n"
        "click handlers ran on: "
        + ", ".join(f"{c['button']} on {c['thread']}" for c in clicks)
        + "\n"
        + "".join(
            f"  error before the {c['button']} note: {c['error']}\n" for c in clicks if c["error"]
        )
        + f"session stage in the kernel: {shown['stage']}; hold ids: {shown['hold_ids']}\n"
        f"log sessions: {log['sessions']}\n"
        f"log holds: {log['holds']}"
    )
    print(f"\n{report}")
    clicked = [c["button"] for c in clicks]
    if clicked[:3] != ["begin", "skip", "stop"]:
        problems.append(f"the kernel did not see Begin, Skip, Stop in turn: it saw {clicked}")
    holds = [
        (h["stretch_id"], h["side"], h["rep"], round(h["planned_s"], 3), h["completed"])
        for h in log["holds"]
    ]
    expected = [
        (h["stretch_id"], h["side"], h["rep"], round(h["seconds"], 3), completed)
        for h, completed in ((skipped, False), (finished, True), (stopped, False))
    ]
    if holds != expected:
        problems.append(f"the log's holds are {holds}, expected {expected}")
    else:
        cut_short = [log["holds"][0]["actual_s"], log["holds"][2]["actual_s"]]
        planned = [skipped["seconds"], stopped["seconds"]]
        if not all(0.5 < held < full for held, full in zip(cut_short, planned, strict=True)):
            problems.append(f"the skipped and stopped holds held {cut_short} s of {planned}")
    sessions = log["sessions"]
    if len(sessions) != 1:
        problems.append(f"the log has {len(sessions)} sessions, expected 1")
    else:
        row = sessions[0]
        wanted = {"pain_before": PAIN_BEFORE, "pain_after": PAIN_AFTER}
        got = {key: row[key] for key in wanted}
        if got != wanted or row["ended_at"] is None:
            problems.append(
                f"the session is not closed as entered: ended_at={row['ended_at']}, "
                f"pains {got}, expected {wanted}"
            )
    assert not problems, "\n".join(["", *problems, "", report])


@pytest.mark.parametrize("front_end", sorted(FRONT_ENDS))
@together(_skip_and_stop)
def test_skip_and_stop_clicks_save_every_hold(played, request, browser, front_end):
    """Begin, Skip mid-hold, Stop mid-hold, Finish: every hold and the session end are logged."""
    played.outcome(request, browser)
