"""Alerts that are pushed (pipeline/outputs/alerts.py): the rules on a hand-made store, the exact
messages each channel receives on listeners of this machine (企业微信, 钉钉 with its signature,
a generic webhook, e-mail over plain SMTP, STARTTLS and SSL), the quiet period and no repeat,
masked secrets, a channel that fails, the command line and the Settings section.

Nothing is sent anywhere but 127.0.0.1: every connection a test makes is watched
(`only_this_machine`) and one to any other address fails the test."""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import hashlib
import hmac
import ipaddress
import json
import socket
import subprocess
import threading
import time
import urllib.parse
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.base.labels import LABELS
from pipeline.base.roles import NotAllowed
from pipeline.db.store import Store
from pipeline.outputs import alerts, scheduled
from tests.conftest import load
from tests.factories import ADDR

AS_OF = datetime(2026, 11, 23, 12, 0)
# s1: o1 paid on 11-19 and not shipped (72 h passed on 11-22 09:05: overdue); o2 placed this
# morning, unpaid (48 h to chase: on time), keeps the shop's data fresh.
ORDERS = [
    {"order_id": "o1", "status_norm": "paid", "created_at": "2026-11-19 09:00",
     "paid_at": "2026-11-19 09:05", "paid": 100, "order_total": 100, **ADDR},
    {"order_id": "o2", "status_norm": "unpaid", "is_paid": False,
     "created_at": "2026-11-23 11:00", "order_total": 50, **ADDR},
]
WECOM_KEY = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
DING_TOKEN = "b7e1c0ffee0123456789abcdef0123456789abcdef0123456789abcdef01234"
DING_SECRET = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
ONE_ALERT = ("【订单台提醒】2026-11-23 12:00，1 条\n"
             "• 已超时：已付款发货 1 单（提醒阈值 0）：s1 1")


# ---------------------------------------------------------------------------------------------
# Only this machine, and listeners on it


@pytest.fixture(autouse=True)
def only_this_machine(monkeypatch):
    """Every connection must go to a loopback address; any other fails the test (even one a
    channel's failure would have hidden)."""
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    outside: list[object] = []
    real = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
                outside.append(address)
                raise ConnectionRefusedError(f"test: no connection to {host}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield
    assert outside == []


class Posts:
    """An HTTP listener on 127.0.0.1 that keeps every POST (path, query, headers, JSON) and
    answers `answer` (a robot's `{"errcode": 0}` unless told otherwise)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answer = (200, {"errcode": 0, "errmsg": "ok"})
        posts = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                parts = urllib.parse.urlsplit(self.path)
                posts.received.append({
                    "path": parts.path, "query": urllib.parse.parse_qs(parts.query),
                    "content_type": self.headers["Content-Type"],
                    "json": json.loads(body.decode("utf-8")), "at": time.time()})
                status, answer = posts.answer
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def at(self, path: str) -> list[dict]:
        return [p for p in self.received if p["path"] == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def posts():
    p = Posts()
    yield p
    p.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """What an SMTP listener of 127.0.0.1 (aiosmtpd) received, and the logins it saw."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"app-password-1234")
        return AuthResult(success=False)


def smtp_listener(box: Mailbox, **tls):
    from aiosmtpd.controller import Controller

    # STARTTLS: AUTH only once the session is encrypted; over SSL it always is (aiosmtpd does
    # not count an SSL connection as TLS for AUTH, so it is not asked to)
    controller = Controller(box, hostname="127.0.0.1", port=free_port(),
                            authenticator=box.authenticator,
                            auth_require_tls="tls_context" in tls, **tls)
    controller.start()
    return controller


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = smtp_listener(box)
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl), trusted through SSL_CERT_FILE."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture
def desk(store):
    load(store, ORDERS)
    return store


def add(store, **values) -> int:
    values.setdefault("quiet_minutes", 60)
    return alerts.save_channel(store, values, by="ann")


