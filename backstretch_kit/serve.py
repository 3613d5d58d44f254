"""Serve the workshop notebook with Voila, for a teacher and a projector.

Voila runs the notebook and shows only its widgets and prose, never its code. Each
browser that opens the page gets its own kernel, so every attendee (or the projector)
has a timer of their own.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ._data import notebook_path

__all__ = ["WORKSHOP_NOTEBOOK", "voila_command", "serve_workshop"]

WORKSHOP_NOTEBOOK = "05-Workshop.ipynb"


def voila_command(
    port: int = 8866, ip: str = "127.0.0.1", notebook: str | Path | None = None
) -> list[str]:
    """The command line that serves the workshop notebook (handy to print or adapt).

    Voila listens on ``ip`` only; the default, loopback, needs no token. To serve a
    room, see the README: put JupyterHub in front, or use a token, never an open port.
    """
    voila = shutil.which("voila") or str(Path(sys.executable).parent / "voila")
    path = Path(notebook) if notebook is not None else notebook_path(WORKSHOP_NOTEBOOK)
    return [
        voila,
        str(path),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--theme=light",
    ]


def serve_workshop(port: int = 8866, ip: str = "127.0.0.1") -> int:
    """Run Voila on the workshop notebook until interrupted; return its exit code."""
    command = voila_command(port=port, ip=ip)
    print(f"Serving the workshop at http://{ip}:{port}/  (Ctrl-C stops it)", flush=True)
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
