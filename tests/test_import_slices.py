"""A large CSV is read in slices: the store, the rejects and the log come out as they do when
the same file is read whole, and every promise of an import still holds.

Each test imports the same bytes twice, into two fresh stores: once whole (`slice_rows=0`) and
once in slices of a few records, and compares everything the import left behind.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pipeline.db.store import Store
from pipeline.ingest import formats
from pipeline.ingest.formats.reading import survey
from pipeline.ingest.importing import import_bytes, import_path
from tests.conftest import SAMPLES

ORDER_HEADER = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "订单状态", "买家留言",
                "收货地址", "订单创建时间", "订单付款时间", "退款金额", "店铺名称"]
ITEM_HEADER = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息",
               "备注", "订单状态", "商家编码"]
SHOPIFY = SAMPLES / "shopify_cod"


def csv_bytes(header: list[str], rows: list[list[object]], encoding: str = "gb18030",
              trailing_comma: bool = False) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    w.writerow(header)
    for row in rows:
        w.writerow([*row, ""] if trailing_comma else row)
    return out.getvalue().encode(encoding)


def order(oid: str, *, total: object = "100.00", paid: object = "100.00", refund: object = "0",
          status: str = "交易成功", message: str = "请尽快发货", created: str = "2026-11-01 10:00:00",
          shop: str = "旗舰店") -> list[object]:
    return [f'="{oid}"', "买家", total, paid, status, message, "浙江省 杭州市 西湖区 文三路 1 号",
            created, "2026-11-01 10:01:00", refund, shop]


def orders_file() -> bytes:
    """Twelve order rows with something for every per-file decision, spread over the slices:
    unknown status words on orders in several slices (one order repeated), a message over its
    cap in two slices, an order id given twice (in one slice and across slices), a bad time, a
    negative amount, a message over two lines, a 19-digit id, and a refund above the paid
    figure on the last row only (the whole file is then read as net)."""
    return csv_bytes(ORDER_HEADER, [
        order("3515313147329357901", status="待审核"),
        order("A2", message="长" * 2100),
        order("A3", status="待审核"),
        order("A4", created="1970-01-01 08:00:00"),
        order("A2", message="again"),                   # the same order as row 3
        order("A6", total="-5"),
        order("A7", message="第一行\r\n第二行, 还有"),
        order("A7", status="待审核"),                    # again, in the same slice
        order("A9", message="短" * 2500, status="新状态"),
        order("A10", status="待审核"),
        order("A11", status="新状态"),
        order("A12", total="100.00", paid="30.00", refund="70.00"),
    ])


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Everything an import leaves in the store, in a stable order (the moment of the import
    left out)."""
    cur = store.cursor()
    out = {}
    for table, order_by in (("orders", "platform, shop, order_id"),
                            ("order_lines", "platform, shop, order_id, line_id"),
                            ("order_state", "platform, shop, order_id"),
                            ("import_rejects", "import_id, row, \"column\", reason")):
        out[table] = cur.execute(f"select * from {table} order by {order_by}").fetchall()  # noqa: S608
    out["imports"] = cur.execute(
        "select * exclude (imported_at) from imports order by import_id").fetchall()
    return out


def both(tmp_path: Path, name: str, data: bytes, slice_rows: int = 2,
         before: tuple[tuple[str, bytes], ...] = ()):
    """(whole, sliced): the import result and the store's snapshot of each way of reading."""
    out = []
    for how, rows in (("whole", 0), ("sliced", slice_rows)):
        store = Store(tmp_path / f"{how}.duckdb")
        try:
            for earlier, content in before:
                import_bytes(store, earlier, content, slice_rows=rows)
            result = import_bytes(store, name, data, slice_rows=rows)
            out.append((result, snapshot(store)))
        finally:
            store.close()
    return out


