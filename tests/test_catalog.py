"""The stretch catalog: the shipped data, the loader's checks, and the free-exercise-db importer."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import backstretch_kit as bk
from backstretch_kit.catalog import COLUMNS, CatalogError, load_stretches
from backstretch_kit.vocab import BODY_AREAS, CAUTIONS, DOSE_STYLES


@pytest.fixture(scope="module")
def stretches() -> pd.DataFrame:
    return load_stretches()


def _rows() -> list[dict[str, str]]:
    with bk._data.data_path("stretches.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]], columns=COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- the shipped catalog ---------------------------------------------------------------


def test_catalog_loads_with_tidy_dtypes(stretches):
    """The built-in catalog is indexed by id, with categoricals, floats, ints and lists."""
    assert stretches.index.name == "stretch_id"
    assert stretches.index.is_unique
    assert list(stretches.columns) == list(COLUMNS[1:])
    for column in ("body_area", "position", "movement", "sides", "dose_style", "level"):
        assert isinstance(stretches[column].dtype, pd.CategoricalDtype), column
        assert stretches[column].cat.ordered
    assert list(stretches["body_area"].cat.categories) == list(BODY_AREAS)
    assert list(stretches["dose_style"].cat.categories) == list(DOSE_STYLES)
    assert stretches["hold_s"].dtype == "float64"
    assert stretches["reps"].dtype == "int64"
    for column in ("secondary_areas", "equipment", "instructions", "cautions"):
        assert stretches[column].map(type).eq(list).all(), column


def test_catalog_covers_every_area_with_enough_stretches(stretches):
    """At least 40 stretches, and every body area of the vocabulary has some."""
    assert len(stretches) >= 40
    counts = stretches["body_area"].value_counts()
    assert (counts.reindex(list(BODY_AREAS)) >= 3).all(), counts


def test_required_stretches_have_their_doses(stretches):
    """The stretches the workbook is built around are there with the agreed doses."""
    knee = stretches.loc["knee-to-chest"]
    assert (knee.position, knee.hold_s, knee.reps) == ("lying", 15.0, 10)
    neck = stretches.loc["neck-to-opposite-knee"]
    assert (neck.body_area, neck.hold_s, neck.reps) == ("neck", 5.0, 5)
    bend = stretches.loc["seated-forward-bend"]
    assert bend.body_area == "lower back" and "hamstrings" in bend.secondary_areas
    assert "Paschimottanasana" in bend.source
    feet = stretches.loc["knees-to-shoulders-feet-lifted"]
    assert {feet.body_area, *feet.secondary_areas} >= {"mid back", "lower back"}
    head = stretches.loc["seated-upper-back-head-stretch"]
    assert head.position == "seated" and 10 <= head.hold_s <= 20
    chin = stretches.loc["chin-tuck"]
    assert (chin.hold_s, chin.reps) == (5.0, 8)


#: The stretches done as short holds repeated many times; the ACSM static-hold figures
#: do not apply to them, and every other stretch is a static hold.
REPEATED_MOVEMENTS = {
    "knee-to-chest",
    "neck-to-opposite-knee",
    "chin-tuck",
    "prone-press-up",
    "pelvic-tilt",
    "cat-stretch",
    "cow-stretch",
    "standing-back-extension",
}


def test_dose_style_marks_exactly_the_repeated_movements(stretches):
    """The repeated movements are exactly the agreed list; all the others are static holds."""
    style = stretches["dose_style"]
    assert set(style.index[style.eq("repeated movement")]) == REPEATED_MOVEMENTS
    assert style.drop(sorted(REPEATED_MOVEMENTS)).eq("static hold").all()
    assert style.notna().all()


def test_every_caution_tag_is_used(stretches):
    """Each tag of the caution vocabulary marks at least one stretch, so none is dead."""
    used = set(stretches["cautions"].explode().dropna())
    assert set(CAUTIONS) - used == set()


def test_cautions_for_the_body_and_conditions(stretches):
    """The tags that follow from the position: lying on the back, deep hip flexion, nerves."""
    tagged = {
        tag: {sid for sid, tags in stretches["cautions"].items() if tag in tags} for tag in CAUTIONS
    }
    on_back = {
        "foam-roller-chest-opener",
        "single-knee-to-chest",
        "knee-to-chest",
        "pelvic-tilt",
        "figure-four-stretch",
        "knee-across-body-glute-stretch",
        "lying-hamstring-strap",
        "doorway-hamstring",
        "foam-roller-thoracic-extension",
        "knees-to-shoulders-feet-lifted",
        "lying-spinal-twist",
        "edge-of-bed-hip-flexor",
    }
    assert on_back <= tagged["pregnancy"]
    assert {
        "pigeon-pose",
        "figure-four-stretch",
        "seated-figure-four",
        "knee-across-body-glute-stretch",
        "knee-to-chest",
        "single-knee-to-chest",
        "childs-pose",
        "edge-of-bed-hip-flexor",
    } <= tagged["hip replacement"]
    assert "seated-forward-bend" in tagged["nerve tension"]
    # the gentler choice for leg pain must not carry the tag it is the alternative to
    assert "lying-hamstring-strap" not in tagged["nerve tension"]
    for twist in ("thread-the-needle", "open-book", "seated-spinal-twist", "lying-spinal-twist"):
        assert {twist} <= tagged["end-range rotation"] & tagged["osteoporosis"], twist
    assert {"flexion", "balance"} <= set(stretches.at["edge-of-bed-hip-flexor", "cautions"])


#: Stretches that bring the head below the heart, so standing or sitting up can make
#: someone light-headed.
HEAD_DOWN = (
    "childs-pose",
    "extended-puppy-pose",
    "kneeling-lat-stretch-on-chair",
    "cat-stretch",
    "thread-the-needle",
    "seated-chair-forward-bend",
    "seated-forward-bend",
    "knees-to-shoulders-feet-lifted",
)


@pytest.mark.parametrize("stretch_id", HEAD_DOWN)
def test_head_down_stretches_end_with_the_dizziness_cue(stretches, stretch_id):
    """A stretch with the head below the heart says to come up slowly in its last step."""
    last = stretches.at[stretch_id, "instructions"][-1].lower()
    assert "come up slowly if you feel dizzy" in last


def test_wording_stays_gentle_and_makes_no_treatment_claims(stretches):
    """No stretch claims to treat sciatica, and no step urges going further."""
    for sid, row in stretches.iterrows():
        text = " ".join([row["name"], *row["instructions"], row["source"]]).lower()
        assert "sciatic" not in text, sid
        for pushy in ("a little further", "curl up", "as far as you can"):
            assert pushy not in text, (sid, pushy)
    bend = stretches.at["seated-forward-bend", "instructions"]
    assert any("strap" in step for step in bend)  # the gentler choice when a leg hurts
    assert stretches.at["doorway-chest-stretch", "secondary_areas"] == []
    twist = " ".join(stretches.at["seated-spinal-twist", "instructions"])
    assert "only as far as is comfortable" in twist
    edge = " ".join(stretches.at["edge-of-bed-hip-flexor", "instructions"])
    assert "roll back slowly" in edge and "roll onto your side" in edge


def test_every_stretch_that_rounds_the_lower_back_carries_the_flexion_caution(stretches):
    """Spinal flexion of the lower back always comes with the 'flexion' caution tag."""
    lower = stretches["body_area"].eq("lower back") | stretches["secondary_areas"].map(
        lambda areas: "lower back" in areas
    )
    rounding = stretches[stretches["movement"].eq("flexion") & lower]
    assert len(rounding) >= 5
    missing = [sid for sid, tags in rounding["cautions"].items() if "flexion" not in tags]
    assert missing == []
    assert set(stretches["cautions"].explode().dropna()) <= set(CAUTIONS)


def test_instructions_are_plain_steps(stretches):
    """Each stretch has 3 to 6 unnumbered steps a patient can follow."""
    for sid, steps in stretches["instructions"].items():
        assert 3 <= len(steps) <= 6, sid
        assert not any(step[:2].rstrip(".").isdigit() for step in steps), sid


def test_load_from_another_working_directory(monkeypatch, tmp_path):
    """The shipped catalog loads whatever the current folder is (as in a notebook)."""
    monkeypatch.chdir(tmp_path)
    assert len(bk.load_stretches()) >= 40


def test_own_catalog_round_trips(tmp_path, stretches):
    """A user's catalog with the same columns loads through the same path."""
    rows = _rows()[:3]
    own = load_stretches(_write(tmp_path / "mine.csv", rows))
    assert list(own.index) == [r["stretch_id"] for r in rows]
    pd.testing.assert_frame_equal(own, stretches.iloc[:3])


