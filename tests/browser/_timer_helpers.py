"""Helpers for the browser tests of the hold timer that runs in the page (timer.js).

The spies go in with ``add_init_script``, before any page script: they wrap
``AudioContext.prototype.createOscillator`` (each oscillator's start time on the audio
clock, with the clock mapping at that moment, and whether it was cancelled),
``speechSynthesis.speak`` (the words), ``navigator.wakeLock.request`` (and each lock's
release) and ``Element.prototype.requestFullscreen``. ``timer_info`` reads the page's own
record through ``globalThis.backstretchTimers`` (phase starts, finished events, queue).
"""

from __future__ import annotations

import json
import math
import queue
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from conftest import idle_kernel_id, kernel_client, new_page, screenshot

SPIES = """
(() => {
  const spy = (window.__bkSpy = { osc: [], speak: [], wake: [], released: 0, fullscreen: 0 });
  const Context = window.AudioContext;
  if (Context) {
    const create = Context.prototype.createOscillator;
    Context.prototype.createOscillator = function () {
      const osc = create.call(this);
      const ctx = this;
      const record = { cancelled: false };
      const start = osc.start;
      osc.start = function (when) {
        const stamp = ctx.getOutputTimestamp ? ctx.getOutputTimestamp() : {};
        Object.assign(record, {
          when, freq: osc.frequency.value, perf: performance.now(),
          currentTime: ctx.currentTime, contextTime: stamp.contextTime || 0,
          performanceTime: stamp.performanceTime || 0,
        });
        spy.osc.push(record);
        return start.apply(this, arguments);
      };
      const stop = osc.stop;
      osc.stop = function (when) {
        if (!when) record.cancelled = true; // stop(0): taken back before it sounded
        return stop.apply(this, arguments);
      };
      return osc;
    };
  }
  if (window.speechSynthesis) {
    const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
    window.speechSynthesis.speak = (words) => {
      spy.speak.push({ text: words.text, perf: performance.now() });
      return speak(words);
    };
  }
  if (navigator.wakeLock) {
    const request = navigator.wakeLock.request.bind(navigator.wakeLock);
    navigator.wakeLock.request = async (type) => {
      spy.wake.push({ type, perf: performance.now() });
      const sentinel = await request(type);
      sentinel.addEventListener("release", () => { spy.released += 1; });
      return sentinel;
    };
  }
  const full = Element.prototype.requestFullscreen;
  Element.prototype.requestFullscreen = function () {
    spy.fullscreen += 1;
    return full ? full.apply(this, arguments) : Promise.resolve();
  };
  // every change of the countdown text, with the time it happened (the frame's time);
  // called once the timer is on the page, so the rest of the page is not watched
  spy.countdown = [];
  window.__bkWatchCountdown = () => {
    const el = document.querySelector(".bk-timer .bk-countdown");
    const note = () => {
      const last = spy.countdown[spy.countdown.length - 1];
      if (!last || last.text !== el.textContent) {
        spy.countdown.push({ text: el.textContent, perf: performance.now() });
      }
    };
    note();
    new MutationObserver(note).observe(el, { subtree: true, childList: true, characterData: true });
    // every animation frame from now on: on a loaded machine the frames themselves come
    // late, and the first frame after a deadline is the earliest any page can show it
    spy.frames = [];
    const frame = () => { spy.frames.push(performance.now()); requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  };
})();
"""

# The first note of each tone (timer.js TONES) and each tone's length in seconds.
FIRST_NOTE = {"count": 880, "halfway": 740, "switch": 659.3, "rest": 784, "end": 1046.5,
              "done": 523.3}  # fmt: skip
TONE_S = {"count": 0.12, "halfway": 0.22, "switch": 0.74, "rest": 0.52, "end": 0.5, "done": 0.93}

# The timer shown on the page (a kernel that played before may have older timer models).
TIMER = """(() => {
  const timers = [...(globalThis.backstretchTimers || new Map()).values()];
  return timers.find((t) => [...t.views].some((v) => v.el.isConnected)) || timers.at(-1);
})()"""
INFO = f"() => {{ const t = {TIMER}; return t ? t.inspect() : null; }}"

READ_LOG = """
import json, sys
from backstretch_kit import SessionLog

with SessionLog(sys.argv[1]) as log:
    sessions, holds = log.sessions(), log.holds()
print(json.dumps({
    "sessions": json.loads(sessions.to_json(orient="records", date_format="iso")),
    "holds": json.loads(holds.to_json(orient="records", date_format="iso")),
}))
"""

