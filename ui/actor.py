"""Who acts: every action is recorded with its author and the author's role.

Signed in (ui/auth.py), the author is the signed-in user and no name is asked. In open local
mode (no account yet, this machine only) the author is the name typed once per browser
session into a small field; it is kept in `st.session_state["actor"]` and in the page address
(`?by=NAME`), so a reload keeps it. The role is `role()`: the signed-in user's, else manager.
"""

from __future__ import annotations

import streamlit as st

from ui.auth import current_role, keep_open_name, signed_in_name
from ui.i18n import t, tc
from ui.safe import md_escape

SESSION_KEY = "actor"
QUERY_KEY = "by"


def actor(key: str = "actor_input") -> str | None:
    """The name to record actions under; shows a small name field when none is known yet.

    `key` names the field: use a different one where two fields can show in one run
    (a page and a dialog on top of it).
    """
    user = signed_in_name()
    if user:
        st.caption(f"{tc('acting_as')}{md_escape(user)}")
        return user
    name = keep_open_name()   # the session's, or the address's after a reload
    if st.session_state.get(key) != name:
        st.session_state[key] = name
    st.text_input(t("your_name"), key=key, on_change=_remember, args=(key,),
                  placeholder=t("your_name_placeholder"), max_chars=40, icon=":material/badge:")
    return name or None


def role() -> str:
    """The role the acting person's work is checked against."""
    return current_role()


def _remember(key: str) -> None:
    name = (st.session_state.get(key) or "").strip()
    st.session_state[SESSION_KEY] = name
    if name:
        st.query_params[QUERY_KEY] = name
    else:
        st.query_params.pop(QUERY_KEY, None)
