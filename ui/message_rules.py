"""The message and note rules (DESIGN §12) on the Settings page: a table to edit (add, change,
disable, delete), a test of the table as it stands against the store's open orders before it
is saved, the save (a manager's, recorded with who and when) and the changes made so far.

The table shows the default categories by name (改地址 / Address change) and takes a name or a
code back; another category is kept as typed.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pandas as pd
import streamlit as st

from pipeline.base.filters import ALL
from pipeline.base.labels import LABELS
from pipeline.base.roles import NotAllowed, may
from pipeline.db.settings import (
    DEFAULT_MESSAGE_RULES,
    RULE_DOES,
    RULE_SOURCES,
    settings_history,
)
from pipeline.desk.info import (
    CATEGORY_LABELS,
    DOES_LABELS,
    SOURCE_LABELS,
    preview,
    save_message_rules,
)
from ui.actor import role
from ui.auth import signed_in_name
from ui.data import desk_settings, get_store, shop_labels
from ui.errors import refusal_text, store_errors
from ui.i18n import t

EDITOR = "mr_editor"      # the data editor's key: its edits, until saved or reset
FLASH = "mr_flash"        # what the last save said, shown after the page is drawn again
COLUMNS = ["enabled", "category", "pattern", "regex", "applies_to", "does", "courier", "id"]
SHOWN = 200               # matching orders listed by a test (all are counted)


def category_name(code: str) -> str:
    """A category as the viewer reads it: a default one by its label, another as written."""
    key = CATEGORY_LABELS.get(code)
    return t(key) if key else code


def category_code(name: str) -> str:
    """The category a name typed in the table means: a default category's label (in either
    language) or code is that category; any other name is the category as written."""
    name = name.strip()
    for code, key in CATEGORY_LABELS.items():
        if name.casefold() in (code, *(w.casefold() for w in LABELS[key])):
            return code
    return name


def rules_frame(rules: list[dict[str, Any]]) -> pd.DataFrame:
    """The rules as the table edits them (COLUMNS), the categories by name."""
    rows = [{"enabled": bool(r.get("enabled")), "category": category_name(str(r["category"])),
             "pattern": r.get("pattern") or "", "regex": bool(r.get("regex")),
             "applies_to": list(r.get("applies_to") or []), "does": r.get("does"),
             "courier": r.get("courier") or "", "id": r.get("id")} for r in rules]
    return pd.DataFrame(rows, columns=COLUMNS)


def rules_from(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The table back as rules: categories as codes, blanks trimmed, an empty courier none; a
    new row gets an id made from its category, unique in the table."""
    rules = []
    taken = {str(i) for i in frame["id"] if _text(i)}
    for row in frame.to_dict("records"):
        category = category_code(_text(row.get("category")))
        rule_id = _text(row.get("id"))
        if not rule_id:
            rule_id = _new_id(category, taken)
            taken.add(rule_id)
        sources = row.get("applies_to")
        rules.append({
            "id": rule_id,
            "category": category,
            "pattern": _text(row.get("pattern")),
            "regex": bool(row.get("regex")) if _present(row.get("regex")) else False,
            "applies_to": [str(s) for s in sources] if sources is not None
            and not isinstance(sources, float) else [],
            "does": row.get("does") if _present(row.get("does")) else None,
            "courier": _text(row.get("courier")) or None,
            "enabled": bool(row.get("enabled")) if _present(row.get("enabled")) else True,
        })
    return rules


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def _text(value: Any) -> str:
    return str(value).strip() if _present(value) else ""


