"""The desk's actions on after-sales cases (DESIGN §11, §8): each recorded with who and when,
every refusal, undo, roles, and the command line's `action CASE_ID …` / `--order`."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.accounts import users
from pipeline.base import canonical as C
from pipeline.base.labels import LABELS
from pipeline.base.roles import NotAllowed, may
from pipeline.cli import _portable_argv, main
from pipeline.commands import build_parser, run_handed
from pipeline.db import handoff
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.ingest.importing import apply_parsed
from tests.conftest import frame, load

ROOT = Path(__file__).resolve().parent.parent
T0 = "2026-11-20 10:00:00"
ORDERS = [{"order_id": o, "created_at": T0, "status_norm": "paid", "paid_at": T0}
          for o in ("o1", "o2", "o3", "o4")]     # o4 has no case


def case(case_id: str, order_id: str, case_type: str | None, status: str | None, text: str,
         **facts) -> dict:
    return {"platform": "taobao", "shop": "s1", "case_id": case_id, "order_id": order_id,
            "case_type": case_type, "type_text": facts.pop("type_text", None),
            "status_norm": status, "status_text": text, "requested_at": "2026-11-21 09:00",
            **facts}


CASES = [
    # o1: one open case (its parcel back) and one over
    case("c1", "o1", "return_refund", "returned", "买家已经退货，等待卖家确认收货", sku="A"),
    case("c0", "o1", "refund_only", "refunded", "退款成功", type_text="仅退款"),
    # o2: two open cases
    case("c2", "o2", "refund_only", "awaiting_seller", "待商家处理", type_text="仅退款"),
    case("c3", "o2", "return_refund", "awaiting_return", "待买家退货"),
    # o3: only a case that is over
    case("c4", "o3", "return_refund", "closed", "退款关闭"),
    # on orders the store does not hold
    case("c5", "o9", "refund_only", "refunding", "同意退款，退款中"),
    case("c6", "o8", "return_refund", "arbitration", "客服介入"),
    case("c7", "o7", None, None, "等待平台处理"),     # a word the desk does not know
    # one case id in two shops
    case("tw", "o6", "refund_only", "awaiting_seller", "待商家处理"),
    case("tw", "o6", "refund_only", "awaiting_seller", "待商家处理", shop="s2"),
]


def load_cases(store: Store, rows: list[dict], name: str = "cases") -> None:
    """Import canonical case rows as one after-sales export would."""
    parsed = C.Parsed("test", {"cases": frame(rows)}, rows_read=len(rows))
    digest = hashlib.sha256(repr((name, rows)).encode()).hexdigest()
    apply_parsed(store, parsed, name, digest, "test")


def key(case_id: str, shop: str = "s1") -> tuple[str, str, str]:
    return ("taobao", shop, case_id)


@pytest.fixture
def desk(store: Store) -> Store:
    load(store, ORDERS)
    load_cases(store, CASES)
    return store


def n_events(store: Store) -> int:
    return store.cursor().execute("select count(*) from events").fetchall()[0][0]


def stored(store: Store, event_id: int) -> dict:
    return store.cursor().execute(
        "select platform, shop, order_id, case_id, action, text, kind, target_event, author, "
        "role from events where event_id = ?", [event_id]).df().iloc[0].to_dict()


# ---------------------------------------------------------------------------------------------
# Recorded


# (action, case, text, kind): each one as the contract writes its event
RECORDED = [
    ("agree", "c2", None, None),
    ("reject", "c2", "已发货，不支持仅退款", None),
    ("received", "c1", None, "resellable"),
    ("received", "c3", "包装破损", "damaged"),    # the parcel came before the export said so
    ("feedback", "c4", "已告知客服：退款已关闭", None),   # feedback and assign on a case over
    ("assign", "c4", "小王", None),
    ("agree", "c6", None, None),                  # under arbitration, order not in the store
    ("agree", "c1", None, None),                  # returned: the refund agreed after the parcel
    ("reject", "c7", "证据不足", None),            # an unknown status word is not refused
]


@pytest.mark.parametrize("action,case_id,text,kind", RECORDED)
def test_each_action_is_an_event_of_the_case_with_who_and_when(desk, action, case_id, text,
                                                                kind):
    before = desk.now()
    event = A.record_case(desk, key(case_id), action, by="Li", text=text, kind=kind,
                          role="clerk")
    order = {"c1": "o1", "c2": "o2", "c3": "o2", "c4": "o3", "c6": "o8", "c7": "o7"}[case_id]
    assert (event.case_id, event.order_id, event.action, event.author) == (
        case_id, order, action, "Li")
    assert before <= event.acted_at <= desk.now()
    assert stored(desk, event.event_id) == {
        "platform": "taobao", "shop": "s1", "order_id": order, "case_id": case_id,
        "action": action, "text": text, "kind": kind, "target_event": None, "author": "Li",
        "role": "clerk"}
    h = A.case_history(desk.cursor(), *key(case_id))
    assert h[["event_id", "action", "detail", "kind", "author", "role", "undone"]].to_dict(
        "records") == [{"event_id": event.event_id, "action": action, "detail": text,
                        "kind": kind, "author": "Li", "role": "clerk", "undone": False}]
    assert h["acted_at"].tolist() == [event.acted_at]


def test_texts_are_trimmed_and_an_agree_may_carry_a_note(desk):
    e = A.record_case(desk, key("c2"), "agree", by="  Li ", text="  按规则同意 ")
    assert (e.author, e.text, e.kind) == ("Li", "按规则同意", None)
    e = A.record_case(desk, key("c2"), "assign", by="Li", text=" 小王 ", kind="damaged")
    assert (e.text, e.kind) == ("小王", None)   # a kind is a received parcel's only


def test_a_case_action_refreshes_its_order_and_replays_the_same(desk):
    event = A.record_case(desk, key("c1"), "received", by="Li", kind="resellable")
    con = desk.cursor()
    assert con.execute("select last_event_id from order_state where order_id = 'o1'"
                       ).fetchall() == [(event.event_id,)]
    A.record_case(desk, key("c1"), "undo", by="Li")
    assert A.replay_state(con).equals(A.current_state(con))


def test_an_answer_may_be_given_again_once_a_newer_export_of_the_case_came(desk):
    A.record_case(desk, key("c2"), "agree", by="Li")
    with pytest.raises(A.ActionError, match="already answered"):
        A.record_case(desk, key("c2"), "reject", by="Li", text="x")
    # the platform's next export: the buyer took it to customer service
    load_cases(desk, [case("c2", "o2", "refund_only", "arbitration", "客服介入")], name="later")
    e = A.record_case(desk, key("c2"), "reject", by="Wang", text="已举证")
    assert (e.action, e.author) == ("reject", "Wang")


# ---------------------------------------------------------------------------------------------
# Refused


# (case, action, text, kind, the whole sentence)
REFUSALS = [
    ("c0", "agree", None, None, "cannot agree to case c0: it is over (退款成功)"),
    ("c0", "reject", "x", None, "cannot reject case c0: it is over (退款成功)"),
    ("c4", "received", None, "resellable",
     "cannot record the return received on case c4: it is over (退款关闭)"),
    ("c3", "agree", None, None,
     "cannot agree to case c3: it waits for the buyer (待买家退货), not the shop"),
    ("c5", "reject", "x", None,
     "cannot reject case c5: it waits for the platform (同意退款，退款中), not the shop"),
    ("c2", "reject", None, None, "cannot reject case c2: it needs a text: the reason"),
    ("c2", "reject", "   ", None, "cannot reject case c2: it needs a text: the reason"),
    ("c1", "received", None, None, "cannot record the return received on case c1: it needs "
     "the state of the goods, one of resellable; damaged"),
    ("c1", "received", None, "broken", "cannot record the return received on case c1: it "
     "needs the state of the goods, one of resellable; damaged"),
    ("c2", "received", None, "resellable",
     "cannot record the return received on case c2: it is not a return (仅退款)"),
    ("c6", "received", None, "resellable", "cannot record the return received on case c6: "
     "it is 客服介入: only a case awaiting its return or returned can be received"),
    ("c7", "received", None, "damaged", "cannot record the return received on case c7: it "
     "is 等待平台处理: only a case awaiting its return or returned can be received"),
    ("c2", "feedback", None, None,
     "cannot record feedback on case c2: it needs a text: what customer service was told"),
    ("c2", "assign", "", None, "cannot assign case c2: it needs a text: the person's name"),
    ("c2", "undo", None, None, "cannot undo case c2: it has no action left to undo"),
]


@pytest.mark.parametrize("case_id,action,text,kind,message", REFUSALS)
def test_refusals_say_why_and_write_nothing(desk, case_id, action, text, kind, message):
    with pytest.raises(A.ActionError) as info:
        A.record_case(desk, key(case_id), action, by="Li", text=text, kind=kind)
    assert str(info.value) == message
    assert n_events(desk) == 0


# (a first action, then the same case's second one refused, the sentence's end)
TWICE = [
    (("agree", None, None), ("agree", None, None), "it is already answered (agreed by Li at "),
    (("reject", "假单", None), ("agree", None, None), "it is already answered (rejected by Li at "),
    (("received", None, "damaged"), ("received", None, "resellable"),
     "it has its return already received (damaged, by Li); undo that first to change it"),
    (("assign", "小王", None), ("assign", "小王", None), "it is already assigned to 小王"),
]


@pytest.mark.parametrize("first,second,said", TWICE)
def test_done_once_until_undone(desk, first, second, said):
    case_id = "c1"
    A.record_case(desk, key(case_id), first[0], by="Li", text=first[1], kind=first[2])
    with pytest.raises(A.ActionError) as info:
        A.record_case(desk, key(case_id), second[0], by="Li", text=second[1], kind=second[2])
    assert said in str(info.value)
    assert n_events(desk) == 1
    A.record_case(desk, key(case_id), "undo", by="Li")
    A.record_case(desk, key(case_id), second[0], by="Li", text=second[1], kind=second[2])
    assert n_events(desk) == 3


def test_an_assignment_to_the_same_person_whatever_the_case_of_letters_is_refused(desk):
    A.record_case(desk, key("c2"), "assign", by="Li", text="Ann")
    with pytest.raises(A.ActionError, match="already assigned to Ann"):
        A.record_case(desk, key("c2"), "assign", by="Li", text="ann")
    assert A.record_case(desk, key("c2"), "assign", by="Li", text="Bo").text == "Bo"


def test_an_unknown_case_a_missing_name_and_an_unknown_action_are_refused(desk):
    with pytest.raises(A.ActionError) as info:
        A.record_case(desk, key("nope"), "agree", by="Li")
    assert str(info.value) == ("no case nope in the store (check the id, or import its "
                               "after-sales export)")
    with pytest.raises(A.ActionError, match="a name is required"):
        A.record_case(desk, key("c2"), "agree", by="  ")
    with pytest.raises(A.ActionError, match="unknown case action 'confirm'"):
        A.record_case(desk, key("c2"), "confirm", by="Li")
    with pytest.raises(A.ActionError):   # the case of another shop is not this one
        A.record_case(desk, ("taobao", "s2", "c2"), "agree", by="Li")
    assert n_events(desk) == 0


def test_refusals_in_chinese(desk):
    with pytest.raises(A.ActionError) as info:
        A.record_case(desk, key("c3"), "agree", by="Li")
    assert info.value.args[0].words("zh") == "售后单 c3 不能同意：正在等买家处理（待买家退货），不是等商家"
    with pytest.raises(A.ActionError) as info:
        A.record_case(desk, key("c1"), "received", by="Li")
    assert info.value.args[0].words("zh") == "售后单 c1 不能确认收货：需要选择退货状况：可二次销售；已损坏"


def test_every_case_action_is_worded_in_both_languages():
    for action in ("agree", "reject", "received", "feedback", "assign"):
        for k in (f"may_{action}", f"verb_{action}"):
            assert k in LABELS and all(t.strip() for t in LABELS[k]), k
    for k in ("case_act_text_reject", "case_act_text_feedback", "case_act_text_assign"):
        assert k in LABELS


# ---------------------------------------------------------------------------------------------
# Undo


def test_undo_takes_back_the_cases_last_action_in_effect(desk):
    agreed = A.record_case(desk, key("c1"), "agree", by="Li")
    got = A.record_case(desk, key("c1"), "received", by="Li", kind="resellable")
    undo = A.record_case(desk, key("c1"), "undo", by="Li")
    assert (undo.target_event, undo.case_id, undo.order_id) == (got.event_id, "c1", "o1")
    again = A.record_case(desk, key("c1"), "undo", by="Li")
    assert again.target_event == agreed.event_id
    h = A.case_history(desk.cursor(), *key("c1"))
    assert h[["event_id", "action", "detail", "undone", "undone_by"]].astype(object).where(
        h.notna(), None).to_dict("records") == [
        {"event_id": agreed.event_id, "action": "agree", "detail": None, "undone": True,
         "undone_by": again.event_id},
        {"event_id": got.event_id, "action": "received", "detail": None, "undone": True,
         "undone_by": undo.event_id},
        {"event_id": undo.event_id, "action": "undo", "detail": f"#{got.event_id}",
         "undone": False, "undone_by": None},
        {"event_id": again.event_id, "action": "undo", "detail": f"#{agreed.event_id}",
         "undone": False, "undone_by": None},
    ]
    with pytest.raises(A.ActionError, match="no action left to undo"):
        A.record_case(desk, key("c1"), "undo", by="Li")


def test_a_clerk_undoes_their_own_case_action_not_a_colleagues_a_manager_any(desk):
    A.record_case(desk, key("c2"), "agree", by="Cleo", role="clerk")
    A.record_case(desk, key("c3"), "assign", by="Carl", role="clerk", text="小王")
    with pytest.raises(NotAllowed, match="only their own"):
        A.record_case(desk, key("c3"), "undo", by="Cleo", role="clerk")
    assert n_events(desk) == 2
    assert A.record_case(desk, key("c2"), "undo", by="Cleo", role="clerk").target_event == 1
    assert A.record_case(desk, key("c3"), "undo", by="Max", role="manager").target_event == 2


def test_an_orders_undo_and_a_cases_undo_keep_to_their_own(desk):
    note = A.record(desk, ("taobao", "s1", "o1"), "note", by="Li", text="n1")
    agreed = A.record_case(desk, key("c1"), "agree", by="Li")
    # the order's undo takes back its note, not the case's answer after it
    assert A.record(desk, ("taobao", "s1", "o1"), "undo", by="Li").target_event == note.event_id
    with pytest.raises(A.ActionError, match="no action left to undo"):
        A.record(desk, ("taobao", "s1", "o1"), "undo", by="Li")
    assert A.record_case(desk, key("c1"), "undo", by="Li").target_event == agreed.event_id


def test_a_case_action_does_not_hold_up_a_batch_undo(desk):
    done = A.record_many(desk, [("taobao", "s1", "o3"), ("taobao", "s1", "o4")], "process",
                         by="Li")
    A.record_case(desk, key("c4"), "feedback", by="Li", text="已告知")
    undos = A.undo_batch(desk, done[0].batch_id, by="Li")
    assert sorted(u.target_event for u in undos) == sorted(e.event_id for e in done)


# ---------------------------------------------------------------------------------------------
# Roles


CASE_ACTIONS = [("agree", None, None), ("reject", "x", None), ("received", None, "damaged"),
                ("feedback", "x", None), ("assign", "x", None)]


@pytest.mark.parametrize("action,text,kind", CASE_ACTIONS)
def test_a_viewer_never_acts_on_a_case_a_clerk_and_a_manager_do(desk, action, text, kind):
    assert not may("viewer", action) and may("clerk", action) and may("manager", action)
    with pytest.raises(NotAllowed, match="^a viewer may not "):
        A.record_case(desk, key("c1"), action, by="Vera", text=text, kind=kind, role="viewer")
    assert n_events(desk) == 0
    assert A.record_case(desk, key("c1"), action, by="Cleo", text=text, kind=kind,
                         role="clerk").author == "Cleo"


def test_a_viewer_is_told_who_may_in_words(desk):
    with pytest.raises(NotAllowed) as info:
        A.record_case(desk, key("c1"), "received", by="Vera", kind="damaged", role="viewer")
    assert str(info.value) == ("a viewer may not record returns received; ask a clerk or a "
                               "manager")
    assert info.value.args[0].words("zh") == "查看者不能确认退货收货；请找客服专员或主管"
    with pytest.raises(NotAllowed):
        A.record_case(desk, key("c1"), "undo", by="Vera", role="viewer")


def test_an_account_acts_with_its_role_as_it_is_now(desk):
    users.add_user(desk, "Vera", "viewer", None, by="test", sso_email="vera@example.com")
    with pytest.raises(NotAllowed, match="viewer may not agree to after-sales cases"):
        A.record_case(desk, key("c2"), "agree", by="vera")    # the command line's --by
    users.add_user(desk, "Cleo", "clerk", None, by="test", sso_email="cleo@example.com")
    e = A.record_case(desk, key("c2"), "agree", by="cleo")
    assert (e.author, stored(desk, e.event_id)["role"]) == ("Cleo", "clerk")


# ---------------------------------------------------------------------------------------------
# Finding a case


def test_find_case_by_its_id_its_order_or_both(desk):
    con = desk.cursor()
    assert A.find_case(con, "c2") == [key("c2")]
    assert A.find_case(con, "tw") == [key("tw"), key("tw", "s2")]
    assert A.find_case(con, None, "o2") == [key("c2"), key("c3")]
    assert A.find_case(con, "c2", "o2") == [key("c2")]
    assert A.find_case(con, "c2", "o1") == []
    assert A.find_case(con, "nope") == []


# (case id, order id, the key, or the refusal)
NAMED = [
    ("c2", None, key("c2")),
    (None, "o1", key("c1")),        # its one open case; c0 is over
    ("c0", "o1", key("c0")),        # a case over, named by its id
    (None, "o9", key("c5")),        # an order the store does not hold
    (None, "o2", "order o2 has 2 open cases: c2 (待商家处理); c3 (待买家退货); name one by its id"),
    (None, "o3", "order o3 has no open case (c4 (退款关闭)); name the case by its id"),
    (None, "o5", "order o5 has no after-sales case"),
    ("c2", "o1", "order o1 has no case c2"),
    ("o1", None, "no case o1; o1 is an order id: name its case with --order o1"),
    ("tw", None, "case id tw is in 2 shops: taobao/s1, taobao/s2; name its order with --order"),
    ("zz", None, "no case zz in the store (check the id, or import its after-sales export)"),
]


@pytest.mark.parametrize("case_id,order_id,expected", NAMED)
def test_a_case_is_named_by_its_id_or_its_orders_one_open_case(desk, case_id, order_id,
                                                                expected):
    if isinstance(expected, tuple):
        assert A.case_key(desk.cursor(), case_id, order_id) == expected
    else:
        with pytest.raises(A.ActionError) as info:
            A.case_key(desk.cursor(), case_id, order_id)
        assert str(info.value) == expected


# ---------------------------------------------------------------------------------------------
# Command line


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cases.duckdb"
    s = Store(path)
    load(s, ORDERS)
    load_cases(s, CASES)
    s.close()
    return str(path)


def events_of(db: str) -> list[tuple]:
    s = Store(db)
    try:
        return s.cursor().execute(
            "select event_id, order_id, case_id, action, text, kind, target_event, author "
            "from events order by event_id").fetchall()
    finally:
        s.close()


def said(capsys) -> tuple[str, str]:
    got = capsys.readouterr()
    return got.out, got.err


def recorded_line(out: str, start: str, event_id: int) -> None:
    """`out` is one line: `start`, a moment, and the event's number."""
    assert out.startswith(start) and out.endswith(f", event #{event_id}\n")
    assert out.count("\n") == 1
    moment = out[len(start):-len(f", event #{event_id}\n")]
    datetime.strptime(moment, "%Y-%m-%d %H:%M:%S")


