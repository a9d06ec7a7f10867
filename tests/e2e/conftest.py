"""End-to-end fixtures: the real app on a free port, Debian's chromium, and a request log.

The app runs as ``.venv/bin/python -m ui.serve`` (``streamlit run app.py``, see ``ui/serve.py``)
with its writable data folder in a temporary directory, and is stopped by the PID this fixture
started.  Tests are skipped, with the reason, when ``app.py``, the demo region, chromium or
Playwright is missing.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from analysis import settings
from analysis.security import hash_password
from tests.e2e.helpers import TIMEOUT_MS, log_in

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: Flags that keep Debian's chromium quiet and offline (see docs: RECIPES "A real browser").
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]
STARTUP_TIMEOUT_S = 90.0
SCREENSHOT_DIR = ROOT / "var" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "about", "blob", "chrome-extension"}
DATABASE_NAME = "servicekartan.duckdb"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass(frozen=True)
class App:
    """A running app: its base URL, the planner password it was started with, its data folder."""

    url: str
    planner_password: str
    #: The app's writable data folder (``SERVICEKARTAN_DATA_DIR``).
    data_dir: Path

    @property
    def database_path(self) -> Path:
        """The app's DuckDB file (``SERVICEKARTAN_DB``)."""
        return self.data_dir / DATABASE_NAME

    @property
    def regions_dir(self) -> Path:
        """The app's imported-regions folder."""
        return self.data_dir / "regions"


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """Start the app (``python -m ui.serve``) on a free port; yield its URL; stop it by its PID."""
    if not (ROOT / "app.py").is_file():
        pytest.skip("app.py is not there yet")
    if not (settings.BUILTIN_REGIONS_DIR / settings.DEFAULT_REGION / "region.json").is_file():
        pytest.skip("the demo region is missing: run `bash scripts/setup.sh` first")
    data_dir = tmp_path_factory.mktemp("servicekartan-data")
    password = secrets.token_urlsafe(12)
    port = _free_port()
    env = {
        **os.environ,
        "SERVICEKARTAN_DATA_DIR": str(data_dir),
        "SERVICEKARTAN_DB": str(data_dir / DATABASE_NAME),
        "SERVICEKARTAN_PLANNER_PASSWORD_HASH": hash_password(password),
        "PYTHONUNBUFFERED": "1",
    }
    python = ROOT / ".venv" / "bin" / "python"
    command = [
        str(python if python.is_file() else Path(sys.executable)),
        "-m",
        "ui.serve",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    log_path = data_dir / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the app did not start (exit {process.poll()}):\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.3)
        yield App(url=url, planner_password=password, data_dir=data_dir)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (Playwright cannot download browsers here)."""
    if not CHROMIUM.is_file():
        pytest.skip("/usr/bin/chromium is missing: run `bash scripts/setup.sh --dev`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class RequestLog:
    """Every URL the page (and its iframes) asked for, including WebSockets."""

    urls: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """The URLs that went anywhere but this machine."""
        outside = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname not in LOCAL_HOSTS:
                outside.append(url)
        return outside


@pytest.fixture
def request_log() -> RequestLog:
    """An empty request log; the ``page`` fixture fills it."""
    return RequestLog()


@contextmanager
def _no_script_errors(page: Any) -> Iterator[None]:
    """Fail the test if a script of the page or of its map frames threw (e.g. a missing asset)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    assert errors == [], f"scripts failed in the browser: {errors[:5]}"


@pytest.fixture
def page(browser: Any, request_log: RequestLog) -> Iterator[Any]:
    """A fresh browser page (1400x1000) whose every request is recorded in ``request_log``.

    A script error in the page or in a map frame fails the test.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)  # the first run of a page loads the region
    new_page = context.new_page()
    new_page.on("request", lambda request: request_log.urls.append(request.url))
    new_page.on("websocket", lambda socket_: request_log.urls.append(socket_.url))
    try:
        with _no_script_errors(new_page):
            yield new_page
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``var/screenshots`` (created), where browser tests save what they saw."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def planner_page(app_server: App, page: Any) -> Any:
    """``page``, logged in as a planner with the local password (on the planner map)."""
    log_in(page, app_server.url, app_server.planner_password)
    return page


@pytest.fixture
def planner(browser: Any, app_server: App, request_log: RequestLog) -> Iterator[Any]:
    """A second browser context beside ``page``, logged in as a planner (on the planner map).

    Its requests go to the same ``request_log``.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    planner_page = context.new_page()
    planner_page.on("request", lambda request: request_log.urls.append(request.url))
    try:
        with _no_script_errors(planner_page):
            log_in(planner_page, app_server.url, app_server.planner_password)
            yield planner_page
    finally:
        context.close()
