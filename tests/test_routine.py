"""Tests for backstretch_kit.routine: items, editing, timing, files and shipped routines."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from backstretch_kit import vocab
from backstretch_kit.routine import (
    PHASES,
    Routine,
    RoutineError,
    RoutineItem,
    load_routine,
    ready_routines,
)


def tiny_catalog() -> pd.DataFrame:
    """A three-stretch catalog with the columns of load_stretches()."""
    rows = [
        ("knee-to-chest", "Double knee to chest", "lower back", "lying", "flexion",
         "both together", 15.0, 10, 5.0, ["flexion", "osteoporosis"]),
        ("neck-side-bend", "Neck side bend", "neck", "seated", "side bend",
         "each side", 20.0, 2, 10.0, []),
        ("figure-four-stretch", "Figure four", "hips and glutes", "lying", "neutral",
         "each side", 30.0, 2, 10.0, []),
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["stretch_id", "name", "body_area", "position", "movement", "sides",
                 "hold_s", "reps", "rest_s", "cautions"],
    ).set_index("stretch_id")  # fmt: skip
    frame["body_area"] = pd.Categorical(
        frame["body_area"], categories=vocab.BODY_AREAS, ordered=True
    )
    frame["sides"] = pd.Categorical(frame["sides"], categories=vocab.SIDES, ordered=True)
    frame["secondary_areas"] = [[] for _ in rows]
    frame["level"] = "beginner"
    frame["equipment"] = [[] for _ in rows]
    frame["instructions"] = [["Lie down.", "Hold gently."] for _ in rows]
    frame["source"] = "test"
    return frame


@pytest.fixture
def catalog() -> pd.DataFrame:
    return tiny_catalog()


def item(stretch_id: str = "knee-to-chest", **dose: object) -> RoutineItem:
    values = {"hold_s": 10.0, "reps": 2, "sides": "both together", "rest_s": 5.0, **dose}
    return RoutineItem(stretch_id, **values)  # type: ignore[arg-type]


# -- items ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("hold_s", 0, "positive"),
        ("hold_s", -5, "positive"),
        ("hold_s", 7200, "limit"),
        ("hold_s", "30", "number"),
        ("hold_s", float("nan"), "finite"),
        ("reps", 0, "1 to 50"),
        ("reps", 500, "1 to 50"),
        ("reps", 2.5, "whole"),
        ("reps", True, "whole"),
        ("rest_s", -1, "negative"),
        ("rest_s", 601, "limit"),
        ("sides", "left only", "each side"),
    ],
)
def test_item_refuses_bad_dose(field: str, value: object, words: str) -> None:
    """A bad dose fails on creation, naming the stretch, the field and the reason."""
    with pytest.raises(RoutineError) as caught:
        item(**{field: value})
    message = str(caught.value)
    assert "knee-to-chest" in message
    assert repr(field) in message
    assert words in message
    assert caught.value.field == field


def test_item_normalises_numbers() -> None:
    """Whole-number floats for reps become int and seconds become float."""
    made = item(hold_s=30, reps=3.0, rest_s=0)
    assert made.reps == 3 and isinstance(made.reps, int)
    assert isinstance(made.hold_s, float) and isinstance(made.rest_s, float)


# -- building and editing -----------------------------------------------------------------
def test_from_stretches_takes_catalog_dose_and_overrides(catalog: pd.DataFrame) -> None:
    """from_stretches uses the catalog's dose unless a dose is given for every item."""
    plain = Routine.from_stretches(["knee-to-chest", "neck-side-bend"], catalog=catalog)
    assert plain[0] == RoutineItem("knee-to-chest", 15.0, 10, "both together", 5.0)
    assert plain[1].sides == "each side"
    dosed = Routine.from_stretches(["knee-to-chest"], catalog=catalog, hold_s=30, reps=2)
    assert (dosed[0].hold_s, dosed[0].reps, dosed[0].rest_s) == (30.0, 2, 5.0)


def test_unknown_stretch_is_named(catalog: pd.DataFrame) -> None:
    """An unknown stretch id raises RoutineError naming it."""
    with pytest.raises(RoutineError, match="no-such-stretch"):
        Routine.from_stretches(["knee-to-chest", "no-such-stretch"], catalog=catalog)
    with pytest.raises(RoutineError, match="item 2 \\(made-up\\)"):
        Routine("r", [item(), item("made-up")], catalog=catalog)


