"""Courier rules (DESIGN §12): which courier each order waiting to ship goes with, and why.
The proposals themselves (`propose`), which the work queue (pipeline.desk.queue) carries;
what is read off the queue — each order's proposal, the counts, a preview — is
pipeline.desk.couriers.

The rules are a table in the settings (`courier_rules`), tried in order; the first enabled rule
that matches an order proposes its courier. Kinds (pipeline.db.settings.COURIER_KINDS):

- `requested`: the courier the buyer's message or the seller's note asks for (发顺丰, 指定快递：
  中通, ship with DHL; a courier named after 不/别/not is one the text refuses); its `match`,
  when given, the couriers it applies to (`顺丰|中通`); its `courier`, when given, the courier
  proposed instead of the one asked. When the settings list the couriers the shop uses
  (`couriers_used`), the one asked is read as the one of them that carries its name (顺丰 ->
  顺丰速运; 邮政 and EMS, 顺丰 and SF… are one), and a courier asked that the shop does not use
  is not proposed (the message rules hold such an order for the desk);
- `region`: provinces or cities (`新疆|西藏`): the order's province or city starts with one
  of them (its address does, when the export gives the address in one field);
- `value`: the order's paid amount (else its total), in its own currency, at least `match`;
- `pieces`: at least `match` pieces to pack;
- `sku`: a line of one of the SKUs in `match` (as ordered: a bundle's own SKU);
- `shop_default`: the shops in `match` (any shop when empty); its courier, else the desk's
  default courier (the setting `default_courier`; empty: no proposal).

A courier already set wins over every rule: the desk's `courier` action (rule_kind `hand`),
else the courier the export gives (`export`). An order whose address is too vague (an open
`address` mark, DESIGN §6) gets none (`vague_address`): it is held until the address is fixed.
The work queue (pipeline.desk.queue) carries the proposal of each order and forms its batches by
it; `proposed_couriers` and `courier_counts` read it there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.base.filters import Filters
from pipeline.db.queries import sql
from pipeline.db.settings import COURIER_KINDS, get_settings
from pipeline.desk.info import courier_in_use, order_categories

KEY = ["platform", "shop", "order_id"]
# Why an order's courier was not chosen by a rule: set by hand, given by the export, or none
# for an address too vague.
SET_KINDS = ("hand", "export", "vague_address")
PROPOSAL_COLUMNS = [*KEY, "courier", "rule_id", "rule_kind", "why"]

# The texts a courier request is read from, the first that asks winning.
REQUEST_SOURCES = ("seller_note", "buyer_message", "flag")

def courier_rules(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The courier rules as saved (the defaults until a manager saves a table)."""
    return get_settings(con)["courier_rules"]


# ---------------------------------------------------------------------------------------------
# What the texts ask for


def courier_requested(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The courier each open order inside the filters asks for, by the message and note rules
    that set the courier (pipeline.desk.info.order_categories, `does` = courier: the rule's
    courier, else the one the text names and does not refuse), as the shop names it
    (`couriers_used`). The seller's note is read first (the shop's word after talking to the
    buyer), then the buyer's message, then the seller's flag. Columns: platform, shop,
    order_id, courier, source, matched (the words that asked). An order that names no
    courier, or only one the shop does not use, has no row (the message rules hold it)."""
    asks = _requested(order_categories(con, f), get_settings(con))
    return pd.DataFrame(asks, columns=[*KEY, "courier", "source", "matched"], dtype=object)


def _requested(cats: pd.DataFrame, settings: dict[str, Any]) -> list[tuple[str, ...]]:
    """`courier_requested`'s rows from the categories of the orders."""
    used = [c for c in settings.get("couriers_used") or [] if c]
    asks = cats[(cats["does"] == "courier") & cats["courier"].notna()]
    first = {s: n for n, s in enumerate(REQUEST_SOURCES)}
    best: dict[tuple[str, str, str], tuple[int, tuple[str, ...]]] = {}
    for platform, shop, order_id, source, asked, matched in asks[
            [*KEY, "source", "courier", "matched"]].itertuples(index=False, name=None):
        courier = courier_in_use(str(asked), used)
        rank = first.get(source, len(first))
        key = (platform, shop, order_id)
        if courier is not None and (key not in best or rank < best[key][0]):
            best[key] = (rank, (platform, shop, order_id, courier, source, matched))
    return [row for _, row in (best[k] for k in sorted(best))]


