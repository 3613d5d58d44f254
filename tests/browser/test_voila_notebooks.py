"""Each widget notebook renders in Voila: its main widget appears and the page has no error."""

from __future__ import annotations

import pytest

from conftest import screenshot

# notebook -> the CSS class of the widget a user came for
MAIN_WIDGET = {
    "01-Stretch-Catalog.ipynb": "bk-catalog",
    "02-Build-A-Routine.ipynb": "bk-builder",
    "03-Guided-Session.ipynb": "bk-session",
    "04-My-Progress.ipynb": "bk-dashboard",
}


@pytest.mark.parametrize("name", sorted(MAIN_WIDGET))
def test_notebook_renders_its_widget_in_voila(voila, page, name):
    """The page loads, shows the notebook's widget with content, and raises no page error."""
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
    assert page.page_errors == []
