"""The parts of a page that run on their own (fragments every minute, dialogs, the callbacks of
buttons that write) check the sign-in themselves: once the session has ended (signed out in
another tab, the account disabled) they read nothing and write nothing."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.accounts import users
from pipeline.db.store import Store
from tests.conftest import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "parts.duckdb"
    s = Store(path)
    load(s, [{"order_id": "a", "created_at": "2026-11-20 10:00", "status_norm": "unpaid"}])
    users.add_user(s, "Mia", "manager", "correct horse", by="test")
    users.add_user(s, "Bo", "manager", "another horse", by="test")  # Mia may be disabled
    s.close()
    monkeypatch.setenv("ORDERDESK_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


def signed_in_app(db: Path, script) -> AppTest:
    """`script` run as Mia, signed in with a session token, like after the sign-in form."""
    s = Store(db)
    token = users.open_session(s, users.User("Mia", "manager"), None, time.time(), 3600)
    s.close()
    at = AppTest.from_function(script, default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["auth_user"] = {"name": "Mia", "role": "manager", "seen": time.time(),
                                     "sso": False, "token": token}
    at.run()
    assert not at.exception
    return at


def _fragment_script():
    """The gate, then (when asked) the session ended by another tab or a manager between the
    gate and the fragment, then a fragment reading the store."""
    import streamlit as st

    from pipeline.accounts import users
    from ui import auth
    from ui.data import get_store

    auth.gate(st.container())
    end = st.session_state.pop("end_now", None)
    if end == "sign_out":
        users.close_session(get_store(), st.session_state["auth_user"]["token"])
    elif end == "disable":
        users.set_disabled(get_store(), "Mia")

    @st.fragment
    @auth.signed_in
    def live():
        st.session_state["reads"] = st.session_state.get("reads", 0) + 1
        n = get_store().cursor().execute("select count(*) from orders").fetchone()[0]
        st.metric("orders", n)

    live()


@pytest.mark.parametrize("end", ["sign_out", "disable"])
def test_a_fragment_after_the_session_ended_reads_nothing(db, end):
    at = signed_in_app(db, _fragment_script)
    assert at.session_state["reads"] == 1 and [m.value for m in at.metric] == ["1"]
    at.session_state["end_now"] = end
    at.run()
    assert not at.exception
    assert at.session_state["reads"] == 1          # the fragment's body never ran again
    assert not at.metric
    assert [t.value for t in at.title] == ["Sign in"]   # the page ran again: the form


def _callback_script():
    import streamlit as st

    from ui.order_dialog import _submit

    st.session_state.setdefault("dlg_text", "call the buyer")
    st.button("note", key="note", on_click=_submit, args=(("taobao", "s1", "a"), "note", "Mia"))


def notes(db: Path) -> int:
    from ui.data import get_store

    return get_store().cursor().execute(
        "select count(*) from events where action = 'note'").fetchone()[0]


def test_a_callback_after_sign_out_in_another_tab_writes_nothing(db):
    at = signed_in_app(db, _callback_script)
    at.button(key="note").click().run()            # signed in: the note is recorded
    assert not at.exception and notes(db) == 1
    from ui.data import get_store

    users.close_session(get_store(), at.session_state["auth_user"]["token"])
    at.button(key="note").click().run()
    assert not at.exception
    assert notes(db) == 1                          # nothing more written
    assert "auth_user" not in at.session_state     # and this session signed out


def _decorated(node: ast.FunctionDef) -> set[str]:
    return {ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}


# the callbacks that read or write the store; the others only note a choice in the session
# (the queue's ask, the search box, the name in open mode, the promotions editor's filling)
WRITING_CALLBACKS = {("pages/queue.py", "confirm"), ("ui/order_dialog.py", "_submit"),
                     ("ui/order_dialog.py", "undo_batch"), ("ui/bulk_ship.py", "_confirm")}


def test_every_fragment_dialog_and_writing_callback_checks_the_sign_in():
    found = set()
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        rel = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            marks = _decorated(node)
            runs_alone = {"st.fragment", "st.dialog"} & marks
            if runs_alone or (rel, node.name) in WRITING_CALLBACKS or node.name == "_order_body":
                found.add((rel, node.name))
                assert marks & {"signed_in", "auth.signed_in"}, f"{rel}: {node.name}"
    # the parts known today, so that a renamed one is not silently left out
    assert {("pages/overview.py", "alarm_row"), ("pages/overview.py", "day_metrics"),
            ("pages/overdue.py", "live_rules"), ("pages/overdue.py", "live_aging"),
            ("pages/queue.py", "headline"), ("ui/inbox.py", "inbox_watch"),
            ("ui/overdue.py", "_simple_detail"), ("ui/order_dialog.py", "_order_body"),
            } | WRITING_CALLBACKS <= found
