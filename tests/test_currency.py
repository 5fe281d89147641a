"""Currencies (DESIGN §2, §10): each order keeps its currency and money is never added across."""

from __future__ import annotations

import json

import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.cli import main
from pipeline.db.settings import save_setting
from pipeline.desk.money import currencies, currency_mix, desk_currency
from pipeline.ingest.formats import TEMPLATES, read_export
from pipeline.outputs.report import build_report
from tests.conftest import SAMPLES, load

PAID = {"status_norm": "paid", "is_paid": True, "paid_at": "2026-11-20 10:05"}
UNPAID = {"status_norm": "unpaid", "is_paid": False}

OTHER_DAY = "Paid this day in other currencies (not in the figures above): "
OTHER_PERIOD = "Paid in the period in other currencies (not in the figures above): "

# Three CNY orders, one without a currency (an older import), two USD, one TRY.
ORDERS = [
    {"order_id": "c1", "currency": "CNY", "order_total": 120.00, "paid": 100.00,
     "refunded": 10.00, **PAID},
    {"order_id": "c2", "currency": "CNY", "order_total": 50.50, "paid": 50.50, **PAID},
    {"order_id": "c3", "currency": "CNY", "order_total": 8.00, "paid": 0.00, **UNPAID},
    {"order_id": "n1", "currency": None, "order_total": 30.00, "paid": 30.00, **PAID},
    {"order_id": "u1", "currency": "USD", "order_total": 20.00, "paid": 20.00,
     "refunded": 5.25, **PAID},
    {"order_id": "u2", "currency": "USD", "order_total": 15.00, "paid": 15.00, **UNPAID},
    {"order_id": "t1", "currency": "TRY", "order_total": 1000.00, "paid": 999.99, **PAID},
]


@pytest.fixture
def mixed(store):
    load(store, [{"created_at": "2026-11-20 10:00", **o} for o in ORDERS])
    return store


def test_amounts_are_the_desk_currency_and_currencies_each_code(mixed):
    rep = build_report(mixed.cursor(), mixed.now())
    # unset: the currency most orders state (CNY, 3); the order without one counts as CNY
    assert rep["currency"] == "CNY"
    assert rep["amounts"] == {"order_total": 120.00 + 50.50 + 8.00 + 30.00,
                              "paid": 100.00 + 50.50 + 30.00, "refunded": 10.00}
    assert rep["currencies"] == {
        "CNY": {"orders": 4, "order_total": 208.50, "paid": 180.50, "refunded": 10.00},
        "USD": {"orders": 2, "order_total": 35.00, "paid": 20.00, "refunded": 5.25},
        "TRY": {"orders": 1, "order_total": 1000.00, "paid": 999.99, "refunded": 0.0},
    }
    assert rep["orders"] == 7  # counts stay over every order


def test_the_setting_currency_changes_amounts(mixed):
    with mixed.write() as cur:
        save_setting(cur, "currency", "USD", "ann")
    rep = build_report(mixed.cursor(), mixed.now())
    assert rep["currency"] == "USD"
    # the order without a currency now takes the desk's USD
    assert rep["amounts"] == {"order_total": 65.00, "paid": 50.00, "refunded": 5.25}
    assert rep["currencies"]["USD"] == {"orders": 3, "order_total": 65.00, "paid": 50.00,
                                        "refunded": 5.25}
    assert rep["currencies"]["CNY"] == {"orders": 3, "order_total": 178.50, "paid": 150.50,
                                        "refunded": 10.00}
    assert list(rep["currencies"]) == ["USD", "CNY", "TRY"]


def test_the_setting_is_an_iso_code(store):
    with pytest.raises(ValueError, match="three-letter"), store.write() as cur:
        save_setting(cur, "currency", "dollars", "ann")
    with store.write() as cur:
        save_setting(cur, "currency", None, "ann")  # back to "the currency of most orders"
    assert desk_currency(store.cursor()) == "CNY"  # nothing stated, nothing set


def test_a_store_of_one_currency_is_all_of_it(store):
    load(store, [{"order_id": "a", "currency": "ZAR", "created_at": "2026-11-20 10:00",
                  "order_total": 99.00, "paid": 99.00, **PAID},
                 {"order_id": "b", "currency": None, "created_at": "2026-11-20 11:00",
                  "order_total": 1.00, "paid": 1.00, **PAID}])
    rep = build_report(store.cursor(), store.now())
    assert rep["currency"] == "ZAR"
    assert rep["amounts"] == {"order_total": 100.00, "paid": 100.00, "refunded": 0.0}
    assert rep["currencies"] == {"ZAR": {"orders": 2, "order_total": 100.00, "paid": 100.00,
                                         "refunded": 0.0}}


