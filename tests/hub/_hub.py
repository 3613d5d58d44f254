"""Helpers of the JupyterHub test: find the tools, start and stop the hub, talk to it.

Everything here speaks to the hub as its users and admins do: HTTP through the proxy (the
login form, the REST API with tokens) and the kernel websocket Jupyter front ends use. The
session log behind it is the clinic's: one PostgreSQL database with a login role per person
(tests/_postgres.py starts a real server), or, on a developer's machine without PostgreSQL,
each person's own SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

try:
    import requests  # a dependency of JupyterHub: missing only where JupyterHub is
except ImportError:  # pragma: no cover - require_hub_tools() says what to install
    requests = None

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAY = Path(__file__).with_name("hub_config.py")
PEOPLE = ("alice", "bob")
#: Started and left alone, for the idle culler to stop.
IDLE_PERSON = "carol"
#: Their password file can be read by others, so their server must refuse to start.
CARELESS_PERSON = "dave"
IDLE_TIMEOUT_S = 6
CULL_EVERY_S = 2
HUB_START_S = 60
SPAWN_S = 60
KERNEL_S = 60
DATABASE = "backstretch_hub"


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def proxy_path() -> str | None:
    """configurable-http-proxy, found as deploy/jupyterhub_config.py finds it."""
    chosen = os.environ.get("BACKSTRETCH_HUB_PROXY")
    if chosen:
        return chosen
    pinned = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
    return str(pinned) if pinned.exists() else shutil.which("configurable-http-proxy")


def _missing() -> list[str]:
    missing = []
    if importlib.util.find_spec("jupyterhub") is None:
        missing.append("jupyterhub (pip install jupyterhub jupyterhub-idle-culler)")
    elif importlib.util.find_spec("jupyterhub_idle_culler") is None:
        missing.append("jupyterhub-idle-culler (pip install jupyterhub-idle-culler)")
    if proxy_path() is None:
        missing.append("configurable-http-proxy (npm ci --prefix deploy)")
    return missing


def require_hub_tools() -> None:
    """Skip with advice on a developer's machine without the tools; fail on CI."""
    missing = _missing()
    if not missing:
        return
    message = "the JupyterHub test needs " + " and ".join(missing)
    if on_ci():
        pytest.fail(message + " (CI=true: .ci/run installs them)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------ the clinic's database


def _postgres_module() -> Any:
    """tests/_postgres.py (shared with the session-log tests)."""
    tests = str(ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import _postgres

    return _postgres


@dataclass
class ClinicDatabase:
    """The shared session log: a PostgreSQL database, a login role per person.

    Set up as docs/CLINIC.md tells a clinic's administrator to (``backstretch_kit.log.clinic``):
    the tables and row-level security, then each person with their own role and password.
    Each password goes in that person's own pgpass file, never in the hub's configuration.
    """

    server: Any
    passwords: dict[str, str]

    @classmethod
    def start(cls, people: tuple[str, ...]) -> ClinicDatabase:
        from backstretch_kit.log import clinic

        server = _postgres_module().start_server()
        try:
            admin_url = server.create_database(DATABASE)
            passwords = {}
            with _environment(server.env):  # the administrator's own pgpass file
                clinic.init(admin_url)
                for name in people:
                    passwords[name] = secrets.token_urlsafe(18)
                    clinic.add_patient(admin_url, name, name, password=passwords[name])
        except BaseException:
            server.remove()
            raise
        return cls(server, passwords)

    @property
    def url_template(self) -> str:
        """BACKSTRETCH_HUB_DATABASE_URL: the hub puts each person's name in it."""
        return self.server.url("{username}", DATABASE)

    def write_pgpass(self, home: Path, name: str, mode: int = 0o600) -> Path:
        """The person's ~/.pgpass, as the clinic's administrator hands it over."""
        home.mkdir(parents=True, exist_ok=True)
        pgpass = home / ".pgpass"
        pgpass.write_text(
            f"127.0.0.1:{self.server.port}:{DATABASE}:{name}:{self.passwords[name]}\n"
        )
        pgpass.chmod(mode)
        return pgpass

    def holds_of_everyone(self) -> list[str]:
        """Whose holds the database keeps, read as its administrator (no row security)."""
        import psycopg

        dsn = self.server.dsn("postgres", DATABASE)
        with psycopg.connect(dsn, password=self.server.password) as conn:
            rows = conn.execute(
                "SELECT p.person FROM holds h JOIN people p USING (person_id) ORDER BY 1"
            ).fetchall()
        return [row[0] for row in rows]

    def remove(self) -> None:
        self.server.remove()


def clinic_database(people: tuple[str, ...]) -> ClinicDatabase | None:
    """The shared PostgreSQL log, or None (each person's SQLite file) where PostgreSQL is
    missing on a developer's machine (or BACKSTRETCH_TEST_HUB_LOG=sqlite asks for it).
    On CI a missing PostgreSQL is a failure."""
    if os.environ.get("BACKSTRETCH_TEST_HUB_LOG") == "sqlite":
        return None
    try:
        reason = _postgres_module().missing_reason()
    except ImportError as exc:  # pragma: no cover - tests/_postgres.py is in the repository
        reason = f"tests/_postgres.py cannot be imported: {exc}"
    if reason is not None:
        if on_ci():
            pytest.fail(f"the JupyterHub test needs PostgreSQL on CI: {reason}")
        return None
    return ClinicDatabase.start(people)


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ------------------------------------------------------------------ the hub


@dataclass
class Hub:
    """A running hub: its public URL, the test service's token, its folders and database."""

    url: str
    token: str
    password: str
    base: Path
    homes: Path
    log_path: Path
    database: ClinicDatabase | None
    process: subprocess.Popen = field(repr=False)

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        """A call to the hub's REST API (``/hub/api/...``) through the proxy."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=headers, timeout=30, **kwargs
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def start_hub(base: Path) -> Hub:
    """Start ``jupyterhub -f tests/hub/hub_config.py`` with its state and homes in ``base``,
    on free loopback ports, over the clinic's database; return once it answers."""
    homes = base / "homes"
    homes.mkdir()
    database = clinic_database((*PEOPLE, CARELESS_PERSON))
    env = {
        "BACKSTRETCH_HUB_IDLE_TIMEOUT": str(IDLE_TIMEOUT_S),
        "BACKSTRETCH_HUB_CULL_EVERY": str(CULL_EVERY_S),
        "BACKSTRETCH_TEST_HUB_HOMES": str(homes),
        "BACKSTRETCH_TEST_HUB_PASSWORD": secrets.token_urlsafe(12),
        "BACKSTRETCH_TEST_HUB_USERS": ",".join((*PEOPLE, IDLE_PERSON, CARELESS_PERSON)),
        "BACKSTRETCH_TEST_HUB_IDLE_USER": IDLE_PERSON,
        "BACKSTRETCH_TEST_HUB_TOKEN": secrets.token_hex(32),
    }
    if database is not None:
        env["BACKSTRETCH_HUB_DATABASE_URL"] = database.url_template
        for name in PEOPLE:
            database.write_pgpass(homes / name, name)
        # readable by everyone: the server must refuse to start with it
        database.write_pgpass(homes / CARELESS_PERSON, CARELESS_PERSON, mode=0o644)
    else:
        (homes / CARELESS_PERSON).mkdir()
        (homes / CARELESS_PERSON / ".pgpass").write_text("127.0.0.1:5432:*:dave:not-used\n")
        (homes / CARELESS_PERSON / ".pgpass").chmod(0o644)
    return launch_hub(base, OVERLAY, env, database=database, homes=homes)


def launch_hub(
    base: Path,
    config_file: Path,
    settings: dict[str, str],
    database: ClinicDatabase | None = None,
    homes: Path | None = None,
) -> Hub:
    """Run ``jupyterhub -f config_file`` on free loopback ports with its state in ``base``
    and ``settings`` in its environment; return once it answers through the proxy."""
    env = {
        **os.environ,
        "BACKSTRETCH_HUB_URL": f"http://127.0.0.1:{free_port()}",
        "BACKSTRETCH_HUB_API_PORT": str(free_port()),
        "BACKSTRETCH_HUB_PROXY_PORT": str(free_port()),
        "BACKSTRETCH_HUB_STATE_DIR": str(base / "state"),
        "BACKSTRETCH_HUB_PROXY": proxy_path() or "",
    }
    # Nothing of the test process's own settings reaches the hub: its data folder (the root
    # conftest.py) and any database password file are nobody's here.
    for key in ("BACKSTRETCH_DATA_DIR", "BACKSTRETCH_DATABASE_URL", "PGPASSFILE", "PGPASSWORD"):
        env.pop(key, None)
    env.update(settings)
    log_path = base / "jupyterhub.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(config_file)],
            cwd=base,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(
        url=env["BACKSTRETCH_HUB_URL"],
        token=settings.get("BACKSTRETCH_TEST_HUB_TOKEN", ""),
        password=settings.get("BACKSTRETCH_TEST_HUB_PASSWORD", ""),
        base=base,
        homes=homes or base,
        log_path=log_path,
        database=database,
        process=process,
    )
    try:
        _wait_until_up(hub)
    except BaseException:
        stop_hub(hub)
        raise
    return hub


def _wait_until_up(hub: Hub) -> None:
    deadline = time.monotonic() + HUB_START_S
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({hub.process.returncode}):\n{hub.log_tail()}")
        with contextlib.suppress(requests.ConnectionError):
            # /hub/api answers once the hub, the proxy and its route to the hub are up
            if requests.get(f"{hub.url}/hub/api/", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"jupyterhub not up in {HUB_START_S} s:\n{hub.log_tail()}")


def stop_hub(hub: Hub) -> None:
    """Stop the hub as a clinic would (SIGTERM: it stops the servers, culler and proxy),
    then the database."""
    try:
        if hub.process.poll() is None:
            hub.process.send_signal(signal.SIGTERM)
            try:
                hub.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(hub.process.pid, signal.SIGKILL)  # the hub's own process group
                hub.process.wait(timeout=10)
        # The servers run in sessions of their own; anything the hub left behind runs in
        # this test's folder (its cwd), which is how we know it is ours to stop.
        for pid in _processes_under(hub.base):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    finally:
        if hub.database is not None:
            hub.database.remove()


def _processes_under(folder: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if Path(os.readlink(proc / "cwd")).is_relative_to(folder):
                pids.append(int(proc.name))
    return pids


# ------------------------------------------------------------------ people and servers


def log_in(hub: Hub, name: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Log in at /hub/login as a browser does (form, XSRF cookie); return the session."""
    browser = requests.Session()
    browser.get(f"{hub.url}/hub/login", timeout=30).raise_for_status()
    answer = browser.post(
        f"{hub.url}/hub/login",
        data={"username": name, "password": password, "_xsrf": browser.cookies.get("_xsrf")},
        timeout=60,
    )
    return browser, answer


def wait_for_server(hub: Hub, name: str) -> dict | None:
    """The person's server model once the hub says it is ready; None if the spawn failed."""
    deadline = time.monotonic() + SPAWN_S
    while time.monotonic() < deadline:
        user = hub.api("GET", f"/users/{name}").json()
        server = user["servers"].get("")
        if server and server["ready"]:
            return server
        if not server and not user.get("pending"):
            return None
        time.sleep(0.3)
    raise AssertionError(f"{name}'s server not ready in {SPAWN_S} s:\n{hub.log_tail()}")


def user_token(hub: Hub, name: str) -> str:
    """A short-lived API token of the person's own, made by the admin service."""
    answer = hub.api("POST", f"/users/{name}/tokens", json={"note": "hub test", "expires_in": 600})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


# ------------------------------------------------------------------ notebooks and kernels

#: The notebook each person opens. The first cell logs a hold through the workbook's own
#: SessionLog, which the hub pointed at the clinic's database; the second reads back what
#: this person can see, through SessionLog and, on PostgreSQL, with raw SQL on their own
#: connection (so that what is proven is the database's row security, not the workbook's).
LOG_ONE_HOLD = """\
import json, os
from backstretch_kit import SessionLog

me = os.environ["JUPYTERHUB_USER"]
with SessionLog() as log:
    session = log.start_session(me, routine="clinic check", pain_before=3)
    log.record_hold(session, "knee-to-chest", "left", 1, planned_s=30, actual_s=28.5)
    log.finish_session(session, pain_after=2)
print(json.dumps({"logged": session}))
"""
READ_BACK = """\
import json, os
from backstretch_kit import SessionLog

with SessionLog() as log:
    holds = log.holds()
    seen = {
        "log": str(log.path) if log.path is not None else repr(log),
        "people": log.people(),
        "hold_people": holds["person"].astype(str).tolist(),
        "actual_s": holds["actual_s"].tolist(),
    }
url = os.environ.get("BACKSTRETCH_DATABASE_URL")
if url:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1)) as raw:
        seen["sql_people"] = [row[0] for row in raw.execute("SELECT person FROM people")]
        seen["sql_holds"] = raw.execute("SELECT count(*) FROM holds").fetchone()[0]
print(json.dumps(seen))
"""
NOTEBOOK = "log-one-hold.ipynb"


def save_notebook(hub: Hub, name: str, token: str, cells: list[str]) -> None:
    """Save a notebook of code cells in the person's workbook, through the Contents API."""
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "cells": [
            {
                "cell_type": "code",
                "id": f"cell-{number}",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for number, source in enumerate(cells)
        ],
    }
    saved = requests.put(
        f"{hub.url}/user/{name}/api/contents/{NOTEBOOK}",
        json={"type": "notebook", "format": "json", "content": notebook},
        headers={"Authorization": f"token {token}"},
        timeout=30,
    )
    assert saved.status_code in (200, 201), saved.text


def open_notebook(hub: Hub, name: str, token: str) -> tuple[str, list[str]]:
    """Open the saved notebook as JupyterLab does: read it, start a session (a kernel for
    that notebook). Returns the kernel id and the code of its cells."""
    server = f"{hub.url}/user/{name}/api"
    headers = {"Authorization": f"token {token}"}
    model = requests.get(f"{server}/contents/{NOTEBOOK}", headers=headers, timeout=30)
    assert model.status_code == 200, model.text
    cells = [cell["source"] for cell in model.json()["content"]["cells"]]
    opened = requests.post(
        f"{server}/sessions",
        json={
            "path": NOTEBOOK,
            "name": NOTEBOOK,
            "type": "notebook",
            "kernel": {"name": "python3"},
        },
        headers=headers,
        timeout=KERNEL_S,
    )
    assert opened.status_code == 201, opened.text
    return opened.json()["kernel"]["id"], cells


def kernel_json(message: dict) -> str:
    """A kernel message as the websocket's JSON (dates in ISO 8601, as Jupyter sends them)."""
    from jupyter_client.jsonutil import json_default

    return json.dumps(message, default=json_default)


async def _execute(url: str, token: str, code: str) -> str:
    """Run ``code`` over the kernel's websocket (through the proxy); return its stdout."""
    from jupyter_client.session import Session
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session = Session(key=b"", username="hub-test")
    request = HTTPRequest(url, headers={"Authorization": f"token {token}"}, request_timeout=30)
    socket = await websocket_connect(request)
    try:
        message = session.msg(
            "execute_request",
            {"code": code, "silent": False, "store_history": False, "allow_stdin": False},
        )
        message["channel"] = "shell"
        await socket.write_message(kernel_json(message))
        msg_id = message["header"]["msg_id"]
        out, replied, idle = [], False, False
        while not (replied and idle):
            raw = await asyncio.wait_for(socket.read_message(), KERNEL_S)
            assert raw is not None, "the kernel's websocket closed"
            if isinstance(raw, bytes):  # binary frames carry widget buffers: not ours
                continue
            reply = json.loads(raw)
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "stream" and content["name"] == "stdout":
                out.append(content["text"])
            elif kind == "error":
                raise AssertionError("the cell failed:\n" + "\n".join(content["traceback"]))
            elif kind == "execute_reply":
                replied = True
                assert content["status"] == "ok", content
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return "".join(out)
    finally:
        socket.close()


def run_cell(hub: Hub, name: str, token: str, kernel_id: str, code: str) -> dict:
    """Run a cell in the person's kernel; return the JSON it printed last."""
    ws_base = hub.url.replace("http://", "ws://", 1)
    url = f"{ws_base}/user/{name}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    printed = asyncio.run(_execute(url, token, code))
    return json.loads(printed.strip().splitlines()[-1])
