"""After-sales (DESIGN §11), one hand-worked scenario: cases of every status loaded through the
importer, deadlines of the platform and of the desk either side of the moment, the desk's
case actions, orders following their cases, returns to stock and the report's `aftersales`.

The moment is 2026-11-20 (a Friday) 12:00; the case export was imported at 08:00, the stock
export at 07:00. The desk's defaults: 48 h to answer, 72 h to confirm a returned parcel, due
soon within 4 h of a deadline (the window of the order rules).

Cases (shop s1 unless said; `plat` a deadline from the export, `desk` from the settings):

    case status           order  type           asked  refunded  requested    deadline             reason  sku
    A1   awaiting_seller  o1     return_refund  100              11-18 11:00  plat 11-20 11:00     过敏    SERUM
    A2   awaiting_seller  o2*    refund_only    80               11-20 06:00  plat 11-20 15:00     不想要了 CREAM
    A3   awaiting_seller  ghost  refund_only    50               11-19 09:00  desk 11-21 09:00     过敏    SERUM
    P1   awaiting_seller  ghost3 refund_only    20               11-20 01:00  plat 11-20 11:30     过敏    SERUM  (shop s2)
    A4   arbitration      o4     return_refund  120              11-18 10:00  desk 11-20 10:00     质量问题 CREAM
    A5   returned         o3     return_refund  60               11-15 10:00  plat 11-22 12:00     过敏    SERUM
    A6   returned         o3     return_refund  30               11-17 14:00  desk 11-20 14:00     发错货   CREAM
    A7   awaiting_return  o12    return_refund  45               11-19 10:00  plat 11-26 10:00     过敏    SERUM
    A8   refunding        o13*   refund_only    35               11-19 15:00  none                 拍错了   CREAM
    R1   refunded         o5     return_refund  100    100       11-17 10:00  plat 11-19 10:00     过敏    CREAM  refunded 11-19 12:00
    R2   refunded         o6     return_refund  50     40        11-16 10:00  plat 11-18 12:00     质量问题 SERUM  refunded 11-18 09:00
    R3   refunded         o7     return_refund  60               11-16 12:00  plat 11-18 09:00     过敏    MASK   refunded 11-17 09:00
    R4   refunded         o7     return_refund  40     40        11-02 11:00  plat 11-04 09:00     不想要了 SERUM  refunded 11-04 09:00
    X1   rejected         o8     refund_only    50               11-15 09:00  none                 不想要了 SERUM
    X2   closed           o10*   refund_only    25               11-19 08:00  none                 拍错了   CREAM
    X3   exchanged        o9     exchange                        11-18 18:00  none                 发错货   -
    X4   failed           o9     refund_only    70               11-18 20:00  none                 质量问题 -
    U1   (unknown word)   ghost  refund_only                     11-19 12:00  none                 -       -

(* an order not shipped: paid and waiting.) A2 and A8 are before shipping (`phase`); R1 is the
seller's responsibility (卖家), R2 the buyer's (买家).

Orders (paid = total, CNY, paid when placed; shipped 11-19 18:00 unless *), their lines' SKUs:

    o1  11-11 10:00 100 SERUM           o8   11-09 10:00  50 SERUM (the file: 50 refunded)
    o2* 11-20 05:00  80 CREAM           o9   11-11 20:00  70 CREAM
    o3  11-11 12:00  90 SERUM, CREAM    o10* 11-19 10:00  25 CREAM (the line: refund requested)
    o4  11-10 15:00 120 CREAM           o12  11-11 09:00  45 SERUM
    o5  11-11 08:00 100 CREAM (the file: 30 refunded)     o13* 11-19 14:00  35 CREAM
    o6  11-10 09:00  90 SERUM           o14  11-10 20:00  80 SERUM (the file: 20 refunded; no case)
    o7  11-12 10:00 100 MASK, SERUM

The desk's case actions (author ann):

    A1 reject 11-20 07:00 (before the 08:00 export: that export still says awaiting_seller)
    A1 assign 小王 09:10, assign 小李 09:20
    A2 agree 09:00, undone 09:05
    A3 agree 13:00 (after the moment)
    A4 agree 09:00
    A5 received resellable 10:00          A6 received resellable 10:40, undone 10:45
    X1 reject 11-15 21:00
    and before the 08:00 export, while R1 R2 R3 R4 X3 were still returned:
    R1 received resellable 06:00 (before the stock export)
    R4 received resellable 07:15, undone 07:20
    R3 received resellable 07:30          R2 received damaged 07:40
    X3 received resellable 07:50 (no SKU)
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pandas as pd
import pytest

from pipeline.base import canonical as C
from pipeline.base.filters import ALL, Filters
from pipeline.desk import aftersales, stock
from pipeline.desk.problems import open_problems
from pipeline.ingest.importing import apply_parsed
from pipeline.outputs.report import build_report
from tests.conftest import frame, load, load_tables, states

AS_OF = datetime(2026, 11, 20, 12, 0)
CASES_IMPORTED = "2026-11-20 08:00"
STOCK_TAKEN = "2026-11-20 07:00"


def load_cases(store, rows: list[dict], name: str = "cases", imported_at: str = CASES_IMPORTED
               ) -> None:
    """Import canonical case rows as one case export would, imported at `imported_at`."""
    cases = frame(rows, {"platform": "taobao", "shop": "s1"})
    if "deadline" in cases:
        cases["deadline"] = pd.to_datetime(cases["deadline"])
    parsed = C.Parsed("test", {"cases": cases}, rows_read=len(rows))
    digest = hashlib.sha256(repr((name, rows)).encode()).hexdigest()
    apply_parsed(store, parsed, name, digest, "test")
    with store.write() as cur:
        cur.execute("update imports set imported_at = ? where file_name = ?", [imported_at, name])


def case_event(store, case_id: str, order_id: str, action: str, at: str, text: str | None = None,
               kind: str | None = None, target: int | None = None, shop: str = "s1") -> int:
    """Record one case action as a row of `events` (DESIGN §11); returns its id."""
    with store.write(events_only=True) as cur:
        return cur.execute(
            "insert into events (event_id, platform, shop, order_id, action, text, kind, "
            "target_event, author, acted_at, case_id) "
            "values (nextval('event_seq'), 'taobao', ?, ?, ?, ?, ?, ?, 'ann', ?, ?) "
            "returning event_id",
            [shop, order_id, action, text, kind, target, at, case_id],
        ).fetchall()[0][0]


def order(order_id: str, created: str, shipped: bool, paid: float, **facts) -> dict:
    status = {"status_norm": "shipped", "shipped_at": "2026-11-19 18:00"} if shipped \
        else {"status_norm": "paid"}
    return {"order_id": order_id, "created_at": created, "paid_at": created,
            "order_total": paid, "paid": paid, "currency": "CNY", **status, **facts}


ORDERS = [
    order("o1", "2026-11-11 10:00", True, 100),
    order("o2", "2026-11-20 05:00", False, 80),
    order("o3", "2026-11-11 12:00", True, 90),
    order("o4", "2026-11-10 15:00", True, 120),
    order("o5", "2026-11-11 08:00", True, 100, refunded=30),   # the order file's own figure
    order("o6", "2026-11-10 09:00", True, 90),
    order("o7", "2026-11-12 10:00", True, 100),
    order("o8", "2026-11-09 10:00", True, 50, refunded=50),    # would be refunded in full
    order("o9", "2026-11-11 20:00", True, 70),
    order("o10", "2026-11-19 10:00", False, 25),
    order("o12", "2026-11-11 09:00", True, 45),
    order("o13", "2026-11-19 14:00", False, 35),
    order("o14", "2026-11-10 20:00", True, 80, refunded=20),   # no case: its own figure
]
LINES = [
    {"order_id": o, "line_id": str(i), "sku": sku, "quantity": 1, **extra}
    for o, skus in [("o1", ["SERUM"]), ("o2", ["CREAM"]), ("o3", ["SERUM", "CREAM"]),
                    ("o4", ["CREAM"]), ("o5", ["CREAM"]), ("o6", ["SERUM"]),
                    ("o7", ["MASK", "SERUM"]), ("o8", ["SERUM"]), ("o9", ["CREAM"]),
                    ("o12", ["SERUM"]), ("o13", ["CREAM"]), ("o14", ["SERUM"])]
    for i, sku in enumerate(skus, 1)
    for extra in [{}]
] + [{"order_id": "o10", "line_id": "1", "sku": "CREAM", "quantity": 1,
      "refund_norm": "requested"}]   # the order file says a refund was asked; the case: closed


def case(case_id, status, order_id, case_type, requested, amount_asked=None, deadline=None,
         reason=None, sku=None, **facts) -> dict:
    return {"case_id": case_id, "status_norm": status, "order_id": order_id,
            "case_type": case_type, "requested_at": requested, "amount_asked": amount_asked,
            "deadline": deadline, "reason": reason, "sku": sku, **facts}


CASES = [
    case("A1", "awaiting_seller", "o1", "return_refund", "2026-11-18 11:00", 100,
         "2026-11-20 11:00", "过敏", "SERUM"),
    case("A2", "awaiting_seller", "o2", "refund_only", "2026-11-20 06:00", 80,
         "2026-11-20 15:00", "不想要了", "CREAM", phase="before_ship"),
    case("A3", "awaiting_seller", "ghost", "refund_only", "2026-11-19 09:00", 50, None, "过敏",
         "SERUM"),
    case("P1", "awaiting_seller", "ghost3", "refund_only", "2026-11-20 01:00", 20,
         "2026-11-20 11:30", "过敏", "SERUM", shop="s2"),
    case("A4", "arbitration", "o4", "return_refund", "2026-11-18 10:00", 120, None, "质量问题",
         "CREAM"),
    case("A5", "returned", "o3", "return_refund", "2026-11-15 10:00", 60, "2026-11-22 12:00",
         "过敏", "SERUM", return_courier="顺丰", return_tracking="SF100"),
    case("A6", "returned", "o3", "return_refund", "2026-11-17 14:00", 30, None, "发错货",
         "CREAM"),
    case("A7", "awaiting_return", "o12", "return_refund", "2026-11-19 10:00", 45,
         "2026-11-26 10:00", "过敏", "SERUM"),
    case("A8", "refunding", "o13", "refund_only", "2026-11-19 15:00", 35, None, "拍错了",
         "CREAM", phase="before_ship"),
    case("R1", "refunded", "o5", "return_refund", "2026-11-17 10:00", 100, "2026-11-19 10:00",
         "过敏", "CREAM", amount_refunded=100, refunded_at="2026-11-19 12:00",
         responsibility="卖家"),
    case("R2", "refunded", "o6", "return_refund", "2026-11-16 10:00", 50, "2026-11-18 12:00",
         "质量问题", "SERUM", amount_refunded=40, refunded_at="2026-11-18 09:00",
         responsibility="买家"),
    case("R3", "refunded", "o7", "return_refund", "2026-11-16 12:00", 60, "2026-11-18 09:00",
         "过敏", "MASK", refunded_at="2026-11-17 09:00"),
    case("R4", "refunded", "o7", "return_refund", "2026-11-02 11:00", 40, "2026-11-04 09:00",
         "不想要了", "SERUM", amount_refunded=40, refunded_at="2026-11-04 09:00"),
    case("X1", "rejected", "o8", "refund_only", "2026-11-15 09:00", 50, None, "不想要了",
         "SERUM"),
    case("X2", "closed", "o10", "refund_only", "2026-11-19 08:00", 25, None, "拍错了", "CREAM"),
    case("X3", "exchanged", "o9", "exchange", "2026-11-18 18:00", None, None, "发错货"),
    case("X4", "failed", "o9", "refund_only", "2026-11-18 20:00", 70, None, "质量问题"),
    case("U1", None, "ghost", "refund_only", "2026-11-19 12:00", status_text="神秘状态"),
]


@pytest.fixture
def desk(store):
    load(store, ORDERS, LINES, name="orders")
    load_cases(store, CASES)
    ev = {}
    ev["a1_reject"] = case_event(store, "A1", "o1", "reject", "2026-11-20 07:00", text="已发货")
    case_event(store, "A1", "o1", "assign", "2026-11-20 09:10", text="小王")
    case_event(store, "A1", "o1", "assign", "2026-11-20 09:20", text="小李")
    agree = case_event(store, "A2", "o2", "agree", "2026-11-20 09:00")
    case_event(store, "A2", "o2", "undo", "2026-11-20 09:05", target=agree)
    case_event(store, "A3", "ghost", "agree", "2026-11-20 13:00")
    case_event(store, "A4", "o4", "agree", "2026-11-20 09:00")
    case_event(store, "A5", "o3", "received", "2026-11-20 10:00", kind="resellable")
    got = case_event(store, "A6", "o3", "received", "2026-11-20 10:40", kind="resellable")
    case_event(store, "A6", "o3", "undo", "2026-11-20 10:45", target=got)
    case_event(store, "R1", "o5", "received", "2026-11-20 06:00", kind="resellable")
    got = case_event(store, "R4", "o7", "received", "2026-11-20 07:15", kind="resellable")
    case_event(store, "R4", "o7", "undo", "2026-11-20 07:20", target=got)
    case_event(store, "R3", "o7", "received", "2026-11-20 07:30", kind="resellable")
    case_event(store, "R2", "o6", "received", "2026-11-20 07:40", kind="damaged")
    case_event(store, "X3", "o9", "received", "2026-11-20 07:50", kind="resellable")
    case_event(store, "X1", "o8", "reject", "2026-11-15 21:00", text="已发货，不支持")
    return store


# ---------------------------------------------------------------------------------------------
# The case board


def test_the_board_lists_every_case_most_urgent_first(desk):
    board = aftersales.case_board(desk.cursor(), ALL, AS_OF)
    # overdue by deadline (A1 11:00, P1 11:30), due soon by deadline (A6 14:00, A2 15:00),
    # on time (A3), answered by request, newest first (A4 11-18, A5 11-15), the other open
    # cases newest first (A8 11-19 15:00, A7 11-19 10:00), then the rest newest first
    assert board["case_id"].tolist() == [
        "A1", "P1", "A6", "A2", "A3", "A4", "A5", "A8", "A7",
        "U1", "X2", "X4", "X3", "R1", "R3", "R2", "X1", "R4"]
    b = board.set_index("case_id")
    assert b.loc["A1", "rule"] == "aftersales_answer"
    assert b["sla"].to_dict() == {
        "A1": "overdue",    # the platform's 11:00 passed; its reject was before the 08:00 export
        "P1": "overdue",    # 11:30 passed
        "A6": "due_soon",   # the desk's 72 h from 11-17 14:00: 11-20 14:00, 2 h left; its
                            # parcel's receipt was undone
        "A2": "due_soon",   # 15:00, 3 h left; its agree was undone
        "A3": "on_time",    # the desk's 48 h from 11-19 09:00: 11-21 09:00; agreed after 12:00
        "A4": "answered",   # agreed at 09:00, after the export (its desk deadline 10:00 passed)
        "A5": "answered",   # received at 10:00
        "A8": None, "A7": None, "U1": None, "X2": None, "X4": None, "X3": None, "R1": None,
        "R3": None, "R2": None, "X1": None, "R4": None,
    }
    ruled = ["A1", "P1", "A6", "A2", "A3", "A4", "A5"]
    assert b.loc[ruled, "hours_left"].tolist() == [-1.0, -0.5, 2.0, 3.0, 21.0, -2.0, 48.0]
    assert b.drop(index=ruled)["hours_left"].isna().all()
    assert b.loc[ruled, "rule"].tolist() == ["aftersales_answer"] * 2 + ["aftersales_receive"] \
        + ["aftersales_answer"] * 3 + ["aftersales_receive"]
    assert b.drop(index=ruled)["rule"].isna().all()
    assert b.loc[ruled + ["A7"], "deadline"].tolist() == [pd.Timestamp(t) for t in (
        "2026-11-20 11:00", "2026-11-20 11:30", "2026-11-20 14:00", "2026-11-20 15:00",
        "2026-11-21 09:00", "2026-11-20 10:00", "2026-11-22 12:00", "2026-11-26 10:00")]
    assert b["deadline_source"].to_dict() == {
        "A1": "platform", "P1": "platform", "A6": "desk", "A2": "platform", "A3": "desk",
        "A4": "desk", "A5": "platform", "A8": None, "A7": "platform", "U1": None, "X2": None,
        "X4": None, "X3": None, "R1": "platform", "R3": "platform", "R2": "platform",
        "X1": None, "R4": "platform"}
    # who must act: the seller answers and receives, the buyer returns, the platform refunds
    assert b.loc[["A1", "A4", "A5", "A7", "A8", "R1", "U1"], "actor"].tolist() == [
        "seller", "seller", "seller", "buyer", "platform", None, None]
    # the store holds no order ghost (A3, U1) nor ghost3 (P1)
    assert sorted(b.index[~b["order_known"]]) == ["A3", "P1", "U1"]
    # refunded at or after the platform's deadline: R1 (12:00 > 10:00), R4 (09:00 = 09:00)
    assert sorted(b.index[b["missed"]]) == ["R1", "R4"]
    assert b.loc["A1", "assigned_to"] == "小李"
    assert b["assigned_to"].drop(index="A1").isna().all()
    assert b.loc[["A1", "A4", "A5", "X1"], "last_action"].tolist() == [
        "assign", "agree", "received", "reject"]
    assert b.loc["A1", "last_action_at"] == pd.Timestamp("2026-11-20 09:20")
    # A2's agree and A6's and R4's received were undone, A3's came after the moment
    assert b.loc[["A2", "A3", "A6", "R4", "A8"], "last_action"].isna().all()
    assert b.loc["A5", ["return_courier", "return_tracking"]].tolist() == ["顺丰", "SF100"]
    assert b.loc["U1", "status_text"] == "神秘状态"
    assert b["currency"].eq("CNY").all()


def test_the_counts_as_the_report_gives_them(desk):
    got = aftersales.aftersales_counts(desk.cursor(), ALL, AS_OF)
    assert got == {
        # A1 A2 A3 P1 | A4 | A7 | A5 A6 | A8; U1's status word is unknown: neither
        "open": {"awaiting_seller": 4, "arbitration": 1, "awaiting_return": 1, "returned": 2,
                 "refunding": 1},
        "closed": {"refunded": 4, "rejected": 1, "closed": 1, "exchanged": 1, "failed": 1},
        # A1, P1 (A4 answered) | none
        "overdue": {"aftersales_answer": 2, "aftersales_receive": 0},
        # A2 | A6
        "due_soon": {"aftersales_answer": 1, "aftersales_receive": 1},
        # R1 100 + R4 40
        "missed": {"cases": 2, "amount": 140.0},
        # R1 100 + R2 40 + R3 60 (nothing refunded given: the amount asked) + R4 40
        "refunded": 240.0,
        # 过敏 A1 A3 P1 A5 A7 R1 R3; 不想要了 A2 R4 X1; 质量问题 A4 R2 X4; 发错货 A6 X3;
        # 拍错了 A8 X2 (ties by the reason's text)
        "reasons": {"过敏": 7, "不想要了": 3, "质量问题": 3, "发错货": 2, "拍错了": 2},
    }
    assert list(got["reasons"]) == ["过敏", "不想要了", "质量问题", "发错货", "拍错了"]


def test_the_filters_take_shops_and_request_dates(desk):
    con = desk.cursor()
    s2 = aftersales.aftersales_counts(con, Filters(shops=("s2",)), AS_OF)
    assert s2["open"]["awaiting_seller"] == 1 and s2["overdue"]["aftersales_answer"] == 1
    assert s2["reasons"] == {"过敏": 1}
    assert sum(s2["closed"].values()) == 0
    since = aftersales.case_board(con, Filters(date_from=date(2026, 11, 19)), AS_OF)
    # requested on 11-19 or later
    assert sorted(since["case_id"]) == ["A2", "A3", "A7", "A8", "P1", "U1", "X2"]


def test_the_desks_deadlines_come_from_its_settings(desk):
    from pipeline.db.settings import save_setting

    with desk.write() as cur:
        save_setting(cur, "aftersales_answer_hours", 24, "ann")
        save_setting(cur, "aftersales_receive_hours", 12, "ann")
    board = aftersales.case_board(desk.cursor(), ALL, AS_OF).set_index("case_id")
    # A3: 11-19 09:00 + 24 h = 11-20 09:00, 3 h late; A6: 11-17 14:00 + 12 h = 11-18 02:00,
    # 58 h late; the platform's deadlines (A1, A2, A5) do not move; A4 stays answered
    assert board.loc["A3", "deadline"] == pd.Timestamp("2026-11-20 09:00")
    assert board.loc["A3", "hours_left"] == -3.0
    assert board.loc["A6", "hours_left"] == -58.0
    assert board.loc[["A1", "A2", "A5"], "hours_left"].tolist() == [-1.0, 3.0, 48.0]
    got = aftersales.aftersales_counts(desk.cursor(), ALL, AS_OF)
    assert got["overdue"] == {"aftersales_answer": 3, "aftersales_receive": 1}   # A1 P1 A3 | A6
    assert got["due_soon"] == {"aftersales_answer": 1, "aftersales_receive": 0}  # A2
    with pytest.raises(ValueError, match="hours above zero"), desk.write() as cur:
        save_setting(cur, "aftersales_answer_hours", 0, "ann")


def test_an_answer_waits_for_the_next_export_only(desk):
    # a newer export at 10:00, after A4's agree of 09:00, still says arbitration: the platform
    # wants more (evidence); the case is the desk's to answer again, 2 h late on the desk's
    # 11-20 10:00
    load_cases(desk, [case("A4", "arbitration", "o4", "return_refund", "2026-11-18 10:00", 120,
                           None, "质量问题", "CREAM")], name="cases 10:00",
               imported_at="2026-11-20 10:00")
    # A7's parcel came at 09:30, while the 08:00 export still said awaiting the buyer's return;
    # the 10:00 export says returned: it was received all the same
    case_event(desk, "A7", "o12", "received", "2026-11-20 09:30", kind="resellable")
    load_cases(desk, [case("A7", "returned", "o12", "return_refund", "2026-11-19 10:00", 45,
                           "2026-11-26 10:00", "过敏", "SERUM")], name="cases 10:00 (2)",
               imported_at="2026-11-20 10:00")
    board = aftersales.case_board(desk.cursor(), ALL, AS_OF).set_index("case_id")
    assert board.loc["A4", "sla"] == "overdue" and board.loc["A4", "hours_left"] == -2.0
    assert board.loc["A7", "rule"] == "aftersales_receive" and board.loc["A7", "sla"] == "answered"
    # as of 08:30, before the agree, A4 was 1.5 h from its deadline and A5 not yet received
    early = aftersales.case_board(desk.cursor(), ALL, datetime(2026, 11, 20, 8, 30))
    e = early.set_index("case_id")
    assert e.loc["A4", "sla"] == "due_soon" and e.loc["A4", "hours_left"] == 1.5
    assert e.loc["A5", "sla"] == "on_time"
    assert e.loc["A1", "assigned_to"] is None


def test_the_desks_actions_answer_the_board(desk, monkeypatch):
    from pipeline.desk import actions

    monkeypatch.setattr(desk, "now", lambda: datetime(2026, 11, 20, 11, 0))
    actions.record_case(desk, ("taobao", "s1", "A2"), "agree", by="ann")
    actions.record_case(desk, ("taobao", "s1", "A6"), "received", by="ann", kind="resellable")
    actions.record_case(desk, ("taobao", "s1", "A3"), "assign", by="ann", text="小张")
    board = aftersales.case_board(desk.cursor(), ALL, AS_OF).set_index("case_id")
    # both answered at 11:00, after the 08:00 export; nothing is due soon any more
    assert board.loc[["A2", "A6"], "sla"].tolist() == ["answered", "answered"]
    assert board.loc["A3", ["assigned_to", "last_action"]].tolist() == ["小张", "assign"]
    counts = aftersales.aftersales_counts(desk.cursor(), ALL, AS_OF)
    assert counts["due_soon"] == {"aftersales_answer": 0, "aftersales_receive": 0}
    # A6's CREAM parcel and R1's (06:00) count, no stock export having been imported; A5's
    # SERUM, R3's MASK
    got = aftersales.returns_received(desk.cursor())
    assert list(got.itertuples(index=False, name=None)) == [
        ("CREAM", "", 2), ("MASK", "", 1), ("SERUM", "", 1)]


def test_an_empty_desk_counts_zeros(store):
    got = aftersales.aftersales_counts(store.cursor(), ALL, AS_OF)
    assert got == {
        "open": {"awaiting_seller": 0, "arbitration": 0, "awaiting_return": 0, "returned": 0,
                 "refunding": 0},
        "closed": {"refunded": 0, "rejected": 0, "closed": 0, "exchanged": 0, "failed": 0},
        "overdue": {"aftersales_answer": 0, "aftersales_receive": 0},
        "due_soon": {"aftersales_answer": 0, "aftersales_receive": 0},
        "missed": {"cases": 0, "amount": 0.0},
        "refunded": 0.0,
        "reasons": {},
    }
    assert aftersales.case_board(store.cursor(), ALL, AS_OF).empty


# ---------------------------------------------------------------------------------------------
# Orders follow their cases


def refunds(store) -> dict[str, tuple[float, bool]]:
    """order_id -> (refunded amount, partial refund mark)."""
    rows = store.cursor().execute(
        "select order_id, refunded::double, partial_refund from order_state").fetchall()
    return {o: (r, p) for o, r, p in rows}


def test_orders_follow_their_cases(desk):
    assert states(desk) == {
        "o1": "refunding",         # A1 awaiting the seller
        "o2": "refunding",         # A2, before shipping
        "o3": "refunding",         # A5, A6 returned
        "o4": "refunding",         # A4 in arbitration
        "o5": "refunded",          # R1 100 reaches the 100 paid
        "o6": "shipped",           # R2 40 of 90: a partial refund
        "o7": "refunded",          # R3 60 (asked) + R4 40 = the 100 paid
        "o8": "shipped",           # X1 rejected: the file's 50 refunded is left aside
        "o9": "shipped",           # an exchange done, a refund failed
        "o10": "paid_unprocessed", # X2 closed: the line's asked refund is left aside
        "o12": "refunding",        # A7 awaiting the buyer's return
        "o13": "refunding",        # A8 refunding, before shipping
        "o14": "shipped",          # no case: the file's 20 of 80, a partial refund
    }
    assert refunds(desk) == {
        "o1": (0.0, False), "o2": (0.0, False), "o3": (0.0, False), "o4": (0.0, False),
        "o5": (100.0, False),      # the case's 100, not 100 + the file's 30
        "o6": (40.0, True),
        "o7": (100.0, False),
        "o8": (0.0, False), "o9": (0.0, False), "o10": (0.0, False), "o12": (0.0, False),
        "o13": (0.0, False),
        "o14": (20.0, True),
    }
    waiting = dict(desk.cursor().execute(
        "select order_id, waiting_to_ship from order_state where order_id in ('o2', 'o10', "
        "'o13')").fetchall())
    assert waiting == {"o2": False, "o10": True, "o13": False}


def test_a_case_stops_an_order_waiting_to_ship(desk):
    marks = open_problems(desk.cursor(), ALL, AS_OF)
    stop = marks[marks["problem"] == "refund_before_ship"]
    # o2: A2 awaits the seller (asked); o13: A8 is refunding (agreed); o10's case is closed
    assert stop[["order_id", "reason", "since"]].to_dict("records") == [
        {"order_id": "o13", "reason": "agreed", "since": pd.Timestamp("2026-11-19 15:00")},
        {"order_id": "o2", "reason": "requested", "since": pd.Timestamp("2026-11-20 06:00")},
    ]


def test_an_order_imported_after_its_cases_follows_them(desk):
    # A3 (awaiting the seller) and U1 (an unknown word) were on an order the store did not hold
    load(desk, [order("ghost", "2026-11-19 08:00", False, 50)],
         [{"order_id": "ghost", "line_id": "1", "sku": "SERUM", "quantity": 1}], name="late")
    assert states(desk)["ghost"] == "refunding"
    board = aftersales.case_board(desk.cursor(), ALL, AS_OF).set_index("case_id")
    assert bool(board.loc["A3", "order_known"]) and bool(board.loc["U1", "order_known"])
    assert not board.loc["P1", "order_known"]
    cases = aftersales.order_cases(desk.cursor(), "taobao", "s1", "ghost")
    assert cases["case_id"].tolist() == ["A3", "U1"]          # by request: 11-19 09:00, 12:00


def test_an_orders_cases_oldest_first(desk):
    con = desk.cursor()
    o7 = aftersales.order_cases(con, "taobao", "s1", "o7")
    # R4 asked on 11-02, R3 on 11-16; R3's export gave no amount refunded
    assert o7["case_id"].tolist() == ["R4", "R3"]
    assert o7["amount_asked"].tolist() == [40.0, 60.0]
    assert o7["amount_refunded"].iloc[0] == 40.0 and pd.isna(o7["amount_refunded"].iloc[1])
    assert o7["refunded_at"].tolist() == [pd.Timestamp("2026-11-04 09:00"),
                                          pd.Timestamp("2026-11-17 09:00")]
    assert aftersales.order_cases(con, "taobao", "s1", "o14").empty


# ---------------------------------------------------------------------------------------------
# Returns to stock


def test_returns_received_until_the_next_stock_snapshot(desk):
    load_tables(desk, name="stock 07:00", stock=[{"sku": "SERUM", "available": 10},
                                                 {"sku": "CREAM", "available": 10}])
    with desk.write() as cur:
        cur.execute("update stock set snapshot_at = ?", [STOCK_TAKEN])
    got = aftersales.returns_received(desk.cursor())
    # A5 SERUM 10:00 after SERUM's 07:00 snapshot; R3 MASK 07:30, a SKU the stock does not
    # list, after the newest snapshot (07:00). Not: R1 CREAM 06:00 (before CREAM's snapshot),
    # R2 damaged, X3 without a SKU, R4 and A6 undone.
    pd.testing.assert_frame_equal(got, pd.DataFrame({
        "sku": ["MASK", "SERUM"], "warehouse": ["", ""], "quantity": [1, 1]}),
        check_dtype=False)
    status = stock.stock_status(desk.cursor(), AS_OF).set_index("sku")
    assert status.loc[["SERUM", "CREAM", "MASK"], "returns_received"].tolist() == [1, 0, 1]
    # the export's figures are the export's: available 10 each (o10 waits for one CREAM)
    assert status.loc[["SERUM", "CREAM"], "available"].tolist() == [10, 10]
    assert status.loc["CREAM", "open_demand"] == 1
    assert pd.isna(status.loc["MASK", "available"]) and not status.loc["MASK", "in_stock_file"]
    # a stock export of SERUM at 11:00 counts A5's parcel; MASK's 07:30 is before it too
    load_tables(desk, name="stock 11:00", stock=[{"sku": "SERUM", "available": 11}])
    with desk.write() as cur:
        cur.execute("update stock set snapshot_at = '2026-11-20 11:00' where sku = 'SERUM'")
    assert aftersales.returns_received(desk.cursor()).empty
    assert stock.stock_status(desk.cursor(), AS_OF)["returns_received"].eq(0).all()


# ---------------------------------------------------------------------------------------------
# Reading the reasons


def test_cases_and_refunds_per_sku_against_its_orders(desk):
    got = aftersales.reasons_table(desk.cursor(), ALL, "sku")
    pd.testing.assert_frame_equal(got, pd.DataFrame({
        # SERUM A1 A3 P1 A5 A7 R2 R4 X1, refunded R2 40 + R4 40; CREAM A2 A4 A6 A8 R1 X2,
        # refunded R1 100; no SKU: X3 X4 U1; MASK R3, refunded 60 (asked)
        "sku": ["SERUM", "CREAM", "", "MASK"],
        "cases": [8, 6, 3, 1],
        "refunded": [80.0, 100.0, 0.0, 60.0],
        # orders with a line of it: SERUM o1 o3 o6 o7 o8 o12 o14; CREAM o2 o3 o4 o5 o9 o10 o13
        "orders": [7, 7, 0, 1],
        "rate": [8 / 7, 6 / 7, None, 1.0],
    }), check_dtype=False)


@pytest.mark.parametrize(("by", "want"), [
    # 过敏 A1 A3 P1 A5 A7 R1 R3 (refunded R1 100 + R3 60); 不想要了 A2 R4 X1 (R4 40);
    # 质量问题 A4 R2 X4 (R2 40); 发错货 A6 X3; 拍错了 A8 X2; none U1 — ties by text
    ("reason", [("过敏", 7, 160.0), ("不想要了", 3, 40.0), ("质量问题", 3, 40.0),
                ("发错货", 2, 0.0), ("拍错了", 2, 0.0), ("", 1, 0.0)]),
    # return_refund A1 A4 A5 A6 A7 R1 R2 R3 R4 (100 + 40 + 60 + 40); refund_only A2 A3 P1 A8
    # X1 X2 X4 U1; exchange X3
    ("case_type", [("return_refund", 9, 240.0), ("refund_only", 8, 0.0),
                   ("exchange", 1, 0.0)]),
    ("phase", [("", 16, 240.0), ("before_ship", 2, 0.0)]),
    ("responsibility", [("", 16, 100.0), ("买家", 1, 40.0), ("卖家", 1, 100.0)]),
])
def test_cases_and_refunds_per_fact(desk, by, want):
    got = aftersales.reasons_table(desk.cursor(), ALL, by)
    assert list(got.columns) == [by, "cases", "refunded"]
    assert list(got.itertuples(index=False, name=None)) == want


def test_a_promotions_reasons_against_its_baseline(desk):
    load_tables(desk, name="promotions", promotions=[
        {"name": "双11", "start_at": "2026-11-11", "end_at": "2026-11-12"}])
    got = aftersales.promo_reasons(desk.cursor(), "双11")
    # placed on 11-11 (5 orders: o1 o3 o5 o9 o12): 过敏 A1 A5 R1 A7, 发错货 A6 X3, 质量问题 X4;
    # the baseline 11-10 (3 orders: o4 o6 o14): 质量问题 A4 R2
    pd.testing.assert_frame_equal(got, pd.DataFrame({
        "reason": ["过敏", "发错货", "质量问题"],
        "cases": [4, 2, 1],
        "baseline_cases": [0, 0, 2],
        "rate": [4 / 5, 2 / 5, 1 / 5],
        "baseline_rate": [0.0, 0.0, 2 / 3],
    }), check_dtype=False)


def test_time_to_answer(desk):
    got = aftersales.answer_times(desk.cursor(), ALL)
    # first answers in effect: X1 12 h (11-15 09:00 -> 21:00), A3 28 h (11-19 09:00 -> 11-20
    # 13:00), A1 44 h (11-18 11:00 -> 11-20 07:00), A4 47 h (11-18 10:00 -> 11-20 09:00);
    # A2's was undone. Median of 12, 28, 44, 47: 36
    assert (got["answered"], got["median_hours"]) == (4, 36.0)
    pd.testing.assert_frame_equal(got["weeks"], pd.DataFrame({
        "week": [date(2026, 11, 9), date(2026, 11, 16)],   # X1 asked on Sunday 11-15
        "answered": [1, 3],
        "median_hours": [12.0, 44.0],
    }), check_dtype=False)


def test_missed_money_per_week(desk):
    got = aftersales.missed_by_week(desk.cursor(), ALL)
    # R4 refunded 11-04 (the week of 11-02), none the week of 11-09, R1 11-19 (of 11-16)
    pd.testing.assert_frame_equal(got, pd.DataFrame({
        "week": [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)],
        "cases": [1, 0, 1],
        "amount": [40.0, 0.0, 100.0],
    }), check_dtype=False)


# ---------------------------------------------------------------------------------------------
# report --json


def test_the_report_counts_the_cases_and_the_refunds_once(desk):
    rep = build_report(desk.cursor(), AS_OF)
    assert rep["aftersales"] == {
        "open": {"awaiting_seller": 4, "arbitration": 1, "awaiting_return": 1, "returned": 2,
                 "refunding": 1},
        "closed": {"refunded": 4, "rejected": 1, "closed": 1, "exchanged": 1, "failed": 1},
        "overdue": {"aftersales_answer": 2, "aftersales_receive": 0},
        "due_soon": {"aftersales_answer": 1, "aftersales_receive": 1},
        "missed": {"cases": 2, "amount": 140.0},
        "refunded": 240.0,
        "reasons": {"过敏": 7, "不想要了": 3, "质量问题": 3, "发错货": 2, "拍错了": 2},
    }
    assert rep["states"] == {
        "unconfirmed_unpaid": 0, "confirmed_unpaid": 0,
        "paid_unprocessed": 1,     # o10
        "paid_processed": 0,
        "shipped": 4,              # o6 o8 o9 o14
        "completed": 0,
        "refunding": 6,            # o1 o2 o3 o4 o12 o13
        "refunded": 2,             # o5 o7
        "closed": 0,
    }
    # o5 100 + o6 40 + o7 100 + o14 20 (the file's, no case); never o5's 30 or o8's 50 too
    assert rep["amounts"]["refunded"] == 260.0
    assert rep["partial_refunds"] == 2          # o6 o14
    assert rep["problems"]["refund_before_ship"] == 2   # o2 o13


def test_the_report_of_a_store_without_cases_has_every_key_at_zero(store):
    load(store, [order("o1", "2026-11-11 10:00", True, 100)])
    got = build_report(store.cursor(), AS_OF)["aftersales"]
    assert got == {
        "open": {"awaiting_seller": 0, "arbitration": 0, "awaiting_return": 0, "returned": 0,
                 "refunding": 0},
        "closed": {"refunded": 0, "rejected": 0, "closed": 0, "exchanged": 0, "failed": 0},
        "overdue": {"aftersales_answer": 0, "aftersales_receive": 0},
        "due_soon": {"aftersales_answer": 0, "aftersales_receive": 0},
        "missed": {"cases": 0, "amount": 0.0},
        "refunded": 0.0,
        "reasons": {},
    }
