"""JupyterHub for a clinic or a class: one login and one workbook per person.

Start it from the repository (as root: PAM logins and per-user processes need it)::

    npm ci --prefix deploy                       # configurable-http-proxy, pinned
    .venv/bin/jupyterhub -f deploy/jupyterhub_config.py

Everything a site changes is an environment variable, read once below; deploy/README.md
lists them. What this file decides, and why:

* Logins are the machine's own accounts (PAM): a clinic already manages who may log in,
  and each person's server then runs as that person, so their files, their session log
  and their database password are theirs alone by ordinary Unix permissions.
* Each person's server is this checkout's ``jupyterhub-singleuser`` (started through
  ``deploy/singleuser.py``, which copies the workbook into their home the first time) and
  opens on the start notebook; Voila answers in the same server, for workshops, at
  ``/user/<name>/voila/render/05-Workshop.ipynb``.
* The session log's database comes from the environment: one URL template for everyone,
  filled in with each person's name, and the password in a pgpass file the person alone
  can read (``PGPASSFILE``). No password is ever in this file, the environment or a
  notebook.
* Idle servers are stopped by jupyterhub-idle-culler, run by the hub as a service, so a
  forgotten browser tab does not keep a kernel (and its memory) forever.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

from tornado import web

c = get_config()  # noqa: F821 - JupyterHub puts get_config in this file's namespace

HERE = Path(__file__).resolve().parent
# deploy/singleuser.py, each server's start command, also holds the password-file rule the
# hub applies before starting a server; loaded from its file, as deploy/ is no package.
_spec = importlib.util.spec_from_file_location("backstretch_singleuser", HERE / "singleuser.py")
singleuser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(singleuser)
#: The Python of the venv with backstretch-kit and the workbook; the hub, the culler and
#: every single-user server use it, so one set-up serves all of them.
PYTHON = os.environ.get("BACKSTRETCH_HUB_PYTHON", sys.executable)


def _env(name: str, default: str) -> str:
    """A setting from the environment; an empty value counts as unset."""
    return os.environ.get(name) or default


def _seconds(name: str, default: int) -> int:
    value = _env(name, str(default))
    try:
        seconds = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise SystemExit(f"{name} must be above 0 seconds, not {seconds}")
    return seconds


# ---------------------------------------------------------------- addresses and state

# The public address people open. Loopback by default, so a hub started by mistake is not
# on the network; a clinic sets e.g. https://:443 with a certificate (below) or puts a TLS
# reverse proxy in front: logins and health data must never cross a network in clear text.
c.JupyterHub.bind_url = _env("BACKSTRETCH_HUB_URL", "http://127.0.0.1:8000")
if os.environ.get("BACKSTRETCH_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["BACKSTRETCH_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["BACKSTRETCH_HUB_SSL_KEY"]
# The hub's own API (for the proxy, the servers and the culler) and the proxy's control
# API stay on loopback: nothing outside this machine needs them.
c.JupyterHub.hub_bind_url = "http://127.0.0.1:" + _env("BACKSTRETCH_HUB_API_PORT", "8081")
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:" + _env("BACKSTRETCH_HUB_PROXY_PORT", "8001")

# The hub's database of users and tokens, its cookie secret and the proxy's pid file: one
# folder outside the checkout (a clean clone never holds secrets), readable by root alone.
STATE_DIR = Path(_env("BACKSTRETCH_HUB_STATE_DIR", "/srv/backstretch-hub"))
try:
    STATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    STATE_DIR.chmod(0o700)  # the cookie secret signs every login: nobody else reads it
except PermissionError as exc:
    raise SystemExit(
        f"cannot make the hub's state folder {STATE_DIR} ({exc.strerror}): run the hub as root "
        "or set BACKSTRETCH_HUB_STATE_DIR to a folder of yours"
    ) from None
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE_DIR / "jupyterhub-proxy.pid")


def _proxy_command() -> str:
    """configurable-http-proxy: the one ``npm ci --prefix deploy`` put beside this file,
    else the one on PATH (a system install), else an error that says how to get it."""
    chosen = os.environ.get("BACKSTRETCH_HUB_PROXY")
    if chosen:
        return chosen
    pinned = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
    if pinned.exists():
        return str(pinned)
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    raise SystemExit(
        "configurable-http-proxy not found: run `npm ci --prefix deploy` "
        "(or set BACKSTRETCH_HUB_PROXY to its path)"
    )


c.ConfigurableHTTPProxy.command = [_proxy_command()]

# ---------------------------------------------------------------- who may log in

# PAM: the machine's accounts and passwords. Put the people of the clinic or class in one
# Unix group (BACKSTRETCH_HUB_GROUP, "backstretch" by default); nobody else gets in. A class
# without Unix accounts can use jupyterhub-nativeauthenticator (sign-up, approved by an
# admin) with a spawner that isolates people (systemdspawner, dockerspawner) instead.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {_env("BACKSTRETCH_HUB_GROUP", "backstretch")}
c.Authenticator.admin_users = {
    name.strip() for name in os.environ.get("BACKSTRETCH_HUB_ADMINS", "").split(",") if name.strip()
}

# ---------------------------------------------------------------- each person's server

# LocalProcessSpawner (JupyterHub's default): each server runs as the person who logged in.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [PYTHON, str(HERE / "singleuser.py")]
# The workbook copy in each home is the server's root folder, so people see their notebooks
# first and the workshop page is /user/<name>/voila/render/05-Workshop.ipynb.
WORKBOOK_DIR = _env("BACKSTRETCH_HUB_WORKBOOK_DIR", "~/backstretch-workbook")
c.Spawner.notebook_dir = WORKBOOK_DIR
c.Spawner.default_url = "/lab/tree/00-Start-Here.ipynb"
# A person waiting at the login page sees an error, not a spinner, if the server is stuck.
c.Spawner.start_timeout = _seconds("BACKSTRETCH_HUB_START_TIMEOUT", 60)
c.Spawner.http_timeout = _seconds("BACKSTRETCH_HUB_START_TIMEOUT", 60)
# Stop everyone's server with the hub, so a restart never leaves orphans behind.
c.JupyterHub.cleanup_servers = True

#: The clinic's session log, e.g. postgresql+psycopg://{username}@db.clinic.internal/backstretch;
#: empty: each person's log is the SQLite file in their own data folder.
DATABASE_URL = os.environ.get("BACKSTRETCH_HUB_DATABASE_URL", "")
if DATABASE_URL and "{username}" not in DATABASE_URL:
    raise SystemExit(
        "BACKSTRETCH_HUB_DATABASE_URL must contain {username}: each person connects as their "
        "own database role, so that row-level security knows who they are"
    )
if ":" in DATABASE_URL.partition("://")[2].partition("@")[0]:
    raise SystemExit(
        "BACKSTRETCH_HUB_DATABASE_URL holds a password: leave it out and put each person's in "
        "their own ~/.pgpass (mode 0600)"
    )


def _home(spawner) -> str:
    """The person's home folder, as their server will see it."""
    home = getattr(spawner, "home_dir", "")  # SimpleLocalProcessSpawner (the tests)
    return home or pwd.getpwnam(spawner.user.name).pw_dir


