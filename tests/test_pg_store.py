"""The store on PostgreSQL (DESIGN §14): the same imports, actions and report as the file store,
several dashboards on one database, one writer at a time, a database that restarts, and the
copy between a file and PostgreSQL.

Every test here that needs PostgreSQL runs on a throwaway cluster (tests/pg_cluster.py): skipped
where PostgreSQL is not installed, failed under CI=1."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from pipeline.base import canonical as C
from pipeline.db import pg
from pipeline.db.copy import copy_store, store_copy_main
from pipeline.db.faults import Conflict, StoreUnreachable
from pipeline.db.mirror import (
    CACHE_ENV,
    VERIFY_ENV,
    database_checksums,
    mirror_checksums,
)
from pipeline.db.open import open_for_reading, open_store
from pipeline.db.settings import settings_history
from pipeline.db.store import Store
from pipeline.desk import actions, couriers, info
from pipeline.ingest.importing import apply_parsed, import_path
from pipeline.outputs.report import build_report
from tests.conftest import SAMPLES, frame, load
from tests.pg_cluster import Cluster, find_binary, wait_until

ROOT = Path(__file__).resolve().parent.parent
TAOBAO = SAMPLES / "taobao_2017"
SHOPIFY = SAMPLES / "shopify_cod"
REAL_FILES = [
    TAOBAO / "ExportOrderList201707080100.masked.gbk.csv",
    TAOBAO / "ExportOrderDetailList201707080100.gbk.csv",
    SHOPIFY / "orders_export_10.masked.csv",
    SHOPIFY / "orders_export.masked.csv",
]
AS_OF = datetime(2026, 4, 8, 12, 0)
T0 = "2026-11-20 10:00:00"
SEEN_WITHIN = 5.0   # seconds: what one dashboard records, the others show within this


@pytest.fixture(autouse=True)
def every_write_verified(monkeypatch, tmp_path):
    """Each write to PostgreSQL compares every table with the mirror before it commits: a change
    the write path does not carry over fails the write that made it. A store opened without a
    cache folder keeps its mirror in the test's folder."""
    monkeypatch.setenv(VERIFY_ENV, "1")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "pgcache-default"))


def pg_store(url: str, folder: Path, **kw) -> Store:
    """A dashboard's store on the database `url`, its mirror in `folder`."""
    return open_store(url, cache=folder, **kw)


@pytest.fixture(params=["file", "postgresql"])
def any_store(request, tmp_path: Path) -> Store:
    """The file store, then the PostgreSQL store (a cluster started only for that one)."""
    if request.param == "file":
        s = Store(tmp_path / "desk.duckdb")
    else:
        s = pg_store(request.getfixturevalue("pg_url"), tmp_path / "pgcache")
    yield s
    s.close()


def count(store: Store, query: str) -> int:
    return store.cursor().execute(query).fetchall()[0][0]


def snapshot(store: Store) -> dict[str, list]:
    cur = store.cursor()
    return {t: sorted(map(repr, cur.execute(f"select * from {t}").fetchall()))  # noqa: S608
            for t in ("orders", "order_lines", "order_state", "imports", "import_rejects",
                      "events")}


def import_all(store: Store) -> None:
    for f in REAL_FILES:
        assert import_path(store, f).status == "imported", f


def a_waiting_order(store: Store) -> tuple[str, str, str]:
    return tuple(store.cursor().execute(
        "select platform, shop, order_id from order_state where state = 'paid_unprocessed' "
        "order by order_id limit 1").fetchall()[0])


def bad_file(name: str = "bad.csv") -> C.Parsed:
    d = {"platform": "taobao", "shop": "s1"}
    return C.Parsed("test", {
        "orders": frame([{"order_id": "new", "created_at": T0, "status_norm": "paid",
                          "paid_at": T0}], d),
        "order_lines": frame([{"order_id": "new", "line_id": "1", "sku": "A",
                               "quantity": "not a number"}], d)}, rows_read=2)


