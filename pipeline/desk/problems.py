"""Problem marks (DESIGN §6): a mark on top of an order's state, with a type, an age and who
resolved it. Only open orders count: not shipped, not closed or refunded.

- `out_of_stock`: an order waiting to ship that the stock does not cover (pipeline.desk.allocation:
  on hand, else available + reserved, else available; an untracked SKU never blocks); the
  reason lists the SKUs short.
- `address`: too vague to assign a courier (pipeline.desk.address); the reason is the rule broken.
  Only in a shop whose exports carry street addresses (`export_facts`): a file that gives
  a region alone (the 7-column Tmall report's `上海`) cannot be judged (DESIGN §4).
- `buyer_message`: a buyer message not yet reviewed, or changed since the review; or a seller
  note or flag that a message and note rule holds (DESIGN §12, pipeline.desk.info), until a
  review. The mark carries the categories the rules find in the order's message, note and
  flag (`categories`).
- `refund_before_ship`: a refund asked (a line refund requested/agreed/returned, or an open
  refund case of an after-sales export, DESIGN §11) or a paid order cancelled, before shipping:
  stop the parcel. The order is `refunding` (sql/states.sql); the mark dates from the oldest
  open case's request where there is one.
- `merge_candidate`: two or more open orders of the same shop, buyer and address (orders
  being refunded are left out); the reason lists the other orders.
- `manual`: flagged by hand with a reason.
- `info_changed`: a newer export changed the buyer message, seller note or address of an order
  after the desk processed, printed or reviewed it, or set its courier (DESIGN §12; the
  changes are kept by the import in `info_changes`); the reason names what changed
  (`changed_<field>`). A review after the change clears it.

A `resolve` event of the mark's type at or after the mark's start resolves it; a review of the
current message resolves `buyer_message`. Marks are taken as of a moment: events after it do
not count, orders created after it are not there; otherwise the orders are read as they are now.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import Filters
from pipeline.db.cache import keeps, private, remembered, shared
from pipeline.db.queries import sql
from pipeline.desk.address import PROVINCES, verdicts
from pipeline.desk.allocation import short_orders
from pipeline.desk.info import info_holds, order_categories

PROBLEMS = ("out_of_stock", "address", "buyer_message", "refund_before_ship", "merge_candidate",
            "manual", "info_changed")
KEY = ["platform", "shop", "order_id"]
ADDRESS_COLUMNS = ["province", "city", "district", "address"]
MARK_COLUMNS = [*KEY, "problem", "reason", "since", "starts_at", "resolved_at", "resolved_by",
                "categories"]
# An address that names a region and nothing else: a province, optionally with its suffix.
REGION_ONLY = (r"(?:" + "|".join(PROVINCES)
               + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?")


def marks(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
          coverage: pd.DataFrame | None = None, vague: pa.Table | None = None) -> pd.DataFrame:
    """Every mark on the open orders inside the filters, resolved or not.

    `starts_at` is when the order's clock starts for the time rules (paid, else created).
    `coverage` is `allocation.short_orders(con)` (or `order_coverage(con)`) when the caller has
    it already (it does not depend on the moment); `vague` is `vague_verdicts(con, f, t)` for
    a moment `t` at or after `as_of` (it covers every order created by then).

    Without them, the marks are remembered per data version, filters and moment; every moment
    after the newest open order and the newest action gives the marks as of that horizon, so
    the minutes of a day share one computation.
    """
    if coverage is not None or vague is not None:
        return _marks(con, f, as_of, coverage, vague)
    moment = marks_moment(con, as_of)
    return private(remembered(con, "problems.marks", (f, moment),
                              lambda: _marks(con, f, moment, None, _all_vague(con))))


def _marks(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
           coverage: pd.DataFrame | None, vague: pa.Table | None) -> pd.DataFrame:
    params = {"as_of": as_of, **f.params()}
    held = info_holds(con, f)
    holds = pa.table({c: pa.array(held[c].tolist(), pa.string()) for c in [*KEY, "reason"]})
    con.register("stock_short", _stock_short(con, coverage))
    con.register("vague_verdicts", vague_verdicts(con, f, as_of) if vague is None else vague)
    con.register("export_facts", export_facts(con))
    con.register("info_holds", holds)
    try:
        m = con.execute(sql("problem_marks"), params).df()
    finally:
        for name in ("stock_short", "vague_verdicts", "export_facts", "info_holds"):
            con.unregister(name)
    return _with_categories(m, order_categories(con, f))


def _with_categories(m: pd.DataFrame, cats: pd.DataFrame) -> pd.DataFrame:
    """The marks with `categories`: on a `buyer_message` mark, the categories the message and
    note rules find in the order's texts (each once, message first); an empty list on others."""
    found: dict[tuple, list[str]] = {}
    keys = zip(cats["platform"], cats["shop"], cats["order_id"], strict=True)
    for key, category in zip(keys, cats["category"], strict=True):
        listed = found.setdefault(key, [])
        if category not in listed:
            listed.append(category)
    marks_keys = zip(m["platform"], m["shop"], m["order_id"], m["problem"], strict=True)
    m["categories"] = pd.Series(
        [list(found.get((p, s, o), ())) if problem == "buyer_message" else []
         for p, s, o, problem in marks_keys], index=m.index, dtype=object)
    return m


