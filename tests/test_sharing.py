"""Work every session needs at the same moment is computed once and shared (ui.data.query,
through pipeline/db/cache.py)."""

from __future__ import annotations

import threading

import streamlit as st

from tests import sharing_probe
from tests.apptest import store_file


def test_two_sessions_at_the_same_moment_cause_one_computation(tmp_path, monkeypatch):
    db = store_file(tmp_path / "s.duckdb", [{"order_id": "o1", "created_at": "2026-11-11 10:00"}])
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    from ui.data import get_store, query

    sharing_probe.reset(hold=True)
    results: list[int] = []

    def session() -> None:
        results.append(query(sharing_probe.slow_board, "2026-11-11 12:00"))

    first = threading.Thread(target=session)
    first.start()
    assert sharing_probe.STARTED.wait(60)     # the first computes, held until released
    second = threading.Thread(target=session)
    second.start()
    # the second has asked and waits inside the shared cache while the first computes
    assert sharing_probe.waits_inside(second, "ask", "pipeline/db/cache.py")
    sharing_probe.RELEASE.set()
    first.join(60)
    second.join(60)
    assert results == [1, 1]
    assert sharing_probe.CALLS == [("2026-11-11 12:00",)]
    # another moment is another computation; the same again is none
    query(sharing_probe.slow_board, "2026-11-11 12:01")
    query(sharing_probe.slow_board, "2026-11-11 12:00")
    assert len(sharing_probe.CALLS) == 2
    get_store().close()
    st.cache_resource.clear()


def test_results_of_an_older_data_version_are_let_go_once_a_newer_one_is_asked(
        tmp_path, monkeypatch):
    """A busy desk writes often: what was cached at a version no page asks any more is not
    held until it expires."""
    db = store_file(tmp_path / "s.duckdb", [{"order_id": "o1", "created_at": "2026-11-11 10:00"}])
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_resource.clear()
    from pipeline.db import cache
    from ui import data

    store = data.get_store()
    sharing_probe.CALLS.clear()
    name = f"{sharing_probe.__name__}.slow_board"

    def held() -> list:
        """The data versions `slow_board` is held at for this store."""
        return [k[2][0] for k in cache._entries if k[3] == name and k[1] == store.store_id]

    first = store.data_version()
    data.query(sharing_probe.slow_board, "12:00")
    data.query(sharing_probe.slow_board, "12:00")              # still held: no new computation
    assert len(sharing_probe.CALLS) == 1
    assert held() == [first]
    store.run_write(lambda cur: cur.execute("select 1"))
    assert store.data_version() > first
    data.query(sharing_probe.slow_board, "12:00")            # the newer version asked
    assert len(sharing_probe.CALLS) == 2
    assert held() == [store.data_version()]                   # the older one was let go
    store.close()
    st.cache_resource.clear()


def test_two_stores_at_the_same_data_version_never_share_a_page_result(tmp_path, monkeypatch):
    """The demo's store and the desk's own (or a file replaced under a path) may well stand at
    the same data version: the store on screen is always the one asked."""
    one = store_file(tmp_path / "one.duckdb",
                     [{"order_id": "o1", "created_at": "2026-11-11 10:00"}])
    two = store_file(tmp_path / "two.duckdb",
                     [{"order_id": "o1", "created_at": "2026-11-11 10:00"},
                      {"order_id": "o2", "created_at": "2026-11-11 11:00"}])
    st.cache_resource.clear()
    from ui import data

    monkeypatch.setenv("ORDERDESK_DB", str(one))
    first = data.get_store()
    assert data.query(sharing_probe.slow_board, "12:00") == 1
    version = first.data_version()
    first.close()
    data.get_store.clear()
    monkeypatch.setenv("ORDERDESK_DB", str(two))
    second = data.get_store()
    assert second.data_version() == version          # the same number, another store
    assert data.query(sharing_probe.slow_board, "12:00") == 2
    second.close()
    st.cache_resource.clear()
