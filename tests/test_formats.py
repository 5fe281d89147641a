"""Layout readers: real samples, generated quirks, refusals, and a property test."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from pipeline.base import canonical as C
from pipeline.ingest.formats import TEMPLATES, detect_layout, read_export
from pipeline.ingest.formats import reading as formats_reading
from tests.conftest import SAMPLES
from tests.factories import NEW_ITEMS, ORDER_2018, ORDER_2020
from tests.factories import rows_csv as csv_bytes

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
TAOBAO = SAMPLES / "taobao_2017"
SHOPIFY = SAMPLES / "shopify_cod"

TAOBAO_ORDER_IDS = ["35153131473293579", "35082869905648884", "13293638796527443",
                    "13230536893603030", "29911142123210814"]


def read(name: str, data: bytes | str, **kw) -> C.Parsed:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return read_export(name, data, **kw)


def sample(path: Path) -> C.Parsed:
    return read_export(path.name, path.read_bytes())


def text_col(values: list) -> pd.Series:
    return pd.Series(values, dtype="str")


def times(values: list) -> pd.Series:
    return pd.Series(pd.to_datetime(values), dtype="datetime64[us]")


def cast_in_duckdb(table: str, frame: pd.DataFrame) -> list[tuple]:
    """What the store does with a frame: cast every canonical column to its type."""
    types = C.TABLE_COLUMNS[table]
    con = duckdb.connect()
    con.register("stage", frame)
    cols = [c for c in types if c in frame.columns]
    select = ", ".join(f"cast(stage.{c} as {types[c]}) as {c}" for c in cols)
    return con.execute(f"select {select} from stage").fetchall()  # noqa: S608


# ---------------------------------------------------------------------------------------------
# Real samples


def test_taobao_order_report_sample():
    gbk = sample(TAOBAO / "ExportOrderList201707080100.masked.gbk.csv")
    utf8 = sample(TAOBAO / "ExportOrderList201707080100.masked.utf8.csv")
    assert gbk.layout == utf8.layout == "taobao_orders"
    assert gbk.rows_read == 5 and not gbk.rejects
    assert_frame_equal(gbk.frames["orders"], utf8.frames["orders"])
    orders = gbk.frames["orders"]
    expected = pd.DataFrame({
        "platform": text_col(["taobao"] * 5),
        "shop": text_col(["勤驿达海外生活"] * 5),
        "order_id": text_col(TAOBAO_ORDER_IDS),
        "phone": text_col(["13800023282", "13800096564", "13800053551", "13800042660",
                           "13800027638"]),
        "created_at": times(["2017-07-08 00:42:32", "2017-07-07 22:29:59",
                             "2017-07-07 20:42:50", "2017-07-07 19:46:26",
                             "2017-07-07 18:59:20"]),
        "paid_at": times(["2017-07-08 00:42:39", "2017-07-07 22:32:46", "2017-07-07 20:43:01",
                          "2017-07-07 19:48:31", "2017-07-07 19:00:46"]),
        "order_total": [201.12, 186.15, 331.55, 989.00, 236.55],
        "paid": [201.12, 186.15, 331.55, 989.00, 236.55],
        "refunded": [0.0] * 5,
        "province": text_col(["广东省", "四川省", "广西壮族自治区", "安徽省", "湖北省"]),
        "city": text_col(["广州市", "成都市", "南宁市", "马鞍山市", "武汉市"]),
        "district": text_col(["越秀区", "其它区", "青秀区", "花山区", "洪山区"]),
        "address": text_col(["广东省 广州市 越秀区 某街道186bd9号(510000)",
                             "四川省 成都市 其它区 某街道858096号(610000)",
                             "广西壮族自治区 南宁市 青秀区 某街道e1f5cf号(000000)",
                             "安徽省 马鞍山市 花山区 某街道fea568号(240000)",
                             "湖北省 武汉市 洪山区 某街道b51263号(430000)"]),
        "status_text": text_col(["买家已付款，等待卖家发货"] * 5),
        "status_norm": text_col(["paid"] * 5),
        "is_paid": pd.array([True] * 5, dtype="boolean"),
        "is_cod": pd.array([False] * 5, dtype="boolean"),
        "item_count": pd.array([1] * 5, dtype="Int64"),
        "tracking_no": text_col([None] * 5),
        "_row": [2, 3, 4, 5, 6],
    })
    assert_frame_equal(orders[expected.columns], expected)
    # only columns the report gives; nothing Taobao does not export (no discount, no tags)
    assert {"discount", "tags", "ship_by", "closed_at"}.isdisjoint(orders.columns)
    assert set(orders.columns) - {"_row"} <= set(C.ORDER_COLUMNS)
    assert len(cast_in_duckdb("orders", orders)) == 5


def test_taobao_item_report_sample():
    gbk = sample(TAOBAO / "ExportOrderDetailList201707080100.gbk.csv")
    utf8 = sample(TAOBAO / "ExportOrderDetailList201707080100.utf8.csv")
    assert gbk.layout == utf8.layout == "taobao_items"
    assert gbk.rows_read == 5 and not gbk.rejects
    assert_frame_equal(gbk.frames["order_lines"], utf8.frames["order_lines"])
    lines = gbk.frames["order_lines"]
    expected = pd.DataFrame({
        "platform": text_col(["taobao"] * 5),
        "shop": text_col([None] * 5),
        "order_id": text_col(TAOBAO_ORDER_IDS),
        "line_id": text_col(["1"] * 5),
        "sku": text_col(["YO-PAN-20-WITHGLASS", "YO-PAN-20", "TOJIRO-F-503", "TOJIRO-F-521",
                         "TOJIRO-F-312"]),
        "quantity": pd.array([1] * 5, dtype="Int64"),
        "unit_price": [239.0, 219.0, 349.0, 1009.0, 249.0],
        "status_text": text_col(["买家已付款，等待卖家发货"] * 5),
        "is_gift": pd.array([False] * 5, dtype="boolean"),
        "is_bundle_marked": pd.array([False] * 5, dtype="boolean"),
        "_row": [2, 3, 4, 5, 6],
    })
    assert_frame_equal(lines[expected.columns], expected)
    assert "paid" not in lines and "is_promo" not in lines  # the old layout has no paid amount
    orders = sample(TAOBAO / "ExportOrderList201707080100.masked.utf8.csv").frames["orders"]
    assert set(lines.order_id) == set(orders.order_id)
    assert len(cast_in_duckdb("order_lines", lines)) == 5


def test_shopify_six_row_sample():
    parsed = sample(SHOPIFY / "orders_export.masked.csv")
    assert parsed.layout == "shopify_orders"
    assert parsed.rows_read == 6 and not parsed.rejects
    orders, lines = parsed.frames["orders"], parsed.frames["order_lines"]
    assert list(orders.order_id) == ["#71733", "#71734", "#71735", "#71736", "#71737"]
    assert orders.shop.isna().all()
    # multi-line quoted Note Attributes: one record each, row = ordinal + 1
    assert list(orders._row) == [2, 3, 4, 5, 6]
    assert list(lines._row) == [2, 3, 4, 5, 6, 7]
    # +0400 converted to Asia/Shanghai (+0800)
    assert orders.created_at.iloc[0] == pd.Timestamp("2026-04-06 01:06:21")
    two = lines[lines.order_id == "#71737"]
    assert list(two.line_id) == ["1", "2"]
    assert list(two.title) == ["Female Solid Perfume",
                               "Apple Cider Vinegar Effervescent - Buy 1 Get 1 FREE - Color-free"]
    assert list(two.unit_price) == [600.0, 1400.0]
    last = orders.set_index("order_id").loc["#71737"]
    assert last.order_total == 1700.0 and last.promo_code == "UPSELL DISCOUNT"
    assert (orders.status_norm == "unpaid").all() and (orders.is_cod).all()
    assert (orders.paid == 0).all() and not orders.is_paid.any()
    assert len(cast_in_duckdb("orders", orders)) == 5
    assert len(cast_in_duckdb("order_lines", lines)) == 6


def test_shopify_fifty_row_sample():
    parsed = sample(SHOPIFY / "orders_export_10.masked.csv")
    orders, lines = parsed.frames["orders"], parsed.frames["order_lines"]
    assert parsed.rows_read == 50 and not parsed.rejects
    assert len(orders) == 50 and len(lines) == 50
    counts = orders.status_norm.value_counts().to_dict()
    # voided + Cancelled at -> closed; COD `pending` after fulfilment -> shipped
    assert counts == {"closed": 12, "shipped": 34, "unpaid": 4}
    assert orders.tags.str.contains("Confirmed").sum() == 34
    first = orders.iloc[0]
    assert first.order_id == "#1113" and first.status_text == "voided / unfulfilled"
    assert first.created_at == pd.Timestamp("2026-04-02 00:39:28")   # 12:39:28 -0400
    assert first.closed_at == pd.Timestamp("2026-04-02 12:35:14")    # 00:35:14 -0400
    shipped = orders[orders.status_norm == "shipped"]
    assert shipped.shipped_at.notna().all() and not shipped.is_paid.any()
    assert orders.seller_note.dropna().tolist() == ["REDACTED-8428456c"]
    by_id = orders.set_index("order_id")
    assert by_id.loc["#1115", "discount"] == 520.0 and by_id.loc["#1121", "discount"] == 1170.0
    assert list(orders._row) == list(range(2, 52))


# ---------------------------------------------------------------------------------------------
# Generated Taobao layouts

def taobao_row(header: list[str], **values: str) -> list[str]:
    base = {
        "订单编号": '="1234567890123456789"', "买家会员名": "tb_buyer", "总金额": "120.00",
        "买家应付邮费": "0.00", "买家实际支付金额": "120.00", "订单状态": "交易成功",
        "收货人姓名": "张三", "收货地址": "浙江省 杭州市 西湖区 文三路1号(310000)",
        "联系手机": "'13900000000", "订单创建时间": "2018-11-11 00:00:05",
        "订单付款时间": "2018-11-11 00:00:20", "宝贝总数量": "2", "店铺名称": "美妆旗舰店",
        "退款金额": "0.00", "确认收货时间": "2018-11-15 10:00:00", "发货时间": "2018-11-12 09:00:00",
        "商家备忘": "送小样", "买家服务费": "0元",
    }
    base.update(values)
    return [base.get(h.strip(), "") for h in header]


@pytest.mark.parametrize("header", [ORDER_2018, ORDER_2020], ids=["2018", "2020s"])
def test_later_taobao_order_layouts(header):
    rows = [taobao_row(header),
            taobao_row(header, 订单编号='="1234567890123456790"', 订单状态="等待买家付款",
                       订单付款时间="", 确认收货时间="", 发货时间="", 商家备忘="")]
    parsed = read("ExportOrderList.csv", csv_bytes(header, rows, "gbk"))
    assert parsed.layout == "taobao_orders" and not parsed.rejects
    o = parsed.frames["orders"]
    assert list(o.order_id) == ["1234567890123456789", "1234567890123456790"]
    assert list(o.status_norm) == ["completed", "unpaid"]
    assert list(o.is_paid) == [True, False]
    if "确认收货时间" in header:
        assert o.completed_at.iloc[0] == pd.Timestamp("2018-11-15 10:00:00")
    if "发货时间" in header:
        assert o.shipped_at.iloc[0] == pd.Timestamp("2018-11-12 09:00:00")
        assert o.seller_note.tolist()[0] == "送小样"


def test_taobao_subset_of_columns():
    header = ["订单创建时间", "订单编号"]
    data = csv_bytes(header, [["2017-07-08 00:42:32", '="35153131473293579"'],
                              ["2017/7/9 8:05", "35153131473293580"]])
    parsed = read("subset.csv", data)
    expected = pd.DataFrame({
        "platform": text_col(["taobao", "taobao"]),
        "shop": text_col([None, None]),
        "order_id": text_col(["35153131473293579", "35153131473293580"]),
        "created_at": times(["2017-07-08 00:42:32", "2017-07-09 08:05:00"]),
        "currency": text_col(["CNY", "CNY"]),
        "_row": [2, 3],
    })
    assert_frame_equal(parsed.frames["orders"], expected)


def test_taobao_status_words_half_width_and_unknown():
    header = ["订单编号", "订单创建时间", "订单状态"]
    rows = [["1", "2024-01-01 10:00:00", "买家已付款,等待卖家发货"],
            ["2", "2024-01-01 10:00:00", "卖家已发货，等待买家确认收货并付款"],
            ["3", "2024-01-01 10:00:00", "买家已确认，等待卖家发货"],
            ["4", "2024-01-01 10:00:00", "交易被淘宝关闭"],
            ["5", "2024-01-01 10:00:00", "等待买家确认货到付款订单信息"],
            ["6", "2024-01-01 10:00:00", "火星状态"]]
    parsed = read("status.csv", csv_bytes(header, rows))
    o = parsed.frames["orders"]
    assert o.status_norm.tolist()[:5] == ["paid", "shipped", "cod_confirmed", "closed", "unpaid"]
    assert pd.isna(o.status_norm.iloc[5]) and o.status_text.iloc[5] == "火星状态"
    assert o.is_cod.tolist()[:3] == [False, True, True] and o.is_cod.iloc[4]
    assert o.is_paid.tolist()[:3] == [True, False, False]   # no 订单付款时间: from the word
    assert any("火星状态" in n for n in parsed.notes)


def test_taobao_bad_date_rejects_only_its_row():
    header = ["订单编号", "订单创建时间", "总金额"]
    rows = [["1", "2024-01-01 10:00:00", "10.00"], ["2", "yesterday", "12.00"],
            ["3", "2024-01-02 10:00:00", "¥1,234.50"], ["4", "2024-01-02 11:00:00", "lots"],
            ["", "2024-01-02 11:00:00", "1"]]
    parsed = read("bad.csv", csv_bytes(header, rows))
    assert parsed.rows_read == 5
    assert parsed.rejects == [
        C.Reject(3, "订单创建时间", "not a date/time", "yesterday"),
        C.Reject(5, "总金额", "not an amount", "lots"),
        C.Reject(6, "订单编号", "missing order id", ""),
    ]
    o = parsed.frames["orders"]
    assert list(o.order_id) == ["1", "3"] and list(o._row) == [2, 4]
    assert list(o.order_total) == [10.0, 1234.5]


def test_new_item_layout():
    rows = [
        ['="2000000000000000001"', '="1000000000000000001"', "丝绒口红套装", "199.00", "1", "",
         "色号：01", "口红+唇釉", "", "交易成功", "LIP-SET", "", "199.00", "159.00",
         "没有申请退款", "0.00", "2024-06-18 00:01:00", "2024-06-18 00:01:30"],
        ['="2000000000000000002"', '="1000000000000000001"', "小样", "0.00", "2", "MINI-01",
         "", "", "赠品", "交易成功", "", "", "0.00", "0.00", "", "", "2024-06-18 00:01:00",
         "2024-06-18 00:01:30"],
        ['="2000000000000000003"', '="1000000000000000002"', "面霜", "89.00", "1", "", "", "",
         "", "交易成功", "CREAM-50", "", "89.00", "89.00", "买家已经申请退款,等待卖家同意",
         "89.00", "2024-06-18 00:02:00", "2024-06-18 00:02:30"],
    ]
    parsed = read("ExportOrderDetailList.csv", csv_bytes(NEW_ITEMS, rows, "gb18030"))
    assert parsed.layout == "taobao_items" and not parsed.rejects
    expected = pd.DataFrame({
        "order_id": text_col(["1000000000000000001", "1000000000000000001",
                              "1000000000000000002"]),
        "line_id": text_col(["2000000000000000001", "2000000000000000002",
                             "2000000000000000003"]),
        "sku": text_col(["LIP-SET", "MINI-01", "CREAM-50"]),
        "quantity": pd.array([1, 2, 1], dtype="Int64"),
        "unit_price": [199.0, 0.0, 89.0],
        "paid": [159.0, 0.0, 89.0],
        "refund_norm": text_col(["none", "none", "requested"]),
        "refund_amount": [0.0, np.nan, 89.0],
        "is_gift": pd.array([False, True, False], dtype="boolean"),
        "is_bundle_marked": pd.array([True, False, False], dtype="boolean"),
    })
    assert_frame_equal(parsed.frames["order_lines"][expected.columns], expected)
    # 199.00 listed, 159.00 paid: a standing price, not a promotion (DESIGN §7)
    assert "is_promo" not in parsed.frames["order_lines"]


def test_item_report_ragged_rows_fall_back_and_reject():
    text = ('"订单编号","标题","价格","购买数量","商家编码"\n'
            '="1","A","10.00","1","SKU-A",\n'
            '="1","B","5.00","1","SKU-B",,"surprise"\n'
            '="2","C","5.00","1"\n')
    parsed = read("items.csv", text)
    assert parsed.rows_read == 3
    assert [(r.row, r.column) for r in parsed.rejects] == [(3, "")]
    lines = parsed.frames["order_lines"]
    assert list(lines.sku) == ["SKU-A", "C"] and list(lines.line_id) == ["1", "1"]


def test_many_blocks_read_like_one(monkeypatch):
    """Big files arrive in several parser blocks; every column must cope with that."""
    header = [h.strip() for h in ORDER_2020]
    rows = [taobao_row(header, 订单编号=f'="{10**18 + i}"',
                       订单状态=["交易成功", "等待买家付款", "交易关闭"][i % 3])
            for i in range(3000)]
    data = csv_bytes(header, rows, "gbk")
    whole = read("big.csv", data)
    monkeypatch.setattr(formats_reading, "CSV_BLOCK_SIZE", 4096)
    blocks = read("big.csv", data)
    assert not blocks.rejects and blocks.rows_read == 3000
    assert_frame_equal(whole.frames["orders"], blocks.frames["orders"])


# ---------------------------------------------------------------------------------------------
# Encodings, XLSX and ids


def test_utf8_bom_gb18030_and_crlf_read_alike():
    header = ["订单编号", "订单创建时间", "买家会员名"]
    rows = [["1", "2024-01-01 10:00:00", "𠮷野家"], ["2", "2024-01-01 11:00:00", "€买家"]]
    plain = read("a.csv", csv_bytes(header, rows))
    bom = read("b.csv", b"\xef\xbb\xbf" + csv_bytes(header, rows))
    gb = read("c.csv", csv_bytes(header, rows, "gb18030"))
    for other in (bom, gb):
        assert_frame_equal(plain.frames["orders"], other.frames["orders"])
    assert plain.frames["orders"].buyer.tolist() == ["𠮷野家", "€买家"]


def test_truncated_multibyte_tail_keeps_the_rest():
    data = csv_bytes(["订单编号", "订单创建时间", "买家留言"],
                     [["1", "2024-01-01 10:00:00", "好"], ["2", "2024-01-01 10:00:00", "快"]],
                     "gbk", quoting=csv.QUOTE_MINIMAL)
    data = data.rstrip(b"\r\n")[:-1]   # cut inside the last character
    parsed = read("cut.csv", data)
    assert parsed.frames["orders"].buyer_message.tolist()[0] == "好"
    assert any("cut off" in n for n in parsed.notes)


def test_douyin_style_tab_ids_and_dash_empties():
    text = ("order_id,created_at,tracking_no,seller_note\n"
            '"\t6917528416318051213",2024-03-01 08:00:00,"\t7531234567890",-\n'
            "'6917528416318051214,2024-03-01 09:00:00,=\"\",\n")
    parsed = read("douyin.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    o = parsed.frames["orders"]
    assert o.order_id.tolist() == ["6917528416318051213", "6917528416318051214"]
    assert o.tracking_no.tolist()[0] == "7531234567890" and pd.isna(o.tracking_no.iloc[1])
    assert o.seller_note.isna().all()


def test_nineteen_digit_ids_survive_exactly():
    ids = ["1999999999999999999", "9223372036854775807", "4000000000000000001"]
    header = ["订单编号", "订单创建时间"]
    rows = [[f'="{i}"', "2024-01-01 00:00:00"] for i in ids]
    assert read("ids.csv", csv_bytes(header, rows)).frames["orders"].order_id.tolist() == ids
    rows = [[i, "2024-01-01 00:00:00"] for i in ids]
    assert read("ids.csv", csv_bytes(header, rows, quoting=csv.QUOTE_MINIMAL)) \
        .frames["orders"].order_id.tolist() == ids


def write_xlsx(path: Path, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    for r in rows:
        ws.append(r)
    book.save(path)
    return path.read_bytes()


def test_xlsx_resaved_by_excel(tmp_path):
    from datetime import datetime

    rows = [
        ["订单编号", "订单创建时间", "订单付款时间", "总金额", "宝贝总数量", "订单状态"],
        ["35153131473293579", "2016/5/23 22:02", datetime(2016, 5, 23, 22, 5), 201.12, 1,
         "交易成功"],
        [13293638796527, "2016/5/24 8:00", 42514.5, 99, 2.0, "交易成功"],
        [3.5153131473293576e16, "2016/5/24 9:00", None, "10", 1, "交易成功"],
        [None, None, None, None, None, None],
        ["35153131473293581", "2016/5/25 9:00", None, "10", 1, "等待买家付款"],
    ]
    parsed = read("ExportOrderList.xlsx", write_xlsx(tmp_path / "o.xlsx", rows))
    assert parsed.layout == "taobao_orders" and parsed.rows_read == 4
    assert [(r.row, r.column) for r in parsed.rejects] == [(4, "订单编号")]
    o = parsed.frames["orders"]
    assert o.order_id.tolist() == ["35153131473293579", "13293638796527", "35153131473293581"]
    assert o.created_at.tolist() == [pd.Timestamp("2016-05-23 22:02"),
                                     pd.Timestamp("2016-05-24 08:00"),
                                     pd.Timestamp("2016-05-25 09:00")]
    assert o.paid_at.tolist()[:2] == [pd.Timestamp("2016-05-23 22:05"),
                                      pd.Timestamp("2016-05-24 12:00")]
    assert o.order_total.tolist() == [201.12, 99.0, 10.0]
    assert o.item_count.tolist() == [1, 2, 1]
    assert o._row.tolist() == [2, 3, 6]


def test_xlsx_picks_the_sheet_with_a_known_layout(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["说明"])
    book.active.append(["导出于 2024-01-01"])
    ws = book.create_sheet("stock")
    ws.append(["商家编码", "可用库存"])
    ws.append(["SKU-1", 5])
    book.save(tmp_path / "s.xlsx")
    parsed = read("stock.xlsx", (tmp_path / "s.xlsx").read_bytes())
    assert parsed.layout == "template_stock"
    assert parsed.frames["stock"].available.tolist() == [5]


# ---------------------------------------------------------------------------------------------
# Refusals


def refused(name: str, data: bytes) -> str:
    with pytest.raises(C.FileRefused) as info:
        read_export(name, data)
    message = str(info.value)
    assert message.startswith(name)
    return message


def test_refusals():
    assert "empty" in refused("empty.csv", b"")
    assert "empty" in refused("blank.csv", b"  \r\n ")
    assert "binary" in refused("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "XLSX" in refused("fake.xlsx", b"PK\x03\x04 not really a zip at all")
    assert "xls" in refused("old.xls", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100)
    message = refused("mystery.csv", "名字,年龄\n张三,3\n".encode())
    assert "名字, 年龄" in message and "taobao_orders" in message
    message = refused("orders.csv", "订单编号,买家会员名\n1,x\n".encode())
    assert "订单创建时间" in message and "taobao_orders" in message
    message = refused("bad.csv", b"a,b\n\xff\xfe\xfd\x80\x80,1\n" * 3 + b"\x81")
    assert "UTF-8" in message


def test_zip_that_is_not_a_workbook_and_zip_bomb_guard(tmp_path, monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "not an XLSX" in refused("a.xlsx", buf.getvalue())
    data = write_xlsx(tmp_path / "big.xlsx", [["sku", "available"], ["A", 1]])
    monkeypatch.setattr(formats_reading, "MAX_XLSX_UNCOMPRESSED", 100)
    assert "MB" in refused("big.xlsx", data)


def test_xlsx_xml_bomb_is_refused(tmp_path):
    data = write_xlsx(tmp_path / "b.xlsx", [["sku", "available"], ["A", 1]])
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
            '</sheetData></worksheet>')
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = bomb if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            z.writestr(info.filename, body)
    assert "cannot be read" in refused("bomb.xlsx", out.getvalue())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=400),
    st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200)),
    st.builds(lambda t: ("订单编号,订单创建时间,总金额\n" + t).encode("utf-8"),
              st.text(max_size=200)),
    st.builds(lambda t: ("sku,available,warehouse\n" + t).encode("gb18030"),
              st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200)),
))
def test_random_bytes_never_raise_anything_but_refused(data):
    try:
        parsed = read_export("random.csv", data)
    except C.FileRefused as exc:
        assert str(exc).startswith("random.csv")
        return
    assert parsed.layout
    for table, frame in parsed.frames.items():
        assert set(frame.columns) - {"_row"} <= set(C.TABLE_COLUMNS[table])
        cast_in_duckdb(table, frame)


# ---------------------------------------------------------------------------------------------
# Shopify orders, generated


def test_shopify_status_words_and_older_headers():
    header = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status",
              "Fulfillment Date", "Total", "Created at", "Lineitem quantity", "Lineitem name",
              "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Note",
              "Cancelled at", "Payment Method", "Refunded Amount"]
    t = "2024-03-01 10:00:00 +0000"
    rows = [
        ["#1", "a@x.io", "paid", t, "unfulfilled", "", "50.00", t, "1", "Serum", "50.00", "",
         "SER", "leave at door", "", "Shopify Payments", "0.00"],
        ["#1", "", "", "", "", "", "", "", "1", "Sample", "0.00", "", "", "", "", "", ""],
        ["#2", "b@x.io", "partially_paid", "", "partial", t, "80.00", t, "2", "Cream", "40.00",
         "45.00", "CRM", "", "", "Cash on Delivery (COD)", "0.00"],
        ["#3", "c@x.io", "refunded", t, "unfulfilled", "", "30.00", t, "1", "Mask", "30.00",
         "", "MSK", "", t, "", "30.00"],
        ["#4", "d@x.io", "paid", t, "unfulfilled", "", "30.00", t, "1", "Mask", "30.00", "",
         "MSK", "", t, "", "0.00"],
        ["#5", "", "authorized", "", "", "", "30.00", "2024-03-01 10:00:00", "1", "Mask",
         "30.00", "", "MSK", "", "", "cod", "0.00"],
        ["#6", "", "expired", "", "", "", "30.00", t, "1", "Mask", "30.00", "", "MSK", "",
         "", "", "0.00"],
        ["#7", "", "on_hold", "", "fulfilled", t, "30.00", t, "1", "Mask", "30.00", "", "MSK",
         "", "", "", "0.00"],
    ]
    parsed = read("orders_export.csv", csv_bytes(header, rows, quoting=csv.QUOTE_MINIMAL))
    assert not parsed.rejects and parsed.rows_read == 8
    assert parsed.notes == ["unknown Financial Status values: on_hold"]
    o = parsed.frames["orders"].set_index("order_id")
    assert o.status_norm.to_dict() == {"#1": "paid", "#2": "shipped", "#3": "refunded",
                                       "#4": "cancelled", "#5": "unpaid", "#6": "closed",
                                       "#7": "shipped"}
    assert o.is_paid.tolist() == [True, True, True, True, False, False, False]
    assert o.paid.tolist() == [50.0, 80.0, 30.0, 30.0, 0.0, 0.0, 0.0]
    assert o.is_cod.tolist() == [False, True, False, False, True, False, False]
    assert o.partial_shipped.tolist() == [False, True] + [False] * 5
    assert o.loc["#1", "seller_note"] == "leave at door"
    assert o.loc["#2", "shipped_at"] == pd.Timestamp("2024-03-01 18:00")
    assert o.loc["#5", "created_at"] == pd.Timestamp("2024-03-01 10:00")  # no offset: desk time
    lines = parsed.frames["order_lines"]
    assert lines.line_id.tolist()[:2] == ["1", "2"]
    assert lines.sku.tolist()[:2] == ["SER", "Sample"]          # no SKU: the line's name
    assert lines.is_gift.tolist()[:3] == [False, True, False]
    # a compare-at price above the price is a standing price, not a promotion (DESIGN §7)
    assert "is_promo" not in lines


def test_shopify_order_rejected_with_its_lines():
    header = ["Name", "Created at", "Total", "Lineitem name", "Lineitem quantity"]
    rows = [["#1", "2024-03-01 10:00:00 +0000", "oops", "A", "1"], ["#1", "", "", "B", "1"],
            ["#2", "2024-03-01 10:00:00 +0000", "5.00", "C", "x"], ["#2", "", "", "D", "2"]]
    parsed = read("orders_export.csv", csv_bytes(header, rows))
    assert [(r.row, r.column) for r in parsed.rejects] == [(2, "Total"), (3, "Name"),
                                                           (4, "Lineitem quantity")]
    assert parsed.frames["orders"].order_id.tolist() == ["#2"]
    assert parsed.frames["order_lines"].title.tolist() == ["D"]


def test_line_endings_and_delimiters():
    expected = read("a.csv", "sku,available\nA,1\nB,2\n").frames["stock"]
    for name, data in [("cr.csv", b"sku,available\rA,1\rB,2\r"),
                       ("semicolon.csv", b"sku;available\r\nA;1\r\nB;2"),
                       ("unicode.txt", "sku\tavailable\r\nA\t1\r\nB\t2\r\n".encode("utf-16"))]:
        assert_frame_equal(read(name, data).frames["stock"], expected)


def test_time_spellings():
    text = ("订单编号,订单创建时间\n1,2017年7月8日 10:00\n2,2017-07-08T10:00:00+08:00\n"
            "3,42924.4166666667\n4,2017/7/8\n5,2017-07-08 10:00:00.250\n")
    o = read("t.csv", text).frames["orders"]
    assert o.created_at.tolist() == [pd.Timestamp("2017-07-08 10:00"),
                                     pd.Timestamp("2017-07-08 10:00"),
                                     pd.Timestamp("2017-07-08 10:00"),
                                     pd.Timestamp("2017-07-08"),
                                     pd.Timestamp("2017-07-08 10:00:00.250")]


def test_plain_times_are_read_as_the_other_spellings_are():
    """`2026-11-11 10:00:00` is read in one pass, every other spelling as before; a day the
    month does not have is refused either way, never rolled over into the next month."""
    text = ("订单编号,订单创建时间\n1,2026-02-28 23:59:59\n2,2026-02-30 10:00:00\n"
            "3,2026/2/28 23:59:59\n4,2026-11-11 10:00:60\n5,2026-04-31 08:00:00\n"
            "6,2026-2-28 23:59:59\n")
    parsed = read("t.csv", text)
    o = parsed.frames["orders"]
    assert o.order_id.tolist() == ["1", "3", "4", "6"]
    assert o.created_at.tolist() == [pd.Timestamp("2026-02-28 23:59:59"),
                                     pd.Timestamp("2026-02-28 23:59:59"),
                                     pd.Timestamp("2026-11-11 10:01:00"),
                                     pd.Timestamp("2026-02-28 23:59:59")]
    assert [(r.row, r.reason, r.value) for r in parsed.rejects] == [
        (3, "not a date/time", "2026-02-30 10:00:00"),
        (6, "not a date/time", "2026-04-31 08:00:00")]
    # in another desk time zone the plain ones move with the others
    berlin = read("t.csv", text, timezone="Europe/Berlin").frames["orders"]
    assert berlin.created_at.tolist()[:2] == [pd.Timestamp("2026-02-28 16:59:59")] * 2


# ---------------------------------------------------------------------------------------------
# Shopify inventory and the templates


def test_shopify_inventory():
    header = ["Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name",
              "Option2 Value", "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO",
              "Location", "Bin name", "Incoming (not editable)", "Unavailable (not editable)",
              "Committed (not editable)", "Available (not editable)", "On hand (current)",
              "On hand (new)"]
    rows = [
        ["serum", "Hair Serum", "Size", "30ml", "", "", "", "", "SER-30", "", "", "Dhaka WH",
         "", "0", "0", "2", "-3", "-1", ""],
        ["serum", "Hair Serum", "Size", "60ml", "", "", "", "", "SER-60", "", "", "Dhaka WH",
         "", "not stocked", "not stocked", "not stocked", "not stocked", "not stocked", ""],
        ["gift", "Gift card", "Title", "Default Title", "", "", "", "", "", "", "", "Dhaka WH",
         "", "0", "0", "0", "10", "10", ""],
        ["cream", "Cream", "Title", "Default Title", "", "", "", "", "CRM-1", "", "", "", "",
         "5", "0", "1", "7", "8", ""],
    ]
    parsed = read("inventory_export.csv", csv_bytes(header, rows, quoting=csv.QUOTE_MINIMAL))
    assert parsed.layout == "shopify_inventory" and not parsed.rejects
    assert any("1 row(s) without an SKU" in n for n in parsed.notes)
    assert (parsed.rows_read, parsed.rows_skipped) == (4, 1)
    expected = pd.DataFrame({
        "sku": text_col(["SER-30", "SER-60", "CRM-1"]),
        "warehouse": text_col(["Dhaka WH", "Dhaka WH", ""]),
        "name": text_col(["Hair Serum - 30ml", "Hair Serum - 60ml", "Cream"]),
        "available": pd.array([-3, None, 7], dtype="Int64"),
        "reserved": pd.array([2, None, 1], dtype="Int64"),
        "on_hand": pd.array([-1, None, 8], dtype="Int64"),
        "in_transit": pd.array([0, None, 5], dtype="Int64"),
        "_row": [2, 3, 5],
    })
    assert_frame_equal(parsed.frames["stock"], expected)
    from pipeline.db.store import Store
    from pipeline.ingest.importing import import_bytes

    store = Store(":memory:")
    result = import_bytes(store, "inventory_export.csv",
                          csv_bytes(header, rows, quoting=csv.QUOTE_MINIMAL))
    assert (result.status, result.rows_read, result.rows_imported) == ("imported", 4, 3)
    assert "1 skipped" in result.message
    store.close()


def test_templates_round_trip():
    assert set(TEMPLATES) == {"orders", "order_lines", "stock", "bundles", "promotions"}
    layouts = {"orders": "template_orders", "order_lines": "template_lines",
               "stock": "template_stock", "bundles": "template_bundles",
               "promotions": "template_promotions"}
    for table, text in TEMPLATES.items():
        parsed = read(f"{table}_template.csv", text)
        assert parsed.layout == layouts[table]
        assert not parsed.rejects and not parsed.notes
        frame = parsed.frames[table]
        assert 2 <= len(frame) == parsed.rows_read <= 3
        assert set(frame.columns) - {"_row"} <= set(C.TABLE_COLUMNS[table])
        assert len(cast_in_duckdb(table, frame)) == len(frame)


def test_order_template_statuses():
    text = ("Order_ID, Created At ,Status,platform,paid_at,Total_Extra\n"
            "A1,2024-05-01 10:00,confirmed_unpaid,PDD,,x\n"
            "A2,2024-05-01 10:00,退款中,,2024-05-01 10:05,x\n"
            "A3,2024-05-01 10:00,已处理已发货,,,x\n"
            "A4,2024-05-01 10:00,closed,,,x\n"
            "A5,2024-05-01 10:00,,,,x\n")
    parsed = read("orders.csv", text)
    assert parsed.notes == ["ignored columns: Total_Extra"]
    o = parsed.frames["orders"]
    assert o.platform.tolist() == ["pdd", "other", "other", "other", "other"]
    assert o.shop.isna().all()
    assert o.status_norm.tolist()[:4] == ["cod_confirmed", "cancelled", "completed", "closed"]
    assert o.is_cod.tolist()[0] is True and o.is_paid.tolist()[1] is True
    assert o.paid_at.tolist()[1] == pd.Timestamp("2024-05-01 10:05")


def test_line_template_defaults():
    text = ("order_id,sku,quantity,unit_price,refund_status\n"
            "A1,SKU-1,2,10.00,\nA1,GIFT,1,0,退款成功\nA2,SKU-1,1,10.00,requested\n")
    lines = read("lines.csv", text).frames["order_lines"]
    assert lines.line_id.tolist() == ["1", "2", "1"]
    assert lines.is_gift.tolist() == [False, True, False]
    assert lines.refund_norm.tolist() == ["none", "success", "requested"]
    assert lines.platform.tolist() == ["other"] * 3


def test_chinese_template_headers():
    stock = read("库存.csv", "商家编码,商品名称,可用库存,实际库存,锁定库存,在途库存,安全库存,仓库名称\n"
                             "SKU-1,口红,5,7,2,0,3,杭州仓\nSKU-2,面霜,-1,0,1,,,\n")
    assert stock.layout == "template_stock"
    expected = pd.DataFrame({
        "sku": text_col(["SKU-1", "SKU-2"]),
        "warehouse": text_col(["杭州仓", ""]),
        "name": text_col(["口红", "面霜"]),
        "on_hand": pd.array([7, 0], dtype="Int64"),
        "reserved": pd.array([2, 1], dtype="Int64"),
        "available": pd.array([5, -1], dtype="Int64"),
        "in_transit": pd.array([0, None], dtype="Int64"),
        "safety_stock": pd.array([3, None], dtype="Int64"),
        "_row": [2, 3],
    })
    assert_frame_equal(stock.frames["stock"], expected)
    bundles = read("组合装.csv", "组合装编码,子商品编码,数量\nSET-1,A,1\nSET-1,B,2\nSET-2,A,\n")
    assert bundles.layout == "template_bundles"
    assert bundles.frames["bundles"].quantity.tolist() == [1, 2]
    assert [(r.row, r.column, r.reason) for r in bundles.rejects] == [(4, "数量", "missing quantity")]
    promos = read("活动.csv", "活动名称,开始时间,结束时间\n双11,2024-11-11 00:00,2024-11-11 23:59\n")
    assert promos.layout == "template_promotions"
    assert promos.frames["promotions"].start_at.tolist() == [pd.Timestamp("2024-11-11")]


def test_detect_layout():
    assert detect_layout([h.strip() for h in ORDER_2020]) == "taobao_orders"
    assert detect_layout(NEW_ITEMS) == "taobao_items"
    assert detect_layout(["订单编号", "标题", "价格", "购买数量"]) == "taobao_items"
    assert detect_layout(["Name", "Financial Status"]) == "shopify_orders"
    assert detect_layout(["Handle", "SKU", "Available (not editable)"]) == "shopify_inventory"
    assert detect_layout(["order id", "sku", "quantity"]) == "template_lines"
    assert detect_layout(["SKU", "available"]) == "template_stock"
    assert detect_layout(["name", "start", "end"]) == "template_promotions"
    assert detect_layout(["foo", "bar"]) is None


def test_desk_time_zone_other_than_shanghai():
    header = ["订单编号", "订单创建时间"]
    parsed = read("tz.csv", csv_bytes(header, [["1", "2024-01-01 08:00:00"]]),
                  timezone="Europe/Berlin")
    assert parsed.frames["orders"].created_at.tolist() == [pd.Timestamp("2024-01-01 01:00")]
    shop = read_export("o.csv", (SHOPIFY / "orders_export.masked.csv").read_bytes(),
                       timezone="America/New_York")
    assert shop.frames["orders"].created_at.iloc[0] == pd.Timestamp("2026-04-05 13:06:21")


def test_samples_import_through_the_store(tmp_path):
    """The frames meet the store's contract: cast, keyed and upserted without loss."""
    from pipeline.db.store import Store
    from pipeline.ingest.importing import import_bytes

    store = Store(tmp_path / "formats.duckdb")
    try:
        for path in [TAOBAO / "ExportOrderList201707080100.masked.gbk.csv",
                     TAOBAO / "ExportOrderDetailList201707080100.gbk.csv",
                     SHOPIFY / "orders_export_10.masked.csv"]:
            result = import_bytes(store, path.name, path.read_bytes())
            assert result.status == "imported", result.message
        con = store.cursor()
        ids = con.execute(
            "select order_id from orders where platform = 'taobao' order by order_id"
        ).fetchall()
        assert [i for (i,) in ids] == sorted(TAOBAO_ORDER_IDS)
        assert con.execute(
            "select count(*) from orders where platform = 'shopify'").fetchone() == (50,)
    finally:
        store.close()


