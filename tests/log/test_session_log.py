"""SessionLog's writers and readers: what goes in comes back, in the documented frames."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

import backstretch_kit as bk
from backstretch_kit.log import LogError, SessionLog
from backstretch_kit.vocab import BODY_AREAS

from .records import PLUS2, T0, FakeRoutine, fill


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


def test_the_package_keeps_the_names_callers_import() -> None:
    """`from backstretch_kit.log import ...` still finds every name the rest of the kit uses."""
    from backstretch_kit import log as package

    assert package.SessionLog is SessionLog and issubclass(package.LogError, ValueError)
    assert (package.MAX_HOLD_S, package.HOLD_SIDES) == (600.0, ("both", "left", "right"))
    assert package.default_path().name == "sessions.sqlite"
    assert set(package.__all__) <= set(dir(package))
