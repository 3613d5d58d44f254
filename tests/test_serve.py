"""Tests for the workshop server's command line, its refusals and its Voila classes.

The real servers are driven in tests/browser/test_workshop_server.py; these run no server.
"""

from __future__ import annotations

import asyncio
import shlex
import socket

import pytest
from tornado import web

from backstretch_kit.cli import main
from backstretch_kit.serve import (
    ServeError,
    WorkshopLimits,
    is_loopback,
    served_hosts,
    voila_command,
    workshop_links,
    workshop_token,
)


def _flags(command: list[str]) -> dict[str, list[str]]:
    """``--Name=value`` flags of a command, each name to its values (in order)."""
    flags: dict[str, list[str]] = {}
    for part in command:
        name, _, value = part.partition("=")
        flags.setdefault(name, []).append(value)
    return flags


def test_default_command_sets_every_guard_on_loopback():
    """Loopback, no token, the Host check, the cap of 20, culling and a pool of 1."""
    flags = _flags(voila_command(port=9123))
    assert flags["--Voila.ip"] == ["127.0.0.1"] and flags["--port"] == ["9123"]
    assert flags["--Voila.port_retries"] == ["0"]
    assert flags["--Voila.identity_provider_class"] == [
        "backstretch_kit.voila_config.WorkshopIdentityProvider"
    ]
    assert "--WorkshopIdentityProvider.allowed_hosts" not in flags  # loopback names only
    assert flags["--VoilaConfiguration.multi_kernel_manager_class"] == [
        "backstretch_kit.voila_config.WorkshopKernelManager"
    ]
    assert flags["--WorkshopKernelManager.max_kernels"] == ["20"]
    assert flags["--MappingKernelManager.cull_idle_timeout"] == ["600"]
    assert flags["--MappingKernelManager.cull_interval"] == ["60"]
    assert flags["--MappingKernelManager.cull_connected"] == ["False"]
    assert flags["--VoilaConfiguration.preheat_kernel"] == ["True"]
    assert flags["--VoilaConfiguration.default_pool_size"] == ["1"]
    assert "--Voila.token" not in flags


def test_limits_set_the_cap_the_pool_and_culling():
    """WorkshopLimits is the one place for those numbers; a pool of 0 turns preheating off."""
    limits = WorkshopLimits(max_kernels=3, pool_size=2, cull_idle_s=7, cull_interval_s=2)
    flags = _flags(voila_command(limits=limits))
    assert flags["--WorkshopKernelManager.max_kernels"] == ["3"]
    assert flags["--VoilaConfiguration.default_pool_size"] == ["2"]
    assert flags["--MappingKernelManager.cull_idle_timeout"] == ["7"]
    assert flags["--MappingKernelManager.cull_interval"] == ["2"]
    flags = _flags(voila_command(limits=WorkshopLimits(pool_size=0)))
    assert "--VoilaConfiguration.preheat_kernel" not in flags
    # the pool's kernels count towards the cap, so the pool never exceeds it
    assert WorkshopLimits(max_kernels=2).pool_for("0.0.0.0") == 2
    with pytest.raises(ServeError, match="--max-kernels"):
        voila_command(limits=WorkshopLimits(max_kernels=0))


def test_a_room_without_a_token_is_refused():
    """voila_command refuses a non-loopback address with no token, naming the token."""
    for ip in ("0.0.0.0", "192.168.1.20", "teacher.local", "::"):
        with pytest.raises(ServeError, match="needs a token"):
            voila_command(ip=ip)
        with pytest.raises(ServeError, match="needs a token"):
            workshop_token(ip, "")


