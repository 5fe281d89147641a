"""What the courier rules (DESIGN §12, pipeline.desk.courier_proposals) make of the orders
waiting to ship, read off the work queue that carries each order's proposal: the proposal of
each order and why, the orders per courier (the report's `couriers`), how the waiting orders
would split under rules not saved yet, and saving the rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from pipeline.base.filters import Filters
from pipeline.db.cache import shared
from pipeline.desk.courier_proposals import KEY, propose
from pipeline.desk.problems import marks_moment, open_problems
from pipeline.desk.queue import work_queue

# The work queue's names for them (pipeline/desk/sql/queue_orders.sql).
QUEUE_COLUMNS = {"proposed_courier": "courier", "courier_rule": "rule_id",
                 "courier_rule_kind": "rule_kind", "courier_why": "why"}


def proposed_couriers(con: duckdb.DuckDBPyConnection, f: Filters,
                      as_of: datetime) -> pd.DataFrame:
    """Orders waiting to ship, in the queue's order, with the courier each goes with:
    platform, shop, order_id, courier (null: none), rule_id (the rule that chose it), rule_kind
    (one of settings.COURIER_KINDS, or SET_KINDS), why (what matched: the word asked, the region, the
    amount, the pieces, the SKU, the shop; who set it by hand; the rule a vague address
    breaks)."""
    q = work_queue(con, f, as_of)
    return q[[*KEY, *QUEUE_COLUMNS]].rename(columns=QUEUE_COLUMNS)


def courier_counts(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> dict[str, int]:
    """Orders waiting to ship per proposed courier, the most first ("" for those without one):
    the report's `couriers`."""
    return _counts(proposed_couriers(con, f, as_of)["courier"])


@shared
def split_preview(con: duckdb.DuckDBPyConnection, rules: list[dict[str, Any]], f: Filters,
                  as_of: datetime) -> pd.DataFrame:
    """How the orders waiting to ship would split under `rules` (not saved): courier (null:
    none), orders; the most first, those without a courier last."""
    moment = marks_moment(con, as_of)
    table = propose(con, f, moment, rules, open_problems(con, f, moment))
    counts = _counts(pd.Series(table["courier"].to_pylist(), dtype=object))
    return pd.DataFrame({"courier": [c or None for c in counts],
                         "orders": list(counts.values())}, dtype=object).astype({"orders": int})


def _counts(couriers: pd.Series) -> dict[str, int]:
    counts = couriers.fillna("").value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))
    return {str(k): int(v) for k, v in ranked}


def save_courier_rules(store: Any, rules: list[dict[str, Any]], by: str,
                       role: str | None = None) -> bool:
    """Save the courier rules table (a manager's change, recorded with who and when); False
    when it is the table already saved. A table the rules cannot be read from raises
    ValueError naming the rule."""
    from pipeline.base.roles import require
    from pipeline.desk.sla import update_settings

    require(role, "settings")
    return bool(update_settings(store, {"courier_rules": [dict(r) for r in rules]}, by, role))