def assert_mirror_is_the_database(store: Store) -> None:
    """Every table PostgreSQL keeps holds the same rows in the mirror as in the database."""
    assert mirror_checksums(store) == database_checksums(store)


# ---------------------------------------------------------------------------------------------
# Both stores: the same imports, actions and report


def test_the_real_samples_import_and_count_as_by_hand(any_store):
    import_all(any_store)
    # 5 Taobao orders + 50 + 5 Shopify orders (#71737 has two line rows)
    assert count(any_store, "select count(*) from orders") == 60
    assert count(any_store, "select count(*) from order_lines") == 61
    report = build_report(any_store.cursor(), AS_OF)
    assert (report["orders"], report["order_lines"]) == (60, 61)
    assert report["states"]["paid_unprocessed"] == 5      # Taobao 买家已付款，等待卖家发货
    assert report["states"]["shipped"] == 34              # Shopify COD fulfilled
    assert report["states"]["closed"] == 12               # Shopify voided + cancelled


def test_an_action_and_a_stale_second_one(any_store):
    import_all(any_store)
    key = a_waiting_order(any_store)
    event = actions.record(any_store, key, "process", by="ann", expected_last_event=0)
    assert (event.action, event.author) == ("process", "ann")
    state = any_store.cursor().execute(
        "select state, last_event_id from order_state where platform = ? and shop = ? "
        "and order_id = ?", list(key)).fetchall()
    assert state == [("paid_processed", event.event_id)]
    with pytest.raises(Conflict, match="process"):
        actions.record(any_store, key, "note", by="bob", text="later", expected_last_event=0)
    assert count(any_store, "select count(*) from events") == 1


def test_a_refused_file_leaves_the_store_as_it_was(any_store):
    load(any_store, [{"order_id": "keep", "created_at": T0, "status_norm": "paid",
                      "paid_at": T0}])
    before = snapshot(any_store)
    version = any_store.data_version()
    with pytest.raises(Exception, match="not a number"):
        apply_parsed(any_store, bad_file(), "bad.csv", "d" * 64)
    assert snapshot(any_store) == before
    assert any_store.data_version() == version


def test_postgresql_gives_the_report_the_file_gives(tmp_path, pg_url):
    """The same imports and actions on a file and on PostgreSQL: the same report (`report
    --json`), the same states; a dashboard that starts afterwards, and a read-only store, read
    the same from PostgreSQL alone."""
    file_store = Store(tmp_path / "desk.duckdb")
    first = pg_store(pg_url, tmp_path / "one")
    try:
        for s in (file_store, first):
            import_all(s)
            key = a_waiting_order(s)
            actions.record(s, key, "process", by="ann", expected_last_event=0)
            actions.record(s, key, "note", by="ann", text="二楼前台")
        expected = build_report(file_store.cursor(), AS_OF)
        assert expected["states"]["paid_processed"] == 1
        assert build_report(first.cursor(), AS_OF) == expected
        assert_mirror_is_the_database(first)
        states = "select * exclude (processed_at) from order_state order by all"  # a moment apart
        assert first.cursor().execute(states).fetchall() == \
            file_store.cursor().execute(states).fetchall()
        later = pg_store(pg_url, tmp_path / "two")
        reading = open_for_reading(pg_url)
        try:
            assert build_report(later.cursor(), AS_OF) == expected
            assert build_report(reading.cursor(), AS_OF) == expected
            assert later.cursor().execute(states).fetchall() == \
                file_store.cursor().execute(states).fetchall()
        finally:
            later.close()
            reading.close()
    finally:
        file_store.close()
        first.close()


# ---------------------------------------------------------------------------------------------
# Several dashboards on one database


