"""Each widget notebook renders in Voila: its main widget appears, the page has no error and
asks nothing of any host but this machine (a clinic or classroom may be offline; JupyterLab's
check is in test_lab_notebooks.py)."""

from __future__ import annotations

import pytest

from conftest import outside_requests, screenshot

# notebook -> the CSS class of the widget a user came for
MAIN_WIDGET = {
    "01-Stretch-Catalog.ipynb": "bk-catalog",
    "02-Build-A-Routine.ipynb": "bk-builder",
    "03-Guided-Session.ipynb": "bk-session",
    "04-My-Progress.ipynb": "bk-dashboard",
}


@pytest.mark.parametrize("name", sorted(MAIN_WIDGET))
def test_notebook_renders_its_widget_in_voila(voila, page, name):
    """The page loads, shows the notebook's widget with content, raises no page error and
    makes local requests only."""
    outside = outside_requests(page)
    # tall enough that the element screenshot never clips a dashboard of four charts
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.goto(f"{voila.url}/voila/render/{name}", timeout=90_000)
    widget = page.locator(f".{MAIN_WIDGET[name]}").first
    widget.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    assert widget.inner_text().strip()
    text = page.locator("body").inner_text()
    assert "Error displaying widget" not in text and "Traceback" not in text
    screenshot(page, f"voila-{name.removesuffix('.ipynb')}", element=widget)
    assert outside == []
    assert page.page_errors == []


def test_the_workshop_class_view_asks_nothing_of_the_outside_world(voila, page):
    """The class view of the workshop draws the timer and its pictures from this machine."""
    outside = outside_requests(page)
    page.goto(f"{voila.url}/voila/render/05-Workshop.ipynb", timeout=90_000)
    page.locator(".bk-workshop").first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    page.locator(".bk-workshop-use").click()
    page.locator(".bk-begin").click()
    page.locator(".bk-countdown").wait_for()
    page.wait_for_load_state("networkidle")
    assert outside == []
    assert page.page_errors == []


def test_a_request_to_another_host_is_noticed(page):
    """The check above can fail: a stylesheet and a socket from elsewhere are both listed."""
    outside = outside_requests(page)
    page.set_content(
        '<link rel="stylesheet" href="https://fonts.example.invalid/face.css">'
        '<script>try { new WebSocket("wss://news.example.invalid/feed"); } catch (e) {}</script>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    )
    page.wait_for_load_state("networkidle")
    assert outside == [
        "https://fonts.example.invalid/face.css",
        "wss://news.example.invalid/feed",
    ]
