"""The War room never adds two currencies (issue 34, point 2): at 15:00 on 双11, 28,150 CNY and
one USD 50 order are projected and shown apart, each with its currency; the gift cost too.
Figures by hand."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.desk import forecast
from tests.conftest import load, load_tables

AS_OF = datetime(2026, 11, 11, 15, 0)


def order(oid: str, at: str, paid: float, currency: str = "CNY") -> dict:
    return {"order_id": oid, "created_at": at, "paid_at": at, "status_norm": "paid",
            "is_paid": True, "order_total": paid, "paid": paid, "currency": currency}


# the baseline day, 11-10: ten orders of 100 CNY before 15:00, ten after: half the day by 15:00
BASELINE = ([order(f"b{h}", f"2026-11-10 {h:02d}:30", 100) for h in range(10)]
            + [order(f"c{h}", f"2026-11-10 {h:02d}:30", 100) for h in range(15, 24)]
            + [order("c24", "2026-11-10 23:50", 100)])
# 双11 so far: five CNY orders (4 × 5,000 + 8,150 = 28,150) and one USD 50
DAY = ([order(f"p{h}", f"2026-11-11 {h:02d}:20", 5000) for h in (1, 3, 5, 7)]
       + [order("p9", "2026-11-11 09:20", 8150), order("u1", "2026-11-11 10:00", 50, "USD")])


@pytest.fixture
def double11(store):
    load(store, BASELINE + DAY,
         [{"order_id": "p9", "line_id": "1", "sku": "A", "quantity": 1, "unit_price": 8150},
          {"order_id": "p9", "line_id": "2", "sku": "G", "quantity": 2, "unit_price": 0}])
    load_tables(store, promotions=[{"name": "双11 2026", "start_at": "2026-11-11 00:00",
                                    "end_at": "2026-11-12 00:00"}],
                stock=[{"sku": "G", "available": 10, "unit_cost": 3}])
    return store


def test_the_days_paid_amount_is_projected_per_currency(double11):
    it = forecast.intake(double11.cursor(), AS_OF, ALL)
    # the desk's currency (CNY, most orders): 28,150 so far, the baseline day had 1,000 of its
    # 2,000 by 15:00, so 28,150 × 2 = 56,300 (before: 28,200 and 56,400, the USD 50 added in)
    assert (it.currency, it.seen["paid"]) == ("CNY", 28150.0)
    assert it.projection["paid"]["value"] == pytest.approx(56300.0)
    assert it.projection["paid"]["method"] == "baseline"
    assert it.other_paid == {"USD": 50.0}
    # orders are counted over every currency: 6 so far, 10 of 20 by 15:00 → 12
    assert (it.seen["orders"], it.projection["orders"]["value"]) == (6.0, pytest.approx(12.0))
    # filtered to USD: 50 so far, no USD on the baseline day, so the flat rate: 50 / 15 × 24
    usd = forecast.intake(double11.cursor(), AS_OF, Filters(currency="USD"))
    assert (usd.currency, usd.seen["paid"], usd.other_paid) == ("USD", 50.0, {"CNY": 28150.0})
    assert usd.projection["paid"]["value"] == pytest.approx(80.0)
    assert usd.projection["paid"]["method"] == "flat"


def test_the_war_room_prints_each_amount_with_its_currency(double11, monkeypatch):
    from tests.apptest import fresh_app, metric

    path = double11.path
    double11.close()
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    at = fresh_app(path, monkeypatch, page="pages/warroom.py", state={"lang": "en"})
    assert not at.exception
    assert metric(at, "Projected paid amount today").value == "CNY 56,300.00"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("So far CNY 28,150.00 ·") for c in captions)
    texts = [x.value for x in at.text]
    assert ("Paid this day in other currencies (not in the figures above): USD 50.00" in texts)
    # the gifts: 2 × G at 3.00, in the desk's currency
    assert ("Cost of the gifts given: CNY 6.00 (unit costs from the stock export; "
            "0 gift(s) without one).") in captions


def test_report_intake_per_currency_with_each_methods_figure(double11):
    from pipeline.outputs.report import build_report

    got = build_report(double11, AS_OF)["forecast"]["intake"]
    # 6 orders so far; the baseline day (10 of 20 by 15:00) gives 12, the flat rate 6 / 15 × 24
    # = 9.6; no last year: the baseline is used
    assert got == {
        "period": "双11 2026", "orders_so_far": 6, "projected_orders": 12.0,
        "method": "baseline", "estimates": {"baseline": 12.0, "flat": 9.6},
        "paid_so_far": {"CNY": 28150.0, "USD": 50.0},
        "projected_paid": {"CNY": 56300.0, "USD": 80.0},
        # CNY flat: 28,150 / 15 × 24 = 45,040; USD has no baseline curve: flat only
        "paid_methods": {"CNY": {"method": "baseline",
                                 "estimates": {"baseline": 56300.0, "flat": 45040.0}},
                         "USD": {"method": "flat", "estimates": {"flat": 80.0}}},
    }
