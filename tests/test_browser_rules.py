"""The two rules editors of the Settings page in headless Chromium (DESIGN §12): a manager adds a
message rule, tests it against the store's open orders (and sees how many it would catch),
saves it and sees it in the table; adds a courier rule and sees how the orders waiting to ship
would split before saving. Screenshots of both editors at 1440 and 390 px wide.

Its own server on a store of its own: five orders waiting to ship (messages, a note, a flag,
provinces that the default courier rules send apart) and a closed one, and a manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipeline.accounts import users
from pipeline.db.settings import DEFAULTS
from pipeline.db.store import Store
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
    sign_in,
    visit,
)
from tests.conftest import load
from tests.factories import ADDR

pytestmark = pytest.mark.browser

NAME, PASSWORD = "Mia", "manager password for the browser"
SETTINGS = "规则设置"


def _store(db) -> None:
    now = datetime.now(ZoneInfo(DEFAULTS["timezone"])).replace(tzinfo=None, second=0,
                                                                microsecond=0)
    at = f"{now - timedelta(hours=3):%Y-%m-%d %H:%M}"

    def waiting(order_id: str, total: float = 100, **facts) -> dict:
        return {"order_id": order_id, "status_norm": "paid", "created_at": at, "paid_at": at,
                "order_total": total, "paid": total, "currency": "CNY", **ADDR, **facts}

    s = Store(db)
    load(s, [
        waiting("w1", buyer_message="麻烦发顺丰，谢谢"),                  # asks for 顺丰
        waiting("w2", buyer_message="预售的，15号前发就行"),
        waiting("w3", seller_note="预售单 尾款后发", province="新疆维吾尔自治区",
                city="乌鲁木齐市", district="天山区"),                    # EMS by region
        waiting("w4", buyer_message="你好", seller_flag="红"),
        waiting("w5", 680, province="浙江省", city="杭州市", district="西湖区"),
        {**waiting("c1", buyer_message="预售"), "status_norm": "closed", "is_paid": False,
         "paid": 0, "closed_at": at},                                     # not open: not caught
    ])
    users.add_user(s, NAME, "manager", PASSWORD, by="test")
    s.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser_rules")
    _store(tmp / "rules.duckdb")
    with serving(tmp, tmp / "rules.duckdb") as running:
        yield running


def sign_in_to_settings(page, app: App) -> None:
    sign_in(page, app, NAME, PASSWORD)
    href = next(h for label, h in nav_links(page) if label == SETTINGS)
    assert visit(page, href) == SETTINGS
    assert_no_error_shown(page, "settings page")


def grid_cells(page, grid) -> list[str]:
    """The texts of a grid's cells as its accessible table gives them, row by row."""
    return grid.evaluate(CELLS_JS)


CELLS_JS = "g => [...g.querySelectorAll('[role=\"gridcell\"]')].map(c => c.innerText.trim())"


def edit_cell(page, grid, row: int, x: int, text: str) -> None:
    """Type `text` into the data editor's cell on `row` (0 = the first), `x` pixels from its
    left (the editor's columns have fixed widths; the row after the last adds a row). Waits
    until the editor holds the text."""
    box = grid.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + ROW_PX * (row + 1) + ROW_PX // 2)
    # the cell is selected (typing opens its editor), or its editor is open already
    page.wait_for_function("g => g.contains(document.activeElement) "
                           "|| document.activeElement.matches('textarea.gdg-input')",
                           arg=grid.element_handle())
    page.keyboard.type(text)            # on the row after the last: a new row with the text
    page.keyboard.press("Tab")          # the value is kept and the editor runs again
    wait_for_cell(page, grid, text)
    settled(page)


def wait_for_cell(page, grid, text: str) -> None:
    """Wait until a cell of the grid holds `text`."""
    page.wait_for_function(f"([g, t]) => ({CELLS_JS})(g).includes(t)",
                           arg=[grid.element_handle(), text])


ROW_PX = 35                  # a grid row, and its header
CATEGORY_X, WORDS_X = 158, 348   # the middle of the category and words columns


def to_heading(page, title: str) -> None:
    page.get_by_test_id("stMain").get_by_role("heading", name=title).first.evaluate(
        "e => e.scrollIntoView({block: 'start'})")


def test_a_manager_adds_a_message_rule_tests_it_and_saves_it(page, app):
    from playwright.sync_api import expect

    sign_in_to_settings(page, app)
    main = page.get_by_test_id("stMain")
    editor = main.locator(".st-key-mr_editor [data-testid=stDataFrame]")
    expect(editor).to_be_visible()
    to_heading(page, "留言与备注规则")        # the whole editor on screen
    # the eight default rules; the row after them adds a ninth
    edit_cell(page, editor, 8, CATEGORY_X, "预售")
    edit_cell(page, editor, 8, WORDS_X, "预售|尾款")
    cells = grid_cells(page, editor)
    assert "预售" in cells and "预售|尾款" in cells

    main.locator(".st-key-mr_test_rules button").first.click()
    settled(page)
    # w1 asks for 顺丰 (a default rule); w2's message and w3's note are 预售; the closed c1 is not
    expect(main.locator('[data-testid="stAlertContentSuccess"]').first).to_contain_text(
        "3 个待处理订单会被这些规则匹配")
    grids = main.get_by_test_id("stDataFrame")
    counts = grid_cells(page, grids.filter(has_text="订单数").filter(has_text="类别"))
    assert counts == ["指定快递", "1", "预售", "2"]
    listed = grid_cells(page, grids.filter(has_text="命中词"))       # the orders caught
    assert {"w1", "w2", "w3"} <= set(listed) and "c1" not in listed
    rows = [listed[i:i + 7] for i in range(0, len(listed), 7)]   # order … matched, text
    assert ["w3", "s1 · 淘宝/天猫", "卖家备注", "预售", "打标记", "预售", "预售单 尾款后发"] in rows
    assert_no_error_shown(page, "after the test")
    to_heading(page, "留言与备注规则")
    shot(page, app, "message_rules_1440")

    main.locator(".st-key-mr_save_rules button").first.click()
    settled(page)
    expect(main.get_by_text("规则已保存。")).to_be_visible(timeout=PAGE_MS)
    # drawn again from the saved table (the editor of the run before gone): the new rule is in it
    expect(editor).to_have_count(1, timeout=PAGE_MS)
    wait_for_cell(page, editor, "预售|尾款")
    cells = grid_cells(page, editor)
    assert cells.count("预售") == 1 and "预售|尾款" in cells
    assert_no_error_shown(page, "after the save")


