"""The desk's editable parameters (time rules, time zone, batches, currency, the message and
courier rules of DESIGN §12), kept in the store. Every change is recorded in `settings_log`:
who, when, with which role, the value before and after."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import duckdb

from pipeline.base.reasons import Reason

if TYPE_CHECKING:
    import pandas as pd

# What a message and note rule does with the orders it catches (DESIGN §12): hold them out of
# batches until reviewed, put them first in the queue, tag them, print the text on the packing
# slip, set the courier the text asks for.
RULE_DOES = ("hold", "first", "tag", "slip", "courier")
# What a message and note rule reads: the buyer's message, the seller's note, the seller's flag.
RULE_SOURCES = ("buyer_message", "seller_note", "flag")
# Their names in a refusal (label keys).
_DOES_WORDS = {"hold": "info_does_hold", "first": "info_does_first", "tag": "info_does_tag",
               "slip": "info_does_slip", "courier": "info_does_courier"}
_SOURCE_WORDS = {"buyer_message": "info_src_buyer_message", "seller_note": "info_src_seller_note",
                 "flag": "info_src_flag"}
# What a courier rule matches on, in the order a new table tries them.
COURIER_KINDS = ("requested", "region", "value", "pieces", "sku", "shop_default")

# The couriers a default courier_request rule asks for by name (发顺丰, 发中通, …).
_ASKED = ("顺丰", "中通", "圆通", "申通", "韵达", "极兔", "邮政", "EMS", "京东", "德邦")
_TEXTS = ["buyer_message", "seller_note"]


def _rule(rule_id: str, category: str, words: str, does: str) -> dict[str, Any]:
    return {"id": rule_id, "category": category, "pattern": words, "regex": False,
            "applies_to": list(_TEXTS), "does": does, "courier": None, "enabled": True}


# The default message and note rules (DESIGN §12): words separated by `|`, matched anywhere in
# the text, capitals or not. The words of each category are listed in docs/rules.md.
DEFAULT_MESSAGE_RULES: list[dict[str, Any]] = [
    _rule("address_change", "address_change",
          "改地址|换地址|修改地址|地址改|地址写错|地址错了|地址有误|change address"
          "|change the address|change my address|wrong address", "hold"),
    _rule("variant_change", "variant_change",
          "换颜色|换色号|改颜色|改色号|换尺码|改尺码|换规格|改规格|换款|change the colour"
          "|change the color|change colour|change color|change the size|change size"
          "|different size|different colour|different color", "hold"),
    _rule("cancel_request", "cancel_request",
          "不要了|不想要了|取消订单|别发了|先别发|暂时别发|不用发了|cancel", "hold"),
    _rule("courier_request", "courier_request",
          "|".join(f"{verb}{c}" for verb in ("发", "走", "用", "指定") for c in _ASKED)
          + "|指定快递|指定物流|ship with|ship via|send with|send via", "courier"),
    _rule("urgent", "urgent",
          "加急|急用|急要|着急|尽快发|快点发|赶紧发|优先发|催发货|还不发货|什么时候发|urgent|asap"
          "|as soon as possible"
          "|rush", "first"),
    _rule("invoice", "invoice", "发票|开票|抬头|税号|invoice|vat number", "tag"),
    _rule("gift_request", "gift_request",
          "赠品|小样|送个|送点|送些|多送|加送|送一|gift|sample|freebie", "tag"),
    _rule("delivery", "delivery",
          "放快递柜|快递柜|丰巢|驿站|放门口|周末|不要电话|别打电话|不要打电话|送货上门|送上门"
          "|leave at the door|leave it at|no call|don't call|do not call|weekend", "slip"),
]

# The default courier rules (DESIGN §12), tried in order: the courier the buyer asked for; the
# far west and north by EMS; the desk's default courier (`default_courier`; empty: none).
DEFAULT_COURIER_RULES: list[dict[str, Any]] = [
    {"id": "requested", "kind": "requested", "match": "", "courier": "", "enabled": True},
    {"id": "far_regions", "kind": "region", "match": "新疆|西藏|青海|内蒙古", "courier": "EMS",
     "enabled": True},
    {"id": "shop_default", "kind": "shop_default", "match": "", "courier": "", "enabled": True},
]

DEFAULTS: dict[str, Any] = {
    "timezone": "Asia/Shanghai",     # the shop's time zone; all stored times are local to it
    "chase_unpaid_hours": 48,        # chase unpaid orders within 2 days of creation
    "ship_paid_hours": 72,           # ship paid orders within 3 days of payment
    "due_soon_hours": 4,             # warning window before a deadline
    "confirmed_tag": "Confirmed",    # the Shopify tag that means phone-confirmed
    "batch_size": 50,                # the largest proposed batch in the work queue
    # after-sales (DESIGN §11): the desk's deadlines where an export gives none
    "aftersales_answer_hours": 48,   # answer a refund or after-sales request within 2 days
    "aftersales_receive_hours": 72,  # confirm a returned parcel within 3 days
    # the war room (pipeline/desk/forecast.py)
    "forecast_rate_hours": 3,        # the desk's rates are measured over this many hours
    "orders_per_packer_hour": 40,    # what one packer ships in an hour
    "alert_runout_hours": 12,        # alert when an SKU runs out within this many hours
    "alert_breach_orders": 20,       # alert when more orders than this will breach today
    "alert_intake_off_pct": 30,      # alert when intake is this far off the projection, 2 h
    "currency": None,                # the desk's ISO code; None: the currency of most orders
    "session_idle_minutes": 480,     # a signed-in session ends after this long without a click
    "inbox_dir": "data/inbox",       # exports dropped here are imported by themselves
    # order information (DESIGN §12): the message and note rules, the courier rules, the
    # couriers the shop uses (empty: any) and the desk's default courier (empty: none)
    "message_rules": DEFAULT_MESSAGE_RULES,
    "courier_rules": DEFAULT_COURIER_RULES,
    "couriers_used": [],
    "default_courier": "",
}
# The settings that are tables of rules, edited apart from the parameters (and kept when the
# parameters are reset to their defaults).
RULE_TABLES = ("message_rules", "courier_rules", "couriers_used", "default_courier")

# An ISO 4217 code as the desk stores it: three capital letters.
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def valid_currency(code: Any) -> bool:
    """True for a three-letter ISO code in capitals (e.g. CNY, USD)."""
    return isinstance(code, str) and CURRENCY_CODE.fullmatch(code) is not None


# Settings that are a number of hours, above zero.
POSITIVE_HOURS = ("aftersales_answer_hours", "aftersales_receive_hours")


def valid_hours(value: Any) -> bool:
    """True for a number of hours above zero (not a flag)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def get_settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """All settings: the stored value where one was saved, else (a copy of) the default."""
    stored = dict(con.execute("select key, value from settings").fetchall())
    return {k: json.loads(stored[k]) if k in stored else copy.deepcopy(v)
            for k, v in DEFAULTS.items()}


