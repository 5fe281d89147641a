"""The daily workbook: one XLSX with the day's KPIs, state counts, the time rules, the overdue
and due-soon lists, the problem orders and (when the promotions topic provides it) promotions.

Headers and labels are in Chinese; shops by their display names (DESIGN §13); ids stay text
and formula-like cells are escaped (pipeline.outputs.export).
"""

from __future__ import annotations

import importlib
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.base.filters import ALL, Filters
from pipeline.base.labels import label, platform_name
from pipeline.db.shops import named, shop_names
from pipeline.desk.address import REASONS as ADDRESS_REASONS
from pipeline.desk.info import CHANGED_LABELS
from pipeline.desk.kpis import KPIS, MONEY_KPIS, day_kpis, state_counts
from pipeline.desk.money import desk_currency
from pipeline.desk.problems import open_problems
from pipeline.desk.sla import counts_of, sla_board
from pipeline.outputs.export import xlsx_bytes

LANG = "zh"
# The reasons that are codes, per problem type: the rule an address breaks (ADDRESS_REASONS),
# how far a refund went, what changed after the desk acted ('; ' between several); other
# reasons are the order's own text (SKUs short, the buyer's message, the other order ids, a
# typed reason).
REASON_LABELS = {
    "refund_before_ship": {r: f"refund_{r}"
                           for r in ("requested", "agreed", "returned", "cancelled")},
    "info_changed": CHANGED_LABELS,
}
LIST_COLUMNS = ["order_id", "platform", "shop", "state", "rule", "deadline", "hours_left",
                "problems", "buyer_message", "courier", "tracking_no", "paid_at", "ship_by"]


def _h(key: str) -> str:
    """A column's Chinese header: `col_<key>` if defined, else `<key>`, else the key itself."""
    text = label(f"col_{key}", LANG)
    return text if text != f"col_{key}" else label(key, LANG)


def _headers(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename(columns={c: _h(c) for c in df.columns})


def kpi_sheet(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    currency = desk_currency(con)
    # today so far against yesterday up to the same minute, as the Overview shows it
    k = day_kpis(con, Filters(currency=currency), as_of.date(),
                 as_of.time().replace(second=0, microsecond=0), as_of)
    return pd.DataFrame({
        _h("kpi"): [label(f"kpi_{x}", LANG) for x in KPIS],
        f"{as_of:%Y-%m-%d}": k["value"].to_numpy(),
        _h("previous_day"): k["previous"].to_numpy(),
        _h("currency"): [currency if x in MONEY_KPIS else "" for x in KPIS],
    })


def state_sheet(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    s = state_counts(con, ALL)
    s = s.assign(state=s["state"].map(lambda x: label(x, LANG)))
    return _headers(s)


def rules_sheet(board: pd.DataFrame) -> pd.DataFrame:
    c = counts_of(board)
    return _headers(c.assign(rule=c["rule"].map(lambda r: label(f"rule_{r}", LANG))))


def order_list(board: pd.DataFrame, status: str,
               names: dict[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """The overdue or due-soon orders of the board, readable: labels, hours left, marks, the
    shop by its display name (`names`: pipeline.db.shops.shop_names)."""
    rows = board[board["status"] == status]
    out = rows.assign(
        shop=named(rows, names or {}),
        state=rows["state"].map(lambda x: label(x, LANG) if isinstance(x, str) else x),
        platform=rows["platform"].map(lambda x: platform_name(x, LANG)),
        rule=rows["rule"].map(lambda r: label(f"rule_{r}", LANG)),
        hours_left=(rows["seconds_left"] / 3600).round(1),
        problems=rows["problems"].map(lambda ps: "、".join(label(f"problem_{p}", LANG)
                                                           for p in ps)),
    )
    return _headers(out[LIST_COLUMNS])


def problems_sheet(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame:
    p = open_problems(con, ALL, as_of)
    p["shop"] = named(p, shop_names(con))     # the display name, before the platform's words
    p["reason"] = [reason_words(problem, reason)
                   for problem, reason in zip(p["problem"], p["reason"], strict=True)]
    p["platform"] = p["platform"].map(lambda x: platform_name(x, LANG))
    p["problem"] = p["problem"].map(lambda x: label(f"problem_{x}", LANG))
    return _headers(p[["order_id", "platform", "shop", "problem", "reason", "since"]])


def reason_words(problem: str, reason: object) -> object:
    """A mark's reason in Chinese: each coded part of its problem type in words, other text
    as it is."""
    if (problem != "address" and problem not in REASON_LABELS) or not isinstance(reason, str):
        return reason
    return "；".join(_code_words(problem, r) for r in reason.split("; "))


def _code_words(problem: str, code: str) -> str:
    if problem == "address":
        return label(f"addr_{code}", LANG) if code in ADDRESS_REASONS else code
    codes = REASON_LABELS[problem]
    return label(codes[code], LANG) if code in codes else code


def workbook_sheets(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, pd.DataFrame]:
    """Sheet name -> frame, in the workbook's order."""
    board = sla_board(con, ALL, as_of)
    names = shop_names(con)
    sheets = {
        label("sheet_kpis", LANG): kpi_sheet(con, as_of),
        label("sheet_states", LANG): state_sheet(con),
        label("sheet_rules", LANG): rules_sheet(board),
        label("sheet_overdue", LANG): order_list(board, "overdue", names),
        label("sheet_due_soon", LANG): order_list(board, "due_soon", names),
        label("sheet_problems", LANG): problems_sheet(con, as_of),
    }
    promo = _promo_sheet(con, as_of)
    if promo is not None:
        sheets[label("sheet_promotions", LANG)] = _headers(promo)
    return sheets


def workbook_bytes(con: duckdb.DuckDBPyConnection, as_of: datetime) -> bytes:
    """The daily workbook as XLSX bytes."""
    return xlsx_bytes(workbook_sheets(con, as_of))


def write_workbook(con: duckdb.DuckDBPyConnection, as_of: datetime, path: str | Path) -> None:
    """The daily workbook written to `path` (`report --xlsx FILE`)."""
    Path(path).write_bytes(workbook_bytes(con, as_of))


def _promo_sheet(con: duckdb.DuckDBPyConnection, as_of: datetime) -> pd.DataFrame | None:
    try:
        promo = importlib.import_module("pipeline.desk.promo")
    except ImportError:
        return None
    sheet = getattr(promo, "workbook_sheet", None)
    return sheet(con, as_of) if sheet else None
