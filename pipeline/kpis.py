"""The overview's numbers: the day's KPIs, orders per state, the daily series."""

from __future__ import annotations

from datetime import date, time

import duckdb
import pandas as pd

from pipeline.filters import Filters
from pipeline.labels import STATES
from pipeline.store import sql

KPIS = (
    "orders", "paid_orders", "paid_amount", "aov", "shipped",
    "refund_amount", "refund_rate", "shipped_72h",
)


def day_kpis(con: duckdb.DuckDBPyConnection, f: Filters, day: date,
             until: time | None = None) -> pd.DataFrame:
    """One row per KPI: `kpi`, `value` (the day), `previous` (the day before).

    With `until`, both days count only what happened up to that time of day (today so far
    against yesterday at the same time).
    """
    params = {"day": day, "until": until, "shops": list(f.shops), "platforms": list(f.platforms)}
    wide = con.execute(sql("day_kpis"), params).df()
    cur, prev = wide.iloc[0], wide.iloc[1]
    return pd.DataFrame(
        {"kpi": list(KPIS), "value": [cur[k] for k in KPIS], "previous": [prev[k] for k in KPIS]}
    )


def state_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every state of DESIGN §3 in display order: `state`, `orders`, `partial_refund`, `partial_ship`."""
    return con.execute(sql("state_counts"), {**f.params(), "states": list(STATES)}).df()


def daily_series(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Tidy `day`, `measure` (orders | paid_amount), `value`."""
    return con.execute(sql("daily_series"), f.params()).df()


def latest_day(con: duckdb.DuckDBPyConnection, f: Filters) -> date | None:
    """The last day with orders inside the filters (the overview's default day)."""
    rows = con.execute(
        "select max(created_at)::date from filtered_orders($date_from, $date_to, $shops, $platforms)",
        f.params(),
    ).fetchall()
    return rows[0][0]
