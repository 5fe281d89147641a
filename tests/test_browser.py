"""The running app in headless Chromium: every page opens without an error, a filter and an
action work, and hostile text stays text.

The app is started with `streamlit run app.py` on an empty temporary store, which it fills with
the demo shop (ORDERDESK_DEMO_ORDERS orders) on first start. Debian's chromium is driven by
Playwright through `executable_path`; no browser is ever downloaded. In CI (env CI set) a
missing chromium fails the test; elsewhere it skips with the reason.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

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
from tests.factories import pdf_text

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser")
    # a demo of 4,000 orders: batches to process, undo and print at any hour of the day
    with serving(tmp, tmp / "app.duckdb", demo_orders="4000") as running:
        yield running


# ---------------------------------------------------------------------------------------------


def test_every_page_in_the_navigation_opens_without_an_error(page, app):
    open_app(page, app, timeout=FIRST_PAGE_MS)
    links = nav_links(page)
    assert len(links) >= 2, links
    seen = []
    for _, href in links:
        label = visit(page, href)
        expect_metrics_or_tables(page)
        assert_no_error_shown(page, label)
        shot(page, app, href.removeprefix(app.url).strip("/") or "overview")
        seen.append(label)
    assert len(seen) == len(links)
    print(f"pages: {seen}; screenshots in {app.shots}")


def expect_metrics_or_tables(page) -> None:
    """A page shows data: a metric, a table, a chart or an info line (an empty state)."""
    from playwright.sync_api import expect

    content = page.get_by_test_id("stMain").locator(
        '[data-testid="stMetric"], [data-testid="stDataFrame"], [data-testid="stTable"], '
        '[data-testid="stPlotlyChart"], [data-testid="stAlert"], [data-testid="stFileUploader"]')
    expect(content.first).to_be_visible()


STATE_TOTAL_JS = """() => {
    const grid = document.querySelector('[data-testid="stMain"] [data-testid="stDataFrame"]');
    if (!grid) return null;
    const cells = [...grid.querySelectorAll('table td, table [role="gridcell"]')];
    const numbers = cells.map(c => c.innerText.trim().replace(/,/g, ''))
                         .filter(t => /^[0-9]+$/.test(t)).map(Number);
    return numbers.length ? numbers.reduce((a, b) => a + b, 0) : null;
}"""


def test_a_shop_filter_moves_the_overview_numbers(page, app):
    """Choose one shop in the sidebar: the orders per state drop to that shop's share."""
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    page.wait_for_function(f"({STATE_TOTAL_JS})() !== null")
    before = page.evaluate(STATE_TOTAL_JS)
    shop_box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text="店铺")
    shop_box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    assert options.count() >= 2, "the demo has more than one shop"
    chosen = options.nth(options.count() - 1).inner_text().strip()
    options.nth(options.count() - 1).click()
    page.keyboard.press("Escape")
    expect(shop_box).to_contain_text(chosen)
    page.wait_for_function(
        f"(before) => {{ const n = ({STATE_TOTAL_JS})(); return n !== null && n !== before; }}",
        arg=before)
    settled(page)
    after = page.evaluate(STATE_TOTAL_JS)
    assert 0 < after < before, (before, after)
    assert_no_error_shown(page, "overview with a shop filter")
    shot(page, app, "overview_filtered")


def test_language_and_filters_survive_a_page_switch(page, app):
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    shop_box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has_text="店铺")
    shop_box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    option = options.nth(options.count() - 1)  # a shop, not the "Select all" entry
    chosen = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    expect(shop_box).to_contain_text(chosen)
    settled(page)
    links = nav_links(page)
    label = visit(page, links[1][1])
    assert label == links[1][0], "the page keeps the language chosen (中文)"
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
           ).to_contain_text(chosen, timeout=5_000)


def test_the_pick_list_pdf_downloads_and_reads_back(page, app):
    """The pick list of the chosen batch, as PDF: built on the click, its Chinese text intact.
    Before the tests that process batches: at some hours the demo proposes only two."""
    _queue(page, app)
    with page.expect_download() as download:
        page.locator(".st-key-queue_print_pick_pdf button").click()
    name = download.value.suggested_filename      # pick_<batch id>_<time>.pdf
    batch_id = re.fullmatch(r"pick_([0-9a-f]{6}-\d+)_\d{8}_\d{4}\.pdf", name).group(1)
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert f"拣货单 | {batch_id}" in text, text[:500]
    assert_no_error_shown(page, "queue after downloading the pick list")


