"""Measure the hold timer that runs in the page, in JupyterLab with real Chromium.

Run as ``.venv/bin/python benchmarks/timer_browser_benchmark.py`` (about 3 minutes) or
with ``--scale 0.25`` for a quicker run (15 s routines). It starts JupyterLab on a
temporary folder with a notebook of two guided sessions of the same 60 s routine (get
ready, 25 s on the left, switch, 25 s on the right), opens it in headless Chromium and
plays each session to its end:

1. Run A, the kernel idle: every change of the countdown's text against the deadline of
   the second it shows (the time the page's DOM changed, read by a MutationObserver;
   it is at most a frame before the screen shows it); each tone's start on the audio
   clock against its cue's deadline, the clocks related by samples of
   ``AudioContext.getOutputTimestamp()`` taken every 100 ms (so the drift between the
   scheduling and the playing is in the figure); the kernel process's CPU time over the
   run, beside the same kernel idle with no timer for as long before it.
2. Run B, with a 10 s CPU-bound computation in the kernel (sent by a second kernel
   client) during the countdown: the same figures, whether any second was skipped, and
   how long the page said holds were waiting to be saved.
3. The session log, read afterwards by a fresh process: every hold, with its seconds.

Goals (DESIGN.md): each second within one frame (17 ms) of its deadline at p95, cues
within 5 ms, no freeze while the kernel is busy, the kernel idle (at most 0.2 % of a core)
while the timer runs. The kernel-ticked timer this replaces measured 35 ms (median) and
78 ms (p95) late per second in JupyterLab, froze 8.3 s under an 8 s computation, lost two
cues there, played cues 50 ms late and cost the kernel 2.1 % of a core.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
FIRST_NOTE = {"count": 880, "halfway": 740, "switch": 659.3, "rest": 784, "end": 1046.5,
              "done": 523.3}  # fmt: skip

NOTEBOOK_CODE = """
import backstretch_kit as bk
from backstretch_kit.routine import Routine
from backstretch_kit.widgets import GuidedSession

routine = Routine.from_stretches(
    ["knee-to-chest"], name="Benchmark", hold_s=25, reps=1, sides="each side"
)
log = bk.SessionLog()
"""
SESSION_CODE = """
session_{run} = GuidedSession(routine, "bench-{run}", log, ask_pain=False, scale={scale})
session_{run}
"""

SPIES = """
(() => {
  const spy = (window.__bkBench = { osc: [], stamps: [], countdown: [], pending: [],
    frames: [] });
  // every animation frame's start: the earliest moment any frame-drawn display could
  // show a new second (the reference the countdown is measured against)
  const frame = () => { spy.frames.push(performance.now()); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const Context = window.AudioContext;
  const create = Context.prototype.createOscillator;
  Context.prototype.createOscillator = function () {
    const osc = create.call(this);
    const record = { cancelled: false };
    const start = osc.start;
    osc.start = function (when) {
      Object.assign(record, { when, freq: osc.frequency.value, perf: performance.now() });
      spy.osc.push(record);
      return start.apply(this, arguments);
    };
    const stop = osc.stop;
    osc.stop = function (when) {
      if (!when) record.cancelled = true;
      return stop.apply(this, arguments);
    };
    return osc;
  };
  window.__bkWatch = (selector) => {
    const root = [...document.querySelectorAll(".bk-timer")].find((t) => t.isConnected
      && t.querySelector(".bk-countdown") && t.closest(selector));
    const el = root.querySelector(".bk-countdown");
    const pending = root.querySelector(".bk-pending");
    spy.countdown = [{ text: el.textContent, perf: performance.now() }];
    spy.pending = [];
    new MutationObserver(() => spy.countdown.push({ text: el.textContent,
      perf: performance.now() })).observe(el, { subtree: true, childList: true,
      characterData: true });
    new MutationObserver(() => spy.pending.push({ shown: !pending.hidden,
      perf: performance.now() })).observe(pending, { attributes: true });
    clearInterval(spy.sampler);
    spy.sampler = setInterval(() => {
      const ctx = globalThis.__backstretchAudio && globalThis.__backstretchAudio.ctx;
      if (!ctx) return;
      const s = ctx.getOutputTimestamp();
      if (s.contextTime > 0) spy.stamps.push([s.contextTime, s.performanceTime]);
    }, 100);
  };
})();
"""

TIMER = """(() => {
  const timers = [...globalThis.backstretchTimers.values()];
  return timers.find((t) => [...t.views].some((v) => v.el.isConnected)) || timers.at(-1);
})()"""

ALL_DONE = """() => {
  const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'));
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.innerText));
}"""

READ_LOG = """
import json, sys
from backstretch_kit import SessionLog
with SessionLog(sys.argv[1]) as log:
    holds = log.holds()
