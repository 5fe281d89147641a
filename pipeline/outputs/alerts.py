"""Alerts that are pushed: the desk's rules evaluated as of a moment, sent to the people away
from the screen.

Rules (`RULES`, each on or off, most with a number a count must be above):

- the war room's (pipeline/desk/forecast.py `alerts`, with its own thresholds in the settings):
  `breaches` (orders that will breach today), `intake_off` (intake off the projection two hours
  running), `stock_runout` (SKUs running out within `alert_runout_hours`);
- the time rules of DESIGN §4 (pipeline/desk/sla.py): `overdue_<rule>` and `due_soon_<rule>`,
  the orders overdue or due soon under that rule, above a number;
- after-sales (DESIGN §11, pipeline/desk/aftersales.py): `aftersales_answer_due_soon`,
  `aftersales_receive_due_soon` and their `_overdue`, the cases due soon or overdue, above a number;
- `stale_shop`: a shop whose data is over a day old (pipeline/desk/freshness.py), one alert each.

An alert is a key saying what it is about (`overdue:ship_paid`, `stale_shop:taobao:旗舰店`),
its rule and a sentence in the channel's language. Channels (`CHANNEL_KINDS`): a 企业微信 group
robot and a 钉钉 group robot (their webhook's `{"msgtype": "text", "text": {"content": …}}`;
钉钉 optionally signed: `timestamp` and `sign`, the HMAC-SHA256 of "timestamp\\nsecret" under the
secret, Base64, URL-encoded, added to the address), a generic webhook (`{"source", "as_of",
"test", "text", "alerts": [{key, rule, text}]}`), and e-mail (SMTP with STARTTLS or SSL; `none`
for a relay on this machine).

What each channel was sent is remembered per alert key with its text's digest and moment: an
alert is sent again only when its text changed (or it cleared and came back), and never sooner
than the channel's quiet period after the last message about the same key. A channel that
fails is reported and left for the next run; nothing it failed to send counts as sent.

Secrets (the webhook addresses, which carry their key, 钉钉's signing secret, the SMTP password)
are kept in the store and never shown back whole (`mask`). The tables are
sql/alerts_schema.sql, made with the store's own (pipeline/db/store.py, and in PostgreSQL by
pipeline/db/pg.py); every write here is bookkeeping: no page's cached result depends on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import logging
import re
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import duckdb
import pandas as pd

from pipeline.base.filters import ALL
from pipeline.base.labels import LANGS, label, platform_name
from pipeline.base.reasons import Reason
from pipeline.base.roles import require
from pipeline.db.settings import get_settings, local_now
from pipeline.db.shops import shop_names

log = logging.getLogger(__name__)

CHANNEL_KINDS = ("wecom", "dingtalk", "webhook", "email")
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_QUIET_MINUTES = 60
TIMEOUT = 10.0                        # seconds a channel is given to answer
SHOPS_LISTED = 5                      # shops named in a count's sentence, the most first
# The most a robot takes in one text: 企业微信 2048 bytes of UTF-8; 钉钉 more, kept readable.
CONTENT_BYTES = {"wecom": 2048, "dingtalk": 4000}

SLA_RULES = ("chase_unpaid", "ship_paid", "out_of_stock", "address")      # DESIGN §4
CASE_RULES = ("aftersales_answer", "aftersales_receive")                  # DESIGN §11
WARROOM_RULES = ("breaches", "intake_off", "stock_runout")

# rule -> the number a count must be above by default; None: the rule has no number here (the
# war room's thresholds are settings of their own; a stale shop is one alert per shop)
RULES: dict[str, float | None] = {
    "breaches": None,
    "intake_off": None,
    "stock_runout": None,
    **{f"overdue_{r}": 0.0 for r in SLA_RULES},
    **{f"due_soon_{r}": 10.0 for r in SLA_RULES},
    **{f"{r}_due_soon": 0.0 for r in CASE_RULES},
    **{f"{r}_overdue": 0.0 for r in CASE_RULES},
    "stale_shop": None,
}

# The words of each rule (labels of pipeline/base/labels/alerts.py), named here one by one.
RULE_LABELS = {
    "breaches": "alert_rule_breaches",
    "intake_off": "alert_rule_intake_off",
    "stock_runout": "alert_rule_stock_runout",
    "overdue_chase_unpaid": "alert_rule_overdue_chase_unpaid",
    "overdue_ship_paid": "alert_rule_overdue_ship_paid",
    "overdue_out_of_stock": "alert_rule_overdue_out_of_stock",
    "overdue_address": "alert_rule_overdue_address",
    "due_soon_chase_unpaid": "alert_rule_due_soon_chase_unpaid",
    "due_soon_ship_paid": "alert_rule_due_soon_ship_paid",
    "due_soon_out_of_stock": "alert_rule_due_soon_out_of_stock",
    "due_soon_address": "alert_rule_due_soon_address",
    "aftersales_answer_due_soon": "alert_rule_aftersales_answer_due_soon",
    "aftersales_receive_due_soon": "alert_rule_aftersales_receive_due_soon",
    "aftersales_answer_overdue": "alert_rule_aftersales_answer_overdue",
    "aftersales_receive_overdue": "alert_rule_aftersales_receive_overdue",
    "stale_shop": "alert_rule_stale_shop",
}
KIND_LABELS = {"wecom": "alert_kind_wecom", "dingtalk": "alert_kind_dingtalk",
               "webhook": "alert_kind_webhook", "email": "alert_kind_email"}
SECURITY_LABELS = {"starttls": "alert_security_starttls", "ssl": "alert_security_ssl",
                   "none": "alert_security_none"}


def rule_name(rule: str, lang: str = "zh") -> str:
    """A rule as people name it."""
    return label(RULE_LABELS[rule], lang)


def kind_name(kind: str, lang: str = "zh") -> str:
    """A channel's kind as people name it (企业微信群机器人, …)."""
    return label(KIND_LABELS[kind], lang)


