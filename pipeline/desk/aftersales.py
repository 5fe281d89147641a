"""After-sales (DESIGN §11): the refund, return and exchange cases the desk must answer in time,
the money lost when the platform decided for the shop, and the reasons read as a signal.

- Who must act: the case's status (`canonical.CASE_STATUS_ACTOR`).
- Deadline: the export's own (`deadline_source` 'platform'); where a file gives none, the
  desk's settings counted from the request (`desk`): `aftersales_answer_hours` to answer,
  `aftersales_receive_hours` to confirm a returned parcel.
- Time rules: `aftersales_answer` (awaiting_seller, arbitration) and `aftersales_receive`
  (returned), as of a moment: `overdue` past the deadline, `due_soon` within `due_soon_hours`
  before it (the same window as the order rules of §4), else `on_time`; `answered` when the
  desk recorded its agree or reject since the import of the case's current facts (waiting for
  the platform's next export), and a returned case once its parcel is recorded received.
- `missed`: refunded at or after the platform's own deadline; its amount (refunded, else
  asked) is money lost to slowness.
- Money is counted in one currency: a case's is its order's, else the desk's.
- Returns received: a case's latest `received` says `resellable` and it names a SKU: one unit
  back, shown apart from the stock export until the next stock snapshot.

The dates of the filters select cases by their request time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.base import canonical as C
from pipeline.base.filters import ALL, Filters
from pipeline.db.cache import remembered, shared
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings
from pipeline.desk.money import desk_currency, money_currency
from pipeline.desk.promo import Window, window

RULES = ("aftersales_answer", "aftersales_receive")
SLA = ("overdue", "due_soon", "on_time", "answered")
READ_BY = ("sku", "reason", "case_type", "phase", "responsibility")
BOARD_COLUMNS = [
    "platform", "shop", "case_id", "order_id", "order_known", "sku", "title", "case_type",
    "phase", "status_norm", "status_text", "actor", "amount_asked", "amount_refunded",
    "requested_at", "deadline", "deadline_source", "rule", "sla", "hours_left", "reason",
    "buyer_text", "return_courier", "return_tracking", "responsibility", "missed",
    "assigned_to", "last_action", "last_action_at", "refunded_at", "closed_at", "currency",
]
# The order of cases equally urgent: the newest requests first (a case without one last).
URGENT_ALIKE = [("requested_at", "descending", "at_end"), ("platform", "ascending", "at_end"),
                ("shop", "ascending", "at_end"), ("case_id", "ascending", "at_end")]


@shared
def case_board(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """One row per case inside the filters, as of `as_of` (BOARD_COLUMNS): who must act
    (`actor`), the deadline and whose it is, the rule it is under and how it stands (`sla`,
    `hours_left`, negative when overdue), `missed`, who works on it and the desk's last action
    (actions recorded by `as_of`), and the currency its money is in. Most urgent first:
    overdue, due soon and on time by deadline, then answered, the other open cases, the rest.

    The cases' facts are read once per data version (`_cases`); a new moment only times them
    again, unless it is before the desk's latest case action (a past moment: the actions
    recorded by then)."""
    newest = remembered(con, "aftersales.newest_action", (), lambda: con.execute(
        "select max(acted_at) from events where case_id is not null").fetchall()[0][0])
    until = as_of if newest is not None and as_of < newest else None
    board = _cases(con, f, until)
    return _timed(board, as_of, float(get_settings(con)["due_soon_hours"]))


def _cases(con: duckdb.DuckDBPyConnection, f: Filters, until: datetime | None) -> pd.DataFrame:
    """The cases' facts, deadlines and the desk's answers (aftersales_board.sql), with the
    actions recorded by `until` (all of them when None); kept per data version."""
    s = get_settings(con)
    params = {
        "events_until": until, **f.params(),
        "answer_hours": float(s["aftersales_answer_hours"]),
        "receive_hours": float(s["aftersales_receive_hours"]),
        "desk": desk_currency(con),
    }

    def compute() -> pd.DataFrame:
        # the order among cases equally urgent, once: the newest requests first (sorted as
        # Arrow, before the texts become objects)
        board = _texts_as_objects(con.sql(sql("aftersales_board"), params=params)
                                  .to_arrow_table().sort_by(URGENT_ALIKE))
        board["actor"] = pd.Series([C.CASE_STATUS_ACTOR.get(v)
                                    for v in board["status_norm"].tolist()],
                                   index=board.index, dtype=object)
        return board

    key = (f, until, params["answer_hours"], params["receive_hours"], params["desk"])
    return remembered(con, "aftersales.cases", key, compute)


def _timed(cases: pd.DataFrame, as_of: datetime, due_soon_hours: float) -> pd.DataFrame:
    """`cases` as of `as_of`: `sla` (answered, overdue past the deadline, due soon within
    `due_soon_hours` before it — the deadline itself included —, else on time; none outside
    the rules or without a deadline) and `hours_left`, ordered most urgent first."""
    timed = cases.rule.notna() & cases.deadline.notna()
    seconds = (cases.deadline - pd.Timestamp(as_of)).dt.total_seconds().where(timed)
    sla = pd.Series(np.select(
        [cases.answered, seconds < 0, seconds <= due_soon_hours * 3600],
        ["answered", "overdue", "due_soon"], "on_time"), index=cases.index, dtype=object)
    sla = sla.where(timed, None)
    board = cases.assign(sla=sla, hours_left=seconds / 3600.0)
    urgency = np.select(
        [board.sla == s for s in ("overdue", "due_soon", "on_time", "answered")]
        + [board.status_norm.isin(C.CASE_OPEN)], [0, 1, 2, 3, 4], 5)
    board = board.assign(_urgency=urgency, _deadline=board.deadline.where(urgency <= 2))
    # stable: cases equally urgent keep the order `_cases` gave them (the newest requests first)
    board = board.sort_values(["_urgency", "_deadline"], na_position="last", kind="stable")
    return board[BOARD_COLUMNS].reset_index(drop=True)


def _texts_as_objects(table: pa.Table) -> pd.DataFrame:
    """`table` as a frame, its text columns as objects, a missing text as None (not NaN).
    Straight from Arrow: a frame fetched from DuckDB (`.df()`) and converted column by
    column costs several times more at 100k cases."""
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            columns[name] = pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)
        else:
            columns[name] = column.to_pandas()
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))


@shared
def aftersales_counts(con: duckdb.DuckDBPyConnection, f: Filters,
                      as_of: datetime) -> dict[str, Any]:
    """The cases inside the filters as `report --json` counts them (DESIGN §11): `open` and
    `closed` (a count for every status, zeros included), `overdue` and `due_soon` (every
    rule), `missed` (`cases`, `amount`), `refunded` (the amount of the refunded cases) and
    `reasons` (reason -> cases, most first). Amounts in the filters' currency (else the
    desk's), rounded to cents."""
    board = case_board(con, f, as_of)
    currency = money_currency(con, f)
    statuses = board["status_norm"].value_counts()
    ruled = board.groupby(["rule", "sla"]).size()
    mine = board["currency"] == currency
    amount = board["amount_refunded"].fillna(board["amount_asked"]).fillna(0.0)
    missed = board["missed"].astype(bool)
    refunded = board["status_norm"] == "refunded"
    # each distinct reason stripped once, not each case's
    reasons = board["reason"].value_counts()
    reasons = reasons.groupby(reasons.index.str.strip()).sum()
    reasons = reasons[reasons.index != ""]
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "open": {s: int(statuses.get(s, 0)) for s in C.CASE_OPEN},
        "closed": {s: int(statuses.get(s, 0)) for s in C.CASE_CLOSED},
        "overdue": {r: int(ruled.get((r, "overdue"), 0)) for r in RULES},
        "due_soon": {r: int(ruled.get((r, "due_soon"), 0)) for r in RULES},
        "missed": {"cases": int(missed.sum()),
                   "amount": round(float(amount[missed & mine].sum()), 2)},
        "refunded": round(float(amount[refunded & mine].sum()), 2),
        "reasons": {reason: int(n) for reason, n in ordered},
    }