print(holds[["person", "stretch_id", "side", "rep", "planned_s", "actual_s", "completed"]]
      .to_json(orient="records"))
"""

BUSY = "import time as _t\n_end = _t.monotonic() + 10\nwhile _t.monotonic() < _end:\n    pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_notebook(path: Path, scale: float) -> None:
    def cell(code: str) -> dict:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": code.strip()}  # fmt: skip

    cells = [cell(NOTEBOOK_CODE)] + [cell(SESSION_CODE.format(run=r, scale=scale)) for r in "AB"]
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}}}  # fmt: skip
    path.write_text(json.dumps(notebook))


def start_lab(tmp: Path) -> tuple[subprocess.Popen, str, dict]:
    port = free_port()
    env = {
        **os.environ,
        "BACKSTRETCH_DATA_DIR": str(tmp / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces"),
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
    }
    (tmp / "data").mkdir()
    settings = tmp / "lab-settings/@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension/notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension/tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    argv = [
        str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
        "--allow-root", f"--ServerApp.root_dir={tmp}",
    ]  # fmt: skip
    out = (tmp / "lab.log").open("w")
    process = subprocess.Popen(argv, cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2):
                return process, url, env
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not start:\n{(tmp / 'lab.log').read_text()}")


def kernel_of(url: str, name: str) -> str:
    for _ in range(450):
        with urllib.request.urlopen(f"{url}/api/sessions", timeout=5) as response:
            for session in json.load(response):
                kernel = session.get("kernel") or {}
                if session["path"].endswith(name) and kernel.get("execution_state") == "idle":
                    return kernel["id"]
        time.sleep(0.2)
    raise RuntimeError("no idle kernel")


def kernel_process(server: subprocess.Popen, kernel_id: str) -> psutil.Process:
    for child in psutil.Process(server.pid).children(recursive=True):
        if any(kernel_id in part for part in child.cmdline()):
            return child
    raise RuntimeError(f"no process for kernel {kernel_id}")


def cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def percentiles(values: list[float]) -> str:
    if not values:
        return "no values"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return (
        f"p50 {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms, "
        f"max {ordered[-1]:6.1f} ms (n={len(ordered)})"
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def second_errors(
    bench: dict, info: dict, phases: list[dict]
) -> tuple[list[float], list[float], list[str]]:
    """ms from each second's deadline to the countdown showing it; from the deadline to the
    first animation frame after it (the best a frame-drawn display can do); and the
    seconds never shown."""
    errors, floors = [], []
    frames = bench["frames"]
    shown: dict[int, set[int]] = {}
    for change in bench["countdown"][1:]:
        if not change["text"].isdigit():
            continue
        value = int(change["text"])
        start = max((s for s in info["history"] if s["start_ms"] <= change["perf"] + 1),
                    key=lambda s: s["start_ms"], default=None)  # fmt: skip
        if start is None:
            continue
        seconds = phases[start["index"]]["seconds"]
        due = start["start_ms"] + max(0.0, seconds - value) * 1000
        errors.append(change["perf"] - due)
        later = [f for f in frames if f >= due]
        floors.append((later[0] if later else change["perf"]) - due)
        shown.setdefault(start["index"], set()).add(value)
    missing = []
    for start in info["history"]:
        seconds = phases[start["index"]]["seconds"]
        wanted = set(range(1, math.ceil(seconds - 1e-9) + 1))
        lost = wanted - shown.get(start["index"], set())
        if start["index"] > 0 and lost:  # the first phase started before the watch
            missing.append(f"phase {start['index']}: {sorted(lost)}")
    return errors, floors, missing


def cue_errors(bench: dict, info: dict, phases: list[dict]) -> tuple[list[float], list[float]]:
    """Each cue's tone start on the audio clock minus its deadline (ms); and how far ahead
    it was scheduled (ms)."""
    stamps = bench["stamps"]
    if not stamps:
        raise RuntimeError("the AudioContext gave no output timestamps")
    played = [o for o in bench["osc"] if not o["cancelled"]]
    errors, leads = [], []
    for start in info["history"]:
        phase = phases[start["index"]]
        end_ms = start["start_ms"] + phase["seconds"] * 1000
        for remaining, _kind, tone in phase["cues"]:
            if not tone:
                continue
            due = end_ms - remaining * 1000
            # the clocks' relation sampled nearest the moment the tone plays
            context, perf = min(stamps, key=lambda s: abs(s[1] - due))
            best = None
            for o in played:
                if abs(o["freq"] - FIRST_NOTE[tone]) > 0.5:
                    continue
                at = perf + (o["when"] - context) * 1000
                if best is None or abs(at - due) < abs(best[0] - due):
                    best = (at, o)
            if best is None:
                errors.append(float("inf"))
                continue
            errors.append(best[0] - due)
            leads.append(due - best[1]["perf"])
    return errors, leads


def play(page, run: str, seconds: float, busy=None) -> dict:
    page.locator(f".bk-session-{run} .bk-begin").click()
    page.wait_for_function(f"() => {TIMER}.inspect().state === 'running'", timeout=30_000)
    key = page.evaluate(f"() => {TIMER}.key")  # this run's timer, whatever the page shows
    timer = f"globalThis.backstretchTimers.get({json.dumps(key)})"
    page.evaluate(f"() => window.__bkWatch('.bk-session-{run}')")
    if busy is not None:
        busy(timer)
    page.wait_for_function(
        f"() => {{ const i = {timer}.inspect(); return i.state === 'finished'"
        " && i.queued.length === 0; }",
        timeout=int((seconds + 60) * 1000),
    )
    return page.evaluate(
        f"() => ({{ info: {timer}.inspect(), bench: window.__bkBench, phases: {timer}.phases }})"
    )


def report(name: str, result: dict) -> tuple[list[float], list[float], list[str]]:
    info, bench, phases = result["info"], result["bench"], result["phases"]
    seconds, floors, missing = second_errors(bench, info, phases)
    cues, leads = cue_errors(bench, info, phases)
    print(f"  {name}: each second shown after its deadline: {percentiles(seconds)}")
    print(f"  {name}: reference, first frame after each deadline: {percentiles(floors)}")
    first = sum(abs(e - f) < 4 for e, f in zip(seconds, floors, strict=True))
    print(f"  {name}: seconds shown in the first frame after their deadline: "
          f"{first} of {len(seconds)}")  # fmt: skip
    print(f"  {name}: seconds never shown: {missing or 'none'}")
    result["beyond_frame"] = [e - f for e, f in zip(seconds, floors, strict=True)]
    abs_cues = [abs(e) for e in cues]
    print(f"  {name}: tone start vs cue deadline on the audio clock: |error| "
          f"{percentiles(abs_cues)}")  # fmt: skip
    print(f"  {name}: tones scheduled ahead of their cue by: {percentiles(leads)}")
    return seconds, abs_cues, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the 60 s routine")
    args = parser.parse_args()
    from jupyter_client import BlockingKernelClient
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("needs Debian's chromium (apt-get install chromium)")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="timer-bench-"))
    name = "timer-benchmark.ipynb"
    write_notebook(tmp / name, args.scale)
    server, url, _env = start_lab(tmp)
    routine_s = 60.0 * args.scale
    print(f"hold timer in the page: JupyterLab, Chromium, routine of {routine_s:.0f} s x 2")
    print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{x:.2f}" for x in
          os.getloadavg()) + f" on {os.cpu_count()} cores")  # fmt: skip
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.add_init_script(SPIES)
            page.goto(f"{url}/lab/tree/{name}?reset", timeout=90_000)
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
            kernel_id = kernel_of(url, name)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            page.wait_for_function(ALL_DONE, timeout=120_000)
            for run in "AB":  # mark each session's output so the runs find their own
                page.evaluate(
                    "([run, n]) => document.querySelectorAll('.bk-session')[n]"
                    ".classList.add(`bk-session-${run}`)",
                    [run, "AB".index(run)],
                )
            kernel = kernel_process(server, kernel_id)
            time.sleep(3)  # the kernel settles after running the cells

            idle_s = routine_s
            before = cpu_s(kernel)
            time.sleep(idle_s)
            idle_cpu = (cpu_s(kernel) - before) / idle_s * 100
            start = time.monotonic()
            before = cpu_s(kernel)
            result_a = play(page, "A", routine_s)
            elapsed = time.monotonic() - start
            run_cpu = (cpu_s(kernel) - before) / elapsed * 100

            print("1. run A, the kernel idle")
            seconds_a, cues_a, missing_a = report("A", result_a)
            print(f"  kernel CPU while the timer runs: {run_cpu:.3f} % of a core over "
                  f"{elapsed:.1f} s; the same kernel idle, no timer: {idle_cpu:.3f} % "
                  f"over {idle_s:.0f} s")  # fmt: skip

            client = BlockingKernelClient(
                connection_file=str(tmp / "runtime" / f"kernel-{kernel_id}.json")
            )
            client.load_connection_file()
            client.start_channels()
            client.wait_for_ready(timeout=30)
            sent: dict[str, float] = {}

            def busy(timer: str) -> None:
                # 10 s of pure Python in the kernel from 3 s before the end of the left
                # hold: its 3-2-1, its end, the switch and the start of the right hold
                page.wait_for_function(
                    f"() => {{ const i = {timer}.inspect(); return i.index === 1"
                    f" && i.remaining_s < {min(3.0, 25 * args.scale / 2)}; }}",
                    timeout=int(routine_s * 1000 + 30_000),
                )
                sent["at"] = time.monotonic()
                sent["id"] = client.execute(BUSY, silent=True, store_history=False)

            result_b = play(page, "B", routine_s, busy=busy)
            reply = client.get_shell_msg(timeout=60)
            client.stop_channels()
            print("2. run B, a 10 s computation in the kernel from 3 s before the left hold ends")
            seconds_b, cues_b, missing_b = report("B", result_b)
            spans, since = [], None
            for change in result_b["bench"]["pending"]:
                if change["shown"] and since is None:
                    since = change["perf"]
                elif not change["shown"] and since is not None:
                    spans.append((change["perf"] - since) / 1000)
                    since = None
            print("  the page said holds were waiting to be saved: "
                  + (", ".join(f"for {s:.1f} s" for s in spans) or "never"))  # fmt: skip
            print(f"  the computation ended with {reply['content']['status']}")
            browser.close()
            if errors:
                failures.append(f"page errors: {errors}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    out = subprocess.run([sys.executable, "-c", READ_LOG, str(tmp / "data/sessions.sqlite")],
                         capture_output=True, text=True, check=True)  # fmt: skip
    holds = json.loads(out.stdout)
    print("3. the session log, read by a fresh process")
    for person in ("bench-A", "bench-B"):
        mine = [h for h in holds if h["person"] == person]
        text = ", ".join(
            f"{h['side']} {h['actual_s']:.2f} of {h['planned_s']:.2f} s"
            + ("" if h["completed"] else " (not completed)")
            for h in mine
        )
        print(f"  {person}: {len(mine)} holds: {text}")
        if len(mine) != 2 or not all(h["completed"] for h in mine):
            failures.append(f"{person}: the log has {mine}")

    print("load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    # the frames themselves come late on a loaded machine: the page can do no better than
    # the first frame after a deadline, so that is checked too, beside the absolute goal
    beyond = result_a["beyond_frame"] + result_b["beyond_frame"]
    goals = [
        ("each second within 17 ms of its deadline at p95 (run A)", p95(seconds_a) <= 17),
        ("each second within 17 ms of its deadline at p95 (run B, busy)", p95(seconds_b) <= 17),
        ("each second in the first frame after its deadline at p95", p95(beyond) < 4),
        ("no second skipped", not missing_a and not missing_b),
        ("cues within 5 ms on the audio clock", max(cues_a + cues_b) <= 5),
        ("kernel CPU while running at most 0.2 % of a core", run_cpu <= 0.2),
    ]
    print("goals")
    for goal, met in goals:
        print(f"  {'met    ' if met else 'NOT MET'} {goal}")
        if not met:
            failures.append(goal)
    shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("problems: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