def test_currencies_follow_the_filters_desk_first(mixed):
    assert currencies(mixed.cursor(), ALL) == ["CNY", "USD", "TRY"]
    mix = currency_mix(mixed.cursor(), Filters(date_from=None, shops=("nowhere",)))
    assert mix.empty
    assert currencies(mixed.cursor(), Filters(shops=("nowhere",))) == ["CNY"]


def test_shopify_sample_keeps_its_currency(tmp_path, capsys):
    data = (SAMPLES / "shopify_cod" / "orders_export.masked.csv").read_bytes()
    parsed = read_export("orders_export.masked.csv", data)
    assert parsed.frames["orders"].set_index("order_id")["currency"].to_dict() == {
        f"#{n}": "BDT" for n in range(71733, 71738)}
    db = tmp_path / "s.duckdb"
    files = [SAMPLES / "shopify_cod" / n for n in ("orders_export.masked.csv",
                                                    "orders_export_10.masked.csv")]
    assert main(["--db", str(db), "import", *map(str, files)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "report", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["currency"] == "BDT"
    assert set(rep["currencies"]) == {"BDT"}
    assert rep["currencies"]["BDT"]["orders"] == 55
    assert rep["currencies"]["BDT"]["order_total"] == rep["amounts"]["order_total"]


def test_the_order_template_reads_currency():
    text = TEMPLATES["orders"]
    assert text.splitlines()[0].endswith(",currency")
    lower = text.replace(",CNY\n", ",usd\n", 1).replace(",CNY\n", ",RMB元\n", 1)
    parsed = read_export("orders.csv", lower.encode())
    assert parsed.frames["orders"]["currency"].tolist() == ["USD", "CNY"]
    assert [(r.row, r.column, r.value) for r in parsed.rejects] == [(3, "currency", "RMB元")]


def _overview(tmp_path, monkeypatch, state=None):
    from tests.apptest import fresh_app, store_file

    db = store_file(tmp_path / "cur.duckdb", [{"created_at": "2026-11-20 10:00", **o}
                                               for o in ORDERS])
    return fresh_app(db, monkeypatch, state=state)


def test_overview_shows_the_desk_currency_and_lists_the_others(tmp_path, monkeypatch):
    from tests.apptest import metric

    at = _overview(tmp_path, monkeypatch, state={"lang": "en"})
    assert not at.exception
    assert at.selectbox(key="f_currency").options == ["CNY", "USD", "TRY"]
    # paid on the day, CNY only: c1 100.00 + c2 50.50 + n1 30.00 (no currency: the desk's)
    assert metric(at, "Paid amount").value == "CNY 180.50"
    assert metric(at, "Average order value").value == "CNY 60.17"
    assert metric(at, "Refund amount").value == "CNY 10.00"
    assert metric(at, "Paid orders").value == "5"  # counts stay over every currency
    notes = [x.value for x in at.text]
    assert OTHER_DAY + "TRY 999.99 · USD 20.00" in notes
    # never one sum over currencies
    mixed = f"{180.50 + 20.00 + 999.99:,.2f}"
    assert not any(mixed in m.value for m in at.metric)


def test_overview_in_another_currency(tmp_path, monkeypatch):
    from tests.apptest import metric

    at = _overview(tmp_path, monkeypatch, state={"lang": "en", "f_currency": "USD"})
    assert not at.exception
    assert metric(at, "Paid amount").value == "USD 20.00"  # u2 is not paid
    assert OTHER_DAY + "TRY 999.99 · CNY 180.50" in [x.value for x in at.text]
    fig = at.get("plotly_chart")[1].proto.spec
    assert "Paid amount (USD)" in fig


def test_settings_page_sets_and_clears_the_currency(tmp_path, monkeypatch):
    from tests.apptest import fresh_app, store_file
    from ui.data import get_store

    db = store_file(tmp_path / "set.duckdb", [{"created_at": "2026-11-20 10:00", **o}
                                               for o in ORDERS])
    at = fresh_app(db, monkeypatch, "pages/settings.py", state={"lang": "en"})
    assert not at.exception
    assert "(the currency of most orders)" in at.dataframe[0].value.iloc[:, 1].tolist()
    at.text_input(key="set_currency").set_value("us")
    at.button[0].click()
    at.run()
    assert any("three-letter" in e.value for e in at.error)
    assert desk_currency(get_store().cursor()) == "CNY"  # nothing saved
    at.text_input(key="set_currency").set_value("usd")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert desk_currency(get_store().cursor()) == "USD"
    at.text_input(key="set_currency").set_value("")
    at.button[0].click()
    at.run()
    assert desk_currency(get_store().cursor()) == "CNY"  # unset again: most orders are CNY


def test_promotions_show_one_currency_and_list_the_others(tmp_path, monkeypatch):
    from tests.apptest import fresh_app, make_store, metric
    from tests.conftest import load_tables

    path = tmp_path / "promo.duckdb"
    s = make_store(path)
    load(s, [{"created_at": "2026-11-20 10:00", **o} for o in ORDERS])
    load_tables(s, promotions=[{"name": "P", "start_at": "2026-11-20 00:00",
                                "end_at": "2026-11-21 00:00"}])
    s.close()
    at = fresh_app(path, monkeypatch, "pages/promotions.py", state={"lang": "en"})
    assert not at.exception
    # paid orders placed in the period, CNY: c1 100.00 + c2 50.50 + n1 30.00
    assert metric(at, "Paid amount").value == "CNY 180.50"
    assert metric(at, "Average order value").value == "CNY 60.17"
    assert OTHER_PERIOD + "TRY 999.99 · USD 20.00" in [
        x.value for x in at.text]
    at = fresh_app(path, monkeypatch, "pages/promotions.py",
                   state={"lang": "en", "f_currency": "TRY"})
    assert metric(at, "Paid amount").value == "TRY 999.99"


def _dialog_script():
    import streamlit as st

    from ui import order_dialog

    st.dialog("Order", width="large")(order_dialog._order_body)("taobao", "s1", "u1")


def test_the_order_dialog_names_the_order_currency(tmp_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipeline.db.store import Store

    path = tmp_path / "dialog.duckdb"
    s = Store(path)
    load(s, [{"created_at": "2026-11-20 10:00", **o} for o in ORDERS])
    s.close()
    monkeypatch.setenv("ORDERDESK_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(_dialog_script, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    amounts = " ".join(x.value for x in at.text)          # the facts, as lines of text
    assert "Order total: USD 20.00" in amounts and "Refunded: USD 5.25" in amounts


def test_a_shop_filtered_to_its_own_currency_shows_that_currency(tmp_path, monkeypatch):
    from tests.apptest import fresh_app, metric, store_file

    db = store_file(tmp_path / "shops.duckdb", [
        {"order_id": "c", "shop": "cn", "currency": "CNY", "created_at": "2026-11-20 10:00",
         "order_total": 10.00, "paid": 10.00, **PAID},
        {"order_id": "c2", "shop": "cn", "currency": "CNY", "created_at": "2026-11-20 10:00",
         "order_total": 10.00, "paid": 10.00, **PAID},
        {"order_id": "z", "shop": "za", "currency": "ZAR", "created_at": "2026-11-20 10:00",
         "order_total": 77.70, "paid": 77.70, **PAID},
    ])
    at = fresh_app(db, monkeypatch, state={"lang": "en", "f_shops": ["za"]})
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "f_currency"]  # one currency: no choice
    assert metric(at, "Paid amount").value == "ZAR 77.70"
    assert not at.text or not any("other currencies" in x.value for x in at.text)
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert metric(at, "Paid amount").value == "CNY 20.00"
    assert OTHER_DAY + "ZAR 77.70" in [x.value for x in at.text]


def test_the_daily_workbook_names_the_currency_of_its_money(mixed):
    from datetime import datetime

    from pipeline.outputs.workbook import kpi_sheet

    sheet = kpi_sheet(mixed.cursor(), datetime(2026, 11, 20, 23, 0)).set_index("指标")
    assert sheet.loc["付款金额", "币种"] == "CNY"
    assert sheet.loc["付款金额", "2026-11-20"] == 180.50  # CNY only
    assert sheet.loc["订单数", "币种"] == ""
