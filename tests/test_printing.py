"""Printing a batch: the pick list (sets split, gifts counted) and packing slips, as PDF with
Chinese text and as XLSX with ids as text and formula-like cells escaped."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pandas as pd
import pytest

from pipeline.outputs import printing as P
from tests.conftest import load, load_tables
from tests.factories import pdf_strings, pdf_text

ID = "3512200012345678901"
AT = datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def data(store):
    paid = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
    load(store, [
        {"order_id": ID, **paid, "buyer_message": "=1+1 请<b>包好</b>", "receiver": "张三",
         "province": "浙江省", "city": "杭州市", "district": "西湖区", "address": "文三路1号",
         "seller_note": "老客户"},
        {"order_id": "o2", **paid},
        {"order_id": "other", **paid},
    ], [
        {"order_id": ID, "line_id": "1", "sku": "SET1", "title": "礼盒套装", "quantity": 2,
         "unit_price": 100},
        {"order_id": ID, "line_id": "2", "sku": "G1", "title": "小样", "quantity": 1,
         "unit_price": 0},
        {"order_id": "o2", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1,
         "unit_price": 50},
        {"order_id": "other", "line_id": "1", "sku": "A", "quantity": 9, "unit_price": 50},
    ])
    load_tables(store, bundles=[{"bundle_sku": "SET1", "component_sku": "A", "quantity": 1},
                                {"bundle_sku": "SET1", "component_sku": "B", "quantity": 2}],
                stock=[{"sku": "A", "name": "精华液", "available": 5, "warehouse": "杭州仓"},
                       {"sku": "B", "name": "面霜", "available": 0, "warehouse": "上海仓"}])
    keys = pd.DataFrame([("taobao", "s1", ID), ("taobao", "s1", "o2")],
                        columns=["platform", "shop", "order_id"])
    return P.print_data(store.cursor(), keys)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def test_the_pick_list_splits_sets_and_counts_gifts(data):
    assert plain(data.pick).to_dict("list") == {
        "sku": ["B", "A", "G1"], "name": ["面霜", "精华液", "小样"],
        "warehouse": ["上海仓", "杭州仓", None], "quantity": [4, 3, 1],
        "gift_quantity": [0, 0, 1], "from_bundles": ["SET1", "SET1", None],
        "orders": [1, 2, 1],
    }


def test_slips_keep_the_batch_order_and_list_components(data):
    assert data.orders["order_id"].tolist() == [ID, "o2"]
    assert plain(data.lines)[["order_id", "sku", "is_gift", "components"]].values.tolist() == [
        [ID, "SET1", False, "A ×1, B ×2"], [ID, "G1", True, None], ["o2", "A", False, None]]


# --- PDF: the text is read back from the content streams (no PDF library needed) -----------


def test_pick_list_pdf_has_the_chinese_text(data):
    pdf = P.pick_list_pdf(data.pick, "ab12cd-1", AT, n_orders=2)
    assert pdf.startswith(b"%PDF") and b"/STSong-Light" in pdf
    text = pdf_text(pdf)
    assert "拣货单 | ab12cd-1" in text
    assert "打印时间 2026-11-20 10:00 | 2 个订单 | 3 个 SKU" in text
    assert "面霜" in text and "上海仓" in text and "精华液" in text


def test_packing_slips_pdf_text_as_text(data):
    pdf = P.packing_slips_pdf(data, AT, lang="en")
    text = pdf_text(pdf)
    assert f"Packing slip | {ID}" in text and "Packing slip | o2" in text
    assert "=1+1 请<b>包好</b>" in text              # drawn as typed, not as markup
    assert "浙江省 杭州市 西湖区 文三路1号" in text
    assert "G1 ×1" in text and "老客户" in text and "A ×1, B ×2" in text


# --- XLSX ----------------------------------------------------------------------------------


def cells(xlsx: bytes) -> dict[str, list[list]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_packing_slips_xlsx_ids_as_text_and_formulas_escaped(data):
    book = cells(P.packing_slips_xlsx(data))
    orders, items = book["发货单"], book["商品明细"]
    assert orders[0][:3] == ["订单编号", "店铺", "平台"]
    assert orders[1][0] == ID                                  # the 19 digits, as text
    assert orders[1][orders[0].index("买家留言")] == "'=1+1 请<b>包好</b>"
    assert orders[1][orders[0].index("赠品")] == "G1 ×1"
    assert [r[3] for r in items[1:]] == ["SET1", "G1", "A"]
    assert [r[6] for r in items[1:]] == [None, "赠品", None]


def test_pick_list_xlsx(data):
    book = cells(P.pick_list_xlsx(data.pick, "ab12cd-1", lang="en"))
    sheet = book["Pick list"]
    assert sheet[0] == ["SKU", "Name", "Warehouse", "Quantity", "Of which gifts", "From sets",
                        "Orders", "Batch"]
    assert sheet[1] == ["B", "面霜", "上海仓", 4, 0, "SET1", 1, "ab12cd-1"]
    assert sheet[3][:3] == ["G1", "小样", "—"]


def test_a_line_refunded_in_full_is_neither_picked_nor_packed(store):
    paid = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
    load(store, [{"order_id": "r1", **paid}], [
        {"order_id": "r1", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 50,
         "refund_norm": "success"},
        {"order_id": "r1", "line_id": "2", "sku": "B", "quantity": 2, "unit_price": 30},
    ])
    keys = pd.DataFrame([("taobao", "s1", "r1")], columns=["platform", "shop", "order_id"])
    got = P.print_data(store.cursor(), keys)
    assert got.pick["sku"].tolist() == ["B"] and got.pick["quantity"].tolist() == [2]
    assert got.lines["sku"].tolist() == ["B"]


# --- what a packer needs (issue 26): the address once, the phone, slips several to an A4
# page or one to a 100×150 mm label, SKU codes never broken across lines ---------------------

LONG_SKU = "LONGSKU-ABCDEFGHIJ-0123456789-XL"


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """The width and height (points) of every page."""
    return [(float(w), float(h)) for w, h in re.findall(
        rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)]


@pytest.fixture
def packer(store):
    paid = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
    load(store, [
        # the street as Taobao exports it: the region again at its start
        {"order_id": "p1", **paid, "receiver": "李四", "phone": "13800001234",
         "province": "浙江省", "city": "杭州市", "district": "西湖区",
         "address": "浙江省杭州市西湖区文三路1号"},
        *({"order_id": f"p{i}", **paid, "receiver": "王五", "phone": "139****0000",
           "province": "上海", "city": "上海市", "district": "闵行区", "address": "长江路872号"}
          for i in range(2, 5)),
    ], [
        {"order_id": "p1", "line_id": "1", "sku": LONG_SKU, "title": "长编码商品", "quantity": 1,
         "unit_price": 10},
        *({"order_id": f"p{i}", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1,
           "unit_price": 50} for i in range(2, 5)),
    ])
    keys = pd.DataFrame([("taobao", "s1", f"p{i}") for i in range(1, 5)],
                        columns=["platform", "shop", "order_id"])
    return P.print_data(store.cursor(), keys)


def test_a_slip_prints_the_address_once_and_the_phone(packer):
    text = pdf_text(P.packing_slips_pdf(packer, AT, lang="en"))
    assert "浙江省杭州市西湖区文三路1号" in text
    assert text.count("浙江省") == 1 and text.count("杭州市") == 1
    assert "13800001234" in text and "139****0000" in text      # masked ones as masked
    book = cells(P.packing_slips_xlsx(packer, lang="en"))["Packing slips"]
    head = book[0]
    assert [r[head.index("Address")] for r in book[1:3]] == [
        "浙江省杭州市西湖区文三路1号", "上海 上海市 闵行区 长江路872号"]
    assert [r[head.index("Phone")] for r in book[1:3]] == ["13800001234", "139****0000"]


def test_several_slips_share_an_a4_page(packer):
    pdf = P.packing_slips_pdf(packer, AT)
    assert page_sizes(pdf) == [(595.2756, 841.8898)]              # four short slips, one A4
    text = pdf_text(pdf)
    assert all(f"发货单 | p{i}" in text for i in range(1, 5))


def test_a_thermal_label_is_100_by_150_mm_one_slip_each(packer):
    pdf = P.packing_slips_pdf(packer, AT, size="label")
    # 100 × 150 mm in points (72 / 25.4 a millimetre)
    assert page_sizes(pdf) == [(283.4646, 425.1969)] * 4
    assert "13800001234" in pdf_text(pdf)


def test_a_long_sku_is_never_broken_across_lines(packer):
    pick = P.pick_list_pdf(packer.pick, "ab12cd-1", AT, n_orders=4)
    assert any(LONG_SKU in s for s in pdf_strings(pick))
    for size in ("a4", "label"):
        slips = P.packing_slips_pdf(packer, AT, size=size)
        assert any(LONG_SKU in s for s in pdf_strings(slips)), size