def test_processing_a_batch_on_the_queue_page_is_recorded(page, app):
    """The desk names itself, processes the most urgent batch after confirming it, and the
    queue shrinks by it."""
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    queue_href = next((h for _, h in nav_links(page) if h.rstrip("/").endswith("/queue")), None)
    if queue_href is None:
        pytest.fail("no Queue page in the navigation: the action part of this test needs it")
    visit(page, queue_href)
    main = page.get_by_test_id("stMain")
    to_process = main.get_by_test_id("stMetric").nth(1).get_by_test_id("stMetricValue")
    before = int(to_process.inner_text().replace(",", ""))
    name = page.locator(".st-key-actor_input input")
    name.fill("browser-test")
    name.press("Enter")
    button = page.locator(".st-key-queue_process_batch button")
    expect(button).to_be_enabled()
    n = int(re.search(r"\d+", button.inner_text()).group())
    assert 0 < n <= before
    button.click()
    confirm = page.locator(".st-key-queue_confirm button")  # a batch action asks first
    expect(confirm).to_contain_text(str(n))
    expect(to_process).to_have_text(f"{before:,}")
    confirm.click()
    expect(main.get_by_test_id("stAlertContentSuccess")).to_be_visible()
    expect(to_process).to_have_text(f"{before - n:,}")
    settled(page)
    assert_no_error_shown(page, "queue after processing a batch")
    shot(page, app, "queue_processed")


IDS_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stDataFrame"] table td, '
    + '[data-testid="stMain"] [data-testid="stDataFrame"] [role="gridcell"]')]
    .map(c => c.innerText.trim()).filter(t => /^[0-9]{16,19}$/.test(t))"""


def test_the_sidebar_search_opens_the_order(page, app):
    """An order id read off the Queue page, typed into the sidebar box: its dialog opens."""
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    queue_href = next((h for _, h in nav_links(page) if h.rstrip("/").endswith("/queue")), None)
    assert queue_href, "no Queue page in the navigation"
    visit(page, queue_href)
    page.wait_for_function(f"({IDS_JS})().length > 0")
    order_id = page.evaluate(IDS_JS)[0]
    box = page.get_by_test_id("stSidebar").locator(".st-key-search_q input")
    box.fill(order_id)
    box.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(order_id)
    expect(dialog.get_by_test_id("stDataFrame").first).to_be_visible()
    assert_no_error_shown(page, "order dialog opened from the search box")
    shot(page, app, "search_dialog")


def _queue(page, app: App):
    open_app(page, app, timeout=FIRST_PAGE_MS)
    queue_href = next((h for _, h in nav_links(page) if h.rstrip("/").endswith("/queue")), None)
    assert queue_href, "no Queue page in the navigation"
    visit(page, queue_href)
    name = page.locator(".st-key-actor_input input")
    name.fill("browser-test")
    name.press("Enter")
    settled(page)
    return page.get_by_test_id("stMain")


def test_a_batch_action_is_undone_as_one_step(page, app):
    """Process the most urgent batch (confirmed), then undo it with one click: every order
    of it is back in the queue."""
    from playwright.sync_api import expect

    main = _queue(page, app)
    to_process = main.get_by_test_id("stMetric").nth(1).get_by_test_id("stMetricValue")
    before = int(to_process.inner_text().replace(",", ""))
    page.locator(".st-key-queue_process_batch button").click()
    page.locator(".st-key-queue_confirm button").click()
    expect(main.get_by_test_id("stAlertContentSuccess")).to_be_visible(timeout=PAGE_MS)
    page.wait_for_function("(b) => { const v = document.querySelectorAll("
                           "'[data-testid=stMain] [data-testid=stMetricValue]')[1];"
                           " return v && Number(v.innerText.replace(/,/g, '')) < b; }", arg=before)
    undo = page.locator(".st-key-queue_undo_batch button").first
    expect(undo).to_be_enabled(timeout=PAGE_MS)
    undo.click()
    expect(to_process).to_have_text(f"{before:,}", timeout=PAGE_MS)
    settled(page)
    assert_no_error_shown(page, "queue after undoing a batch")


def test_clicking_a_cell_of_an_order_table_opens_the_order(page, app):
    """A click on a cell (not the tick box) of the batch's orders opens that order."""
    from playwright.sync_api import expect

    main = _queue(page, app)
    grid = main.locator("[class*='st-key-queue_batch_orders_v'] [data-testid=stDataFrame]")
    expect(grid).to_be_visible()
    page.wait_for_function(f"({IDS_JS})().length > 0")
    ids = set(page.evaluate(IDS_JS))
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 120, box["y"] + 35 + 17)  # the first row's order id
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=PAGE_MS)
    title = dialog.inner_text()
    assert any(i in title for i in ids), title[:300]
    assert_no_error_shown(page, "order dialog opened by a click on a cell")
    shot(page, app, "cell_click_dialog")


