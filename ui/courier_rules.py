"""Courier rules (DESIGN §12) on screen: the editor of the Settings page, and the words the
work queue shows for each order's proposed courier and the rule that chose it.

The editor works on a draft of the table kept in the session (`cr_draft`): pick a rule, change
it, add one after it, move it up or down, disable or delete it; before saving, the preview says
how the orders waiting to ship would split under the draft against the saved table. Saving is
a manager's (recorded with who and when, pipeline/db/settings.py).
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from pipeline.base.roles import NotAllowed, may
from pipeline.db.settings import COURIER_KINDS, DEFAULTS, check_courier_rules
from pipeline.desk.couriers import save_courier_rules, split_preview
from ui.actor import role
from ui.auth import signed_in_name
from ui.data import desk_minute, desk_settings, filters, get_store
from ui.errors import refusal_text, store_errors
from ui.fmt import per_value
from ui.i18n import t
from ui.order_dialog import kind_words, rule_text

DRAFT = "cr_draft"        # the table being edited (a list of rules)
BASE = "cr_base"          # the saved table the draft started from
PICK = "cr_pick"          # the position of the rule picked
FLASH = "cr_flash"        # what the last save said, shown after the section is drawn again
FIELDS = {"kind": "cr_kind", "match": "cr_match", "courier": "cr_courier",
          "enabled": "cr_enabled"}
TABLE_COLUMNS = ["position", "enabled", "kind", "match", "courier", "id"]


def courier_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame of the work queue with its proposed courier ('—' for none) and the rule that
    chose it (`courier_rule`) in words; each distinct pair worked out once."""
    words = kind_words()
    pairs = pd.Series(list(zip(frame["courier_rule_kind"], frame["courier_why"], strict=True)),
                      index=frame.index, dtype=object)
    return frame.assign(
        proposed_courier=frame["proposed_courier"].fillna("—"),
        courier_rule=per_value(pairs, lambda p: rule_text(p[0], p[1], words)))


def batch_rules(kinds: pd.Series) -> pd.Series:
    """A batch's kinds of rule (a list each) in words, joined."""
    words = kind_words()
    return per_value(kinds, lambda ks: t("list_sep").join(words.get(k, k) for k in ks)
                     if ks is not None and len(ks) else "—", "—")


# ---------------------------------------------------------------------------------------------
# The editor


def courier_rules_section() -> None:
    """The courier rules table of the Settings page: an ordered editor, a preview of how the
    waiting orders would split, and the save (a manager's)."""
    st.subheader(t("cr_title"))
    st.caption(t("cr_intro"))
    saved = desk_settings()["courier_rules"]
    _start(saved)
    draft = st.session_state[DRAFT]
    words = kind_words()
    st.dataframe(_table(draft, words), hide_index=True, key="cr_table",
                 column_config={c: st.column_config.Column(t(k)) for c, k in (
                     ("position", "cr_col_position"), ("enabled", "cr_col_enabled"),
                     ("kind", "cr_col_kind"), ("match", "cr_col_match"),
                     ("courier", "cr_col_courier"), ("id", "cr_col_id"))})
    if draft:
        default = desk_settings().get("default_courier") or ""
        lines = {i: _rule_line(i, rule, words, default) for i, rule in enumerate(draft)}
        st.selectbox(t("cr_pick"), list(lines), key=PICK, on_change=_load,
                     format_func=lines.get)
    c1, c2, c3 = st.columns([1, 2, 2])
    c1.selectbox(t("cr_field_kind"), list(COURIER_KINDS), key=FIELDS["kind"],
                 format_func=words.get)
    c2.text_input(t("cr_field_match"), key=FIELDS["match"], help=t("cr_field_match_help"))
    c3.text_input(t("cr_field_courier"), key=FIELDS["courier"],
                  help=t("cr_field_courier_help"))
    st.checkbox(t("cr_field_enabled"), key=FIELDS["enabled"])
    changed = draft != saved
    # side by side, each label whole, wrapping on a phone
    with st.container(horizontal=True, gap="small"):
        st.button(t("cr_change"), key="cr_change_rule", on_click=_change, disabled=not draft,
                  icon=":material/edit:")
        st.button(t("cr_add"), key="cr_add_rule", on_click=_add, icon=":material/add:")
        st.button(t("cr_up"), key="cr_move_up", on_click=_move, args=(-1,),
                  disabled=not draft or st.session_state[PICK] == 0,
                  icon=":material/arrow_upward:")
        st.button(t("cr_down"), key="cr_move_down", on_click=_move, args=(1,),
                  disabled=not draft or st.session_state[PICK] >= len(draft) - 1,
                  icon=":material/arrow_downward:")
        st.button(t("cr_delete"), key="cr_delete_rule", on_click=_delete, disabled=not draft,
                  icon=":material/delete:")
    with st.container(horizontal=True, gap="small"):
        st.button(t("cr_defaults"), key="cr_to_defaults", on_click=_replace,
                  args=(DEFAULTS["courier_rules"],), icon=":material/restart_alt:")
        st.button(t("cr_discard"), key="cr_discard_draft", on_click=_replace, args=(saved,),
                  disabled=not changed, icon=":material/undo:")
    if changed:
        st.warning(t("cr_draft_changed"), icon=":material/edit_note:")
    if st.button(t("cr_preview"), key="cr_preview_split", help=t("cr_preview_help"),
                 icon=":material/preview:"):
        _preview(saved, draft)
    _save(draft)


