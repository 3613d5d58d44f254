"""The patient pack: one zip the physiotherapist hands over, opened in one call at home.

:func:`make_patient_pack` writes::

    manifest.json              what is inside ({"format": "backstretch-patient-pack", ...})
    program.json               the program (backstretch_kit.program_file)
    routines/<name>.json       each routine at its first week's doses (routine files)
    handouts/<name>.pdf        a handout per routine (backstretch_kit.handout), the plan on it
    reminders.ics              the planned sessions for a calendar (program_calendar)
    README.txt                 the same, in plain words

:func:`open_patient_pack` is the patient's side: it checks the zip (a regular file of
sensible size, only the names the manifest lists, no path that climbs out of the
folder, no entry that unpacks to more than it should) and returns a
:class:`PatientPack` with the program ready to use. Anything wrong raises
:class:`~backstretch_kit.program.ProgramError` naming the pack and the entry.

The patient's log goes back the other way as one file:
:func:`~backstretch_kit.patient_log.export_patient_log` and
:func:`~backstretch_kit.patient_log.import_patient_log` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .patient_log import export_patient_log, import_patient_log
from .program_file import parse_program, program_text
from .program_rules import ProgramError
from .routine import RoutineError
from .routine_file import file_stem, routine_from_dict
from .user_files import MAX_USER_FILE_BYTES, parse_json, read_bytes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .program import Program
    from .routine import Routine

__all__ = [
    "PACK_FORMAT",
    "PACK_VERSION",
    "PatientPack",
    "export_patient_log",
    "import_patient_log",
    "make_patient_pack",
    "open_patient_pack",
    "plan_text",
]

PACK_FORMAT = "backstretch-patient-pack"
PACK_VERSION = 1
_MANIFEST_FIELDS = ("format", "version", "person", "program", "routines", "handouts", "calendar")


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def plan_text(program: Program) -> str:
    """The program in a few sentences, for the handout and the README."""
    count = len(program.planned_days()) // program.weeks
    days = (
        f"{count} times a week"
        if isinstance(program.days, int)
        else "on " + ", ".join(d.capitalize() for d in program.days)
    )
    lines = [
        f"Your program: {days} for {program.weeks} weeks, from {_long(program.start)}, "
        f"at about {program.session_time:%H:%M}. Your review is on {_long(program.review)}.",
    ]
    if program.progressions:
        steps = "; ".join(rule.describe() for rule in program.progressions)
        lines.append(f"If all goes well: {steps}. Repeated movements keep their dose.")
    lines.append(
        "If your pain after stretching rises by 2 points or more from one week to the next, "
        "keep last week's dose, ease off, and contact your physiotherapist."
    )
    return "\n".join(lines)


def _names(program: Program) -> list[str]:
    """A file name per routine, unique within the pack."""
    names: list[str] = []
    for routine in program.routines:
        stem, number = file_stem(routine.name), 2
        candidate = stem
        while candidate in names:
            candidate, number = f"{stem}-{number}", number + 1
        names.append(candidate)
    return names


def make_patient_pack(
    program: Program,
    path: str | os.PathLike[str],
    *,
    date: dt.date | None = None,
    pictures: bool = True,
) -> Path:
    """Write the patient pack of ``program`` as one zip and return its path.

    Parameters
    ----------
    program : Program
    path : path-like
        Ends in ``.zip``. Written whole or not at all (a temporary file, then a rename).
    date : datetime.date, optional
        The date printed on the handouts; today by default.
    pictures : bool
        Pictograms on the handouts.
    """
    from .handout import write_handout
    from .program_calendar import calendar_bytes
    from .routine_file import routine_to_dict

    target = Path(path)
    if target.suffix.lower() != ".zip":
        raise ProgramError(
            f"a patient pack is a .zip, not {target.suffix or '(none)'!r}", path=target
        )
    names = _names(program)
    first_week = program.week_routines(1)
    notes = "\n\n".join(text for text in (program.notes, plan_text(program)) if text)
    files: dict[str, bytes] = {"program.json": program_text(program).encode("utf-8")}
    with tempfile.TemporaryDirectory() as tmp:
        for name, routine in zip(names, first_week, strict=True):
            text = json.dumps(routine_to_dict(routine), indent=2, ensure_ascii=False) + "\n"
            files[f"routines/{name}.json"] = text.encode("utf-8")
            handout = Path(tmp) / f"{name}.pdf"
            write_handout(
                routine, handout, profile=program.profile, person=program.person,
                notes=notes, date=date, pictures=pictures,
            )  # fmt: skip
            files[f"handouts/{name}.pdf"] = handout.read_bytes()
    files["reminders.ics"] = calendar_bytes(program)
    manifest = {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "person": program.person,
        "program": "program.json",
        "routines": [f"routines/{name}.json" for name in names],
        "handouts": [f"handouts/{name}.pdf" for name in names],
        "calendar": "reminders.ics",
    }
    files["README.txt"] = _readme(program, manifest).encode("utf-8")
    files = {"manifest.json": (json.dumps(manifest, indent=2) + "\n").encode("utf-8"), **files}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(buffer.getvalue())
    os.replace(partial, target)  # never a half-written pack under the real name
    return target


def _readme(program: Program, manifest: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"Stretching program for {program.person}",
            "",
            plan_text(program),
            "",
            "In this pack:",
            *(f"- {name}: print it, or keep it on your phone" for name in manifest["handouts"]),
            f"- {manifest['calendar']}: open it to add reminders of each session to your calendar",
            "- program.json and routines/: for backstretch-kit (open_patient_pack)",
            "",
            "Stop and get help if you notice any warning sign listed on the handout.",
            "",
        ]
    )


@dataclass(frozen=True)
class PatientPack:
    """What a patient pack holds, checked and ready.

    Attributes
    ----------
    program : Program
        The program, with its routines and their week-by-week doses.
    routines : tuple of Routine
        The routine files, at their first week's doses.
    handouts : dict
        Handout file name (``handouts/...pdf``) -> PDF bytes.
    calendar : bytes
        The ``.ics`` reminders.
    path : Path
        The pack it came from.
    """

    program: Program
    routines: tuple[Routine, ...]
    handouts: dict[str, bytes] = field(repr=False)
    calendar: bytes = field(repr=False)
    path: Path

    def save_files(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write the handouts and the calendar into ``folder`` (for printing, a phone)."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in (*self.handouts.items(), ("reminders.ics", self.calendar)):
            out = target / PurePosixPath(name).name
            out.write_bytes(data)
            written.append(out)
        return written


def _read_pack(path: Path) -> bytes:
    """The zip's bytes, read the safe way user files are (regular file, bounded size)."""
    return read_bytes(path, lambda message: ProgramError(message, path=path), what="a patient pack")