ALL_DONE = """() => {
  const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.innerText));
}"""

#: A routine with every kind of cue: each side (a switch), a halfway, rests, next stretch.
ROUTINE_CODE = """
import backstretch_kit as bk
from backstretch_kit.routine import Routine
from backstretch_kit.widgets import GuidedSession

routine = Routine.from_stretches(
    ["knee-to-chest"], name="Browser test", hold_s={knee_hold_s}, reps=1, sides="each side"
)
routine.add("chin-tuck", hold_s=15, reps=2, rest_s=10)
session = GuidedSession(routine, {person!r}, bk.SessionLog(), ask_pain=False,
                        scale={scale}, large={large})
session
"""


def write_notebook(folder: Path, name: str, code: str) -> Path:
    """Write a one-cell notebook (no outputs) the servers can open."""
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                   "outputs": [], "source": code.strip()}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path = folder / name
    path.write_text(json.dumps(notebook, indent=1))
    return path


def menu(page, menu_name: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu_name).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def open_and_run_in_turn(page, server, front_end: str, name: str):
    """Open notebook ``name`` and run it, as scenario steps (notebooks open beside each
    other); the kernel id (None in Voila, which runs it)."""
    if front_end == "voila":
        page.goto(f"{server.url}/voila/render/{name}", wait_until="commit", timeout=90_000)
        yield until_shown(page, ".bk-begin", 90)
        return None
    address = f"/lab/tree/{name}?reset" if front_end == "lab" else f"/notebooks/{name}"
    page.goto(server.url + address, wait_until="commit", timeout=90_000)
    yield until_shown(page, ".jp-Notebook .jp-Cell", 90)
    kernel_id = yield until_idle_kernel(server, name)
    menu(page, "Run", "Run All Cells")
    yield until_js(page, ALL_DONE, timeout=120)
    yield until_shown(page, ".bk-begin", 60)
    return kernel_id


def timer_info(page) -> dict:
    """The page's own record of its timer (timer.js Timer.inspect)."""
    return page.evaluate(INFO)


def spy(page) -> dict:
    return page.evaluate("() => window.__bkSpy")


def wait_for_timer(page, condition: str, timeout: float = 60) -> dict:
    """Wait until ``condition`` (JS over ``info``, the inspect() record) holds; return info."""
    page.wait_for_function(
        f"() => {{ const info = ({INFO})(); return info && ({condition}); }}",
        timeout=timeout * 1000,
    )
    return timer_info(page)


def schedule_of(page) -> list[dict]:
    """The phases the page plays (the kernel's schedule trait)."""
    return page.evaluate(
        f"() => {TIMER}.phases.map(p => ({{kind: p.kind, seconds: p.seconds, cues: p.cues,"
        " say: p.say, stretch_id: p.stretch_id, side: p.side, rep: p.rep}))"
    )


def expected_tones(info: dict, phases: list[dict]) -> list[dict]:
    """Every tone due in an unpaused run: (tone, due on performance.now() in ms)."""
    out = []
    for start in info["history"]:
        phase = phases[start["index"]]
        end_ms = start["start_ms"] + phase["seconds"] * 1000
        for remaining, kind, tone in phase["cues"]:
            if tone:
                out.append({"tone": tone, "kind": kind, "index": start["index"],
                            "due_ms": end_ms - remaining * 1000})  # fmt: skip
    return out


def oscillator_perf_ms(record: dict) -> float:
    """An oscillator's start on performance.now(), through the clock mapping of its call."""
    if record["contextTime"] > 0 and record["performanceTime"] > 0:
        return record["performanceTime"] + (record["when"] - record["contextTime"]) * 1000
    return record["perf"] + (record["when"] - record["currentTime"]) * 1000


class KernelClient:
    """A second client of a notebook's kernel (its connection file in the runtime folder)."""

    def __init__(self, connection_file: Path) -> None:
        self.client = kernel_client(connection_file)

    def start(self, code: str) -> str:
        """Send code to run on the kernel's main thread; do not wait for it."""
        return self.client.execute(code, silent=True, store_history=False)

    def reply_in_turn(self, msg_id: str, timeout: float = 60):
        """``wait`` as a scenario step (``reply = yield from client.reply_in_turn(id)``)."""
        replies: list[dict] = []

        def replied() -> bool:
            while True:
                try:
                    reply = self.client.get_shell_msg(timeout=0)
                except queue.Empty:
                    return bool(replies)
                if reply["parent_header"].get("msg_id") == msg_id:
                    replies.append(reply["content"])

        yield Wait(f"the kernel's reply to {msg_id}", replied, timeout)
        return replies[0]

    def close(self) -> None:
        self.client.stop_channels()


