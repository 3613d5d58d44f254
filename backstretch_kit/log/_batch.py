"""A batch of finished sessions, checked whole before a store writes any of it.

:meth:`SessionLog.record_sessions` writes many sessions with their holds in
one transaction (one commit, one wait for the disk) where ``start_session``,
``record_hold`` and ``finish_session`` commit each. So that the batch can
store nothing the one-by-one calls would refuse, every field passes the same
check (``_checks``), and the session rules (``_session_rules``) are applied
here too: all of a session's holds are in the batch, so no stored row is
needed for them. A refusal names the session and hold by their place in the
batch (``sessions[2].holds[5]``), the field and the value, and nothing of the
batch is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from . import _checks, _session_rules
from ._checks import Hold, LogError

__all__ = ["FinishedSession", "HOLD_FIELDS", "SESSION_FIELDS", "finished_sessions"]

#: A session's fields in a batch (the arguments of start_session and finish_session)
#: and whether each must be given.
SESSION_FIELDS: dict[str, bool] = {
    "person": True,
    "routine": False,
    "pain_before": False,
    "started_at": False,
    "notes": False,
    "holds": False,
    "pain_after": False,
    "ended_at": False,
}
#: A hold's fields in a batch (the arguments of record_hold) and whether each must be given.
HOLD_FIELDS: dict[str, bool] = {
    "stretch_id": True,
    "side": True,
    "rep": True,
    "planned_s": True,
    "actual_s": True,
    "completed": False,
    "started_at": False,
}

_T = TypeVar("_T")


@dataclass(frozen=True)
class FinishedSession:
    """One checked session of a batch, in the form the stores keep it."""

    person: str
    routine_name: str | None
    routine_json: str | None
    pain_before: float | None
    #: Microseconds since the epoch (UTC) and UTC offset, as from ``_checks.instant``.
    started: tuple[int, int]
    notes: str
    holds: tuple[Hold, ...]
    pain_after: float | None
    ended: tuple[int, int]


def finished_sessions(sessions: Iterable[Any]) -> list[FinishedSession]:
    """Every session of ``sessions`` checked, in order; LogError at the first bad one."""
    if isinstance(sessions, str | bytes | Mapping) or not isinstance(sessions, Iterable):
        raise LogError(
            "record_sessions takes a list of sessions (one mapping each), "
            f"got {type(sessions).__name__}; nothing was written"
        )
    return [_session(index, given) for index, given in enumerate(sessions)]


def _session(index: int, given: Any) -> FinishedSession:
    where = f"sessions[{index}]"
    fields = _fields(where, given, SESSION_FIELDS)
    person = _at(where, _checks.person_name, fields["person"])
    routine_name, snapshot = _at(where, _checks.routine_fields, fields.get("routine"))
    pain_before = _at(where, _checks.pain, fields.get("pain_before"), "pain_before")
    started = _at(where, _checks.instant, fields.get("started_at"), "started_at")
    notes = _at(where, _checks.text, fields.get("notes", ""), "notes")
    holds = tuple(_holds(index, fields.get("holds", ()), started))
    pain_after = _at(where, _checks.pain, fields.get("pain_after"), "pain_after")
    ended = _at(where, _checks.instant, fields.get("ended_at"), "ended_at")
    # A session ends no earlier than its start and its last hold, as finish_session says.
    latest = max([started[0], *(hold.at[0] for hold in holds)])
    _at(where, _session_rules.end_not_before, index, ended, latest)
    return FinishedSession(
        person, routine_name, snapshot, pain_before, started, notes, holds, pain_after, ended
    )


def _holds(index: int, given: Any, started: tuple[int, int]) -> Iterable[Hold]:
    where = f"sessions[{index}]"
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        raise LogError(
            f"{where}: holds must be a list of holds (one mapping each), got {given!r}; "
            "nothing was written"
        )
    for number, hold_given in enumerate(given):
        at = f"{where}.holds[{number}]"
        fields = _fields(at, hold_given, HOLD_FIELDS)
        hold = _at(
            at,
            _checks.hold,
            fields["stretch_id"],
            fields["side"],
            fields["rep"],
            fields["planned_s"],
            fields["actual_s"],
            fields.get("completed", True),
            fields.get("started_at"),
        )
        _at(at, _session_rules.hold_not_before, index, hold.at, started[0])
        yield hold


def _fields(where: str, given: Any, known: dict[str, bool]) -> Mapping[str, Any]:
    """``given`` as a mapping of known fields with every required one present."""
    if not isinstance(given, Mapping):
        raise LogError(f"{where} must be a mapping of fields, got {given!r}; nothing was written")
    unknown = [name for name in given if name not in known]
    if unknown:
        raise LogError(
            f"{where} has an unknown field {unknown[0]!r} (the fields are "
            f"{', '.join(known)}); nothing was written"
        )
    missing = [name for name, required in known.items() if required and name not in given]
    if missing:
        raise LogError(f"{where} has no {missing[0]!r}; nothing was written")
    return given


def _at(where: str, check: Callable[..., _T], *args: Any) -> _T:
    """``check(*args)``, its refusal prefixed with the place in the batch."""
    try:
        return check(*args)
    except LogError as exc:
        raise LogError(f"{where}: {exc}; nothing was written") from None