def _start(saved: list[dict[str, Any]]) -> None:
    """The draft: the saved table on first view, and again whenever the saved table changed
    under an unchanged draft (another manager saved)."""
    base = st.session_state.get(BASE)
    if DRAFT not in st.session_state or (base != saved and st.session_state[DRAFT] == base):
        st.session_state[DRAFT] = copy.deepcopy(saved)
        st.session_state[BASE] = copy.deepcopy(saved)
        st.session_state[PICK] = 0
        _load()
    st.session_state.setdefault(PICK, 0)
    if st.session_state[PICK] >= max(len(st.session_state[DRAFT]), 1):
        st.session_state[PICK] = 0
    for field, key in FIELDS.items():
        st.session_state.setdefault(key, True if field == "enabled" else
                                    COURIER_KINDS[0] if field == "kind" else "")


def _table(draft: list[dict[str, Any]], words: dict[str, str]) -> pd.DataFrame:
    default = desk_settings().get("default_courier") or ""
    rows = []
    for n, rule in enumerate(draft, start=1):
        kind = rule.get("kind")
        rows.append({
            "position": n,
            "enabled": bool(rule.get("enabled")),
            "kind": words.get(kind, str(kind)),
            "match": rule.get("match") or t("cr_any"),
            "courier": rule.get("courier") or _courier_unset(kind, default),
            "id": rule.get("id") or "—",
        })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _courier_unset(kind: Any, default: str) -> str:
    """What a rule without a courier proposes."""
    if kind == "requested":
        return t("cr_courier_asked")
    if kind == "shop_default":
        return t("cr_courier_default").format(courier=default) if default else \
            t("cr_courier_default_none")
    return "—"


def _rule_line(i: int, rule: dict[str, Any], words: dict[str, str], default: str) -> str:
    """A rule in the picker: its position, kind, match and the courier it proposes (in words
    where it names none: the one asked, the shop's default), as the table shows them."""
    kind = rule.get("kind")
    courier = rule.get("courier") or _courier_unset(kind, default)
    return f"{i + 1} · {words.get(kind, str(kind))} · {rule.get('match') or t('cr_any')} → {courier}"


def _load() -> None:
    """The fields show the rule picked."""
    draft = st.session_state[DRAFT]
    if not draft:
        return
    rule = draft[min(st.session_state.get(PICK, 0), len(draft) - 1)]
    st.session_state[FIELDS["kind"]] = rule.get("kind") if rule.get("kind") in COURIER_KINDS \
        else COURIER_KINDS[0]
    st.session_state[FIELDS["match"]] = str(rule.get("match") or "")
    st.session_state[FIELDS["courier"]] = str(rule.get("courier") or "")
    st.session_state[FIELDS["enabled"]] = bool(rule.get("enabled"))


