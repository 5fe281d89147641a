"""The demo holds last year's 双11 beside this year's (issue 34, point 3): on 双11 its War room
projects the day from last year's shape, as a shop that sold a year before would see it."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.desk import forecast
from pipeline.ingest.demo import write_demo
from pipeline.ingest.importing import import_path

END = datetime(2026, 11, 11, 15, 0)   # 15:00 on 双11 2026
ORDERS = 2000                          # the browser tests' demo size


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from pipeline.db.store import Store

    tmp = tmp_path_factory.mktemp("demo_wr")
    s = Store(tmp / "demo.duckdb")
    for path in write_demo(tmp / "files", orders=ORDERS, seed=7, end=END):
        assert import_path(s, path).status == "imported", path.name
    yield s
    s.close()


def test_the_demo_holds_last_years_double_11_and_its_orders(demo_store):
    cur = demo_store.cursor()
    names = [r[0] for r in cur.execute("select name from promotions order by start_at").fetchall()]
    assert "双11 2025" in names and "双11 2026" in names
    last, total = cur.execute(
        "select count(*) filter (where created_at >= timestamp '2025-11-11' "
        "and created_at < timestamp '2025-11-12'), count(*) from orders").fetchall()[0]
    assert last > 50                 # a big day: more than any ordinary day (about 25 of 2,000)
    assert total == ORDERS           # out of the same total, never added on top
    before = cur.execute("select count(*) from orders where created_at < timestamp '2025-11-11' "
                         "or (created_at >= timestamp '2025-11-12' "
                         "and created_at < timestamp '2026-09-12')").fetchone()[0]
    assert before == 0               # nothing else outside the 60 days


def test_the_demos_war_room_projects_from_last_years_shape(demo_store):
    it = forecast.intake(demo_store.cursor(), END)
    assert (it.period, it.last_year) == ("双11 2026", "双11 2025")
    p = it.projection["orders"]
    assert (p["method"], p["reason"]) == ("last_year", "last_year_known")
    assert set(p["estimates"]) == {"last_year", "baseline", "flat"}
    assert p["value"] == p["estimates"]["last_year"]
