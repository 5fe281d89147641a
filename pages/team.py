"""Team: who did what this week — actions per person per day and hour, undos, problems resolved
and how long they took, payment to processed and to shipped; the orders behind each number."""

import streamlit as st

from pipeline.desk import team
from pipeline.outputs.export import csv_bytes
from ui.auth import page_guard
from ui.charts import CHART_CONFIG
from ui.data import desk_now, filters, query, shop_label
from ui.i18n import lang, t
from ui.order_dialog import open_order_dialog, order_table
from ui.team import actions_chart, behind_columns, behind_view, figure_label, figures, labelled

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_team"))
st.caption(t("team_intro"))
f = filters()
picked = st.date_input(t("team_week"), value=team.week_of(desk_now().date()),
                       key="team_week")
week = team.week_of(picked)
events = query(team.week_events, week, f)
if events.empty:
    st.info(t("team_none"), icon=":material/info:")
    st.stop()

view = st.segmented_control(t("team_view"), ["day", "hour"], default="day", key="team_view",
                            required=True, format_func=lambda v: t(f"team_view_{v}"))
per = query(team.actions_per_day if view == "day" else team.actions_per_hour, week, f)
st.subheader(t("team_by_day") if view == "day" else t("team_by_hour"))
st.plotly_chart(actions_chart(per, view, {"day": t("team_col_day"), "hour": t("team_col_hour"),
                                          "actions": t("team_col_actions")}),
                key="team_chart", config=CHART_CONFIG)

st.subheader(t("team_people"))
people = query(team.people, week, f)
st.dataframe(labelled(people), hide_index=True, key="team_people_table")

st.subheader(t("team_resolved"))
st.caption(t("team_resolved_note"))
st.dataframe(labelled(query(team.resolved_summary, week, f)), hide_index=True,
             key="team_resolved_table")

st.subheader(t("team_fulfil"))
st.caption(t("team_fulfil_note"))
fulfil = query(team.fulfil_summary, week, f)
st.dataframe(labelled(fulfil.assign(shop=fulfil["shop"].map(shop_label))), hide_index=True,
             key="team_fulfil_table")

st.subheader(t("team_orders"))
# keyed by the language: the widget keeps its choice as the words shown, which another
# language would leave on screen untranslated
figure = st.selectbox(t("team_pick"), figures(people, fulfil), key=f"team_pick_{lang()}",
                      format_func=figure_label)
if figure:
    what, author, shop, _ = figure
    rows = query(team.behind, week, what, author, f, shop)
    keys = order_table(behind_view(rows, what), "team_behind", columns=behind_columns(what),
                       multi=False)
    if keys:
        open_order_dialog(*keys[0])

st.download_button(t("team_download"), csv_bytes(labelled(events)), f"team_{week}.csv",
                   "text/csv", key="team_download", icon=":material/download:")
