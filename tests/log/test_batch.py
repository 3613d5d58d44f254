"""record_sessions: many finished sessions in one transaction, stored as the one-by-one calls
store them, and nothing at all when any part of the batch is bad."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pandas as pd
import pytest

from backstretch_kit.log import LogError, SessionLog

from .records import PLUS2, T0, FakeRoutine, dump


def _batch(person: str) -> list[dict[str, Any]]:
    """Three finished sessions over two days, one with no holds, one with a routine snapshot."""
    return [
        {
            "person": person,
            "routine": FakeRoutine(),
            "pain_before": 5,
            "started_at": T0,
            "notes": "stiff",
            "holds": [
                {
                    "stretch_id": "single-knee-to-chest",
                    "side": side,
                    "rep": rep,
                    "planned_s": 30,
                    "actual_s": 28.25,
                    "started_at": T0 + timedelta(minutes=rep, seconds=30 * (side == "right")),
                }
                for rep in (1, 2)
                for side in ("left", "right")
            ]
            + [
                {
                    "stretch_id": "no-longer-in-catalog",
                    "side": "both",
                    "rep": 1,
                    "planned_s": 20,
                    "actual_s": 4.5,
                    "completed": False,
                    "started_at": T0 + timedelta(minutes=5),
                }
            ],
            "pain_after": 3,
            "ended_at": T0 + timedelta(minutes=9),
        },
        {
            "person": person,
            "routine": "desk break",
            "started_at": T0 + timedelta(days=1),
            "ended_at": T0 + timedelta(days=1, minutes=1),
        },
        {
            "person": person,
            "started_at": (T0 + timedelta(days=1, hours=15)).astimezone(PLUS2),
            "holds": [
                {
                    "stretch_id": "chin-tuck",
                    "side": "both",
                    "rep": 1,
                    "planned_s": 15,
                    "actual_s": 15,
                    "started_at": T0 + timedelta(days=1, hours=15, seconds=5),
                }
            ],
            "pain_before": 2,
            "pain_after": 1,
            "ended_at": T0 + timedelta(days=1, hours=15, minutes=2),
        },
    ]


def _one_by_one(log: SessionLog, batch: list[dict[str, Any]]) -> list[int]:
    """The same sessions through start_session, record_hold and finish_session."""
    ids = []
    for given in batch:
        session_id = log.start_session(
            given["person"],
            given.get("routine"),
            given.get("pain_before"),
            given["started_at"],
            given.get("notes", ""),
        )
        for hold in given.get("holds", []):
            log.record_hold(session_id, **hold)
        log.finish_session(session_id, given.get("pain_after"), ended_at=given["ended_at"])
        ids.append(session_id)
    return ids


def _without(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.drop(columns=list(columns)).reset_index(drop=True)


def test_a_batch_stores_what_the_one_by_one_calls_store(log: SessionLog) -> None:
    """Sessions, holds, routine snapshots and both totals are the same either way."""
    single = _one_by_one(log, _batch("one by one"))
    batched = log.record_sessions(_batch("batch"))
    assert len(batched) == 3 and batched == sorted(batched) and not set(batched) & set(single)
    pd.testing.assert_frame_equal(
        _without(log.sessions("batch"), "session_id", "person"),
        _without(log.sessions("one by one"), "session_id", "person"),
    )
    pd.testing.assert_frame_equal(
        _without(log.holds("batch"), "hold_id", "session_id", "person"),
        _without(log.holds("one by one"), "hold_id", "session_id", "person"),
    )
    assert list(log.holds("batch")["session_id"].unique()) == [batched[0], batched[2]]
    pd.testing.assert_frame_equal(
        _without(log.daily_totals("batch"), "person"),
        _without(log.daily_totals("one by one"), "person"),
    )
    assert log.routine_snapshot(batched[0]) == FakeRoutine().to_dict()
    # everyone's weekly totals hold both people's time: twice the one-by-one person's
    pd.testing.assert_frame_equal(log.weekly_minutes(), log.weekly_minutes("one by one") * 2)


def test_a_batch_is_finished_sessions_that_take_no_more_holds(log: SessionLog) -> None:
    (session_id,) = log.record_sessions(_batch("me")[1:2])
    with pytest.raises(LogError, match="is finished"):
        log.record_hold(session_id, "chin-tuck", "both", 1, 10, 10, started_at=T0)


def test_an_empty_batch_writes_nothing(log: SessionLog) -> None:
    before = dump(log)
    assert log.record_sessions([]) == []
    assert dump(log) == before


def _set(batch: list[dict[str, Any]], session: int, field: str, value: Any, hold: int | None):
    target = batch[session] if hold is None else batch[session]["holds"][hold]
    target[field] = value
    return batch


BAD = [
    # (session, hold, field, value, message)
    (2, 0, "actual_s", -1.0, r"sessions\[2\]\.holds\[0\]: actual_s must be .*got -1\.0"),
    (0, 4, "side", "middle", r"sessions\[0\]\.holds\[4\]: side must be one of .*'middle'"),
    (0, 2, "rep", True, r"sessions\[0\]\.holds\[2\]: rep must be a whole number, got True"),
    (1, None, "pain_after", 11, r"sessions\[1\]: pain_after must be .*got 11"),
    (1, None, "person", " ", r"sessions\[1\]: person must be a non-empty name"),
    (2, None, "started_at", "2026-03-03 10:00", r"sessions\[2\]: started_at has no time zone"),
    (2, None, "ended_at", T0, r"sessions\[2\]: session 2 cannot end at .* a start or a hold"),
    (0, 1, "started_at", T0 - timedelta(seconds=1), r"sessions\[0\]\.holds\[1\]: hold starts"),
    (1, None, "pain", 3, r"sessions\[1\] has an unknown field 'pain'"),
    (2, 0, "note", "x", r"sessions\[2\]\.holds\[0\] has an unknown field 'note'"),
]


@pytest.mark.parametrize(("session", "hold", "field", "value", "message"), BAD)
def test_a_bad_field_anywhere_names_its_place_and_writes_nothing(
    log: SessionLog, session: int, hold: int | None, field: str, value: Any, message: str
) -> None:
    log.record_sessions(_batch("already there"))
    before = dump(log)
    batch = _set(_batch("new person"), session, field, value, hold)
    with pytest.raises(LogError, match=message) as refused:
        log.record_sessions(batch)
    assert "nothing was written" in str(refused.value)
    assert dump(log) == before


def test_a_missing_field_or_a_batch_of_the_wrong_shape_is_refused(log: SessionLog) -> None:
    batch = _batch("me")
    del batch[0]["holds"][3]["planned_s"]
    with pytest.raises(LogError, match=r"sessions\[0\]\.holds\[3\] has no 'planned_s'"):
        log.record_sessions(batch)
    with pytest.raises(LogError, match=r"sessions\[0\] has no 'person'"):
        log.record_sessions([{"started_at": T0}])
    with pytest.raises(LogError, match="takes a list of sessions"):
        log.record_sessions(_batch("me")[0])
    with pytest.raises(LogError, match=r"sessions\[1\] must be a mapping"):
        log.record_sessions([_batch("me")[0], "me"])
    with pytest.raises(LogError, match=r"sessions\[0\]: holds must be a list"):
        log.record_sessions([{"person": "me", "holds": {"stretch_id": "chin-tuck"}}])
    assert log.people() == []


def _refuse_notes_in_the_database(log: SessionLog, notes: str) -> None:
    """A trigger that makes the database itself refuse a session with these notes."""
    if log.url is None:
        with sqlite3.connect(log.path) as conn:
            conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON sessions "
                f"WHEN NEW.notes = '{notes}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(log.url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF NEW.notes = '{notes}' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON sessions "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
    finally:
        engine.dispose()


def test_a_failure_inside_the_transaction_rolls_the_whole_batch_back(log: SessionLog) -> None:
    """Past the checks, the database refuses the last session: the two before it, their
    holds, totals and the new person are not stored either."""
    log.record_sessions(_batch("already there"))
    _refuse_notes_in_the_database(log, "the last straw")
    before = dump(log)
    batch = _batch("new person")
    batch[2]["notes"] = "the last straw"
    with pytest.raises(LogError):
        log.record_sessions(batch)
    assert dump(log) == before
    assert log.people() == ["already there"]
    batch[2]["notes"] = "fine"
    assert len(log.record_sessions(batch)) == 3