# -- what the timer tests share ----------------------------------------------------------

SCALE = 0.2  # 33 s in all: holds of 10 s (with a halfway), 3 s, and 1-2 s pauses
#: The knee-to-chest hold (before scaling) of the tests that need no halfway cue: 5 s a
#: side when played, so the routine takes 23 s instead of 33 s.
SHORT_KNEE_HOLD_S = 25
FRONT_ENDS = ("lab", "notebook7", "voila")
SERVER_FIXTURES = {"lab": "jupyter_lab", "notebook7": "jupyter_notebook", "voila": "voila"}


def prepare_in_turn(
    request, page, front_end: str, large: bool = False, knee_hold_s: float = 50, name=None
):
    """Write the test's timer notebook, open and run it, as scenario steps
    (``server, kernel_id, person = yield from prepare_in_turn(...)``)."""
    # only the server this front end needs: a module of Lab tests starts no Notebook 7
    server = request.getfixturevalue(SERVER_FIXTURES[front_end])
    # a notebook (so a kernel) of its own for each test (``name``, the requesting test by
    # default): the servers live for the module, and a person of its own in the log they share
    test = (name or request.node.name).split("[")[0].removeprefix("test_")[:40]
    code = ROUTINE_CODE.format(scale=SCALE, large=large, person=test, knee_hold_s=knee_hold_s)
    write_notebook(server.notebooks, f"timer-{test}.ipynb", code)
    page.add_init_script(SPIES)
    kernel_id = yield from open_and_run_in_turn(page, server, front_end, f"timer-{test}.ipynb")
    # Notebook 7 raises a page error of its own as it loads (on any notebook); only the
    # errors from the timer on are the test's business
    page.page_errors.clear()
    return server, kernel_id, test


def logged_holds(log: dict) -> list[tuple]:
    return [
        (h["stretch_id"], h["side"], h["rep"], round(h["planned_s"], 6), round(h["actual_s"], 6),
         bool(h["completed"]))
        for h in log["holds"]
    ]  # fmt: skip


def page_holds(info: dict, phases: list[dict]) -> list[tuple]:
    """The holds the page finished (and so should be logged), as the log stores them."""
    out = []
    for event in info["finished"]:
        phase = phases[event["index"]]
        if phase["kind"] == "hold" and event["outcome"] != "back":
            out.append((phase["stretch_id"], phase["side"], phase["rep"],
                        round(phase["seconds"], 6), round(event["actual_s"], 6),
                        event["outcome"] == "completed"))  # fmt: skip
    return out


def whole_seconds(phases: list[dict]) -> int:
    """How many numbers the countdown shows in a whole unpaused run (each phase counts
    down from its length rounded up to 1)."""
    return sum(math.ceil(p["seconds"]) for p in phases)


def countdown_errors(changes: list[dict], info: dict, phases: list[dict]) -> list[tuple]:
    """For each second shown: (text, phase, ms from its deadline to its change, deadline)."""
    errors = []
    starts = info["history"]
    for change in changes[1:]:  # the first is the text when the watch began
        if not change["text"].isdigit():
            continue
        shown = int(change["text"])
        # the phase the change belongs to: the last one started by then (a phase's first
        # number appears at its very start, a frame later at most)
        phase_start = max((s for s in starts if s["start_ms"] <= change["perf"] + 1),
                          key=lambda s: s["start_ms"], default=None)  # fmt: skip
        if phase_start is None:
            continue
        seconds = phases[phase_start["index"]]["seconds"]
        if shown >= seconds:  # the phase's first number: shown at its start
            due = phase_start["start_ms"]
        else:
            due = phase_start["start_ms"] + (seconds - shown) * 1000
        errors.append((change["text"], phase_start["index"], change["perf"] - due, due))
    return errors


def late(shown: list[tuple], frames: list[float]) -> list[tuple]:
    """Seconds shown more than 100 ms after their deadline and not in the first frame after
    it (a loaded machine may delay the frames themselves; the page cannot beat them)."""
    late = []
    for text, index, error, due in shown:
        first = next((f for f in frames if f >= due), None)
        in_first_frame = first is not None and due + error - first < 5
        if error < -1.0 or (error > 100.0 and not in_first_frame):
            late.append((text, index, error))
    return late


