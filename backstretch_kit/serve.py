"""Serve the workshop notebook with Voila, for a teacher and a projector.

Voila runs the notebook and shows only its widgets and prose, never its code. Each
browser that opens the page gets its own kernel, so every attendee (or the projector)
has a timer of their own. That kernel runs Python as the teacher, so the server answers
only the names it is served on, asks for a token beyond loopback, caps the number of
kernels and lets the kernels of closed pages go: :func:`voila_command` sets all of it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._data import notebook_path

__all__ = [
    "VOILA_TEMPLATE",
    "WORKSHOP_NOTEBOOK",
    "ServeError",
    "WorkshopLimits",
    "is_loopback",
    "served_hosts",
    "workshop_token",
    "workshop_links",
    "voila_command",
    "serve_workshop",
]

WORKSHOP_NOTEBOOK = "05-Workshop.ipynb"

#: Addresses that mean "every network interface of this computer".
WILDCARD_IPS = ("0.0.0.0", "::", "")

_CONFIG = "backstretch_kit.voila_config"
#: The workbook's Voila template (backstretch_kit/voila_templates/, installed with the
#: package into <prefix>/share/jupyter/voila/templates/ where Voila looks for templates).
VOILA_TEMPLATE = "backstretch"


class ServeError(ValueError):
    """A workshop server that would not be safe to start as asked."""


@dataclass(frozen=True)
class WorkshopLimits:
    """How many kernels the workshop server keeps, and when it lets one go.

    Parameters
    ----------
    max_kernels : int
        Most kernels at once, preheated ones included: the most pages open at once. A
        kernel of the workshop takes about 110 MiB, so 20 is about 2.2 GB.
    pool_size : int or None
        Kernels that have run the notebook ahead of time, each waiting for one page, so
        the page is ready in a second or two instead of ten. None: 1 on loopback (the
        projector), 4 for a room, where attendees arrive together.
    cull_idle_s, cull_interval_s : int
        A kernel with no page connected and no activity for ``cull_idle_s`` seconds is
        shut down; the check runs every ``cull_interval_s`` seconds.
    """

    max_kernels: int = 20
    pool_size: int | None = None
    cull_idle_s: int = 600
    cull_interval_s: int = 60

    def pool_for(self, ip: str) -> int:
        """The pool size to use when serving on ``ip``."""
        pool = self.pool_size if self.pool_size is not None else 1 if is_loopback(ip) else 4
        return min(pool, self.max_kernels)  # the pool's kernels count towards the cap


def is_loopback(ip: str) -> bool:
    """Whether ``ip`` (an address or ``localhost``) reaches this computer only.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback("192.168.1.20"), is_loopback("teacher.local")
    (False, False, False)
    """
    if ip.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may point anywhere


def _this_computer() -> list[str]:
    """Names and addresses others on the network may know this computer by."""
    name = socket.gethostname()
    found = [name, f"{name}.local", socket.getfqdn()]
    # each lookup may fail on a computer with no network; the others still count
    with contextlib.suppress(OSError):
        found += [info[4][0] for info in socket.getaddrinfo(name, None)]
    # the address of the interface that would reach another network (no packet is sent)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe, contextlib.suppress(OSError):
        probe.connect(("192.0.2.1", 9))
        found.append(probe.getsockname()[0])
    hosts = [host for host in dict.fromkeys(found) if host and not is_loopback(host)]
    return sorted(hosts, key=lambda host: not _is_address(host))  # addresses first


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def served_hosts(ip: str, extra: Sequence[str] = ()) -> list[str]:
    """The names and addresses, besides loopback ones, that requests may be addressed to.

    Listening on one address serves that address; listening on every interface
    (``0.0.0.0``) serves this computer's names and addresses. ``extra`` adds names, such
    as one a router gives this computer.
    """
    if is_loopback(ip):
        hosts: list[str] = []
    elif ip in WILDCARD_IPS:
        hosts = _this_computer()
    else:
        hosts = [ip]
    return list(dict.fromkeys([*hosts, *extra]))


def workshop_token(ip: str, token: str | None = None) -> str | None:
    """The token to serve with: ``token`` as given, or a new one beyond loopback.

    Raises
    ------
    ServeError
        If ``ip`` is not loopback and ``token`` is empty: anyone who reaches the port
        could run Python as the teacher.
    """
    if token is None and not is_loopback(ip):
        return secrets.token_urlsafe(24)
    if not token and not is_loopback(ip):
        raise _needs_token(ip)
    return token or None


def _needs_token(ip: str) -> ServeError:
    return ServeError(
        f"--ip {ip} serves other computers, so it needs a token: every page runs "
        "Python as you. Leave --token out to get a new one, or give a long random one."
    )


def workshop_links(
    ip: str, port: int, token: str | None = None, extra: Sequence[str] = ()
) -> list[str]:
    """The links to open the workshop, with the token when there is one."""
    hosts = [] if is_loopback(ip) else served_hosts(ip, extra)
    hosts = hosts or ["127.0.0.1"]
    query = f"?token={token}" if token else ""
    links = []
    for host in hosts:
        shown = f"[{host}]" if ":" in host else host
        links.append(f"http://{shown}:{port}/{query}")
    return links


def voila_command(
    port: int = 8866,
    ip: str = "127.0.0.1",
    notebook: str | Path | None = None,
    *,
    token: str | None = None,
    allowed_hosts: Sequence[str] = (),
    limits: WorkshopLimits | None = None,
) -> list[str]:
    """The command line that serves the workshop notebook (handy to print or adapt).

    Voila listens on ``ip`` only. On loopback (the default) it needs no token; anywhere
    else ``token`` is required (see :func:`workshop_token`). ``allowed_hosts`` adds names
    the server answers to (see :func:`served_hosts`); ``limits`` sets the kernel cap,
    the preheated pool and culling.

    Raises
    ------
    ServeError
        If ``ip`` is not loopback and there is no token.
    """
    if not token and not is_loopback(ip):
        raise _needs_token(ip)
    limits = limits or WorkshopLimits()
    pool = limits.pool_for(ip)
    if limits.max_kernels < 1:
        raise ServeError(f"--max-kernels must be 1 or more, got {limits.max_kernels}")
    voila = shutil.which("voila") or str(Path(sys.executable).parent / "voila")
    path = Path(notebook) if notebook is not None else notebook_path(WORKSHOP_NOTEBOOK)
    command = [
        voila,
        str(path),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--theme=light",
        # Voila's lab page without its two Font Awesome links to a CDN (the icons are in
        # voila.js already): a class in a room with no network gets no failed requests
        f"--template={VOILA_TEMPLATE}",
        # the link we print must be the port served: a taken port is an error, not a move
        "--Voila.port_retries=0",
        # DNS rebinding: a page the teacher opens could rebind its own name to this
        # computer and drive the class's kernels; answer only this server's own names
        # (loopback, and those it is served on) with 403 for the rest, page and websocket
        f"--Voila.identity_provider_class={_CONFIG}.WorkshopIdentityProvider",
        *(
            f"--WorkshopIdentityProvider.allowed_hosts={host}"
            for host in served_hosts(ip, allowed_hosts)
        ),
        # every page starts a kernel of ~110 MiB: cap them, with a "class is full" page
        f"--VoilaConfiguration.multi_kernel_manager_class={_CONFIG}.WorkshopKernelManager",
        f"--WorkshopKernelManager.max_kernels={limits.max_kernels}",
        # shut down the kernels of closed pages (a closed laptop never says goodbye),
        # never those of open ones, however long the class talks between stretches
        f"--MappingKernelManager.cull_idle_timeout={limits.cull_idle_s}",
        f"--MappingKernelManager.cull_interval={limits.cull_interval_s}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if pool > 0:
        # run the notebook ahead in a few kernels, one per page to come: opening the page
        # takes a ready kernel instead of starting one and running every cell (~9 s). Each
        # page still gets a kernel of its own; the class session starts at its own click.
        command += [
            "--VoilaConfiguration.preheat_kernel=True",
            f"--VoilaConfiguration.default_pool_size={pool}",
        ]
    if token:
        command.append(f"--Voila.token={token}")
    return command


def serve_workshop(
    port: int = 8866,
    ip: str = "127.0.0.1",
    *,
    token: str | None = None,
    allowed_hosts: Sequence[str] = (),
    limits: WorkshopLimits | None = None,
) -> int:
    """Run Voila on the workshop notebook until interrupted; return its exit code.

    Beyond loopback a token is made when ``token`` is None (see :func:`workshop_token`).
    """
    token = workshop_token(ip, token)
    command = voila_command(
        port=port, ip=ip, token=token, allowed_hosts=allowed_hosts, limits=limits
    )
    links = workshop_links(ip, port, token, allowed_hosts)
    print(f"Serving the workshop at {links[0]}  (Ctrl-C stops it)", flush=True)
    for link in links[1:]:
        print(f"                     or {link}", flush=True)
    if token:
        print("Anyone with the link can use the class's kernels: share it in the room only.")
    process = subprocess.Popen(command)

    def stop(_signum: int, _frame: object) -> None:
        process.terminate()  # Voila shuts its kernels down on SIGTERM

    # a service manager stops us with SIGTERM: Voila, which may face a room, must stop too
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl-C in a terminal reaches Voila as well; make sure
        process.terminate()
        process.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
