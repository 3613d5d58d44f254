"""Real servers and a real browser for the workbook's end-to-end tests.

Each server runs on a free loopback port with no token, temporary Jupyter settings and
workspace folders, a temporary copy of the notebooks (autosave rewrites what it opens), a
temporary data folder, so the session log it writes is a fresh file the test can read, and a
temporary Jupyter runtime folder, where a test finds a kernel's connection file
(``kernel-<id>.json``) to talk to that kernel with a client of its own.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM:
        return CHROMIUM
    how = "install it with: sudo apt-get install chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(f"chromium is missing on CI; .ci/run should have installed it ({how})")
    pytest.skip(f"the browser tests need Debian's chromium; {how}")


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    # Module scope: Playwright's sync API leaves an asyncio loop running while it is
    # open, which would confuse any later test that starts a loop of its own.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.page_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def screenshot(page, name: str, element=None) -> Path:
    """Save a screenshot under build/screenshots/ and return its path.

    With ``element`` (a Locator) only that element is shot: Voila and JupyterLab scroll
    inside their own panels, so a "full page" shot would stop at the window's height.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    notebooks: Path
    data_dir: Path
    process: subprocess.Popen
    runtime_dir: Path

    @property
    def log_file(self) -> Path:
        return self.data_dir / "sessions.sqlite"


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"server not ready at {url} after {timeout} s:\n{log.read_text()}")


def _start(kind: str, tmp: Path, argv_for, ready_path: str) -> Iterator[Server]:
    notebooks = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks, ignore=shutil.ignore_patterns(".ipynb_*"))
    data_dir = tmp / "data"
    data_dir.mkdir()
    runtime_dir = tmp / "runtime"
    runtime_dir.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "BACKSTRETCH_DATA_DIR": str(data_dir),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces"),
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(runtime_dir),
    }
    # No "get Jupyter news?" pop-up over the notebook in screenshots.
    news = tmp / "lab-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    # Render every cell, not just those in view, so a test can read every prompt and output.
    tracker = tmp / "lab-settings/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text('{"windowingMode": "none"}')
    log = tmp / f"{kind}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            argv_for(port, notebooks), cwd=notebooks, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + ready_path, process, log)
        yield Server(url, notebooks, data_dir, process, runtime_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def voila(tmp_path):
    """Start Voila on the notebooks folder; yields a Server (open url + /voila/render/NB)."""

    def argv(port: int, notebooks: Path) -> list[str]:
        return [
            str(BIN / "voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
            "--Voila.port_retries=0", str(notebooks),
        ]  # fmt: skip

    yield from _start("voila", tmp_path, argv, "/")


@pytest.fixture(scope="module")
def jupyter_lab(tmp_path_factory):
    """Start JupyterLab with no token on the notebooks folder; yields a Server."""

    def argv(port: int, notebooks: Path) -> list[str]:
        return [
            str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
            "--allow-root", f"--ServerApp.root_dir={notebooks}",
        ]  # fmt: skip

    yield from _start("lab", tmp_path_factory.mktemp("lab"), argv, "/api/status")


@pytest.fixture(scope="module")
def jupyter_notebook(tmp_path_factory):
    """Start Notebook 7 (``jupyter notebook``) with no token on the notebooks folder; a Server.

    Open a notebook at url + /notebooks/NB.
    """

    def argv(port: int, notebooks: Path) -> list[str]:
        return [
            str(BIN / "jupyter"), "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
            "--allow-root", f"--ServerApp.root_dir={notebooks}",
        ]  # fmt: skip

    yield from _start("notebook", tmp_path_factory.mktemp("notebook"), argv, "/api/status")