# --- bad catalogs ----------------------------------------------------------------------


def _bad(tmp_path: Path, row_number: int, **changes: str) -> CatalogError:
    rows = _rows()[:4]
    rows[row_number - 2].update(changes)
    path = _write(tmp_path / "bad.csv", rows)
    with pytest.raises(CatalogError) as info:
        load_stretches(path)
    message = str(info.value)
    assert str(path) in message
    assert f"row {row_number}" in message
    return info.value


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("body_area", "shoulder blades", "is not one of"),
        ("position", "upside down", "is not one of"),
        ("movement", "wiggle", "is not one of"),
        ("sides", "left", "is not one of"),
        ("dose_style", "stretch", "is not one of"),
        ("dose_style", "", "is not one of"),
        ("secondary_areas", "neck;toes", "is not one of"),
        ("cautions", "flexion;dizziness", "is not one of"),
        ("cautions", "recent surgery", "is not one of"),
        ("hold_s", "thirty", "is not a number"),
        ("hold_s", "0", "must be more than zero"),
        ("hold_s", "-10", "must be more than zero"),
        ("hold_s", "601", "absurdly large"),
        ("hold_s", "nan", "is not a number"),
        ("reps", "2.5", "whole number"),
        ("rest_s", "-1", "must not be negative"),
        ("stretch_id", "Knee To Chest", "is not a slug"),
        ("name", "", "is empty"),
        ("instructions", "  ", "is empty"),
    ],
)
def test_bad_cell_names_file_row_column_and_value(tmp_path, column, value, why):
    """Each kind of bad cell is refused with the file, row, column and value named."""
    message = str(_bad(tmp_path, 3, **{column: value}))
    assert f"column {column}" in message
    assert why in message
    if value.strip() and column != "secondary_areas" and column != "cautions":
        assert repr(value.strip()) in message