# ---------------------------------------------------------------------------------------------
# The proposals


def rule_rows(rules: list[dict[str, Any]], default_courier: str = "") -> pa.Table:
    """The enabled rules of a table as the proposals read them (courier_proposals.sql):
    position, rule_id, kind, words (regions lower-cased, SKUs, shops or the couriers a
    `requested` rule applies to), at_least (value, pieces), courier. A rule that cannot match
    (no courier, a figure that is not one, an unknown kind) is left out."""
    out: dict[str, list] = {c: [] for c in ("position", "rule_id", "kind", "words", "at_least",
                                            "courier")}
    for position, rule in enumerate(rules, start=1):
        kind, match = rule.get("kind"), str(rule.get("match") or "").strip()
        courier = str(rule.get("courier") or "").strip()
        if not rule.get("enabled", True) or kind not in COURIER_KINDS:
            continue
        words = [w.strip() for w in match.split("|") if w.strip()]
        at_least = None
        if kind in ("requested", "region"):
            words = [w.lower() for w in words]
        elif kind in ("value", "pieces"):
            try:
                at_least, words = float(match), []
            except ValueError:
                continue
        elif kind == "shop_default":
            courier = courier or (default_courier or "").strip()
        if kind in ("region", "sku") and not words:
            continue
        if kind != "requested" and not courier:
            continue
        for column, value in zip(out, (position, str(rule.get("id") or position), kind, words,
                                       at_least, courier), strict=True):
            out[column].append(value)
    return pa.table({
        "position": pa.array(out["position"], pa.int32()),
        "rule_id": pa.array(out["rule_id"], pa.string()),
        "kind": pa.array(out["kind"], pa.string()),
        "words": pa.array(out["words"], pa.list_(pa.string())),
        "at_least": pa.array(out["at_least"], pa.float64()),
        "courier": pa.array(out["courier"], pa.string()),
    })


def propose(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
            rules: list[dict[str, Any]], marks: pd.DataFrame,
            settings: dict[str, Any] | None = None) -> pa.Table:
    """Every order waiting to ship inside the filters, created by `as_of`, with its proposed
    courier under `rules` (PROPOSAL_COLUMNS; courier null: none). `marks` are the open problem
    marks (platform, shop, order_id, problem, reason): the `address` ones leave an order
    without a courier. `settings`: get_settings(con), when the caller has them."""
    settings = get_settings(con) if settings is None else settings
    rows = rule_rows(rules, settings.get("default_courier") or "")
    asks = _requested(order_categories(con, f), settings) \
        if "requested" in rows["kind"].to_pylist() else []
    address = marks["problem"] == "address"
    con.register("courier_rule_rows", rows)
    con.register("courier_asks", pa.table(
        {c: pa.array([a[i] for a in asks], pa.string())
         for i, c in ((0, "platform"), (1, "shop"), (2, "order_id"), (3, "courier"),
                      (5, "matched"))}))
    con.register("courier_vague", pa.table(
        {c: pa.array([v if isinstance(v, str) else None for v in marks.loc[address, c]],
                     pa.string()) for c in (*KEY, "reason")}))
    try:
        return con.sql(sql("courier_proposals"),
                       params={"as_of": as_of, **f.params()}).to_arrow_table()
    finally:
        for name in ("courier_rule_rows", "courier_asks", "courier_vague"):
            con.unregister(name)
