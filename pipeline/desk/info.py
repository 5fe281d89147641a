"""Order information (DESIGN §12): what the buyer asked and the shop noted reaches the parcel.

- The message and note rules (setting `message_rules`, pipeline/db/settings.py): a pattern
  (words separated by `|`, anywhere in the text, capitals or not; or a regular expression)
  read in the buyer's message, the seller's note (the desk's own `note` where it wrote one)
  and the seller's flag as exported (`orders.seller_flag`: 旗帜颜色, 商家备注等级, …),
  a category, and what the rule does:
  - `hold`: the order is held out of batches until the desk reviews it — a buyer message is
    held until reviewed anyway (the §6 `buyer_message` mark); a seller note or flag a hold rule
    catches raises that mark too (its reason: the note), until a review or a `resolve`;
  - `first`: the order goes first in the queue (`first_orders`);
  - `tag`: the category is shown with the order;
  - `slip`: the text is printed on the packing slip (`slip_notes`);
  - `courier`: the courier the text asks for (the rule's own, else one the text names after
    发/用/走/指定…: `courier`; one it says not to use: `avoid`) is the order's requested
    courier; the order is held instead when the desk cannot follow it: no courier named, or
    the settings list the couriers the shop uses (`couriers_used`) and the one asked is not
    among them (or every one of them is refused).
- The categories of an order are those of its enabled rules that match, in the rules' order,
  once per text; the §6 `buyer_message` mark carries them (pipeline.desk.problems).
- What changed after the desk acted (`info_changed`, a §6 mark): the import compares the buyer
  message, seller note and address of each order the desk processed, printed, reviewed or set
  a courier for with what the newer export says (pipeline/ingest/importing.py) and keeps old
  and new in `info_changes`; a review after the change clears it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from pipeline.base import canonical as C
from pipeline.base.filters import ALL, Filters
from pipeline.base.roles import require
from pipeline.db.cache import shared
from pipeline.db.queries import sql
from pipeline.db.settings import (
    DEFAULT_MESSAGE_RULES,
    RULE_SOURCES,
    check_message_rules,
    get_settings,
    rule_regex,
    save_setting,
)

KEY = list(C.ORDER_KEY)
# The default categories (DESIGN §12), in the order of the default rules.
CATEGORIES = tuple(dict.fromkeys(r["category"] for r in DEFAULT_MESSAGE_RULES))
# The label of each default category; another category is shown as it is written.
CATEGORY_LABELS = {c: f"info_cat_{c}" for c in CATEGORIES}
DOES_LABELS = {d: f"info_does_{d}" for d in ("hold", "first", "tag", "slip", "courier")}
SOURCE_LABELS = {s: f"info_src_{s}" for s in RULE_SOURCES}
# What an import compares of an order the desk acted on, and the reason codes of the mark.
INFO_FIELDS = ("buyer_message", "seller_note", "address")
CHANGED_LABELS = {f"changed_{f}": f"info_changed_{f}" for f in INFO_FIELDS}

CATEGORY_COLUMNS = [*KEY, "source", "category", "does", "matched", "rule_id", "courier", "avoid"]
TEXT_COLUMNS = [*KEY, "source", "text"]

# Couriers a text may name (a rule's own courier aside), as buyers write them; a name in Latin
# letters only as a word of its own (SF, not SFO). Which of the shop's couriers a name is:
# courier_in_use below.
KNOWN_COURIERS = ("顺丰", "中通", "圆通", "申通", "韵达", "极兔", "邮政", "EMS", "京东", "德邦",
                  "百世", "天天", "DHL", "FedEx", "UPS", "USPS", "SF", "ZTO", "YTO", "STO",
                  "Yunda", "J&T", "JD", "Deppon", "Best Express", "Royal Mail", "Canada Post")
_COURIER_NAMES = re.compile("|".join(
    rf"(?<![A-Za-z]){re.escape(c)}(?![A-Za-z])" if c[0].isascii() else re.escape(c)
    for c in sorted(KNOWN_COURIERS, key=len, reverse=True)), re.IGNORECASE)
# Words just before a courier's name that refuse it: 不要发中通, 别走韵达, not UPS.
_REFUSED = re.compile(r"(?:不要|不用|别|勿|不)\s*(?:发|走|用|寄)?\s*$"
                      r"|\b(?:don't|do not|not|no)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_CLAUSE = re.compile(r"[，,。.;；！!？?\n]")


@dataclass(frozen=True)
class Hit:
    """One rule catching one text: the rule, its category and action, the words it matched,
    and for a courier rule the courier asked (`courier`) and those refused (`avoid`)."""

    rule_id: str
    category: str
    does: str
    matched: str
    courier: str | None = None
    avoid: str | None = None


def rule_hits(text: str | None, rules: list[dict[str, Any]],
              source: str | None = None) -> list[Hit]:
    """The enabled rules that catch `text`, one per category (its first rule), in the rules'
    order; `source` (one of RULE_SOURCES): only the rules that read it."""
    if text is None or not str(text).strip():
        return []
    text = str(text)
    hits: list[Hit] = []
    seen: set[str] = set()
    for rule, regex in _compiled(_frozen_rules(rules)):
        if rule["category"] in seen or (source is not None and source not in rule["applies_to"]):
            continue
        found = regex.search(text)
        if found is None:
            continue
        seen.add(rule["category"])
        courier = avoid = None
        if rule["does"] == "courier":
            asked, refused = couriers_named(text)
            courier = rule.get("courier") or (asked[0] if asked else None)
            avoid = ", ".join(refused) or None
        hits.append(Hit(rule["id"], rule["category"], rule["does"], found.group(0), courier,
                        avoid))
    return hits


def categorise(text: str | None, rules: list[dict[str, Any]],
               source: str | None = None) -> list[str]:
    """The categories of `text` under `rules` (enabled ones, in their order, each once);
    `source`: only the rules that read it."""
    return [h.category for h in rule_hits(text, rules, source)]


# Couriers as people name them; the names of one group are one courier.
COURIER_NAMES: tuple[tuple[str, ...], ...] = (
    ("顺丰", "SF"), ("中通", "ZTO"), ("圆通", "YTO"), ("申通", "STO"), ("韵达", "Yunda"),
    ("极兔", "J&T"), ("邮政", "EMS"), ("京东", "JD"), ("德邦", "Deppon"), ("百世", "Best Express"),
    ("DHL",), ("UPS",), ("FedEx",), ("USPS",), ("Royal Mail",), ("Canada Post",),
)


def courier_in_use(name: str, used: list[str]) -> str | None:
    """The courier of `used` that `name` is (one name in the other, or another name of its
    group of COURIER_NAMES in it, capitals aside: 顺丰 is 顺丰速运, SF is 顺丰速运); `name` itself
    when the shop lists none; None when the shop does not use it."""
    if not used:
        return name
    group = next((g for g in COURIER_NAMES if name.casefold() in (n.casefold() for n in g)),
                 (name,))
    for courier in used:
        if any(n.casefold() in courier.casefold() for n in group) \
                or courier.casefold() in name.casefold():
            return courier
    return None


def couriers_named(text: str) -> tuple[list[str], list[str]]:
    """The known couriers a text names: those it asks for and those it refuses (不要发中通,
    别走韵达, not UPS), each once, in the order written."""
    asked: list[str] = []
    refused: list[str] = []
    for found in _COURIER_NAMES.finditer(text):
        name = next(c for c in KNOWN_COURIERS if c.lower() == found.group(0).lower())
        before = _CLAUSE.split(text[max(0, found.start() - 16):found.start()])[-1]
        into = refused if _REFUSED.search(before) else asked
        if name not in asked and name not in refused:
            into.append(name)
    return asked, refused


def usable(courier: str, couriers_used: list[str]) -> bool:
    """Whether the shop can send by `courier`: it lists no couriers, or one of them is it
    (顺丰 is 顺丰速运, SF is 顺丰速运, EMS is 中国邮政: pipeline.desk.couriers)."""
    return courier_in_use(courier, couriers_used) is not None


def courier_holds(courier: str | None, avoid: str | None, couriers_used: list[str]) -> bool:
    """Whether a courier request is held rather than followed: it names no courier, or the
    shop does not send by the one asked, or it refuses every courier the shop uses."""
    if courier is not None:
        return not usable(courier, couriers_used)
    if avoid is None:
        return True
    refused = [a.strip() for a in avoid.split(",")]
    return bool(couriers_used) and all(
        any(usable(r, [u]) for r in refused) for u in couriers_used)


@functools.lru_cache(maxsize=32)
def _compiled(frozen: str) -> list[tuple[dict[str, Any], re.Pattern]]:
    return [(r, rule_regex(r)) for r in json.loads(frozen) if r.get("enabled")]


def _frozen_rules(rules: list[dict[str, Any]]) -> str:
    return json.dumps(rules, sort_keys=True, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# The store's orders under the rules


@shared
def order_categories(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The categories of the open orders inside the filters under the saved rules
    (CATEGORY_COLUMNS): one row per order, text read (`source`) and category, with what the
    rule does, the words it matched and for a courier request the courier asked and refused.
    Sorted by order, then source, then the rules' order."""
    return categorised(open_texts(con, f), get_settings(con)["message_rules"])