def same(tmp_path: Path, name: str, data: bytes, slice_rows: int = 2, before=()):
    (whole, whole_store), (sliced, sliced_store) = both(tmp_path, name, data, slice_rows, before)
    assert sliced.message == whole.message
    assert (sliced.status, sliced.layout, sliced.rows_read, sliced.rows_imported,
            sliced.rows_rejected) == (whole.status, whole.layout, whole.rows_read,
                                      whole.rows_imported, whole.rows_rejected)
    assert sliced.rejects == whole.rejects
    assert sliced_store == whole_store
    return sliced


def slices_of(data: bytes, slice_rows: int) -> list:
    """The slices a file is read in, or None when it is read whole."""
    plan = formats.plan_slices("f.csv", data, survey(data), slice_rows=slice_rows)
    return None if plan is None else list(plan)


# ---------------------------------------------------------------------------------------------
# Slices are used, and only where they can be


def test_the_slice_size_sets_how_many_slices_a_file_is_read_in():
    data = orders_file()
    assert [p.rows_read for p in slices_of(data, 5)] == [5, 5, 2]
    assert len(slices_of(data, 2)) == 6
    # a bad time and a negative total are left out by the reader (repeated ids by the store)
    assert sum(len(p.frames["orders"]) for p in slices_of(data, 2)) == 12 - 2
    assert formats.plan_slices("f.csv", data, survey(data)) is None  # small: read whole
    assert slices_of(data, 0) is None


def test_a_workbook_or_a_layout_not_read_in_slices_is_read_whole():
    template = b"order_id,created_at\nT1,2026-11-01 10:00\nT2,2026-11-01 11:00\n"
    assert slices_of(template, 1) is None
    inside_quotes = orders_file()[:-30]  # the file ends inside a quoted field
    assert slices_of(inside_quotes, 1) is None


def test_a_last_record_cut_off_is_rejected_as_when_read_whole(tmp_path):
    data = orders_file()
    assert slices_of(data.rstrip(b"\r\n"), 1) is not None  # no line break at the end: fine
    cut = data[:data.rindex(b'","')]  # the last record short of its fields
    result = same(tmp_path, "cut.csv", cut, slice_rows=2)
    assert any(r.row == 13 and "cut off" in r.reason for r in result.rejects)


def test_an_orders_rows_stay_in_one_slice():
    # Shopify: an order's first row carries the order; #71737 has two rows.
    data = (SHOPIFY / "orders_export.masked.csv").read_bytes()
    got = [list(p.frames["order_lines"]["order_id"]) for p in slices_of(data, 1)]
    assert ["#71737", "#71737"] in got
    assert sum(len(ids) for ids in got) == 6


# ---------------------------------------------------------------------------------------------
# The same store, rejects and log as the whole file gives


def test_a_taobao_order_report_in_slices_is_stored_as_when_read_whole(tmp_path):
    for rows in (1, 2, 5):
        result = same(tmp_path / str(rows), "ExportOrderList.csv", orders_file(), rows)
    assert result.status == "partial"
    assert [(r.row, r.column) for r in result.rejects] == [
        (5, "订单创建时间"), (7, "总金额"), (6, "order_id"), (9, "order_id")]
    assert "first at row 3" in result.rejects[2].reason
    assert "unknown 订单状态 '待审核' on 4 orders, '新状态' on 2 orders" in result.message
    assert "1 买家留言 value(s) cut" not in result.message
    assert "2 买家留言 value(s) cut to 2,000 characters" in result.message
    assert "net of refunds" in result.message


def test_the_net_paid_reading_found_in_a_late_slice_holds_for_every_row(tmp_path):
    data = csv_bytes(ORDER_HEADER, [order(f"N{i}", paid="100.00", refund="100.00")
                                    for i in range(5)]
                     + [order("N9", total="100.00", paid="20.00", refund="80.00")])
    same(tmp_path, "net.csv", data, slice_rows=2)
    store = Store(tmp_path / "sliced.duckdb")
    try:
        assert store.cursor().execute(
            "select count(*), bool_and(paid_net) from orders").fetchall() == [(6, True)]
        states = store.cursor().execute(
            "select distinct state from order_state").fetchall()
        assert states == [("completed",)]  # a refund equal to a non-zero net paid is partial
    finally:
        store.close()