# -- scenarios that play at the same time ----------------------------------------------------
#
# A timer test mostly waits while the timer plays in real time. So the tests of a module are
# written as scenarios, generator functions that ``yield`` what they wait for (a ``Wait``),
# and ``Together`` plays all of a module's selected scenarios at once, each on a page of its
# own in the shared browser: the notebooks open one after another (each scenario runs up to
# ``yield PREPARED``), then the driver polls every page in turn and resumes whichever
# scenario's wait is met. A scenario must not block for long between its yields, or the
# others' waits are noticed late (a page reload, a kernel's reply, a log read: all yielded).


@dataclass
class Wait:
    """What a scenario waits for: ``check()`` returns None or False until it is met, then
    the value the scenario gets back from its ``yield``."""

    what: str
    check: Callable[[], Any]
    timeout: float


#: Yielded once a scenario's notebook is open and its timer ready: it goes on when every
#: scenario of the module is ready (the driver sees to it), so the notebooks open beside
#: each other, but no opening notebook slows a timer playing.
PREPARED = Wait("the other scenarios to be prepared", lambda: None, math.inf)


def _evaluate(page, script: str, arg: Any = None) -> Any:
    """The script's value on the page, or None while the page is between two documents."""
    try:
        return page.evaluate(script, arg)
    except PlaywrightError:
        if page.is_closed():
            raise
        return None  # a reload under way: the old document is gone, the new one not yet up


def until(page, condition: str, timeout: float = 60) -> Wait:
    """Until ``condition`` (JS over ``info``, the timer's inspect() record) holds; the
    scenario gets ``info`` back (as ``wait_for_timer`` returns it)."""
    script = f"() => {{ const info = ({INFO})(); return info && ({condition}) ? info : null; }}"
    return Wait(condition, lambda: _evaluate(page, script), timeout)


def until_js(page, function: str, arg: Any = None, timeout: float = 30) -> Wait:
    """Until the JS ``function`` (of ``arg``, as ``page.wait_for_function`` takes) is truthy."""
    return Wait(f"{function} of {arg!r}", lambda: _evaluate(page, function, arg) or None, timeout)


def until_shown(page, css: str, timeout: float = 30) -> Wait:
    """Until an element matching ``css`` is on the page and visible (``Locator.wait_for``)."""
    script = """(css) => { const el = document.querySelector(css);
      return !!el && getComputedStyle(el).visibility !== 'hidden'
        && el.getClientRects().length > 0; }"""
    return Wait(f"{css} to be shown", lambda: _evaluate(page, script, css) or None, timeout)


def until_idle_kernel(server, name: str, timeout: float = 90) -> Wait:
    """Until the server lists an idle kernel for notebook ``name`` (``idle_kernel_id``);
    the scenario gets its id."""

    def idle() -> str | None:
        try:
            return idle_kernel_id(server, name, timeout=0.001)  # one look at /api/sessions
        except AssertionError:
            return None

    return Wait(f"an idle kernel for {name}", idle, timeout)


def pause(seconds: float) -> Wait:
    """A plain wait of ``seconds`` (in place of ``time.sleep``)."""
    end = time.monotonic() + seconds
    return Wait(f"{seconds} s to pass", lambda: time.monotonic() >= end or None, seconds + 30)


