"""After a write, what the pages asked for is worked out again before anyone asks
(pipeline/db/warm.py): a round asks again what was recently asked, at the new data version,
skips what was asked long ago, stops when another write comes in, and the page that asks
next finds the result ready (no computation of its own). The next minute's asks are worked
out before it comes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import streamlit as st

from pipeline.base.filters import ALL
from pipeline.db import warm
from pipeline.db.store import Store
from tests import sharing_probe
from tests.apptest import store_file
from tests.conftest import load

ORDER = {"order_id": "o1", "created_at": "2026-11-11 10:00"}


def _write(store: Store) -> None:
    store.run_write(lambda cur: cur.execute("select 1"))


def test_a_round_asks_again_what_was_asked_at_the_new_version(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    load(store, [ORDER], [])
    redone: list[tuple] = []
    w = warm.Warmer(store, lambda s, ask, version: redone.append((ask, version)), start=False)
    w.asked(("m", "board", ("12:00",), ()))
    w.asked(("m", "counts", (), (("size", 5),)))
    assert w.run_once() == 0 and redone == []        # nothing written since: nothing to do
    _write(store)
    version = store.data_version()
    assert w.run_once() == 2
    # the most recent first, each at the version just written
    assert redone == [(("m", "counts", (), (("size", 5),)), version),
                      (("m", "board", ("12:00",), ()), version)]
    assert w.run_once() == 0                          # that version is done
    store.close()


def test_what_was_asked_long_ago_is_not_warmed(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.duckdb")
    redone: list[tuple] = []
    w = warm.Warmer(store, lambda s, ask, version: redone.append(ask), start=False)
    w.asked(("m", "old", (), ()))
    w.asks[("m", "old", (), ())] -= warm.RECENT_SECONDS + 1
    w.asked(("m", "new", (), ()))
    _write(store)
    assert w.run_once() == 1 and redone == [("m", "new", (), ())]
    store.close()


def test_a_write_during_a_round_stops_it_and_the_next_round_starts_from_it(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    redone: list[tuple] = []

    def redo(s, ask, version):
        redone.append((ask[1], version))
        if len(redone) == 1:
            _write(s)                                  # somebody acts meanwhile

    w = warm.Warmer(store, redo, start=False)
    for name in ("a", "b", "c"):
        w.asked(("m", name, (), ()))
    _write(store)
    first = store.data_version()
    assert w.run_once() == 1                           # stopped after the first
    assert w.run_once() == 3                           # the newer version, all of them
    assert redone[0] == ("c", first)
    assert [v for _, v in redone[1:]] == [first + 1] * 3
    store.close()


def test_an_ask_that_no_longer_fits_does_not_stop_the_others(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    redone: list[str] = []

    def redo(s, ask, version):
        if ask[1] == "gone":
            raise KeyError("no such period")
        if ask[1] == "broken":
            raise RuntimeError("a page function's bug")
        redone.append(ask[1])

    w = warm.Warmer(store, redo, start=False)
    w.asked(("m", "kept", (), ()))
    w.asked(("m", "gone", (), ()))
    w.asked(("m", "broken", (), ()))
    _write(store)
    assert w.run_once() == 1 and redone == ["kept"]
    store.close()


def test_after_a_write_the_page_finds_its_board_ready(tmp_path, monkeypatch):
    """Through the pages' cache (ui.data.query): asked once, a write, the background round,
    and the next ask computes nothing itself."""
    db = store_file(tmp_path / "s.duckdb", [ORDER])
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    monkeypatch.setattr(warm, "SETTLE_SECONDS", 0.05)
    st.cache_data.clear()
    st.cache_resource.clear()
    from ui.data import get_store, query

    sharing_probe.reset()           # computed at once: nobody waits inside it here
    store = get_store()
    assert query(sharing_probe.slow_board, "2026-11-11 12:00") == 1
    assert sharing_probe.CALLS == [("2026-11-11 12:00",)]
    w = warm.warmer(store)
    load(store, [{"order_id": "o2", "created_at": "2026-11-11 11:00"}], [])
    deadline = time.monotonic() + 60                  # a bound, not a timing: the round runs
    while w.rounds == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert w.rounds == 1 and w.warmed == 1
    assert len(sharing_probe.CALLS) == 2              # the warmer computed it, at the new data
    assert query(sharing_probe.slow_board, "2026-11-11 12:00") == 2
    assert len(sharing_probe.CALLS) == 2              # … and the page did not
    store.close()
    st.cache_resource.clear()


def test_the_warmer_ends_with_its_store(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    w = warm.Warmer(store, lambda s, ask, version: None)
    assert w.thread.is_alive()
    store.close()
    w.thread.join(30)
    assert w.rounds == 0
    assert not w.thread.is_alive()


_EXIT_MID_ROUND = """
import sys, threading
sys.path.insert(0, sys.argv[2])
from pipeline.db import warm
from pipeline.db.store import Store

store = Store(sys.argv[1])
inside = threading.Event()

def redo(s, ask, version):          # a query long enough to be running when the process ends
    inside.set()
    s.cursor().execute("select count(*) from range(300000000) t(i) where i % 7 = 3").fetchall()

w = warm.Warmer(store, redo)
w.asked(("m", "f", (), ()))
w._version = -1                     # as if a write had come
w._wake.set()
if not inside.wait(60):
    sys.exit(5)
print("exiting while the warmer is in the database", flush=True)
"""


def test_the_process_exits_cleanly_while_a_warmer_is_in_the_database(tmp_path):
    """A thread still inside the database when the interpreter goes down aborts the whole
    process; at exit the warmers are stopped and waited for instead."""
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_EXIT_MID_ROUND),
                           str(tmp_path / "s.duckdb"), str(root)],
                          capture_output=True, text=True, timeout=300)
    assert "exiting while the warmer is in the database" in done.stdout
    assert done.returncode == 0, done.stderr
    assert "terminate called" not in done.stderr


def test_the_next_minute_is_worked_out_before_it_comes(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    redone: list[tuple] = []
    w = warm.Warmer(store, lambda s, ask, version: redone.append((ask, version)), start=False)
    minute = datetime(2026, 11, 11, 12, 0)
    w.asked(("m", "board", (ALL, minute), ()))                       # now, to the minute
    w.asked(("m", "queue", (ALL, minute + timedelta(minutes=1)), (("size", 5),)))  # its end
    w.asked(("m", "periods", (), ()))                                # no moment: not moved
    w.asked(("m", "old", (ALL, minute - timedelta(minutes=3)), ()))  # another minute: not
    version = store.data_version()
    assert w.ahead(minute + timedelta(seconds=45)) == 2
    assert sorted(redone) == sorted([
        (("m", "board", (ALL, minute + timedelta(minutes=1)), ()), version),
        (("m", "queue", (ALL, minute + timedelta(minutes=2)), (("size", 5),)), version)])
    _write(store)                       # a write waiting for its round: that comes first
    assert w.ahead(minute + timedelta(seconds=45)) == 0
    store.close()


def test_the_warmer_wakes_at_second_45():
    assert warm._until_ahead(datetime(2026, 11, 11, 12, 0, 0)) == 45
    assert warm._until_ahead(datetime(2026, 11, 11, 12, 0, 50)) == 55
    assert warm._until_ahead(datetime(2026, 11, 11, 12, 0, 45)) == 60
