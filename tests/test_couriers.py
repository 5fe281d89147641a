"""Courier rules (DESIGN §12), worked by hand: each kind of rule in the table's order, the
first match winning, a disabled rule skipped, a courier set by hand or by the export winning,
a vague address getting none, batches by the proposed courier, the split preview, the counts
per courier, the saving of the table, and its editor on the Settings page."""

from __future__ import annotations

import time
from datetime import datetime

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.base.filters import ALL
from pipeline.base.roles import NotAllowed
from pipeline.db.settings import settings_history
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.desk import courier_proposals as P
from pipeline.desk import couriers as K
from pipeline.desk import queue as Q
from pipeline.desk.sla import update_settings
from tests.conftest import load

AS_OF = datetime(2030, 1, 1, 9, 0)
DAY = "2026-11-20"

ZJ = {"province": "浙江省", "city": "杭州市", "district": "西湖区", "address": "文三路100号华星大厦"}
XJ = {"province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区",
      "address": "解放北路88号"}
# a Lhasa street named after Beijing: a rule for 北京 reads the province and city, not this
XZ = {"province": "西藏自治区", "city": "拉萨市", "district": "城关区", "address": "北京中路20号"}

RULES = [
    {"id": "asked", "kind": "requested", "match": "", "courier": "", "enabled": True},
    {"id": "west", "kind": "region", "match": "新疆|西藏|青海|内蒙古", "courier": "EMS",
     "enabled": True},
    {"id": "dear", "kind": "value", "match": "500", "courier": "顺丰速运", "enabled": True},
    {"id": "many", "kind": "pieces", "match": "5", "courier": "德邦", "enabled": True},
    {"id": "glass", "kind": "sku", "match": "GLASS|VASE", "courier": "京东物流", "enabled": True},
    {"id": "house", "kind": "shop_default", "match": "", "courier": "", "enabled": True},
]


def paid(order_id: str, minute: int, amount: float = 100, where: dict = ZJ, **facts) -> dict:
    return {"order_id": order_id, "created_at": f"{DAY} 08:00", "status_norm": "paid",
            "paid_at": f"{DAY} 10:{minute:02d}", "paid": amount, "order_total": amount,
            "currency": "CNY", **where, **facts}


def lines(order_id: str, *items: tuple[str, int]) -> list[dict]:
    return [{"order_id": order_id, "line_id": str(i), "sku": sku, "quantity": qty}
            for i, (sku, qty) in enumerate(items, start=1)]


def settle(store: Store, rules: list[dict] | None = None, **settings) -> None:
    """Save the courier rules (RULES by default) and other settings, as a manager would."""
    update_settings(store, {"courier_rules": RULES if rules is None else rules, **settings},
                    "Wang")


def rows(frame: pd.DataFrame, cols: list[str]) -> list[list]:
    part = frame[cols].astype(object)
    return part.where(part.notna(), None).values.tolist()


def proposals(store: Store) -> list[list]:
    return rows(K.proposed_couriers(store.cursor(), ALL, AS_OF),
                ["order_id", "courier", "rule_id", "rule_kind", "why"])


@pytest.fixture
def desk(store):
    """One order per kind of rule, each also matching the rules below its own, in the order
    they were paid (the queue's order); one with the export's courier, one with a vague
    address and one whose courier is set by hand. The desk's default courier is 中通快递."""
    load(store, [
        paid("asked", 0, 900, XJ, buyer_message="麻烦发顺丰，谢谢"),   # also west, dear
        paid("far", 1, 900, XZ),                                      # also dear
        paid("rich", 2, 800),                                         # also many (6 pieces)
        paid("bulky", 3),                                             # also glass
        paid("fragile", 4),
        paid("plain", 5),
        paid("export", 6, courier="韵达快递"),
        paid("vague", 7, address="不详"),
        paid("handset", 8),
    ], lines("asked", ("A", 1)) + lines("far", ("A", 1)) + lines("rich", ("A", 6))
       + lines("bulky", ("A", 5), ("GLASS", 1)) + lines("fragile", ("GLASS", 1))
       + lines("plain", ("A", 1)) + lines("export", ("A", 1)) + lines("vague", ("A", 1))
       + lines("handset", ("A", 1)))
    settle(store, default_courier="中通快递")
    A.record(store, ("taobao", "s1", "handset"), "courier", by="Li", text="YTO 8801")
    return store


