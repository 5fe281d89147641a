"""抖店, 拼多多 (and its after-sales file) and 京东 exports, generated from DESIGN §9's column
lists, read and imported through the real store; detection against the other layouts."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.formats import REQUIRED, detect, detect_layout, douyin, pinduoduo, read_export
from pipeline.ingest.formats import jd as jd_format
from pipeline.ingest.importing import import_bytes
from tests.conftest import states
from tests.test_formats import NEW_ITEMS, ORDER_2020

# ---------------------------------------------------------------------------------------------
# Writing exports


def csv_bytes(header: list[str], rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return out.getvalue().encode(encoding)


def xlsx_bytes(header: list[str], rows: list[dict], title: str = "Sheet1",
               before: list[list[str]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    if before is not None:          # another sheet first, as a workbook may have
        ws.title = "汇总"
        for r in before:
            ws.append(r)
        ws = book.create_sheet(title)
    else:
        ws.title = title
    ws.append(header)
    for r in rows:   # a workbook holds the value itself, never the CSV's `="…"` text trick
        ws.append([_unwrap(r.get(h, "")) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unwrap(value: str) -> str:
    return value[2:-1] if value.startswith('="') and value.endswith('"') else value


def encoded(kind: str, header: list[str], rows: list[dict]) -> tuple[str, bytes]:
    if kind == "xlsx":
        return "export.xlsx", xlsx_bytes(header, rows)
    return f"export_{kind}.csv", csv_bytes(header, rows, kind)


ENCODINGS = ["utf-8-sig", "gb18030", "xlsx"]


def imported(store, name: str, data: bytes):
    result = import_bytes(store, name, data)
    assert result.status == "imported", (result.message, result.rejects)
    return result


def amounts(store) -> dict[str, tuple]:
    """order_id -> (order_total, paid, refunded) as floats (None when empty)."""
    rows = store.cursor().execute(
        "select order_id, order_total, paid, refunded from orders").fetchall()
    return {r[0]: tuple(None if v is None else float(v) for v in r[1:]) for r in rows}


def partial_refunds(store) -> set[str]:
    return {r[0] for r in store.cursor().execute(
        "select order_id from order_state where partial_refund").fetchall()}


def import_notes(store) -> str:
    return store.cursor().execute(
        "select notes from imports order by import_id desc limit 1").fetchall()[0][0] or ""


# ---------------------------------------------------------------------------------------------
# 抖店

DOUYIN = [
    "主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商家编码", "订单应付金额", "运费",
    "收件人", "收件人手机号", "详细地址", "订单提交时间", "支付完成时间", "商家备注", "订单完成时间",
    "订单状态", "售后状态", "取消原因", "发货时间", "平台实际承担优惠金额", "商家实际承担优惠金额",
    "达人实际承担优惠金额", "商品ID", "商品金额", "支付方式", "订单类型", "买家留言", "快递信息",
    "省", "市", "区", "街道",
]

_dy_lines = iter(range(1, 1000))


def dy(order: str, status: str, charge: str = "30.00", paid: bool = True, after: str = "-",
       **extra: str) -> dict:
    """One sub-order row, ids tab-prefixed, empties `-`, the receiver masked."""
    row = {
        "主订单编号": f"\t69175284163180{order}", "子订单编号": f"\t7{order}{next(_dy_lines):04d}",
        "选购商品": "丝绒口红", "商品规格": "01 正红", "商品数量": "1", "商家编码": "LIP-01",
        "订单应付金额": charge, "运费": "0.00", "收件人": "##密文", "收件人手机号": "$$密文",
        "详细地址": "##密文", "订单提交时间": "2024-03-01 08:00:00",
        "支付完成时间": "2024-03-01 08:01:00" if paid else "-", "商家备注": "-",
        "订单完成时间": "-", "订单状态": status, "售后状态": after, "取消原因": "-", "发货时间": "-",
        "平台实际承担优惠金额": "0.00", "商家实际承担优惠金额": "0.00", "达人实际承担优惠金额": "0.00",
        "商品ID": "3600000000001", "商品金额": charge, "支付方式": "在线支付", "订单类型": "普通订单",
        "买家留言": "-", "快递信息": "-", "省": "##密文", "市": "##密文", "区": "##密文",
        "街道": "##密文",
    }
    row.update(extra)
    return row


def douyin_rows() -> list[dict]:
    shipped = {"发货时间": "2024-03-02 10:00:00"}
    done = {**shipped, "订单完成时间": "2024-03-05 10:00:00"}
    return [
        dy("01", "待支付", paid=False),
        dy("02", "待发货", "30.00"), dy("02", "待发货", "20.00"),
        dy("03", "备货中"),
        dy("04", "已发货", **shipped),
        dy("05", "已完成", **done),
        dy("06", "已关闭", paid=False, 取消原因="买家取消"),
        dy("07", "已关闭"),
        dy("08", "已完成", "40.00", **done), dy("08", "已完成", "10.00", after="退款成功", **done),
        dy("09", "已发货", "15.00", after="退款成功", **shipped),
        dy("09", "已发货", "25.00", after="退款成功", **shipped),
        dy("10", "待发货", after="售后待处理"),
        dy("11", "待发货", after="退款中"),
        dy("12", "已发货", after="待退货", **shipped),
        dy("13", "已发货", after="待商家收货", **shipped),
        dy("14", "待发货", after="售后关闭"),
        dy("15", "待发货", after="无售后", 主订单编号='="6917528416318015"'),
        dy("16", "待发货", paid=False, 支付方式="货到付款"),
        dy("17", "待审核"), dy("17", "待审核", "5.00", 选购商品="小样 赠品", 订单应付金额="0.00"),
        dy("18", "待审核", paid=False),
        dy("19", "已发货", "30.00", **shipped), dy("19", "待发货", "20.00"),
        dy("20", "待发货", 平台实际承担优惠金额="3.00", 达人实际承担优惠金额="2.00"),
    ]


def did(order: str) -> str:
    return f"69175284163180{order}"


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

PDD = [
    "商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)",
    "多多支付立减金额(元)", "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "发货时间",
    "确认收货时间", "商品id", "商品规格", "样式ID", "商家编码-规格维度", "商家编码-商品维度", "商家备注",
    "售后状态", "快递单号", "快递公司", "订单成交时间", "订单付款时间",
]


def pdd(order: str, status: str, paid: bool = True, after: str = "无售后或售后取消",
        **extra: str) -> dict:
    row = {
        "商品": "补水面膜", "订单号": f"240801-1234567890123{order}", "订单状态": status,
        "商品总价(元)": "100.00", "邮费(元)": "5.00", "店铺优惠折扣(元)": "10.00",
        "平台优惠折扣(元)": "3.00", "多多支付立减金额(元)": "2.00",
        "用户实付金额(元)": "90.00" if paid else "0.00", "商家实收金额(元)": "88.00",
        "商品数量(件)": "2", "发货时间": "-", "确认收货时间": "-", "商品id": "\t1001",
        "商品规格": "10片装", "样式ID": "\t2001", "商家编码-规格维度": "MASK-10",
        "商家编码-商品维度": "MASK", "商家备注": "-", "售后状态": after, "快递单号": "-",
        "快递公司": "-", "订单成交时间": "2024-08-01 10:00:00",
        "订单付款时间": "2024-08-01 10:00:30" if paid else "-",
    }
    row.update(extra)
    return row


def pid(order: str) -> str:
    return f"240801-1234567890123{order}"


def pdd_rows() -> list[dict]:
    shipped = {"发货时间": "2024-08-02 09:00:00", "快递单号": "\tYT7531234567890",
               "快递公司": "圆通快递"}
    return [
        pdd("01", "待发货", 订单成交时间=""),                 # created = 订单付款时间
        pdd("02", "已发货，待收货", **shipped),
        pdd("03", "已收货", **shipped, 确认收货时间="2024-08-05 09:00:00"),
        pdd("04", "已签收", **shipped),
        pdd("05", "已取消", paid=False),
        pdd("06", "已取消"),
        pdd("07", "已发货，退款成功", **shipped, 售后状态="退款成功"),
        pdd("08", "未发货,退款成功", 售后状态="退款成功"),
        pdd("09", "待发货", after="退款中"),
        pdd("10", "待发货", **{"商家编码-规格维度": "-"}),   # SKU: 商家编码-商品维度
        pdd("11", "待成团"),
        pdd("12", "待成团"),
        pdd("13", "待发货"),
    ]


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


REFUNDS = ["售后编号", "订单编号", "交易金额", "退款金额", "售后状态", "申请时间", "同意退款时间"]


def refund(n: int, order: str, amount: str, status: str, agreed: bool = True) -> dict:
    return {"售后编号": f"\t{9000 + n}", "订单编号": pid(order), "交易金额": "90.00",
            "退款金额": amount, "售后状态": status, "申请时间": "2024-08-03 10:00:00",
            "同意退款时间": "2024-08-03 12:00:00" if agreed else "-"}


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

JD = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额",
    "余额支付", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注",
    "发票类型", "发票抬头", "发票内容", "商家备注", "商家备注等级（等级1-5为由高到低）", "运费金额",
    "付款确认时间", "增值税发票", "货号", "订单完成时间", "订单来源", "订单渠道",
]


def jd(order: str, status: str, paid: bool = True, **extra: str) -> dict:
    row = {
        "订单号": f'="2851234567{order}"', "商品ID": "\t100012345678", "商品名称": "氨基酸洗面奶",
        "订购数量": "1", "支付方式": "在线支付", "下单时间": "2024-05-01 10:00:00", "京东价": "59.00",
        "订单金额": "118.00", "结算金额": "100.00", "余额支付": "0.00", "应付金额": "108.00",
        "订单状态": status, "订单类型": "SOP", "下单帐号": "jd_buyer", "客户姓名": "****",
        "客户地址": "****", "联系电话": "138****0000", "订单备注": "-", "发票类型": "-",
        "发票抬头": "-", "发票内容": "-", "商家备注": "-", "商家备注等级（等级1-5为由高到低）": "-",
        "运费金额": "0.00", "付款确认时间": "2024-05-01 10:01:00" if paid else "-",
        "增值税发票": "-", "货号": "FACE-120", "订单完成时间": "-", "订单来源": "移动端",
        "订单渠道": "京东",
    }
    row.update(extra)
    return row


def jid(order: str) -> str:
    return f"2851234567{order}"


def jd_rows() -> list[dict]:
    return [
        jd("01", "等待付款", paid=False),
        jd("02", "等待出库", 订单备注="请用顺丰"),
        jd("02", "等待出库", 商品名称="小样 赠品", 京东价="0.00", 货号="-"),
        jd("03", "等待确认收货"),
        jd("04", "完成", 订单完成时间="2024-05-04 10:00:00"),
        jd("05", "已取消", paid=False),
        jd("06", "取消"),
        jd("07", "锁定"),
        jd("08", "等待出库", paid=False, 支付方式="货到付款"),
        jd("09", "等待确认收货", paid=False, 支付方式="货到付款"),
        jd("10", "暂停"),
    ]


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
