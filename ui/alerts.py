"""Settings: where alerts are pushed and the daily report per shop (pipeline/outputs/alerts.py,
pipeline/outputs/daily_report.py). Managers only: the channels (add, edit, turn off, remove;
secrets masked, a secret left blank keeps the stored one), a test message, the quiet period,
the rules' thresholds, the daily report's hour and addresses per shop."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pipeline.base.roles import NotAllowed, may
from pipeline.outputs import alerts
from pipeline.outputs.daily_report import report_shops
from ui.actor import role
from ui.auth import signed_in_name
from ui.data import get_store, shop_label
from ui.errors import FAULTS, fault_text, refusal_text, store_errors
from ui.i18n import lang, platform_label, t

NEW = -1   # the channel picker's "add a channel"


def alerts_section() -> None:
    """The alerts' channels and rules and the daily report's settings (managers only)."""
    st.subheader(t("alert_ui_title"))
    st.caption(t("alert_ui_intro"))
    if not may(role(), "settings"):
        st.caption(t("alert_ui_managers_only"))
        return
    store = get_store()
    _channels(store)
    _rules(store)
    _daily_report(store)


def _by() -> str:
    return signed_in_name() or st.session_state.get("actor") or "desk"


def _refused(exc: Exception) -> None:
    st.error(refusal_text(exc), icon=":material/error:")


def _when(v: Any) -> str:
    return "—" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------------------------------------
# Channels


def _channels(store: Any) -> None:
    st.markdown(f"**{t('alert_ui_channels')}**")
    con = store.cursor()
    listed = alerts.channel_list(con)
    if listed.empty:
        st.caption(t("alert_ui_no_channel"))
    else:
        shown = pd.DataFrame({
            t("alert_ui_col_name"): listed["name"],
            t("alert_ui_col_kind"): [alerts.kind_name(k, lang()) for k in listed["kind"]],
            t("alert_ui_col_enabled"): [t("alert_ui_on") if e else t("alert_ui_off")
                                        for e in listed["enabled"]],
            t("alert_ui_col_target"): listed["target"],
            t("alert_ui_col_quiet"): listed["quiet_minutes"].astype(int),
            t("alert_ui_col_last_sent"): [_when(v) for v in listed["last_sent_at"]],
            t("alert_ui_col_last_error"): [e or "—" for e in listed["last_error"]],
        })
        st.dataframe(shown, hide_index=True, key="alert_channels_table")
    everything = {c.channel_id: c for c in alerts.channels(con)}
    options = [NEW, *everything]
    # the options' words worked out in this run (a widget's labels may be asked for outside it)
    picked = {NEW: t("alert_ui_new"), **{i: c.name for i, c in everything.items()}}
    pick = st.selectbox(t("alert_ui_pick"), options, key="alert_pick",
                        format_func=picked.__getitem__)
    old = everything.get(pick)
    kinds = list(alerts.CHANNEL_KINDS)
    kind_words = {k: alerts.kind_name(k, lang()) for k in kinds}
    kind = st.selectbox(t("alert_ui_col_kind"), kinds, key=f"alert_kind_{pick}",
                        index=kinds.index(old.kind) if old else 0,
                        format_func=kind_words.__getitem__)
    _channel_form(pick, old, kind)
    if old is not None:
        _channel_buttons(store, old)


def _channel_form(pick: int, old: alerts.Channel | None, kind: str) -> None:
    """The channel's fields; saved by `_save` (the widgets' keys: FIELDS)."""
    shown = old.masked() if old else {}
    with st.form(f"alert_channel_form_{pick}", border=True):
        st.text_input(t("alert_ui_col_name"), value=old.name if old else "",
                      max_chars=80, key=f"alert_name_{pick}")
        if kind == "email":
            securities = list(alerts.SECURITIES)
            security_words = {x: t(alerts.SECURITY_LABELS[x]) for x in securities}
            st.text_input(t("alert_ui_smtp_host"),
                          value=(old.smtp_host or "") if old else "",
                          key=f"alert_host_{pick}")
            st.selectbox(
                t("alert_ui_smtp_security"), securities, key=f"alert_security_{pick}",
                index=securities.index(old.smtp_security) if old and old.smtp_security else 0,
                format_func=security_words.__getitem__)
            st.number_input(
                t("alert_ui_smtp_port"), min_value=0, max_value=65535, step=1,
                value=int(old.smtp_port or 0) if old else 0, key=f"alert_port_{pick}",
                help=t("alert_ui_smtp_port_help"))
            st.text_input(t("alert_ui_smtp_user"),
                          value=(old.smtp_user or "") if old else "",
                          key=f"alert_user_{pick}")
            st.text_input(
                t("alert_ui_smtp_password"), type="password", key=f"alert_secret_{pick}",
                placeholder=shown.get("secret") or "", help=t("alert_ui_secret_help"))
            st.text_input(t("alert_ui_sender"),
                          value=(old.sender or "") if old else "",
                          key=f"alert_sender_{pick}")
            st.text_area(t("alert_ui_recipients"),
                         value=(old.recipients or "") if old else "",
                         key=f"alert_recipients_{pick}",
                         help=t("alert_ui_addresses_help"))
        else:
            st.text_input(
                t("alert_ui_url"), type="password", key=f"alert_url_{pick}",
                placeholder=shown.get("url") or "", help=t("alert_ui_url_help"))
            if kind == "dingtalk":
                st.text_input(
                    t("alert_ui_dingtalk_secret"), type="password", key=f"alert_secret_{pick}",
                    placeholder=shown.get("secret") or "", help=t("alert_ui_dingtalk_help"))
        st.number_input(
            t("alert_ui_col_quiet"), min_value=0, max_value=7 * 24 * 60, step=5,
            value=old.quiet_minutes if old else alerts.DEFAULT_QUIET_MINUTES,
            key=f"alert_quiet_{pick}", help=t("alert_ui_quiet_help"))
        langs = ["zh", "en"]
        st.selectbox(t("alert_ui_lang"), langs, key=f"alert_lang_{pick}",
                     index=langs.index(old.lang if old else lang()),
                     format_func={"zh": "中文", "en": "English"}.__getitem__)
        st.checkbox(t("alert_ui_enabled"), value=old.enabled if old else True,
                    key=f"alert_enabled_{pick}")
        st.form_submit_button(t("alert_ui_save"), type="primary", icon=":material/save:",
                    on_click=_save, args=(pick, None if old is None else
                    old.channel_id, kind))
    flash = st.session_state.pop("alert_flash", None)
    if flash and flash[0] == "ok":
        st.success(flash[1], icon=":material/check:")
    elif flash:
        st.error(flash[1], icon=":material/error:")


# a channel's field -> its widget's key (`alert_<short>_<pick>`)
FIELDS = {"name": "name", "smtp_host": "host", "smtp_security": "security", "smtp_port": "port",
          "smtp_user": "user", "secret": "secret", "sender": "sender",
          "recipients": "recipients", "url": "url", "quiet_minutes": "quiet", "lang": "lang",
          "enabled": "enabled"}


def _save(pick: int, channel_id: int | None, kind: str) -> None:
    """The channel form's save (run before the page, so that the form can be emptied of the
    secrets typed and a new channel picked): the outcome is told by the next run."""
    state = st.session_state
    values: dict[str, Any] = {"kind": kind}
    for field, short in FIELDS.items():
        if f"alert_{short}_{pick}" in state:
            values[field] = state[f"alert_{short}_{pick}"]
    if "smtp_port" in values:
        values["smtp_port"] = int(values["smtp_port"] or 0) or None
    values["quiet_minutes"] = int(values.get("quiet_minutes", alerts.DEFAULT_QUIET_MINUTES))
    try:
        saved = alerts.save_channel(get_store(), values, _by(), role(), channel_id)
    except (alerts.ChannelError, NotAllowed) as exc:
        state["alert_flash"] = ("error", refusal_text(exc))
        return
    except FAULTS as exc:
        state["alert_flash"] = ("error", fault_text(exc))
        return
    for short in ("url", "secret"):             # a secret typed is not kept in the page
        state.pop(f"alert_{short}_{pick}", None)
    if channel_id is None:
        for short in (*FIELDS.values(), "kind"):
            state.pop(f"alert_{short}_{NEW}", None)
        state["alert_pick"] = saved
    state["alert_flash"] = ("ok", t("alert_ui_saved"))


def _channel_buttons(store: Any, ch: alerts.Channel) -> None:
    left, right = st.columns(2)
    if left.button(t("alert_ui_test"), icon=":material/send:", key=f"alert_test_{ch.channel_id}"):
        with store_errors():
            result = alerts.test_channel(store, ch.channel_id, role())
            if result.ok:
                st.success(t("alert_ui_test_ok"), icon=":material/check:")
            else:
                st.error(t("alert_ui_test_failed"), icon=":material/error:")
                st.text(result.error or "")
    if right.button(t("alert_ui_delete"), icon=":material/delete:",
                    key=f"alert_delete_{ch.channel_id}"):
        with store_errors():
            alerts.delete_channel(store, ch.channel_id, role())
            st.session_state.pop("alert_pick", None)
            st.rerun()


# ---------------------------------------------------------------------------------------------
# Rules


def _rules(store: Any) -> None:
    st.markdown(f"**{t('alert_ui_rules')}**")
    st.caption(t("alert_ui_rules_help"))
    current = alerts.rule_settings(store.cursor())
    rules = list(alerts.RULES)
    frame = pd.DataFrame({
        "rule": [alerts.rule_name(r, lang()) for r in rules],
        "enabled": [current[r].enabled for r in rules],
        # a number column even where no rule has a threshold: an empty cell, never "None"
        "threshold": pd.Series([current[r].threshold for r in rules], dtype="Float64"),
    })
    edited = st.data_editor(frame, hide_index=True, key="alert_rules_editor", disabled=["rule"],
                            column_config={
                                "rule": st.column_config.TextColumn(t("alert_ui_col_rule")),
                                "enabled": st.column_config.CheckboxColumn(t("alert_ui_col_enabled")),
                                "threshold": st.column_config.NumberColumn(
                                    t("alert_ui_col_threshold"), min_value=0, step=1,
                                    help=t("alert_ui_threshold_help")),
                            })
    if st.button(t("alert_ui_save_rules"), icon=":material/save:", key="alert_rules_save"):
        values = {r: (bool(e), None if alerts.RULES[r] is None or pd.isna(x) else float(x))
                  for r, e, x in zip(rules, edited["enabled"], edited["threshold"], strict=True)}
        with store_errors():
            try:
                alerts.save_rules(store, values, _by(), role())
            except (alerts.ChannelError, NotAllowed) as exc:
                _refused(exc)
                return
            st.success(t("alert_ui_saved"), icon=":material/check:")


# ---------------------------------------------------------------------------------------------
# The daily report


def _daily_report(store: Any) -> None:
    st.markdown(f"**{t('alert_ui_report')}**")
    st.caption(t("alert_ui_report_help"))
    con = store.cursor()
    opts = alerts.options(con)
    mail = [c for c in alerts.channels(con) if c.kind == "email"]
    choices = [None, *(c.channel_id for c in mail)]
    names = {None: t("alert_ui_first_email"), **{c.channel_id: c.name for c in mail}}
    with st.form("alert_report_form", border=True):
        enabled = st.checkbox(t("alert_ui_report_enabled"), value=bool(opts["report_enabled"]),
                              key="alert_report_enabled")
        hour = st.number_input(t("alert_ui_report_hour"), min_value=0, max_value=23, step=1,
                              value=int(opts["report_hour"]), key="alert_report_hour")
        chosen = st.selectbox(t("alert_ui_report_channel"), choices, key="alert_report_channel",
                              index=choices.index(opts["report_channel"])
                              if opts["report_channel"] in choices else 0,
                              format_func=names.__getitem__)
        league = st.text_area(t("alert_ui_league_addresses"), value=opts["league_addresses"],
                              key="alert_league_addresses", help=t("alert_ui_addresses_help"))
        shops = report_shops(con)
        to = alerts.report_addresses(con)
        per_shop = pd.DataFrame({
            "shop": [shop_label(s, p) for p, s in zip(shops["platform"], shops["shop"],
                              strict=True)],
            "platform": [platform_label(p) for p in shops["platform"]],
            "addresses": [", ".join(to.get((p, s), [])) for p, s in
                          zip(shops["platform"], shops["shop"], strict=True)],
        })
        edited = st.data_editor(per_shop, hide_index=True, key="alert_report_addresses",
                              disabled=["shop", "platform"], column_config={
                              "shop": st.column_config.TextColumn(t("col_shop")),
                              "platform": st.column_config.TextColumn(t("col_platform")),
                              "addresses": st.column_config.TextColumn(
                                        t("alert_ui_recipients"),
                                        help=t("alert_ui_addresses_help")),
                                })
        saved = st.form_submit_button(t("alert_ui_save"), icon=":material/save:")
    if not saved:
        return
    with store_errors():
        try:
            alerts.save_options(store, {"report_enabled": enabled, "report_hour": int(hour),
                                        "report_channel": chosen, "league_addresses": league},
                                _by(), role())
            for (p, s), text in zip(zip(shops["platform"], shops["shop"], strict=True),
                                    edited["addresses"], strict=True):
                if ", ".join(to.get((p, s), [])) != (text or ""):
                    alerts.save_report_addresses(store, p, s, text or "", _by(), role())
        except (alerts.ChannelError, NotAllowed) as exc:
            _refused(exc)
            return
        st.success(t("alert_ui_saved"), icon=":material/check:")
