"""Finding any order from the sidebar box: by id, its last digits, nick, phone, tracking number."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.desk import actions as A
from pipeline.desk.search import find_orders
from tests.conftest import load

ORDERS = [
    {"order_id": "3512200012345678901", "created_at": "2026-11-20 10:00", "buyer": "小花猫",
     "phone": "13800138000", "status_norm": "paid", "paid_at": "2026-11-20 10:05",
     "province": "浙江省", "city": "杭州市"},
    {"order_id": "3512200099995678", "created_at": "2026-11-21 10:00", "buyer": "tom_li",
     "phone": "139****4321", "tracking_no": "YT1234567890", "courier": "圆通",
     "status_norm": "shipped", "shipped_at": "2026-11-22 09:00"},
    {"order_id": "1113", "shop": "s2", "platform": "shopify", "created_at": "2026-11-19 08:00",
     "buyer": "Tom Li", "phone": "+1 415 555 0199"},
    {"order_id": "3512200012345678901", "shop": "s2", "created_at": "2026-11-18 08:00",
     "buyer": "别家"},
]


@pytest.fixture
def loaded(store):
    load(store, ORDERS)
    return store


def ids(frame) -> list[tuple[str, str]]:
    return list(zip(frame["shop"], frame["order_id"], strict=True))


def test_whole_id_finds_it_in_every_shop(loaded):
    found = find_orders(loaded.cursor(), " 3512200012345678901 ")
    assert ids(found) == [("s1", "3512200012345678901"), ("s2", "3512200012345678901")]
    assert found["matched"].tolist() == ["order_id", "order_id"]
    assert found["state"].tolist() == ["paid_unprocessed", "unconfirmed_unpaid"]


def test_last_digits_of_an_id(loaded):
    assert ids(find_orders(loaded.cursor(), "5678")) == [("s1", "3512200099995678")]
    assert ids(find_orders(loaded.cursor(), "678901")) == [
        ("s1", "3512200012345678901"), ("s2", "3512200012345678901")]
    assert find_orders(loaded.cursor(), "678").empty      # 3 digits are too few


def test_buyer_nick_whole_first_then_part(loaded):
    found = find_orders(loaded.cursor(), "Tom Li")
    assert ids(found) == [("s2", "1113")]
    assert ids(find_orders(loaded.cursor(), "小花猫")) == [("s1", "3512200012345678901")]
    assert ids(find_orders(loaded.cursor(), "tom")) == [("s1", "3512200099995678"), ("s2", "1113")]


def test_phone_last_four_even_when_masked(loaded):
    assert ids(find_orders(loaded.cursor(), "4321")) == [("s1", "3512200099995678")]
    assert ids(find_orders(loaded.cursor(), "8000")) == [("s1", "3512200012345678901")]
    assert ids(find_orders(loaded.cursor(), "0199")) == [("s2", "1113")]
    assert find_orders(loaded.cursor(), "4321")["matched"].tolist() == ["phone"]


def test_tracking_number_from_the_import_and_from_the_desk(loaded):
    found = find_orders(loaded.cursor(), "yt1234567890")
    assert ids(found) == [("s1", "3512200099995678")]
    assert found[["courier", "tracking_no", "matched"]].values.tolist() == [
        ["圆通", "YT1234567890", "tracking_no"]]
    A.record(loaded, ("taobao", "s1", "3512200012345678901"), "courier", by="Li",
             text="SF SF7788990011")
    found = find_orders(loaded.cursor(), "SF7788990011")
    assert ids(found) == [("s1", "3512200012345678901")]
    assert found[["courier", "state"]].values.tolist() == [["SF", "paid_processed"]]


def test_shopify_name_and_nothing_found(loaded):
    assert ids(find_orders(loaded.cursor(), "1113")) == [("s2", "1113")]
    assert find_orders(loaded.cursor(), "no such thing").empty
    assert find_orders(loaded.cursor(), "   ").empty
    assert list(find_orders(loaded.cursor(), "").columns) == list(
        find_orders(loaded.cursor(), "1113").columns)


def test_limit(loaded):
    assert ids(find_orders(loaded.cursor(), "678901", limit=1)) == [("s1", "3512200012345678901")]
    assert find_orders(loaded.cursor(), "3512").empty     # the start of an id is not its end


def test_wildcards_in_the_text_are_plain_characters(loaded):
    assert ids(find_orders(loaded.cursor(), "m_l")) == [("s1", "3512200099995678")]
    assert find_orders(loaded.cursor(), "%%%%").empty


# --- the sidebar box in the app ------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    from tests.apptest import store_file

    return store_file(tmp_path / "search.duckdb", ORDERS)


def dialog_texts(at) -> list[str]:
    return [x.value for x in at.text if " · 店铺：" in x.value]


def test_a_unique_hit_opens_the_order_dialog(db, monkeypatch):
    from tests.apptest import fresh_app

    # AppTest drops the sidebar of an st.navigation app on a rerun: the search is typed (and
    # its on_change has run) before the first run.
    at = fresh_app(db, monkeypatch, state={"search_q": "4321", "search_pending": True})
    assert not at.exception
    assert dialog_texts(at) == ["已发货 · 店铺：s1 · 淘宝/天猫"]   # name · platform
    lines = [x.value for x in at.sidebar.text]
    assert lines == ["3512200099995678 · s1 · 淘宝/天猫 · tom_li · — · 已发货 · 2026-11-21 10:00"]


def test_a_unique_hit_does_not_reopen_on_every_run(db, monkeypatch):
    from tests.apptest import fresh_app

    at = fresh_app(db, monkeypatch, state={"search_q": "4321"})   # searched earlier
    assert not at.exception
    assert dialog_texts(at) == []
    assert at.sidebar.button(key="search_open").label == "打开订单"


def test_several_hits_give_a_pick_list_and_no_dialog(db, monkeypatch):
    from tests.apptest import fresh_app

    at = fresh_app(db, monkeypatch, state={"lang": "en", "search_q": "678901",
                                           "search_pending": True})
    assert not at.exception
    assert [x.value for x in at.text if " · Shop: " in x.value] == []
    # one line per hit, enough to tell them apart: shop, buyer, the receiver's city, state
    picks = [b for b in at.sidebar.button if b.key.startswith("search_hit_")]
    # labels are Markdown-escaped (a backslash before signs, a word joiner after a colon)
    assert [b.label.replace("\\", "").replace("\u2060", "") for b in picks] == [
        "3512200012345678901 · s1 · Taobao/Tmall · 小花猫 · 杭州市 · Paid, not processed · "
        "2026-11-20 10:00",
        "3512200012345678901 · s2 · Taobao/Tmall · 别家 · — · Unconfirmed, unpaid · "
        "2026-11-18 08:00"]
    assert any("2 orders found" in c.value for c in at.sidebar.caption)
    picks[1].click().run()                     # a hit opens its order
    assert not at.exception
    assert [x.value for x in at.text if " · Shop: " in x.value] == [
        "Unconfirmed, unpaid · Shop: s2 · Taobao/Tmall"]


# --- a click on a table's cell opens its order ---------------------------------------------


# the keys of the rows a table shows, as order_table keeps them
SHOWN = pd.DataFrame([("p", "s", "a"), ("p", "s", "b")], columns=["platform", "shop", "order_id"])


def click(state: dict, rows: list[int], cells: list[tuple], multi: bool = True):
    from types import SimpleNamespace

    from ui import order_dialog

    state["t_v3"] = {"selection": {"rows": rows, "columns": [], "cells": cells}}
    original = order_dialog.st
    order_dialog.st = SimpleNamespace(session_state=state)
    try:
        order_dialog._remember_selection("t", "t_v3", True, multi)
    finally:
        order_dialog.st = original
    return state.pop("t_clicked", None)


def test_a_clicked_cell_opens_its_row_and_ticks_only_select():
    state = {"t_shown": SHOWN}
    assert click(state, [], [(1, "order_id")]) == ("t_v3", ("p", "s", "b"))
    assert click(state, [0], [(1, "order_id")]) is None           # a tick: the cell is as it was
    assert state["t_selected"] == ("t_v3", [("p", "s", "a")])
    assert click(state, [0], [(1, "shop")]) == ("t_v3", ("p", "s", "b"))   # another cell
    assert click(state, [0], []) is None


def test_in_a_single_row_table_selecting_a_row_opens_it():
    state = {"t_shown": SHOWN}
    assert click(state, [1], [], multi=False) == ("t_v3", ("p", "s", "b"))
    assert click(state, [1], [], multi=False) is None             # the same row, still selected
    assert click(state, [], [(0, "shop")], multi=False) == ("t_v3", ("p", "s", "a"))
