"""WorkshopPanel: the teacher picks stretches and a dose, sees the total, and starts the class."""

from __future__ import annotations

from timer_page import FakeClock, SimulatedPage

from backstretch_kit import SessionLog
from backstretch_kit.widgets import WorkshopPanel


def test_total_follows_the_picks_and_the_dose(tmp_path):
    """Picking stretches and changing the hold updates the total time and enables Start."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log)
        assert panel.use_button.disabled and "nothing picked" in panel.total.value
        assert ("Chin tuck (neck)", "chin-tuck") in panel.picker.options
        panel.picker.value = ("chin-tuck", "neck-rotation")
        routine = panel.routine()
        assert [item.stretch_id for item in routine] == ["chin-tuck", "neck-rotation"]
        assert all(item.hold_s == 20 and item.reps == 2 for item in routine)
        assert not panel.use_button.disabled
        before = panel.total.value
        panel.hold.value = 5
        assert panel.total.value != before
        assert "for 2 stretches" in panel.total.value


def test_start_class_plays_a_large_session_that_logs_each_hold(tmp_path):
    """Start shows a large guided session with no pain questions; holds land in the log."""
    clock = FakeClock(0.0)
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log, stretches=["chin-tuck"], hold_s=2, reps=1, clock=clock)
        panel.use_button.click()
        session = panel.session
        assert session is not None and session.timer.large and not session.ask_pain
        page = SimulatedPage(session.timer, clock)
        session.begin_button.click()
        page.advance(20.0, step=0.5)
        holds = log.holds()
        assert list(holds["stretch_id"]) == ["chin-tuck"]
        assert log.sessions()["person"].tolist() == ["Workshop"]
