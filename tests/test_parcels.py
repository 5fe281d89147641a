"""Parcels (DESIGN §12): merging the §6 merge candidates into one parcel and its undo, merges
refused, one tracking number for a merged parcel (by the courier action and by bulk shipping),
a split order's parcels, states and undo, the printing of both, and the command line.

The store, worked out by hand: one buyer (tom) at one address in shop s1 with two paid orders
m1 (A ×1) and m2 (B ×2); the same buyer at another address (m3); the same buyer and address
with an order already shipped (m4) and one in shop s2 (m5); a masked buyer (mk); an order of
two lines to split, sp (A ×2 on line 1, B ×1 on line 2), and another of its buyer's, sq; an
order as it is, solo."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.desk import parcels as P
from pipeline.ingest import bulk_ship as B
from pipeline.outputs import printing
from tests.conftest import load
from tests.factories import pdf_text

PAID = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
HOME = {"buyer": "tom", "receiver": "汤姆", "province": "浙江省", "city": "杭州市",
        "district": "西湖区", "address": "文三路1号"}
ANNS = {"buyer": "ann", "province": "上海", "city": "上海市", "district": "闵行区",
        "address": "长江路872号"}
ORDERS = [
    {"order_id": "m1", **PAID, **HOME, "buyer_message": "请包好"},
    {"order_id": "m2", **PAID, **HOME, "seller_note": "老客户"},
    {"order_id": "m3", **PAID, **HOME, "address": "文三路2号"},
    {"order_id": "m4", **PAID, **HOME, "status_norm": "shipped",
     "shipped_at": "2026-11-20 10:00"},
    {"order_id": "m5", **PAID, **HOME, "shop": "s2"},
    {"order_id": "mk", **PAID, **HOME, "buyer": "t**"},
    {"order_id": "sp", **PAID, **ANNS},
    {"order_id": "sq", **PAID, **ANNS},
    {"order_id": "solo", **PAID, "buyer": "bo", "province": "上海", "city": "上海市",
     "district": "徐汇区", "address": "虹桥路1号"},
]
LINES = [
    {"order_id": "m1", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1, "unit_price": 50},
    {"order_id": "m2", "line_id": "1", "sku": "B", "title": "面霜", "quantity": 2, "unit_price": 80},
    {"order_id": "m3", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "m4", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "m5", "line_id": "1", "sku": "A", "quantity": 1, "shop": "s2"},
    {"order_id": "mk", "line_id": "1", "sku": "A", "quantity": 1},
    {"order_id": "sp", "line_id": "1", "sku": "A", "title": "精华", "quantity": 2, "unit_price": 50},
    {"order_id": "sp", "line_id": "2", "sku": "B", "title": "面霜", "quantity": 1, "unit_price": 80},
    {"order_id": "sq", "line_id": "1", "sku": "B", "quantity": 1},
    {"order_id": "solo", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 50},
]
SPLIT = '[{"lines": {"1": 1}}, {"lines": {"1": 1, "2": 1}}]'
AT = pd.Timestamp("2026-11-21 10:00").to_pydatetime()


def key(order_id: str, shop: str = "s1") -> tuple[str, str, str]:
    return ("taobao", shop, order_id)


@pytest.fixture
def desk(store: Store) -> Store:
    load(store, ORDERS, LINES)
    return store


def plain(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def values(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    part = frame[columns]
    return part.astype(object).where(part.notna(), None).values.tolist()


def state_of(store: Store, *ids: str) -> list[tuple]:
    return store.cursor().execute(
        "select order_id, state, courier, tracking_no, waiting_to_ship from order_state "
        "where shop = 's1' and list_contains(?, order_id) order by order_id", [list(ids)]
    ).fetchall()


def events(store: Store) -> list[tuple]:
    return store.cursor().execute(
        "select event_id, order_id, action, text, target_event, batch_id from events "
        "order by event_id").fetchall()


def slips(store: Store, *ids: str) -> printing.PrintData:
    keys = pd.DataFrame([key(i) for i in ids], columns=["platform", "shop", "order_id"])
    return printing.print_data(store.cursor(), keys)


# ---------------------------------------------------------------------------------------------
# Merging


def test_a_merge_makes_one_parcel_and_its_undo_sets_the_orders_apart(desk):
    before = slips(desk, "m1", "m2")
    merged = A.record(desk, key("m1"), "merge", by="Li", text=" m2 ")
    assert (merged.order_id, merged.action, merged.text) == ("m1", "merge", "m2")
    assert plain(P.merge_groups(desk.cursor())) == [
        {"platform": "taobao", "shop": "s1", "parcel_id": "m1", "order_id": "m1", "member_no": 0},
        {"platform": "taobao", "shop": "s1", "parcel_id": "m1", "order_id": "m2", "member_no": 1},
    ]
    common = {"platform": "taobao", "shop": "s1", "courier": None, "tracking_no": None,
              "kind": "merged", "parcel_id": "m1"}
    assert plain(P.parcels(desk.cursor())) == [
        {**common, "order_id": "m1", "line_id": "1", "quantity": 1},
        {**common, "order_id": "m2", "line_id": "1", "quantity": 2},
    ]
    # either order's parcel is the same one
    assert plain(P.order_parcels(desk.cursor(), key("m2"))) == plain(P.parcels(desk.cursor()))
    # the merge changes no state: both still wait to ship, unprocessed
    assert state_of(desk, "m1", "m2") == [("m1", "paid_unprocessed", None, None, True),
                                          ("m2", "paid_unprocessed", None, None, True)]

    # the undo on the other order takes the merge back, recorded on the parcel's first order
    undone = A.record(desk, key("m2"), "undo", by="Li")
    assert (undone.order_id, undone.target_event) == ("m1", merged.event_id)
    assert P.merge_groups(desk.cursor()).empty and P.parcels(desk.cursor()).empty
    assert plain(P.order_parcels(desk.cursor(), key("m2"))) == [
        {"parcel_id": "m2", "platform": "taobao", "shop": "s1", "order_id": "m2", "line_id": "1",
         "quantity": 2, "courier": None, "tracking_no": None, "kind": "order"}]
    after = slips(desk, "m1", "m2")
    pd.testing.assert_frame_equal(after.orders, before.orders)
    pd.testing.assert_frame_equal(after.lines, before.lines)
    pd.testing.assert_frame_equal(after.pick, before.pick)
    with pytest.raises(A.ActionError, match="no action left to undo"):
        A.record(desk, key("m2"), "undo", by="Li")


def test_a_merge_on_the_first_order_is_undone_there_too(desk):
    merged = A.record(desk, key("m1"), "merge", by="Li", text="m2")
    assert A.order_context(desk.cursor(), *key("m2"))["undo_target"] == merged.event_id
    assert A.record(desk, key("m1"), "undo", by="Li").target_event == merged.event_id
    assert P.merge_groups(desk.cursor()).empty


@pytest.mark.parametrize("text,why", [
    ("m3", "cannot merge order m1 (taobao/s1): it goes to another address than order m3"),
    ("m4", "cannot merge order m1 (taobao/s1): it cannot take order m4, which is Shipped: only "
           "open orders, not shipped and not being refunded, are merged"),
    ("m5", "cannot merge order m1 (taobao/s1): it cannot take order m5, which is in another "
           "shop (taobao/s2): only orders of one shop are merged"),
    ("mk", "cannot merge order m1 (taobao/s1): it cannot take order mk: its buyer or address is "
           "masked or missing, so it is never known to be the same"),
    ("solo", "cannot merge order m1 (taobao/s1): it has another buyer than order solo"),
    ("m1", "cannot merge order m1 (taobao/s1): it cannot be merged with itself: give the other "
           "orders' ids"),
    ("nope", "cannot merge order m1 (taobao/s1): it has no order nope in its shop to merge "
             "with"),
    ("", "cannot merge order m1 (taobao/s1): it needs a text: the other orders' ids, separated "
         "by blanks"),
])
def test_a_merge_outside_the_candidates_is_refused_and_nothing_is_written(desk, text, why):
    with pytest.raises(A.ActionError) as err:
        A.record(desk, key("m1"), "merge", by="Li", text=text)
    assert str(err.value) == why
    assert events(desk) == []


def test_a_merge_refusal_in_chinese_and_orders_already_taken(desk):
    with pytest.raises(A.ActionError) as err:
        A.record(desk, key("m1"), "merge", by="Li", text="m3")
    assert err.value.args[0].words("zh") == "不能合并订单 m1 (taobao/s1)：与订单 m3 的收货地址不同"
    A.record(desk, key("m1"), "merge", by="Li", text="m2")
    with pytest.raises(A.ActionError, match="it is in the merged parcel of order m1: merge on "
                                            "order m1"):
        A.record(desk, key("m2"), "merge", by="Li", text="m1")
    with pytest.raises(A.ActionError, match="it is in the merged parcel of order m1: undo the "
                                            "merge first"):
        A.record(desk, key("m2"), "split", by="Li", text='[{"lines": {"1": 1}}, '
                                                          '{"lines": {"1": 1}}]')
    A.record(desk, key("m1"), "undo", by="Li")
    A.record(desk, key("m2"), "process", by="Li")
    with pytest.raises(A.ActionError, match="cannot take order m2, which is already processed"):
        A.record(desk, key("m1"), "merge", by="Li", text="m2")


def test_merge_and_split_act_on_one_order_with_the_roles_of_processing(desk):
    from pipeline.base.roles import NotAllowed

    with pytest.raises(A.ActionError, match="one order at a time"):
        A.record_many(desk, [key("m1"), key("m2")], "merge", by="Li", text="m3")
    with pytest.raises(NotAllowed, match="a viewer may not process orders"):
        A.record(desk, key("m1"), "merge", by="Li", text="m2", role="viewer")
    assert A.record(desk, key("m1"), "merge", by="Li", text="m2", role="clerk").action == "merge"
    assert "merge" not in A.allowed_actions(A.order_context(desk.cursor(), *key("m1")))


# ---------------------------------------------------------------------------------------------
# One courier and tracking number for a merged parcel


def test_the_courier_on_any_order_of_a_merged_parcel_is_every_orders(desk):
    A.record(desk, key("m1"), "merge", by="Li", text="m2")
    given = A.record(desk, key("m2"), "courier", by="Li", text="SF SF100")
    assert given.order_id == "m2"
    assert events(desk)[1:] == [(2, "m2", "courier", "SF SF100", None, 1),
                                (3, "m1", "courier", "SF SF100", None, 1)]
    assert state_of(desk, "m1", "m2") == [("m1", "paid_processed", "SF", "SF100", True),
                                          ("m2", "paid_processed", "SF", "SF100", True)]
    assert set(P.parcels(desk.cursor())["tracking_no"]) == {"SF100"}
    # taken back from both by an undo on either
    undone = A.record(desk, key("m1"), "undo", by="Li")
    assert events(desk)[3:] == [(4, "m1", "undo", None, 3, 2), (5, "m2", "undo", None, 2, 2)]
    assert undone.target_event == 3
    assert state_of(desk, "m1", "m2") == [("m1", "paid_unprocessed", None, None, True),
                                          ("m2", "paid_unprocessed", None, None, True)]
    pd.testing.assert_frame_equal(A.replay_state(desk.cursor()), A.current_state(desk.cursor()))


def test_bulk_shipping_one_row_gives_the_merged_parcel_its_number(desk):
    A.record(desk, key("m1"), "merge", by="Li", text="m2")
    checked = B.check(desk.cursor(), B.parse_text("m2 SF SF200\n"))
    assert checked[["order_id", "ok", "problem"]].values.tolist() == [["m2", True, None]]
    recorded = B.apply(desk, checked, by="Wang")
    assert [(e.order_id, e.text, e.batch_id) for e in recorded] == [
        ("m2", "SF SF200", 1), ("m1", "SF SF200", 1)]
    assert state_of(desk, "m1", "m2") == [("m1", "paid_processed", "SF", "SF200", True),
                                          ("m2", "paid_processed", "SF", "SF200", True)]


def test_bulk_rows_of_one_merged_parcel_agree_or_are_refused(desk):
    A.record(desk, key("m1"), "merge", by="Li", text="m2")
    same = B.check(desk.cursor(), B.parse_text("m1 SF SF3\nm2 SF SF3\n"))
    assert same["ok"].tolist() == [True, True]
    assert len(B.apply(desk, same, by="Wang")) == 2          # one event an order, not four
    A.record(desk, key("m1"), "undo", by="Li")
    differ = B.check(desk.cursor(), B.parse_text("m1 SF SF1\nm2 SF SF2\n"))
    assert differ[["ok", "problem", "detail"]].values.tolist() == [
        [True, None, None], [False, "parcel_differs", "1"]]
    assert B.reason_text("parcel_differs", "1", "en") == (
        "another tracking number than line 1 of the same merged parcel")


# ---------------------------------------------------------------------------------------------
# Splitting


def test_a_split_order_is_shipped_when_every_parcel_has_its_number(desk):
    done = A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    assert done.text == SPLIT
    common = {"platform": "taobao", "shop": "s1", "order_id": "sp", "kind": "split"}
    assert plain(P.parcels(desk.cursor())) == [
        {**common, "parcel_id": "sp#1", "line_id": "1", "quantity": 1, "courier": None,
         "tracking_no": None},
        {**common, "parcel_id": "sp#2", "line_id": "1", "quantity": 1, "courier": None,
         "tracking_no": None},
        {**common, "parcel_id": "sp#2", "line_id": "2", "quantity": 1, "courier": None,
         "tracking_no": None},
    ]
    with pytest.raises(A.ActionError, match="it is split into 2 parcels: name the parcel first"):
        A.record(desk, key("sp"), "courier", by="Li", text="SF SF1")
    with pytest.raises(A.ActionError, match="it has no parcel #3: it is split into 2"):
        A.record(desk, key("sp"), "courier", by="Li", text="#3 SF SF1")
    with pytest.raises(A.ActionError, match="it is not split into parcels: give the courier "
                                            "without #1"):
        A.record(desk, key("solo"), "courier", by="Li", text="#1 SF SF1")

    A.record(desk, key("sp"), "courier", by="Li", text="#1 SF SF1")
    assert state_of(desk, "sp") == [("sp", "paid_processed", "SF", "SF1", True)]
    last = A.record(desk, key("sp"), "courier", by="Li", text="#2 ZTO ZT2")
    assert state_of(desk, "sp") == [("sp", "shipped", "SF, ZTO", "SF1, ZT2", False)]
    row = desk.cursor().execute("select shipped_at, partial_ship from order_state "
                                "where order_id = 'sp'").fetchall()[0]
    assert row == (last.acted_at, False)
    assert desk.cursor().execute("select count(*) from open_orders where order_id = 'sp'"
                                 ).fetchall() == [(0,)]
    assert plain(P.parcels(desk.cursor()))[-1]["tracking_no"] == "ZT2"
    pd.testing.assert_frame_equal(A.replay_state(desk.cursor()), A.current_state(desk.cursor()))

    # an undo takes the last parcel's number back: waiting again
    A.record(desk, key("sp"), "undo", by="Li")
    assert state_of(desk, "sp") == [("sp", "paid_processed", "SF", "SF1", True)]


def test_the_undo_of_a_split_restores_one_parcel(desk):
    A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    A.record(desk, key("sp"), "courier", by="Li", text="#1 SF SF1")
    A.record(desk, key("sp"), "undo", by="Li")              # the parcel's number first
    A.record(desk, key("sp"), "undo", by="Li")              # then the split
    assert P.parcels(desk.cursor()).empty
    assert plain(P.order_parcels(desk.cursor(), key("sp")))[0]["parcel_id"] == "sp"
    assert [p["quantity"] for p in plain(P.order_parcels(desk.cursor(), key("sp")))] == [2, 1]
    assert state_of(desk, "sp") == [("sp", "paid_unprocessed", None, None, True)]
    A.record(desk, key("sp"), "courier", by="Li", text="SF SF9")   # one parcel again
    assert state_of(desk, "sp") == [("sp", "paid_processed", "SF", "SF9", True)]


@pytest.mark.parametrize("text,why", [
    ("1:1 2:1", 'it gives parcels not written as JSON of the form [{"lines": {"1": 1}}, '
                '{"lines": {"2": 1}}]'),
    ('[{"lines": {"1": 0.5}}, {"lines": {"1": 1.5}}]', "it gives parcels not written as JSON"),
    ('[{"lines": {"1": 2, "2": 1}}]', "it needs at least two parcels, each with a line"),
    ('[{"lines": {"1": 2}}, {"lines": {"3": 1}}]', "it has no line 3 to pack"),
    ('[{"lines": {"1": 2}}, {"lines": {"1": 1, "2": 1}}]',
     "it has 2 pieces on line 1 and the parcels hold 3: every piece goes in exactly one parcel"),
    ('[{"lines": {"1": 2}}, {"lines": {}}]', "it needs at least two parcels, each with a line"),
])
def test_a_split_that_does_not_hold_the_order_is_refused(desk, text, why):
    with pytest.raises(A.ActionError) as err:
        A.record(desk, key("sp"), "split", by="Li", text=text)
    assert str(err.value).startswith("cannot split order sp (taobao/s1): " + why)
    assert events(desk) == []


def test_a_split_needs_an_order_waiting_and_not_processed(desk):
    with pytest.raises(A.ActionError, match="it is Shipped: only an order waiting to ship can "
                                            "be split into parcels"):
        A.record(desk, key("m4"), "split", by="Li", text=SPLIT)
    A.record(desk, key("sp"), "process", by="Li")
    with pytest.raises(A.ActionError, match="it is already processed"):
        A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    A.record(desk, key("sp"), "undo", by="Li")
    A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    with pytest.raises(A.ActionError, match="it is already split into 2 parcels"):
        A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    with pytest.raises(A.ActionError, match="cannot take order sp, which is split into 2"):
        A.record(desk, key("sq"), "merge", by="Li", text="sp")


def test_bulk_shipping_a_split_order_takes_a_row_a_parcel(desk):
    A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    refused = B.check(desk.cursor(), B.parse_text("sp SF SF1\nsp#3 SF SF3\n"))
    assert refused[["ok", "problem", "detail"]].values.tolist() == [
        [False, "parcel_needed", "2"], [False, "no_parcel", "sp#3"]]
    assert B.reason_text("parcel_needed", "2", "en") == (
        "the order is split into 2 parcels: one row a parcel, its id written ORDER_ID#N")
    first = B.check(desk.cursor(), B.parse_text("sp#1 SF SF1\n"))
    assert first[["order_id", "ok", "parcel_no"]].values.tolist() == [["sp#1", True, 1]]
    assert [(e.order_id, e.text) for e in B.apply(desk, first, by="Wang")] == [
        ("sp", "#1 SF SF1")]
    assert state_of(desk, "sp")[0][1] == "paid_processed"
    second = B.check(desk.cursor(), B.parse_text("sp#2 YTO YT2\nsp#2 YTO YT2\n"))
    assert second[["ok", "problem"]].values.tolist() == [[True, None], [False, "duplicate"]]
    B.apply(desk, second.iloc[:1], by="Wang")
    assert state_of(desk, "sp") == [("sp", "shipped", "SF, YTO", "SF1, YT2", False)]


# ---------------------------------------------------------------------------------------------
# Printing


def test_a_merged_parcel_prints_one_slip_naming_its_orders(desk):
    A.record(desk, key("m1"), "merge", by="Li", text="m2")
    A.record(desk, key("m1"), "courier", by="Li", text="SF SF7")
    data = slips(desk, "solo", "m2")          # one order of the parcel brings the other along
    assert values(data.orders, ["order_id", "parcel_id", "parcel_orders", "courier",
                                "tracking_no"]) == [["solo", "solo", None, None, None],
                                             ["m1", "m1", "m1, m2", "SF", "SF7"]]
    assert values(data.orders, ["buyer_message", "seller_note"]) == [
        [None, None], ["m1: 请包好", "m2: 老客户"]]
    assert data.lines[["order_id", "parcel_id", "sku", "quantity"]].values.tolist() == [
        ["solo", "solo", "A", 1], ["m1", "m1", "A", 1], ["m2", "m1", "B", 2]]
    assert plain(data.pick[["sku", "quantity", "orders"]]) == [
        {"sku": "A", "quantity": 2, "orders": 2}, {"sku": "B", "quantity": 2, "orders": 1}]
    text = pdf_text(printing.packing_slips_pdf(data, AT, lang="en"))
    assert "Packing slip | solo" in text
    assert "Packing slip | m1 | One parcel: m1, m2" in text
    assert text.count("Packing slip |") == 2
    orders, items = printing.slip_frames(data, "en")
    assert orders["Parcel"].tolist() == ["", "One parcel: m1, m2"]
    assert items["Parcel"].tolist() == ["", "One parcel: m1, m2", "One parcel: m1, m2"]


def test_a_split_order_prints_a_slip_per_parcel(desk):
    A.record(desk, key("sp"), "split", by="Li", text=SPLIT)
    A.record(desk, key("sp"), "courier", by="Li", text="#2 ZTO ZT2")
    data = slips(desk, "sp", "solo")
    assert values(data.orders, ["order_id", "parcel_id", "parcel_no", "n_parcels", "courier",
                                "tracking_no"]) == [
        ["sp", "sp#1", 1, 2, None, None], ["sp", "sp#2", 2, 2, "ZTO", "ZT2"],
        ["solo", "solo", None, None, None, None]]
    assert data.lines[["parcel_id", "line_id", "sku", "quantity"]].values.tolist() == [
        ["sp#1", "1", "A", 1], ["sp#2", "1", "A", 1], ["sp#2", "2", "B", 1],
        ["solo", "1", "A", 1]]
    assert plain(data.pick[["sku", "quantity", "orders"]]) == [   # the order's, whole
        {"sku": "A", "quantity": 3, "orders": 2}, {"sku": "B", "quantity": 1, "orders": 1}]
    text = pdf_text(printing.packing_slips_pdf(data, AT, lang="en"))
    assert "Packing slip | sp | parcel 1 of 2" in text
    assert "Packing slip | sp | parcel 2 of 2" in text
    zh = pdf_text(printing.packing_slips_pdf(data, AT, size="label"))
    assert "发货单 | sp | 包裹 2/2" in zh
    orders, items = printing.slip_frames(data, "zh")
    assert orders["包裹"].tolist() == ["包裹 1/2", "包裹 2/2", ""]
    assert items["数量"].tolist() == [1, 1, 1, 1]


# ---------------------------------------------------------------------------------------------
# Command line


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cli.duckdb"
    s = Store(path)
    load(s, ORDERS, LINES)
    s.close()
    return str(path)


def test_cli_merge_split_and_a_parcels_courier(db, capsys):
    assert main(["--db", db, "action", "m1", "merge", "--by", "Li", "--text", "m2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("merge recorded on order m1 (s1) by Li at ")
    assert out.rstrip().endswith("event #1")
    assert main(["--db", db, "action", "m2", "courier", "--text", "SF SF5"]) == 0
    assert capsys.readouterr().out.startswith("courier recorded on order m2 (s1) by cli at ")
    assert main(["--db", db, "action", "sp", "split", "--text", SPLIT]) == 0
    assert capsys.readouterr().out.rstrip().endswith("event #4")
    assert main(["--db", db, "action", "sp", "courier", "--text", "#1 SF SF1"]) == 0
    assert main(["--db", db, "action", "sp", "courier", "--text", "#2 SF SF2"]) == 0
    capsys.readouterr()
    s = Store(db)
    assert state_of(s, "m1", "m2", "sp") == [("m1", "paid_processed", "SF", "SF5", True),
                                            ("m2", "paid_processed", "SF", "SF5", True),
                                            ("sp", "shipped", "SF", "SF1, SF2", False)]
    s.close()


def test_cli_refused_merge_and_split_are_one_line_exit_2(db, capsys):
    assert main(["--db", db, "action", "m1", "merge", "--text", "m3"]) == 2
    got = capsys.readouterr()
    assert (got.out, got.err) == ("", "error: cannot merge order m1 (taobao/s1): it goes to "
                                      "another address than order m3\n")
    assert main(["--db", db, "action", "sp", "split", "--text", "two parcels"]) == 2
    got = capsys.readouterr()
    assert got.err == ('error: cannot split order sp (taobao/s1): it gives parcels not written '
                       'as JSON of the form [{"lines": {"1": 1}}, {"lines": {"2": 1}}]\n')


def test_a_split_without_a_text_says_what_it_needs(desk):
    with pytest.raises(A.ActionError) as err:
        A.record(desk, key("sp"), "split", by="Li")
    assert str(err.value) == ('cannot split order sp (taobao/s1): it needs a text: the parcels '
                              'as JSON: [{"lines": {"LINE_ID": PIECES}}, ...]')
    assert err.value.args[0].words("zh") == (
        '不能拆分订单 sp (taobao/s1)：需要填写各包裹的商品，JSON 格式：[{"lines": {"行号": 件数}}, …]')


# ---------------------------------------------------------------------------------------------
# Replaying the log: any run of parcel actions and undos gives the state acting gave, and a
# merged parcel's orders always share one courier and tracking number.

STEP = st.sampled_from([
    ("m1", "merge", "m2"), ("sq", "merge", "sp"), ("sp", "split", SPLIT),
    ("m1", "courier", "SF S1"), ("m2", "courier", "ZTO Z2"), ("sq", "courier", "SF S3"),
    ("sp", "courier", "#1 ZTO Z1"), ("sp", "courier", "#2 SF S2"),
    ("m1", "undo", None), ("m2", "undo", None), ("sp", "undo", None), ("sq", "undo", None),
    ("m2", "process", None),
])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=8))
def test_replaying_parcel_actions_gives_the_same_state(steps):
    store = Store(":memory:")
    try:
        load(store, ORDERS, LINES)
        # from a merged parcel and a split order: the random steps act on them, undo them, ...
        for order_id, action, text in [("m1", "merge", "m2"), ("sp", "split", SPLIT), *steps]:
            with contextlib.suppress(A.ActionError):
                A.record(store, key(order_id), action, by="p", text=text)
        acted = A.current_state(store.cursor())
        pd.testing.assert_frame_equal(A.replay_state(store.cursor()), acted)
        shipping = acted.set_index("order_id")[["courier", "tracking_no"]]
        shipping = shipping.astype(object).where(shipping.notna(), None)
        for _, part in P.merge_groups(store.cursor()).groupby("parcel_id"):
            assert len({tuple(shipping.loc[o]) for o in part["order_id"]}) == 1
    finally:
        store.close()