def read_log_in_turn(path: Path, person: str | None = None):
    """The session log as a fresh process reads it (one person's rows, if given), as a
    scenario step (``log = yield from read_log_in_turn(...)``): the other scenarios play on
    while it reads."""
    reader = subprocess.Popen(
        [sys.executable, "-c", READ_LOG, str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield Wait(f"a fresh process to read {path}", lambda: reader.poll() is not None, 60)
        out, err = reader.communicate()
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.communicate()
    assert reader.returncode == 0, f"reading the log {path} failed:\n{err}"
    log = json.loads(out)
    if person is not None:
        log = {table: [row for row in rows if row["person"] == person]
               for table, rows in log.items()}  # fmt: skip
    return log


def _waited(wait: Wait, deadline: float) -> dict | None:
    """One look at ``wait``: {"value": ...} when met, {"error": ...} when it cannot be (its
    check failed, or ``deadline`` passed), None to look again later."""
    try:
        value = wait.check()
    except Exception as failure:  # the page closed or crashed
        return {"error": failure}
    if value is not None and value is not False:
        return {"value": value}
    if time.monotonic() > deadline:
        return {"error": TimeoutError(f"waited {wait.timeout} s for {wait.what}")}
    return None


def _resume(steps, reply: dict):
    return steps.throw(reply["error"]) if "error" in reply else steps.send(reply["value"])


def begin_in_turn(page):
    """Begin, as a scenario step, and watch the countdown once it runs."""
    page.locator(".bk-begin").click()
    info = yield until(page, "info.state === 'running'", timeout=30)
    page.evaluate("() => window.__bkWatchCountdown()")
    return info


def together(scenario: Callable):
    """Mark a test as played by ``scenario(request, page, name, **params)``, a generator
    (``name`` is the test's, ``params`` its parameters), beside the module's other ones."""

    def mark(test):
        test.scenario = scenario
        return test

    return mark


@dataclass
class _Outcome:
    value: Any = None
    error: BaseException | None = None


class Together:
    """Plays a module's scenarios at the same time, the first time one of its tests asks,
    and keeps each one's outcome for its own test.

    Only the selected tests' scenarios play (``-k`` one test: one scenario). Make it a
    module-scoped fixture; each test calls ``outcome(request, browser)``.
    """

    POLL_S = 0.05

    def __init__(self, module_request) -> None:
        module = module_request.node
        self.items = [
            item for item in module_request.session.items
            if item.getparent(pytest.Module) is module and hasattr(item.function, "scenario")
        ]  # fmt: skip
        self.outcomes: dict[str, _Outcome] | None = None

    def outcome(self, request, browser) -> Any:
        """The test's scenario's return value; its failure is raised here, with a note of
        what its page showed (text and screenshot)."""
        if self.outcomes is None:
            self.outcomes = {}
            self._play(request, browser)
        result = self.outcomes.get(request.node.name)
        assert result is not None, f"{request.node.name} was not played (not selected?)"
        if result.error is not None:
            raise result.error
        return result.value

    def _play(self, request, browser) -> None:
        pages = {item.name: new_page(browser) for item in self.items}
        runs = {}
        try:
            for item in self.items:
                params = item.callspec.params if hasattr(item, "callspec") else {}
                scenario = item.function.scenario
                runs[item.name] = scenario(request, pages[item.name], item.name, **params)
            self._drive(runs, pages)
        finally:
            for run in runs.values():
                run.close()  # a scenario cut short runs its own clean-up (finally)
            for page in pages.values():
                page.context.close()

    def _drive(self, runs: dict, pages: dict) -> None:
        waits: dict[str, tuple[Wait, float]] = {}

        def step(name: str, reply: dict) -> None:
            try:
                wait = _resume(runs[name], reply)
            except StopIteration as done:
                self.outcomes[name] = _Outcome(value=done.value)
            except (Exception, pytest.fail.Exception) as failure:
                self.outcomes[name] = _Outcome(error=_noted(failure, pages[name], name))
            else:
                waits[name] = (wait, time.monotonic() + wait.timeout)
                return
            waits.pop(name, None)

        for name in runs:
            step(name, {"value": None})
        while waits:
            started = time.monotonic()
            # every scenario still playing is prepared: from now on they play at once
            all_prepared = all(wait is PREPARED for wait, _ in waits.values())
            for name in list(waits):
                wait, deadline = waits[name]
                if wait is PREPARED:
                    reply = {"value": None} if all_prepared else None
                else:
                    reply = _waited(wait, deadline)
                if reply is not None:
                    if "error" in reply and isinstance(reply["error"], TimeoutError):
                        reply["error"] = TimeoutError(f"{name}: {reply['error']}")
                    step(name, reply)
            time.sleep(max(0.0, self.POLL_S - (time.monotonic() - started)))


def _noted(failure: BaseException, page, name: str) -> BaseException:
    """The failure, with a note of the page's text and a screenshot (conftest's report hook
    does this for a test's ``page``; a scenario's page is not one)."""
    try:
        text = page.locator("body").inner_text(timeout=5_000)
        shot = screenshot(page, f"FAILED-{name}"[:120])
        failure.add_note(f"the page at the failure of {name}:\n{text[-4000:]}\n[{shot}]")
    except Exception as error:  # a closed or crashed page: say so, keep the failure
        failure.add_note(f"the page at the failure of {name} could not be read: {error}")
    return failure