def test_add_remove_move_change(catalog: pd.DataFrame) -> None:
    """Editing keeps order as asked and returns what was removed or changed."""
    routine = Routine.from_stretches(["knee-to-chest"], catalog=catalog)
    routine.add("neck-side-bend")
    routine.add("figure-four-stretch", position=0, hold_s=45)
    assert [i.stretch_id for i in routine] == [
        "figure-four-stretch",
        "knee-to-chest",
        "neck-side-bend",
    ]
    assert routine[0].hold_s == 45.0
    routine.move("neck-side-bend", 0)
    assert [i.stretch_id for i in routine][0] == "neck-side-bend"
    routine.move(0, 2)
    assert [i.stretch_id for i in routine] == [
        "figure-four-stretch",
        "knee-to-chest",
        "neck-side-bend",
    ]
    changed = routine.change(1, hold_s=30, reps=2, note="Go gently.")
    assert routine[1] == changed and changed.note == "Go gently."
    removed = routine.remove("knee-to-chest")
    assert removed == changed and len(routine) == 2
    assert routine.remove(-1).stretch_id == "neck-side-bend"


def test_edit_errors_name_the_problem(catalog: pd.DataFrame) -> None:
    """Bad edits raise RoutineError naming the item or field."""
    routine = Routine.from_stretches(["knee-to-chest", "neck-side-bend"], catalog=catalog)
    with pytest.raises(RoutineError, match="item 2 \\(neck-side-bend\\): field 'reps'"):
        routine.change(1, reps=0)
    with pytest.raises(RoutineError, match="colour"):
        routine.change(0, colour="red")
    with pytest.raises(RoutineError, match="position 5"):
        routine.remove(5)
    with pytest.raises(RoutineError, match="'pigeon-pose' is not in"):
        routine.remove("pigeon-pose")
    with pytest.raises(RoutineError, match="position 7"):
        routine.move(0, 7)


def test_equality_on_content_not_catalog_object(catalog: pd.DataFrame) -> None:
    """Routines are equal when their content is, whatever catalog object they hold."""
    one = Routine.from_stretches(["knee-to-chest"], catalog=catalog, name="A")
    two = Routine.from_stretches(["knee-to-chest"], catalog=tiny_catalog(), name="A")
    assert one == two
    two.change(0, hold_s=16)
    assert one != two
    assert one != Routine.from_stretches(["knee-to-chest"], catalog=catalog, name="B")


def test_repr_names_count_and_time(catalog: pd.DataFrame) -> None:
    """The repr shows the name, the number of items and the total time."""
    routine = Routine("Evening", [item(hold_s=30, reps=2, rest_s=10)], catalog=catalog)
    assert repr(routine) == "Routine('Evening', 1 item, 1 min 15 s)"


# -- timing -------------------------------------------------------------------------------
def test_exact_schedule_of_a_tiny_routine(catalog: pd.DataFrame) -> None:
    """A two-item routine plays exactly the phases spelled out here."""
    routine = Routine(
        "tiny",
        [
            item("knee-to-chest", hold_s=10, reps=2, rest_s=5),
            item("neck-side-bend", hold_s=20, reps=1, sides="each side", rest_s=10),
        ],
        catalog=catalog,
        get_ready_s=3,
        switch_s=4,
        transition_s=6,
    )
    got = routine.schedule()
    expected = [
        # phase, item, side, rep, reps, seconds, start_s
        ("get ready", 0, "both", 1, 2, 3.0, 0.0),
        ("hold", 0, "both", 1, 2, 10.0, 3.0),
        ("rest", 0, "both", 2, 2, 5.0, 13.0),
        ("hold", 0, "both", 2, 2, 10.0, 18.0),
        ("next stretch", 1, "left", 1, 1, 6.0, 28.0),
        ("hold", 1, "left", 1, 1, 20.0, 34.0),
        ("switch side", 1, "right", 1, 1, 4.0, 54.0),
        ("hold", 1, "right", 1, 1, 20.0, 58.0),
    ]
    columns = ["phase", "item", "side", "rep", "reps", "seconds", "start_s"]
    assert list(got[columns].itertuples(index=False, name=None)) == expected
    assert list(got.columns) == [
        "phase", "item", "stretch_id", "name", "body_area",
        "side", "rep", "reps", "seconds", "start_s",
    ]  # fmt: skip
    assert got["name"].tolist()[-1] == "Neck side bend"
    assert got["body_area"].tolist()[:4] == ["lower back"] * 4
    assert routine.total_seconds() == 78.0


