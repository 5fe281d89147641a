"""The war room's projections on a promotion made with known rates, values worked by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.db.settings import save_setting
from pipeline.desk import forecast
from pipeline.outputs.report import build_report
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 12, 0)


def paid(oid, created, paid_at, **kw):
    return {"order_id": oid, "created_at": created, "paid_at": paid_at, "status_norm": "paid",
            "is_paid": True, "order_total": 100, "paid": 100, **kw}


def shipped(oid, created, shipped_at):
    return {"order_id": oid, "created_at": created, "paid_at": created, "shipped_at": shipped_at,
            "status_norm": "shipped", "is_paid": True, "order_total": 50, "paid": 50}


def line(oid, sku, qty=1, lid="1", **kw):
    return {"order_id": oid, "line_id": lid, "sku": sku, "quantity": qty, "unit_price": 10, **kw}


@pytest.fixture
def war(store):
    # Waiting to ship, ship_paid = paid + 72 h: w1 already late (11:00), then 13:00, 14:00,
    # 14:30 and 20:00 on 11-11.
    waiting = [paid("w1", "2026-11-08 10:00", "2026-11-08 11:00"),
               paid("w2", "2026-11-08 12:00", "2026-11-08 13:00"),
               paid("w3", "2026-11-08 13:00", "2026-11-08 14:00"),
               paid("w4", "2026-11-08 14:00", "2026-11-08 14:30"),
               paid("w5", "2026-11-08 19:00", "2026-11-08 20:00")]
    # Shipped in the 3 hours before 12:00: 3 orders (1 an hour); s0 shipped before that.
    today = [shipped("r1", "2026-11-11 10:00", "2026-11-11 10:30"),
             shipped("r2", "2026-11-11 11:00", "2026-11-11 11:20"),
             shipped("r3", "2026-11-11 11:30", "2026-11-11 11:59"),
             shipped("s0", "2026-11-11 01:00", "2026-11-11 08:00"),
             shipped("t2", "2026-11-11 02:00", "2026-11-11 08:00"),
             shipped("t3", "2026-11-11 03:00", "2026-11-11 08:00")]
    # Reference days: the baseline day (11-10) had 10 orders, 5 before noon; last year's
    # 双11 had 20, 5 before noon (one in each of hours 0, 1, 2, 10, 11).
    base = [shipped(f"b{i}", f"2026-11-10 {h:02d}:10", "2026-11-10 23:00")
            for i, h in enumerate([1, 3, 5, 7, 9, 13, 15, 17, 19, 21])]
    ly_hours = [0, 1, 2, 10, 11] + [12 + i % 12 for i in range(15)]
    last = [shipped(f"y{i}", f"2025-11-11 {h:02d}:20", "2025-11-12 09:00")
            for i, h in enumerate(ly_hours)]
    lines = [line(o["order_id"], "A") for o in waiting]
    lines += [line("w4", "G", lid="2", is_gift=True), line("w5", "G", lid="2", is_gift=True)]
    lines += [line(r, "A", 2) for r in ("r1", "r2", "r3")]
    lines += [line("r1", "G", lid="2", is_gift=True), line("r2", "UNTRACKED", lid="2")]
    load(store, waiting + today + base + last, lines)
    load_tables(store, stock=[{"sku": "A", "available": 10}, {"sku": "B", "available": 100},
                              {"sku": "G", "available": 1, "unit_cost": 2.5}],
                promotions=[{"name": "双11 2026", "start_at": "2026-11-11 00:00",
                             "end_at": "2026-11-12 00:00"},
                            {"name": "双11 2025", "start_at": "2025-11-11 00:00",
                             "end_at": "2025-11-12 00:00"}])
    return store


def test_capacity_and_breaches_at_the_desks_rate(war):
    grid, cap, packers = forecast.breach_forecast(war.cursor(), AS_OF)
    assert (cap.backlog, cap.overdue) == (5, 1)
    assert (cap.rate_per_hour, cap.rate_basis) == (1.0, "shipped")
    # w5 is held (its gift G is out of stock: 1 left, w4 paid first): 4 in the line at 1 an
    # hour, while the day keeps coming in: 24 projected (6 so far × 20 / 5), last year's shape
    # spreads the rest as 2.4 an hour at 12, 13 and 14 h and 1.2 from 15 to 23 h, then the
    # baseline day's 10 / 24 an hour. The line: 4 → 8.2 by 15:00 → 10 by 24:00, then
    # 10 ÷ (1 − 10/24) = 17.142857 h more: cleared 29.142857 h from now (before: 4 h)
    assert cap.held == 1
    assert cap.hours_to_clear == pytest.approx(12 + 10 / (1 - 10 / 24))
    assert grid["intake"].head(4).tolist() == pytest.approx([2.4, 2.4, 2.4, 1.2])
    assert grid["backlog"].iloc[[0, 2, 11]].tolist() == pytest.approx([5.4, 8.2, 10.0])
    # In line: w1 (late already), w2 leaves at +2 h (deadline +1 h: breach), w3 at +3 h
    # (+2 h: breach), w4 at +4 h (+2.5 h: breach); w5 (+8 h) held, apart.
    assert grid.set_index("hour")["deadlines"][lambda s: s > 0].to_dict() == {1: 1, 2: 2}
    assert grid.set_index("hour")["held"][lambda s: s > 0].to_dict() == {8: 1}
    assert grid.set_index("hour")["breaches"][lambda s: s > 0].to_dict() == {1: 1, 2: 2}
    # No order in time breaches at max(2/1, 3/2, 4/2.5, 5/8) = 2 orders an hour.
    assert packers == 1
    save_setting(war.cursor(), "orders_per_packer_hour", 0.5, "t")
    assert forecast.breach_forecast(war.cursor(), AS_OF)[2] == 4


def test_stock_burn_down_at_the_current_rate(war):
    burn = forecast.stock_burn(war.cursor(), AS_OF).set_index("sku")
    # A: 10 available, the waiting orders take 5; 6 units ordered in 3 h = 2 an hour.
    assert burn.loc["A", "left_units"] == 5
    assert burn.loc["A", "units_per_hour"] == 2.0
    assert burn.loc["A", "cover_hours"] == 2.5
    assert burn.loc["A", "runs_out_at"] == datetime(2026, 11, 11, 14, 30)
    assert burn.loc["A", "orders_per_hour"] == 1.0
    # G: 1 available, 2 waiting: used up now. B is not selling; UNTRACKED is never listed.
    assert burn.loc["G", "cover_hours"] == 0.0
    assert set(burn.index) == {"A", "G"}


def test_gift_ledger(war):
    got = forecast.gift_ledger(war.cursor(), forecast.ALL, "双11 2026",
                               datetime(2026, 11, 11), AS_OF)
    row = got.set_index("sku").loc["G"]
    # given: r1's gift; left: 1 − 2 waiting; w5 (paid after w4) misses it
    assert (row["units_given"], row["stock_left"], row["orders_missing"]) == (1, -1, 1)
    assert (row["unit_cost"], row["gift_cost"]) == (2.5, 2.5)   # 1 given at 2.50


def test_gift_ledger_counts_a_line_priced_0_as_the_promotions_page_does(war):
    """A gift line priced 0 but not marked (is_gift left blank) is a gift (DESIGN §2/§7): the
    war room's ledger and the Promotions page count the same units."""
    from pipeline.desk import promo

    load(war, [shipped("r9", "2026-11-11 11:40", "2026-11-11 11:50")],
         [line("r9", "A"), line("r9", "G", lid="2", unit_price=0, is_gift=None)], name="r9")
    got = forecast.gift_ledger(war.cursor(), forecast.ALL, "双11 2026",
                               datetime(2026, 11, 11), AS_OF).set_index("sku")
    assert (got.loc["G", "units_given"], got.loc["G", "orders"]) == (2, 2)
    page = promo.gifts(war.cursor(), forecast.ALL, "双11 2026").set_index("sku")
    assert (page.loc["G", "units"], page.loc["G", "orders"]) == (2, 2)