@shared
def open_texts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """`texts` of the open orders inside the filters, read once per data version for the
    categories, the holds and the rules' preview (a frame the callers leave as it is)."""
    return texts(con, f)


def preview(con: duckdb.DuckDBPyConnection, rules: list[dict[str, Any]],
            f: Filters = ALL) -> pd.DataFrame:
    """What unsaved `rules` would catch among the open orders inside the filters: the rows of
    `order_categories` with the text caught (`text`). Rules that cannot be saved raise
    ValueError (pipeline.db.settings.check_message_rules)."""
    check_message_rules(rules)
    found = open_texts(con, f)
    caught = categorised(found, rules)
    return caught.merge(found, on=[*KEY, "source"], how="left")


def texts(con: duckdb.DuckDBPyConnection, f: Filters,
          keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """The texts the rules read (TEXT_COLUMNS): of the open orders inside the filters, or of
    the orders `keys` (platform, shop, order_id) whatever their state."""
    if keys is None:
        found = con.execute(sql("info_texts"), f.params()).df()
    else:
        con.register("info_keys", keys[KEY].astype(str))
        try:
            found = con.execute(sql("info_texts_of")).df()
        finally:
            con.unregister("info_keys")
    if not len(found):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TEXT_COLUMNS})
    return found[TEXT_COLUMNS]


