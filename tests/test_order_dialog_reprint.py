"""The order dialog prints again the batch an order was processed in, naming the orders that
batch had when processed (issue 26), whatever the queue proposes now."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.db.store import Store
from pipeline.desk import actions as A
from tests.conftest import load


def open_script(platform, shop, order_id):
    from ui import order_dialog

    order_dialog.open_order_dialog(platform, shop, order_id)


def test_the_history_offers_the_batch_again_with_its_orders(tmp_path, monkeypatch):
    path = tmp_path / "reprint.duckdb"
    s = Store(path)
    paid = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
    load(s, [{"order_id": o, **paid} for o in ("a1", "a2", "a3")],
         [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1} for o in ("a1", "a2", "a3")])
    A.record_many(s, [("taobao", "s1", "a2"), ("taobao", "s1", "a1")], "process", by="Li",
                  queue_batch="abc123-1")
    s.close()
    monkeypatch.setenv("ORDERDESK_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(open_script, default_timeout=60, args=("taobao", "s1", "a1"))
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    reprint = at.toggle(key="dlg_reprint_abc123-1")
    assert reprint.label == "Print batch abc123-1 again"
    reprint.set_value(True).run()
    assert not at.exception
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["Pick list PDF", "Pick list XLSX",
                                                  "Packing slips PDF", "Packing slips XLSX"]
    assert not any(d.proto.disabled for d in downloads)
