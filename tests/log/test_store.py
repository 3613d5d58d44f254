"""The log's file and store: where it lives, owner-only, refusals, sharing, closing, forgetting."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit.log import LogError, SessionLog, _store

from .records import T0, file_state, fill


@pytest.fixture
def log(sqlite_log: SessionLog) -> SessionLog:
    """These tests are about the SQLite file and its journal."""
    return sqlite_log


REPO = Path(__file__).resolve().parents[2]


def test_new_file_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    """An explicit path is created 0o600, and so are SQLite's -wal and -shm beside it."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        log.log_activity("me", "sphinx", 60)
        for name in ("log.sqlite", "log.sqlite-wal", "log.sqlite-shm"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


@pytest.mark.parametrize(
    ("variable", "folder", "expected"),
    [
        ("XDG_DATA_HOME", "data-home", "data-home/backstretch-kit"),
        ("BACKSTRETCH_DATA_DIR", "override", "override"),
    ],
    ids=["user data folder", "BACKSTRETCH_DATA_DIR"],
)
def test_default_location_is_owner_only_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, folder: str, expected: str
) -> None:
    """With no path the log lives in the data folder (BACKSTRETCH_DATA_DIR moves it), owner-only."""
    monkeypatch.delenv("BACKSTRETCH_DATA_DIR", raising=False)
    monkeypatch.setenv(variable, str(tmp_path / folder))
    with SessionLog() as log:
        assert log.path == tmp_path / expected / "sessions.sqlite"
        assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
        log.log_activity("me", "sphinx", 60)
    with SessionLog() as again:
        assert again.people() == ["me"]


def _plain_file(folder: Path) -> Path:
    (folder / "plain-file").write_text("not a folder")
    return folder / "plain-file" / "log.sqlite"


@pytest.mark.parametrize(
    ("place", "message"),
    [
        (lambda folder: folder / "no-such-folder" / "log.sqlite", "no-such-folder.*does not exist"),
        # the unwritable-place case that works even as root, where chmod does not stop writes
        (_plain_file, "plain-file is not a folder"),
    ],
    ids=["missing folder", "folder that is a file"],
)
def test_folder_that_cannot_hold_a_log_is_named(tmp_path: Path, place, message: str) -> None:
    """A path in a folder that does not exist, or 'inside' a file, gives LogError naming it."""
    target = place(tmp_path)
    with pytest.raises(LogError, match=message):
        SessionLog(target)
    assert not target.parent.is_dir()  # nothing was created in its place


def _open_as_nobody(target: Path) -> str:
    """Try to open a log in a forked child (as 'nobody' when we are root); return its outcome."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        outcome = "opened"
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            SessionLog(target).close()
        except LogError as exc:
            outcome = f"LogError: {exc}"
        except BaseException as exc:  # reported to the parent, which fails the test
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            os.write(write_end, outcome.encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        outcome = pipe.read().decode()
    os.waitpid(pid, 0)
    return outcome


def test_read_only_folder_is_named() -> None:
    """A folder with mode 0o500 gives LogError naming it, and no file appears.

    Root ignores permission bits, so as root the attempt runs in a forked child
    that has dropped to the unprivileged user 'nobody' (uid 65534) first.
    """
    with tempfile.TemporaryDirectory() as base:
        os.chmod(base, 0o755)  # let 'nobody' reach the folder
        folder = Path(base) / "read-only"
        folder.mkdir()
        target = folder / "log.sqlite"
        if os.geteuid() == 0:
            os.chown(folder, 65534, 65534)
        os.chmod(folder, 0o500)
        try:
            outcome = _open_as_nobody(target)
        finally:
            os.chmod(folder, 0o700)
        assert outcome.startswith("LogError:"), outcome
        assert f"folder {folder} is read-only" in outcome
        assert not target.exists()


def _other_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.close()


def _newer_log(path: Path) -> None:
    with SessionLog(path) as log:
        log.log_activity("me", "sphinx", 60)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("person,minutes\nme,5\n"), "not an SQLite file"),
        (lambda p: p.write_bytes(b"SQLite"), "not an SQLite file"),
        (lambda p: p.write_bytes(bytes(4096)), "not a database"),
        (_other_sqlite, "another program"),
        (_newer_log, "newer backstretch-kit"),
    ],
    ids=["text file", "short text file", "zeros", "other sqlite db", "newer log"],
)
def test_foreign_or_newer_file_is_refused_untouched(tmp_path: Path, make, message: str) -> None:
    """Files that are not this log (or a newer one) raise LogError and are not modified."""
    folder = tmp_path / "files"
    folder.mkdir()
    target = folder / "log.sqlite"
    make(target)
    before = file_state(folder)
    with pytest.raises(LogError, match=message):
        SessionLog(target)
    assert file_state(folder) == before


def test_empty_sqlite_file_becomes_a_log(tmp_path: Path) -> None:
    """A zero-byte file (as `touch` leaves) is taken as a new, empty log."""
    path = tmp_path / "log.sqlite"
    path.touch()
    with SessionLog(path) as log:
        log.log_activity("me", "sphinx", 60)
        assert log.people() == ["me"]


def test_closed_log_refuses_work(tmp_path: Path) -> None:
    """A closed log says so instead of failing obscurely; closing twice is fine."""
    log = SessionLog(tmp_path / "log.sqlite")
    log.close()
    log.close()
    with pytest.raises(LogError, match="closed"):
        log.sessions()


def test_forget_person_removes_everything_about_them_only(log: SessionLog) -> None:
    """Forgetting one person deletes their rows and leaves no trace of them in the file."""
    fill(log)
    secret = "Unique-Pseudonym-4711"
    sid = log.start_session(secret, notes="private remark 9f3c", started_at=T0)
    log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=T0)
    kept_sessions, kept_holds = log.sessions("client B"), log.holds("client B")

    assert log.forget_person(secret) == {"sessions": 1, "holds": 1}
    assert secret not in log.people()
    assert log.sessions(secret).empty and log.holds(secret).empty
    assert secret not in set(log.daily_totals()["person"])
    pd.testing.assert_frame_equal(log.sessions("client B"), kept_sessions)
    pd.testing.assert_frame_equal(log.holds("client B"), kept_holds)
    raw = b"".join(p.read_bytes() for p in log.path.parent.iterdir() if p.is_file())
    assert secret.encode() not in raw and b"private remark 9f3c" not in raw


# A reader in another program: opens the log, reads inside a transaction it
# keeps open until told (or for a given time), then ends it and closes.
_READER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM sessions").fetchone()
print("reading", flush=True)
if sys.argv[2] == "until told":
    sys.stdin.readline()
else:
    time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""

# Which files of a folder hold a string, looked at from a fresh process (opening
# the log's files here would drop this process's SQLite locks on them).
_HOLDING = """
import json, sys
from pathlib import Path
needles = [n.encode() for n in sys.argv[2:]]
print(json.dumps(sorted(p.name for p in Path(sys.argv[1]).iterdir()
                        if p.is_file() and any(n in p.read_bytes() for n in needles))))