def test_cli_case_actions_record_and_print_the_event(db, capsys):
    assert main(["--db", db, "action", "c1", "agree", "--by", "Li"]) == 0
    recorded_line(said(capsys)[0], "agree recorded on case c1 (order o1, s1) by Li at ", 1)
    assert main(["--db", db, "action", "c2", "reject", "--by", "Li", "--text", "已发货"]) == 0
    assert main(["--db", db, "action", "c3", "received", "--kind", "resellable"]) == 0
    assert main(["--db", db, "action", "c4", "feedback", "--text", "已告知"]) == 0
    assert main(["--db", db, "action", "c4", "assign", "--text", "小王", "--by", "Boss"]) == 0
    out, err = said(capsys)
    assert err == "" and out.count("\n") == 4
    recorded_line(out.splitlines(keepends=True)[3],
                  "assign recorded on case c4 (order o3, s1) by Boss at ", 5)
    assert events_of(db) == [
        (1, "o1", "c1", "agree", None, None, None, "Li"),
        (2, "o2", "c2", "reject", "已发货", None, None, "Li"),
        (3, "o2", "c3", "received", None, "resellable", None, "cli"),
        (4, "o3", "c4", "feedback", "已告知", None, None, "cli"),
        (5, "o3", "c4", "assign", "小王", None, None, "Boss"),
    ]


