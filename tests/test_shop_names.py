"""A renamed shop shows its new name everywhere a person sees it (DESIGN §13): on screen as
"name · platform", in the files the desk writes (slips, the daily workbook, downloads) by name;
the key the orders are kept under never shows and never changes."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.db.shops import rename_shop
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.outputs import printing as P
from tests.apptest import fresh_app, store_file
from tests.conftest import SAMPLES, load
from tests.factories import pdf_text

OLD = "oldkey-77"                       # the key as the export named the shop
NEW = "Blue Lotus"                      # the name a manager gave it
SCREEN = "Blue Lotus · Taobao/Tmall"    # on screen, in English
DAY = "2026-11-20"
PAID = {"shop": OLD, "created_at": f"{DAY} 08:00", "status_norm": "paid",
        "paid_at": f"{DAY} 09:00"}


def _load_renamed(s: Store) -> None:
    """Three paid orders of the shop `OLD` (one flagged: held by a problem) and one shipped
    on the 23rd (the export's moment), the shop renamed `NEW`."""
    load(s, [{"order_id": "a1", **PAID}, {"order_id": "a2", **PAID},
             {"order_id": "h1", **PAID, "buyer_message": "=1+1"},
             {"order_id": "s9", **PAID, "status_norm": "shipped",
              "shipped_at": "2026-11-23 10:00"}],
         [{"order_id": o, "shop": OLD, "line_id": "1", "sku": "A", "title": "精华",
           "quantity": 1, "unit_price": 50} for o in ("a1", "a2", "h1")])
    A.record(s, ("taobao", OLD, "h1"), "flag", by="Li", text="买家要求改颜色")
    rename_shop(s, "taobao", OLD, NEW, by="ann", role="manager")


@pytest.fixture
def renamed(store):
    _load_renamed(store)
    return store


@pytest.fixture
def db(tmp_path) -> Path:
    path = store_file(tmp_path / "app.duckdb")
    s = Store(path)
    _load_renamed(s)
    s.close()
    return path


def _cells(frame: pd.DataFrame) -> set[str]:
    return {str(v) for v in frame.to_numpy().ravel()}


# --- files written by pipeline/ ----------------------------------------------------------------


def test_the_daily_workbook_names_the_renamed_shop(renamed):
    from pipeline.outputs.workbook import workbook_bytes

    wb = load_workbook(io.BytesIO(workbook_bytes(renamed.cursor(), datetime(2026, 11, 23, 12))))
    for sheet in ("超时订单", "问题订单"):       # overdue orders; problem orders
        rows = list(wb[sheet].values)
        shop = rows[0].index("店铺")
        assert {r[shop] for r in rows[1:]} == {NEW}, sheet
        assert OLD not in {str(v) for r in rows for v in r}, sheet


def test_packing_slips_name_the_renamed_shop(renamed):
    keys = pd.DataFrame([("taobao", OLD, "a1"), ("taobao", OLD, "a2")],
                        columns=["platform", "shop", "order_id"])
    data = P.print_data(renamed.cursor(), keys)
    book = load_workbook(io.BytesIO(P.packing_slips_xlsx(data)))
    orders, items = list(book["发货单"].values), list(book["商品明细"].values)
    assert [r[orders[0].index("店铺")] for r in orders[1:]] == [NEW, NEW]
    assert [r[items[0].index("店铺")] for r in items[1:]] == [NEW, NEW]
    assert OLD not in {str(v) for r in orders + items for v in r}
    for size in P.SLIP_SIZES:
        text = pdf_text(P.packing_slips_pdf(data, datetime(2026, 11, 20, 10), size=size))
        assert text.count(f"店铺: {NEW}") == 2, size
        assert OLD not in text
        assert text.count("精华") == 2          # each slip still finds its own items


def test_the_report_names_a_stale_renamed_shop(renamed):
    from pipeline.outputs.report import build_report

    stale = build_report(renamed.cursor(), datetime(2026, 11, 30, 12))["stale_shops"]
    # `shop` stays the key (the report's keys are a contract); `name` is the shop's name
    assert stale == [{"shop": OLD, "platform": "taobao", "name": NEW,
                      "data_as_of": "2026-11-23 10:00:00"}]


# --- screens -------------------------------------------------------------------------------------


def test_the_queue_page_shows_the_renamed_shop_in_the_batch_and_the_held_list(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page="pages/queue.py", state={"lang": "en"})
    assert not at.exception
    members = next(d.value for d in at.dataframe if "rank" in d.value.columns)
    held = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert members["shop_shown"].tolist() == [SCREEN, SCREEN]
    assert held["shop_shown"].tolist() == [SCREEN]
    for table in (members, held):
        assert OLD not in _cells(table)
    assert OLD not in " ".join(c.value for c in at.caption)


def test_the_queue_download_names_the_renamed_shop(db, monkeypatch):
    import ui.downloads

    got = {}

    def capture(df, stem, key):
        got[key] = df() if callable(df) else df

    monkeypatch.setattr(ui.downloads, "download_buttons", capture)
    at = fresh_app(db, monkeypatch, page="pages/queue.py",
                   state={"lang": "en", "queue_show_full": True})
    assert not at.exception
    full = got["queue_download"]
    assert full["shop"].tolist() == [NEW, NEW, NEW]
    assert full["platform"].tolist() == ["taobao"] * 3
    assert OLD not in _cells(full)


def test_the_bulk_shipping_preview_shows_the_renamed_shop(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page="pages/queue.py",
                   state={"lang": "en", "bulk_show": True, "bulk_source": "text"})
    at.text_area(key="bulk_text").input("a1 SF SF1\na2 SF SF2").run()
    at.button(key="bulk_preview").click().run()
    assert not at.exception
    preview = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert preview["Shop"].tolist() == [SCREEN, SCREEN]
    assert OLD not in _cells(preview)


def test_the_import_result_names_the_renamed_shop(tmp_path, monkeypatch):
    from pipeline.cli import main

    monkeypatch.delenv("ORDERDESK_DB", raising=False)
    novia = SAMPLES / "shopify_cod" / "orders_export_10.masked.csv"
    path = tmp_path / "desk.duckdb"
    assert main(["--db", str(path), "import", str(novia), "--shop", "shop-key-1"]) == 0
    s = Store(path)
    rename_shop(s, "shopify", "shop-key-1", "Novia Dhaka", by="ann")
    s.close()
    at = fresh_app(path, monkeypatch, "pages/import.py", state={"lang": "en"})
    other = SAMPLES / "shopify_cod" / "orders_export.masked.csv"
    at.file_uploader(key="import_files").set_value(
        (other.name, other.read_bytes(), "text/csv")).run()
    assert at.selectbox(key="import_shop_shopify").value == "shop-key-1"   # proposed again
    at.button(key="import_button").click().run()
    assert not at.exception
    lines = [x.value for x in at.text if x.value.startswith("Shop: ")]
    assert lines == ["Shop: Novia Dhaka · Shopify"]


def test_the_overdue_page_shows_the_renamed_shop(db, monkeypatch):
    at = fresh_app(db, monkeypatch, "pages/overdue.py", state={"lang": "en"})
    assert not at.exception
    shown = set()
    for frame in at.dataframe:
        shown |= _cells(frame.value)
    shop_filter = at.multiselect(key="od_shop")
    assert SCREEN in shown and OLD not in shown
    assert shop_filter.options == [SCREEN]   # the filter offers the shop by its name


def test_search_hits_and_the_order_detail_show_the_renamed_shop(db, monkeypatch):
    at = fresh_app(db, monkeypatch, state={"lang": "en", "search_q": "a1",
                                           "search_pending": True})
    assert not at.exception
    shown = [x.value for x in at.text] + [b.label for b in at.sidebar.button]
    assert any(SCREEN in v for v in shown), shown
    assert not any(OLD in v for v in shown), shown


def test_the_team_page_shows_the_renamed_shop(db, monkeypatch):
    s = Store(db)
    A.record_many(s, [("taobao", OLD, "a1"), ("taobao", OLD, "a2")], "process", by="Li")
    s.close()
    at = fresh_app(db, monkeypatch, "pages/team.py", state={"lang": "en"})
    assert not at.exception
    shown = set()
    for frame in at.dataframe:
        shown |= _cells(frame.value)
    pick = next(sb for sb in at.selectbox if sb.key.startswith("team_pick"))
    shown |= set(pick.options)
    assert any(SCREEN in v for v in shown), shown
    assert not any(OLD in v for v in shown), shown
