"""One order in a dialog (facts, state, marks, history, actions), and acting on orders from pages.

- `open_order_dialog(platform, shop, order_id)`: call it when the user asks for an order
  (a button click); the dialog records actions with the order's last event as read when it
  opened, so a change by someone else meanwhile is reported, never overwritten silently.
  It lists the order's after-sales cases; the one picked opens on the After-sales page.
  Its order information (DESIGN §12): the buyer and receiver as exported, the message and note
  with the categories the rules find in them, what changed after the desk acted (before and
  now), the proposed courier and why, the order's parcels, and the forms that merge it with
  its merge candidates or split it into parcels (recorded like every other action).
- `order_table(frame, key)`: a table of orders whose selection returns order keys (never row
  positions: the keys are taken from the rows as they were shown when the user selected);
  with `opens=True` a click on a cell opens that row's order.
- `act_on(keys, action, text)`: a button callback acting on many orders at once (with
  `queue_batch`, processing the work queue's batch of that id); `undo_batch(batch, …)` takes
  such a batch back as one step, from any session (the batch is read from the event log).
- `show_flash()`: call near the top of a page to show what the last action did.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from pipeline.base import roles
from pipeline.base.filters import ALL, Filters
from pipeline.base.roles import NotAllowed, may
from pipeline.db.store import Conflict
from pipeline.desk import (
    actions,
    address,
    aftersales,
    couriers,
    info,
    money,
    parcels,
    problems,
    queue,
    team,
)
from pipeline.desk.address import display_address, is_masked
from pipeline.ingest.formats import LAYOUTS
from ui.actor import actor, role
from ui.auth import signed_in
from ui.case_words import order_cases_view
from ui.data import desk_minute, desk_settings, get_store, query, shop_label
from ui.errors import FAULTS, fault_text, refusal_text
from ui.fmt import fmt_money
from ui.i18n import colon, lang, t, tc
from ui.printing import print_buttons
from ui.safe import md_escape

Key = tuple[str, str, str]
KEY_COLUMNS = ["platform", "shop", "order_id"]
EXPECTED = "order_dialog_expected"
NOTICE = "order_dialog_notice"
FLASH = "order_flash"
DONE = "order_dialog_done"
OPEN_CASE = "aftersales_open"   # a case the After-sales page opens on its next run
SPLIT_LINES = "dlg_split_lines"  # the line ids the split form shows, in its order
MAX_PARCELS = 20                 # the most parcels the split form offers
INPUT_WIDTH = 140                # a split's number fields, in pixels: two in a phone's row


# ---------------------------------------------------------------------------------------------
# Acting from pages


def act_on(keys: list[Key], action: str, text: str | None = None, kind: str | None = None,
           by: str | None = None, queue_batch: str | None = None) -> None:
    """Record `action` on `keys` (all or nothing) and leave the outcome for `show_flash`;
    `queue_batch`: the work queue's batch they are processed as."""
    who = by or st.session_state.get("actor")
    if not keys:
        _flash("warning", t("act_nothing_selected"))
        return
    try:
        events = actions.record_many(get_store(), keys, action, by=who or "", text=text, kind=kind,
                                     role=role(), queue_batch=queue_batch)
    except (actions.ActionError, Conflict, NotAllowed) as exc:
        _flash("error", refusal_text(exc))
        return
    except FAULTS as exc:  # the store cannot be written: one plain sentence, details logged
        _flash("error", fault_text(exc))
        return
    _flash("success", t("act_done").format(action=t(f"action_{action}"), n=len(events)))


@signed_in
def undo_batch(batch_id: int, action: str, name: str, by: str | None = None) -> None:
    """A button callback: take back the batch action `batch_id` (shown as `name`: the queue's
    batch id where it processed one) as one step, whoever recorded it and in whichever
    session; the checks (role, later actions, orders moved on) are the log's."""
    who = by or st.session_state.get("actor")
    try:
        undos = actions.undo_batch(get_store(), batch_id, by=who or "", role=role())
    except (actions.ActionError, NotAllowed) as exc:
        _flash("error", refusal_text(exc))
        return
    except FAULTS as exc:  # the store cannot be written: one plain sentence, details logged
        _flash("error", fault_text(exc))
        return
    _flash("success", t("flow_batch_undone").format(batch=name, n=len(undos),
                                                    action=t(f"action_{action}")))


def refused_for(action: str) -> str | None:
    """Why the signed-in person may not take `action` (a disabled button's help), in their
    language; None when they may."""
    mine = role()
    return None if may(mine, action) else refusal_text(NotAllowed(roles.refusal(mine, action)))