def test_cli_names_the_case_by_its_order(db, capsys):
    assert main(["--db", db, "action", "--order", "o1", "received", "--kind", "damaged"]) == 0
    recorded_line(said(capsys)[0], "received recorded on case c1 (order o1, s1) by cli at ", 1)
    # a case id with --order: that order's case (a case over included)
    assert main(["--db", db, "action", "c0", "feedback", "--order", "o1", "--text", "x"]) == 0
    assert main(["--db", db, "action", "tw", "agree", "--order", "o6"]) == 2   # two shops
    assert main(["--db", db, "action", "--order", "o2", "agree"]) == 2
    assert said(capsys)[1].endswith(
        "error: order o2 has 2 open cases: c2 (待商家处理); c3 (待买家退货); name one by its id\n")
    assert [e[2:4] for e in events_of(db)] == [("c1", "received"), ("c0", "feedback")]


# (argv after `action`, the one line on stderr)
CLI_REFUSALS = [
    (["c0", "agree"], "error: cannot agree to case c0: it is over (退款成功)"),
    (["c2", "reject"], "error: cannot reject case c2: it needs a text: the reason"),
    (["c1", "received", "--kind", "broken"], "error: cannot record the return received on "
     "case c1: it needs the state of the goods, one of resellable; damaged"),
    (["o1", "agree"], "error: no case o1; o1 is an order id: name its case with --order o1"),
    (["zz", "agree"], "error: no case zz in the store (check the id, or import its "
     "after-sales export)"),
    (["--order", "o3", "agree"],
     "error: order o3 has no open case (c4 (退款关闭)); name the case by its id"),
    (["--order", "o5", "agree"], "error: order o5 has no after-sales case"),
    (["c2", "agree", "--order", "o1"], "error: order o1 has no case c2"),
    (["--order", "o1", "process"],
     "error: --order names a case by its order; process is an order's action: give the ORDER_ID"),
    (["c1"], "error: action needs an ID and an ACTION (or --order ORDER_ID and an ACTION of "
     "cases)"),
    (["--order", "o1", "frobnicate"], "error: invalid action 'frobnicate' (choose from confirm, "
     "remind, process, courier, note, review, flag, resolve, undo, merge, split, packed, agree, "
     "reject, received, feedback, assign)"),
    (["c1", "agree", "--by", "Vera"],
     "error: a viewer may not agree to after-sales cases; ask a clerk or a manager"),
]


