"""The vocabularies and limits of ``vocab``: well formed, and the ones the package uses."""

from __future__ import annotations

import csv
import re

import pytest

from backstretch_kit import vocab
from backstretch_kit._data import data_path

#: Every vocabulary, by name; each is an ordered tuple of words.
VOCABULARIES = {
    name: getattr(vocab, name)
    for name in (
        "BODY_AREAS", "POSITIONS", "MOVEMENTS", "SIDES", "PHASE_KINDS", "DOSE_STYLES",
        "LEVELS", "EQUIPMENT", "CAUTIONS",
    )
}  # fmt: skip

#: Catalog columns holding one word of a vocabulary, and those holding a ";" list of them.
ONE_WORD = {
    "body_area": "BODY_AREAS", "position": "POSITIONS", "movement": "MOVEMENTS",
    "sides": "SIDES", "dose_style": "DOSE_STYLES", "level": "LEVELS",
}  # fmt: skip
WORD_LISTS = {"secondary_areas": "BODY_AREAS", "equipment": "EQUIPMENT", "cautions": "CAUTIONS"}


def _catalog_rows() -> list[dict[str, str]]:
    """The shipped catalog as the CSV has it, before the loader checks anything."""
    with data_path("stretches.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_each_vocabulary_is_a_tuple_of_distinct_tidy_words(name):
    """No repeats, no blanks, no stray spaces or capitals: CSV cells and widgets match them."""
    words = VOCABULARIES[name]
    assert isinstance(words, tuple) and words, name
    assert len(set(words)) == len(words), f"{name} repeats a word"
    for word in words:
        assert isinstance(word, str) and word == word.strip() and word, (name, word)
        assert word == word.lower() and ";" not in word and "|" not in word, (name, word)


def test_all_lists_every_vocabulary_and_limit():
    """``__all__`` is exactly the module's upper-case names, so none is hidden or stale."""
    defined = {name for name in vars(vocab) if name.isupper()}
    assert set(vocab.__all__) == defined
    assert len(vocab.__all__) == len(set(vocab.__all__))


def test_area_colours_cover_exactly_the_body_areas_in_order():
    """One colour per area, head to toe, each a distinct ``#RRGGBB``."""
    assert tuple(vocab.AREA_COLOURS) == vocab.BODY_AREAS
    colours = [colour.upper() for colour in vocab.AREA_COLOURS.values()]
    for colour in colours:
        assert re.fullmatch(r"#[0-9A-F]{6}", colour), colour
    assert len(set(colours)) == len(colours), "two areas share a colour"


def test_the_catalog_uses_only_vocabulary_words():
    """Every cell of data/stretches.csv that names a vocabulary word names one that exists."""
    rows = _catalog_rows()
    assert rows
    for row in rows:
        where = row["stretch_id"]
        for column, name in ONE_WORD.items():
            assert row[column] in VOCABULARIES[name], (where, column, row[column])
        for column, name in WORD_LISTS.items():
            words = [word.strip() for word in row[column].split(";") if word.strip()]
            unknown = set(words) - set(VOCABULARIES[name])
            assert not unknown, (where, column, unknown)
        assert row["body_area"] not in row["secondary_areas"].split(";"), where


def test_the_catalog_stays_within_the_limits():
    """Catalog holds are positive and at most MAX_HOLD_S; names fit in MAX_NAME_CHARS."""
    for row in _catalog_rows():
        assert 0 < float(row["hold_s"]) <= vocab.MAX_HOLD_S, row["stretch_id"]
        assert len(row["name"]) <= vocab.MAX_NAME_CHARS, row["stretch_id"]


def test_the_hold_limit_is_the_one_every_part_uses():
    """Routines, the log and program ceilings all stop at vocab.MAX_HOLD_S, and the dose
    guidance's ranges fit under it."""
    from backstretch_kit import guidance, log, routine
    from backstretch_kit.program_rules import dose_ceiling

    assert routine.MAX_HOLD_S == vocab.MAX_HOLD_S
    assert log.MAX_HOLD_S == vocab.MAX_HOLD_S
    for low, high in (guidance.HOLD_RANGE_S, guidance.HOLD_RANGE_OLDER_S):
        assert 0 < low < high <= vocab.MAX_HOLD_S
    for older in (False, True):
        assert dose_ceiling("hold_s", older) <= vocab.MAX_HOLD_S


def test_a_hold_just_past_the_limit_is_refused_by_routines_and_the_log(tmp_path):
    """MAX_HOLD_S is allowed and a little more is not, in a routine item and a logged hold."""
    from backstretch_kit.log import LogError, SessionLog
    from backstretch_kit.routine import RoutineError, RoutineItem

    dose = {"reps": 1, "sides": "both together", "rest_s": 0.0}
    RoutineItem("knee-to-chest", hold_s=vocab.MAX_HOLD_S, **dose)
    with pytest.raises(RoutineError):
        RoutineItem("knee-to-chest", hold_s=vocab.MAX_HOLD_S + 1, **dose)
    with SessionLog(tmp_path / "log.sqlite") as log:
        session = log.start_session("Ann")
        log.record_hold(session, "knee-to-chest", "both", 1, vocab.MAX_HOLD_S, vocab.MAX_HOLD_S)
        with pytest.raises(LogError):
            log.record_hold(session, "knee-to-chest", "both", 2, vocab.MAX_HOLD_S + 1, 1.0)


def test_the_name_limit_is_the_one_routines_and_the_log_use(tmp_path):
    """A name of MAX_NAME_CHARS is a routine's and a person's; one more character is not."""
    from backstretch_kit.log import LogError, SessionLog
    from backstretch_kit.routine import Routine, RoutineError

    longest = "N" * vocab.MAX_NAME_CHARS
    Routine(longest)
    with pytest.raises(RoutineError):
        Routine(longest + "N")
    with SessionLog(tmp_path / "log.sqlite") as log:
        log.start_session(longest)
        with pytest.raises(LogError):
            log.start_session(longest + "N")


def test_the_schedule_speaks_the_phase_vocabulary():
    """A routine's schedule has exactly PHASE_KINDS as its ordered phase categories."""
    from backstretch_kit.routine import PHASES, Routine

    assert PHASES == vocab.PHASE_KINDS
    schedule = Routine.from_stretches(["knee-to-chest"]).schedule()
    assert tuple(schedule["phase"].cat.categories) == vocab.PHASE_KINDS
    assert set(schedule["phase"].astype(str)) <= set(vocab.PHASE_KINDS)
