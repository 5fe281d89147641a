"""The Pack page in headless Chromium, as a barcode scanner drives it: each code typed into the
field and Enter, the field keeping the focus from one code to the next. On a desktop (1440 px)
a clerk scans a slip's tracking number, a wrong item (shown in red, with a sound), then the
parcel's items, and the page says it was recorded packed; on a phone (390 px) the same with
another parcel, an item scanned by its barcode.

Its own server on a store of its own: w1 (A ×1, B ×2, tracking number SF1) and w2 (A ×1, B ×1,
tracking number SF2), both paid and processed; the stock gives B the barcode 6901111111111;
w3 (the set SET = A + B, SF3) and w4 (A, SF4, held: flagged by hand).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from pipeline.accounts import users
from pipeline.db.store import Store
from pipeline.desk import actions as A
from tests.browser_app import (
    FIRST_PAGE_MS,
    PAGE_MS,
    App,
    _chromium_or_skip,
    nav_links,
    serving,
    settled,
    shot,
    sign_in,
    visit,
)
from tests.conftest import load, load_tables

pytestmark = pytest.mark.browser

NAME, PASSWORD = "Cleo", "clerk password for the packing bench"
PAID = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}
PHONE = {
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/604.1",
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
    "has_touch": True,
}
FOCUSED_JS = "() => !!document.activeElement?.closest('.st-key-pack_scan')"
ALERT_COLOUR_JS = """() => {
    const alert = document.querySelector('.st-key-pack_said [data-testid=stAlertContainer]');
    return alert ? getComputedStyle(alert).backgroundColor : null;
}"""


def _store(db) -> None:
    s = Store(db)
    load(s, [{"order_id": "w1", **PAID, "courier": "SF", "tracking_no": "SF1"},
             {"order_id": "w2", **PAID, "courier": "SF", "tracking_no": "SF2"},
             {"order_id": "w3", **PAID, "courier": "SF", "tracking_no": "SF3"},
             {"order_id": "w4", **PAID, "courier": "SF", "tracking_no": "SF4"}],
         [{"order_id": "w1", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1},
          {"order_id": "w1", "line_id": "2", "sku": "B", "title": "面霜", "quantity": 2},
          {"order_id": "w2", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1},
          {"order_id": "w2", "line_id": "2", "sku": "B", "title": "面霜", "quantity": 1},
          {"order_id": "w3", "line_id": "1", "sku": "SET", "title": "礼盒", "quantity": 1},
          {"order_id": "w4", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1}])
    load_tables(s, stock=[{"sku": "A", "available": 50, "name": "精华"},
                          {"sku": "B", "available": 50, "name": "面霜"},
                          {"sku": "X", "available": 50, "name": "口红"},
                          {"sku": "SET", "available": 50, "name": "礼盒"}],
                bundles=[{"bundle_sku": "SET", "component_sku": "A", "quantity": 1},
                         {"bundle_sku": "SET", "component_sku": "B", "quantity": 1}])
    with s.write() as cur:   # the column the stock layout gains (条码, 69码, Barcode)
        cur.execute("alter table stock add column if not exists barcode varchar")
        cur.execute("update stock set barcode = '6901111111111' where sku = 'B'")
    A.record(s, ("taobao", "s1", "w4"), "flag", by="ann", text="外盒破损")   # held
    users.add_user(s, NAME, "clerk", PASSWORD, by="test")
    s.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser_pack")
    _store(tmp / "pack.duckdb")
    with serving(tmp, tmp / "pack.duckdb") as running:
        yield running


def _sign_in(page, app: App) -> None:
    sign_in(page, app, NAME, PASSWORD)


def _scan(page, code: str, said: str) -> None:
    """The code typed where the focus is and Enter, as a scanner does; waits until the page
    says `said` about it, then checks the field kept the focus and was emptied."""
    from playwright.sync_api import expect

    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.locator(".st-key-pack_said")).to_contain_text(said, timeout=PAGE_MS)
    settled(page)
    assert page.evaluate(FOCUSED_JS), f"the field lost the focus after {code}"
    expect(page.locator(".st-key-pack_scan input")).to_have_value("")


def _no_fault(page, where: str) -> None:
    assert page.get_by_test_id("stException").count() == 0, where
    assert page.watch.page_errors == [] and page.watch.dialogs == [], where


def _red(colour: str | None) -> bool:
    """A red tint: `rgb(255, 242, 242)`, a light red background, is one."""
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", colour or "")[:3])
    return r - max(g, b) >= 10


def test_scans_typed_with_enter_pack_a_parcel_on_a_desktop(page, app):
    from playwright.sync_api import expect

    _sign_in(page, app)
    href = next(h for label, h in nav_links(page) if label == "验货打包")
    assert visit(page, href) == "验货打包"
    _no_fault(page, "pack page")
    page.locator(".st-key-pack_scan input").click()

    _scan(page, "SF1", "包裹 w1：请逐件扫描商品（共 3 件）")
    main = page.get_by_test_id("stMain")
    expect(main.locator("h3").filter(has_text="包裹 w1").last).to_have_text("包裹 w1")
    _scan(page, "X", "错货")                                  # not in the parcel: red, a sound
    expect(page.locator(".st-key-pack_said [data-testid=stAlertContentError]")).to_contain_text(
        "X 不是这个包裹的商品")
    assert _red(page.evaluate(ALERT_COLOUR_JS))
    sound = page.locator(".st-key-pack_sound audio")
    expect(sound).to_have_count(1)
    assert sound.get_attribute("autoplay") is not None
    _scan(page, "A", "A：1/1")
    _scan(page, "B", "B：1/2")
    shot(page, app, "pack_1440_mid")
    _scan(page, "B", "验货完成，已记录为已验货打包")
    expect(page.locator(".st-key-pack_said [data-testid=stAlertContentSuccess]")).to_contain_text(
        "✓ 包裹 w1 验货完成，已记录为已验货打包（操作 #")
    expect(page.locator(".st-key-pack_undo button")).to_be_visible()
    shot(page, app, "pack_1440_done")
    _no_fault(page, "packed")


def test_scans_typed_with_enter_pack_a_parcel_on_a_phone(browser, app):
    from playwright.sync_api import expect

    from tests.browser_app import Watch

    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(PAGE_MS)
    page.watch = Watch(app.url)
    page.on("pageerror", lambda e: page.watch.page_errors.append(f"page error: {e}"))
    try:
        _sign_in(page, app)
        query = urlparse(page.url).query          # the session, kept in the address
        page.goto(f"{app.url}/pack?{query}", wait_until="domcontentloaded")
        settled(page, FIRST_PAGE_MS)
        expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("验货打包")
        field = page.locator(".st-key-pack_scan input")
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        field.click()
        _scan(page, "sf2", "包裹 w2：请逐件扫描商品（共 2 件）")
        _scan(page, "6901111111111", "B：1/1")                 # B by its barcode
        _scan(page, "6901111111111", "多了")                    # one B too many
        expect(page.locator(".st-key-pack_said [data-testid=stAlertContentError]")
               ).to_be_visible()
        shot(page, app, "pack_390_mid")
        _scan(page, "a", "验货完成，已记录为已验货打包")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        shot(page, app, "pack_390_done")
        _no_fault(page, "packed on a phone")
    finally:
        context.close()


def test_a_held_order_is_refused_and_a_set_is_packed_by_its_own_code(page, app):
    from playwright.sync_api import expect

    _sign_in(page, app)
    href = next(h for label, h in nav_links(page) if label == "验货打包")
    assert visit(page, href) == "验货打包"
    page.locator(".st-key-pack_scan input").click()
    _scan(page, "SF4", "不能验货：订单 w4")                   # held by a problem, with its reason
    said = page.locator(".st-key-pack_said [data-testid=stAlertContentError]")
    expect(said).to_contain_text("外盒破损")
    assert _red(page.evaluate(ALERT_COLOUR_JS))
    _scan(page, "SF3", "包裹 w3：请逐件扫描商品（共 2 件）")   # the set's two components
    _scan(page, "SET", "验货完成，已记录为已验货打包")          # the set scanned whole
    _no_fault(page, "a set packed")