@pytest.mark.parametrize("argv,line", CLI_REFUSALS)
def test_cli_refusals_exit_2_with_one_line(db, capsys, argv, line):
    s = Store(db)
    users.add_user(s, "Vera", "viewer", None, by="test", sso_email="vera@example.com")
    s.close()
    assert main(["--db", db, "action", *argv]) == 2
    out, err = said(capsys)
    assert (out, err) == ("", line + "\n")
    assert events_of(db) == []


def test_cli_an_unknown_word_is_argparses_refusal(db, capsys):
    with pytest.raises(SystemExit) as info:
        main(["--db", db, "action", "c1", "frobnicate"])
    assert info.value.code == 2
    assert "invalid choice: 'frobnicate'" in said(capsys)[1]


def test_cli_undo_of_an_order_stays_the_orders_a_case_is_undone_by_its_id(db, capsys):
    assert main(["--db", db, "action", "o1", "note", "--text", "n1"]) == 0
    assert main(["--db", db, "action", "c1", "agree"]) == 0
    # ORDER_ID undo: the order's own last action, as ever (not the case's answer after it)
    assert main(["--db", db, "action", "o1", "undo"]) == 0
    assert main(["--db", db, "action", "o1", "undo"]) == 2
    out, err = said(capsys)
    assert err == "error: cannot undo order o1 (taobao/s1): it has no action left to undo\n"
    # a case id that is no order's id: the case's undo
    assert main(["--db", db, "action", "c1", "undo"]) == 0
    recorded_line(said(capsys)[0], "undo recorded on case c1 (order o1, s1) by cli at ", 4)
    assert main(["--db", db, "action", "c2", "agree"]) == 0
    assert main(["--db", db, "action", "--order", "o2", "undo"]) == 2   # two open cases
    assert main(["--db", db, "action", "c2", "undo", "--order", "o2"]) == 0
    assert [e[2:4] + e[6:7] for e in events_of(db)] == [
        (None, "note", None), ("c1", "agree", None), (None, "undo", 1), ("c1", "undo", 2),
        ("c2", "agree", None), ("c2", "undo", 5)]


