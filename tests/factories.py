"""Shared test data: hand-made rows, export files written from their column lists, and the
helpers that build and read them. Every test module takes what it shares from here (a test
module never imports another)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import zipfile
import zlib

import openpyxl
import pandas as pd

from pipeline.base import canonical as C
from pipeline.db.states import refresh_states
from pipeline.ingest.importing import apply_parsed, import_bytes
from tests.conftest import frame

# ---------------------------------------------------------------------------------------------
# Orders and events

ADDR = {"province": "广东省", "city": "广州市", "district": "越秀区", "address": "解放中路100号"}


def event(store, order_id, action, at, text=None, kind=None, by="ann", shop="s1"):
    """Append one event as the actions module would, and refresh the order's state."""
    with store.write() as cur:
        cur.execute(
            "insert into events (event_id, platform, shop, order_id, action, text, kind, "
            "target_event, author, acted_at) "
            "values (nextval('event_seq'), 'taobao', ?, ?, ?, ?, ?, null, ?, ?)",
            [shop, order_id, action, text, kind, by, at],
        )
        refresh_states(cur, pd.DataFrame(
            {"platform": ["taobao"], "shop": [shop], "order_id": [order_id]}))


# ---------------------------------------------------------------------------------------------
# Stock and bundles


def put(store, stock=(), bundles=()):
    """Import stock rows (sku, available[, on_hand, reserved, warehouse]) and bundle rows as one
    file would."""
    frames = {}
    if stock:
        frames["stock"] = frame([{"warehouse": "", "on_hand": None, "reserved": None, **r}
                                 for r in stock])
    if bundles:
        frames["bundles"] = frame(list(bundles))
    digest = hashlib.sha256(repr((stock, bundles)).encode()).hexdigest()
    apply_parsed(store, C.Parsed("test", frames, rows_read=len(stock) + len(bundles)),
                 "stock", digest, "test")


PAID = {"status_norm": "paid"}


def waiting(order_id: str, paid_at: str, **facts) -> dict:
    return {"order_id": order_id, "created_at": paid_at, "paid_at": paid_at, **PAID, **facts}


def line(order_id: str, sku: str, quantity: int, line_id: str = "1", **facts) -> dict:
    return {"order_id": order_id, "line_id": line_id, "sku": sku, "quantity": quantity, **facts}


SHORT_ORDERS = [
    waiting("w1", "2026-11-20 10:00"),
    waiting("w2", "2026-11-20 11:00"),
    waiting("w3", "2026-11-20 12:00"),
    waiting("w4", "2026-11-20 13:00"),
    {"order_id": "done", "created_at": "2026-11-19 09:00", "paid_at": "2026-11-19 09:00",
     "status_norm": "shipped"},
]
SHORT_LINES = [
    line("w1", "A", 2), line("w2", "A", 2, title="精华"), line("w3", "SET", 1),
    line("w4", "A", 1), line("done", "A", 50),
]


# ---------------------------------------------------------------------------------------------
# Promotions: order types, a period against its baseline

TYPE_ORDERS = [
    {"order_id": "o1", "created_at": "2026-10-01 10:00"},
    {"order_id": "o2", "created_at": "2026-10-01 10:00"},
    {"order_id": "o3", "created_at": "2026-10-01 10:00"},
    {"order_id": "o4", "created_at": "2026-10-01 10:00", "promo_code": "X11"},
    {"order_id": "o5", "created_at": "2026-10-01 10:00", "discount": 5},
    {"order_id": "o6", "created_at": "2026-10-01 10:00"},
    {"order_id": "o7", "created_at": "2026-11-11 00:00"},
    {"order_id": "o8", "created_at": "2026-10-01 10:00", "discount": 0, "promo_code": " "},
    {"order_id": "o9", "created_at": "2026-10-01 10:00", "shop": "s2"},
    {"order_id": "o10", "created_at": "2026-11-12 00:00"},
]
TYPE_LINES = [
    # a free gift line does not make a combo
    {"order_id": "o1", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 10},
    {"order_id": "o1", "line_id": "2", "sku": "G", "quantity": 1, "unit_price": 0},
    # a bundle SKU listed in the bundles table, whatever its title says
    {"order_id": "o2", "line_id": "1", "sku": "SET1", "title": "Cream", "quantity": 1,
     "unit_price": 99},
    {"order_id": "o3", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 10},
    {"order_id": "o3", "line_id": "2", "sku": "B", "quantity": 2, "unit_price": 20},
    {"order_id": "o6", "line_id": "1", "sku": "A", "quantity": 1, "is_promo": True},
    # a marked gift with a price; the same SKU twice is not a combo
    {"order_id": "o8", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 10},
    {"order_id": "o8", "line_id": "2", "sku": "A", "quantity": 1, "unit_price": 10},
    {"order_id": "o8", "line_id": "3", "sku": "S", "quantity": 1, "unit_price": 5,
     "is_gift": True},
    {"order_id": "o9", "shop": "s2", "line_id": "1", "sku": "K", "quantity": 1,
     "is_bundle_marked": True},
    {"order_id": "o10", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 10},
]


