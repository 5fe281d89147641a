"""Screenshots of the running app's pages, to look at what a person sees.

    .venv/bin/python bench/shots.py [--db PATH] [--pages overview,queue] [--widths 1440,390]
                                    [--out DIR] [--lang zh|en] [--demo-orders N] [--height PX]

Starts `streamlit run app.py` on the store at --db (a new temporary store filled with the demo
shop when omitted), opens each page in Debian's chromium at each width, waits until the script
has finished, and writes DIR/<page>-<width>.png (full page). Pages are the URL paths of
app.py's navigation (the file names under pages/, `overview` being the default page).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PAGES = ["overview", "import", "promotions", "stock", "overdue", "queue", "warroom", "settings",
         "team", "users"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("streamlit did not start")


def settle(page, timeout: int = 180_000) -> None:
    """Connected, the script finished, the main area titled."""
    root = page.get_by_test_id("stApp")
    page.wait_for_function(
        "() => { const r = document.querySelector('[data-testid=stApp]');"
        " return r && r.dataset.testConnectionState === 'CONNECTED'"
        " && r.dataset.testScriptState === 'notRunning'"
        " && document.querySelector('[data-testid=stMain] h1'); }", timeout=timeout)
    root.wait_for(state="visible", timeout=timeout)
    page.wait_for_timeout(3000)  # tables and charts draw after the script ends


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--widths", default="1440,390")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "orderdesk-shots"))
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--demo-orders", default="2000")
    ap.add_argument("--height", type=int, default=2400,
                    help="the window's height: the app scrolls inside it, so a tall one shows more")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="orderdesk-shots-"))
    db = a.db or str(tmp / "shots.duckdb")
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ORDERDESK_DB": db, "ORDERDESK_DEMO_ORDERS": a.demo_orders}
    log = (tmp / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    from playwright.sync_api import sync_playwright

    try:
        _wait(url, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=CHROMIUM_ARGS, headless=True)
            for width in [int(w) for w in a.widths.split(",")]:
                ctx = browser.new_context(viewport={"width": width, "height": a.height},
                                          locale="zh-CN" if a.lang == "zh" else "en-US")
                page = ctx.new_page()
                for name in a.pages.split(","):
                    page.goto(f"{url}/{'' if name == 'overview' else name}")
                    settle(page)
                    if a.lang == "en":
                        english = page.get_by_text("English", exact=True).first
                        if not english.is_visible():  # a phone: the sidebar is closed
                            page.get_by_test_id("stExpandSidebarButton").click()
                        english.click()
                        settle(page)
                        if width < 640:  # closed again, as a phone shows the page
                            page.get_by_test_id("stSidebarCollapseButton").locator(
                                "button").click()
                            page.wait_for_timeout(500)
                    path = out / f"{name}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                ctx.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
    print(f"server log: {tmp / 'streamlit.log'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
