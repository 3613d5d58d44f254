"""A real JupyterHub serves the workbook: a login, a server and one's own records each.

On deploy/jupyterhub_config.py behind configurable-http-proxy, over the clinic's PostgreSQL
log with a role per person (conftest.py, _hub.py): people log in with a password and land in
their own copy of the workbook; a notebook each opens in their own server logs a hold through
``SessionLog()`` in a real kernel, and each reads back only their own, through the workbook
and in raw SQL; nobody's token or login opens another's server; a password file others can
read stops a server from starting; the workshop renders in Voila inside a person's server;
the idle-culler service stops a server nobody uses; and the configuration as deployed (PAM)
starts on its own.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from _hub import (
    CARELESS_PERSON,
    DEPLOY,
    IDLE_PERSON,
    IDLE_TIMEOUT_S,
    LOG_ONE_HOLD,
    NOTEBOOK,
    PEOPLE,
    READ_BACK,
    Hub,
    launch_hub,
    log_in,
    open_notebook,
    requests,
    require_hub_tools,
    run_cell,
    save_notebook,
    stop_hub,
    wait_for_server,
)

pytestmark = pytest.mark.slow


def test_a_wrong_password_is_refused(hub: Hub) -> None:
    """The login page turns a wrong password away and starts nothing."""
    _, answer = log_in(hub, PEOPLE[0] + "-nobody", "not the password")
    assert answer.status_code == 403
    assert "/hub/login" in answer.url
    assert hub.api("GET", f"/users/{PEOPLE[0]}-nobody").status_code == 404


def test_each_person_lands_in_their_own_workbook(hub: Hub, servers: dict[str, dict]) -> None:
    """After logging in, /user/<name>/ opens JupyterLab on the start notebook of their copy."""
    for name, person in servers.items():
        landed = person["browser"].get(f"{hub.url}/user/{name}/", timeout=60)
        assert landed.status_code == 200
        assert landed.url.endswith(f"/user/{name}/lab/tree/00-Start-Here.ipynb"), landed.url
        listing = requests.get(
            f"{hub.url}/user/{name}/api/contents",
            headers={"Authorization": f"token {person['token']}"},
            timeout=30,
        ).json()
        names = {item["name"] for item in listing["content"]}
        assert {"00-Start-Here.ipynb", "05-Workshop.ipynb"} <= names
        workbook = hub.homes / name / "backstretch-workbook"
        assert (workbook.stat().st_mode & 0o777) == 0o700


def test_each_person_logs_and_sees_only_their_own_holds(hub: Hub, servers: dict[str, dict]) -> None:
    """Each opens a notebook in their server and its kernel logs a hold through SessionLog()
    into the clinic's log; then each reads back one hold, their own, though both are kept.

    On PostgreSQL the log is one database for everyone and each connects as their own role:
    raw SQL on their own connection sees only their rows (row-level security). On SQLite
    (a developer's machine without PostgreSQL) each log is a file in the person's own home,
    readable by them alone.
    """
    kernels = {}
    for name, person in servers.items():
        save_notebook(hub, name, person["token"], [LOG_ONE_HOLD, READ_BACK])
        kernels[name] = open_notebook(hub, name, person["token"])
    for name, (kernel_id, cells) in kernels.items():
        logged = run_cell(hub, name, servers[name]["token"], kernel_id, cells[0])
        assert logged["logged"] >= 1
    for name, (kernel_id, cells) in kernels.items():
        seen = run_cell(hub, name, servers[name]["token"], kernel_id, cells[1])
        assert seen["people"] == [name]
        assert seen["hold_people"] == [name]
        assert seen["actual_s"] == [28.5]
        assert (hub.homes / name / "backstretch-workbook" / NOTEBOOK).exists()
        if hub.database is not None:
            assert seen["log"].startswith(f"SessionLog('{name}@127.0.0.1:"), seen["log"]
            assert seen["sql_people"] == [name]
            assert seen["sql_holds"] == 1
        else:
            log = Path(seen["log"])
            assert log.is_relative_to(hub.homes / name), log
            assert (log.stat().st_mode & 0o777) == 0o600
    if hub.database is not None:
        assert hub.database.holds_of_everyone() == sorted(PEOPLE)


def test_a_password_file_others_can_read_stops_the_server(hub: Hub) -> None:
    """A ~/.pgpass anyone can read is refused before the server starts, saying how to fix it."""
    started = hub.api("POST", f"/users/{CARELESS_PERSON}/server")
    pgpass = hub.homes / CARELESS_PERSON / ".pgpass"
    assert started.status_code == 403, started.text
    assert started.json()["message"].startswith(
        f"Your server was not started: {pgpass} can be read by others (mode 644): "
        f"run `chmod 600 {pgpass}`"
    )
    assert wait_for_server(hub, CARELESS_PERSON) is None, "the server started"


def test_nobody_opens_another_persons_server(hub: Hub, servers: dict[str, dict]) -> None:
    """Bob's token and Bob's login are refused at Alice's server."""
    alice, bob = PEOPLE
    refused = requests.get(
        f"{hub.url}/user/{alice}/api/contents",
        headers={"Authorization": f"token {servers[bob]['token']}"},
        timeout=30,
    )
    assert refused.status_code == 403
    # Alice's server sends Bob's browser to the hub to authorize him; the hub refuses.
    page = servers[bob]["browser"].get(f"{hub.url}/user/{alice}/lab", timeout=60)
    assert page.status_code == 403, (page.status_code, page.url)
    assert "/hub/api/oauth2/authorize" in page.url


def test_the_workshop_answers_in_voila(hub: Hub, servers: dict[str, dict]) -> None:
    """Voila, a server extension of each person's server, runs and shows the workshop."""
    name = PEOPLE[0]
    page = servers[name]["browser"].get(
        f"{hub.url}/user/{name}/voila/render/05-Workshop.ipynb", timeout=120
    )
    assert page.status_code == 200, page.text[:2000]
    assert "A stretching class on a projector" in page.text
    # the widget's view, which only a kernel that ran the notebook's cells can produce
    assert "application/vnd.jupyter.widget-view+json" in page.text


def test_an_idle_server_is_culled(hub: Hub, servers: dict[str, dict]) -> None:
    """The idle-culler service stops the server nobody used, after the timeout."""
    culler = hub.api("GET", "/services/idle-culler").json()
    assert f"--timeout={IDLE_TIMEOUT_S}" in culler["command"], culler
    os.kill(culler["pid"], 0)  # the hub started it and it is still running
    deadline = time.monotonic() + IDLE_TIMEOUT_S + 30
    while time.monotonic() < deadline:
        if not hub.api("GET", f"/users/{IDLE_PERSON}").json()["servers"]:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"{IDLE_PERSON}'s idle server still running:\n{hub.log_tail()}")
    assert f"Culling server {IDLE_PERSON}" in hub.log_text()


def test_the_clinic_configuration_starts_as_deployed(tmp_path: Path) -> None:
    """deploy/jupyterhub_config.py alone (PAM, local processes, the culler) starts a hub
    whose login page answers and turns away someone who is not a user of this machine."""
    require_hub_tools()
    hub = launch_hub(tmp_path, DEPLOY / "jupyterhub_config.py", {})
    try:
        assert requests.get(f"{hub.url}/hub/login", timeout=30).status_code == 200
        _, answer = log_in(hub, "nobody-at-this-clinic", "a guess")
        assert answer.status_code == 403
        log = hub.log_text()
        assert "PAMAuthenticator" in log and "Failed login for 'nobody-at-this-clinic'" in log
        assert "Starting managed service idle-culler" in log
    finally:
        stop_hub(hub)
