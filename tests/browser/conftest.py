"""Real servers and a real browser for the workbook's end-to-end tests.

One Chromium serves the browser tests of a test process; each test gets a fresh browser
context, so no cookies, storage or pages carry over. Each server runs on a free loopback port
with no token, temporary Jupyter settings and workspace folders, a temporary copy of the
notebooks (autosave rewrites what it opens), a temporary data folder, so the session log it
writes is a fresh file the test can read, and a temporary Jupyter runtime folder, where a test
finds a kernel's connection file (``kernel-<id>.json``) to talk to that kernel with a client
of its own. A server serves the tests of one module; the next module's servers start
while the last test of the one before runs, and a stopped server shuts its kernels down in
the background.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from backstretch_kit.serve import VOILA_TEMPLATE

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
HERE = Path(__file__).parent


def _is_browser_test(item: pytest.Item | None) -> bool:
    return item is not None and Path(str(item.path)).is_relative_to(HERE)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM:
        return CHROMIUM
    how = "install it with: sudo apt-get install chromium"
    if os.environ.get("CI") == "true":
        pytest.fail(f"chromium is missing on CI; .ci/run should have installed it ({how})")
    pytest.skip(f"the browser tests need Debian's chromium; {how}")


class _SharedChromium:
    """One Chromium for a run of browser tests in a row, launched by the first of them.

    Playwright's sync API leaves its asyncio loop marked as running between its calls, which
    would break any later test that starts a loop of its own (``asyncio.run``). So the browser
    is closed after the last browser test in a row (see ``pytest_runtest_teardown``), before
    any other test runs in this process, and launched again if a browser test comes later.
    """

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None

    def get(self, executable: str):
        if self._browser is not None and not self._browser.is_connected():
            self.close()  # it crashed: a new one for the tests that follow
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            playwright = sync_playwright().start()
            try:
                self._browser = playwright.chromium.launch(
                    executable_path=executable, args=CHROMIUM_ARGS
                )
            except BaseException:
                playwright.stop()
                raise
            self._playwright = playwright
        return self._browser

    def close(self) -> None:
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = None
        try:
            if browser is not None and browser.is_connected():
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


_CHROMIUM = _SharedChromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    try:
        return (yield)  # the test's fixtures (its browser context, maybe servers) go first
    finally:
        if not _is_browser_test(nextitem):
            _CHROMIUM.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed browser test's report ends with what its page showed, and a screenshot.

    A timeout alone ("waiting for .bk-x") cannot say whether a dialog, an error in a cell
    or a slow kernel was in the way; the page's own words can, on a CI machine too.
    """
    report = yield
    pages = [value for value in getattr(item, "funcargs", {}).values()
             if type(value).__name__ == "Page"]  # fmt: skip
    page = pages[0] if pages else None
    if report.when == "call" and report.failed and page is not None:
        try:
            text = page.locator("body").inner_text(timeout=5_000)
            shot = screenshot(page, f"FAILED-{item.name}"[:120])
            report.sections.append(("the page at the failure", f"{text[-4000:]}\n[{shot}]"))
        except Exception as error:  # a closed or crashed page: say so, keep the failure
            report.sections.append(("the page at the failure", f"could not be read: {error}"))
    return report


def pytest_sessionfinish() -> None:
    _CHROMIUM.close()  # a run stopped early (-x, Ctrl+C) skips the teardown above
    _stop(list(_EARLY.values()))  # launched early for tests that did not come
    _EARLY.clear()
    _reap_stopped()


@pytest.fixture
def browser(chromium_path: str):
    """The shared Chromium (a Playwright Browser)."""
    return _CHROMIUM.get(chromium_path)


@pytest.fixture(scope="module")
def module_browser(chromium_path: str):
    """The shared Chromium, for a page that lives through a module's tests (a class that
    runs on while each test looks at one side of it)."""
    return _CHROMIUM.get(chromium_path)


