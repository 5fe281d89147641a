"""Stock allocation (DESIGN §6): which orders waiting to ship the stock covers.

The orders waiting to ship take stock in order of payment (ties: created_at, then order_id),
bundles exploded to their components, gift lines included. An order is covered only if every
one of its lines is; an order that is not covered takes nothing, so a later, smaller order can
still be covered.

The units they take from, per SKU summed over warehouses (`available_by_sku()` in schema.sql):
on hand where the stock export gives it; else available + reserved where both are given; else
available alone. Exports write available = on hand − reserved, and the waiting orders are
already inside reserved: taking them from available would count them twice.

An SKU absent from the stock (or whose rows give no figure, Shopify's `not stocked`) is
*untracked* and never out of stock; with no stock imported at all nothing is out of stock. A
bundle is judged by its components, so an untracked component never blocks it. Lines without
an SKU cannot be matched to stock and are left out of the allocation.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.db.cache import shared
from pipeline.db.queries import sql

COVERAGE_COLUMNS = ["platform", "shop", "order_id", "paid_at", "covered", "short_skus"]
BASES = ("on_hand", "available_reserved", "available", "mixed")
UNTRACKED = "untracked"


@shared
def stock_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per tracked SKU: `allocatable` (the units the waiting orders take from) and `basis`
    (`on_hand`, `available_reserved`, `available`, or `mixed` across warehouses)."""
    return con.execute(sql("stock_available")).df()


@shared
def has_stock(con: duckdb.DuckDBPyConnection) -> bool:
    """True once a stock export has been imported."""
    return con.execute("select count(*) from stock").fetchall()[0][0] > 0


@shared
def available_stock(con: duckdb.DuckDBPyConnection) -> dict[str, int] | None:
    """Tracked SKU -> the units the waiting orders take from; None when no stock was imported.

    An SKU missing from the dict is untracked: it never limits an order.
    """
    if not has_stock(con):
        return None
    rows = con.execute(sql("stock_available")).fetchall()
    return {sku: int(units) for sku, units, _ in rows}


@shared
def order_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every order waiting to ship, in payment order: `covered` and the `short_skus` it lacks."""
    return _walk(con.sql(sql("allocation_lines")).to_arrow_table(), available_stock(con))


@shared
def short_orders(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rows of `order_coverage` that are not covered (same columns), found by walking only
    the SKUs whose demand is above what is available: the others cover every order."""
    stock = available_stock(con)
    if stock is None:
        return _walk(pa.table({}), None)
    cov = _walk(con.sql(sql("allocation_contested_lines")).to_arrow_table(), stock)
    return cov[~cov["covered"]].reset_index(drop=True)


def _walk(lines: pa.Table, stock: dict[str, int] | None) -> pd.DataFrame:
    """The allocation over `lines` (rows of allocation_lines, in allocation order)."""
    if lines.num_rows == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COVERAGE_COLUMNS}).astype(
            {"paid_at": "datetime64[us]", "covered": bool})
    cols = {name: lines.column(name).to_numpy(zero_copy_only=False)
            for name in ("platform", "shop", "order_id", "sku", "quantity")}
    paid_at = lines.column("paid_at").to_pandas()
    # Rows arrive sorted by allocation order; an order's rows are contiguous.
    n = lines.num_rows
    changed = np.zeros(n - 1, dtype=bool)
    for name in ("platform", "shop", "order_id"):
        changed |= cols[name][1:] != cols[name][:-1]
    starts = np.flatnonzero(np.r_[True, changed])
    ends = np.r_[starts[1:], n]
    skus, qtys = cols["sku"], cols["quantity"]
    covered = np.ones(len(starts), dtype=bool)
    short: list[list[str]] = [[] for _ in starts]
    if stock is not None:
        left = dict(stock)
        for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
            lacking = [skus[j] for j in range(a, b) if skus[j] in left and qtys[j] > left[skus[j]]]
            if lacking:
                covered[i] = False
                short[i] = lacking
                continue
            for j in range(a, b):
                if skus[j] in left:
                    left[skus[j]] -= int(qtys[j])
    return pd.DataFrame({
        "platform": cols["platform"][starts],
        "shop": cols["shop"][starts],
        "order_id": cols["order_id"][starts],
        "paid_at": paid_at.iloc[starts].to_numpy(),
        "covered": covered,
        "short_skus": short,
    })


@shared
def sku_demand(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per SKU the orders waiting to ship need: `demand`, `allocatable`, `basis`, `shortfall`,
    `orders_blocked`.

    `allocatable` is the stock they take from, missing for an untracked SKU (`basis`
    `untracked`: no shortfall) and for every SKU when no stock was imported; `orders_blocked`
    counts the uncovered orders this SKU stops.
    """
    demand = con.execute(sql("sku_demand")).df()
    out = demand[["sku", "demand"]].copy()
    out["demand"] = out["demand"].astype("int64")
    figures = stock_figures(con).set_index("sku") if has_stock(con) else None
    if figures is None:
        out["allocatable"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["basis"] = UNTRACKED
        out["shortfall"] = 0
        out["orders_blocked"] = 0
        return out.reset_index(drop=True)
    out["allocatable"] = pd.array(out["sku"].map(figures["allocatable"]), dtype="Int64")
    out["basis"] = out["sku"].map(figures["basis"]).fillna(UNTRACKED).astype(object)
    out["shortfall"] = (out["demand"] - out["allocatable"]).clip(lower=0).fillna(0) \
        .astype("int64")
    blocked = short_orders(con)["short_skus"].explode().value_counts()
    out["orders_blocked"] = out["sku"].map(blocked).fillna(0).astype("int64")
    return out.reset_index(drop=True)


@shared
def out_of_stock_skus(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The tracked SKUs whose demand from orders waiting to ship is above the stock they take
    from (§6, §7)."""
    d = sku_demand(con)
    return d[d["shortfall"] > 0].reset_index(drop=True)