def categorised(found: pd.DataFrame, rules: list[dict[str, Any]]) -> pd.DataFrame:
    """`found` (TEXT_COLUMNS) under `rules`: the CATEGORY_COLUMNS rows, each distinct text
    matched once."""
    rows: list[tuple] = []
    if len(found):
        hits = {(s, t): rule_hits(t, rules, s)
                for s, t in set(zip(found["source"], found["text"], strict=True))}
        for p, s, o, source, text in found[TEXT_COLUMNS].itertuples(index=False, name=None):
            rows.extend((p, s, o, source, h.category, h.does, h.matched, h.rule_id, h.courier,
                         h.avoid) for h in hits[(source, text)])
    out = pd.DataFrame(rows, columns=CATEGORY_COLUMNS, dtype=object)
    if out.empty:
        return out
    order = {r["category"]: n for n, r in enumerate(rules)}
    return out.assign(
        _s=out["source"].map(RULE_SOURCES.index), _c=out["category"].map(order),
    ).sort_values([*KEY, "_s", "_c"]).drop(columns=["_s", "_c"]).reset_index(drop=True)


@shared
def message_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, int]:
    """category -> open orders inside the filters whose message, note or flag falls in it;
    every category of the rules (enabled or not), zeros included, in the rules' order."""
    rules = get_settings(con)["message_rules"]
    cats = order_categories(con, f)
    counts = cats.drop_duplicates([*KEY, "category"])["category"].value_counts()
    return {c: int(counts.get(c, 0)) for c in dict.fromkeys(r["category"] for r in rules)}


