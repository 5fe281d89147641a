"""Shops are named, never merged (DESIGN §13): two real Shopify stores that share order names,
the shop given by the command line, the Import page and the inbox's subfolders, and renames."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from pipeline.base.roles import NotAllowed
from pipeline.cli import main
from pipeline.db.shops import ShopError, rename_shop, shop_list
from pipeline.db.store import Store
from pipeline.ingest.importing import import_path
from pipeline.ingest.inbox import Inbox
from tests.apptest import fresh_app
from tests.conftest import SAMPLES

# Two real stores' exports: 'Novia' (#1113–#1162, times at -0400) and 'Prime picks' (#1126–#1140,
# times at +0500). The 15 names of the second are names of the first, for other orders.
NOVIA = SAMPLES / "shopify_cod" / "orders_export_10.masked.csv"
PRIME = SAMPLES / "shopify_cod" / "orders_export_12.masked.csv"


def _facts(db: Path) -> tuple:
    """Everything an import writes, and the data version (the store closed by the caller)."""
    s = Store(db)
    try:
        cur = s.cursor()
        return (
            cur.execute("select platform, shop, order_id, created_at, import_id from orders "
                        "order by all").fetchall(),
            cur.execute("select platform, shop, order_id, line_id, sku from order_lines "
                        "order by all").fetchall(),
            cur.execute("select count(*) from imports").fetchall(),
            cur.execute("select * from shops order by all").fetchall(),
            cur.execute("select value from meta where key = 'data_version'").fetchall(),
        )
    finally:
        s.close()


def _orders(db: Path) -> list[tuple]:
    s = Store(db)
    try:
        return s.cursor().execute(
            "select shop, count(*) from orders group by all order by all").fetchall()
    finally:
        s.close()


def test_a_second_store_sharing_order_names_is_refused_naming_the_clash(tmp_path, capsys):
    """Imported one after the other without a shop, the second store replaced the first's
    orders of the same names (#1126–#1140). Now: exit 2, the store as it was, and the message
    names the file, the shop and clashing ids with both creation times (Asia/Shanghai)."""
    db = tmp_path / "desk.duckdb"
    assert main(["--db", str(db), "import", str(NOVIA)]) == 0
    before = _facts(db)
    capsys.readouterr()

    assert main(["--db", str(db), "import", str(PRIME)]) == 2
    err = capsys.readouterr().err
    assert "orders_export_12.masked.csv" in err
    assert "15 order id(s)" in err and "the unnamed shop (shopify)" in err
    # -0400 and +0500 in the desk's time zone (+0800), worked out by hand
    assert ("#1126 (stored: created 2026-04-03 04:02:28; this file: created "
            "2026-03-29 16:43:44)") in err
    assert _facts(db) == before


def test_each_store_under_its_own_shop_keeps_every_order(tmp_path):
    """`import --shop NAME`: 50 + 15 orders, #1126 once in each shop with its own time."""
    db = tmp_path / "desk.duckdb"
    assert main(["--db", str(db), "import", str(NOVIA), "--shop", "Novia"]) == 0
    assert main(["--db", str(db), "import", str(PRIME), "--shop", " Prime  picks "]) == 0
    assert _orders(db) == [("Novia", 50), ("Prime picks", 15)]
    s = Store(db)
    try:
        rows = s.cursor().execute(
            "select shop, created_at from orders where order_id = '#1126' order by shop"
        ).fetchall()
        lines = s.cursor().execute(
            "select shop, count(*) from order_lines group by all order by all").fetchall()
    finally:
        s.close()
    assert rows == [("Novia", datetime(2026, 4, 3, 4, 2, 28)),
                    ("Prime picks", datetime(2026, 3, 29, 16, 43, 44))]
    assert lines == [("Novia", 50), ("Prime picks", 15)]


def test_a_store_named_after_one_imported_unnamed_is_not_merged_into_it(tmp_path):
    """The first store imported without a shop (''), the second named: the unnamed orders
    with the same names are another store's, so they stay where they are (they used to be
    moved under the named shop and overwritten)."""
    s = Store(tmp_path / "desk.duckdb")
    try:
        assert import_path(s, NOVIA).status == "imported"
        res = import_path(s, PRIME, shop="Prime picks")
        assert res.status == "imported" and res.shop == "Prime picks"
        counts = s.cursor().execute(
            "select shop, count(*), min(created_at) from orders group by all order by all"
        ).fetchall()
    finally:
        s.close()
    assert counts == [("", 50, datetime(2026, 4, 2, 0, 39, 28)),
                      ("Prime picks", 15, datetime(2026, 3, 29, 16, 43, 44))]


def test_the_same_store_named_later_takes_its_unnamed_orders(tmp_path):
    """The same orders (same creation times) first unnamed, then named: one order each,
    moved under the shop, not a second copy (and not refused)."""
    s = Store(tmp_path / "desk.duckdb")
    try:
        import_path(s, PRIME)
        copy = tmp_path / "again.csv"  # other bytes, same orders
        copy.write_bytes(PRIME.read_bytes() + b"\n")
        assert import_path(s, copy, shop="Prime picks").status == "imported"
        counts = s.cursor().execute(
            "select shop, count(*) from orders group by all").fetchall()
    finally:
        s.close()
    assert counts == [("Prime picks", 15)]


def test_the_inbox_subfolder_names_the_shop(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "Novia").mkdir(parents=True)
    (inbox / "Prime picks").mkdir()
    shutil.copy(NOVIA, inbox / "Novia" / NOVIA.name)
    shutil.copy(PRIME, inbox / "Prime picks" / PRIME.name)
    s = Store(tmp_path / "desk.duckdb")
    try:
        box = Inbox(inbox)
        assert box.look(s) == []          # seen once: taken when it holds still
        results = box.look(s)
        assert [(r.file_name, r.status, r.shop) for r in results] == [
            (NOVIA.name, "imported", "Novia"), (PRIME.name, "imported", "Prime picks")]
        counts = s.cursor().execute(
            "select shop, count(*) from orders group by all order by all").fetchall()
        chosen = s.cursor().execute(
            "select shop from shops where chosen_at is not null order by shop").fetchall()
    finally:
        s.close()
    assert counts == [("Novia", 50), ("Prime picks", 15)]
    assert chosen == [("Novia",), ("Prime picks",)]


def test_a_manager_renames_a_shop_and_its_orders_keep_their_key(tmp_path):
    s = Store(tmp_path / "desk.duckdb")
    try:
        import_path(s, NOVIA, shop="Novia")
        import_path(s, PRIME, shop="Prime picks")
        with pytest.raises(NotAllowed):
            rename_shop(s, "shopify", "Novia", "Novia Dhaka", by="kim", role="clerk")
        with pytest.raises(ShopError):   # another shop of the platform is shown so
            rename_shop(s, "shopify", "Novia", "Prime picks", by="ann", role="manager")
        rename_shop(s, "shopify", "Novia", "  Novia   Dhaka ", by="ann", role="manager")
        shops = shop_list(s.cursor())
        keys = s.cursor().execute(
            "select distinct shop from orders order by 1").fetchall()
        log = s.cursor().execute(
            "select platform, shop, old_name, new_name, renamed_by from shop_renames").fetchall()
    finally:
        s.close()
    assert shops[["platform", "shop", "name", "currency", "orders"]].values.tolist() == [
        ["shopify", "Novia", "Novia Dhaka", "BDT", 50],
        ["shopify", "Prime picks", "Prime picks", "BDT", 15]]
    assert shops["renamed_by"].fillna("-").tolist() == ["ann", "-"]
    assert keys == [("Novia",), ("Prime picks",)]
    assert log == [("shopify", "Novia", None, "Novia Dhaka", "ann")]


def test_an_older_store_lists_its_shops_when_opened(tmp_path):
    """A store made before shops were kept (no `shops` table) is upgraded in place."""
    db = tmp_path / "desk.duckdb"
    s = Store(db)
    import_path(s, NOVIA, shop="Novia")
    s.cursor().execute("drop table shops")
    s.close()
    s = Store(db)
    try:
        listed = s.cursor().execute("select platform, shop from shops").fetchall()
    finally:
        s.close()
    assert listed == [("shopify", "Novia")]


def test_the_command_handed_to_the_dashboard_keeps_its_shop(tmp_path):
    from pipeline.cli import _portable_argv, build_parser

    args = build_parser().parse_args(["import", str(PRIME), "--shop", "Prime picks"])
    assert _portable_argv(args)[-2:] == ["--shop", "Prime picks"]


# ---------------------------------------------------------------------------------------------
# The Import page and the shop filter


def test_the_import_page_asks_the_shop_and_proposes_the_last_one(tmp_path, monkeypatch):
    db = tmp_path / "desk.duckdb"
    assert main(["--db", str(db), "import", str(NOVIA), "--shop", "Novia"]) == 0
    at = fresh_app(db, monkeypatch, "pages/import.py", state={"lang": "en"})
    at.file_uploader(key="import_files").set_value(
        (PRIME.name, PRIME.read_bytes(), "text/csv")).run()
    assert not at.exception
    ask = at.selectbox(key="import_shop_shopify")
    assert ask.label == "Shop of the Shopify files"
    assert ask.value == "Novia"           # the shop last chosen for Shopify, proposed
    # kept as proposed, the file is another store's orders: refused, naming the clash
    at.button(key="import_button").click().run()
    assert not at.exception
    texts = [x.value for x in at.text]
    assert any("15 order ids of orders_export_12.masked.csv already belong to orders of the "
               "shop “Novia · Shopify” created at other times" in x for x in texts), texts
    clash = next(d.value for d in at.dataframe if "order_id" in d.value.columns)
    assert clash["order_id"].tolist() == ["#1126", "#1127", "#1128", "#1129", "#1130"]
    assert _orders_open(at) == [("Novia", 50)]
    # a new shop typed in
    at.file_uploader(key="import_files_1").set_value(
        (PRIME.name, PRIME.read_bytes(), "text/csv")).run()
    ask = at.selectbox(key="import_shop_shopify")
    ask.select_index(len(ask.options) - 1).run()  # the last choice: a new shop
    assert at.button(key="import_button").disabled   # no name yet
    at.text_input(key="import_shop_new_shopify").input("Prime picks").run()
    at.button(key="import_button").click().run()
    assert not at.exception
    assert _orders_open(at) == [("Novia", 50), ("Prime picks", 15)]
    assert "Shop: Prime picks · Shopify" in [x.value for x in at.text]   # the shop it went to


def _orders_open(at) -> list[tuple]:
    from ui.data import get_store

    return get_store().cursor().execute(
        "select shop, count(*) from orders group by all order by all").fetchall()


def test_the_shop_filter_shows_names_and_platforms(tmp_path, monkeypatch):
    db = tmp_path / "desk.duckdb"
    assert main(["--db", str(db), "import", str(NOVIA), "--shop", "Novia"]) == 0
    assert main(["--db", str(db), "import", str(PRIME), "--shop", "Prime picks"]) == 0
    s = Store(db)
    rename_shop(s, "shopify", "Novia", "Novia Dhaka", by="ann")
    s.close()
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    assert not at.exception
    shops = at.sidebar.multiselect(key="f_shops")
    assert shops.options == ["Novia Dhaka · Shopify", "Prime picks · Shopify"]


@pytest.fixture(autouse=True)
def _no_env_store(monkeypatch):
    monkeypatch.delenv("ORDERDESK_DB", raising=False)
    assert "ORDERDESK_DB" not in os.environ