def test_what_one_dashboard_records_the_other_shows_within_seconds(tmp_path, pg_url):
    one = pg_store(pg_url, tmp_path / "one")
    two = pg_store(pg_url, tmp_path / "two")
    try:
        version = two.data_version()
        changes = []
        two.on_change.append(lambda: changes.append(1))
        import_all(one)
        wait_until(lambda: count(two, "select count(*) from orders") == 60, SEEN_WITHIN)
        assert two.data_version() > version
        key = a_waiting_order(one)
        assert a_waiting_order(two) == key
        event = actions.record(one, key, "process", by="ann", expected_last_event=0)
        wait_until(lambda: count(two, "select count(*) from order_state where state = "
                                      "'paid_processed'") == 1, SEEN_WITHIN)
        assert changes
        # the second dashboard processing the same order sees a clear conflict
        with pytest.raises(Conflict, match=f"#{event.event_id}"):
            actions.record(two, key, "process", by="bob", expected_last_event=0)
        # and its own action goes in after the first's, with the next id
        second = actions.record(two, key, "note", by="bob", text="checked",
                                expected_last_event=event.event_id)
        assert second.event_id == event.event_id + 1
        wait_until(lambda: count(one, "select count(*) from events") == 2, SEEN_WITHIN)
        assert_mirror_is_the_database(one)
        assert_mirror_is_the_database(two)
    finally:
        one.close()
        two.close()


def test_rules_and_what_changed_after_the_desk_acted_reach_the_other_dashboard(tmp_path,
                                                                             pg_url):
    """The newer tables on PostgreSQL: message and courier rules saved through one dashboard
    (and their log, `settings_log`) are the other's within seconds, a change the other saves is
    logged after them; a buyer message an export changed after the desk acted (`info_changes`)
    shows there too."""
    rule = {"id": "fragile", "category": "fragile", "pattern": "易碎|fragile", "regex": False,
            "applies_to": ["buyer_message"], "does": "tag", "courier": None, "enabled": True}
    far = {"id": "far", "kind": "region", "match": "新疆", "courier": "EMS", "enabled": True}
    one = pg_store(pg_url, tmp_path / "one")
    two = pg_store(pg_url, tmp_path / "two")
    try:
        assert info.save_message_rules(one, [rule], by="ann")
        assert couriers.save_courier_rules(one, [far], by="ann")
        wait_until(lambda: two.settings()["courier_rules"] == [far], SEEN_WITHIN)
        assert two.settings()["message_rules"] == [rule]
        history = settings_history(two.cursor())
        assert history[["key", "changed_by"]].values.tolist() == [
            ["courier_rules", "ann"], ["message_rules", "ann"]]
        assert info.save_message_rules(two, [{**rule, "enabled": False}], by="bob")
        wait_until(lambda: not one.settings()["message_rules"][0]["enabled"], SEEN_WITHIN)
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("select log_id, key, changed_by from settings_log order by 1"
                                ).fetchall() == [(1, "message_rules", "ann"),
                                                 (2, "courier_rules", "ann"),
                                                 (3, "message_rules", "bob")]

        order = {"order_id": "a", "created_at": T0, "status_norm": "paid", "paid_at": T0}
        load(one, [{**order, "buyer_message": "请发顺丰"}], name="first")
        actions.record(one, ("taobao", "s1", "a"), "process", by="ann")
        load(one, [{**order, "buyer_message": "请发顺丰，改地址到上海"}], name="second")
        wait_until(lambda: count(two, "select count(*) from info_changes") == 1, SEEN_WITHIN)
        shown = info.info_changes_of(two.cursor(), "taobao", "s1", "a")
        assert shown[["field", "old_text", "new_text", "reviewed"]].values.tolist() == [
            ["buyer_message", "请发顺丰", "请发顺丰，改地址到上海", False]]
        assert_mirror_is_the_database(two)
    finally:
        one.close()
        two.close()


