"""The routine builder: adding, dosing, reordering, checks, files and the handout."""

from __future__ import annotations

import json

import pytest

from backstretch_kit import load_stretches
from backstretch_kit.guidance import Profile, check_routine
from backstretch_kit.routine import Routine, format_duration
from backstretch_kit.widgets.routine_builder import RoutineBuilder


@pytest.fixture(scope="module")
def catalog():
    return load_stretches()


@pytest.fixture
def builder(catalog, tmp_path):
    return RoutineBuilder(catalog, folder=tmp_path, dpi=20)


def add(builder: RoutineBuilder, *ids: str) -> None:
    for stretch_id in ids:
        builder.choices.value = stretch_id
        builder.add_button.click()


def ids(builder: RoutineBuilder) -> list[str]:
    return [item.stretch_id for item in builder.routine]


def test_add_updates_routine_total_chart_and_findings(builder):
    """Add puts the stretch in the routine and redraws the total, chart and findings."""
    empty_chart, empty_findings = builder.chart.value, builder.findings.value
    seen = []
    builder.on_change.append(seen.append)
    # a neck side bend alone holds the neck 40 s, under the "about 60 s": a finding to show
    add(builder, "knee-to-chest", "neck-side-bend")
    assert ids(builder) == ["knee-to-chest", "neck-side-bend"]
    assert check_routine(builder.routine)
    total = format_duration(builder.routine.total_seconds())
    assert f"<b>{total}</b> (2 stretches)" in builder.total.value
    assert bytes(builder.chart.value).startswith(b"\x89PNG")
    assert builder.chart.value != empty_chart
    assert builder.findings.value != empty_findings
    for finding in check_routine(builder.routine):
        assert finding.message.split(".")[0] in builder.findings.value
    assert seen == [builder.routine, builder.routine]
    assert builder.selected == 1  # the stretch just added


def test_area_filter_narrows_the_choices(builder, catalog):
    """The area dropdown offers only that area's stretches to add."""
    builder.area.value = "neck"
    offered = [value for _, value in builder.choices.options]
    assert offered
    assert all(
        catalog.loc[sid, "body_area"] == "neck" or "neck" in catalog.loc[sid, "secondary_areas"]
        for sid in offered
    )


def test_dose_inputs_change_the_selected_item(builder):
    """Hold, reps, rest and sides typed in change the selected item and the total."""
    add(builder, "knee-to-chest", "cat-stretch")
    builder.items.value = 0
    assert builder.hold_s.value == builder.routine[0].hold_s
    before = builder.routine.total_seconds()
    builder.hold_s.value = 40.0
    builder.reps.value = 3
    builder.rest_s.value = 5.0
    builder.sides.value = "each side"
    item = builder.routine[0]
    assert (item.hold_s, item.reps, item.rest_s, item.sides) == (40.0, 3, 5.0, "each side")
    assert builder.routine[1].stretch_id == "cat-stretch"
    assert builder.routine.total_seconds() != before
    assert format_duration(builder.routine.total_seconds()) in builder.total.value
    assert builder.items.options[0][0].startswith("1. Double knee to chest: 40 s x 3 each side")


def test_bad_dose_shows_the_error_and_keeps_the_routine(builder):
    """A hold of 0 s is refused with the routine's message; the item and input stay as they were."""
    add(builder, "cat-stretch")
    kept = builder.routine[0]
    builder.hold_s.value = 0.0
    assert builder.routine[0] == kept
    assert builder.hold_s.value == kept.hold_s
    assert "hold_s" in builder.status.value and "positive" in builder.status.value


def test_reorder_and_remove(builder):
    """Up, Down and Remove reorder and drop items, and the total follows."""
    add(builder, "knee-to-chest", "cat-stretch", "chin-tuck")
    builder.items.value = 2
    builder.up_button.click()
    assert ids(builder) == ["knee-to-chest", "chin-tuck", "cat-stretch"]
    assert builder.selected == 1
    builder.down_button.click()
    builder.down_button.click()  # already last: nothing moves
    assert ids(builder) == ["knee-to-chest", "cat-stretch", "chin-tuck"]
    builder.items.value = 0
    builder.remove_button.click()
    assert ids(builder) == ["cat-stretch", "chin-tuck"]
    assert "(2 stretches)" in builder.total.value
    builder.remove_button.click()
    builder.remove_button.click()
    assert ids(builder) == []
    assert builder.selected is None and builder.hold_s.disabled
    assert "<b>0 s</b> (0 stretches)" in builder.total.value


def test_findings_follow_the_profile(catalog, tmp_path):
    """A flexion stretch gets a coloured caution for a flexion-intolerant person, else not."""
    builder = RoutineBuilder(
        catalog, profile=Profile(flexion_intolerant=True), folder=tmp_path, dpi=20
    )
    add(builder, "seated-forward-bend")
    assert "bk-finding-caution" in builder.findings.value
    assert "bends the lower back forward" in builder.findings.value
    builder.profile = None
    assert "bends the lower back forward" not in builder.findings.value


