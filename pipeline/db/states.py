"""The order states (DESIGN §2) and the tables derived with them, kept in the store.

The state machine itself is `sql/states.sql`; the derived tables are the `*_of` macros of
`sql/schema.sql`. Every write that changes orders refreshes them inside its own transaction
(importing, actions, bulk shipping), so every reader sees states that match the data.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.base import canonical as C
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings

# The version of the rules the derived tables are built by (states.sql, the *_of macros of
# schema.sql): raised when a rule changes, so that stores made before get them rebuilt.
# 2: net-paid refunds, a template's processed status, promotions by discounts only.
# 3: order_state keeps the order's creation, currency and amounts.
# 4: order_state keeps its payment, shipping, closing and ship-by times and whether it is COD;
#    open_orders whether it is confirmed.
# 5: order_state's refunded amount falls back on the lines' successful refunds, and on what was
#    paid for an order refunded in full without a figure; a partial shipment is shipped; a
#    line refunded in full (退款成功) is no longer waiting to ship; a masked buyer or address
#    (密文, `**`) is never a merge key.
# 6: an order with after-sales cases follows them (DESIGN §11): refunding while a refund case is
#    open, refunded or partly refunded by its refunded cases' amounts, the order file's own
#    refund figures then left aside; open_orders' refund stage is its open cases'.
# 7: a split order (DESIGN §12) is shipped when every parcel has its tracking number, its
#    courier and tracking number its parcels'; a parcel's courier (`#N …`) is not the order's.
DERIVED_RULES = 7

# Tables derived from the orders and their states, each computed by the table macro
# `<name>_of(everything)` in sql/schema.sql; refreshed after `order_state`, for the same keys.
DERIVED_TABLES = ("open_orders", "waiting_lines", "order_type_facts")


def refresh_states(cur: duckdb.DuckDBPyConnection, keys: pd.DataFrame | None = None) -> None:
    """Recompute `order_state` and the tables derived with it (DERIVED_TABLES) for every
    order, or only for `keys` (platform, shop, order_id)."""
    params = {"confirmed_tag": get_settings(cur)["confirmed_tag"]}
    if keys is None:
        cur.execute("delete from order_state")
        cur.execute("insert into order_state " + sql("states"), {**params, "all": True})
        for table in DERIVED_TABLES:  # identifiers from a fixed list
            cur.execute(f"delete from {table}")  # noqa: S608
            cur.execute(f"insert into {table} select * from {table}_of(true)")  # noqa: S608
        return
    cur.execute("delete from state_scope")
    cur.register("scope_keys", keys[C.ORDER_KEY].drop_duplicates())
    cur.execute("insert into state_scope select platform, shop, order_id from scope_keys")
    cur.unregister("scope_keys")
    for table in ("order_state", *DERIVED_TABLES):
        cur.execute(
            f"""
            delete from {table} as s
            where exists (
                select 1 from state_scope as k
                where k.platform = s.platform and k.shop = s.shop and k.order_id = s.order_id
            )
            """  # noqa: S608 - a table name from a fixed list
        )
    cur.execute("insert into order_state " + sql("states"), {**params, "all": False})
    for table in DERIVED_TABLES:
        cur.execute(f"insert into {table} select * from {table}_of(false)")  # noqa: S608
    cur.execute("delete from state_scope")