def test_an_action_from_another_process_shows_in_the_dashboard(tmp_path, pg_url):
    """The command line in a process of its own, on the same database: no hand-off, and the
    dashboard shows its action within seconds."""
    dashboard = pg_store(pg_url, tmp_path / "dash")
    try:
        import_all(dashboard)
        key = a_waiting_order(dashboard)
        env = {"ORDERDESK_PG_CACHE": str(tmp_path / "cli"), "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "--db", pg_url, "action", key[2], "note",
             "--by", "cli", "--text", "from the job"],
            capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
        assert done.returncode == 0, done.stderr
        wait_until(lambda: count(dashboard, "select count(*) from order_state "
                                            "where seller_note = 'from the job'") == 1,
                   SEEN_WITHIN)
    finally:
        dashboard.close()


def test_eight_writers_on_one_order_record_one_action(tmp_path, pg_url):
    first = pg_store(pg_url, tmp_path / "first")
    import_all(first)
    key = a_waiting_order(first)
    stores = [first] + [pg_store(pg_url, tmp_path / f"s{i}") for i in range(1, 8)]
    start = threading.Barrier(8, timeout=60)
    outcomes: list[str] = []

    def process(store: Store) -> None:
        start.wait()
        try:
            actions.record(store, key, "process", by="ann", expected_last_event=0)
            outcomes.append("recorded")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=process, args=(s,)) for s in stores]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert sorted(outcomes) == ["conflict"] * 7 + ["recorded"]
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("select action, count(*) from events group by action"
                                ).fetchall() == [("process", 1)]
    finally:
        for s in stores:
            s.close()


def test_an_import_is_one_transaction_in_postgresql(tmp_path, pg_url):
    store = pg_store(pg_url, tmp_path / "one")
    try:
        load(store, [{"order_id": "keep", "created_at": T0, "status_norm": "paid",
                      "paid_at": T0}])
        before = database_checksums(store)
        with psycopg.connect(pg_url) as conn:
            commits = pg.meta_value(conn, "commits")
        with pytest.raises(Exception, match="not a number"):
            apply_parsed(store, bad_file(), "bad.csv", "d" * 64)
        assert database_checksums(store) == before
        with psycopg.connect(pg_url) as conn:
            assert pg.meta_value(conn, "commits") == commits
        assert_mirror_is_the_database(store)
    finally:
        store.close()


def test_orders_moved_under_their_shop_move_in_postgresql(tmp_path, pg_url):
    """Lines imported before their order, and an order kept under the unnamed shop and acted
    on, move under the shop a later file names (pipeline/ingest/importing.py): PostgreSQL, a
    dashboard running meanwhile and one started afterwards hold them there only."""
    one = pg_store(pg_url, tmp_path / "one")
    running = pg_store(pg_url, tmp_path / "running")
    try:
        load(one, [{"order_id": "o1", "shop": "", "created_at": T0, "status_norm": "paid",
                    "paid_at": T0}], name="shopless")
        actions.record(one, ("taobao", "", "o1"), "note", by="ann", text="call first")
        load(one, lines=[{"order_id": "o2", "shop": "", "line_id": "1", "sku": "A",
                          "quantity": 1}], name="lines first")
        wait_until(lambda: count(running, "select count(*) from order_lines") == 1, SEEN_WITHIN)
        load(one, [{"order_id": "o1", "created_at": T0, "status_norm": "paid", "paid_at": T0},
                   {"order_id": "o2", "created_at": T0, "status_norm": "paid", "paid_at": T0}],
             name="named")
        assert one.cursor().execute("select order_id, shop from orders order by 1").fetchall() \
            == [("o1", "s1"), ("o2", "s1")]
        assert_mirror_is_the_database(one)
        wait_until(lambda: count(running, "select count(*) from imports") == 3, SEEN_WITHIN)
        later = pg_store(pg_url, tmp_path / "later")
        try:
            for query in ("select platform, shop, order_id from orders order by all",
                          "select platform, shop, order_id, line_id from order_lines",
                          "select shop, order_id, text from events",
                          "select shop, order_id, seller_note from order_state order by 2",
                          "select shop, order_id from open_orders order by 2"):
                want = one.cursor().execute(query).fetchall()
                assert running.cursor().execute(query).fetchall() == want, query
                assert later.cursor().execute(query).fetchall() == want, query
            assert later.cursor().execute("select shop, order_id, text from events").fetchall() \
                == [("s1", "o1", "call first")]
        finally:
            later.close()
    finally:
        one.close()
        running.close()