def _fields() -> dict[str, Any]:
    return {"kind": st.session_state[FIELDS["kind"]],
            "match": (st.session_state[FIELDS["match"]] or "").strip(),
            "courier": (st.session_state[FIELDS["courier"]] or "").strip(),
            "enabled": bool(st.session_state[FIELDS["enabled"]])}


def _change() -> None:
    draft = st.session_state[DRAFT]
    i = st.session_state[PICK]
    draft[i] = {**draft[i], **_fields()}


def _add() -> None:
    draft = st.session_state[DRAFT]
    fields = _fields()
    taken = {r.get("id") for r in draft}
    n = 1
    while f"{fields['kind']}_{n}" in taken:
        n += 1
    at = st.session_state[PICK] + 1 if draft else 0
    draft.insert(at, {"id": f"{fields['kind']}_{n}", **fields})
    st.session_state[PICK] = at


def _move(step: int) -> None:
    draft = st.session_state[DRAFT]
    i = st.session_state[PICK]
    j = i + step
    if 0 <= j < len(draft):
        draft[i], draft[j] = draft[j], draft[i]
        st.session_state[PICK] = j


def _delete() -> None:
    draft = st.session_state[DRAFT]
    del draft[st.session_state[PICK]]
    st.session_state[PICK] = max(min(st.session_state[PICK], len(draft) - 1), 0)
    _load()


def _replace(rules: list[dict[str, Any]]) -> None:
    st.session_state[DRAFT] = copy.deepcopy(rules)
    st.session_state[PICK] = 0
    _load()


def _preview(saved: list[dict[str, Any]], draft: list[dict[str, Any]]) -> None:
    """Orders per courier under the saved table and under the draft, inside the filters."""
    try:
        check_courier_rules(draft)
    except ValueError as exc:
        st.error(refusal_text(exc), icon=":material/error:")
        return
    f, as_of = filters(), desk_minute() + timedelta(minutes=1)
    # asked for on a click, not warmed for every session: read on a cursor of its own
    con = get_store().cursor()
    try:
        now = split_preview(con, saved, f, as_of).rename(columns={"orders": "now"})
        after = split_preview(con, draft, f, as_of).rename(columns={"orders": "after"})
    finally:
        con.close()
    none = t("cr_no_courier")
    both = now.fillna({"courier": none}).merge(after.fillna({"courier": none}), on="courier",
                                               how="outer", sort=False)
    both = both.fillna({"now": 0, "after": 0}).astype({"now": int, "after": int})
    both = both.sort_values(["after", "now"], ascending=False, kind="stable")
    st.dataframe(both[["courier", "now", "after"]], hide_index=True, key="cr_split",
                 column_config={"courier": st.column_config.Column(t("cr_col_split_courier")),
                                "now": st.column_config.Column(t("cr_col_now")),
                                "after": st.column_config.Column(t("cr_col_after"))})


def _save(draft: list[dict[str, Any]]) -> None:
    """The save button: a manager's; anyone else sees it disabled and why. A save draws the
    section again from the saved table (no word of unsaved changes left) and says so."""
    who = role()
    allowed = may(who, "settings")
    if not allowed:
        st.caption(t("cr_manager_only"))
    clicked = st.button(t("cr_save"), key="cr_save_rules", type="primary",
                        disabled=not allowed, icon=":material/save:")
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check:")
    if not clicked:
        return
    try:
        with store_errors() as outcome:
            changed = save_courier_rules(get_store(), draft, signed_in_name() or "desk", who)
    except (NotAllowed, ValueError) as exc:
        st.error(refusal_text(exc), icon=":material/error:")
        return
    if outcome.failed:
        return
    st.session_state[BASE] = copy.deepcopy(draft)
    st.session_state[FLASH] = t("cr_saved") if changed else t("cr_unchanged")
    st.rerun()