def test_cli_refuses_an_empty_token_for_a_room_with_status_2(capsys):
    """`workshop --ip 0.0.0.0 --token ''` exits 2 with the reason and prints no command."""
    assert main(["workshop", "--ip", "0.0.0.0", "--token", "", "--print-command"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--ip 0.0.0.0 serves other computers, so it needs a token" in err


def test_cli_gives_a_room_a_new_token_in_the_command_and_the_link(capsys):
    """--ip 0.0.0.0 alone: a long random token in the printed command and in each link."""
    assert main(["workshop", "--ip", "0.0.0.0", "--port", "9124", "--print-command"]) == 0
    out, err = capsys.readouterr()
    flags = _flags(shlex.split(out))
    (token,) = flags["--Voila.token"]
    assert len(token) >= 32
    assert flags["--VoilaConfiguration.default_pool_size"] == ["4"]
    assert socket.gethostname() in flags["--WorkshopIdentityProvider.allowed_hosts"]
    links = [line.removeprefix("link: ") for line in err.splitlines()]
    assert links and all(link.endswith(f":9124/?token={token}") for link in links)
    assert main(["workshop", "--ip", "0.0.0.0", "--print-command"]) == 0
    assert _flags(shlex.split(capsys.readouterr().out))["--Voila.token"] != [token]


def test_cli_passes_a_given_token_names_and_cap(capsys):
    """--token, --allow-host and --max-kernels reach Voila's command line as given."""
    argv = ["workshop", "--ip", "192.168.1.20", "--token", "s3cret-enough", "--print-command"]
    argv += ["--allow-host", "studio.lan", "--max-kernels", "12"]
    assert main(argv) == 0
    flags = _flags(shlex.split(capsys.readouterr().out))
    assert flags["--Voila.token"] == ["s3cret-enough"]
    assert flags["--WorkshopIdentityProvider.allowed_hosts"] == ["192.168.1.20", "studio.lan"]
    assert flags["--WorkshopKernelManager.max_kernels"] == ["12"]


def test_print_command_reads_back_as_the_same_command(capsys):
    """The printed line, split as a shell would, is exactly the command voila_command gives."""
    assert main(["workshop", "--port", "9125", "--print-command"]) == 0
    assert shlex.split(capsys.readouterr().out) == voila_command(port=9125)


def test_loopback_and_served_hosts():
    """Loopback needs no names; one address serves itself; 0.0.0.0 serves this computer."""
    assert [is_loopback(ip) for ip in ("127.0.0.1", "127.0.1.1", "::1", "LOCALHOST")] == [True] * 4
    assert not any(is_loopback(ip) for ip in ("0.0.0.0", "10.0.0.5", "teacher.local", ""))
    assert served_hosts("127.0.0.1") == []
    assert served_hosts("10.0.0.5", ["studio.lan"]) == ["10.0.0.5", "studio.lan"]
    assert socket.gethostname() in served_hosts("0.0.0.0")
    assert workshop_links("127.0.0.1", 8866) == ["http://127.0.0.1:8866/"]
    assert workshop_links("fd00::5", 8866, "t") == ["http://[fd00::5]:8866/?token=t"]


def test_host_check_answers_only_this_servers_names():
    """Loopback names in every spelling pass; a foreign or look-alike name does not."""
    from backstretch_kit.voila_config import host_allowed

    for host in ("127.0.0.1:8866", "127.0.0.2", "[::1]:8866", "LocalHost:8866", "localhost."):
        assert host_allowed(host), host
    for host in ("evil.example", "localhost.evil.example:8866", "127.0.0.1.nip.io", "", "0"):
        assert not host_allowed(host), host
    assert not host_allowed("10.0.0.5:8866")
    assert host_allowed("10.0.0.5:8866", ["10.0.0.5"])
    assert host_allowed("Studio.LAN:8866", ["studio.lan"])
    assert host_allowed("[fd00:0::5]:8866", ["fd00::5"])  # one spelling of an address


def test_kernel_cap_counts_kernels_still_starting(monkeypatch):
    """Two pages arriving together at the last place: one kernel starts, one gets 503."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from backstretch_kit.voila_config import FULL_REASON, WorkshopKernelManager

    async def slow_start(self, *args, kernel_id=None, **kwargs):
        await asyncio.sleep(0.05)  # a real start takes a second or two
        self._kernels[kernel_id] = object()
        return kernel_id

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", slow_start)
    manager = WorkshopKernelManager(max_kernels=2)
    manager._kernels["already-open"] = object()

    async def two_pages():
        return await asyncio.gather(
            manager.start_kernel(), manager.start_kernel(), return_exceptions=True
        )

    results = asyncio.run(two_pages())
    refused = [r for r in results if isinstance(r, web.HTTPError)]
    assert len(refused) == 1 and refused[0].status_code == 503
    assert refused[0].reason == FULL_REASON
    assert len(manager._kernels) == 2


def test_stopping_the_command_stops_voila(tmp_path):
    """SIGTERM to `backstretch workshop` stops the Voila it started (no server left behind)."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "BACKSTRETCH_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "backstretch_kit.cli", "workshop", "--port", str(port)]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}/voila/static/voila.js"

    def answers() -> bool:
        try:
            urllib.request.urlopen(url, timeout=2).close()
        except OSError:
            return False
        return True

    try:
        deadline = time.monotonic() + 60
        while not answers():
            assert process.poll() is None and time.monotonic() < deadline, "Voila never came up"
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) is not None
        deadline = time.monotonic() + 15
        while answers():
            assert time.monotonic() < deadline, "Voila still serves after the command stopped"
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            process.kill()