def test_an_item_report_of_the_old_layout_numbers_lines_within_their_order(tmp_path):
    # 订单编号 only, the line is its position in the order; rows end with a trailing comma.
    rows = [[f'="{oid}"', f"商品 {n}", "10.00", "1", "", "", "", "", "交易成功", f"SKU-{n}"]
            for oid, count in (("L1", 3), ("L2", 1), ("L3", 4), ("L4", 2))
            for n in range(count)]
    data = csv_bytes(ITEM_HEADER, rows, trailing_comma=True)
    result = same(tmp_path, "ExportOrderDetailList.csv", data, slice_rows=2)
    assert result.rows_imported == 10


def test_the_real_samples_in_slices_are_stored_as_when_read_whole(tmp_path):
    taobao = SAMPLES / "taobao_2017"
    order_report = (taobao / "ExportOrderList201707080100.masked.gbk.csv").read_bytes()
    item_report = (taobao / "ExportOrderDetailList201707080100.gbk.csv").read_bytes()
    same(tmp_path / "o", "ExportOrderList.csv", order_report, 1)
    same(tmp_path / "i", "ExportOrderDetailList.csv", item_report, 2,
         before=(("ExportOrderList.csv", order_report),))
    for name in ("orders_export.masked.csv", "orders_export_10.masked.csv"):
        for rows in (1, 3):
            same(tmp_path / f"{name}{rows}", name, (SHOPIFY / name).read_bytes(), rows)


def test_an_order_whose_rows_lie_apart_is_read_with_the_whole_file(tmp_path):
    lines = (SHOPIFY / "orders_export.masked.csv").read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(lines, newline="")))
    header, body = records[0], records[1:]
    moved = [body[-1], *body[:-1]]  # the second row of #71737 now comes first
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *moved])
    result = same(tmp_path, "apart.csv", out.getvalue().encode(), slice_rows=2)
    assert result.status == "imported"


def test_a_stray_quote_in_a_large_file_is_read_as_the_whole_file_reads_it(tmp_path):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(ORDER_HEADER)
    w.writerows(order(f"Q{i}", message=f"留言 {i}") for i in range(8))
    lines = out.getvalue().splitlines()
    lines[4] = lines[4].replace("留言 3", '"留言 3')  # row 5 opens a quote it never closes
    lines[7] = lines[7].replace("留言 6", '留言 6"')  # row 8 closes one
    result = same(tmp_path, "stray.csv", ("\n".join(lines) + "\n").encode(), slice_rows=2)
    assert "row 5: a quote opened in 买家留言 is never closed" in result.message
    assert (result.rows_read, result.rows_imported) == (8, 8)



def test_fields_too_long_in_two_columns_of_a_large_file_reject_their_rows(tmp_path):
    rows = [order(f"L{i}") for i in range(8)]
    rows[1][5] = "长" * 70_000                       # row 3: 买家留言
    rows[4][6] = "浙江省 杭州市 " + "路" * 70_000     # row 6: 收货地址
    rows[6][5] = "短" * 30_000                       # row 8: many bytes, few enough characters
    result = same(tmp_path, "long.csv", csv_bytes(ORDER_HEADER, rows), slice_rows=3)
    assert [(r.row, r.column) for r in result.rejects] == [(3, "买家留言"), (6, "收货地址")]
    assert (result.rows_read, result.rows_imported) == (8, 6)

def test_an_export_with_a_byte_order_mark_and_multiline_messages(tmp_path):
    rows = [order(f"B{i}", message=f"第 {i} 行\n下一行") for i in range(7)]
    data = b"\xef\xbb\xbf" + csv_bytes(ORDER_HEADER, rows, encoding="utf-8")
    result = same(tmp_path, "bom.csv", data, slice_rows=3)
    assert (result.status, result.rows_imported) == ("imported", 7)


# ---------------------------------------------------------------------------------------------
# The promises of an import, in slices


