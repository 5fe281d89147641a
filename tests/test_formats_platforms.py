"""抖店, 拼多多 (and its after-sales file) and 京东 exports, generated from DESIGN §9's column
lists, read and imported through the real store; detection against the other layouts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.formats import REQUIRED, detect, detect_layout, douyin, pinduoduo, read_export
from pipeline.ingest.formats import jd as jd_format
from pipeline.ingest.importing import import_bytes
from tests.conftest import states
from tests.factories import (
    DOUYIN,
    ENCODINGS,
    JD,
    NEW_ITEMS,
    ORDER_2020,
    PDD,
    REFUNDS,
    csv_bytes,
    did,
    douyin_rows,
    dy,
    encoded,
    imported,
    jd_rows,
    jid,
    partial_refunds,
    pdd,
    pdd_rows,
    pid,
    refund,
    xlsx_bytes,
)

# ---------------------------------------------------------------------------------------------
# Writing exports


def amounts(store) -> dict[str, tuple]:
    """order_id -> (order_total, paid, refunded) as floats (None when empty)."""
    rows = store.cursor().execute(
        "select order_id, order_total, paid, refunded from orders").fetchall()
    return {r[0]: tuple(None if v is None else float(v) for v in r[1:]) for r in rows}


def import_notes(store) -> str:
    return store.cursor().execute(
        "select notes from imports order by import_id desc limit 1").fetchall()[0][0] or ""


# ---------------------------------------------------------------------------------------------
# 抖店

DOUYIN_STATES = {
    did("01"): "unconfirmed_unpaid",
    did("02"): "paid_unprocessed",
    did("03"): "paid_unprocessed",
    did("04"): "shipped",
    did("05"): "completed",
    did("06"): "closed",
    did("07"): "refunded",
    did("08"): "completed",          # one of two sub-orders refunded: a partial refund
    did("09"): "refunded",           # every sub-order 退款成功
    did("10"): "refunding",
    did("11"): "refunding",
    did("12"): "refunding",
    did("13"): "refunding",
    did("14"): "paid_unprocessed",
    "6917528416318015": "paid_unprocessed",
    did("16"): "confirmed_unpaid",   # cash on delivery, waiting to ship
    did("17"): "paid_unprocessed",   # unknown word: read from its payment time
    did("18"): "unconfirmed_unpaid",
    did("19"): "shipped",            # partly shipped
    did("20"): "paid_unprocessed",
}


@pytest.mark.parametrize("kind", ENCODINGS)
def test_douyin_every_status_word_through_the_store(store, kind):
    name, data = encoded(kind, DOUYIN, douyin_rows())
    result = imported(store, name, data)
    assert result.layout == "douyin_orders"
    assert states(store) == DOUYIN_STATES
    money = amounts(store)
    assert money[did("02")] == (50.0, 50.0, 0.0)       # the order total: its sub-orders' sum
    assert money[did("01")] == (30.0, 0.0, 0.0)        # never paid
    assert money[did("08")] == (50.0, 50.0, 10.0)      # the refunded sub-order's 订单应付金额
    assert money[did("09")] == (40.0, 40.0, 40.0)
    assert partial_refunds(store) == {did("08")}
    con = store.cursor()
    lines = con.execute(
        "select order_id, line_id, sku, title, quantity, refund_norm, is_gift from order_lines "
        "where order_id in (?, ?) order by line_id", [did("08"), did("17")]).fetchall()
    assert [(o, s, t, q, r, g) for o, _, s, t, q, r, g in lines] == [
        (did("08"), "LIP-01", "丝绒口红 01 正红", 1, "none", False),
        (did("08"), "LIP-01", "丝绒口红 01 正红", 1, "success", False),
        (did("17"), "LIP-01", "丝绒口红 01 正红", 1, "none", False),
        (did("17"), "LIP-01", "小样 赠品 01 正红", 1, "none", True),
    ]
    assert all(line_id.startswith("7") for _, line_id, *_ in lines)
    shop, currency, platform, receiver, address, discount = con.execute(
        "select shop, currency, platform, receiver, address, discount from orders "
        "where order_id = ?", [did("20")]).fetchall()[0]
    assert (shop, currency, platform, receiver, address) == ("", "CNY", "douyin", "##密文", "##密文")
    assert float(discount) == 5.0
    assert con.execute("select partial_ship from order_state where order_id = ?",
                       [did("19")]).fetchall() == [(True,)]
    note = "unknown 订单状态 '待审核' on 2 orders; read from payment/shipping times"
    assert note in result.message and note in import_notes(store)


def test_douyin_masked_receivers_get_no_address_mark(store):
    from datetime import datetime

    from pipeline.base.filters import Filters
    from pipeline.desk.problems import open_problems

    rows = [dy("02", "待发货"), dy("03", "待发货", 详细地址="同上", 省="-", 市="-", 区="-")]
    imported(store, "dy.csv", csv_bytes(DOUYIN, rows))
    marks = open_problems(store.cursor(), Filters(), datetime(2024, 3, 1, 12))
    assert set(marks.loc[marks["problem"] == "address", "order_id"]) == {did("03")}


def test_douyin_is_not_taken_for_a_taobao_item_report():
    assert detect_layout(DOUYIN) == "douyin_orders"
    assert detect_layout(["主订单编号", "子订单编号", "商家编码", "订单状态", "订单提交时间",
                          "订单应付金额"]) == "douyin_orders"
    # the Taobao item report, which shares 主订单编号 and 子订单编号, is still itself
    assert detect_layout(NEW_ITEMS) == "taobao_items"
    assert detect_layout(["主订单编号", "子订单编号"]) == "taobao_items"
    assert detect_layout([h.strip() for h in ORDER_2020]) == "taobao_orders"


def test_douyin_bad_amount_rejects_its_whole_order():
    rows = [dy("02", "待发货", "30.00"), dy("02", "待发货", "lots"), dy("03", "待发货")]
    parsed = read_export("dy.csv", csv_bytes(DOUYIN, rows))
    assert sorted((r.row, r.column) for r in parsed.rejects) == [(2, "主订单编号"),
                                                                 (3, "订单应付金额")]
    assert parsed.frames["orders"].order_id.tolist() == [did("03")]
    assert parsed.frames["order_lines"].order_id.tolist() == [did("03")]


# ---------------------------------------------------------------------------------------------
# 拼多多

PDD_STATES = {
    pid("01"): "paid_unprocessed",
    pid("02"): "shipped",
    pid("03"): "completed",
    pid("04"): "completed",
    pid("05"): "closed",
    pid("06"): "refunded",
    pid("07"): "refunded",
    pid("08"): "refunded",
    pid("09"): "refunding",
    pid("10"): "paid_unprocessed",
    pid("11"): "paid_unprocessed",   # unknown word: read from its payment time
    pid("12"): "paid_unprocessed",
    pid("13"): "paid_unprocessed",
}


@pytest.mark.parametrize("kind", ENCODINGS)
def test_pinduoduo_every_status_word_through_the_store(store, kind):
    name, data = encoded(kind, PDD, pdd_rows())
    result = imported(store, name, data)
    assert result.layout == "pinduoduo_orders"
    assert states(store) == PDD_STATES
    money = amounts(store)
    assert money[pid("01")][:2] == (90.0, 90.0)   # 100 + 5 − 10 − 3 − 2; 用户实付金额
    assert money[pid("05")][:2] == (90.0, 0.0)
    con = store.cursor()
    created, tracking, platform, currency = con.execute(
        "select created_at, tracking_no, platform, currency from orders where order_id = ?",
        [pid("01")]).fetchall()[0]
    assert str(created) == "2024-08-01 10:00:30" and tracking is None
    assert (platform, currency) == ("pinduoduo", "CNY")
    assert con.execute("select tracking_no from orders where order_id = ?",
                       [pid("02")]).fetchall() == [("YT7531234567890",)]
    skus = dict(con.execute("select order_id, sku from order_lines").fetchall())
    assert skus[pid("01")] == "MASK-10" and skus[pid("10")] == "MASK"
    note = "unknown 订单状态 '待成团' on 2 orders; read from payment/shipping times"
    assert note in result.message and note in import_notes(store)


def test_pinduoduo_after_sales_file_sets_refunds(store):
    imported(store, "pdd.csv", csv_bytes(PDD, pdd_rows()))
    rows = [
        refund(1, "02", "20.00", "退款成功"),              # shipped, partly refunded
        refund(2, "03", "50.00", "退款成功"),
        refund(3, "03", "40.00", "退款成功"),              # two refunds reach what was paid
        refund(4, "13", "90.00", "待商家处理", agreed=False),  # in progress
        refund(5, "10", "30.00", "售后关闭", agreed=False),    # closed: nothing refunded
        refund(6, "04", "10.00", "平台介入中", agreed=False),  # unknown: read from its times
    ]
    data = xlsx_bytes(REFUNDS, rows, title="售后信息", before=[["统计", "数量"], ["售后单", "6"]])
    result = imported(store, "售后.xlsx", data)
    assert result.layout == "pinduoduo_refunds"
    got = states(store)
    assert {k: got[k] for k in (pid("02"), pid("03"), pid("13"), pid("10"), pid("04"))} == {
        pid("02"): "shipped", pid("03"): "refunded", pid("13"): "refunding",
        pid("10"): "paid_unprocessed", pid("04"): "refunding"}
    money = amounts(store)
    assert money[pid("02")] == (90.0, 90.0, 20.0)
    assert money[pid("03")] == (90.0, 90.0, 90.0)
    assert money[pid("10")][2] == 0.0
    assert pid("02") in partial_refunds(store)
    assert "unknown 售后状态 '平台介入中' on 1 order; read from 申请时间/同意退款时间" in result.message
    # a later order export keeps the refunded amounts (it carries none)
    again = pdd_rows() + [pdd("14", "待发货")]
    imported(store, "pdd2.csv", csv_bytes(PDD, again))
    assert amounts(store)[pid("02")] == (90.0, 90.0, 20.0)
    assert states(store)[pid("03")] == "refunded"
    count = store.cursor().execute("select count(*) from orders where created_at is null")
    assert count.fetchall() == [(0,)]


# ---------------------------------------------------------------------------------------------
# 京东

JD_STATES = {
    jid("01"): "unconfirmed_unpaid",
    jid("02"): "paid_unprocessed",
    jid("03"): "shipped",
    jid("04"): "completed",
    jid("05"): "closed",
    jid("06"): "refunded",
    jid("07"): "refunding",
    jid("08"): "confirmed_unpaid",
    jid("09"): "shipped",
    jid("10"): "paid_unprocessed",
}


@pytest.mark.parametrize("kind", ENCODINGS)
def test_jd_every_status_word_through_the_store(store, kind):
    name, data = encoded(kind, JD, jd_rows())
    result = imported(store, name, data)
    assert result.layout == "jd_orders"
    assert states(store) == JD_STATES
    money = amounts(store)
    assert money[jid("02")][:2] == (108.0, 108.0)   # 应付金额 once per order, not per row
    assert money[jid("01")][:2] == (108.0, 0.0)
    assert money[jid("08")][:2] == (108.0, 0.0)
    con = store.cursor()
    lines = con.execute("select sku, title, is_gift from order_lines where order_id = ? "
                        "order by line_id", [jid("02")]).fetchall()
    assert lines == [("FACE-120", "氨基酸洗面奶", False), ("100012345678", "小样 赠品", True)]
    message, cod = con.execute("select buyer_message, is_cod from orders where order_id = ?",
                               [jid("02")]).fetchall()[0]
    assert (message, cod) == ("请用顺丰", False)
    assert con.execute("select is_cod from orders where order_id = ?",
                       [jid("08")]).fetchall() == [(True,)]
    note = "unknown 订单状态 '暂停' on 1 order; read from payment/shipping times"
    assert note in result.message and note in import_notes(store)


# ---------------------------------------------------------------------------------------------
# Subsets, detection, refusals


@pytest.mark.parametrize(("header", "row", "layout", "order_id"), [
    (["主订单编号", "订单提交时间"], ["\t6917528416318099", "2024-03-01 08:00:00"],
     "douyin_orders", "6917528416318099"),
    (["订单号", "订单成交时间"], ["240801-999", "2024-08-01 10:00:00"],
     "pinduoduo_orders", "240801-999"),
    (["订单号", "下单时间"], ['="285999"', "2024-05-01 10:00:00"], "jd_orders", "285999"),
])
def test_a_subset_keeping_id_and_creation_time(store, header, row, layout, order_id):
    data = csv_bytes(header, [dict(zip(header, row, strict=True))])
    result = imported(store, "subset.csv", data)
    assert result.layout == layout
    assert states(store) == {order_id: "unconfirmed_unpaid"}


def test_a_subset_without_the_creation_time_is_refused(store):
    header = ["主订单编号", "订单应付金额", "订单状态"]
    result = import_bytes(store, "dy.csv", csv_bytes(header, [
        {"主订单编号": "1", "订单应付金额": "1", "订单状态": "待发货"}]))
    assert result.status == "refused"
    assert "douyin_orders" in result.message and "订单提交时间" in result.message


def test_an_ambiguous_file_is_refused_naming_the_candidates(store):
    header = ["订单号", "下单时间", "订单成交时间"]
    assert detect(header) == (None, ["pinduoduo_orders", "jd_orders"])
    result = import_bytes(store, "which.csv", csv_bytes(header, [
        {"订单号": "1", "下单时间": "2024-05-01 10:00:00", "订单成交时间": "2024-05-01 10:00:00"}]))
    assert result.status == "refused"
    assert "pinduoduo_orders" in result.message and "jd_orders" in result.message
    assert store.cursor().execute("select count(*) from orders").fetchall() == [(0,)]


def test_whole_exports_are_never_taken_for_another_platform():
    assert detect_layout(PDD) == "pinduoduo_orders"
    assert detect_layout(JD) == "jd_orders"
    assert detect_layout(REFUNDS) == "pinduoduo_refunds"
    # PDD and JD share 订单号, 订单状态, 商品id, 商家备注; the rest of the row decides
    assert detect(["订单号", "订单状态", "商品id", "订单成交时间", "发货时间", "下单时间"]) == (
        "pinduoduo_orders", [])


# ---------------------------------------------------------------------------------------------
# Unknown words of the other layouts, with their counts


def test_taobao_and_template_unknown_words_name_their_counts():
    header = ["订单编号", "订单创建时间", "订单状态"]
    rows = [{"订单编号": str(i), "订单创建时间": "2024-01-01 10:00:00", "订单状态": w}
            for i, w in enumerate(["火星状态", "火星状态", "月球状态", "交易成功"], start=1)]
    parsed = read_export("taobao.csv", csv_bytes(header, rows))
    assert parsed.notes == ["unknown 订单状态 '火星状态' on 2 orders, '月球状态' on 1 order; "
                            "read from payment/shipping times"]
    template = ("order_id,created_at,status\nA1,2024-05-01 10:00,paid\n"
                "A2,2024-05-01 10:00,待审核\nA3,2024-05-01 10:00,待审核\n")
    parsed = read_export("orders.csv", template.encode())
    assert parsed.notes == ["unknown status '待审核' on 2 orders; read from payment/shipping times"]
    lines = "order_id,sku,quantity,refund_status\nA1,S,1,退款中\nA1,T,1,谈判中\n"
    parsed = read_export("lines.csv", lines.encode())
    assert parsed.notes == ["unknown refund_status '谈判中' on 1 line; "
                            "taken as no refund in progress"]


PLATFORM_HEADERS = {"douyin_orders": douyin.HEADERS, "pinduoduo_orders": pinduoduo.HEADERS,
                    "jd_orders": jd_format.HEADERS}


@settings(max_examples=300, deadline=None)
@given(data=st.data(), layout=st.sampled_from(sorted(PLATFORM_HEADERS)))
def test_any_subset_keeping_id_and_creation_time_is_its_platform(data, layout):
    required = [data.draw(st.sampled_from(group)) for group in REQUIRED[layout]]
    rest = data.draw(st.lists(st.sampled_from(PLATFORM_HEADERS[layout]), max_size=12))
    headers = list(dict.fromkeys(required + rest))
    assert detect(headers) == (layout, [])
