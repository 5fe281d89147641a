"""Bulk tracking numbers (批量发货): the platforms' file (GBK CSV, XLSX) or pasted lines, checked
per row, recorded as the courier action on every order or on none."""

from __future__ import annotations

import io

import pytest

from pipeline.base.canonical import FileRefused
from pipeline.ingest import bulk_ship as B
from tests.conftest import load

DAY = "2026-11-20"
ID_A = "3512200012345678901"
ID_B = "3512200012345678902"


@pytest.fixture
def loaded(store):
    paid = {"created_at": f"{DAY} 08:00", "status_norm": "paid", "paid_at": f"{DAY} 09:00"}
    load(store, [
        {"order_id": ID_A, **paid},
        {"order_id": ID_B, **paid},
        {"order_id": "gone", "created_at": f"{DAY} 08:00", "status_norm": "shipped",
         "paid_at": f"{DAY} 09:00", "shipped_at": f"{DAY} 12:00"},
        {"order_id": "twice", **paid},
        {"order_id": "twice", "shop": "s2", **paid},
    ])
    return store


def gbk_csv(rows: list[str]) -> bytes:
    return ("\r\n".join(["订单编号,物流公司,运单号", *rows]) + "\r\n").encode("gbk")


def test_a_gbk_csv_is_read_with_ids_exact():
    rows = B.parse_file("发货.csv", gbk_csv([f'="{ID_A}",顺丰,SF1001', f"'{ID_B},圆通,YT2002", ""]))
    assert rows[["line", "order_id", "courier", "tracking_no", "problem"]].values.tolist() == [
        [2, ID_A, "顺丰", "SF1001", None], [3, ID_B, "圆通", "YT2002", None]]


def test_an_xlsx_with_other_headers_and_a_rounded_id():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["店铺", "order_id", "快递公司", "物流单号"])
    ws.append(["s1", ID_A, "中通", 7300123456789])
    ws.append(["s1", 3.51220001234568e18, "中通", "ZT2"])
    ws.append(["s1", "3.51220001234568E+18", "中通", "ZT3"])
    buf = io.BytesIO()
    wb.save(buf)
    rows = B.parse_file("ship.xlsx", buf.getvalue())
    assert rows["tracking_no"].tolist() == ["7300123456789", "ZT2", "ZT3"]
    assert rows["shop"].tolist() == ["s1", "s1", "s1"]
    assert rows.loc[0, "order_id"] == ID_A and rows.loc[0, "problem"] is None
    assert rows["problem"].tolist()[1:] == ["id_rounded", "id_rounded"]


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(B.BulkShipError) as err:
        B.parse_file("x.csv", "订单编号,物流公司\r\n1,SF\r\n".encode())
    assert err.value.code == "missing_column" and "运单号" in err.value.detail
    with pytest.raises(FileRefused):
        B.parse_file("x.csv", b"")


def test_pasted_lines():
    rows = B.parse_text(f"订单编号 物流公司 运单号\n{ID_A}  SF\tSF1001\n\n{ID_B},YTO,YT2\n"
                        "only two\n")
    assert rows[["line", "order_id", "courier", "tracking_no", "problem"]].values.tolist() == [
        [2, ID_A, "SF", "SF1001", None], [4, ID_B, "YTO", "YT2", None],
        [5, None, None, None, "bad_line"]]


def test_check_names_each_refusal(loaded):
    rows = B.parse_text(f"{ID_A} SF SF1\n{ID_A} SF SF2\ngone SF SF3\nnope SF SF4\n"
                        "twice SF SF5\n")
    checked = B.check(loaded.cursor(), rows)
    assert checked[["line", "ok", "found", "problem", "detail"]].values.tolist() == [
        [1, True, True, None, None],
        [2, False, True, "duplicate", "1"],
        [3, False, True, "state", "shipped"],
        [4, False, False, "not_found", None],
        [5, False, False, "ambiguous", "taobao/s1, taobao/s2"],
    ]
    assert B.reason_text("state", "shipped", "zh") == (
        "订单状态为「已发货」，只有待发货的订单可以填写运单号")
    assert B.reason_text("ambiguous", "taobao/s1, taobao/s2", "en").startswith(
        "the id is in several shops (taobao/s1, taobao/s2)")


def test_a_shop_column_picks_the_shop(loaded):
    rows = B.parse_file("s.csv", "订单编号,物流公司,运单号,店铺\r\ntwice,SF,SF9,s2\r\n".encode())
    checked = B.check(loaded.cursor(), rows)
    assert checked[["ok", "shop"]].values.tolist() == [[True, "s2"]]


def courier_events(store) -> list[tuple]:
    return store.cursor().execute(
        "select order_id, text, author from events where action = 'courier' order by order_id"
    ).fetchall()