def new_page(browser, width: int = 1280, height: int = 900):
    """A page in a browser context of its own, collecting its page errors (``page_errors``);
    close it with ``page.context.close()``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.page_errors = errors  # type: ignore[attr-defined]
    return page


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def outside_requests(page) -> list[str]:
    """The list (filled as the page runs) of every request and web socket the page opens to
    a host other than this machine (data: and blob: URLs never reach the network).

    The workbook must work offline in a clinic or a classroom: a CDN stylesheet, a web font
    or a news feed would fail there, so a test asserts this list stays empty.
    """
    outside: list[str] = []

    def note(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("data", "blob") and parts.hostname not in LOCAL_HOSTS:
            outside.append(url)

    page.on("request", lambda request: note(request.url))
    page.on("websocket", lambda socket: note(socket.url))
    return outside


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


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
    log: Path

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
            time.sleep(0.1)
    raise RuntimeError(f"server not ready at {url} after {timeout} s:\n{log.read_text()}")


def _launch(kind: str, tmp: Path, argv_for) -> Server:
    """Start a server process and return at once; ``_serve`` waits until it answers."""
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
    return Server(f"http://127.0.0.1:{port}", notebooks, data_dir, process, runtime_dir, log)


#: Servers told to stop and not yet gone: a stopping server shuts its kernels down, which
#: takes seconds; the next test need not wait for that, the end of the run does.
_STOPPING: list[subprocess.Popen] = []


def _stop(servers: list[Server]) -> None:
    for server in servers:
        server.process.terminate()
        _STOPPING.append(server.process)


def _reap_stopped() -> None:
    while _STOPPING:
        process = _STOPPING.pop()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _voila_argv(port: int, notebooks: Path) -> list[str]:
    return [
        str(BIN / "voila"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0", f"--template={VOILA_TEMPLATE}", str(notebooks),
    ]  # fmt: skip


def _jupyter_argv(app: str):
    def argv(port: int, notebooks: Path) -> list[str]:
        return [
            str(BIN / "jupyter"), app, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
            "--allow-root", f"--ServerApp.root_dir={notebooks}",
        ]  # fmt: skip

    return argv


#: Each kind of server: how to start it and the path that answers once it is ready.
KINDS = {
    "lab": (_jupyter_argv("lab"), "/api/status"),
    "notebook": (_jupyter_argv("notebook"), "/api/status"),
    "voila": (_voila_argv, "/"),
}
#: The servers behind each server fixture below. A module that starts its servers another
#: way (``request.getfixturevalue``) names them with ``pytest.mark.servers("lab", ...)``.
FIXTURE_KINDS = {
    "jupyter_lab": ("lab",),
    "jupyter_notebook": ("notebook",),
    "voila": ("voila",),
    "lab_and_notebook": ("lab", "notebook"),
}

#: Servers launched for the next module while the last test of the one before runs, by
#: (module path, kind): a server takes seconds to start, mostly time the test before spends
#: waiting on a timer or a kernel.
_EARLY: dict[tuple[Path, str], Server] = {}


def _kinds_needed(items: list[pytest.Item]) -> list[str]:
    kinds: list[str] = []
    for item in items:
        named = [kind for name in item.fixturenames for kind in FIXTURE_KINDS.get(name, ())]
        for mark in item.iter_markers("servers"):
            named.extend(mark.args)
        kinds.extend(kind for kind in named if kind not in kinds)
    return kinds


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    # xdist hands a process its next test before it runs this one, so nextitem is known here
    if nextitem is not None and nextitem.path != item.path and _is_browser_test(nextitem):
        module = [each for each in item.session.items if each.path == nextitem.path]
        factory = item.config._tmp_path_factory
        for kind in _kinds_needed(module):
            if (nextitem.path, kind) not in _EARLY:
                argv_for, _ready = KINDS[kind]
                _EARLY[nextitem.path, kind] = _launch(kind, factory.mktemp(kind), argv_for)
    return (yield)


@contextmanager
def _serve(request: pytest.FixtureRequest, *kinds: str) -> Iterator[list[Server]]:
    """The module's servers of these kinds (launched early, or now), once they answer."""
    servers: list[Server] = []
    try:
        for kind in kinds:
            early = _EARLY.pop((request.path, kind), None)
            if early is None:
                factory = request.getfixturevalue("tmp_path_factory")
                early = _launch(kind, factory.mktemp(kind), KINDS[kind][0])
            servers.append(early)
        for server, kind in zip(servers, kinds, strict=True):
            _wait_until_up(server.url + KINDS[kind][1], server.process, server.log)
        yield servers
    finally:
        _stop(servers)


@pytest.fixture(scope="module")
def voila(request):
    """Voila on the notebooks folder; yields a Server. Open a notebook at url + /voila/render/NB.

    Each page load gets a kernel of its own; the tests of a module share the server, as they
    share the Jupyter servers below, and so its data folder (and the session log in it).
    """
    with _serve(request, "voila") as (server,):
        yield server


@pytest.fixture(scope="module")
def jupyter_lab(request):
    """Start JupyterLab with no token on the notebooks folder; yields a Server."""
    with _serve(request, "lab") as (server,):
        yield server


@pytest.fixture(scope="module")
def jupyter_notebook(request):
    """Start Notebook 7 (``jupyter notebook``) with no token on the notebooks folder; a Server.

    Open a notebook at url + /notebooks/NB.
    """
    with _serve(request, "notebook") as (server,):
        yield server


@pytest.fixture(scope="module")
def lab_and_notebook(request):
    """JupyterLab and Notebook 7, started at the same time: {"lab": Server, "notebook7": Server}.

    Each has its own folders (notebooks copy, data, runtime), as the fixtures above.
    """
    with _serve(request, "lab", "notebook") as (lab, notebook):
        yield {"lab": lab, "notebook7": notebook}


def idle_kernel_id(server: Server, name: str, timeout: float = 90) -> str:
    """The id of the kernel of the notebook ``name``, once it is idle (REST /api/sessions).

    The front end creates the session, so once the server lists it the page is past the
    moment when it has no kernel yet (a Run All then would open a "Select Kernel" dialog).
    """
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{server.url}/api/sessions", timeout=5) as response:
            seen = json.load(response)
        for session in seen:
            kernel = session.get("kernel") or {}
            if session["path"].endswith(name) and kernel.get("execution_state") == "idle":
                return kernel["id"]
        time.sleep(0.1)
    raise AssertionError(f"no idle kernel for {name} after {timeout} s; sessions: {seen}")


def kernel_client(connection_file: Path):
    """A second client of a running kernel (from its connection file), ready to use.

    Its requests go to the kernel's shell channel, so they run on the kernel's main thread.
    """
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=30)
    return client
