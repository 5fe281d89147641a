"""Who is at the desk: the sign-in gate, sessions that expire, single sign-on when configured.

- With no account in the store the desk runs open, but only when served on this machine
  (`server.address` localhost/127.0.0.1/::1); served to the network it refuses to open.
- Once an account exists everyone signs in: a name and password form, or the SSO button when
  `[auth]` is configured in `.streamlit/secrets.toml` (an e-mail mapped on the Users page).
- A session ends after the setting `session_idle_minutes` without a click, or at sign-out;
  a disabled account is signed out at its next click; the role is read again on every run.
- A password sign-in survives a reload and a new tab opened on the same address: the address
  carries a signed, expiring token (`?session=…`, pipeline/accounts/users.py `open_session`), never the
  password; it stops working at sign-out, at the idle expiry, from another client address and
  once the account is disabled. (Streamlit lets an app read cookies but not set them.)
- In open local mode the name a person gives is kept in the address (`?by=NAME`) on every
  page, so a reload, a page switch and an import keep signing with it.
"""

from __future__ import annotations

import functools
import logging
import os
import runpy
import shlex
import sys
import time
from pathlib import Path

import streamlit as st

from pipeline.accounts import users
from pipeline.base.labels import label
from pipeline.db.pg import without_password
from pipeline.db.store import DEFAULT_DB, default_db, is_database_url
from ui.data import desk_settings, get_store, handoff_notice, query
from ui.i18n import t
from ui.layout import in_frame
from ui.safe import md_escape

SESSION = "auth_user"          # {"name", "role", "seen", "sso", "token"}
NOTICE = "auth_notice"
TOKEN_PARAM = "session"        # the address's parameter holding the session's token
ACTOR = "actor"                # open mode: the name given, kept in the address as ?by=
ACTOR_PARAM = "by"
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")
OPEN_ROLE = "manager"          # open local mode: the one person at this machine
APP = Path(__file__).resolve().parent.parent / "app.py"

log = logging.getLogger(__name__)


def gate(frame) -> users.User | None:
    """Call once per run, before the navigation: the signed-in user, or None in open local mode.

    Writes into `frame` (a main-area container) the sign-in form, the open-mode banner or the
    refusal to serve the network without accounts, and stops the script unless someone may go on.
    """
    # both asked per data version (every account change is a committed write), not per run
    if not query(users.has_accounts):
        st.session_state.pop(SESSION, None)
        with frame:
            if not served_locally():
                st.error(t("auth_network_refused").format(cmd=cli_command()), icon=":material/lan:")
                no_pages()
                st.stop()
            open_banner()
            handoff_notice()
        st.session_state["actor_role"] = OPEN_ROLE
        keep_open_name()
        return None
    user = _current()
    if user is None:
        with frame:
            _sign_in_form()
        no_pages()
        st.stop()
    with frame:
        handoff_notice()    # the socket beside the store it refused to serve, said plainly
    st.session_state["actor"] = user.name
    st.session_state["actor_role"] = user.role
    return user


def no_pages() -> None:
    """The navigation while nobody may go on: no page at all. Drawing it also replaces the
    list of file names that Streamlit shows for the `pages/` folder until an app draws its
    own navigation (the first run after the server starts)."""
    st.navigation([st.Page(_nothing, title=t("auth_title"), url_path="sign-in")],
                  position="hidden")


def keep_open_name() -> str:
    """Open mode: the name given in this browser session, taken from the address after a
    reload and put back into it after a page switch (which drops the address's parameters)."""
    name = (st.session_state.get(ACTOR) or "").strip()
    if not name:
        name = (st.query_params.get(ACTOR_PARAM) or "").strip()[:40]
        if name:
            st.session_state[ACTOR] = name
    elif st.query_params.get(ACTOR_PARAM) != name:
        st.query_params[ACTOR_PARAM] = name
    return name


def _nothing() -> None:
    """The page behind `no_pages`, never run."""


def page_guard() -> None:
    """Every page's first call: a page never runs without app.py around it.

    Streamlit runs a file of pages/ alone, without app.py, when its address is the first one
    asked for after the server starts (and draws the folder's file names as the navigation).
    Such a run runs app.py instead: its gate (sign-in), sidebar and navigation, which then run
    this page inside them; the lone run stops after that.
    """
    if in_frame():
        return
    runpy.run_path(str(APP), run_name="__main__")
    st.stop()