def aftersales_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """report --json: `aftersales`, the counts of every case in the store, amounts in the
    desk's currency."""
    return {"aftersales": aftersales_counts(con, Filters(currency=desk_currency(con)), as_of)}


@shared
def order_cases(con: duckdb.DuckDBPyConnection, platform: str, shop: str,
                order_id: str) -> pd.DataFrame:
    """The cases of one order, the oldest request first: their facts as the newest export
    gave them (aftersales_order_cases.sql)."""
    return con.execute(sql("aftersales_order_cases"),
                       {"platform": platform, "shop": shop, "order_id": order_id}).df()


@shared
def reasons_table(con: duckdb.DuckDBPyConnection, f: Filters, by: str) -> pd.DataFrame:
    """Cases inside the filters per value of `by` (READ_BY; '' where the export gave none):
    `<by>, cases, refunded` (the refunded cases' amount in the filters' currency), most cases
    first. By `sku` also `orders` (orders placed inside the filters with a line of that SKU)
    and `rate` (cases per such order; null without orders)."""
    if by not in READ_BY:
        raise ValueError(f"cases are read by one of {READ_BY}, not {by!r}")
    out = con.execute(sql("aftersales_reasons"), {
        "by": by, **f.params(), "currency": money_currency(con, f), "desk": desk_currency(con),
    }).df().rename(columns={"key": by})
    if by != "sku":
        return out
    orders = con.execute(sql("aftersales_sku_orders"), f.params()).df()
    out = out.merge(orders, on="sku", how="left")
    out["orders"] = out["orders"].fillna(0).astype("int64")
    out["rate"] = (out["cases"] / out["orders"]).where(out["orders"] > 0)
    return out


