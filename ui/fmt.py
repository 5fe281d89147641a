"""Figures as the pages show them: money with its currency, shares, KPI changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd


def per_value(values: pd.Series, fn: Callable[[Any], Any], na: Any = None) -> pd.Series:
    """`fn(v)` for every value of `values`, each distinct value worked out once (a list of
    thousands of orders holds a handful of states, rules and shops); `na` where a value is
    missing. Lists are taken as tuples."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:                           # lists (unhashable): as tuples
        codes, uniques = pd.factorize(values.map(tuple), use_na_sentinel=True)
    out = [fn(v) for v in uniques] + [na]      # code -1 (missing) takes the last
    result = pd.Series(out).take(codes)
    result.index = values.index
    return result


def fmt_money(v: float | None, currency: str | None = None) -> str:
    """`1,234.50`, or `CNY 1,234.50` with its currency; `—` when unknown."""
    if v is None or pd.isna(v):
        return "—"
    return f"{currency} {v:,.2f}" if currency else f"{v:,.2f}"


def fmt_amounts(amounts: pd.DataFrame, column: str) -> str:
    """One figure per currency, never a sum: `USD 1,234.00 · TRY 5,678.00` (`currency`, `column`)."""
    return " · ".join(fmt_money(v, c) for c, v in zip(amounts["currency"], amounts[column],
                                                      strict=True))


def fmt_pct(v: float | None) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:.1%}"


MONEY_KPIS = {"paid_amount", "aov", "refund_amount"}


SHARE_KPIS = {"refund_rate", "shipped_72h"}


def kpi_texts(kpi: str, value: float | None, previous: float | None,
              currency: str | None = None) -> tuple[str, str | None, str]:
    """The value, the change against the previous day (None when unknown) and the previous value,
    formatted for the KPI's kind (money with its `currency`, share or count)."""
    def fmt(v: float | None) -> str:
        if v is None or pd.isna(v):
            return "—"
        return fmt_money(v, currency) if kpi in MONEY_KPIS else fmt_pct(v) if kpi in SHARE_KPIS else f"{int(v):,}"

    delta = None
    if not (value is None or previous is None or pd.isna(value) or pd.isna(previous)):
        diff = value - previous
        # money changes carry their currency after the sign (the metric reads the arrow from it)
        delta = None if abs(diff) < 1e-9 else (
            fmt_pct(diff) if kpi in SHARE_KPIS
            else ("+" if diff > 0 else "-") + fmt_money(abs(diff), currency) if kpi in MONEY_KPIS
            else f"{int(diff):+,}")
    return fmt(value), delta, fmt(previous)
