"""The running app on a first start and on a phone, in headless Chromium.

- While the app starts (the first run after the server starts, which also loads the demo),
  every painted frame of the sidebar shows the pages' titles, never the `pages/` file names.
- On a phone (Playwright's iPhone 13 profile: 390 px wide, a phone's user agent, touch), the
  KPI cards sit two to a row with no figure cut off, and the sidebar closes after a page is
  chosen in it.

Its own server on a fresh store, so that its first session is the server's first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.base.labels import label
from tests.browser_app import (
    FIRST_PAGE_MS,
    App,
    _chromium_or_skip,
    serving,
    settled,
    shot,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FILE_NAMES = {"app", *(p.stem for p in (ROOT / "pages").glob("*.py"))}
SPINNER_DEMO_ORDERS = "20000"   # a demo that takes its first start longer than half a second

# Every animation frame (what a person can see): the labels in the sidebar's navigation, and
# whether the demo's loading spinner is on screen.
PAINTED_NAV_JS = """
window.__painted = [];
const sample = () => {
  const labels = [...document.querySelectorAll(
      '[data-testid=stSidebarNav] [data-testid=stSidebarNavLink] span[label]')]
      .map(s => s.getAttribute('label'));
  const spinner = !!document.querySelector('[data-testid=stMain] [data-testid=stSpinner]');
  const key = (spinner ? 'spinner:' : ':') + labels.join('|');
  const seen = window.__painted;
  if (labels.length && seen[seen.length - 1] !== key) seen.push(key);
  requestAnimationFrame(sample);
};
requestAnimationFrame(sample);
"""


# Playwright's "iPhone 13" profile (a phone's user agent is what makes Streamlit close the
# sidebar after a page is chosen)
PHONE = {
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/604.1",
    "viewport": {"width": 390, "height": 664}, "device_scale_factor": 3, "is_mobile": True,
    "has_touch": True,
}


def painted_navigations(page) -> list[tuple[bool, list[str]]]:
    """(spinner shown, labels) for each change of what was painted, in order."""
    out = []
    for key in page.evaluate("window.__painted"):
        spinner, labels = key.split(":", 1)
        out.append((spinner == "spinner", labels.split("|")))
    return out


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser_narrow")
    with serving(tmp, tmp / "app.duckdb", demo_orders="300", shots=tmp / "shots") as running:
        yield running


@contextmanager
def first_view(browser, url: str) -> Iterator:
    """A new 1440 px browser context recording what the navigation paints, at `url`, settled
    as a first view after a server's start."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    context.add_init_script(PAINTED_NAV_JS)
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        settled(page, FIRST_PAGE_MS)
        yield page
    finally:
        context.close()


def test_the_first_start_paints_page_titles_never_file_names(browser, tmp_path):
    # A server of its own: the first view after the start is this test's whatever the order
    # of the tests, and a demo large enough that loading it outlasts the half second
    # Streamlit waits before it shows a spinner: the demo's own size (20,000 orders, about
    # 1.3 s to load here; 2,000 load in 0.42-0.5 s, too close to it).
    with serving(tmp_path, tmp_path / "app.duckdb", demo_orders=SPINNER_DEMO_ORDERS,
                 shots=tmp_path / "shots") as fresh:
        _first_start(browser, fresh)


def test_a_warm_start_serves_the_first_page_it_worked_out(browser, tmp_path):
    # `python app.py`: the demo written and the first page run before the server answers; the
    # first visitor then sees the titles and the page, and no spinner for the demo
    with serving(tmp_path, tmp_path / "app.duckdb", demo_orders="300",
                 shots=tmp_path / "shots", warm=True) as fresh:
        assert "first page ready" in fresh.log.read_text(errors="replace")
        with first_view(browser, fresh.url) as page:
            main = page.get_by_test_id("stMain")
            assert [h.inner_text().strip() for h in main.locator("h1").all()] == ["总览"]
            main.get_by_test_id("stMetric").first.wait_for(timeout=FIRST_PAGE_MS)
            seen = painted_navigations(page)
            assert not any(spinner for spinner, _ in seen), seen
            last = seen[-1][1]
            assert label("page_overview", "zh") in last and not FILE_NAMES & set(last), last


def _first_start(browser, app: App) -> None:
    with first_view(browser, app.url) as page:
        seen = painted_navigations(page)
        titles = [i for i, (_, labels) in enumerate(seen) if not FILE_NAMES & set(labels)]
        assert titles, f"the pages' titles were never painted: {seen}"
        # Streamlit draws the `pages/` file names before app.py's first line runs (the first
        # run after the server starts); app.py replaces them at once: they may be painted for
        # a frame or two before, never after the titles, and never beside the demo's spinner.
        after = [labels for _, labels in seen[titles[0]:] if FILE_NAMES & set(labels)]
        assert after == [], f"file names painted after the titles: {after}"
        assert not [labels for spinner, labels in seen if spinner and FILE_NAMES & set(labels)]
        assert any(spinner for spinner, _ in seen[titles[0]:]), "the demo loaded under titles"
        last = seen[-1][1]
        assert label("page_overview", "zh") in last and label("page_queue", "zh") in last


