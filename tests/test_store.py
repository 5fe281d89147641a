"""The store's write path: one transaction per import, idempotency, the import log."""

from __future__ import annotations

import hashlib

import pytest

from pipeline.base import canonical as C
from pipeline.db.store import Store
from pipeline.ingest.importing import apply_parsed
from tests.conftest import frame, load

T0 = "2026-11-20 10:00:00"


def snapshot(store: Store) -> dict[str, list]:
    cur = store.cursor()
    out = {}
    for table in ("orders", "order_lines", "order_state", "imports", "import_rejects", "events"):
        out[table] = sorted(map(repr, cur.execute(f"select * from {table}").fetchall()))  # noqa: S608
    out["version"] = store.data_version()
    return out


def parsed(orders: list[dict], lines: list[dict]) -> C.Parsed:
    d = {"platform": "taobao", "shop": "s1"}
    return C.Parsed("test", {"orders": frame(orders, d), "order_lines": frame(lines, d)},
                    rows_read=len(orders) + len(lines))


def test_a_failure_half_way_leaves_the_store_unchanged(store):
    load(store, [{"order_id": "keep", "created_at": T0, "status_norm": "paid", "paid_at": T0}])
    before = snapshot(store)
    bad = parsed(
        [{"order_id": "new", "created_at": T0, "status_norm": "paid", "paid_at": T0}],
        [{"order_id": "new", "line_id": "1", "sku": "A", "quantity": "not a number"}],
    )
    with pytest.raises(Exception, match="not a number"):
        apply_parsed(store, bad, "bad.csv", "d" * 64)
    assert snapshot(store) == before


def test_the_same_file_twice_changes_nothing(store, monkeypatch):
    from pipeline.ingest import formats
    from pipeline.ingest.importing import import_bytes

    good = parsed([{"order_id": "o", "created_at": T0, "status_norm": "paid", "paid_at": T0}], [])
    monkeypatch.setattr(formats, "read_export", lambda name, data, timezone: good)
    first = import_bytes(store, "a.csv", b"same bytes")
    assert first.status == "imported" and first.exit_code == 0
    before = snapshot(store)
    again = import_bytes(store, "renamed.csv", b"same bytes")
    assert again.status == "skipped" and again.exit_code == 0
    assert "already imported" in again.message
    assert snapshot(store) == before


def test_the_same_bytes_imported_twice_at_once_go_in_once(store, monkeypatch):
    """An upload and the inbox (or two managers) import the same file at the same moment: both
    look before either has written; the one whose write comes second is skipped inside its
    transaction and writes nothing."""
    import threading

    from pipeline.ingest import formats
    from pipeline.ingest.importing import import_bytes

    good = parsed([{"order_id": "o", "created_at": T0, "status_norm": "paid", "paid_at": T0}], [])
    both_read = threading.Barrier(2, timeout=30)

    def read_export(name, data, timezone):
        both_read.wait()              # neither writes before both have looked and read
        return good

    monkeypatch.setattr(formats, "read_export", read_export)
    results = []
    threads = [threading.Thread(target=lambda n=n: results.append(
        import_bytes(store, n, b"same bytes"))) for n in ("upload.csv", "inbox.csv")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r.status for r in results) == ["imported", "skipped"]
    assert store.cursor().execute("select count(*) from imports").fetchall() == [(1,)]


def test_duplicate_order_ids_in_one_file_are_rejected_with_their_row(store):
    p = parsed([
        {"order_id": "o", "created_at": T0, "status_norm": "paid", "paid_at": T0},
        {"order_id": "p", "created_at": T0, "status_norm": "unpaid"},
        {"order_id": "o", "created_at": T0, "status_norm": "closed"},
    ], [])
    result = apply_parsed(store, p, "dups.csv", hashlib.sha256(b"x").hexdigest())
    assert result.status == "partial" and result.exit_code == 1
    assert [(r.row, r.column) for r in result.rejects] == [(4, "order_id")]
    assert "first at row 2" in result.rejects[0].reason
    got = store.cursor().execute("select order_id, status_norm from orders order by 1").fetchall()
    assert got == [("o", "paid"), ("p", "unpaid")]
    log = store.cursor().execute(
        "select file_name, rows_read, rows_imported, rows_rejected from imports").fetchall()
    assert log == [("dups.csv", 3, 2, 1)]


