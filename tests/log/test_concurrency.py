"""The session log under real concurrency and real crashes: separate processes, one file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from backstretch_kit.log import SessionLog, _schema

REPO = Path(__file__).resolve().parents[2]

WRITERS = 4
HOLDS_EACH = 1_000  # each writer's transactions interleave with the others' from the first

# Each writer opens the log (creating it if it is the first), waits for the
# start signal so all four write at once, then records its holds.
_WRITER = """
import sys, time
from pathlib import Path
from backstretch_kit.log import SessionLog

path, person, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
count = int(sys.argv[4])
log = SessionLog(path)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
sid = log.start_session(person)
for rep in range(count):
    log.record_hold(sid, "sphinx", "both", 1 + rep % 4, 30.0, 29.5)
log.finish_session(sid, pain_after=2)
log.close()
print("done", sid, flush=True)
"""

# Prints each hold id only after record_hold returned, i.e. after the commit.
_CRASHER = """
import sys
from backstretch_kit.log import SessionLog

log = SessionLog(sys.argv[1])
sid = log.start_session("crash test")
print("session", sid, flush=True)
rep = 0
while True:
    rep += 1
    hold_id = log.record_hold(sid, "cat-stretch", "both", 1 + rep % 4, 30.0, 30.0)
    print(hold_id, flush=True)
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_four_processes_write_at_once_and_lose_nothing(tmp_path: Path) -> None:
    """4 processes x 2,000 holds into one new file: 8,000 rows, no error, totals consistent."""
    path, go = tmp_path / "shared.sqlite", tmp_path / "go"
    writers = [
        _python(_WRITER, str(path), f"writer {i}", str(go), str(HOLDS_EACH)) for i in range(WRITERS)
    ]
    for writer in writers:  # all have opened (and raced to create) the file
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
    started = time.perf_counter()
    go.touch()
    results = [writer.communicate(timeout=120) for writer in writers]
    elapsed = time.perf_counter() - started
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert "locked" not in err.lower() and "busy" not in err.lower()
        assert out.startswith("done")
    print(f"\n{WRITERS} writers x {HOLDS_EACH} holds: {elapsed:.2f} s")

    with SessionLog(path) as log:
        holds = log.holds()
        assert len(holds) == WRITERS * HOLDS_EACH
        assert holds["hold_id"].is_unique
        assert holds.groupby("person").size().to_dict() == {
            f"writer {i}": HOLDS_EACH for i in range(WRITERS)
        }
        assert log.sessions()["ended_at"].notna().all()
        assert log.daily_totals()["seconds"].sum() == WRITERS * HOLDS_EACH * 29.5


def test_sigkill_mid_write_keeps_every_acknowledged_record(tmp_path: Path) -> None:
    """A writer killed with SIGKILL leaves a sound file holding every hold it reported as saved."""
    path = tmp_path / "crash.sqlite"
    child = _python(_CRASHER, str(path))
    first = child.stdout.readline().split()
    assert first[:1] == ["session"], child.stderr.read()
    acknowledged = []
    while len(acknowledged) < 500:
        line = child.stdout.readline()
        assert line, child.stderr.read()
        acknowledged.append(int(line))
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    # Read through the same buffered stream as above: communicate() would read the pipe
    # itself and miss ids already in this stream's buffer (then "504 stored, 501 acked").
    out = child.stdout.read()
    child.stdout.close()
    child.stderr.close()
    # Ids printed between our last read and the kill were acknowledged too.
    acknowledged += [int(line) for line in out.split() if line.strip().isdigit()]
    assert child.returncode == -signal.SIGKILL

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {row[0] for row in conn.execute("SELECT hold_id FROM holds")}
        assert set(acknowledged) <= stored
        assert len(stored) - len(acknowledged) <= 1  # at most the one being acknowledged
        totals = conn.execute("SELECT * FROM daily_totals ORDER BY 1, 2, 4").fetchall()
        conn.execute("BEGIN")
        _schema.rebuild_totals(conn)
        assert conn.execute("SELECT * FROM daily_totals ORDER BY 1, 2, 4").fetchall() == totals
        conn.execute("ROLLBACK")
    finally:
        conn.close()

    with SessionLog(path) as log:  # and the log opens and carries on
        sid = int(first[1])
        log.record_hold(sid, "cat-stretch", "both", 1, 30.0, 30.0)
        assert len(log.holds()) == len(stored) + 1
