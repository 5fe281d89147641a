"""The work queue reads the desk's order information (DESIGN §12): an order a message rule puts
first (加急) comes first, and the orders merged into one parcel go in one batch."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from pipeline.base.filters import ALL
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.desk import queue as Q
from tests.conftest import load

AT = pd.Timestamp("2026-11-21 10:00").to_pydatetime()
HOME = {"buyer": "tom", "receiver": "汤姆", "province": "浙江省", "city": "杭州市",
        "district": "西湖区", "address": "文三路1号"}


def paid(order_id: str, at: str, **more) -> dict:
    return {"order_id": order_id, "created_at": at, "status_norm": "paid", "paid_at": at, **more}


def test_an_order_whose_message_asks_for_haste_comes_first(store: Store):
    # u2 was paid last (its deadline is the latest) but its buyer writes 加急: first
    load(store, [paid("u1", "2026-11-20 08:00"), paid("u2", "2026-11-20 09:00",
                                                       buyer_message="麻烦加急，急用"),
                 paid("u3", "2026-11-20 08:30")],
         [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1} for o in ("u1", "u2", "u3")])
    q = Q.work_queue(store.cursor(), ALL, AT)
    assert q["order_id"].tolist() == ["u2", "u1", "u3"]
    assert q["urgent"].tolist() == [True, False, False]


def test_orders_merged_into_one_parcel_go_in_one_batch(store: Store):
    # m1 (one piece of A) and m2 (two of B) go to one address: apart they are two SKU sets,
    # two batches; merged, m2 follows m1 into its batch
    orders = [paid("m1", "2026-11-20 08:00", **HOME), paid("m2", "2026-11-20 08:10", **HOME)]
    orders += [paid(f"a{i}", "2026-11-20 07:00", buyer=f"b{i}", province="上海", city="上海市",
                    district="闵行区", address=f"长江路{i}号") for i in range(3)]
    lines = [{"order_id": "m1", "line_id": "1", "sku": "A", "quantity": 1},
             {"order_id": "m2", "line_id": "1", "sku": "B", "quantity": 2}]
    lines += [{"order_id": f"a{i}", "line_id": "1", "sku": "A", "quantity": 1} for i in range(3)]
    load(store, orders, lines)
    A.record(store, ("taobao", "s1", "m1"), "merge", by="Li", text="m2")
    later = store.now() + timedelta(minutes=1)        # the merge is recorded at the clock's time
    members = Q.batch_members(store.cursor(), ALL, later)
    batch_of = dict(zip(members["order_id"], members["batch_id"], strict=True))
    assert batch_of["m2"] == batch_of["m1"]
    # the single-item orders of A, m1 among them, are one batch; m2 rides along in it
    assert sorted(o for o, b in batch_of.items() if b == batch_of["m1"]) == \
        ["a0", "a1", "a2", "m1", "m2"]
