"""The Stock page: no stock yet, short SKUs with the orders they block, the whole list."""

from __future__ import annotations

import pytest

from tests.apptest import fresh_app, make_store, metric, store_file, table
from tests.conftest import load
from tests.factories import SHORT_LINES, SHORT_ORDERS

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


@pytest.fixture
def on_hand_db(tmp_path):
    # ERP export: 实际 (on hand), 占用 (held by the waiting orders), 可用 = 实际 − 占用. A is
    # held 5 of its 6 on hand and w1..w4 need 5 + 1 (the set): covered. U is not in the export.
    orders = [*SHORT_ORDERS, {"order_id": "w5", "created_at": "2026-11-20 14:00",
                              "paid_at": "2026-11-20 14:00", "status_norm": "paid"}]
    return store_file(
        tmp_path / "on_hand.duckdb", orders, [*SHORT_LINES, {"order_id": "w5", "line_id": "1",
                                                             "sku": "U", "quantity": 2}],
        bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                 {"bundle_sku": "SET", "component_sku": "B", "quantity": 1}],
        stock=[{"sku": "A", "warehouse": "w1", "on_hand": 6, "reserved": 6, "available": 0},
               {"sku": "B", "warehouse": "w1", "on_hand": 1, "reserved": 1, "available": 0},
               {"sku": "C", "warehouse": "w1", "on_hand": 10, "reserved": 0, "available": 10}])


def test_the_page_says_which_figure_it_took_and_lists_untracked_skus(on_hand_db, monkeypatch):
    at = fresh_app(on_hand_db, monkeypatch, PAGE, state={"lang": "en"})
    assert not at.exception
    assert metric(at, "Short SKUs").value == "0"
    assert metric(at, "Units available").value == "10"      # as exported
    assert metric(at, "Untracked SKUs").value == "1"
    captions = [c.value for c in at.caption]
    assert ("Allocation takes from on hand (实际库存) for 3 SKUs. Untracked (not in the stock "
            "export, never out of stock): 1 SKU.") in captions
    assert any("Nothing is short" in s.value for s in at.success)
    untracked = table(at, "In the stock export")
    assert untracked["SKU"].tolist() == ["U"] and untracked["Open demand"].tolist() == [2]
    everything = table(at, "Days of cover (7 days)").set_index("SKU")
    assert everything.loc["A", "Taken from"] == "on hand (实际库存)"
    assert everything.loc["A", "Stock for orders"] == 6
    assert everything.loc["U", "Taken from"] == "untracked"


def test_the_template_figure_is_named_in_chinese(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE)
    assert not at.exception
    assert "待发货订单从以下库存分配：可用库存 3 个SKU。" in [c.value for c in at.caption]
    short = table(at, "受阻订单号")
    assert short["分配依据"].tolist() == ["可用库存"] * 3
