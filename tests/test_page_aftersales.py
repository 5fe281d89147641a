"""The After-sales page 售后 (DESIGN §11): the cases to answer most urgent first with their cards
and filters, a case's dialog with its order and history, each action recorded with the signed-in
person, a refusal in one sentence, undo; the Overview's alarm, the Stock page's returns received,
the order dialog's cases, and the reading of the reasons.

The moment is 2026-11-20 (a Friday) 12:00; the case export was imported at 08:00. The desk's
defaults: 48 h to answer, 72 h to confirm a returned parcel, due soon within 4 h.

    case status           shop order  type           asked  requested    deadline           reason  sku
    C1   awaiting_seller  s1   o1     return_refund  100    11-18 11:00  plat 11-20 11:00   过敏    SERUM
    C2   awaiting_seller  s1   o2     refund_only     80    11-20 06:00  plat 11-20 14:00   不想要了 CREAM
    C3   returned         s1   o3     return_refund   60    11-19 10:00  desk 11-22 10:00   过敏    SERUM
    C4   awaiting_return  s1   o4     return_refund   45    11-19 09:00  plat 11-26 09:00   质量问题 CREAM
    C5   refunded 50      s1   o5     return_refund   50    11-16 10:00  plat 11-18 10:00   过敏    SERUM
         (refunded 11-18 12:00: after the platform's deadline, missed)
    C6   arbitration      s2   ghost  refund_only     30    11-19 12:00  desk 11-21 12:00   发错货   -

By hand: C1 is 1 h late, C2 has 2 h left (due soon), C6 24 h (the desk's 48 h from 11-19
12:00), C3 46 h (the desk's 72 h from 11-19 10:00). The seller must act on C1, C2, C3, C6;
C4 waits for the buyer; C5 is over. The store holds no order `ghost`.

Orders (CNY, shipped): o1 11-11 10:00, o2 11-19 10:00, o3 11-11 12:00, o4 11-12 11:00,
o5 11-10 10:00, o6 11-11 15:00 and o7 11-10 12:00 (no case). The promotion 双11 runs 11-11
00:00–11-12 00:00; its baseline is 11-10.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from datetime import date, datetime

import pandas as pd
import pytest

from pipeline.accounts import users
from pipeline.base import canonical as C
from pipeline.db.store import Store
from pipeline.ingest.importing import apply_parsed
from tests.apptest import fresh_app, metric, table
from tests.conftest import frame, load, load_tables

PAGE = "pages/aftersales.py"
AS_OF = datetime(2026, 11, 20, 12, 0)
IMPORTED = "2026-11-20 08:00"
EN = {"lang": "en"}


def order(order_id: str, created: str) -> dict:
    return {"order_id": order_id, "created_at": created, "paid_at": created, "order_total": 100,
            "paid": 100, "currency": "CNY", "status_norm": "shipped",
            "shipped_at": "2026-11-19 18:00"}


ORDERS = [order("o1", "2026-11-11 10:00"), order("o2", "2026-11-19 10:00"),
          order("o3", "2026-11-11 12:00"), order("o4", "2026-11-12 11:00"),
          order("o5", "2026-11-10 10:00"), order("o6", "2026-11-11 15:00"),
          order("o7", "2026-11-10 12:00")]
LINES = [{"order_id": o, "line_id": "1", "sku": sku, "quantity": 1, "title": title}
         for o, sku, title in [("o1", "SERUM", "精华"), ("o2", "CREAM", "面霜"),
                               ("o3", "SERUM", "精华"), ("o4", "CREAM", "面霜"),
                               ("o5", "SERUM", "精华"), ("o6", "SERUM", "精华"),
                               ("o7", "CREAM", "面霜")]]
HOSTILE = ("用了三天脸上起红疹，想退货退款 <b>过敏</b> <script>alert(1)</script> "
           "请尽快处理，谢谢 <img src=x onerror=alert(1)>")


def case(case_id, status, order_id, case_type, requested, asked, deadline, reason, sku,
         **facts) -> dict:
    return {"case_id": case_id, "status_norm": status, "order_id": order_id,
            "case_type": case_type, "requested_at": requested, "amount_asked": asked,
            "deadline": deadline, "reason": reason, "sku": sku, **facts}


CASES = [
    case("C1", "awaiting_seller", "o1", "return_refund", "2026-11-18 11:00", 100,
         "2026-11-20 11:00", "过敏", "SERUM", buyer_text=HOSTILE),
    case("C2", "awaiting_seller", "o2", "refund_only", "2026-11-20 06:00", 80,
         "2026-11-20 14:00", "不想要了", "CREAM"),
    case("C3", "returned", "o3", "return_refund", "2026-11-19 10:00", 60, None, "过敏", "SERUM",
         return_courier="顺丰", return_tracking="SF100"),
    case("C4", "awaiting_return", "o4", "return_refund", "2026-11-19 09:00", 45,
         "2026-11-26 09:00", "质量问题", "CREAM", status_text="卖家已经同意退款，等待买家退货"),
    case("C5", "refunded", "o5", "return_refund", "2026-11-16 10:00", 50, "2026-11-18 10:00",
         "过敏", "SERUM", amount_refunded=50, refunded_at="2026-11-18 12:00"),
    case("C6", "arbitration", "ghost", "refund_only", "2026-11-19 12:00", 30, None, "发错货",
         None, shop="s2"),
]


def load_cases(store: Store, rows: list[dict], name: str = "cases") -> None:
    """Import canonical case rows as one case export would, imported at IMPORTED."""
    cases = frame(rows, {"platform": "taobao", "shop": "s1"})
    cases["deadline"] = pd.to_datetime(cases["deadline"])
    parsed = C.Parsed("test", {"cases": cases}, rows_read=len(rows))
    digest = hashlib.sha256(repr((name, rows)).encode()).hexdigest()
    apply_parsed(store, parsed, name, digest, "test")
    with store.write() as cur:
        cur.execute("update imports set imported_at = ? where file_name = ?", [IMPORTED, name])


@pytest.fixture
def db(tmp_path, monkeypatch):
    """The store above; the desk's clock stopped at AS_OF (its minute and its actions')."""
    monkeypatch.setattr("ui.data.now_in", lambda settings: AS_OF)
    monkeypatch.setattr(Store, "now", lambda self: AS_OF)
    path = tmp_path / "aftersales.duckdb"
    s = Store(path)
    load(s, ORDERS, LINES, name="orders")
    load_cases(s, CASES)
    s.close()
    return path


def signed(db, name: str, role: str) -> dict:
    """Session state of `name` signed in (as after the sign-in form), in English; the
    account made on first use (from then on the desk asks everyone to sign in)."""
    s = Store(db)
    with contextlib.suppress(users.UserError):   # made by an earlier call
        users.add_user(s, name, role, f"{name} password", by="test")
    token = users.open_session(s, users.User(name, role), None, time.time(), 3600)
    s.close()
    return {**EN, "auth_user": {"name": name, "role": role, "seen": time.time(), "sso": False,
                                "token": token}}


def plain(markdown: str) -> str:
    """A sentence as the viewer reads it (the page escapes the text it got for Markdown)."""
    return markdown.replace("\\", "").replace("\u2060", "")


def listed(at) -> pd.DataFrame:
    return table(at, "Time left / late")


def opened(at, case_id: str, shop: str = "s1"):
    """Run the page with the case's dialog open (what a click on its row does)."""
    at.session_state["aftersales_open"] = ("taobao", shop, case_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def act(at, case_id: str, action: str, shop: str = "s1", **fields):
    """Open the case, choose `action`, fill its fields (widget key -> value), submit."""
    opened(at, case_id, shop)
    at.segmented_control(key="case_action").set_value(action)
    opened(at, case_id, shop)
    for key, value in fields.items():
        widget = at.radio(key=key) if key == "case_kind" else (
            at.text_area(key=key) if key == "case_text" and action == "feedback"
            else at.text_input(key=key))
        widget.set_value(value)
    opened(at, case_id, shop)
    at.button(key="case_submit").click()
    return opened(at, case_id, shop)   # what the dialog says next (the page's note, if done)


def events(db) -> list[tuple]:
    import streamlit as st

    st.cache_resource.clear()   # the app's store holds the file; release it
    s = Store(db)
    try:
        return s.cursor().execute(
            "select case_id, order_id, action, text, kind, author, role, target_event "
            "from events where case_id is not null order by event_id").fetchall()
    finally:
        s.close()


# ---------------------------------------------------------------------------------------------
# The list


def test_the_cards_and_the_cases_to_answer_most_urgent_first(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=EN)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "After-sales"
    assert metric(at, "Awaiting the seller").value == "4"        # C1 C2 C3 C6
    assert metric(at, "Overdue").value == "1"                    # C1
    assert metric(at, "Due soon").value == "1"                   # C2
    assert metric(at, "Answered, waiting for the platform").value == "0"
    assert metric(at, "Missed this week").value == "1 case · CNY 50.00"   # C5, refunded 11-18
    assert metric(at, "Refunded").value == "CNY 50.00"
    shown = listed(at)
    assert shown["Case id"].tolist() == ["C1", "C2", "C6", "C3"]
    assert shown["Time left / late"].tolist() == ["1 h late", "2 h left", "1 d left",
                                                  "1 d 22 h left"]
    assert shown["Deadline"].tolist() == ["2026-11-20 11:00", "2026-11-20 14:00",
                                          "2026-11-21 12:00", "2026-11-22 10:00"]
    assert shown["Whose deadline"].tolist() == ["the platform's", "the platform's",
                                                "the desk's choice", "the desk's choice"]
    assert shown["Type"].tolist() == ["Return and refund", "Refund only", "Refund only",
                                      "Return and refund"]
    assert shown["Status"].tolist() == ["Awaiting the seller", "Awaiting the seller",
                                        "Arbitration", "Returned, to receive"]
    assert shown["Amount asked"].tolist() == ["CNY 100.00", "CNY 80.00", "CNY 30.00",
                                              "CNY 60.00"]
    assert shown["Reason"].tolist() == ["过敏", "不想要了", "发错货", "过敏"]
    assert shown["Return tracking"].tolist() == ["", "", "", "顺丰 SF100"]
    assert shown["Order id"].tolist() == ["o1", "o2", "ghost", "o3"]
    assert shown["Shop"].tolist()[2] == "s2 · Taobao/Tmall"
    # the buyer's text, cut for the list, arrives as a table cell (text, never markup)
    assert len(HOSTILE) > 60 and shown["Buyer's text"].tolist()[0] == HOSTILE[:59] + "…"


def test_the_filters_by_status_shop_type_and_reason(db, monkeypatch):
    # the sidebar's dates span the orders' days (11-10 to 11-19): C2, requested on 11-20,
    # still waits for an answer and is listed
    at = fresh_app(db, monkeypatch, PAGE, state={**EN, "f_dates": (date(2026, 11, 10),
                                                                   date(2026, 11, 19))})
    assert listed(at)["Case id"].tolist() == ["C1", "C2", "C6", "C3"]
    at.multiselect(key="as_status_en").set_value([]).run()        # every status
    # then the buyer's (C4) and the case over (C5)
    assert listed(at)["Case id"].tolist() == ["C1", "C2", "C6", "C3", "C4", "C5"]
    at.multiselect(key="as_status_en").set_value(["awaiting_return", "refunded"]).run()
    assert listed(at)["Case id"].tolist() == ["C4", "C5"]
    at.multiselect(key="as_status_en").set_value([]).run()
    at.multiselect(key="as_shop").set_value(["s2"]).run()
    assert listed(at)["Case id"].tolist() == ["C6"]
    at.multiselect(key="as_shop").set_value([]).run()
    at.multiselect(key="as_type_en").set_value(["refund_only"]).run()
    assert listed(at)["Case id"].tolist() == ["C2", "C6"]
    at.multiselect(key="as_type_en").set_value([]).run()
    assert at.multiselect(key="as_reason_en").options == ["过敏", "不想要了", "发错货", "质量问题"]
    at.multiselect(key="as_reason_en").set_value(["过敏"]).run()
    assert listed(at)["Case id"].tolist() == ["C1", "C3", "C5"]
    at.multiselect(key="as_status_en").set_value(["awaiting_seller"]).run()
    assert listed(at)["Case id"].tolist() == ["C1"]
    at.multiselect(key="as_reason_en").set_value(["质量问题"]).run()
    assert any("No case matches" in i.value for i in at.info)
    assert not at.exception


def test_a_store_without_cases_says_how_to_import_them(tmp_path, monkeypatch):
    path = tmp_path / "none.duckdb"
    s = Store(path)
    load(s, ORDERS[:1])
    s.close()
    at = fresh_app(path, monkeypatch, PAGE, state=EN)
    assert not at.exception
    assert any("No after-sales case yet" in i.value for i in at.info)
    assert not at.metric and not at.dataframe


def test_the_page_in_chinese(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE)
    assert at.title[0].value == "售后"
    shown = table(at, "剩余 / 超时")
    assert shown["剩余 / 超时"].tolist()[:2] == ["超时 1小时", "剩 2小时"]
    assert shown["期限来源"].tolist() == ["平台期限", "平台期限", "本台设定", "本台设定"]
    assert metric(at, "本周错过").value == "1 单 · CNY 50.00"


# ---------------------------------------------------------------------------------------------
# The case dialog


def test_the_case_opens_with_its_facts_order_lines_and_history(db, monkeypatch):
    at = opened(fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk")), "C1")
    texts = [x.value for x in at.text]
    assert texts[0].startswith("Awaiting the seller · Waiting for: the seller · Shop: s1")
    assert any("Deadline: 2026-11-20 11:00 (the platform's)" in x
               and "Time left / late: 1 h late" in x for x in texts)
    assert any("Amount asked: CNY 100.00" in x and "Reason: 过敏" in x for x in texts)
    assert HOSTILE in texts                          # whole, as text
    assert any("Order state:" in x and "Paid amount: CNY 100.00" in x for x in texts)
    assert table(at, "SKU")["SKU"].tolist() == ["SERUM"]        # the order's lines
    assert "The desk has not acted on this case yet." in texts
    assert at.segmented_control(key="case_action").options == [
        "Agree", "Reject", "Return received", "Feedback given", "Assign"]   # nothing to undo
    assert any("Acting as" in c.value and "Cleo" in c.value for c in at.caption)
    # a case on an order the store does not hold says so
    at = opened(at, "C6", "s2")
    assert any("Order ghost is not in the store" in x.value for x in at.text)


def test_each_action_is_recorded_with_the_signed_in_person(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    act(at, "C2", "agree")
    assert any("Recorded: case C2 Agree" in s.value for s in at.success)
    act(at, "C1", "reject", case_text="已发货，不支持七天无理由")
    act(at, "C3", "received", case_kind="resellable")
    act(at, "C1", "feedback", case_text="已告知客服：拒绝，已发货")
    act(at, "C6", "assign", shop="s2", case_person="小李")
    assert events(db) == [
        ("C2", "o2", "agree", None, None, "Cleo", "clerk", None),
        ("C1", "o1", "reject", "已发货，不支持七天无理由", None, "Cleo", "clerk", None),
        ("C3", "o3", "received", None, "resellable", "Cleo", "clerk", None),
        ("C1", "o1", "feedback", "已告知客服：拒绝，已发货", None, "Cleo", "clerk", None),
        ("C6", "ghost", "assign", "小李", None, "Cleo", "clerk", None),
    ]
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    shown = listed(at).set_index("Case id")
    # answered and received after the 08:00 export: waiting for the platform's next one
    assert shown.loc[["C1", "C2", "C3"], "Time left / late"].tolist() == ["answered"] * 3
    assert shown.loc["C6", "Assigned to"] == "小李"
    assert metric(at, "Awaiting the seller").value == "1"       # C6 alone
    assert metric(at, "Answered, waiting for the platform").value == "3"    # C1 C2 C3
    assert metric(at, "Overdue").value == "0"
    # the case's history, in words
    history = table(opened(at, "C1"), "By")
    assert history["Action"].tolist() == ["Reject", "Feedback given"]
    assert history["Detail"].tolist() == ["已发货，不支持七天无理由", "已告知客服：拒绝，已发货"]
    assert history["Role"].tolist() == ["clerk", "clerk"]


def test_a_refusal_is_one_sentence_and_nothing_is_recorded(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    act(at, "C4", "agree")                           # the buyer's turn: refused
    assert [plain(e.value) for e in at.error] == [
        "cannot agree to case C4: it waits for the buyer (卖家已经同意退款，等待买家退货), not the shop"]
    act(at, "C2", "reject")                          # no reason typed
    assert [plain(e.value) for e in at.error] == ["cannot reject case C2: it needs a text: the reason"]
    assert events(db) == []


def test_undo_takes_back_the_case_s_last_action(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    act(at, "C2", "agree")
    opened(at, "C2")
    assert at.segmented_control(key="case_action").options[-1] == "Undo the last action"
    at.segmented_control(key="case_action").set_value("undo")
    opened(at, "C2")
    assert any("Takes back: Agree" in c.value and "Cleo" in c.value for c in at.caption)
    act(at, "C2", "undo")
    assert any("Recorded: case C2 Undo the last action" in s.value for s in at.success)
    got = events(db)
    assert [e[2:7] for e in got] == [("agree", None, None, "Cleo", "clerk"),
                                     ("undo", None, None, "Cleo", "clerk")]
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    assert listed(at).set_index("Case id").loc["C2", "Time left / late"] == "2 h left"


def test_a_viewer_sees_the_actions_disabled_and_why(db, monkeypatch):
    at = opened(fresh_app(db, monkeypatch, PAGE, state=signed(db, "Vic", "viewer")), "C1")
    viewer = at.segmented_control(key="case_action_viewer")
    assert viewer.disabled
    assert any("may only view" in c.value for c in at.caption)
    assert not [w for w in at.get("segmented_control") if w.key == "case_action"]


# ---------------------------------------------------------------------------------------------
# Beyond the page: the Overview's alarm, the Stock page, the order dialog


def test_the_overview_alarm_links_to_the_page(db, monkeypatch):
    at = fresh_app(db, monkeypatch, state=EN)
    assert not at.exception
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert ("After-sales: 1 overdue · 1 due soon", "aftersales") in links


def test_the_stock_page_shows_returns_received_until_the_next_export(db, monkeypatch):
    s = Store(db)
    load_tables(s, stock=[{"sku": "SERUM", "available": 5}, {"sku": "CREAM", "available": 3}])
    with s.write() as cur:   # the stock export of 07:00
        cur.execute("update stock set snapshot_at = '2026-11-20 07:00'")
    s.close()
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    act(at, "C3", "received", case_kind="resellable")      # 12:00, after the 07:00 snapshot
    at = fresh_app(db, monkeypatch, "pages/stock.py", state=signed(db, "Cleo", "clerk"))
    assert not at.exception
    column = "Returns received — until the next stock export"
    stock = table(at, column).set_index("SKU")
    assert stock.loc["SERUM", column] == 1 and stock.loc["CREAM", column] == 0
    assert any("Returns received: 1 units" in c.value for c in at.caption)


def test_the_order_dialog_lists_its_cases_and_opens_one(db, monkeypatch):
    at = fresh_app(db, monkeypatch, state=EN)
    at.text_input(key="search_q").input("o1").run()       # one hit: its detail opens
    assert not at.exception
    cases = table(at, "Case id")
    assert cases["Case id"].tolist() == ["C1"]
    assert cases["Status"].tolist() == ["Awaiting the seller"]
    assert cases["Amount asked"].tolist() == ["CNY 100.00"]
    at.session_state["search_pending"] = True               # the detail open again
    at.button(key="dlg_case_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "After-sales"
    assert any(x.value.startswith("Awaiting the seller · Waiting for: the seller")
               for x in at.text)                            # the case's own dialog


# ---------------------------------------------------------------------------------------------
# Reading the reasons


def test_the_reasons_by_value_promotion_answers_and_missed_money(db, monkeypatch):
    s = Store(db)
    load_tables(s, promotions=[{"name": "双11", "start_at": "2026-11-11 00:00",
                                "end_at": "2026-11-12 00:00"}])
    with s.write(events_only=True) as cur:   # answered at hand-picked moments
        for case_id, order_id, shop, at_ in (("C1", "o1", "s1", "2026-11-19 11:00"),
                                             ("C6", "ghost", "s2", "2026-11-19 18:00")):
            cur.execute("insert into events (event_id, platform, shop, order_id, action, "
                        "author, acted_at, case_id) values (nextval('event_seq'), 'taobao', ?, "
                        "?, 'agree', 'ann', ?, ?)", [shop, order_id, at_, case_id])
    s.close()
    at = fresh_app(db, monkeypatch, PAGE, state=EN)
    at.segmented_control(key="as_view").set_value("reading").run()
    assert not at.exception, [e.value for e in at.exception]
    # by reason, in the sidebar's dates (the orders' days, 11-10 to 11-19: C2 is of 11-20)
    by_reason = table(at, "Reason")
    assert by_reason["Reason"].tolist() == ["过敏", "发错货", "质量问题"]
    assert by_reason["Cases"].tolist() == [3, 1, 1]
    assert by_reason["Refunded (CNY)"].tolist() == [50.0, 0.0, 0.0]
    at.segmented_control(key="as_read_by").set_value("sku").run()
    by_sku = table(at, "SKU")
    # SERUM: C1 C3 C5 on orders o1 o3 o5 o6 placed in the dates; CREAM: C4 on o2 o4 o7
    assert by_sku["SKU"].tolist() == ["SERUM", "(not given)", "CREAM"]
    assert by_sku["Cases"].tolist() == [3, 1, 1]
    assert by_sku["Orders in the period"].tolist() == [4, 0, 3]
    assert by_sku["Cases per order"].tolist() == ["75.0%", "—", "33.3%"]
    # 双11: C1 C3 on o1 o3 o6 (2 of 3 orders); its baseline 11-10: C5 on o5 o7 (1 of 2)
    vs = table(at, "Cases (promotion)")
    assert vs.to_dict("records") == [{
        "Reason": "过敏", "Cases (promotion)": 2, "Cases (baseline)": 1,
        "Per 100 orders (promotion)": 66.7, "Per 100 orders (baseline)": 50.0}]
    # answered after 24 h (C1) and 6 h (C6): the median 15 h
    median = metric(at, "Median time to answer")
    assert median.value == "15.0 h" and "2 answered" in median.help
    missed = table(at, "Missed cases")
    assert missed.to_dict("records") == [
        {"Week (Monday)": "2026-11-16", "Missed cases": 1, "Money missed (CNY)": 50.0}]
    assert len(at.get("plotly_chart")) == 4


def test_the_reading_charts_draw_names_from_files_as_text():
    from ui.charts import paired_bar, ranked_bar, weekly_bar

    fig = ranked_bar(["过敏", "<b>SKU</b>"], pd.Series([3, 1]), ["退款 CNY 50.00", "—"])
    assert list(fig.data[0].y) == ["过敏", "&lt;b&gt;SKU&lt;/b&gt;"]   # a tag stays text
    assert list(fig.data[0].x) == [3, 1] and fig.layout.yaxis.autorange == "reversed"
    fig = paired_bar(["过敏"], pd.Series([66.7]), pd.Series([50.0]),
                     {"period": "Promotion", "baseline": "Baseline"}, "per 100 orders")
    assert [(tr.name, list(tr.x)) for tr in fig.data] == [("Promotion", [66.7]),
                                                          ("Baseline", [50.0])]
    assert fig.layout.barmode == "group" and fig.layout.xaxis.title.text == "per 100 orders"
    fig = weekly_bar(pd.Series([date(2026, 11, 9), date(2026, 11, 16)]), pd.Series([0.0, 50.0]),
                     "Money missed", ["0 cases", "1 case"])
    assert list(fig.data[0].x) == ["11-09", "11-16"] and list(fig.data[0].text) == [
        "0 cases", "1 case"]
    fig = weekly_bar(pd.Series([date(2025, 12, 29), date(2026, 1, 5)]), pd.Series([1, 2]), "n")
    assert list(fig.data[0].x) == ["2025-12-29", "2026-01-05"]    # the year when weeks span two
