"""The War room's gift ledger as a person reads it: an unknown cost is '—', never None."""

from __future__ import annotations

import pandas as pd

from pipeline.base.labels import label
from ui.promo import gift_ledger_view


def test_an_unknown_cost_and_an_untracked_stock_read_as_a_dash():
    gifts = pd.DataFrame({
        "sku": ["GIFT-A", "GIFT-B"], "units_given": [10, 3], "orders": [10, 3],
        "tracked": [True, False], "stock_left": [40.0, None], "orders_missing": [0, 0],
        "unit_cost": [2.5, None], "gift_cost": [25.0, None]})
    shown = gift_ledger_view(gifts, lambda key: label(key, "zh"))
    rows = shown.astype(str).values.tolist()
    assert rows == [["GIFT-A", "10", "10", "是", "40", "0", "2.50", "25.00"],
                    ["GIFT-B", "3", "3", "否", "—", "0", "—", "—"]]
    assert "None" not in shown.astype(str).to_numpy().ravel().tolist()