def sent_log(store) -> list[tuple]:
    return store.cursor().execute(
        "select channel_id, alert_key, sent_at, cleared_at from alert_sent "
        "order by channel_id, alert_key").fetchall()


def body_of(msg) -> str:
    """The plain text as written (SMTP carries lines ended by CRLF)."""
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n")


# ---------------------------------------------------------------------------------------------
# Rules


def test_the_rules_raise_what_the_store_holds(desk):
    raised = alerts.evaluate(desk.cursor(), AS_OF)
    assert raised == [alerts.Alert("overdue:ship_paid", "overdue_ship_paid",
                                   "已超时：已付款发货 1 单（提醒阈值 0）：s1 1")]
    english = alerts.evaluate(desk.cursor(), AS_OF, "en")
    assert [a.text for a in english] == [
        "Overdue: ship paid orders, 1 orders (alert above 0): s1 1"]


def test_a_threshold_and_a_rule_turned_off(desk):
    alerts.save_rules(desk, {"overdue_ship_paid": (True, 1)}, by="ann")
    assert alerts.evaluate(desk.cursor(), AS_OF) == []           # 1 is not above 1
    alerts.save_rules(desk, {"overdue_ship_paid": (True, 0), "due_soon_chase_unpaid": (True, 0),
                             "stale_shop": (True, None)}, by="ann")
    # 44 h before o2's chase deadline (11-25 11:00) is not within the 4 h window: not due soon
    assert [a.key for a in alerts.evaluate(desk.cursor(), AS_OF)] == ["overdue:ship_paid"]
    alerts.save_rules(desk, {"overdue_ship_paid": (False, 0)}, by="ann")
    assert alerts.evaluate(desk.cursor(), AS_OF) == []
    with pytest.raises(alerts.ChannelError):
        alerts.save_rules(desk, {"overdue_ship_paid": (True, -1)}, by="ann")
    with pytest.raises(NotAllowed):
        alerts.save_rules(desk, {"overdue_ship_paid": (True, 0)}, by="vic", role="viewer")


def test_a_stale_shop_and_shops_listed_by_name(store):
    load(store, ORDERS)
    load(store, [{"order_id": "x1", "shop": "s2", "status_norm": "paid",
                  "created_at": "2026-11-20 10:00", "paid_at": "2026-11-20 10:00", **ADDR}],
         name="s2")
    from pipeline.db.shops import rename_shop

    rename_shop(store, "taobao", "s2", "专营店", by="ann")
    raised = {a.key: a.text for a in alerts.evaluate(store.cursor(), AS_OF)}
    # s2's newest time is 11-20 10:00: over a day old at 11-23 12:00; evaluated as of then,
    # x1 (paid 11-20 10:00) is not overdue
    assert raised == {
        "overdue:ship_paid": "已超时：已付款发货 1 单（提醒阈值 0）：s1 1",
        "stale_shop:taobao:s2": "专营店（淘宝/天猫）的数据停在 2026-11-20 10:00，已超过一天没有新的导出。",
    }


def test_every_rule_kind_and_security_has_its_words():
    assert set(alerts.RULE_LABELS) == set(alerts.RULES)
    keys = [*alerts.RULE_LABELS.values(), *alerts.KIND_LABELS.values(),
            *alerts.SECURITY_LABELS.values()]
    assert [k for k in keys if k not in LABELS] == []
    assert set(alerts.KIND_LABELS) == set(alerts.CHANNEL_KINDS)
    assert set(alerts.SECURITY_LABELS) == set(alerts.SECURITIES)


# ---------------------------------------------------------------------------------------------
# Secrets


def test_secrets_are_masked():
    assert alerts.mask(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}") \
        == "https://qyapi…key=****5aaa"
    assert alerts.mask(f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}") \
        == "https://oapi.…access_token=****1234"
    assert alerts.mask(DING_SECRET) == "****a9dc"
    assert alerts.mask("short-pw") == "****"
    assert alerts.mask(None) == ""


