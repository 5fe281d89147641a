"""Parts of the After-sales page 售后 (DESIGN §11): the cases as listed and downloaded, the cards'
figures, a table whose click opens a case, the case's dialog (its facts, its order, the desk's
actions on it and what to record next) and the reading's tables.

- `case_list(con, f, as_of, …)`: the list as shown, for `ui.data.query` (one per data version,
  moment, choice and language, for every session).
- `open_case_dialog(platform, shop, case_id)`: the case in a dialog; an action recorded there
  closes it and the page says what was done (`show_case_flash`). `OPEN_CASE` in the session
  state asks the page to open a case on its next run (the order dialog's cases do).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pipeline.base import canonical as C
from pipeline.base.filters import Filters
from pipeline.base.labels import label, platform_name
from pipeline.base.roles import CASE_ACTIONS, NotAllowed, may
from pipeline.db.store import Conflict
from pipeline.desk import actions, aftersales
from ui.actor import actor, role
from ui.auth import signed_in
from ui.case_words import UNKNOWN, phase_word, status_word, type_word, when
from ui.data import desk_minute, get_store, query, shop_label, shop_labels
from ui.errors import FAULTS, fault_text, refusal_text
from ui.fmt import fmt_money, fmt_pct, per_value
from ui.i18n import lang, t, tc
from ui.order_dialog import OPEN_CASE, cell_text, facts_text, lines_view
from ui.overdue import human_left
from ui.safe import md_escape

LIST_ROWS = 5000
TEXT_CAP = 60            # a buyer's text in the list; the dialog shows it whole
CASE_KEY = list(C.CASE_KEY)
SELLER = tuple(s for s, who in C.CASE_STATUS_ACTOR.items() if who == "seller")
STATUS_CHOICES = (*C.CASE_STATUSES, "unknown")
TYPE_CHOICES = (*C.CASE_TYPES, "unknown")

FLASH = "case_flash"
DONE = "case_dialog_done"
NOTICE = "case_dialog_notice"
ACTION = "case_action"
TEXT = "case_text"
KIND = "case_kind"
PERSON = "case_person"
SUBMIT = "case_submit"
WIDGETS = (ACTION, TEXT, KIND, PERSON)
OPENED = "case_dialog_of"   # the case the dialog last showed


# ---------------------------------------------------------------------------------------------
# Words (pure: the language is passed)


def actor_word(who: Any, language: str = "zh") -> str:
    return label(f"as_actor_{who if isinstance(who, str) and who else 'none'}", language)


def source_word(source: Any, language: str = "zh") -> str:
    if isinstance(source, str) and source:
        return label(f"as_source_{source}", language)
    return "—"


def time_left_text(sla: Any, hours: Any, language: str = "zh", short: bool = False) -> str:
    """'2 h left', '1 h late', 'answered, waiting for the platform's next export' (`short`:
    'answered'), or '—' when no time rule applies."""
    if sla == "answered":
        return label("as_answered_short" if short else "as_answered", language)
    if hours is None or pd.isna(hours):
        return "—"
    return human_left(int(round(float(hours) * 3600)), language)


def capped(text: Any, cap: int = TEXT_CAP) -> str:
    """A text on one line, cut at `cap` characters with an ellipsis; '' when empty."""
    if not isinstance(text, str):
        return ""
    one = " ".join(text.split())
    return one if len(one) <= cap else one[:cap - 1] + "…"


def deadline_text(c: pd.Series, language: str = "zh") -> str:
    """A case's deadline and whose it is: '2026-11-20 11:00 (the platform's)'; '—' without."""
    if c["deadline"] is None or pd.isna(c["deadline"]):
        return "—"
    return label("as_deadline_of", language).format(
        when=when(c["deadline"]), source=source_word(c["deadline_source"], language))


def _return_tracking(courier: Any, tracking: Any) -> str:
    parts = [v.strip() for v in (courier, tracking) if isinstance(v, str) and v.strip()]
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# The list


def filter_cases(board: pd.DataFrame, shops: tuple[str, ...] = (), statuses: tuple[str, ...] = (),
                 types: tuple[str, ...] = (), reasons: tuple[str, ...] = ()) -> pd.DataFrame:
    """The board's rows in the chosen shops, statuses, types and reasons (an empty choice:
    all); a status or type the desk does not know is `unknown`, a case without a reason ''."""
    keep = pd.Series(True, index=board.index)
    if shops:
        keep &= board["shop"].isin(shops)
    if statuses:
        keep &= board["status_norm"].fillna(UNKNOWN).isin(statuses)
    if types:
        keep &= board["case_type"].fillna(UNKNOWN).isin(types)
    if reasons:
        keep &= _reasons(board["reason"]).isin(reasons)
    return board[keep]


def _reasons(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip()


def display_frame(board: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """The cases as listed: labelled columns, time left in words, the deadline and whose it
    is, money with its currency (each distinct value labelled once)."""

    def col(key: str) -> str:
        return label(f"as_col_{key}", language)

    return pd.DataFrame({
        col("case_id"): board["case_id"],
        col("time_left"): [time_left_text(s, h, language, short=True)
                           for s, h in zip(board["sla"], board["hours_left"], strict=True)],
        col("deadline"): per_value(board["deadline"], when, "—"),
        col("deadline_source"): per_value(board["deadline_source"],
                                          lambda s: source_word(s, language), "—"),
        col("type"): per_value(board["case_type"], lambda v: type_word(v, language),
                               label("case_type_unknown", language)),
        col("status"): [status_word(s, x, language)
                        for s, x in zip(board["status_norm"], board["status_text"], strict=True)],
        col("amount"): [fmt_money(v, c) for v, c in zip(board["amount_asked"], board["currency"],
                                                        strict=True)],
        col("reason"): board["reason"].fillna(""),
        col("buyer_text"): board["buyer_text"].map(capped),
        col("return"): [_return_tracking(c, n) for c, n in
                        zip(board["return_courier"], board["return_tracking"], strict=True)],
        col("assigned_to"): board["assigned_to"].fillna(""),
        col("order_id"): board["order_id"].fillna(""),
        col("shop"): shop_labels(board),     # name · platform (DESIGN §13)
    }, index=board.index)


def case_list(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime,
              shops: tuple[str, ...] = (), statuses: tuple[str, ...] = (),
              types: tuple[str, ...] = (), reasons: tuple[str, ...] = (),
              language: str = "zh") -> tuple[int, pd.DataFrame, list[str]]:
    """The list as shown, for `ui.data.query`: how many cases it lists, its first LIST_ROWS
    rows (the case keys, then `display_frame`'s columns) and the names of the shown columns."""
    listed = filter_cases(aftersales.case_board(con, f, as_of), shops, statuses, types, reasons)
    shown = listed.head(LIST_ROWS)
    view = display_frame(shown, language).reset_index(drop=True)
    keyed = pd.concat([shown[CASE_KEY].reset_index(drop=True), view], axis=1)
    return len(listed), keyed, list(view.columns)


def export_frame(board: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """The list as downloaded: every case, with the platform, who must act, the phase, SKU,
    request time, refunded money, hours left and whether the platform decided."""
    shown = display_frame(board, language)

    def col(key: str) -> str:
        return label(f"as_col_{key}", language)

    shown.insert(1, col("platform"),
                 per_value(board["platform"], lambda p: platform_name(p, language)).to_numpy())
    extra = {
        col("actor"): [actor_word(a, language) for a in board["actor"]],
        col("phase"): [phase_word(p, language) for p in board["phase"]],
        col("sku"): board["sku"].fillna(""),
        col("title"): board["title"].fillna(""),
        col("requested_at"): per_value(board["requested_at"], when, "—"),
        col("refunded"): board["amount_refunded"].round(2),
        col("currency"): board["currency"].fillna(""),
        col("hours_left"): board["hours_left"].round(2),
        col("responsibility"): board["responsibility"].fillna(""),
        col("missed"): board["missed"].map(lambda m: label("yes" if m else "no", language)),
        col("buyer_text"): board["buyer_text"].fillna(""),     # whole in the file
    }
    for name, values in extra.items():
        shown[name] = list(values)
    return shown


def case_options(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> dict[str, list]:
    """The choices of the list's filters: the shops with cases, every status and type, the
    reasons given (most cases first; '' for none)."""
    board = aftersales.case_board(con, f, as_of)
    reasons = _reasons(board["reason"]).value_counts()
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"shops": sorted(board["shop"].dropna().unique().tolist()),
            "statuses": list(STATUS_CHOICES), "types": list(TYPE_CHOICES),
            "reasons": [r for r, _ in ordered]}


def open_now(f: Filters) -> Filters:
    """The filters without their dates: the cases waiting now are never hidden by a period
    (the sidebar's range spans the orders' days; a case is requested later)."""
    return replace(f, date_from=None, date_to=None)


def cases_text(n: int) -> str:
    """'3 cases' / '1 case' / '3 单' in the viewer's language."""
    return t("as_cases_one") if n == 1 else t("as_cases_n").format(n=f"{n:,}")


def case_figures(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime) -> dict[str, Any]:
    """The cards' figures: cases in the filters, those the seller must answer or receive (and
    those answered, waiting for the platform), overdue and due soon per rule, missed this
    week (the week of `as_of`) and in all, refunded; money in the filters' currency."""
    board = aftersales.case_board(con, f, as_of)
    counts = aftersales.aftersales_counts(con, f, as_of)
    weeks = aftersales.missed_by_week(con, f)
    monday = (as_of - timedelta(days=as_of.weekday())).date()
    week = weeks[weeks["week"] == monday]
    seller = board[board["actor"] == "seller"]
    return {
        "cases": len(board),
        "awaiting": int((seller["sla"] != "answered").sum()),
        "answered": int((seller["sla"] == "answered").sum()),
        "overdue": counts["overdue"], "due_soon": counts["due_soon"],
        "missed_week": {"cases": int(week["cases"].sum()),
                        "amount": round(float(week["amount"].sum()), 2)},
        "missed": counts["missed"],
        "refunded": counts["refunded"], "refunded_cases": counts["closed"]["refunded"],
    }


def read_value_word(by: str, value: Any, language: str = "zh") -> str:
    """A value of `by` (aftersales.READ_BY) in words: a type or phase by its label, '' as
    not given."""
    if not isinstance(value, str) or not value.strip():
        return label("as_no_reason" if by == "reason" else "as_no_value", language)
    if by == "case_type":
        return type_word(value, language)
    if by == "phase":
        return phase_word(value, language)
    return value


def reasons_view(table: pd.DataFrame, by: str, currency: str,
                 language: str = "zh") -> pd.DataFrame:
    """`aftersales.reasons_table` as shown and downloaded: the values in words, labelled
    columns, money to the cent, the SKU's rate against its orders as a share."""

    def lab(key: str) -> str:
        return label(key, language)

    out = pd.DataFrame({
        lab(f"as_by_{by}"): [read_value_word(by, v, language) for v in table[by]],
        lab("as_read_cases"): table["cases"].astype("int64"),
        lab("money_in_currency").format(label=lab("as_read_refunded"), currency=currency):
            table["refunded"].round(2),
    })
    if by == "sku":
        out[lab("as_read_orders")] = table["orders"].astype("int64")
        out[lab("as_read_rate")] = table["rate"].map(fmt_pct)
    return out


def promo_view(table: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """`aftersales.promo_reasons` as shown: rates per 100 orders, to a tenth."""

    def col(key: str) -> str:
        return label(f"as_read_col_{key}", language)

    return pd.DataFrame({
        col("reason"): [read_value_word("reason", r, language) for r in table["reason"]],
        col("cases"): table["cases"].astype("int64"),
        col("baseline_cases"): table["baseline_cases"].astype("int64"),
        col("rate"): (table["rate"] * 100).round(1),
        col("baseline_rate"): (table["baseline_rate"] * 100).round(1),
    })


def missed_view(weeks: pd.DataFrame, currency: str, language: str = "zh") -> pd.DataFrame:
    return pd.DataFrame({
        label("as_read_week", language): weeks["week"].map(lambda d: f"{d:%Y-%m-%d}"),
        label("as_read_missed_cases", language): weeks["cases"].astype("int64"),
        label("money_in_currency", language).format(
            label=label("as_read_missed_amount", language), currency=currency):
            weeks["amount"].round(2),
    })


# ---------------------------------------------------------------------------------------------
# Widgets: the cards, the table, the flash


def kpi_cards(grid, k: dict[str, Any], currency: str) -> None:
    """Awaiting the seller, overdue, due soon; answered (waiting for the platform), missed
    this week with its money, refunded."""
    answer, receive = "aftersales_answer", "aftersales_receive"
    grid.metric(t("as_kpi_awaiting"), f"{k['awaiting']:,}", border=True,
                help=t("as_kpi_awaiting_help"))
    for name, counts in (("overdue", k["overdue"]), ("due_soon", k["due_soon"])):
        grid.metric(t(f"as_kpi_{name}"), f"{sum(counts.values()):,}", border=True,
                    help=t("as_kpi_rules_help").format(answer=counts[answer],
                                                       receive=counts[receive]))
    grid.metric(t("as_kpi_answered"), f"{k['answered']:,}", border=True,
                help=t("as_kpi_answered_help"))
    week = k["missed_week"]
    grid.metric(t("as_kpi_missed_week"),
                f"{cases_text(week['cases'])} · {fmt_money(week['amount'], currency)}",
                border=True, help=t("as_kpi_missed_help").format(
                    n=k["missed"]["cases"], amount=fmt_money(k["missed"]["amount"], currency)))
    grid.metric(t("as_kpi_refunded"), fmt_money(k["refunded"], currency), border=True,
                help=t("as_kpi_refunded_help").format(n=k["refunded_cases"]))


def case_table(frame: pd.DataFrame, key: str, columns: list[str]) -> None:
    """The cases with the case id pinned first; a click on a row or a cell opens that case.
    The rows' keys are kept as shown, so a click never lands on a row that moved."""
    widget = f"{key}_v{get_store().data_version()}"   # a new table after every write
    shown = frame[CASE_KEY].reset_index(drop=True)
    st.dataframe(frame[columns], key=widget, hide_index=True,
                 column_config={columns[0]: {"pinned": True}},
                 on_select=partial(_picked, key, widget),
                 selection_mode=["single-row", "single-cell"])
    st.session_state[f"{key}_shown"] = shown
    clicked = st.session_state.pop(f"{key}_clicked", None)
    if clicked and clicked[0] == widget and clicked[1] in set(
            shown.itertuples(index=False, name=None)):
        open_case_dialog(*clicked[1])


def _picked(key: str, widget: str) -> None:
    """A newly clicked cell, or a newly selected row, asks to open its case."""
    selection = st.session_state[widget]["selection"]
    shown = st.session_state.get(f"{key}_shown")
    cells = [tuple(c) for c in selection.get("cells", [])]
    rows = list(selection.get("rows", []))
    now = (widget, cells[0] if cells else None, rows[0] if rows else None)
    before = st.session_state.get(f"{key}_pick", (None, None, None))
    st.session_state[f"{key}_pick"] = now
    position = (now[1][0] if now[1] is not None and now[:2] != before[:2]
                else now[2] if now[2] is not None and (now[0], now[2]) != (before[0], before[2])
                else None)
    if shown is not None and position is not None and position < len(shown):
        st.session_state[f"{key}_clicked"] = (widget, tuple(str(v) for v in shown.iloc[position]))


def show_case_flash() -> None:
    """Show, once, what the last case action did (its dialog is closed by this run)."""
    st.session_state.pop(DONE, None)
    note = st.session_state.pop(FLASH, None)
    if note:
        kind, message = note
        getattr(st, kind)(message, icon=":material/check_circle:" if kind == "success"
                          else ":material/error:")


def open_pending_case() -> None:
    """Open the case another view asked for (`OPEN_CASE`), once."""
    pending = st.session_state.pop(OPEN_CASE, None)
    if pending:
        open_case_dialog(*pending)


# ---------------------------------------------------------------------------------------------
# The case dialog


def open_case_dialog(platform: str, shop: str, case_id: str) -> None:
    """The case in a dialog; the action fields as left on this case, empty for another."""
    if st.session_state.get(OPENED) != (platform, shop, case_id):
        for k in (*WIDGETS, NOTICE):
            st.session_state.pop(k, None)
    st.session_state[OPENED] = (platform, shop, case_id)
    title = f"{t('as_dlg_title')} {md_escape(case_id)}"
    st.dialog(title, width="large")(_case_body)(platform, shop, case_id)


@signed_in
def _case_body(platform: str, shop: str, case_id: str) -> None:
    if st.session_state.pop(DONE, False):
        st.rerun()  # recorded: close the dialog, the page shows the effect
    board = query(aftersales.case_board, Filters(shops=(shop,), platforms=(platform,)),
                  desk_minute())
    found = board[board["case_id"] == case_id]
    if found.empty:
        st.warning(t("as_dlg_gone"), icon=":material/search_off:")
        return
    c = found.iloc[0]
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        kind, message = notice
        getattr(st, kind)(message, icon=":material/block:")
    language = lang()
    st.text(f"{status_word(c['status_norm'], c['status_text'], language)} · "
            f"{tc('as_f_actor')}{actor_word(c['actor'], language)} · "
            f"{tc('shop')}{shop_label(shop, platform)}")
    if c["sla"] in ("overdue", "due_soon"):
        say = st.warning if c["sla"] == "overdue" else st.info
        say(f"{time_left_text(c['sla'], c['hours_left'], language)} · {deadline_text(c, language)}",
            icon=":material/alarm:")
    _case_facts(c, language)
    _case_order(c)
    st.caption(t("as_dlg_history"))
    history = actions.case_history(get_store().cursor(), platform, shop, case_id)
    if history.empty:
        st.text(t("as_dlg_no_history"))
    else:
        st.dataframe(history_view(history), hide_index=True, key="case_history_table")
    _case_actions((platform, shop, case_id), history)


def _case_facts(c: pd.Series, language: str) -> None:
    currency = c["currency"]
    c1, c2, c3 = st.columns(3)
    with c1:
        facts_text(t("as_dlg_times"), {
            t("as_f_requested"): when(c["requested_at"]),
            t("as_f_deadline"): deadline_text(c, language),
            t("as_f_time_left"): time_left_text(c["sla"], c["hours_left"], language),
            t("as_f_refunded_at"): when(c["refunded_at"]),
            t("as_f_closed_at"): when(c["closed_at"]),
        })
    with c2:
        facts_text(t("as_dlg_money"), {
            t("as_f_asked"): fmt_money(c["amount_asked"], currency),
            t("as_f_refunded"): fmt_money(c["amount_refunded"], currency),
            t("as_f_missed"): t("yes") if c["missed"] else t("no"),
            t("as_f_reason"): c["reason"],
            t("as_f_sku"): c["sku"],
            t("as_f_title"): c["title"],
        })
    with c3:
        facts_text(t("as_dlg_return"), {
            t("as_f_type"): type_word(c["case_type"], language),
            t("as_f_phase"): phase_word(c["phase"], language),
            t("as_f_status_text"): c["status_text"],
            t("as_f_return"): _return_tracking(c["return_courier"], c["return_tracking"]),
            t("as_f_responsibility"): c["responsibility"],
            t("as_f_assigned"): c["assigned_to"],
        })
    st.caption(t("as_f_buyer_text"))
    st.text(c["buyer_text"] if isinstance(c["buyer_text"], str) and c["buyer_text"].strip()
            else "—")   # whole, as the buyer wrote it


def _case_order(c: pd.Series) -> None:
    """The case's order: its facts and lines, or that the store does not hold it."""
    order_id = c["order_id"] or ""
    if not c["order_known"]:
        st.text(t("as_dlg_order_unknown").format(order=order_id))
        return
    con = get_store().cursor()
    card = actions.order_card(con, c["platform"], c["shop"], order_id)
    if card.empty:
        st.text(t("as_dlg_order_unknown").format(order=order_id))
        return
    o = card.iloc[0]
    currency = o["currency"] if isinstance(o["currency"], str) and o["currency"] else c["currency"]
    facts_text(f"{t('as_dlg_order')} {md_escape(order_id)}", {
        t("as_f_order_state"): t(o["state"]),
        t("col_created_at"): o["created_at"], t("col_paid_at"): o["paid_at"],
        t("dlg_shipped_at"): o["shipped_at"],
        t("paid_amount"): fmt_money(o["paid"], currency),
        t("dlg_refunded"): fmt_money(o["refunded"], currency),
        t("dlg_buyer"): o["buyer"], t("col_tracking_no"): o["tracking_no"],
    })
    lines = actions.order_lines(con, c["platform"], c["shop"], order_id)
    if lines.empty:
        st.text(t("dlg_no_lines"))
    else:
        st.dataframe(lines_view(lines, currency), hide_index=True, key="case_lines_table")


HISTORY_COLUMNS = ["acted_at", "action", "detail", "kind", "author", "role", "undone"]


def history_view(h: pd.DataFrame) -> pd.DataFrame:
    """The case's events with their actions, goods and roles in words."""
    shown = h.assign(
        acted_at=h["acted_at"].map(when),
        action=h["action"].map(lambda a: t(f"action_{a}")),
        detail=h["detail"].map(cell_text),
        kind=h["kind"].map(lambda k: t(f"case_act_kind_{k}") if k in actions.RECEIVED_KINDS
                           else "—"),
        author=h["author"].map(cell_text),
        role=h["role"].map(lambda r: t("role_" + r) if isinstance(r, str) else "—"),
        undone=h["undone"].astype(bool),
    )[HISTORY_COLUMNS]
    return shown.rename(columns={c: t(f"as_h_{c}") for c in HISTORY_COLUMNS})


def undo_target(history: pd.DataFrame) -> pd.Series | None:
    """The case's last action in effect (what an undo takes back), or None."""
    live = history[(history["action"] != "undo") & ~history["undone"].astype(bool)]
    return None if live.empty else live.sort_values("event_id").iloc[-1]


def _case_actions(key: tuple[str, str, str], history: pd.DataFrame) -> None:
    language = lang()   # bound now: formatting must not depend on the session later

    def verb(a: str) -> str:
        return label(f"action_{a}", language)

    mine = role()
    offered = [*CASE_ACTIONS, "undo"]
    st.divider()
    if not may(mine, "agree"):   # a viewer: the actions shown disabled, and why
        why = (" " if lang() == "en" else "").join((t("auth_view_only"), t("why_viewer")))
        st.segmented_control(t("as_dlg_action"), offered, key="case_action_viewer",
                             disabled=True, help=why, format_func=verb)
        st.caption(why)
        return
    who = actor(key="case_actor")
    target = undo_target(history)
    if target is None or (not may(mine, "undo_any") and target["author"] != who):
        offered.remove("undo")   # nothing in effect, or (a clerk) not their own
    action = st.segmented_control(t("as_dlg_action"), offered, key=ACTION, format_func=verb)
    st.caption(t("as_dlg_record_only"))
    if not action:
        return
    if action == "reject":
        st.text_input(t("as_dlg_reject_reason"), key=TEXT, max_chars=200)
    elif action == "received":
        st.radio(t("as_dlg_kind"), actions.RECEIVED_KINDS, key=KIND, horizontal=True,
                 format_func=lambda k: label(f"case_act_kind_{k}", language))
    elif action == "feedback":
        st.text_area(t("as_dlg_feedback"), key=TEXT, max_chars=1000, height=80)
    elif action == "assign":
        st.text_input(t("as_dlg_person"), key=PERSON, max_chars=40,
                      placeholder=t("as_dlg_person_placeholder"))
    elif action == "undo" and target is not None:
        st.caption(t("as_dlg_undo_what").format(action=t(f"action_{target['action']}"),
                                                event=int(target["event_id"]),
                                                author=md_escape(target["author"])))
    st.button(t(f"action_{action}"), type="primary", key=SUBMIT, disabled=not who,
              on_click=_submit, args=(key, action, who))


@signed_in
def _submit(key: tuple[str, str, str], action: str, who: str | None) -> None:
    """The submit button's callback: record, then close the dialog or say why not."""
    ss = st.session_state
    text = ss.get(PERSON) if action == "assign" else ss.get(TEXT) if action in (
        "reject", "feedback") else None
    kind = ss.get(KIND) if action == "received" else None
    try:
        event = actions.record_case(get_store(), key, action, by=who or "", text=text,
                                    kind=kind, role=role())
    except (actions.ActionError, NotAllowed, Conflict) as exc:
        ss[NOTICE] = ("error", refusal_text(exc))
    except FAULTS as exc:   # the store cannot be written: one plain sentence, details logged
        ss[NOTICE] = ("error", fault_text(exc))
    else:
        ss[FLASH] = ("success", t("as_done").format(case=md_escape(key[2]),
                                                    action=t(f"action_{action}"),
                                                    event=event.event_id))
        ss[DONE] = True
        for k in WIDGETS:    # the next action on this case starts from empty fields
            ss.pop(k, None)
