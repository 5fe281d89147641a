"""Stock barcodes (条码 / 69码): read as exact text, never as a number, and kept by the store."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from pipeline.ingest.formats import read_export


def read(name: str, text: str) -> object:
    return read_export(name, text.encode("utf-8"))


@pytest.mark.parametrize("header", ["条码", "条形码", "69码", "商品条码", "国际条码", "Barcode",
                                    "barcode"])
def test_each_barcode_header_is_read(header):
    parsed = read("stock.csv", f"商家编码,可用库存,{header}\nSKU-1,5,6901234567892\n")
    assert parsed.layout == "template_stock"
    assert not parsed.notes
    assert parsed.frames["stock"].barcode.tolist() == ["6901234567892"]


def test_leading_zeros_and_thirteen_digits_are_kept_exactly():
    text = ("sku,available,barcode\n"
            "A,1,0012345678905\n"          # leading zeros (a UPC written as EAN-13)
            "B,2,6901234567892\n"          # a 69-code: 13 digits, beyond a float's display
            "C,3,=\"0000000000017\"\n"     # Excel's text wrapper
            "D,4,'0693123456789\n"         # a leading apostrophe marks text in a sheet
            "E,5,\n"                       # none
            "F,6,6.90123E+12\n")           # a spreadsheet's rounded number: no product
    parsed = read("stock.csv", text)
    expected = pd.Series(["0012345678905", "6901234567892", "0000000000017", "0693123456789",
                          None, None], dtype="str", name="barcode")
    assert_series_equal(parsed.frames["stock"].barcode, expected)
    assert parsed.notes == ["1 barcode(s) rounded by a spreadsheet left empty "
                            "(export barcodes as text)"]
    assert not parsed.rejects


def test_a_workbook_barcode_stored_as_a_number_keeps_all_its_digits(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["商家编码", "可用库存", "69码"])
    book.active.append(["A", 1, 6901234567892])        # a number cell
    book.active.append(["B", 2, "0012345678905"])      # a text cell
    book.save(tmp_path / "stock.xlsx")
    parsed = read_export("stock.xlsx", (tmp_path / "stock.xlsx").read_bytes())
    assert parsed.frames["stock"].barcode.tolist() == ["6901234567892", "0012345678905"]


def test_the_store_keeps_barcodes_as_text(tmp_path):
    from pipeline.db.store import Store
    from pipeline.ingest.importing import import_bytes

    store = Store(tmp_path / "barcodes.duckdb")
    try:
        text = "商家编码,可用库存,条码\nA,1,0012345678905\nB,2,6901234567892\nC,3,\n"
        result = import_bytes(store, "库存.csv", text.encode("utf-8"))
        assert result.status == "imported", result.message
        con = store.cursor()
        rows = con.execute("select sku, barcode, typeof(barcode) from stock order by sku").fetchall()
        assert rows == [("A", "0012345678905", "VARCHAR"), ("B", "6901234567892", "VARCHAR"),
                        ("C", None, "VARCHAR")]
    finally:
        store.close()


def test_a_store_made_before_barcodes_gains_the_column(tmp_path):
    import duckdb

    from pipeline.db.store import Store

    path = tmp_path / "old.duckdb"
    store = Store(path)
    store.close()
    con = duckdb.connect(str(path))
    con.execute("alter table stock drop column barcode")
    con.close()
    store = Store(path)
    try:
        columns = [r[0] for r in store.cursor().execute(
            "select column_name from information_schema.columns where table_name = 'stock'"
        ).fetchall()]
        assert "barcode" in columns
    finally:
        store.close()