EXPECTED = [
    ["asked", "顺丰", "asked", "requested", "发顺丰"],
    ["far", "EMS", "west", "region", "西藏"],
    ["rich", "顺丰速运", "dear", "value", "CNY 800.00"],
    ["bulky", "德邦", "many", "pieces", "6"],
    ["fragile", "京东物流", "glass", "sku", "GLASS"],
    ["plain", "中通快递", "house", "shop_default", None],
    ["export", "韵达快递", None, "export", None],
    ["vague", None, None, "vague_address", "placeholder"],
    ["handset", "YTO", None, "hand", "Li"],
]


def test_each_kind_of_rule_in_the_tables_order(desk):
    assert proposals(desk) == EXPECTED


def test_the_queue_shows_the_proposed_courier_and_its_rule(desk):
    q = Q.work_queue(desk.cursor(), ALL, AS_OF)
    assert rows(q, ["order_id", "courier", "proposed_courier", "courier_rule",
                    "courier_rule_kind"])[5:] == [
        ["plain", None, "中通快递", "house", "shop_default"],
        ["export", "韵达快递", "韵达快递", None, "export"],
        ["vague", None, None, None, "vague_address"],
        ["handset", "YTO", "YTO", None, "hand"],
    ]


def test_the_first_match_wins_in_the_tables_order_not_the_kinds(desk):
    glass_first = [RULES[4], *RULES[:4], RULES[5]]
    settle(desk, glass_first)
    got = {r[0]: r[1:] for r in proposals(desk)}
    assert got["bulky"] == ["京东物流", "glass", "sku", "GLASS"]      # pieces came first before
    assert got["asked"] == ["顺丰", "asked", "requested", "发顺丰"]
    assert got["rich"] == ["顺丰速运", "dear", "value", "CNY 800.00"]


def test_a_disabled_rule_is_skipped(desk):
    settle(desk, [{**r, "enabled": r["id"] != "west"} for r in RULES])
    got = {r[0]: r[1:] for r in proposals(desk)}
    assert got["far"] == ["顺丰速运", "dear", "value", "CNY 900.00"]
    assert got["asked"] == ["顺丰", "asked", "requested", "发顺丰"]


def test_no_rule_matching_leaves_the_order_without_a_courier(desk):
    # the default table's last rule, the desk's default courier, unset: nothing for `plain`
    settle(desk, RULES, default_courier="")
    got = {r[0]: r[1:] for r in proposals(desk)}
    assert got["plain"] == [None, None, None, None]
    assert got["fragile"] == ["京东物流", "glass", "sku", "GLASS"]


def test_a_region_is_read_from_the_province_and_city_not_a_street_name(desk):
    settle(desk, [{"id": "capital", "kind": "region", "match": "北京", "courier": "SF",
                   "enabled": True},
                  {"id": "lhasa", "kind": "region", "match": "拉萨", "courier": "EMS",
                   "enabled": True}])
    got = {r[0]: r[1:] for r in proposals(desk)}
    assert got["far"] == ["EMS", "lhasa", "region", "拉萨"]
    assert got["plain"] == [None, None, None, None]


def test_a_courier_set_by_hand_wins_over_every_rule_and_a_vague_address(desk):
    A.record(desk, ("taobao", "s1", "far"), "courier", by="Li", text="SF 1234")
    A.record(desk, ("taobao", "s1", "vague"), "courier", by="Mei", text="ZTO 5678")
    got = {r[0]: r[1:] for r in proposals(desk)}
    assert got["far"] == ["SF", None, "hand", "Li"]
    assert got["vague"] == ["ZTO", None, "hand", "Mei"]
    # taken back, the rule chooses again
    A.record(desk, ("taobao", "s1", "far"), "undo", by="Li")
    assert {r[0]: r[1:] for r in proposals(desk)}["far"] == ["EMS", "west", "region", "西藏"]