def test_a_secret_is_never_shown_back_and_blank_keeps_it(store):
    wecom = add(store, name="群A", kind="wecom",
                url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}")
    ding = add(store, name="钉钉群", kind="dingtalk",
               url=f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}",
               secret=DING_SECRET)
    add(store, name="mail", kind="email", smtp_host="smtp.example.com", smtp_security="ssl",
        smtp_user="desk@example.com", secret="app-password-1234", sender="desk@example.com",
        recipients="boss@example.com; ops@example.com")
    shown = alerts.channel_list(store.cursor())
    everything = shown.to_csv() + repr([c.masked() for c in alerts.channels(store.cursor())])
    for secret in (WECOM_KEY, DING_TOKEN, DING_SECRET, "app-password-1234"):
        assert secret not in everything
    assert shown["target"].tolist() == ["https://qyapi…key=****5aaa",
                                        "https://oapi.…access_token=****1234",
                                        "boss@example.com, ops@example.com"]
    # saved again with the secrets left blank: the stored ones are kept
    alerts.save_channel(store, {"name": "群A 改名", "url": ""}, by="ann", channel_id=wecom)
    alerts.save_channel(store, {"name": "钉钉群", "url": "", "secret": ""}, by="ann",
                        channel_id=ding)
    kept = {c.channel_id: c for c in alerts.channels(store.cursor())}
    assert kept[wecom].name == "群A 改名"
    assert kept[wecom].url.endswith(WECOM_KEY)
    assert kept[ding].secret == DING_SECRET


def test_what_a_channel_refuses(store):
    with pytest.raises(alerts.ChannelError, match="whole address"):
        add(store, name="x", kind="wecom", url="qyapi.weixin.qq.com/send?key=1")
    with pytest.raises(alerts.ChannelError, match="never sent unencrypted"):
        add(store, name="m", kind="email", smtp_host="smtp.example.com", smtp_security="none",
            smtp_user="u", secret="pw", sender="a@example.com", recipients="b@example.com")
    with pytest.raises(alerts.ChannelError, match="not e-mail addresses: boss"):
        add(store, name="m", kind="email", smtp_host="smtp.example.com", sender="a@example.com",
            recipients="boss, ok@example.com")
    with pytest.raises(NotAllowed):
        alerts.save_channel(store, {"name": "x", "kind": "webhook", "url": "https://x.example/h"},
                            by="cat", role="clerk")
    assert alerts.channels(store.cursor()) == []


# ---------------------------------------------------------------------------------------------
# The messages, exactly


def test_wecom_dingtalk_and_webhook_receive_their_json(desk, posts):
    add(desk, name="群A", kind="wecom", url=f"{posts.base}/cgi-bin/webhook/send?key={WECOM_KEY}")
    add(desk, name="钉钉群", kind="dingtalk",
        url=f"{posts.base}/robot/send?access_token={DING_TOKEN}", secret=DING_SECRET)
    add(desk, name="hook", kind="webhook", url=f"{posts.base}/hook")
    before = int(time.time() * 1000)
    done = alerts.run_alerts(desk, AS_OF)
    after = int(time.time() * 1000)
    assert [(d.name, d.keys, d.ok, d.error) for d in done] == [
        ("群A", ("overdue:ship_paid",), True, None),
        ("钉钉群", ("overdue:ship_paid",), True, None),
        ("hook", ("overdue:ship_paid",), True, None)]

    [wecom] = posts.at("/cgi-bin/webhook/send")
    assert wecom["query"] == {"key": [WECOM_KEY]}
    assert wecom["content_type"] == "application/json; charset=utf-8"
    assert wecom["json"] == {"msgtype": "text", "text": {"content": ONE_ALERT}}

    [ding] = posts.at("/robot/send")
    assert ding["json"] == {"msgtype": "text", "text": {"content": ONE_ALERT}}
    assert set(ding["query"]) == {"access_token", "timestamp", "sign"}
    assert ding["query"]["access_token"] == [DING_TOKEN]
    stamp = ding["query"]["timestamp"][0]
    assert before <= int(stamp) <= after                         # milliseconds, now
    # the signature as 钉钉 checks it: HMAC-SHA256 of "timestamp\nsecret" keyed by the secret
    want = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{stamp}\n{DING_SECRET}".encode(),
                                     hashlib.sha256).digest()).decode()
    assert ding["query"]["sign"] == [want]                       # parse_qs undid the URL-encoding

    [hook] = posts.at("/hook")
    assert hook["json"] == {
        "source": "orderdesk", "as_of": "2026-11-23 12:00", "test": False, "text": ONE_ALERT,
        "alerts": [{"key": "overdue:ship_paid", "rule": "overdue_ship_paid",
                    "text": "已超时：已付款发货 1 单（提醒阈值 0）：s1 1"}]}
    assert [(c, k) for c, k, _, _ in sent_log(desk)] == [
        (1, "overdue:ship_paid"), (2, "overdue:ship_paid"), (3, "overdue:ship_paid")]


