"""Stock: which SKUs are short and which orders they block, days of cover, the whole list."""

import streamlit as st

from pipeline.desk import forecast, stock
from ui.auth import page_guard
from ui.charts import CHART_CONFIG
from ui.data import demo_banner, desk_minute, desk_settings, query
from ui.downloads import download_buttons
from ui.i18n import t, tc
from ui.layout import metric_grid
from ui.promo import cover_bar, labelled
from ui.safe import md_escape
from ui.stock import basis_caption, bundles_view, with_basis

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_stock"))
demo_banner()
if not query(stock.has_stock):
    st.info(t("stock_none"), icon=":material/info:")
    st.stop()

as_of = desk_minute()
status = query(stock.stock_status, as_of)
short = query(stock.short_skus)
in_file = status[status["in_stock_file"]]
untracked = stock.untracked_skus(status)
# the alert banner's, the War room's and report --json's count: one function
running_out = query(forecast.running_out, as_of)
within = f"{float(desk_settings()['alert_runout_hours']):g}"

grid = metric_grid("stock", 4)
grid.metric(t("stock_skus"), f"{len(in_file):,}", border=True)
grid.metric(t("stock_units"), f"{int(in_file['available'].sum()):,}", border=True)
grid.metric(t("stock_short_count"), f"{int((short['kind'] == 'sku').sum()):,}", border=True)
grid.metric(t("stock_running_out").format(within=within), f"{len(running_out):,}", border=True,
            help=t("stock_running_out_help"))
grid.metric(t("stock_sold_out"), f"{query(forecast.sold_out_skus, as_of):,}", border=True)
grid.metric(t("stock_below_safety"), f"{int(status['below_safety'].sum()):,}", border=True)
grid.metric(t("stock_untracked_count"), f"{len(untracked):,}", border=True)
st.caption(basis_caption(stock.basis_counts(status), t), help=t("stock_basis_help"))

st.subheader(t("stock_short_taken"))
if short.empty:
    st.success(t("stock_no_short_taken"), icon=":material/check_circle:")
else:
    st.dataframe(labelled(with_basis(short, t).assign(kind=short["kind"].map(
        {"sku": t("stock_kind_sku"), "bundle": t("stock_kind_set")})), t), hide_index=True, key="stock_short_table")
    download_buttons(with_basis(short, t), "short_skus", key="stock_short_dl")

if not untracked.empty:
    st.subheader(t("stock_untracked"))
    st.caption(t("stock_untracked_help"))
    st.dataframe(labelled(untracked, t), hide_index=True, key="stock_untracked_table")

bundles = query(stock.bundle_buildable)
if not bundles.empty:
    st.subheader(t("stock_bundles"))
    st.caption(t("stock_bundles_help"))
    st.dataframe(labelled(bundles_view(bundles, t), t), hide_index=True,
                 key="stock_bundles_table")

st.subheader(t("stock_cover"))
st.caption(t("stock_cover_help_taken"))
ref = query(stock.reference_promotion, as_of)
if ref:
    st.caption(f"{tc('stock_promo_ref')}{md_escape(ref[0])} ({ref[1]:%Y-%m-%d %H:%M} – {ref[2]:%Y-%m-%d %H:%M})")
st.plotly_chart(cover_bar(status, {"rate_7d": t("rate_7d"), "promo_rate": t("promo_rate"),
                                   "days": t("days")}), key="stock_cover_chart", config=CHART_CONFIG)
below = status[status["below_safety"]]
if not below.empty:
    st.subheader(t("stock_below_safety"))
    st.dataframe(labelled(below[["sku", "name", "allocatable", "open_demand", "safety_stock",
                                 "in_transit"]], t), hide_index=True, key="stock_safety_table")

st.subheader(t("stock_all"))
returned = int(status["returns_received"].sum())
if returned:   # parcels received resellable, apart from the stock export until the next one
    st.caption(t("stock_returns_caption").format(n=f"{returned:,}"))
# the returns received beside the stock they will join (after what the orders take from)
order = [c for c in status.columns if c != "returns_received"]
order.insert(order.index("allocatable") + 1, "returns_received")
st.dataframe(labelled(with_basis(status[order], t), t), hide_index=True, key="stock_all_table")
download_buttons(with_basis(status[order], t), "stock_status", key="stock_all_dl")
if st.toggle(t("stock_by_warehouse"), key="stock_show_warehouses"):
    st.dataframe(labelled(query(stock.stock_by_warehouse), t), hide_index=True,
                 key="stock_warehouse_table")
