"""The message and note rules on the Settings page (DESIGN §12): edit the table, test it against
the store's open orders before saving, save it as a manager (recorded with who), a rule that
cannot be saved refused naming it, a clerk who may test but not save."""

from __future__ import annotations

import contextlib
import time

import pytest

from pipeline.accounts import users
from pipeline.db.settings import get_settings, settings_history
from pipeline.db.store import Store
from tests.apptest import fresh_app, table
from tests.conftest import load
from tests.factories import ADDR

PAGE = "pages/settings.py"


def paid(order_id: str, **facts) -> dict:
    return {"order_id": order_id, "status_norm": "paid", "created_at": "2026-11-20 10:00",
            "paid_at": "2026-11-20 10:05", **ADDR, **facts}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "rules.duckdb"
    s = Store(path)
    load(s, [
        paid("a", buyer_message="预售款，15号前发"),
        paid("b", buyer_message="请改地址到上海"),
        paid("c", buyer_message="你好"),
        paid("d", buyer_message="预售款", status_norm="shipped"),     # not open
    ])
    s.close()
    return path


def signed(db, name: str, role: str) -> dict:
    """Session state of `name` signed in as `role`, in English."""
    s = Store(db)
    with contextlib.suppress(users.UserError):   # made by an earlier call
        users.add_user(s, name, role, f"{name} password", by="test")
    token = users.open_session(s, users.User(name, role), None, time.time(), 3600)
    s.close()
    return {"lang": "en", "auth_user": {"name": name, "role": role, "seen": time.time(),
                                        "sso": False, "token": token}}


def stored(db) -> tuple[list[dict], list[str]]:
    """The saved message rules and who changed them, newest first (read through the app's
    store: it holds the file)."""
    from ui.data import get_store

    con = get_store().cursor()
    return (get_settings(con)["message_rules"],
            settings_history(con, ("message_rules",))["changed_by"].tolist())


PRE_SALE = {"enabled": True, "category": "pre_sale", "pattern": "预售", "regex": False,
            "applies_to": ["buyer_message"], "does": "tag", "courier": ""}


def test_edit_test_against_the_store_and_save(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Mia", "manager"))
    assert not at.exception
    rules = table(at, "pattern")
    assert rules["category"].tolist() == [
        "Address change", "Colour or size change", "Cancel request", "Courier request",
        "Urgent", "Invoice", "Gift or sample request", "Delivery instructions"]
    assert rules.loc[0, "pattern"].startswith("改地址|换地址")
    # a new category, the delivery rule disabled, a word added to the address rule
    at.session_state["mr_editor"] = {
        "edited_rows": {0: {"pattern": "地址不对|改地址"}, 7: {"enabled": False}},
        "added_rows": [PRE_SALE], "deleted_rows": []}
    at.button(key="mr_test_rules").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["2 open orders would be caught."]
    assert table(at, "Orders").values.tolist() == [["Address change", 1], ["pre_sale", 1]]
    caught = table(at, "Matched")
    assert caught[["Order id", "Source", "Category", "Matched", "Text"]].values.tolist() == [
        ["a", "Buyer message", "pre_sale", "预售", "预售款，15号前发"],
        ["b", "Buyer message", "Address change", "改地址", "请改地址到上海"]]
    assert stored(db)[0][0]["pattern"].startswith("改地址|换地址")     # tested, not saved
    at.button(key="mr_save_rules").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The rules are saved."]
    rules, who = stored(db)
    assert (rules[0]["pattern"], rules[7]["enabled"], who) == ("地址不对|改地址", False, ["Mia"])
    assert rules[8] == {"id": "pre_sale_1", "category": "pre_sale", "pattern": "预售",
                        "regex": False, "applies_to": ["buyer_message"], "does": "tag",
                        "courier": None, "enabled": True}
    # the table is the saved one again, with the change listed
    assert table(at, "pattern")["category"].tolist()[-1] == "pre_sale"
    assert table(at, "By")[["By", "Rules"]].values.tolist() == [["Mia", "9"]]
    # and back to the defaults
    at.button(key="mr_restore_rules").click().run()
    assert [s.value for s in at.success] == ["The rules are saved."]
    rules, who = stored(db)
    assert (len(rules), rules[0]["pattern"][:7], who) == (8, "改地址|换地址", ["Mia", "Mia"])


def test_a_rule_that_cannot_be_saved_is_refused_naming_it(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Mia", "manager"))
    at.session_state["mr_editor"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{**PRE_SALE, "pattern": "预售(", "regex": True}]}
    at.button(key="mr_test_rules").click().run()
    assert not at.exception
    said = [e.value.replace("\\", "").replace("\u2060", "") for e in at.error]
    assert len(said) == 1 and said[0].startswith(
        "Rule #9 (pre_sale_1 / pre_sale): the regular expression is not valid")
    at.button(key="mr_save_rules").click().run()
    assert len(at.error) == 1 and not at.success
    rules, who = stored(db)
    assert (len(rules), who) == (8, [])                                  # nothing saved


def test_a_clerk_tests_the_rules_but_cannot_save_them(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    assert not at.exception
    assert at.button(key="mr_save_rules").disabled
    assert at.button(key="mr_restore_rules").disabled
    assert any(c.value.startswith("Only a manager changes the rules") for c in at.caption)
    at.session_state["mr_editor"] = {"edited_rows": {}, "added_rows": [PRE_SALE],
                                     "deleted_rows": []}
    at.button(key="mr_test_rules").click().run()
    assert [s.value for s in at.success] == ["2 open orders would be caught."]
    rules, who = stored(db)
    assert (len(rules), who) == (8, [])


def test_the_couriers_the_shop_uses_and_the_default_courier(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Mia", "manager"))
    at.text_input(key="set_couriers_used").set_value("顺丰速运，中通快递、 顺丰速运")
    at.text_input(key="set_default_courier").set_value(" 中通快递 ")
    at.button[0].click()  # the form's submit button comes first
    at.run()
    assert not at.exception
    from ui.data import get_store

    settings = get_settings(get_store().cursor())
    assert (settings["couriers_used"], settings["default_courier"]) == (
        ["顺丰速运", "中通快递"], "中通快递")
    current = table(at, "Default")
    assert current.set_index("Setting").loc[
        ["Couriers the shop uses", "Default courier", "Message and note rules"], "Value"
    ].tolist() == ["顺丰速运、中通快递", "中通快递", "8 rules"]
