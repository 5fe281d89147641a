"""Order information (DESIGN §12): the message and note rules on hand-written texts and orders,
what each rule does, and a message, note or address changed after the desk acted."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd
import pytest

from pipeline.base import canonical as C
from pipeline.base.filters import ALL
from pipeline.base.roles import NotAllowed
from pipeline.db.settings import (
    DEFAULTS,
    get_settings,
    save_setting,
    settings_history,
)
from pipeline.desk import actions as A
from pipeline.desk import info
from pipeline.desk import queue as Q
from pipeline.desk.problems import open_problems, order_marks
from pipeline.desk.sla import restore_defaults
from pipeline.ingest.importing import apply_parsed
from pipeline.outputs.report import build_report
from tests.conftest import frame, load
from tests.factories import ADDR

# Marks and events count up to the "as of" moment; actions and imports are stamped with the
# real clock.
AS_OF = datetime(2030, 1, 1, 9, 0)
KEY = ("taobao", "s1")


def paid(order_id: str, **facts) -> dict:
    return {"order_id": order_id, "status_norm": "paid", "created_at": "2026-11-20 10:00",
            "paid_at": "2026-11-20 10:05", **ADDR, **facts}


def rule(rule_id: str, category: str, pattern: str, does: str = "tag", **kw) -> dict:
    return {"id": rule_id, "category": category, "pattern": pattern, "regex": False,
            "applies_to": ["buyer_message", "seller_note"], "does": does, "courier": None,
            "enabled": True, **kw}


def set_rules(store, key: str, value) -> None:
    with store.write() as cur:
        save_setting(cur, key, value, "ann")


def marks_of(store, as_of=AS_OF):
    got = open_problems(store.cursor(), ALL, as_of)
    return sorted((r.order_id, r.problem, r.reason) for r in got.itertuples())


DEFAULT = DEFAULTS["message_rules"]


# ---------------------------------------------------------------------------------------------
# The rules on texts


@pytest.mark.parametrize(("text", "expected"), [
    # Chinese, as buyers and shops write them
    ("麻烦改地址，改成公司的", ["address_change"]),
    ("地址写错了，应该是 3 号楼", ["address_change"]),
    ("能换色号吗？要 02", ["variant_change"]),
    ("尺码拍错了，换尺码 M", ["variant_change"]),
    ("不要了，麻烦取消订单", ["cancel_request"]),
    ("先别发，等我确认", ["cancel_request"]),
    ("请发顺丰", ["courier_request"]),
    ("指定中通，谢谢", ["courier_request"]),
    ("急用，麻烦尽快发货", ["urgent"]),
    ("怎么还不发货", ["urgent"]),
    ("需要开发票，抬头：某某公司", ["invoice"]),
    ("多送几个小样", ["gift_request"]),
    ("放快递柜就行，不要电话", ["delivery"]),
    ("周末家里没人", ["delivery"]),
    # English (Shopify)
    ("Please change the address to 5 Main St", ["address_change"]),
    ("Can I change the colour to red?", ["variant_change"]),
    ("Please CANCEL my order", ["cancel_request"]),
    ("Ship with DHL please", ["courier_request"]),
    ("URGENT - need it by Friday", ["urgent"]),
    ("Please send an invoice", ["invoice"]),
    ("Any free samples?", ["gift_request"]),
    ("Leave it at the back door", ["delivery"]),
    # several at once, in the rules' order; nothing caught
    ("加急！发顺丰，要发票", ["courier_request", "urgent", "invoice"]),
    ("色号别发错了，谢谢", []),          # 别发错 is not a cancel
    ("makeup brush set", []),           # `rush` only at the start of a word
    ("", []),
    (None, []),
])
def test_every_default_category(text, expected):
    assert info.categorise(text, DEFAULT) == expected


def test_the_defaults_are_the_design_s_categories_and_actions():
    assert [(r["category"], r["does"]) for r in DEFAULT] == [
        ("address_change", "hold"), ("variant_change", "hold"), ("cancel_request", "hold"),
        ("courier_request", "courier"), ("urgent", "first"), ("invoice", "tag"),
        ("gift_request", "tag"), ("delivery", "slip")]


def test_a_disabled_rule_catches_nothing_and_a_regex_rule_its_pattern():
    rules = [rule("r1", "urgent", "加急", enabled=False),
             rule("r2", "pre_sale", r"预售|\d+\s*号前发", regex=True)]
    assert info.categorise("加急", rules) == []
    assert info.categorise("请 15 号前发货", rules) == ["pre_sale"]
    hit = info.rule_hits("请15号前发货", rules)[0]
    assert (hit.rule_id, hit.category, hit.does, hit.matched) == ("r2", "pre_sale", "tag", "15号前发")


def test_a_rule_reads_only_the_texts_it_applies_to():
    rules = [rule("n", "vip", "VIP", applies_to=["seller_note"]),
             rule("f", "red_flag", "红", applies_to=["flag"])]
    assert info.categorise("VIP", rules, "buyer_message") == []
    assert info.categorise("VIP", rules, "seller_note") == ["vip"]
    assert info.categorise("红旗", rules, "flag") == ["red_flag"]


def test_the_courier_a_text_asks_for_and_those_it_refuses():
    assert info.couriers_named("不要发中通，发顺丰") == (["顺丰"], ["中通"])
    assert info.couriers_named("别走韵达") == ([], ["韵达"])
    assert info.couriers_named("Ship with UPS, not FedEx") == (["UPS"], ["FedEx"])
    assert info.couriers_named("ship via SF please, SFO is my airport") == (["SF"], [])
    hit = info.rule_hits("不要发中通，发顺丰", DEFAULT)[0]
    assert (hit.category, hit.courier, hit.avoid) == ("courier_request", "顺丰", "中通")
    # a rule's own courier wins over the text
    own = [rule("sf", "courier_request", "顺丰到付", does="courier", courier="顺丰速运")]
    assert info.rule_hits("顺丰到付可以吗", own)[0].courier == "顺丰速运"
    # held: nothing named, a courier the shop does not use, every used one refused
    assert info.courier_holds(None, None, [])
    assert not info.courier_holds("顺丰", None, [])
    assert not info.courier_holds("顺丰", None, ["顺丰速运", "中通快递"])
    assert info.courier_holds("京东", None, ["顺丰速运", "中通快递"])
    assert not info.courier_holds(None, "中通", ["顺丰速运", "中通快递"])
    assert info.courier_holds(None, "中通", ["中通快递"])
    assert not info.courier_holds("EMS", None, ["中国邮政"])      # one courier, two names


# ---------------------------------------------------------------------------------------------
# Saving the rules


@pytest.mark.parametrize(("rules", "said"), [
    ([rule("a", "x", "(abc", regex=True)],
     "Rule #1 (a / x): the regular expression is not valid"),
    ([rule("a", "x", "a*", regex=True)],
     "Rule #1 (a / x): the regular expression matches an empty text, so every order."),
    ([rule("a", "x", "改地址|")], "Rule #1 (a / x) has an empty word (one | too many)."),
    ([rule("a", "x", "y"), rule("a", "z", "w")],
     "Rule #2 (a / z) has the id of an earlier rule."),
    ([rule("a", "x", "y", does="shout")],
     "Rule #1 (a / x): unknown action “shout”; one of Hold until reviewed; First in the "
     "queue; Tag; Print on the slip; Set the courier."),
    ([rule("a", "x", "y", applies_to=[])],
     "Rule #1 (a / x) must read at least one of: Buyer message; Seller note; Flag."),
    ([rule("a", " x", "y")], "Rule #1 (a /  x) needs a category (without blanks around it)."),
    ([rule("a", "x", "y", courier="顺丰")],
     "Rule #1 (a / x) names a courier but does not set the courier."),
])
def test_rules_that_cannot_be_saved_are_refused_naming_the_rule(store, rules, said):
    with pytest.raises(ValueError) as refused:
        set_rules(store, "message_rules", rules)
    assert str(refused.value).startswith(said)
    assert get_settings(store.cursor())["message_rules"] == DEFAULT     # nothing saved
    # the page says it in Chinese too
    assert "规则 #" in refused.value.args[0].words("zh")


def test_courier_rules_and_couriers_are_checked_too(store):
    with pytest.raises(ValueError, match="Courier rule #1 \\(x\\): unknown kind “post”"):
        set_rules(store, "courier_rules", [{"id": "x", "kind": "post", "match": "",
                                            "courier": "EMS", "enabled": True}])
    with pytest.raises(ValueError, match="needs a courier"):
        set_rules(store, "courier_rules", [{"id": "x", "kind": "region", "match": "新疆",
                                            "courier": "", "enabled": True}])
    with pytest.raises(ValueError, match="each once"):
        set_rules(store, "couriers_used", ["顺丰", "顺丰"])
    set_rules(store, "couriers_used", ["顺丰速运", "中通快递"])
    assert get_settings(store.cursor())["couriers_used"] == ["顺丰速运", "中通快递"]


def test_every_change_is_logged_with_who_and_when_and_a_clerk_is_refused(store):
    mine = [rule("urgent", "urgent", "加急|急")]
    assert info.save_message_rules(store, mine, "ann") is True
    assert info.save_message_rules(store, mine, "ann") is False          # unchanged
    with pytest.raises(NotAllowed):
        info.save_message_rules(store, DEFAULT, "cleo", role="clerk")
    with store.write() as cur:
        save_setting(cur, "batch_size", 20, "bob")
    log = settings_history(store.cursor())
    assert log[["changed_by", "role", "key"]].values.tolist() == [
        ["bob", "manager", "batch_size"], ["ann", "manager", "message_rules"]]
    assert log["old_value"].isna().tolist() == [True, True]              # the defaults before
    assert '"加急|急"' in log["new_value"].iloc[1]
    # a reset of the parameters keeps the rules (they have their own editor), logged too
    restore_defaults(store)
    now = get_settings(store.cursor())
    assert (now["batch_size"], now["message_rules"]) == (50, mine)
    reset = settings_history(store.cursor(), ("batch_size",)).iloc[0]
    assert reset["old_value"] == "20" and pd.isna(reset["new_value"])    # back to the default


# ---------------------------------------------------------------------------------------------
# The store's orders under the rules


def test_the_open_orders_categories_and_counts(store):
    load(store, [
        paid("a", buyer_message="请改地址，加急"),
        paid("b", seller_note="客户要发票"),
        paid("c", buyer_message="Please ship ASAP"),
        paid("d", buyer_message="改地址", status_norm="shipped"),           # not open
        paid("e", buyer_message="你好"),                                    # nothing caught
    ])
    cats = info.order_categories(store.cursor(), ALL)
    assert cats[["order_id", "source", "category", "does", "matched"]].values.tolist() == [
        ["a", "buyer_message", "address_change", "hold", "改地址"],
        ["a", "buyer_message", "urgent", "first", "加急"],
        ["b", "seller_note", "invoice", "tag", "发票"],
        ["c", "buyer_message", "urgent", "first", "ASAP"],
    ]
    assert info.message_counts(store.cursor(), ALL) == {
        "address_change": 1, "variant_change": 0, "cancel_request": 0, "courier_request": 0,
        "urgent": 2, "invoice": 1, "gift_request": 0, "delivery": 0}
    # the desk's own note is read as the order's note
    A.record(store, ("taobao", "s1", "e"), "note", "ann", text="顾客要开票")
    assert info.message_counts(store.cursor(), ALL)["invoice"] == 2


def test_the_buyer_message_mark_carries_its_categories(store):
    load(store, [paid("a", buyer_message="加急，要发票"), paid("b", buyer_message="你好")])
    marks = open_problems(store.cursor(), ALL, AS_OF)
    assert [(r.order_id, r.problem, r.reason, r.categories) for r in marks.itertuples()] == [
        ("a", "buyer_message", "加急，要发票", ["urgent", "invoice"]),
        ("b", "buyer_message", "你好", []),
    ]
    assert order_marks(store.cursor(), *KEY, "a", AS_OF)["categories"].tolist() == [
        ["urgent", "invoice"]]


def test_hold_a_seller_note_holds_the_order_until_resolved(store):
    load(store, [paid("a", seller_note="买家要求改地址"), paid("b", seller_note="老客户"),
                 paid("c", buyer_message="改地址")])
    assert marks_of(store) == [("a", "buyer_message", "买家要求改地址"),
                               ("c", "buyer_message", "改地址")]
    q = Q.work_queue(store.cursor(), ALL, AS_OF).set_index("order_id")
    assert q["held"].to_dict() == {"a": True, "b": False, "c": True}
    # a buyer message is reviewed; a note alone is resolved
    A.record(store, ("taobao", "s1", "c"), "review", "ann")
    A.record(store, ("taobao", "s1", "a"), "resolve", "ann", text="地址已改", kind="buyer_message")
    assert marks_of(store) == []
    # a rule that no longer holds (switched to tag) holds nothing
    set_rules(store, "message_rules", [dict(DEFAULT[0], does="tag"), *DEFAULT[1:]])
    load(store, [paid("d", seller_note="改地址")], name="later")
    assert marks_of(store) == []


def test_first_tag_and_slip(store):
    load(store, [
        paid("a", buyer_message="急用，谢谢"),
        paid("b", buyer_message="放快递柜，周末不在家", status_norm="shipped"),
        paid("c", seller_note="要发票"),
        paid("d", seller_note="送货上门"),
    ])
    assert info.first_orders(store.cursor(), ALL).values.tolist() == [
        ["taobao", "s1", "a", "urgent", "急用"]]
    # the slip: any state (a shipped order's slip is printed again)
    slips = info.slip_notes(store.cursor(), [("taobao", "s1", k) for k in "abcd"])
    assert slips[["order_id", "category", "source", "matched", "text"]].values.tolist() == [
        ["b", "delivery", "buyer_message", "放快递柜", "放快递柜，周末不在家"],
        ["d", "delivery", "seller_note", "送货上门", "送货上门"],
    ]
    # a tag is shown, nothing more: neither held nor first
    cats = info.order_categories(store.cursor(), ALL)
    assert cats[["order_id", "category", "does"]].values.tolist() == [
        ["a", "urgent", "first"], ["c", "invoice", "tag"], ["d", "delivery", "slip"]]
    assert info.info_holds(store.cursor(), ALL).empty
    assert marks_of(store) == [("a", "buyer_message", "急用，谢谢")]


def test_a_courier_request_holds_when_the_shop_cannot_follow_it(store):
    load(store, [paid("a", seller_note="发顺丰"), paid("b", seller_note="发京东"),
                 paid("c", seller_note="指定快递")])
    holds = info.info_holds(store.cursor(), ALL)
    assert holds[["order_id", "category", "reason"]].values.tolist() == [
        ["c", "courier_request", "指定快递"]]                  # no courier named
    set_rules(store, "couriers_used", ["顺丰速运", "中通快递"])
    holds = info.info_holds(store.cursor(), ALL)
    assert holds["order_id"].tolist() == ["b", "c"]            # 京东 is not one of them
    cats = info.order_categories(store.cursor(), ALL)
    assert cats[["order_id", "courier"]].values.tolist() == [["a", "顺丰"], ["b", "京东"],
                                                             ["c", None]]
    assert sorted(o for o, p, _ in marks_of(store)) == ["b", "c"]


def test_a_flag_rule_reads_the_seller_flag(store):
    load(store, [paid("a", seller_flag="红旗"), paid("b", seller_flag="  "), paid("c")])
    set_rules(store, "message_rules", [
        *DEFAULT, rule("red", "red_flag", "红", applies_to=["flag"], does="first")])
    assert info.first_orders(store.cursor(), ALL)["order_id"].tolist() == ["a"]
    assert info.message_counts(store.cursor(), ALL)["red_flag"] == 1
    found = info.texts(store.cursor(), ALL)                  # a blank flag is no text
    assert found.loc[found["source"] == "flag", ["order_id", "text"]].values.tolist() == [
        ["a", "红旗"]]
    slip = [rule("red", "red_flag", "红", applies_to=["flag"], does="slip")]
    set_rules(store, "message_rules", slip)                  # any state: the slip's reading
    assert info.slip_notes(store.cursor(), [("taobao", "s1", "a")])[
        ["order_id", "source", "text"]].values.tolist() == [["a", "flag", "红旗"]]


def test_preview_runs_unsaved_rules(store):
    load(store, [paid("a", buyer_message="预售，15号前发"), paid("b", buyer_message="你好")])
    unsaved = [rule("p", "pre_sale", "预售")]
    got = info.preview(store.cursor(), unsaved)
    assert got[["order_id", "category", "matched", "text"]].values.tolist() == [
        ["a", "pre_sale", "预售", "预售，15号前发"]]
    assert info.message_counts(store.cursor(), ALL).get("pre_sale") is None   # not saved
    with pytest.raises(ValueError, match="not valid"):
        info.preview(store.cursor(), [rule("p", "x", "(", regex=True)])


# ---------------------------------------------------------------------------------------------
# Changed after the desk acted


def import_rows(store, rows: list[dict], name: str) -> None:
    """Canonical order rows imported as one file, under its own name and bytes."""
    parsed = C.Parsed("test", {"orders": frame(rows, {"platform": "taobao", "shop": "s1"})},
                      rows_read=len(rows))
    apply_parsed(store, parsed, name, hashlib.sha256(name.encode()).hexdigest(), "test")


def changes(store) -> list[tuple]:
    return store.cursor().execute(
        "select order_id, field, old_text, new_text from info_changes order by all").fetchall()


def test_a_message_changed_after_processing_raises_info_changed_until_reviewed(store):
    import_rows(store, [paid("a", buyer_message="请发顺丰"), paid("b", buyer_message="你好"),
                        paid("c", seller_note="老客户")], "first.csv")
    A.record(store, ("taobao", "s1", "a"), "review", "ann")
    A.record(store, ("taobao", "s1", "a"), "process", "ann")
    A.record(store, ("taobao", "s1", "c"), "process", "ann")
    # b was never acted on: its change is the buyer_message mark alone
    newer = [paid("a", buyer_message="请发顺丰，改地址到上海"), paid("b", buyer_message="你好呀"),
             paid("c", seller_note="老客户", address="解放中路 200 号")]
    import_rows(store, newer, "second.csv")
    assert changes(store) == [
        ("a", "buyer_message", "请发顺丰", "请发顺丰，改地址到上海"),
        ("c", "address", "广东省 广州市 越秀区 解放中路100号", "广东省 广州市 越秀区 解放中路 200 号"),
    ]
    now = datetime(2030, 1, 1)
    assert marks_of(store, now) == [
        ("a", "buyer_message", "请发顺丰，改地址到上海"),
        ("a", "info_changed", "changed_buyer_message"),
        ("b", "buyer_message", "你好呀"),
        ("c", "info_changed", "changed_address"),
    ]
    shown = info.info_changes_of(store.cursor(), *KEY, "a")
    assert shown[["field", "old_text", "new_text", "file_name", "reviewed"]].values.tolist() == [
        ["buyer_message", "请发顺丰", "请发顺丰，改地址到上海", "second.csv", False]]
    held = Q.work_queue(store.cursor(), ALL, now).set_index("order_id")["problems"]
    assert held["c"] == "info_changed"
    # the same file again changes nothing; the same texts in another file neither
    import_rows(store, newer, "second.csv")
    import_rows(store, newer, "third.csv")
    assert len(changes(store)) == 2
    # a review clears it (the message's mark and the change)
    A.record(store, ("taobao", "s1", "a"), "review", "ann")
    assert [m for m in marks_of(store, now) if m[0] == "a"] == []
    assert info.info_changes_of(store.cursor(), *KEY, "a")["reviewed"].tolist() == [True]
    # a change after the review raises it again
    import_rows(store, [paid("a", buyer_message="不要了")], "fourth.csv")
    assert ("a", "info_changed", "changed_buyer_message") in marks_of(store, now)


def test_what_is_not_a_change(store):
    import_rows(store, [paid("a", buyer_message="请发顺丰", seller_note="老客户"),
                        paid("m", address="****", province=None, city=None, district=None)],
                "first.csv")
    for order_id in ("a", "m"):
        A.record(store, ("taobao", "s1", order_id), "process", "ann")
    import_rows(store, [
        paid("a", buyer_message=" 请发 顺丰 ", seller_note=""),  # blanks; an emptied note
        paid("m"),                                              # the masked address arrives
    ], "second.csv")
    assert changes(store) == []
    # an undone processing is no longer the desk having acted
    import_rows(store, [paid("a", buyer_message="改发中通")], "third.csv")
    assert changes(store) == [("a", "buyer_message", "请发 顺丰", "改发中通")]
    assert ("a", "info_changed", "changed_buyer_message") in marks_of(store)
    A.record(store, ("taobao", "s1", "a"), "undo", "ann")
    assert ("a", "info_changed", "changed_buyer_message") not in marks_of(store)


# ---------------------------------------------------------------------------------------------
# The report


def test_the_report_counts_messages_and_info_changed(store):
    load(store, [paid("a", buyer_message="加急"), paid("b", buyer_message="发票")])
    A.record(store, ("taobao", "s1", "b"), "process", "ann")
    import_rows(store, [paid("b", buyer_message="发票抬头改一下")], "later.csv")
    rep = build_report(store.cursor(), AS_OF)
    assert rep["messages"] == {
        "address_change": 0, "variant_change": 0, "cancel_request": 0, "courier_request": 0,
        "urgent": 1, "invoice": 1, "gift_request": 0, "delivery": 0}
    assert rep["problems"]["info_changed"] == 1
    assert rep["problems"]["buyer_message"] == 2
    assert isinstance(rep["couriers"], dict)           # beside it, the courier rules' key


def test_labels_of_the_default_categories_and_reasons():
    from pipeline.base.labels import LABELS

    wanted = [*info.CATEGORY_LABELS.values(), *info.DOES_LABELS.values(),
              *info.SOURCE_LABELS.values(), *info.CHANGED_LABELS.values()]
    assert len(wanted) == 8 + 5 + 3 + 3
    assert [k for k in wanted if k not in LABELS] == []
    assert LABELS["info_cat_address_change"] == ("改地址", "Address change")
    assert list(info.CATEGORIES) == [r["category"] for r in DEFAULT]


def test_a_changed_address_alone_is_reviewed_and_cleared(store):
    """An order without a buyer message whose address a newer export changed after the desk
    processed it: the review that clears `info_changed` is taken (it is refused only when there
    is nothing to review)."""
    import_rows(store, [paid("c", seller_note="老客户")], "first.csv")
    A.record(store, ("taobao", "s1", "c"), "process", "ann")
    with pytest.raises(A.ActionError):                  # nothing to review yet
        A.record(store, ("taobao", "s1", "c"), "review", "ann")
    import_rows(store, [paid("c", seller_note="老客户", address="解放中路 200 号")], "second.csv")
    now = datetime(2030, 1, 1)
    assert marks_of(store, now) == [("c", "info_changed", "changed_address")]
    A.record(store, ("taobao", "s1", "c"), "review", "ann")
    assert marks_of(store, now) == []
