"""The sidebar search: any order, in any shop, by id (or its last digits), buyer nick, receiver
phone (last 4 digits) or tracking number; one hit opens the order, several give a pick list."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pipeline.desk.search import clean_query, find_orders
from ui.data import query, shop_label
from ui.i18n import t
from ui.order_dialog import KEY_COLUMNS, open_order_dialog
from ui.safe import md_escape

SEARCH_KEY = "search_q"
PENDING = "search_pending"
LIMIT = 20


def search_box() -> None:
    """The search box and what it found; a new search with one hit opens that order at once."""
    st.text_input(t("search_label"), key=SEARCH_KEY, placeholder=t("search_placeholder"),
                  help=t("search_help"), on_change=_searched)
    text = clean_query(st.session_state.get(SEARCH_KEY))
    if not text:
        return
    hits = query(find_orders, text, LIMIT)
    if hits.empty:
        st.caption(t("search_none"))
        return
    if len(hits) == 1:
        key = tuple(hits.iloc[0][KEY_COLUMNS])
        if st.session_state.pop(PENDING, False):
            open_order_dialog(*key)
        st.text(pick_line(hits.iloc[0]))
        if st.button(t("q_open_order"), key="search_open", icon=":material/open_in_new:"):
            open_order_dialog(*key)
        return
    st.session_state.pop(PENDING, None)
    more = t("search_capped").format(n=LIMIT) if len(hits) >= LIMIT else ""
    st.caption(t("search_hits").format(n=len(hits)) + more)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    # one button per hit, its whole line wrapping in the narrow sidebar (a table showed the id
    # and the shop, the rest scrolled out of sight): shop, buyer, city and state tell hits apart
    for i, (_, hit) in enumerate(hits.iterrows()):
        if st.button(md_escape(pick_line(hit)), key=f"search_hit_{digest}_{i}", width="stretch"):
            open_order_dialog(*hit[KEY_COLUMNS])


def _searched() -> None:
    st.session_state[PENDING] = True


def pick_line(hit: pd.Series) -> str:
    """One hit as a line of plain text."""
    created = "—" if pd.isna(hit["created_at"]) else f"{hit['created_at']:%Y-%m-%d %H:%M}"
    state = t(hit["state"]) if isinstance(hit["state"], str) else "—"
    return (f"{hit['order_id']} · {shop_label(hit['shop'], hit['platform'])} · "
            f"{_text(hit['buyer'])} · {_text(hit['city'])} · {state} · {created}")


def _text(v) -> str:
    return v.strip() if isinstance(v, str) and v.strip() else "—"
