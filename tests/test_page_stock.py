"""The Stock page: no stock yet, short SKUs with the orders they block, the whole list."""

from __future__ import annotations

import pytest

from tests.apptest import fresh_app, make_store, metric, store_file, table
from tests.conftest import load
from tests.test_stock import SHORT_LINES, SHORT_ORDERS

PAGE = "pages/stock.py"


@pytest.fixture
def orders_only(tmp_path):
    return store_file(tmp_path / "orders.duckdb", SHORT_ORDERS, SHORT_LINES)


@pytest.fixture
def db(tmp_path):
    from tests.conftest import load_tables

    path = tmp_path / "stock.duckdb"
    s = make_store(path)
    load(s, SHORT_ORDERS, SHORT_LINES)
    load_tables(s,
                bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                         {"bundle_sku": "SET", "component_sku": "B", "quantity": 1}],
                stock=[{"sku": "A", "warehouse": "w1", "available": 2, "safety_stock": 5},
                       {"sku": "A", "warehouse": "w2", "available": 1},
                       {"sku": "B", "warehouse": "w1", "available": 0},
                       {"sku": "C", "warehouse": "w1", "available": 10}])
    s.close()
    return path


def test_no_stock_says_how_to_import_it(orders_only, monkeypatch):
    at = fresh_app(orders_only, monkeypatch, PAGE, state={"lang": "en"})
    assert not at.exception
    assert any("No stock imported" in i.value for i in at.info)
    assert not at.dataframe


def test_short_skus_first_then_the_whole_list(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state={"lang": "en"})
    assert not at.exception
    assert metric(at, "SKUs in stock").value == "3"
    assert metric(at, "Units available").value == "13"
    assert metric(at, "Short SKUs").value == "2"
    assert metric(at, "Below safety stock").value == "1"
    short = table(at, "Blocked orders")
    assert short["SKU"].tolist() == ["A", "B", "SET"]
    assert short["Blocked orders"].tolist() == ["w2", "w3", "w3"]
    assert short["Limiting component"].tolist()[2] == "B"
    everything = table(at, "Days of cover (7 days)")
    assert everything["SKU"].tolist()[:2] == ["A", "B"]
    assert len(everything) == 3
    at.toggle(key="stock_show_warehouses").set_value(True).run()
    assert len(table(at, "Warehouse")) == 4


def test_chinese_labels(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE)
    assert not at.exception
    assert metric(at, "缺货SKU").value == "2"
