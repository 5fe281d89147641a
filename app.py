"""Order Desk: the frame and router. Global filters in the sidebar; pages do the rest."""

from dataclasses import replace

import streamlit as st

from pipeline.labels import LANGS
from pipeline.money import currencies
from ui.core import filter_options, filters, get_store, query, t
from ui.warroom import alert_banner

st.set_page_config(page_title="Order Desk 订单台", page_icon="📦",
                   layout="wide")

# The navigation first: the sidebar shows the pages' titles while the store opens.
pages = [
    st.Page("pages/overview.py", title=t("page_overview"), icon=":material/dashboard:",
            default=True),
    st.Page("pages/import.py", title=t("page_import"), icon=":material/upload_file:"),
    st.Page("pages/promotions.py", title=t("page_promotions"), icon=":material/campaign:"),
    st.Page("pages/stock.py", title=t("page_stock"), icon=":material/inventory:"),
    st.Page("pages/overdue.py", title=t("page_overdue"), icon=":material/alarm:"),
    st.Page("pages/queue.py", title=t("page_queue"), icon=":material/checklist:"),
    st.Page("pages/warroom.py", title=t("page_warroom"), icon=":material/crisis_alert:"),
    st.Page("pages/settings.py", title=t("page_settings"), icon=":material/tune:"),
]
page = st.navigation(pages)

get_store()

with st.sidebar:
    st.segmented_control(t("language"), LANGS, default="zh", key="lang", required=True,
                         format_func=lambda x: {"zh": "中文", "en": "English"}[x],
                         persist_state="session")
    opts = query(filter_options)
    st.subheader(t("filters"))
    if opts["min"] is not None:
        st.date_input(t("date_range"), value=(opts["min"], opts["max"]), key="f_dates",
                      persist_state="session")
    st.multiselect(t("shop"), opts["shops"], key="f_shops", placeholder=t("all"),
                   format_func=lambda s: s or "—", persist_state="session")
    st.multiselect(t("platform"), opts["platforms"], key="f_platforms", placeholder=t("all"),
                   persist_state="session")
    # Money is shown in one currency at a time, the desk's first; offered when the orders in
    # the filters have several.
    money = query(currencies, replace(filters(), currency=None))
    if len(money) > 1:
        st.selectbox(t("money_currency"), money, key="f_currency", persist_state="session",
                     help=t("money_currency_help"))

alert_banner()
page.run()