def test_apply_records_every_row(loaded):
    checked = B.check(loaded.cursor(), B.parse_file(
        "发货.csv", gbk_csv([f"{ID_A},顺丰,SF1001", f"{ID_B},圆通,YT2002"])))
    events = B.apply(loaded, checked, by="Wang")
    assert [e.order_id for e in events] == [ID_A, ID_B]
    assert courier_events(loaded) == [(ID_A, "顺丰 SF1001", "Wang"), (ID_B, "圆通 YT2002", "Wang")]
    states = loaded.cursor().execute(
        "select order_id, state, courier, tracking_no from order_state "
        "where order_id in (?, ?) order by order_id", [ID_A, ID_B]).fetchall()
    assert states == [(ID_A, "paid_processed", "顺丰", "SF1001"),
                      (ID_B, "paid_processed", "圆通", "YT2002")]


def test_apply_is_all_or_nothing_and_names_the_refused_order(loaded):
    checked = B.check(loaded.cursor(), B.parse_text(f"{ID_A} SF SF1\ngone SF SF3\n"))
    with pytest.raises(B.BulkShipError) as err:
        B.apply(loaded, checked, by="Wang")
    assert "line 2 order gone: the order is Shipped" in str(err.value)
    assert err.value.rows["order_id"].tolist() == ["gone"]
    assert courier_events(loaded) == []


def test_a_change_after_the_preview_refuses_the_whole_batch(loaded):
    from pipeline.desk import actions as A

    checked = B.check(loaded.cursor(), B.parse_text(f"{ID_A} SF SF1\n{ID_B} SF SF2\n"))
    assert checked["ok"].all()
    A.record(loaded, ("taobao", "s1", ID_B), "flag", by="Li", text="x")   # still waiting: fine
    load(loaded, [{"order_id": ID_B, "created_at": f"{DAY} 08:00", "status_norm": "shipped",
                   "paid_at": f"{DAY} 09:00", "shipped_at": f"{DAY} 13:00"}], name="later")
    with pytest.raises(B.BulkShipError) as err:
        B.apply(loaded, checked, by="Wang")
    assert f"order {ID_B}" in str(err.value)
    assert courier_events(loaded) == []


def test_apply_needs_a_name(loaded):
    from pipeline.desk.actions import ActionError

    checked = B.check(loaded.cursor(), B.parse_text(f"{ID_A} SF SF1\n"))
    with pytest.raises(ActionError):
        B.apply(loaded, checked, by=" ")


# --- the Queue page's section --------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    from tests.apptest import store_file

    paid = {"created_at": f"{DAY} 08:00", "status_norm": "paid", "paid_at": f"{DAY} 09:00"}
    return store_file(tmp_path / "bulk.duckdb", [
        {"order_id": ID_A, **paid}, {"order_id": ID_B, **paid},
        {"order_id": "gone", "created_at": f"{DAY} 08:00", "status_norm": "shipped",
         "paid_at": f"{DAY} 09:00", "shipped_at": f"{DAY} 12:00"},
    ])


def open_section(db, monkeypatch, text: str, state: dict | None = None):
    from tests.apptest import fresh_app

    at = fresh_app(db, monkeypatch, page="pages/queue.py",
                   state={"bulk_show": True, "bulk_source": "text", **(state or {})})
    at.text_area(key="bulk_text").input(text).run()
    at.button(key="bulk_preview").click().run()
    assert not at.exception
    return at


def test_the_queue_page_previews_each_row_with_its_reason(db, monkeypatch):
    at = open_section(db, monkeypatch, f"{ID_A} 顺丰 SF1\ngone SF SF3\nnope SF SF4",
                      {"actor": "Wang"})
    preview = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    assert preview[["行", "订单编号", "找到订单", "可以记录", "原因"]].values.tolist() == [
        [1, ID_A, "是", "是", ""],
        [2, "gone", "是", "否", "订单状态为「已发货」，只有待发货的订单可以填写运单号"],
        [3, "nope", "否", "否", "没有这个订单"],
    ]
    assert at.button(key="bulk_confirm").disabled
    assert any("2 / 3 行不能记录" in w.value for w in at.warning)


def test_the_queue_page_records_a_clean_batch(db, monkeypatch):
    at = open_section(db, monkeypatch, f"{ID_A} SF SF1\n{ID_B} YTO YT2",
                      {"actor": "Wang", "lang": "en"})
    assert not at.button(key="bulk_confirm").disabled
    at.button(key="bulk_confirm").click().run()
    assert not at.exception
    assert any("Recorded the courier and tracking number of 2 orders" in s.value
               for s in at.success)
    from ui.data import get_store

    assert courier_events(get_store()) == [(ID_A, "SF SF1", "Wang"), (ID_B, "YTO YT2", "Wang")]