def _password_file(spawner) -> str:
    """The person's pgpass file: ~/.pgpass, named outright so no other one is ever used."""
    return os.path.join(_home(spawner), ".pgpass")


def _database_url(spawner) -> str:
    """DATABASE_URL with this person's login as the database role."""
    return DATABASE_URL.format(username=quote(spawner.user.name, safe=""))


def _refuse_unsafe_password_file(spawner) -> None:
    """Stop before starting a server whose password file others can read, and tell the
    person why on their spawn page (at once, not after the start timeout)."""
    problem = singleuser.check_password_file(_password_file(spawner))
    if problem:
        raise web.HTTPError(
            403, f"Your server was not started: {problem}, or ask the clinic's administrator."
        )


c.Spawner.pre_spawn_hook = _refuse_unsafe_password_file
c.Spawner.environment = {
    "BACKSTRETCH_WORKBOOK_DIR": WORKBOOK_DIR,
    # libpq reads the password from here; singleuser.py checks it again, as the person.
    "PGPASSFILE": _password_file,
}
if DATABASE_URL:
    # Read by backstretch_kit.SessionLog() when it is given no path.
    c.Spawner.environment["BACKSTRETCH_DATABASE_URL"] = _database_url

# ---------------------------------------------------------------- idle servers

IDLE_TIMEOUT_S = _seconds("BACKSTRETCH_HUB_IDLE_TIMEOUT", 3600)
CULL_EVERY_S = _seconds("BACKSTRETCH_HUB_CULL_EVERY", min(300, max(1, IDLE_TIMEOUT_S // 2)))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            PYTHON,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={IDLE_TIMEOUT_S}",
            f"--cull-every={CULL_EVERY_S}",
        ],
    }
]
# The culler's token may only see servers and their activity and stop them (the scopes
# jupyterhub-idle-culler's README asks for), never read anyone's files or notebooks.
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
