"""The program file: a small, versioned JSON format, read with clear errors.

``program.save(path)`` writes::

    {
      "format": "backstretch-program",
      "version": 1,
      "person": "Client A",
      "start": "2026-03-02",
      "weeks": 6,
      "days": 3,                      (or ["monday", "wednesday", "friday"])
      "review": "2026-04-13",
      "time_zone": "Europe/Berlin",
      "session_time": "18:00",
      "reminder_minutes": 30,
      "notes": "",
      "profile": null,                (or {"age_group": "adult", "osteoporosis": true, ...})
      "progressions": [
        {"dose": "hold_s", "step": 5.0, "every_weeks": 1, "up_to": 30.0, "stretch_ids": []}
      ],
      "routines": [ ...routine documents, as in routine files... ]
    }

Routines are kept by value, each a whole routine document
(:mod:`backstretch_kit.routine_file`), so a program file alone says everything the
patient does. ``session_time``, ``reminder_minutes``, ``notes``, ``profile`` and
``progressions`` may be left out. As in routine files, unknown fields are **refused**
with a :class:`~backstretch_kit.program.ProgramError` naming them: a misspelt
``"up_too"`` would otherwise let a progression run to the guidance's limit unseen.
Files are read through :func:`backstretch_kit.user_files.read_text`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .guidance import PROFILE_QUESTIONS, GuidanceError, Profile
from .program import Program
from .program_rules import ProgramError, Progression
from .routine import RoutineError
from .routine_file import routine_from_dict, routine_to_dict
from .user_files import check_header, parse_json, read_text, refuse_unknown_fields

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FILE_FORMAT",
    "FILE_VERSION",
    "load_program",
    "open_program",
    "program_from_dict",
    "program_to_dict",
    "read_program_file",
    "ready_programs",
    "save_program",
]

FILE_FORMAT = "backstretch-program"
FILE_VERSION = 1

_REQUIRED = ("format", "version", "person", "start", "weeks", "days", "review", "time_zone")
_OPTIONAL = ("session_time", "reminder_minutes", "notes", "profile", "progressions")
_FILE_FIELDS = (*_REQUIRED, *_OPTIONAL, "routines")
_RULE_FIELDS = tuple(field.name for field in dataclasses.fields(Progression))
_PROFILE_FIELDS = ("age_group", *(name for name, _ in PROFILE_QUESTIONS), "surgery_areas")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")


def program_to_dict(program: Program) -> dict[str, Any]:
    """Return a program as the JSON document :func:`save_program` writes."""
    profile = None
    if program.profile is not None:
        profile = {name: getattr(program.profile, name) for name in _PROFILE_FIELDS}
        profile["surgery_areas"] = list(program.profile.surgery_areas)
    return {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "person": program.person,
        "start": program.start.isoformat(),
        "weeks": program.weeks,
        "days": program.days if isinstance(program.days, int) else list(program.days),
        "review": program.review.isoformat(),
        "time_zone": program.time_zone,
        "session_time": program.session_time.strftime("%H:%M"),
        "reminder_minutes": program.reminder_minutes,
        "notes": program.notes,
        "profile": profile,
        "progressions": [rule.to_dict() for rule in program.progressions],
        "routines": [routine_to_dict(routine) for routine in program.routines],
    }


def _refuse_unknown(data: Mapping[str, Any], known: tuple[str, ...], what: str, field: str):
    def error(message: str, key: str | None) -> ProgramError:
        return ProgramError(message, field=f"{field}.{key}")

    refuse_unknown_fields(data, known, what, error)


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProgramError(f"must be a JSON object, got {value!r}", field=field)
    return value


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProgramError(f"must be a list, got {value!r}", field=field)
    return value


def _iso_date(value: Any, field: str) -> dt.date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ProgramError(f"must be a date written YYYY-MM-DD, got {value!r}", field=field)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ProgramError(f"{value!r} is not a date in the calendar", field=field) from None


def _time_of_day(value: Any) -> dt.time:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise ProgramError(f"must be a time written HH:MM, got {value!r}", field="session_time")
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise ProgramError(f"{value!r} is not a time of day", field="session_time") from None


def _profile(raw: Any) -> Profile | None:
    if raw is None:
        return None
    raw = _object(raw, "profile")
    _refuse_unknown(raw, _PROFILE_FIELDS, "the profile", "profile")
    values = dict(raw)
    if "surgery_areas" in values:
        values["surgery_areas"] = tuple(_list(values["surgery_areas"], "profile.surgery_areas"))
    try:
        return Profile(**values)
    except GuidanceError as error:
        raise ProgramError(str(error), field="profile") from None


def _rule(raw: Any, index: int) -> Progression:
    field = f"progressions[{index}]"
    raw = _object(raw, field)
    _refuse_unknown(raw, _RULE_FIELDS, "a progression", field)
    values = dict(raw)
    if "stretch_ids" in values:
        values["stretch_ids"] = tuple(_list(values["stretch_ids"], f"{field}.stretch_ids"))
    missing = [name for name in ("dose", "step") if name not in values]
    if missing:
        raise ProgramError(f"a progression needs {' and '.join(missing)}", field=field)
    try:
        return Progression(**values)
    except ProgramError as error:
        raise error.located(prefix=field) from None


def program_from_dict(
    data: Any, catalog: pd.DataFrame | None = None, *, source: str | Path | None = None
) -> Program:
    """Build a program from a program-file document (see the module docstring).

    ``catalog`` is the stretch catalog the routines use (the shipped one by
    default); ``source`` names the file in error messages.

    Raises
    ------
    ProgramError
        Naming the file and the field (``routines[0]``, ``progressions[1].up_to``)
        for a wrong format or version, an unknown or missing field, or a value the
        program refuses.
    """
    try:
        return _from_dict(data, catalog)
    except ProgramError as error:
        raise error.located(path=source) from None


def _from_dict(data: Any, catalog: pd.DataFrame | None) -> Program:
    def error(message: str, field: str | None) -> ProgramError:
        return ProgramError(message, field=field)

    data = check_header(data, "program", FILE_FORMAT, FILE_VERSION, _FILE_FIELDS, error)
    for name in (*_REQUIRED, "routines"):
        if name not in data:
            raise ProgramError("is missing; a program file needs it", field=name)
    if catalog is None:  # once, not once per routine
        from .catalog import load_stretches

        catalog = load_stretches()
    routines = []
    for index, raw in enumerate(_list(data["routines"], "routines")):
        try:
            routines.append(routine_from_dict(raw, catalog))
        except RoutineError as error:
            raise ProgramError(str(error), field=f"routines[{index}]") from None
    days = data["days"]
    optional: dict[str, Any] = {}
    if "session_time" in data:
        optional["session_time"] = _time_of_day(data["session_time"])
    for name in ("reminder_minutes", "notes"):
        if name in data:
            optional[name] = data[name]
    return Program(
        person=data["person"],
        routines=tuple(routines),
        start=_iso_date(data["start"], "start"),
        weeks=data["weeks"],
        days=tuple(days) if isinstance(days, list) else days,
        review=_iso_date(data["review"], "review"),
        time_zone=data["time_zone"],
        progressions=tuple(
            _rule(raw, i)
            for i, raw in enumerate(_list(data.get("progressions", []), "progressions"))
        ),
        profile=_profile(data.get("profile")),
        **optional,
    )


def program_text(program: Program) -> str:
    """The program file's text: indented JSON, keys in a fixed order, so versions diff."""
    return json.dumps(program_to_dict(program), indent=2, ensure_ascii=False) + "\n"


