"""The routine builder: adding, dosing, reordering, checks, files and the handout."""

from __future__ import annotations

import base64
import json
import re
import stat

import pytest

from backstretch_kit import load_stretches
from backstretch_kit.guidance import Profile, check_routine
from backstretch_kit.routine import Routine, format_duration
from backstretch_kit.routine_file import load_routine
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


@pytest.mark.parametrize(
    ("field", "bad", "words"),
    [
        ("reps", 0, "Repetitions must be a whole number from 1 to 50."),
        ("reps", 51, "Repetitions must be a whole number from 1 to 50."),
        ("hold_s", 0.0, "A hold must be more than 0 and at most 600 seconds."),
        ("rest_s", -5.0, "A rest must be from 0 to 600 seconds."),
    ],
)
def test_bad_dose_is_explained_beside_its_field_and_the_old_value_kept(builder, field, bad, words):
    """A refused dose is said in plain words next to its control, not as an internal message;
    the item and the control keep their old value, and the next good value clears the words."""
    add(builder, "knee-to-chest", "figure-four-stretch")
    kept = builder.routine[1]
    control, note = getattr(builder, field), builder.dose_notes[field]
    control.value = bad
    assert builder.routine[1] == kept
    assert control.value == getattr(kept, field)
    assert words in note.value
    # beside the control: the two share a row of the editor
    rows = [
        child
        for child in builder.children[0].children[1].children
        if note in getattr(child, "children", ())
    ]
    assert len(rows) == 1 and control in rows[0].children
    for said in (builder.status.value, note.value):
        assert "item 2" not in said and "figure-four-stretch" not in said and "field" not in said
    assert all(not other.value for name, other in builder.dose_notes.items() if name != field)
    control.value = getattr(kept, field) + 1
    assert note.value == ""
    assert getattr(builder.routine[1], field) == getattr(kept, field) + 1


def test_adding_a_stretch_already_in_the_routine_says_so(builder):
    """A second knee to chest is added (a routine may repeat a stretch) and the status line says
    it was already there, at which item, so a slip is seen and can be removed."""
    add(builder, "cat-stretch", "knee-to-chest", "chin-tuck")
    assert builder.status.value == "Added Chin tuck."
    add(builder, "knee-to-chest")
    assert ids(builder) == ["cat-stretch", "knee-to-chest", "chin-tuck", "knee-to-chest"]
    assert builder.status.value == (
        "Double knee to chest is already in the routine (item 2); added a second set as item 4."
    )
    assert builder.selected == 3  # the new one, with Remove beside it
    add(builder, "knee-to-chest")
    assert "(items 2 and 4); added another set as item 5." in builder.status.value


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


def test_write_handout_writes_html_and_pdf_and_offers_them_for_download(builder, tmp_path):
    """Write handout makes the HTML and the PDF in the builder's folder, says where, and links
    both as self-contained data: URLs (a file outside the server's root cannot be linked)."""
    builder.handout_button.click()
    assert "Add a stretch" in builder.status.value
    assert not list(tmp_path.glob("*.html"))
    add(builder, "knee-to-chest")
    builder.name.value = "Morning"
    builder.handout_button.click()
    html_path, pdf_path = tmp_path / "morning.html", tmp_path / "morning.pdf"
    assert "Double knee to chest" in html_path.read_text(encoding="utf-8")
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert f"Handout written to {tmp_path}: morning.html and morning.pdf." in builder.status.value
    links = dict(
        re.findall(
            r"download='([^']+)' href='data:[a-z/]+;base64,([^']+)'", builder.downloads.value
        )
    )
    assert base64.b64decode(links["morning.html"]) == html_path.read_bytes()
    assert base64.b64decode(links["morning.pdf"]) == pdf_path.read_bytes()
    assert "data:application/pdf;base64," in builder.downloads.value
    add(builder, "chin-tuck")  # the handout no longer fits the routine: no stale download
    assert builder.downloads.value == ""


def test_handouts_go_where_the_notebook_puts_them(catalog, tmp_path, monkeypatch):
    """With no folder given, the builder writes both files through write_handouts, the function
    the notebook calls, into the data folder's owner-only handouts folder."""
    from backstretch_kit import handout

    monkeypatch.setenv("BACKSTRETCH_DATA_DIR", str(tmp_path / "data"))
    calls = []
    real = handout.write_handouts

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(handout, "write_handouts", spy)
    monkeypatch.chdir(tmp_path)
    builder = RoutineBuilder(catalog, dpi=20)
    add(builder, "chin-tuck")
    builder.handout_button.click()
    folder = tmp_path / "data" / "handouts"
    assert sorted(p.name for p in folder.iterdir()) == ["my-routine.html", "my-routine.pdf"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert len(calls) == 1 and calls[0][1] is None  # the default folder, chosen in one place
    assert not list(tmp_path.glob("*.html")) and not list(tmp_path.glob("*.pdf"))
    assert str(folder) in builder.status.value


def test_notes_field_edits_the_routine_notes_the_handout_prints(catalog, tmp_path):
    """The ready routine's description is shown and can be changed; the handout prints the new
    one, not the old, and Load brings a saved routine's notes back into the field."""
    routine = load_routine("lower-back", catalog)
    old = routine.notes
    assert old
    builder = RoutineBuilder(routine=routine, folder=tmp_path, dpi=20)
    assert builder.notes.value == old
    seen = []
    builder.on_change.append(seen.append)
    builder.name.value = "Mrs Lee, week 1"
    builder.notes.value = "Gentle start: <b>stop</b> if the leg tingles."
    assert routine.notes == "Gentle start: <b>stop</b> if the leg tingles."
    assert seen[-1] is routine
    builder.handout_button.click()
    page = (tmp_path / "mrs-lee-week-1.html").read_text(encoding="utf-8")
    assert "Gentle start: &lt;b&gt;stop&lt;/b&gt; if the leg tingles." in page
    assert old[:40] not in page
    builder.save_button.click()
    builder.notes.value = ""
    assert routine.notes == ""
    builder.saved.value = str(tmp_path / "mrs-lee-week-1.json")
    builder.load_button.click()
    assert (
        builder.notes.value
        == builder.routine.notes
        == "Gentle start: <b>stop</b> if the leg tingles."
    )


def test_choices_filtered_by_a_secondary_area_say_both_areas(builder, catalog):
    """Filtered by hips and glutes, a lower back stretch that also works them says so, instead of
    looking as if it were listed by mistake; unfiltered, each says its main area."""
    builder.area.value = "hips and glutes"
    labels = dict((value, label) for label, value in builder.choices.options)
    secondary = [sid for sid in labels if catalog.loc[sid, "body_area"] != "hips and glutes"]
    assert secondary
    for sid, label in labels.items():
        row = catalog.loc[sid]
        if sid in secondary:
            assert label == f"{row['name']} ({row['body_area']}; also hips and glutes)"
        else:
            assert label == f"{row['name']} (hips and glutes)"
    builder.area.value = None
    for label, sid in builder.choices.options:
        assert label == f"{catalog.loc[sid, 'name']} ({catalog.loc[sid, 'body_area']})"


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
