"""The store under faults: a file removed or replaced under a running desk, a marker without its
store, a read-only or full disk, a failing commit. Nothing is lost, nothing is recorded where
nobody will find it, and every refusal says why in one plain sentence."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.base.labels import label
from pipeline.cli import main
from pipeline.db import pg
from pipeline.db.faults import (
    FAULT_KINDS,
    FAULT_MESSAGES,
    StoreBusy,
    StoreFault,
    StoreGone,
    classify,
)
from pipeline.db.open import open_for_reading
from pipeline.db.store import Store, marker_path
from pipeline.desk import actions
from tests.conftest import load

ROOT = Path(__file__).resolve().parent.parent
T0 = "2026-11-20 10:00"
ORDER = {"order_id": "o1", "created_at": T0, "status_norm": "paid", "paid_at": T0,
         "is_paid": True, "order_total": 10, "paid": 10}
KEY = ("taobao", "s1", "o1")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A closed store file holding one paid order and one note on it."""
    path = tmp_path / "desk" / "orderdesk.duckdb"
    s = Store(path)
    load(s, [ORDER])
    actions.record(s, KEY, "note", by="王", text="first")
    s.close()
    return path


def events(store: Store) -> list[tuple]:
    return store.cursor().execute("select event_id, action, text from events order by 1").fetchall()


def events_in(path: Path) -> list[tuple]:
    s = Store(path)
    try:
        return events(s)
    finally:
        s.close()


