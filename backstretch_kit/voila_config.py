"""Two classes the workshop's Voila server loads by name: a Host check and a kernel cap.

:func:`backstretch_kit.serve.voila_command` names them on Voila's command line; only the
Voila process imports this module (it needs jupyter_server and tornado, which
``import backstretch_kit`` never loads).

Why our own Host check: jupyter_server has one (``ServerApp.allow_remote_access`` and
``ServerApp.local_hostnames``, applied by ``JupyterHandler.check_host`` to every page, API
call and kernel websocket), but Voila's own app switches it off (``voila/app.py``,
``init_settings``: ``allow_remote_access=True``). ``--Voila.tornado_settings`` could switch
it back on, yet it answers an IP address only if it is loopback, so a room served on
``192.168.1.20`` would be refused its own address. :class:`WorkshopIdentityProvider` applies
the same rule plus the addresses the teacher serves on, at the same point of every request.

Why our own cap: neither Voila nor jupyter_server limits the number of kernels.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from jupyter_server._tz import utcnow
from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, List, Unicode

__all__ = ["FULL_REASON", "WorkshopIdentityProvider", "WorkshopKernelManager", "host_allowed"]

#: The status line, and the heading of Voila's error page, when every place is taken.
FULL_REASON = "This class is full. Please wait a few minutes and reload the page"


def _normal(host: str) -> str:
    """A host name or address in one spelling: no port, no IPv6 brackets, lower case."""
    name = host.strip().lower()
    try:  # a bare address, such as fd00::5, whose last group is no port
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    match = re.match(r"^(.*?)(:\d+)?$", name)
    name = match.group(1) if match else name
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name.rstrip(".")


def host_allowed(host_header: str, allowed: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether a request's ``Host`` header names this server.

    Loopback addresses and ``localhost`` always do (jupyter_server's rule); other names and
    addresses only when listed in ``allowed``. Anything else is a page elsewhere that
    rebound its own name to this machine (DNS rebinding), or a mistake.

    >>> host_allowed("127.0.0.1:8866"), host_allowed("[::1]:8866"), host_allowed("localhost")
    (True, True, True)
    >>> host_allowed("evil.example:8866"), host_allowed("192.168.1.20:8866")
    (False, False)
    >>> host_allowed("192.168.1.20:8866", ["192.168.1.20"])
    True
    """
    host = _normal(host_header)
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        if host == "localhost":
            return True
    return host in {_normal(name) for name in allowed}


class WorkshopIdentityProvider(PasswordIdentityProvider):
    """Voila's usual identity provider (token or none), answering only this server's names.

    ``JupyterHandler.prepare`` asks for the user before any page, API call or kernel
    websocket does its work, so a 403 here covers them all.
    """

    allowed_hosts = List(
        Unicode(),
        config=True,
        help="Names and addresses besides loopback that requests may carry in their Host "
        "header (the addresses the workshop is served on).",
    )

    def get_user(self, handler: web.RequestHandler) -> Any:
        if not host_allowed(handler.request.host, self.allowed_hosts):
            self.log.warning(
                "Refused a request for Host %r: not a name this workshop is served on",
                handler.request.host,
            )
            # no user, as JupyterHandler.check_host leaves it, so the 403 page can render
            handler.current_user = handler._jupyter_current_user = None  # type: ignore[attr-defined]
            raise web.HTTPError(403, "Host %r is not served here", handler.request.host)
        return super().get_user(handler)


class WorkshopKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager, refusing to start more than ``max_kernels`` kernels.

    Every page gets a kernel (about 110 MiB each), so the cap bounds the server's memory.
    Preheated kernels waiting for a page count too, so the cap is also the number of
    pages that can be open at once. A refused page gets HTTP 503 and Voila's error page
    saying :data:`FULL_REASON`.
    """

    max_kernels = Int(
        0, config=True, help="Most kernels running at once, preheated ones included; 0: no cap."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting: set[str] = set()  # ids being started: not yet in _kernels
        # Voila builds its pooling manager as a subclass of this one, so its
        # get_rendered_notebook (which hands a preheated kernel to a page) cannot be
        # overridden here; it is wrapped on the instance instead.
        handing_out = getattr(self, "get_rendered_notebook", None)
        if handing_out is not None:
            self.get_rendered_notebook = self._fresh_when_handed_out(handing_out)

    def _in_use(self) -> int:
        # a kernel being started or shut down may sit in both _kernels and _pending_kernels
        return len(set(self._kernels) | set(self._pending_kernels) | self._starting)

    async def start_kernel(self, *args: Any, kernel_id: str | None = None, **kwargs: Any) -> str:
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        if self.max_kernels > 0 and self._in_use() >= self.max_kernels:
            self.log.warning("Refused a kernel: all %d places are taken", self.max_kernels)
            raise web.HTTPError(
                503, "all %d kernels are in use", self.max_kernels, reason=FULL_REASON
            )
        # the id is reserved before the first await, so pages arriving together are
        # counted together
        kernel_id = self.new_kernel_id()
        self._starting.add(kernel_id)
        try:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        finally:
            self._starting.discard(kernel_id)

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._refill_pool()

    def _fresh_when_handed_out(self, handing_out: Any) -> Any:
        """Give a preheated kernel a whole idle time from the moment a page takes it.

        A kernel in Voila's pool looks idle from the moment it ran the notebook; the
        culler would shut it down as the page's websocket connects (seen on a busy
        machine: the handshake waited for a kernel being culled, and a place came free).
        """

        async def hand_out(*args: Any, **kwargs: Any) -> Any:
            rendered = await handing_out(*args, **kwargs)
            kernel_id = rendered[2]  # (render task, rendered cells, kernel id)
            if kernel_id in self._kernels:
                self._kernels[kernel_id].last_activity = utcnow()  # type: ignore[attr-defined]
            return rendered

        return hand_out

    def _refill_pool(self) -> None:
        """A place is free again: top up Voila's preheated pool, dropping refused starts.

        Voila refills its pool only when a page takes a kernel from it, and keeps a start
        that the cap refused as a failed entry; left alone, a class that was full once
        would answer "full" for free places and never preheat again.
        """
        pools = getattr(self, "_pools", None)  # set by Voila's pooling subclass only
        if not pools:
            return
        for notebook, pool in pools.items():
            for task in [task for task in pool if task.done()]:
                if task.cancelled() or task.exception() is not None:
                    pool.remove(task)
            self.fill_if_needed(notebook_name=notebook)  # type: ignore[attr-defined]