PERIOD_ORDERS = [
    {"order_id": "p1", "created_at": "2026-11-11 00:30", "paid_at": "2026-11-11 00:31",
     "status_norm": "shipped", "paid": 100, "order_total": 100},
    {"order_id": "p2", "created_at": "2026-11-11 01:10", "paid_at": "2026-11-11 01:11",
     "status_norm": "paid", "paid": 50, "order_total": 50},
    {"order_id": "p3", "created_at": "2026-11-11 01:50", "status_norm": "unpaid",
     "is_paid": False, "paid": 0, "order_total": 30},
    {"order_id": "p4", "created_at": "2026-11-11 03:59", "paid_at": "2026-11-11 03:59",
     "status_norm": "paid", "paid": 30, "order_total": 30},
    {"order_id": "b1", "created_at": "2026-11-10 21:00", "paid_at": "2026-11-10 21:00",
     "status_norm": "completed", "paid": 60, "order_total": 60},
    {"order_id": "b2", "created_at": "2026-11-10 23:59", "status_norm": "unpaid",
     "is_paid": False, "paid": 0, "order_total": 20},
    # just outside both windows
    {"order_id": "x1", "created_at": "2026-11-11 04:00", "paid_at": "2026-11-11 04:00",
     "status_norm": "paid", "paid": 999, "order_total": 999},
    {"order_id": "x2", "created_at": "2026-11-10 19:59", "paid_at": "2026-11-10 19:59",
     "status_norm": "paid", "paid": 999, "order_total": 999},
]
PERIOD_LINES = [
    {"order_id": "p1", "line_id": "1", "sku": "SET1", "title": "套装", "quantity": 2,
     "unit_price": 50},
    {"order_id": "p2", "line_id": "1", "sku": "A", "title": "面霜", "quantity": 1,
     "unit_price": 50},
    {"order_id": "p4", "line_id": "1", "sku": "A", "title": "面霜", "quantity": 2,
     "unit_price": 15},
    {"order_id": "p4", "line_id": "2", "sku": "G", "title": "小样", "quantity": 1,
     "unit_price": 0},
    {"order_id": "b1", "line_id": "1", "sku": "A", "title": "面霜", "quantity": 1,
     "unit_price": 60},
]


# ---------------------------------------------------------------------------------------------
# The overview's small store

OVERVIEW_ORDERS = [
    {"order_id": "a", "created_at": "2026-11-20 09:00", "paid_at": "2026-11-20 09:05",
     "status_norm": "paid", "order_total": 100, "paid": 100},
    {"order_id": "b", "created_at": "2026-11-20 12:00", "paid_at": "2026-11-20 12:01",
     "status_norm": "shipped", "order_total": 50, "paid": 50, "shop": "s2"},
    {"order_id": "c", "created_at": "2026-11-19 22:00", "status_norm": "unpaid",
     "is_paid": False, "order_total": 30, "paid": 0},
]


# ---------------------------------------------------------------------------------------------
# The order dialog run alone


def dialog_script():
    """Opens the dialog on the first run; later runs rerun only its body, as the dialog does
    (what it expects of the order stays as read when it opened)."""
    import streamlit as st

    from ui import order_dialog

    order_dialog.show_flash()
    if st.session_state.get("opened"):
        st.dialog("Order paid", width="large")(order_dialog._order_body)("taobao", "s1", "paid")
    else:
        st.session_state["opened"] = True
        order_dialog.open_order_dialog("taobao", "s1", "paid")


