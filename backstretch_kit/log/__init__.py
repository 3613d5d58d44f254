"""The session log: every stretch someone does, kept safely in one SQLite file.

A self-tracker or a physiotherapist (with several clients under pseudonyms)
records sessions and the holds in them; charts and tables read them back as
tidy DataFrames. A clinic keeps one shared log in PostgreSQL instead
(``SessionLog("postgresql+psycopg://USER@HOST/DB")``, or the URL in
``BACKSTRETCH_DATABASE_URL``), with the same methods and frames, and row-level
security so that each person's connection sees only their own records (see
:mod:`backstretch_kit.log.clinic` and docs/CLINIC.md). The file is health
data, so it is written with care:

* owner-only permissions (0o600, in a 0o700 folder when the log chooses it);
* WAL journal with ``synchronous=FULL``: each record is on disk when the call
  returns, and a crash or power cut never loses an acknowledged record;
* several processes may write at once; lock waits are retried, so callers
  never see "database is locked";
* every public method may be called from any thread of the process (Jupyter
  delivers widget clicks on kernel subshell threads): the one connection is
  shared, and a lock keeps each call's transaction whole;
* several SessionLogs on one file in one process share that one connection,
  closed with the last of them, so closing one never costs another a record
  (POSIX locks belong to the process, not to a connection);
* every check runs before anything is written, and every write is a single
  transaction, so a failed call leaves the file exactly as it was;
* the whole file is checked when it is opened (SQLite's quick check): a
  damaged log is refused before anything is read or written, and
  :func:`recover` (``backstretch recover DAMAGED NEW``) saves what can still
  be read into a new one; a full disk is said to be full;
* forgetting a person overwrites their rows (``secure_delete``) and empties
  the journal, so their data does not linger in the log's files; if another
  program's reading keeps the journal from being emptied, it says so;
* CSV exports write names and notes so that a spreadsheet shows them as text,
  never runs them as formulas, and the import gives them back exactly.

Examples
--------
>>> from backstretch_kit import SessionLog
>>> with SessionLog("my-log.sqlite") as log:  # doctest: +SKIP
...     sid = log.start_session("client A", routine="morning", pain_before=4)
...     log.record_hold(sid, "knee-to-chest", "left", 1, planned_s=30, actual_s=28.5)
...     log.finish_session(sid, pain_after=3)
...     log.weekly_minutes("client A")
"""

from __future__ import annotations

from ._checks import HOLD_SIDES, MAX_ACTIVITY_S, MAX_HOLD_S, MAX_REP, LogError
from ._file import default_path
from ._frames import HOLD_COLUMNS, SESSION_COLUMNS, holds_frame, sessions_frame
from ._recover import Recovery, recover
from ._url import DATABASE_URL_VARIABLE
from .session_log import SessionLog

__all__ = [
    "DATABASE_URL_VARIABLE",
    "HOLD_COLUMNS",
    "HOLD_SIDES",
    "MAX_ACTIVITY_S",
    "MAX_HOLD_S",
    "MAX_REP",
    "LogError",
    "Recovery",
    "SESSION_COLUMNS",
    "SessionLog",
    "default_path",
    "holds_frame",
    "recover",
    "sessions_frame",
]