def test_a_courier_rule_is_added_and_the_split_previewed_before_saving(page, app):
    from playwright.sync_api import expect

    sign_in_to_settings(page, app)
    main = page.get_by_test_id("stMain")
    to_heading(page, "快递分配规则")
    kind = main.locator(".st-key-cr_kind").get_by_role("combobox")
    expect(kind).to_be_visible()
    kind.click()
    page.get_by_role("option", name="地区", exact=True).click()
    expect(kind).to_have_value("地区")
    main.locator(".st-key-cr_match input").fill("浙江")
    main.locator(".st-key-cr_courier input").fill("中通快递")
    main.locator(".st-key-cr_courier input").press("Tab")
    main.locator(".st-key-cr_add_rule button").click()
    settled(page)
    expect(main.get_by_text("规则表有未保存的修改。")).to_be_visible()

    main.locator(".st-key-cr_preview_split button").first.click()
    settled(page)
    split = main.get_by_test_id("stDataFrame").filter(has_text="修改后（单）")
    expect(split).to_be_visible()
    # courier, now, after: w5 (浙江) leaves the orders without a courier for 中通快递
    rows = grid_cells(page, split)
    rows = [tuple(rows[i:i + 3]) for i in range(0, len(rows), 3)]
    assert sorted(rows) == sorted([("（不分配）", "3", "2"), ("中通快递", "0", "1"),
                                   ("EMS", "1", "1"), ("顺丰", "1", "1")])
    assert_no_error_shown(page, "after the preview")
    to_heading(page, "快递分配规则")
    shot(page, app, "courier_rules_1440")

    main.locator(".st-key-cr_save_rules button").first.click()
    settled(page)
    expect(main.get_by_text("快递规则已保存。")).to_be_visible(timeout=PAGE_MS)
    expect(main.get_by_text("规则表有未保存的修改。")).to_be_hidden()
    assert_no_error_shown(page, "after the save")


# The buttons of the two editors whose label does not fit (cut with an ellipsis), and the
# width the main area would need beyond the screen.
CUT_LABELS_JS = """() => [...document.querySelectorAll(
        '[class*="st-key-cr_"] button, [class*="st-key-mr_"] button')]
    .filter(b => [b, ...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
    .map(b => b.innerText.trim())"""
OVERFLOW_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main.scrollWidth - main.clientWidth;
}"""

# Playwright's "iPhone 13" profile, taller: a phone's user agent and touch, 390 px wide
PHONE = {
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/604.1",
    "viewport": {"width": 390, "height": 1400}, "device_scale_factor": 2, "is_mobile": True,
    "has_touch": True,
}


def test_both_editors_at_1440_px_show_every_button_whole(page, app):
    sign_in_to_settings(page, app)
    assert page.evaluate(CUT_LABELS_JS) == []
    assert page.evaluate(OVERFLOW_JS) <= 0
    for title, name in (("快递分配规则", "courier_rules_editor_1440"),
                        ("留言与备注规则", "message_rules_editor_1440")):
        to_heading(page, title)
        shot(page, app, name)


def test_both_editors_on_a_phone_fit_390_px(browser, app):
    from playwright.sync_api import expect

    from tests.browser_app import Watch

    context = browser.new_context(locale="zh-CN", **PHONE)
    phone = context.new_page()
    phone.set_default_timeout(PAGE_MS)
    phone.watch = Watch(app.url)
    phone.on("console", phone.watch.on_console)
    try:
        open_app(phone, app, timeout=FIRST_PAGE_MS)
        phone.locator(".st-key-auth_name_input input").fill(NAME)
        phone.locator(".st-key-auth_password_input input").fill(PASSWORD)
        phone.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
        main = phone.get_by_test_id("stMain")
        expect(main.locator("h1").first).to_have_text("总览", timeout=FIRST_PAGE_MS)
        settled(phone)
        phone.get_by_test_id("stExpandSidebarButton").click()      # a phone opens it first
        href = next(h for label, h in nav_links(phone) if label == SETTINGS)
        assert visit(phone, href) == SETTINGS
        assert_no_error_shown(phone, "settings on a phone")
        assert phone.evaluate(CUT_LABELS_JS) == []
        assert phone.evaluate(OVERFLOW_JS) <= 0              # the tables scroll inside themselves
        for title, name in (("快递分配规则", "courier_rules_editor_390"),
                            ("留言与备注规则", "message_rules_editor_390")):
            to_heading(phone, title)
            shot(phone, app, name)
    finally:
        context.close()