def test_stock_bundles_and_promotions_upsert_by_their_keys(store):
    stock = frame([{"sku": "A", "warehouse": "", "available": 5},
                   {"sku": "B", "warehouse": "", "available": -2}])
    bundles = frame([{"bundle_sku": "SET", "component_sku": "A", "quantity": 2},
                     {"bundle_sku": "SET", "component_sku": "B", "quantity": 1}])
    promos = frame([{"name": "双11", "start_at": "2026-11-11 00:00", "end_at": "2026-11-11 23:59:59"}])
    apply_parsed(store, C.Parsed("x", {"stock": stock, "bundles": bundles, "promotions": promos}, rows_read=5),
                 "a", "1" * 64)
    newer = frame([{"sku": "A", "warehouse": "", "available": 9}])
    new_bom = frame([{"bundle_sku": "SET", "component_sku": "C", "quantity": 3}])
    apply_parsed(store, C.Parsed("x", {"stock": newer, "bundles": new_bom}, rows_read=2), "b", "2" * 64)
    cur = store.cursor()
    assert cur.execute("select sku, available from stock order by 1").fetchall() == [
        ("A", 9), ("B", -2)]
    assert cur.execute("select * exclude (import_id) from bundles").fetchall() == [("SET", "C", 3)]
    assert cur.execute("select name from promotions").fetchall() == [("双11",)]


