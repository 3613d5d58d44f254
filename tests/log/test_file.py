"""The log's file when it is damaged or its disk is full: refused or stopped, in plain words."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backstretch_kit.log import LogError, SessionLog

from .records import T0, damage_page, file_state, table_leaves, thirty_sessions


@pytest.fixture
def log(sqlite_log: SessionLog) -> SessionLog:
    """These tests are about the SQLite file itself."""
    return sqlite_log


REPO = Path(__file__).resolve().parents[2]


def test_a_damaged_log_is_refused_untouched_with_the_way_to_recover(tmp_path: Path) -> None:
    """A log with a damaged holds page is refused at open, says how to recover, stays as it was."""
    path = tmp_path / "log.sqlite"
    thirty_sessions(path)
    leaves = table_leaves(path, "holds")
    damage_page(path, leaves[len(leaves) // 2])
    before = file_state(tmp_path)
    with pytest.raises(LogError) as refused:
        SessionLog(path)
    message = str(refused.value)
    assert f"session log {path} is damaged" in message
    assert "Nothing was read from it or written to it" in message
    assert f"backstretch recover {path} NEW.sqlite" in message
    assert file_state(tmp_path) == before  # not one byte, nor a side file, changed


def test_a_damaged_sessions_page_is_refused_too(tmp_path: Path) -> None:
    """Damage to the sessions table (which read back as too few sessions before) is refused."""
    path = tmp_path / "log.sqlite"
    thirty_sessions(path)
    damage_page(path, table_leaves(path, "sessions")[0], count=24)
    with pytest.raises(LogError, match="is damaged"):
        SessionLog(path)


def _fill_until_full(log: SessionLog) -> tuple[int, LogError]:
    """Write sessions with long notes until the log refuses one; return how many were saved."""
    for saved in range(10_000):
        try:
            log.start_session("me", started_at=T0, notes=f"day {saved} " + "x" * 9_000)
        except LogError as exc:
            return saved, exc
    raise AssertionError("the log never filled up")


def test_a_full_database_says_the_disk_is_full_and_writes_nothing(log: SessionLog) -> None:
    """SQLITE_FULL (here from max_page_count): 'the disk is full', the failed write left nothing."""
    log.start_session("me", started_at=T0)
    pages = log._store.read("PRAGMA page_count")[0][0]
    log._store.read(f"PRAGMA max_page_count = {pages + 8}")
    saved, error = _fill_until_full(log)
    message = str(error)
    assert "the disk is full" in message and "nothing was written" in message
    assert f"Free some space on the disk that holds {log.path.parent}" in message
    assert len(log.sessions()) == saved + 1  # every acknowledged session, nothing half-written
    log._store.read("PRAGMA max_page_count = 1073741823")  # space again: the log carries on
    log.start_session("me", started_at=T0, notes="after")
    assert len(log.sessions()) == saved + 2


# Run in a private mount namespace, so the small disk disappears with the process.
_ON_A_SMALL_DISK = """
import json, os, subprocess, sys
from pathlib import Path
small, tiny = Path(sys.argv[1]), Path(sys.argv[2])
for folder, options in ((small, "size=1m"), (tiny, "size=1m,nr_inodes=2")):
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        print("NO MOUNT", done.stderr.strip())
        sys.exit(77)
from backstretch_kit.log import LogError, SessionLog

def refused(call):
    try:
        call()
    except LogError as exc:
        return str(exc)
    return None

def fill(path):
    handle = open(path, "wb", buffering=0)  # unbuffered: close has nothing left to write
    try:
        while True:
            handle.write(bytes(1024))
    except OSError:
        pass
    finally:
        handle.close()

out = {}
path = small / "log.sqlite"
log = SessionLog(path)
sid = log.start_session("me")
acknowledged = 0
while True:
    error = refused(lambda: log.record_hold(sid, "sphinx", "both", 1, 30.0, 30.0))
    if error:
        out["writing"] = error
        break
    acknowledged += 1
out["acknowledged"], out["kept"] = acknowledged, len(log.holds())
log.close()
fill(small / "filler")
out["opening"] = refused(lambda: SessionLog(path).close())
(small / "filler").unlink()
with SessionLog(path) as log:
    out["kept after"] = len(log.holds())
(tiny / "other").touch()  # the last free inode
out["creating"] = refused(lambda: SessionLog(tiny / "new.sqlite").close())
print(json.dumps(out))
"""


def _unshare() -> list[str]:
    if os.geteuid() == 0:
        return ["unshare", "--mount"]
    return ["unshare", "--user", "--map-root-user", "--mount"]


def test_a_real_full_disk_says_the_disk_is_full(tmp_path: Path) -> None:
    """On a 1 MB tmpfs: writing, opening and creating a log on a full disk all say it is full.

    Opening an existing log on a full disk is where SQLite says "disk I/O
    error" (it cannot grow the -shm file). Needs a private mount namespace
    (root, or user namespaces); skipped where there is none, except on CI.
    """
    small, tiny = tmp_path / "small", tmp_path / "tiny"
    small.mkdir()
    tiny.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [*_unshare(), sys.executable, "-c", _ON_A_SMALL_DISK, str(small), str(tiny)]
    if shutil.which("unshare") is None:
        done = None
        reason = "no unshare command to make a private mount namespace"
    else:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        reason = f"cannot mount a small tmpfs here: {done.stderr.strip() or done.stdout.strip()}"
    if done is None or (done.returncode != 0 and not done.stdout.startswith("{")):
        if done is not None and "Traceback" in done.stderr:
            pytest.fail(done.stderr)
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for case in ("writing", "opening", "creating"):
        assert out[case] is not None and "the disk is full" in out[case], (case, out[case])
    assert "nothing was written" in out["writing"]
    assert "disk I/O error" in out["opening"]  # what SQLite said, now explained
    assert out["acknowledged"] == out["kept"] == out["kept after"] > 0


_DAMAGE = """
import sys
from pathlib import Path
from tests.log.records import damage_page, table_leaves
path = Path(sys.argv[1])
leaves = table_leaves(path, "holds")
damage_page(path, leaves[len(leaves) // 2])
"""


def test_damage_found_while_open_stops_the_log(tmp_path: Path) -> None:
    """Damage that appears after the open: the read that meets it and every later call refuse."""
    path = tmp_path / "log.sqlite"
    thirty_sessions(path)
    log = SessionLog(path)
    log._store.read("PRAGMA cache_size = 1")  # so the next read goes to the file
    # Damaged by another process: opening the file here would drop this process's locks.
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", _DAMAGE, str(path)], check=True, env=env, cwd=REPO)
    stopped = r"is damaged .*This call wrote nothing.*backstretch recover"
    with pytest.raises(LogError, match=stopped):
        log.holds()
    with pytest.raises(LogError, match="is damaged"):
        log.start_session("client 0", started_at=T0)  # refused before it is tried
    log.close()
    with pytest.raises(LogError, match="is damaged"):
        SessionLog(path)