class ChannelError(ValueError):
    """A channel that cannot be saved, or a message that cannot be sent; the message (a
    `pipeline.base.reasons.Reason` where it is the desk's own) says why."""


@dataclass(frozen=True)
class Alert:
    """What an alert is about (`key`), the rule that raised it and its sentence."""

    key: str
    rule: str
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Channel:
    """A channel as stored, secrets included: read only to send (`masked` to show)."""

    channel_id: int
    name: str
    kind: str
    enabled: bool = True
    url: str | None = None
    secret: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str | None = None
    smtp_user: str | None = None
    sender: str | None = None
    recipients: str | None = None
    quiet_minutes: int = DEFAULT_QUIET_MINUTES
    lang: str = "zh"
    last_sent_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None

    def masked(self) -> dict[str, Any]:
        """The channel as it may be shown: every secret masked."""
        return {
            "channel_id": self.channel_id, "name": self.name, "kind": self.kind,
            "enabled": self.enabled,
            "target": mask(self.url) if self.kind != "email" else ", ".join(addresses(
                self.recipients)),
            "url": mask(self.url), "secret": mask(self.secret),
            "smtp_host": self.smtp_host, "smtp_port": self.smtp_port,
            "smtp_security": self.smtp_security, "smtp_user": self.smtp_user,
            "sender": self.sender, "recipients": self.recipients,
            "quiet_minutes": self.quiet_minutes, "lang": self.lang,
            "last_sent_at": self.last_sent_at, "last_error": self.last_error,
            "last_error_at": self.last_error_at,
        }


@dataclass(frozen=True)
class Delivery:
    """What one channel was given in one run: the alerts' keys, whether it took them (`ok`:
    None in a dry run, nothing sent), why not (`error`, one line, no secret), the alerts held
    back (the same as last sent, or within the quiet period)."""

    channel_id: int
    name: str
    kind: str
    keys: tuple[str, ...] = ()
    ok: bool | None = None
    error: str | None = None
    held: tuple[str, ...] = ()
    texts: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Message:
    """One message to a channel: its title (the subject of an e-mail), its lines, the alerts it
    carries, the moment, whether it is a test; e-mail attachments as (file name, bytes, MIME)."""

    title: str
    lines: tuple[str, ...]
    alerts: tuple[Alert, ...] = ()
    as_of: datetime | None = None
    test: bool = False
    attachments: tuple[tuple[str, bytes, str], ...] = ()

    def text(self) -> str:
        return "\n".join([self.title, *self.lines])


# ---------------------------------------------------------------------------------------------
# Secrets shown, addresses read


def mask(secret: str | None) -> str:
    """A secret as it may be shown: a web address as its scheme, the start of its host and its
    last parameter's name (`https://qyapi…key=****abcd`), anything else as `****` and its last
    four characters (only when it is long enough that they give nothing away); '' for none."""
    if not secret:
        return ""
    tail = secret[-4:] if len(secret) >= 12 else ""
    parts = urllib.parse.urlsplit(secret)
    if parts.scheme in ("http", "https") and parts.hostname:
        name = ""
        if parts.query:
            name = parts.query.rsplit("&", 1)[-1].split("=", 1)[0] + "="
        return f"{parts.scheme}://{parts.hostname[:5]}…{name}****{tail}"
    return f"****{tail}"


_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def addresses(text: str | None) -> list[str]:
    """The e-mail addresses in `text` (separated by commas, semicolons, blanks or lines), in
    order, each once."""
    found = [a.strip() for a in re.split(r"[,;，；\s]+", text or "") if a.strip()]
    return list(dict.fromkeys(found))


