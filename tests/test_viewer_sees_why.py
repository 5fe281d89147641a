"""A viewer sees the actions they may not take disabled, with the reason in their language,
instead of clicking and reading an error."""

from __future__ import annotations

from pipeline.accounts import users
from pipeline.db.store import Store
from tests.apptest import fresh_app
from tests.conftest import load


def test_the_queue_disables_processing_for_a_viewer_and_says_why(tmp_path, monkeypatch):
    db = tmp_path / "viewer.duckdb"
    s = Store(db)
    load(s, [{"order_id": f"a{i}", "created_at": "2026-11-20 08:00", "status_norm": "paid",
              "paid_at": f"2026-11-20 10:0{i}"} for i in range(1, 4)],
         [{"order_id": f"a{i}", "line_id": "1", "sku": "A", "quantity": 1} for i in range(1, 4)])
    users.add_user(s, "Vera", "viewer", "password-Vera", by="test")
    s.close()
    at = fresh_app(db, monkeypatch, "pages/queue.py", state={
        "auth_user": {"name": "Vera", "role": "viewer", "seen": 1e18, "sso": False}})
    assert not at.exception
    assert at.button(key="queue_process_batch").disabled
    assert "查看者不能处理订单；请找客服专员或主管" in [c.value for c in at.caption]
