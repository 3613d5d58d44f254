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
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["MAX_USER_FILE_BYTES", "parse_json", "read_bytes", "read_text"]

#: Largest user file read: far above any real catalog, routine or export of one
#: person (the shipped catalog is about 40 kB), far below what would strain memory.
MAX_USER_FILE_BYTES = 50 * 1024 * 1024

Raise = Callable[[str], Exception]


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