def test_a_file_refused_after_some_slices_leaves_the_store_as_it_was(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    try:
        assert import_bytes(store, "first.csv", orders_file()).status == "partial"
        before = snapshot(store)
        good = csv_bytes(ORDER_HEADER, [order(f"R{i}") for i in range(9)])
        broken = good[:-40] + b"\x81\x20" + good[-40:]  # not GBK, in the last slice
        result = import_bytes(store, "broken.csv", broken, slice_rows=2)
        assert result.status == "refused"
        assert "neither UTF-8 nor GBK" in result.message
        assert snapshot(store) == before
    finally:
        store.close()


def test_the_same_large_file_twice_changes_nothing(tmp_path):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(orders_file())
    store = Store(tmp_path / "s.duckdb")
    try:
        first = import_path(store, path, slice_rows=2)
        assert first.status == "partial"
        after_first = snapshot(store)
        second = import_path(store, path, slice_rows=2)
        assert second.status == "skipped"
        assert snapshot(store) == after_first
    finally:
        store.close()


def test_a_newer_export_in_slices_updates_the_stored_orders(tmp_path):
    older = csv_bytes(ORDER_HEADER, [order(f"U{i}", status="买家已付款，等待卖家发货")
                                     for i in range(6)])
    newer = csv_bytes(ORDER_HEADER, [order(f"U{i}") for i in range(3, 9)])
    result = same(tmp_path, "newer.csv", newer, slice_rows=2, before=(("older.csv", older),))
    assert result.rows_imported == 6


def test_a_newer_item_report_in_slices_replaces_the_stored_lines_of_its_orders(tmp_path):
    # the store holds the orders and an older item report; the newer one gives two orders
    # other lines (fewer, more) and a new one: each order's lines are replaced as a whole
    def items(lines: dict[str, int], title: str) -> bytes:
        return csv_bytes(ITEM_HEADER, [
            [f'="{oid}"', f"{title} {n}", "10.00", "1", "", "", "", "", "交易成功", f"SKU-{n}"]
            for oid, count in lines.items() for n in range(count)])

    orders = csv_bytes(ORDER_HEADER, [order(f"R{i}") for i in range(1, 5)])
    older = items({"R1": 3, "R2": 1, "R3": 2}, "旧")
    newer = items({"R2": 3, "R3": 1, "R4": 2}, "新")
    result = same(tmp_path, "newer_items.csv", newer, slice_rows=2,
                  before=(("orders.csv", orders), ("older_items.csv", older)))
    assert result.rows_imported == 6
    store = Store(tmp_path / "sliced.duckdb")
    try:
        lines = store.cursor().execute(
            "select order_id, count(*), min(title) from order_lines group by 1 order by 1"
        ).fetchall()
    finally:
        store.close()
    assert lines == [("R1", 3, "旧 0"), ("R2", 3, "新 0"), ("R3", 1, "新 0"), ("R4", 2, "新 0")]


@pytest.mark.parametrize("slice_rows", [1, 4])
def test_a_file_on_disk_is_read_in_slices_as_its_bytes_are(tmp_path, slice_rows):
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes(orders_file())
    stores = []
    for how in ("bytes", "path"):
        store = Store(tmp_path / f"{how}.duckdb")
        try:
            if how == "path":
                result = import_path(store, path, slice_rows=slice_rows)
            else:
                result = import_bytes(store, path.name, path.read_bytes(), slice_rows=slice_rows)
            stores.append((result.message, snapshot(store)))
        finally:
            store.close()
    assert stores[0] == stores[1]


# the next slice read while this one is staged -------------------------------------------------

def test_read_ahead_gives_every_item_in_order_and_holds_at_most_two():
    from pipeline.ingest.formats.reading import read_ahead

    made: list[int] = []
    taken: list[int] = []

    def items():
        for i in range(6):
            made.append(i)
            yield i

    for item in read_ahead(items()):
        # while the caller works on item k, item k + 1 at most has been worked out
        assert len(made) <= len(taken) + 2
        taken.append(item)
    assert taken == list(range(6))


def test_read_ahead_raises_what_the_reader_raised_in_its_place():
    from pipeline.ingest.formats.reading import read_ahead

    def items():
        yield 1
        raise formats.ReadWhole("a quote never closed")

    got = []
    with pytest.raises(formats.ReadWhole, match="a quote never closed"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1]


def test_read_ahead_stopped_early_stops_its_thread_and_closes_the_reader():
    import threading
    from contextlib import closing

    from pipeline.ingest.formats.reading import read_ahead

    closed = threading.Event()

    def items():
        try:
            yield from range(1000)
        finally:
            closed.set()

    with closing(read_ahead(items())) as ahead:
        assert next(ahead) == 0
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "orderdesk-read-ahead"]