def show_flash() -> None:
    """Show, once, what the last action on this page did."""
    if st.session_state.get(DONE):
        return  # the dialog closes first; the rerun after it shows the note
    note = st.session_state.pop(FLASH, None)
    if note:
        kind, message = note
        getattr(st, kind)(message, icon={"success": ":material/check_circle:",
                                         "warning": ":material/info:"}.get(kind, ":material/error:"))


def _flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


def pin_order_id(frame: pd.DataFrame, columns: list[str],
                 config: dict[str, Any] | None) -> tuple[list[str], dict[str, Any]]:
    """The shown columns with the order id first and pinned, so that it stays in sight while
    a narrow screen scrolls the table sideways. The order id column is the one named
    `order_id`, or (in a labelled table) the one holding the same values."""
    config = dict(config or {})
    ids = frame["order_id"].astype(str)
    pinned = next((c for c in columns if c == "order_id"), None) or next(
        (c for c in columns if frame[c].astype(str).equals(ids)), None)
    if pinned is None:
        return columns, config
    entry = config.get(pinned)
    config[pinned] = {**(entry if isinstance(entry, dict) else
                         {"label": entry} if isinstance(entry, str) else {}), "pinned": True}
    return [pinned, *(c for c in columns if c != pinned)], config


def order_table(frame: pd.DataFrame, key: str, columns: list[str] | None = None,
                column_config: dict[str, Any] | None = None, multi: bool = True,
                opens: bool = False) -> list[Key]:
    """Show orders with row selection; returns the keys of the selected rows still shown.

    `opens`: a click on a cell opens that row's order in the dialog (and in a single-row
    table, so does selecting a row); the tick boxes of a multi-row table still only select.
    """
    version = get_store().data_version()
    widget = f"{key}_v{version}"  # a new table, with nothing selected, after every write
    # the keys of the rows in the order shown (a copy-on-write frame: no tuple per row on
    # every view; a selection's few positions are looked up in it)
    shown = frame[KEY_COLUMNS].reset_index(drop=True)
    modes = ["multi-row" if multi else "single-row"] + (["single-cell"] if opens else [])
    columns, column_config = pin_order_id(frame, columns or list(frame.columns), column_config)
    st.dataframe(
        frame[columns], key=widget, hide_index=True,
        column_config=column_config,
        on_select=partial(_remember_selection, key, widget, opens, multi),
        selection_mode=modes if opens else modes[0],
    )
    st.session_state[f"{key}_shown"] = shown
    clicked = st.session_state.pop(f"{key}_clicked", None)
    clicked = clicked[1] if clicked and clicked[0] == widget else None
    picked_version, picked = st.session_state.get(f"{key}_selected", (None, []))
    picked = picked if picked_version == widget else []
    if clicked is None and not picked:
        return []
    present = set(shown.itertuples(index=False, name=None))   # only when something is picked
    if clicked in present:
        open_order_dialog(*clicked)
    return [k for k in picked if k in present]


_NO_ROWS = pd.DataFrame(columns=KEY_COLUMNS)   # a table not shown yet in this session


def _key_at(shown: pd.DataFrame, position: int) -> Key:
    """The key of the row shown at `position`."""
    return tuple(str(v) for v in shown.iloc[position])


def _remember_selection(key: str, widget: str, opens: bool = False, multi: bool = True) -> None:
    """Map the positions just selected to the keys of the rows shown at that moment; a newly
    clicked cell (or a newly selected row of a single-row table) asks to open its order."""
    selection = st.session_state[widget]["selection"]
    rows = list(selection["rows"])
    shown = st.session_state.get(f"{key}_shown", _NO_ROWS)
    before = st.session_state.get(f"{key}_selected", (None, []))
    picked = [_key_at(shown, i) for i in rows if i < len(shown)]
    st.session_state[f"{key}_selected"] = (widget, picked)
    if not opens:
        return
    cells = [tuple(c) for c in selection.get("cells", [])]
    # The grid keeps a clicked cell selected: only a cell other than the last one opens (a
    # tick box changes the rows and leaves the cell as it was).
    last_cell = st.session_state.get(f"{key}_cell")
    st.session_state[f"{key}_cell"] = (widget, cells[0] if cells else None)
    if cells and last_cell != (widget, cells[0]) and cells[0][0] < len(shown):
        st.session_state[f"{key}_clicked"] = (widget, _key_at(shown, cells[0][0]))
    elif not multi and picked and before != (widget, picked):
        st.session_state[f"{key}_clicked"] = (widget, picked[0])


# ---------------------------------------------------------------------------------------------
# The dialog


