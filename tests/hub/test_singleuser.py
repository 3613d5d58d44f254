"""deploy/singleuser.py: the workbook copied once per person; a pgpass others can read refused."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from backstretch_kit._data import notebook_path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "singleuser.py"


@pytest.fixture(scope="module")
def singleuser():
    spec = importlib.util.spec_from_file_location("backstretch_singleuser", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_workbook_is_copied_owner_only_and_never_over_edits(singleuser, tmp_path) -> None:
    """Every shipped notebook lands in a 0700 folder as 0600; a second start keeps edits and
    copies only what is missing."""
    folder = tmp_path / "backstretch-workbook"
    shipped = sorted(path.name for path in notebook_path().glob("*.ipynb"))
    assert singleuser.copy_workbook(folder) == shipped
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o600}
    edited = folder / shipped[0]
    edited.write_text("my own edits")
    (folder / shipped[-1]).unlink()
    assert singleuser.copy_workbook(folder) == [shipped[-1]]
    assert edited.read_text() == "my own edits"


def test_a_password_file_is_used_only_when_the_owner_alone_can_read_it(
    singleuser, tmp_path
) -> None:
    """No file is fine (no database password); 0600 is fine; group or world bits, or a
    folder in its place, are refused with the command that fixes it."""
    pgpass = tmp_path / ".pgpass"
    assert singleuser.check_password_file(None) is None
    assert singleuser.check_password_file(str(pgpass)) is None
    pgpass.write_text("db:5432:backstretch:alice:secret\n")
    pgpass.chmod(0o600)
    assert singleuser.check_password_file(str(pgpass)) is None
    for mode in (0o640, 0o604):
        pgpass.chmod(mode)
        problem = singleuser.check_password_file(str(pgpass))
        assert problem == (
            f"{pgpass} can be read by others (mode {mode:o}): run `chmod 600 {pgpass}` "
            "and start the server again"
        )
    assert "is not a regular file" in singleuser.check_password_file(str(tmp_path))