def test_an_alert_by_mail(desk, mailbox):
    add(desk, name="mail", kind="email", smtp_host="127.0.0.1", smtp_port=mailbox.port,
        smtp_security="none", smtp_user="desk", secret="app-password-1234",
        sender="desk@shop.example", recipients="boss@shop.example, ops@shop.example", lang="en")
    [done] = alerts.run_alerts(desk, AS_OF)
    assert (done.ok, done.error) == (True, None)
    assert mailbox.logins == [("desk", "app-password-1234")]
    [(sender, rcpt, msg)] = mailbox.mails
    assert sender == "desk@shop.example"
    assert rcpt == ["boss@shop.example", "ops@shop.example"]
    assert msg["From"] == "desk@shop.example"
    assert msg["To"] == "boss@shop.example, ops@shop.example"
    assert msg["Subject"] == "[Order Desk alerts] 2026-11-23 12:00, 1"
    assert body_of(msg) == "• Overdue: ship paid orders, 1 orders (alert above 0): s1 1"
    assert list(msg.iter_attachments()) == []


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_mail_over_tls_with_the_certificate_checked(desk, certificate, monkeypatch, security):
    import ssl

    cert, key = certificate
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    box = Mailbox()
    tls = ({"tls_context": server, "require_starttls": True} if security == "starttls"
           else {"ssl_context": server})
    controller = smtp_listener(box, **tls)
    try:
        ch = alerts.channel(desk.cursor(), add(
            desk, name="mail", kind="email", smtp_host="127.0.0.1", smtp_port=controller.port,
            smtp_security=security, smtp_user="desk", secret="app-password-1234",
            sender="desk@shop.example", recipients="boss@shop.example"))
        # the listener's certificate is not trusted yet: refused, reported in one line
        refused = alerts.send_test(ch, AS_OF)
        assert refused.ok is False and "CERTIFICATE_VERIFY_FAILED" in refused.error
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        done = alerts.send_test(ch, AS_OF)
        assert (done.ok, done.error) == (True, None)
    finally:
        controller.stop()
    assert box.logins == [("desk", "app-password-1234")]
    [(_, rcpt, msg)] = box.mails
    assert rcpt == ["boss@shop.example"]
    assert msg["Subject"] == "【订单台提醒】测试消息 2026-11-23 12:00"
    assert body_of(msg) == "渠道“mail”可以收到订单台的提醒。"


def test_send_a_test(desk, posts):
    ch_id = add(desk, name="群A", kind="wecom", url=f"{posts.base}/send?key={WECOM_KEY}")
    result = alerts.test_channel(desk, ch_id)
    assert (result.ok, result.error) == (True, None)
    [post] = posts.received
    now = alerts.channel(desk.cursor(), ch_id).last_sent_at
    assert post["json"] == {"msgtype": "text", "text": {
        "content": f"【订单台提醒】测试消息 {now:%Y-%m-%d %H:%M}\n渠道“群A”可以收到订单台的提醒。"}}
    assert sent_log(desk) == []                  # a test is no alert: nothing remembered
    with pytest.raises(NotAllowed):
        alerts.test_channel(desk, ch_id, role="viewer")


