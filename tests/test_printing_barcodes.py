"""Barcodes on paper: the packing slips (A4 and 100×150 mm labels) carry a Code128 of their
parcel's id and of the tracking number once known, each pick-list line one of its SKU. The
PDFs are rasterised (pypdfium2) and read back with a barcode reader (zxing-cpp), as a
scanner at the packing bench would; the text on the page is read from the PDF.

The store, worked out by hand: a Taobao order of 19 digits (SF tracking number), a Shopify
`#1001` (none yet), a JD order (JD tracking number), a merged parcel of two Taobao orders
(one ZTO number; its title too long to leave room beside it on A4), an order sp split in two
(parcel 2 has a number), and an order whose id is Chinese (Code128 cannot carry it; its YTO
number it can). SKUs: a 69 code with leading zeros, plain ones, one
too long for the pick list's widest SKU column at 0.25 mm a module, and a Chinese one."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pypdfium2 as pdfium
import pytest
import zxingcpp

from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.outputs import printing as P
from tests.conftest import load
from tests.factories import pdf_text

TAOBAO = "3512200012345678901"
SHOPIFY = "#1001"
HEAD, OTHER = "3512200012345678911", "3512200012345678921"     # a merged parcel's orders
JD = "312345678901"
CHINESE = "订单一"
EAN = "006901234567892"                          # a 69 (China) code, leading zeros kept
LONG_SKU = "LONGSKU-ABCDEFGHIJ-0123456789-XL"
AT = datetime(2026, 11, 21, 10, 0)
DPI = 300
MM = 72 / 25.4

PAID = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
HOME = {"buyer": "tom", "receiver": "汤姆", "phone": "13800001234", "province": "浙江省",
        "city": "杭州市", "district": "西湖区", "address": "文三路1号"}

# What each slip's barcodes carry, in reading order (the parcel's id, then the tracking number)
SLIPS = [
    [TAOBAO, "SF1234567890123"],
    [SHOPIFY],
    [JD, "JDVA12345678901"],
    [HEAD, "78912345678901"],                    # the merged parcel: its first order's id
    ["sp#1"],                                    # the split order's parcels
    ["sp#2", "75312345678901"],
    ["YT1234567890123"],                         # the Chinese id: no barcode of its own
]

# Modules of a symbol (start, data, checksum 11 each; stop 13), counted by hand: Taobao's
# 19 digits are start C, 9 digit pairs, code B, '1', checksum, stop; Shopify's start B, '#',
# code C, 10, 01; JD's 12 digits start C and 6 pairs; JD's number start B, J D V A 1, code C,
# 5 pairs.
MODULES = {TAOBAO: 11 + 9 * 11 + 11 + 11 + 11 + 13, SHOPIFY: 11 + 11 + 11 + 2 * 11 + 11 + 13,
           JD: 11 + 6 * 11 + 11 + 13, "JDVA12345678901": 11 + 5 * 11 + 11 + 5 * 11 + 11 + 13}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The batch's print data, read once: the tests only print it."""
    store = Store(tmp_path_factory.mktemp("barcodes") / "test.duckdb")
    load(store, [
        {"order_id": TAOBAO, **PAID, **HOME, "buyer": "amy"},
        {"order_id": SHOPIFY, **PAID, **HOME, "platform": "shopify", "shop": "us",
         "buyer": "jane", "receiver": "Jane Doe", "address": "1 Main St"},
        {"order_id": JD, **PAID, **HOME, "platform": "jd", "shop": "jd1", "buyer": "jo"},
        {"order_id": HEAD, **PAID, **HOME},
        {"order_id": OTHER, **PAID, **HOME, "seller_note": "老客户"},
        {"order_id": "sp", **PAID, **HOME, "buyer": "ann"},
        {"order_id": CHINESE, **PAID, **HOME, "buyer": "zz"},
    ], [
        {"order_id": TAOBAO, "line_id": "1", "sku": EAN, "title": "洗面奶", "quantity": 2,
         "unit_price": 30},
        {"order_id": TAOBAO, "line_id": "2", "sku": LONG_SKU, "title": "长编码商品",
         "quantity": 1, "unit_price": 10},
        {"order_id": SHOPIFY, "platform": "shopify", "shop": "us", "line_id": "1",
         "sku": "TSHIRT-BLK-M", "title": "T-shirt", "quantity": 1, "unit_price": 20},
        {"order_id": JD, "platform": "jd", "shop": "jd1", "line_id": "1", "sku": "A",
         "title": "精华", "quantity": 1, "unit_price": 50},
        {"order_id": HEAD, "line_id": "1", "sku": "A", "title": "精华", "quantity": 1,
         "unit_price": 50},
        {"order_id": OTHER, "line_id": "1", "sku": "B", "title": "面霜", "quantity": 2,
         "unit_price": 80},
        {"order_id": "sp", "line_id": "1", "sku": "A", "title": "精华", "quantity": 2,
         "unit_price": 50},
        {"order_id": "sp", "line_id": "2", "sku": "B", "title": "面霜", "quantity": 1,
         "unit_price": 80},
        {"order_id": CHINESE, "line_id": "1", "sku": "面霜-大", "title": "面霜", "quantity": 1,
         "unit_price": 80},
    ])
    A.record(store, ("taobao", "s1", TAOBAO), "courier", by="Li", text="SF SF1234567890123")
    A.record(store, ("jd", "jd1", JD), "courier", by="Li", text="JD JDVA12345678901")
    A.record(store, ("taobao", "s1", HEAD), "merge", by="Li", text=OTHER)
    A.record(store, ("taobao", "s1", HEAD), "courier", by="Li", text="ZTO 78912345678901")
    A.record(store, ("taobao", "s1", "sp"), "split", by="Li",
             text='[{"lines": {"1": 1}}, {"lines": {"1": 1, "2": 1}}]')
    A.record(store, ("taobao", "s1", "sp"), "courier", by="Li", text="#2 ZTO 75312345678901")
    A.record(store, ("taobao", "s1", CHINESE), "courier", by="Li", text="YTO YT1234567890123")
    keys = pd.DataFrame([("taobao", "s1", TAOBAO), ("shopify", "us", SHOPIFY), ("jd", "jd1", JD),
                         ("taobao", "s1", OTHER), ("taobao", "s1", "sp"),
                         ("taobao", "s1", CHINESE)], columns=["platform", "shop", "order_id"])
    got = P.print_data(store.cursor(), keys)
    store.close()
    return got