def test_duplicate_id_names_both_rows(tmp_path):
    """A repeated stretch_id is refused, naming the row that used it first."""
    rows = _rows()[:3]
    rows[2]["stretch_id"] = rows[0]["stretch_id"]
    with pytest.raises(CatalogError, match=r"row 4, column stretch_id: duplicate id .*row 2"):
        load_stretches(_write(tmp_path / "dup.csv", rows))


def test_missing_and_unknown_columns(tmp_path):
    """A missing column and an unknown column are both named in the header error."""
    columns = [c for c in COLUMNS if c != "reps"] + ["colour"]
    rows = [dict(r, colour="red") for r in _rows()[:2]]
    with pytest.raises(CatalogError) as info:
        load_stretches(_write(tmp_path / "cols.csv", rows, columns))
    message = str(info.value)
    assert "row 1" in message and "missing column(s): reps" in message and "'colour'" in message


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    """Several bad rows are all reported in one error, so a user fixes them in one pass."""
    rows = _rows()[:4]
    rows[0]["hold_s"] = "abc"
    rows[3]["position"] = "floating"
    with pytest.raises(CatalogError) as info:
        load_stretches(_write(tmp_path / "two.csv", rows))
    assert "2 problems" in str(info.value)
    assert "row 2, column hold_s" in str(info.value) and "row 5, column position" in str(info.value)


def test_empty_file_and_header_only(tmp_path):
    """An empty file and a header with no rows are both refused, not returned as empty tables."""
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CatalogError, match="empty"):
        load_stretches(empty)
    header_only = _write(tmp_path / "header.csv", [])
    with pytest.raises(CatalogError, match="no stretches"):
        load_stretches(header_only)


def test_wrong_encoding_is_named(tmp_path):
    """A catalog saved in Latin-1 instead of UTF-8 gets an encoding error, not mojibake."""
    rows = _rows()[:2]
    rows[0]["name"] = "Étirement du dos"
    path = tmp_path / "latin1.csv"
    text = path.with_suffix(".tmp")
    _write(text, rows)
    path.write_bytes(text.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(CatalogError, match=r"not UTF-8 .*0xc9"):
        load_stretches(path)


def test_missing_file_and_ragged_row(tmp_path):
    """A path that does not exist, and a row with more cells than the header, are named."""
    with pytest.raises(CatalogError, match="no such file"):
        load_stretches(tmp_path / "nope.csv")
    path = _write(tmp_path / "ragged.csv", _rows()[:2])
    path.write_text(path.read_text() + "x,y,z," + ",".join(["extra"] * 20) + "\n")
    with pytest.raises(CatalogError, match="row 4: 23 cells but the header has 16"):
        load_stretches(path)


def test_catalog_error_is_a_value_error():
    """CatalogError is a ValueError, so generic handlers still catch it."""
    assert issubclass(bk.CatalogError, ValueError)


def test_filter_stretches_by_area_includes_secondary_areas_and_hides_cautions():
    """An area matches main or secondary areas; hidden caution tags leave those rows out."""
    from backstretch_kit.catalog import NO_EQUIPMENT, filter_stretches

    catalog = load_stretches()
    hips = filter_stretches(catalog, area="hips and glutes")
    assert "knee-to-chest" in hips.index  # lower back, with hips as a secondary area
    assert all(
        row["body_area"] == "hips and glutes" or "hips and glutes" in row["secondary_areas"]
        for _, row in hips.iterrows()
    )
    no_flexion = filter_stretches(catalog, hidden_cautions={"flexion"})
    assert not any("flexion" in tags for tags in no_flexion["cautions"])
    bare = filter_stretches(catalog, equipment=NO_EQUIPMENT)
    assert len(bare) and all(not kit for kit in bare["equipment"])
