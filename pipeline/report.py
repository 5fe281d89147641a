"""`report --json`: one JSON object about the whole store as of a moment (DESIGN §10).

Each topic contributes a section: a function `(con, as_of) -> dict` listed in SECTIONS.
Keys are a contract for scheduled jobs: add, never rename.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb

from pipeline.filters import ALL
from pipeline.forecast import forecast_section
from pipeline.kpis import state_counts
from pipeline.money import currency_mix, desk_params
from pipeline.problems import problems_section
from pipeline.promo import order_types_section
from pipeline.sla import sla_section
from pipeline.store import sql

Section = Callable[[duckdb.DuckDBPyConnection, datetime], dict[str, Any]]


def totals_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """orders, order_lines, states, amounts (in the desk's currency), currency, currencies,
    partial_refunds."""
    money = desk_params(con)
    t = con.execute(sql("report_totals"), money).df().iloc[0]
    mix = currency_mix(con, ALL)
    states = state_counts(con, ALL)
    return {
        "orders": int(t["orders"]),
        "order_lines": int(t["order_lines"]),
        "states": {r.state: int(r.orders) for r in states.itertuples()},
        "amounts": {
            "order_total": float(t["order_total"]),
            "paid": float(t["paid"]),
            "refunded": float(t["refunded"]),
        },
        "currency": money["currency"],
        "currencies": {
            r.currency: {"orders": int(r.orders), "order_total": float(r.order_total),
                         "paid": float(r.paid), "refunded": float(r.refunded)}
            for r in mix.itertuples()
        },
        "partial_refunds": int(t["partial_refunds"]),
    }


def stock_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """stock: distinct SKUs in the current stock and the units available."""
    skus, units = con.execute(
        "select count(distinct sku), coalesce(sum(available), 0) from stock"
    ).fetchall()[0]
    return {"stock": {"skus": int(skus), "units_available": int(units)}}


SECTIONS: list[Section] = [totals_section, stock_section, order_types_section, sla_section,
                           problems_section, forecast_section]


def build_report(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """The whole report as a dict, `as_of` first."""
    out: dict[str, Any] = {"as_of": as_of.strftime("%Y-%m-%d %H:%M")}
    for section in SECTIONS:
        out.update(section(con, as_of))
    return out
