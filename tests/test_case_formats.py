"""The after-sales case exports of DESIGN §11 (Taobao/Tmall 退款报表 in both layouts, 抖店 售后单,
拼多多 售后 and the desk's case template), generated from their column lists: every canonical
field read, every layout detected and never taken for an order export (nor an order export for
it), unknown words named, a re-import that changes nothing and a newer export that replaces."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from pipeline.ingest.formats import REQUIRED, detect, read_export
from pipeline.ingest.formats.reading import read_sheet
from pipeline.ingest.importing import import_bytes
from tests.factories import (
    CASE_TEMPLATE,
    DOUYIN,
    DY_CASES,
    ENCODINGS,
    JD,
    NEW_ITEMS,
    ORDER_2017,
    ORDER_2018,
    ORDER_2020,
    PDD,
    PDD_CASES,
    REFUNDS,
    TB_REFUNDS,
    TB_REFUNDS_OLD,
    TEMPLATE,
    csv_bytes,
    dy_case,
    encoded,
    imported,
    pdd_case,
    pdd_rows,
    pid,
    refund,
    table_rows,
    tb_case,
    template_csv,
    xlsx_bytes,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASE_LAYOUTS = ("taobao_refunds", "douyin_cases", "pinduoduo_refunds", "template_cases")

TEXT = ("platform", "shop", "case_id", "order_id", "line_id", "sku", "title", "type_text",
        "case_type", "phase", "status_text", "status_norm", "reason", "buyer_text",
        "return_courier", "return_tracking", "goods_status", "arbitration", "responsibility")
MONEY = ("amount_asked", "amount_refunded")
TIMES = ("requested_at", "deadline", "refunded_at", "closed_at")


def expected(rows: list[dict]) -> pd.DataFrame:
    """Rows of a cases frame as the readers type them (text, amounts, times)."""
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        if col in TEXT:
            frame[col] = frame[col].astype("str").where(frame[col].notna())
        elif col in MONEY:
            frame[col] = frame[col].astype("float64")
        elif col in TIMES:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    return frame


def cases_of(parsed, case_ids: list[str]) -> pd.DataFrame:
    """The named cases, in that order, with the columns the expectation names."""
    frame = parsed.frames["cases"].set_index("case_id", drop=False)
    return frame.loc[case_ids].reset_index(drop=True)


def check(parsed, rows: list[dict]) -> None:
    want = expected(rows)
    got = cases_of(parsed, want["case_id"].tolist())[list(want.columns)]
    assert_frame_equal(got, want, check_dtype=False)


def typed_xlsx(header: list[str], rows: list[dict]) -> bytes:
    """A workbook as Excel saves a re-opened export: times as dates, amounts as numbers, ids
    as text."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    for r in rows:
        out = []
        for h in header:
            v = r.get(h, "").strip().removeprefix('="').removesuffix('"')
            if len(v) == 19 and v[4] == "-" and v[13] == ":":
                out.append(datetime.fromisoformat(v))
            elif v.lstrip("-").replace(".", "", 1).isdigit() and "." in v:
                out.append(float(v))
            else:
                out.append(v)
        ws.append(out)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def import_notes(store) -> str:
    return store.cursor().execute(
        "select notes from imports order by import_id desc limit 1").fetchall()[0][0] or ""


# ---------------------------------------------------------------------------------------------
# Taobao/Tmall 退款报表, the current layout


def tb_rows() -> list[dict]:
    return [
        # waiting for the seller before shipping; the amount written signed
        tb_case(1, "3001", "买家已经申请退款，等待卖家同意", 售后类型="未发货仅退款", 售中或售后="售中",
                货物状态="买家未收到货", 买家退款金额="-59.00", 买家退款原因="拍错了",
                买家退款说明="颜色拍错了"),
        # a return refunded at its deadline
        tb_case(2, "3002", "退款成功", 售后类型="退货退款", 退款完结时间="2026-11-16 10:00:00",
                完结时间="2026-11-16 10:00:00", 退货物流单号="\tYT1234567890123",
                退货物流公司="圆通速递", 买家退款原因="过敏", 买家退款说明="用了脸红"),
        # refused, then the platform stepped in: its 举证超时 is the deadline
        tb_case(3, "3003", "卖家拒绝退款", 售后类型="退货退款", 客服介入状态="客服介入中",
                举证超时="2026-11-18 10:00:00", 责任方="卖家"),
        # words the desk does not know; no deadline
        tb_case(4, "3004", "火星状态", 售后类型="以旧换新", 超时时间=""),
        # closed; the deadline written `-`
        tb_case(5, "3005", "退款关闭", 超时时间="-", 完结时间="2026-11-15 12:00:00", 售中或售后="-"),
        tb_case(6, "3006", "卖家已经同意退款，等待买家退货", 售后类型="退货退款"),
        tb_case(7, "3007", "买家已经退货，等待卖家确认收货", 售后类型="退货退款",
                退货物流单号="78123456789012", 退货物流公司="中通快递"),
        tb_case(8, "3008", "同意退款，退款中", 售后类型="已发货仅退款", 售中或售后=""),
    ]