def test_a_record_cut_off_at_the_end_is_rejected_and_a_complete_one_kept():
    head = "订单编号,订单创建时间,买家留言\n1,2024-01-01 10:00:00,好\n"
    for tail in ('2,2024-01-01 10:00:00,"还没写完\n第二行',   # inside a quoted field
                 "2,2024-01-01 1"):                            # short of fields
        parsed = read("cut.csv", head + tail)
        assert parsed.frames["orders"].order_id.tolist() == ["1"]
        assert [(r.row, r.reason) for r in parsed.rejects] == [
            (3, "the file ends inside this record (cut off?)")]
        assert parsed.rows_read == 2
    whole = read("whole.csv", head + "2,2024-01-01 10:00:00,快")  # no final line break
    assert whole.frames["orders"].order_id.tolist() == ["1", "2"] and not whole.rejects
    quoted = read("q.csv", head + '2,2024-01-01 10:00:00,"一行\n两行"')
    assert quoted.frames["orders"].buyer_message.tolist() == ["好", "一行\n两行"]


def test_a_gb18030_file_converted_in_blocks_reads_like_one(monkeypatch):
    header = ["订单编号", "订单创建时间", "买家留言"]
    rows = [[str(i), "2024-01-01 10:00:00", "𠮷野家 \"引号\"\n换行" * (i % 3)] for i in range(300)]
    data = csv_bytes(header, rows, "gb18030")
    whole = read("a.csv", data)
    monkeypatch.setattr(formats_reading, "DECODE_BLOCK_SIZE", 64)
    blocks = read("a.csv", data)
    assert not blocks.rejects and blocks.rows_read == 300
    assert_frame_equal(whole.frames["orders"], blocks.frames["orders"])


