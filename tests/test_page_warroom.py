"""The war room page and the alert banner every page shows (AppTest)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.apptest import fresh_app, metric, store_file


def _now() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, second=0,
                                                           microsecond=0)


def _store(tmp_path, name="wr.duckdb"):
    now = _now()
    day = datetime.combine(now.date(), datetime.min.time())
    ts = lambda d: d.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    # three orders waiting to ship, paid 70 h ago; one order placed in the last hour
    orders = [{"order_id": f"w{i}", "created_at": ts(now - timedelta(hours=71)),
               "paid_at": ts(now - timedelta(hours=70)), "status_norm": "paid",
               "order_total": 10, "paid": 10} for i in range(3)]
    orders.append({"order_id": "n1", "created_at": ts(now - timedelta(minutes=30)),
                   "paid_at": ts(now - timedelta(minutes=29)), "status_norm": "paid",
                   "order_total": 10, "paid": 10})
    lines = [{"order_id": o["order_id"], "line_id": "1", "sku": "A", "quantity": 1,
              "unit_price": 10} for o in orders]
    return store_file(tmp_path / name, orders, lines,
                      stock=[{"sku": "A", "available": 4}],
                      promotions=[{"name": "大促", "start_at": ts(day - timedelta(days=1)),
                                   "end_at": ts(day + timedelta(days=1))}])


def test_war_room_shows_backlog_projection_and_burn(tmp_path, monkeypatch):
    at = fresh_app(_store(tmp_path), monkeypatch, page="pages/warroom.py")
    assert not at.exception
    assert metric(at, "待发货订单").value == "4"
    assert metric(at, "今日预计订单数").value != "—"
    burn = next(d.value for d in at.dataframe if "可撑小时" in d.value.columns)
    # A: 4 available, 4 waiting: none left, with demand in the last hours
    assert burn.set_index("商家编码").loc["A", "剩余"] == 0


def test_alert_banner_names_the_numbers(tmp_path, monkeypatch):
    # app.py draws the banner before any page runs (AppTest keeps the frame's elements only on
    # the first page it opens; the browser test sees it on the others)
    at = fresh_app(_store(tmp_path), monkeypatch)
    shown = " ".join(x.value for x in at.text)
    assert "1 个 SKU 已用完或将在 12 小时内用完（A 已没有余量给新订单）。" in shown
    at = fresh_app(_store(tmp_path, "en.duckdb"), monkeypatch, state={"lang": "en"})
    assert not at.exception
    shown = " ".join(x.value for x in at.text)
    assert "1 SKU(s) are used up or will run out within 12 h (A has nothing left for new orders)." in shown
