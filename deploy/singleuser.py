"""Start one person's Jupyter server for the hub (``c.Spawner.cmd`` in jupyterhub_config.py).

It runs as that person, before their server, and does two things the server itself does not:

* copies the workbook's notebooks into their workbook folder (``BACKSTRETCH_WORKBOOK_DIR``,
  ``~/backstretch-workbook`` by default), each one only if it is not there yet, so their
  own edits and outputs are never overwritten and a newer release adds its new notebooks;
* refuses to start if their database password file (``PGPASSFILE``) can be read by anyone
  else: libpq would only warn and connect with no password, and a password others can
  read is not the person's own.

Then it becomes ``jupyterhub-singleuser`` of the same Python, with Voila enabled as a
server extension, so ``/user/<name>/voila/render/05-Workshop.ipynb`` serves the workshop.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

#: Extra options of every single-user server. Voila is named here even though installing it
#: enables it, so that a person's own ``~/.jupyter`` config cannot take the workshop away.
SERVER_OPTIONS = [
    "--ServerApp.jpserver_extensions=voila.server_extension=True",
    # the workbook's Voila page: Voila's lab template without its links to a CDN
    "--VoilaConfiguration.template=backstretch",
]


def copy_workbook(folder: Path) -> list[str]:
    """Copy the shipped notebooks missing from ``folder`` into it; return their names.

    The folder is made readable by its owner alone: notebooks fill up with a person's
    own routines, pain scores and charts once they run them.
    """
    from backstretch_kit._data import notebook_path  # the shipped notebooks, wheel or checkout

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    copied = []
    for notebook in sorted(notebook_path().glob("*.ipynb")):
        target = folder / notebook.name
        if target.exists():
            continue
        shutil.copyfile(notebook, target)
        target.chmod(0o600)
        copied.append(notebook.name)
    return copied


def check_password_file(path: str | None) -> str | None:
    """Why the password file at ``path`` must not be used, or None if it may (or is absent)."""
    if not path or not os.path.exists(path):
        return None
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        return f"{path} is not a regular file"
    if mode & 0o077:
        return (
            f"{path} can be read by others (mode {stat.S_IMODE(mode):o}): "
            f"run `chmod 600 {path}` and start the server again"
        )
    return None


def main(argv: list[str]) -> None:
    problem = check_password_file(os.environ.get("PGPASSFILE"))
    if problem:
        raise SystemExit(f"backstretch-kit: not starting: {problem}")
    folder = Path(os.environ.get("BACKSTRETCH_WORKBOOK_DIR", "~/backstretch-workbook"))
    copied = copy_workbook(folder.expanduser())
    if copied:
        print(f"backstretch-kit: copied {', '.join(copied)} into {folder}", file=sys.stderr)
    server = Path(sys.executable).with_name("jupyterhub-singleuser")
    os.execv(server, [str(server), *SERVER_OPTIONS, *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
