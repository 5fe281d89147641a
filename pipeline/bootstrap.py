"""First start: an empty store gets the demo shop, so the dashboard shows something real."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipeline.importing import ImportResult, import_path
from pipeline.store import ROOT, Store

DEMO_AUTHOR = "demo"


def store_is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("select count(*) from imports").fetchall()[0][0] == 0


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True while everything in the store came from the bundled demo."""
    n_demo, n_all = con.execute(
        "select count(*) filter (where imported_by = ?), count(*) from imports", [DEMO_AUTHOR]
    ).fetchall()[0]
    return n_all > 0 and n_demo == n_all


def load_demo(store: Store, orders: int | None = None, seed: int = 7,
              out_dir: Path | None = None) -> list[ImportResult]:
    """Write the demo exports (ORDERDESK_DEMO_ORDERS orders, default 20,000) and import them."""
    from pipeline.demo import write_demo

    n = orders or int(os.environ.get("ORDERDESK_DEMO_ORDERS", "20000"))
    out = out_dir or (ROOT / "data" / "demo")
    paths = write_demo(out, orders=n, seed=seed)
    return [import_path(store, p, by=DEMO_AUTHOR) for p in paths]
