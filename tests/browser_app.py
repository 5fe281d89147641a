"""The running app for the browser tests: `streamlit run app.py` on a store of its own, Debian's
chromium found (or the test skipped, failed in CI), and the waits and checks every browser test
uses. The `browser` and `page` fixtures are in tests/conftest.py; each browser test module starts
its own server in a module-scoped `app` fixture.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ORDERDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
DEMO_ORDERS = "2000"
START_TIMEOUT_S = 120
FIRST_PAGE_MS = 180_000   # the first session builds and imports the demo
PAGE_MS = 60_000

SHOTS = Path(os.environ.get("ORDERDESK_SHOTS") or Path(tempfile.gettempdir()) / "orderdesk-shots")


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: the browser test must run in CI")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class App:
    url: str
    log: Path
    proc: subprocess.Popen
    shots: Path

    def log_tail(self, n: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    """Poll the health endpoint until it answers, the server dies or the time is up."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:  # the pause between polls is a wait on the server itself: it returns if it exits
            proc.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
    pytest.fail(f"streamlit not healthy after {START_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


@contextmanager
def serving(tmp: Path, db: Path, demo_orders: str = DEMO_ORDERS,
            shots: Path = SHOTS, warm: bool = False) -> Iterator[App]:
    """`streamlit run app.py` on the store at `db`, on a free port, until the block ends;
    `warm`: started as `python app.py` (the first page worked out before it answers)."""
    port = _free_port()
    env = {**os.environ, "ORDERDESK_DB": str(db), "ORDERDESK_DEMO_ORDERS": demo_orders,
           "PYTHONUNBUFFERED": "1"}
    log = tmp / "streamlit.log"
    start = [sys.executable, "app.py"] if warm else [sys.executable, "-m", "streamlit", "run",
                                                      "app.py"]
    cmd = [*start, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, url, log)
        yield App(url, log, proc, shots)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@dataclass
class Watch:
    """What the page said that it should not have: console errors, page errors, dialogs."""

    origin: str
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if where.startswith(("http://", "https://")) and not where.startswith(self.origin):
            # e.g. Streamlit fetching a material page icon from fonts.gstatic.com: the app
            # works offline without it; kept for the record, not an error of the app.
            self.external.append(where)
        else:
            self.console.append(f"console error: {message.text} ({where})")

    def problems(self) -> list[str]:
        return self.console + self.page_errors + [f"dialog: {d}" for d in self.dialogs]


def settled(page, timeout: int = PAGE_MS) -> None:
    """Wait until the app is connected, its script has finished and the main area has a title."""
    from playwright.sync_api import expect

    root = page.get_by_test_id("stApp")
    expect(root).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout)
    expect(root).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible(timeout=timeout)


def assert_no_error_shown(page, where: str) -> None:
    errors = page.get_by_test_id("stException")
    assert errors.count() == 0, f"{where}: {errors.all_inner_texts()}"
    alerts = page.locator('[data-testid="stAlertContentError"]')
    assert alerts.count() == 0, f"{where}: {alerts.all_inner_texts()}"
    assert page.watch.problems() == [], where


def nav_links(page) -> list[tuple[str, str]]:
    """(label, href) of every page in the sidebar navigation."""
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    return [(a.locator("span[label]").get_attribute("label"), a.get_attribute("href"))
            for a in links.all()]


def open_app(page, app: App, path: str = "", timeout: int = PAGE_MS) -> None:
    page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
    settled(page, timeout)


SETTLED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const h1 = document.querySelector('[data-testid="stMain"] h1');
    const link = document.querySelector(
        '[data-testid="stSidebarNav"] a[aria-current="page"] span[label]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && h1 && link && h1.innerText.trim() === link.getAttribute('label');
}"""


def visit(page, href: str) -> str:
    """Click a page in the sidebar navigation; wait until it has run. Its title is its label."""
    page.get_by_test_id("stSidebarNav").locator(f'a[href="{href}"]').click()
    page.wait_for_url(re.compile(re.escape(href) + r"(\?.*)?$"))  # signed in: ?session=…
    try:
        page.wait_for_function(SETTLED_JS)
    except Exception as exc:
        shot(page, App(href, Path(), None, SHOTS), "timeout")  # type: ignore[arg-type]
        main = page.get_by_test_id("stMain").inner_text()[:2000]
        raise AssertionError(f"{href} did not settle; main area shows:\n{main}") from exc
    settled(page)
    return page.get_by_test_id("stMain").locator("h1").first.inner_text().strip()


def sign_in(page, app: App, name: str, password: str) -> None:
    """Open the app, sign in through the form and wait for the Overview (总览) it lands on."""
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    page.locator(".st-key-auth_name_input input").fill(name)
    page.locator(".st-key-auth_password_input input").fill(password)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(
        "总览", timeout=FIRST_PAGE_MS)
    settled(page)


def shot(page, app: App, name: str) -> Path:
    app.shots.mkdir(parents=True, exist_ok=True)
    out = app.shots / f"{re.sub(r'[^A-Za-z0-9_-]+', '_', name) or 'page'}.png"
    page.screenshot(path=str(out), full_page=True)
    return out
