"""Currencies (DESIGN §2): the desk's currency and the orders and money per currency.

Every order has one currency: the ISO code its export states (Shopify `Currency`, CNY for the
Chinese platforms, a template's `currency`), else the desk's currency. The desk's currency is
the setting `currency`; unset, the currency most orders state; with none stated, CNY. Money of
two currencies is never added: every sum is taken over the orders of one currency.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.base.filters import ALL, Filters
from pipeline.db.cache import remembered
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings

FALLBACK = "CNY"   # the desk's currency when neither the setting nor any order names one

# What the orders' currencies are changes only when the data does: remembered per store and
# data version (pipeline.db.cache), so that the many money queries of one page view do not each
# scan every order again.


def _remembered(con: duckdb.DuckDBPyConnection, what: tuple, compute):
    return remembered(con, "money", what, compute, facts=True)


def desk_currency(con: duckdb.DuckDBPyConnection) -> str:
    """The setting `currency`, else the currency of most orders, else CNY."""
    chosen = get_settings(con)["currency"]
    if chosen:
        return chosen
    rows = _remembered(con, ("most",), lambda: con.execute(sql("currency_most_orders")).fetchall())
    return rows[0][0] if rows else FALLBACK


def money_currency(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """The currency whose money a view shows: the filters' choice, else the desk's, else (when
    no order in the filters is in the desk's currency) the currency of most of them."""
    return f.currency or currencies(con, f)[0]


def money_params(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, str]:
    """Bound parameters of a money query: `$currency` (summed) and `$desk` (for orders without one)."""
    return {"currency": money_currency(con, f), "desk": desk_currency(con)}


def desk_params(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """`money_params` for the desk's own currency, whatever the orders are (report --json)."""
    desk = desk_currency(con)
    return {"currency": desk, "desk": desk}


def currency_mix(con: duckdb.DuckDBPyConnection, f: Filters = ALL) -> pd.DataFrame:
    """`currency, orders, order_total, paid, refunded` per currency in the filters, the desk's
    first, then by orders."""
    desk = desk_currency(con)
    params = {**f.params(), "desk": desk}
    key = ("mix", desk, f.date_from, f.date_to, f.shops, f.platforms)
    return _remembered(con, key, lambda: con.execute(sql("currency_mix"), params).df()).copy()


def currencies(con: duckdb.DuckDBPyConnection, f: Filters = ALL) -> list[str]:
    """The currencies of the orders in the filters, the desk's first, then by orders; only the
    desk's when there are no orders."""
    return currency_mix(con, f)["currency"].tolist() or [desk_currency(con)]