def test_schedule_dtypes_follow_the_contract(catalog: pd.DataFrame) -> None:
    """phase and body_area are ordered categoricals over the full vocabularies."""
    frame = Routine.from_stretches(["neck-side-bend"], catalog=catalog).schedule()
    assert isinstance(frame["phase"].dtype, pd.CategoricalDtype)
    assert frame["phase"].cat.ordered and tuple(frame["phase"].cat.categories) == PHASES
    assert tuple(frame["body_area"].cat.categories) == vocab.BODY_AREAS
    assert frame["seconds"].dtype == float and frame["start_s"].dtype == float
    assert frame["item"].dtype.kind == "i" and frame["rep"].dtype.kind == "i"


def test_each_side_holds_every_rep_on_each_side(catalog: pd.DataFrame) -> None:
    """An each-side stretch holds reps times on the left, then reps times on the right."""
    routine = Routine(
        "sides", [item("figure-four-stretch", sides="each side", reps=3)], catalog=catalog
    )
    holds = routine.schedule().query("phase == 'hold'")
    assert holds["side"].tolist() == ["left"] * 3 + ["right"] * 3
    assert holds["rep"].tolist() == [1, 2, 3, 1, 2, 3]
    frame = routine.schedule()
    assert (frame["phase"] == "switch side").sum() == 1
    assert (frame["phase"] == "rest").sum() == 4  # two per side, none after the last hold


def test_zero_rest_and_single_rep(catalog: pd.DataFrame) -> None:
    """Zero rest leaves out rest phases; a single rep has no rest at all."""
    zero = Routine("z", [item(reps=3, rest_s=0)], catalog=catalog).schedule()
    assert zero["phase"].tolist() == ["get ready", "hold", "hold", "hold"]
    single = Routine("s", [item(reps=1, rest_s=30)], catalog=catalog).schedule()
    assert single["phase"].tolist() == ["get ready", "hold"]
    assert single["seconds"].sum() == 15.0


def test_zero_pauses_are_left_out(catalog: pd.DataFrame) -> None:
    """Setting get ready, switch and transition to zero removes those phases."""
    routine = Routine(
        "bare",
        [item(reps=1), item("neck-side-bend", reps=1, sides="each side")],
        catalog=catalog,
        get_ready_s=0,
        switch_s=0,
        transition_s=0,
    )
    assert set(routine.schedule()["phase"]) == {"hold"}
    assert routine.total_seconds() == 30.0


def test_empty_routine_has_empty_schedule(catalog: pd.DataFrame) -> None:
    """A routine with no items has no phases and takes no time."""
    routine = Routine("empty", [], catalog=catalog)
    assert routine.schedule().empty and routine.total_seconds() == 0.0
    assert routine.time_by_area()["total_s"].sum() == 0.0


def test_total_equals_schedule_sum_with_awkward_numbers(catalog: pd.DataFrame) -> None:
    """total_seconds() equals the schedule's sum exactly, even with fractional seconds."""
    routine = Routine(
        "odd",
        [
            item(hold_s=10.1, reps=3, rest_s=0.7),
            item("neck-side-bend", hold_s=12.3, reps=2, sides="each side", rest_s=0.1),
        ]
        * 20,
        catalog=catalog,
        get_ready_s=0.3,
        switch_s=1.1,
        transition_s=2.2,
    )
    frame = routine.schedule()
    assert routine.total_seconds() == frame["seconds"].sum()
    last = frame.iloc[-1]
    assert last["start_s"] + last["seconds"] == pytest.approx(routine.total_seconds())


def test_time_by_area_covers_every_area_and_sums(catalog: pd.DataFrame) -> None:
    """time_by_area lists all areas in order and its totals add up to total_seconds."""
    routine = Routine(
        "areas",
        [item(hold_s=10, reps=2, rest_s=5), item("neck-side-bend", sides="each side", reps=1)],
        catalog=catalog,
    )
    table = routine.time_by_area()
    assert list(table.index) == list(vocab.BODY_AREAS)
    assert list(table.columns) == ["hold_s", "other_s", "total_s"]
    assert table.loc["lower back", "hold_s"] == 20.0
    assert table.loc["lower back", "other_s"] == 10.0  # get ready 5 + rest 5
    assert table.loc["neck", "hold_s"] == 20.0
    assert table.loc["neck", "other_s"] == 15.0  # next stretch 10 + switch 5
    assert table.loc["hamstrings", "total_s"] == 0.0
    assert table["total_s"].sum() == pytest.approx(routine.total_seconds())
    assert (table["hold_s"] + table["other_s"]).equals(table["total_s"])