def _entry(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ProgramError(f"has no {name}, which its manifest lists", path=path) from None
    if info.file_size > MAX_USER_FILE_BYTES:
        raise ProgramError(f"{name} unpacks to more than a pack may hold", path=path)
    with archive.open(info) as stream:
        data = stream.read(MAX_USER_FILE_BYTES + 1)  # the size above may lie
    if len(data) > MAX_USER_FILE_BYTES:
        raise ProgramError(f"{name} unpacks to more than a pack may hold", path=path)
    return data


def _text_entry(archive: zipfile.ZipFile, name: str, path: Path) -> str:
    try:
        return _entry(archive, name, path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProgramError("is not UTF-8 text", path=f"{path}:{name}") from None


def _json_entry(archive: zipfile.ZipFile, name: str, path: Path) -> Any:
    text = _text_entry(archive, name, path)
    return parse_json(text, lambda message: ProgramError(message, path=f"{path}:{name}"))


def _safe_name(name: Any) -> bool:
    if not isinstance(name, str) or "\\" in name or not name:
        return False
    parts = PurePosixPath(name).parts
    return not name.startswith("/") and ".." not in parts and ":" not in parts[0]


def _manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    manifest = _json_entry(archive, "manifest.json", path)
    if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
        raise ProgramError("is not a backstretch patient pack (manifest.json)", path=path)
    if manifest.get("version") != PACK_VERSION or isinstance(manifest.get("version"), bool):
        raise ProgramError(
            f"pack version {manifest.get('version')!r} is not one this reads", path=path
        )
    unknown = [key for key in manifest if key not in _MANIFEST_FIELDS]
    missing = [key for key in _MANIFEST_FIELDS if key not in manifest]
    if unknown or missing:
        raise ProgramError(f"manifest.json: unknown {unknown} / missing {missing}", path=path)
    for key in ("routines", "handouts"):
        if not isinstance(manifest[key], list):
            raise ProgramError(f"manifest.json: {key} must be a list", path=path, field=key)
    listed = [
        manifest["program"],
        manifest["calendar"],
        *manifest["routines"],
        *manifest["handouts"],
    ]
    for name in listed:
        if not _safe_name(name):
            raise ProgramError(
                f"manifest.json names {name!r}, not a plain file in the pack", path=path
            )
    expected = {"manifest.json", "README.txt", *listed}
    for name in archive.namelist():
        if name not in expected:
            raise ProgramError(f"holds {name!r}, which its manifest does not list", path=path)
    return manifest


def open_patient_pack(
    path: str | os.PathLike[str], catalog: pd.DataFrame | None = None
) -> PatientPack:
    """Open a patient pack: check it, read the program and its routines.

    Parameters
    ----------
    path : path-like
        A zip written by :func:`make_patient_pack`.
    catalog : DataFrame, optional
        The stretch catalog; the shipped one by default.

    Raises
    ------
    ProgramError
        Naming the pack (and the entry) when it is not a zip, not a pack, lists files
        it does not hold or holds files it does not list, or its program or routines
        are not valid.
    """
    source = Path(path)
    data = _read_pack(source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ProgramError("is not a zip file, so not a patient pack", path=source) from None
    with archive:
        manifest = _manifest(archive, source)
        name = manifest["program"]
        if catalog is None:  # once for the program and every routine
            from .catalog import load_stretches

            catalog = load_stretches()
        text = _text_entry(archive, name, source)
        program = parse_program(text, catalog, source=f"{source}:{name}")
        if program.person != manifest["person"]:
            raise ProgramError("its manifest and its program name different people", path=source)
        routines = []
        for name in manifest["routines"]:
            raw = _json_entry(archive, name, source)
            try:
                routines.append(routine_from_dict(raw, catalog, source=f"{source}:{name}"))
            except RoutineError as error:  # it names the entry, the item and the field
                raise ProgramError(str(error)) from None
        handouts = {name: _entry(archive, name, source) for name in manifest["handouts"]}
        calendar = _entry(archive, manifest["calendar"], source)
    return PatientPack(program, tuple(routines), handouts, calendar, source)
