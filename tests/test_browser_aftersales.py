"""The After-sales page in headless Chromium: a clerk signs in, opens the page from the sidebar,
clicks a case in the list, assigns it in the case's dialog, and the page says it was recorded.

Its own server on a store of its own: two orders and their cases, timed from this moment in the
desk's time zone (one case an hour late, one with two hours left).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from pipeline.accounts import users
from pipeline.base import canonical as C
from pipeline.db.settings import DEFAULTS
from pipeline.db.store import Store
from pipeline.ingest.importing import apply_parsed
from tests.browser_app import (
    FIRST_PAGE_MS,
    PAGE_MS,
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
from tests.conftest import frame, load

pytestmark = pytest.mark.browser

NAME, PASSWORD = "Cleo", "clerk password for the browser"


def _store(db) -> None:
    now = datetime.now(ZoneInfo(DEFAULTS["timezone"])).replace(tzinfo=None, second=0,
                                                                microsecond=0)

    def at(hours: float) -> str:
        return f"{now + timedelta(hours=hours):%Y-%m-%d %H:%M}"

    s = Store(db)
    load(s, [{"order_id": o, "created_at": at(-72), "paid_at": at(-72), "order_total": 100,
              "paid": 100, "currency": "CNY", "status_norm": "shipped", "shipped_at": at(-60)}
             for o in ("o1", "o2")],
         [{"order_id": o, "line_id": "1", "sku": sku, "quantity": 1}
          for o, sku in (("o1", "SERUM"), ("o2", "CREAM"))])
    cases = frame([
        {"case_id": "C1", "order_id": "o1", "status_norm": "awaiting_seller",
         "status_text": "买家已经申请退款，等待卖家同意", "case_type": "return_refund",
         "requested_at": at(-30), "deadline": at(-1), "amount_asked": 100, "reason": "过敏",
         "sku": "SERUM", "buyer_text": "用了以后脸红 <script>alert(1)</script>"},
        {"case_id": "C2", "order_id": "o2", "status_norm": "awaiting_seller",
         "status_text": "买家已经申请退款，等待卖家同意", "case_type": "refund_only",
         "requested_at": at(-5), "deadline": at(2), "amount_asked": 80, "reason": "不想要了",
         "sku": "CREAM"},
    ], {"platform": "taobao", "shop": "s1"})
    cases["deadline"] = pd.to_datetime(cases["deadline"])
    apply_parsed(s, C.Parsed("test", {"cases": cases}, rows_read=2), "cases",
                 hashlib.sha256(b"browser cases").hexdigest(), "test")
    users.add_user(s, NAME, "clerk", PASSWORD, by="test")
    s.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser_aftersales")
    _store(tmp / "aftersales.duckdb")
    with serving(tmp, tmp / "aftersales.duckdb") as running:
        yield running


def test_a_clerk_opens_a_case_and_assigns_it(page, app):
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    page.locator(".st-key-auth_name_input input").fill(NAME)
    page.locator(".st-key-auth_password_input input").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    main = page.get_by_test_id("stMain")
    expect(main.locator("h1").first).to_have_text("总览", timeout=FIRST_PAGE_MS)
    settled(page)
    # the Overview's alarm names the case an hour late and the one due soon
    expect(main.get_by_text("售后：超时 1 · 即将 1")).to_be_visible()

    href = next(h for label, h in nav_links(page) if label == "售后")
    assert visit(page, href) == "售后"
    assert_no_error_shown(page, "after-sales page")
    grid = main.locator("[class*='st-key-as_table_'] [data-testid=stDataFrame]")
    expect(grid).to_be_visible()

    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)   # the first row: C1, the most urgent
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=PAGE_MS)
    expect(dialog).to_contain_text("售后单 C1")
    expect(dialog).to_contain_text("用了以后脸红 <script>alert(1)</script>")   # text, as typed
    expect(dialog).to_contain_text("订单 o1")
    assert_no_error_shown(page, "case dialog")

    dialog.get_by_test_id("stButtonGroup").get_by_text("分配负责人", exact=True).click()
    person = dialog.locator(".st-key-case_person input")
    expect(person).to_be_visible()
    person.fill("小李")
    person.press("Tab")
    submit = dialog.locator(".st-key-case_submit button")
    expect(submit).to_be_enabled()
    shot(page, app, "aftersales_dialog")
    submit.click()
    expect(dialog).to_be_hidden(timeout=PAGE_MS)
    expect(main.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(
        "已记录：售后单 C1 分配负责人")
    settled(page)
    assert_no_error_shown(page, "after the assignment")
    shot(page, app, "aftersales")
    assert page.watch.dialogs == []