def bad_addresses(text: str | None) -> list[str]:
    """The items of `text` that are not e-mail addresses."""
    return [a for a in addresses(text) if not _ADDRESS.fullmatch(a)]


def _scrub(text: str, channel: Channel) -> str:
    """An error's words with the channel's secrets masked (a library may quote an address)."""
    for secret in (channel.url, channel.secret):
        if secret:
            text = text.replace(secret, mask(secret))
    return text


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------
# The tables


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the alerts' tables exist in this store (a store file made before them and
    opened read-only has none yet)."""
    return bool(con.execute(
        "select count(*) from duckdb_tables() where table_name = 'alert_options' "
        "and schema_name = 'main'").fetchall()[0][0])


def _write(store: Any, work: Any) -> Any:
    """`work(cur)` in one bookkeeping transaction."""
    return store.run_write(work, bookkeeping=True)


CHANNEL_COLUMNS = ("channel_id", "name", "kind", "enabled", "url", "secret", "smtp_host",
                   "smtp_port", "smtp_security", "smtp_user", "sender", "recipients",
                   "quiet_minutes", "lang", "last_sent_at", "last_error", "last_error_at")


def channels(con: duckdb.DuckDBPyConnection, enabled_only: bool = False) -> list[Channel]:
    """Every channel, secrets included (to send, never to show), in the order added."""
    if not has_tables(con):
        return []
    rows = con.execute(
        f"select {', '.join(CHANNEL_COLUMNS)} from alert_channels "  # noqa: S608 - fixed names
        + ("where enabled " if enabled_only else "") + "order by channel_id").fetchall()
    return [Channel(**dict(zip(CHANNEL_COLUMNS, r, strict=True))) for r in rows]


def channel(con: duckdb.DuckDBPyConnection, channel_id: int) -> Channel:
    """One channel by its id (ChannelError when there is none)."""
    for c in channels(con):
        if c.channel_id == channel_id:
            return c
    raise ChannelError(Reason("alert_why_no_channel", id=channel_id))


def channel_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The channels as they may be shown: secrets masked."""
    cols = ["channel_id", "name", "kind", "enabled", "target", "quiet_minutes", "lang",
            "last_sent_at", "last_error", "last_error_at"]
    return pd.DataFrame([{k: c.masked()[k] for k in cols} for c in channels(con)], columns=cols)


def _clean(values: dict[str, Any], old: Channel | None) -> dict[str, Any]:
    """A channel's fields as stored: checked, trimmed; a secret left blank keeps the stored one."""
    v = {k: (x.strip() if isinstance(x, str) else x) for k, x in values.items()}
    kind = v.get("kind") or (old.kind if old else None)
    if kind not in CHANNEL_KINDS:
        raise ChannelError(Reason("alert_why_kind", kinds=", ".join(CHANNEL_KINDS)))
    name = v.get("name") or (old.name if old else "")
    if not name or len(name) > 80:
        raise ChannelError(Reason("alert_why_name"))
    out: dict[str, Any] = {"name": name, "kind": kind,
                           "enabled": bool(v.get("enabled", old.enabled if old else True))}
    quiet = v.get("quiet_minutes", old.quiet_minutes if old else DEFAULT_QUIET_MINUTES)
    if not isinstance(quiet, int | float) or isinstance(quiet, bool) or not 0 <= quiet <= 7 * 24 * 60:
        raise ChannelError(Reason("alert_why_quiet"))
    out["quiet_minutes"] = int(quiet)
    lang = v.get("lang") or (old.lang if old else "zh")
    out["lang"] = lang if lang in LANGS else "zh"
    kept = old if old is not None and old.kind == kind else None
    secret = v.get("secret") or (kept.secret if kept else None)
    if kind == "email":
        security = v.get("smtp_security") or (kept.smtp_security if kept else None) or "starttls"
        if security not in SECURITIES:
            raise ChannelError(Reason("alert_why_security"))
        host = v.get("smtp_host") or (kept.smtp_host if kept else None)
        if not host or "/" in host or " " in host:
            raise ChannelError(Reason("alert_why_host"))
        port = v.get("smtp_port") or (kept.smtp_port if kept else None) or DEFAULT_PORTS[security]
        if not isinstance(port, int | float) or not 0 < int(port) < 65536:
            raise ChannelError(Reason("alert_why_port"))
        sender = v.get("sender") or (kept.sender if kept else None)
        if not sender or bad_addresses(sender) or len(addresses(sender)) != 1:
            raise ChannelError(Reason("alert_why_sender"))
        recipients = v.get("recipients") if "recipients" in v else (kept.recipients if kept else "")
        if bad_addresses(recipients):
            raise ChannelError(Reason("alert_why_addresses",
                                       bad=", ".join(bad_addresses(recipients))))
        user = v.get("smtp_user") if "smtp_user" in v else (kept.smtp_user if kept else None)
        if secret and security == "none" and not _loopback(host):
            raise ChannelError(Reason("alert_why_plain_password"))
        out.update(url=None, secret=secret, smtp_host=host, smtp_port=int(port),
                   smtp_security=security, smtp_user=user or None, sender=sender,
                   recipients=", ".join(addresses(recipients)))
        return out
    url = v.get("url") or (kept.url if kept else None)
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChannelError(Reason("alert_why_url"))
    out.update(url=url, secret=secret if kind == "dingtalk" else None, smtp_host=None,
               smtp_port=None, smtp_security=None, smtp_user=None, sender=None, recipients=None)
    return out


