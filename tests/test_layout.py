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