def test_formulas_without_a_saved_result_are_said_not_read_quietly_as_empty():
    """A workbook written by a program that does not calculate holds formulas and no values:
    the cells read as empty, and the import says so (a saved result is read as it is)."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["order_id", "created_at", "order_total", "paid"])
    ws.append(["X1", "2026-11-20 10:00", "=2*50", "=C2"])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = read("f.xlsx", buf.getvalue())
    assert [str(n) for n in parsed.notes] == [
        "2 formula cell(s) hold no saved result and were read as empty; open the workbook in "
        "Excel, save it and import it again"]
    saved = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, \
            zipfile.ZipFile(saved, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"<v />", b"<v>100</v>")
            zout.writestr(info, part)
    parsed = read("f.xlsx", saved.getvalue())
    assert parsed.notes == []
    assert parsed.frames["orders"]["order_total"].tolist() == [100.0]


def test_formulas_with_an_empty_text_result_or_on_another_sheet_are_not_said():
    """Excel saves a formula whose result is "" as an empty value of a text cell; a formula
    on a sheet not read (a summary) is none of the import's business. Formatted empty cells
    (written self-closing) around them change nothing."""
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["order_id", "created_at", "buyer_message"])
    ws.append(["X1", "2026-11-20 10:00", '=IF(1,"","x")'])
    for r in range(3, 60):
        for c in range(1, 8):
            ws.cell(r, c).font = Font(bold=True)
    wb.create_sheet("汇总").append(["=SUM(A1:A9)"])
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":   # as Excel saves a "" result
                part = part.replace(b'<c r="C2"><f>', b'<c r="C2" t="str"><f>')
            zout.writestr(info, part)
    assert read("f.xlsx", out.getvalue()).notes == []
    assert len(read("f.xlsx", buf.getvalue()).notes) == 1   # unsaved as written: said


def test_rows_pasted_together_from_two_encodings_are_refused_naming_the_lines():
    """Read as GBK, the UTF-8 rows would be stored garbled (你好 as 浣犲ソ): refused, and a
    whole GBK file with the same text still reads."""
    from pipeline.base.reasons import say

    head = "order_id,created_at,buyer_message\n"
    mixed = ((head + "M1,2026-03-09 10:00,你好\n").encode("utf-8")
             + "M2,2026-03-09 10:00,请尽快发货\n".encode("gbk"))
    with pytest.raises(C.FileRefused) as refused:
        read("mixed.csv", mixed)
    assert "mixes two encodings (line 2 is UTF-8, line 3 is not" in str(refused.value)
    assert "第 2 行是 UTF-8，第 3 行不是" in say(str(refused.value), "zh", "mixed.csv")
    whole = (head + "M1,2026-03-09 10:00,你好\nM2,2026-03-09 10:00,请尽快发货\n").encode("gbk")
    assert read("gbk.csv", whole).frames["orders"]["buyer_message"].tolist() == ["你好", "请尽快发货"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_title_above_the_header_is_skipped_and_rows_keep_their_numbers(kind):
    """Some exports write a title or an export date above the header: the header is found in
    the next lines, the rows keep the numbers a spreadsheet shows, and the import says so."""
    from pipeline.base.reasons import say

    header = ["订单号", "订单状态", "商品总价(元)", "用户实付金额(元)", "订单成交时间", "订单付款时间"]
    rows = [["240801-123456789012345", "待发货", "100.00", "90.00", "2024-08-01 10:00:00",
             "2024-08-01 10:01:00"],
            ["240801-123456789012346", "待发货", "abc", "90.00", "2024-08-01 10:00:00",
             "2024-08-01 10:01:00"]]
    if kind == "csv":
        data = ("订单导出 2024-08-01\n导出人：张三\n" + "\n".join(
            ",".join(r) for r in [header, *rows]) + "\n").encode("utf-8")
    else:
        wb = openpyxl.Workbook()
        for r in (["订单导出 2024-08-01"], ["导出人：张三"], header, *rows):
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    parsed = read(f"pdd.{kind}", data)
    assert parsed.layout == "pinduoduo_orders"
    assert parsed.frames["orders"]["order_id"].tolist() == ["240801-123456789012345"]
    assert [(r.row, r.column) for r in parsed.rejects] == [(5, "商品总价(元)")]
    note = "2 line(s) above the header skipped (a title: '订单导出 2024-08-01')"
    assert [str(n) for n in parsed.notes] == [note]
    assert say(note, "zh") == "跳过表头上方的 2 行（标题：'订单导出 2024-08-01'）"


@pytest.mark.parametrize("delimiter,title", [("\t", "订单导出 2024-08-01"),
                                             (";", "订单导出 2024-08-01"),
                                             (",", "导出时间: 2024-08-01; 共2条")])
def test_a_title_above_a_header_of_any_delimiter(delimiter, title):
    header = ["订单号", "订单状态", "订单成交时间"]
    row = ["240801-123456789012345", "待发货", "2024-08-01 10:00:00"]
    data = (title + "\n" + "\n".join(delimiter.join(r) for r in (header, row)) + "\n").encode()
    parsed = read("pdd.csv", data)
    assert parsed.frames["orders"]["order_id"].tolist() == ["240801-123456789012345"]


def test_a_header_with_a_line_break_in_a_quoted_name_is_no_title():
    data = ('"备\n注",订单号,订单状态,订单成交时间\n'
            "x,240801-123456789012345,待发货,2024-08-01 10:00:00\n"
            "x,240801-123456789012346,待发货,not a time\n").encode()
    parsed = read("pdd.csv", data)
    assert [str(n) for n in parsed.notes] == []
    assert [r.row for r in parsed.rejects] == [3]


def test_an_unknown_first_line_without_a_header_below_is_still_refused():
    data = b"hello,world\n1,2\n"
    with pytest.raises(C.FileRefused, match="layout not recognised; headers seen: hello"):
        read("x.csv", data)
