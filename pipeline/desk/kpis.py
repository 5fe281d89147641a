"""The overview's numbers: the day's KPIs, orders per state, the daily series."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from pipeline.base.filters import Filters
from pipeline.base.labels import STATES
from pipeline.db.cache import private, remembered, shared
from pipeline.db.queries import sql
from pipeline.desk.money import money_params
from pipeline.desk.problems import export_facts

KPIS = (
    "orders", "paid_orders", "paid_amount", "aov", "shipped",
    "refund_amount", "refund_rate", "shipped_72h",
)
MONEY_KPIS = ("paid_amount", "aov", "refund_amount")  # in one currency, never added across
SHIPPING_KPIS = ("shipped", "shipped_72h")   # known only from exports with shipping facts


def day_kpis(con: duckdb.DuckDBPyConnection, f: Filters, day: date,
             until: time | None = None, as_of: datetime | None = None) -> pd.DataFrame:
    """One row per KPI: `kpi`, `value` (the day), `previous` (the day before).
    When no shop in scope has a shipping fact in its exports (`shipping_known`), `shipped` and
    `shipped_72h` cannot be known (DESIGN §4): null, never 0; otherwise the 72-hour share is
    over the orders of the shops whose exports say what shipped.

    With `until`, both days count only what happened up to that time of day (today so far
    against yesterday at the same time). Money KPIs are in `f.currency` (else the desk's).
    With `as_of`, the 72-hour shipping share is null for a day whose paid orders have not all
    had 72 hours yet (a day still running is never a drop).
    """
    # `as_of` only says whether each day's paid orders had their 72 hours (day_kpis.sql):
    # remembered under that, so every minute of a day shares one computation
    settled = None if as_of is None else tuple(
        pd.Timestamp(datetime.combine(d, time())) + pd.Timedelta(days=4) <= pd.Timestamp(as_of)
        for d in (day, day - timedelta(days=1)))
    return private(remembered(con, "kpis.day_kpis", (f, day, until, settled),
                              lambda: _day_kpis(con, f, day, until, as_of), facts=True))


def _day_kpis(con: duckdb.DuckDBPyConnection, f: Filters, day: date, until: time | None,
              as_of: datetime | None) -> pd.DataFrame:
    params = {"day": day, "until": until, "as_of": as_of, "shops": list(f.shops),
              "platforms": list(f.platforms), **money_params(con, f)}
    con.register("export_facts", export_facts(con))
    try:
        wide = con.execute(sql("day_kpis"), params).df()
    finally:
        con.unregister("export_facts")
    cur, prev = wide.iloc[0], wide.iloc[1]
    blind = not bool(cur["ships_judged"])
    unknown = [blind and k in SHIPPING_KPIS for k in KPIS]
    return pd.DataFrame({
        "kpi": list(KPIS),
        "value": [None if u else cur[k] for k, u in zip(KPIS, unknown, strict=True)],
        "previous": [None if u else prev[k] for k, u in zip(KPIS, unknown, strict=True)],
    })


@shared(facts=True)
def shipping_known(con: duckdb.DuckDBPyConnection, f: Filters) -> bool:
    """Whether any shop in `f`'s shops and platforms has a shipping fact in its exports
    (`problems.export_facts`): else what shipped, and the 72-hour share, cannot be known."""
    facts = export_facts(con)
    if f.shops:
        facts = facts[facts["shop"].isin(f.shops)]
    if f.platforms:
        facts = facts[facts["platform"].isin(f.platforms)]
    return bool(facts["ships_known"].any())


@shared(facts=True)
def day_other_currencies(con: duckdb.DuckDBPyConnection, f: Filters, day: date,
                         until: time | None = None) -> pd.DataFrame:
    """The day's money in the currencies other than the one the KPIs show:
    `currency, paid_orders, paid_amount, refund_amount`, largest paid amount first."""
    money = money_params(con, f)
    params = {"day": day, "until": until, "shops": list(f.shops), "platforms": list(f.platforms),
              "desk": money["desk"]}
    per = con.execute(sql("day_money_by_currency"), params).df()
    return per[per["currency"] != money["currency"]].reset_index(drop=True)


@shared
def state_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every state of DESIGN §3 in display order: `state`, `orders`, `partial_refund`, `partial_ship`."""
    return con.execute(sql("state_counts"), {**f.params(), "states": list(STATES)}).df()


@shared(facts=True)
def daily_series(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Tidy `day`, `measure` (orders | paid_amount), `value`; the paid amount in `f.currency`
    (else the desk's)."""
    return con.execute(sql("daily_series"), {**f.params(), **money_params(con, f)}).df()


@shared(facts=True)
def latest_day(con: duckdb.DuckDBPyConnection, f: Filters) -> date | None:
    """The last day with orders inside the filters (the overview's default day)."""
    rows = con.execute(
        "select max(created_at)::date from filtered_orders($date_from, $date_to, $shops, $platforms)",
        f.params(),
    ).fetchall()
    return rows[0][0]
