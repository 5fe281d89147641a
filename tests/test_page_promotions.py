"""The Promotions page: no period yet, a period against its baseline, editing periods."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.desk import promo
from tests.apptest import fresh_app, make_store, metric, store_file, table
from tests.conftest import load, load_tables
from tests.factories import PERIOD_LINES, PERIOD_ORDERS
from ui.data import get_store

PAGE = "pages/promotions.py"


@pytest.fixture
def bare_db(tmp_path):
    return store_file(tmp_path / "bare.duckdb", PERIOD_ORDERS, PERIOD_LINES)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "promo.duckdb"
    s = make_store(path)
    load(s, PERIOD_ORDERS, PERIOD_LINES)
    load_tables(
        s,
        bundles=[{"bundle_sku": "SET1", "component_sku": "A", "quantity": 1},
                 {"bundle_sku": "SET1", "component_sku": "B", "quantity": 2}],
        promotions=[{"name": "P", "start_at": "2026-11-11 00:00", "end_at": "2026-11-11 04:00"}],
        stock=[{"sku": "A", "available": 13}, {"sku": "G", "available": 5}],
    )
    s.close()
    return path


def test_no_period_says_how_to_add_one_and_adds_it(bare_db, monkeypatch):
    at = fresh_app(bare_db, monkeypatch, PAGE)
    assert not at.exception
    assert any("促销模板" in i.value for i in at.info)
    at.text_input(key="promo_edit_name").set_value("双11")
    at.datetime_input(key="promo_edit_start").set_value(datetime(2026, 11, 11))
    at.datetime_input(key="promo_edit_end").set_value(datetime(2026, 11, 11, 4))
    at.button[0].click().run()  # the form's Save
    assert not at.exception
    assert at.selectbox(key="promo_period").value == "双11"
    assert metric(at, "订单数").value == "4"


def test_period_against_baseline(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state={"lang": "en"})
    assert not at.exception
    orders = metric(at, "Orders")
    assert orders.value == "4"
    assert "+100.0%" in orders.delta
    assert metric(at, "Paid amount").value == "CNY 180.00"  # no currency stated: the desk default
    assert "+200.0%" in metric(at, "Paid amount").delta
    assert metric(at, "Units").value == "6"
    types = table(at, "Order type")
    assert types["Orders"].tolist() == [4, 1, 0, 1]
    gifts = table(at, "Left after open orders")
    assert gifts["SKU"].tolist() == ["G"]
    bundles = table(at, "Components")
    assert bundles["SKU"].tolist() == ["SET1"]
    assert any("Peak hour" in c.value and "01:00" in c.value for c in at.caption)
    # what its paid amount counts, next to the Overview's figure for the same day
    said = [c.value for c in at.caption if c.value.startswith("Paid amount here")]
    assert len(said) == 1 and "on 2026-11-11" in said[0] and "CNY " in said[0]


def test_invalid_period_is_refused_with_a_message(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state={"lang": "en"})
    at.text_input(key="promo_edit_name").set_value("bad")
    at.datetime_input(key="promo_edit_start").set_value(datetime(2026, 11, 12))
    at.datetime_input(key="promo_edit_end").set_value(datetime(2026, 11, 11))
    at.button[0].click().run()
    assert not at.exception
    assert any("after the start" in e.value for e in at.error)
    at.text_input(key="promo_edit_name").set_value("P")
    at.datetime_input(key="promo_edit_end").set_value(datetime(2026, 11, 13))
    at.button[0].click().run()
    assert any("already exists" in e.value for e in at.error)


def test_change_and_remove_a_period(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state={"lang": "en"})
    at.selectbox(key="promo_edit_target").set_value("P").run()
    assert at.text_input(key="promo_edit_name").value == "P"
    assert at.datetime_input(key="promo_edit_end").value == datetime(2026, 11, 11, 4)
    at.text_input(key="promo_edit_name").set_value("P2")
    at.button[0].click().run()
    assert not at.exception
    assert at.selectbox(key="promo_period").value == "P2"
    at.selectbox(key="promo_edit_target").set_value("P2").run()
    at.button[1].click().run()          # remove, not confirmed: nothing happens
    assert at.selectbox(key="promo_period").value == "P2"
    at.checkbox(key="promo_edit_confirm").check()
    at.button[1].click().run()
    assert not at.exception
    assert any("No promotion period" in i.value for i in at.info)
    store = get_store()
    assert promo.periods(store.cursor()).empty
