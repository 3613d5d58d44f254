"""Widget callbacks are handed to the kernel's loop from any thread, and their errors are shown."""

from __future__ import annotations

import asyncio
import threading

import ipywidgets as W
import pytest

from backstretch_kit.widgets._callbacks import click, error_html, kernel_loop, on_kernel_loop


@pytest.fixture
def loop_thread():
    """An asyncio loop running on a thread of its own, standing in for the kernel's main loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="kernel-main", daemon=True)
    thread.start()
    yield loop, thread
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


def _wait_on(loop: asyncio.AbstractEventLoop) -> None:
    """Return once everything already queued on ``loop`` has run."""
    asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(timeout=5)


def test_outside_a_kernel_the_handler_runs_at_once():
    """With no kernel (plain Python, these tests), a click runs its handler in the caller."""
    assert kernel_loop() is None
    seen: list[str] = []
    button = W.Button()
    click(button, lambda: seen.append(threading.current_thread().name), seen.append, "testing")
    button.click()
    assert seen == [threading.current_thread().name]


def test_a_call_from_another_thread_runs_on_the_loop_thread(loop_thread):
    """A callback arriving on a 'subshell' thread is run on the loop's thread, not there."""
    loop, thread = loop_thread
    ran_on: list[str] = []
    deliver = on_kernel_loop(
        lambda change: ran_on.append(threading.current_thread().name), ran_on.append, loop=loop
    )
    subshell = threading.Thread(target=deliver, args=({"new": 1},), name="subshell-test")
    subshell.start()
    subshell.join()
    _wait_on(loop)
    assert ran_on == [thread.name]


def test_a_call_already_on_the_loop_runs_at_once(loop_thread):
    """On the loop's own thread (a cell, the timer task) the handler runs synchronously."""
    loop, _thread = loop_thread
    order: list[str] = []
    deliver = on_kernel_loop(lambda: order.append("handler"), order.append, loop=loop)

    def on_loop() -> None:
        deliver()
        order.append("after")

    loop.call_soon_threadsafe(on_loop)
    _wait_on(loop)
    assert order == ["handler", "after"]


def test_an_error_is_shown_in_the_widget_and_logged(loop_thread, caplog):
    """A handler that raises shows a calm, escaped message through show_error and logs it."""
    loop, _thread = loop_thread
    shown: list[str] = []

    def broken() -> None:
        raise ValueError("disk <full>")

    deliver = on_kernel_loop(broken, shown.append, action="saving the hold", loop=loop)
    threading.Thread(target=deliver).start()
    _wait_on(loop)
    _wait_on(loop)
    assert shown == [error_html("saving the hold", ValueError("disk <full>"))]
    assert "disk &lt;full&gt;" in shown[0] and "saving the hold" in shown[0]
    assert any("saving the hold" in record.getMessage() for record in caplog.records)
