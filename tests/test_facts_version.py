"""Results kept under the facts version (pipeline/db/cache.py, `facts=True`): an action leaves them
as they are, and what they hold is what a computation from scratch gives after every kind of
action; an import or a setting makes them new; a facts-only computation may not read a result
that depends on the desk's events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from pipeline.base.filters import ALL, Filters
from pipeline.db import cache
from pipeline.db.store import Store
from pipeline.desk import actions, freshness, kpis, money, promo, stock
from pipeline.desk.problems import open_problems
from pipeline.desk.sla import update_settings
from pipeline.ingest import bulk_ship
from pipeline.ingest.bootstrap import load_demo
from tests.conftest import load


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> str:
    """A demo store of 1,500 orders (promotions, bundles, gifts, stock), made once."""
    folder = tmp_path_factory.mktemp("facts")
    s = Store(folder / "demo.duckdb")
    load_demo(s, orders=1500, out_dir=folder / "exports")
    newest = pd.Timestamp(s.cursor().execute("select max(created_at) from orders").fetchall()[0][0])
    # unpaid orders to confirm and remind, cash on delivery among them, beside the demo's
    load(s, [{"order_id": f"u{i}", "created_at": f"{newest - pd.Timedelta(hours=i):%Y-%m-%d %H:%M}",
              "status_norm": "unpaid", "is_paid": False, "is_cod": i % 3 == 0,
              "order_total": 10 + i, "buyer_message": "快点" if i % 4 == 0 else None}
             for i in range(30)],
         [{"order_id": f"u{i}", "line_id": "1", "sku": "A", "quantity": 1} for i in range(30)],
         name="unpaid")
    # and paid orders waiting to ship, to process, give couriers, flag and resolve (enough of
    # them whatever day the demo is made on: its own waiting orders depend on the date)
    load(s, [{"order_id": f"p{i}", "created_at": f"{newest - pd.Timedelta(hours=i):%Y-%m-%d %H:%M}",
              "status_norm": "paid", "paid_at": f"{newest - pd.Timedelta(hours=i):%Y-%m-%d %H:%M}",
              "order_total": 20 + i, "paid": 20 + i} for i in range(70)],
         [{"order_id": f"p{i}", "line_id": "1", "sku": "B", "quantity": 1 + i % 2}
          for i in range(70)], name="paid")
    s.close()
    return str(folder / "demo.duckdb")


@pytest.fixture
def demo(demo_file, tmp_path) -> Store:
    import shutil

    for suffix in ("", ".id"):
        shutil.copy(demo_file + suffix, str(tmp_path / "s.duckdb") + suffix)
    cache.clear()
    s = Store(tmp_path / "s.duckdb")
    yield s
    s.close()
    cache.clear()


def moment(con) -> datetime:
    newest = con.execute("select max(created_at) from orders").fetchall()[0][0]
    return pd.Timestamp(newest).ceil("min").to_pydatetime()


def facts_calls(con, as_of: datetime, one_shop: bool = True) -> dict[str, object]:
    """Every result kept under the facts version, as the pages ask for them: for all shops
    and (`one_shop`) for one."""
    out: dict[str, object] = {}
    day = as_of.date()
    shop = con.execute("select min(shop) from orders").fetchall()[0][0]
    for label, f in (("all", ALL), ("shop", Filters(shops=(shop,))))[:2 if one_shop else 1]:
        out[f"{label} latest_day"] = kpis.latest_day(con, f)
        out[f"{label} daily_series"] = kpis.daily_series(con, f)
        for d in (day, day - timedelta(days=3)):
            out[f"{label} day_kpis {d}"] = kpis.day_kpis(con, f, d, as_of.time(), as_of)
            out[f"{label} day_other {d}"] = kpis.day_other_currencies(con, f, d, None)
        out[f"{label} money"] = money.money_currency(con, f)
        out[f"{label} currency_mix"] = money.currency_mix(con, f)
        out[f"{label} order_types"] = promo.order_types(con, f)
        out[f"{label} order_type_counts"] = promo.order_type_counts(con, f)
        out[f"{label} bundled"] = stock.bundled_components(con, f)
        out[f"{label} shipping_known"] = kpis.shipping_known(con, f)
        out[f"{label} promotion"] = promo.summary(con, as_of, f)
        for name in promo.periods(con)["name"]:
            out[f"{label} {name} vs_baseline"] = promo.period_vs_baseline(con, f, name, as_of)
            out[f"{label} {name} hourly"] = promo.hourly_curve(con, f, name)
            out[f"{label} {name} other"] = promo.period_other_currencies(con, f, name, as_of)
            out[f"{label} {name} peak"] = promo.peak_hour(con, f, name)
            out[f"{label} {name} types"] = promo.period_order_types(con, f, name, as_of)
            for exploded in (False, True):
                out[f"{label} {name} top {exploded}"] = promo.top_skus(con, f, name, exploded,
                                                                     10, as_of)
            out[f"{label} {name} bundles"] = promo.top_bundles(con, f, name, 10, as_of)
    out["periods"] = promo.periods(con)
    out["default_period"] = promo.default_period(con, as_of)
    out["desk_currency"] = money.desk_currency(con)
    out["data_moments"] = freshness.data_moments(con)
    out["sku_titles"] = promo.sku_titles(con)
    return out


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], obj=k)
        elif hasattr(a[k], "sort_by"):      # an Arrow table: its rows in no given order
            order = [(c, "ascending") for c in a[k].column_names]
            assert a[k].sort_by(order).equals(b[k].sort_by(order)), k
        else:
            assert a[k] == b[k], k


def act_on_everything(store: Store) -> None:
    """Every kind of action, on orders of every state it can take: confirm, remind, process,
    courier (one by one and in bulk), note, review, flag, resolve, undo (one and a batch)."""
    con = store.cursor()
    rows = con.execute("""
        select s.platform, s.shop, s.order_id, s.state, s.waiting_to_ship, s.processed,
               o.buyer_message
        from order_state as s join orders as o using (platform, shop, order_id)
        order by s.order_id""").df()

    def keys(frame: pd.DataFrame, n: int) -> list[tuple[str, str, str]]:
        return list(frame[["platform", "shop", "order_id"]].head(n).itertuples(index=False,
                                                                             name=None))

    unconfirmed = rows[rows["state"] == "unconfirmed_unpaid"]
    waiting = rows[rows["waiting_to_ship"]]
    assert len(unconfirmed) >= 20 and len(waiting) >= 60, "the demo has orders to act on"
    actions.record_many(store, keys(unconfirmed, 10), "confirm", by="Li")
    actions.record_many(store, keys(unconfirmed.iloc[10:], 10), "remind", by="Li")
    actions.record_many(store, keys(waiting[~waiting["processed"]], 20), "process", by="Li")
    for k in keys(waiting.iloc[20:], 10):
        actions.record(store, k, "courier", by="Li", text="SF 9000")
    pasted = "\n".join(f"{k[2]} YTO YT{i}" for i, k in enumerate(keys(waiting.iloc[30:], 10)))
    bulk_ship.apply(store, bulk_ship.check(con, bulk_ship.parse_text(pasted)), by="Li")
    actions.record_many(store, keys(rows, 40), "note", by="Li", text="call first")
    with_message = rows[rows["buyer_message"].notna() & (rows["buyer_message"] != "")]
    actions.record_many(store, keys(with_message, 10), "review", by="Li")
    flagged = keys(waiting.iloc[40:], 15)
    actions.record_many(store, flagged, "flag", by="Li", text="odd order")
    actions.record_many(store, flagged[:5], "resolve", by="Li", kind="manual",
                        text="called")
    marks = open_problems(con, ALL, store.now())    # a problem is resolved once the order has it
    kinds = [k for k in ("address", "out_of_stock", "buyer_message", "merge_candidate")
             if (marks["problem"] == k).any()]
    assert kinds, "the demo has problems to resolve"
    for kind in kinds:
        marked = marks[marks["problem"] == kind]
        actions.record_many(store, keys(marked, 5), "resolve", by="Li", kind=kind, text="done")
    actions.record(store, keys(waiting[~waiting["processed"]], 1)[0], "undo", by="Li")
    batch = con.execute("select max(batch_id) from events").fetchall()[0][0]
    actions.undo_batch(store, int(batch), by="Li")


def test_actions_leave_the_facts_results_kept_and_right(demo, monkeypatch):
    # The memo's bounds are process-wide: other tests' stores (their warmers still running in
    # a full run) would push this store's results out, which is not what is tested here.
    monkeypatch.setattr(cache, "MAX_ENTRIES", 100_000)
    monkeypatch.setattr(cache, "MAX_PER_NAME", 10_000)
    monkeypatch.setattr(cache, "_keep", {})          # (promo.order_types keeps one result)
    con = demo.cursor()
    as_of = moment(con)
    counts = dict(cache.computed)
    before = facts_calls(con, as_of)
    called = {name for name, n in cache.computed.items() if n > counts.get(name, 0)}
    assert cache._facts <= called, "every facts-only result is checked here"
    facts_calls(con, as_of, one_shop=False)     # the all-shops results the latest kept
    states_before = kpis.state_counts(con, ALL)
    facts_before = con.execute("select value from meta where key = 'facts_version'").fetchall()
    act_on_everything(demo)
    # the actions were real: the orders' states moved, the data version too, not the facts'
    assert not kpis.state_counts(con, ALL).equals(states_before)
    assert con.execute("select value from meta where key = 'facts_version'").fetchall() \
        == facts_before
    # (for all shops only: both sets of filters are more than some functions keep at once)
    counted = {name: cache.computed_for(con, name) for name in cache._facts}
    kept = facts_calls(con, as_of, one_shop=False)
    assert {name: cache.computed_for(con, name) for name in cache._facts} == counted  # none again
    assert_same(kept, {k: v for k, v in before.items() if k in kept})
    # and what was kept is what the store now gives from scratch
    cache.clear()
    assert_same(facts_calls(con, as_of), before)


def test_an_import_or_a_setting_makes_the_facts_results_new(demo):
    con = demo.cursor()
    as_of = moment(con)
    facts_calls(con, as_of)
    counted = cache.computed_for(con, "pipeline.desk.kpis.latest_day")
    load(demo, [{"order_id": "new", "created_at": f"{as_of + timedelta(days=2):%Y-%m-%d} 10:00",
                 "status_norm": "paid", "paid_at": f"{as_of + timedelta(days=2):%Y-%m-%d} 10:01"}],
         name="a later export")
    assert kpis.latest_day(con, ALL) == (as_of + timedelta(days=2)).date()
    assert cache.computed_for(con, "pipeline.desk.kpis.latest_day") == counted + 1
    mix = money.currency_mix(con, ALL)
    update_settings(demo, {"currency": "USD"}, by="Li")
    assert money.desk_currency(con) == "USD"
    assert not money.currency_mix(con, ALL).equals(mix)   # the desk's currency is every blank's


def test_a_facts_only_computation_may_not_read_a_result_of_events(demo):
    con = demo.cursor()

    def events_board() -> int:
        return cache.remembered(con, "test.events_board", (), lambda: 1)

    def facts_board() -> int:
        return cache.remembered(con, "test.facts_board", (), events_board, facts=True)

    with pytest.raises(cache.EventsRead, match="test.events_board"):
        facts_board()
    # the other way round is right: a board of events may read facts
    assert cache.remembered(con, "test.events_outer", (),
                           lambda: cache.remembered(con, "test.facts_inner", (), lambda: 2,
                                                   facts=True)) == 2
    with pytest.raises(ValueError, match="facts version elsewhere"):
        cache.remembered(con, "test.facts_inner", (), lambda: 2)


def test_only_writes_of_events_alone_leave_the_facts_version(store):
    def versions() -> tuple[int, int]:
        rows = dict(store.cursor().execute("select key, value from meta").fetchall())
        return rows["data_version"], rows["facts_version"]

    load(store, [{"order_id": "o1", "created_at": "2026-11-11 10:00", "status_norm": "paid",
                  "paid_at": "2026-11-11 10:01"}])
    data, facts = versions()
    actions.record(store, ("taobao", "s1", "o1"), "note", by="Li", text="hello")
    assert versions() == (data + 1, facts)
    with store.write():
        pass
    assert versions() == (data + 2, facts + 1)
    update_settings(store, {"ship_paid_hours": 48}, by="Li")
    assert versions() == (data + 3, facts + 2)


def test_day_kpis_days_without_orders_are_kept_too(demo):
    """A day with nothing on it is a result like any other: kept past an action."""
    con = demo.cursor()
    empty = kpis.day_kpis(con, ALL, date(2001, 1, 1), None, datetime(2001, 1, 2))
    counted = cache.computed_for(con, "kpis.day_kpis")
    actions.record_many(demo, [("taobao", *r) for r in con.execute(
        "select shop, order_id from orders limit 3").fetchall()], "note", by="Li", text="x")
    pd.testing.assert_frame_equal(
        kpis.day_kpis(con, ALL, date(2001, 1, 1), None, datetime(2001, 1, 2)), empty)
    assert cache.computed_for(con, "kpis.day_kpis") == counted