def save_channel(store: Any, values: dict[str, Any], by: str, role: str | None = None,
                 channel_id: int | None = None) -> int:
    """Add a channel (`channel_id` None) or change one; a secret or address left blank keeps
    the stored one. A manager's (role action `settings`). Returns the channel's id."""
    require(role, "settings")

    def work(cur: duckdb.DuckDBPyConnection) -> int:
        old = channel(cur, channel_id) if channel_id is not None else None
        row = _clean(values, old)
        now = local_now(cur)
        if old is None:
            new_id = cur.execute("select nextval('alert_channel_seq')").fetchall()[0][0]
            cols = ["channel_id", *row, "created_at", "updated_at", "updated_by"]
            cur.execute(f"insert into alert_channels ({', '.join(cols)}) "  # noqa: S608 - fixed names
                        f"values ({', '.join('?' * len(cols))})",
                        [new_id, *row.values(), now, now, by])
            return int(new_id)
        sets = ", ".join(f"{k} = ?" for k in row)
        cur.execute(f"update alert_channels set {sets}, updated_at = ?, updated_by = ? "  # noqa: S608
                    "where channel_id = ?", [*row.values(), now, by, channel_id])
        if old.kind != row["kind"]:   # another kind of channel: what it was sent is forgotten
            cur.execute("delete from alert_sent where channel_id = ?", [channel_id])
        return int(channel_id)

    return _write(store, work)


def set_enabled(store: Any, channel_id: int, enabled: bool, by: str,
                role: str | None = None) -> None:
    """Turn a channel on or off (a manager's)."""
    save_channel(store, {"enabled": enabled}, by, role, channel_id)


def delete_channel(store: Any, channel_id: int, role: str | None = None) -> None:
    """Remove a channel and what it was sent (a manager's)."""
    require(role, "settings")

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        channel(cur, channel_id)
        cur.execute("delete from alert_sent where channel_id = ?", [channel_id])
        cur.execute("delete from alert_channels where channel_id = ?", [channel_id])

    _write(store, work)


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool
    threshold: float | None


def rule_settings(con: duckdb.DuckDBPyConnection) -> dict[str, RuleSetting]:
    """Every rule of RULES: on or off and its number (the stored one, else the default)."""
    stored = {}
    if has_tables(con):
        stored = {r: (bool(e), t) for r, e, t in con.execute(
            "select rule, enabled, threshold from alert_rules").fetchall()}
    out = {}
    for rule, default in RULES.items():
        enabled, threshold = stored.get(rule, (True, None))
        out[rule] = RuleSetting(enabled, None if default is None else
                                float(default if threshold is None else threshold))
    return out


def save_rules(store: Any, rules: dict[str, tuple[bool, float | None]], by: str,
               role: str | None = None) -> None:
    """Store rules' settings: rule -> (on, number); a manager's. A number below 0 is refused."""
    require(role, "settings")
    for rule, (_, threshold) in rules.items():
        if rule not in RULES:
            raise ChannelError(Reason("alert_why_rule", rule=rule))
        if threshold is not None and (pd.isna(threshold) or float(threshold) < 0):
            raise ChannelError(Reason("alert_why_threshold", rule=Reason(RULE_LABELS[rule])))

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        now = local_now(cur)
        for rule, (enabled, threshold) in rules.items():
            number = None if RULES[rule] is None or threshold is None else float(threshold)
            cur.execute("insert or replace into alert_rules values (?, ?, ?, ?, ?)",
                        [rule, bool(enabled), number, now, by])

    _write(store, work)


# The daily report's options (pipeline/outputs/daily_report.py), with their defaults.
OPTIONS: dict[str, Any] = {
    "report_hour": 8,          # the hour at which yesterday's report is made and sent
    "report_enabled": False,   # whether `watch` and `alerts` make it at that hour
    "report_channel": None,    # the e-mail channel that sends it (None: the first e-mail one)
    "report_dir": None,        # where it is written when not e-mailed (None: data/reports)
    "report_lang": "zh",
    "league_addresses": "",    # who gets the page of every shop side by side
    "last_report_day": None,   # the last day whose report was made by the hour (ISO date)
}