# ---------------------------------------------------------------------------------------------
# PDF: the text is read back from the content streams (no PDF library needed)


def pdf_text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF: its streams decoded, strings in the CID font (F2,
    UCS-2) read as UTF-16BE."""
    return "".join(pdf_strings(pdf))


def _unescape(m: re.Match) -> bytes:
    g = m.group(1)
    if g[:1].isdigit():
        return bytes([int(g, 8) & 0xFF])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(g, g)


def pdf_strings(pdf: bytes) -> list[str]:
    """Each string drawn by one text operator (a cell's line), decoded as in pdf_text."""
    out = []
    for m in re.finditer(rb"<<([^<>]*?)>>\s*stream\r?\n(.*?)\s*endstream", pdf, re.S):
        head, body = m.group(1), m.group(2)
        if b"ASCII85Decode" in head:
            body = base64.a85decode(body.strip().removesuffix(b"~>"))
        if b"FlateDecode" in head:
            body = zlib.decompress(body)
        font = None
        for t in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)", body, re.S):
            if t.group(1):
                font = t.group(1)
                continue
            raw = re.sub(rb"\\([0-7]{1,3}|.)", _unescape, t.group(2), flags=re.S)
            out.append(raw.decode("utf-16-be") if font == b"F2" else raw.decode("latin-1"))
    return out


# ---------------------------------------------------------------------------------------------
# Taobao files


def rows_csv(header: list[str], rows: list[list[str]], encoding: str = "utf-8",
             quoting: int = csv.QUOTE_ALL, trailing: str = "") -> bytes:
    """A CSV of `header` and `rows` given as lists, every field quoted unless told otherwise."""
    out = io.StringIO()
    w = csv.writer(out, quoting=quoting, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    text = out.getvalue()
    if trailing:
        lines = text.split("\r\n")
        text = "\r\n".join([lines[0]] + [ln + trailing if ln else ln for ln in lines[1:]])
    return text.encode(encoding)


ORDER_2017 = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分",
    "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言",
    "收货人姓名", "收货地址 ", "运送方式", "联系电话 ", "联系手机", "订单创建时间",
    "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注", "宝贝总数量",
    "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名",
    "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
    "退款金额", "预约门店",
]
ORDER_2018 = ORDER_2017[:44] + [
    "新零售交易类型", "新零售导购门店id", "新零售导购门店名称", "新零售发货门店id",
    "新零售发货门店名称", "退款金额", "预约门店", "确认收货时间", "打款商家金额",
]
_i = ORDER_2017.index("买家会员名") + 1
ORDER_2020 = (ORDER_2017[:_i] + ["买家会员昵称", "支付单号", "支付详情"] + ORDER_2017[_i:]
              + ["预售订单", "发货时间", "商家备忘", "主订单编号"])


NEW_ITEMS = ["子订单编号", "主订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性",
             "套餐信息", "备注", "订单状态", "商家编码", "支付单号", "买家应付货款",
             "买家实际支付金额", "退款状态", "退款金额", "订单创建时间", "订单付款时间"]


# ---------------------------------------------------------------------------------------------
# 抖店, 拼多多 and 京东 exports written from their column lists


