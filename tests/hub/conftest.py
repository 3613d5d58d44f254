"""A real JupyterHub for the tests: deploy/jupyterhub_config.py behind configurable-http-proxy.

The hub runs with tests/hub/hub_config.py, an overlay on the clinic configuration that swaps
only PAM and Unix accounts for test logins and per-person homes in a temporary folder; its
database, cookie secret and proxy pid file are in that folder too (``_hub.start_hub``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _hub import (
    IDLE_PERSON,
    PEOPLE,
    Hub,
    log_in,
    require_hub_tools,
    start_hub,
    stop_hub,
    user_token,
    wait_for_server,
)

# JupyterHub and culler config files, loaded by those programs, not importable modules
# (they use the get_config() their loader provides): keep --doctest-modules off them.
collect_ignore = ["hub_config.py", "culler_config.py"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A JupyterHub on free loopback ports, with PEOPLE and IDLE_PERSON allowed in."""
    require_hub_tools()
    running = start_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield running
    finally:
        stop_hub(running)


@pytest.fixture(scope="module")
def servers(hub: Hub) -> dict[str, dict]:
    """Everyone logged in and their servers running: the idle person's by the API (then left
    alone), the others' through the login page; all spawn at once."""
    started = hub.api("POST", f"/users/{IDLE_PERSON}/server")
    assert started.status_code in (201, 202), started.text
    people = {}
    for name in PEOPLE:
        browser, answer = log_in(hub, name, hub.password)
        assert answer.status_code == 200, (answer.status_code, answer.url)
        people[name] = {"browser": browser}
    for name, person in people.items():
        wait_for_server(hub, name)
        person["token"] = user_token(hub, name)
    return people