def options(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The daily report's options: the stored value, else the default."""
    stored = {}
    if has_tables(con):
        stored = dict(con.execute("select key, value from alert_options").fetchall())
    return {k: json.loads(stored[k]) if k in stored else v for k, v in OPTIONS.items()}


def save_options(store: Any, values: dict[str, Any], by: str, role: str | None = None) -> None:
    """Store some of OPTIONS (a manager's); the hour is 0–23, the addresses e-mail addresses."""
    require(role, "settings")
    for key, value in values.items():
        if key not in OPTIONS:
            raise ChannelError(Reason("alert_why_option", key=key))
        if key == "report_hour" and not (isinstance(value, int) and 0 <= value <= 23):
            raise ChannelError(Reason("alert_why_hour"))
        if key == "league_addresses" and bad_addresses(value):
            raise ChannelError(Reason("alert_why_addresses",
                                       bad=", ".join(bad_addresses(value))))

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        _put_options(cur, values, by)

    _write(store, work)


def _put_options(cur: duckdb.DuckDBPyConnection, values: dict[str, Any], by: str) -> None:
    now = local_now(cur)
    for key, value in values.items():
        if key == "league_addresses":
            value = ", ".join(addresses(value))
        cur.execute("insert or replace into alert_options values (?, ?, ?, ?)",
                    [key, json.dumps(value), now, by])


def report_addresses(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[str]]:
    """(platform, shop) -> the addresses its daily report is e-mailed to."""
    if not has_tables(con):
        return {}
    return {(p, s): addresses(a) for p, s, a in con.execute(
        "select platform, shop, addresses from report_recipients").fetchall()}


def save_report_addresses(store: Any, platform: str, shop: str, text: str, by: str,
                          role: str | None = None) -> None:
    """The addresses a shop's daily report goes to ('' : none); a manager's."""
    require(role, "settings")
    if bad_addresses(text):
        raise ChannelError(Reason("alert_why_addresses", bad=", ".join(bad_addresses(text))))

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        if not addresses(text):
            cur.execute("delete from report_recipients where platform = ? and shop = ?",
                        [platform, shop])
            return
        cur.execute("insert or replace into report_recipients values (?, ?, ?, ?, ?)",
                    [platform, shop, ", ".join(addresses(text)), local_now(cur), by])

    _write(store, work)


# ---------------------------------------------------------------------------------------------
# The rules, evaluated


def evaluate(con: duckdb.DuckDBPyConnection, as_of: datetime, lang: str = "zh",
             rules: dict[str, RuleSetting] | None = None) -> list[Alert]:
    """The alerts raised as of `as_of`, their sentences in `lang`, in RULES' order. A group of
    rules that fails is logged and left out: the others still go."""
    rules = rule_settings(con) if rules is None else rules
    names = shop_names(con)
    out: list[Alert] = []
    for group in (_warroom_alerts, _sla_alerts, _case_alerts, _stale_alerts):
        try:
            out += group(con, as_of, lang, rules, names)
        except Exception:   # one broken group must not silence the others
            log.exception("alerts: the rules of %s could not be evaluated", group.__name__)
    order = list(RULES)
    return sorted(out, key=lambda a: order.index(a.rule))


Names = dict[tuple[str, str], str]


def _warroom_alerts(con: duckdb.DuckDBPyConnection, as_of: datetime, lang: str,
                    rules: dict[str, RuleSetting], names: Names) -> list[Alert]:
    if not any(rules[r].enabled for r in WARROOM_RULES):
        return []
    from pipeline.desk.forecast import alerts

    out = []
    for a in alerts(con, as_of, ALL, get_settings(con)):
        kind = a["kind"]
        if kind not in WARROOM_RULES or not rules[kind].enabled:
            continue
        if kind == "stock_runout":
            key = ("wr_alert_stock_short" if a.get("short")
                   else "wr_alert_runout_now" if a["hours"] <= 0 else "wr_alert_runout")
            first = a["first"] if not a.get("first_name") or a["first_name"] == a["first"] \
                else f"{a['first']} {a['first_name']}"
            text = label(key, lang).format(n=a["skus"], short=a.get("short", 0), sku=first,
                                           hours=f"{a['hours']:.0f}", within=f"{a['within']:g}")
        elif kind == "breaches":
            text = label("wr_alert_breaches", lang).format(n=a["orders"], limit=a["limit"])
        else:
            text = label("wr_alert_intake", lang).format(pct=f"{a['pct']:+d}",
                                                         limit=f"{a['limit']:g}")
        out.append(Alert(kind, kind, text))
    return out


def _shop_word(platform: str, shop: str, names: Names, lang: str) -> str:
    name = names.get((platform, shop), shop)
    return name or platform_name(platform, lang)


def _count_text(rule: str, rows: pd.DataFrame, threshold: float, lang: str,
                names: Names, unit_key: str) -> str:
    """`<rule>: n orders (alert above t) — shop 12, shop 3`."""
    per = rows.groupby(["platform", "shop"]).size().reset_index(name="n") \
        .sort_values(["n", "platform", "shop"], ascending=[False, True, True])
    listed = [f"{_shop_word(r.platform, r.shop, names, lang)} {r.n}"
              for r in per.head(SHOPS_LISTED).itertuples()]
    if len(per) > SHOPS_LISTED:
        listed.append(label("alert_more_shops", lang).format(n=len(per) - SHOPS_LISTED))
    return label("alert_count", lang).format(
        rule=rule_name(rule, lang), n=len(rows), unit=label(unit_key, lang),
        limit=f"{threshold:g}", shops=label("list_sep", lang).join(listed))


def _sla_alerts(con: duckdb.DuckDBPyConnection, as_of: datetime, lang: str,
                rules: dict[str, RuleSetting], names: Names) -> list[Alert]:
    wanted = [f"{s}_{r}" for s in ("overdue", "due_soon") for r in SLA_RULES]
    if not any(rules[r].enabled for r in wanted):
        return []
    from pipeline.desk.sla import sla_orders

    rows = sla_orders(con, ALL, as_of)
    out = []
    for status in ("overdue", "due_soon"):
        for sla_rule in SLA_RULES:
            rule = f"{status}_{sla_rule}"
            setting = rules[rule]
            mine = rows[(rows["status"] == status) & (rows["rule"] == sla_rule)]
            if setting.enabled and len(mine) > setting.threshold:
                out.append(Alert(f"{status}:{sla_rule}", rule, _count_text(
                    rule, mine, setting.threshold, lang, names, "alert_unit_orders")))
    return out


def _case_alerts(con: duckdb.DuckDBPyConnection, as_of: datetime, lang: str,
                 rules: dict[str, RuleSetting], names: Names) -> list[Alert]:
    wanted = [f"{r}_{s}" for r in CASE_RULES for s in ("due_soon", "overdue")]
    if not any(rules[r].enabled for r in wanted):
        return []
    from pipeline.desk.aftersales import case_board

    board = case_board(con, ALL, as_of)
    out = []
    for status in ("due_soon", "overdue"):
        for case_rule in CASE_RULES:
            rule = f"{case_rule}_{status}"
            setting = rules[rule]
            mine = board[(board["sla"] == status) & (board["rule"] == case_rule)]
            if setting.enabled and len(mine) > setting.threshold:
                out.append(Alert(f"{status}:{case_rule}", rule, _count_text(
                    rule, mine, setting.threshold, lang, names, "alert_unit_cases")))
    return out


def _stale_alerts(con: duckdb.DuckDBPyConnection, as_of: datetime, lang: str,
                  rules: dict[str, RuleSetting], names: Names) -> list[Alert]:
    if not rules["stale_shop"].enabled:
        return []
    from pipeline.desk.freshness import stale_shops

    return [Alert(f"stale_shop:{r.platform}:{r.shop}", "stale_shop",
                  label("alert_stale", lang).format(
                      shop=_shop_word(r.platform, r.shop, names, lang),
                      platform=platform_name(r.platform, lang),
                      moment=pd.Timestamp(r.data_moment).strftime("%Y-%m-%d %H:%M")))
            for r in stale_shops(con, as_of).itertuples()]


# ---------------------------------------------------------------------------------------------
# Sending


class SendError(Exception):
    """A channel did not take a message; the message says why in one line (no secret)."""


def alert_message(alerts: Sequence[Alert], as_of: datetime, lang: str) -> Message:
    """The message of some alerts: a title with the moment, a line per alert."""
    return Message(label("alert_msg_title", lang).format(as_of=f"{as_of:%Y-%m-%d %H:%M}",
                                                         n=len(alerts)),
                   tuple(f"• {a.text}" for a in alerts), tuple(alerts), as_of)


def test_message(ch: Channel, now: datetime) -> Message:
    """The test a manager sends to see a channel works."""
    lang = ch.lang
    return Message(label("alert_test_title", lang).format(as_of=f"{now:%Y-%m-%d %H:%M}"),
                   (label("alert_test_body", lang).format(name=ch.name),), (), now, True)


def _fit(message: Message, limit: int, lang: str) -> str:
    """The message's text within `limit` bytes of UTF-8: whole lines, then how many were left."""
    text = message.text()
    if len(text.encode("utf-8")) <= limit:
        return text
    kept = [message.title]
    for i, line in enumerate(message.lines):
        more = label("alert_more_lines", lang).format(n=len(message.lines) - i)
        if len("\n".join([*kept, line, more]).encode("utf-8")) > limit:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature of a robot call: HMAC-SHA256 of "timestamp\\nsecret" under the secret,
    Base64 (the caller URL-encodes it into the address)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = "&".join(q for q in (parts.query, urllib.parse.urlencode(extra)) if q)
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _post(url: str, payload: dict[str, Any], robot: bool) -> None:
    """POST `payload` as JSON; a robot's answer must say `errcode` 0."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "orderdesk-alerts"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 - http(s) only
            raw = answer.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise SendError(str(exc.reason)) from exc
    except (OSError, TimeoutError) as exc:
        raise SendError(str(exc) or type(exc).__name__) from exc
    if robot:
        try:
            said = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SendError("the robot's answer is not JSON") from exc
        if not isinstance(said, dict) or said.get("errcode") != 0:
            code = said.get("errcode") if isinstance(said, dict) else None
            msg = said.get("errmsg") if isinstance(said, dict) else None
            raise SendError(f"the robot refused the message: errcode {code}: {msg}")


def send_email(ch: Channel, to: Sequence[str], subject: str, body: str,
               attachments: Iterable[tuple[str, bytes, str]] = ()) -> None:
    """One e-mail through the channel's SMTP server (STARTTLS, SSL, or plain to a relay on
    this machine), certificates checked; attachments as (file name, bytes, MIME type)."""
    if not to:
        raise SendError("no address to send to")
    msg = EmailMessage()
    msg["From"] = ch.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=(ch.sender or "orderdesk").rsplit("@", 1)[-1])
    msg.set_content(body)
    for name, data, mime in attachments:
        maintype, subtype = mime.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    security = ch.smtp_security or "starttls"
    port = ch.smtp_port or DEFAULT_PORTS[security]
    if ch.secret and security == "none" and not _loopback(ch.smtp_host):
        raise SendError("a password is sent only over TLS")
    context = ssl.create_default_context()
    try:
        if security == "ssl":
            smtp = smtplib.SMTP_SSL(ch.smtp_host, port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(ch.smtp_host, port, timeout=TIMEOUT)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=context)
            if ch.smtp_user:
                smtp.login(ch.smtp_user, ch.secret or "")
            refused = smtp.send_message(msg, from_addr=ch.sender, to_addrs=list(to))
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(_first_line(exc)) from exc
    if refused:
        raise SendError("refused: " + ", ".join(sorted(refused)))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def deliver(ch: Channel, message: Message, now_ms: int | None = None) -> None:
    """Send `message` on the channel; SendError when it is not taken."""
    lang = ch.lang
    if ch.kind == "email":
        send_email(ch, addresses(ch.recipients), message.title, "\n".join(message.lines),
                   message.attachments)
        return
    if not ch.url:
        raise SendError("no address")
    if ch.kind in ("wecom", "dingtalk"):
        content = _fit(message, CONTENT_BYTES[ch.kind], lang)
        url = ch.url
        if ch.kind == "dingtalk" and ch.secret:
            stamp = int(time.time() * 1000) if now_ms is None else now_ms
            url = _with_query(url, {"timestamp": str(stamp),
                                    "sign": dingtalk_sign(ch.secret, stamp)})
        _post(url, {"msgtype": "text", "text": {"content": content}}, robot=True)
        return
    _post(ch.url, {
        "source": "orderdesk",
        "as_of": None if message.as_of is None else f"{message.as_of:%Y-%m-%d %H:%M}",
        "test": message.test,
        "text": message.text(),
        "alerts": [{"key": a.key, "rule": a.rule, "text": a.text} for a in message.alerts],
    }, robot=False)


def _try(ch: Channel, message: Message) -> str | None:
    """None when the channel took the message, else why not (one line, secrets masked)."""
    try:
        deliver(ch, message)
    except SendError as exc:
        return _scrub(str(exc), ch)
    except Exception as exc:   # a channel must never stop the others; the details are logged
        log.exception("alerts: channel %s failed", ch.channel_id)
        return _scrub(_first_line(exc), ch)
    return None


def send_test(ch: Channel, now: datetime | None = None) -> Delivery:
    """Send the channel a test message; what happened (nothing is recorded: see `test_channel`)."""
    now = now or datetime.now().replace(microsecond=0)
    error = _try(ch, test_message(ch, now))
    return Delivery(ch.channel_id, ch.name, ch.kind, ("test",), error is None, error)


def test_channel(store: Any, channel_id: int, role: str | None = None) -> Delivery:
    """A manager's "send a test": the test sent, the outcome recorded on the channel."""
    require(role, "settings")
    con = store.cursor()
    ch = channel(con, channel_id)
    now = local_now(con)
    result = send_test(ch, now)
    _write(store, lambda cur: _record_outcome(cur, ch.channel_id, result, now))
    return result