def local_now(con: duckdb.DuckDBPyConnection) -> datetime:
    """The current moment as a naive time in the desk's time zone (how all times are stored)."""
    return now_in(get_settings(con))


def now_in(settings: dict[str, Any]) -> datetime:
    """`local_now` from settings already read."""
    return datetime.now(ZoneInfo(settings["timezone"])).replace(tzinfo=None)


def save_setting(cur: duckdb.DuckDBPyConnection, key: str, value: Any, by: str,
                 role: str | None = None) -> None:
    """Store one setting and log the change; call inside `Store.write()`. `role`: a
    manager's (None: the CLI). A value the setting cannot take raises ValueError (a rules
    table's with a `Reason` naming the rule and what is wrong)."""
    from pipeline.base.roles import require

    require(role, "settings")
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    if key == "currency" and value is not None and not valid_currency(value):
        raise ValueError(f"a currency is a three-letter ISO code (CNY, USD), not {value!r}")
    if key in POSITIVE_HOURS and not valid_hours(value):
        raise ValueError(f"{key} is a number of hours above zero, not {value!r}")
    if key in VALIDATORS:
        VALIDATORS[key](value)
    now, text = local_now(cur), json.dumps(value, ensure_ascii=False)
    _log(cur, key, text, now, by, role)
    cur.execute(
        "insert or replace into settings (key, value, updated_at, updated_by) values (?, ?, ?, ?)",
        [key, text, now, by],
    )