def served_locally() -> bool:
    """Whether the server listens on this machine only, with no proxy configured in front
    (`ORDERDESK_PROXY_HEADER`: a proxy brings the network in)."""
    return ((st.get_option("server.address") or "").strip().lower() in LOCAL_ADDRESSES
            and not os.environ.get(users.PROXY_HEADER_ENV, "").strip())


def open_banner() -> None:
    """The note that the desk is open on this machine, and how to add the first manager."""
    st.info(t("auth_open_banner").format(cmd=cli_command()), icon=":material/lock_open:")


def cli_command() -> str:
    """The command line as it runs from the desk's folder with this server's own Python (a bare
    `python` lacks the project's packages), naming the store when it is not the default one."""
    exe = Path(sys.executable)
    exe = exe.relative_to(APP.parent) if exe.is_relative_to(APP.parent) else exe
    db = default_db()  # the desk's own store (where accounts go), not the demo's
    if is_database_url(db):
        named = f" --db {shlex.quote(without_password(str(db)))}"
    else:
        named = "" if db.resolve() == DEFAULT_DB.resolve() else f" --db {shlex.quote(str(db))}"
    return f"{shlex.quote(str(exe))} -m pipeline{named}"


def current_role() -> str:
    """The role to check the signed-in user's work against (open local mode: a manager)."""
    s = st.session_state.get(SESSION)
    return s["role"] if s else OPEN_ROLE


def signed_in_name() -> str | None:
    s = st.session_state.get(SESSION)
    return s["name"] if s else None


def sidebar_account() -> None:
    """Who is signed in, and the sign-out button."""
    s = st.session_state.get(SESSION)
    if not s:
        return
    st.caption(t("auth_signed_in_as").format(name=md_escape(s["name"]),
                                             role=t("role_" + s["role"])))
    st.button(t("auth_sign_out"), key="auth_sign_out", icon=":material/logout:",
              on_click=sign_out)


def sign_out(notice: str | None = None) -> None:
    s = st.session_state.pop(SESSION, None)
    for key in ("actor", "actor_role"):
        st.session_state.pop(key, None)
    if s and s.get("token"):
        users.close_session(get_store(), s["token"])   # the token stops working everywhere
    st.query_params.pop(TOKEN_PARAM, None)
    if notice:
        st.session_state[NOTICE] = notice
    if s and s.get("sso") and _sso_logged_in():
        st.logout()


def sso_configured() -> bool:
    """Whether `[auth]` is set in `.streamlit/secrets.toml`."""
    try:
        return bool(st.secrets.load_if_toml_exists() and st.secrets.get("auth"))
    except Exception:  # an unreadable secrets file: no SSO
        log.exception("secrets.toml could not be read")
        return False


def client_address() -> str | None:
    """The client's address when Streamlit knows it (None on localhost); behind a proxy named
    by `ORDERDESK_PROXY_HEADER` (e.g. X-Forwarded-For), the address that header gives when
    the connection comes from a trusted proxy (`ORDERDESK_TRUSTED_PROXIES`, default this
    machine): pipeline/accounts/users.py `forwarded_address`."""
    ip = getattr(st.context, "ip_address", None)
    peer = ip if isinstance(ip, str) and ip else None
    header = os.environ.get(users.PROXY_HEADER_ENV, "").strip()
    if not header:
        return peer
    forwarded = ", ".join(_header_values(header))
    return users.forwarded_address(
        peer, forwarded, users.trusted_proxies(os.environ.get(users.TRUSTED_PROXIES_ENV)))


def _header_values(name: str) -> list[str]:
    """Every value of the request's header `name` (a header may come more than once)."""
    return list(st.context.headers.get_all(name))


def _idle_seconds() -> float:
    return float(desk_settings()["session_idle_minutes"]) * 60


def _current() -> users.User | None:
    s = st.session_state.get(SESSION)
    now = time.time()
    token = s.get("token") if s else st.query_params.get(TOKEN_PARAM)
    if token:
        return _from_token(token, now, counted=True)
    if s:
        idle = _idle_seconds()
        if now - s["seen"] > idle:
            sign_out("auth_expired")
            return None
        user = query(users.active_user, s["name"])
        if user is None:
            sign_out("auth_gone")
            return None
        st.session_state[SESSION] = {**s, "role": user.role, "seen": now}
        return user
    if sso_configured() and _sso_logged_in():
        user = users.user_for_email(get_store().cursor(), sso_email())
        if user is not None:
            st.session_state[SESSION] = {"name": user.name, "role": user.role, "seen": now,
                                         "sso": True}
            return user
    return None


