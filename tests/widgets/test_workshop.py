"""WorkshopPanel: the teacher picks stretches and a dose, sees the total, and starts the class."""

from __future__ import annotations

import pytest
from timer_page import FakeClock, SimulatedPage

from backstretch_kit import SessionLog
from backstretch_kit.widgets import WorkshopPanel
from backstretch_kit.widgets.workshop import CLASS_SAFETY
from backstretch_kit.widgets.workshop_style import CLASS_ON


def test_total_follows_the_picks_and_the_dose(tmp_path):
    """Ticking stretches and changing the hold updates the total time and enables Start."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log)
        assert panel.use_button.disabled and "nothing picked" in panel.total.value
        assert panel.checks["chin-tuck"].description == "Chin tuck"
        panel.checks["chin-tuck"].value = True
        panel.checks["neck-rotation"].value = True
        routine = panel.routine()
        assert [item.stretch_id for item in routine] == ["chin-tuck", "neck-rotation"]
        assert all(item.hold_s == 20 and item.reps == 2 for item in routine)
        assert not panel.use_button.disabled
        before = panel.total.value
        panel.hold.value = 5
        assert panel.total.value != before
        assert "for 2 stretches" in panel.total.value


def test_the_picker_shows_every_stretch_in_cards_by_area(tmp_path):
    """One card per body area, one tick box per stretch; the picks given are ticked."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log, stretches=["neck-side-bend", "chin-tuck"])
        assert len(panel.checks) == len(panel.catalog)
        headings = [card.children[0].value for card in panel.picker.children]
        assert headings[0] == "Neck" and "Hamstrings" in headings
        ticked = [s for s, box in panel.checks.items() if box.value]
        assert sorted(ticked) == ["chin-tuck", "neck-side-bend"]
        assert panel.picked == ["neck-side-bend", "chin-tuck"]  # the order given is kept


def test_the_summary_and_the_order_say_what_is_picked(tmp_path):
    """The summary names the picks in order; up, down and remove change the class order."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log, stretches=["chin-tuck", "neck-side-bend", "cat-stretch"])
        assert "3 stretches picked" in panel.summary.value
        assert "Chin tuck, Neck side bend, Cat stretch" in panel.summary.value
        rows = panel.order.children
        assert [r.children[0].value for r in rows] == [
            "1. Chin tuck (neck)", "2. Neck side bend (neck)", "3. Cat stretch (mid back)",
        ]  # fmt: skip
        first_up, last_down = rows[0].children[1], rows[-1].children[2]
        assert first_up.disabled and last_down.disabled
        rows[2].children[1].click()  # Cat stretch earlier
        assert panel.picked == ["chin-tuck", "cat-stretch", "neck-side-bend"]
        panel.order.children[0].children[2].click()  # Chin tuck later
        assert panel.picked == ["cat-stretch", "chin-tuck", "neck-side-bend"]
        panel.order.children[1].children[3].click()  # take Chin tuck out
        assert panel.picked == ["cat-stretch", "neck-side-bend"]
        assert not panel.checks["chin-tuck"].value
        routine = panel.routine()
        assert [item.stretch_id for item in routine] == ["cat-stretch", "neck-side-bend"]
        panel.checks["cat-stretch"].value = False
        panel.checks["neck-side-bend"].value = False
        assert "Nothing picked" in panel.summary.value and panel.order.children == ()


def test_an_unknown_stretch_is_refused_by_name(tmp_path):
    """Setting picks that are not in the catalog names them."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log)
        with pytest.raises(ValueError, match="no-such-stretch"):
            panel.picked = ["chin-tuck", "no-such-stretch"]


def test_start_looks_inactive_until_something_is_picked(tmp_path):
    """A disabled Start is grey (no success style); it turns green once a stretch is ticked."""
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log)
        assert panel.use_button.disabled and panel.use_button.button_style == ""
        panel.checks["chin-tuck"].value = True
        assert not panel.use_button.disabled
        assert panel.use_button.button_style == "success"
        assert panel.use_button.layout.width == "auto"
        assert panel.back_button.layout.width == "auto"  # "Pick other stretches" in full


def test_start_class_plays_a_large_session_that_logs_each_hold(tmp_path):
    """Start shows a large guided session with no pain questions; holds land in the log."""
    clock = FakeClock(0.0)
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log, stretches=["chin-tuck"], hold_s=2, reps=1, clock=clock)
        panel.use_button.click()
        session = panel.session
        assert session is not None and session.timer.large and not session.ask_pain
        assert CLASS_ON in panel._dom_classes
        page = SimulatedPage(session.timer, clock)
        session.begin_button.click()
        page.advance(20.0, step=0.5)
        holds = log.holds()
        assert list(holds["stretch_id"]) == ["chin-tuck"]
        assert log.sessions()["person"].tolist() == ["Workshop"]


def test_the_end_of_a_class_thanks_everyone_and_closes_the_session(tmp_path):
    """At the end the class is thanked with the safety words, no question to one person;
    the session is closed in the log; Pick other stretches gives the page back."""
    clock = FakeClock(0.0)
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log, stretches=["chin-tuck"], hold_s=2, reps=1, clock=clock)
        panel.use_button.click()
        session = panel.session
        page = SimulatedPage(session.timer, clock)
        session.begin_button.click()
        page.advance(20.0, step=0.5)
        status = session.status.value
        assert "Thank you, everyone" in status and "end of the class" in status
        assert CLASS_SAFETY.split(".")[0] in status and "physiotherapist" in status
        assert "How does your back feel" not in status
        assert "1 hold saved" in status
        assert session.stage == "done" and session.notes not in session.children
        assert log.sessions()["ended_at"].notna().all()
        panel.back_button.click()
        assert CLASS_ON not in panel._dom_classes
        assert panel.setup in panel.children


def test_stopping_a_class_says_so_to_the_class(tmp_path):
    """Stop mid-class: the class is thanked as stopped, and the held time is kept."""
    clock = FakeClock(0.0)
    with SessionLog(tmp_path / "log.sqlite") as log:
        panel = WorkshopPanel(log, stretches=["chin-tuck", "cat-stretch"], hold_s=2, reps=1,
                              clock=clock)  # fmt: skip
        panel.use_button.click()
        session = panel.session
        page = SimulatedPage(session.timer, clock)
        session.begin_button.click()
        page.advance(8.0, step=0.5)
        page.press("stop")
        assert "The class stopped here. Thank you, everyone." in session.status.value
        assert "How does your back feel" not in session.status.value