def reset_settings(cur: duckdb.DuckDBPyConnection, role: str | None = None,
                   by: str | None = None, keys: tuple[str, ...] | None = None) -> None:
    """Back to the defaults, each change logged; call inside `Store.write()`. `role`: a
    manager's (None: the CLI). `keys`: the settings to reset; by default the parameters, the
    rules tables (RULE_TABLES) kept: they have their own editor and their own reset."""
    from pipeline.base.roles import require

    require(role, "settings")
    keys = tuple(k for k in DEFAULTS if k not in RULE_TABLES) if keys is None else keys
    now = local_now(cur)
    stored = [k for (k,) in cur.execute("select key from settings").fetchall() if k in keys]
    for key in stored:
        _log(cur, key, None, now, by or "desk", role)
        cur.execute("delete from settings where key = ?", [key])


def _log(cur: duckdb.DuckDBPyConnection, key: str, new: str | None, at: datetime, by: str,
         role: str | None) -> None:
    """One change of a setting in `settings_log`: the stored value before (null: the
    default) and after (null: back to the default)."""
    cur.execute(
        """
        insert into settings_log
            (log_id, changed_at, changed_by, role, key, old_value, new_value)
        select nextval('settings_log_seq'), ?, ?, ?, ?,
            (select value from settings where key = ?), ?
        """,
        [at, by, role or "manager", key, key, new],
    )


def settings_history(con: duckdb.DuckDBPyConnection, keys: tuple[str, ...] = (),
                     limit: int = 50) -> pd.DataFrame:
    """The latest changes of the settings `keys` (all when empty), newest first: changed_at,
    changed_by, role, key, old_value, new_value (JSON text; null: the default)."""
    return con.execute(
        """
        select changed_at, changed_by, role, key, old_value, new_value
        from settings_log
        where len($keys::varchar[]) = 0 or list_contains($keys::varchar[], key)
        order by changed_at desc, log_id desc
        limit $limit
        """,
        {"keys": list(keys), "limit": limit},
    ).df()


# ---------------------------------------------------------------------------------------------
# The rules tables, checked before they are saved


def _refuse(key: str, **figures: Any) -> None:
    raise ValueError(Reason(key, **figures))


def _named(rule: Any, n: int) -> str:
    """A rule as a refusal names it: its place in the table, its id and category."""
    if not isinstance(rule, dict):
        return f"#{n}"
    what = list(dict.fromkeys(str(rule[k]) for k in ("id", "category") if rule.get(k)))
    return f"#{n} ({' / '.join(what)})" if what else f"#{n}"


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _words(pattern: str) -> list[str]:
    return [w.strip() for w in pattern.split("|")]


def rule_regex(rule: dict[str, Any]) -> re.Pattern:
    """The compiled pattern of a message rule: its regular expression, or its words (any of
    them, anywhere, capitals or not; a word that begins with a Latin letter or digit only at
    the start of a word: `rush` is not in `brush`)."""
    pattern = str(rule["pattern"])
    text = pattern if rule.get("regex") else "|".join(
        (r"(?<![A-Za-z0-9])" if w[0].isascii() and w[0].isalnum() else "") + re.escape(w)
        for w in sorted(_words(pattern), key=len, reverse=True) if w)
    return re.compile(text, re.IGNORECASE)


