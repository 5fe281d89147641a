"""The state table of DESIGN §3: one test per row and per rule."""

from __future__ import annotations

import pytest

from tests.conftest import load, states

T0 = "2026-11-20 10:00:00"
T1 = "2026-11-20 10:05:00"
T2 = "2026-11-21 09:00:00"

# (case, order facts, lines, expected state)
CASES = [
    ("tb_wait_pay", {"status_norm": "unpaid", "is_paid": False}, [], "unconfirmed_unpaid"),
    ("tb_cod_wait", {"status_norm": "unpaid", "is_paid": False, "is_cod": True}, [], "unconfirmed_unpaid"),
    ("tb_cod_confirmed", {"status_norm": "cod_confirmed", "is_paid": False, "is_cod": True}, [], "confirmed_unpaid"),
    ("tb_paid", {"status_norm": "paid", "paid_at": T1}, [], "paid_unprocessed"),
    ("tb_paid_tracking", {"status_norm": "paid", "paid_at": T1, "tracking_no": "SF1"}, [], "paid_processed"),
    ("tb_shipped", {"status_norm": "shipped", "paid_at": T1}, [], "shipped"),
    ("tb_cod_shipped", {"status_norm": "shipped", "is_paid": False, "is_cod": True}, [], "shipped"),
    ("tb_success", {"status_norm": "completed", "paid_at": T1}, [], "completed"),
    ("tb_refund_asked", {"status_norm": "paid", "paid_at": T1},
     [{"line_id": "1", "refund_norm": "requested"}], "refunding"),
    ("tb_refund_agreed", {"status_norm": "shipped", "paid_at": T1},
     [{"line_id": "1", "refund_norm": "agreed"}, {"line_id": "2", "refund_norm": "none"}], "refunding"),
    ("tb_refund_returned", {"status_norm": "completed", "paid_at": T1},
     [{"line_id": "1", "refund_norm": "returned"}], "refunding"),
    ("tb_all_lines_refunded", {"status_norm": "paid", "paid_at": T1},
     [{"line_id": "1", "refund_norm": "success"}, {"line_id": "2", "refund_norm": "success"}], "refunded"),
    ("tb_refund_total", {"status_norm": "shipped", "paid_at": T1, "order_total": 100, "paid": 100,
                         "refunded": 100}, [], "refunded"),
    ("tb_closed_after_pay", {"status_norm": "closed", "paid_at": T1}, [], "refunded"),
    ("tb_closed_unpaid", {"status_norm": "closed", "is_paid": False}, [], "closed"),
    ("sh_pending", {"platform": "shopify", "status_norm": "unpaid", "is_paid": False,
                    "tags": "releasit_cod_form"}, [], "unconfirmed_unpaid"),
    ("sh_confirmed", {"platform": "shopify", "status_norm": "unpaid", "is_paid": False,
                      "is_cod": True, "tags": "Confirmed, releasit_cod_form"}, [], "confirmed_unpaid"),
    ("sh_paid", {"platform": "shopify", "status_norm": "paid", "is_paid": True}, [], "paid_unprocessed"),
    ("sh_cod_fulfilled", {"platform": "shopify", "status_norm": "shipped", "is_paid": False,
                          "is_cod": True}, [], "shipped"),
    ("sh_cancelled_paid", {"platform": "shopify", "status_norm": "cancelled", "is_paid": True,
                           "order_total": 50, "paid": 50, "refunded": 0}, [], "refunding"),
    ("sh_refunded", {"platform": "shopify", "status_norm": "refunded", "is_paid": True}, [], "refunded"),
    ("sh_voided", {"platform": "shopify", "status_norm": "closed", "is_paid": False}, [], "closed"),
    ("sh_cancelled_unpaid", {"platform": "shopify", "status_norm": "cancelled", "is_paid": False},
     [], "closed"),
    # No status column: read from facts.
    ("nf_unpaid", {}, [], "unconfirmed_unpaid"),
    ("nf_paid", {"paid_at": T1}, [], "paid_unprocessed"),
    ("nf_shipped", {"paid_at": T1, "shipped_at": T2}, [], "shipped"),
    ("nf_completed", {"paid_at": T1, "shipped_at": T2, "completed_at": T2}, [], "completed"),
    ("nf_refund_reaches_total", {"paid_at": T1, "order_total": 80, "paid": 80, "refunded": 80},
     [], "refunded"),
    ("nf_refund_leaves_nothing", {"paid_at": T1, "order_total": 80, "paid": 30, "refunded": 30},
     [], "refunded"),
    ("nf_partial_refund", {"paid_at": T1, "shipped_at": T2, "order_total": 80, "paid": 80,
                           "refunded": 20}, [], "shipped"),
]