def test_a_bulk_shipping_file_uploaded_marks_its_orders_processed(page, app):
    """The platforms' 批量发货 file (order id, courier, tracking number) uploaded on the Queue
    page: previewed, confirmed, and the order carries its tracking number."""
    from playwright.sync_api import expect

    main = _queue(page, app)
    page.wait_for_function(f"({IDS_JS})().length > 0")
    order_id = page.evaluate(IDS_JS)[0]
    tracking = "SF9900001234567"
    page.locator(".st-key-bulk_show label").click()
    upload = page.locator(".st-key-bulk_file input[type=file]")
    upload.set_input_files(files=[{
        "name": "批量发货.csv", "mimeType": "text/csv",
        "buffer": f"订单编号,物流公司,运单号\n{order_id},顺丰速运,{tracking}\n".encode("gbk")}])
    preview = page.locator(".st-key-bulk_preview button")
    expect(preview).to_be_enabled()
    preview.click()
    confirm = page.locator(".st-key-bulk_confirm button")
    expect(confirm).to_be_enabled(timeout=PAGE_MS)
    confirm.click()
    # the recorded message, not the preview's "all rows fit" (also a success) still on screen
    expect(main.get_by_test_id("stAlertContentSuccess").filter(
        has_text="已记录 1 个订单的快递和运单号")).to_be_visible(timeout=PAGE_MS)
    settled(page)
    box = page.get_by_test_id("stSidebar").locator(".st-key-search_q input")
    box.fill(order_id)
    box.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(tracking, timeout=PAGE_MS)
    assert_no_error_shown(page, "queue after a bulk shipping upload")


