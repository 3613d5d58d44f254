"""Widget callbacks that run on the kernel's main event loop and show their errors.

Why this exists: JupyterLab 4.6 with ipykernel 7 delivers widget messages (a
click, a slider moved) on kernel *subshell* threads, not on the kernel's main
thread. A handler run there races the timer's asyncio task, which lives on the
main loop, over the same engine and widgets, and once used a SQLite connection
that belonged to the main thread. So every callback of the workbook's widgets
is handed to the kernel's main asyncio loop and runs there, one at a time,
exactly as if the click had come in on the main thread.

Outside a kernel (plain Python, the unit tests' ``Button.click()``), there is
no such loop and the handler runs at once, in the caller's thread.

An exception in a handler would otherwise end up only in the kernel's log
console (an error badge in JupyterLab's status bar at best): it is logged and
shown in the widget, through the ``show_error`` each widget passes.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from typing import Any

__all__ = ["click", "error_html", "kernel_loop", "on_kernel_loop", "watch"]

_log = logging.getLogger(__name__)


def kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The running kernel's main asyncio loop, or None outside an IPython kernel."""
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:  # pragma: no cover - the workbook extra installs ipykernel
        return None
    if not Kernel.initialized():
        return None
    io_loop = getattr(Kernel.instance(), "io_loop", None)  # tornado IOLoop of the main thread
    loop = getattr(io_loop, "asyncio_loop", None)
    if loop is None or loop.is_closed():
        return None
    return loop


def _on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def error_html(action: str, exc: BaseException) -> str:
    """A calm, visible message for an error in a callback (the text is escaped)."""
    return (
        "<div class='bk-callback-error' style='color:#B3261E'>"
        f"Something went wrong while {html.escape(action)}: {html.escape(str(exc))}. "
        "What was already saved is kept.</div>"
    )


def on_kernel_loop(
    handler: Callable[..., Any],
    show_error: Callable[[str], None],
    *,
    action: str = "handling that",
    loop: asyncio.AbstractEventLoop | None = None,
) -> Callable[..., None]:
    """Wrap ``handler`` so it runs on the kernel's main loop, errors shown in the widget.

    Parameters
    ----------
    handler : callable
        Called with the callback's arguments (the button, the change).
    show_error : callable
        Called with ready HTML (see :func:`error_html`) when ``handler`` raises.
    action : str
        What the handler does, in words for the error message ("saving the hold").
    loop : asyncio loop, optional
        The loop to run on; by default the kernel's main loop, found at each
        call (None outside a kernel: the handler runs at once).
    """

    def guarded(*args: Any) -> None:
        try:
            handler(*args)
        except Exception as exc:  # shown where the user looks, and logged in full
            _log.exception("error while %s", action)
            show_error(error_html(action, exc))

    def deliver(*args: Any) -> None:
        target = loop if loop is not None else kernel_loop()
        if target is None or _on_loop_thread(target):
            guarded(*args)
        else:
            target.call_soon_threadsafe(guarded, *args)

    return deliver


def click(
    button: Any, handler: Callable[[], Any], show_error: Callable[[str], None], action: str
) -> None:
    """``button.on_click`` with :func:`on_kernel_loop`; ``handler`` takes no argument."""
    button.on_click(on_kernel_loop(lambda _button: handler(), show_error, action=action))


def watch(
    widget: Any,
    handler: Callable[[Any], Any],
    show_error: Callable[[str], None],
    action: str,
    names: str = "value",
) -> None:
    """``widget.observe`` with :func:`on_kernel_loop`; ``handler`` gets the change."""
    widget.observe(on_kernel_loop(handler, show_error, action=action), names=names)
