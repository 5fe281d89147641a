"""The desk's actions: each one's effect on state and marks, refusals, undo, re-import,
two managers at once, the replay property and the command line."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.db.states import refresh_states
from pipeline.db.store import Conflict, Store
from pipeline.desk import actions as A
from tests.conftest import load, load_tables, states

T0 = "2026-11-20 10:00:00"
T1 = "2026-11-20 10:05:00"

PAID = {"order_id": "paid", "created_at": T0, "status_norm": "paid", "paid_at": T1,
        "buyer_message": "请用顺丰"}
UNPAID = {"order_id": "unpaid", "created_at": T0, "status_norm": "unpaid", "is_paid": False}
SHIPPED = {"order_id": "shipped", "created_at": T0, "status_norm": "shipped", "paid_at": T1}
LINES = [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1}
         for o in ("paid", "unpaid", "shipped")]


def key(order_id: str) -> tuple[str, str, str]:
    return ("taobao", "s1", order_id)


@pytest.fixture
def desk(store: Store) -> Store:
    load(store, [PAID, UNPAID, SHIPPED], LINES)
    return store


def state_row(store: Store, order_id: str) -> dict:
    frame = store.cursor().execute(
        "select * from order_state where order_id = ?", [order_id]).df()
    return frame.iloc[0].to_dict()


def n_events(store: Store) -> int:
    return store.cursor().execute("select count(*) from events").fetchall()[0][0]


# (action, order, text, kind, expected order_state columns)
EFFECTS = [
    ("confirm", "unpaid", None, None, {"state": "confirmed_unpaid", "confirmed": True}),
    ("remind", "unpaid", None, None, {"state": "unconfirmed_unpaid"}),
    ("process", "paid", None, None, {"state": "paid_processed", "processed": True}),
    ("courier", "paid", "SF SF1234 5678", None,
     {"state": "paid_processed", "courier": "SF", "tracking_no": "SF1234 5678"}),
    ("courier", "paid", "ZTO", None, {"state": "paid_processed", "courier": "ZTO"}),
    ("note", "shipped", "客户要发票", None, {"state": "shipped", "seller_note": "客户要发票"}),
    ("review", "paid", None, None, {"reviewed_message": "请用顺丰"}),
    ("flag", "paid", "地址可疑", None, {"flag_reason": "地址可疑", "flagged_by": "Li"}),
]


@pytest.mark.parametrize("action,order,text,kind,expected", EFFECTS,
                         ids=[f"{e[0]}-{e[1]}-{i}" for i, e in enumerate(EFFECTS)])
def test_action_effect_on_state(desk, action, order, text, kind, expected):
    event = A.record(desk, key(order), action, by="Li", text=text, kind=kind)
    row = state_row(desk, order)
    assert {k: row[k] for k in expected} == expected
    assert row["last_event_id"] == event.event_id
    assert (event.action, event.order_id, event.author) == (action, order, "Li")
    if action == "remind":
        assert row["reminded_at"] == event.acted_at
    if action == "confirm":
        assert row["confirmed_at"] == event.acted_at
    if action == "review":
        assert event.text == "请用顺丰"


VAGUE = {"province": "浙江省", "city": "杭州市", "district": "西湖区", "address": "待定"}


def test_resolve_kinds_clear_their_marks(desk):
    load(desk, [{**PAID, "order_id": "marked", **VAGUE}],
         [{"order_id": "marked", "line_id": "1", "sku": "GONE", "quantity": 1}])
    load_tables(desk, stock=[{"sku": "GONE", "available": 0}])
    A.record(desk, key("marked"), "flag", by="Li", text="客户要求改地址")
    A.record(desk, key("marked"), "resolve", by="Wang", text="已改地址", kind="manual")
    oos = A.record(desk, key("marked"), "resolve", by="Wang", text="换货发出", kind="out_of_stock")
    addr = A.record(desk, key("marked"), "resolve", by="Wang", text="已联系买家", kind="address")
    row = state_row(desk, "marked")
    assert row["flag_reason"] is None
    assert row["oos_handled_at"] == oos.acted_at
    assert row["address_fixed_at"] == addr.acted_at


def test_a_problem_the_order_does_not_have_is_not_resolved_ahead_of_it(desk):
    """A resolve recorded before the problem came would hide its mark when it comes: the
    stock runs out after the resolve, and the order must still show as short."""
    with pytest.raises(A.ActionError, match="has no open problem “Out of stock”"):
        A.record(desk, key("paid"), "resolve", by="Wang", text="n/a", kind="out_of_stock")
    with pytest.raises(A.ActionError, match="has no open problem “Vague address”"):
        A.record_many(desk, [key("paid")], "resolve", by="Wang", text="n/a", kind="address")
    assert n_events(desk) == 0
    load_tables(desk, stock=[{"sku": "A", "available": 0}])
    from pipeline.base.filters import ALL
    from pipeline.desk.problems import open_problems

    now = desk.now()
    marks = open_problems(desk.cursor(), ALL, now)
    assert ("paid", "out_of_stock") in set(zip(marks["order_id"], marks["problem"], strict=True))
    A.record(desk, key("paid"), "resolve", by="Wang", text="补货中", kind="out_of_stock")
    assert state_row(desk, "paid")["oos_handled_at"] is not None


REFUSALS = [
    ("confirm", "paid", None, None, "only an unpaid order not yet confirmed"),
    ("remind", "paid", None, None, "only an unpaid order can be reminded"),
    ("process", "unpaid", None, None, "only an order waiting to ship"),
    ("process", "shipped", None, None, "only an order waiting to ship"),
    ("courier", "paid", None, None, "COURIER TRACKING_NO"),
    ("note", "paid", "  ", None, "needs a text"),
    ("flag", "paid", None, None, "the reason"),
    ("resolve", "paid", "done", "manual", "no open flag"),
    ("resolve", "paid", "done", "weather", "needs a problem type"),
    ("resolve", "paid", "done", "merge_candidate", "no open problem “Merge candidate”"),
    ("review", "unpaid", None, None, "no buyer message"),
    ("undo", "paid", None, None, "no action left to undo"),
]


@pytest.mark.parametrize("action,order,text,kind,message", REFUSALS,
                         ids=[f"{r[0]}-{r[1]}" for r in REFUSALS])
def test_refused_actions_say_why_and_write_nothing(desk, action, order, text, kind, message):
    version = desk.data_version()
    with pytest.raises(A.ActionError, match=message):
        A.record(desk, key(order), action, by="Li", text=text, kind=kind)
    assert n_events(desk) == 0
    assert desk.data_version() == version


def test_done_once(desk):
    A.record(desk, key("paid"), "process", by="Li")
    with pytest.raises(A.ActionError, match="already processed"):
        A.record(desk, key("paid"), "process", by="Wang")
    A.record(desk, key("paid"), "review", by="Li")
    with pytest.raises(A.ActionError, match="already reviewed"):
        A.record(desk, key("paid"), "review", by="Wang")
    A.record(desk, key("paid"), "flag", by="Li", text="a")
    with pytest.raises(A.ActionError, match="already flagged"):
        A.record(desk, key("paid"), "flag", by="Wang", text="b")


def test_author_and_order_required(desk):
    with pytest.raises(A.ActionError, match="name is required"):
        A.record(desk, key("paid"), "process", by="  ")
    with pytest.raises(A.ActionError, match="no such order"):
        A.record(desk, key("nope"), "process", by="Li")
    with pytest.raises(A.ActionError, match="unknown action"):
        A.record(desk, key("paid"), "ship", by="Li")


def test_changed_buyer_message_can_be_reviewed_again(desk):
    A.record(desk, key("paid"), "review", by="Li")
    load(desk, [{**PAID, "buyer_message": "改发中通"}], name="newer export")
    ctx = A.order_context(desk.cursor(), *key("paid"))
    assert (ctx["reviewed_message"], ctx["buyer_message"]) == ("请用顺丰", "改发中通")
    assert "review" in A.allowed_actions(ctx)
    assert A.record(desk, key("paid"), "review", by="Li").text == "改发中通"


def test_undo_takes_back_the_last_action_in_effect(desk):
    A.record(desk, key("paid"), "note", by="Li", text="first")
    A.record(desk, key("paid"), "courier", by="Li", text="SF 123")
    u1 = A.record(desk, key("paid"), "undo", by="Wang")
    row = state_row(desk, "paid")
    assert (row["state"], row["courier"], row["seller_note"]) == ("paid_unprocessed", None, "first")
    u2 = A.record(desk, key("paid"), "undo", by="Wang")
    assert state_row(desk, "paid")["seller_note"] is None
    assert (u1.target_event, u2.target_event) == (2, 1)
    with pytest.raises(A.ActionError, match="no action left to undo"):
        A.record(desk, key("paid"), "undo", by="Wang")


def test_undo_of_a_resolve_reopens_the_flag(desk):
    A.record(desk, key("paid"), "flag", by="Li", text="缺货待定")
    A.record(desk, key("paid"), "resolve", by="Li", text="已补货", kind="manual")
    A.record(desk, key("paid"), "undo", by="Li")
    assert state_row(desk, "paid")["flag_reason"] == "缺货待定"


def test_reimport_keeps_events_and_their_overlay(desk):
    A.record(desk, key("paid"), "courier", by="Li", text="SF 999")
    A.record(desk, key("paid"), "note", by="Li", text="加急")
    A.record(desk, key("unpaid"), "confirm", by="Li")
    load(desk, [PAID, UNPAID, SHIPPED], LINES, name="next morning")
    assert n_events(desk) == 3
    row = state_row(desk, "paid")
    assert (row["state"], row["courier"], row["tracking_no"], row["seller_note"]) == (
        "paid_processed", "SF", "999", "加急")
    assert states(desk)["unpaid"] == "confirmed_unpaid"
    load(desk, [{**PAID, "status_norm": "shipped"}], name="shipped now")
    assert states(desk)["paid"] == "shipped"
    assert state_row(desk, "paid")["seller_note"] == "加急"


def test_record_many_is_all_or_nothing(desk):
    load(desk, [{**PAID, "order_id": "paid2"}], name="more")
    with pytest.raises(A.ActionError, match=r"1 of the 3 orders.*unpaid"):
        A.record_many(desk, [key("paid"), key("paid2"), key("unpaid")], "process", by="Li")
    assert n_events(desk) == 0
    events = A.record_many(desk, [key("paid"), key("paid2")], "courier", by="Li", text="YTO")
    assert [(e.order_id, e.text) for e in events] == [("paid", "YTO"), ("paid2", "YTO")]
    assert {states(desk)[o] for o in ("paid", "paid2")} == {"paid_processed"}


def test_record_many_undo_targets_each_orders_own_event(desk):
    load(desk, [{**PAID, "order_id": "paid2"}], name="more")
    A.record(desk, key("paid"), "note", by="Li", text="n")
    A.record(desk, key("paid2"), "process", by="Li")
    undos = A.record_many(desk, [key("paid"), key("paid2")], "undo", by="Li")
    assert [u.target_event for u in undos] == [1, 2]
    assert states(desk)["paid2"] == "paid_unprocessed"


@pytest.fixture
def three(desk):
    load(desk, [{**PAID, "order_id": o} for o in ("paid2", "paid3")], name="more")
    return desk


def test_a_batch_shares_one_id_and_is_undone_as_one_step(three):
    keys = [key("paid"), key("paid2"), key("paid3")]
    done = A.record_many(three, keys, "process", by="Li")
    assert len({e.batch_id for e in done}) == 1 and done[0].batch_id is not None
    assert {states(three)[o] for o in ("paid", "paid2", "paid3")} == {"paid_processed"}
    undos = A.undo_batch(three, done[0].batch_id, by="Li")
    assert sorted((u.action, u.target_event) for u in undos) == [
        ("undo", e.event_id) for e in sorted(done, key=lambda e: e.event_id)]
    assert len({u.batch_id for u in undos}) == 1 and undos[0].batch_id != done[0].batch_id
    assert {states(three)[o] for o in ("paid", "paid2", "paid3")} == {"paid_unprocessed"}
    assert n_events(three) == 6  # append-only: the batch and its three undo events
    with pytest.raises(A.ActionError, match="nothing left to undo"):
        A.undo_batch(three, done[0].batch_id, by="Li")
    history = A.history(three.cursor(), "taobao", "s1", "paid2")
    events = history[history["source"] == "event"]
    assert events[["action", "batch_id", "undone"]].to_dict("records") == [
        {"action": "process", "batch_id": done[0].batch_id, "undone": True},
        {"action": "undo", "batch_id": undos[0].batch_id, "undone": False},
    ]


def test_a_single_action_has_no_batch_and_batch_ids_grow(three):
    one = A.record(three, key("paid"), "note", by="Li", text="n")
    first = A.record_many(three, [key("paid"), key("paid2")], "process", by="Li")
    second = A.record_many(three, [key("paid3")], "process", by="Li")
    assert one.batch_id is None
    assert second[0].batch_id == first[0].batch_id + 1


def test_batch_undo_takes_back_only_what_is_still_in_effect(three):
    done = A.record_many(three, [key("paid"), key("paid2"), key("paid3")], "process", by="Li")
    A.record(three, key("paid2"), "undo", by="Li")
    undos = A.undo_batch(three, done[0].batch_id, by="Li")
    assert sorted(u.order_id for u in undos) == ["paid", "paid3"]
    assert n_events(three) == 6


def test_a_batch_with_a_later_action_in_effect_is_refused_whole(three):
    done = A.record_many(three, [key("paid"), key("paid2")], "process", by="Li")
    A.record(three, key("paid2"), "note", by="Wang", text="later")
    with pytest.raises(A.ActionError, match=r"1 of its orders.*paid2.*undo those first"):
        A.undo_batch(three, done[0].batch_id, by="Li")
    assert n_events(three) == 3
    assert states(three)["paid"] == "paid_processed"


def test_a_clerk_cannot_undo_a_colleagues_batch_a_manager_can(three):
    from pipeline.base.roles import NotAllowed
    keys = [key("paid"), key("paid2"), key("paid3")]
    done = A.record_many(three, keys, "process", by="Li", role="clerk")
    with pytest.raises(NotAllowed, match="only their own"):
        A.undo_batch(three, done[0].batch_id, by="Wang", role="clerk")
    with pytest.raises(NotAllowed):
        A.undo_batch(three, done[0].batch_id, by="Li", role="viewer")
    assert n_events(three) == 3
    assert len(A.undo_batch(three, done[0].batch_id, by="Li", role="clerk")) == 3
    again = A.record_many(three, keys, "process", by="Li", role="clerk")
    assert len(A.undo_batch(three, again[0].batch_id, by="Zhao", role="manager")) == 3
    assert {states(three)[o] for o in ("paid", "paid2", "paid3")} == {"paid_unprocessed"}


def test_an_unknown_batch_is_refused(three):
    with pytest.raises(A.ActionError, match="no batch 99"):
        A.undo_batch(three, 99, by="Li")


def test_stale_expected_event_is_a_conflict_naming_who_and_what(desk):
    first = A.record(desk, key("paid"), "process", by="Li", expected_last_event=0)
    with pytest.raises(Conflict, match=r"changed since you opened it: #1 process by Li"):
        A.record(desk, key("paid"), "courier", by="Wang", text="SF 1", expected_last_event=0)
    assert n_events(desk) == 1
    ok = A.record(desk, key("paid"), "courier", by="Wang", text="SF 1",
                  expected_last_event=first.event_id)
    assert ok.event_id == 2


def _race(store: Store, work) -> list:
    """Run `work(i)` on two threads released together; returns results or exceptions."""
    barrier = threading.Barrier(2)
    out: list = [None, None]

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = work(i)
        except Exception as exc:  # the race's loser is part of the result
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return out


def test_two_managers_on_one_order_nothing_silently_lost(desk):
    names = ["Li", "Wang"]
    out = _race(desk, lambda i: A.record(desk, key("paid"), "courier", by=names[i],
                                         text=f"SF {i}", expected_last_event=0))
    winners = [r for r in out if isinstance(r, A.Event)]
    losers = [r for r in out if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1)
    assert winners[0].author in str(losers[0])
    assert n_events(desk) == 1
    assert state_row(desk, "paid")["tracking_no"] == winners[0].text.split()[1]


def test_two_managers_without_expectation_both_kept(desk):
    out = _race(desk, lambda i: A.record(desk, key("shipped"), "note", by=f"m{i}", text=f"n{i}"))
    assert all(isinstance(r, A.Event) for r in out)
    assert n_events(desk) == 2
    last = max(out, key=lambda e: e.event_id)
    assert state_row(desk, "shipped")["seller_note"] == last.text


def test_history_lists_imports_and_events_with_undone_marked(desk):
    load(desk, [PAID], name="second export")
    A.record(desk, key("paid"), "note", by="Li", text="n1")
    A.record(desk, key("paid"), "undo", by="Wang")
    h = A.history(desk.cursor(), *key("paid"))
    events = h[h["source"] == "event"]
    assert events[["ref", "action", "detail", "author", "undone"]].to_dict("records") == [
        {"ref": 1, "action": "note", "detail": "n1", "author": "Li", "undone": True},
        {"ref": 2, "action": "undo", "detail": "#1", "author": "Wang", "undone": False},
    ]
    assert sorted(h.loc[h["source"] == "import", "detail"]) == ["second export (test)",
                                                                 "t (test)"]


# ---------------------------------------------------------------------------------------------
# Replaying the log gives the state that acting one by one gave.

ORDERS = [
    {"order_id": "a", "created_at": T0, "status_norm": "paid", "paid_at": T1, "buyer_message": "m"},
    {"order_id": "b", "created_at": T0, "status_norm": "unpaid", "is_paid": False},
    {"order_id": "c", "created_at": T0, "status_norm": "cod_confirmed", "is_cod": True,
     "is_paid": False, "tracking_no": None},
    {"order_id": "d", "created_at": T0, "status_norm": "shipped", "paid_at": T1},
]
STEP = st.tuples(
    st.sampled_from([o["order_id"] for o in ORDERS]),
    st.sampled_from(A.ACTIONS),
    st.sampled_from([None, "SF 1", "ZTO", "note x"]),
    st.sampled_from([None, "manual", "out_of_stock", "address"]),
)


def _model(events: list[A.Event], order_id: str) -> dict:
    """The overlay recomputed in Python from the events in effect."""
    undone = {e.target_event for e in events if e.action == "undo"}
    live = [e for e in events if e.order_id == order_id and e.action != "undo"
            and e.event_id not in undone]
    last = {a: [e for e in live if e.action == a][-1:] for a in A.ACTIONS}
    flags = [e for e in live if e.action == "flag"]
    unflags = [e for e in live if e.action == "resolve" and e.kind == "manual"]
    flag_open = bool(flags) and (not unflags or unflags[-1].event_id < flags[-1].event_id)
    return {
        "seller_note": last["note"][0].text if last["note"] else None,
        "courier": last["courier"][0].text.split()[0] if last["courier"] else None,
        "confirmed": order_id == "c" or bool(last["confirm"]),
        "flag_reason": flags[-1].text if flag_open else None,
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=12))
def test_replaying_the_event_log_gives_the_same_state(steps):
    store = Store(":memory:")
    try:
        load(store, ORDERS, [{"order_id": o["order_id"], "line_id": "1", "sku": "A",
                              "quantity": 1} for o in ORDERS])
        events: list[A.Event] = []
        for order_id, action, text, kind in steps:
            with contextlib.suppress(A.ActionError):
                events.append(A.record(store, key(order_id), action, by="p", text=text, kind=kind))
        one_by_one = A.current_state(store.cursor())
        pd.testing.assert_frame_equal(A.replay_state(store.cursor()), one_by_one)
        store.run_write(lambda cur: refresh_states(cur))
        pd.testing.assert_frame_equal(A.current_state(store.cursor()), one_by_one)
        plain = one_by_one.astype(object).where(one_by_one.notna(), None)
        for row in plain.to_dict("records"):
            expected = _model(events, row["order_id"])
            assert {k: row[k] for k in expected} == expected, row["order_id"]
    finally:
        store.close()


BATCH_STEP = st.one_of(
    STEP.map(lambda step: ("one", *step)),
    st.tuples(st.just("many"), st.sets(st.sampled_from([o["order_id"] for o in ORDERS]),
                                         min_size=1), st.sampled_from(A.ACTIONS),
              st.sampled_from([None, "SF 1", "note x"]), st.just(None)),
    st.just(("undo_batch", None, None, None, None)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(BATCH_STEP, max_size=10))
def test_replaying_holds_with_batches_and_batch_undos(steps):
    store = Store(":memory:")
    try:
        load(store, ORDERS, [{"order_id": o["order_id"], "line_id": "1", "sku": "A",
                              "quantity": 1} for o in ORDERS])
        events: list[A.Event] = []
        batches: list[int] = []
        for how, orders, action, text, kind in steps:
            with contextlib.suppress(A.ActionError):
                if how == "one":
                    events.append(A.record(store, key(orders), action, by="p", text=text,
                                           kind=kind))
                elif how == "many":
                    done = A.record_many(store, [key(o) for o in sorted(orders)], action,
                                         by="p", text=text)
                    events += done
                    batches.append(done[0].batch_id)
                elif batches:
                    events += A.undo_batch(store, batches.pop(), by="p")
        one_by_one = A.current_state(store.cursor())
        pd.testing.assert_frame_equal(A.replay_state(store.cursor()), one_by_one)
        plain = one_by_one.astype(object).where(one_by_one.notna(), None)
        events.sort(key=lambda e: e.event_id)
        for row in plain.to_dict("records"):
            expected = _model(events, row["order_id"])
            assert {k: row[k] for k in expected} == expected, row["order_id"]
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# Command line


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cli.duckdb"
    s = Store(path)
    load(s, [PAID, {**PAID, "order_id": "twin"}, {**PAID, "order_id": "twin", "shop": "s2"}])
    s.close()
    return str(path)


def test_cli_action_records_and_prints_the_event(db, capsys):
    assert main(["--db", db, "action", "paid", "courier", "--by", "Li", "--text", "SF 42"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("courier recorded on order paid (s1) by Li at ")
    assert out.rstrip().endswith("event #1")
    s = Store(db)
    assert s.cursor().execute("select courier, tracking_no from order_state "
                              "where order_id = 'paid'").fetchall() == [("SF", "42")]
    s.close()


def test_cli_unknown_order_is_a_clear_error(db, capsys):
    assert main(["--db", db, "action", "404", "process"]) == 2
    err = capsys.readouterr().err
    assert err == "error: no order 404 in the store (check the id, or import its export)\n"


def test_cli_ambiguous_order_lists_the_matches(db, capsys):
    assert main(["--db", db, "action", "twin", "process"]) == 2
    err = capsys.readouterr().err
    assert err == "error: order id twin is in 2 shops: taobao/s1, taobao/s2; act on it in the dashboard\n"


def test_cli_refused_action_is_exit_2(db, capsys):
    assert main(["--db", db, "action", "paid", "remind"]) == 2
    assert "only an unpaid order" in capsys.readouterr().err