TB_EXPECTED = [
    {"platform": "taobao", "shop": None, "case_id": "20260000000001", "order_id": "3001",
     "sku": "HY-SERUM-30ML", "title": "花漾小棕瓶修护精华液30ml", "type_text": "未发货仅退款",
     "case_type": "refund_only", "phase": "before_ship",
     "status_text": "买家已经申请退款，等待卖家同意", "status_norm": "awaiting_seller",
     "amount_asked": 59.0, "amount_refunded": 0.0, "requested_at": "2026-11-14 10:00:00",
     "deadline": "2026-11-16 10:00:00", "reason": "拍错了", "buyer_text": "颜色拍错了",
     "return_courier": None, "return_tracking": None, "goods_status": "买家未收到货",
     "arbitration": "未介入", "responsibility": "买家", "refunded_at": None, "closed_at": None},
    {"case_id": "20260000000002", "type_text": "退货退款", "case_type": "return_refund",
     "phase": "after_ship", "status_norm": "refunded", "amount_asked": 399.0,
     "amount_refunded": 399.0, "deadline": "2026-11-16 10:00:00", "reason": "过敏",
     "buyer_text": "用了脸红", "return_courier": "圆通速递", "return_tracking": "YT1234567890123",
     "refunded_at": "2026-11-16 10:00:00", "closed_at": "2026-11-16 10:00:00"},
    {"case_id": "20260000000003", "status_text": "卖家拒绝退款", "status_norm": "arbitration",
     "arbitration": "客服介入中", "deadline": "2026-11-18 10:00:00", "responsibility": "卖家",
     "amount_refunded": 0.0},
    {"case_id": "20260000000004", "status_text": "火星状态", "status_norm": None,
     "type_text": "以旧换新", "case_type": None, "phase": "after_ship", "deadline": None,
     "amount_asked": 399.0, "amount_refunded": None},
    {"case_id": "20260000000005", "status_norm": "closed", "deadline": None,
     "closed_at": "2026-11-15 12:00:00", "refunded_at": None, "case_type": "refund_only",
     "phase": None},
    {"case_id": "20260000000006", "status_norm": "awaiting_return"},
    {"case_id": "20260000000007", "status_norm": "returned", "return_courier": "中通快递",
     "return_tracking": "78123456789012"},
    {"case_id": "20260000000008", "status_norm": "refunding", "case_type": "refund_only",
     "phase": "after_ship"},
]


def check_each(parsed, rows: list[dict]) -> None:
    for row in rows:
        check(parsed, [row])


@pytest.mark.parametrize("kind", [*ENCODINGS, "gbk"])
def test_taobao_refund_report_every_field(kind):
    name, data = encoded(kind, TB_REFUNDS, tb_rows())
    parsed = read_export(name, data)
    assert parsed.layout == "taobao_refunds"
    assert parsed.rejects == []
    assert len(parsed.frames["cases"]) == 8 and set(parsed.frames) == {"cases"}
    check_each(parsed, TB_EXPECTED)
    assert parsed.notes == ["unknown 退款状态 '火星状态' on 1 case",
                            "unknown 售后类型 '以旧换新' on 1 case"]


def test_taobao_refund_report_resaved_by_excel_reads_alike():
    parsed = read_export("ExportRefundList.xlsx", typed_xlsx(TB_REFUNDS, tb_rows()))
    assert parsed.layout == "taobao_refunds" and parsed.rejects == []
    check_each(parsed, TB_EXPECTED)


# ---------------------------------------------------------------------------------------------
# The older 退款报表: 支付宝交易号, 商家编码, 是否需要退货, 买家会员名称, no 售后类型


def tb_old_rows() -> list[dict]:
    return [
        tb_case(11, "3011", "买家已经退货，等待卖家确认收货", 是否需要退货="是", 商家编码="HY-CREAM-50G",
                退货物流单号="'SF1234567890123", 退货物流公司="顺丰速运"),
        tb_case(12, "3012", "退款成功", 是否需要退货="否", 售中或售后="售中", 买家退款金额="69.00",
                退款完结时间="2026-11-15 09:30:00", 超时时间="2026-11-16 10:00:00"),
        tb_case(13, "3013", "卖家拒绝退款", 是否需要退货="-"),
    ]


@pytest.mark.parametrize("kind", ["gbk", "utf-8-sig", "xlsx"])
def test_taobao_older_refund_report(kind):
    name, data = encoded(kind, TB_REFUNDS_OLD, tb_old_rows())
    parsed = read_export(name, data)
    assert parsed.layout == "taobao_refunds" and parsed.rejects == [] and parsed.notes == []
    check_each(parsed, [
        {"case_id": "20260000000011", "order_id": "3011", "sku": "HY-CREAM-50G",
         "case_type": "return_refund", "phase": "after_ship", "status_norm": "returned",
         "return_tracking": "SF1234567890123", "return_courier": "顺丰速运",
         "amount_refunded": 0.0},
        {"case_id": "20260000000012", "case_type": "refund_only", "phase": "before_ship",
         "status_norm": "refunded", "amount_asked": 69.0, "amount_refunded": 69.0,
         "refunded_at": "2026-11-15 09:30:00", "deadline": "2026-11-16 10:00:00",
         "closed_at": "2026-11-15 09:30:00"},
        {"case_id": "20260000000013", "case_type": "refund_only", "status_norm": "rejected"},
    ])
    assert "type_text" not in parsed.frames["cases"].columns   # no 售后类型 in this layout