def open_order_dialog(platform: str, shop: str, order_id: str) -> None:
    """Open the order's dialog; actions in it expect the order as it is now."""
    ctx = actions.order_context(get_store().cursor(), platform, shop, order_id)
    st.session_state[EXPECTED] = ((platform, shop, order_id), int(ctx["last_event_id"] or 0))
    st.session_state.pop(NOTICE, None)
    title = f"{t('dlg_order')} {md_escape(order_id)}"
    st.dialog(title, width="large")(_order_body)(platform, shop, order_id)


@signed_in
def _order_body(platform: str, shop: str, order_id: str) -> None:
    if st.session_state.pop(DONE, False):
        st.rerun()  # recorded: close the dialog, the page shows the effect
    store = get_store()
    con = store.cursor()
    card = actions.order_card(con, platform, shop, order_id)
    if card.empty:
        st.warning(t("dlg_gone"), icon=":material/search_off:")
        return
    o = card.iloc[0]
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        kind, message = notice
        getattr(st, kind)(message, icon=":material/sync_problem:")

    st.text(f"{t(o['state'])} · {tc('shop')}{shop_label(shop, platform)}")  # name · platform
    as_of = desk_minute() + timedelta(minutes=1)
    marks = query(problems.order_marks, platform, shop, order_id, as_of)
    open_marks = marks[marks["resolved_at"].isna()] if not marks.empty else marks
    if not open_marks.empty:
        st.warning(" · ".join(t("problem_" + p) for p in open_marks["problem"]),
                   icon=":material/flag:")

    c1, c2, c3 = st.columns(3)
    with c1:
        facts_text(t("dlg_times"), {
            t("col_created_at"): o["created_at"], t("col_paid_at"): o["paid_at"],
            t("col_ship_by"): o["ship_by"], t("dlg_shipped_at"): o["shipped_at"],
            t("dlg_processed_at"): o["processed_at"],
        })
    with c2:
        # the order's own currency; an order without one counts in the desk's
        currency = o["currency"] if _present(o["currency"]) else query(money.desk_currency)
        facts_text(t("dlg_amounts"), {
            t("col_order_total"): fmt_money(o["order_total"], currency),
            t("paid_amount"): fmt_money(o["paid"], currency),
            t("dlg_refunded"): fmt_money(o["refunded"], currency), t("q_col_pieces"): o["pieces"],
        })
    with c3:
        where = display_address(o["province"], o["city"], o["district"], o["address"])
        facts_text(t("dlg_delivery"), {
            t("dlg_buyer"): as_exported(o["buyer"]), t("dlg_receiver"): as_exported(o["receiver"]),
            t("dlg_phone"): as_exported(o["phone"]), t("dlg_address"): where,
            t("col_courier"): o["courier"], t("col_tracking_no"): o["tracking_no"],
            **proposed_courier(platform, shop, order_id, as_of),
        })
    _messages(con, (platform, shop, order_id), o)
    _info_changes(platform, shop, order_id)

    st.caption(t("money_in_currency").format(label=t("dlg_lines"), currency=md_escape(currency)))
    lines = actions.order_lines(con, platform, shop, order_id)
    if lines.empty:   # an order report without its item report: said, not an empty grid
        st.text(t("dlg_no_lines"))
    else:
        st.dataframe(lines_view(lines, currency), hide_index=True, key="dlg_lines_table")
    in_parcels = _parcels((platform, shop, order_id))
    if not marks.empty:
        st.caption(t("dlg_marks"))
        st.dataframe(marks_view(marks), hide_index=True, key="dlg_marks_table")
    _cases(platform, shop, order_id, currency)
    st.caption(t("dlg_history"))
    history = actions.history(con, platform, shop, order_id)
    st.dataframe(_history_view(history), hide_index=True, key="dlg_history_table")
    _reprints(history)
    _actions_form((platform, shop, order_id), open_marks, in_parcels)


def _cases(platform: str, shop: str, order_id: str, currency: str) -> None:
    """The order's after-sales cases (DESIGN §11), the oldest request first; the one picked
    opens on the After-sales page, with its facts, history and actions."""
    cases = query(aftersales.order_cases, platform, shop, order_id)
    if cases.empty:
        return
    st.caption(t("dlg_cases"))
    st.dataframe(order_cases_view(cases, currency), hide_index=True, key="dlg_cases_table")
    ids = cases["case_id"].astype(str).tolist()
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    picked = c1.selectbox(t("dlg_case_pick"), ids, key="dlg_case_pick")
    if c2.button(t("dlg_case_open"), key="dlg_case_open", icon=":material/open_in_new:"):
        st.session_state[OPEN_CASE] = (platform, shop, picked or ids[0])
        st.switch_page("pages/aftersales.py")


