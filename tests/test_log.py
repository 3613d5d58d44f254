"""The session log: round trips, bad input, upgrades, foreign files, permissions, CSV."""

from __future__ import annotations

import csv
import os
import sqlite3
import stat
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import backstretch_kit as bk
from backstretch_kit import _schema
from backstretch_kit.log import LogError, SessionLog
from backstretch_kit.vocab import BODY_AREAS

REPO = Path(__file__).resolve().parents[1]
PLUS2 = timezone(timedelta(hours=2))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=PLUS2)  # a Monday morning, UTC+2


class FakeRoutine:
    """Quacks like backstretch_kit.routine.Routine for the log's purposes."""

    name = "lower back basics"

    def to_dict(self) -> dict:
        return {"name": self.name, "items": [{"stretch_id": "knee-to-chest", "hold_s": 30.0}]}


@pytest.fixture
def log(tmp_path: Path):
    with SessionLog(tmp_path / "log.sqlite") as opened:
        yield opened


def fill(log: SessionLog) -> dict[str, int]:
    """A small realistic log: a finished routine session, an open one, an ad-hoc entry."""
    first = log.start_session("client A", FakeRoutine(), pain_before=5, started_at=T0)
    for rep in (1, 2):
        for side in ("left", "right"):
            log.record_hold(
                first,
                "single-knee-to-chest",
                side,
                rep,
                30,
                28.25,
                started_at=T0 + timedelta(minutes=rep),
            )
    log.record_hold(
        first, "no-longer-in-catalog", "both", 1, 20, 4.5, False, T0 + timedelta(minutes=5)
    )
    log.finish_session(first, pain_after=3, notes="felt looser", ended_at=T0 + timedelta(minutes=9))
    second = log.start_session("client B", "desk break", started_at=T0 + timedelta(days=8))
    log.record_hold(
        second, "chin-tuck", "both", 1, 15, 15, started_at=T0 + timedelta(days=8, seconds=5)
    )
    adhoc = log.log_activity("client A", "seated-forward-bend", 120, when=T0 + timedelta(days=1))
    return {"first": first, "second": second, "adhoc": adhoc}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate connection."""
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in _schema.TABLES
        }


def file_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of every file in a folder."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# --------------------------------------------------------------------------- round trips


def test_sessions_round_trip_values_and_dtypes(log: SessionLog) -> None:
    """What goes in comes back with tz-aware times, float pains and the documented columns."""
    ids = fill(log)
    sessions = log.sessions()
    assert list(sessions.columns) == [
        "session_id", "person", "routine_name", "kind", "started_at", "ended_at",
        "pain_before", "pain_after", "notes",
    ]  # fmt: skip
    assert str(sessions["started_at"].dtype) == "datetime64[us, UTC]"
    assert str(sessions["ended_at"].dtype) == "datetime64[us, UTC]"
    assert sessions["pain_before"].dtype == np.float64
    first = sessions.set_index("session_id").loc[ids["first"]]
    assert first["person"] == "client A"
    assert first["routine_name"] == "lower back basics"
    assert first["kind"] == "routine"
    assert first["started_at"] == pd.Timestamp(T0)
    assert first["ended_at"] == pd.Timestamp(T0 + timedelta(minutes=9))
    assert (first["pain_before"], first["pain_after"]) == (5.0, 3.0)
    assert first["notes"] == "felt looser"
    second = sessions.set_index("session_id").loc[ids["second"]]
    assert pd.isna(second["ended_at"]) and np.isnan(second["pain_before"])
    assert second["routine_name"] == "desk break"
    assert log.routine_snapshot(ids["first"]) == FakeRoutine().to_dict()
    assert log.routine_snapshot(ids["second"]) is None


def test_holds_round_trip_values_and_dtypes(log: SessionLog) -> None:
    """Holds come back in time order with catalog areas as an ordered categorical."""
    fill(log)
    holds = log.holds()
    assert list(holds.columns) == [
        "hold_id", "session_id", "person", "stretch_id", "name", "body_area", "side", "rep",
        "planned_s", "actual_s", "completed", "started_at",
    ]  # fmt: skip
    assert len(holds) == 7
    assert holds["started_at"].is_monotonic_increasing
    assert str(holds["started_at"].dtype) == "datetime64[us, UTC]"
    assert holds["body_area"].dtype == pd.CategoricalDtype(list(BODY_AREAS), ordered=True)
    assert holds["completed"].dtype == bool and holds["rep"].dtype == np.int64
    knee = holds[holds["stretch_id"] == "single-knee-to-chest"]
    assert set(knee["body_area"]) == {"lower back"} and set(knee["actual_s"]) == {28.25}
    assert knee["name"].iloc[0] == bk.load_stretches().loc["single-knee-to-chest", "name"]
    gone = holds[holds["stretch_id"] == "no-longer-in-catalog"].iloc[0]
    assert pd.isna(gone["body_area"]) and pd.isna(gone["name"]) and not gone["completed"]


def test_real_routine_snapshot_rebuilds_the_routine(log: SessionLog) -> None:
    """A real Routine is stored by name with a snapshot that rebuilds the same routine."""
    from backstretch_kit._data import data_path
    from backstretch_kit.routine import Routine, load_routine

    routine = load_routine(data_path("routines", "lower-back.json"))
    sid = log.start_session("me", routine, started_at=T0)
    assert log.sessions()["routine_name"].tolist() == [routine.name]
    assert Routine.from_dict(log.routine_snapshot(sid)).to_dict() == routine.to_dict()


def test_log_activity_is_a_finished_one_hold_ad_hoc_session(log: SessionLog) -> None:
    """An ad-hoc entry becomes a finished session of kind 'ad hoc' with one full hold."""
    when = datetime(2026, 5, 1, 18, 0, tzinfo=PLUS2)
    sid = log.log_activity("me", "seated-forward-bend", 120, when=when, notes="after work")
    session = log.sessions().iloc[0]
    assert (session["session_id"], session["kind"], session["notes"]) == (
        sid,
        "ad hoc",
        "after work",
    )
    assert session["ended_at"] - session["started_at"] == pd.Timedelta(seconds=120)
    hold = log.holds().iloc[0]
    assert (hold["actual_s"], hold["planned_s"], hold["side"], bool(hold["completed"])) == (
        120.0, 120.0, "both", True,
    )  # fmt: skip
    with pytest.raises(LogError, match="finished"):
        log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=when)


def test_default_log_activity_time_is_just_ended(log: SessionLog) -> None:
    """Without `when`, an activity is taken to have just ended."""
    before = pd.Timestamp.now(tz="UTC")
    log.log_activity("me", "sphinx", 60)
    started = log.sessions()["started_at"].iloc[0]
    assert before - pd.Timedelta(seconds=61) <= started <= pd.Timestamp.now(tz="UTC")


def test_readers_filter_by_person_and_range(log: SessionLog) -> None:
    """person, start (inclusive) and end (exclusive) narrow every reader."""
    ids = fill(log)
    assert set(log.sessions("client B")["session_id"]) == {ids["second"]}
    assert set(log.holds(person="client B")["stretch_id"]) == {"chin-tuck"}
    later = log.sessions(start=T0 + timedelta(minutes=1))
    assert set(later["session_id"]) == {ids["second"], ids["adhoc"]}
    assert set(log.sessions(end=T0 + timedelta(days=1))["session_id"]) == {ids["first"]}
    assert len(log.holds(start=T0, end=T0 + timedelta(minutes=2))) == 2
    assert set(log.holds(start="2026-03-03", end="2026-03-04")["stretch_id"]) == {
        "seated-forward-bend"
    }
    assert set(log.daily_totals(start=date(2026, 3, 10))["person"]) == {"client B"}
    assert log.sessions("nobody").empty and log.holds("nobody").empty


def test_empty_log_readers_keep_their_shape(log: SessionLog) -> None:
    """An empty log gives empty frames with the same columns and dtypes."""
    assert log.people() == []
    assert str(log.sessions()["started_at"].dtype) == "datetime64[us, UTC]"
    assert log.holds()["body_area"].dtype == pd.CategoricalDtype(list(BODY_AREAS), ordered=True)
    assert list(log.daily_totals().columns) == ["day", "person", "body_area", "seconds"]
    weekly = log.weekly_minutes()
    assert weekly.empty and list(weekly.columns) == list(BODY_AREAS)


# --------------------------------------------------------------------------- totals


def test_daily_totals_count_the_local_calendar_day(log: SessionLog) -> None:
    """A hold at 00:30 local (still yesterday in UTC) counts for the local date."""
    late = datetime(2026, 3, 1, 0, 30, tzinfo=PLUS2)  # 2026-02-28 22:30 UTC
    log.log_activity("me", "sphinx", 90, when=late)
    totals = log.daily_totals()
    assert totals["day"].tolist() == [pd.Timestamp("2026-03-01")]
    assert totals["seconds"].tolist() == [90.0]
    assert totals["body_area"].tolist() == ["lower back"]


def test_daily_totals_and_weekly_minutes_agree_with_the_holds(log: SessionLog) -> None:
    """Summaries kept hold by hold equal a pandas summary of holds() on the same data."""
    rng = np.random.default_rng(7)
    catalog = bk.load_stretches()
    stretch_ids = list(catalog.index[:20])
    sid = log.start_session("me", started_at=T0)
    for i in range(150):
        when = T0 + timedelta(hours=int(rng.integers(0, 24 * 40)), minutes=i % 60)
        log.record_hold(
            sid, str(rng.choice(stretch_ids)), "both", 1, 30, float(rng.uniform(0, 60)), True, when
        )
    holds = log.holds()
    holds["day"] = holds["started_at"].dt.tz_convert(PLUS2).dt.tz_localize(None).dt.normalize()
    expected = holds.groupby(["day", "person", "body_area"], observed=True)["actual_s"].sum()
    got = log.daily_totals().set_index(["day", "person", "body_area"])["seconds"]
    pd.testing.assert_series_equal(got, expected, check_names=False, check_index_type=False)

    weekly = log.weekly_minutes()
    assert list(weekly.columns) == list(BODY_AREAS)
    assert (weekly.index.day_of_week == 0).all() and (np.diff(weekly.index.asi8) > 0).all()
    holds["week"] = holds["day"] - pd.to_timedelta(holds["day"].dt.day_of_week, unit="D")
    by_week = holds.pivot_table(
        index="week", columns="body_area", values="actual_s", aggfunc="sum", observed=False
    )
    by_week = by_week.reindex(index=weekly.index, columns=list(BODY_AREAS)).fillna(0) / 60
    # Totals are kept in whole microseconds: at most 0.5 us off per hold.
    np.testing.assert_allclose(
        weekly.to_numpy(), by_week.to_numpy(), rtol=0, atol=150 * 0.5e-6 / 60
    )


def test_weekly_minutes_fills_empty_weeks_and_respects_bounds(log: SessionLog) -> None:
    """Weeks with nothing logged inside the range appear as zeros; the range trims."""
    log.log_activity("me", "sphinx", 60, when=datetime(2026, 3, 4, 9, tzinfo=PLUS2))
    log.log_activity("me", "chin-tuck", 120, when=datetime(2026, 3, 25, 9, tzinfo=PLUS2))
    weekly = log.weekly_minutes("me")
    assert weekly.index.tolist() == [
        pd.Timestamp(d) for d in ("2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23")
    ]
    assert weekly.loc["2026-03-02", "lower back"] == 1.0
    assert weekly.loc["2026-03-23", "neck"] == 2.0
    assert weekly.loc["2026-03-16"].sum() == 0.0
    trimmed = log.weekly_minutes("me", start=date(2026, 3, 9), end=date(2026, 3, 30))
    assert trimmed.index[0] == pd.Timestamp("2026-03-09") and trimmed["lower back"].sum() == 0


def test_stretch_missing_from_catalog_keeps_its_time_without_an_area(log: SessionLog) -> None:
    """A stretch id the catalog no longer knows shows as NaN area daily, and not by week."""
    log.log_activity("me", "retired-stretch", 300, when=T0)
    log.log_activity("me", "sphinx", 60, when=pd.Timestamp(T0))  # pandas timestamps work too
    totals = log.daily_totals()
    assert totals["seconds"].sum() == 360.0
    assert totals.loc[totals["body_area"].isna(), "seconds"].tolist() == [300.0]
    weekly = log.weekly_minutes()
    assert weekly.to_numpy().sum() == 1.0 and weekly.loc["2026-03-02", "lower back"] == 1.0


def test_totals_kept_per_hold_equal_a_full_rebuild(log: SessionLog) -> None:
    """Hold-by-hold totals are exactly what rebuilding from every hold gives."""
    fill(log)
    before = dump(log.path)["daily_totals"]
    with sqlite3.connect(log.path) as conn:
        _schema.rebuild_totals(conn)
        after = conn.execute("SELECT * FROM daily_totals ORDER BY 1, 2").fetchall()
    assert before == after and len(before) == 4


# --------------------------------------------------------------------------- bad input


BAD_CALLS = {
    "empty person": lambda log, ids: log.start_session("   "),
    "person not text": lambda log, ids: log.start_session(None),
    "pain below 0": lambda log, ids: log.start_session("x", pain_before=-1),
    "pain above 10": lambda log, ids: log.start_session("x", pain_before=10.5),
    "pain as text": lambda log, ids: log.start_session("x", pain_before="5"),
    "pain as bool": lambda log, ids: log.start_session("x", pain_before=True),
    "pain NaN": lambda log, ids: log.start_session("x", pain_before=float("nan")),
    "naive start": lambda log, ids: log.start_session("x", started_at=datetime(2026, 1, 1, 9)),
    "garbled start": lambda log, ids: log.start_session("x", started_at="yesterday"),
    "absurd year": lambda log, ids: log.start_session("x", started_at="1900-01-01T00:00+00:00"),
    "routine not a routine": lambda log, ids: log.start_session("x", routine=42),
    "notes not text": lambda log, ids: log.start_session("x", notes=3),
    "unknown session": lambda log, ids: log.record_hold(999, "sphinx", "both", 1, 30, 30),
    "session id as text": lambda log, ids: log.record_hold("1", "sphinx", "both", 1, 30, 30),
    "bad side": lambda log, ids: log.record_hold(ids["open"], "sphinx", "middle", 1, 30, 30),
    "rep zero": lambda log, ids: log.record_hold(ids["open"], "sphinx", "both", 0, 30, 30),
    "rep fraction": lambda log, ids: log.record_hold(ids["open"], "sphinx", "both", 1.5, 30, 30),
    "planned zero": lambda log, ids: log.record_hold(ids["open"], "sphinx", "both", 1, 0, 30),
    "planned absurd": lambda log, ids: log.record_hold(ids["open"], "sphinx", "both", 1, 601, 30),
    "actual negative": lambda log, ids: log.record_hold(ids["open"], "sphinx", "both", 1, 30, -1),
    "actual absurd": lambda log, ids: log.record_hold(ids["open"], "sphinx", "both", 1, 30, 3600),
    "actual infinite": lambda log, ids: log.record_hold(
        ids["open"], "sphinx", "both", 1, 30, float("inf")
    ),
    "completed as text": lambda log, ids: log.record_hold(
        ids["open"], "sphinx", "both", 1, 30, 30, "yes"
    ),
    "empty stretch id": lambda log, ids: log.record_hold(ids["open"], "", "both", 1, 30, 30),
    "hold before session": lambda log, ids: log.record_hold(
        ids["open"], "sphinx", "both", 1, 30, 30, started_at=T0 - timedelta(minutes=1)
    ),
    "hold into finished session": lambda log, ids: log.record_hold(
        ids["done"], "sphinx", "both", 1, 30, 30, started_at=T0 + timedelta(minutes=1)
    ),
    "finish unknown": lambda log, ids: log.finish_session(12345),
    "finish before start": lambda log, ids: log.finish_session(
        ids["open"], ended_at=T0 - timedelta(seconds=1)
    ),
    "finish before last hold": lambda log, ids: log.finish_session(
        ids["open"], ended_at=T0 + timedelta(seconds=30)
    ),
    "finish twice": lambda log, ids: log.finish_session(ids["done"], pain_after=1),
    "pain after above 10": lambda log, ids: log.finish_session(ids["open"], pain_after=11),
    "activity zero": lambda log, ids: log.log_activity("x", "sphinx", 0),
    "activity negative": lambda log, ids: log.log_activity("x", "sphinx", -60),
    "activity over 4 h": lambda log, ids: log.log_activity("x", "sphinx", 4 * 3600 + 1),
    "activity empty person": lambda log, ids: log.log_activity("", "sphinx", 60),
    "activity bad side": lambda log, ids: log.log_activity("x", "sphinx", 60, side="up"),
    "forget unknown": lambda log, ids: log.forget_person("nobody"),
    "reader naive bound": lambda log, ids: log.holds(start=datetime(2026, 1, 1)),
}


@pytest.fixture
def prepared(log: SessionLog) -> dict[str, int]:
    done = log.start_session("me", started_at=T0, pain_before=4)
    log.finish_session(done, pain_after=2, ended_at=T0 + timedelta(minutes=5))
    opened = log.start_session("me", started_at=T0)
    log.record_hold(opened, "sphinx", "both", 1, 30, 30, started_at=T0 + timedelta(minutes=1))
    return {"done": done, "open": opened}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_input_raises_and_writes_nothing(
    log: SessionLog, prepared: dict[str, int], case: str
) -> None:
    """Each bad call raises LogError and leaves every stored row and file byte as it was."""
    rows, files = dump(log.path), file_state(log.path.parent)
    with pytest.raises(LogError):
        BAD_CALLS[case](log, prepared)
    assert dump(log.path) == rows
    assert file_state(log.path.parent) == files


def test_log_error_is_a_value_error_with_a_clear_message(log: SessionLog) -> None:
    """LogError subclasses ValueError and names the field and the bad value."""
    with pytest.raises(ValueError, match=r"pain_before must be at least 0 and at most 10, got 12"):
        log.start_session("me", pain_before=12)


def test_closed_log_refuses_work(tmp_path: Path) -> None:
    """A closed log says so instead of failing obscurely; closing twice is fine."""
    log = SessionLog(tmp_path / "log.sqlite")
    log.close()
    log.close()
    with pytest.raises(LogError, match="closed"):
        log.sessions()


# --------------------------------------------------------------------------- files


def test_new_file_and_its_journal_are_owner_only(tmp_path: Path) -> None:
    """An explicit path is created 0o600, and so are SQLite's -wal and -shm beside it."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        log.log_activity("me", "sphinx", 60)
        for name in ("log.sqlite", "log.sqlite-wal", "log.sqlite-shm"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_default_location_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no path the log lives in the user data folder, folder 0o700 and file 0o600."""
    monkeypatch.delenv("BACKSTRETCH_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    with SessionLog() as log:
        assert log.path == tmp_path / "data-home" / "backstretch-kit" / "sessions.sqlite"
        assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
        log.log_activity("me", "sphinx", 60)
    with SessionLog() as again:
        assert again.people() == ["me"]


def test_data_dir_override_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """BACKSTRETCH_DATA_DIR moves the default log (tests and workshops rely on it)."""
    monkeypatch.setenv("BACKSTRETCH_DATA_DIR", str(tmp_path / "override"))
    with SessionLog() as log:
        assert log.path == tmp_path / "override" / "sessions.sqlite"
        assert stat.S_IMODE(log.path.parent.stat().st_mode) == 0o700


def test_missing_folder_is_named(tmp_path: Path) -> None:
    """A path in a folder that does not exist gives LogError naming that folder."""
    target = tmp_path / "no-such-folder" / "log.sqlite"
    with pytest.raises(LogError, match="no-such-folder.*does not exist"):
        SessionLog(target)
    assert not target.parent.exists()


def test_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    """A path 'inside' a regular file (a folder that cannot exist) gives a clear LogError.

    This is the unwritable-place test that works even as root, where chmod does not
    stop writes.
    """
    (tmp_path / "plain-file").write_text("not a folder")
    with pytest.raises(LogError, match="plain-file is not a folder"):
        SessionLog(tmp_path / "plain-file" / "log.sqlite")


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


# --------------------------------------------------------------------------- upgrade

_V1_SCHEMA = """
CREATE TABLE people (person_id INTEGER PRIMARY KEY, person TEXT NOT NULL UNIQUE,
    created_us INTEGER NOT NULL);
CREATE TABLE sessions (session_id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(person_id),
    kind TEXT NOT NULL, routine_name TEXT, routine_json TEXT,
    started_us INTEGER NOT NULL, started_offset_s INTEGER NOT NULL,
    ended_us INTEGER, ended_offset_s INTEGER, pain_before REAL, pain_after REAL,
    notes TEXT NOT NULL DEFAULT '');
CREATE TABLE holds (hold_id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(session_id),
    stretch_id TEXT NOT NULL, side TEXT NOT NULL, rep INTEGER NOT NULL,
    planned_s REAL NOT NULL, actual_s REAL NOT NULL, completed INTEGER NOT NULL,
    started_us INTEGER NOT NULL, offset_s INTEGER NOT NULL);
"""


def test_version_1_file_opens_and_is_upgraded(tmp_path: Path) -> None:
    """A hand-built version-1 file (no uuids, no totals) opens, gains uuids and rebuilt totals."""
    path = tmp_path / "old.sqlite"
    start_us = int(T0.timestamp() * 1_000_000)
    conn = sqlite3.connect(path)
    conn.executescript(_V1_SCHEMA)
    conn.execute("INSERT INTO people VALUES (1, 'old client', ?)", (start_us,))
    conn.execute(
        "INSERT INTO sessions VALUES (1, 1, 'routine', 'old', NULL, ?, 7200, ?, 7200, 6, 4, 'x')",
        (start_us, start_us + 600_000_000),
    )
    for i, (stretch, held) in enumerate([("sphinx", 30.0), ("sphinx", 25.5), ("chin-tuck", 10.0)]):
        conn.execute(
            "INSERT INTO holds VALUES (?, 1, ?, 'both', 1, 30, ?, 1, ?, 7200)",
            (i + 1, stretch, held, start_us + i * 60_000_000),
        )
    conn.execute(f"PRAGMA application_id = {_schema.APP_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    with SessionLog(path) as log:
        assert log.holds()["actual_s"].tolist() == [30.0, 25.5, 10.0]
        totals = log.daily_totals().set_index("body_area")["seconds"]
        assert totals["lower back"] == 55.5 and totals["neck"] == 10.0
        sid = log.start_session("old client", started_at=T0 + timedelta(days=1))
        log.record_hold(sid, "sphinx", "both", 1, 30, 30, started_at=T0 + timedelta(days=1))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == _schema.SCHEMA_VERSION
        uuids = [
            r[0] for r in conn.execute("SELECT uuid FROM holds UNION ALL SELECT uuid FROM sessions")
        ]
    conn.close()
    assert len(uuids) == len(set(uuids)) == 6 and all(uuids)


def test_empty_sqlite_file_becomes_a_log(tmp_path: Path) -> None:
    """A zero-byte file (as `touch` leaves) is taken as a new, empty log."""
    path = tmp_path / "log.sqlite"
    path.touch()
    with SessionLog(path) as log:
        log.log_activity("me", "sphinx", 60)
        assert log.people() == ["me"]


# --------------------------------------------------------------------------- forgetting


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


# --------------------------------------------------------------------------- CSV


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


def test_record_timer_hold_stores_what_the_timer_finished(tmp_path):
    """A PhaseFinished from the hold timer is stored with its side, rep, seconds and outcome."""
    from datetime import datetime

    from backstretch_kit.log import SessionLog
    from backstretch_kit.timer import Phase, PhaseFinished

    phase = Phase(
        kind="hold", seconds=20.0, item=1, stretch_id="neck-rotation", name="Neck turn",
        side="left", rep=2, reps=2,
    )  # fmt: skip
    finished = PhaseFinished(3, phase, 50.0, planned_s=20.0, actual_s=12.5, outcome="skipped")
    when = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    with SessionLog(tmp_path / "log.sqlite") as log:
        session = log.start_session("Ann", started_at=when)
        log.record_timer_hold(session, finished, started_at=when)
        hold = log.holds().iloc[0]
    assert (hold.stretch_id, hold.side, hold.rep) == ("neck-rotation", "left", 2)
    assert (hold.planned_s, hold.actual_s, bool(hold.completed)) == (20.0, 12.5, False)