# ---------------------------------------------------------------------------------------------
# 抖店 售后单


def dy_rows() -> list[dict]:
    return [
        dy_case(1, "01", "待商家处理", "未发货仅退款", 商品发货状态="未发货", 门店名称="花漾抖音旗舰店",
                售后原因="七天无理由", 用户售后说明="不想要了，还没发货"),
        dy_case(2, "02", "退款成功", "退货退款", **{
            "退商品金额（元）": "-30.00", "退运费金额（元）": "-6.00", "商家退款时间": "2024-03-08 10:00:00",
            "用户到账时间": "2024-03-08 10:05:00", "售后完结时间": "2024-03-08 10:05:00",
            "退货物流单号": "\t78123456789012", "退货物流公司": "中通快递", "售后原因": "质量问题"}),
        dy_case(3, "03", "待商家处理", "已发货仅退款", 仲裁状态="仲裁中", 纠纷责任方="商家",
                售后原因="少发/漏发"),
        dy_case(4, "04", "换货成功", "换货", **{"退商品金额（元）": "0.00", "售后关闭时间": "2024-03-09 10:00:00"}),
        dy_case(5, "05", "待退货", "补寄", 商品发货状态="-"),
        dy_case(6, "06", "待商家收货", "价保"),
        dy_case(7, "07", "平台同意退款，退款中", "以旧换新", 售后原因="-", 售后原因标签="发错货"),
        dy_case(8, "08", "售后关闭", "未发货退款", 自动处理截止时间="-"),
        dy_case(9, "09", "退款失败", "已发货退款"),
        dy_case(10, "10", "拒绝售后", "维修"),
        dy_case(11, "11", "待审核"),
    ]


@pytest.mark.parametrize("kind", ENCODINGS)
def test_douyin_after_sales_every_field(kind):
    name, data = encoded(kind, DY_CASES, dy_rows())
    parsed = read_export(name, data)
    assert parsed.layout == "douyin_cases" and parsed.rejects == []
    check_each(parsed, [
        {"platform": "douyin", "shop": "花漾抖音旗舰店", "case_id": "7000000000000000001",
         "order_id": "6917528416318001", "line_id": "6917528416318101", "sku": "LIP-01",
         "title": "丝绒口红 01 正红", "type_text": "未发货仅退款", "case_type": "refund_only",
         "phase": "before_ship", "status_text": "待商家处理", "status_norm": "awaiting_seller",
         "amount_asked": 30.0, "amount_refunded": 0.0, "requested_at": "2024-03-05 09:00:00",
         "deadline": "2024-03-07 09:00:00", "reason": "七天无理由",
         "buyer_text": "不想要了，还没发货", "return_courier": None, "return_tracking": None,
         "goods_status": "未发货", "arbitration": None, "responsibility": None,
         "refunded_at": None, "closed_at": None},
        {"case_id": "7000000000000000002", "shop": None, "case_type": "return_refund",
         "phase": "after_ship", "status_norm": "refunded", "amount_asked": 36.0,
         "amount_refunded": 36.0, "refunded_at": "2024-03-08 10:00:00",
         "closed_at": "2024-03-08 10:05:00", "return_tracking": "78123456789012",
         "return_courier": "中通快递", "reason": "质量问题"},
        {"case_id": "7000000000000000003", "status_text": "待商家处理",
         "status_norm": "arbitration", "arbitration": "仲裁中", "responsibility": "商家",
         "case_type": "refund_only", "phase": "after_ship", "reason": "少发/漏发",
         "deadline": "2024-03-07 09:00:00"},
        {"case_id": "7000000000000000004", "case_type": "exchange", "status_norm": "exchanged",
         "amount_asked": 0.0, "amount_refunded": 0.0, "closed_at": "2024-03-09 10:00:00"},
        {"case_id": "7000000000000000005", "case_type": "resend", "phase": "after_ship",
         "status_norm": "awaiting_return", "goods_status": None},
        {"case_id": "7000000000000000006", "case_type": "price_protect", "phase": "after_ship",
         "status_norm": "returned"},
        {"case_id": "7000000000000000007", "case_type": None, "type_text": "以旧换新",
         "status_norm": "refunding", "reason": "发错货"},
        {"case_id": "7000000000000000008", "case_type": "refund_only", "phase": "before_ship",
         "status_norm": "closed", "deadline": None},
        {"case_id": "7000000000000000009", "case_type": "refund_only", "status_norm": "failed"},
        {"case_id": "7000000000000000010", "case_type": "repair", "status_norm": "rejected"},
        {"case_id": "7000000000000000011", "status_text": "待审核", "status_norm": None,
         "amount_refunded": None},
    ])
    assert parsed.notes == ["unknown 售后状态 '待审核' on 1 case",
                            "unknown 售后类型 '以旧换新' on 1 case"]


