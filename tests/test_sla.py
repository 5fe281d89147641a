"""Time rules of DESIGN §4, each at its edges."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from pipeline.filters import ALL, Filters
from pipeline.settings import save_setting
from pipeline.sla import RULES, aging, sla_board, sla_counts, sla_counts_vs, sla_orders
from tests.conftest import load
from tests.test_allocation import put
from tests.test_problems import ADDR, event


def at(text):
    return datetime.fromisoformat(text)


def rows(store, as_of, rule=None, f=ALL):
    got = sla_orders(store.cursor(), f, at(as_of))
    if rule:
        got = got[got["rule"] == rule]
    return [(r.order_id, r.rule, str(r.deadline), r.status, r.seconds_left)
            for r in got.itertuples()]


UNPAID = {"order_id": "u", "status_norm": "unpaid", "is_paid": False,
          "created_at": "2026-11-20 10:00:00", **ADDR}


def test_chase_unpaid_one_second_either_side_of_the_deadline(store):
    load(store, [UNPAID])
    deadline = "2026-11-22 10:00:00"
    assert rows(store, "2026-11-22 05:59:59") == [("u", "chase_unpaid", deadline, "ok", 14401)]
    assert rows(store, "2026-11-22 06:00:00") == [
        ("u", "chase_unpaid", deadline, "due_soon", 14400)]
    assert rows(store, "2026-11-22 09:59:59") == [("u", "chase_unpaid", deadline, "due_soon", 1)]
    assert rows(store, "2026-11-22 10:00:00") == [("u", "chase_unpaid", deadline, "due_soon", 0)]
    assert rows(store, "2026-11-22 10:00:01") == [("u", "chase_unpaid", deadline, "overdue", -1)]
    # Not yet created: nothing.
    assert rows(store, "2026-11-20 09:59:59") == []


def test_chase_cleared_by_a_reminder_payment_and_closing_not_for_cod(store):
    load(store, [
        UNPAID,
        {**UNPAID, "order_id": "cod", "is_cod": True},
        {**UNPAID, "order_id": "closed", "status_norm": "closed"},
        {**UNPAID, "order_id": "paid_later", "status_norm": "paid", "is_paid": True,
         "paid_at": "2026-11-23 08:00:00"},
    ])
    assert rows(store, "2026-11-23 00:00:00", "chase_unpaid") == [
        ("paid_later", "chase_unpaid", "2026-11-22 10:00:00", "overdue", -50400),
        ("u", "chase_unpaid", "2026-11-22 10:00:00", "overdue", -50400),
    ]
    assert rows(store, "2026-11-23 09:00:00", "chase_unpaid") == [
        ("u", "chase_unpaid", "2026-11-22 10:00:00", "overdue", -82800)]
    event(store, "u", "remind", "2026-11-22 11:00:00")
    assert rows(store, "2026-11-23 09:00:00", "chase_unpaid") == []
    assert [r[0] for r in rows(store, "2026-11-22 10:30:00", "chase_unpaid")] == [
        "paid_later", "u"]


PAID = {"order_id": "p", "status_norm": "paid", "created_at": "2026-11-20 09:00:00",
        "paid_at": "2026-11-20 10:00:00", **ADDR}


def test_ship_paid_72_hours_or_the_promised_ship_by_when_earlier(store):
    load(store, [
        PAID,
        {**PAID, "order_id": "early", "ship_by": "2026-11-22 18:00:00"},
        {**PAID, "order_id": "late", "ship_by": "2026-11-24 10:00:00"},
    ])
    assert rows(store, "2026-11-23 10:00:01") == [
        ("early", "ship_paid", "2026-11-22 18:00:00", "overdue", -57601),
        ("late", "ship_paid", "2026-11-23 10:00:00", "overdue", -1),
        ("p", "ship_paid", "2026-11-23 10:00:00", "overdue", -1),
    ]
    assert rows(store, "2026-11-23 09:59:59", "ship_paid")[1:] == [
        ("late", "ship_paid", "2026-11-23 10:00:00", "due_soon", 1),
        ("p", "ship_paid", "2026-11-23 10:00:00", "due_soon", 1),
    ]


def test_ship_paid_cleared_by_shipping_counted_as_it_was_before(store):
    load(store, [{**PAID, "status_norm": "shipped", "shipped_at": "2026-11-22 12:00:00"}])
    assert rows(store, "2026-11-22 11:00:00") == [
        ("p", "ship_paid", "2026-11-23 10:00:00", "ok", 82800)]
    assert rows(store, "2026-11-22 12:00:00") == []


def test_ship_paid_for_cod_starts_at_confirmation(store):
    cod = {"order_id": "c", "status_norm": "unpaid", "is_paid": False, "is_cod": True,
           "created_at": "2026-11-20 09:00:00", **ADDR}
    load(store, [cod, {**cod, "order_id": "tb", "status_norm": "cod_confirmed"}])
    event(store, "c", "confirm", "2026-11-20 15:00:00")
    assert rows(store, "2026-11-21 00:00:00") == [
        ("tb", "ship_paid", "2026-11-23 09:00:00", "ok", 205200),
        ("c", "ship_paid", "2026-11-23 15:00:00", "ok", 226800),
    ]


def test_out_of_stock_deadline_is_midnight_of_the_paid_day(store):
    load(store, [
        {**PAID, "order_id": "a", "paid_at": "2026-11-20 08:00:00"},
        {**PAID, "order_id": "b", "paid_at": "2026-11-20 23:59:30"},
    ], [{"order_id": o, "line_id": "1", "sku": "A", "quantity": 1} for o in "ab"])
    put(store, [{"sku": "A", "available": 1}])
    assert rows(store, "2026-11-20 23:59:59", "out_of_stock") == [
        ("b", "out_of_stock", "2026-11-21 00:00:00", "due_soon", 1)]
    assert rows(store, "2026-11-21 00:00:01", "out_of_stock") == [
        ("b", "out_of_stock", "2026-11-21 00:00:00", "overdue", -1)]
    event(store, "b", "resolve", "2026-11-21 09:00:00", text="补货中", kind="out_of_stock")
    assert rows(store, "2026-11-21 09:00:00", "out_of_stock") == []
    assert len(rows(store, "2026-11-21 08:59:59", "out_of_stock")) == 1


def test_address_deadline_end_of_paid_day_or_created_day_if_unpaid(store):
    load(store, [
        {**PAID, "order_id": "paid", "paid_at": "2026-11-21 01:00:00", "address": "同上"},
        {**UNPAID, "order_id": "unpaid", "address": "同上"},
    ])
    assert rows(store, "2026-11-21 20:00:00", "address") == [
        ("unpaid", "address", "2026-11-21 00:00:00", "overdue", -72000),
        ("paid", "address", "2026-11-22 00:00:00", "due_soon", 14400),
    ]
    event(store, "paid", "resolve", "2026-11-21 21:00:00", text="已确认", kind="address")
    assert [r[0] for r in rows(store, "2026-11-21 22:00:00", "address")] == ["unpaid"]


def test_settings_change_the_deadlines(store):
    load(store, [UNPAID])
    with store.write() as cur:
        save_setting(cur, "chase_unpaid_hours", 24, "ann")
        save_setting(cur, "due_soon_hours", 1, "ann")
    assert rows(store, "2026-11-21 08:00:00") == [
        ("u", "chase_unpaid", "2026-11-21 10:00:00", "ok", 7200)]


def test_counts_list_every_rule_and_compare_with_the_day_before(store):
    load(store, [UNPAID, PAID, {**PAID, "order_id": "s2", "shop": "s2"}])
    got = sla_counts(store.cursor(), ALL, at("2026-11-23 08:00:00"))
    want = pd.DataFrame({"rule": list(RULES), "overdue": [1, 0, 0, 0],
                         "due_soon": [0, 2, 0, 0]})
    pd.testing.assert_frame_equal(got, want)
    only_s2 = sla_counts(store.cursor(), Filters(shops=("s2",)), at("2026-11-23 08:00:00"))
    assert only_s2["due_soon"].tolist() == [0, 1, 0, 0]
    vs = sla_counts_vs(store.cursor(), ALL, at("2026-11-23 08:00:00")).set_index("rule")
    # the day before, the unpaid order was due soon
    assert vs.loc["chase_unpaid"].tolist() == [1, 0, 0, 1]


def test_board_and_aging(store):
    load(store, [
        {**PAID, "buyer_message": "快点", "courier": "顺丰"},
        {**PAID, "order_id": "q", "paid_at": "2026-11-19 09:00:00", "shop": "s2"},
        UNPAID,
    ])
    board = sla_board(store.cursor(), ALL, at("2026-11-23 12:00:00"))
    shown = board[["order_id", "rule", "status", "state", "buyer_message", "courier"]]
    assert shown.fillna("-").values.tolist() == [
        ["q", "ship_paid", "overdue", "paid_unprocessed", "-", "-"],
        ["u", "chase_unpaid", "overdue", "unconfirmed_unpaid", "-", "-"],
        ["p", "ship_paid", "overdue", "paid_unprocessed", "快点", "顺丰"],
    ]
    assert board["problems"].tolist() == [[], [], ["buyer_message"]]
    by_rule = aging(board, "rule")
    assert by_rule[by_rule["orders"] > 0].values.tolist() == [
        ["<4h", "ship_paid", 1], ["1-3d", "chase_unpaid", 1], ["1-3d", "ship_paid", 1]]
    assert len(by_rule) == 8
    by_shop = aging(board, "shop")
    assert by_shop[by_shop["orders"] > 0].values.tolist() == [
        ["<4h", "s1", 1], ["1-3d", "s1", 1], ["1-3d", "s2", 1]]
