"""Tables and cards for every screen width: the order id first and pinned; card grids."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.layout import metric_grid
from ui.order_dialog import pin_order_id


def test_the_order_id_column_comes_first_and_is_pinned_keeping_its_label():
    frame = pd.DataFrame({"platform": ["taobao"], "shop": ["A"], "order_id": ["41"],
                          "rank": [1], "deadline": ["2026-11-20"]})
    columns, config = pin_order_id(frame, ["rank", "order_id", "deadline"],
                                   {"order_id": {"label": "订单编号", "width": None}})
    assert columns == ["order_id", "rank", "deadline"]
    assert config["order_id"]["pinned"] is True and config["order_id"]["label"] == "订单编号"


def test_in_a_labelled_table_the_column_holding_the_ids_is_pinned():
    frame = pd.DataFrame({"platform": ["taobao", "taobao"], "shop": ["A", "B"],
                          "order_id": ["41", "42"], "店铺": ["A", "B"], "订单编号": ["41", "42"]})
    columns, config = pin_order_id(frame, ["店铺", "订单编号"], None)
    assert columns == ["订单编号", "店铺"]
    assert config == {"订单编号": {"pinned": True}}


def test_a_table_without_the_ids_is_left_as_it_is():
    frame = pd.DataFrame({"platform": ["taobao"], "shop": ["A"], "order_id": ["41"],
                          "sku": ["X"]})
    assert pin_order_id(frame, ["sku"], None) == (["sku"], {})


def test_a_grid_has_a_known_width():
    with pytest.raises(ValueError):
        metric_grid("x", 7)


def test_each_view_s_server_time_is_logged_when_asked(tmp_path, monkeypatch):
    """ORDERDESK_RUN_LOG: one JSON line per view of the frame and page, with the page and
    the seconds it took (what the browser benchmark reads beside the settle times)."""
    import json

    from tests.apptest import fresh_app, store_file

    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("ORDERDESK_RUN_LOG", str(log))
    db = store_file(tmp_path / "s.duckdb", [{"order_id": "o1", "created_at": "2026-11-11 10:00"}])
    at = fresh_app(db, monkeypatch, "pages/stock.py")
    assert not at.exception
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert len(lines) == 2                                 # the first view, then Stock's
    assert [x["page"] for x in lines][-1] == "stock"
    assert all(isinstance(x["seconds"], float) and x["seconds"] > 0 for x in lines)