# ---------------------------------------------------------------------------------------------
# 拼多多: the 售后工作台 export, and the short sheet of §9 (which also sets the orders' refunds)


def pdd_case_rows() -> list[dict]:
    return [
        pdd_case(1, "01", "待商家处理", "仅退款", 订单状态="待发货", 退款原因="不想要了"),
        pdd_case(2, "02", "退款成功", "退货退款", **{"退款金额(元)": "-45.50",
                 "退款成功时间": "2024-08-06 10:00:00", "售后完成时间": "2024-08-06 10:00:00",
                 "退货运单号": "\tYT7531234567891", "同意退款时间": "2024-08-06 09:00:00"}),
        pdd_case(3, "03", "待买家退货", "缺货补寄"),
        pdd_case(4, "04", "仲裁中", "维修", 订单状态="已签收"),
        pdd_case(5, "05", "待商家收货", "换货", 订单状态="-"),
        pdd_case(6, "06", "平台介入中", "以旧换新"),
    ]


@pytest.mark.parametrize("kind", ENCODINGS)
def test_pinduoduo_after_sales_workbench_export(kind):
    name, data = encoded(kind, PDD_CASES, pdd_case_rows())
    parsed = read_export(name, data)
    assert parsed.layout == "pinduoduo_refunds" and parsed.rejects == []
    check_each(parsed, [
        {"platform": "pinduoduo", "shop": None, "case_id": "5001", "order_id": pid("01"),
         "sku": "1001", "title": "10片装", "type_text": "仅退款", "case_type": "refund_only",
         "phase": "before_ship", "status_text": "待商家处理", "status_norm": "awaiting_seller",
         "amount_asked": 90.0, "amount_refunded": 0.0, "requested_at": "2024-08-04 10:00:00",
         "reason": "不想要了", "return_tracking": None, "refunded_at": None, "closed_at": None},
        {"case_id": "5002", "case_type": "return_refund", "phase": "after_ship",
         "status_norm": "refunded", "amount_asked": 45.5, "amount_refunded": 45.5,
         "return_tracking": "YT7531234567891", "refunded_at": "2024-08-06 10:00:00",
         "closed_at": "2024-08-06 10:00:00"},
        {"case_id": "5003", "case_type": "resend", "status_norm": "awaiting_return"},
        {"case_id": "5004", "case_type": "repair", "status_norm": "arbitration",
         "phase": "after_ship"},
        {"case_id": "5005", "case_type": "exchange", "status_norm": "returned",
         "phase": "after_ship"},
        # an unknown word: read from its times (applied, not agreed), as the refunds are
        {"case_id": "5006", "status_text": "平台介入中", "status_norm": "awaiting_seller",
         "case_type": None},
    ])
    cases = parsed.frames["cases"]
    assert "deadline" not in cases.columns        # no deadline: the desk's settings apply
    assert parsed.notes == [
        "unknown 售后状态 '平台介入中' on 1 order; read from 申请时间/同意退款时间",
        "unknown 退款类型 '以旧换新' on 1 case"]
    refunds = parsed.frames["orders"].set_index("order_id")
    assert refunds.loc[pid("02"), "refunded"] == 45.5
    assert bool(refunds.loc[pid("01"), "refund_open"]) and not refunds.loc[pid("02"), "refund_open"]


def test_pinduoduo_short_sheet_gives_cases_beside_the_refunds():
    rows = [refund(1, "02", "20.00", "退款成功"), refund(4, "13", "90.00", "待商家处理", agreed=False),
            refund(6, "04", "10.00", "平台介入中", agreed=False)]
    data = xlsx_bytes(REFUNDS, rows, title="售后信息", before=[["统计", "数量"], ["售后单", "3"]])
    parsed = read_export("售后.xlsx", data)
    assert parsed.layout == "pinduoduo_refunds"
    check_each(parsed, [
        {"case_id": "9001", "order_id": pid("02"), "status_norm": "refunded",
         "amount_asked": 20.0, "amount_refunded": 20.0, "requested_at": "2024-08-03 10:00:00"},
        {"case_id": "9004", "order_id": pid("13"), "status_norm": "awaiting_seller",
         "amount_asked": 90.0, "amount_refunded": 0.0},
        {"case_id": "9006", "order_id": pid("04"), "status_norm": "awaiting_seller",
         "amount_refunded": 0.0},
    ])
    assert sorted(parsed.frames["orders"]["order_id"]) == [pid("02"), pid("04"), pid("13")]
    # the same note once, about orders, not again about cases
    assert parsed.notes == [
        "unknown 售后状态 '平台介入中' on 1 order; read from 申请时间/同意退款时间"]


