"""Widgets and chart builders of the Overdue page (and the rule settings)."""

from __future__ import annotations

import importlib.util
from datetime import datetime, time

import duckdb
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pipeline.base.filters import Filters
from pipeline.base.labels import label, platform_name
from pipeline.desk import freshness, problems, sla
from pipeline.desk.address import display_address
from ui.auth import signed_in
from ui.data import desk_minute, get_store, query, shop_label, shop_labels
from ui.fmt import per_value
from ui.i18n import t, tc
from ui.layout import metric_grid
from ui.order_dialog import KEY_COLUMNS, marks_view
from ui.safe import md_escape, plot_text

LIST_ROWS = 5000


# ---------------------------------------------------------------------------------------------
# Pure helpers (no Streamlit calls)


def human_left(seconds: int, language: str = "zh") -> str:
    """'3 h 20 min late' / '剩 1天2小时': the time left before, or late after, a deadline."""
    s = abs(int(seconds))
    d, rest = divmod(s, 86400)
    h, rest = divmod(rest, 3600)
    m = rest // 60
    sep = "" if language == "zh" else " "

    def unit(n: int, key: str) -> str:
        return f"{n}{sep}{label(key, language)}"

    if d:
        parts = [unit(d, "od_unit_d")] + ([unit(h, "od_unit_h")] if h else [])
    elif h:
        parts = [unit(h, "od_unit_h")] + ([unit(m, "od_unit_min")] if m else [])
    else:
        parts = [unit(m, "od_unit_min")]
    text = sep.join(parts)
    return label("od_late" if seconds < 0 else "od_left", language).format(t=text)


def stale_text(moment: object, language: str = "zh") -> str:
    """'stale data (as of 2017-07-08 00:42)' for one row of a stale shop."""
    return label("fresh_stale_row", language).format(t=f"{pd.Timestamp(moment):%Y-%m-%d %H:%M}")


def stale_marks(frame: pd.DataFrame, language: str | None = None) -> pd.Series:
    """Per row: the stale mark with its shop's data moment, '' for a fresh shop."""
    lang_ = language or st.session_state.get("lang", "zh")
    if "stale" not in frame or "data_as_of" not in frame:
        return pd.Series("", index=frame.index)
    moments = frame["data_as_of"].where(frame["stale"].fillna(False).astype(bool))
    return per_value(moments, lambda m: stale_text(m, lang_), "")


def labeller(language: str):
    """`named(prefix)` -> a format function showing `label(prefix + value)` in `language`;
    `raw=True` shows the value itself, `empty` the label for an empty value."""

    def named(prefix: str, empty: str = "", raw: bool = False):
        def fmt(value: object) -> str:
            if not value and empty:
                return label(empty, language)
            if not value:
                return "—"
            return str(value) if raw else label(f"{prefix}{value}", language)

        return fmt

    return named


def _to_the_minute(seconds: pd.Series) -> pd.Series:
    """Seconds cut to whole minutes, keeping the sign (late or left) that `human_left` shows:
    the same text for every second of a minute, so the minutes are labelled once each."""
    whole = seconds.abs() // 60 * 60
    return whole.where(seconds >= 0, -whole - 1)