def test_cli_order_actions_work_as_before(db, capsys):
    assert main(["--db", db, "action", "o4", "process", "--by", "Li"]) == 0
    recorded_line(said(capsys)[0], "process recorded on order o4 (s1) by Li at ", 1)
    assert events_of(db) == [(1, "o4", None, "process", None, None, None, "Li")]


# ---------------------------------------------------------------------------------------------
# The hand-off to a running dashboard


@pytest.mark.parametrize("argv,portable", [
    (["action", "c1", "received", "--kind", "damaged", "--text", "盒子压坏", "--by", "Li"],
     ["action", "c1", "received", "--by", "Li", "--text", "盒子压坏", "--kind", "damaged"]),
    (["action", "--order", "o1", "agree"], ["action", "agree", "--by", "cli", "--order", "o1"]),
    (["action", "c0", "feedback", "--order", "o1", "--text", "x"],
     ["action", "c0", "feedback", "--by", "cli", "--text", "x", "--order", "o1"]),
    (["action", "o1", "process"], ["action", "o1", "process", "--by", "cli"]),
])
def test_the_handed_command_keeps_its_words(argv, portable):
    args = build_parser().parse_args(argv)
    assert _portable_argv(args) == portable
    assert vars(build_parser().parse_args(portable)) == {**vars(args), "db": None}