@pytest.mark.parametrize("case,facts,lines,expected", CASES, ids=[c[0] for c in CASES])
def test_state_table(store, case, facts, lines, expected):
    load(store, [{"order_id": case, "created_at": T0, **facts}],
         [{"order_id": case, "sku": "A", "quantity": 1, **ln} for ln in lines])
    assert states(store) == {case: expected}


def test_refund_in_progress_wins_over_full_refund(store):
    load(store, [{"order_id": "o", "created_at": T0, "status_norm": "closed", "paid_at": T1}],
         [{"order_id": "o", "line_id": "1", "refund_norm": "requested"}])
    assert states(store) == {"o": "refunding"}


def test_marks_partial_refund_and_partial_shipment(store):
    load(store, [
        {"order_id": "pr", "created_at": T0, "status_norm": "shipped", "paid_at": T1,
         "order_total": 100, "paid": 100, "refunded": 30},
        {"order_id": "pl", "created_at": T0, "status_norm": "paid", "paid_at": T1},
        {"order_id": "ps", "created_at": T0, "status_norm": "shipped", "paid_at": T1,
         "partial_shipped": True},
        {"order_id": "full", "created_at": T0, "status_norm": "paid", "paid_at": T1,
         "order_total": 100, "paid": 100, "refunded": 100},
    ], [
        {"order_id": "pl", "line_id": "1", "refund_norm": "success"},
        {"order_id": "pl", "line_id": "2", "refund_norm": "none"},
    ])
    rows = store.cursor().execute(
        "select order_id, state, partial_refund, partial_ship from order_state order by order_id"
    ).fetchall()
    assert rows == [
        ("full", "refunded", False, False),
        ("pl", "paid_unprocessed", True, False),
        ("pr", "shipped", True, False),
        ("ps", "shipped", False, True),
    ]


def test_waiting_to_ship_includes_confirmed_cod_only(store):
    load(store, [
        {"order_id": "paid", "created_at": T0, "status_norm": "paid", "paid_at": T1},
        {"order_id": "cod", "created_at": T0, "status_norm": "cod_confirmed", "is_cod": True,
         "is_paid": False},
        {"order_id": "unpaid", "created_at": T0, "status_norm": "unpaid", "is_paid": False},
        {"order_id": "refund", "created_at": T0, "status_norm": "paid", "paid_at": T1},
        {"order_id": "shipped", "created_at": T0, "status_norm": "shipped", "paid_at": T1},
    ], [{"order_id": "refund", "line_id": "1", "refund_norm": "agreed"}])
    waiting = {r[0] for r in store.cursor().execute(
        "select order_id from order_state where waiting_to_ship").fetchall()}
    assert waiting == {"paid", "cod"}


def test_newer_export_replaces_older_facts_and_keeps_unexported_columns(store):
    load(store, [{"order_id": "o", "created_at": T0, "status_norm": "paid", "paid_at": T1,
                  "buyer_message": "请尽快发货"}], name="first")
    load(store, [{"order_id": "o", "created_at": T0, "status_norm": "shipped", "paid_at": T1}],
         name="second")
    row = store.cursor().execute(
        "select o.status_norm, o.buyer_message, s.state from orders o join order_state s "
        "using (platform, shop, order_id)").fetchall()[0]
    assert row == ("shipped", "请尽快发货", "shipped")


def test_lines_without_shop_join_their_order(store):
    load(store, [], [{"order_id": "o", "line_id": "1", "sku": "A", "quantity": 2, "shop": None}],
         name="items first")
    load(store, [{"order_id": "o", "created_at": T0, "status_norm": "paid", "paid_at": T1}],
         name="orders")
    rows = store.cursor().execute(
        "select shop, order_id, pieces from order_state").fetchall()
    assert rows == [("s1", "o", 2)]
    assert store.cursor().execute("select shop from order_lines").fetchall() == [("s1",)]