class Found:
    """A barcode read off a page: its text and its bars' box in points (left, bottom, right,
    top; the PDF's origin at the bottom left)."""

    def __init__(self, barcode, page_height: float) -> None:
        p, scale = barcode.position, DPI / 72
        self.text = barcode.text
        self.left, self.right = p.top_left.x / scale, p.top_right.x / scale
        self.top = page_height - p.top_left.y / scale
        self.bottom = page_height - p.bottom_left.y / scale


def scanned(pdf: bytes) -> list[tuple[list[Found], pdfium.PdfPage]]:
    """Every page of `pdf` rasterised at DPI and scanned: its Code128 barcodes top to bottom,
    left to right, with the page (to read its text)."""
    out = []
    doc = pdfium.PdfDocument(pdf)
    for page in doc:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        found = [Found(b, page.get_height()) for b in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.Code128, text_mode=zxingcpp.TextMode.Plain)]
        found.sort(key=lambda f: (-round(f.top), f.left))
        out.append((found, page))
    return out


def texts(pages: list[tuple[list[Found], pdfium.PdfPage]]) -> list[list[str]]:
    return [[f.text for f in found] for found, _ in pages]


def assert_clear_and_readable(pages: list[tuple[list[Found], pdfium.PdfPage]]) -> None:
    """No character on a page within a barcode's bars or its quiet zones (ten modules either
    side, a module at least 0.25 mm), and the barcode's own text just under its bars."""
    for found, page in pages:
        text = page.get_textpage()
        chars = text.get_text_range()
        boxes = [text.get_charbox(i) for i in range(text.count_chars())]
        for f in found:
            quiet = 10 * 0.25 * MM
            for left, bottom, right, top in boxes:
                clear = (right <= f.left - quiet or left >= f.right + quiet
                         or top <= f.bottom or bottom >= f.top)
                assert clear, (f.text, (left, bottom, right, top))
            # the characters whose middle is within 12 points under the bars, as drawn
            under = "".join(c for c, (left, bottom, right, top) in zip(chars, boxes, strict=True)
                            if f.left <= (left + right) / 2 <= f.right
                            and f.bottom - 12 <= (bottom + top) / 2 <= f.bottom)
            assert under.strip() == f.text


def test_each_label_carries_its_parcel_and_tracking_number(data):
    pages = scanned(P.packing_slips_pdf(data, AT, size="label"))
    assert texts(pages) == SLIPS                 # one slip a label, each as short as one
    assert_clear_and_readable(pages)


def test_a4_slips_carry_the_same_barcodes(data):
    pages = scanned(P.packing_slips_pdf(data, AT, lang="en"))
    assert [t for page in texts(pages) for t in page] == [t for slip in SLIPS for t in slip]
    assert_clear_and_readable(pages)


@pytest.mark.parametrize("size", P.SLIP_SIZES)
def test_long_ids_fit_at_a_module_of_at_least_a_quarter_millimetre(data, size):
    found = {f.text: f for page, _ in scanned(P.packing_slips_pdf(data, AT, size=size))
             for f in page}
    for value, modules in MODULES.items():
        bars_mm = (found[value].right - found[value].left) / MM
        assert bars_mm >= modules * 0.25 - 25.4 / DPI, (value, bars_mm)   # within a pixel


def test_a_chinese_order_id_gets_no_barcode_and_its_slip_prints_all_the_same(data):
    pdf = P.packing_slips_pdf(data, AT, size="label")
    last = scanned(pdf)[-1][0]
    assert [f.text for f in last] == ["YT1234567890123"]
    text = pdf_text(pdf)
    assert f"发货单 | {CHINESE}" in text and "面霜-大" in text


def test_each_pick_list_line_carries_its_sku(data):
    pdf = P.pick_list_pdf(data.pick, "ab12cd-1", AT, n_orders=6)
    pages = scanned(pdf)
    # the lines by SKU; the one too long for its column and the Chinese one as text alone
    assert texts(pages) == [[EAN, "A", "B", "TSHIRT-BLK-M"]]
    assert_clear_and_readable(pages)
    text = pdf_text(pdf)
    assert LONG_SKU in text and "面霜-大" in text
