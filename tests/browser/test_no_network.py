"""The workbook makes no request that leaves the machine, in Voila and in JupyterLab.

Every request the page makes goes through ``page.route``: one to any host but 127.0.0.1 or
localhost (data: and blob: URLs never reach the network) is refused and listed, so the test
names what asked for the outside world (a CDN stylesheet, a font, a news feed).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import idle_kernel_id

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _stay_local(page) -> list[str]:
    """Route every request; refuse and record each one that would leave the machine."""
    outside: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    page.on("websocket", lambda ws: _check_socket(ws.url, outside))
    return outside


def _check_socket(url: str, outside: list[str]) -> None:
    if urlsplit(url).hostname not in LOCAL_HOSTS:
        outside.append(url)


@pytest.mark.parametrize("name", ["05-Workshop.ipynb", "03-Guided-Session.ipynb"])
def test_voila_pages_ask_nothing_of_the_outside_world(voila, page, name):
    """The workshop and the guided session render in Voila with local requests only."""
    outside = _stay_local(page)
    page.goto(f"{voila.url}/voila/render/{name}", timeout=90_000)
    page.locator(".bk-workshop, .bk-session").first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    if name == "05-Workshop.ipynb":  # the class view draws the timer and its pictures
        page.locator(".bk-workshop-use").click()
        page.locator(".bk-begin").click()
        page.locator(".bk-countdown").wait_for()
        page.wait_for_timeout(500)
    assert outside == []
    assert page.page_errors == []


def test_jupyterlab_asks_nothing_of_the_outside_world(jupyter_lab, page):
    """JupyterLab opens and runs the guided session with local requests only."""
    outside = _stay_local(page)
    name = "03-Guided-Session.ipynb"
    page.goto(f"{jupyter_lab.url}/lab/tree/{name}?reset", timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    # the routes are served only while Playwright waits: wait in the page, not in urllib
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    for _ in range(300):
        try:
            idle_kernel_id(jupyter_lab, name, timeout=0.05)
            break
        except AssertionError:
            page.wait_for_timeout(200)
    else:
        raise AssertionError(f"no kernel for {name}; refused: {outside}")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.locator(".bk-begin").wait_for(timeout=120_000)
    page.wait_for_load_state("networkidle")
    assert outside == []
    assert page.page_errors == []