def _reprints(history: pd.DataFrame) -> None:
    """The pick list and slips of each queue batch the order was processed in, printed again
    with the orders that batch had then."""
    for batch in history["queue_batch"].dropna().unique():
        if st.toggle(t("dlg_reprint").format(batch=batch), key=f"dlg_reprint_{batch}"):
            members = queue.processed_batch_orders(get_store().cursor(), batch)
            print_buttons(members, batch, key=f"dlg_reprint_{batch}")


# ---------------------------------------------------------------------------------------------
# Order information (DESIGN §12)

# What a rule does, as its badge shows it: a colour and an icon.
DOES_BADGES = {"hold": ("red", ":material/pause_circle:"),
               "first": ("orange", ":material/bolt:"),
               "courier": ("green", ":material/local_shipping:"),
               "slip": ("violet", ":material/receipt_long:"),
               "tag": ("blue", ":material/sell:")}
# What an import compares after the desk acted, by the name the detail gives it.
CHANGED_FIELDS = {"buyer_message": "col_buyer_message", "seller_note": "dlg_seller_note",
                  "address": "dlg_address"}
PARCEL_HEADERS = {"parcel_id": "oi_col_parcel", "order_id": "oi_col_order_id",
                  "line_id": "dlg_l_line_id", "sku": "dlg_l_sku", "title": "dlg_l_title",
                  "quantity": "dlg_l_quantity", "courier": "col_courier",
                  "tracking_no": "col_tracking_no"}


def as_exported(v: Any) -> Any:
    """A buyer, receiver or phone as the export gives it; one the platform masked (`##密文`,
    `139****4321`) says so."""
    if not _present(v) or not is_masked(str(v)):
        return v
    return (" " if lang() == "en" else "").join((str(v), t("oi_masked")))


def proposed_courier(platform: str, shop: str, order_id: str, as_of: datetime) -> dict[str, str]:
    """The courier the rules propose for an order waiting to ship and the rule that chose it,
    as facts ("label": text); none for an order that does not wait to ship."""
    found = query(couriers.proposed_couriers, Filters(shops=(shop,), platforms=(platform,)),
                  as_of)
    mine = found[(found["platform"] == platform) & (found["order_id"] == order_id)]
    if mine.empty:
        return {}
    p = mine.iloc[0]
    return {t("q_col_proposed_courier"): p["courier"] if _present(p["courier"])
            else t("oi_no_proposal"),
            t("q_col_courier_rule"): rule_text(p["rule_kind"], p["why"], kind_words())}


def _messages(con: Any, key: Key, o: pd.Series) -> None:
    """The buyer's message, the seller's note (and flag where the export gives one), each with
    the categories the message and note rules find in it; then the message as reviewed and the
    flag's reason."""
    found = info.texts(con, ALL, pd.DataFrame([key], columns=KEY_COLUMNS))
    cats = info.categorised(found, desk_settings()["message_rules"])
    texts = {"buyer_message": (t("col_buyer_message"), o["buyer_message"]),
             "seller_note": (t("dlg_seller_note"), o["seller_note_now"])}
    flags = found.loc[found["source"] == "flag", "text"]
    if len(flags):
        texts["flag"] = (t("info_src_flag"), flags.iloc[0])
    st.caption(t("dlg_messages"))
    for source, (name, text) in texts.items():
        st.text(fact_line(name, text))
        category_badges(cats[cats["source"] == source])
    st.text("\n".join(fact_line(k, v) for k, v in (
        (t("dlg_reviewed_message"), o["reviewed_message"]), (t("dlg_flag"), o["flag_reason"]))))


def category_name(category: str) -> str:
    """A category in words: a default one by its label, another as the rules write it."""
    return t(info.CATEGORY_LABELS[category]) if category in info.CATEGORY_LABELS else category


def category_badges(cats: pd.DataFrame) -> None:
    """One text's categories (rows of `info.order_categories`) as badges coloured by what
    their rule does, and in a line below what each does and the words that caught it."""
    if cats.empty:
        return
    with st.container(horizontal=True, gap="small"):
        for r in cats.itertuples():
            color, icon = DOES_BADGES.get(r.does, ("gray", None))
            st.badge(md_escape(category_name(r.category)), icon=icon, color=color)
    st.caption(md_escape(t("list_sep").join(_does_text(r) for r in cats.itertuples())))