def _record_outcome(cur: duckdb.DuckDBPyConnection, channel_id: int, d: Delivery,
                    now: datetime) -> None:
    if d.ok:
        cur.execute("update alert_channels set last_sent_at = ?, last_error = null, "
                    "last_error_at = null where channel_id = ?", [now, channel_id])
    elif d.ok is False:
        cur.execute("update alert_channels set last_error = ?, last_error_at = ? "
                    "where channel_id = ?", [d.error, now, channel_id])


# ---------------------------------------------------------------------------------------------
# A run: evaluate, send what is new, remember it


def _sent_log(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, str], tuple[str, datetime,
                                                                          datetime | None]]:
    if not has_tables(con):
        return {}
    return {(c, k): (d, s, x) for c, k, d, s, x in con.execute(
        "select channel_id, alert_key, digest, sent_at, cleared_at from alert_sent").fetchall()}


def is_due(last: tuple[str, datetime, datetime | None] | None, alert: Alert, now: datetime,
           quiet_minutes: int) -> bool:
    """Whether a channel should be sent `alert` now, given what it was last sent about the same
    key (digest, when, cleared when): never sent; or changed (or cleared and back) and the quiet
    period since the last message about it is over."""
    if last is None:
        return True
    digest, sent_at, cleared_at = last
    if digest == alert.digest and cleared_at is None:
        return False
    return now - pd.Timestamp(sent_at).to_pydatetime() >= timedelta(minutes=quiet_minutes)