def hostile_orders_csv() -> bytes:
    """One paid order in the desk's orders template whose typed fields carry script and img tags."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, microsecond=0)
    created, paid = now - timedelta(hours=2), now - timedelta(hours=1)
    rows = [
        "order_id,created_at,platform,shop,status,paid_at,order_total,paid,province,city,"
        "district,address,buyer_message,seller_note",
        f'9900000000000000001,{created},taobao,花漾美妆旗舰店,paid_unprocessed,{paid},88.00,'
        f'88.00,浙江省,杭州市,西湖区,"文三路 {IMG}","请尽快发货 {SCRIPT} {IMG}","备注 {SCRIPT}"',
    ]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_hostile_text_uploaded_through_the_browser_stays_text(page, app):
    """Runs last in this module: it adds an order to the shared store."""
    from playwright.sync_api import expect

    open_app(page, app, timeout=FIRST_PAGE_MS)
    links = nav_links(page)
    import_href = next(h for _, h in links if h.rstrip("/").endswith("/import"))
    visit(page, import_href)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=[{
        "name": "hostile_orders.csv", "mimeType": "text/csv", "buffer": hostile_orders_csv()}])
    expect(page.get_by_test_id("stFileUploader")).to_contain_text("hostile_orders.csv")
    settled(page)   # the file is read and the shop question answered before the click
    button = page.locator(".st-key-import_button button")
    expect(button).to_be_enabled()
    button.click()
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="hostile_orders.csv")
           ).to_be_visible()
    settled(page)
    assert_no_error_shown(page, "import of hostile_orders.csv")

    shown_on = []
    for _, href in links:
        label = visit(page, href)
        assert_no_error_shown(page, label)
        injected = page.locator('[data-testid="stMain"] img[src="x"], script:has-text("alert(1)")')
        assert injected.count() == 0, f"{label}: markup from user text reached the page"
        if page.get_by_test_id("stMain").get_by_text(SCRIPT).count():
            shown_on.append(label)
    assert page.watch.dialogs == []
    print(f"hostile text shown as text on: {shown_on or 'no page lists buyer messages yet'}")


class _Listener:
    """A local web server that records every request made to it (none is expected)."""

    def __init__(self) -> None:
        import http.server
        import threading

        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the handler's protocol names it)
                hits.append(self.path)  # recorded before the answer: a caller sees it
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def markup_files(port: int) -> tuple[str, list[dict]]:
    """An order (and its line) whose every typed field carries a Markdown image, an HTML image
    and bold, both pointing at the local listener; the file names carry them too."""
    import csv
    import io
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    mark = (f"![p](http://127.0.0.1:{port}/leak) <img src=http://127.0.0.1:{port}/leak2> "
            "**bold**")
    now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, microsecond=0)
    created, paid = now - timedelta(days=3), now - timedelta(days=3, hours=-1)
    order_id, shop = f"M1 {mark}", f"店 {mark}"

    def csv_bytes(header: list[str], row: list[str]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, row])
        return buf.getvalue().encode("utf-8")

    orders = csv_bytes(
        ["order_id", "created_at", "platform", "shop", "status", "paid_at", "order_total", "paid",
         "province", "city", "district", "address", "buyer", "receiver", "courier",
         "buyer_message", "seller_note"],
        [order_id, str(created), "taobao", shop, "paid_unprocessed", str(paid), "88.00", "88.00",
         "浙江省", "杭州市", "西湖区", f"文三路 1 号 {mark}", f"nick {mark}", f"收 {mark}",
         f"SF {mark}", f"留言 {mark}", f"备注 {mark}"])
    lines = csv_bytes(["order_id", "line_id", "sku", "title", "quantity", "platform", "shop"],
                      [order_id, "1", f"SKU-{mark}", f"商品 {mark}", "1", "taobao", shop])
    return order_id, [
        {"name": f"{mark} orders.csv", "mimeType": "text/csv", "buffer": orders},
        {"name": f"{mark} lines.csv", "mimeType": "text/csv", "buffer": lines},
    ]


CELLS_JS = """(d) => [...d.querySelectorAll('th, td, [role="columnheader"], [role="gridcell"]')]
    .map(c => c.innerText.trim()).join('\\n')"""


def shown_text(page, root: str) -> str:
    """The text under `root`, the cells and headers of its tables (drawn on a canvas) included."""
    from playwright.sync_api import expect

    area = page.locator(root).first
    parts = [area.inner_text()]
    for grid in area.get_by_test_id("stDataFrame").all():
        grid.scroll_into_view_if_needed()
        expect(grid.locator('th, [role="columnheader"]').first).to_be_attached(timeout=PAGE_MS)
        parts.append(grid.evaluate(CELLS_JS))
    return "\n".join(parts)


def test_markup_in_orders_and_file_names_is_shown_as_text_and_fetches_nothing(page, app):
    """Ids, shop, nick, messages, note, address, courier, SKU, title and file names holding
    Markdown and HTML images: no page, list, search or dialog makes the browser fetch them,
    and the markup is shown as the text it is. Adds an order to the shared store."""
    from playwright.sync_api import expect

    listener = _Listener()
    urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/ready", timeout=5).close()
    assert listener.hits == ["/ready"], "the listener records requests"
    listener.hits.clear()
    order_id, files = markup_files(listener.port)
    try:
        open_app(page, app, timeout=FIRST_PAGE_MS)
        links = dict((h.rstrip("/").rsplit("/", 1)[-1], h) for _, h in nav_links(page))
        visit(page, links["import"])
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=files)
        expect(page.get_by_test_id("stFileUploader")).to_contain_text("lines.csv")
        settled(page)   # the files are read and the shop question answered before the click
        button = page.locator(".st-key-import_button button")
        expect(button).to_be_enabled()
        button.click()
        done = page.get_by_test_id("stAlertContentSuccess")
        expect(done.filter(has_text="orders.csv")).to_be_visible(timeout=PAGE_MS)
        expect(done.filter(has_text="lines.csv")).to_be_visible(timeout=PAGE_MS)
        settled(page)
        assert_no_error_shown(page, "import of files with markup in their names")
        seen = {"import": shown_text(page, '[data-testid="stMain"]')}

        for name in ("overdue", "queue", "import"):
            label = visit(page, links[name])
            assert_no_error_shown(page, label)
            seen[name] = shown_text(page, '[data-testid="stMain"]')

        box = page.get_by_test_id("stSidebar").locator(".st-key-search_q input")
        box.fill(order_id)
        box.press("Enter")
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible(timeout=PAGE_MS)
        expect(dialog.get_by_test_id("stDataFrame").first).to_be_visible(timeout=PAGE_MS)
        settled(page)
        assert_no_error_shown(page, "order dialog of the order with markup")
        seen["dialog"] = shown_text(page, '[role="dialog"]')
        shot(page, app, "markup_dialog")

        injected = page.locator(f'img[src*="{listener.port}"], a[href*="{listener.port}"]')
        assert injected.count() == 0, "markup from user text reached the page"
        assert listener.hits == [], f"the browser fetched addresses from user text: {listener.hits}"
        # what a person reads is in their language: no column name, code or None on show
        assert "SKU（商家编码）" in seen["dialog"] and "订单编号" in seen["queue"], "tables are read"
        for where, text in seen.items():
            raw = [w for w in ("line_id", "unit_price", "refund_text", "is_bundle_marked",
                               "resolved_at", "None", "missing_", "no_street", "template_",
                               "rows imported") if w in text]
            assert raw == [], f"{where} shows raw names or codes: {raw}"
        shown = [where for where, text in seen.items() if "![p](" in text]
        assert "dialog" in shown and "import" in shown, f"markup shown as text on: {shown}"
    finally:
        listener.close()