def _does_text(r: Any) -> str:
    does = t(info.DOES_LABELS[r.does]) if r.does in info.DOES_LABELS else r.does
    words = {"category": category_name(r.category), "does": does, "matched": r.matched}
    if r.does == "courier" and _present(r.courier):
        return t("oi_category_courier").format(courier=r.courier, **words)
    return t("oi_category_does").format(**words)


def _info_changes(platform: str, shop: str, order_id: str) -> None:
    """What newer exports changed after the desk acted, each change's text before and now side
    by side (stacked on a phone), whether a review has seen it."""
    changes = query(info.info_changes_of, platform, shop, order_id)
    if changes.empty:
        return
    st.caption(t("oi_changes"))
    for c in changes.itertuples():
        field = t(CHANGED_FIELDS[c.field]) if c.field in CHANGED_FIELDS else c.field
        status = t("oi_change_reviewed") if c.reviewed else t("oi_change_open")
        with st.container(border=True):
            st.text(t("oi_change_head").format(field=field, when=cell_text(c.detected_at),
                                               file=cell_text(c.file_name), status=status))
            before, now = st.columns(2)
            for column, name, text in ((before, "oi_before", c.old_text),
                                       (now, "oi_now", c.new_text)):
                column.caption(t(name))
                column.text(text if _present(text) else t("oi_empty_text"))


def _parcels(key: Key) -> pd.DataFrame:
    """The parcels the order goes in (`parcels.order_parcels`), said in a line and, merged or
    split, listed line by line; returned for the parcel actions."""
    found = query(parcels.order_parcels, key)
    kind = found["kind"].iloc[0] if len(found) else "order"
    st.caption(t("oi_parcels"))
    if kind == "order":
        st.text(t("oi_parcel_own"))
        return found
    if kind == "merged":
        others = [o for o in dict.fromkeys(found["order_id"]) if o != key[2]]
        st.text(t("oi_parcel_merged").format(orders=t("list_sep").join(others),
                                              parcel=found["parcel_id"].iloc[0]))
    else:
        st.text(t("oi_parcel_split").format(n=found["parcel_id"].nunique()))
    st.dataframe(parcels_view(found), hide_index=True, key="dlg_parcels_table")
    return found


def parcels_view(found: pd.DataFrame) -> pd.DataFrame:
    """The lines of a merged parcel (by order) or of a split order's parcels (by parcel) with
    their SKU and title, labelled headers, '—' when empty."""
    items = _line_items(found[KEY_COLUMNS].drop_duplicates().itertuples(index=False, name=None))
    at = list(zip(found["order_id"], found["line_id"].astype(str), strict=True))
    shown = found.assign(sku=[items.get(k, (None, None))[0] for k in at],
                         title=[items.get(k, (None, None))[1] for k in at])
    same = "parcel_id" if found["kind"].iloc[0] == "merged" else "order_id"  # said above it
    columns = {c: k for c, k in PARCEL_HEADERS.items() if c != same}
    return _cells(shown[list(columns)]).rename(columns={c: t(k) for c, k in columns.items()})


def _line_items(keys: Iterable[Key]) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(order id, line id) -> (SKU, title) of the orders `keys`."""
    con = get_store().cursor()
    items = {}
    for p, s, o in keys:
        lines = actions.order_lines(con, p, s, o)
        items.update({(o, str(i)): (sku, title) for i, sku, title in zip(
            lines["line_id"], lines["sku"], lines["title"], strict=True)})
    return items


def parcel_actions(key: Key, ctx: dict[str, Any], open_marks: pd.DataFrame,
                   found: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The parcel actions the order can take now, and its merge candidates: `merge` with the
    orders its open §6 `merge_candidate` mark names that are not in its parcel yet (on the
    parcel's first order only); `split` while it waits to ship, is not processed, is its own
    parcel and has two pieces or more. Nothing once it is processed or split."""
    kind = found["kind"].iloc[0] if len(found) else "order"
    if ctx.get("processed") or kind == "split":
        return [], []
    offered = []
    marked = (open_marks.loc[open_marks["problem"] == "merge_candidate", "reason"]
              if not open_marks.empty else [])
    named = dict.fromkeys(i for reason in marked for i in parcels.merge_ids(reason))
    in_parcel = set(found["order_id"]) if kind == "merged" else set()
    first = kind != "merged" or found["parcel_id"].iloc[0] == key[2]
    candidates = [i for i in named if i not in in_parcel and i != key[2]] if first else []
    if candidates:
        offered.append("merge")
    if (kind == "order" and actions.refusal("split", ctx, "x", None) is None
            and int(found["quantity"].sum()) >= 2):
        offered.append("split")
    return offered, candidates


