"""Settings: the time rules' parameters, kept in the store, with their defaults and a reset;
the couriers, the courier rules and the message and note rules (DESIGN §12)."""

import re
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from pipeline.base.roles import may
from pipeline.db.settings import DEFAULTS, get_settings, valid_currency
from pipeline.desk.sla import restore_defaults, update_settings
from ui.actor import role
from ui.alerts import alerts_section
from ui.auth import page_guard, signed_in_name
from ui.courier_rules import courier_rules_section
from ui.data import get_store
from ui.errors import store_errors
from ui.i18n import t
from ui.message_rules import message_rules_section

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_settings"))
st.caption(t("set_intro"))
store = get_store()
current = get_settings(store.cursor())

HOURS = ("chase_unpaid_hours", "ship_paid_hours", "due_soon_hours",
         "aftersales_answer_hours", "aftersales_receive_hours")
WARROOM = ("forecast_rate_hours", "orders_per_packer_hour", "alert_runout_hours",
           "alert_breach_orders", "alert_intake_off_pct")


def shown(value: object) -> str:
    """A setting's value as text; an unset currency reads as what it means, a rules table as
    how many rules it holds, a list of couriers as the names."""
    if value is None:
        return t("set_currency_auto")
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return t("set_rules_count").format(n=len(value))
    if isinstance(value, list):
        return "、".join(map(str, value)) or t("set_none")
    return str(value) if value != "" else t("set_none")


def courier_names(text: str) -> list[str]:
    """Couriers typed in one field, separated by commas (either width), 、 or ;, each once."""
    names = (n.strip() for n in re.split(r"[,，、;；\n]", text))
    return list(dict.fromkeys(n for n in names if n))


def default_help(key: str) -> str:
    return t("set_default").format(v=shown(DEFAULTS[key]))


allowed = may(role(), "settings")
if not allowed:
    st.caption(t("auth_not_allowed"))
with st.form("settings_form"):
    values = {}
    for key in HOURS:
        values[key] = st.number_input(t(f"set_{key}"), min_value=0.0, max_value=24.0 * 90,
                                      value=float(current[key]), step=1.0, key=f"set_{key}",
                                      format="%g", help=default_help(key))
    zones = sorted(available_timezones())
    values["timezone"] = st.selectbox(
        t("set_timezone"), zones, index=zones.index(current["timezone"]), key="set_timezone",
        help=f"{default_help('timezone')} — {t('set_timezone_help')}")
    values["confirmed_tag"] = st.text_input(t("set_confirmed_tag"), value=current["confirmed_tag"],
                                            key="set_confirmed_tag",
                                            help=default_help("confirmed_tag")).strip()
    values["batch_size"] = st.number_input(t("set_batch_size"), min_value=1, max_value=10000,
                                           value=int(current["batch_size"]), step=1,
                                           key="set_batch_size", help=default_help("batch_size"))
    values["currency"] = st.text_input(
        t("set_currency"), value=current["currency"] or "", max_chars=3, key="set_currency",
        placeholder=t("set_currency_auto"),
        help=f"{default_help('currency')} — {t('set_currency_help')}").strip().upper() or None
    values["couriers_used"] = courier_names(st.text_input(
        t("set_couriers_used"), value="、".join(current["couriers_used"]), key="set_couriers_used",
        placeholder=t("set_couriers_any"), help=t("set_couriers_used_help")))
    values["default_courier"] = st.text_input(
        t("set_default_courier"), value=current["default_courier"], key="set_default_courier",
        placeholder=t("set_none"), help=t("set_default_courier_help")).strip()
    values["session_idle_minutes"] = st.number_input(
        t("set_session_idle_minutes"), min_value=5, max_value=7 * 24 * 60,
        value=int(current["session_idle_minutes"]), step=5, key="set_session_idle_minutes",
        help=default_help("session_idle_minutes"))
    values["inbox_dir"] = st.text_input(
        t("set_inbox_dir"), value=current["inbox_dir"], key="set_inbox_dir",
        help=default_help("inbox_dir")).strip() or DEFAULTS["inbox_dir"]
    st.markdown(t("set_warroom"))
    for key in WARROOM:
        values[key] = st.number_input(t(f"set_{key}"), min_value=0.0, max_value=10000.0,
                                      value=float(current[key]), step=1.0, key=f"set_{key}",
                                      format="%g", help=default_help(key))
    by = signed_in_name() or st.text_input(t("set_by"), value=t("set_by_default"), key="set_by")
    saved = st.form_submit_button(t("set_save"), type="primary", icon=":material/save:",
                                  disabled=not allowed)

if saved and values["currency"] is not None and not valid_currency(values["currency"]):
    st.error(t("set_currency_invalid"), icon=":material/error:")
elif saved:
    # Whole hours stay integers in the store, as the defaults are.
    clean = {k: (int(v) if k in HOURS + WARROOM and float(v).is_integer() else v)
             for k, v in values.items()}
    if not clean["confirmed_tag"]:
        clean["confirmed_tag"] = current["confirmed_tag"]
    with store_errors():
        changed = update_settings(store, clean, by or "desk", role=role())
        st.success(t("set_saved") if changed else t("set_unchanged"), icon=":material/check:")
        current = get_settings(store.cursor())

if st.button(t("set_reset"), icon=":material/restart_alt:", key="set_reset_button",
             disabled=not allowed):
    with store_errors() as reset:
        restore_defaults(store, role=role())
    if not reset.failed:
        for key in DEFAULTS:
            st.session_state.pop(f"set_{key}", None)
        st.session_state["set_flash"] = t("set_reset_done")
        st.rerun()

if flash := st.session_state.pop("set_flash", None):
    st.success(flash, icon=":material/check:")

st.subheader(t("set_current"))
st.dataframe(pd.DataFrame({
    t("set_key"): [t(f"set_{k}") for k in DEFAULTS],
    t("set_value"): [shown(current[k]) for k in DEFAULTS],
    t("set_default_col"): [shown(v) for v in DEFAULTS.values()],
}), hide_index=True, key="set_table")

st.divider()
courier_rules_section()
st.divider()
message_rules_section()
st.divider()
alerts_section()
