"""The readers' reasons, notes and refusals in Chinese (pipeline/base/reasons.py): every one the
importer actually gives for the hostile files is known, and keeps its figures."""

from __future__ import annotations

import re

import pytest

from pipeline.base.reasons import known, say
from pipeline.db.store import Store
from pipeline.ingest.importing import import_bytes
from tests.factories import GOOD, REFUSED, template_csv

LINES = ["order_id", "line_id", "sku", "quantity", "unit_price", "paid", "is_gift"]


def _bad_rows() -> bytes:
    """An orders template whose rows each break one rule."""
    good = GOOD[0]
    rows = [
        dict(good),
        dict(good, order_id=""),                                   # missing order id
        dict(good, order_id="4100000000000000009", created_at=""),  # missing creation time
        dict(good, order_id="4100000000000000010", order_total="ten"),     # not an amount
        dict(good, order_id="4100000000000000011", paid="-5"),             # below zero
        dict(good, order_id="4100000000000000012", created_at="9999-12-31 00:00:00"),
        dict(good, order_id="4100000000000000013", paid_at="yesterday"),   # not a date/time
        dict(good, order_id="4.10000000000000E+18"),               # rounded by a spreadsheet
        dict(good, order_id="4" * 300),                             # longer than an id
        dict(good),                                                 # duplicate of the first
    ]
    return template_csv(rows)


def _bad_lines() -> bytes:
    rows = [
        {"order_id": "4100000000000000001", "line_id": "1", "sku": "A", "quantity": "1.5",
         "unit_price": "10", "paid": "10", "is_gift": "maybe"},
    ]
    return template_csv(rows, columns=LINES)


def _reasons(store: Store, name: str, data: bytes) -> list[str]:
    res = import_bytes(store, name, data)
    return [r.reason for r in res.rejects]


def test_every_reason_for_a_bad_row_is_said_in_chinese(store):
    reasons = set(_reasons(store, "bad.csv", _bad_rows()))
    reasons |= set(_reasons(store, "lines.csv", _bad_lines()))
    assert len(reasons) >= 8, reasons
    unknown = [r for r in reasons if not known(r)]
    assert unknown == []
    for r in reasons:
        zh = say(r, "zh")
        assert zh != r and not re.search(r"\b(the|not|missing|than|row)\b", zh), (r, zh)
        # the figures in the reason stay in the sentence
        figures = re.compile(r"\d+(?:[,-]\d+)*")
        assert figures.findall(r) == figures.findall(zh), (r, zh)


@pytest.mark.parametrize("case", REFUSED)
def test_every_refusal_is_said_in_chinese_with_the_file_name(store, case):
    data, _ = REFUSED[case]
    res = import_bytes(store, f"{case}.csv", data)
    assert res.status == "refused"
    zh = say(res.message, "zh", res.file_name)
    assert zh.startswith(f"{case}.csv："), zh
    assert known(res.message.removeprefix(f"{case}.csv: ")), res.message
    assert say(res.message, "en", res.file_name) == res.message


def test_a_repeated_file_and_an_unknown_sentence():
    assert say("x.csv: already imported (same content as import #3 'x.csv'); nothing changed",
               "zh", "x.csv") == "x.csv：已导入过（与第 3 次导入“x.csv”内容相同）；未做任何更改"
    assert say("something no reader says", "zh") == "something no reader says"
    assert not known("something no reader says")


def test_unknown_status_words_are_listed_with_their_counts():
    note = ("unknown 订单状态 '待审核' on 3 orders, '冻结' on 1 order and 2 more; "
            "read from payment/shipping times")
    assert say(note, "zh") == "未知的订单状态：“待审核” 3 单、“冻结” 1 单，另有 2 个；已按付款/发货时间判断"



def test_a_files_notes_come_with_the_result_and_are_said_in_chinese(store):
    long = dict(GOOD[0], buyer_message="长" * 3000)
    res = import_bytes(store, "long.csv", template_csv([long]))
    assert res.status == "imported" and res.notes, res.message
    assert all(known(n) for n in res.notes), res.notes
    zh = say(res.notes[0], "zh")
    assert "截断为 2,000 个字符" in zh, zh


# --- refusals of actions and roles: a code and figures, said in either language -------------