def _parcel_form(key: Key, offered: list[str], candidates: list[str], found: pd.DataFrame,
                 who: str | None) -> None:
    """Merge the order with some of its candidates, or split it into parcels; recorded by
    `_submit` like the order's other actions."""
    action = st.segmented_control(t("oi_parcels"), offered, key="dlg_parcel_action",
                                  format_func=lambda a: t(f"action_{a}"))
    if not action:
        return
    if action == "merge":
        st.multiselect(t("oi_merge_pick"), candidates, default=candidates, key="dlg_merge")
    else:
        _split_inputs(key, found)
    st.button(t(f"action_{action}"), type="primary", key="dlg_parcel_submit", disabled=not who,
              on_click=_submit, args=(key, action, who))


def _split_inputs(key: Key, found: pd.DataFrame) -> None:
    """How many parcels, and each line's pieces in each parcel (`dlg_split_N_LINE_PARCEL`, by
    the lines' positions), first shared out as evenly as the lines allow."""
    lines = found[found["quantity"] > 0]
    ids = [str(i) for i in lines["line_id"]]
    quantities = [int(q) for q in lines["quantity"]]
    st.session_state[SPLIT_LINES] = ids
    st.caption(t("oi_split_help"))
    n = int(st.number_input(t("oi_split_n"), min_value=2,
                            max_value=max(2, min(sum(quantities), MAX_PARCELS)), value=2, step=1,
                            key="dlg_split_n", width=INPUT_WIDTH))
    items = _line_items([key])
    shares = split_shares(quantities, n)
    for i, (line_id, quantity) in enumerate(zip(ids, quantities, strict=True)):
        sku, title = items.get((key[2], line_id), (None, None))
        st.text(t("oi_split_line").format(line=line_id, sku=cell_text(sku),
                                          title=cell_text(title), quantity=quantity))
        with st.container(horizontal=True):    # side by side, wrapping on a phone
            for parcel in range(n):
                st.number_input(t("oi_split_parcel").format(n=parcel + 1), min_value=0,
                                max_value=quantity, value=shares[i][parcel], step=1,
                                key=f"dlg_split_{n}_{i}_{parcel}", width=INPUT_WIDTH)


def split_shares(quantities: list[int], n: int) -> list[list[int]]:
    """A first split of lines of `quantities` into `n` parcels: whole lines in turn when there
    are as many lines as parcels, else piece by piece in turn."""
    shares = [[0] * n for _ in quantities]
    if len(quantities) >= n:
        for i, q in enumerate(quantities):
            shares[i][i % n] = q
        return shares
    turn = 0
    for i, q in enumerate(quantities):
        for _ in range(q):
            shares[i][turn % n] += 1
            turn += 1
    return shares


def _split_typed(ss: Any) -> str:
    """The split's text from the form: `[{"lines": {LINE_ID: PIECES}}, ...]`, pieces above 0."""
    n = int(ss.get("dlg_split_n") or 2)
    ids = ss.get(SPLIT_LINES) or []

    def pieces(line: int, parcel: int) -> int:
        return int(ss.get(f"dlg_split_{n}_{line}_{parcel}") or 0)

    return parcels.split_text([{line_id: pieces(i, parcel) for i, line_id in enumerate(ids)
                                if pieces(i, parcel)} for parcel in range(n)])


HISTORY_COLUMNS = ["happened_at", "action", "detail", "kind", "author", "role", "batch_id",
                   "undone", "ref"]


def _history_view(h: pd.DataFrame) -> pd.DataFrame:
    """The history with labelled actions and headers."""
    h = h.assign(action=h["action"].map(lambda a: t(f"action_{a}")),
                 detail=[_import_detail(d) if s == "import" else d
                         for s, d in zip(h["source"], h["detail"], strict=True)],
                 kind=h["kind"].map(_kind_words),
                 role=h["role"].map(lambda r: t("role_" + r) if isinstance(r, str) else None))
    h = h.assign(batch_id=h["batch_id"].astype("Int64"))
    return _cells(h[HISTORY_COLUMNS]).rename(
        columns={c: t(f"dlg_h_{c}") for c in HISTORY_COLUMNS})


def _kind_words(kind: Any) -> str | None:
    """An event's kind in words: the goods of a case's returned parcel, else a problem type."""
    if not isinstance(kind, str):
        return None
    if kind in actions.RECEIVED_KINDS:
        return t(f"case_act_kind_{kind}")
    return t("problem_" + kind)


def _import_detail(detail: Any) -> Any:
    """'file.csv (taobao_orders)' with the layout in words."""
    found = re.fullmatch(r"(.*) \((\w+)\)", detail) if isinstance(detail, str) else None
    if not found or found[2] not in LAYOUTS:
        return detail
    return f"{found[1]} ({t('layout_' + found[2])})"


