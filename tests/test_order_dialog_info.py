"""The order detail's order information (DESIGN §12): the receiver as exported, the message and
note with their categories, a change after the desk acted before and now, the proposed courier
and why, the order's parcels, and merging and splitting from the dialog (recorded with the
person's name, undone, refused in one sentence)."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.db.store import Store
from pipeline.desk import actions as A
from tests.conftest import load
from tests.factories import ADDR

FAR = {"province": "新疆维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区",
       "address": "解放北路 8 号"}
PAID = {"status_norm": "paid", "created_at": "2026-11-20 10:00", "paid_at": "2026-11-20 10:05"}
WORD_JOINER = "\u2060"


@pytest.fixture
def db(tmp_path):
    """`o1` with a message and a note the default rules catch, two lines (A ×2, B ×1) and two
    merge candidates of the same buyer and address (`o2`, and `o3` already processed); `far`
    asking for 顺丰 and `far2` in 新疆; `chg` processed, then its message changed; `m` masked."""
    path = tmp_path / "info.duckdb"
    s = Store(path)
    load(s, [
        {"order_id": "o1", **PAID, **ADDR, "buyer": "tom", "receiver": "Tom Li",
         "phone": "13800001111", "buyer_message": "请改地址，加急！", "seller_note": "要开发票"},
        {"order_id": "o2", **PAID, **ADDR, "buyer": "tom"},
        {"order_id": "o3", **PAID, **ADDR, "buyer": "tom"},
        {"order_id": "far", **PAID, **FAR, "buyer": "amy", "buyer_message": "请发顺丰"},
        {"order_id": "far2", **PAID, **FAR, "buyer": "bob"},
        {"order_id": "chg", **PAID, **ADDR, "buyer": "cat", "buyer_message": "周末送"},
        {"order_id": "m", **PAID, **ADDR, "buyer": "t**2", "receiver": "##密文",
         "phone": "139****4321"},
    ], [
        {"order_id": "o1", "line_id": "1", "sku": "A", "quantity": 2},
        {"order_id": "o1", "line_id": "2", "sku": "B", "quantity": 1},
        *({"order_id": o, "line_id": "1", "sku": "C", "quantity": 1}
          for o in ("o2", "o3", "far", "far2", "chg", "m")),
    ])
    A.record(s, ("taobao", "s1", "o3"), "process", by="Li")
    A.record(s, ("taobao", "s1", "chg"), "review", by="Li")
    A.record(s, ("taobao", "s1", "chg"), "process", by="Li")
    load(s, [{"order_id": "chg", **PAID, **ADDR, "buyer": "cat", "buyer_message": "改发中通"}],
         name="newer")
    s.close()
    return path


def open_script(order_id):
    """Opens the dialog of `order_id` on the first run; later runs rerun only its body."""
    import streamlit as st

    from ui import order_dialog

    order_dialog.show_flash()
    if st.session_state.get("opened"):
        st.dialog("Order", width="large")(order_dialog._order_body)("taobao", "s1", order_id)
    else:
        st.session_state["opened"] = True
        order_dialog.open_order_dialog("taobao", "s1", order_id)


def app(db, monkeypatch, order_id: str, state=None) -> AppTest:
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(open_script, default_timeout=60, args=(order_id,))
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


def shown(elements) -> list[str]:
    """What Markdown elements show (their escapes and word joiners taken away)."""
    return [e.value.replace("\\", "").replace(WORD_JOINER, "") for e in elements]


def texts(at) -> str:
    return "\n".join(x.value for x in at.text)


def table(at, column: str):
    """The one table of the dialog with `column`."""
    [found] = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def events(db, action: str) -> list[tuple]:
    s = Store(db)
    try:
        return s.cursor().execute(
            "select order_id, text, author from events where action = $action order by event_id",
            {"action": action}).fetchall()
    finally:
        s.close()


def test_the_message_and_the_note_show_their_categories(db, monkeypatch):
    at = app(db, monkeypatch, "o1")
    assert not at.exception
    assert "买家留言：请改地址，加急！" in texts(at)
    assert "卖家备注：要开发票" in texts(at)
    badges = [m for m in shown(at.markdown) if "-badge[" in m]
    assert badges == [":red-badge[:material/pause_circle: 改地址]",
                      ":orange-badge[:material/bolt: 加急]",
                      ":blue-badge[:material/sell: 发票]"]
    # what each does, under its own text: the message's two, then the note's one
    assert [c for c in shown(at.caption) if "命中" in c] == [
        "改地址：暂停（审核后放行）（命中“改地址”）、加急：优先处理（命中“加急”）",
        "发票：打标记（命中“发票”）"]


def test_the_receiver_is_shown_as_exported_a_masked_one_said_masked(db, monkeypatch):
    facts = texts(app(db, monkeypatch, "o1"))
    assert "买家：tom\n" in facts and "收货人：Tom Li\n" in facts
    assert "收货人电话：13800001111\n" in facts
    facts = texts(app(db, monkeypatch, "m"))
    assert "买家：t**2（平台已隐藏）" in facts
    assert "收货人：##密文（平台已隐藏）" in facts
    assert "收货人电话：139****4321（平台已隐藏）" in facts


def test_a_change_after_the_desk_acted_shows_before_and_now(db, monkeypatch):
    at = app(db, monkeypatch, "chg")
    assert not at.exception
    assert "处理后信息有变" in shown(at.caption)
    head = [x for x in at.text if x.value.startswith("买家留言 · ")]
    assert len(head) == 1 and head[0].value.endswith("newer · 未审核：订单暂停，审核后放行")
    assert {"之前", "现在"} <= set(shown(at.caption))
    assert [x.value for x in at.text if x.value in ("周末送", "改发中通")] == ["周末送", "改发中通"]
    # the mark's reason in words
    marks = table(at, "原因")
    assert "买家留言有变" in marks["原因"].tolist()
    # a review from the dialog sees it: the change stays listed, reviewed, and holds no more
    at = app(db, monkeypatch, "chg", {"actor": "Wang"})
    at.segmented_control(key="dlg_action").set_value("review").run()
    at.button(key="dlg_submit").click().run()
    assert not at.exception
    at = app(db, monkeypatch, "chg")
    assert [x.value for x in at.text if x.value.startswith("买家留言 · ")][0].endswith("· 已审核")
    assert not [w for w in at.warning if "处理后信息有变" in w.value]


def test_the_proposed_courier_and_why(db, monkeypatch):
    facts = texts(app(db, monkeypatch, "far"))
    assert "建议快递：顺丰\n快递依据：买家指定：发顺丰" in facts
    facts = texts(app(db, monkeypatch, "far2"))
    assert "建议快递：EMS\n快递依据：地区：新疆" in facts
    facts = texts(app(db, monkeypatch, "o2"))           # no rule for 广东, no default courier
    assert "建议快递：（不分配）\n快递依据：没有规则匹配" in facts


def test_a_merge_is_recorded_from_the_dialog_and_undone(db, monkeypatch):
    at = app(db, monkeypatch, "o1", {"actor": "Wang"})
    assert "本订单单独成一个包裹。" in texts(at)
    offered = at.segmented_control(key="dlg_parcel_action")
    assert offered.options == ["合并发货", "拆分包裹"]
    offered.set_value("merge").run()
    picked = at.multiselect(key="dlg_merge")
    assert picked.options == ["o2", "o3"] and picked.value == ["o2", "o3"]
    picked.set_value(["o2"]).run()
    at.button(key="dlg_parcel_submit").click().run()
    assert not at.exception
    assert any("已记录：订单 o1 合并发货" in s for s in shown(at.success))
    assert events(db, "merge") == [("o1", "o2", "Wang")]

    at = app(db, monkeypatch, "o2", {"actor": "Wang"})   # the other order shows its parcel
    assert "与订单 o1 合并为一个包裹（包裹 o1）：一次拣货、一张发货单、一个运单号。" in texts(at)
    parcels = table(at, "订单编号")
    assert parcels[["订单编号", "行号", "SKU（商家编码）", "数量"]].values.tolist() == [
        ["o1", "1", "A", "2"], ["o1", "2", "B", "1"], ["o2", "1", "C", "1"]]

    at = app(db, monkeypatch, "o1", {"actor": "Wang"})
    at.segmented_control(key="dlg_action").set_value("undo").run()
    assert any(c.startswith("将撤销：合并发货") for c in shown(at.caption))
    at.button(key="dlg_submit").click().run()
    assert not at.exception
    undo = events(db, "undo")
    assert [(o, who) for o, _, who in undo] == [("o1", "Wang")]
    at = app(db, monkeypatch, "o2")
    assert "本订单单独成一个包裹。" in texts(at)


def test_a_split_is_recorded_from_the_dialog(db, monkeypatch):
    at = app(db, monkeypatch, "o1", {"actor": "Wang"})
    at.segmented_control(key="dlg_parcel_action").set_value("split").run()
    assert at.number_input(key="dlg_split_n").value == 2
    # first shared out whole lines in turn: A ×2 in parcel 1, B ×1 in parcel 2
    assert [at.number_input(key=f"dlg_split_2_{i}_{p}").value
            for i in (0, 1) for p in (0, 1)] == [2, 0, 0, 1]
    at.number_input(key="dlg_split_2_0_0").set_value(1).run()
    at.number_input(key="dlg_split_2_0_1").set_value(1).run()
    at.button(key="dlg_parcel_submit").click().run()
    assert not at.exception
    assert any("已记录：订单 o1 拆分包裹" in s for s in shown(at.success))
    [(order, text, who)] = events(db, "split")
    assert (order, who) == ("o1", "Wang")
    assert json.loads(text) == [{"lines": {"1": 1}}, {"lines": {"1": 1, "2": 1}}]

    at = app(db, monkeypatch, "o1", {"actor": "Wang"})
    assert "拆分为 2 个包裹，每个包裹各有快递和运单号。" in texts(at)
    parcels = table(at, "包裹")
    assert parcels[["包裹", "行号", "数量"]].values.tolist() == [
        ["o1#1", "1", "1"], ["o1#2", "1", "1"], ["o1#2", "2", "1"]]
    assert not [s for s in at.get("button_group") if s.key == "dlg_parcel_action"]


def test_refusals_are_one_sentence_and_record_nothing(db, monkeypatch):
    at = app(db, monkeypatch, "o1", {"actor": "Wang"})
    at.segmented_control(key="dlg_parcel_action").set_value("merge").run()
    at.button(key="dlg_parcel_submit").click().run()   # o3 is already processed
    assert not at.exception
    assert shown(at.error) == ["不能合并订单 o1 (taobao/s1)：订单 o3 已经处理过了（已打单或已填运单号）：请先撤销，再合并"]
    at.segmented_control(key="dlg_parcel_action").set_value("split").run()
    at.number_input(key="dlg_split_2_0_1").set_value(1).run()   # 3 pieces of line 1's 2
    at.button(key="dlg_parcel_submit").click().run()
    assert shown(at.error) == ["不能拆分订单 o1 (taobao/s1)：第 1 行共 2 件，包裹里合计 3 件：每一件都要放进且只放进一个包裹"]
    assert events(db, "merge") == events(db, "split") == []


def test_a_category_written_by_a_manager_is_shown_as_text(db, monkeypatch):
    """A category is a manager's word: in a badge it is escaped, never read as Markdown."""
    from pipeline.db.settings import DEFAULTS, save_setting

    rule = {"id": "vip", "category": "**vip**", "pattern": "开发票", "regex": False,
            "applies_to": ["seller_note"], "does": "first", "courier": None, "enabled": True}
    s = Store(db)
    with s.write() as cur:
        save_setting(cur, "message_rules", [rule, *DEFAULTS["message_rules"]], "ann")
    s.close()
    at = app(db, monkeypatch, "o1")
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges[-2:] == [":orange-badge[:material/bolt: \\*\\*vip\\*\\*]",
                           ":blue-badge[:material/sell: 发票]"]
    assert "**vip**：优先处理（命中“开发票”）、发票：打标记（命中“发票”）" in shown(at.caption)


def test_what_changed_is_in_words_wherever_a_reason_is_shown():
    """The Queue page's held orders, the Overdue page's detail and the dialog's marks read
    their reasons through one function: what changed, in words; an order's own text as it is."""
    from ui.order_dialog import reason_words

    assert reason_words("changed_address; changed_buyer_message") == "收货地址有变; 买家留言有变"
    assert reason_words("changed_seller_note") == "卖家备注有变"
    assert reason_words("请改地址") == "请改地址"
