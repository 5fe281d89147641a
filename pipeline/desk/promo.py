"""Promotions (DESIGN §7): order types, promotion periods and how a period compares.

A period covers orders *placed* (created) from its start up to, not including, its end. Its
baseline is the window of the same length just before the start. A period still running is
cut at now and compared with the same elapsed hours of its baseline (at 15:00 on a one-day
双11, 00:00–15:00 of the day before), never with the last hours before its start. Period measures use only the
shop and platform filters: the period itself sets the dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import ALL, Filters
from pipeline.base.reasons import Reason
from pipeline.base.roles import require
from pipeline.db.cache import remembered, shared
from pipeline.db.queries import sql
from pipeline.db.store import Store
from pipeline.desk.money import desk_currency, money_params

ORDER_TYPES = ("promotion", "bundle", "combo", "gift")

# Measures of a period against its baseline, in display order.
MEASURES = (
    "orders", "paid_orders", "paid_amount", "units", "aov",
    "orders_per_hour", "paid_per_hour", "orders_per_day", "paid_per_day",
)


class PeriodInvalid(ValueError):
    """A promotion period that cannot be saved; the message says why."""


@dataclass(frozen=True)
class Window:
    """A period cut at `as_of` when still running, and its baseline: the window of the whole
    period's length just before it, cut at the same elapsed hours."""

    name: str
    start: datetime
    end: datetime          # the period's end, or `as_of` while it is running
    baseline_start: datetime
    baseline_end: datetime  # baseline_start + (end - start): the same hours as the period's

    @property
    def running(self) -> bool:
        """Cut at now: the baseline is cut at the same elapsed hours."""
        return self.baseline_end < self.start

    def params(self, f: Filters, baseline: bool = True) -> dict:
        """Bound parameters: shops, platforms, the period and (optionally) the baseline start."""
        out = {"shops": list(f.shops), "platforms": list(f.platforms),
               "p_start": self.start, "p_end": self.end}
        if baseline:
            out["b_start"] = self.baseline_start
            out["b_end"] = self.baseline_end
        return out


# ---------------------------------------------------------------------------------------------
# Order types


@shared(keep=1, facts=True)   # one row per order: one set of filters at a time
def order_types(con: duckdb.DuckDBPyConnection, f: Filters = ALL) -> pd.DataFrame:
    """`platform, shop, order_id, promotion, bundle, combo, gift` for every order in the filters."""
    # through Arrow: a million rows fetched with .df() cost more than the query (an empty
    # result as .df() types it: its text columns objects)
    rel = con.sql(sql("promo_order_types"),
                  params={**f.params(), "win_start": None, "win_end": None})
    table = rel.to_arrow_table()
    return table.to_pandas() if table.num_rows else rel.df()


@shared(facts=True)
def order_type_counts(con: duckdb.DuckDBPyConnection, f: Filters = ALL) -> pd.DataFrame:
    """`order_type, orders`: all four types, zeros included."""
    return _counts(con, {**f.params(), "win_start": None, "win_end": None})[0]


def _counts(con: duckdb.DuckDBPyConnection, params: dict) -> tuple[pd.DataFrame, int]:
    """Orders per type (all four, zeros included) and the orders in scope."""
    row = con.execute(sql("promo_order_type_counts"), params).df().iloc[0]
    counts = pd.DataFrame({"order_type": list(ORDER_TYPES),
                           "orders": [int(row[t]) for t in ORDER_TYPES]})
    return counts, int(row["orders"])


def order_types_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict:
    """report --json: `order_types` counts over all orders."""
    counts = order_type_counts(con, ALL)
    return {"order_types": dict(zip(counts["order_type"], counts["orders"].astype(int),
                                    strict=True))}


# ---------------------------------------------------------------------------------------------
# Promotion periods