def _rules(rules: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each rule of a rules table with the name a refusal gives it, once the table is a list of
    rules, each a dict with an id of its own (else ValueError naming the rule)."""
    if not isinstance(rules, list):
        _refuse("info_bad_table")
    seen: set[str] = set()
    for n, rule in enumerate(rules, start=1):
        name = _named(rule, n)
        if not isinstance(rule, dict):
            _refuse("info_bad_rule", rule=name)
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            _refuse("info_no_id", rule=name)
        if rule_id in seen:
            _refuse("info_same_id", rule=name)
        seen.add(rule_id)
        yield name, rule


def check_message_rules(rules: Any) -> None:
    """Raise ValueError (a Reason naming the rule) unless `rules` is a table of message rules:
    ids unique, a category, a pattern that compiles and catches something other than nothing
    (words: none empty), what it reads among RULE_SOURCES, what it does among RULE_DOES."""
    for name, rule in _rules(rules):
        category = rule.get("category")
        if not isinstance(category, str) or not category.strip() or category != category.strip():
            _refuse("info_no_category", rule=name)
        pattern = rule.get("pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            _refuse("info_no_pattern", rule=name)
        if not _flag(rule.get("regex")) or not _flag(rule.get("enabled")):
            _refuse("info_bad_flag", rule=name)
        if rule["regex"]:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                _refuse("info_bad_regex", rule=name, error=str(exc))
            if compiled.search(""):
                _refuse("info_empty_match", rule=name)
        elif not all(_words(pattern)):
            _refuse("info_empty_word", rule=name)
        sources = rule.get("applies_to")
        if (not isinstance(sources, list) or not sources
                or any(s not in RULE_SOURCES for s in sources)):
            _refuse("info_bad_sources", rule=name,
                    sources=[Reason(_SOURCE_WORDS[s]) for s in RULE_SOURCES])
        if rule.get("does") not in RULE_DOES:
            _refuse("info_bad_does", rule=name, does=str(rule.get("does")),
                    known=[Reason(_DOES_WORDS[d]) for d in RULE_DOES])
        courier = rule.get("courier")
        if courier is not None and (not isinstance(courier, str) or not courier.strip()):
            _refuse("info_bad_courier", rule=name)
        if courier is not None and rule["does"] != "courier":
            _refuse("info_courier_not_courier", rule=name)
        extra = set(rule) - {"id", "category", "pattern", "regex", "applies_to", "does",
                             "courier", "enabled"}
        if extra:
            _refuse("info_unknown_fields", rule=name, fields=", ".join(sorted(extra)))


def check_courier_rules(rules: Any) -> None:
    """Raise ValueError (a Reason naming the rule) unless `rules` is a table of courier rules:
    ids unique, a kind among COURIER_KINDS, what it matches (regions or SKUs: words without an
    empty one; value: a number; pieces: a whole number; a shop: its key), a courier (every
    kind but `requested` and `shop_default`, which may leave it to the text or the setting)."""
    for name, rule in _rules(rules):
        kind = rule.get("kind")
        if kind not in COURIER_KINDS:
            _refuse("info_bad_kind", rule=name, kind=str(kind), known=", ".join(COURIER_KINDS))
        match = rule.get("match")
        courier = rule.get("courier")
        if not isinstance(match, str) or not isinstance(courier, str):
            _refuse("info_bad_match", rule=name)
        if not _flag(rule.get("enabled")):
            _refuse("info_bad_flag", rule=name)
        if kind in ("region", "sku") and (not match.strip() or not all(_words(match))):
            _refuse("info_bad_match", rule=name)
        if kind == "value" and _number(match) is None:
            _refuse("info_bad_match", rule=name)
        if kind == "pieces" and not match.strip().isdigit():
            _refuse("info_bad_match", rule=name)
        if kind not in ("requested", "shop_default") and not courier.strip():
            _refuse("info_needs_courier", rule=name)
        extra = set(rule) - {"id", "kind", "match", "courier", "enabled"}
        if extra:
            _refuse("info_unknown_fields", rule=name, fields=", ".join(sorted(extra)))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_couriers_used(value: Any) -> None:
    """A list of courier names, none empty, none twice."""
    if (not isinstance(value, list) or not all(isinstance(c, str) and c.strip() for c in value)
            or len({c.strip() for c in value}) != len(value)):
        _refuse("info_bad_couriers_used")


def check_default_courier(value: Any) -> None:
    """A courier name, or empty."""
    if not isinstance(value, str):
        _refuse("info_bad_default_courier")


VALIDATORS = {"message_rules": check_message_rules, "courier_rules": check_courier_rules,
              "couriers_used": check_couriers_used, "default_courier": check_default_courier}