def files(path: Path) -> dict[str, bytes]:
    """Every file in the store's folder with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


# ---------------------------------------------------------------------------------------------
# The file removed or replaced under a running store


def test_a_store_whose_file_was_deleted_refuses_to_record(db):
    store = Store(db)
    try:
        before, version = events(store), store.data_version()
        db.unlink()
        with pytest.raises(StoreGone, match="is gone or was replaced; nothing was recorded"):
            actions.record(store, KEY, "process", by="李")
        assert events(store) == before and store.data_version() == version  # not even unseen
        assert not db.exists()  # and no new file took its place
    finally:
        store.close()
    assert not db.exists()
    assert marker_path(db).exists()  # the marker still says a store was kept here


def test_a_file_removed_during_a_write_rolls_it_back(db):
    store = Store(db)
    try:
        before, version = events(store), store.data_version()
        held = db.with_name("held.duckdb")
        with pytest.raises(StoreGone, match="nothing was recorded"), store.write() as cur:
            cur.execute("update orders set order_total = 99")
            db.rename(held)  # moved away between the statements and the commit
        assert events(store) == before and store.data_version() == version
        assert store.cursor().execute("select order_total from orders").fetchall() == [(10,)]
        held.rename(db)  # put back (the same file): the store records again
        actions.record(store, KEY, "process", by="李")
        assert [e[1] for e in events(store)] == ["note", "process"]
    finally:
        store.close()
    assert [e[1] for e in events_in(db)] == ["note", "process"]


def test_a_file_replaced_by_another_store_is_refused(db, tmp_path):
    other = tmp_path / "other" / "orderdesk.duckdb"
    s = Store(other)
    load(s, [ORDER])
    s.close()
    store = Store(db)
    try:
        before = events(store)
        os.replace(other, db)  # another store's file moved over this one
        with pytest.raises(StoreGone, match="gone or was replaced"):
            actions.record(store, KEY, "process", by="李")
        assert events(store) == before
    finally:
        store.close()
    # The file now in place was not written to either, and is refused on opening.
    with pytest.raises(StoreGone, match="not the store kept here"):
        Store(db)
    adopted = Store(db, create=True)  # taken as the store on purpose
    try:
        assert events(adopted) == []
        assert marker_path(db).read_text().strip() == str(adopted.store_id)
    finally:
        adopted.close()


def test_a_missing_store_whose_marker_exists_is_refused_and_not_remade(db, monkeypatch):
    monkeypatch.delenv("ORDERDESK_NEW_STORE", raising=False)
    db.unlink()
    kept = files(db)
    for read_only in (False, True):
        with pytest.raises(StoreGone, match="is gone .*ORDERDESK_NEW_STORE=1"):
            Store(db, read_only=read_only)
    with pytest.raises(StoreGone):
        open_for_reading(db)
    assert files(db) == kept  # no new store, the marker untouched


def test_a_fresh_store_is_made_only_when_asked(db, monkeypatch):
    old_id = int(marker_path(db).read_text())
    db.unlink()
    db.with_name(db.name + ".wal").write_bytes(b"left behind")
    monkeypatch.setenv("ORDERDESK_NEW_STORE", "1")
    fresh = Store(db)
    try:
        assert fresh.store_id != old_id and events(fresh) == []
        assert int(marker_path(db).read_text()) == fresh.store_id
    finally:
        fresh.close()
    aside = [p.name for p in db.parent.iterdir() if ".wal.orphaned-" in p.name]
    assert len(aside) == 1  # the orphaned log is kept, not replayed into the new store
    monkeypatch.delenv("ORDERDESK_NEW_STORE")
    assert events_in(db) == []  # the new store is now the store kept here


def test_the_first_start_makes_a_store_and_its_marker(tmp_path):
    path = tmp_path / "new" / "orderdesk.duckdb"
    s = Store(path)
    try:
        assert s.store_id is not None
        assert int(marker_path(path).read_text()) == s.store_id
    finally:
        s.close()
    again = Store(path)  # reopening the same store is fine
    try:
        assert again.store_id == s.store_id
    finally:
        again.close()


# ---------------------------------------------------------------------------------------------
# Read-only stores and reading without writing


@contextlib.contextmanager
def read_only(db: Path) -> Iterator[Store]:
    """The store at `db` as a desk opens it when its file may not be written: mode bits for a
    user; for root (who writes through mode bits) a read-only bind mount of the folder, or,
    where mounting is not allowed, the store opened read-only."""
    if os.geteuid() != 0:
        db.chmod(0o444)
        db.parent.chmod(0o555)
        try:
            store = Store(db)
            yield store
            store.close()
        finally:
            db.parent.chmod(0o755)
            db.chmod(0o644)
        return
    view = db.parent.with_name("read-only view")
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(db.parent), str(view)],
                             capture_output=True).returncode == 0
    try:
        if mounted and subprocess.run(["mount", "-o", "remount,ro,bind", str(view)],
                                      capture_output=True).returncode == 0:
            store = Store(view / db.name)
        else:
            store = Store(db, read_only=True)
        yield store
        store.close()
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(view)], check=False)


def test_a_read_only_store_opens_for_reading_and_refuses_writes_plainly(db):
    before = files(db)
    with read_only(db) as store:
        assert store.read_only
        assert [e[1] for e in events(store)] == ["note"]  # the desk can still be looked at
        with pytest.raises(StoreFault) as refused:
            actions.record(store, KEY, "process", by="李")
        assert refused.value.kind == "read_only"
        assert "cannot be written: it is read-only; nothing was recorded" in str(refused.value)
        assert classify(refused.value).message == FAULT_MESSAGES["read_only"]
    assert label("store_fault_read_only", "en").startswith(
        "The store cannot be written: it is read-only.")
    assert files(db) == before


def test_report_reads_a_store_without_writing_to_it(db, capsys):
    before = files(db)
    mtimes = {p.name: p.stat().st_mtime_ns for p in db.parent.iterdir()}
    assert main(["--db", str(db), "report", "--json"]) == 0
    assert '"orders": 1' in capsys.readouterr().out
    assert files(db) == before
    assert {p.name: p.stat().st_mtime_ns for p in db.parent.iterdir()} == mtimes
    s = open_for_reading(db)
    try:
        with pytest.raises(StoreFault) as refused:
            s.run_write(lambda cur: cur.execute("update meta set value = 0"))
        assert refused.value.kind == "read_only"
    finally:
        s.close()
    assert files(db) == before


def test_the_cli_says_a_marked_store_is_gone_in_one_line_and_exits_2(db):
    db.unlink()
    for args in (["report"], ["action", "o1", "note", "--text", "t"]):
        done = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("error: the store file ")
        assert "is gone" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not db.exists()


# ---------------------------------------------------------------------------------------------
# The real error is the one raised


def test_a_failed_commit_raises_its_own_error_not_the_rollbacks(db):
    store = Store(db)
    try:
        version = store.data_version()
        other = store.con.cursor()
        other.execute("begin transaction")
        other.execute("insert into meta values ('probe', 1)")
        with pytest.raises(duckdb.TransactionException) as failed, store.write() as cur:
            cur.execute("insert into meta values ('probe', 2)")
            other.execute("commit")  # the same key committed first: this commit fails
        assert "duplicate key" in str(failed.value)
        assert "no transaction is active" not in str(failed.value)
        assert store.data_version() == version
        actions.record(store, KEY, "process", by="李")  # no transaction left hanging
        assert store.data_version() == version + 1
    finally:
        store.close()


def test_a_failing_statement_is_raised_as_it_was(store):
    with pytest.raises(duckdb.ConstraintException, match="data_version"), store.write() as cur:
        cur.execute("insert into meta values ('data_version', 7)")
    assert store.data_version() == 0


# ---------------------------------------------------------------------------------------------
# Sorting real exceptions


def _raised(fn) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # the exception itself is what is tested
        return exc
    raise AssertionError("nothing was raised")


def test_classify_sorts_real_exceptions(tmp_path, db):
    con = duckdb.connect()
    cases = {
        "read_only": [_raised(lambda: Store(db, read_only=True).con.execute(
            "insert into meta values ('x', 1)"))],
        "gone": [
            _raised(lambda: duckdb.connect(str(tmp_path / "none.duckdb"), read_only=True)),
            _raised(lambda: (tmp_path / "none" / "f").read_bytes()),
            _raised(lambda: Store(db.with_name("gone.duckdb"), read_only=True)),
        ],
        "other": [
            _raised(lambda: con.execute("select cast('not a number' as integer)")),
            _raised(lambda: con.execute("select * from no_such_table")),
            ValueError("a value"),
        ],
    }
    # a full disk cannot be made inside the repository: the errors as Python and DuckDB
    # raise them when a write finds no space (DuckDB's text as it reads on a full device)
    cases["disk_full"] = [
        OSError(errno.ENOSPC, "No space left on device"),
        duckdb.IOException(
            'IO Error: Async write failed for range [offset=0, size=1]: {"exception_type":"IO",'
            '"exception_message":"Could not write file \\"/data/orderdesk.duckdb\\": No space '
            'left on device","errno":"28"}'),
    ]
    # a PostgreSQL store's database down: nothing listens on its port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    cases["unreachable"] = [
        _raised(lambda: pg.connect(f"postgresql://nobody@127.0.0.1:{closed}/desk", "the desk")),
    ]
    assert sorted([*cases, "busy"]) == sorted(FAULT_KINDS)   # busy: a second program, below
    for kind, excs in cases.items():
        for exc in excs:
            fault = classify(exc)
            assert (fault.kind, fault.message) == (kind, FAULT_MESSAGES[kind]), exc
    assert classify(OSError(errno.ENOSPC, "No space left on device")).kind == "disk_full"
    wrapped = StoreFault("wrapped")
    wrapped.__cause__ = cases["gone"][0]
    assert classify(wrapped).kind == "gone"


def test_a_second_program_holding_the_store_is_busy(db):
    holder = Store(db)
    try:
        code = ("import sys\nfrom pipeline.db.store import Store, classify\n"
                f"try:\n    Store({str(db)!r})\nexcept Exception as e:\n"
                "    print(type(e).__name__, classify(e).kind); sys.exit(3)\n")
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
    finally:
        holder.close()
    assert done.returncode == 3, done.stderr
    assert done.stdout.split() == [StoreBusy.__name__, "busy"]


# ---------------------------------------------------------------------------------------------
# A full disk (a small tmpfs, where the system lets us mount one)


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "small"
    mount.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(path: Path) -> None:
    """Write `path` until the disk is full."""
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_a_full_disk_refuses_writes_plainly_and_reading_still_works(small_disk, capsys):
    path = small_disk / "orderdesk.duckdb"
    s = Store(path)
    load(s, [ORDER])
    s.close()
    filler = small_disk / "filler"
    _fill(filler)
    assert main(["--db", str(path), "report", "--json"]) == 0  # reading needs no space
    assert '"orders": 1' in capsys.readouterr().out
    store = Store(path)
    try:
        with pytest.raises(StoreFault) as refused:
            actions.record(store, KEY, "note", by="王", text="x" * 200_000)
        assert refused.value.kind == "disk_full"
        assert "the disk is full; nothing was recorded" in str(refused.value)
        assert "no transaction is active" not in str(refused.value.__cause__)
        assert events(store) == []
        filler.unlink()
        actions.record(store, KEY, "note", by="王", text="after")
        assert [e[2] for e in events(store)] == ["after"]
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# What a viewer sees


def _act_script():
    import streamlit as st

    from ui import order_dialog
    from ui.data import get_store

    get_store()
    if st.session_state.get("act"):
        order_dialog.act_on([("taobao", "s1", "o1")], "process", by="李")
    order_dialog.show_flash()


def test_a_viewer_sees_one_sentence_when_the_store_is_gone(db, monkeypatch):
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_function(_act_script, default_timeout=60).run()
    assert not at.exception
    db.unlink()
    at.session_state["act"] = True
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [label("store_fault_gone", "zh")]
    assert not db.exists()
    st.cache_resource.clear()


def test_the_app_on_a_missing_marked_store_says_so_and_loads_no_demo(db, monkeypatch):
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    monkeypatch.delenv("ORDERDESK_NEW_STORE", raising=False)
    db.unlink()
    kept = files(db)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [label("store_fault_open_gone", "zh")]
    assert files(db) == kept


def test_an_import_into_a_store_gone_meanwhile_says_so_and_records_nothing(db, monkeypatch):
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/import.py").run()
    assert not at.exception
    kept = db.with_name("kept.duckdb")
    db.rename(kept)  # taken away while the app runs
    at.file_uploader(key="import_files").set_value(
        ("stock.csv", b"sku,available\nA,5\n", "text/csv"))
    next(b for b in at.button if b.label == "导入").click().run()
    assert not at.exception
    assert label("store_fault_gone", "zh") in [e.value for e in at.error]
    st.cache_resource.clear()
    kept.rename(db)
    s = Store(db)
    try:
        assert s.cursor().execute("select count(*) from stock").fetchall() == [(0,)]
    finally:
        s.close()


def test_the_cli_prints_any_other_store_error_in_one_line(db, capsys):
    s = Store(db)
    s.con.execute("drop table order_state")  # a store the report cannot read
    s.close()
    assert main(["--db", str(db), "report"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the store could not do this") and len(err.splitlines()) == 1