def test_save_and_load_round_trip(builder, tmp_path):
    """Save writes a routine file named after the routine; Load brings that routine back."""
    add(builder, "knee-to-chest", "cat-stretch")
    builder.items.value = 1
    builder.hold_s.value = 25.0
    builder.name.value = "Evening <gentle>"
    builder.save_button.click()
    path = tmp_path / "evening-gentle.json"
    assert path.is_file()
    assert "evening-gentle.json" in builder.status.value
    saved = Routine.load(path)
    assert saved == builder.routine

    builder.remove_button.click()
    builder.name.value = "Something else"
    assert builder.routine != saved
    builder.saved.value = str(path)
    builder.load_button.click()
    assert builder.routine == saved
    assert builder.name.value == "Evening <gentle>"
    assert "Loaded Evening &lt;gentle&gt;" in builder.status.value  # typed text is escaped
    assert [label for label, _ in builder.items.options][1].startswith("2. Cat stretch: 25 s")


def test_load_of_a_bad_file_shows_the_error(catalog, tmp_path):
    """A routine file with an unknown stretch is refused on the status line; nothing changes."""
    (tmp_path / "broken.json").write_text(
        json.dumps(
            {
                "format": "backstretch-routine",
                "version": 1,
                "name": "x",
                "items": [{"stretch_id": "no-such-stretch"}],
            }
        ),
        encoding="utf-8",
    )
    builder = RoutineBuilder(catalog, folder=tmp_path, dpi=20)
    add(builder, "chin-tuck")
    before = builder.routine
    builder.saved.value = str(tmp_path / "broken.json")
    builder.load_button.click()
    assert builder.routine is before and ids(builder) == ["chin-tuck"]
    assert "no-such-stretch" in builder.status.value
    assert "broken.json" in builder.status.value


def test_write_handout(builder, tmp_path):
    """Write handout makes an HTML file with the routine's stretches and says where."""
    builder.handout_button.click()
    assert "Add a stretch" in builder.status.value
    assert not list(tmp_path.glob("*.html"))
    add(builder, "knee-to-chest")
    builder.name.value = "Morning"
    builder.handout_button.click()
    path = tmp_path / "morning.html"
    assert path.is_file()
    assert "Double knee to chest" in path.read_text(encoding="utf-8")
    assert str(path) in builder.status.value


def test_starts_from_a_given_routine_and_edits_it_in_place(catalog, tmp_path):
    """A routine passed in is listed, and the builder's edits change that same object."""
    routine = Routine.from_stretches(["chin-tuck", "cat-stretch"], catalog, name="Desk")
    builder = RoutineBuilder(routine=routine, folder=tmp_path, dpi=20)
    assert builder.routine is routine
    assert builder.name.value == "Desk"
    assert len(builder.items.options) == 2 and builder.selected == 0
    builder.remove_button.click()
    assert [item.stretch_id for item in routine] == ["cat-stretch"]


def test_empty_name_is_refused(builder):
    """Clearing the name keeps the old one and says a routine needs a name."""
    builder.name.value = "Lunch"
    builder.name.value = "  "
    assert builder.routine.name == "Lunch"
    assert "needs a name" in builder.status.value


def test_routines_named_in_any_script_are_saved_side_by_side(builder, tmp_path):
    """Arabic, Chinese and Hindi names get files of their own; none overwrites another."""
    names = ["تمارين الظهر", "颈部放松", "पीठ के व्यायाम"]
    add(builder, "chin-tuck")
    for name in names:
        builder.name.value = name
        builder.save_button.click()
    saved = sorted(path.stem for path in builder.folder.glob("*.json"))
    assert len(saved) == 3
    assert {Routine.load(p).name for p in builder.folder.glob("*.json")} == set(names)


def test_a_different_routine_with_the_same_file_name_is_not_overwritten(builder):
    """'Neck!' and 'neck' share a file name: the second is saved beside it, and it says so."""
    add(builder, "chin-tuck")
    builder.name.value = "Neck!"
    builder.save_button.click()
    builder.name.value = "neck"
    builder.save_button.click()
    assert "a different routine already has the plain name" in builder.status.value
    assert sorted(p.name for p in builder.folder.glob("*.json")) == ["neck-2.json", "neck.json"]
    builder.save_button.click()  # the same routine again: an update, not a third file
    assert "Updated" in builder.status.value
    assert len(list(builder.folder.glob("*.json"))) == 2


def test_a_name_with_dollars_still_redraws_the_chart(builder):
    """'cost $x_{$' is drawn as text: the chart follows each change and no error is shown."""
    add(builder, "chin-tuck")
    before = builder.chart.value
    builder.name.value = "cost $x_{$"
    assert builder.chart.value != before
    add(builder, "neck-rotation")
    assert "Something went wrong" not in builder.status.value
    assert builder.routine.name == "cost $x_{$"
