"""Tests for backstretch_kit.demo: seeded, realistic sample logs in the SessionLog shape."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from backstretch_kit import charts, demo
from backstretch_kit.catalog import load_stretches
from backstretch_kit.log import SessionLog
from backstretch_kit.vocab import BODY_AREAS

START = "2026-01-05"


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return load_stretches()


@pytest.fixture(scope="module")
def sample(catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four months of Alex (pain eases) and Sam (pain does not)."""
    return demo.sample_log(("Alex", "Sam"), days=120, start=START, stretches=catalog)


def test_same_seed_gives_identical_frames(catalog):
    """Two calls with the same seed return equal frames; another seed differs."""
    first = demo.sample_log(("Alex", "Sam"), days=60, seed=7, start=START, stretches=catalog)
    again = demo.sample_log(("Alex", "Sam"), days=60, seed=7, start=START, stretches=catalog)
    other = demo.sample_log(("Alex", "Sam"), days=60, seed=8, start=START, stretches=catalog)
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])
    assert not first[0]["started_at"].equals(other[0]["started_at"])


def test_frames_have_the_session_log_shape(sample, tmp_path, catalog):
    """Columns, order and dtypes equal what a real SessionLog's readers return."""
    sessions, holds = sample
    with SessionLog(tmp_path / "empty.sqlite", catalog=catalog) as log:
        log.start_session("Someone", pain_before=3)
        expected_sessions, expected_holds = log.sessions(), log.holds()
    assert list(sessions.columns) == list(demo.SESSION_COLUMNS)
    assert list(holds.columns) == list(demo.HOLD_COLUMNS)
    pd.testing.assert_series_equal(sessions.dtypes, expected_sessions.dtypes)
    pd.testing.assert_series_equal(holds.dtypes, expected_holds.dtypes)
    assert list(holds["body_area"].cat.categories) == list(BODY_AREAS)
    assert holds["body_area"].cat.ordered


def test_filling_a_log_reads_back_the_same_frames(catalog, tmp_path):
    """Written through the public API, a fresh log reads back exactly the returned frames."""
    alone = demo.sample_log(("Alex", "Sam"), days=21, start=START, stretches=catalog)
    with SessionLog(tmp_path / "demo.sqlite", catalog=catalog) as log:
        written = demo.sample_log(("Alex", "Sam"), days=21, start=START, stretches=catalog, log=log)
        stored = log.sessions(), log.holds()
        totals = log.daily_totals()
    for made, back, read in zip(alone, written, stored, strict=True):
        pd.testing.assert_frame_equal(made, back)
        pd.testing.assert_frame_equal(back, read)
    assert totals["seconds"].sum() == pytest.approx(alone[1]["actual_s"].sum())


def test_ids_link_holds_to_their_sessions(sample):
    """Session ids are 1..n in time order; every hold falls inside its own session."""
    sessions, holds = sample
    assert sessions["session_id"].tolist() == list(range(1, len(sessions) + 1))
    assert sessions["started_at"].is_monotonic_increasing
    assert holds["hold_id"].is_unique
    joined = holds.merge(sessions, on="session_id", suffixes=("", "_session"))
    assert len(joined) == len(holds)
    assert (joined["person"] == joined["person_session"]).all()
    assert (joined["started_at"] >= joined["started_at_session"]).all()
    assert (joined["started_at"] < joined["ended_at"]).all()


def test_people_stretch_most_days_but_not_all(sample):
    """Each person stretches on 60-95 % of days, and skips come in runs of 2+ days."""
    sessions, _ = sample
    for _person, group in sessions.groupby("person"):
        days = group["started_at"].dt.normalize().drop_duplicates()
        assert 0.6 * 120 <= len(days) <= 0.95 * 120
        gaps = days.diff().dt.days.dropna()
        assert (gaps >= 3).any()  # at least one run of two or more skipped days


def test_routines_use_catalog_stretches_at_catalog_doses(sample, catalog):
    """Stretches come from the catalog, doses within 20 % of it, areas as catalogued."""
    _, holds = sample
    assert set(holds["stretch_id"]) <= set(catalog.index)
    dose = catalog.loc[holds["stretch_id"], "hold_s"].to_numpy()
    assert (holds["planned_s"].to_numpy() >= np.maximum(5.0, 0.8 * dose) - 2.5).all()
    assert (holds["planned_s"].to_numpy() <= 1.2 * dose + 2.5).all()
    areas = catalog.loc[holds["stretch_id"], "body_area"].astype(str).to_numpy()
    assert (holds["body_area"].astype(str).to_numpy() == areas).all()
    assert holds.groupby("person")["stretch_id"].nunique().min() >= 6


def test_each_side_stretches_have_left_and_right_holds(sample, catalog):
    """Each-side stretches are held left and right equally often; others on both sides."""
    _, holds = sample
    each_side = catalog["sides"].astype(str) == "each side"
    sided = holds["stretch_id"].map(each_side)
    assert set(holds.loc[sided, "side"]) == {"left", "right"}
    assert set(holds.loc[~sided, "side"]) == {"both"}
    counts = holds[sided].groupby(["session_id", "stretch_id", "side"]).size().unstack()
    assert (counts["left"] == counts["right"]).all()


def test_holds_mostly_complete_with_one_side_sometimes_shorter(sample):
    """Most holds run their planned time; stopped ones are short and marked incomplete."""
    _, holds = sample
    assert holds["completed"].mean() > 0.8
    done = holds[holds["completed"]]
    assert (done["actual_s"] == done["planned_s"]).all()
    stopped = holds[~holds["completed"]]
    assert (stopped["actual_s"] < stopped["planned_s"]).all()
    side_totals = holds[holds["side"] != "both"].groupby(["person", "side"])["actual_s"].sum()
    shortfall = side_totals.groupby("person").agg(lambda s: 1 - s.min() / s.max())
    assert (shortfall > 0.01).all()


