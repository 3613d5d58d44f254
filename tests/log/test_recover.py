"""Recovering a damaged log: every readable record saved in a new log, the damaged one untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit.log import LogError, SessionLog, _schema, recover

from .records import damage_page, dump, file_state, table_leaves, thirty_sessions


def _damaged_log(folder: Path) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    """A log of 30 sessions with one holds page in the middle damaged, and its frames before."""
    path = folder / "log.sqlite"
    thirty_sessions(path)
    with SessionLog(path) as log:
        sessions, holds = log.sessions(), log.holds()
    leaves = table_leaves(path, "holds")
    damage_page(path, leaves[len(leaves) // 2])
    return path, sessions, holds


def test_recover_saves_what_can_be_read_and_says_what_was_lost(tmp_path: Path) -> None:
    """One damaged holds page: every other record is saved exactly; the lost ones are named."""
    path, sessions, holds = _damaged_log(tmp_path)
    before = file_state(tmp_path)
    new = tmp_path / "recovered.sqlite"

    report = recover(path, new)

    after = file_state(tmp_path)
    assert after.pop("recovered.sqlite") and after == before  # the damaged file, byte for byte
    with SessionLog(new) as log:  # opens: the new file passes SQLite's check
        pd.testing.assert_frame_equal(log.sessions(), sessions)
        saved = log.holds()
    lost = holds[~holds["hold_id"].isin(saved["hold_id"])]
    assert 0 < len(lost) <= 60  # one page of holds
    kept = holds[holds["hold_id"].isin(saved["hold_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(saved.reset_index(drop=True), kept)
    assert report.saved == {"people": 3, "sessions": 30, "holds": len(saved)}
    ids, of = lost["hold_id"], sorted(set(lost["session_id"]))
    assert ids.tolist() == list(range(ids.min(), ids.max() + 1))
    lines = "\n".join(report.lines())
    assert f"Lost: {len(lost)} holds on damaged pages (ids {ids.min()}-{ids.max()})" in lines
    assert f"of sessions {of[0]}-{of[-1]}" in lines
    assert f"{path} was left exactly as it was." in lines

    rows = dump(new)  # totals were rebuilt from the saved holds, not copied
    with sqlite3.connect(new) as conn:
        _schema.rebuild_totals(conn)
        for table in ("daily_totals", "weekly_totals"):
            assert conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == rows[table]
    conn.close()


def test_recover_of_a_sound_log_copies_it_whole(tmp_path: Path) -> None:
    """A log with no damage is copied entirely, with the same ids, and nothing is reported lost."""
    path = tmp_path / "log.sqlite"
    thirty_sessions(path)
    report = recover(path, tmp_path / "copy.sqlite")
    assert report.problems == ["ok"] and report.lost == []
    assert dump(tmp_path / "copy.sqlite") == dump(path)


def test_recover_refuses_an_existing_target_and_other_files(tmp_path: Path) -> None:
    """NEW must be a new file, DAMAGED a session log: else LogError, and no file is changed."""
    path, _, _ = _damaged_log(tmp_path)
    (tmp_path / "taken.sqlite").write_bytes(b"precious")
    (tmp_path / "notes.txt").write_text("not a log")
    before = file_state(tmp_path)
    with pytest.raises(LogError, match="exists already"):
        recover(path, tmp_path / "taken.sqlite")
    with pytest.raises(LogError, match="exists already"):
        recover(path, path)
    with pytest.raises(LogError, match="no such file"):
        recover(tmp_path / "missing.sqlite", tmp_path / "new.sqlite")
    with pytest.raises(LogError, match="cannot recover"):
        recover(tmp_path / "notes.txt", tmp_path / "new.sqlite")
    assert file_state(tmp_path) == before