def messages_section(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    """report --json: `messages`, the open orders per category of the message and note rules
    (every category, zeros included). The orders as they are now, as the marks read them."""
    return {"messages": message_counts(con, ALL)}


@shared
def first_orders(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The open orders inside the filters a `first` rule puts first in the queue: platform,
    shop, order_id, category, matched (the first such rule's)."""
    cats = order_categories(con, f)
    first = cats[cats["does"] == "first"].drop_duplicates(KEY)
    return first[[*KEY, "category", "matched"]].reset_index(drop=True)


@shared
def info_holds(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The open orders inside the filters that a rule holds out of batches until reviewed:
    platform, shop, order_id, source, category, reason (the text that holds it, first).
    A `hold` rule's category; a courier request the desk cannot follow (`courier_holds`)."""
    cats = order_categories(con, f)
    used = get_settings(con)["couriers_used"]
    courier = cats["does"] == "courier"
    held = (cats["does"] == "hold") | (courier & pd.Series(
        [courier_holds(c, a, used) for c, a in zip(cats["courier"], cats["avoid"], strict=True)],
        index=cats.index, dtype=bool))
    out = cats.loc[held, [*KEY, "source", "category"]].drop_duplicates(KEY)
    found = open_texts(con, f)
    out = out.merge(found.rename(columns={"text": "reason"}), on=[*KEY, "source"], how="left")
    return out[[*KEY, "source", "category", "reason"]].reset_index(drop=True)


def slip_notes(con: duckdb.DuckDBPyConnection,
               keys: pd.DataFrame | Iterable[tuple[str, str, str]]) -> pd.DataFrame:
    """What the packing slips of the orders `keys` print for the `slip` rules (delivery
    instructions): platform, shop, order_id, category, source, matched, text (the whole
    message or note that holds the words), one row per order, text and category. Orders in
    any state (a slip is printed again after the order moved on)."""
    frame = (keys[KEY] if isinstance(keys, pd.DataFrame)
             else pd.DataFrame([tuple(k) for k in keys], columns=KEY, dtype=object))
    found = texts(con, ALL, frame)
    cats = categorised(found, get_settings(con)["message_rules"])
    slip = cats[cats["does"] == "slip"][[*KEY, "category", "source", "matched"]]
    return slip.merge(found, on=[*KEY, "source"], how="left").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# What changed after the desk acted


INFO_CHANGES_SQL = """
with changes as (
    select c.field, c.old_text, c.new_text, c.detected_at, c.import_id, c.events_before,
        i.file_name
    from info_changes as c
    left join imports as i using (import_id)
    where c.platform = $platform and c.shop = $shop and c.order_id = $order_id
),

last_review as (
    select max(event_id) as review_event
    from effective_events
    where platform = $platform and shop = $shop and order_id = $order_id
      and action = 'review'
),

final as (
    select c.field, c.old_text, c.new_text, c.detected_at, c.file_name,
        coalesce(r.review_event > c.events_before, false) as reviewed
    from changes as c
    cross join last_review as r
)

select * from final order by detected_at, field
"""


@shared
def info_changes_of(con: duckdb.DuckDBPyConnection, platform: str, shop: str,
                    order_id: str) -> pd.DataFrame:
    """What newer exports changed of one order after the desk acted, oldest first: field
    (one of INFO_FIELDS), old_text, new_text, detected_at, file_name (the export), reviewed
    (a review came after it)."""
    return con.execute(INFO_CHANGES_SQL,
                       {"platform": platform, "shop": shop, "order_id": order_id}).df()


def save_message_rules(store: Any, rules: list[dict[str, Any]], by: str,
                       role: str | None = None) -> bool:
    """Save the message and note rules, checked, in one transaction, the change logged with
    who and when; `role`: a manager's (None: the command line). False when unchanged."""
    require(role, "settings")

    def work(cur: duckdb.DuckDBPyConnection) -> bool:
        if get_settings(cur)["message_rules"] == rules:
            return False
        save_setting(cur, "message_rules", rules, by, role)
        return True

    return store.run_write(work)