def _from_token(token: str, now: float, counted: bool) -> users.User | None:
    """The user of the session `token` stands for, this click counted (`counted`: its idle
    time starts again, the address's token renewed); signed out with a notice when the session
    has ended."""
    store = get_store()
    idle = _idle_seconds()
    session = users.session_for(store.cursor(), token, client_address(), now, idle)
    if session is None:
        s = st.session_state.get(SESSION)
        gone = s is not None and query(users.active_user, s["name"]) is None
        sign_out("auth_gone" if gone else "auth_ended")
        return None
    if counted:
        session = users.touch_session(store, session, now, idle)
        if st.query_params.get(TOKEN_PARAM) != session.token:
            st.query_params[TOKEN_PARAM] = session.token  # a page switch drops it
    prior = st.session_state.get(SESSION) or {}
    st.session_state[SESSION] = {"name": session.user.name, "role": session.user.role,
                                 "seen": now if counted else prior.get("seen", now),
                                 "sso": False, "token": session.token}
    return session.user


def still_signed_in() -> bool:
    """For a fragment or a callback, before it reads or writes anything: whether the desk is
    open (no account), or this session's account is still signed in, enabled and within its
    idle time. Does not count as a click."""
    if not query(users.has_accounts):
        return True
    s = st.session_state.get(SESSION)
    if not s:
        return False
    now = time.time()
    if s.get("token"):
        return _from_token(s["token"], now, counted=False) is not None
    return now - s["seen"] <= _idle_seconds() and query(users.active_user, s["name"]) is not None


def signed_in(fn):
    """A fragment's function or a widget's callback run only while `still_signed_in()`;
    otherwise it reads and writes nothing and the whole page runs again, which shows the
    sign-in form (with the notice why). Put it under `@st.fragment`/`@st.dialog`."""
    @functools.wraps(fn)   # the same name: a fragment keeps its id
    def checked(*args, **kwargs):
        if still_signed_in():
            return fn(*args, **kwargs)
        log.info("%s skipped: the session is no longer signed in", fn.__qualname__)
        st.rerun()
        return None
    return checked


def sso_email() -> str | None:
    """The e-mail the identity provider signed in (Streamlit's `st.user`)."""
    email = st.user.get("email")
    return email if isinstance(email, str) else None


def _sso_logged_in() -> bool:
    try:
        return bool(st.user.get("is_logged_in"))
    except Exception:  # no auth configured
        return False


def _sign_in_form() -> None:
    st.title(t("auth_title"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(t(notice), icon=":material/schedule:")
    if sso_configured():
        if _sso_logged_in():
            st.warning(t("auth_unmapped").format(email=md_escape(sso_email() or "—")),
                       icon=":material/person_off:")
            st.button(t("auth_sign_out"), key="auth_sso_out", on_click=st.logout)
        else:
            st.button(t("auth_sso"), key="auth_sso", icon=":material/key:", on_click=st.login)
    with st.form("auth_form", clear_on_submit=True):  # the password never stays in the session
        name = st.text_input(t("auth_name"), key="auth_name_input", max_chars=users.MAX_NAME)
        password = st.text_input(t("auth_password"), type="password", key="auth_password_input")
        submitted = st.form_submit_button(t("auth_submit"), type="primary",
                                          icon=":material/login:")
    if not submitted:
        return
    try:
        user = users.sign_in(get_store(), name, password, address=client_address())
    except users.SignInRefused as exc:
        message = label("auth_" + exc.reason, st.session_state.get("lang", "zh"))
        st.error(message.format(s=exc.wait_seconds), icon=":material/block:")
        return
    now = time.time()
    token = users.open_session(get_store(), user, client_address(), now, _idle_seconds())
    st.session_state[SESSION] = {"name": user.name, "role": user.role, "seen": now,
                                 "sso": False, "token": token}
    st.query_params[TOKEN_PARAM] = token   # a reload or a new tab on this address stays in
    st.rerun()