def test_pinduoduo_after_sales_without_a_case_id_sets_refunds_only():
    header = ["订单编号", "退款金额", "售后状态"]
    parsed = read_export("r.csv", csv_bytes(header, [
        {"订单编号": pid("02"), "退款金额": "20.00", "售后状态": "退款成功"}]))
    assert parsed.layout == "pinduoduo_refunds" and set(parsed.frames) == {"orders"}


# ---------------------------------------------------------------------------------------------
# The desk's case template


def test_case_template_every_field():
    rows = [
        {"case_id": "C1", "order_id": "O1", "type": "return_refund", "status": "returned",
         "requested_at": "2026-11-14 10:00", "sku": "SKU-1", "amount_asked": "-88.00",
         "deadline": "2026-11-17 10:00", "reason": "过敏", "buyer_text": "起疹子",
         "return_courier": "顺丰速运", "return_tracking": "SF0001", "phase": "after_ship"},
        {"case_id": "C2", "order_id": "O2", "type": "仅退款", "status": "退款成功",
         "requested_at": "2026-11-14 11:00", "amount_asked": "20", "amount_refunded": "",
         "phase": "售中", "closed_at": "2026-11-15 09:00"},
        {"case_id": "C3", "order_id": "O3", "type": "未发货仅退款", "status": "Awaiting_Seller",
         "requested_at": "2026-11-14 12:00", "amount_asked": "30", "amount_refunded": "0"},
        {"case_id": "C4", "order_id": "O4", "type": "以旧换新", "status": "待定",
         "requested_at": "2026-11-14 12:00", "phase": "某阶段"},
    ]
    parsed = read_export("cases.csv", template_csv(rows, columns=CASE_TEMPLATE))
    assert parsed.layout == "template_cases" and parsed.rejects == []
    check_each(parsed, [
        {"platform": "other", "shop": None, "case_id": "C1", "order_id": "O1", "sku": "SKU-1",
         "type_text": "return_refund", "case_type": "return_refund", "phase": "after_ship",
         "status_text": "returned", "status_norm": "returned", "amount_asked": 88.0,
         "amount_refunded": 0.0, "requested_at": "2026-11-14 10:00", "deadline": "2026-11-17 10:00",
         "reason": "过敏", "buyer_text": "起疹子", "return_courier": "顺丰速运",
         "return_tracking": "SF0001", "refunded_at": None, "closed_at": None},
        {"case_id": "C2", "case_type": "refund_only", "phase": "before_ship",
         "status_norm": "refunded", "amount_refunded": 20.0, "refunded_at": "2026-11-15 09:00",
         "closed_at": "2026-11-15 09:00"},
        {"case_id": "C3", "case_type": "refund_only", "phase": "before_ship",
         "status_norm": "awaiting_seller", "amount_refunded": 0.0},
        {"case_id": "C4", "case_type": None, "phase": None, "status_norm": None,
         "amount_refunded": None},
    ])
    assert parsed.notes == ["unknown status '待定' on 1 case", "unknown type '以旧换新' on 1 case",
                            "unknown phase '某阶段' on 1 case"]


def test_case_template_needs_its_five_columns_and_their_values(store):
    header = ["case_id", "order_id", "type", "status"]
    result = import_bytes(store, "cases.csv", csv_bytes(header, [
        {"case_id": "C1", "order_id": "O1", "type": "refund_only", "status": "closed"}]))
    assert result.status == "refused"
    assert "template_cases" in result.message and "requested_at" in result.message
    rows = [{"case_id": "C1", "order_id": "O1", "type": "refund_only", "status": "closed",
             "requested_at": "2026-11-14 10:00"},
            {"case_id": "C2", "order_id": "", "type": "refund_only", "status": "closed",
             "requested_at": "2026-11-14 10:00"}]
    parsed = read_export("cases.csv", csv_bytes(header + ["requested_at"], rows))
    assert [(r.row, r.column, r.reason) for r in parsed.rejects] == [
        (3, "order_id", "missing order_id")]
    assert parsed.frames["cases"]["case_id"].tolist() == ["C1"]


# ---------------------------------------------------------------------------------------------
# Headers in other spellings; subsets; detection


def test_headers_match_without_blanks_slashes_underscores_or_brackets():
    header = ["退款编号 ", "订 单 编 号", "退款状态", "手工退款_系统退款", "卖家真实姓名（新）", "超时_时间",
              "买家退款金额"]
    row = {"退款编号 ": "1", "订 单 编 号": "2", "退款状态": "退款关闭", "超时_时间": "2026-11-16 10:00:00",
           "买家退款金额": "5"}
    parsed = read_export("r.csv", csv_bytes(header, [row]))
    assert parsed.layout == "taobao_refunds" and parsed.notes == []
    check(parsed, [{"case_id": "1", "order_id": "2", "status_norm": "closed",
                    "deadline": "2026-11-16 10:00:00", "amount_asked": 5.0}])
    dy_header = ["售后单号", "订单号", "售后状态", "退商品金额(元)", "退运费金额 (元)"]
    parsed = read_export("d.csv", csv_bytes(dy_header, [
        {"售后单号": "1", "订单号": "2", "售后状态": "退款成功", "退商品金额(元)": "-3",
         "退运费金额 (元)": "-1"}]))
    assert parsed.layout == "douyin_cases"
    check(parsed, [{"case_id": "1", "amount_asked": 4.0, "amount_refunded": 4.0}])
    template = read_export("c.csv", b"Case ID,Order_ID,TYPE,Status,Requested At\n"
                                    b"C1,O1,refund_only,closed,2026-11-14 10:00\n")
    assert template.layout == "template_cases"
    check(template, [{"case_id": "C1", "status_norm": "closed", "case_type": "refund_only"}])