def csv_bytes(header: list[str], rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    """A CSV of `header` and `rows` given as dicts by column name (a missing one is empty)."""
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


def partial_refunds(store) -> set[str]:
    return {r[0] for r in store.cursor().execute(
        "select order_id from order_state where partial_refund").fetchall()}


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


REFUNDS = ["售后编号", "订单编号", "交易金额", "退款金额", "售后状态", "申请时间", "同意退款时间"]


def refund(n: int, order: str, amount: str, status: str, agreed: bool = True) -> dict:
    return {"售后编号": f"\t{9000 + n}", "订单编号": pid(order), "交易金额": "90.00",
            "退款金额": amount, "售后状态": status, "申请时间": "2024-08-03 10:00:00",
            "同意退款时间": "2024-08-03 12:00:00" if agreed else "-"}


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


# ---------------------------------------------------------------------------------------------
# Orders in the desk's template, and files the desk refuses

TEMPLATE = ["order_id", "created_at", "status", "paid_at", "order_total", "paid", "address",
            "buyer_message", "seller_note"]
GOOD = [
    {"order_id": "4100000000000000001", "created_at": "2026-11-20 09:00:00",
     "status": "paid_unprocessed", "paid_at": "2026-11-20 09:05:00", "order_total": "10.00",
     "paid": "10.00", "address": "浙江省 杭州市 西湖区 文三路 1 号", "buyer_message": "你好",
     "seller_note": "加急"},
    {"order_id": "4100000000000000002", "created_at": "2026-11-20 10:00:00",
     "status": "unconfirmed_unpaid", "paid_at": "", "order_total": "20.00", "paid": "0.00",
     "address": "上海市 上海市 浦东新区 世纪大道 2 号", "buyer_message": "", "seller_note": ""},
    {"order_id": "4100000000000000003", "created_at": "2026-11-20 11:00:00",
     "status": "unconfirmed_unpaid", "paid_at": "", "order_total": "30.00", "paid": "0.00",
     "address": "广东省 深圳市 南山区 科技园南路 3 号", "buyer_message": "请周五前发货",
     "seller_note": "老客户送小样"},
]


def template_csv(rows: list[dict], encoding: str = "utf-8", columns: list[str] = TEMPLATE,
                 quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", quoting=quoting)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def _xlsx_with(parts: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">'
                    for i in range(1, 10))
          + "]>")
BOMB_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                           'package/2006/content-types"><Default Extension="xml" ContentType='
                           '"application/xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                       'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
                       'r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                                  'openxmlformats.org/package/2006/relationships"><Relationship '
                                  'Id="rId1" Type="http://schemas.openxmlformats.org/'
                                  'officeDocument/2006/relationships/worksheet" '
                                  'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                  'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                  '</Relationships>',
    "xl/sharedStrings.xml": LAUGHS + '<sst xmlns="http://schemas.openxmlformats.org/'
                            'spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>',
    "xl/worksheets/sheet1.xml": LAUGHS + '<worksheet xmlns="http://schemas.openxmlformats.org/'
                                'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
                                't="inlineStr"><is><t>order_id&lol9;</t></is></c></row>'
                                '</sheetData></worksheet>',
}


