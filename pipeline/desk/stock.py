"""Stock (DESIGN §7): will it hold? Stock against the demand of the orders waiting to ship.

Bundles are exploded to their components wherever demand is counted; gift lines count too.
An SKU is short when the orders waiting to ship need more of it than the stock they take from
(`allocatable`: on hand, else available + reserved, else available; `basis` says which); which
orders each short SKU blocks comes from the stock allocation (`pipeline.desk.allocation`), so the
page and `report --json` (`out_of_stock_skus`) agree. An SKU absent from the stock is untracked
and never short; with no stock export imported nothing is short.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import Filters
from pipeline.db.cache import keeps, remembered, shared
from pipeline.db.queries import sql
from pipeline.desk import allocation
from pipeline.desk.aftersales import returns_received
from pipeline.desk.promo import Window, default_period, period_lines, sku_titles, window

SHORT_COLUMNS = ["kind", "sku", "name", "demand", "allocatable", "basis", "shortfall",
                 "orders_blocked", "blocked_orders", "limiting_component"]
BASIS_ORDER = (*allocation.BASES, allocation.UNTRACKED)
_TICK = timedelta(microseconds=1)   # the smallest step of a stored time


def has_stock(con: duckdb.DuckDBPyConnection) -> bool:
    """True once a stock export has been imported."""
    return allocation.has_stock(con)


def basis_counts(status: pd.DataFrame) -> pd.DataFrame:
    """`basis, skus`: how many SKUs of `status` (from `stock_status`) the allocation takes from
    each figure (`untracked`: SKUs with no stock figure, never short). Figures no SKU uses are
    left out; in the order of `BASIS_ORDER`."""
    counts = status["basis"].value_counts()
    rows = [(b, int(counts[b])) for b in BASIS_ORDER if b in counts.index]
    return pd.DataFrame(rows, columns=["basis", "skus"])


def untracked_skus(status: pd.DataFrame) -> pd.DataFrame:
    """The SKUs of `status` (from `stock_status`) that the orders waiting to ship need and the
    stock does not track (never short): `sku, name, open_demand, in_stock_file`."""
    out = status[(status["basis"] == allocation.UNTRACKED) & (status["open_demand"] > 0)]
    return out[["sku", "name", "open_demand", "in_stock_file"]] \
        .sort_values(["open_demand", "sku"], ascending=[False, True], ignore_index=True)


def reference_promotion(con: duckdb.DuckDBPyConnection, as_of: datetime
                        ) -> tuple[str, datetime, datetime] | None:
    """The promotion whose rate days of cover use: `promo.default_period`."""
    return default_period(con, as_of)


@shared
def stock_status(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    """Per SKU, summed over warehouses: stock, open demand, shortfall, days of cover, below safety.

    Columns: sku, name, warehouses, on_hand, available, reserved, in_transit, safety_stock,
    allocatable, basis, open_demand, shortfall, units_7d, rate_7d, cover_days_7d, promo_rate,
    cover_days_promo, below_safety, in_stock_file, returns_received, snapshot_at. `allocatable`
    is what the waiting orders take from, by `basis` (`on_hand`, `available_reserved`,
    `available`, `mixed`, or `untracked`: no figure, no shortfall); `available` is the exported
    figure, summed. `returns_received`: parcels the desk received resellable since the SKU's
    last stock snapshot (`aftersales.returns_received`), apart: no other figure counts them.
    Short SKUs first, then the fewest days of cover. The promotion rate is that of
    `reference_promotion(con, as_of)`.
    """
    ref = reference_promotion(con, as_of)
    params = {"as_of": as_of, "promo_start": ref[1] if ref else None,
              "promo_end": ref[2] if ref else None}
    con.register("rated_lines", _rated_lines(con, as_of, params["promo_start"],
                                            params["promo_end"]))
    con.register("sku_titles", sku_titles(con))
    con.register("returns_received", returns_received(con))
    try:
        return con.execute(sql("stock_status"), params).df()
    finally:
        for name in ("rated_lines", "sku_titles", "returns_received"):
            con.unregister(name)


def _rated_lines(con: duckdb.DuckDBPyConnection, as_of: datetime, promo_start: datetime | None,
                promo_end: datetime | None) -> pa.Table:
    """stock_rated_lines.sql for the 7 days before `as_of` and the promotion: at least their
    lines. After the newest payment the 7 days are cut at it, and a promotion's end after the
    newest order at that: every minute after the newest data reads the same lines,
    remembered once per data version."""
    paid_horizon, created_horizon = _horizons(con) if keeps(con) else (None, None)
    paid_from, paid_to = as_of - timedelta(days=7), as_of
    if paid_horizon is not None and pd.Timestamp(as_of) > paid_horizon:
        paid_from, paid_to = paid_horizon - timedelta(days=7), paid_horizon + _TICK
    if (promo_end is not None and created_horizon is not None
            and pd.Timestamp(promo_end) > created_horizon):
        promo_end = created_horizon + _TICK
    params = {"paid_from": paid_from, "paid_to": paid_to, "promo_start": promo_start,
              "promo_end": promo_end}
    return remembered(con, "stock.rated_lines", tuple(params.values()), lambda: con.sql(
        sql("stock_rated_lines"), params=params).to_arrow_table())


def _horizons(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, datetime | None]:
    """The newest payment and the newest creation of any order (stock_horizon.sql)."""
    return remembered(con, "stock.horizons", (),
                      lambda: tuple(con.execute(sql("stock_horizon")).fetchall()[0]))


@shared
def stock_by_warehouse(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stock table as imported: one row per SKU and warehouse."""
    return con.execute(
        "select sku, warehouse, name, on_hand, reserved, available, in_transit, safety_stock, "
        "snapshot_at from stock order by sku, warehouse"
    ).df()


