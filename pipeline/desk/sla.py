"""Time rules (DESIGN §4): which orders are overdue or due soon as of a moment.

- `chase_unpaid`: unpaid orders, not cash on delivery, not closed; deadline creation +
  `chase_unpaid_hours`; cleared by a recorded reminder, payment or closing.
- `ship_paid`: orders waiting to ship; deadline payment (confirmed COD: the desk's confirmation,
  else creation) + `ship_paid_hours`, or the platform's promised ship-by when earlier;
  cleared by shipping.
- `out_of_stock`, `address`: orders with that open problem mark; deadline the end of the day
  the order was paid (created, if unpaid); cleared when the desk resolves the mark.

An order is `overdue` past its deadline, `due_soon` within `due_soon_hours` before it (the
deadline itself included), `ok` otherwise; `seconds_left` is negative when late. Stored times
are local to the desk's time zone, so "end of the day" is midnight there.

A rule is judged only on facts the shop's exports give (DESIGN §4, `problems.export_facts`):
in a shop whose files carry no shipping fact, `ship_paid` is not judged; in one whose files
carry no street address, `address` is not (no mark is raised). Those orders are under no
status: `not_judged` counts them apart per rule, and they raise no alarm.

A shop whose data is stale (pipeline.desk.freshness) is evaluated as of its data moment, not the
moment asked: what was overdue when its data was taken. Its rows carry `stale` and come after
the fresh shops' rows in every list.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import Filters
from pipeline.db.cache import keeps, remembered, shared
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings
from pipeline.desk.freshness import MOMENT_COLUMNS, shop_moments
from pipeline.desk.problems import PROBLEMS, export_facts, lists_by_order, marks, marks_moment

RULES = ("chase_unpaid", "ship_paid", "out_of_stock", "address")
STATUSES = ("overdue", "due_soon", "ok")
KEY = ["platform", "shop", "order_id"]
SLA_COLUMNS = [*KEY, "rule", "deadline", "status", "seconds_left", "as_of", "stale"]
AGING_BUCKETS = ("<4h", "4-24h", "1-3d", ">3d")
_AGING_EDGES = [0, 4 * 3600, 24 * 3600, 72 * 3600, float("inf")]


@shared
def sla_orders(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
               settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Every order under a rule: platform, shop, order_id, rule, deadline, status, seconds_left,
    as_of (the moment it was evaluated at: its shop's data moment when stale), stale.

    Most urgent first (the latest overdue at the top), fresh shops before stale ones.
    """
    return _evaluate(con, f, as_of, settings)[0]


