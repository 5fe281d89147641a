"""The demo lives apart from the desk's own data (pipeline/ingest/bootstrap.py, the Import page)."""

from __future__ import annotations

import pytest

from pipeline.db.store import Store
from pipeline.ingest import bootstrap
from pipeline.ingest.importing import import_path
from tests.apptest import fresh_app
from tests.conftest import SAMPLES

TAOBAO = SAMPLES / "taobao_2017" / "ExportOrderList201707080100.masked.gbk.csv"
DEMO_ORDERS = 300


@pytest.fixture
def paths(tmp_path, monkeypatch):
    """The own store at tmp/own.duckdb (not made yet); the demo beside it."""
    own = tmp_path / "own.duckdb"
    monkeypatch.setenv("ORDERDESK_DB", str(own))
    monkeypatch.delenv("ORDERDESK_DEMO_DB", raising=False)
    monkeypatch.setenv("ORDERDESK_DEMO_ORDERS", str(DEMO_ORDERS))
    return own, tmp_path / "demo.duckdb"


def demo_imports(demo) -> int:
    """The imports a demo store holds: the nine exports, and the later order report when it
    holds an order (a demo this small may have none waiting to ship at this hour)."""
    later = demo.parent / "demo" / "taobao_orders_later.csv"
    return 9 + (later.read_bytes().count(b"\r\n") > 1)


def counts(path):
    s = Store(path)
    try:
        return s.cursor().execute(
            "select (select count(*) from orders), "
            "(select count(*) from imports where imported_by = 'demo')").fetchall()[0]
    finally:
        s.close()


def test_without_own_data_the_demo_store_is_shown_and_the_first_import_goes_apart(paths):
    own, demo = paths
    shown = bootstrap.open_store()
    assert shown.path == demo and bootstrap.is_demo_store(shown)
    assert not own.exists()
    bootstrap.load_demo(shown)
    assert bootstrap.is_demo(shown.cursor())
    shown.close()
    # an import from the command line (or the Import page) goes to the own store
    target = bootstrap.own_store()
    assert import_path(target, TAOBAO).status == "imported"
    target.close()
    assert counts(own) == (5, 0)                  # the five 2017 orders, no demo order
    assert counts(demo) == (DEMO_ORDERS, demo_imports(demo))   # the demo untouched, apart
    shown = bootstrap.open_store()
    assert shown.path == own and not bootstrap.is_demo_store(shown)
    shown.close()


def test_an_own_store_with_nothing_imported_still_shows_the_demo(paths):
    own, demo = paths
    Store(own).close()
    shown = bootstrap.open_store()
    assert shown.path == demo
    shown.close()


def test_an_older_store_holding_only_the_demo_is_moved_aside(paths):
    own, demo = paths
    old = Store(own)
    bootstrap.load_demo(old, orders=DEMO_ORDERS)
    old.close()
    shown = bootstrap.open_store()
    assert shown.path == demo and bootstrap.is_demo(shown.cursor())
    shown.close()
    assert not own.exists()
    assert counts(demo) == (DEMO_ORDERS, demo_imports(demo))


def test_import_page_says_which_data_is_on_screen_and_switches_to_own_data(paths, monkeypatch):
    own, demo = paths
    at = fresh_app(own, monkeypatch, "pages/import.py", state={"lang": "en"})
    assert not at.exception
    assert any("On screen: the demo data" in i.value for i in at.info)
    assert str(demo) in " ".join(x.value for x in at.text)
    at.file_uploader(key="import_files").set_value(
        (TAOBAO.name, TAOBAO.read_bytes(), "text/csv"))
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    assert any("Your own store was started" in s.value for s in at.success)
    assert any("On screen: your own imported data" in s.value for s in at.success)
    assert not any("demo data" in i.value for i in at.info)
    assert str(own) in " ".join(x.value for x in at.text)
    history = next(d.value for d in at.dataframe if "file_name" in d.value.columns)
    assert history["file_name"].tolist() == [TAOBAO.name]   # the own store's: no demo file
    assert counts(own) == (5, 0) and counts(demo)[0] == DEMO_ORDERS
    at.switch_page("pages/overview.py")
    at.run()
    assert not at.exception
    assert not any("demo data" in i.value for i in at.info)


def test_an_own_store_with_an_account_is_shown_not_the_demo(paths):
    # the first manager is added before any import: sign-in must be read from the own store,
    # never from the demo's (where nobody has an account and the desk would run open)
    from pipeline.accounts.users import add_user

    own, demo = paths
    s = Store(own)
    add_user(s, "boss", "manager", "a long password", by="cli")
    s.close()
    shown = bootstrap.open_store()
    assert shown.path == own
    shown.close()


def test_a_moved_demo_only_store_takes_its_marker_and_a_vanished_own_store_is_refused(paths):
    from pipeline.db.store import StoreGone, marker_path

    own, demo = paths
    s = Store(own)
    bootstrap.load_demo(s)
    s.close()
    shown = bootstrap.open_store()              # an older demo-only store moves to the demo's place
    assert shown.path == demo and marker_path(demo).exists() and not marker_path(own).exists()
    shown.close()
    # an own store that existed and is gone is never replaced by the demo
    Store(own).close()
    own.unlink()
    with pytest.raises(StoreGone):
        bootstrap.open_store()