def test_a_second_process_gets_a_clear_message(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "held.duckdb"
    holder = Store(db)
    try:
        code = (
            "import sys\n"
            "from pipeline.db.store import Store, StoreBusy\n"
            f"try:\n    Store({str(db)!r})\nexcept StoreBusy as e:\n    print(e); sys.exit(3)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 3, out.stderr
        assert "open in another program" in out.stdout
    finally:
        holder.close()


def test_data_version_moves_on_every_write(store):
    v0 = store.data_version()
    load(store, [{"order_id": "o", "created_at": T0}])
    assert store.data_version() == v0 + 1


def test_the_data_version_is_read_once_per_commit(tmp_path, monkeypatch):
    """Every page asks the data version many times per view: it is read once, and again only
    after a commit through any store of this process on the file."""
    reads = []
    real = Store._read_version
    monkeypatch.setattr(Store, "_read_version", lambda self: reads.append(1) or real(self))
    a = Store(tmp_path / "v.duckdb")
    b = Store(tmp_path / "v.duckdb")         # the same file, opened twice in this process
    v0 = a.data_version()
    assert a.data_version() == b.data_version() == v0
    assert len(reads) == 1
    load(b, [{"order_id": "o", "created_at": T0}])
    assert a.data_version() == v0 + 1        # the other store's commit is seen
    assert len(reads) == 2
    b.close()
    a.close()


def test_a_version_read_while_a_commit_lands_is_not_kept(tmp_path, monkeypatch):
    s = Store(tmp_path / "v.duckdb")
    real = Store._read_version

    def racing(self):
        value = real(self)
        self._forget_version()               # a commit lands between the read and the keep
        return value

    monkeypatch.setattr(Store, "_read_version", racing)
    s.data_version()
    reads = []
    monkeypatch.setattr(Store, "_read_version", lambda self: reads.append(1) or real(self))
    s.data_version()
    assert reads == [1]                      # read again: the raced value was not kept
    s.close()


def test_a_newer_export_replaces_an_orders_lines_and_keys_stay_unique(store):
    load(store, [{"order_id": o, "created_at": T0, "status_norm": "paid", "paid_at": T0}
                 for o in ("o1", "o2", "o3")],
         [{"order_id": "o1", "line_id": str(i), "sku": "A", "quantity": 1} for i in (1, 2, 3)]
         + [{"order_id": "o2", "line_id": "1", "sku": "A", "quantity": 5}], name="first")
    # The item report carries no shop: its lines take the shop of the stored order.
    load(store, [{"order_id": "o1", "created_at": T0, "status_norm": "shipped", "paid_at": T0}],
         [{"order_id": "o1", "line_id": "1", "sku": "B", "quantity": 2, "shop": None}],
         name="second")
    cur = store.cursor()
    assert cur.execute("select shop, order_id, line_id, sku, quantity from order_lines "
                       "order by all").fetchall() == [
        ("s1", "o1", "1", "B", 2), ("s1", "o2", "1", "A", 5)]
    assert cur.execute("select order_id, status_norm, first_import_id < import_id from orders "
                       "order by all").fetchall() == [
        ("o1", "shipped", True), ("o2", "paid", False), ("o3", "paid", False)]
    assert cur.execute("select order_id, pieces, state from order_state order by all").fetchall() == [
        ("o1", 2, "shipped"), ("o2", 5, "paid_unprocessed"), ("o3", 0, "paid_unprocessed")]


def test_refreshing_the_touched_orders_equals_refreshing_all(store):
    from pipeline.db.states import refresh_states

    load(store, [{"order_id": f"o{i}", "created_at": T0, "status_norm": "paid", "paid_at": T0}
                 for i in range(5)], name="first")
    load(store, [{"order_id": "o1", "created_at": T0, "status_norm": "completed", "paid_at": T0}],
         [{"order_id": "o1", "line_id": "1", "sku": "A", "quantity": 3}], name="one order")
    query = "select * from order_state order by all"
    touched = store.cursor().execute(query).fetchall()
    with store.write() as cur:
        refresh_states(cur)
    assert store.cursor().execute(query).fetchall() == touched
    pieces = store.cursor().execute("select order_id, state, pieces from order_state").fetchall()
    assert ("o1", "completed", 3) in pieces


def test_an_order_stored_without_a_shop_moves_under_the_shop_a_later_export_names(store):
    """A subset export without 店铺名称, actions on its order, then a full report naming the
    shop: one order under that shop, the desk's actions kept on it (not a second copy)."""
    from pipeline.desk import actions
    from pipeline.ingest.importing import import_bytes

    head = "订单编号,订单状态,订单创建时间,订单付款时间,总金额,买家实际支付金额"
    row = '="T9",买家已付款，等待卖家发货,2026-11-20 10:00:00,2026-11-20 10:05:00,100.00,100.00'
    subset = f"{head}\n{row}\n".encode()
    assert import_bytes(store, "subset.csv", subset).status == "imported"
    key = ("taobao", "", "T9")
    actions.record(store, key, "process", by="Li")
    actions.record(store, key, "note", by="Li", text="VIP")
    items = ("主订单编号,子订单编号,标题,价格,购买数量,商家编码\n"
             '="T9",="T9-1",面霜,100.00,1,A\n').encode()
    assert import_bytes(store, "items.csv", items).status == "imported"
    full = f"{head},店铺名称\n{row},TB\n".encode()
    assert import_bytes(store, "full.csv", full).status == "imported"
    cur = store.cursor()
    for table in ("orders", "order_lines", "events", "order_state", "open_orders",
                  "waiting_lines", "order_type_facts"):
        shops = cur.execute(f"select distinct shop from {table} where order_id = 'T9'")  # noqa: S608
        assert shops.fetchall() in ([("TB",)], []), table
    assert cur.execute("select shop, state, seller_note from order_state").fetchall() == [
        ("TB", "paid_processed", "VIP")]
    assert cur.execute("select count(*) from events where shop = 'TB'").fetchall() == [(2,)]
    # the same export again, saved anew (other bytes): it goes through the import and finds
    # the order under its shop; nothing moves and no copy is made
    def held() -> list:
        return [cur.execute("select platform, shop, order_id, status_text from orders "
                            "order by all").fetchall(),
                cur.execute("select * from events order by event_id").fetchall(),
                cur.execute("select shop, state, seller_note from order_state").fetchall()]
    before = held()
    assert import_bytes(store, "full again.csv", full + b"\n").status == "imported"
    assert held() == before
