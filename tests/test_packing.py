"""Scan to verify (验货, pipeline/desk/packing.py): a slip found by its order id, parcel id or
tracking number; items scanned by SKU code or by the stock's barcode, a wrong or extra item
refused, a bundle taken as the whole set or as its components; orders refused at the bench
with the reason; `packed` recorded on complete parcels (a merged parcel's orders each with its
own text, a split order's parcel by its number) and undone.

The store, worked out by hand (shop s1, no street addresses: no address mark; no buyer
messages; stock for every SKU in plenty): p1 (A ×2, a gift G ×1, its tracking number SF100 as
exported: processed), p2 (bundle SET ×2, SET = B ×1 + C ×2, processed by the desk), p3 (A ×1,
paid, not processed), p4 (refunded in full after its waybill), p5 (a refund asked on its
line), p6 (processed, flagged by hand), p7 (shipped), p8 (its tracking number JD#12); m1
(A ×1) and m2 (B ×2) of one buyer and address in shop s2, merged and given one tracking
number; sp (A ×2, B ×1) split into two parcels (#1 A ×1; #2 A ×1 + B ×1), parcel 1 given the
tracking number SP1; `dup`, an order id in shops s1 and s3.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.base.filters import ALL
from pipeline.base.roles import NotAllowed
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.desk import packing as K
from pipeline.desk import queue, team
from tests.conftest import load, load_tables

PAID = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
HOME = {"buyer": "tom", "receiver": "汤姆", "province": "浙江省", "city": "杭州市",
        "district": "西湖区", "address": "文三路1号"}
ORDERS = [
    {"order_id": "p1", **PAID, "courier": "SF", "tracking_no": "SF100"},
    {"order_id": "p2", **PAID},
    {"order_id": "p3", **PAID},
    {"order_id": "p4", **PAID, "tracking_no": "SF400", "status_norm": "refunded",
     "order_total": 10, "refunded": 10, "paid": 10},
    {"order_id": "p5", **PAID, "tracking_no": "SF500"},
    {"order_id": "p6", **PAID, "tracking_no": "SF600"},
    {"order_id": "p7", **PAID, "tracking_no": "SF700", "status_norm": "shipped",
     "shipped_at": "2026-11-20 12:00"},
    {"order_id": "m1", **PAID, **HOME, "shop": "s2"},
    {"order_id": "m2", **PAID, **HOME, "shop": "s2"},
    {"order_id": "sp", **PAID},
    {"order_id": "p8", **PAID, "tracking_no": "JD#12"},   # a tracking number with a '#'
    {"order_id": "dup", **PAID, "tracking_no": "D1"},
    {"order_id": "dup", **PAID, "tracking_no": "D3", "shop": "s3"},
]
LINES = [
    {"order_id": "p1", "line_id": "1", "sku": "A", "title": "精华", "quantity": 2,
     "unit_price": 50},
    {"order_id": "p1", "line_id": "2", "sku": "G", "title": "小样", "quantity": 1,
     "unit_price": 0},
    {"order_id": "p2", "line_id": "1", "sku": "SET", "title": "礼盒", "quantity": 2,
     "unit_price": 99},
    {"order_id": "p3", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "p4", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "p5", "line_id": "1", "sku": "A", "quantity": 1,
     "refund_text": "买家已经申请退款，等待卖家同意", "refund_norm": "requested"},
    {"order_id": "p6", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "p7", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "m1", "line_id": "1", "sku": "A", "quantity": 1, "shop": "s2"},
    {"order_id": "m2", "line_id": "1", "sku": "B", "quantity": 2, "shop": "s2"},
    {"order_id": "sp", "line_id": "1", "sku": "A", "quantity": 2},
    {"order_id": "sp", "line_id": "2", "sku": "B", "quantity": 1},
    {"order_id": "p8", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "dup", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "dup", "line_id": "1", "sku": "A", "quantity": 1, "shop": "s3"},
]
STOCK = [{"sku": s, "available": 100, "name": n}
         for s, n in (("A", "精华"), ("B", "面霜"), ("C", "眼霜"), ("G", "小样"), ("X", "口红"))]
BUNDLES = [{"bundle_sku": "SET", "component_sku": "B", "quantity": 1},
           {"bundle_sku": "SET", "component_sku": "C", "quantity": 2}]
# the stock export's barcodes (条码 / 69码), the bundle's own box included
BARCODES = {"A": "6901234567890", "SET": "6900000000017", "X": "6909999999999"}
SPLIT = '[{"lines": {"1": 1}}, {"lines": {"1": 1, "2": 1}}]'


def key(order_id: str, shop: str = "s1") -> tuple[str, str, str]:
    return ("taobao", shop, order_id)


@pytest.fixture
def desk(store: Store) -> Store:
    load(store, ORDERS, LINES)
    load_tables(store, stock=STOCK + [{"sku": "SET", "available": 100, "name": "礼盒"}],
                bundles=BUNDLES)
    with store.write() as cur:   # the column the stock layout gains (条码, 69码, Barcode)
        cur.execute("alter table stock add column if not exists barcode varchar")
        for sku, code in BARCODES.items():
            cur.execute("update stock set barcode = ? where sku = ?", [code, sku])
    A.record(store, key("p2"), "process", by="ann")
    A.record(store, key("p6"), "flag", by="ann", text="外盒破损")
    A.record(store, key("m1", "s2"), "merge", by="ann", text="m2")
    A.record(store, key("m1", "s2"), "courier", by="ann", text="ZTO Z1")
    A.record(store, key("sp"), "split", by="ann", text=SPLIT)
    A.record(store, key("sp"), "courier", by="ann", text="#1 SF SP1")
    return store


def items(parcel: K.Parcel) -> list[tuple]:
    return [(i.key[2], i.sku, i.needed, i.bundle_sku, i.per_set) for i in parcel.items]


def packed_through(store: Store, code: str, scans: list[str]) -> tuple[K.PackState, list]:
    state = K.start(K.find_parcel(store.cursor(), code))
    outcomes = []
    for c in scans:
        state, result = K.scan(state, c)
        outcomes.append(result.outcome)
    return state, outcomes


# ---------------------------------------------------------------------------------------------
# The slip


def test_an_order_id_finds_the_order_and_its_lines(desk):
    p = K.find_parcel(desk.cursor(), " p1 ")
    assert (p.parcel_id, p.kind, p.parcel_no, p.keys) == ("p1", "order", None, (key("p1"),))
    assert items(p) == [("p1", "A", 2, None, None), ("p1", "G", 1, None, None)]
    assert [i.is_gift for i in p.items] == [False, True]
    assert (p.courier, p.tracking_no) == ("SF", "SF100")


def test_a_tracking_number_finds_its_order_whatever_the_case(desk):
    assert K.find_parcel(desk.cursor(), "sf100").keys == (key("p1"),)
    assert K.find_parcel(desk.cursor(), "Z1").parcel_id == "m1"   # the desk's own number
    assert K.find_parcel(desk.cursor(), "jd#12").keys == (key("p8"),)   # no parcel #12


def test_a_bundle_line_is_its_components(desk):
    p = K.find_parcel(desk.cursor(), "p2")
    assert items(p) == [("p2", "B", 2, "SET", 1), ("p2", "C", 4, "SET", 2)]
    assert [i.bundle_title for i in p.items] == ["礼盒", "礼盒"]


def test_an_order_of_a_merged_parcel_brings_the_whole_parcel(desk):
    p = K.find_parcel(desk.cursor(), "m2")
    assert (p.parcel_id, p.kind, p.keys) == ("m1", "merged", (key("m1", "s2"), key("m2", "s2")))
    assert items(p) == [("m1", "A", 1, None, None), ("m2", "B", 2, None, None)]


def test_a_split_parcel_by_its_id_or_its_own_tracking_number(desk):
    second = K.find_parcel(desk.cursor(), "sp#2")
    assert (second.parcel_id, second.kind, second.parcel_no) == ("sp#2", "split", 2)
    assert items(second) == [("sp", "A", 1, None, None), ("sp", "B", 1, None, None)]
    first = K.find_parcel(desk.cursor(), "SP1")
    assert (first.parcel_id, first.tracking_no) == ("sp#1", "SP1")
    assert items(first) == [("sp", "A", 1, None, None)]


def test_codes_that_name_no_one_parcel(desk):
    con = desk.cursor()
    assert K.find_parcel(con, "nothing-here") is None
    assert K.find_parcel(con, "  ") is None
    with pytest.raises(K.PackRefused) as split:
        K.find_parcel(con, "sp")
    assert split.value.args[0].key == "pack_split_needs_parcel"
    with pytest.raises(K.PackRefused) as third:
        K.find_parcel(con, "sp#3")
    assert third.value.args[0].key == "pack_no_parcel"
    with pytest.raises(K.PackRefused) as dup:
        K.find_parcel(con, "dup")
    assert dup.value.args[0].key == "pack_ambiguous"
    assert "taobao/s1, taobao/s3" in str(dup.value)
    assert K.find_parcel(con, "D3").keys == (key("dup", "s3"),)   # its tracking tells them apart


# ---------------------------------------------------------------------------------------------
# The items


def test_skus_are_counted_and_a_wrong_or_extra_item_is_refused(desk):
    state, outcomes = packed_through(desk, "p1", ["a", "A", "A", "X", "nope", "G"])
    assert outcomes == ["counted", "counted", "extra", "wrong", "wrong", "complete"]
    assert state.counted == (2, 1) and state.complete and state.pieces == (3, 3)
    assert [s.sku for s in state.scans] == ["A", "A", "A", None, None, "G"]
    state, result = K.scan(state, "A")   # nothing is left to count
    assert result.outcome == "extra" and state.counted == (2, 1)


def test_a_barcode_of_the_stock_export_counts_its_sku(desk):
    state, outcomes = packed_through(desk, "p1", ["6901234567890", "6901234567890"])
    assert outcomes == ["counted", "counted"]
    assert state.counted == (2, 0)
    assert [s.sku for s in state.scans] == ["A", "A"]
    # the barcode of an SKU not in the parcel is a wrong item, named from the stock
    state, result = K.scan(state, "6909999999999")
    assert result.outcome == "wrong"
    assert K.identify(desk.cursor(), "6909999999999") == ("X", "口红")
    assert K.identify(desk.cursor(), "x") == ("X", "口红")
    assert K.identify(desk.cursor(), "none") is None


def test_a_bundle_as_the_whole_set_or_as_its_components(desk):
    # two sets: one scanned as the set (by its SKU, then by its box's barcode), one by parts
    state, outcomes = packed_through(desk, "p2", ["SET", "B", "C", "C"])
    assert outcomes == ["counted", "counted", "counted", "complete"]
    assert state.scans[0].as_set and state.scans[0].sku == "SET"
    state, outcomes = packed_through(desk, "p2", ["6900000000017", "6900000000017"])
    assert outcomes == ["counted", "complete"] and state.counted == (2, 4)
    # a set does not fit once one of its components is complete
    state, outcomes = packed_through(desk, "p2", ["B", "B", "SET", "C", "C", "C", "C", "C"])
    assert outcomes == ["counted", "counted", "extra", "counted", "counted", "counted",
                        "complete", "extra"]


def test_starting_again_counts_nothing(desk):
    state, _ = packed_through(desk, "p1", ["A", "G"])
    again = K.restart(state)
    assert again.counted == (0, 0) and again.scans == () and not again.complete
    frame = K.lines(state)
    assert frame[["sku", "needed", "counted", "left"]].values.tolist() == [
        ["A", 2, 1, 1], ["G", 1, 1, 0]]


# ---------------------------------------------------------------------------------------------
# Refused at the bench


@pytest.mark.parametrize("code,why", [
    ("p3", "why_pack_not_processed"),
    ("p4", "pack_why_refunded"),
    ("p5", "pack_why_refunding"),
    ("p6", "pack_why_held"),
    ("p7", "pack_why_shipped"),
])
def test_orders_that_may_not_be_packed_are_refused_with_the_reason(desk, code, why):
    parcel = K.find_parcel(desk.cursor(), code)
    refused = K.refusal(desk.cursor(), parcel)
    assert refused.key == "pack_refused"
    assert (refused.params["order"], refused.params["why"].key) == (code, why)


def test_a_held_order_says_its_problem_and_reason_in_both_languages(desk):
    refused = K.refusal(desk.cursor(), K.find_parcel(desk.cursor(), "p6"))
    assert refused.words("zh") == "✗ 不能验货：订单 p6 有待处理的问题：人工标记（外盒破损）"
    assert str(refused) == "✗ Cannot pack order p6: it is held by a problem: Flagged (外盒破损)"


def test_parcels_that_may_be_packed(desk):
    con = desk.cursor()
    for code in ("p1", "p2", "m1", "sp#1", "sp#2"):
        assert K.refusal(con, K.find_parcel(con, code)) is None, code


# ---------------------------------------------------------------------------------------------
# Recorded


def test_a_complete_parcel_is_recorded_packed_and_undone(desk):
    state, _ = packed_through(desk, "p1", ["A", "6901234567890", "G"])
    [event] = K.record_packed(desk, state, by="Cleo", role="clerk")
    assert (event.order_id, event.action, event.text, event.author) == (
        "p1", "packed", "A×2, G×1", "Cleo")
    con = desk.cursor()
    again = K.refusal(con, K.find_parcel(con, "p1"))
    assert again.params["why"].key == "pack_why_packed"
    assert again.params["why"].params["author"] == "Cleo"
    assert A.current_state(con).set_index("order_id").loc["p1", "state"] == "paid_processed"
    # the history shows it, and an undo takes it back
    A.record(desk, key("p1"), "undo", by="Cleo", role="clerk")
    assert K.refusal(con, K.find_parcel(con, "p1")) is None
    h = A.history(con, "taobao", "s1", "p1")
    events = h[h["source"] == "event"]
    assert events[["action", "detail", "undone"]].values.tolist() == [
        ["packed", "A×2, G×1", True], ["undo", f"#{event.event_id}", False]]


def test_an_incomplete_parcel_is_not_recorded(desk):
    state, _ = packed_through(desk, "p1", ["A"])
    with pytest.raises(A.ActionError):
        K.record_packed(desk, state, by="Cleo")
    assert desk.cursor().execute("select count(*) from events where action = 'packed'"
                                 ).fetchall() == [(0,)]


def test_a_merged_parcel_records_each_order_with_what_was_its_own(desk):
    state, _ = packed_through(desk, "m2", ["B", "A", "B"])
    events = K.record_packed(desk, state, by="Cleo")
    assert [(e.order_id, e.text) for e in events] == [("m1", "A×1"), ("m2", "B×2")]
    assert events[0].batch_id is not None and events[0].batch_id == events[1].batch_id


def test_a_split_order_is_packed_parcel_by_parcel(desk):
    state, _ = packed_through(desk, "SP1", ["A"])
    [event] = K.record_packed(desk, state, by="Cleo")
    assert event.text == "#1 A×1"
    con = desk.cursor()
    assert K.refusal(con, K.find_parcel(con, "sp#1")).params["why"].key == "pack_why_packed"
    assert K.refusal(con, K.find_parcel(con, "sp#2")) is None
    state, _ = packed_through(desk, "sp#2", ["B", "A"])
    assert K.record_packed(desk, state, by="Cleo")[0].text == "#2 B×1, A×1"


def test_the_action_checks_the_order_whoever_records_it(desk):
    with pytest.raises(A.ActionError) as unprocessed:
        A.record(desk, key("p3"), "packed", by="cli")
    assert unprocessed.value.args[0].params["why"].key == "why_pack_not_processed"
    with pytest.raises(A.ActionError) as held:
        A.record(desk, key("p6"), "packed", by="cli")
    assert held.value.args[0].params["why"].key == "why_pack_held"
    with pytest.raises(A.ActionError) as shipped:
        A.record(desk, key("p7"), "packed", by="cli")
    assert shipped.value.args[0].params["why"].key == "why_state_ship"
    with pytest.raises(A.ActionError) as unnamed:
        A.record(desk, key("sp"), "packed", by="cli", text="A×1")
    assert unnamed.value.args[0].params["why"].key == "why_pack_parcel_needed"
    with pytest.raises(A.ActionError) as named:
        A.record(desk, key("p1"), "packed", by="cli", text="#1 A×2")
    assert named.value.args[0].params["why"].key == "why_pack_not_split"
    with pytest.raises(NotAllowed):
        A.record(desk, key("p1"), "packed", by="Vic", role="viewer")
    A.record(desk, key("p1"), "packed", by="cli")     # the command line's, with no text
    with pytest.raises(A.ActionError) as twice:
        A.record(desk, key("p1"), "packed", by="cli")
    assert twice.value.args[0].params["why"].key == "why_already_packed"
    assert "packed" not in A.allowed_actions(A.order_context(desk.cursor(), *key("p2")))


def test_the_queue_and_the_team_see_the_packing(desk):
    state, _ = packed_through(desk, "p1", ["A", "A", "G"])
    K.record_packed(desk, state, by="Cleo")
    state, _ = packed_through(desk, "sp#1", ["A"])
    K.record_packed(desk, state, by="Cleo")
    as_of = pd.Timestamp("2026-11-21 10:00").to_pydatetime()
    q = queue.work_queue(desk.cursor(), ALL, as_of).set_index("order_id")
    assert q.loc["p1", ["packed", "packed_by", "state"]].tolist() == [
        True, "Cleo", "paid_processed"]
    assert not q.loc["p2", "packed"] and pd.isna(q.loc["p2", "packed_by"])
    assert not q.loc["sp", "packed"]      # one parcel of two
    assert queue.queue_counts(desk.cursor(), ALL, as_of)["packed"] == 1
    today = pd.Timestamp.now().date()
    people = team.people(desk.cursor(), today)
    assert people.set_index("author").loc["Cleo", "packed"] == 2
    assert team.behind(desk.cursor(), today, "packed", "Cleo")["text"].tolist() == [
        "A×2, G×1", "#1 A×1"]


def test_the_command_line_records_packed_and_undoes_it(tmp_path, capsys):
    from pipeline.cli import main

    db = tmp_path / "cli.duckdb"
    s = Store(db)
    load(s, [{"order_id": "c1", **PAID, "courier": "SF", "tracking_no": "SF9"},
             {"order_id": "c2", **PAID}],
         [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1} for o in ("c1", "c2")])
    s.close()
    assert main(["--db", str(db), "action", "c1", "packed", "--by", "Li", "--text", "A×1"]) == 0
    assert capsys.readouterr().out.startswith("packed recorded on order c1 (s1) by Li at ")
    assert main(["--db", str(db), "action", "c1", "packed"]) == 2
    assert "was already packed by Li at " in capsys.readouterr().err
    assert main(["--db", str(db), "action", "c2", "packed"]) == 2
    assert "is not processed yet" in capsys.readouterr().err
    assert main(["--db", str(db), "action", "c1", "undo", "--by", "Li"]) == 0
    capsys.readouterr()
    s = Store(db)
    try:
        h = A.history(s.cursor(), "taobao", "s1", "c1")
        assert h.loc[h["source"] == "event", ["action", "detail", "author", "undone"]
                     ].values.tolist() == [["packed", "A×1", "Li", True],
                                           ["undo", "#1", "Li", False]]
    finally:
        s.close()