def test_a_mirror_kept_on_disk_catches_up_where_it_left_off(tmp_path, pg_url):
    one = pg_store(pg_url, tmp_path / "one")
    load(one, [{"order_id": "a", "created_at": T0, "status_norm": "paid", "paid_at": T0}],
         name="a")
    path = one.path
    one.close()
    two = pg_store(pg_url, tmp_path / "two")
    load(two, [{"order_id": "b", "created_at": T0, "status_norm": "paid", "paid_at": T0}],
         name="b")
    actions.record(two, ("taobao", "s1", "a"), "note", by="bob", text="seen")
    two.close()
    again = pg_store(pg_url, tmp_path / "one")
    try:
        assert again.path == path
        assert again.cursor().execute(
            "select order_id, seller_note from order_state order by 1").fetchall() == [
            ("a", "seen"), ("b", None)]
        assert_mirror_is_the_database(again)
        # an id drawn here follows the ids drawn by the other dashboard
        event = actions.record(again, ("taobao", "s1", "b"), "note", by="ann", text="next")
        assert event.event_id == 2
    finally:
        again.close()


def test_a_restart_of_postgresql_mid_session(tmp_path, pg_url, pg_cluster: Cluster):
    """Reads go on from the mirror; a write fails in one sentence and records nothing; once
    the database is back the write works and the other dashboard shows it, neither restarted."""
    one = pg_store(pg_url, tmp_path / "one")
    two = pg_store(pg_url, tmp_path / "two")
    try:
        import_all(one)
        key = a_waiting_order(one)
        wait_until(lambda: count(two, "select count(*) from orders") == 60, SEEN_WITHIN)
        expected = build_report(one.cursor(), AS_OF)
        pg_cluster.stop()
        try:
            assert build_report(one.cursor(), AS_OF) == expected
            with pytest.raises(StoreUnreachable) as refused:
                actions.record(one, key, "process", by="ann", expected_last_event=0)
            message = str(refused.value)
            assert "cannot be reached" in message and "nothing was recorded" in message
            assert "\n" not in message and "Traceback" not in message
            assert count(one, "select count(*) from events") == 0
            wait_until(lambda: two.status() is not None, SEEN_WITHIN)
            assert "cannot be reached" in two.status()
        finally:
            pg_cluster.start()
        event = actions.record(one, key, "process", by="ann", expected_last_event=0)
        wait_until(lambda: count(two, "select count(*) from events") == 1, SEEN_WITHIN)
        wait_until(lambda: two.status() is None, SEEN_WITHIN)
        assert two.cursor().execute("select event_id from events").fetchall() == [
            (event.event_id,)]
    finally:
        one.close()
        two.close()


