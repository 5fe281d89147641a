"""The daily report per shop (pipeline/outputs/daily_report.py) on a small hand-made store of two
shops: the figures worked out by hand, the PDF's text read back and its page drawn, the XLSX
(ids as text, formulas escaped), the league, the files written, the e-mails received by an SMTP
listener on 127.0.0.1 with their attachments, the report made once at its hour."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import ipaddress
import shutil
import socket
import subprocess
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.base import canonical as C
from pipeline.db.shops import rename_shop
from pipeline.ingest.importing import apply_parsed
from pipeline.outputs import alerts, scheduled
from pipeline.outputs import daily_report as dr
from tests.conftest import frame, load, load_tables
from tests.factories import ADDR, pdf_text

DAY = date(2026, 11, 22)
AS_OF = datetime(2026, 11, 23, 8, 0)


def paid(order_id: str, at: str, amount: float, shipped: str | None = None, **facts) -> dict:
    state = {"status_norm": "shipped", "shipped_at": shipped, "tracking_no": f"SF{order_id}"} \
        if shipped else {"status_norm": "paid"}
    return {"order_id": order_id, "created_at": at, "paid_at": at, "paid": amount,
            "order_total": amount, "currency": "CNY", **state, **ADDR, **facts}


# 旗舰店 (s1): the day 11-22, the day before, the same day a week before (11-15), 11-19 (the
# latest day whose 72 hours are over by 11-23 08:00)
S1 = [
    paid("d1", "2026-11-22 10:00", 100, "2026-11-22 15:00"),
    paid("d2", "2026-11-22 11:00", 200, "2026-11-22 16:00", refunded=20),
    {"order_id": "d3", "status_norm": "unpaid", "is_paid": False,
     "created_at": "2026-11-22 12:00", "order_total": 30, "currency": "CNY", **ADDR},
    paid("p1", "2026-11-21 09:00", 80),                          # waits: CREAM is short
    paid("w1", "2026-11-15 10:00", 60, "2026-11-16 10:00"),
    paid("w2", "2026-11-15 14:00", 40, "2026-11-15 20:00"),
    paid("old1", "2026-11-19 09:05", 120),                       # 72 h over on 11-22 09:05
    paid("old2", "2026-11-19 10:00", 90, "2026-11-20 10:00"),    # shipped within 72 h
    paid("b1", "2026-11-20 12:00", 40, "2026-11-20 18:00"),      # in 黑五's baseline
]
S1_LINES = [
    {"order_id": "d1", "line_id": "1", "sku": "CREAM", "quantity": 1},
    {"order_id": "d2", "line_id": "1", "sku": "SERUM", "quantity": 2},
    {"order_id": "p1", "line_id": "1", "sku": "CREAM", "quantity": 1},
    {"order_id": "old1", "line_id": "1", "sku": "MASK", "quantity": 3},
]
# 专营店 (s2): one order of the day waiting, one of 11-19 never shipped
S2 = [paid("e1", "2026-11-22 09:00", 50), paid("e0", "2026-11-19 08:00", 70)]
S2_LINES = [{"order_id": "e1", "line_id": "1", "sku": "TONER", "quantity": 1},
            {"order_id": "e0", "line_id": "1", "sku": "TONER", "quantity": 1}]
STOCK = [
    {"sku": "CREAM", "name": "面霜 50ml", "available": 0},
    {"sku": "MASK", "name": '=HYPERLINK("http://x","面膜")', "available": 10, "safety_stock": 20},
    {"sku": "SERUM", "name": "精华", "available": 50},
    {"sku": "TONER", "name": "爽肤水", "available": 5},
]
CASES = [
    # requested that day, to answer by 11-23 10:00: due soon at 08:00
    {"case_id": "C1", "status_norm": "awaiting_seller", "order_id": "d1",
     "case_type": "refund_only", "requested_at": "2026-11-22 18:00", "amount_asked": 100,
     "deadline": "2026-11-23 10:00"},
    # refunded that day at 12:00, two hours past the platform's deadline: missed
    {"case_id": "C2", "status_norm": "refunded", "order_id": "gone", "case_type": "refund_only",
     "requested_at": "2026-11-20 10:00", "amount_asked": 25, "amount_refunded": 20,
     "deadline": "2026-11-22 10:00", "refunded_at": "2026-11-22 12:00"},
    # a return to receive by 11-22 20:00: overdue
    {"case_id": "C3", "status_norm": "returned", "order_id": "gone2",
     "case_type": "return_refund", "requested_at": "2026-11-21 09:00", "amount_asked": 40,
     "deadline": "2026-11-22 20:00"},
]


def load_cases(store, rows):
    cases = frame(rows, {"platform": "taobao", "shop": "s1"})
    cases["deadline"] = pd.to_datetime(cases["deadline"])
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    apply_parsed(store, C.Parsed("test", {"cases": cases}, rows_read=len(rows)), "cases",
                 digest, "test")


@pytest.fixture
def two_shops(store):
    load(store, S1, S1_LINES)
    load(store, [{**o, "shop": "s2"} for o in S2], [{**ln, "shop": "s2"} for ln in S2_LINES],
         name="s2")
    load_tables(store, stock=STOCK)
    load_tables(store, "promo", promotions=[{"name": "黑五", "start_at": "2026-11-22 00:00",
                                             "end_at": "2026-11-24 00:00"}])
    load_cases(store, CASES)
    rename_shop(store, "taobao", "s1", "旗舰店", by="ann")
    rename_shop(store, "taobao", "s2", "专营店", by="ann")
    return store


@pytest.fixture(autouse=True)
def only_this_machine(monkeypatch):
    """Every connection goes to a loopback address; any other fails the test."""
    outside: list[object] = []
    real = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "localhost" \
                and not ipaddress.ip_address(address[0]).is_loopback:
            outside.append(address)
            raise ConnectionRefusedError("test: no connection off this machine")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert outside == []


def reports(store) -> dict[str, dr.ShopReport]:
    return {r.name: r for r in dr.daily_reports(store.cursor(), DAY, AS_OF)}


# ---------------------------------------------------------------------------------------------
# The figures


def test_a_shops_kpis_against_the_day_before_and_last_week(two_shops):
    r = reports(two_shops)["旗舰店"]
    assert (r.platform, r.shop, r.currency) == ("taobao", "s1", "CNY")
    k = r.kpis.set_index("kpi")
    # 11-22: d1, d2, d3 placed; d1 and d2 paid 300, shipped the same day; d2 refunded 20
    day = {x: v for x, v in k["value"].to_dict().items() if x != "shipped_72h"}
    assert day == pytest.approx({"orders": 3, "paid_orders": 2, "paid_amount": 300.0,
                                 "aov": 150.0, "shipped": 2, "refund_amount": 20.0,
                                 "refund_rate": 20 / 300})
    assert pd.isna(k.loc["shipped_72h", "value"])      # the day's 72 hours are not over
    # 11-21: p1 alone, not shipped
    assert k.loc[["orders", "paid_orders", "paid_amount", "shipped"], "previous"].tolist() \
        == [1, 1, 80.0, 0]
    # 11-15: w1 and w2, 100 paid; w2 shipped that day; both within 72 h (settled by 11-19)
    assert k.loc[["orders", "paid_orders", "paid_amount", "shipped", "shipped_72h"],
                 "week_before"].tolist() == [2, 2, 100.0, 1, 1.0]
    # 11-19 is the latest day whose paid orders had their 72 hours: old2 shipped, old1 not
    assert (r.settled_day, r.settled_72h) == (date(2026, 11, 19), 0.5)


def test_a_shops_states_rules_aftersales_promotions_and_stock(two_shops):
    r = reports(two_shops)["旗舰店"]
    states = dict(zip(r.states["state"], r.states["orders"], strict=True))
    # d1's case C1 asks a refund: the order follows its case (refunding); shipped: d2, w1, w2,
    # old2, b1; waiting: p1, old1; d3 unpaid
    assert {s: n for s, n in states.items() if n} == {
        "unconfirmed_unpaid": 1, "paid_unprocessed": 2, "shipped": 5, "refunding": 1}
    rules = r.rules.set_index("rule")
    # old1 waits past its 72 h; p1 lacks CREAM since 11-21: its out-of-stock deadline was
    # the end of the day it was paid
    assert rules["overdue"].to_dict() == {"chase_unpaid": 0, "ship_paid": 1, "out_of_stock": 1,
                                          "address": 0}
    assert rules["due_soon"].sum() == 0
    assert r.aftersales == {"requested": 1, "open": 2, "answer_overdue": 0, "answer_due_soon": 1,
                            "receive_overdue": 1, "receive_due_soon": 0, "missed": 1,
                            "missed_amount": 20.0, "refunded_amount": 20.0}
    # 黑五 (48 h from 11-22 00:00) cut at 08:00 on 11-23, 32 h in: d1, d2, d3, against the same
    # 32 h of its baseline (48 h before: 11-20 00:00 – 11-21 08:00): b1
    [promo] = r.promotions.to_dict("records")
    assert (promo["name"], promo["orders"], promo["baseline_orders"], promo["orders_uplift"],
            promo["paid_amount"], promo["baseline_paid_amount"]) == \
        ("黑五", 3, 1, 2.0, 300.0, 40.0)
    # the day's orders were all placed during 黑五: promotion orders
    assert r.order_types == {"promotion": 3, "bundle": 0, "combo": 0, "gift": 0}
    # CREAM: p1 needs 1, none left (short, out now); MASK: 10 − 3 for old1 = 7 under 20
    # safety; SERUM has plenty; TONER is not sold here
    # (MASK: 3 bought over the last 7 days: 7 left last 16.3 days; nothing bought in the last
    # 3 hours: not running out within hours)
    want = pd.DataFrame({"sku": ["CREAM", "MASK"], "name": ["面霜 50ml", STOCK[1]["name"]],
                         "available": [0.0, 10.0], "open_demand": [1, 3], "shortfall": [1, 0],
                         "safety_stock": [None, 20.0], "cover_days_7d": [0.0, 7 / (3 / 7)],
                         "runs_out_in_hours": [0.0, None]})
    pd.testing.assert_frame_equal(r.reorder, want, check_dtype=False)
    assert reports(two_shops)["专营店"].reorder.empty    # 2 TONER waiting, 5 left


def test_the_league(two_shops):
    table = dr.league(list(reports(two_shops).values()))
    assert table.to_dict("records") == [
        {"shop": "旗舰店", "platform": "taobao", "orders": 3, "paid_orders": 2,
         "paid_amount": 300.0, "currency": "CNY", "refund_rate": pytest.approx(20 / 300),
         "shipped_72h": 0.5, "overdue": 2, "aftersales_missed": 1},
        {"shop": "专营店", "platform": "taobao", "orders": 1, "paid_orders": 1,
         "paid_amount": 50.0, "currency": "CNY", "refund_rate": 0.0, "shipped_72h": 0.0,
         "overdue": 1, "aftersales_missed": 0},
    ]


# ---------------------------------------------------------------------------------------------
# The files


def test_the_pdf_reads_back_and_is_drawn(two_shops, tmp_path):
    r = reports(two_shops)["旗舰店"]
    pdf = dr.shop_pdf(r)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for words in ("数据报表汇总 | 旗舰店 | 2026-11-22", "生成于 2026-11-23 08:00",
                  "付款金额300.00 CNY80.00 CNY+275.0%100.00 CNY+200.0%",
                  "退款率6.7%0.0%+6.7 个百分点0.0%+6.7 个百分点",
                  "最近算得出的是 2026-11-19 付款的订单：72 小时内发货 50.0%",
                  "已付款发货10", "缺货处理10", "当天超时被退款（错过）1", "错过的退款金额20.00 CNY",
                  "黑五", "CREAM面霜 50ml011—00", "MASK", "10302016.3", '=HYPERLINK("http://x","面膜")'):
        assert words in text, words
    league = dr.league_pdf(dr.league(list(reports(two_shops).values())), DAY, AS_OF)
    assert "店铺对比 | 2026-11-22 | 2 个店铺" in pdf_text(league)
    assert "72小时发货率为 2026-11-19 付款的订单" in pdf_text(league)
    assert "旗舰店淘宝/天猫3" in pdf_text(league)
    # drawn to a picture to be looked at (pdftoppm where installed, else the page's text)
    if shutil.which("pdftoppm"):
        (tmp_path / "shop.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1",
                        str(tmp_path / "shop.pdf"), str(tmp_path / "page")], check=True)
        from PIL import Image

        page = Image.open(tmp_path / "page-1.png").convert("L")
        assert page.size[0] < page.size[1]                    # A4 upright
        inked = sum(page.histogram()[:128])                   # dark pixels
        assert inked > 2000                                   # tables and text, not blank


def test_the_workbook_keeps_ids_as_text_and_escapes_formulas(two_shops):
    r = reports(two_shops)["旗舰店"]
    wb = load_workbook(io.BytesIO(dr.shop_xlsx(r)))
    assert wb.sheetnames == ["日报指标", "72小时发货率", "订单状态", "时效规则", "售后", "促销",
                             "订单类型", "待补货"]
    kpis = list(wb["日报指标"].values)
    assert kpis[0] == ("指标", "2026-11-22", "前一天", "上周同日", "币种")
    assert kpis[3] == ("付款金额", 300, 80, 100, "CNY")
    reorder = list(wb["待补货"].values)
    assert reorder[0][:2] == ("SKU", "名称")
    assert [row[:2] for row in reorder[1:]] == [("CREAM", "面霜 50ml"),
                                               ("MASK", "'=HYPERLINK(\"http://x\",\"面膜\")")]
    assert wb["待补货"]["A2"].data_type == "s"
    assert list(wb["72小时发货率"].values)[1] == ("72小时发货率（2026-11-19 付款的订单）", 0.5)


def test_written_to_a_folder(two_shops, tmp_path, capsys):
    assert dr.daily_report_main(two_shops, DAY, tmp_path / "out", as_of=AS_OF) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["2026-11-22_taobao_专营店.pdf", "2026-11-22_taobao_专营店.xlsx",
                     "2026-11-22_taobao_旗舰店.pdf", "2026-11-22_taobao_旗舰店.xlsx",
                     "2026-11-22_店铺对比.pdf", "2026-11-22_店铺对比.xlsx"]
    assert len(capsys.readouterr().out.splitlines()) == 6


def test_one_shop_has_no_league(store, tmp_path):
    load(store, S1, S1_LINES)
    dr.make_reports(store, DAY, tmp_path / "out", as_of=AS_OF)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["2026-11-22_taobao_s1.pdf",
                                                          "2026-11-22_taobao_s1.xlsx"]


# ---------------------------------------------------------------------------------------------
# E-mailed


class Mailbox:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


@pytest.fixture
def mailbox():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


def test_each_shop_mailed_its_report_and_the_agency_the_league(two_shops, mailbox, capsys):
    alerts.save_channel(two_shops, {"name": "mail", "kind": "email", "smtp_host": "127.0.0.1",
                                    "smtp_port": mailbox.port, "smtp_security": "none",
                                    "sender": "desk@shop.example", "recipients": ""}, by="ann")
    alerts.save_report_addresses(two_shops, "taobao", "s1", "boss@shop.example", by="ann")
    alerts.save_options(two_shops, {"league_addresses": "agency@shop.example"}, by="ann")
    assert dr.daily_report_main(two_shops, DAY, send=True, as_of=AS_OF) == 0
    said = capsys.readouterr()
    assert said.out.splitlines() == ["sent: 旗舰店 -> boss@shop.example",
                                     "sent: 店铺对比 -> agency@shop.example"]
    assert "not sent: 专营店 has no address" in said.err
    shop, agency = mailbox.mails
    sender, rcpt, msg = shop
    assert (sender, rcpt) == ("desk@shop.example", ["boss@shop.example"])
    assert msg["Subject"] == "数据报表汇总：旗舰店 2026-11-22"
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n")
    assert body == ("旗舰店 2026-11-22\n订单 3，付款 300.00 CNY，退款率 6.7%\n"
                    "超时订单 2，售后错过 1\n详见附件 PDF 和 Excel。")
    files = {a.get_filename(): (a.get_content_type(), a.get_content())
             for a in msg.iter_attachments()}
    assert sorted(files) == ["2026-11-22_taobao_旗舰店.pdf", "2026-11-22_taobao_旗舰店.xlsx"]
    kind, pdf = files["2026-11-22_taobao_旗舰店.pdf"]
    assert kind == "application/pdf" and "数据报表汇总 | 旗舰店 | 2026-11-22" in pdf_text(pdf)
    kind, xlsx = files["2026-11-22_taobao_旗舰店.xlsx"]
    assert kind == dr.XLSX_MIME
    assert load_workbook(io.BytesIO(xlsx)).sheetnames[0] == "日报指标"
    sender, rcpt, msg = agency
    assert rcpt == ["agency@shop.example"]
    assert msg["Subject"] == "店铺对比：2026-11-22（2 个店铺）"
    assert sorted(a.get_filename() for a in msg.iter_attachments()) == [
        "2026-11-22_店铺对比.pdf", "2026-11-22_店铺对比.xlsx"]


def test_sending_without_an_email_channel_is_refused(two_shops, capsys):
    assert dr.daily_report_main(two_shops, DAY, send=True, as_of=AS_OF) == 2
    assert "no enabled e-mail channel" in capsys.readouterr().err


def test_a_failed_send_is_reported(two_shops, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                  # closed again: connection refused
    alerts.save_channel(two_shops, {"name": "mail", "kind": "email", "smtp_host": "127.0.0.1",
                                    "smtp_port": port, "smtp_security": "none",
                                    "sender": "desk@shop.example"}, by="ann")
    alerts.save_report_addresses(two_shops, "taobao", "s1", "boss@shop.example", by="ann")
    assert dr.daily_report_main(two_shops, DAY, send=True, as_of=AS_OF) == 1
    assert "FAILED: 旗舰店: [Errno 111] Connection refused" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# At its hour, once


def test_made_once_when_its_hour_has_come(two_shops, tmp_path):
    assert dr.report_if_due(two_shops, datetime(2026, 11, 23, 9, 0)) is None   # not turned on
    alerts.save_options(two_shops, {"report_enabled": True, "report_hour": 8,
                                    "report_dir": str(tmp_path / "out")}, by="ann")
    assert dr.report_if_due(two_shops, datetime(2026, 11, 23, 7, 59)) is None
    line = dr.report_if_due(two_shops, datetime(2026, 11, 23, 8, 0))
    assert line == "daily report 2026-11-22: 6 file(s) written, 0 e-mail(s) sent"
    assert len(list((tmp_path / "out").iterdir())) == 6
    assert dr.report_if_due(two_shops, datetime(2026, 11, 23, 9, 0)) is None   # made already
    assert alerts.options(two_shops.cursor())["last_report_day"] == "2026-11-22"
    assert dr.report_if_due(two_shops, datetime(2026, 11, 24, 8, 30)).startswith(
        "daily report 2026-11-23: ")


def test_the_alerts_command_makes_it_at_its_hour(two_shops, tmp_path, capsys):
    import argparse

    p = argparse.ArgumentParser()
    scheduled.add_commands(p.add_subparsers(dest="command"))
    alerts.save_options(two_shops, {"report_enabled": True, "report_hour": 8,
                                    "report_dir": str(tmp_path / "out")}, by="ann")
    dry = p.parse_args(["alerts", "--as-of", "2026-11-23 08:00", "--dry-run"])
    assert scheduled.run_command(two_shops, dry) == 0
    assert not (tmp_path / "out").exists()                      # a dry run makes nothing
    args = p.parse_args(["alerts", "--as-of", "2026-11-23 08:00"])
    assert scheduled.run_command(two_shops, args) == 0
    assert capsys.readouterr().out.splitlines()[-1] == \
        "daily report 2026-11-22: 6 file(s) written, 0 e-mail(s) sent"
    report = p.parse_args(["daily-report", "--day", "2026-11-21", "--out", str(tmp_path / "x")])
    assert scheduled.run_command(two_shops, report) == 0
    assert len(list((tmp_path / "x").iterdir())) == 6
    assert scheduled.portable_argv(report) == ["daily-report", "--day", "2026-11-21", "--out",
                                            str(tmp_path / "x")]


def test_the_day_asked_for(store):
    assert dr.parse_day(store, "2026-11-22") == DAY
    assert dr.parse_day(store, None) == store.now().date() - pd.Timedelta(days=1)
    with pytest.raises(ValueError, match="is not YYYY-MM-DD"):
        dr.parse_day(store, "22/11/2026")


def test_every_measure_has_its_words():
    from pipeline.base.labels import LABELS

    assert set(dr.AFTERSALES_LABELS) == set(dr.AFTERSALES_MEASURES)
    assert [k for k in dr.AFTERSALES_LABELS.values() if k not in LABELS] == []
