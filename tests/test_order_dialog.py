"""The order dialog: what it shows, an action from it, a conflict with another manager, and
order tables that hand back order ids rather than row positions."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.ingest.importing import import_path
from tests.conftest import load
from tests.factories import dialog_script
from ui import order_dialog

KEY = ("taobao", "s1", "paid")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "dialog.duckdb"
    s = Store(path)
    load(s, [{"order_id": "paid", "created_at": "2026-11-20 10:00", "status_norm": "paid",
              "paid_at": "2026-11-20 10:05", "buyer_message": "<b>请</b>用顺丰",
              "province": "浙江省", "city": "杭州市", "address": "文三路 1 号"}],
         [{"order_id": "paid", "line_id": "1", "sku": "A", "quantity": 2}])
    A.record(s, KEY, "note", by="Li", text="老客户")
    s.close()
    return path


def app(db, monkeypatch, state=None) -> AppTest:
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(dialog_script, default_timeout=60)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


def cells(at) -> list:
    return [v for d in at.dataframe for v in d.value.astype(str).values.ravel().tolist()]


def test_dialog_shows_facts_lines_history_and_offers_actions(db, monkeypatch):
    at = app(db, monkeypatch)
    assert not at.exception
    assert "未处理已确认已付款" in at.text[0].value
    facts = [x.value for x in at.text]          # st.text: shown as text, never as HTML
    assert any("买家留言：<b>请</b>用顺丰" in x for x in facts)
    assert any("收货地址：浙江省 杭州市 文三路 1 号" in x for x in facts)
    assert any("卖家备注：老客户" in x for x in facts)
    history = [d.value for d in at.dataframe if "操作人" in d.value.columns][0]
    assert history["操作人"].tolist() == ["test", "Li"]
    offered = at.segmented_control(key="dlg_action").options
    assert offered == ["标记已处理", "指定快递/运单号", "卖家备注", "已阅买家留言", "标记问题",
                       "处理问题", "撤销上一步"]


def test_resolve_offers_only_the_problems_the_order_has(db, monkeypatch):
    at = app(db, monkeypatch, {"actor": "Wang"})
    at.segmented_control(key="dlg_action").set_value("resolve").run()
    assert not at.exception
    assert at.selectbox(key="dlg_kind").options == ["地址不详", "买家留言未审"]  # its open marks


def test_action_from_the_dialog_is_recorded_with_the_name(db, monkeypatch):
    at = app(db, monkeypatch, {"actor": "Wang"})
    at.segmented_control(key="dlg_action").set_value("courier").run()
    at.text_input(key="dlg_courier").input("SF").run()
    at.text_input(key="dlg_tracking").input("SF778899").run()
    at.button(key="dlg_submit").click().run()
    assert not at.exception
    assert any("已记录：订单 paid 指定快递/运单号" in s.value for s in at.success)
    s = Store(db)
    try:
        row = s.cursor().execute("select state, courier, tracking_no from order_state").fetchall()
        author = s.cursor().execute("select max(author) filter (where action = 'courier') "
                                    "from events").fetchall()
    finally:
        s.close()
    assert row == [("paid_processed", "SF", "SF778899")]
    assert author == [("Wang",)]


def test_a_change_by_someone_else_is_reported_not_overwritten(db, monkeypatch):
    at = app(db, monkeypatch, {"actor": "Wang"})
    A.record(order_dialog.get_store(), KEY, "process", by="Li")   # another manager, meanwhile
    at.segmented_control(key="dlg_action").set_value("note").run()
    at.text_input(key="dlg_text").input("改地址").run()
    at.button(key="dlg_submit").click().run()
    assert not at.exception
    # the refusal in the viewer's language, with its figures
    assert any("在您打开后有了变动" in w.value and "Li：处理" in w.value
               and "现在是“已处理已确认已付款”" in w.value for w in at.warning)
    assert "已处理已确认已付款" in at.text[0].value          # the fresh state is shown
    assert n_notes(at) == 1
    at.button(key="dlg_submit").click().run()              # acting again, knowingly
    assert any("已记录：订单 paid 卖家备注" in s.value for s in at.success)
    assert n_notes(at) == 2


def n_notes(at) -> int:
    return order_dialog.get_store().cursor().execute(
        "select count(*) from events where action = 'note'").fetchall()[0][0]


def test_name_is_needed_before_acting(db, monkeypatch):
    at = app(db, monkeypatch)
    at.segmented_control(key="dlg_action").set_value("process").run()
    assert at.button(key="dlg_submit").disabled


def test_order_table_selection_maps_positions_to_the_rows_shown(monkeypatch):
    state = {
        "t_shown": pd.DataFrame([("p", "s", "a"), ("p", "s", "b"), ("p", "s", "c")],
                                columns=order_dialog.KEY_COLUMNS),
        "t_v3": {"selection": {"rows": [2, 0, 7]}},
    }
    monkeypatch.setattr(order_dialog, "st", SimpleNamespace(session_state=state))
    order_dialog._remember_selection("t", "t_v3")
    assert state["t_selected"] == ("t_v3", [("p", "s", "c"), ("p", "s", "a")])


TAOBAO_REPORT = (Path(__file__).parent / "fixtures" / "samples" / "taobao_2017"
                 / "ExportOrderList201707080100.masked.utf8.csv")


def open_any_script(platform, shop, order_id):
    from ui import order_dialog

    order_dialog.open_order_dialog(platform, shop, order_id)


def test_the_detail_shows_buyer_receiver_and_phone_as_exported(tmp_path, monkeypatch):
    path = tmp_path / "report.duckdb"
    s = Store(path)
    assert import_path(s, TAOBAO_REPORT).status == "imported"
    shop = s.cursor().execute("select shop from orders where order_id = '35153131473293579'"
                              ).fetchall()[0][0]
    load(s, [{"order_id": "masked", "created_at": "2026-11-20 10:00", "buyer": "t**2",
              "receiver": "##密文", "phone": "139****4321"}])
    s.close()
    monkeypatch.setenv("ORDERDESK_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(open_any_script, default_timeout=60,
                               args=("taobao", shop, "35153131473293579")).run()
    assert not at.exception
    facts = "\n".join(x.value for x in at.text)
    # the report's 买家会员名, 收货人姓名 and 联系手机 (its leading apostrophe is Excel's)
    assert "买家：买家05cabf" in facts
    assert "收货人：买家edcc07" in facts
    assert "收货人电话：13800023282" in facts
    at = AppTest.from_function(open_any_script, default_timeout=60,
                               args=("taobao", "s1", "masked")).run()
    facts = "\n".join(x.value for x in at.text)
    assert "此订单没有导入商品明细。" in facts   # not an empty grid
    assert not [d for d in at.dataframe if d.key == "dlg_lines_table"]
    assert "买家：t**2" in facts and "收货人：##密文" in facts and "收货人电话：139****4321" in facts


def test_a_refusal_reaches_the_viewer_in_their_language(db, monkeypatch):
    """A resolve without saying what was done is refused in the viewer's words (it showed the
    pipeline's English sentence)."""
    s = Store(db)
    A.record(s, KEY, "flag", by="Li", text="破损")
    s.close()
    at = app(db, monkeypatch, {"actor": "Wang"})
    at.segmented_control(key="dlg_action").set_value("resolve").run()
    at.selectbox(key="dlg_kind").set_value("manual").run()
    at.button(key="dlg_submit").click().run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == [   # Markdown-escaped
        "不能处理问题订单 paid (taobao/s1)：需要填写处理方式"]


def test_a_viewer_sees_the_actions_disabled_with_the_reason(db, monkeypatch):
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(dialog_script, default_timeout=60)
    at.session_state["auth_user"] = {"name": "Vera", "role": "viewer", "seen": 1e18}
    at.run()
    assert not at.exception
    shown = [s for s in at.get("button_group") if s.key == "dlg_action_viewer"]
    assert len(shown) == 1 and shown[0].disabled
    assert shown[0].proto.options[0].content == "标记已处理"
    assert "您的角色只能查看和下载。操作订单需要客服专员或主管账户。" in [c.value for c in at.caption]
    assert not [b for b in at.button if b.key == "dlg_submit"]