def run_alerts(store: Any, as_of: datetime, dry_run: bool = False) -> list[Delivery]:
    """Evaluate the rules as of `as_of` and send each enabled channel what is new for it; what
    was sent is remembered per channel and alert key (the quiet period is counted in `as_of`'s
    time). One Delivery per enabled channel (also when it had nothing new: `keys` empty). A
    dry run sends and records nothing."""
    con = store.cursor()
    live = channels(con, enabled_only=True)
    if not live:
        return []
    rules = rule_settings(con)
    raised = {lang: evaluate(con, as_of, lang, rules) for lang in {c.lang for c in live}}
    sent = _sent_log(con)
    out: list[Delivery] = []
    for ch in live:
        alerts = raised[ch.lang]
        due = [a for a in alerts if is_due(sent.get((ch.channel_id, a.key)), a, as_of,
                                           ch.quiet_minutes)]
        held = tuple(a.key for a in alerts if a not in due)
        base = Delivery(ch.channel_id, ch.name, ch.kind, tuple(a.key for a in due), None, None,
                        held, tuple(a.text for a in due))
        if not due or dry_run:
            out.append(replace(base, ok=True if not due else None))
            continue
        error = _try(ch, alert_message(due, as_of, ch.lang))
        out.append(replace(base, ok=error is None, error=error))
    if not dry_run:
        _write(store, lambda cur: _remember(cur, live, raised, out, as_of))
    return out