def test_a_requested_courier_as_the_shop_names_it_and_one_it_does_not_use(store):
    load(store, [paid("sf", 0, buyer_message="请发顺丰，谢谢"),
                 paid("jt", 1, buyer_message="发极兔吧"),
                 paid("not_zto", 2, seller_note="买家说不要发中通，发圆通")],
         lines("sf", ("A", 1)) + lines("jt", ("A", 1)) + lines("not_zto", ("A", 1)))
    settle(store, RULES, default_courier="中通快递", couriers_used=["顺丰速运", "中通快递"])
    got = {r[0]: r[1:] for r in proposals(store)}
    assert got["sf"] == ["顺丰速运", "asked", "requested", "发顺丰"]
    # 极兔 and 圆通 are not couriers of the shop: the next rule chooses (the message rules hold
    # the order for the desk to read)
    assert got["jt"] == ["中通快递", "house", "shop_default", None]
    assert got["not_zto"] == ["中通快递", "house", "shop_default", None]
    requested = P.courier_requested(store.cursor(), ALL)
    assert rows(requested, ["order_id", "courier", "source"]) == [["sf", "顺丰速运", "buyer_message"]]


def test_a_requested_rule_may_name_the_couriers_it_applies_to_and_its_own(store):
    load(store, [paid("sf", 0, buyer_message="发顺丰"), paid("zto", 1, buyer_message="发中通")],
         lines("sf", ("A", 1)) + lines("zto", ("A", 1)))
    settle(store, [{"id": "sf_fast", "kind": "requested", "match": "顺丰", "courier": "顺丰特快",
                    "enabled": True}, RULES[0]])
    assert proposals(store) == [["sf", "顺丰特快", "sf_fast", "requested", "发顺丰"],
                                ["zto", "中通", "asked", "requested", "发中通"]]


@pytest.fixture
def waves(store):
    """Three single A orders for the shop default (中通快递), three to Tibet (EMS), two with the
    export's 韵达快递, one to Tibet with two pieces; paid in that order."""
    orders = [paid(f"p{i}", i) for i in range(1, 4)]
    orders += [paid(f"t{i}", 3 + i, where=XZ) for i in range(1, 4)]
    orders += [paid(f"y{i}", 6 + i, courier="韵达快递") for i in range(1, 3)]
    orders.append(paid("t_two", 9, where=XZ))
    items = [line for o in orders if o["order_id"] != "t_two"
             for line in lines(o["order_id"], ("A", 1))]
    load(store, orders, items + lines("t_two", ("A", 2)))
    settle(store, RULES, default_courier="中通快递")
    return store


def test_batches_form_by_the_proposed_courier(waves):
    b = Q.batches(waves.cursor(), ALL, AS_OF)
    assert rows(b, ["kind", "sku_set", "courier", "orders", "pieces"]) == [
        ["single", "A", "中通快递", 3, 3],
        ["single", "A", "EMS", 3, 3],
        ["mixed_single", None, "韵达快递", 2, 2],
        ["mixed", None, "EMS", 1, 2],
    ]
    assert [list(k) for k in b["courier_rules"]] == [["shop_default"], ["region"], ["export"],
                                                     ["region"]]
    members = Q.batch_members(waves.cursor(), ALL, AS_OF)
    assert members.groupby("batch_id", sort=False)["order_id"].apply(list).tolist() == [
        ["p1", "p2", "p3"], ["t1", "t2", "t3"], ["y1", "y2"], ["t_two"]]
    # the same batch of another courier is another batch
    assert b["batch_id"].is_unique


