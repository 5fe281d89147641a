"""Tables derived with the order states (pipeline.db.store.DERIVED_TABLES): always equal to their
definition computed afresh, after imports, actions, settings and bundle changes; filled when a
store made before them is opened; order types read from them equal the rules read live."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.db.states import DERIVED_TABLES
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.desk import promo
from pipeline.desk.sla import update_settings
from tests.conftest import load, load_tables
from tests.factories import TYPE_LINES, TYPE_ORDERS

T0, T1 = "2026-11-20 10:00", "2026-11-20 10:05"
ORDERS = [
    {"order_id": "paid", "created_at": T0, "status_norm": "paid", "paid_at": T1,
     "buyer": "ann", "province": "广东省", "city": "广州市", "district": "越秀区",
     "address": "解放中路100号"},
    {"order_id": "paid2", "created_at": T0, "status_norm": "paid", "paid_at": T1,
     "buyer": "ann", "province": "广东省", "city": "广州市", "district": "越秀区",
     "address": "解放中路 100号", "buyer_message": "快点"},
    {"order_id": "unpaid", "created_at": T0, "status_norm": "unpaid", "is_paid": False},
    {"order_id": "shipped", "created_at": T0, "status_norm": "shipped", "paid_at": T1},
    {"order_id": "cod", "created_at": T0, "status_norm": "unpaid", "is_cod": True,
     "tags": "Confirmed"},
    {"order_id": "refund", "created_at": T0, "status_norm": "paid", "paid_at": T1},
]
LINES = [
    {"order_id": "paid", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 10},
    {"order_id": "paid", "line_id": "2", "sku": "SET", "quantity": 1, "unit_price": 30},
    {"order_id": "paid2", "line_id": "1", "sku": "B", "quantity": 2, "unit_price": 0},
    {"order_id": "unpaid", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "shipped", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "cod", "line_id": "1", "sku": "B", "quantity": 3},
    {"order_id": "refund", "line_id": "1", "sku": "A", "quantity": 1, "refund_norm": "agreed"},
]


def stored(store: Store, table: str) -> pd.DataFrame:
    return _sorted(store.cursor().execute(f"select * from {table}").df())  # noqa: S608


def afresh(store: Store, table: str) -> pd.DataFrame:
    return _sorted(store.cursor().execute(f"select * from {table}_of(true)").df())  # noqa: S608


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("platform", "shop", "order_id", "line_id") if c in df.columns]
    return df.sort_values(cols, ignore_index=True)


def assert_fresh(store: Store) -> None:
    for table in DERIVED_TABLES:
        pd.testing.assert_frame_equal(stored(store, table), afresh(store, table), obj=table)


@pytest.fixture
def desk(store: Store) -> Store:
    load(store, ORDERS, LINES)
    return store


def test_derived_tables_hold_the_open_and_waiting_orders(desk):
    assert_fresh(desk)
    opened = stored(desk, "open_orders")
    assert opened["order_id"].tolist() == ["cod", "paid", "paid2", "refund", "unpaid"]
    assert opened.set_index("order_id")["waiting_to_ship"].to_dict() == {
        "cod": True, "paid": True, "paid2": True, "refund": False, "unpaid": False}
    assert opened.set_index("order_id")["refund_stage"].fillna(0).astype(int).to_dict() == {
        "cod": 0, "paid": 0, "paid2": 0, "refund": 2, "unpaid": 0}
    assert sorted(stored(desk, "waiting_lines")[["order_id", "sku"]].itertuples(
        index=False, name=None)) == [("cod", "B"), ("paid", "A"), ("paid", "SET"), ("paid2", "B")]
    assert len(stored(desk, "order_type_facts")) == len(ORDERS)


def test_derived_tables_follow_actions_reimports_and_settings(desk):
    A.record(desk, ("taobao", "s1", "paid"), "process", by="Li")
    A.record(desk, ("taobao", "s1", "paid2"), "courier", by="Li", text="SF 123")
    assert_fresh(desk)
    assert stored(desk, "open_orders").set_index("order_id").loc["paid", "processed"]
    # a newer export: one order shipped, another gets a different line
    load(desk, [{**ORDERS[0], "status_norm": "shipped", "shipped_at": "2026-11-21 09:00"}],
         [{"order_id": "paid2", "line_id": "1", "sku": "C", "quantity": 1, "unit_price": 10}],
         name="again")
    assert_fresh(desk)
    assert "paid" not in stored(desk, "open_orders")["order_id"].tolist()
    # the confirmed tag decides whether the COD order waits to ship
    update_settings(desk, {"confirmed_tag": "OK"}, by="Li")
    assert_fresh(desk)
    assert "cod" not in stored(desk, "waiting_lines")["order_id"].tolist()


def test_order_types_follow_bundles_imported_after_the_orders(store):
    load_tables(store, bundles=[{"bundle_sku": "SET1", "component_sku": "A", "quantity": 1}],
                promotions=[{"name": "双11", "start_at": "2026-11-11 00:00",
                             "end_at": "2026-11-12 00:00"}])
    load(store, TYPE_ORDERS, TYPE_LINES)
    con = store.cursor()

    def counts(f: Filters = ALL) -> list[int]:
        return promo.order_type_counts(con, f)["orders"].tolist()

    def rows(f: Filters = ALL) -> list[int]:
        return [int(promo.order_types(con, f)[t].sum()) for t in promo.ORDER_TYPES]

    assert counts() == rows() == [4, 2, 1, 2]
    assert counts(Filters(shops=("s2",))) == rows(Filters(shops=("s2",))) == [0, 1, 0, 0]
    # a bundle listed after the orders were imported counts at once: A is in seven orders
    load_tables(store, name="more", bundles=[{"bundle_sku": "A", "component_sku": "B",
                                              "quantity": 1}])
    assert counts() == rows() == [4, 7, 1, 2]
    assert_fresh(store)


def test_a_store_made_before_the_derived_tables_gets_them_filled(tmp_path):
    path = tmp_path / "old.duckdb"
    s = Store(path)
    load(s, ORDERS, LINES)
    want = {t: stored(s, t) for t in DERIVED_TABLES}
    for t in DERIVED_TABLES:
        s.con.execute(f"drop table {t}")  # noqa: S608
    s.close()
    s = Store(path)
    try:
        for t in DERIVED_TABLES:
            pd.testing.assert_frame_equal(stored(s, t), want[t], obj=t)
    finally:
        s.close()


def test_a_store_built_by_older_rules_is_rederived_once_when_opened(tmp_path):
    db = tmp_path / "old.duckdb"
    s = Store(db)
    load(s, [{"order_id": "o", "created_at": "2026-11-01 10:00", "status_norm": "paid",
              "paid_at": "2026-11-01 10:01", "order_total": 100, "paid": 100}])
    with s.write() as cur:
        # what an older version left: its own verdicts, and no record of the rules' version
        cur.execute("update order_type_facts set promo_facts = true")
        cur.execute("update order_state set state = 'closed'")
        cur.execute("delete from meta where key = 'derived_rules'")
    version = s.data_version()
    s.close()
    s = Store(db)
    cur = s.cursor()
    assert cur.execute("select promo_facts from order_type_facts").fetchall() == [(False,)]
    assert cur.execute("select state from order_state").fetchall() == [("paid_unprocessed",)]
    assert s.data_version() > version
    s.close()
    # once rebuilt, opening again leaves the tables (and the data version) alone
    s = Store(db)
    assert s.data_version() == version + 1
    s.close()


FACTS = ("created_at", "currency", "order_total", "paid", "refunded", "paid_at", "shipped_at",
         "closed_at", "ship_by", "is_cod")


def kept_facts(store: Store, table: str) -> list[tuple]:
    cols = ", ".join(("platform", "shop", "order_id", *FACTS)).replace(
        "is_cod", "coalesce(is_cod, false)")
    return store.cursor().execute(f"select {cols} from {table} order by all").fetchall()  # noqa: S608


def test_order_state_keeps_each_orders_own_facts_through_reimports(desk):
    assert kept_facts(desk, "order_state") == kept_facts(desk, "orders")
    # a newer export of the same order: its creation time is the order's own (another time
    # would be another shop's order of that id, refused: DESIGN §13), every other fact changes
    load(desk, [{**ORDERS[2], "currency": "USD",
                 "order_total": 50, "paid": 20, "refunded": 5, "paid_at": "2026-11-19 09:00",
                 "closed_at": "2026-11-19 10:00", "ship_by": "2026-11-21 08:00",
                 "is_cod": True}], name="again")
    assert kept_facts(desk, "order_state") == kept_facts(desk, "orders")
    row = [r for r in kept_facts(desk, "order_state") if r[2] == "unpaid"][0]
    at = [pd.Timestamp(t).to_pydatetime() for t in (T0, "2026-11-19 09:00",
                                                   "2026-11-19 10:00", "2026-11-21 08:00")]
    assert row[3:] == (at[0], "USD", 50, 20, 5, at[1], None, at[2], at[3], True)


def test_a_store_made_before_the_derived_tables_kept_the_facts_gets_them_filled(tmp_path):
    db = tmp_path / "old.duckdb"
    s = Store(db)
    load(s, ORDERS, LINES)
    with s.write() as cur:
        for col in FACTS:
            cur.execute(f"alter table order_state drop column {col}")  # noqa: S608
        cur.execute("alter table open_orders drop column confirmed")
        cur.execute("update meta set value = 2 where key = 'derived_rules'")
    s.close()
    s = Store(db)
    try:
        assert kept_facts(s, "order_state") == kept_facts(s, "orders")
        assert {r[3] for r in kept_facts(s, "order_state")} == {
            pd.Timestamp(T0).to_pydatetime()}
        assert_fresh(s)     # open_orders' confirmed too
    finally:
        s.close()
