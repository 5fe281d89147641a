"""Shared fixtures: a fresh store per test and a way to load canonical rows into it; the
browser and its page for the browser tests (each such module serves its own `app`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from playwright.sync_api import expect

from pipeline.base import canonical as C
from pipeline.db.store import Store
from pipeline.ingest.importing import apply_parsed
from tests.pg_cluster import pg_cluster, pg_url  # noqa: F401 - the PostgreSQL tests' fixtures

if TYPE_CHECKING:
    from tests.browser_app import App

# Every browser wait follows an event (an element, a text, the app's script state); the time
# given to each is set once, long enough for a loaded machine (Playwright's default is 5 s).
BROWSER_WAIT_MS = 60_000
expect.set_options(timeout=BROWSER_WAIT_MS)

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"  # the real exports, copied

# The shared helpers of tests/ explain a failed assert as a test module's own do (they are
# imported after this file, by the tests and by the browser fixtures below).
pytest.register_assert_rewrite("tests.browser_app", "tests.factories")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


def frame(rows: list[dict], defaults: dict | None = None) -> pd.DataFrame:
    """A canonical frame from dict rows, with `_row` numbered from 2 like a spreadsheet."""
    rows = [{**(defaults or {}), **r} for r in rows]
    df = pd.DataFrame(rows)
    df["_row"] = range(2, len(df) + 2)
    for col in df.columns:
        if col.endswith("_at") or col == "ship_by":
            df[col] = pd.to_datetime(df[col])
    return df


ORDER_DEFAULTS = {"platform": "taobao", "shop": "s1"}


def load(store: Store, orders: list[dict] = (), lines: list[dict] = (), name: str = "t") -> None:
    """Import canonical order and line rows as one file would."""
    frames = {}
    if orders:
        frames["orders"] = frame(list(orders), ORDER_DEFAULTS)
    if lines:
        frames["order_lines"] = frame(list(lines), ORDER_DEFAULTS)
    parsed = C.Parsed("test", frames, rows_read=len(orders) + len(lines))
    digest = hashlib.sha256(repr((name, orders, lines)).encode()).hexdigest()
    apply_parsed(store, parsed, name, digest, "test")


def states(store: Store) -> dict[str, str]:
    """order_id -> state."""
    return dict(store.cursor().execute("select order_id, state from order_state").fetchall())


def load_tables(store, name: str = "extra", **tables: list[dict]) -> None:
    """Import canonical rows of 'stock', 'bundles' or 'promotions' as one file would."""
    frames = {t: frame(rows) for t, rows in tables.items()}
    if "stock" in frames and "warehouse" not in frames["stock"]:
        frames["stock"]["warehouse"] = ""
    parsed = C.Parsed("test", frames, rows_read=sum(len(r) for r in tables.values()))
    digest = hashlib.sha256(repr((name, tables)).encode()).hexdigest()
    apply_parsed(store, parsed, name, digest, "test")


# The browser tests: one Chromium per module, started once that module's `app` (its own
# server) is up; a fresh context and page per test that records what the page should not say.
@pytest.fixture(scope="module")
def browser(app: App):
    from playwright.sync_api import sync_playwright

    from tests.browser_app import CHROMIUM_ARGS, _chromium_or_skip

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=_chromium_or_skip(), args=CHROMIUM_ARGS,
                               headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, app: App):
    from tests.browser_app import PAGE_MS, Watch

    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    p = context.new_page()
    p.set_default_timeout(PAGE_MS)
    watch = Watch(app.url)
    p.on("console", watch.on_console)
    p.on("pageerror", lambda e: watch.page_errors.append(f"page error: {e}"))

    def on_dialog(d):
        watch.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    p.on("dialog", on_dialog)
    p.watch = watch
    yield p
    context.close()
