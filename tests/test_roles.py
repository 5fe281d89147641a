"""Roles, enforced in pipeline/: what a viewer, a clerk and a manager may do, whatever page or
command asks; and the pages hide what a role cannot do."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.base.roles import ROLES, NotAllowed, may, require
from pipeline.db import settings
from pipeline.db.store import Store
from pipeline.desk import actions as A
from pipeline.desk import promo, sla
from pipeline.ingest.importing import import_bytes
from tests.apptest import fresh_app
from tests.conftest import load

T0 = "2026-11-20 10:00:00"
PAID = {"order_id": "paid", "created_at": T0, "status_norm": "paid", "paid_at": T0}
PAID2 = {"order_id": "paid2", "created_at": T0, "status_norm": "paid", "paid_at": T0}
UNPAID = {"order_id": "unpaid", "created_at": T0, "status_norm": "unpaid", "is_paid": False}
TEMPLATE = b"order_id,created_at\nx1,2026-11-20 10:00\n"


def key(order_id: str) -> tuple[str, str, str]:
    return ("taobao", "s1", order_id)


@pytest.fixture
def desk(store: Store) -> Store:
    load(store, [PAID, PAID2, UNPAID])
    return store


def n_events(store: Store) -> int:
    return store.cursor().execute("select count(*) from events").fetchall()[0][0]


def test_the_table_of_who_may_do_what():
    assert may("viewer", "view") and may("viewer", "download")
    assert not any(may("viewer", a) for a in ("process", "confirm", "undo", "import"))
    assert all(may("clerk", a) for a in ("confirm", "remind", "process", "courier", "note",
                                          "review", "flag", "resolve", "undo"))
    assert not any(may("clerk", a) for a in ("undo_any", "import", "settings", "promotions",
                                              "bundles", "users"))
    assert all(may("manager", a) for a in ("undo_any", "import", "settings", "promotions",
                                            "bundles", "users", "process"))
    assert may(None, "users")  # the command line's operator is a manager
    assert not may("admin", "view") and not may("manager", "launch")
    assert ROLES == ("viewer", "clerk", "manager")


def test_a_viewer_cannot_process_and_nothing_is_written(desk):
    with pytest.raises(NotAllowed, match="viewer may not"):
        A.record(desk, key("paid"), "process", by="Vera", role="viewer")
    with pytest.raises(NotAllowed):
        A.record_many(desk, [key("paid"), key("paid2")], "process", by="Vera", role="viewer")
    assert n_events(desk) == 0


def test_a_clerk_acts_and_the_role_is_kept_with_the_event(desk):
    event = A.record(desk, key("paid"), "process", by="Cleo", role="clerk")
    h = A.history(desk.cursor(), *key("paid"))
    row = h[h["source"] == "event"].iloc[0]
    assert (row["author"], row["role"], row["ref"]) == ("Cleo", "clerk", event.event_id)
    cli = A.record(desk, key("unpaid"), "confirm", by="cli")  # role None: a manager
    assert desk.cursor().execute("select role from events where event_id = ?",
                                 [cli.event_id]).fetchall() == [("manager",)]


def test_a_clerk_undoes_their_own_action_but_not_a_colleagues(desk):
    A.record(desk, key("paid"), "process", by="Cleo", role="clerk")
    A.record(desk, key("paid2"), "process", by="Carl", role="clerk")
    with pytest.raises(NotAllowed, match="only their own"):
        A.record(desk, key("paid2"), "undo", by="Cleo", role="clerk")
    with pytest.raises(NotAllowed):  # all or nothing: one colleague's action refuses the lot
        A.record_many(desk, [key("paid"), key("paid2")], "undo", by="Cleo", role="clerk")
    assert n_events(desk) == 2
    A.record(desk, key("paid"), "undo", by="Cleo", role="clerk")
    A.record(desk, key("paid2"), "undo", by="Mia", role="manager")  # a manager undoes anyone's
    assert n_events(desk) == 4


def test_an_account_acts_with_its_role_as_it_is_now_and_not_once_disabled(desk):
    """A page's session or the command line's --by may name an account changed since: a
    disabled account cannot act, a demoted manager acts as what they are now, and the event
    keeps that role."""
    from pipeline.accounts import users
    from pipeline.ingest import bulk_ship

    users.add_user(desk, "Clara", "clerk", "password-clara", by="test")
    users.add_user(desk, "Max", "manager", "password-max", by="test")
    users.add_user(desk, "Boss", "manager", "password-boss", by="test")
    cli = A.record(desk, key("paid"), "note", by="clara", text="hi")     # --by an account
    assert desk.cursor().execute("select author, role from events where event_id = ?",
                                 [cli.event_id]).fetchall() == [("Clara", "clerk")]
    users.set_disabled(desk, "Clara")
    for act in (lambda: A.record(desk, key("paid2"), "process", by="Clara", role="clerk"),
                lambda: A.record_many(desk, [key("paid2")], "process", by="Clara"),
                lambda: bulk_ship.apply(desk, bulk_ship.check(
                    desk.cursor(), bulk_ship.parse_text("paid2 SF SF123")), by="Clara")):
        with pytest.raises(NotAllowed, match="disabled"):
            act()
    assert n_events(desk) == 1
    A.record(desk, key("paid2"), "process", by="Boss", role="manager")
    users.set_role(desk, "Max", "clerk")
    with pytest.raises(NotAllowed, match="only their own"):   # the session still says manager
        A.record(desk, key("paid2"), "undo", by="Max", role="manager")


def test_a_clerk_cannot_change_settings_a_manager_can(store):
    with pytest.raises(NotAllowed, match="settings"):
        sla.update_settings(store, {"batch_size": 10}, "Cleo", role="clerk")
    with pytest.raises(NotAllowed):
        sla.restore_defaults(store, role="viewer")
    with pytest.raises(NotAllowed), store.write() as cur:
        settings.save_setting(cur, "batch_size", 10, "Cleo", role="clerk")
    assert settings.get_settings(store.cursor())["batch_size"] == 50
    assert sla.update_settings(store, {"batch_size": 10}, "Mia", role="manager") == ["batch_size"]
    assert settings.get_settings(store.cursor())["batch_size"] == 10


def test_imports_and_promotion_periods_are_for_managers(store):
    with pytest.raises(NotAllowed, match="import"):
        import_bytes(store, "orders.csv", TEMPLATE, by="Cleo", role="clerk")
    assert store.cursor().execute("select count(*) from imports").fetchall()[0][0] == 0
    assert import_bytes(store, "orders.csv", TEMPLATE, by="Mia", role="manager").status == \
        "imported"
    start, end = datetime(2026, 11, 11), datetime(2026, 11, 12)
    with pytest.raises(NotAllowed, match="promotion"):
        promo.add_period(store, "双11", start, end, "Cleo", role="clerk")
    promo.add_period(store, "双11", start, end, "Mia", role="manager")
    with pytest.raises(NotAllowed):
        promo.update_period(store, "双11", "双11", start, end, "Vera", role="viewer")
    with pytest.raises(NotAllowed):
        promo.delete_period(store, "双11", "Cleo", role="clerk")
    assert promo.periods(store.cursor())["name"].tolist() == ["双11"]


def test_require_says_who_may():
    with pytest.raises(NotAllowed, match="ask a manager"):
        require("clerk", "users")
    require("manager", "users")


# --------------------------------------------------------------------------------------------
# The pages


def signed_in(db, monkeypatch, name: str, role: str, page: str | None = None):
    """The app signed in as `name` (an account made in the store before it opens)."""
    from pipeline.accounts import users

    s = Store(db)
    users.add_user(s, name, role, "password-" + name, by="test")
    s.close()
    return fresh_app(db, monkeypatch, page, state={
        "lang": "en", "auth_user": {"name": name, "role": role, "seen": 1e18, "sso": False}})


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "roles.duckdb"
    s = Store(path)
    load(s, [PAID, UNPAID])
    s.close()
    return path


def test_a_viewer_sees_no_action_in_the_order_dialog(db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from pipeline.accounts import users
    from tests.factories import dialog_script

    s = Store(db)
    users.add_user(s, "Vera", "viewer", "password-vera", by="test")
    s.close()
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_function(dialog_script, default_timeout=60)
    at.session_state["auth_user"] = {"name": "Vera", "role": "viewer", "seen": 1e18}
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert any("only view" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == "dlg_submit"]
    assert not [s for s in at.get("button_group") if s.key == "dlg_action"]


def test_pages_hide_what_a_clerk_cannot_do(db, monkeypatch):
    at = signed_in(db, monkeypatch, "Cleo", "clerk", "pages/settings.py")
    assert not at.exception
    assert any("may not" in c.value for c in at.caption)
    assert at.button(key="set_reset_button").disabled
    at.switch_page("pages/import.py").run()
    assert not at.exception
    assert not at.get("file_uploader")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/users.py")  # not in a clerk's navigation: no address to reach


def test_a_manager_sees_the_uploader_and_the_users_page(db, monkeypatch):
    at = signed_in(db, monkeypatch, "Mia", "manager", "pages/import.py")
    assert not at.exception
    assert at.get("file_uploader")
    at.switch_page("pages/users.py").run()
    assert not at.exception
    names = at.dataframe[0].value.iloc[:, 0].tolist()
    assert names == ["Mia"]
