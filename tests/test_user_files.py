"""Files a user brings: whatever is at the path, the module's own error, naming the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from backstretch_kit.catalog import CatalogError, load_stretches
from backstretch_kit.catalog_import import import_free_exercise_db
from backstretch_kit.routine import Routine, RoutineError
from backstretch_kit.user_files import check_header, parse_json, read_text

DEEP = "[" * 100_000 + "]" * 100_000
BIG_INT = "[" + "9" * 5000 + "]"

#: (loader, its error class) for the three kinds of file a person hands the workbook
LOADERS = {
    "catalog": (load_stretches, CatalogError),
    "routine": (Routine.load, RoutineError),
    "free-exercise-db": (import_free_exercise_db, CatalogError),
}


class Boom(ValueError):
    pass


@pytest.mark.parametrize("kind", LOADERS)
def test_a_folder_is_refused_by_name(tmp_path: Path, kind: str):
    """A folder where a file should be: 'is a folder', not IsADirectoryError."""
    load, error = LOADERS[kind]
    with pytest.raises(error, match=f"{tmp_path}.*is a folder"):
        load(tmp_path)


@pytest.mark.parametrize("kind", LOADERS)
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path, kind: str):
    """A FIFO with no writer would block a read forever: it is refused at once."""
    load, error = LOADERS[kind]
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(error, match="not a regular file"):
        load(fifo)


@pytest.mark.parametrize("kind", LOADERS)
def test_a_device_is_refused_rather_than_read_until_memory_runs_out(kind: str):
    """/dev/zero never ends: it is refused as not a regular file."""
    load, error = LOADERS[kind]
    with pytest.raises(error, match="/dev/zero.*not a regular file"):
        load("/dev/zero")


@pytest.mark.parametrize("kind", ["routine", "free-exercise-db"])
@pytest.mark.parametrize(
    ("text", "words"), [(DEEP, "nested too deeply"), (BIG_INT, "cannot be read")]
)
def test_hostile_json_is_a_clear_error(tmp_path: Path, kind: str, text: str, words: str):
    """Deep nesting (RecursionError) and 5000-digit integers (ValueError) become our error."""
    load, error = LOADERS[kind]
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error, match=f"hostile.json.*{words}"):
        load(path)


def test_a_catalog_cell_over_the_csv_limit_names_its_row(tmp_path: Path):
    """A 200,000-character cell (over csv's field limit) is a CatalogError at row 2."""
    shipped = Path(load_stretches.__code__.co_filename).parents[1] / "data" / "stretches.csv"
    header, first = shipped.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "big.csv"
    path.write_text(header + "\n" + first.replace("Neck side bend", "N" * 200_000) + "\n")
    with pytest.raises(CatalogError, match=r"big.csv, row 2: cannot be read as CSV"):
        load_stretches(path)


def test_a_long_bad_value_is_shortened_in_the_message(tmp_path: Path):
    """A 5000-digit hold is named, but not printed in full."""
    shipped = Path(load_stretches.__code__.co_filename).parents[1] / "data" / "stretches.csv"
    header, first = shipped.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "digits.csv"
    path.write_text(header + "\n" + first.replace(",20,2,10,", "," + "9" * 5000 + ",2,10,"))
    with pytest.raises(CatalogError, match="column hold_s") as caught:
        load_stretches(path)
    assert len(str(caught.value)) < 400


def test_a_bom_from_excel_is_accepted_and_never_shown(tmp_path: Path):
    """A UTF-8 byte-order mark is dropped: the file loads, and errors show no invisible mark."""
    path = tmp_path / "routine.json"
    routine = Routine.from_stretches(["chin-tuck"], name="Desk")
    path.write_text("\ufeff" + json.dumps(routine.to_dict()), encoding="utf-8")
    assert Routine.load(path) == routine
    broken = tmp_path / "broken.json"
    broken.write_text("\ufeff{", encoding="utf-8")
    with pytest.raises(RoutineError) as caught:
        Routine.load(broken)
    assert "\ufeff" not in str(caught.value)


def test_read_text_refuses_a_file_over_its_limit(tmp_path: Path):
    """The size cap holds before decoding: 2 kB against a 1 kB limit is refused."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(Boom, match="larger than"):
        read_text(path, Boom, what="a test file", limit_bytes=1024)
    assert read_text(path, Boom, what="a test file", limit_bytes=4096) == "x" * 2048


def test_read_text_names_non_utf8_bytes(tmp_path: Path):
    """Latin-1 bytes are refused with the byte and its position."""
    path = tmp_path / "latin.txt"
    path.write_bytes("café".encode("latin-1"))
    with pytest.raises(Boom, match="0xe9 at position 3"):
        read_text(path, Boom, what="a test file")


def test_parse_json_keeps_the_line_and_column():
    """A syntax error says where."""
    with pytest.raises(Boom, match="line 2, column 1"):
        parse_json('{"a": 1,\n}', Boom)


def test_wrong_types_in_an_exercise_list_are_named(tmp_path: Path):
    """A list where text belongs (or text where a list belongs) names the exercise and field."""
    path = tmp_path / "exercises.json"
    entry = {"id": "x", "name": "X", "category": "stretching", "primaryMuscles": "hamstrings",
             "instructions": ["Sit."]}  # fmt: skip
    path.write_text(json.dumps([entry]))
    with pytest.raises(CatalogError, match="exercise 1, field primaryMuscles: must be a list"):
        import_free_exercise_db(path)


class Refused(ValueError):
    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message)
        self.field = field


HEADER = ("format", "version", "name")


@pytest.mark.parametrize(
    "document, field, words",
    [
        ([1, 2], None, "a routine file holds a JSON object, got list"),
        ({"format": "backstretch-routine", "version": 1, "hold": 3}, "hold", "unknown field"),
        ({"format": "backstretch-program", "version": 1}, "format", "is not a backstretch routine"),
        ({"format": "backstretch-routine", "version": 2}, "version", "reads version 1"),
        ({"format": "backstretch-routine", "version": True}, "version", "version True"),
        ({"format": "backstretch-routine"}, "version", "version None"),
    ],
)
def test_check_header_names_the_field_of_what_is_wrong(document, field, words):
    """Not an object, an unknown field, another format, another version (True is not 1)."""
    with pytest.raises(Refused, match=words) as refused:
        check_header(document, "routine", "backstretch-routine", 1, HEADER, Refused)
    assert refused.value.field == field


def test_check_header_passes_a_good_document_back():
    """A document of the right format and version comes back as it was."""
    document = {"format": "backstretch-routine", "version": 1, "name": "Neck"}
    assert check_header(document, "routine", "backstretch-routine", 1, HEADER, Refused) is document