def _remember(cur: duckdb.DuckDBPyConnection, live: list[Channel], raised: dict[str, list[Alert]],
              done: list[Delivery], now: datetime) -> None:
    """What each channel took (sent), the alerts no longer raised (cleared), each channel's
    outcome."""
    by_id = {d.channel_id: d for d in done}
    for ch in live:
        d = by_id[ch.channel_id]
        alerts = {a.key: a for a in raised[ch.lang]}
        if d.ok and d.keys:
            for key in d.keys:
                cur.execute("insert or replace into alert_sent values (?, ?, ?, ?, null)",
                            [ch.channel_id, key, alerts[key].digest, now])
        if d.keys:
            _record_outcome(cur, ch.channel_id, d, now)
        gone = [k for (c, k) in cur.execute(
            "select channel_id, alert_key from alert_sent where channel_id = ? "
            "and cleared_at is null", [ch.channel_id]).fetchall() if k not in alerts]
        for key in gone:
            cur.execute("update alert_sent set cleared_at = ? where channel_id = ? "
                        "and alert_key = ?", [now, ch.channel_id, key])


def delivery_line(d: Delivery, dry_run: bool = False) -> str:
    """One line about a delivery, for the command line and the log."""
    who = f"{d.name} ({d.kind})"
    if dry_run:
        return f"{who}: would send {len(d.keys)} alert(s), {len(d.held)} held back"
    if d.ok is False:
        return f"{who}: FAILED, {d.error}; {len(d.keys)} alert(s) kept for the next run"
    if not d.keys:
        return f"{who}: nothing new ({len(d.held)} alert(s) already sent or quiet)"
    return f"{who}: sent {len(d.keys)} alert(s)"
