"""After-sales 售后 (DESIGN §11): the refund, return and exchange cases the shop must answer before
the platform decides for it, most urgent first; a case opens with its order, history and the
desk's actions; the reasons read as a signal about products.

Evaluated now, to the minute. The cards refresh every minute on their own (a fragment); the
list takes the current minute on every interaction, so an open case is never closed.
"""

import streamlit as st

from pipeline.base.filters import ALL
from pipeline.base.labels import label
from pipeline.desk import aftersales, money, promo
from ui.aftersales import (
    LIST_ROWS,
    SELLER,
    case_figures,
    case_list,
    case_options,
    case_table,
    cases_text,
    export_frame,
    filter_cases,
    kpi_cards,
    missed_view,
    open_now,
    open_pending_case,
    promo_view,
    read_value_word,
    reasons_view,
    show_case_flash,
)
from ui.auth import page_guard, signed_in
from ui.case_words import status_word, type_word
from ui.charts import CHART_CONFIG, paired_bar, ranked_bar, weekly_bar
from ui.data import demo_banner, desk_minute, filters, query, shop_label
from ui.downloads import download_buttons
from ui.fmt import fmt_money
from ui.i18n import lang, t, tc
from ui.layout import metric_grid

TOP = 15   # values drawn in a reading chart; the table holds them all
READ_FIRST = ["reason", "sku"]   # the reading's first choices, then the rest


@st.fragment(run_every=60)
@signed_in
def live_cards(f, currency: str) -> None:
    """Awaiting the seller, overdue, due soon, answered, missed this week, refunded: as of
    this minute."""
    kpi_cards(metric_grid("aftersales", 3), query(case_figures, f, desk_minute()), currency)


def cases_view(f, as_of, currency: str, language: str) -> None:
    """The cards, the filters and the cases most urgent first; a click opens the case."""
    live_cards(f, currency)
    opts = query(case_options, f, as_of)
    c0, c1, c2, c3 = st.columns([2, 3, 2, 2])   # the statuses' chips need the widest
    shop_names = {s: shop_label(s) for s in opts["shops"]}   # name · platform, worked out now
    no_reason = t("as_no_reason")
    shops = c0.multiselect(t("as_filter_shop"), opts["shops"], key="as_shop",
                           placeholder=t("all"), format_func=shop_names.get)
    # a chip keeps the words it was chosen in: each language has its own status, type and
    # reason filters
    statuses = c1.multiselect(
        t("as_filter_status"), opts["statuses"], default=list(SELLER),
        key=f"as_status_{language}", placeholder=t("all"),
        format_func=lambda s: status_word(None if s == "unknown" else s, None, language))
    types = c2.multiselect(t("as_filter_type"), opts["types"], key=f"as_type_{language}",
                           placeholder=t("all"), format_func=lambda v: type_word(v, language))
    reasons = c3.multiselect(t("as_filter_reason"), opts["reasons"], key=f"as_reason_{language}",
                             placeholder=t("all"), format_func=lambda r: r or no_reason)
    choice = tuple(shops), tuple(statuses), tuple(types), tuple(reasons)
    n, keyed, columns = query(case_list, f, as_of, *choice, language)
    if not n:
        st.info(t("as_nothing_listed"), icon=":material/info:")
        return
    if n > LIST_ROWS:
        st.caption(t("od_rows_capped").format(n=LIST_ROWS))
    st.caption(t("as_pick_hint"), help=f"{t('as_now_help')}\n\n{t('as_source_help')}")
    case_table(keyed, f"as_table_{as_of:%Y%m%d%H%M}", columns)
    board = query(aftersales.case_board, f, as_of)   # the whole list, built when downloaded
    download_buttons(lambda: export_frame(filter_cases(board, *choice), language),
                     f"aftersales_{as_of:%Y%m%d_%H%M}", "as_dl")