def _new_id(category: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", category).strip("_") or "rule"
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


# ---------------------------------------------------------------------------------------------
# The section


def message_rules_section() -> None:
    """The message and note rules of the Settings page: the table, the test, the save."""
    st.subheader(t("mr_title"))
    st.caption(t("mr_intro"))
    saved = desk_settings()["message_rules"]
    allowed = may(role(), "settings")
    if not allowed:
        st.caption(t("mr_not_allowed"))
    edited = st.data_editor(
        rules_frame(saved), key=EDITOR, num_rows="dynamic", hide_index=True,
        width="stretch", column_order=COLUMNS[:-1], column_config=_columns())
    draft = rules_from(edited)
    with st.container(horizontal=True, gap="small"):   # side by side, wrapping on a phone
        test = st.button(t("mr_test"), key="mr_test_rules", help=t("mr_test_help"),
                         icon=":material/science:")
        save = st.button(t("mr_save"), key="mr_save_rules", type="primary",
                         disabled=not allowed, icon=":material/save:")
        restore = st.button(t("mr_restore"), key="mr_restore_rules", disabled=not allowed,
                            icon=":material/restart_alt:")
    if save:
        _save(draft, saved)
    elif restore:
        _save(copy.deepcopy(DEFAULT_MESSAGE_RULES), saved)
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check:")
    if test:
        _test(draft)
    _history()


def _columns() -> dict[str, Any]:
    cc = st.column_config
    # a new row's texts start empty (never shown as None); every column fits a desk's screen
    # with what a rule does read whole (暂停（审核后放行）), and scrolls sideways on a phone
    return {
        "enabled": cc.CheckboxColumn(t("mr_col_enabled"), default=True, width=72),
        "category": cc.TextColumn(t("mr_col_category"), help=t("mr_col_category_help"),
                                  required=True, default="", width=110),
        "pattern": cc.TextColumn(t("mr_col_pattern"), help=t("mr_col_pattern_help"),
                                 required=True, default="", width=270),
        "regex": cc.CheckboxColumn(t("mr_col_regex"), default=False, width=72),
        "applies_to": cc.MultiselectColumn(
            t("mr_col_applies_to"), options=list(RULE_SOURCES),
            default=["buyer_message", "seller_note"], width=180,
            format_func=lambda s: t(SOURCE_LABELS[s]) if s in SOURCE_LABELS else s),
        "does": cc.SelectboxColumn(
            t("mr_col_does"), options=list(RULE_DOES), default="tag", required=True, width=140,
            format_func=lambda d: t(DOES_LABELS[d]) if d in DOES_LABELS else d),
        "courier": cc.TextColumn(t("mr_col_courier"), help=t("mr_col_courier_help"),
                                 default="", width=100),
    }


def _by() -> str:
    return signed_in_name() or (st.session_state.get("set_by") or "").strip() \
        or t("set_by_default")


def _save(rules: list[dict[str, Any]], saved: list[dict[str, Any]]) -> None:
    """Save the table (refused with the rule named when it cannot be), then draw the page
    again from the saved rules."""
    with store_errors() as outcome:
        try:
            changed = save_message_rules(get_store(), rules, _by(), role=role())
        except (ValueError, NotAllowed) as exc:
            st.error(refusal_text(exc), icon=":material/error:")
            return
    if outcome.failed:
        return
    st.session_state[FLASH] = t("mr_saved") if changed else t("mr_unchanged")
    st.session_state.pop(EDITOR, None)
    st.rerun()


def _test(rules: list[dict[str, Any]]) -> None:
    """The open orders the table as it stands would catch: how many, per category, and the
    first SHOWN of them with the words matched and the text."""
    try:
        caught = preview(get_store().cursor(), rules, ALL)
    except ValueError as exc:
        st.error(refusal_text(exc), icon=":material/error:")
        return
    orders = caught.drop_duplicates(["platform", "shop", "order_id"])
    if orders.empty:
        st.info(t("mr_test_none"), icon=":material/search_off:")
        return
    st.success(t("mr_test_count").format(n=len(orders)), icon=":material/search:")
    per = caught.drop_duplicates(["platform", "shop", "order_id", "category"])
    counts = per["category"].value_counts()
    order = list(dict.fromkeys(r["category"] for r in rules))
    st.dataframe(pd.DataFrame({
        t("mr_col_category"): [category_name(c) for c in order if c in counts],
        t("mr_col_orders"): [int(counts[c]) for c in order if c in counts],
    }), hide_index=True, key="mr_test_counts")
    listed = caught.head(SHOWN)
    st.dataframe(pd.DataFrame({
        t("mr_col_order_id"): listed["order_id"],
        t("mr_col_shop"): shop_labels(listed),
        t("mr_col_source"): listed["source"].map(lambda s: t(SOURCE_LABELS[s])),
        t("mr_col_category"): listed["category"].map(category_name),
        t("mr_col_does"): listed["does"].map(lambda d: t(DOES_LABELS[d])),
        t("mr_col_matched"): listed["matched"],
        t("mr_col_text"): listed["text"],
    }), hide_index=True, key="mr_test_orders")
    if len(caught) > SHOWN:
        st.caption(t("mr_test_shown").format(n=SHOWN))


def _history() -> None:
    """Who changed the rules and when, the newest first."""
    log = settings_history(get_store().cursor(), ("message_rules",), limit=20)
    with st.expander(t("mr_history"), icon=":material/history:"):
        if log.empty:
            st.caption(t("mr_history_none"))
            return
        st.dataframe(pd.DataFrame({
            t("mr_col_changed_at"): log["changed_at"].dt.strftime("%Y-%m-%d %H:%M"),
            t("mr_col_changed_by"): log["changed_by"],
            t("mr_col_role"): log["role"].map(lambda r: t(f"role_{r}")),
            t("mr_col_rules"): log["new_value"].map(_count),
        }), hide_index=True, key="mr_history_table")


def _count(value: Any) -> str:
    """How many rules a logged value holds; the defaults when it went back to them."""
    if not _present(value):
        return t("mr_default_rules")
    return str(len(json.loads(value)))
