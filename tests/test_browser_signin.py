"""The running app with an account in the store: the sign-in form in headless Chromium, then
the desk under the signed-in manager's name, the Users page, and signing out.

Its own server (the app of tests/test_browser.py runs open, without accounts); the browser
helpers are those of tests/browser_app.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pipeline.accounts import users
from pipeline.db.store import Store
from tests.browser_app import (
    FIRST_PAGE_MS,
    App,
    _chromium_or_skip,
    assert_no_error_shown,
    nav_links,
    open_app,
    serving,
    settled,
    shot,
    visit,
)

pytestmark = pytest.mark.browser

NAME, PASSWORD = "店长 Mia", "correct horse battery"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser_signin")
    db = tmp / "app.duckdb"
    store = Store(db)
    users.add_user(store, NAME, "manager", PASSWORD, by="test")
    store.close()
    with serving(tmp, db, demo_orders="300", shots=tmp / "shots") as running:
        yield running


def test_signing_in_through_the_form(page, app):
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    main = page.get_by_test_id("stMain")
    expect(main.locator("h1").first).to_have_text("登录")
    assert page.get_by_test_id("stMetric").count() == 0, "nothing of the desk before signing in"
    # no navigation before signing in: neither the pages nor Streamlit's list of file names
    assert nav_links(page) == []

    page.locator(".st-key-auth_name_input input").fill(NAME)
    page.locator(".st-key-auth_password_input input").fill("wrong password")
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text("用户名或密码错误")

    page.locator(".st-key-auth_name_input input").fill(NAME)
    page.locator(".st-key-auth_password_input input").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    expect(main.locator("h1").first).to_have_text("总览", timeout=FIRST_PAGE_MS)
    settled(page)
    assert_no_error_shown(page, "overview, signed in")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(NAME)
    labels = [label for label, _ in nav_links(page)]
    assert "用户" in labels and "团队" in labels, labels
    users_href = next(h for label, h in nav_links(page) if label == "用户")
    assert visit(page, users_href) == "用户"
    assert_no_error_shown(page, "users page")
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible()
    shot(page, app, "signed_in_users")

    page.locator(".st-key-auth_sign_out button").click()
    expect(main.locator("h1").first).to_have_text("登录")
    assert page.get_by_test_id("stMetric").count() == 0


def _sign_in(page, app) -> None:
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("登录")
    page.locator(".st-key-auth_name_input input").fill(NAME)
    page.locator(".st-key-auth_password_input input").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(
        "总览", timeout=FIRST_PAGE_MS)
    settled(page)


def test_a_reload_and_a_new_tab_keep_the_sign_in_until_sign_out(page, app):
    from playwright.sync_api import expect

    _sign_in(page, app)
    expect(page).to_have_url(re.compile(r"[?&]session="))
    assert PASSWORD not in page.url
    team = next(h for label, h in nav_links(page) if label == "团队")
    page.get_by_test_id("stSidebarNav").locator(f'a[href="{team}"]').click()
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("团队")
    expect(page).to_have_url(re.compile(r"/team\?(.*&)?session="))  # kept after a page switch
    page.reload(wait_until="domcontentloaded")
    settled(page)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("团队")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(NAME)
    # (not assert_no_error_shown: opening a page's own address, Streamlit's page first asks
    # for its settings under that address and logs the 404 before it asks at the root)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0

    tab = page.context.new_page()                       # a new tab on the same address
    tab.goto(page.url, wait_until="domcontentloaded")
    settled(tab)
    expect(tab.get_by_test_id("stMain").locator("h1").first).to_have_text("团队")
    expect(tab.get_by_test_id("stSidebar")).to_contain_text(NAME)

    address = page.url
    tab.locator(".st-key-auth_sign_out button").click()  # signed out in the new tab …
    expect(tab.get_by_test_id("stMain").locator("h1").first).to_have_text("登录")
    page.goto(address, wait_until="domcontentloaded")    # … the old address opens nothing
    settled(page)
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("登录")
    assert page.get_by_test_id("stMetric").count() == 0
    tab.close()
