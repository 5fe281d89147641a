"""Users: the desk's accounts — add, change roles, disable, reset passwords, map SSO e-mails.
Shown to managers only; every change is checked again in pipeline/accounts/users.py."""

import streamlit as st

from pipeline.accounts import users
from pipeline.base.roles import ROLES, NotAllowed, may
from ui.actor import role
from ui.auth import page_guard, sso_configured
from ui.data import get_store
from ui.errors import refusal_text
from ui.i18n import t
from ui.safe import md_escape

page_guard()  # behind the sign-in even when reached without app.py
st.title(t("page_users"))
if not may(role(), "users"):  # not in the navigation for other roles; refused if reached
    st.error(t("auth_not_allowed"), icon=":material/block:")
    st.stop()
st.caption(t("usr_intro"))
store = get_store()
st.info(t("usr_sso_on") if sso_configured() else t("usr_sso_off"), icon=":material/key:")
if flash := st.session_state.pop("usr_flash", None):
    st.success(md_escape(flash), icon=":material/check:")


def done(message: str) -> None:
    st.session_state["usr_flash"] = message
    st.rerun()


def role_label(r: str) -> str:
    return t("role_" + r)


accounts = users.list_users(store.cursor())
st.subheader(t("usr_list"))
if accounts.empty:
    st.caption(t("usr_none"))
else:
    shown = accounts.assign(role=accounts["role"].map(role_label))
    st.dataframe(shown, hide_index=True, key="usr_table",
                 column_config={c: st.column_config.Column(t(f"usr_col_{c}"))
                                for c in shown.columns})

try:
    st.subheader(t("usr_add"))
    with st.form("usr_add_form", clear_on_submit=True):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("usr_name"), key="usr_new_name", max_chars=users.MAX_NAME)
        new_role = c2.selectbox(t("usr_role"), ROLES, index=1, key="usr_new_role",
                                format_func=role_label)
        c3, c4 = st.columns(2)
        password = c3.text_input(t("usr_password"), type="password", key="usr_new_password")
        again = c4.text_input(t("usr_password_again"), type="password", key="usr_new_again")
        email = st.text_input(t("usr_email"), key="usr_new_email")
        added = st.form_submit_button(t("usr_add_button"), type="primary",
                                      icon=":material/person_add:")
    if added:
        if password != again:
            st.error(t("usr_mismatch"), icon=":material/error:")
        else:
            user = users.add_user(store, name, new_role, password or None,
                                  by=st.session_state.get("actor") or "app", sso_email=email or None,
                                  actor_role=role())
            done(t("usr_added").format(name=user.name))

    if not accounts.empty:
        st.subheader(t("usr_change"))
        target = st.selectbox(t("usr_pick"), accounts["name"].tolist(), key="usr_target")
        row = accounts.set_index("name").loc[target]
        c1, c2 = st.columns(2)
        with c1.form("usr_role_form"):
            picked = st.selectbox(t("usr_role"), ROLES, index=ROLES.index(row["role"]),
                                  key="usr_set_role_pick", format_func=role_label)
            if st.form_submit_button(t("usr_set_role")):
                users.set_role(store, target, picked, actor_role=role())
                done(t("usr_done"))
        with c2.form("usr_email_form"):
            mapped = st.text_input(t("usr_email"), value=row["sso_email"] or "",
                                   key="usr_map_email")
            if st.form_submit_button(t("usr_map")):
                users.set_sso_email(store, target, mapped or None, actor_role=role())
                done(t("usr_done"))
        with c1.form("usr_reset_form", clear_on_submit=True):
            fresh = st.text_input(t("usr_password"), type="password", key="usr_reset_password")
            fresh_again = st.text_input(t("usr_password_again"), type="password",
                                        key="usr_reset_again")
            if st.form_submit_button(t("usr_reset")):
                if fresh != fresh_again:
                    st.error(t("usr_mismatch"), icon=":material/error:")
                else:
                    users.reset_password(store, target, fresh, actor_role=role())
                    done(t("usr_done"))
        disabled = bool(row["disabled"])
        if c2.button(t("usr_enable") if disabled else t("usr_disable"), key="usr_toggle",
                     icon=":material/person_off:"):
            users.set_disabled(store, target, not disabled, actor_role=role())
            done(t("usr_done"))
except (users.UserError, NotAllowed) as exc:
    st.error(refusal_text(exc), icon=":material/error:")