"""


def _python(code: str, *args: str, **options) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], text=True, env=env, stdout=subprocess.PIPE, **options
    )


def _files_holding(folder: Path, *needles: str) -> list[str]:
    out, _ = _python(_HOLDING, str(folder), *needles).communicate(timeout=60)
    return json.loads(out)


def _with_a_secret(log: SessionLog) -> str:
    fill(log)
    secret = "Unique-Pseudonym-5150"
    sid = log.start_session(secret, notes="private remark 77aa", started_at=T0)
    log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=T0)
    return secret


def test_forget_while_another_program_reads_says_so_and_can_finish(
    log: SessionLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader holding a transaction keeps the journal full: forget says so, then finishes."""
    monkeypatch.setattr(_store, "FORGET_WAIT_S", 1.0, raising=False)
    secret = _with_a_secret(log)
    reader = _python(_READER, str(log.path), "until told", stdin=subprocess.PIPE)
    assert reader.stdout.readline().strip() == "reading"
    started = time.monotonic()
    with pytest.raises(LogError) as unfinished:
        log.forget_person(secret)
    waited = time.monotonic() - started
    message = str(unfinished.value)
    assert f"{secret!r} was deleted" in message and "another program kept reading" in message
    assert f"call forget_person({secret!r}) again" in message
    assert 1.0 <= waited < 4.0  # the bounded wait, then the plain answer
    assert secret not in log.people()
    assert _files_holding(log.path.parent, secret)  # what the message says is true

    reader.communicate("done\n", timeout=60)  # the other program finishes its read
    assert log.forget_person(secret) == {"sessions": 0, "holds": 0}
    assert _files_holding(log.path.parent, secret, "private remark 77aa") == []


def test_forget_waits_for_a_short_read_to_end(log: SessionLog) -> None:
    """A read that ends within the wait delays forget_person, which then leaves no trace."""
    secret = _with_a_secret(log)
    reader = _python(_READER, str(log.path), "0.5")
    assert reader.stdout.readline().strip() == "reading"
    assert log.forget_person(secret) == {"sessions": 1, "holds": 1}
    reader.communicate(timeout=60)
    assert _files_holding(log.path.parent, secret, "private remark 77aa") == []


_COUNT_HOLDS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT count(*) FROM holds").fetchone()[0])
conn.close()
"""


def _holds_seen_from_outside(path: Path) -> int:
    out, _ = _python(_COUNT_HOLDS, str(path)).communicate(timeout=60)
    return int(out)


def test_two_logs_on_one_file_closing_one_never_loses_the_others_holds(tmp_path: Path) -> None:
    """Two SessionLogs on one file (one by a symlink) write; one closes; all reach the file."""
    path = tmp_path / "log.sqlite"
    (tmp_path / "alias.sqlite").symlink_to(path)
    first = SessionLog(path)
    mine = first.start_session("client A")
    first.record_hold(mine, "sphinx", "both", 1, 30, 30)
    second = SessionLog(tmp_path / "alias.sqlite")  # opened while the first is in use
    theirs = second.start_session("client B")
    for rep in range(1, 4):
        first.record_hold(mine, "sphinx", "both", rep + 1, 30, 30)
        second.record_hold(theirs, "sphinx", "both", rep, 30, 30)
    first.close()
    # Another program looks at the log: it must not take the file for unused
    # (and checkpoint it and delete its journal) while `second` still writes.
    assert _holds_seen_from_outside(path) == 7
    for rep in range(4, 7):
        second.record_hold(theirs, "sphinx", "both", rep, 30, 30)
    assert _holds_seen_from_outside(path) == 10  # every acknowledged hold, with second open
    with pytest.raises(LogError, match="closed"):
        first.holds()
    assert len(second.holds()) == 10
    second.close()
    assert _holds_seen_from_outside(path) == 10


def test_the_shared_file_closes_with_the_last_log_even_one_left_unclosed(tmp_path: Path) -> None:
    """The file stays open while any SessionLog on it lives; dropping the last one closes it."""
    path = tmp_path / "log.sqlite"
    first, second = SessionLog(path), SessionLog(path)
    first.log_activity("me", "sphinx", 60)
    journal = tmp_path / "log.sqlite-wal"
    first.close()
    assert journal.exists() and len(second.sessions()) == 1  # second still has it open
    del second
    gc.collect()
    assert not journal.exists()  # SQLite's last close checkpointed and removed the journal
    with SessionLog(path) as again:
        assert len(again.sessions()) == 1
