"""Work every session needs at the same moment is computed once and shared (ui.core.query)."""

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
    from ui.core import get_store, query

    sharing_probe.CALLS.clear()
    results: list[int] = []

    def session() -> None:
        results.append(query(sharing_probe.slow_board, "2026-11-11 12:00"))

    first = threading.Thread(target=session)
    first.start()
    assert sharing_probe.STARTED.wait(10)     # the second asks while the first computes
    second = threading.Thread(target=session)
    second.start()
    first.join(30)
    second.join(30)
    assert results == [1, 1]
    assert sharing_probe.CALLS == [("2026-11-11 12:00",)]
    # another moment is another computation; the same again is none
    query(sharing_probe.slow_board, "2026-11-11 12:01")
    query(sharing_probe.slow_board, "2026-11-11 12:00")
    assert len(sharing_probe.CALLS) == 2
    get_store().close()
    st.cache_resource.clear()