def display_frame(board: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """The list as shown: labelled columns, human time left, marks as words (each distinct
    value labelled once)."""

    def lab(key: str) -> str:
        return label(key, language)

    return pd.DataFrame({
        lab("col_order_id"): board["order_id"],
        lab("col_shop"): shop_labels(board),     # name · platform (DESIGN §13)
        lab("col_state"): per_value(board["state"], lab),
        lab("col_rule"): per_value(board["rule"], lambda r: lab(f"rule_{r}")),
        lab("col_status"): per_value(board["status"], lambda s: lab(f"status_{s}")),
        lab("col_deadline"): board["deadline"],
        lab("col_time_left"): per_value(_to_the_minute(board["seconds_left"]),
                                        lambda s: human_left(s, language)),
        lab("col_data_as_of"): stale_marks(board.rename(columns={"as_of": "data_as_of"}),
                                           language),
        lab("col_problems"): per_value(board["problems"], lambda ps: lab("list_sep").join(
            lab(f"problem_{p}") for p in ps), ""),
        lab("col_buyer_message"): board["buyer_message"].fillna(""),
        lab("col_courier"): board["courier"].fillna(""),
    })


def list_view(con: duckdb.DuckDBPyConnection, f: Filters, as_of: datetime, statuses: tuple[str, ...] = (),
              rules: tuple[str, ...] = (), shops: tuple[str, ...] = (),
              couriers: tuple[str, ...] = (), marks: tuple[str, ...] = (),
              language: str = "zh") -> tuple[int, pd.DataFrame, list[str]]:
    """The Overdue list as shown, for `ui.data.query` (one per data version, moment, choice
    and language, for every session): how many orders it lists, its first LIST_ROWS rows
    (the order keys, then `display_frame`'s columns) and the names of the shown columns."""
    listed = sla.filter_board(sla.sla_board(con, f, as_of), list(statuses), list(rules),
                              list(shops), list(couriers), list(marks))
    shown = listed.head(LIST_ROWS)
    view = display_frame(shown, language).reset_index(drop=True)
    keyed = pd.concat([shown[KEY_COLUMNS].reset_index(drop=True), view], axis=1)
    return len(listed), keyed, list(view.columns)


def export_frame(board: pd.DataFrame, language: str = "zh") -> pd.DataFrame:
    """The list as downloaded: every order, platform and hours left included."""
    shown = display_frame(board, language)
    shown.insert(1, label("col_platform", language),
                 per_value(board["platform"], lambda p: platform_name(p, language)).to_numpy())
    shown[label("col_hours_left", language)] = (board["seconds_left"] / 3600).round(2)
    shown[label("col_tracking_no", language)] = board["tracking_no"].to_numpy()
    return shown


def aging_chart(aging: pd.DataFrame, by: str, names: dict[str, str],
                bucket_names: dict[str, str]) -> go.Figure:
    """Overdue orders per lateness bucket (named by `bucket_names`), stacked by rule or shop."""
    fig = go.Figure()
    for group, part in aging.groupby(by, sort=True):
        fig.add_trace(go.Bar(
            x=[bucket_names.get(b, b) for b in part["bucket"]], y=part["orders"],
            name=names.get(group, plot_text(group or "—")),    # a shop's name as text
        ))
    fig.update_layout(barmode="stack", height=320, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      legend={"orientation": "h", "y": 1.15})
    return fig


# ---------------------------------------------------------------------------------------------
# Widgets


def freshness_note(as_of: datetime, f: Filters | None = None) -> None:
    """Per shop in the filters, small: the moment its data describes; a warning listing the
    shops whose data is more than a day older than `as_of`."""
    fr = query(freshness.shop_freshness, as_of)
    if f is not None and f.shops:
        fr = fr[fr["shop"].isin(f.shops)]
    if f is not None and f.platforms:
        fr = fr[fr["platform"].isin(f.platforms)]
    if fr.empty:
        return

    def name(r) -> str:
        return md_escape(shop_label(r.shop, r.platform))  # name · platform

    stale = fr[fr["stale"]]
    if len(stale):
        listed = "; ".join(f"{name(r)}: {pd.Timestamp(r.data_moment):%Y-%m-%d %H:%M}"
                           for r in stale.itertuples())
        st.warning(t("fresh_stale_warning").format(shops=listed), icon=":material/history:")
    st.caption(t("fresh_caption").format(shops=" · ".join(
        f"{name(r)} {pd.Timestamp(r.data_moment):%Y-%m-%d %H:%M}" for r in fr.itertuples())))


def as_of_picker() -> datetime:
    """The moment the rules are evaluated at: now (to the minute) unless the manager picks one."""
    now = desk_minute()
    c1, c2, c3 = st.columns([1, 1, 1])
    live = c1.toggle(tc("od_as_of") + f"{now:%Y-%m-%d %H:%M}", value=True, key="od_live")
    if live:
        return now
    day = c2.date_input(t("od_as_of_day"), value=now.date(), key="od_day")
    at = c3.time_input(t("od_as_of_time"), value=time(now.hour, now.minute), key="od_time",
                       step=60)
    return datetime.combine(day, at)


def not_judged_note(f: Filters, as_of: datetime) -> None:
    """Per rule, the orders it cannot judge because their shops' exports never give the fact
    it needs (DESIGN §4): counted apart, with the shops named, never as overdue."""
    unknown = query(sla.not_judged, f, as_of)
    for r in unknown[unknown["orders"] > 0].itertuples():
        shops = t("list_sep").join(shop_label(shop, platform) for platform, shop in r.shops)
        st.caption(md_escape(t("od_not_judged").format(
            rule=t(f"rule_{r.rule}"), n=f"{int(r.orders):,}", why=t(f"not_judged_{r.rule}"),
            shops=shops)))


def rule_metrics(counts: pd.DataFrame) -> None:
    """Per rule: overdue and due soon, with the change since the same time yesterday."""
    grid = metric_grid("rules", len(counts))
    for r in counts.itertuples():
        with grid.container():
            st.metric(f"{t('rule_' + r.rule)} · {t('od_overdue')}", int(r.overdue),
                      delta=int(r.overdue - r.overdue_before), delta_color="inverse",
                      help=f"{tc('od_vs_yesterday')}{int(r.overdue_before)}", border=True)
            st.metric(f"{t('rule_' + r.rule)} · {t('od_due_soon')}", int(r.due_soon),
                      delta=int(r.due_soon - r.due_soon_before), delta_color="inverse",
                      help=f"{tc('od_vs_yesterday')}{int(r.due_soon_before)}", border=True)


def open_order(platform: str, shop: str, order_id: str, as_of: datetime) -> None:
    """The order detail: the shared order dialog when there is one, else a simple one."""
    if importlib.util.find_spec("ui.order_dialog") is not None:
        from ui.order_dialog import open_order_dialog

        open_order_dialog(platform, shop, order_id)
        return
    _simple_detail(platform, shop, order_id, as_of)


@st.dialog("订单详情 · Order detail", width="large")
@signed_in
def _simple_detail(platform: str, shop: str, order_id: str, as_of: datetime) -> None:
    facts = query(problems.order_facts, platform, shop, order_id)
    order = facts["order"]
    st.subheader(f"{t('od_detail')} · {md_escape(order_id)}")
    if order.empty:
        st.write("—")
        return
    o = order.iloc[0]
    st.caption(md_escape(f"{shop_label(shop, platform)} · {t(o['state'])}"))
    st.markdown(f"**{t('od_lines')}**")
    lines = facts["lines"].rename(columns={"refund_norm": "refund_text"})
    lines = lines.astype(object).where(lines.notna(), "—")
    st.dataframe(lines.rename(columns={c: t(f"dlg_l_{c}") for c in lines.columns}),
                 hide_index=True)
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('od_times')}**")
        st.dataframe(pd.DataFrame({
            "": [t("col_created_at"), t("col_paid_at"), t("col_ship_by")],
            " ": [o["created_at"], o["paid_at"], o["ship_by"]],
        }), hide_index=True)
    with c2:
        st.markdown(f"**{t('od_amounts')}**")
        st.dataframe(pd.DataFrame({
            "": [t("od_amount_order_total"), t("od_amount_paid"), t("od_amount_refunded")],
            " ": [o["order_total"], o["paid"], o["refunded"]],
        }), hide_index=True)
    st.markdown(f"**{t('od_address')}**")
    st.text(display_address(o["province"], o["city"], o["district"], o["address"]))
    st.markdown(f"**{t('od_messages')}**")
    st.text(f"{tc('col_buyer_message')}{o['buyer_message'] or '—'}")
    st.text(f"{tc('od_seller_note')}{o['desk_seller_note'] or '—'}")
    st.markdown(f"**{t('od_marks')}**")
    marks = query(problems.order_marks, platform, shop, order_id, as_of)
    if marks.empty:
        st.caption(t("od_no_marks"))
    else:
        st.dataframe(marks_view(marks), hide_index=True)   # coded reasons in words


def workbook_button() -> None:
    """Download of the daily workbook as of now; built only when clicked."""
    from pipeline.outputs.workbook import workbook_bytes

    store = get_store()
    st.download_button(
        t("download_workbook"),
        lambda: workbook_bytes(store.cursor(), store.now().replace(second=0, microsecond=0)),
        f"orderdesk_{store.now():%Y%m%d}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="overview_workbook", icon=":material/table_view:",
    )