def save_program(program: Program, path: str | Path) -> Path:
    """Write a program as an indented JSON file (UTF-8) and return its path."""
    path = Path(path)
    path.write_text(program_text(program), encoding="utf-8")
    return path


def parse_program(text: str, catalog: pd.DataFrame | None = None, *, source: str | Path) -> Program:
    """A program from a file's text (``source`` names it in errors)."""

    def refuse(message: str) -> ProgramError:
        return ProgramError(message, path=source)

    return program_from_dict(parse_json(text, refuse), catalog, source=source)


def read_program_file(path: str | Path, catalog: pd.DataFrame | None = None) -> Program:
    """Read a program file written by :func:`save_program` (or by hand).

    Raises
    ------
    ProgramError
        When the file is missing, not a regular file, not UTF-8 JSON or not a valid
        program; the message names the file, and the field where there is one.
    """
    path = Path(path)
    text = read_text(path, lambda message: ProgramError(message, path=path), what="a program file")
    return parse_program(text, catalog, source=path)


def ready_programs() -> dict[str, Path]:
    """The example programs shipped with the package, short name -> file path."""
    from ._data import data_path

    folder = data_path("programs")
    return {path.stem: path for path in sorted(folder.glob("*.json"))}


def load_program(path: str | Path, catalog: pd.DataFrame | None = None) -> Program:
    """Read a program file, or a shipped example by its short name.

    Examples
    --------
    >>> program = load_program("lower-back-six-weeks")
    >>> program.weeks, program.time_zone
    (6, 'Europe/Berlin')
    """
    candidate = Path(path)
    if not candidate.exists() and isinstance(path, str) and path in ready_programs():
        candidate = ready_programs()[path]
    return read_program_file(candidate, catalog)


def open_program(path: str | Path, catalog: pd.DataFrame | None = None) -> Program:
    """The program in a program file, a patient pack (``.zip``) or a shipped example's name.

    What a patient is handed is usually the pack; this opens either, so a
    notebook asks for one path.
    """
    if str(path).lower().endswith(".zip"):
        from .patient_pack import open_patient_pack  # the pack module builds on this one

        return open_patient_pack(path, catalog).program
    return load_program(path, catalog)
