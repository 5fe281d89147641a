"""Order Desk: the frame and router. Global filters in the sidebar; pages do the rest."""

import sys
import time

STARTED = time.perf_counter()   # this run's start (ui.layout.framed logs a view's time)

import streamlit as st

if __name__ == "__main__" and not st.runtime.exists():
    # `python app.py [streamlit options]`: the first page worked out, then the app served
    # (ui/launch.py); under `streamlit run` (or a test's AppTest) the app itself runs below
    from ui.launch import serve

    raise SystemExit(serve(__file__, sys.argv[1:]))

from ui.layout import cover_file_names, framed

st.set_page_config(page_title="Order Desk 订单台", page_icon="📦",
                   layout="wide")
cover_file_names()  # before the imports below, which take a second on the first run

# ruff: noqa: E402 (the imports wait for the two calls above)
from dataclasses import replace
from pathlib import Path

from pipeline.base.labels import LANGS
from pipeline.base.roles import may
from pipeline.desk.money import currencies
from ui.auth import OPEN_ROLE, gate, sidebar_account
from ui.data import filter_options, filters, get_store, query, ready_store, shop_label
from ui.i18n import platform_label, t
from ui.inbox import inbox_watch
from ui.search import search_box
from ui.warroom import alert_banner

get_store()   # opened only: the demo shop is loaded below, once the navigation is drawn
frame = st.container()  # the sign-in form, or the open-mode banner

with st.sidebar:
    st.segmented_control(t("language"), LANGS, default="zh", key="lang", required=True,
                         format_func=lambda x: {"zh": "中文", "en": "English"}[x],
                         persist_state="session")
    user = gate(frame)  # stops here, with the sign-in form, until someone signs in

HERE = Path(__file__).resolve().parent   # pages by full path: app.py may be run from a page
pages = [
    st.Page(HERE / "pages/overview.py", title=t("page_overview"), icon=":material/dashboard:",
            default=True),
    st.Page(HERE / "pages/import.py", title=t("page_import"), icon=":material/upload_file:"),
    st.Page(HERE / "pages/promotions.py", title=t("page_promotions"), icon=":material/campaign:"),
    st.Page(HERE / "pages/stock.py", title=t("page_stock"), icon=":material/inventory:"),
    st.Page(HERE / "pages/overdue.py", title=t("page_overdue"), icon=":material/alarm:"),
    st.Page(HERE / "pages/aftersales.py", title=t("page_aftersales"),
            icon=":material/assignment_return:"),
    st.Page(HERE / "pages/queue.py", title=t("page_queue"), icon=":material/checklist:"),
    *([st.Page(HERE / "pages/pack.py", title=t("page_pack"), icon=":material/barcode_scanner:")]
      if may(user.role if user else OPEN_ROLE, "packed") else []),   # clerks and above
    st.Page(HERE / "pages/warroom.py", title=t("page_warroom"), icon=":material/crisis_alert:"),
    st.Page(HERE / "pages/settings.py", title=t("page_settings"), icon=":material/tune:"),
    st.Page(HERE / "pages/team.py", title=t("page_team"), icon=":material/groups:"),
]
if may(user.role if user else OPEN_ROLE, "users"):  # open local mode: this machine's manager
    pages.append(st.Page(HERE / "pages/users.py", title=t("page_users"),
                         icon=":material/manage_accounts:"))
page = st.navigation(pages)
ready_store()

with st.sidebar:
    sidebar_account()
    search_box()
    opts = query(filter_options)
    st.subheader(t("filters"))
    if opts["min"] is not None:
        st.date_input(t("date_range"), value=(opts["min"], opts["max"]), key="f_dates",
                      persist_state="session")
    shops = {s: shop_label(s) for s in opts["shops"]}   # name · platform (DESIGN §13)
    st.multiselect(t("shop"), sorted(shops, key=shops.get), key="f_shops", placeholder=t("all"),
                   format_func=lambda s: shops.get(s, s or "—"), persist_state="session")
    st.multiselect(t("platform"), opts["platforms"], key="f_platforms", placeholder=t("all"),
                   format_func=platform_label, persist_state="session")
    # Money is shown in one currency at a time, the desk's first; offered when the orders in
    # the filters have several.
    money = query(currencies, replace(filters(), currency=None))
    if len(money) > 1:
        st.selectbox(t("money_currency"), money, key="f_currency", persist_state="session",
                     help=t("money_currency_help"))

alert_banner()
inbox_watch()   # the inbox folder's new exports imported, every minute
with framed(page.url_path, STARTED):   # the page knows it runs inside the frame (page_guard)
    page.run()