def test_one_state_row_per_order_across_reimports_and_partial_refreshes(store):
    from pipeline.db.states import refresh_states

    rows = [{"order_id": f"o{i}", "created_at": T0, "status_norm": "paid", "paid_at": T1}
            for i in range(5)]
    load(store, rows, name="first")
    load(store, rows[:3], [{"order_id": "o1", "line_id": "1", "refund_norm": "requested"}],
         name="second")
    with store.write() as cur:
        refresh_states(cur)
    counts = store.cursor().execute(
        "select count(*), count(distinct (platform, shop, order_id)) from order_state"
    ).fetchall()
    assert counts == [(5, 5)]
    assert states(store)["o1"] == "refunding"


# Each boundary of the state rules, worked out by hand: the case on each side of the line.
# (case, order facts, expected state, expected partial-refund mark)
BOUNDARIES = [
    # A refund that reaches the order total is a full refund, one cent less is partial; an
    # export without a paid figure decides on the total alone.
    ("equal_to_total_no_paid", {"paid_at": T1, "order_total": 80, "refunded": 80},
     "refunded", False),
    ("cent_below_total_no_paid", {"paid_at": T1, "order_total": 80, "refunded": 79.99},
     "paid_unprocessed", True),
    ("equal_to_total_paid_more", {"paid_at": T1, "order_total": 80, "paid": 90, "refunded": 80},
     "refunded", False),
    ("equal_to_paid_below_total", {"paid_at": T1, "order_total": 80, "paid": 50,
                                   "refunded": 50}, "refunded", False),
    ("cent_below_paid", {"paid_at": T1, "order_total": 80, "paid": 50, "refunded": 49.99},
     "paid_unprocessed", True),
    ("zero_refund", {"paid_at": T1, "order_total": 80, "paid": 80, "refunded": 0},
     "paid_unprocessed", False),
    # A file writing the paid figure net of refunds: full only when nothing is kept.
    ("net_nothing_kept", {"paid_at": T1, "order_total": 80, "paid": 0, "refunded": 80,
                          "paid_net": True}, "refunded", False),
    ("net_a_cent_kept", {"paid_at": T1, "order_total": 80, "paid": 0.01, "refunded": 79.99,
                         "paid_net": True}, "paid_unprocessed", True),
    # Processing needs a payment (or a confirmed cash-on-delivery order): a tracking number on
    # an unpaid order does not make it processed.
    ("unpaid_with_tracking", {"status_norm": "unpaid", "is_paid": False, "tracking_no": "SF9"},
     "unconfirmed_unpaid", False),
    ("unconfirmed_cod_with_tracking", {"status_norm": "unpaid", "is_paid": False, "is_cod": True,
                                       "tracking_no": "SF9"}, "unconfirmed_unpaid", False),
    ("confirmed_cod_with_tracking", {"status_norm": "cod_confirmed", "is_paid": False,
                                     "is_cod": True, "tracking_no": "SF9"},
     "paid_processed", False),
    ("paid_with_tracking", {"status_norm": "paid", "paid_at": T1, "tracking_no": "SF9"},
     "paid_processed", False),
    # Closing: before payment closed, after payment refunded; cancelled after payment is a
    # refund to make unless the refund already reaches the total.
    ("closed_unpaid", {"status_norm": "closed", "is_paid": False}, "closed", False),
    ("closed_paid", {"status_norm": "closed", "paid_at": T1}, "refunded", False),
    ("cancelled_paid_not_refunded", {"status_norm": "cancelled", "paid_at": T1,
                                     "order_total": 50, "paid": 50}, "refunding", False),
    ("cancelled_paid_refunded", {"status_norm": "cancelled", "paid_at": T1, "order_total": 50,
                                 "paid": 50, "refunded": 50}, "refunded", False),
    ("cancelled_unpaid", {"status_norm": "cancelled", "is_paid": False}, "closed", False),
    # Shipped, then completed: completion wins over a shipping time.
    ("shipped_time_only", {"paid_at": T1, "shipped_at": T2}, "shipped", False),
    ("completed_time", {"paid_at": T1, "shipped_at": T2, "completed_at": T2}, "completed", False),
]


@pytest.mark.parametrize("case,facts,expected,partial", BOUNDARIES,
                         ids=[c[0] for c in BOUNDARIES])
def test_state_boundaries(store, case, facts, expected, partial):
    load(store, [{"order_id": case, "created_at": T0, **facts}])
    row = store.cursor().execute(
        "select state, partial_refund from order_state where order_id = ?", [case]).fetchone()
    assert row == (expected, partial)
