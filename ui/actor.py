"""Who acts: every action is recorded with its author.

Today the author is the name a manager enters once per browser session (kept in
`st.session_state["actor"]`, shown again wherever an action needs it). When login is
configured (`[auth]` in `.streamlit/secrets.toml`, see Streamlit's `st.login`), the logged-in
user wins: `_logged_in_name()` is the hook, and the name field is then not shown.
"""

from __future__ import annotations

import streamlit as st

from ui.core import t

SESSION_KEY = "actor"


def actor(key: str = "actor_input") -> str | None:
    """The name to record actions under; shows a small name field when none is known yet.

    `key` names the field: use a different one where two fields can show in one run
    (a page and a dialog on top of it).
    """
    user = _logged_in_name()
    if user:
        st.caption(f"{t('acting_as')}: {user}")
        return user
    name = (st.session_state.get(SESSION_KEY) or "").strip()
    if st.session_state.get(key) != name:
        st.session_state[key] = name
    st.text_input(t("your_name"), key=key, on_change=_remember, args=(key,),
                  placeholder=t("your_name_placeholder"), max_chars=40, icon=":material/badge:")
    return name or None


def _remember(key: str) -> None:
    st.session_state[SESSION_KEY] = (st.session_state.get(key) or "").strip()


def _logged_in_name() -> str | None:
    """The logged-in user's name or e-mail when login is configured, else None."""
    try:
        if not st.user.get("is_logged_in"):
            return None
    except Exception:  # no auth configured: st.user holds nothing useful
        return None
    return st.user.get("name") or st.user.get("email") or None
