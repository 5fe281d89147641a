"""Accounts: argon2 hashes never shown, sign-in refusals, throttling of repeated failures, the
command line's user commands, and the sign-in gate of the app."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit import config

from pipeline import users
from pipeline.cli import main
from pipeline.store import Store
from tests.apptest import fresh_app
from tests.conftest import load

NOW = datetime(2026, 11, 20, 10, 0)


def hashes(store: Store) -> list[str]:
    return [r[0] for r in store.cursor().execute(
        "select password_hash from users where password_hash is not null").fetchall()]


def test_a_password_is_stored_as_an_argon2_hash_and_never_listed(store):
    users.add_user(store, "Mia", "manager", "correct horse", by="test")
    [digest] = hashes(store)
    assert digest.startswith("$argon2id$") and "correct horse" not in digest
    listed = users.list_users(store.cursor())
    assert "password_hash" not in listed.columns
    assert digest not in listed.to_csv() and "correct horse" not in listed.to_csv()
    assert listed.loc[0, "has_password"]


def test_sign_in_right_wrong_unknown_and_disabled(store):
    users.add_user(store, "Mia", "manager", "correct horse", by="test")
    users.add_user(store, "Cleo", "clerk", "clerk password", by="test")
    assert users.sign_in(store, "mia", "correct horse", now=NOW) == users.User("Mia", "manager")
    for name, password in (("Mia", "wrong horse"), ("Nobody", "correct horse")):
        with pytest.raises(users.SignInRefused) as refused:
            users.sign_in(store, name, password, now=NOW)
        assert refused.value.reason == "bad" and "correct horse" not in str(refused.value)
    users.set_disabled(store, "Cleo")
    with pytest.raises(users.SignInRefused) as refused:
        users.sign_in(store, "Cleo", "clerk password", now=NOW)
    assert refused.value.reason == "disabled"
    assert users.active_user(store.cursor(), "Cleo") is None
    users.set_disabled(store, "Cleo", False)
    assert users.sign_in(store, "Cleo", "clerk password", now=NOW).role == "clerk"


def test_repeated_failures_slow_down_the_name_with_a_growing_delay(store):
    users.add_user(store, "Mia", "manager", "correct horse", by="test")
    for i in range(users.THROTTLE_AFTER):
        with pytest.raises(users.SignInRefused) as refused:
            users.sign_in(store, "Mia", "guess", now=NOW + timedelta(seconds=i))
        assert refused.value.reason == "bad"
    last = NOW + timedelta(seconds=users.THROTTLE_AFTER - 1)
    with pytest.raises(users.SignInRefused) as refused:  # even the right password waits
        users.sign_in(store, "Mia", "correct horse", now=last + timedelta(seconds=1))
    assert refused.value.reason == "throttled" and refused.value.wait_seconds == 29
    with pytest.raises(users.SignInRefused) as refused:  # the delay over, one more failure
        users.sign_in(store, "Mia", "guess", now=last + timedelta(seconds=31))
    assert refused.value.reason == "bad"
    assert users.throttle_wait(store.cursor(), "Mia", None,
                               last + timedelta(seconds=32)) == 59  # doubled
    assert users.sign_in(store, "Mia", "correct horse",
                         now=last + timedelta(seconds=31 + 60)).name == "Mia"
    assert users.throttle_wait(store.cursor(), "Mia", None, last + timedelta(seconds=92)) == 0


def test_failures_from_one_address_slow_down_every_name_from_it(store):
    users.add_user(store, "Mia", "manager", "correct horse", by="test")
    for i in range(users.THROTTLE_AFTER):
        with pytest.raises(users.SignInRefused):
            users.sign_in(store, f"guess{i}", "x", address="10.0.0.9", now=NOW)
    with pytest.raises(users.SignInRefused) as refused:
        users.sign_in(store, "Mia", "correct horse", address="10.0.0.9", now=NOW)
    assert refused.value.reason == "throttled"
    assert users.sign_in(store, "Mia", "correct horse", address="10.0.0.7", now=NOW)
    # failures older than the window no longer count
    later = NOW + users.THROTTLE_WINDOW + timedelta(seconds=1)
    assert users.sign_in(store, "Mia", "correct horse", address="10.0.0.9", now=later)


def test_account_rules(store):
    users.add_user(store, "Mia", "manager", "correct horse", by="test")
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(store, "mia", "clerk", "another one", by="test")
    with pytest.raises(users.UserError, match="8 characters"):
        users.add_user(store, "Bo", "clerk", "short", by="test")
    with pytest.raises(users.UserError, match="unknown role"):
        users.add_user(store, "Bo", "boss", "long enough", by="test")
    with pytest.raises(users.UserError, match="last manager"):
        users.set_role(store, "Mia", "clerk")
    with pytest.raises(users.UserError, match="last manager"):
        users.set_disabled(store, "Mia")
    users.add_user(store, "Sso", "viewer", None, by="test", sso_email="Sso@Example.com")
    assert users.user_for_email(store.cursor(), "sso@example.com") == users.User("Sso", "viewer")
    with pytest.raises(users.UserError, match="already mapped"):
        users.set_sso_email(store, "Mia", "sso@example.com")
    from pipeline.roles import NotAllowed

    with pytest.raises(NotAllowed):
        users.add_user(store, "Bo", "clerk", "long enough", by="Cleo", actor_role="clerk")


# --------------------------------------------------------------------------------------------
# The command line


def run(capsys, monkeypatch, db, *args, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(["--db", str(db), "user", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_user_commands(tmp_path, capsys, monkeypatch):
    db = tmp_path / "cli.duckdb"
    code, out, _ = run(capsys, monkeypatch, db, "list")
    assert code == 0 and "no accounts" in out
    code, out, _ = run(capsys, monkeypatch, db, "add", "Mia", "--role", "manager",
                       "--password-stdin", stdin="correct horse\n")
    assert code == 0 and "Mia" in out and "correct horse" not in out
    code, _, err = run(capsys, monkeypatch, db, "add", "Cleo", "--role", "clerk",
                       "--password-stdin", stdin="short\n")
    assert code == 2 and "8 characters" in err and "short" not in err.replace("8 characters", "")
    run(capsys, monkeypatch, db, "add", "Cleo", "--role", "clerk", "--password-stdin",
        stdin="clerk password\n")
    assert run(capsys, monkeypatch, db, "set-role", "Cleo", "viewer")[0] == 0
    assert run(capsys, monkeypatch, db, "disable", "Cleo")[0] == 0
    assert run(capsys, monkeypatch, db, "reset-password", "Mia", "--password-stdin",
               stdin="new password 1\n")[0] == 0
    code, out, _ = run(capsys, monkeypatch, db, "list")
    assert code == 0
    assert out.splitlines() == ["Cleo\tviewer\tdisabled\tpassword\t-",
                                "Mia\tmanager\tenabled\tpassword\t-"]
    s = Store(db)
    try:
        assert all(h not in out for h in hashes(s)) and "$argon2" not in out
        with pytest.raises(users.SignInRefused):
            users.sign_in(s, "Mia", "correct horse", now=NOW)
        assert users.sign_in(s, "Mia", "new password 1", now=NOW).role == "manager"
    finally:
        s.close()
    code, _, err = run(capsys, monkeypatch, db, "disable", "Nobody")
    assert code == 2 and "no account" in err


def test_the_password_prompt_asks_twice(tmp_path, capsys, monkeypatch):
    answers = iter(["one password", "another one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(capsys, monkeypatch, tmp_path / "p.duckdb", "add", "Mia", "--role",
                       "manager")
    assert code == 2 and "differ" in err


# --------------------------------------------------------------------------------------------
# The app's gate


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "gate.duckdb"
    s = Store(path)
    load(s, [{"order_id": "a", "created_at": "2026-11-20 10:00", "status_norm": "unpaid"}])
    s.close()
    return path


def with_account(db, name="Mia", role="manager", password="correct horse"):
    s = Store(db)
    users.add_user(s, name, role, password, by="test")
    s.close()


def test_without_accounts_the_desk_is_open_on_this_machine_only(db, monkeypatch):
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert not at.exception
    assert any("add the first manager" in i.value.lower() for i in at.info)
    assert not [w for w in at.text_input if w.key == "auth_name_input"]
    assert at.metric  # the desk itself
    config.set_option("server.address", "0.0.0.0")
    try:
        at = fresh_app(db, monkeypatch, state={"lang": "en"})
    finally:
        config.set_option("server.address", "localhost")
    assert any("refuses to open" in e.value for e in at.error)
    assert not at.metric and not at.dataframe


def test_with_an_account_everyone_signs_in(db, monkeypatch):
    with_account(db)
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.metric and not at.dataframe  # nothing of the desk before signing in
    assert not [b for b in at.button if b.key == "auth_sso"]  # no [auth]: no SSO button
    at.text_input(key="auth_name_input").input("Mia")
    at.text_input(key="auth_password_input").input("wrong password")
    at.button[0].click().run()
    assert any("Wrong name or password" in e.value for e in at.error)
    at.text_input(key="auth_name_input").input("Mia")
    at.text_input(key="auth_password_input").input("correct horse")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["auth_user"]["name"] == "Mia"
    assert at.session_state["actor"] == "Mia"
    assert any("Mia" in c.value for c in at.sidebar.caption)
    assert [t.value for t in at.title] == ["Overview"]


def test_a_disabled_user_cannot_sign_in_and_an_idle_session_ends(db, monkeypatch):
    with_account(db)
    with_account(db, "Cleo", "clerk", "clerk password")
    s = Store(db)
    users.set_disabled(s, "Cleo")
    s.close()
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    at.text_input(key="auth_name_input").input("Cleo")
    at.text_input(key="auth_password_input").input("clerk password")
    at.button[0].click().run()
    assert any("disabled" in e.value for e in at.error)
    assert "auth_user" not in at.session_state
    idle = {"name": "Mia", "role": "manager", "seen": 0.0, "sso": False}
    at = fresh_app(db, monkeypatch, state={"lang": "en", "auth_user": idle})
    assert [t.value for t in at.title] == ["Sign in"]
    assert any("without activity" in i.value for i in at.info)


def test_in_open_mode_the_typed_name_survives_a_reload(db, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/queue.py").run()
    at.text_input(key="actor_input").input("Wang").run()
    assert at.query_params["by"] == "Wang"
    reloaded = AppTest.from_file(APP, default_timeout=60)  # a new session, the same address
    reloaded.query_params["by"] = "Wang"
    reloaded.run()
    reloaded.switch_page("pages/queue.py").run()
    assert reloaded.text_input(key="actor_input").value == "Wang"
    assert reloaded.session_state["actor"] == "Wang"


@pytest.mark.parametrize("page", ["queue", "import", "team", "users", "settings", "overview"])
def test_a_page_run_without_app_py_stays_behind_the_sign_in(db, monkeypatch, page):
    """Streamlit runs a pages/ file alone when its address is the first asked for after the
    server starts; the page runs app.py instead, whose gate shows the sign-in form."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    with_account(db)
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(Path(APP).parent / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]   # the gate of app.py, nothing else
    assert not at.metric and not at.dataframe