def promo_reasons(con: duckdb.DuckDBPyConnection, promo_name: str, f: Filters = ALL,
                  as_of: datetime | None = None) -> pd.DataFrame:
    """A promotion's reasons against its baseline's (promo.window: cut at `as_of` while it
    runs): `reason, cases, baseline_cases, rate, baseline_rate`, the cases on the orders placed
    in each window (a case on an unknown order by its request time) and per order placed
    there. Shops and platforms filter; the period sets the dates."""
    return _promo_reasons(con, Filters(shops=f.shops, platforms=f.platforms),
                          window(con, promo_name, as_of))


@shared
def _promo_reasons(con: duckdb.DuckDBPyConnection, f: Filters, w: Window) -> pd.DataFrame:
    return con.execute(sql("aftersales_promo_reasons"), w.params(f)).df()


@shared
def answer_times(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Any]:
    """How long the desk takes to answer: `answered` (cases inside the filters the desk agreed
    or rejected), `median_hours` (request to first answer; None when none) and `weeks`
    (`week` (its Monday, by request), `answered`, `median_hours`)."""
    rows = con.execute(sql("aftersales_answer_times"), f.params()).df()
    total = rows[rows["week"].isna()]
    weeks = rows[rows["week"].notna()].reset_index(drop=True)
    weeks["week"] = pd.to_datetime(weeks["week"]).dt.date
    answered = int(total["answered"].iloc[0]) if len(total) else 0
    return {
        "answered": answered,
        "median_hours": float(total["median_hours"].iloc[0]) if answered else None,
        "weeks": weeks,
    }


@shared
def missed_by_week(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """`week, cases, amount`: the missed cases inside the filters per week of their refund
    (its Monday; every week from the first to the last), their amount in the filters'
    currency."""
    out = con.execute(sql("aftersales_missed_by_week"), {
        **f.params(), "currency": money_currency(con, f), "desk": desk_currency(con),
    }).df()
    out["week"] = pd.to_datetime(out["week"]).dt.date
    return out


@shared
def returns_received(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`sku, warehouse, quantity`: the parcels received resellable not yet in a stock snapshot
    (aftersales_returns_received.sql); `warehouse` is '' (the desk records no warehouse)."""
    return con.execute(sql("aftersales_returns_received")).df()