LINE_COLUMNS = ["line_id", "sku", "title", "quantity", "unit_price", "paid", "refund_text",
                "is_gift", "is_bundle_marked"]
MARK_COLUMNS = ["problem", "reason", "since", "resolved_at", "resolved_by"]
# Reasons that are codes (the rule an address breaks, how far a refund went, what changed after
# the desk acted); other reasons are the order's own text (SKUs short, the buyer's message,
# other order ids, a typed reason).
REASON_LABELS = {**{r: f"addr_{r}" for r in address.REASONS},
                 **{r: f"refund_{r}" for r in ("requested", "agreed", "returned", "cancelled")},
                 **info.CHANGED_LABELS}


def lines_view(lines: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """The lines with labelled headers, money with its currency, yes/no and '—' in words."""
    money_cols = {"unit_price", "paid"}
    shown = pd.DataFrame({
        c: (lines[c].map(lambda v: fmt_money(v, currency)) if c in money_cols
            else lines[c].map(_yes_no) if c.startswith("is_") else lines[c].map(cell_text))
        for c in LINE_COLUMNS})
    return shown.rename(columns={c: t(f"dlg_l_{c}") for c in LINE_COLUMNS})


def marks_view(marks: pd.DataFrame) -> pd.DataFrame:
    """An order's marks with labelled headers, problems and coded reasons in words."""
    shown = _cells(marks[MARK_COLUMNS].assign(
        problem=marks["problem"].map(lambda p: t("problem_" + p)),
        reason=marks["reason"].map(reason_words)))
    return shown.rename(columns={c: t(f"col_{c}") for c in MARK_COLUMNS})


def reason_words(reason: Any) -> str:
    """A mark's reason as shown: each '; '-separated code in words, other text as it is."""
    if not _present(reason):
        return "—"
    return "; ".join(t(REASON_LABELS[p]) if p in REASON_LABELS else p
                     for p in str(reason).split("; "))


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text ('—' when empty, times to the minute); yes/no columns stay ticks."""
    return frame.assign(**{c: frame[c].map(cell_text) for c in frame.columns
                           if frame[c].dtype != bool})


def _yes_no(v: Any) -> str:
    return "—" if not _present(v) else t("yes") if bool(v) else t("no")


def facts_text(title: str, facts: dict[str, Any]) -> None:
    """A group of the order's facts as lines of text ("label：value"), each wrapping on a
    phone rather than cut off in a table's cell; never read as Markdown."""
    st.caption(title)
    st.text("\n".join(fact_line(k, v) for k, v in facts.items()))


def fact_line(name: str, value: Any) -> str:
    """"label：value" on one line: a value's own line breaks (a buyer message) folded into it."""
    return f"{name}{colon()}{' '.join(cell_text(value).split())}"


def cell_text(v: Any) -> str:
    if not _present(v):
        return "—"
    if isinstance(v, datetime | pd.Timestamp):
        return f"{v:%Y-%m-%d %H:%M}"
    return str(v)


def _present(v: Any) -> bool:
    return v is not None and not (not isinstance(v, str) and pd.isna(v)) and str(v).strip() != ""


def _actions_form(key: Key, open_marks: pd.DataFrame, found: pd.DataFrame) -> None:
    con = get_store().cursor()
    ctx = actions.order_context(con, *key)
    ctx["open_problems"] = tuple(open_marks["problem"]) if not open_marks.empty else ()
    mine = role()
    allowed = [a for a in actions.allowed_actions(ctx) if may(mine, a)]
    offered, candidates = parcel_actions(key, ctx, open_marks, found)
    st.divider()
    if not may(mine, "confirm"):   # the actions the order takes, shown disabled, and why
        why = (" " if lang() == "en" else "").join((t("auth_view_only"), t("why_viewer")))
        if allowed_for_clerk := actions.allowed_actions(ctx) + offered:
            st.segmented_control(t("dlg_action"), allowed_for_clerk, key="dlg_action_viewer",
                                 disabled=True, help=why, format_func=lambda a: t(f"action_{a}"))
        st.caption(why)
        return
    who = actor(key="dlg_actor")
    if "undo" in allowed and not may(mine, "undo_any") and team.event_author(
            con, ctx["undo_target"]) != who:
        allowed.remove("undo")  # a clerk undoes only their own actions
    offered = offered if may(mine, "process") else []
    if not allowed and not offered:
        st.caption(t("dlg_no_actions"))
        return
    if allowed:
        _order_action(key, ctx, allowed, who)
    if offered:
        _parcel_form(key, offered, candidates, found, who)


def _order_action(key: Key, ctx: dict[str, Any], allowed: list[str], who: str | None) -> None:
    """The order's own actions (parcels aside): pick one, say what it needs, record it."""
    action = st.segmented_control(t("dlg_action"), allowed, key="dlg_action",
                                  format_func=lambda a: t(f"action_{a}"))
    if not action:
        return
    if action == "courier":
        c1, c2 = st.columns(2)
        c1.text_input(t("col_courier"), key="dlg_courier", placeholder="SF")
        c2.text_input(t("col_tracking_no"), key="dlg_tracking")
    elif action == "resolve":
        # a type a resolve cannot close (info_changed: a review clears it) is not offered
        kinds = [k for k in dict.fromkeys(ctx["open_problems"])
                 if k != "manual" and k in actions.PROBLEM_TYPES]
        kinds = (["manual"] if ctx.get("flag_reason") else []) + kinds
        st.selectbox(t("col_problem"), kinds, key="dlg_kind",
                     format_func=lambda k: t("problem_" + k))
        st.text_input(t("dlg_what_was_done"), key="dlg_text")
    elif action in ("note", "flag"):
        st.text_input(t("dlg_note") if action == "note" else t("col_reason"), key="dlg_text")
    elif action == "undo":
        st.caption(t("dlg_undo_what").format(action=t(f"action_{ctx['undo_action']}"),
                                            event=ctx["undo_target"]))
    st.button(t(f"action_{action}"), type="primary", key="dlg_submit", disabled=not who,
              on_click=_submit, args=(key, action, who))


@signed_in
def _submit(key: Key, action: str, who: str | None) -> None:
    """The submit button's callback: record, then close the dialog or say what went wrong."""
    text, kind = _typed(action)
    stored_key, expected = st.session_state.get(EXPECTED, (None, None))
    expected = expected if stored_key == key else None
    try:
        event = actions.record(get_store(), key, action, by=who or "", text=text, kind=kind,
                               expected_last_event=expected, role=role())
    except Conflict as exc:
        fresh = actions.order_context(get_store().cursor(), *key)
        st.session_state[EXPECTED] = (key, int(fresh["last_event_id"] or 0))
        st.session_state[NOTICE] = ("warning", refusal_text(exc))
    except (actions.ActionError, NotAllowed) as exc:
        st.session_state[NOTICE] = ("error", refusal_text(exc))
    except FAULTS as exc:  # the store cannot be written: one plain sentence, details logged
        st.session_state[NOTICE] = ("error", fault_text(exc))
    else:
        _flash("success", t("act_done_one").format(action=t(f"action_{action}"),
                                                   order=md_escape(key[2]),
                                                   event=event.event_id))
        st.session_state[DONE] = True


def _typed(action: str) -> tuple[str | None, str | None]:
    """The text (and problem type) typed for `action`."""
    ss = st.session_state
    if action == "courier":
        parts = (ss.get("dlg_courier") or "", ss.get("dlg_tracking") or "")
        return " ".join(p.strip() for p in parts if p.strip()), None
    if action == "resolve":
        return ss.get("dlg_text"), ss.get("dlg_kind")
    if action in ("note", "flag"):
        return ss.get("dlg_text"), None
    if action == "merge":
        return " ".join(ss.get("dlg_merge") or []), None
    if action == "split":
        return _split_typed(ss), None
    return None, None


def kind_words() -> dict[str, str]:
    """What chose a courier, in the viewer's language: each rule kind, and hand, export and an
    address too vague."""
    return {
        "requested": t("cr_kind_requested"),
        "region": t("cr_kind_region"),
        "value": t("cr_kind_value"),
        "pieces": t("cr_kind_pieces"),
        "sku": t("cr_kind_sku"),
        "shop_default": t("cr_kind_shop_default"),
        "hand": t("cr_kind_hand"),
        "export": t("cr_kind_export"),
        "vague_address": t("cr_kind_vague_address"),
    }


# ---------------------------------------------------------------------------------------------
# The work queue's columns


def rule_text(kind: Any, why: Any, words: dict[str, str]) -> str:
    """The rule that chose an order's courier as a person reads it: `地区：新疆`,
    `手动指定：Li`, `地址不详，暂不分配：缺少街道`; no rule: `没有规则匹配`."""
    if not isinstance(kind, str):
        return t("cr_no_rule")
    detail = reason_words(why) if kind == "vague_address" else why
    name = words.get(kind, kind)
    return f"{name}{colon()}{detail}" if isinstance(detail, str) and detail not in ("", "—") \
        else name