def test_the_stock_template_reads_a_unit_cost():
    from pipeline.ingest.formats import read_export

    parsed = read_export("stock.csv", "商家编码,可用库存,成本价\nG,5,2.50\n".encode())
    assert parsed.frames["stock"]["unit_cost"].tolist() == [2.5]


def test_intake_projected_from_last_years_shape(war):
    it = forecast.intake(war.cursor(), AS_OF)
    assert it.period == "双11 2026" and it.last_year == "双11 2025"
    assert it.seen["orders"] == 6
    p = it.projection["orders"]
    # last year had 5 of its 20 by noon: 6 × 20 / 5 = 24; the baseline 5 of 10: 12; flat 12
    assert (p["method"], p["value"]) == ("last_year", 24.0)
    assert p["estimates"] == {"last_year": 24.0, "baseline": 12.0, "flat": 12.0}
    # hours 10 and 11 against 24 × 1/20 = 1.2 expected: 1 and 2 orders
    assert [round(x, 3) for x in forecast.intake_off(it)] == [round(1 / 1.2 - 1, 3),
                                                             round(2 / 1.2 - 1, 3)]


def test_no_promotion_running_means_no_intake(war):
    assert forecast.intake(war.cursor(), datetime(2026, 12, 1, 12, 0)) is None


def test_alerts_at_their_thresholds(war):
    kinds = {a["kind"]: a for a in forecast.alerts(war.cursor(), AS_OF)}
    assert set(kinds) == {"stock_runout"}          # A runs out in 2.5 h (within 12)
    assert kinds["stock_runout"]["first"] == "G"   # G is out already
    cur = war.cursor()
    save_setting(cur, "alert_runout_hours", 0, "t")
    save_setting(cur, "alert_breach_orders", 3, "t")      # 3 breach today: not more than 3
    save_setting(cur, "alert_intake_off_pct", 20, "t")    # -17 % and +67 %: not both over
    kinds = {a["kind"] for a in forecast.alerts(cur, AS_OF)}
    assert kinds == {"stock_runout"}                      # G: 0 h left is within 0 h
    save_setting(cur, "alert_breach_orders", 2, "t")
    save_setting(cur, "alert_intake_off_pct", 15, "t")
    got = {a["kind"]: a for a in forecast.alerts(cur, AS_OF)}
    assert set(got) == {"stock_runout", "breaches", "intake_off"}
    assert got["breaches"]["orders"] == 3
    assert got["intake_off"]["pct"] == 67


def test_report_forecast_key(war):
    rep = build_report(war.cursor(), AS_OF)["forecast"]
    assert rep["backlog"] == 5 and rep["hours_to_clear"] == 29.1   # w5 held; intake counted
    assert rep["held"]["orders"] == 1
    assert len(rep["breaches_by_hour"]) == 24 and sum(rep["breaches_by_hour"]) == 3
    assert [s["sku"] for s in rep["skus_running_out"]] == ["G", "A"]
    assert rep["skus_running_out"][1] == {"sku": "A", "hours_left": 2.5,
                                          "runs_out_at": "2026-11-11 14:30",
                                          "name": None, "status": "selling"}
    # G: 1 available, 2 waiting: short now; no SKU at 0 without demand (B has 100)
    assert rep["skus_running_out"][0]["status"] == "short"
    assert rep["skus_sold_out"] == 0