def test_a_backup_restored_under_a_running_dashboard(tmp_path, pg_url):
    """pg_dump, more imports and actions, then the dump restored over the database while a
    dashboard runs: it shows the restored data within seconds, without a restart."""
    dump, restore = find_binary("pg_dump"), find_binary("pg_restore")
    backup = tmp_path / "desk.dump"
    one = pg_store(pg_url, tmp_path / "one")
    try:
        import_all(one)
        expected = build_report(one.cursor(), AS_OF)
        subprocess.run([str(dump), "--format=custom", f"--file={backup}", pg_url], check=True,
                       capture_output=True, timeout=120)
        key = a_waiting_order(one)
        actions.record(one, key, "process", by="ann")
        load(one, [{"order_id": "later", "created_at": T0, "status_norm": "paid",
                    "paid_at": T0}], name="after the backup")
        subprocess.run([str(restore), "--clean", "--if-exists", "--no-owner",
                        f"--dbname={pg_url}", str(backup)], check=True, capture_output=True,
                       timeout=120)
        wait_until(lambda: count(one, "select count(*) from orders") == 60, SEEN_WITHIN)
        assert count(one, "select count(*) from events") == 0
        assert build_report(one.cursor(), AS_OF) == expected
        assert_mirror_is_the_database(one)
        # and it goes on from there (the order unprocessed again, as in the backup)
        event = actions.record(one, key, "process", by="ann", expected_last_event=0)
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("select event_id, action from events").fetchall() == [
                (event.event_id, "process")]
    finally:
        one.close()


def test_a_database_that_cannot_be_reached_is_said_plainly(tmp_path, pg_cluster: Cluster):
    url = f"postgresql://nobody@127.0.0.1:{pg_cluster.port + 1}/nothing"
    with pytest.raises(StoreUnreachable, match="cannot be reached.*it was not opened"):
        pg_store(url, tmp_path / "cache")


# ---------------------------------------------------------------------------------------------
# What a dashboard shows while PostgreSQL is down


def _dashboard_script():
    """A page inside the app's frame: the banner above it, an action on the session's `act`
    order, the outcome, and how many events the page reads."""
    import streamlit as st

    from ui import order_dialog
    from ui.data import get_store
    from ui.layout import framed

    store = get_store()
    st.session_state.setdefault("store", store)   # the one opened first
    with framed("test"):
        if st.session_state.pop("act", None):
            order_dialog.act_on([("taobao", "s1", "o1")], "process", by="李")
        order_dialog.show_flash()
        events = store.cursor().execute("select count(*) from events").fetchall()[0][0]
        st.text(f"events {events}")


def _banners(at) -> list[str]:
    """The warnings on the page, as they read (Markdown's escapes and word joiners taken out)."""
    return [w.value.replace("\\", "").replace("\u2060", "") for w in at.warning]


def test_a_dashboard_says_postgresql_is_down_and_carries_on_once_it_is_back(tmp_path,
                                                                            monkeypatch):
    """PostgreSQL stopped under a running dashboard (a cluster of the test's own): a banner
    names the database (never the password) and since when, the pages show the data the
    mirror has, an action is refused in one sentence; started again, the banner goes and the
    next read and action work, the store never reopened."""
    from zoneinfo import ZoneInfo

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipeline.base.labels import label
    from tests.pg_cluster import SUPERUSER, running_cluster

    with running_cluster() as cluster:
        name = cluster.new_database().rsplit("/", 1)[1]
        url = f"postgresql://{SUPERUSER}:s3cret@127.0.0.1:{cluster.port}/{name}"  # trust: unused
        seed = pg_store(url, tmp_path / "seed")
        load(seed, [{"order_id": "o1", "created_at": T0, "status_norm": "paid", "paid_at": T0}])
        seed.close()
        monkeypatch.setenv("ORDERDESK_DB", url)
        monkeypatch.setenv(CACHE_ENV, str(tmp_path / "dashboard"))
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_function(_dashboard_script, default_timeout=60)
        try:
            at.run()
            assert not at.exception
            assert _banners(at) == [] and [t.value for t in at.text] == ["events 0"]
            opened = at.session_state["store"]

            stopped = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, microsecond=0)
            cluster.stop()
            wait_until(lambda: _banners(at.run()) != [], SEEN_WITHIN)
            [banner] = _banners(at)
            assert f"127.0.0.1:{cluster.port}/{name}" in banner
            assert "s3cret" not in banner
            since = datetime.strptime(banner.split("自 ", 1)[1][:19], "%Y-%m-%d %H:%M:%S")
            assert 0 <= (since - stopped).total_seconds() <= SEEN_WITHIN + 1
            assert [t.value for t in at.text] == ["events 0"]   # the mirror's data, as it was
            # every page of the app has the banner; the Import page names the database too
            app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
            assert not app.exception and banner in _banners(app)
            app.switch_page("pages/import.py").run()
            assert not app.exception and banner in _banners(app)
            assert f"PostgreSQL 数据库：postgresql://127.0.0.1:{cluster.port}/{name}" in \
                [t.value for t in app.text]

            at.session_state["act"] = True
            at.run()
            assert not at.exception
            assert [e.value for e in at.error] == [label("store_fault_unreachable", "zh")]
            assert [t.value for t in at.text] == ["events 0"]

            cluster.start()
            wait_until(lambda: _banners(at.run()) == [], SEEN_WITHIN)
            at.session_state["act"] = True
            at.run()
            assert not at.exception and at.error == []
            assert [s.value for s in at.success] == ["已记录：标记已处理，1 单"]
            assert [t.value for t in at.text] == ["events 1"]
            assert at.session_state["store"] is opened
            with psycopg.connect(cluster.url(name)) as conn:
                assert conn.execute("select order_id, action, author from events").fetchall() \
                    == [("o1", "process", "李")]
        finally:
            st.cache_resource.clear()
            if "store" in at.session_state:
                at.session_state["store"].close()   # before its cluster goes


