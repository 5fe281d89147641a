"""A batch of the work queue keeps its identity (issue 26): once processed, its id names those
orders for good; it is never proposed for other orders, its orders are read back from the log
for a reprint, and it can be undone from any session while none of its orders moved on."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.base.filters import ALL
from pipeline.desk import actions as A
from pipeline.desk import queue as Q
from tests.conftest import load

AS_OF = datetime(2030, 1, 1, 9, 0)
DAY = "2026-11-20"
KEY = ["platform", "shop", "order_id"]


def paid(order_id: str, paid_at: str, **facts) -> dict:
    return {"order_id": order_id, "created_at": f"{DAY} 08:00", "status_norm": "paid",
            "paid_at": f"{DAY} {paid_at}", "courier": "SF", **facts}


@pytest.fixture
def five(store):
    """Five single-item A orders for SF, paid a1 first: batches of two are a1 a2 | a3 a4 | a5."""
    load(store, [paid(f"a{i}", f"10:0{i}") for i in range(1, 6)],
         [{"order_id": f"a{i}", "line_id": "1", "sku": "A", "quantity": 1} for i in range(1, 6)])
    return store


def proposed(store) -> dict[str, list[str]]:
    members = Q.batch_members(store.cursor(), ALL, AS_OF, max_size=2)
    return members.groupby("batch_id", sort=False)["order_id"].apply(list).to_dict()


def ids(frame) -> list[str]:
    return frame["order_id"].tolist()


def test_a_processed_batch_id_is_never_proposed_for_other_orders(five):
    before = proposed(five)
    assert list(before.values()) == [["a1", "a2"], ["a3", "a4"], ["a5"]]
    first, second, third = before
    prefix = first.split("-")[0]
    assert [first, second, third] == [f"{prefix}-1", f"{prefix}-2", f"{prefix}-3"]
    keys = Q.batch_orders(five.cursor(), ALL, AS_OF, first, max_size=2)[KEY]
    done = A.record_many(five, keys, "process", by="Li", queue_batch=first)
    assert [e.queue_batch for e in done] == [first, first]
    after = proposed(five)
    # the other batches keep their ids; the processed one is gone from the proposals
    assert after == {second: ["a3", "a4"], third: ["a5"]}
    assert Q.batch_orders(five.cursor(), ALL, AS_OF, first, max_size=2).empty
    # its orders are read back from the log, in the batch's order
    assert ids(Q.processed_batch_orders(five.cursor(), first)) == ["a1", "a2"]


def test_after_an_undo_the_orders_come_back_under_a_new_id(five):
    first = next(iter(proposed(five)))
    prefix = first.split("-")[0]
    keys = Q.batch_orders(five.cursor(), ALL, AS_OF, first, max_size=2)[KEY]
    done = A.record_many(five, keys, "process", by="Li", queue_batch=first)
    A.undo_batch(five, done[0].batch_id, by="Wang")
    assert proposed(five) == {f"{prefix}-2": ["a1", "a2"], f"{prefix}-3": ["a3", "a4"],
                              f"{prefix}-4": ["a5"]}
    # the reprint of the undone batch still names the orders it was processed with
    assert ids(Q.processed_batch_orders(five.cursor(), first)) == ["a1", "a2"]


def test_a_batch_id_is_processed_once(five):
    first, second, _ = proposed(five)
    A.record_many(five, [("taobao", "s1", "a1")], "process", by="Li", queue_batch=first)
    with pytest.raises(A.ActionError, match=f"batch {first} was already processed"):
        A.record_many(five, [("taobao", "s1", "a3")], "process", by="Wang", queue_batch=first)
    with pytest.raises(A.ActionError, match="only processing"):
        A.record_many(five, [("taobao", "s1", "a3")], "courier", by="Wang", text="ZTO",
                      queue_batch=second)


def test_the_days_batches_are_listed_and_undone_from_the_log(five):
    first, second, _ = proposed(five)
    k1 = Q.batch_orders(five.cursor(), ALL, AS_OF, first, max_size=2)[KEY]
    k2 = Q.batch_orders(five.cursor(), ALL, AS_OF, second, max_size=2)[KEY]
    one = A.record_many(five, k1, "process", by="Li", queue_batch=first)
    two = A.record_many(five, k2, "process", by="Li", queue_batch=second)
    now = five.now()
    start, end = now.replace(hour=0, minute=0, second=0, microsecond=0), now.replace(
        hour=23, minute=59, second=59)
    log = Q.batch_log(five.cursor(), start, end)
    assert log[["batch", "queue_batch", "action", "author", "orders", "status"]].values.tolist() \
        == [[two[0].batch_id, second, "process", "Li", 2, "in_effect"],
            [one[0].batch_id, first, "process", "Li", 2, "in_effect"]]
    # another session, after a reload: nothing but the log is needed to undo it
    A.undo_batch(five, one[0].batch_id, by="Wang")
    log = Q.batch_log(five.cursor(), start, end)
    assert log["status"].tolist() == ["in_effect", "undone"]


def test_a_batch_whose_orders_moved_on_is_not_undone(five):
    first = next(iter(proposed(five)))
    keys = Q.batch_orders(five.cursor(), ALL, AS_OF, first, max_size=2)[KEY]
    done = A.record_many(five, keys, "process", by="Li", queue_batch=first)
    # a newer export says a1 shipped
    load(five, [paid("a1", "10:01", status_norm="shipped", shipped_at=f"{DAY} 15:00")],
         [{"order_id": "a1", "line_id": "1", "sku": "A", "quantity": 1}], name="later export")
    now = five.now()
    log = Q.batch_log(five.cursor(), now.replace(hour=0, minute=0), now.replace(hour=23, minute=59))
    assert log["status"].tolist() == ["moved_on"]
    with pytest.raises(A.ActionError, match="moved on"):
        A.undo_batch(five, done[0].batch_id, by="Wang")


def test_a_later_action_blocks_the_batch_undo_in_the_log(five):
    first = next(iter(proposed(five)))
    keys = Q.batch_orders(five.cursor(), ALL, AS_OF, first, max_size=2)[KEY]
    A.record_many(five, keys, "process", by="Li", queue_batch=first)
    A.record(five, ("taobao", "s1", "a2"), "note", by="Li", text="易碎")
    now = five.now()
    log = Q.batch_log(five.cursor(), now.replace(hour=0, minute=0), now.replace(hour=23, minute=59))
    assert log["status"].tolist() == ["later_action"]