def test_batches_follow_a_change_of_the_rules(waves):
    settle(waves, [RULES[5]], default_courier="中通快递")       # the shop default alone
    b = Q.batches(waves.cursor(), ALL, AS_OF)
    assert rows(b, ["kind", "courier", "orders"]) == [
        ["single", "中通快递", 6], ["mixed_single", "韵达快递", 2], ["mixed", "中通快递", 1]]


def test_split_preview_of_rules_not_saved(desk):
    unsaved = [{"id": "west", "kind": "region", "match": "新疆|西藏", "courier": "EMS",
                "enabled": True},
               {"id": "rest", "kind": "shop_default", "match": "", "courier": "圆通",
                "enabled": True}]
    split = K.split_preview(desk.cursor(), unsaved, ALL, AS_OF)
    assert rows(split, ["courier", "orders"]) == [
        ["圆通", 4], ["EMS", 2], ["YTO", 1], ["韵达快递", 1], [None, 1]]
    # nothing saved: the queue proposes as before
    assert proposals(desk) == EXPECTED


def test_courier_counts(waves):
    A.record(waves, ("taobao", "s1", "p1"), "courier", by="Li", text="SF 1")
    assert list(K.courier_counts(waves.cursor(), ALL, AS_OF).items()) == [
        ("EMS", 4), ("中通快递", 2), ("韵达快递", 2), ("SF", 1)]


def test_counts_put_the_orders_without_a_courier_last(desk):
    counts = K.courier_counts(desk.cursor(), ALL, AS_OF)
    assert counts == {"顺丰": 1, "EMS": 1, "顺丰速运": 1, "德邦": 1, "京东物流": 1, "中通快递": 1,
                      "韵达快递": 1, "YTO": 1, "": 1}
    assert list(counts)[-1] == ""


def test_saving_the_rules_is_a_managers_and_is_recorded(desk):
    table = [RULES[1], RULES[5]]
    with pytest.raises(NotAllowed):
        K.save_courier_rules(desk, table, by="Cleo", role="clerk")
    with pytest.raises(ValueError):
        K.save_courier_rules(desk, [{**RULES[2], "match": "lots"}], by="Wang", role="manager")
    assert K.save_courier_rules(desk, table, by="Wang", role="manager")
    assert not K.save_courier_rules(desk, table, by="Wang", role="manager")
    assert P.courier_rules(desk.cursor()) == table
    log = settings_history(desk.cursor(), ("courier_rules",))
    assert log[["changed_by", "role"]].values.tolist()[0] == ["Wang", "manager"]


# ---------------------------------------------------------------------------------------------
# The editor on the Settings page


def editor_script():
    from ui.courier_rules import courier_rules_section

    courier_rules_section()


@pytest.fixture
def editor_db(tmp_path):
    path = tmp_path / "editor.duckdb"
    s = Store(path)
    load(s, [paid("far", 1, where=XZ), paid("plain", 2), paid("rich", 3, 800)],
         lines("far", ("A", 1)) + lines("plain", ("A", 1)) + lines("rich", ("A", 1)))
    update_settings(s, {"default_courier": "中通快递"}, "Wang")
    s.close()
    return path