@pytest.mark.parametrize(("header", "layout"), [
    (["退款编号", "订单编号", "退款状态"], "taobao_refunds"),
    (["售后单号", "订单号", "售后状态"], "douyin_cases"),
    (["售后编号", "订单编号", "售后状态"], "pinduoduo_refunds"),
])
def test_a_subset_with_the_case_id_order_id_and_status_is_read(store, header, layout):
    row = dict(zip(header, ['="123"', "\t456", "退款成功"], strict=True))
    result = imported(store, "subset.csv", csv_bytes(header, [row]))
    assert result.layout == layout
    got = store.cursor().execute(
        "select case_id, order_id, status_norm, shop from cases").fetchall()
    assert got == [("123", "456", "refunded", "")]


@pytest.mark.parametrize(("header", "layout", "missing"), [
    (["退款编号", "订单编号", "买家退款金额"], "taobao_refunds", "退款状态"),
    (["售后单号", "订单号", "售后类型"], "douyin_cases", "售后状态"),
    (["售后编号", "订单编号", "退款类型"], "pinduoduo_refunds", "售后状态"),
])
def test_a_case_file_without_its_status_is_refused(store, header, layout, missing):
    row = dict.fromkeys(header, "1")
    result = import_bytes(store, "cases.csv", csv_bytes(header, [row]))
    assert result.status == "refused"
    assert layout in result.message and missing in result.message


# an export's header row -> its layout
CASE_HEADERS = {"taobao_refunds": TB_REFUNDS, "taobao_refunds_old": TB_REFUNDS_OLD,
                "douyin_cases": DY_CASES, "pinduoduo_refunds": PDD_CASES,
                "pinduoduo_short": REFUNDS, "template_cases": CASE_TEMPLATE}
CASE_LAYOUT = {"taobao_refunds": "taobao_refunds", "taobao_refunds_old": "taobao_refunds",
               "douyin_cases": "douyin_cases", "pinduoduo_refunds": "pinduoduo_refunds",
               "pinduoduo_short": "pinduoduo_refunds", "template_cases": "template_cases"}
ORDER_HEADERS = {"taobao_orders_2017": ORDER_2017, "taobao_orders_2018": ORDER_2018,
                 "taobao_orders_2020": ORDER_2020, "taobao_items": NEW_ITEMS,
                 "douyin_orders": DOUYIN, "pinduoduo_orders": PDD, "jd_orders": JD,
                 "template_orders": TEMPLATE}


@pytest.mark.parametrize("name", sorted(CASE_HEADERS))
def test_each_case_export_is_detected_as_itself(name):
    assert detect(CASE_HEADERS[name]) == (CASE_LAYOUT[name], [])


@pytest.mark.parametrize("name", sorted(ORDER_HEADERS))
def test_an_order_export_is_never_taken_for_a_case_file(name):
    layout, tied = detect([h.strip() for h in ORDER_HEADERS[name]])
    assert layout not in CASE_LAYOUTS and not set(tied) & set(CASE_LAYOUTS)


def test_no_sample_export_is_taken_for_a_case_file():
    samples = sorted(p for p in FIXTURES.rglob("*.csv") if "cases" not in p.parts)
    assert len(samples) >= 9
    for path in samples:
        sheet = read_sheet(path.name, path.read_bytes(), lambda headers: True)
        assert detect(sheet.headers)[0] not in CASE_LAYOUTS, path.name


@settings(max_examples=300, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(set(CASE_HEADERS) - {"pinduoduo_short"})))
def test_any_subset_keeping_the_required_headers_is_its_case_layout(data, name):
    layout = CASE_LAYOUT[name]
    required = [data.draw(st.sampled_from(group)) for group in REQUIRED[layout]]
    if layout == "pinduoduo_refunds":
        required.append("售后编号")
    rest = data.draw(st.lists(st.sampled_from(CASE_HEADERS[name]), max_size=12))
    assert detect(list(dict.fromkeys(required + rest))) == (layout, [])


@settings(max_examples=200, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(ORDER_HEADERS)))
def test_no_subset_of_an_order_export_is_a_case_layout(data, name):
    headers = data.draw(st.lists(st.sampled_from(ORDER_HEADERS[name]), min_size=1, max_size=15,
                                 unique=True))
    layout, tied = detect([h.strip() for h in headers])
    assert layout not in CASE_LAYOUTS and not set(tied) & set(CASE_LAYOUTS)


# ---------------------------------------------------------------------------------------------
# Through the store: the shop, unknown words named, a re-import, a newer export