def test_the_app_started_while_postgresql_is_down_says_so(tmp_path, monkeypatch):
    import socket

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipeline.base.labels import label

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]   # nothing listens there
    monkeypatch.setenv("ORDERDESK_DB", f"postgresql://desk:s3cret@127.0.0.1:{closed}/desk")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "dashboard"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [label("store_fault_open_unreachable", "zh")]


# ---------------------------------------------------------------------------------------------
# Copying a store: file -> PostgreSQL -> file


def test_a_store_copied_to_postgresql_and_back_keeps_every_row(tmp_path, pg_url, capsys):
    source = tmp_path / "source.duckdb"
    s = Store(source)
    import_all(s)
    key = a_waiting_order(s)
    actions.record(s, key, "process", by="ann")
    apply_parsed(s, C.Parsed("x", {
        "stock": frame([{"sku": "A", "warehouse": "", "available": 5}]),
        "bundles": frame([{"bundle_sku": "SET", "component_sku": "A", "quantity": 2}])},
        rows_read=2), "stock", hashlib.sha256(b"stock").hexdigest())
    tables = pg.tables_of(s.con)   # as the file holds them (some are made when first used)
    original = pg.duck_checksums(s.con, tables)
    report = build_report(s.cursor(), AS_OF)
    s.close()
    assert original["orders"][0] == 60 and original["events"][0] == 1

    assert store_copy_main(str(source), pg_url) == 0
    printed = capsys.readouterr().out
    assert "every count and checksum equal" in printed
    assert any(line.split()[:2] == ["orders", "60"] for line in printed.splitlines())
    # a desk's database is never copied over
    assert store_copy_main(str(source), pg_url) == 2
    assert "holds a desk's data already" in capsys.readouterr().err

    on_pg = pg_store(pg_url, tmp_path / "cache")
    try:
        assert build_report(on_pg.cursor(), AS_OF) == report
        assert {t: v for t, v in mirror_checksums(on_pg).items() if t in tables} == original
    finally:
        on_pg.close()

    back = tmp_path / "back.duckdb"
    result = copy_store(pg_url, back, say=lambda _: None)
    assert all(t.equal for t in result)
    copied = Store(back)
    try:
        assert pg.duck_checksums(copied.con, tables) == original
        assert build_report(copied.cursor(), AS_OF) == report
        # the copy goes on drawing ids after the ones it holds
        event = actions.record(copied, key, "note", by="ann", text="after the move")
        assert event.event_id == 2
    finally:
        copied.close()