@shared(facts=True)
def export_facts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per shop with orders: `platform, shop, ships_known, streets_known`: whether its imported
    order files carry a shipping fact (a ship or completion time, a courier, a tracking number
    or a status column) and a street address (not masked, more than a region's name). A rule
    that needs what a shop's files never give is not judged for it (DESIGN §4).

    Each fact is asked of each shop apart: one order that has it is enough, so a shop whose
    files carry it is answered by its first such order, not by reading all of them."""
    rows = []
    for platform, shop in con.execute(sql("problem_export_shops")).fetchall():
        key = {"platform": platform, "shop": shop}
        ships = con.execute(sql("problem_ships_known"), key).fetchall()[0][0]
        streets = con.execute(sql("problem_streets_known"),
                              {**key, "region_only": REGION_ONLY}).fetchall()[0][0]
        rows.append((platform, shop, bool(ships), bool(streets)))
    return pd.DataFrame(rows, columns=["platform", "shop", "ships_known", "streets_known"]
                        ).astype({"ships_known": bool, "streets_known": bool})


def marks_moment(con: duckdb.DuckDBPyConnection, as_of: datetime) -> datetime:
    """`as_of`, or when it is later, the newest creation of an open order or action
    (problem_horizon.sql): the marks as of both are the same."""
    if not keeps(con):
        return as_of
    horizon = remembered(con, "problems.horizon", (),
                         lambda: con.execute(sql("problem_horizon")).fetchall()[0][0])
    if horizon is None or pd.Timestamp(as_of) < pd.Timestamp(horizon):
        return as_of
    return horizon


def _all_vague(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """`vague_verdicts` of every open order (a lookup by address: the marks of any filters
    and moment read the same verdicts), once per data version."""
    return remembered(con, "problems.all_vague", (),
                      lambda: vague_verdicts.__wrapped__(con, Filters(), None))


@shared
def open_problems(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """Unresolved marks on open orders: platform, shop, order_id, problem, reason, since,
    categories (of a `buyer_message` mark: the message and note rules' categories)."""
    m = marks(con, f, as_of)
    return m[m["resolved_at"].isna()][[*KEY, "problem", "reason", "since", "categories"]
                                      ].reset_index(drop=True)


@shared
def problem_counts(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """Orders with an open mark, per problem type; every type of §6, zeros included."""
    counts = open_problems(con, f, as_of).groupby("problem")["order_id"].size()
    return pd.DataFrame({"problem": list(PROBLEMS),
                         "orders": [int(counts.get(p, 0)) for p in PROBLEMS]})


@shared
def order_marks(con: duckdb.DuckDBPyConnection, platform: str, shop: str, order_id: str,
                as_of: datetime) -> pd.DataFrame:
    """Every mark of one order, open or resolved: problem, reason, since, resolved_at,
    resolved_by, categories."""
    m = marks(con, Filters(shops=(shop,), platforms=(platform,)), as_of)
    one = m[m["order_id"] == order_id]
    return one[["problem", "reason", "since", "resolved_at", "resolved_by", "categories"]
               ].reset_index(drop=True)


@shared
def marks_by_order(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """One row per order with open marks: platform, shop, order_id, problems (list of types)."""
    return lists_by_order(open_problems(con, f, as_of))


def lists_by_order(p: pd.DataFrame) -> pd.DataFrame:
    """Marks (rows of `open_problems`) as one row per order: platform, shop, order_id, problems
    (list of types, in the order of the rows)."""
    grouped: dict[tuple, list[str]] = {}
    keys = zip(p["platform"].tolist(), p["shop"].tolist(), p["order_id"].tolist(), strict=True)
    for key, problem in zip(keys, p["problem"].tolist(), strict=True):
        grouped.setdefault(key, []).append(problem)
    out = pd.DataFrame(list(grouped), columns=KEY, dtype=object)
    out["problems"] = pd.Series(list(grouped.values()), dtype=object)
    return out


def _stock_short(con: duckdb.DuckDBPyConnection, coverage: pd.DataFrame | None) -> pa.Table:
    """The orders the stock allocation does not cover, with the SKUs short as the reason."""
    cov = short_orders(con) if coverage is None else coverage
    short = cov[~cov["covered"]]
    return pa.table({
        "platform": pa.array(short["platform"].tolist(), pa.string()),
        "shop": pa.array(short["shop"].tolist(), pa.string()),
        "order_id": pa.array(short["order_id"].tolist(), pa.string()),
        "reason": pa.array([", ".join(s) for s in short["short_skus"]], pa.string()),
    })


@shared
def vague_verdicts(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pa.Table:
    """The distinct vague addresses of the open orders inside the filters created by `as_of`:
    province, city, district, address and the rule broken (`reason`)."""
    rows = con.execute(sql("problem_addresses"), {"as_of": as_of, **f.params()}).fetchall()
    vague = [(*row, reason) for row, reason in zip(rows, verdicts(rows), strict=True) if reason]
    columns = [*ADDRESS_COLUMNS, "reason"]
    return pa.table({c: pa.array([v[i] for v in vague], pa.string())
                     for i, c in enumerate(columns)})


def problems_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, object]:
    """report --json: `problems` (orders per type of §6) and `out_of_stock_skus` (how many)."""
    from pipeline.base.filters import ALL
    from pipeline.desk.allocation import out_of_stock_skus

    counts = problem_counts(con, ALL, as_of)
    return {
        "problems": {r.problem: int(r.orders) for r in counts.itertuples()},
        "out_of_stock_skus": len(out_of_stock_skus(con)),
    }


@shared
def order_facts(con: duckdb.DuckDBPyConnection, platform: str, shop: str,
                order_id: str) -> dict[str, pd.DataFrame]:
    """One order for the detail view: `order` (one row: facts and state) and `lines`."""
    key = {"platform": platform, "shop": shop, "order_id": order_id}
    return {
        "order": con.execute(sql("problem_order_facts"), key).df(),
        "lines": con.execute(sql("problem_order_lines"), key).df(),
    }