# ---------------------------------------------------------------------------------------------
# Quiet period, no repeat


def test_no_repeat_until_it_changes_and_the_quiet_period(desk, posts):
    add(desk, name="hook", kind="webhook", url=f"{posts.base}/hook", quiet_minutes=60)

    def run(minutes: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        [d] = alerts.run_alerts(desk, AS_OF + timedelta(minutes=minutes))
        return d.keys, d.held

    assert run(0) == (("overdue:ship_paid",), ())
    assert run(1) == ((), ("overdue:ship_paid",))             # the same: never repeated
    assert run(600) == ((), ("overdue:ship_paid",))           # not even hours later
    # a second order overdue: the alert changed, and its last message was 601 minutes ago
    load(desk, [{"order_id": "o3", "status_norm": "paid", "created_at": "2026-11-19 10:00",
                 "paid_at": "2026-11-19 10:00", **ADDR}], name="o3")
    assert run(601) == (("overdue:ship_paid",), ())
    # a third: changed again, 9 minutes after the last message about it: held
    load(desk, [{"order_id": "o4", "status_norm": "paid", "created_at": "2026-11-19 11:00",
                 "paid_at": "2026-11-19 11:00", **ADDR}], name="o4")
    assert run(610) == ((), ("overdue:ship_paid",))
    assert run(661) == (("overdue:ship_paid",), ())           # 60 minutes after 601
    texts = [p["json"]["alerts"][0]["text"] for p in posts.received]
    assert texts == ["已超时：已付款发货 1 单（提醒阈值 0）：s1 1",
                     "已超时：已付款发货 2 单（提醒阈值 0）：s1 2",
                     "已超时：已付款发货 3 单（提醒阈值 0）：s1 3"]
    # all three shipped: the alert clears; back with the same text after the quiet period: sent
    shipped = [{"order_id": o, "status_norm": "shipped", "created_at": c, "paid_at": c,
                "shipped_at": "2026-11-23 20:00", **ADDR}
               for o, c in (("o1", "2026-11-19 09:00"), ("o3", "2026-11-19 10:00"),
                            ("o4", "2026-11-19 11:00"))]
    load(desk, shipped, name="shipped")
    assert run(662) == ((), ())
    assert sent_log(desk)[0][3] == AS_OF + timedelta(minutes=662)   # cleared then
    load(desk, [{"order_id": "o5", "status_norm": "paid", "created_at": "2026-11-19 12:00",
                 "paid_at": "2026-11-19 12:00", **ADDR}], name="o5")
    assert run(700) == ((), ("overdue:ship_paid",))           # back, 39 minutes after: quiet
    assert run(722) == (("overdue:ship_paid",), ())
    assert posts.received[-1]["json"]["alerts"][0]["text"] == \
        "已超时：已付款发货 1 单（提醒阈值 0）：s1 1"
    assert len(posts.received) == 4


def test_a_dry_run_sends_and_remembers_nothing(desk, posts, capsys):
    add(desk, name="hook", kind="webhook", url=f"{posts.base}/hook")
    [d] = alerts.run_alerts(desk, AS_OF, dry_run=True)
    assert (d.keys, d.ok) == (("overdue:ship_paid",), None)
    assert posts.received == [] and sent_log(desk) == []


# ---------------------------------------------------------------------------------------------
# A channel that fails


def test_a_failing_channel_is_reported_and_the_others_still_go(desk, posts):
    closed = free_port()                       # nothing listens there: connection refused
    bad = add(desk, name="down", kind="wecom",
              url=f"http://127.0.0.1:{closed}/cgi-bin/webhook/send?key={WECOM_KEY}")
    add(desk, name="hook", kind="webhook", url=f"{posts.base}/hook")
    down, hook = alerts.run_alerts(desk, AS_OF)
    assert (down.ok, down.keys) == (False, ("overdue:ship_paid",))
    assert "Connection refused" in down.error and WECOM_KEY not in down.error
    assert (hook.ok, hook.error) == (True, None)
    assert [c for c, *_ in sent_log(desk)] == [2]        # only what was taken is remembered
    ch = alerts.channel(desk.cursor(), bad)
    assert ch.last_error == down.error and ch.last_error_at == AS_OF
    # the next run tries the failed channel again; the other has nothing new
    down, hook = alerts.run_alerts(desk, AS_OF + timedelta(minutes=1))
    assert (down.ok, down.keys, hook.keys) == (False, ("overdue:ship_paid",), ())


def test_a_robot_that_refuses_the_message(desk, posts):
    add(desk, name="群A", kind="wecom", url=f"{posts.base}/send?key={WECOM_KEY}")
    posts.answer = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    [d] = alerts.run_alerts(desk, AS_OF)
    assert (d.ok, d.error) == (False, "the robot refused the message: errcode 93000: "
                                      "invalid webhook url")
    posts.answer = (500, {"error": "down"})
    assert alerts.send_test(alerts.channels(desk.cursor())[0], AS_OF).error == \
        "HTTP 500 Internal Server Error"
    assert sent_log(desk) == []


def test_a_long_message_is_cut_to_what_wecom_takes():
    lines = tuple(f"• 第 {i} 条：" + "很长的提醒" * 20 for i in range(40))
    msg = alerts.Message("【订单台提醒】2026-11-23 12:00，40 条", lines)
    text = alerts._fit(msg, 2048, "zh")
    assert len(text.encode("utf-8")) <= 2048
    shown = text.split("\n")
    assert shown[0] == msg.title and shown[1] == lines[0]
    assert shown[-1] == f"……还有 {40 - (len(shown) - 2)} 条，请打开订单台查看"


# ---------------------------------------------------------------------------------------------
# The command line


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    scheduled.add_commands(sub)
    return p


def test_the_alerts_command(desk, posts, capsys):
    add(desk, name="hook", kind="webhook", url=f"{posts.base}/hook")
    args = parser().parse_args(["alerts", "--as-of", "2026-11-23 12:00", "--dry-run"])
    assert scheduled.run_command(desk, args) == 0
    out = capsys.readouterr().out
    assert out == ("hook (webhook): would send 1 alert(s), 0 held back\n"
                   "  已超时：已付款发货 1 单（提醒阈值 0）：s1 1\n")
    assert posts.received == []
    args = parser().parse_args(["alerts", "--as-of", "2026-11-23 12:00"])
    assert scheduled.run_command(desk, args) == 0
    assert capsys.readouterr().out == "hook (webhook): sent 1 alert(s)\n"
    assert scheduled.run_command(desk, parser().parse_args(["alerts", "--as-of", "noon"])) == 2
    assert scheduled.portable_argv(args) == ["alerts", "--as-of", "2026-11-23 12:00"]


def test_alerts_main_exits_1_when_a_channel_fails(tmp_path, capsys):
    db = tmp_path / "desk.duckdb"
    s = Store(db)
    load(s, ORDERS)
    add(s, name="down", kind="webhook", url=f"http://127.0.0.1:{free_port()}/hook")
    s.close()
    assert scheduled.alerts_main(["--db", str(db), "--as-of", "2026-11-23 12:00"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("down (webhook): FAILED, ") and "Connection refused" in err


# ---------------------------------------------------------------------------------------------
# The Settings section


def section_script():
    from ui.alerts import alerts_section

    alerts_section()


def test_the_settings_section_adds_a_channel_and_shows_it_masked(tmp_path, monkeypatch, posts):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "ui.duckdb"
    s = Store(db)
    load(s, ORDERS)
    s.close()
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(section_script, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert any("No alert channel yet" in c.value for c in at.caption)
    at.text_input(key="alert_name_-1").set_value("群A")
    at.text_input(key="alert_url_-1").set_value(f"{posts.base}/cgi-bin/webhook/send?key={WECOM_KEY}")
    at.number_input(key="alert_quiet_-1").set_value(30)
    at.button[0].click()                        # the channel form's save comes first
    at.run()
    assert not at.exception
    assert any(x.value == "Saved." for x in at.success)
    at.run()
    table = at.dataframe[0].value
    assert table["Sends to (secrets hidden)"].tolist() == ["http://127.0…key=****5aaa"]
    assert table["Quiet period (minutes)"].tolist() == [30]
    shown = " ".join([str(e.value) for e in at.text_input] + [table.to_csv()])
    assert WECOM_KEY not in shown                # the field typed into is emptied too
    assert at.selectbox(key="alert_pick").value == 1      # the new channel, to test or edit
    at.button(key="alert_test_1").click()
    at.run()
    assert not at.exception
    assert [x.value for x in at.success] == ["The test was sent: look in the group or the mailbox."]
    rules = next(d.value for d in at.dataframe if "threshold" in d.value.columns)
    assert str(rules["threshold"].dtype) == "Float64"   # an empty cell, never the word None
    assert rules["threshold"].isna().any() and rules["threshold"].notna().any()
    [post] = posts.received
    assert post["json"]["text"]["content"].endswith("The channel “群A” receives the Order Desk's "
                                                    "alerts.")


# ---------------------------------------------------------------------------------------------
# On a PostgreSQL store (DESIGN §14)


def test_the_alerts_on_a_postgresql_store_are_the_desk_s_across_dashboards(tmp_path, pg_url,
                                                                           posts, monkeypatch):
    """The alerts' tables are in PostgreSQL: a channel, the rules, a shop's report addresses and
    what was sent, saved through one dashboard, are the other's within seconds; the other sends
    nothing again, and a channel it adds takes the next id."""
    import psycopg

    from pipeline.db.mirror import VERIFY_ENV
    from pipeline.db.open import open_store
    from tests.pg_cluster import wait_until

    monkeypatch.setenv(VERIFY_ENV, "1")   # every write compared table by table with the mirror
    one = open_store(pg_url, cache=tmp_path / "one")
    two = open_store(pg_url, cache=tmp_path / "two")
    try:
        load(one, ORDERS)
        add(one, name="hook", kind="webhook", url=f"{posts.base}/hook")
        alerts.save_rules(one, {"due_soon_chase_unpaid": (False, None)}, by="ann")
        alerts.save_report_addresses(one, "taobao", "s1", "boss@shop.example", by="ann")
        [done] = alerts.run_alerts(one, AS_OF)
        assert (done.keys, done.ok) == (("overdue:ship_paid",), True)

        wait_until(lambda: len(sent_log(two)) == 1, 5.0)
        assert sent_log(two) == [(1, "overdue:ship_paid", AS_OF, None)]
        assert [c.name for c in alerts.channels(two.cursor())] == ["hook"]
        assert alerts.rule_settings(two.cursor())["due_soon_chase_unpaid"].enabled is False
        assert alerts.report_addresses(two.cursor()) == {("taobao", "s1"): ["boss@shop.example"]}
        [again] = alerts.run_alerts(two, AS_OF + timedelta(minutes=5))
        assert (again.keys, again.held) == ((), ("overdue:ship_paid",))
        assert len(posts.received) == 1
        assert add(two, name="hook 2", kind="webhook", url=f"{posts.base}/hook2") == 2
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("select channel_id, name from alert_channels order by 1"
                                ).fetchall() == [(1, "hook"), (2, "hook 2")]
            assert conn.execute("select channel_id, alert_key from alert_sent").fetchall() == [
                (1, "overdue:ship_paid")]
    finally:
        one.close()
        two.close()