def taobao_orders(*order_ids: str, shop: str = "花漾美妆旗舰店") -> bytes:
    header = ["订单编号", "订单创建时间", "订单付款时间", "总金额", "买家实际支付金额", "订单状态", "店铺名称"]
    return csv_bytes(header, [
        {"订单编号": f'="{o}"', "订单创建时间": "2026-11-11 00:01:00",
         "订单付款时间": "2026-11-11 00:02:00", "总金额": "399.00", "买家实际支付金额": "399.00",
         "订单状态": "卖家已发货，等待买家确认", "店铺名称": shop} for o in order_ids], "gbk")


def test_cases_take_their_orders_shop_and_name_unknown_words(store):
    imported(store, "orders.csv", taobao_orders("3001", "3002", "3004"))
    result = imported(store, "ExportRefundList.csv", csv_bytes(TB_REFUNDS, tb_rows(), "gbk"))
    assert result.layout == "taobao_refunds"
    for note in ("unknown 退款状态 '火星状态' on 1 case", "unknown 售后类型 '以旧换新' on 1 case"):
        assert note in result.message and note in import_notes(store)
    shops = dict(store.cursor().execute("select order_id, shop from cases").fetchall())
    assert shops["3001"] == shops["3002"] == "花漾美妆旗舰店"   # the stored order's
    assert shops["3005"] == ""                                   # an order the store lacks
    dy = imported(store, "售后单.csv", csv_bytes(DY_CASES, dy_rows()[:2]))
    assert dy.layout == "douyin_cases"
    assert store.cursor().execute(
        "select shop from cases where platform = 'douyin' order by case_id").fetchall() == [
        ("花漾抖音旗舰店",), ("",)]


def test_importing_again_changes_nothing(store):
    imported(store, "orders.csv", taobao_orders("3001", "3002"))
    data = csv_bytes(TB_REFUNDS, tb_rows(), "gbk")
    imported(store, "ExportRefundList.csv", data)
    tables = {t: table_rows(store, t) for t in ("cases", "orders", "order_state")}
    assert len(tables["cases"]) == 8
    again = import_bytes(store, "ExportRefundList.csv", data)
    assert again.status == "skipped"
    # the same rows in another file (re-saved as UTF-8), read and written again
    resaved = imported(store, "ExportRefundList (1).csv", csv_bytes(TB_REFUNDS, tb_rows()))
    assert resaved.rows_imported == 8
    assert {t: table_rows(store, t) for t in tables} == tables


def test_a_newer_export_of_a_case_replaces_its_status_and_amounts(store):
    first = [dy_case(1, "01", "待商家处理", "已发货仅退款")]
    imported(store, "售后单 1.csv", csv_bytes(DY_CASES, first))
    later = [dy_case(1, "01", "退款成功", "已发货仅退款", **{
        "退商品金额（元）": "-25.00", "商家退款时间": "2024-03-06 10:00:00",
        "售后完结时间": "2024-03-06 10:00:00"})]
    imported(store, "售后单 2.csv", csv_bytes(DY_CASES, later))
    rows = store.cursor().execute(
        "select case_id, status_norm, amount_asked, amount_refunded, refunded_at, closed_at "
        "from cases").fetchall()
    assert [(c, s, float(a), float(r), str(t), str(x)) for c, s, a, r, t, x in rows] == [
        ("7000000000000000001", "refunded", 25.0, 25.0, "2024-03-06 10:00:00",
         "2024-03-06 10:00:00")]
    # a subset naming only the status leaves the amounts as they were
    header = ["售后单号", "订单号", "售后状态"]
    imported(store, "售后单 3.csv", csv_bytes(header, [
        {"售后单号": "\t7000000000000000001", "订单号": "\t6917528416318001", "售后状态": "售后关闭"}]))
    assert store.cursor().execute(
        "select status_norm, amount_asked from cases").fetchall() == [("closed", 25)]


def test_the_pinduoduo_short_sheet_keeps_setting_refunds_and_stores_cases(store):
    imported(store, "pdd.csv", csv_bytes(PDD, pdd_rows()))
    rows = [refund(1, "02", "20.00", "退款成功"), refund(5, "10", "30.00", "售后关闭", agreed=False)]
    imported(store, "售后.csv", csv_bytes(REFUNDS, rows))
    con = store.cursor()
    assert con.execute("select order_id, refunded from orders where order_id in (?, ?) "
                       "order by 1", [pid("02"), pid("10")]).fetchall() == [
        (pid("02"), 20), (pid("10"), 0)]
    assert con.execute("select case_id, status_norm, amount_refunded from cases "
                       "order by 1").fetchall() == [("9001", "refunded", 20), ("9005", "closed", 0)]


# ---------------------------------------------------------------------------------------------
# The demo's case files: each Tmall shop's 退款报表 (one per layout) and the 抖店 售后单

DEMO_END = datetime(2026, 11, 27, 9)
DEMO_ORDERS = 3000
DEMO_CASE_FILES = {"taobao_refunds.csv": "taobao_refunds",
                   "taobao_refunds_old.csv": "taobao_refunds",
                   "douyin_aftersales.csv": "douyin_cases"}
