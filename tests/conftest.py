"""Shared fixtures: a fresh store per test and a way to load canonical rows into it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from pipeline.base import canonical as C
from pipeline.db.store import Store
from pipeline.ingest.importing import apply_parsed

# Every browser wait follows an event (an element, a text, the app's script state); the time
# given to each is set once, long enough for a loaded machine (Playwright's default is 5 s).
BROWSER_WAIT_MS = 60_000
expect.set_options(timeout=BROWSER_WAIT_MS)

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"  # the real exports, copied


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