def test_a_refusal_is_the_command_lines_english_and_the_viewers_chinese(store):
    from pipeline.base.reasons import words
    from pipeline.base.roles import NotAllowed, require
    from pipeline.desk import actions as A
    from tests.conftest import load

    load(store, [{"order_id": "o1", "created_at": "2026-11-20 10:00", "status_norm": "shipped",
                  "shipped_at": "2026-11-21 10:00"}])
    with pytest.raises(A.ActionError) as refused:
        A.record(store, ("taobao", "s1", "o1"), "process", by="Li")
    assert str(refused.value) == ("cannot process order o1 (taobao/s1): it is Shipped: only an "
                                  "order waiting to ship can be processed")
    assert words(refused.value, "zh") == ("不能处理订单 o1 (taobao/s1)：状态为“已发货”：只有待发货的订单"
                                          "可以处理")
    with pytest.raises(A.ActionError) as refused:
        A.record(store, ("taobao", "s1", "o1"), "flag", by="Li")
    assert words(refused.value, "zh") == "不能标记问题订单 o1 (taobao/s1)：需要填写原因"
    with pytest.raises(NotAllowed) as refused:
        require("viewer", "process")
    assert str(refused.value) == "a viewer may not process orders; ask a clerk or a manager"
    assert words(refused.value, "zh") == "查看者不能处理订单；请找客服专员或主管"
    with pytest.raises(NotAllowed) as refused:
        require("clerk", "import")
    assert words(refused.value, "zh") == "客服专员不能导入文件；请找主管"
    # a reader's sentence still goes through its pattern; an unknown one stays as it is
    assert words(ValueError("the file is empty"), "zh") == "文件是空的"
    assert words(ValueError("something new"), "zh") == "something new"


def test_layouts_are_named_in_the_house_words_never_by_code():
    from pipeline.base.labels import label

    assert label("layout_douyin_orders", "zh") == "抖店订单"
    assert label("layout_jd_orders", "en") == "JD orders"
    assert label("layout_pinduoduo_refunds", "zh") == "拼多多售后"
    refused = ("x.csv: looks like douyin_orders but lacks the required column(s) 主订单编号; "
               "headers seen: 收件人")
    assert say(refused, "zh", "x.csv") == ("x.csv：看起来是 抖店订单，但缺少必需的列 主订单编号；"
                                           "看到的表头：收件人")
    assert say(refused, "en", "x.csv") == ("x.csv: looks like Douyin (抖店) orders but lacks the "
                                           "required column(s) 主订单编号; headers seen: 收件人")
    tied = ("the headers fit several layouts equally well (taobao_items, douyin_orders); "
            "headers seen: a. Export the full set of columns, or use the desk's template")
    assert "（淘宝/天猫宝贝报表, 抖店订单）" in say(tied, "zh")
    assert "(Taobao/Tmall items, Douyin (抖店) orders)" in say(tied, "en")


def test_a_batch_undo_refusal_is_said_in_chinese(store):
    from pipeline.base.reasons import words
    from pipeline.desk import actions as A

    with pytest.raises(A.ActionError) as refused:
        A.undo_batch(store, 404, by="Li")
    assert str(refused.value) == "there is no batch 404"
    assert words(refused.value, "zh") == "没有批次 404"


def test_a_promotion_period_refusal_is_said_in_chinese(store):
    from datetime import datetime

    from pipeline.base.reasons import words
    from pipeline.desk import promo

    with pytest.raises(promo.PeriodInvalid) as refused:
        promo.add_period(store, "双11", datetime(2026, 11, 12), datetime(2026, 11, 11), "Li")
    assert str(refused.value) == ("双11: the end (2026-11-11 00:00) must be after the start "
                                  "(2026-11-12 00:00)")
    assert words(refused.value, "zh") == ("双11：结束时间（2026-11-11 00:00）必须晚于开始时间"
                                          "（2026-11-12 00:00）")


def test_an_account_refusal_is_said_in_chinese(store):
    from pipeline.accounts import users
    from pipeline.base.reasons import words

    with pytest.raises(users.UserError) as refused:
        users.add_user(store, "Ann", "clerk", "short", by="test")
    assert str(refused.value) == "a password needs at least 10 characters"
    assert words(refused.value, "zh") == "密码至少需要 10 个字符"
