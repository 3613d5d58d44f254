"""The session log shared by threads: any thread may write, and nothing is lost or interleaved."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from backstretch_kit.log import SessionLog

THREADS = 6
HOLDS_EACH = 300

# Counted in a fresh interpreter, so what is checked is what reached the file.
_COUNT = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM holds").fetchone()[0])
print(conn.execute("SELECT count(*) FROM sessions WHERE ended_us IS NOT NULL").fetchone()[0])
print(conn.execute("SELECT count(DISTINCT session_id || '-' || rep) FROM holds").fetchone()[0])
"""


def _fresh_count(path: Path) -> list[int]:
    out = subprocess.run(
        [sys.executable, "-c", _COUNT, str(path)], capture_output=True, text=True, check=True
    )
    return [int(line) for line in out.stdout.split()]


def test_a_log_opened_on_one_thread_records_from_another(tmp_path: Path) -> None:
    """A log opened on the main thread takes a hold and a finish from a worker thread."""
    log = SessionLog(tmp_path / "log.sqlite")
    sid = log.start_session("client A", pain_before=5)
    errors: list[BaseException] = []

    def on_other_thread() -> None:
        try:
            log.record_hold(sid, "sphinx", "both", 1, 30.0, 12.0, completed=False)
            log.finish_session(sid, pain_after=3)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    worker = threading.Thread(target=on_other_thread, name="subshell-like")
    worker.start()
    worker.join()
    assert errors == []
    log.close()
    assert _fresh_count(tmp_path / "log.sqlite") == [1, 1, 1]


def test_many_threads_write_at_once_and_lose_nothing(tmp_path: Path) -> None:
    """Six threads on one SessionLog write 1,800 holds at once: all of them reach the file."""
    path = tmp_path / "log.sqlite"
    log = SessionLog(path)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            sid = log.start_session(f"person {number}")
            start.wait()
            for rep in range(1, HOLDS_EACH + 1):
                log.record_hold(sid, "cat-stretch", "both", rep % 100 + 1, 10.0, 10.0)
                if rep % 50 == 0:  # readers interleaved with the writers
                    assert len(log.holds(f"person {number}")) == rep
            log.finish_session(sid, pain_after=1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    log.close()
    holds, finished, _distinct = _fresh_count(path)
    assert holds == THREADS * HOLDS_EACH
    assert finished == THREADS


def test_a_failed_write_on_one_thread_leaves_no_open_transaction(tmp_path: Path) -> None:
    """A refused hold on one thread rolls back whole; the next thread's write still lands."""
    log = SessionLog(tmp_path / "log.sqlite")
    sid = log.start_session("client B")
    log.finish_session(sid)
    outcome: list[str] = []

    def late_hold() -> None:
        try:
            log.record_hold(sid, "sphinx", "both", 1, 30.0, 30.0)
        except ValueError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=late_hold)
    worker.start()
    worker.join()
    assert outcome and "finished" in outcome[0]
    other = log.start_session("client C")
    log.record_hold(other, "sphinx", "both", 1, 30.0, 30.0)
    log.close()
    assert _fresh_count(tmp_path / "log.sqlite")[0] == 1