# a GB18030 file converted by a process of its own ---------------------------------------------

def test_characters_cut_by_the_converters_blocks_read_as_when_read_whole(tmp_path):
    """The converter reads 4 MB at a time: characters of two and four bytes fall across its
    blocks (at every offset) and read as the whole-file reader reads them."""
    rows = [order(f"C{i}", message=("𠀀" if i % 2 else "长") * (1000 + i % 7)) for i in range(4400)]
    data = csv_bytes(ORDER_HEADER, rows)
    assert len(data) > 2 * (1 << 22)
    same(tmp_path, "wide.csv", data, slice_rows=1000)


@pytest.mark.parametrize("source", ["bytes", "path"])
def test_a_broken_byte_in_an_early_slice_refuses_the_file_as_when_read_whole(tmp_path, source):
    good = csv_bytes(ORDER_HEADER, [order(f"R{i}") for i in range(9)])
    cut = good.index(b"R2")
    broken = good[:cut] + b"\x81\x20" + good[cut:]      # not GB18030, in the second slice
    store = Store(tmp_path / "s.duckdb")
    try:
        if source == "path":
            path = tmp_path / "broken.csv"
            path.write_bytes(broken)
            result = import_path(store, path, slice_rows=2)
        else:
            result = import_bytes(store, "broken.csv", broken, slice_rows=2)
        assert result.status == "refused"
        assert "neither UTF-8 nor GBK" in result.message
        assert store.cursor().execute("select count(*) from orders").fetchall() == [(0,)]
    finally:
        store.close()


@pytest.mark.parametrize("source", ["bytes", "path"])
def test_a_reader_stopped_early_ends_its_converter(tmp_path, source, monkeypatch):
    import subprocess
    import threading

    from pipeline.ingest.formats import reading

    started: list[subprocess.Popen] = []

    class Recorded(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(reading.subprocess, "Popen", Recorded)
    # 20 MB: far more than the pipe and the parser's read-ahead hold, so the child still
    # has text to write when the reader stops
    data = csv_bytes(ORDER_HEADER, [order(f"S{i}", message="长" * 2000) for i in range(5000)])
    if source == "path":
        (tmp_path / "big.csv").write_bytes(data)
        data = tmp_path / "big.csv"
    info = survey(data)
    plan = formats.plan_slices("big.csv", data, info, slice_rows=10)
    assert plan is not None and plan.plan.encoding == "gb18030"
    sheets = reading.read_slices(plan.plan, 10)
    assert len(next(sheets).cells) == 10
    assert len(started) == 1
    assert started[0].poll() is None                    # still converting
    sheets.close()
    assert started[0].returncode is not None            # ended and waited for
    assert not [t for t in threading.enumerate() if t.name == "orderdesk-transcode-feed"]


def test_where_no_converter_can_start_the_file_is_converted_in_process(tmp_path, monkeypatch):
    from pipeline.ingest.formats import reading

    def refused(*args, **kwargs):
        raise OSError("no processes here")

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    expected = same(tmp_path / "a", "ExportOrderList.csv", orders_file(), slice_rows=3)
    monkeypatch.setattr(reading.subprocess, "Popen", refused)
    got = same(tmp_path / "b", "ExportOrderList.csv", orders_file(), slice_rows=3)
    assert got.message == expected.message and got.rejects == expected.rejects
