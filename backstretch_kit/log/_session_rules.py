"""The rules of a session that need its stored row, the same in both stores.

``_checks`` refuses bad arguments before a store is asked anything; these
rules need what the log already holds, so a store applies them inside the
call's transaction, and a refusal rolls it back: holds go only into a
session that is known and not finished, none starts before its session did,
and a session ends no earlier than its start and its last hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._checks import LogError, iso

__all__ = ["end_not_before", "hold_not_before", "open_session"]


def open_session(row: Sequence[Any] | None, session_id: int, where: str) -> tuple[int, int]:
    """Person id and start of a session that may still take holds.

    ``row`` is the session's ``(person_id, started_us, ended_us)``, None if
    the log at ``where`` has no such session.
    """
    if row is None:
        raise LogError(f"unknown session id {session_id} in {where}")
    if row[2] is not None:
        raise LogError(f"session {session_id} is finished; it takes no more holds")
    return int(row[0]), int(row[1])


def hold_not_before(session_id: int, at: tuple[int, int], session_start: int) -> None:
    """Refuse a hold starting at ``at`` before its session's start."""
    us, offset_s = at
    if us < session_start:
        raise LogError(
            f"hold starts at {iso(us, offset_s)}, before its session {session_id} "
            f"started ({iso(session_start, offset_s)})"
        )


def end_not_before(session_id: int, at: tuple[int, int], latest: int) -> None:
    """Refuse an end at ``at`` before the session's start or last hold (``latest``)."""
    us, offset_s = at
    if us < latest:
        raise LogError(
            f"session {session_id} cannot end at {iso(us, offset_s)}: it has a start "
            f"or a hold at {iso(latest, offset_s)}"
        )