def test_pain_is_on_the_scale_and_lower_after(sample):
    """Pain scores are whole numbers 0-10; after is 0-2 points below before."""
    sessions, _ = sample
    for column in ("pain_before", "pain_after"):
        values = sessions[column].dropna()
        assert values.between(0, 10).all()
        assert (values == values.round()).all()
        assert sessions[column].isna().any()  # sometimes not answered
    both = sessions.dropna(subset=["pain_before", "pain_after"])
    drop = both["pain_before"] - both["pain_after"]
    assert drop.between(0, 2).all()
    assert drop.mean() > 0.5


def test_pain_eases_for_alex_and_not_for_sam(sample):
    """Alex starts around 4-6 and falls 2+ points; Sam stays put, so the marker shows."""
    sessions, _ = sample
    for person, should_ease in (("Alex", True), ("Sam", False)):
        own = sessions[sessions["person"] == person]
        first_weeks = own[own["started_at"] < own["started_at"].min() + pd.Timedelta(days=7)]
        last_weeks = own[own["started_at"] > own["started_at"].max() - pd.Timedelta(days=28)]
        start, end = first_weeks["pain_before"].mean(), last_weeks["pain_before"].mean()
        assert 3.5 <= start <= 6.5, person
        assert bool(start - end >= 2) is should_ease, person
        flagged = charts.pain_not_eased_since(sessions, person=person)
        assert (flagged is None) is should_ease, person


def test_some_sessions_have_notes(sample):
    """A few sessions carry a short note; the rest have an empty one."""
    sessions, _ = sample
    with_notes = (sessions["notes"] != "").mean()
    assert 0.02 < with_notes < 0.2


def test_start_none_ends_today(catalog):
    """Without a start date the log covers the days up to today."""
    sessions, _ = demo.sample_log(days=30, stretches=catalog, seed=2)
    today = pd.Timestamp.now(tz="UTC").normalize()
    assert sessions["started_at"].min() >= today - pd.Timedelta(days=29)
    assert sessions["started_at"].max() < today + pd.Timedelta(days=1)


def test_time_zone_sets_the_clock_hours(catalog):
    """People in New York stretch at their own hours; timestamps stay UTC."""
    sessions, _ = demo.sample_log(days=30, start=START, tz="America/New_York", stretches=catalog)
    assert str(sessions["started_at"].dt.tz) == "UTC"
    local = sessions["started_at"].dt.tz_convert("America/New_York")
    hours = local.dt.hour + local.dt.minute / 60
    assert hours.max() - hours.min() < 5  # one habitual time of day, give or take


def test_one_day_and_one_person_work(catalog):
    """A single day still gives well-formed, possibly empty, frames."""
    sessions, holds = demo.sample_log(days=1, start=dt.date(2026, 1, 5), stretches=catalog)
    assert len(sessions) <= 1
    assert set(holds["session_id"]) <= set(sessions["session_id"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 0}, "days must be 1 or more"),
        ({"people": ()}, "people is empty"),
        ({"people": ("Alex", "Alex")}, "repeats a name"),
    ],
)
def test_bad_arguments_are_refused(catalog, kwargs, message):
    """Impossible requests fail with a ValueError saying what is wrong."""
    with pytest.raises(ValueError, match=message):
        demo.sample_log(stretches=catalog, **kwargs)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data folder of the test's own, so 'your log' starts empty."""
    monkeypatch.setenv("BACKSTRETCH_DATA_DIR", str(tmp_path))
    return tmp_path


def test_an_empty_log_shows_the_sample_written_once(data_dir):
    log, is_sample = demo.log_or_sample(people=("Alex",))
    with log:
        assert is_sample and log.people() == ["Alex"] and len(log.sessions()) > 20
        first = log.sessions()
    stamp = (data_dir / demo.SAMPLE_FILE).stat().st_mtime_ns
    again, is_sample = demo.log_or_sample(people=("Someone else",))
    with again:  # reused as it is, not written again
        assert is_sample and again.people() == ["Alex"]
        pd.testing.assert_frame_equal(again.sessions(), first)
    assert (data_dir / demo.SAMPLE_FILE).stat().st_mtime_ns == stamp
    assert sorted(p.name for p in data_dir.iterdir() if ".part" in p.name) == []


def test_your_own_sessions_are_shown_rather_than_the_sample(data_dir):
    with SessionLog() as own:
        own.finish_session(own.start_session("Kim"), pain_after=2)
    log, is_sample = demo.log_or_sample()
    with log:
        assert not is_sample and log.people() == ["Kim"]
    assert not (data_dir / demo.SAMPLE_FILE).exists()


def test_no_sample_when_asked_for_none(data_dir):
    log, is_sample = demo.log_or_sample(show_sample_when_empty=False)
    with log:
        assert not is_sample and log.sessions().empty
    assert not (data_dir / demo.SAMPLE_FILE).exists()


def test_a_sample_stopped_halfway_leaves_nothing_to_show_later(data_dir, monkeypatch):
    real = demo.sample_log

    def stopped(*args, **kwargs):
        kwargs["log"].start_session("Alex")  # something written, then the kernel stops
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "sample_log", stopped)
    with pytest.raises(KeyboardInterrupt):
        demo.log_or_sample()
    assert sorted(p.name for p in data_dir.iterdir() if "sample" in p.name) == []
    monkeypatch.setattr(demo, "sample_log", real)
    log, is_sample = demo.log_or_sample(people=("Alex",))
    with log:  # the next run writes the whole sample
        assert is_sample and len(log.sessions()) > 20