@shared(facts=True)
def periods(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every period, latest start first: `name, start_at, end_at, updated_at, updated_by`."""
    return con.execute(
        "select name, start_at, end_at, updated_at, updated_by from promotions "
        "order by start_at desc, name"
    ).df()


@shared(facts=True)
def default_period(con: duckdb.DuckDBPyConnection, as_of: datetime
                   ) -> tuple[str, datetime, datetime] | None:
    """The period running at `as_of` (its end cut at `as_of`), else the last one that ended."""
    rows = con.execute(
        """
        select name, start_at, end_at
        from promotions
        where start_at < ?
        order by (end_at > ?) desc, end_at desc, name
        limit 1
        """,
        [as_of, as_of],
    ).fetchall()
    if not rows:
        return None
    name, start, end = rows[0]
    return name, start, min(end, as_of)


def window(con: duckdb.DuckDBPyConnection, name: str, as_of: datetime | None = None) -> Window:
    """The period `name` (cut at `as_of` if it is still running) and its baseline: the
    period's whole length before its start, cut at the same elapsed hours."""
    rows = con.execute("select start_at, end_at from promotions where name = ?", [name]).fetchall()
    if not rows:
        raise KeyError(Reason("why_no_period", name=name))
    start, full_end = rows[0]
    end = as_of if as_of is not None and start < as_of < full_end else full_end
    b_start = start - (full_end - start)
    return Window(name, start, end, b_start, b_start + (end - start))


def _validate(cur: duckdb.DuckDBPyConnection, name: str, start: datetime, end: datetime,
              old_name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise PeriodInvalid(Reason("why_period_name"))
    if start is None or end is None:
        raise PeriodInvalid(Reason("why_period_span", name=name))
    if end <= start:
        raise PeriodInvalid(Reason("why_period_order", name=name, end=f"{end:%Y-%m-%d %H:%M}",
                                   start=f"{start:%Y-%m-%d %H:%M}"))
    taken = cur.execute("select count(*) from promotions where name = ? and name is distinct "
                        "from ?", [name, old_name]).fetchall()[0][0]
    if taken:
        raise PeriodInvalid(Reason("why_period_taken", name=name))
    return name


def add_period(store: Store, name: str, start: datetime, end: datetime, by: str,
               role: str | None = None) -> None:
    """Add a period; raises PeriodInvalid (no name, end not after start, name taken)."""
    require(role, "promotions")

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        clean = _validate(cur, name, start, end, None)
        cur.execute("insert into promotions values (?, ?, ?, ?, ?)",
                    [clean, start, end, store.now(), by])

    store.run_write(work)


def update_period(store: Store, old_name: str, name: str, start: datetime, end: datetime,
                  by: str, role: str | None = None) -> None:
    """Change a period's name, start or end; raises PeriodInvalid or KeyError."""
    require(role, "promotions")

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        if not cur.execute("select count(*) from promotions where name = ?",
                           [old_name]).fetchall()[0][0]:
            raise KeyError(Reason("why_no_period", name=old_name))
        clean = _validate(cur, name, start, end, old_name)
        cur.execute("update promotions set name = ?, start_at = ?, end_at = ?, updated_at = ?, "
                    "updated_by = ? where name = ?",
                    [clean, start, end, store.now(), by, old_name])

    store.run_write(work)


def delete_period(store: Store, name: str, by: str, role: str | None = None) -> None:
    """Remove a period; raises KeyError when there is none by that name."""
    require(role, "promotions")

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        gone = cur.execute("delete from promotions where name = ? returning name",
                           [name]).fetchall()
        if not gone:
            raise KeyError(Reason("why_no_period", name=name))

    store.run_write(work)


# ---------------------------------------------------------------------------------------------
# A period against its baseline


def _shops_only(f: Filters) -> Filters:
    return Filters(shops=f.shops, platforms=f.platforms, currency=f.currency)


def period_vs_baseline(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
                       as_of: datetime | None = None) -> pd.DataFrame:
    """Tidy `measure, period, baseline, uplift` (uplift = period / baseline − 1; null on a 0 baseline).

    Measures: orders placed, paid orders, paid amount, units, average order value (paid amount per
    paid order), and orders and paid amount per hour and per day. Money is in `f.currency` (else
    the desk's); counts are over every currency.
    """
    return _period_vs_baseline(con, f, window(con, name, as_of))


@shared(facts=True)
def _period_vs_baseline(con: duckdb.DuckDBPyConnection, f: Filters, w: Window) -> pd.DataFrame:
    params = {**w.params(_shops_only(f)), **money_params(con, f)}
    wide = con.execute(sql("promo_windows"), params).df().set_index("series")
    out = pd.DataFrame({
        "measure": list(MEASURES),
        "period": [wide.loc["period", m] for m in MEASURES],
        "baseline": [wide.loc["baseline", m] for m in MEASURES],
    })
    out["period"] = pd.to_numeric(out["period"]).astype("float64")
    out["baseline"] = pd.to_numeric(out["baseline"]).astype("float64")
    base = out["baseline"].where(out["baseline"] != 0)
    out["uplift"] = out["period"] / base - 1
    return out


@shared(facts=True)
def hourly_curve(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
                 as_of: datetime | None = None) -> pd.DataFrame:
    """Tidy `hour, series (period | baseline), hour_start, orders, paid` over the period (cut
    at `as_of` while running, the baseline at the same elapsed hours).

    `hour` counts from each window's start, so the baseline's curve lies under the period's.
    `paid` is in `f.currency` (else the desk's).
    """
    w = window(con, name, as_of)
    return con.execute(sql("promo_hourly"),
                       {**w.params(_shops_only(f)), **money_params(con, f)}).df()


def period_other_currencies(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
                            as_of: datetime | None = None) -> pd.DataFrame:
    """What the period's paid orders paid in the currencies other than the one shown:
    `currency, paid_orders, paid_amount`, largest first."""
    return _period_other_currencies(con, f, window(con, name, as_of))


@shared(facts=True)
def _period_other_currencies(con: duckdb.DuckDBPyConnection, f: Filters, w: Window
                             ) -> pd.DataFrame:
    money = money_params(con, f)
    per = con.execute(sql("promo_paid_by_currency"),
                      {**w.params(_shops_only(f), baseline=False), "desk": money["desk"]}).df()
    return per[per["currency"] != money["currency"]].reset_index(drop=True)


@shared(facts=True)
def summary(con: duckdb.DuckDBPyConnection, as_of: datetime, f: Filters = ALL
            ) -> dict | None:
    """The running promotion (else the last one) against the same elapsed hours of its
    baseline: `name, start, end, running, baseline_start, baseline_end, orders,
    baseline_orders, uplift_orders` (null on a 0 baseline), `paid` and `baseline_paid`
    (per currency, never added across: {currency: amount}); None when there is no period."""
    current = default_period(con, as_of)
    if current is None:
        return None
    w = window(con, current[0], as_of)
    table = _period_vs_baseline(con, f, w).set_index("measure")
    desk = money_params(con, f)["desk"]

    def per_currency(start: datetime, end: datetime) -> dict[str, float]:
        rows = con.execute(sql("promo_paid_by_currency"), {
            "shops": list(f.shops), "platforms": list(f.platforms), "p_start": start,
            "p_end": end, "desk": desk}).df()
        return {str(r.currency): float(r.paid_amount) for r in rows.itertuples()}

    orders, base = table.loc["orders", "period"], table.loc["orders", "baseline"]
    return {"name": w.name, "start": w.start, "end": w.end, "running": w.running,
            "baseline_start": w.baseline_start, "baseline_end": w.baseline_end,
            "orders": int(orders), "baseline_orders": int(base),
            "uplift_orders": None if base == 0 else float(orders / base - 1),
            "paid": per_currency(w.start, w.end),
            "baseline_paid": per_currency(w.baseline_start, w.baseline_end)}


def summary_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict:
    """report --json: `promotion`, the running promotion (else the last one) against the same
    elapsed hours of its baseline (null when there is no period)."""
    got = summary(con, as_of)
    if got is None:
        return {"promotion": None}
    fmt = "%Y-%m-%d %H:%M"
    return {"promotion": {
        "name": got["name"], "start": got["start"].strftime(fmt),
        "end": got["end"].strftime(fmt), "running": got["running"],
        "baseline_start": got["baseline_start"].strftime(fmt),
        "baseline_end": got["baseline_end"].strftime(fmt),
        "orders": got["orders"], "baseline_orders": got["baseline_orders"],
        "uplift_orders": None if got["uplift_orders"] is None else round(got["uplift_orders"], 4),
        "paid": got["paid"], "baseline_paid": got["baseline_paid"],
    }}


@shared(facts=True)
def peak_hour(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
              as_of: datetime | None = None) -> pd.DataFrame:
    """The period's busiest hour by orders (earliest on a tie): `hour, hour_start, orders, paid`."""
    curve = hourly_curve(con, f, name, as_of)
    period = curve[curve["series"] == "period"]
    if period.empty or period["orders"].max() == 0:
        return period.head(0)[["hour", "hour_start", "orders", "paid"]]
    top = period.sort_values(["orders", "hour"], ascending=[False, True]).head(1)
    return top[["hour", "hour_start", "orders", "paid"]].reset_index(drop=True)


def period_order_types(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
                       as_of: datetime | None = None) -> pd.DataFrame:
    """`order_type, orders, share` of the orders placed in the period (all four types)."""
    return _period_order_types(con, f, window(con, name, as_of))


@shared(facts=True)
def _period_order_types(con: duckdb.DuckDBPyConnection, f: Filters, w: Window) -> pd.DataFrame:
    counts, orders = _counts(con, {**_shops_only(f).params(), "win_start": w.start,
                                   "win_end": w.end})
    counts["share"] = counts["orders"] / orders if orders else 0.0
    return counts


def top_skus(con: duckdb.DuckDBPyConnection, f: Filters, name: str, exploded: bool = False,
             top: int = 10, as_of: datetime | None = None) -> pd.DataFrame:
    """`sku, name, units, orders`: the period's best sellers, as sold or exploded to components."""
    return _top_skus(con, f, window(con, name, as_of), exploded, top)


@shared(facts=True)
def _top_skus(con: duckdb.DuckDBPyConnection, f: Filters, w: Window, exploded: bool,
              top: int) -> pd.DataFrame:
    con.register("sku_titles", sku_titles(con))
    try:
        with period_lines(con, f, w):
            return con.execute(sql("promo_top_skus"), {"exploded": exploded, "top": top}).df()
    finally:
        con.unregister("sku_titles")


def top_bundles(con: duckdb.DuckDBPyConnection, f: Filters, name: str, top: int = 10,
                as_of: datetime | None = None) -> pd.DataFrame:
    """`sku, name, units, orders, components`: the period's best-selling bundles."""
    return _top_bundles(con, f, window(con, name, as_of), top)


@shared(facts=True)
def _top_bundles(con: duckdb.DuckDBPyConnection, f: Filters, w: Window, top: int
                 ) -> pd.DataFrame:
    with period_lines(con, f, w):
        return con.execute(sql("promo_top_bundles"), {"top": top}).df()


def gifts(con: duckdb.DuckDBPyConnection, f: Filters, name: str,
          as_of: datetime | None = None) -> pd.DataFrame:
    """`sku, name, units, orders, allocatable, open_demand, left_after_open`: the period's gifts."""
    return _gifts(con, f, window(con, name, as_of))


@shared
def _gifts(con: duckdb.DuckDBPyConnection, f: Filters, w: Window) -> pd.DataFrame:
    with period_lines(con, f, w):
        return con.execute(sql("promo_gifts")).df()


def sku_titles(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """`sku, title` (sku_titles.sql): a title each SKU was sold under, over every line; worked
    out once per data version (the Stock page and the period's top SKUs read it)."""
    return remembered(con, "stock.sku_titles", (), lambda: con.sql(
        sql("sku_titles")).to_arrow_table(), facts=True)


@contextmanager
def period_lines(con: duckdb.DuckDBPyConnection, f: Filters, w: Window) -> Iterator[None]:
    """`period_lines` (promo_paid_lines.sql) readable on `con` while inside: the lines of the
    period's paid orders in `f`'s shops and platforms, worked out once per data version, period
    and shops and shared by the boards that read them (the top SKUs, top bundles, gifts and the
    components' demand; each joined every order with its state before)."""
    params = w.params(_shops_only(f), baseline=False)
    key = (tuple(params["shops"]), tuple(params["platforms"]), w.start, w.end)
    con.register("period_lines", remembered(con, "promo.period_lines", key, lambda: con.sql(
        sql("promo_paid_lines"), params=params).to_arrow_table(), facts=True))
    try:
        yield
    finally:
        con.unregister("period_lines")


def workbook_sheet(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    """The daily workbook's promotions sheet: each period started by `as_of` against its baseline."""
    rows = []
    currency = desk_currency(con)  # the paid amounts are the desk currency's
    for p in periods(con).itertuples():
        if p.start_at > as_of:
            continue
        m = period_vs_baseline(con, Filters(currency=currency), p.name, as_of).set_index("measure")
        rows.append({
            "name": p.name, "start_at": p.start_at, "end_at": p.end_at,
            "running": p.start_at <= as_of < p.end_at,
            "orders": m.loc["orders", "period"], "baseline_orders": m.loc["orders", "baseline"],
            "orders_uplift": m.loc["orders", "uplift"],
            "paid_amount": m.loc["paid_amount", "period"],
            "baseline_paid_amount": m.loc["paid_amount", "baseline"],
            "paid_uplift": m.loc["paid_amount", "uplift"],
            "units": m.loc["units", "period"], "baseline_units": m.loc["units", "baseline"],
            "units_uplift": m.loc["units", "uplift"],
            "currency": currency,
        })
    cols = ["name", "start_at", "end_at", "running", "orders", "baseline_orders", "orders_uplift",
            "paid_amount", "baseline_paid_amount", "paid_uplift", "units", "baseline_units",
            "units_uplift", "currency"]
    return pd.DataFrame(rows, columns=cols)
