"""A patient's log goes to the physiotherapist as one file and comes in once, all or nothing."""

from __future__ import annotations

import csv
import io
import json
import stat

import pandas as pd
import pytest

from backstretch_kit import demo
from backstretch_kit.log import SessionLog
from backstretch_kit.patient_log import FLAT_COLUMNS, export_patient_log, import_patient_log
from backstretch_kit.program import ProgramError

COMPARED = ["stretch_id", "side", "rep", "planned_s", "actual_s", "completed", "started_at"]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The patient's own log: Anna's sessions (one a pain score alone), and Ben's."""
    log = SessionLog(tmp_path_factory.mktemp("home") / "home.sqlite")
    demo.sample_log(("Anna", "Ben"), days=12, start="2026-03-02", log=log, tz="Europe/Berlin")
    session = log.start_session("Anna", pain_before=4, notes="pain score only, ünïcödé")
    log.finish_session(session)
    yield log
    log.close()


@pytest.fixture
def clinic(tmp_path):
    with SessionLog(tmp_path / "clinic.sqlite") as log:
        yield log


@pytest.fixture(params=[".csv", ".json"])
def export(request, home, tmp_path):
    return export_patient_log(home, "Anna", tmp_path / f"anna{request.param}")


def counts(log: SessionLog) -> tuple[int, int]:
    return len(log.sessions()), len(log.holds())


def test_the_export_holds_one_persons_sessions_and_holds(home, export):
    """Anna's sessions and holds only; owner-only permissions, as health data."""
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    text = export.read_text(encoding="utf-8")
    assert "Ben" not in text
    if export.suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert tuple(rows[0]) == FLAT_COLUMNS
        assert len({r["session_uuid"] for r in rows}) == len(home.sessions("Anna"))
        assert sum(1 for r in rows if r["hold_uuid"]) == len(home.holds("Anna"))
    else:
        data = json.loads(text)
        assert (data["format"], data["version"], data["person"]) == (
            "backstretch-patient-log", 1, "Anna"
        )  # fmt: skip
        assert len(data["sessions"]) == len(home.sessions("Anna"))
        assert sum(len(s["holds"]) for s in data["sessions"]) == len(home.holds("Anna"))


def test_import_gives_back_the_same_sessions_under_the_new_name(home, clinic, export):
    """Every hold comes in unchanged (times, offsets, numbers), filed under "Client A"."""
    added = import_patient_log(clinic, export, as_person="Client A")
    assert added == {"people": 1, "sessions": len(home.sessions("Anna")),
                     "holds": len(home.holds("Anna"))}  # fmt: skip
    assert clinic.people() == ["Client A"]
    theirs = home.holds("Anna")[COMPARED].reset_index(drop=True)
    ours = clinic.holds("Client A")[COMPARED].reset_index(drop=True)
    pd.testing.assert_frame_equal(theirs, ours)
    notes = clinic.sessions("Client A")["notes"].tolist()
    assert "pain score only, ünïcödé" in notes


def test_importing_the_same_export_twice_adds_nothing(clinic, export):
    """The second import finds every session and hold by its uuid and adds none."""
    import_patient_log(clinic, export, as_person="Client A")
    before = counts(clinic)
    assert import_patient_log(clinic, export, as_person="Client A") == {
        "people": 0, "sessions": 0, "holds": 0
    }  # fmt: skip
    assert counts(clinic) == before


def test_a_later_export_adds_only_what_is_new(home, clinic, tmp_path):
    """After one more session at home, re-importing adds just that session and its hold."""
    first = export_patient_log(home, "Anna", tmp_path / "first.csv")
    import_patient_log(clinic, first, as_person="Client A")
    session = home.start_session("Anna", pain_before=3)
    home.record_hold(session, "sphinx", "both", 1, 30, 30)
    home.finish_session(session, pain_after=2)
    later = export_patient_log(home, "Anna", tmp_path / "later.json")
    assert import_patient_log(clinic, later, as_person="Client A") == {
        "people": 0, "sessions": 1, "holds": 1
    }  # fmt: skip


def test_csv_and_json_exports_are_the_same_records(home, tmp_path, clinic):
    """Importing the JSON after the CSV of the same log adds nothing."""
    import_patient_log(clinic, export_patient_log(home, "Anna", tmp_path / "a.csv"), "Client A")
    again = import_patient_log(
        clinic, export_patient_log(home, "Anna", tmp_path / "a.json"), "Client A"
    )
    assert again == {"people": 0, "sessions": 0, "holds": 0}