def _as_if_signed_in_by_sso(monkeypatch, email):
    """Stand in for an identity provider: `[auth]` configured and Streamlit's `st.user`
    signed in with `email` (no provider is reachable here; the desk's own steps are real)."""
    from ui import auth

    monkeypatch.setattr(auth, "sso_configured", lambda: True)
    monkeypatch.setattr(auth, "_sso_logged_in", lambda: email is not None)
    monkeypatch.setattr(auth, "sso_email", lambda: email)


def test_single_sign_on_takes_the_mapped_accounts_name_and_role(db, monkeypatch):
    with_account(db)
    s = Store(db)
    users.add_user(s, "Sso Viewer", "viewer", None, by="test", sso_email="Viewer@Example.com")
    s.close()
    # configured, nobody signed in yet: the SSO button beside the form
    _as_if_signed_in_by_sso(monkeypatch, None)
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b for b in at.button if b.key == "auth_sso"]
    # signed in by the provider with a mapped e-mail: in, with that account's name and role
    _as_if_signed_in_by_sso(monkeypatch, "viewer@example.com")
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert not at.exception
    assert at.session_state["auth_user"]["name"] == "Sso Viewer"
    assert at.session_state["auth_user"]["role"] == "viewer"
    assert at.session_state["auth_user"]["sso"] is True
    assert [t.value for t in at.title] == ["Overview"]


def test_single_sign_on_with_an_unmapped_email_is_told_to_ask_a_manager(db, monkeypatch):
    with_account(db)
    _as_if_signed_in_by_sso(monkeypatch, "stranger@example.com")
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert [t.value for t in at.title] == ["Sign in"]
    assert "auth_user" not in at.session_state
    assert any("stranger" in w.value for w in at.warning)
