"""While a PostgreSQL store's database cannot be reached, a banner above every page naming it
and since when: the pages show the last data the dashboard received, actions are refused; it
goes away by itself once the database answers again (looked at every few seconds, a fragment
that, like every fragment, runs only while the session is still signed in)."""

from __future__ import annotations

import streamlit as st

from pipeline.base.labels import label
from pipeline.db.store import Store
from ui.auth import signed_in
from ui.safe import md_escape

OUTAGE_CHECK_SECONDS = 5   # how soon a banner comes and goes on a page left open


def outage_banner(store: Store) -> None:
    """On a store whose record is on a server (PostgreSQL): a banner while it cannot be reached,
    looked at again every few seconds, so that it comes and goes on a page left open."""
    if store.remote:
        _outage_watch(store)


@st.fragment(run_every=OUTAGE_CHECK_SECONDS)
@signed_in
def _outage_watch(store: Store) -> None:
    outage = store.outage()
    if outage is None:
        return
    text = label("store_unreachable_banner", st.session_state.get("lang", "zh"))
    st.warning(text.format(where=md_escape(outage.where),
                           since=f"{outage.since:%Y-%m-%d %H:%M:%S}"),
               icon=":material/cloud_off:")