def test_the_same_sessions_under_another_name_are_refused(clinic, export):
    """Sessions filed under "Client A" are not filed again under "Client B"; nothing is added."""
    import_patient_log(clinic, export, as_person="Client A")
    before = counts(clinic)
    with pytest.raises(ProgramError, match="different person"):
        import_patient_log(clinic, export, as_person="Client B")
    assert counts(clinic) == before and clinic.people() == ["Client A"]


def _rewrite_csv(path, edit):
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda rows: rows[4].update(actual_s="lots"), "row 6, field actual_s"),
        (lambda rows: rows[4].update(actual_s="9000"), "row 6, field actual_s"),
        (lambda rows: rows[2].update(side="middle"), "row 4, field side"),
        (lambda rows: rows[3].update(hold_started_at="2026-03-02T10:00:00"), "row 5"),
        (lambda rows: rows[1].update(pain_after="11"), "pain_after"),
        (lambda rows: rows[1].update(person="Ben"), "different person than on row 2"),
        (
            lambda rows: [
                r.update(person="Ben")
                for r in rows
                if r["session_uuid"] == rows[-1]["session_uuid"]
            ],
            "2 people",
        ),
        (lambda rows: rows[1].update(notes="changed"), "different notes than on row 2"),
        (lambda rows: rows[3].update(hold_uuid=rows[2]["hold_uuid"]), "appears twice"),
        (lambda rows: rows[3].update(session_uuid=""), "needs its session_uuid"),
        (lambda rows: rows[-1].update(session_uuid="not-a-uuid"), "uuid"),
    ],
)
def test_a_bad_row_names_the_file_row_and_field_and_imports_nothing(
    home, clinic, tmp_path, edit, words
):
    """A bad cell anywhere: ProgramError naming the user's file and row; the log is unchanged."""
    path = export_patient_log(home, "Anna", tmp_path / "anna.csv")
    _rewrite_csv(path, edit)
    with pytest.raises(ProgramError, match=words) as refused:
        import_patient_log(clinic, path, as_person="Client A")
    assert str(path) in str(refused.value)
    assert "/tmp/tmp" not in str(refused.value).replace(str(path), "")  # no temporary files
    assert counts(clinic) == (0, 0) and clinic.people() == []


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d.update(format="something"), "not a patient's log export"),
        (lambda d: d.update(version=7), "version 7"),
        (lambda d: d.update(extra=1), "unknown field 'extra'"),
        (lambda d: d["sessions"][0].update(colour="red"), "session 1: unknown field 'colour'"),
        (lambda d: d["sessions"][0]["holds"][0].pop("side"), "session 1, hold 1: missing side"),
        (lambda d: d["sessions"][0]["holds"][0].update(rep=True), "must not be true or false"),
        (lambda d: d["sessions"][1].update(holds="none"), "session 2: must be an object"),
        (lambda d: d["sessions"][1].update(person="Ben"), "in the export of 'Anna'"),
        (lambda d: d["sessions"][0]["holds"][1].update(planned_s=[1]), "text or a number"),
    ],
)
def test_a_bad_json_export_names_the_session_and_hold(home, clinic, tmp_path, edit, words):
    """JSON problems name the session and hold (counted from 1); nothing is imported."""
    path = export_patient_log(home, "Anna", tmp_path / "anna.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ProgramError, match=words):
        import_patient_log(clinic, path, as_person="Client A")
    assert counts(clinic) == (0, 0)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("x.csv", "a,b\n1,2\n", "expected the columns"),
        ("x.json", "{", "not valid JSON"),
        ("x.txt", "", "a .csv or .json file"),
        ("x.csv", "\x00\xff", "columns"),
    ],
)
def test_files_that_are_not_exports_are_refused(clinic, tmp_path, name, content, words):
    """Another CSV, broken JSON or another suffix: ProgramError, nothing imported."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProgramError, match=words):
        import_patient_log(clinic, path, as_person="Client A")
    assert counts(clinic) == (0, 0)


def test_export_refuses_a_person_not_in_the_log_and_a_bad_suffix(home, tmp_path):
    """Exporting someone the log does not know, or to .xlsx, raises ProgramError."""
    with pytest.raises(ProgramError, match="not in the log"):
        export_patient_log(home, "Zoe", tmp_path / "z.csv")
    with pytest.raises(ProgramError, match=".csv or .json"):
        export_patient_log(home, "Anna", tmp_path / "a.xlsx")


def test_a_blank_name_to_import_under_is_refused(clinic, export):
    """as_person must be a name."""
    with pytest.raises(ProgramError, match="as_person"):
        import_patient_log(clinic, export, as_person="  ")