def test_a_page_asked_for_first_after_the_start_comes_inside_the_frame(browser, tmp_path):
    """Streamlit runs a file of pages/ alone when its address is the first one asked for after
    the server starts: the desk runs app.py around it, with the titles, sidebar and filters."""
    from playwright.sync_api import expect

    with (serving(tmp_path, tmp_path / "app.duckdb", demo_orders="300",
                  shots=tmp_path / "shots") as fresh,
          first_view(browser, f"{fresh.url}/stock") as page):
        main = page.get_by_test_id("stMain")
        assert [h.inner_text().strip() for h in main.locator("h1").all()] == ["库存"]
        assert page.locator("[role=dialog]").count() == 0, "no 'page not found'"
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_test_id("stMultiSelect").filter(has_text="店铺")).to_have_count(1)
        last = painted_navigations(page)[-1][1]
        assert label("page_stock", "zh") in last and not FILE_NAMES & set(last), last
        page.reload(wait_until="domcontentloaded")   # and for the next visitor too
        settled(page)
        last = painted_navigations(page)[-1][1]
        assert label("page_stock", "zh") in last and not FILE_NAMES & set(last), last


@pytest.mark.parametrize(("path", "cards"), [("", 8), ("stock", 5), ("queue", 5),
                                             ("promotions", 5)])
def test_on_a_phone_kpi_cards_sit_two_to_a_row_and_nothing_is_cut(browser, app, path,
                                                                   cards):
    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
        settled(page, FIRST_PAGE_MS)
        page.wait_for_function("(n) => document.querySelectorAll("
                               "'[data-testid=stMain] [data-testid=stMetric]').length >= n",
                               arg=cards)
        # the cards as laid out once they stay put (a card drawn before the grid's style took
        # hold keeps the full width for a moment, until the grid resizes it)
        page.wait_for_function(STEADY_CARDS_JS, polling=250, timeout=FIRST_PAGE_MS)
        boxes = [c.bounding_box() for c in
                 page.get_by_test_id("stMain").get_by_test_id("stMetric").all()]
        rows: dict[int, int] = {}
        for b in boxes:
            rows[round(b["y"])] = rows.get(round(b["y"]), 0) + 1
        assert max(rows.values()) == 2, rows
        width = page.viewport_size["width"]
        assert all(b["width"] < width / 2 for b in boxes), boxes
        cut = page.evaluate(CUT_FIGURES_JS)
        assert cut == [], f"figures cut off: {cut}"
        shot(page, app, f"phone_{path or 'overview'}")
    finally:
        context.close()


STEADY_CARDS_JS = """() => {
  const now = JSON.stringify([...document.querySelectorAll(
      '[data-testid=stMain] [data-testid=stMetric]')].map(e => {
        const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }));
  window.__steady = window.__cards === now ? (window.__steady || 0) + 1 : 0;
  window.__cards = now;
  return window.__steady >= 4;   // the same boxes for a second (four polls in a row)
}"""


CUT_FIGURES_JS = """() => [...document.querySelectorAll(
    '[data-testid=stMain] [data-testid=stMetricValue]')]
    .filter(v => v.scrollWidth > v.clientWidth + 1
                 || [...v.querySelectorAll('*')].some(c => c.scrollWidth > c.clientWidth + 1))
    .map(v => v.innerText)"""


@pytest.mark.parametrize("path", ["", "promotions", "warroom", "overdue"])
def test_on_a_wide_screen_no_figure_is_cut(browser, app, path):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{app.url}/{path}", wait_until="domcontentloaded")
        settled(page, FIRST_PAGE_MS)
        page.get_by_test_id("stMain").get_by_test_id("stMetric").first.wait_for()
        assert page.evaluate(CUT_FIGURES_JS) == []
    finally:
        context.close()


def test_on_a_phone_the_sidebar_closes_after_choosing_a_page(browser, app):
    from playwright.sync_api import expect

    context = browser.new_context(**PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(app.url, wait_until="domcontentloaded")
        settled(page, FIRST_PAGE_MS)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_have_attribute("data-collapsed", "true")  # closed on a phone
        page.get_by_test_id("stExpandSidebarButton").tap()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        queue = label("page_queue", "zh")
        page.get_by_test_id("stSidebarNav").get_by_text(queue, exact=True).tap()
        page.wait_for_url("**/queue")
        expect(sidebar).to_have_attribute("data-collapsed", "true")
        settled(page)
        assert page.get_by_test_id("stMain").locator("h1").first.inner_text().strip() == queue
    finally:
        context.close()