def _many_parts(count: int) -> bytes:
    """A small workbook-shaped zip of `count` entries."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in BOMB_PARTS.items():
            if "sharedStrings" not in name and "worksheets" not in name:
                z.writestr(name, text)
        for i in range(count - len(z.infolist())):
            z.writestr(f"xl/media/part{i}.xml", "")
    return buf.getvalue()


REFUSED = {
    "empty": (b"", "empty"),
    "blank": (b" \r\n\r\n", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    "unknown_headers": ("名称,数量,价格\n口红,1,99\n".encode(), "layout not recognised"),
    "no_required": ("订单编号,买家留言\n1,hi\n".encode("gbk"), "order"),
    "xlsx_not_a_zip": (b"PK\x03\x04" + b"\x00garbage" * 100, "not a valid XLSX"),
    "zip_not_a_workbook": (_xlsx_with({"readme.txt": "hello"}), "not an XLSX workbook"),
    "xml_bomb": (_xlsx_with(BOMB_PARTS), "cannot be read"),
    "xlsx_many_parts": (_many_parts(20_000), "too many parts (20,000; at most 10,000)"),
    "nul_bytes_after_64_kb": (  # 1,000 NUL bytes past the first 64 KB, which are text
        template_csv([dict(GOOD[0], order_id=f"41{i:017d}") for i in range(1000)])
        + b"\x00" * 1000, "binary content (1,000 NUL bytes)"),
}


# ---------------------------------------------------------------------------------------------
# After-sales case exports (DESIGN §11), written from their column lists

TB_REFUNDS = [
    "订单编号", "退款编号", "支付单号", "订单付款时间", "商品 id", "商品编码", "退款完结时间",
    "买家实际支付金额", "宝贝标题", "买家退款金额", "手工退款 / 系统退款", "售后类型", "退款的申请时间",
    "超时时间", "退款状态", "货物状态", "退货物流信息", "发货物流信息", "客服介入状态", "卖家真实姓名",
    "卖家真实姓名 (新)", "卖家退货地址", "卖家邮编", "卖家电话", "卖家手机", "退货物流单号",
    "退货物流公司", "买家退款原因", "买家退款说明", "买家退货时间", "责任方", "售中或售后", "备注标签",
    "商家备注", "完结时间", "部分退款 / 全部退款", "审核操作人", "审核操作人新会员名", "举证超时",
    "是否零秒响应", "退款操作人", "退款操作人新会员名", "退款原因标签", "业务类型", "是否帮他退款",
    "帮他退款操作账号", "小额收款", "淘特订单", "百亿补贴超链退款信息", "智能退款策略", "执行方案",
]
TB_REFUNDS_OLD = [
    "订单编号", "退款编号", "支付宝交易号", "订单付款时间", "商品id", "商家编码", "退款完结时间",
    "买家会员名称", "买家实际支付金额", "宝贝标题", "买家退款金额", "手工退款/系统退款", "是否需要退货",
    "退款的申请时间", "超时时间", "退款状态", "货物状态", "退货物流信息", "发货物流信息", "客服介入状态",
    "卖家真实姓名", "卖家退货地址", "卖家邮编", "卖家电话", "卖家手机", "退货物流单号", "退货物流公司",
    "买家退款原因", "买家退款说明", "买家退货时间", "责任方", "售中或售后", "商家备注", "完结时间",
    "部分退款/全部退款",
]


def tb_case(n: int, order: str, status: str, **extra: str) -> dict:
    """One row of the Taobao/Tmall 退款报表 (either layout: a header a layout lacks is not
    written), ids as `="…"`, empties `-` or blank as the seller centre writes them."""
    row = {
        "订单编号": f'="{order}"', "退款编号": f'="{20260000000000 + n}"',
        "支付单号": "2026111222001100001", "支付宝交易号": "2026111222001100001",
        "订单付款时间": "2026-11-11 00:05:00", "商品 id": "680001", "商品id": "680001",
        "商品编码": "HY-SERUM-30ML", "商家编码": "HY-SERUM-30ML", "退款完结时间": "",
        "买家会员名称": "tb1234567", "买家实际支付金额": "399.00",
        "宝贝标题": "花漾小棕瓶修护精华液30ml", "买家退款金额": "399.00",
        "手工退款 / 系统退款": "系统退款", "手工退款/系统退款": "系统退款", "售后类型": "仅退款",
        "是否需要退货": "否", "退款的申请时间": "2026-11-14 10:00:00", "超时时间": "2026-11-16 10:00:00",
        "退款状态": status, "货物状态": "买家已收到货", "退货物流信息": "", "发货物流信息": "中通快递",
        "客服介入状态": "未介入", "卖家真实姓名": "花漾", "卖家真实姓名 (新)": "花漾",
        "卖家退货地址": "浙江省杭州市余杭区仓前街道 1 号", "卖家邮编": "311100",
        "卖家电话": "0571-88880000", "卖家手机": "13800000000", "退货物流单号": "",
        "退货物流公司": "", "买家退款原因": "不想要了", "买家退款说明": "", "买家退货时间": "",
        "责任方": "买家", "售中或售后": "售后", "备注标签": "", "商家备注": "", "完结时间": "",
        "部分退款 / 全部退款": "全部退款", "部分退款/全部退款": "全部退款", "举证超时": "",
        "是否零秒响应": "否", "退款原因标签": "", "业务类型": "普通",
    }
    row.update(extra)
    return row


DY_CASES = [
    "售后单号", "订单号", "商品单号", "商品名称", "商品ID", "应付金额（元）", "商品运费（元）",
    "支付优惠（元）", "商品税费（元）", "商品发货状态", "售后类型", "退商品金额（元）", "退运费金额（元）",
    "退支付优惠（元）", "退税费金额（元）", "售后状态", "售后申请时间", "退款方式", "是否已上传退款凭证",
    "售后原因", "售后原因标签", "退货物流单号", "退货异常", "退货发货时间", "退货物流公司",
    "自动处理截止时间", "同意售后申请时间", "商家退款时间", "用户到账时间", "售后关闭时间", "商家退货地址",
    "商家退货联系人姓名", "商家退货联系人电话", "仲裁状态", "纠纷责任方", "是否极速退款", "是否拒签后退款",
    "发货物流单号", "发货物流状态", "换货物流单号", "退货物流状态", "售后完结时间", "订单备注",
    "用户售后说明", "售后备注", "操作人", "协商记录", "换货商品信息", "商家编码", "门店名称",
]


def dy_case(n: int, order: str, status: str, kind: str = "已发货仅退款", **extra: str) -> dict:
    """One row of the 抖店 售后单: ids tab-prefixed, amounts signed, `-` for empty."""
    row = {
        "售后单号": f"\t7{n:018d}", "订单号": f"\t69175284163180{order}",
        "商品单号": f"\t69175284163181{order}", "商品名称": "丝绒口红 01 正红", "商品ID": "\t3600000000001",
        "应付金额（元）": "30.00", "商品运费（元）": "0.00", "支付优惠（元）": "0.00", "商品税费（元）": "0.00",
        "商品发货状态": "已发货", "售后类型": kind, "退商品金额（元）": "-30.00", "退运费金额（元）": "0.00",
        "退支付优惠（元）": "0.00", "退税费金额（元）": "0.00", "售后状态": status,
        "售后申请时间": "2024-03-05 09:00:00", "退款方式": "原路退回", "是否已上传退款凭证": "否",
        "售后原因": "不想要了", "售后原因标签": "-", "退货物流单号": "-", "退货异常": "-",
        "退货发货时间": "-", "退货物流公司": "-", "自动处理截止时间": "2024-03-07 09:00:00",
        "同意售后申请时间": "-", "商家退款时间": "-", "用户到账时间": "-", "售后关闭时间": "-",
        "商家退货地址": "浙江省杭州市余杭区 1 号", "商家退货联系人姓名": "花漾", "商家退货联系人电话": "13800000000",
        "仲裁状态": "-", "纠纷责任方": "-", "是否极速退款": "否", "是否拒签后退款": "否",
        "发货物流单号": "\tYT7531234567890", "发货物流状态": "已签收", "换货物流单号": "-",
        "退货物流状态": "-", "售后完结时间": "-", "订单备注": "-", "用户售后说明": "-", "售后备注": "-",
        "操作人": "-", "协商记录": "-", "换货商品信息": "-", "商家编码": "LIP-01", "门店名称": "-",
    }
    row.update(extra)
    return row


PDD_CASES = [
    "售后编号", "订单编号", "商品ID", "sku信息", "退款金额(元)", "售后状态", "退款类型", "退款原因",
    "订单状态", "申请时间", "同意退款时间", "同意退款人", "同意退货时间", "退货运单号", "退货物流状态",
    "快递拦截状态", "备注", "订单标记", "退款成功时间", "售后完成时间",
]


def pdd_case(n: int, order: str, status: str, kind: str = "仅退款", **extra: str) -> dict:
    """One row of the 拼多多 售后工作台 export (no deadline column)."""
    row = {
        "售后编号": f"\t{5000 + n}", "订单编号": pid(order), "商品ID": "\t1001",
        "sku信息": "10片装", "退款金额(元)": "90.00", "售后状态": status, "退款类型": kind,
        "退款原因": "不想要了", "订单状态": "已发货，待收货", "申请时间": "2024-08-04 10:00:00",
        "同意退款时间": "-", "同意退款人": "-", "同意退货时间": "-", "退货运单号": "-",
        "退货物流状态": "-", "快递拦截状态": "-", "备注": "-", "订单标记": "-", "退款成功时间": "-",
        "售后完成时间": "-",
    }
    row.update(extra)
    return row


CASE_TEMPLATE = ["case_id", "order_id", "type", "status", "requested_at", "sku", "amount_asked",
                 "amount_refunded", "deadline", "reason", "buyer_text", "return_courier",
                 "return_tracking", "phase", "closed_at"]


def table_rows(store, table: str, leave_out: tuple[str, ...] = ("import_id",)) -> list[tuple]:
    """Every row of a table of the store, sorted, without the bookkeeping columns named."""
    con = store.cursor()
    cols = [r[0] for r in con.execute(f"describe {table}").fetchall() if r[0] not in leave_out]
    rows = con.execute(f"select {', '.join(cols)} from {table}").fetchall()  # noqa: S608
    return sorted(rows, key=repr)