STATUSES = {"awaiting_seller", "arbitration", "awaiting_return", "returned", "refunding",
            "refunded", "rejected", "closed", "exchanged", "failed"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    from pipeline.ingest.demo import write_demo

    out = tmp_path_factory.mktemp("demo_cases")
    return {p.name: p for p in write_demo(out, orders=DEMO_ORDERS, seed=7, end=DEMO_END)}


@pytest.fixture(scope="module")
def demo_cases(demo_files) -> dict[str, pd.DataFrame]:
    out = {}
    for name, layout in DEMO_CASE_FILES.items():
        parsed = read_export(name, demo_files[name].read_bytes())
        assert (parsed.layout, parsed.rejects, parsed.notes) == (layout, [], []), name
        out[name] = parsed.frames["cases"]
    return out


def test_the_demo_writes_a_refund_report_in_each_layout_and_an_after_sales_export(demo_files):
    heads = {name: read_sheet(name, demo_files[name].read_bytes(), lambda h: True).headers
             for name in DEMO_CASE_FILES}
    assert heads["taobao_refunds.csv"] == [h.replace(" / ", "/") for h in TB_REFUNDS]
    assert heads["taobao_refunds_old.csv"] == TB_REFUNDS_OLD
    assert heads["douyin_aftersales.csv"] == DY_CASES
    raw = demo_files["taobao_refunds.csv"].read_bytes().decode("gbk").split("\r\n")
    assert raw[1].startswith('="3')                      # ids as ="…", as the seller centre
    assert demo_files["douyin_aftersales.csv"].read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_demo_cases_hold_every_status_reason_and_a_share_of_the_orders(demo_cases):
    cases = pd.concat(demo_cases.values(), ignore_index=True)
    assert set(cases["status_norm"]) == STATUSES
    assert set(demo_cases["douyin_aftersales.csv"]["status_norm"]) == STATUSES
    assert {"过敏", "不想要了", "质量问题", "发错货", "少发/漏发", "七天无理由"} <= set(cases["reason"])
    taobao = cases[cases["platform"] == "taobao"]
    assert 0.05 < taobao["order_id"].nunique() / DEMO_ORDERS < 0.15   # orders with a case
    assert set(cases["case_type"]) == {"refund_only", "return_refund", "exchange", "resend",
                                       "price_protect"}


def test_the_demo_cases_surge_after_double_11(demo_cases):
    days = pd.concat(demo_cases.values())["requested_at"].dt.normalize().value_counts()
    before = days[(days.index >= "2026-10-01") & (days.index < "2026-11-10")].mean()
    after = days[(days.index >= "2026-11-14") & (days.index <= "2026-11-21")].mean()
    assert after > 2 * before


def test_the_demo_cases_have_deadlines_either_side_of_now_some_overdue_some_missed(demo_cases):
    cases = pd.concat(demo_cases.values(), ignore_index=True)
    now = pd.Timestamp(DEMO_END)
    waiting = cases[cases["status_norm"] == "awaiting_seller"]
    assert (waiting["deadline"] < now).any() and (waiting["deadline"] > now).any()
    refunded = cases[cases["status_norm"] == "refunded"]
    missed = refunded["refunded_at"] >= refunded["deadline"]
    assert 0 < missed.sum() < 0.2 * len(refunded)
    assert (cases["requested_at"] <= now).all() and (cases["refunded_at"].dropna() <= now).all()
    assert (cases["closed_at"].dropna() <= now).all()


def test_the_demo_refund_cases_add_up_to_the_order_reports_refunds(demo_files, demo_cases):
    orders = pd.read_csv(demo_files["taobao_orders.csv"], encoding="gbk", dtype=str)
    orders["订单编号"] = orders["订单编号"].str.strip('="')
    refunded = orders.set_index("订单编号")["退款金额"].astype(float)
    taobao = pd.concat([demo_cases["taobao_refunds.csv"], demo_cases["taobao_refunds_old.csv"]])
    per_order = taobao.groupby("order_id")["amount_refunded"].sum()
    assert (per_order - refunded.loc[per_order.index]).abs().max() < 0.005
    with_refund = refunded[refunded > 0].index
    assert set(with_refund) <= set(per_order.index)   # every refunded order has its cases


def test_the_demo_cases_leave_every_order_state_as_the_order_reports_say(store, demo_files):
    for name in ("taobao_orders.csv", "taobao_items.csv"):
        imported(store, name, demo_files[name].read_bytes())
    before = table_rows(store, "order_state")
    for name in DEMO_CASE_FILES:
        imported(store, name, demo_files[name].read_bytes())
    assert table_rows(store, "order_state") == before
    shops = store.cursor().execute(
        "select platform, shop, count(*) from cases group by all order by all").fetchall()
    assert [(p, s) for p, s, _ in shops] == [("douyin", "花漾美妆抖音旗舰店"),
                                            ("taobao", "花漾美妆专营店"), ("taobao", "花漾美妆旗舰店")]
