"""Reading files a user brings (a catalog, a routine, an export, another library), safely.

Every such file is read through :func:`read_text`, so that whatever is at the
path (a folder, a device, a named pipe, a file of gigabytes, text from Excel
with a byte-order mark) the caller gets its own error class with a message
naming the file, in bounded time and memory, and nothing is half-read:

* the kind of file is checked on the opened descriptor (``O_NONBLOCK``, so a
  named pipe with no writer does not block the kernel forever): only regular
  files are read;
* at most ``limit_bytes`` are read; a larger file is refused before it is
  decoded;
* text is UTF-8, with or without a BOM (which is removed, never shown in a
  message as an invisible character).

:func:`parse_json` does the same for JSON: documents nested too deeply for the
parser, and integers of thousands of digits, are errors of the caller's class,
not a RecursionError or a ValueError from deep inside :mod:`json`.

:func:`check_header` and :func:`refuse_unknown_fields` are the checks every
versioned document of ours (a routine, a program) starts with, in the same
words: a JSON object, of our format and version, with no field we do not know.
An unknown field is refused rather than dropped, so that a misspelt name is an
error the user sees, not a value silently replaced by a default.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_USER_FILE_BYTES",
    "check_header",
    "parse_json",
    "read_bytes",
    "read_text",
    "refuse_unknown_fields",
]

#: Largest user file read: far above any real catalog, routine or export of one
#: person (the shipped catalog is about 40 kB), far below what would strain memory.
MAX_USER_FILE_BYTES = 50 * 1024 * 1024

Raise = Callable[[str], Exception]
#: Makes the caller's exception from a message and the field it is about (None: the whole).
RaiseAt = Callable[[str, str | None], Exception]


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB"


def read_bytes(
    path: str | os.PathLike[str],
    error: Raise,
    *,
    what: str,
    limit_bytes: int = MAX_USER_FILE_BYTES,
) -> bytes:
    """Return a user file's bytes, or raise ``error(message)`` saying what is wrong with it.

    Parameters
    ----------
    path : path-like
        The file.
    error : callable
        Makes the exception to raise from a message about the file; it adds
        the file's name, e.g. ``lambda message: CatalogError(f"{path}: {message}")``.
    what : str
        What the file should be, for messages ("a catalog", "a routine file").
    limit_bytes : int
        Largest size read.
    """
    file = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(file, flags)
    except FileNotFoundError:
        raise error("no such file") from None
    except IsADirectoryError:
        raise error(f"is a folder, not {what}") from None
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"is a folder, not {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error("is not a regular file (a device, pipe or socket), so it is not read")
        if info.st_size > limit_bytes:
            raise error(
                f"is {_megabytes(info.st_size)}, larger than the "
                f"{_megabytes(limit_bytes)} {what} may be"
            )
        chunks, total = [], 0
        while total <= limit_bytes:  # the size may have grown since fstat
            chunk = os.read(handle, min(1 << 20, limit_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(handle)
    if total > limit_bytes:
        raise error(f"is larger than the {_megabytes(limit_bytes)} {what} may be")
    return b"".join(chunks)


def read_text(
    path: str | os.PathLike[str],
    error: Raise,
    *,
    what: str,
    limit_bytes: int = MAX_USER_FILE_BYTES,
) -> str:
    """Return a user file's UTF-8 text (a BOM dropped); see :func:`read_bytes` for the checks."""
    raw = read_bytes(path, error, what=what, limit_bytes=limit_bytes)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8"
        ) from None


def parse_json(text: str, error: Raise) -> Any:
    """Parse JSON text, turning every way it can fail into ``error(message)``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise error("is nested too deeply to be a plausible file") from None
    except ValueError as exc:  # an integer of thousands of digits, for one
        raise error(f"holds a value that cannot be read ({exc})") from None


def refuse_unknown_fields(
    data: Mapping[str, Any], known: tuple[str, ...], what: str, error: RaiseAt
) -> None:
    """Raise ``error(message, first unknown key)`` if ``data`` has a key not in ``known``.

    ``what`` names the object in the message ("the routine", "an item").
    """
    unknown = [key for key in data if key not in known]
    if unknown:
        names = ", ".join(repr(key) for key in unknown)
        raise error(
            f"unknown field {names} in {what} (known: {', '.join(known)}); "
            "unknown fields are refused rather than dropped",
            str(unknown[0]),
        )


def check_header(
    data: Any, kind: str, file_format: str, version: int, known: tuple[str, ...], error: RaiseAt
) -> Mapping[str, Any]:
    """Check a document's shape, fields, ``format`` and ``version``; return it as a mapping.

    Parameters
    ----------
    data
        The parsed JSON document.
    kind : str
        What it should be, for messages: ``"routine"``, ``"program"``.
    file_format, version
        The ``format`` string and the one ``version`` this package reads.
    known : tuple of str
        Every top-level field a document of this kind may have.
    error : callable
        ``error(message, field)`` makes the caller's exception; ``field`` is None
        when the document is not a JSON object at all.
    """
    if not isinstance(data, Mapping):
        raise error(f"a {kind} file holds a JSON object, got {type(data).__name__}", None)
    refuse_unknown_fields(data, known, f"the {kind}", error)
    if data.get("format") != file_format:
        raise error(
            f"is not a backstretch {kind} (expected {file_format!r}, got {data.get('format')!r})",
            "format",
        )
    found = data.get("version")
    if found != version or isinstance(found, bool):
        raise error(
            f"version {found!r} is not one this backstretch-kit reads (it reads version {version})",
            "version",
        )
    return data