def _evaluate(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
              settings: dict[str, Any] | None = None, coverage: pd.DataFrame | None = None,
              vague: Any = None, moments: pd.DataFrame | None = None,
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of `sla_orders` and the open problem marks they were built from.

    `moments` (pipeline.desk.freshness.shop_moments) says as of when each shop is evaluated;
    by default as of `as_of`, stale shops as of their data moment."""
    s = settings or get_settings(con)
    moments = shop_moments(con, as_of) if moments is None else moments
    clock = _judged_rows(con, _clock_rows(con, f, as_of, float(s["chase_unpaid_hours"]),
                                          float(s["ship_paid_hours"]), moments))[0]
    m = marks(con, f, as_of, coverage, vague)
    m = m[m["resolved_at"].isna()]
    day = m[m["problem"].isin(["out_of_stock", "address"])]
    day_rules = day.assign(
        rule=day["problem"],
        deadline=pd.to_datetime(day["starts_at"]).dt.normalize() + pd.Timedelta(days=1),
    )[[*KEY, "rule", "deadline"]].merge(moments[MOMENT_COLUMNS], on=["platform", "shop"],
                                        how="left")
    rows = pd.concat([x for x in (clock, day_rules) if not x.empty], ignore_index=True) \
        if not (clock.empty and day_rules.empty) else clock
    return classify(rows, as_of, float(s["due_soon_hours"])), m


def _clock_rows(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
                chase_hours: float, ship_hours: float, moments: pd.DataFrame) -> pd.DataFrame:
    """The rows of sla_clock_rules.sql as of each shop's moment.

    A shop's rows as of any moment after its horizon (sla_horizons.sql) are its rows as of the
    horizon, so the rows are remembered per data version under each shop's moment cut at its
    horizon: the minutes of a day share one computation. `as_of` is then each shop's own."""
    cut, moment = moments[MOMENT_COLUMNS], as_of
    if keeps(con):
        horizons = remembered(con, "sla.horizons", (),
                              lambda: con.execute(sql("sla_horizons")).df())
        cut = cut.merge(horizons, on=["platform", "shop"], how="left")
        cut["as_of"] = cut["as_of"].where(~(cut["as_of"] > cut["horizon"]), cut["horizon"]) \
            .astype("datetime64[us]")
        latest = horizons["horizon"].max()
        moment = as_of if pd.isna(latest) or pd.Timestamp(as_of) < latest else latest
    key = (f, chase_hours, ship_hours, moment,
           tuple(cut[MOMENT_COLUMNS].itertuples(index=False, name=None)))

    def compute() -> pd.DataFrame:
        earliest = min([pd.Timestamp(moment), *pd.to_datetime(cut["as_of"]).dropna()])
        con.register("shop_moments", cut[MOMENT_COLUMNS])
        try:
            return con.execute(sql("sla_clock_rules"), {
                "as_of": moment, "chase_hours": chase_hours, "ship_hours": ship_hours,
                "changed_after": earliest.to_pydatetime(), **f.params(),
            }).df()
        finally:
            con.unregister("shop_moments")

    rows = remembered(con, "sla.clock_rows", key, compute)
    own = moments[["platform", "shop", "as_of"]].astype({"as_of": "datetime64[us]"})
    out = rows.drop(columns="as_of").merge(own, on=["platform", "shop"], how="left")
    out["as_of"] = out["as_of"].fillna(pd.Timestamp(as_of))
    return out


# The rules a shop's exports may not be able to judge, and the fact each needs (DESIGN §4).
NEEDS = {"ship_paid": "ships_known", "address": "streets_known"}


def _judged_rows(con: duckdb.DuckDBPyConnection, clock: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clock rules' rows split in two: those judged, and the `ship_paid` rows of shops
    whose exports carry no shipping fact (not judged)."""
    blind = export_facts(con)
    blind = blind.loc[~blind["ships_known"].astype(bool), ["platform", "shop"]]
    if clock.empty or blind.empty:
        return clock, clock.iloc[0:0]
    hit = clock[["platform", "shop"]].merge(blind.assign(_blind=True), how="left",
                                            on=["platform", "shop"])["_blind"]
    unknown = (clock["rule"] == "ship_paid").to_numpy() & hit.notna().to_numpy()
    return clock[~unknown].reset_index(drop=True), clock[unknown].reset_index(drop=True)


@shared
def not_judged(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """Per rule of §4 (every rule, zeros included): `orders` that rule cannot judge because
    their shop's exports never give the fact it needs (DESIGN §4), and `shops` (sorted
    `(platform, shop)` pairs). `ship_paid`: the orders waiting to ship of shops whose files carry no shipping
    fact; `address`: the open orders of shops whose files carry no street address."""
    s = get_settings(con)
    moments = shop_moments(con, as_of)
    unknown = _judged_rows(con, _clock_rows(con, f, as_of, float(s["chase_unpaid_hours"]),
                                            float(s["ship_paid_hours"]), moments))[1]
    facts = export_facts(con)
    no_street = facts.loc[~facts["streets_known"].astype(bool), ["platform", "shop"]]
    open_orders = con.execute(sql("sla_open_per_shop"), {"as_of": as_of, **f.params()}).df()
    address = open_orders.merge(no_street, on=["platform", "shop"])
    def shops(frame: pd.DataFrame) -> list[tuple[str, str]]:
        return sorted(set(zip(frame["platform"], frame["shop"], strict=True)))

    per_rule = {
        "ship_paid": (len(unknown), shops(unknown)),
        "address": (int(address["orders"].sum()), shops(address)),
    }
    return pd.DataFrame({
        "rule": list(RULES),
        "orders": [int(per_rule.get(r, (0, []))[0]) for r in RULES],
        "shops": [sorted(per_rule.get(r, (0, []))[1]) for r in RULES],
    })


def classify(rows: pd.DataFrame, as_of: datetime, due_soon_hours: float) -> pd.DataFrame:
    """Add `status` and `seconds_left` to rows with a `deadline`, each against its own `as_of`
    where the rows carry one (else `as_of`); fresh shops first, then the most urgent first."""
    out = rows.copy()
    out["deadline"] = pd.to_datetime(out["deadline"])
    moment = pd.to_datetime(out["as_of"]) if "as_of" in out else pd.Series(
        pd.Timestamp(as_of), index=out.index)
    out["as_of"] = moment.fillna(pd.Timestamp(as_of))
    out["stale"] = out["stale"].fillna(False).astype(bool) if "stale" in out else False
    left = (out["deadline"] - out["as_of"]).dt.total_seconds()
    out["seconds_left"] = left.round().astype("int64") if len(out) else left.astype("int64")
    out["status"] = "ok"
    out.loc[left <= due_soon_hours * 3600, "status"] = "due_soon"
    out.loc[left < 0, "status"] = "overdue"
    out = out.sort_values(["stale", "seconds_left", "rule", *KEY], kind="stable")
    return out[SLA_COLUMNS].reset_index(drop=True)


@shared
def sla_counts(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """Per rule of §4 (every rule, zeros included): orders `overdue` and `due_soon`."""
    return counts_of(sla_orders(con, f, as_of))


def counts_of(rows: pd.DataFrame) -> pd.DataFrame:
    """`sla_counts` of rows already evaluated (from `sla_orders` or `sla_board`)."""
    counts = rows.groupby(["rule", "status"]).size()
    return pd.DataFrame({
        "rule": list(RULES),
        "overdue": [int(counts.get((r, "overdue"), 0)) for r in RULES],
        "due_soon": [int(counts.get((r, "due_soon"), 0)) for r in RULES],
    })


@shared
def sla_counts_vs(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """`sla_counts` as of the moment and as of the same time the day before (`*_before`)."""
    # the stock allocation and the vague addresses are shared by both moments (pipeline.db.cache),
    # and the counts as of the moment are the Overview's alarm row's (`sla_counts`)
    now = sla_counts(con, f, as_of)
    # a stale shop is compared with the day before its own data moment
    moments = shop_moments(con, as_of)
    earlier = moments.assign(as_of=moments["as_of"] - pd.Timedelta(days=1))
    before = counts_of(_evaluate(con, f, as_of - timedelta(days=1), get_settings(con),
                                 moments=earlier)[0])
    return now.merge(before, on="rule", suffixes=("", "_before"))


@shared
def sla_board(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> pd.DataFrame:
    """The orders under any rule with what the desk needs to act: state, open problem marks,
    buyer message, courier, times. Most urgent first."""
    rows, p = _evaluate(con, f, as_of)
    # the open marks as lists: the same for every moment that shares the marks
    problems = remembered(con, "sla.problem_lists", (f, marks_moment(con, as_of)),
                          lambda: lists_by_order(p))
    # the open orders' details are read once per data version; an order closed since the
    # moment (a board as of an earlier moment) is read as it comes
    out = rows.merge(_open_details(con), on=KEY, how="left", indicator=True)
    others = out["_merge"] == "left_only"
    if others.any():
        details = pd.concat([_open_details(con), _details(con, rows.loc[others.to_numpy(), KEY]
                                                          .drop_duplicates())],
                            ignore_index=True)
        out = rows.merge(details, on=KEY, how="left")
    else:
        out = out.drop(columns="_merge")
    out = out.merge(problems, on=KEY, how="left")
    out["problems"] = out["problems"].map(lambda v: v if isinstance(v, list) else [])
    return out


def _details(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """sla_order_details.sql for `keys` (platform, shop, order_id)."""
    con.register("sla_keys", keys)
    try:
        return con.execute(sql("sla_order_details")).df()
    finally:
        con.unregister("sla_keys")


def _open_details(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`_details` of every open order (sla_open_details.sql), once per data version."""
    return remembered(con, "sla.open_details", (),
                      lambda: con.execute(sql("sla_open_details")).df())


@shared
def board_options(con: duckdb.DuckDBPyConnection, f: Filters,
                  as_of: datetime) -> dict[str, list[str]]:
    """The values present in `sla_board`, for the list's filters: rules, shops, couriers ('' =
    none yet) and problem marks."""
    board = sla_board(con, f, as_of)
    present = set(board["rule"].unique())
    return {
        "rules": [r for r in RULES if r in present],
        "shops": sorted(board["shop"].dropna().unique().tolist()),
        "couriers": sorted(board["courier"].fillna("").unique().tolist()),
        "marks": sorted(set().union(*board["problems"]), key=PROBLEMS.index),
    }


@shared
def board_aging(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
                by: str) -> pd.DataFrame:
    """`aging` of `sla_board`."""
    return aging(sla_board(con, f, as_of), by)


def aging(board: pd.DataFrame, by: str) -> pd.DataFrame:
    """How late the overdue orders are: `bucket` (AGING_BUCKETS), `by` (rule or shop), `orders`."""
    late = board[board["status"] == "overdue"]
    buckets = pd.cut(-late["seconds_left"], _AGING_EDGES, labels=list(AGING_BUCKETS),
                     right=False)
    counts = late.assign(bucket=buckets).groupby(["bucket", by], observed=True).size()
    groups = sorted(late[by].unique())
    full = pd.MultiIndex.from_product([list(AGING_BUCKETS), groups], names=["bucket", by])
    out = counts.reindex(full, fill_value=0).rename("orders").reset_index()
    out["bucket"] = out["bucket"].astype(str)
    out["orders"] = out["orders"].astype("int64")
    return out


def sla_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """report --json: `overdue` and `due_soon`, a count for every rule of §4; a stale shop's
    orders are counted as of its data moment; `not_judged`, for every rule of §4, the orders
    a rule cannot judge on what their shop's exports give (left out of the other two)."""
    from pipeline.base.filters import ALL

    counts = sla_counts(con, ALL, as_of)
    unknown = not_judged(con, ALL, as_of)
    return {
        "overdue": {r.rule: int(r.overdue) for r in counts.itertuples()},
        "due_soon": {r.rule: int(r.due_soon) for r in counts.itertuples()},
        "not_judged": {r.rule: int(r.orders) for r in unknown.itertuples()},
    }


def filter_board(board: pd.DataFrame, statuses: list[str] | None = None,
                 rules: list[str] | None = None, shops: list[str] | None = None,
                 couriers: list[str] | None = None, marks: list[str] | None = None) -> pd.DataFrame:
    """The board narrowed by status, rule, shop, courier ('' = none yet) and problem mark;
    an empty or missing choice keeps everything."""
    keep = pd.Series(True, index=board.index)
    if statuses:
        keep &= board["status"].isin(statuses)
    if rules:
        keep &= board["rule"].isin(rules)
    if shops:
        keep &= board["shop"].isin(shops)
    if couriers:
        keep &= board["courier"].fillna("").isin(couriers)
    if marks:
        wanted = set(marks)
        keep &= board["problems"].map(lambda ps: bool(wanted.intersection(ps)))
    return board[keep].reset_index(drop=True)


RULE_SETTINGS = ("chase_unpaid_hours", "ship_paid_hours", "due_soon_hours", "timezone",
                 "confirmed_tag", "batch_size")


def update_settings(store: Any, values: dict[str, Any], by: str,
                    role: str | None = None) -> list[str]:
    """Save the settings that differ from the stored ones, in one transaction; the order
    states are refreshed when the confirmed tag changes. Returns the keys changed."""
    from pipeline.db.settings import save_setting
    from pipeline.db.states import refresh_states

    def work(cur: duckdb.DuckDBPyConnection) -> list[str]:
        current = get_settings(cur)
        changed = [k for k, v in values.items() if current.get(k) != v]
        for k in changed:
            save_setting(cur, k, values[k], by, role)
        if "confirmed_tag" in changed:
            refresh_states(cur)
        return changed

    return store.run_write(work)


def restore_defaults(store: Any, role: str | None = None) -> None:
    """Every setting back to its default; the order states are refreshed with the default tag."""
    from pipeline.db.settings import reset_settings
    from pipeline.db.states import refresh_states

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        tag_before = get_settings(cur)["confirmed_tag"]
        reset_settings(cur, role)
        if get_settings(cur)["confirmed_tag"] != tag_before:
            refresh_states(cur)

    store.run_write(work)
