"""The daily workbook: opens in openpyxl, ids intact, formulas escaped, Chinese headers."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from pipeline.outputs.report import build_report
from pipeline.outputs.workbook import workbook_bytes, write_workbook
from tests.conftest import load
from tests.factories import ADDR

LONG_ID = "3515313147329357912"
AS_OF = datetime(2026, 11, 23, 12, 0)
ORDERS = [
    {"order_id": LONG_ID, "status_norm": "paid", "created_at": "2026-11-19 09:00",
     "paid_at": "2026-11-19 09:05", "buyer_message": '=HYPERLINK("http://x","y")', **ADDR},
    {"order_id": "0012", "status_norm": "paid", "created_at": "2026-11-23 09:00",
     "paid_at": "2026-11-23 09:05", "buyer_message": "+86 请电话联系", **ADDR,
     "ship_by": "2026-11-23 14:00"},
    {"order_id": "u1", "status_norm": "unpaid", "is_paid": False,
     "created_at": "2026-11-20 09:00", **ADDR, "address": "-"},
]


def test_workbook_sheets_ids_and_escaping(store, tmp_path):
    load(store, ORDERS)
    wb = load_workbook(io.BytesIO(workbook_bytes(store.cursor(), AS_OF)))
    assert wb.sheetnames[:6] == ["日报指标", "订单状态", "时效规则", "超时订单", "即将超时",
                                 "问题订单"]
    overdue = list(wb["超时订单"].values)
    header = overdue[0]
    assert header[:5] == ("订单编号", "平台", "店铺", "状态", "规则")
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in overdue[1:]}
    assert set(rows) == {LONG_ID, "u1"}
    assert rows[LONG_ID]["规则"] == "已付款发货"
    assert rows[LONG_ID]["状态"] == "未处理已确认已付款"
    assert rows[LONG_ID]["买家留言"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows[LONG_ID]["问题标记"] == "买家留言未审"
    cell = wb["超时订单"]["A2"]
    assert cell.data_type == "s"
    due = list(wb["即将超时"].values)
    assert [r[0] for r in due[1:]] == ["0012"]
    assert due[1][header.index("买家留言")] == "'+86 请电话联系"
    problems = list(wb["问题订单"].values)
    assert problems[0][:5] == ("订单编号", "平台", "店铺", "问题", "原因")
    assert ("u1", "地址不详", "占位词（不详/待定/同上）") in [(r[0], r[3], r[4]) for r in problems]
    rules = {r[0]: r[1:] for r in list(wb["时效规则"].values)[1:]}
    assert rules == {"未付款催付": (1, 0), "已付款发货": (1, 1), "缺货处理": (0, 0),
                     "地址确认": (1, 0)}
    path = tmp_path / "daily.xlsx"
    write_workbook(store.cursor(), AS_OF, path)
    assert load_workbook(path).sheetnames == wb.sheetnames


def test_report_sections(store):
    load(store, ORDERS)
    rep = build_report(store.cursor(), AS_OF)
    assert rep["overdue"] == {"chase_unpaid": 1, "ship_paid": 1, "out_of_stock": 0, "address": 1}
    assert rep["due_soon"] == {"chase_unpaid": 0, "ship_paid": 1, "out_of_stock": 0, "address": 0}
    assert rep["problems"] == {"out_of_stock": 0, "address": 1, "buyer_message": 2,
                               "refund_before_ship": 0, "merge_candidate": 0, "manual": 0,
                               "info_changed": 0}
    assert rep["out_of_stock_skus"] == 0


def test_the_problems_sheet_gives_coded_reasons_in_words(store):
    """What changed after the desk acted and how far a refund went are words, never codes; a
    buyer's message stays as written."""
    from pipeline.desk import actions as A
    from pipeline.outputs.workbook import problems_sheet

    paid = {"status_norm": "paid", "created_at": "2026-11-20 10:00",
            "paid_at": "2026-11-20 10:05", **ADDR}
    load(store, [{"order_id": "c", **paid, "buyer_message": "请发顺丰"},
                 {"order_id": "r", **paid, "buyer_message": "requested"}],
         [{"order_id": "r", "line_id": "1", "sku": "A", "quantity": 1,
           "refund_norm": "requested"}])
    A.record(store, ("taobao", "s1", "c"), "review", "ann")
    A.record(store, ("taobao", "s1", "c"), "process", "ann")
    load(store, [{"order_id": "c", **paid, "buyer_message": "改发中通",
                  "address": "解放中路 200 号"}], name="later")
    sheet = problems_sheet(store.cursor(), datetime(2030, 1, 1))
    got = sorted(map(tuple, sheet[["订单编号", "问题", "原因"]].values.tolist()))
    assert got == [("c", "买家留言未审", "改发中通"),
                   ("c", "处理后信息有变", "收货地址有变；买家留言有变"),
                   ("r", "买家留言未审", "requested"),
                   ("r", "发货前退款", "买家申请退款")]


def test_downloads_are_formatted_to_be_read():
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from pipeline.outputs.export import xlsx_bytes

    frame = pd.DataFrame({"order_id": ["35153131473293579"], "paid_amount": [1234.5],
                          "refund_rate": [0.125], "orders": [3], "名称": ["面霜 50g"]})
    ws = load_workbook(io.BytesIO(xlsx_bytes({"s": frame}))).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E2"
    assert ws["B2"].number_format == "#,##0.00" and ws["B2"].value == 1234.5
    assert ws["C2"].number_format == "0.0%"
    assert ws["D2"].number_format == "General"          # a count stays a plain number
    assert ws["A2"].data_type == "s" and ws["A2"].value == "35153131473293579"
    assert ws.column_dimensions["A"].width >= len("35153131473293579")


def test_a_sheet_named_after_any_file_name_is_written():
    """The Import page names the rejects' sheet after the file: Excel refuses [ ] : * ? / \\."""
    import pandas as pd

    from pipeline.outputs.export import xlsx_bytes

    frame = pd.DataFrame({"row": [2], "reason": ["bad"]})
    data = xlsx_bytes({"rejects_orders[1]: a/b\\c?*.csv": frame, "'": frame})
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["rejects_orders_1__ a_b_c__.csv", "Sheet"]
    assert book.worksheets[0]["B2"].value == "bad"


def test_the_promotions_sheet_speaks_chinese(store):
    """Every header of the workbook's promotions sheet is a label, never a raw code."""
    import re

    from pipeline.outputs.workbook import workbook_sheets
    from tests.conftest import load_tables

    load(store, [{"order_id": "p1", "created_at": "2026-11-11 10:00", "paid_at": "2026-11-11 10:05",
                  "status_norm": "paid", "paid": 10, "order_total": 10}])
    load_tables(store, promotions=[{"name": "双11", "start_at": "2026-11-11 00:00",
                                    "end_at": "2026-11-12 00:00"}])
    sheets = workbook_sheets(store.cursor(), datetime(2026, 11, 12, 12, 0))
    promo = next(df for name, df in sheets.items() if "促销" in name)
    assert not [c for c in promo.columns if re.fullmatch(r"[a-z_]+", str(c))]