# -- files --------------------------------------------------------------------------------
def test_save_load_round_trip(tmp_path: Path, catalog: pd.DataFrame) -> None:
    """save then load gives an equal routine, and the file is stable, indented JSON."""
    routine = Routine(
        "Round trip ✓",
        [item(note="Slowly, please."), item("neck-side-bend", sides="each side")],
        notes="Twice a day",
        catalog=catalog,
        switch_s=3,
    )
    path = routine.save(tmp_path / "r.json")
    again = Routine.load(path, catalog=catalog)
    assert again == routine
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": "backstretch-routine",\n  "version": 1,')
    assert "Round trip ✓" in text  # readable, not \\u-escaped
    assert list(json.loads(text)) == ["format", "version", "name", "notes", "timing", "items"]
    assert "note" not in json.loads(text)["items"][1]  # empty notes stay out of the diff
    again.save(tmp_path / "r2.json")
    assert (tmp_path / "r2.json").read_text(encoding="utf-8") == text
    assert load_routine(path, catalog=catalog) == routine


def test_missing_dose_in_file_comes_from_catalog(tmp_path: Path, catalog: pd.DataFrame) -> None:
    """A hand-written item without a dose takes the catalog's."""
    path = tmp_path / "hand.json"
    path.write_text(
        json.dumps(
            {
                "format": "backstretch-routine",
                "version": 1,
                "name": "By hand",
                "items": [{"stretch_id": "knee-to-chest", "hold_s": 20}],
            }
        )
    )
    routine = Routine.load(path, catalog=catalog)
    assert routine[0] == RoutineItem("knee-to-chest", 20.0, 10, "both together", 5.0)
    assert routine.get_ready_s == 5.0


def _good_document() -> dict:
    return {
        "format": "backstretch-routine",
        "version": 1,
        "name": "Good",
        "notes": "",
        "timing": {"get_ready_s": 5, "switch_s": 5, "transition_s": 10},
        "items": [
            {"stretch_id": "neck-side-bend", "hold_s": 20, "reps": 2,
             "sides": "each side", "rest_s": 10},
            {"stretch_id": "knee-to-chest", "hold_s": 30, "reps": 2,
             "sides": "both together", "rest_s": 10},
        ],
    }  # fmt: skip


def _set(document: dict, dotted: str, value: object) -> dict:
    target = document
    *parts, last = dotted.split(".")
    for part in parts:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return document


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        ("format", "something-else", ["field 'format'"]),
        ("version", 2, ["field 'version'", "version 2"]),
        ("version", "1", ["field 'version'"]),
        ("items.1.stretch_id", "knee-to-nose", ["item 2 (knee-to-nose)", "field 'stretch_id'"]),
        ("items.1.hold_s", 0, ["item 2 (knee-to-chest)", "field 'hold_s'", "positive"]),
        ("items.1.hold_s", -10, ["item 2 (knee-to-chest)", "field 'hold_s'"]),
        ("items.1.hold_s", "thirty", ["item 2 (knee-to-chest)", "field 'hold_s'"]),
        ("items.1.hold_s", 7200, ["item 2 (knee-to-chest)", "field 'hold_s'", "7200"]),
        ("items.0.reps", 500, ["item 1 (neck-side-bend)", "field 'reps'", "500"]),
        ("items.0.reps", 0, ["item 1 (neck-side-bend)", "field 'reps'"]),
        ("items.0.rest_s", -1, ["item 1 (neck-side-bend)", "field 'rest_s'"]),
        ("items.0.sides", "one side", ["item 1 (neck-side-bend)", "field 'sides'"]),
        ("items.0.hold", 30, ["item 1 (neck-side-bend)", "'hold'", "refused"]),
        ("colour", "blue", ["'colour'", "refused"]),
        ("timing.warmup_s", 3, ["'warmup_s'", "refused"]),
        ("timing.switch_s", -2, ["field 'switch_s'"]),
        ("name", "", ["field 'name'"]),
        ("items", {"a": 1}, ["field 'items'"]),
    ],
)
def test_bad_files_name_file_item_and_field(
    tmp_path: Path, catalog: pd.DataFrame, where: str, value: object, expected: list[str]
) -> None:
    """Each kind of bad routine file raises RoutineError naming the file, item and field."""
    path = tmp_path / "bad-routine.json"
    path.write_text(json.dumps(_set(_good_document(), where, value)))
    with pytest.raises(RoutineError) as caught:
        Routine.load(path, catalog=catalog)
    message = str(caught.value)
    assert str(path) in message
    for words in expected:
        assert words in message
    assert caught.value.path == str(path)