@shared
def bundle_buildable(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`bundle_sku, buildable, limiting_component, limiting_allocatable, limiting_quantity,
    bundle_demand`: how many of each bundle the stock builds; fewest first. An untracked
    component never limits; with every component untracked `buildable` is null."""
    return con.execute(sql("stock_bundles")).df()


@shared
def short_skus(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """SKUs the waiting orders need more of than the stock they take from, with the orders each
    blocks.

    `kind` is `sku` for a tracked SKU (bundles exploded; `allocatable` and `basis` as in
    `stock_status`) and `bundle` for a bundle in waiting orders that contains a short component
    and is itself short or blocks orders: its `allocatable` is how many the stock can build,
    its `basis` that of its `limiting_component`, the short component that builds the fewest.
    `blocked_orders` lists the order ids not covered because of it, in payment order.
    """
    short = allocation.out_of_stock_skus(con)
    if short.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SHORT_COLUMNS})
    coverage = allocation.short_orders(con)
    blocked = coverage.loc[~coverage["covered"], ["platform", "shop", "order_id", "short_skus"]]
    per_sku = blocked.explode("short_skus").groupby("short_skus", sort=False)["order_id"] \
        .agg(", ".join)
    names = _names(con)
    skus = short.assign(
        kind="sku",
        name=short["sku"].map(names),
        blocked_orders=short["sku"].map(per_sku).fillna(""),
        limiting_component=None,
    )
    bundles = _short_bundles(con, short, blocked, names)
    out = pd.concat([skus[SHORT_COLUMNS], bundles[SHORT_COLUMNS]], ignore_index=True)
    for col in ("name", "basis", "limiting_component"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out.sort_values(["kind", "shortfall", "sku"], ascending=[False, False, True],
                           ignore_index=True)


def _names(con: duckdb.DuckDBPyConnection) -> pd.Series:
    rows = con.execute(sql("stock_names")).fetchall()
    return pd.Series(dict(rows), dtype=object)


def _short_bundles(con: duckdb.DuckDBPyConnection, short: pd.DataFrame, blocked: pd.DataFrame,
                   names: pd.Series) -> pd.DataFrame:
    """Bundles in waiting orders with a short component, the component that builds the fewest."""
    comps = con.execute(sql("stock_bundle_components")).df()
    comps = comps[comps["component_sku"].isin(short["sku"]) & (comps["bundle_demand"] > 0)]
    basis = short.set_index("sku")["basis"]
    if comps.empty:
        return pd.DataFrame(columns=SHORT_COLUMNS)
    limiting = comps.sort_values(["bundle_sku", "can_build", "component_sku"]) \
        .drop_duplicates("bundle_sku")
    built = bundle_buildable(con).set_index("bundle_sku")["buildable"]
    lines = con.execute(sql("stock_bundle_lines")).df()
    stuck = lines.merge(blocked[["platform", "shop", "order_id"]], how="inner")
    orders = stuck.groupby("sku", sort=False)["order_id"].agg(lambda s: ", ".join(dict.fromkeys(s)))
    counts = stuck.drop_duplicates(["platform", "shop", "order_id", "sku"]).groupby("sku").size()
    out = pd.DataFrame({
        "kind": "bundle",
        "sku": limiting["bundle_sku"].to_numpy(),
        "demand": limiting["bundle_demand"].to_numpy(),
        "limiting_component": limiting["component_sku"].to_numpy(),
    })
    out["name"] = out["sku"].map(names)
    out["allocatable"] = out["sku"].map(built).fillna(0).astype("int64")
    out["basis"] = out["limiting_component"].map(basis)
    out["shortfall"] = (out["demand"] - out["allocatable"]).clip(lower=0).astype("int64")
    out["orders_blocked"] = out["sku"].map(counts).fillna(0).astype("int64")
    out["blocked_orders"] = out["sku"].map(orders).fillna("")
    return out[(out["shortfall"] > 0) | (out["orders_blocked"] > 0)]


def component_demand(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
                     as_of: datetime | None = None) -> pd.DataFrame:
    """Per SKU (bundles exploded): open demand, the period's units and run-rate, days of cover.

    Columns: sku, name, in_bundles, open_demand, period_units, period_per_day, allocatable,
    cover_days_at_period_rate (`allocatable` null for an untracked SKU, as in `stock_status`). Uses the shop and platform filters; the period sets the dates.
    """
    return _component_demand(con, f, window(con, name, as_of))


@shared(facts=True)
def bundled_components(con: duckdb.DuckDBPyConnection, f: Filters) -> pa.Table:
    """`sku`: the components sold inside a bundle by any order in `f`'s shops and platforms
    (stock_bundled_components.sql). It reads every line and no event: kept past an action."""
    return con.sql(sql("stock_bundled_components"), params={
        "shops": list(f.shops), "platforms": list(f.platforms)}).to_arrow_table()


@shared
def _component_demand(con: duckdb.DuckDBPyConnection, f: Filters, w: Window) -> pd.DataFrame:
    # keyed by the shops and platforms alone: the dates and currency do not change it
    shops = Filters(shops=f.shops, platforms=f.platforms)
    con.register("bundled_components", bundled_components(con, shops))
    try:
        with period_lines(con, f, w):
            return con.execute(sql("stock_component_demand"), {
                "shops": list(f.shops), "platforms": list(f.platforms),
                "p_start": w.start, "p_end": w.end,
            }).df()
    finally:
        con.unregister("bundled_components")
