"""Pack (验货): scan a parcel's slip, then each item going into it; a wrong or extra item is
refused in red with a sound, the parcel is recorded packed when its last item is counted.
Works with a USB or Bluetooth scanner (it types the code and Enter), on a desktop or a phone."""

import streamlit as st

from pipeline.base.roles import may
from ui.actor import actor, role
from ui.auth import page_guard
from ui.i18n import t
from ui.pack import bench_buttons, feedback, parcel_view, scan_field, scans_view

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_pack"))
st.caption(t("pack_intro"))
if not may(role(), "packed"):
    st.info(t("pack_view_only"), icon=":material/visibility:")
    st.stop()

who = actor(key="pack_actor")
scan_field(who)        # first: what changes below never moves it, so it keeps the focus
feedback()
parcel_view()
bench_buttons(who)
scans_view()