def test_item_missing_stretch_id(tmp_path: Path, catalog: pd.DataFrame) -> None:
    """An item without a stretch id names the item number and the field."""
    document = _good_document()
    del document["items"][0]["stretch_id"]
    path = tmp_path / "no-id.json"
    path.write_text(json.dumps(document))
    with pytest.raises(RoutineError, match="item 1: field 'stretch_id'"):
        Routine.load(path, catalog=catalog)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, catalog: pd.DataFrame, content: bytes, words: str
) -> None:
    """Files that are not a JSON object raise RoutineError naming the file."""
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(RoutineError, match=words) as caught:
        Routine.load(path, catalog=catalog)
    assert "broken.json" in str(caught.value)


# -- shipped routines (real catalog) -----------------------------------------------------
def test_ready_routines_load_against_the_real_catalog() -> None:
    """Every shipped routine loads, and the three promised ones are there."""
    shipped = ready_routines()
    assert {"lower-back", "neck-and-upper-back", "desk-break"} <= set(shipped)
    for name, path in shipped.items():
        routine = load_routine(path)
        assert len(routine) >= 3, name
        assert load_routine(name) == routine


def test_shipped_routines_fit_their_promises() -> None:
    """Lower back uses knee-to-chest, neck one covers neck and upper back, desk break < 5 min."""
    lower = load_routine("lower-back")
    lower_ids = [i.stretch_id for i in lower]
    assert "knee-to-chest" in lower_ids
    assert lower.time_by_area().loc["lower back", "hold_s"] > 0
    # balanced: forward bends and twists are at most half of it, with an extension in it
    movement = lower.catalog.loc[lower_ids, "movement"]
    assert movement.isin(["flexion", "rotation"]).sum() * 2 <= len(lower)
    assert (movement == "extension").any()
    notes = lower.notes.lower()
    assert "bending forward makes your pain worse" in notes
    assert "sphinx" in notes and "press-up" in notes
    neck_routine = load_routine("neck-and-upper-back")
    neck_ids = {i.stretch_id for i in neck_routine}
    assert {"neck-to-opposite-knee", "seated-upper-back-head-stretch"} <= neck_ids
    neck = neck_routine.time_by_area()
    assert neck.loc["neck", "hold_s"] > 0 and neck.loc["upper back", "hold_s"] > 0
    desk = load_routine("desk-break")
    assert desk.total_seconds() < 300
    chin = next(i for i in desk if i.stretch_id == "chin-tuck")
    assert (chin.hold_s, chin.reps) == (5.0, 8)


def test_shipped_routines_follow_the_catalog_doses() -> None:
    """Repeated movements keep the catalog dose; static holds stay in the ACSM ranges.

    Per body area, the static holds add up to 45-90 s (hold x reps, once per side), or
    the area has only repeated movements, which do not count toward it.
    """
    for name, path in ready_routines().items():
        routine = load_routine(path)
        catalog = routine.catalog
        held: dict[str, float] = {}
        for item in routine:
            row = catalog.loc[item.stretch_id]
            if row["dose_style"] == "repeated movement":
                assert (item.hold_s, item.reps) == (row["hold_s"], row["reps"]), (name, item)
                continue
            assert 10 <= item.hold_s <= 30 and 2 <= item.reps <= 4, (name, item)
            area = str(row["body_area"])
            held[area] = held.get(area, 0.0) + item.hold_s * item.reps
        for area, seconds in held.items():
            assert 45 <= seconds <= 90, (name, area, seconds)


def test_shipped_files_are_in_saved_form() -> None:
    """Shipped files are exactly what save() writes, so edits diff cleanly."""
    for path in ready_routines().values():
        routine = load_routine(path)
        expected = json.dumps(routine.to_dict(), indent=2, ensure_ascii=False) + "\n"
        assert path.read_text(encoding="utf-8") == expected, path.name