def reading_view(f, as_of, currency: str, language: str) -> None:
    """Cases and refunds per value, a promotion against its baseline, time to answer, the
    money missed per week."""
    by = st.segmented_control(t("as_read_by"), READ_FIRST + [
                                  b for b in aftersales.READ_BY if b not in READ_FIRST],
                              default="reason",
                              required=True, key="as_read_by",
                              format_func=lambda b: label(f"as_by_{b}", language))
    st.caption(t("as_read_dates"))
    table = query(aftersales.reasons_table, f, by)
    if table.empty:
        st.info(t("as_none_in_filters"), icon=":material/info:")
        return
    top = table.head(TOP)
    names = [read_value_word(by, v, language) for v in top[by]]
    refunded = [f"{t('as_read_refunded')} {fmt_money(v, currency)}" for v in top["refunded"]]
    if len(table) > TOP:
        st.caption(t("as_read_top").format(n=TOP))
    st.plotly_chart(ranked_bar(names, top["cases"], refunded), key="as_read_chart",
                    config=CHART_CONFIG)
    shown = reasons_view(table, by, currency, language)
    st.dataframe(shown, hide_index=True, key="as_read_table")
    if by == "sku":
        st.caption(t("as_read_rate_help"))
    download_buttons(shown, f"aftersales_by_{by}", "as_read_dl")

    st.subheader(t("as_read_promo"))
    periods = query(promo.periods)
    if periods.empty:
        st.caption(t("as_read_promo_none"))
    else:
        names = periods["name"].tolist()
        current = query(promo.default_period, as_of)
        name = st.selectbox(t("as_read_promo_pick"), names, key="as_promo",
                            index=names.index(current[0]) if current else 0,
                            help=t("as_read_promo_help"))
        vs = query(aftersales.promo_reasons, name, f, as_of)
        if vs.empty:
            st.caption(t("as_read_promo_empty"))
        else:
            shown_vs = vs.head(TOP)
            st.plotly_chart(paired_bar(
                [read_value_word("reason", r, language) for r in shown_vs["reason"]],
                shown_vs["rate"] * 100, shown_vs["baseline_rate"] * 100,
                {"period": t("as_read_period"), "baseline": t("as_read_baseline")},
                t("as_read_per_100")), key="as_promo_chart", config=CHART_CONFIG)
            st.dataframe(promo_view(vs, language), hide_index=True, key="as_promo_table")

    left, right = st.columns(2)
    with left:
        st.subheader(t("as_read_answer"))
        times = query(aftersales.answer_times, f)
        if not times["answered"]:
            st.caption(t("as_read_no_answers"))
        else:
            st.metric(t("as_read_median"),
                      t("as_read_hours").format(h=f"{times['median_hours']:.1f}"), border=True,
                      help=t("as_read_answered_help").format(n=times["answered"]))
            weeks = times["weeks"]
            st.plotly_chart(weekly_bar(weeks["week"], weeks["median_hours"].round(1),
                                       t("as_read_median_hours")),
                            key="as_answer_chart", config=CHART_CONFIG)
    with right:
        st.subheader(t("as_read_missed"))
        missed = query(aftersales.missed_by_week, f)
        if not missed["cases"].sum():
            st.caption(t("as_read_missed_none"))
        else:
            st.caption(t("as_read_missed_help"))
            amount = t("money_in_currency").format(label=t("as_read_missed_amount"),
                                                   currency=currency)
            st.plotly_chart(weekly_bar(missed["week"], missed["amount"].round(2), amount,
                                       [cases_text(int(n)) for n in missed["cases"]]),
                            key="as_missed_chart", config=CHART_CONFIG)
            shown_missed = missed_view(missed, currency, language)
            st.dataframe(shown_missed, hide_index=True, key="as_missed_table")
            download_buttons(shown_missed, "aftersales_missed_by_week", "as_missed_dl")


page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_aftersales"))
demo_banner()
show_case_flash()
f = filters()
as_of = desk_minute()
if query(aftersales.case_board, ALL, as_of).empty:
    st.info(t("as_none"), icon=":material/info:")
    st.stop()
open_pending_case()   # a case asked for from an order's detail
currency = query(money.money_currency, f)
language = lang()   # bound now: formatting must not depend on the session later
st.caption(f"{tc('od_as_of')}{as_of:%Y-%m-%d %H:%M}")
view = st.segmented_control(t("as_view"), ["cases", "reading"], default="cases", required=True,
                            key="as_view", format_func=lambda v: label(f"as_view_{v}", language))
if view == "reading":
    reading_view(f, as_of, currency, language)
else:
    cases_view(open_now(f), as_of, currency, language)
