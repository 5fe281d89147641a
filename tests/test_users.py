"""Accounts: argon2 hashes never shown, sign-in refusals, throttling of repeated failures, the
command line's user commands, and the sign-in gate of the app."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit import config

from pipeline.accounts import users
from pipeline.cli import main
from pipeline.db.store import Store
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
    with pytest.raises(users.UserError, match="10 characters"):
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
    from pipeline.base.roles import NotAllowed

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
    assert code == 2 and "10 characters" in err and "short" not in err.replace("10 characters", "")
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


# --------------------------------------------------------------------------------------------
# Names and passwords (issue 27, point 7)


@pytest.mark.parametrize(("password", "why"), [
    ("        ", "10 characters"),            # eight spaces: too short
    ("          ", "only spaces"),            # ten spaces
    ("short pw", "10 characters"),
    ("1234567890", "most common"),
    ("Password123", "most common"),           # the list is compared ignoring case
    (" qwertyuiop ", "most common"),          # and the spaces around
])
def test_a_password_too_short_blank_or_common_is_refused(store, password, why):
    with pytest.raises(users.UserError, match=why):
        users.add_user(store, "Mia", "manager", password, by="test")
    assert users.list_users(store.cursor()).empty


@pytest.mark.parametrize("name", ["b\u200boss", "bo\u00adss", "\u3164", "bo\u2800ss",
                                  "boss\ufe0f", "bo\u202ess", "a\tb"])
def test_a_name_with_an_invisible_or_control_character_is_refused(store, name):
    with pytest.raises(users.UserError, match="invisible"):
        users.add_user(store, name, "manager", "plum tree at dawn", by="test")
    assert users.list_users(store.cursor()).empty


def test_names_are_nfkc_and_unique_ignoring_case_after_that(store):
    user = users.add_user(store, "店长\u3000Ｍｉａ", "manager", "plum tree at dawn", by="test")
    assert user.name == "店长 Mia"                 # full-width letters and space made plain
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(store, "店长 ＭＩＡ", "clerk", "plum tree at noon", by="test")
    # typed either way, it signs in as the one account
    assert users.sign_in(store, "店长  ｍｉａ", "plum tree at dawn", now=NOW).name == "店长 Mia"


# --------------------------------------------------------------------------------------------
# Sign-in under attack (issue 27, points 1 and 2)


class CountingHasher:
    """The real hasher, counting the password checks and how many ran at once."""

    def __init__(self, hold: threading.Event | None = None):
        self.real = users.PasswordHasher()
        self.checks = 0
        self.inside = 0
        self.most_inside = 0
        self.hold = hold
        self.lock = threading.Condition()

    def hash(self, password):
        return self.real.hash(password)

    def check_needs_rehash(self, digest):
        return self.real.check_needs_rehash(digest)

    def verify(self, digest, password):
        with self.lock:
            self.checks += 1
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.lock.notify_all()
        try:
            if self.hold is not None:
                self.hold.wait(timeout=60)
            return self.real.verify(digest, password)
        finally:
            with self.lock:
                self.inside -= 1


def sign_in_at_once(store, attempts) -> list[str]:
    """Each (name, password, address) signed in on a thread of its own, all at once; the
    outcomes ('ok' or the refusal's reason)."""
    outcomes: list[str] = []
    start = threading.Barrier(len(attempts))

    def one(name, password, address):
        start.wait(timeout=60)
        try:
            users.sign_in(store, name, password, address=address, now=NOW)
            outcomes.append("ok")
        except users.SignInRefused as exc:
            outcomes.append(exc.reason)

    threads = [threading.Thread(target=one, args=a) for a in attempts]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    return outcomes


def test_thirty_sign_ins_at_once_check_no_more_passwords_than_the_limit(store, monkeypatch):
    users.add_user(store, "Mia", "manager", "plum tree at dawn", by="test")
    users._dummy_hash()
    hasher = CountingHasher()
    monkeypatch.setattr(users, "_HASHER", hasher)
    outcomes = sign_in_at_once(store, [("Mia", f"guess {i}", None) for i in range(30)])
    assert hasher.checks == 5                      # the limit per name, not 26
    assert sorted(outcomes) == ["bad"] * 5 + ["throttled"] * 25


def test_forty_names_from_one_address_check_no_more_than_the_limit(store, monkeypatch):
    users._dummy_hash()
    hasher = CountingHasher()
    monkeypatch.setattr(users, "_HASHER", hasher)
    outcomes = sign_in_at_once(store, [(f"name{i}", "guess", "10.0.0.9") for i in range(40)])
    assert hasher.checks == 5
    assert outcomes.count("bad") == 5 and outcomes.count("throttled") == 35


def test_on_this_machine_failures_of_many_names_share_one_limit(store, monkeypatch):
    """Without a client address (served on loopback) every name counts towards one limit."""
    users._dummy_hash()
    hasher = CountingHasher()
    monkeypatch.setattr(users, "_HASHER", hasher)
    outcomes = sign_in_at_once(store, [(f"name{i}", "guess", None) for i in range(30)])
    assert hasher.checks == 20
    assert outcomes.count("throttled") == 10


def test_old_attempts_are_pruned(store):
    for i in range(3):
        with pytest.raises(users.SignInRefused):
            users.sign_in(store, f"old{i}", "guess", now=NOW)
    with pytest.raises(users.SignInRefused):
        users.sign_in(store, "new", "guess", now=NOW + timedelta(hours=1))
    left = store.cursor().execute("select user_name from sign_in_attempts").fetchall()
    assert left == [("new",)]


def test_at_most_two_password_checks_run_at_once(store, monkeypatch):
    users.add_user(store, "Mia", "manager", "plum tree at dawn", by="test")
    users._dummy_hash()
    release = threading.Event()
    hasher = CountingHasher(hold=release)
    monkeypatch.setattr(users, "_HASHER", hasher)
    done = []
    threads = [threading.Thread(target=lambda i=i: done.append(sign_in_at_once(
        store, [(f"n{i}", "guess", f"10.0.1.{i}")]))) for i in range(8)]
    for th in threads:
        th.start()
    with hasher.lock:                                 # two checks hold their turn …
        assert hasher.lock.wait_for(lambda: hasher.inside == 2, timeout=60)
        # … and no third one starts while they do (given a second to try)
        assert not hasher.lock.wait_for(lambda: hasher.inside > 2, timeout=1)
    release.set()
    for th in threads:
        th.join(timeout=300)
    assert hasher.checks == 8 and hasher.most_inside == 2


def test_a_check_that_cannot_get_its_turn_is_refused_as_busy(store, monkeypatch):
    monkeypatch.setattr(users, "_CHECKS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(users, "CHECK_WAIT", 0.01)
    users._dummy_hash()
    users._CHECKS.acquire()                           # the only place is taken
    try:
        with pytest.raises(users.SignInRefused) as refused:
            users.sign_in(store, "Mia", "plum tree at dawn", now=NOW)
    finally:
        users._CHECKS.release()
    assert refused.value.reason == "busy"


def test_sign_in_bookkeeping_leaves_the_pages_data_as_it_was(store):
    users.add_user(store, "Mia", "manager", "plum tree at dawn", by="test")
    version = store.data_version()
    told = []
    store.on_change.append(lambda: told.append(1))
    for i in range(3):
        with pytest.raises(users.SignInRefused):
            users.sign_in(store, "Mia", f"guess {i}", address="10.0.0.3", now=NOW)
    user = users.sign_in(store, "Mia", "plum tree at dawn", address="10.0.0.4", now=NOW)
    token = users.open_session(store, user, "10.0.0.4", 1000.0, 600)
    session = users.session_for(store.cursor(), token, "10.0.0.4", 1100.0, 600)
    users.touch_session(store, session, 1100.0, 600)
    users.close_session(store, token)
    assert store.data_version() == version and told == []
    assert store.cursor().execute("select value from meta where key = 'data_version'"
                                  ).fetchall()[0][0] == version


# --------------------------------------------------------------------------------------------
# Sessions that survive a reload (issue 26, point 7)

T0 = 1_800_000_000.0
IDLE = 480 * 60


def opened(store, name="Mia", address=None):
    user = users.add_user(store, name, "manager", "plum tree at dawn", by="test")
    return users.open_session(store, user, address, T0, IDLE)


def test_a_session_token_is_signed_and_carries_no_password(store):
    token = opened(store)
    assert "plum" not in token and "$argon2" not in token
    got = users.session_for(store.cursor(), token, None, T0 + 60, IDLE)
    assert got is not None and got.user == users.User("Mia", "manager")
    sid, expires, mac = token.split(".")
    assert int(expires) == int(T0) + IDLE
    forged = [f"{sid}.{int(expires) + 3600}.{mac}",            # a later expiry
              f"{sid}.{expires}.{mac[:-2]}{'AA' if mac[-2:] != 'AA' else 'BB'}",
              f"{sid[:-1]}{'x' if sid[-1] != 'x' else 'y'}.{expires}.{mac}",
              "", "garbage", "a.b.c"]
    for token in forged:
        assert users.session_for(store.cursor(), token, None, T0 + 60, IDLE) is None, token


def test_a_token_stops_working_at_sign_out_disabling_a_new_password_and_idle(store):
    token = opened(store)
    users.add_user(store, "Boss", "manager", "plum tree at noon", by="test")
    con = store.cursor()
    assert users.session_for(con, token, None, T0 + IDLE - 1, IDLE)
    assert users.session_for(con, token, None, T0 + IDLE + 1, IDLE) is None   # idle
    users.close_session(store, token)
    assert users.session_for(con, token, None, T0 + 60, IDLE) is None         # signed out
    token = users.open_session(store, users.User("Mia", "manager"), None, T0, IDLE)
    users.set_disabled(store, "Mia")
    assert users.session_for(con, token, None, T0 + 60, IDLE) is None         # disabled
    users.set_disabled(store, "Mia", False)                                    # enabled again:
    assert users.session_for(con, token, None, T0 + 60, IDLE) is None         # still ended
    token = users.open_session(store, users.User("Mia", "manager"), None, T0, IDLE)
    users.reset_password(store, "Mia", "a new plum tree")
    assert users.session_for(con, token, None, T0 + 60, IDLE) is None         # new password


def test_a_click_moves_the_idle_expiry_on_and_the_token_works_from_its_address_only(store):
    token = opened(store, address="10.0.0.5")
    con = store.cursor()
    assert users.session_for(con, token, "10.0.0.6", T0 + 60, IDLE) is None
    session = users.session_for(con, token, "10.0.0.5", T0 + 30, IDLE)
    assert users.touch_session(store, session, T0 + 30, IDLE) == session   # within a minute
    later = users.touch_session(store, session, T0 + 3600, IDLE)
    assert later.token != token
    assert int(later.token.split(".")[1]) == int(T0) + 3600 + IDLE
    assert users.session_for(con, later.token, "10.0.0.5", T0 + 3600 + IDLE - 1, IDLE)
    assert users.session_for(con, later.token, "10.0.0.5", T0 + 3600 + IDLE + 1, IDLE) is None


def test_a_token_of_one_store_does_not_open_another(tmp_path, store):
    token = opened(store)
    other = Store(tmp_path / "other.duckdb")
    try:
        users.add_user(other, "Mia", "manager", "plum tree at dawn", by="test")
        users.open_session(other, users.User("Mia", "manager"), None, T0, IDLE)
        assert users.session_for(other.cursor(), token, None, T0 + 60, IDLE) is None
    finally:
        other.close()


# --------------------------------------------------------------------------------------------
# The app: a reload and a new tab keep the sign-in (issue 26, point 7)


def sign_in_through_the_form(db, monkeypatch, name="Mia", password="correct horse"):
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    at.text_input(key="auth_name_input").input(name)
    at.text_input(key="auth_password_input").input(password)
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Overview"]
    return at


def new_tab(db, token: str | None, page: str | None = None):
    """A new browser session (a reload, a new tab) on the same address, the store kept open."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    if token is not None:
        at.query_params["session"] = token
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def test_a_reload_and_a_new_tab_keep_the_sign_in_until_sign_out(db, monkeypatch):
    with_account(db)
    at = sign_in_through_the_form(db, monkeypatch)
    token = at.query_params["session"]
    assert token and "correct horse" not in token
    reloaded = new_tab(db, token)
    assert not reloaded.exception
    assert [t.value for t in reloaded.title] == ["Overview"]
    assert reloaded.session_state["actor"] == "Mia"
    other = new_tab(db, token, page="pages/queue.py")   # another page, the sign-in kept
    assert [t.value for t in other.title] != ["Sign in"]
    assert other.query_params["session"]                 # and kept in the address
    at.button(key="auth_sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "session" not in at.query_params
    other.run()                                          # the other tab's next click …
    assert [t.value for t in other.title] == ["Sign in"]
    assert any("has ended" in i.value for i in other.info)
    assert [t.value for t in new_tab(db, token).title] == ["Sign in"]   # … and a reload


def test_a_token_without_its_session_or_of_a_disabled_account_opens_nothing(db, monkeypatch):
    with_account(db)
    with_account(db, "Cleo", "clerk", "clerk password")
    at = sign_in_through_the_form(db, monkeypatch, "Cleo", "clerk password")
    token = at.query_params["session"]
    from ui.data import get_store

    users.set_disabled(get_store(), "Cleo")           # the desk's own store, as the Users page
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert any("disabled" in i.value for i in at.info)
    for forged in (token, token[:-3] + "abc", "nothing.1.2"):
        tab = new_tab(db, forged)
        assert [t.value for t in tab.title] == ["Sign in"] and not tab.metric


def test_in_open_mode_the_name_given_signs_an_import_after_a_reload(db, monkeypatch):
    """The Import page signs an import with the session's `actor` (pages/import.py); after a
    reload straight onto it, the name comes back from the address."""
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    tab = new_tab(db, None)
    tab.query_params["by"] = "Wang"
    tab.run()
    tab.switch_page("pages/import.py").run()
    assert not tab.exception
    assert tab.session_state["actor"] == "Wang"
    assert tab.query_params["by"] == "Wang"             # kept in the address on this page too
    assert at.session_state["actor_role"] == "manager"


# --------------------------------------------------------------------------------------------
# Behind a proxy: the forwarded address, from a trusted proxy only

LOCAL_PROXY = frozenset({"loopback"})   # the default: a proxy on this machine


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "client"), [
    (None, "198.51.100.7", LOCAL_PROXY, "198.51.100.7"),            # nginx on this machine
    (None, "1.2.3.4, 203.0.113.5", LOCAL_PROXY, "203.0.113.5"),     # a client's own value: left
    (None, "203.0.113.5, 10.0.0.2", frozenset({"loopback", "10.0.0.2"}), "203.0.113.5"),
    ("192.0.2.9", "1.2.3.4", LOCAL_PROXY, "192.0.2.9"),             # not from the proxy: ignored
    (None, "not-an-address", LOCAL_PROXY, None),
    (None, "", LOCAL_PROXY, None),
    ("10.0.0.2", "198.51.100.7", frozenset({"10.0.0.2"}), "198.51.100.7"),
])
def test_the_forwarded_address_is_taken_from_a_trusted_proxy_only(peer, forwarded, trusted,
                                                                   client):
    assert users.forwarded_address(peer, forwarded, trusted) == client


def test_trusted_proxies_default_to_this_machine():
    assert users.trusted_proxies(None) == {"loopback"}
    assert users.trusted_proxies(" 10.0.0.2, ::1 ") == {"10.0.0.2", "loopback"}


def test_the_desk_reads_the_address_from_the_configured_header_only(monkeypatch):
    from ui import auth

    asked = []
    monkeypatch.setattr(auth, "_header_values",
                        lambda name: asked.append(name) or ["1.2.3.4, 198.51.100.7"])
    monkeypatch.delenv("ORDERDESK_PROXY_HEADER", raising=False)
    assert auth.client_address() is None and asked == []     # no proxy set: no header read
    monkeypatch.setenv("ORDERDESK_PROXY_HEADER", "X-Forwarded-For")
    assert auth.client_address() == "198.51.100.7" and asked == ["X-Forwarded-For"]
    monkeypatch.setenv("ORDERDESK_TRUSTED_PROXIES", "10.0.0.2")   # this machine not trusted
    assert auth.client_address() is None


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(store):
    users.add_user(store, "Mia", "manager", "correct horse", by="test")
    a = users.forwarded_address(None, "198.51.100.7", LOCAL_PROXY)
    b = users.forwarded_address(None, "198.51.100.8", LOCAL_PROXY)
    for i in range(5):
        with pytest.raises(users.SignInRefused):
            users.sign_in(store, f"guess{i}", "wrong password", address=a, now=NOW)
    with pytest.raises(users.SignInRefused) as refused:
        users.sign_in(store, "Mia", "correct horse", address=a, now=NOW)
    assert refused.value.reason == "throttled"
    assert users.sign_in(store, "Mia", "correct horse", address=b, now=NOW).name == "Mia"


def test_with_a_proxy_configured_the_desk_without_accounts_does_not_open(db, monkeypatch):
    monkeypatch.setenv("ORDERDESK_PROXY_HEADER", "X-Forwarded-For")
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert any("refuses to open" in e.value for e in at.error)
    assert not at.metric and not at.dataframe
