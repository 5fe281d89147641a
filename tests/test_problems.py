"""Problem marks of DESIGN §6, each on hand-made orders and events."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from pipeline.base.filters import ALL, Filters
from pipeline.desk.problems import PROBLEMS, open_problems, order_marks, problem_counts
from tests.conftest import load
from tests.factories import ADDR, event, put

AS_OF = datetime(2026, 11, 21, 12, 0)


def paid(order_id, **kw):
    return {"order_id": order_id, "status_norm": "paid", "created_at": "2026-11-20 10:00",
            "paid_at": "2026-11-20 10:05", **ADDR, **kw}


def marks_of(store, as_of=AS_OF, f=ALL):
    got = open_problems(store.cursor(), f, as_of)
    return sorted((r.order_id, r.problem, r.reason) for r in got.itertuples())


def test_buyer_message_until_reviewed_and_again_when_changed(store):
    load(store, [paid("a", buyer_message="请发顺丰"), paid("b", buyer_message="  ")])
    assert marks_of(store) == [("a", "buyer_message", "请发顺丰")]
    event(store, "a", "review", "2026-11-21 09:00", text="请发顺丰")
    assert marks_of(store) == []
    # Before the review it was still open.
    assert marks_of(store, datetime(2026, 11, 21, 8, 0)) == [("a", "buyer_message", "请发顺丰")]
    load(store, [paid("a", buyer_message="请发顺丰，周末不收")], name="newer export")
    assert marks_of(store) == [("a", "buyer_message", "请发顺丰，周末不收")]


def test_refund_before_ship(store):
    load(store, [
        paid("asked"), paid("agreed"), paid("shipped", status_norm="shipped"),
        paid("cancelled", platform="taobao", status_norm="cancelled", is_paid=True,
             order_total=50, paid=50, refunded=0),
    ], [
        {"order_id": "asked", "line_id": "1", "sku": "A", "quantity": 1,
         "refund_norm": "requested"},
        {"order_id": "agreed", "line_id": "1", "sku": "A", "quantity": 1,
         "refund_norm": "agreed"},
        {"order_id": "shipped", "line_id": "1", "sku": "A", "quantity": 1,
         "refund_norm": "requested"},
    ])
    assert marks_of(store) == [
        ("agreed", "refund_before_ship", "agreed"),
        ("asked", "refund_before_ship", "requested"),
        ("cancelled", "refund_before_ship", "cancelled"),
    ]


def test_merge_candidates_same_shop_buyer_and_address(store):
    load(store, [
        paid("a", buyer="tom"),
        paid("b", buyer="Tom ", created_at="2026-11-20 11:00"),
        paid("c", buyer="tom", shop="s2"),                                # other shop
        paid("d", buyer="tom", address="解放中路200号"),                  # other address
        paid("e", buyer="tom", status_norm="shipped"),                   # shipped
        {"order_id": "f", "status_norm": "unpaid", "is_paid": False, "buyer": "tom",
         "created_at": "2026-11-21 08:00", **ADDR},                      # open, unpaid
    ])
    got = open_problems(store.cursor(), ALL, AS_OF)
    merge = got[got["problem"] == "merge_candidate"]
    assert sorted(zip(merge.order_id, merge.reason, strict=True)) == [
        ("a", "b, f"), ("b", "a, f"), ("f", "a, b")]
    assert set(merge["since"]) == {pd.Timestamp("2026-11-21 08:00")}
    # Filters narrow the list, not the groups.
    only_f = open_problems(store.cursor(), Filters(date_from=date(2026, 11, 21)), AS_OF)
    assert only_f[["order_id", "problem", "reason"]].values.tolist() == [
        ["f", "merge_candidate", "a, b"]]


def test_masked_buyers_and_addresses_are_never_merge_candidates(store):
    """A buyer or receiver the platform masked is not available (DESIGN §6): two `**` are not
    the same buyer, two `****` not the same address."""
    masked_address = {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                      "address": "****"}
    load(store, [
        paid("m1", buyer="**"), paid("m2", buyer="**"),                  # masked buyer
        paid("n1", buyer="amy", **masked_address),
        paid("n2", buyer="amy", **masked_address),                       # masked address
        paid("p1", buyer="##密文"), paid("p2", buyer="##密文"),
        paid("t1", buyer="t**5"), paid("t2", buyer="t**5"),              # partly masked nick
        paid("k1", buyer="kim"), paid("k2", buyer="kim"),                # a real pair
    ])
    got = open_problems(store.cursor(), ALL, AS_OF)
    merge = got[got["problem"] == "merge_candidate"]
    assert sorted(merge["order_id"]) == ["k1", "k2"]


def test_manual_flag_and_resolve(store):
    load(store, [paid("a")])
    event(store, "a", "flag", "2026-11-21 09:00", text="客户要求改色", kind="manual")
    assert marks_of(store) == [("a", "manual", "客户要求改色")]
    event(store, "a", "resolve", "2026-11-21 10:00", text="已改", kind="manual", by="bob")
    assert marks_of(store) == []
    history = order_marks(store.cursor(), "taobao", "s1", "a", AS_OF)
    assert history[["problem", "reason", "resolved_by"]].to_dict("records") == [
        {"problem": "manual", "reason": "客户要求改色", "resolved_by": "bob"}]
    assert history["resolved_at"].tolist() == [pd.Timestamp("2026-11-21 10:00")]


def test_out_of_stock_and_address_marks_resolved_by_events(store):
    load(store, [
        paid("a", paid_at="2026-11-20 10:01"), paid("b", paid_at="2026-11-20 10:02"),
        paid("v", paid_at="2026-11-20 10:00", address="某村"),
    ], [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1} for o in "abv"])
    put(store, [{"sku": "A", "available": 2}])
    assert marks_of(store) == [("b", "out_of_stock", "A"), ("v", "address", "too_short")]
    event(store, "b", "resolve", "2026-11-21 09:00", text="换货", kind="out_of_stock")
    event(store, "v", "resolve", "2026-11-21 09:00", text="已电话确认", kind="address")
    assert marks_of(store) == []
    assert marks_of(store, datetime(2026, 11, 21, 8, 59)) == [
        ("b", "out_of_stock", "A"), ("v", "address", "too_short")]


def test_only_open_orders_carry_marks(store):
    load(store, [
        paid("shipped", status_norm="shipped", buyer_message="hi"),
        {"order_id": "closed", "status_norm": "closed", "is_paid": False,
         "created_at": "2026-11-20 10:00", "buyer_message": "hi"},
        paid("refunded", status_norm="refunded", buyer_message="hi"),
        paid("later", created_at="2026-11-22 10:00", buyer_message="hi"),
    ])
    assert marks_of(store) == []


def test_problem_counts_list_every_type(store):
    load(store, [paid("a", buyer_message="hi", address="同上"), paid("b")])
    got = problem_counts(store.cursor(), ALL, AS_OF)
    assert got["problem"].tolist() == list(PROBLEMS)
    assert dict(zip(got.problem, got.orders, strict=True)) == {
        "out_of_stock": 0, "address": 1, "buyer_message": 1, "refund_before_ship": 0,
        "merge_candidate": 0, "manual": 0, "info_changed": 0}
