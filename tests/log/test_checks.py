"""Every argument is checked before anything is written: bad input changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backstretch_kit.log import LogError, SessionLog

from .records import T0, dump, file_state

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
    """Each bad call raises LogError and leaves every stored row (and file byte) as it was."""
    rows = dump(log)  # first: a reader's visit touches the -shm file
    files = file_state(log.path.parent) if log.path is not None else None
    with pytest.raises(LogError):
        BAD_CALLS[case](log, prepared)
    assert dump(log) == rows
    if files is not None:
        assert file_state(log.path.parent) == files


def test_log_error_is_a_value_error_with_a_clear_message(log: SessionLog) -> None:
    """LogError subclasses ValueError and names the field and the bad value."""
    with pytest.raises(ValueError, match=r"pain_before must be at least 0 and at most 10, got 12"):
        log.start_session("me", pain_before=12)
