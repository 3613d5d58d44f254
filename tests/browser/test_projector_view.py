"""In Voila, a running class fills the window: only the timer, every control on screen.

Checked at the three projector sizes a teacher meets (1024x768, 1280x720, 1920x1080): the
title and prose are hidden while the class runs and come back with the picker, the
pictogram is light on dark (no white box on the black screen), the back button's label is
whole, and the end of a class thanks everyone instead of asking one person about pain.
"""

from __future__ import annotations

import io

import pytest

from conftest import new_page, screenshot

SIZES = [(1024, 768), (1280, 720), (1920, 1080)]

# every control a teacher may need while the class runs, as the page lays it out
CONTROLS = """() => Array.from(document.querySelectorAll(
  '.bk-workshop button:not([hidden]), .bk-workshop input:not([hidden])'
)).map(el => {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  const top = document.elementFromPoint(cx, cy);
  return {
    what: (el.getAttribute('aria-label') || el.innerText || el.className).trim(),
    left: r.left, top: r.top, right: r.right, bottom: r.bottom,
    width: r.width, height: r.height,
    shown: s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0,
    onTop: top === el || el.contains(top),
  };
})"""


@pytest.fixture(scope="module")
def running_class(voila, module_browser):
    """One class started in Voila at the smallest size and left running for the tests below,
    which resize the window as a teacher's projector does and look at it; the last one stops
    it."""
    width, height = SIZES[0]
    page = new_page(module_browser, width, height)
    _start_class(page, voila)
    yield page
    page.context.close()


def _start_class(page, voila) -> None:
    page.goto(f"{voila.url}/voila/render/05-Workshop.ipynb", timeout=90_000)
    page.locator(".bk-workshop-use").wait_for(timeout=90_000)
    page.locator(".bk-workshop-use").click()
    page.locator(".bk-begin").click()
    countdown = page.locator(".bk-countdown")
    countdown.wait_for()
    page.wait_for_function("() => document.querySelector('.bk-timer').dataset.state === 'running'")
    page.wait_for_timeout(300)  # the picture and the layout settle


def _dark_share(png: bytes) -> float:
    """Share of the image's border pixels that are dark (the picture's background)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    w, h = image.size
    ring = [image.getpixel((x, y)) for x in range(w) for y in (1, h - 2)]
    ring += [image.getpixel((x, y)) for y in range(h) for x in (1, w - 2)]
    return sum(1 for v in ring if v < 60) / len(ring)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_running_class_fills_the_window_with_every_control_on_screen(
    running_class, width, height
):
    """Only the timer shows, filling the window; each button and slider is inside it."""
    page = running_class
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        f"() => document.querySelector('.bk-workshop').getBoundingClientRect().width === {width}"
    )
    page.wait_for_timeout(300)  # the layout settles at the new size
    assert not page.get_by_role("heading", name="Workshop", exact=True).is_visible()
    assert not page.get_by_text("A stretching class on a projector").is_visible()
    panel = page.locator(".bk-workshop").bounding_box()
    assert panel == {"x": 0, "y": 0, "width": width, "height": height}
    timer = page.locator(".bk-timer").bounding_box()
    assert timer["width"] >= 0.9 * width - 1
    controls = page.evaluate(CONTROLS)
    assert len(controls) >= 9, controls  # 5 timer buttons, sound, volume, voice, back
    outside = [
        c
        for c in controls
        if not c["shown"]
        or not c["onTop"]
        or c["left"] < 0
        or c["top"] < 0
        or c["right"] > width
        or c["bottom"] > height
    ]
    assert outside == [], outside
    # the big countdown really is big: a third of the window's height or more
    dial = page.locator(".bk-dial").bounding_box()
    assert dial["height"] >= height / 3
    screenshot(page, f"projector-{width}x{height}")
    assert page.page_errors == []


def test_the_projector_picture_is_light_on_dark(running_class):
    """The pictogram's background is dark on the black screen, not a white box."""
    page = running_class
    page.set_viewport_size({"width": 1280, "height": 720})
    picture = page.locator(".bk-timer .bk-picture")
    picture.wait_for()
    assert _dark_share(picture.screenshot()) > 0.9
    assert page.page_errors == []


def test_stopping_thanks_the_class_and_the_prose_comes_back(running_class):
    """Stop: class words and the safety advice, no pain question or notes box for one
    person; Pick other stretches brings the title, prose and picker back (last: it ends
    the class the tests above looked at)."""
    page = running_class
    page.set_viewport_size({"width": 1280, "height": 720})
    again = page.locator(".bk-workshop-again")
    fits = again.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert fits, "the label of 'Pick other stretches' is cut off"
    page.locator(".bk-stop").click()
    status = page.locator(".bk-workshop-farewell")
    status.wait_for(timeout=10_000)
    text = status.inner_text()
    assert "Thank you, everyone" in text
    assert "physiotherapist" in text and "Stop any stretch that hurts" in text
    body = page.locator(".bk-workshop").inner_text()
    assert "How does your back feel" not in body
    assert not page.locator(".bk-notes").is_visible()
    assert not page.locator(".bk-finish").is_visible()
    screenshot(page, "projector-class-ended")
    again.click()
    page.locator(".bk-workshop-use").wait_for()
    assert page.get_by_role("heading", name="Workshop", exact=True).is_visible()
    assert page.get_by_text("A stretching class on a projector").is_visible()
    assert page.locator(".bk-workshop").bounding_box()["y"] > 0
    assert page.page_errors == []