def test_a_handed_case_action_runs_on_the_dashboards_store(desk, capsys):
    code, out, err = run_handed(desk, ["action", "agree", "--by", "night", "--order", "o1"])
    assert (code, err) == (0, "")
    recorded_line(out, "agree recorded on case c1 (order o1, s1) by night at ", 1)
    code, out, err = run_handed(desk, ["action", "--order", "o1", "process"])
    assert (code, out) == (2, "")
    assert err == ("error: --order names a case by its order; process is an order's action: "
                   "give the ORDER_ID\n")


def test_a_case_action_beside_a_running_dashboard(tmp_path):
    db = tmp_path / "desk.duckdb"
    store = Store(db)
    load(store, ORDERS)
    load_cases(store, CASES)
    assert handoff.serve(db, lambda argv: run_handed(store, argv)) is not None
    try:
        got = subprocess.run(
            [sys.executable, "-m", "pipeline", "--db", str(db), "--wait", "0", "action",
             "--order", "o1", "received", "--kind", "resellable", "--by", "night-job"],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert got.returncode == 0, got.stderr
        assert got.stdout.startswith("received recorded on case c1 (order o1, s1) by night-job")
        assert store.cursor().execute("select case_id, kind, author from events").fetchall() == [
            ("c1", "resellable", "night-job")]
    finally:
        handoff.stop(db)
        store.close()