def editor(db, monkeypatch, role: str = "manager") -> AppTest:
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(editor_script, default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["auth_user"] = {"name": "Mia" if role == "manager" else "Cleo",
                                     "role": role, "seen": time.time(), "sso": False}
    return at.run()


def frame_with(at: AppTest, column: str) -> pd.DataFrame | None:
    """The first table on screen with `column`, if any."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def shown(at: AppTest) -> list[list]:
    table = frame_with(at, "position")
    return table[["position", "enabled", "kind", "match", "courier"]].values.tolist()


def test_the_editor_orders_changes_previews_and_saves(editor_db, monkeypatch):
    at = editor(editor_db, monkeypatch)
    assert not at.exception
    assert shown(at) == [
        [1, True, "Asked for", "any", "the one asked for"],
        [2, True, "Region", "新疆|西藏|青海|内蒙古", "EMS"],
        [3, True, "Shop default", "any", "the desk's default: 中通快递"]]
    # a value rule added after the region's, then moved above it
    at.selectbox(key="cr_pick").set_value(1).run()
    at.selectbox(key="cr_kind").set_value("value").run()
    at.text_input(key="cr_match").input("500").run()
    at.text_input(key="cr_courier").input("顺丰速运").run()
    at.button(key="cr_add_rule").click().run()
    assert not at.exception
    assert at.selectbox(key="cr_pick").value == 2
    at.button(key="cr_move_up").click().run()
    assert [r[2:] for r in shown(at)] == [
        ["Asked for", "any", "the one asked for"], ["Order value", "500", "顺丰速运"],
        ["Region", "新疆|西藏|青海|内蒙古", "EMS"],
        ["Shop default", "any", "the desk's default: 中通快递"]]
    # the region's rule disabled
    at.selectbox(key="cr_pick").set_value(2).run()
    assert at.text_input(key="cr_match").value == "新疆|西藏|青海|内蒙古"
    at.checkbox(key="cr_enabled").uncheck().run()
    at.button(key="cr_change_rule").click().run()
    assert [r[1] for r in shown(at)] == [True, True, False, True]
    assert any("not saved yet" in w.value for w in at.warning)
    # how the three waiting orders would split: far (Tibet) from EMS to the default
    at.button(key="cr_preview_split").click().run()
    assert not at.exception
    split = frame_with(at, "after")
    assert split.values.tolist() == [["中通快递", 2, 2], ["顺丰速运", 0, 1], ["EMS", 1, 0]]
    at.button(key="cr_save_rules").click().run()
    assert not at.exception
    assert any(s.value == "Courier rules saved." for s in at.success)
    s = Store(editor_db)
    try:
        saved = P.courier_rules(s.cursor())
        who = settings_history(s.cursor(), ("courier_rules",))["changed_by"].tolist()
    finally:
        s.close()
    assert [(r["kind"], r["match"], r["courier"], r["enabled"]) for r in saved] == [
        ("requested", "", "", True), ("value", "500", "顺丰速运", True),
        ("region", "新疆|西藏|青海|内蒙古", "EMS", False), ("shop_default", "", "", True)]
    assert who == ["Mia"]


def test_the_editor_refuses_a_rule_that_cannot_be_read(editor_db, monkeypatch):
    at = editor(editor_db, monkeypatch)
    at.selectbox(key="cr_kind").set_value("pieces").run()
    at.text_input(key="cr_match").input("many").run()
    at.text_input(key="cr_courier").input("德邦").run()
    at.button(key="cr_change_rule").click().run()
    at.button(key="cr_preview_split").click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert frame_with(at, "after") is None


def test_the_editor_deletes_and_goes_back_to_the_saved_table(editor_db, monkeypatch):
    at = editor(editor_db, monkeypatch)
    at.button(key="cr_delete_rule").click().run()
    assert [r[2] for r in shown(at)] == ["Region", "Shop default"]
    at.button(key="cr_discard_draft").click().run()
    assert [r[2] for r in shown(at)] == ["Asked for", "Region", "Shop default"]
    assert at.button(key="cr_discard_draft").disabled


def test_a_clerk_edits_nothing_into_the_store(editor_db, monkeypatch):
    at = editor(editor_db, monkeypatch, role="clerk")
    assert not at.exception
    assert at.button(key="cr_save_rules").disabled
    assert any(c.value == "Only a manager can change the courier rules." for c in at.caption)
    # the draft is the clerk's to try (and preview); saving it is not
    at.button(key="cr_delete_rule").click().run()
    assert not at.exception
    assert [r[2] for r in shown(at)] == ["Region", "Shop default"]
    assert at.button(key="cr_save_rules").disabled
    s = Store(editor_db)
    try:
        assert [r["kind"] for r in P.courier_rules(s.cursor())] == [
            "requested", "region", "shop_default"]
    finally:
        s.close()
