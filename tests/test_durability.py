"""No lost action: a writer killed mid-stream, eight threads at once, a second program, replay.

Every action a caller was told was recorded (it got its event back) must be in the log after
anything short of losing the disk; the derived order_state must equal a replay of the log.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.db.states import refresh_states
from pipeline.db.store import Conflict, Store
from pipeline.desk import actions
from tests.conftest import load

ROOT = Path(__file__).resolve().parent.parent
N_ORDERS = 12
ORDERS = [
    {"order_id": f"52000000000000000{i:02d}", "created_at": "2026-11-20 09:00",
     "paid_at": "2026-11-20 09:05", "status_norm": "paid", "is_paid": True,
     "order_total": 10 + i, "paid": 10 + i, "buyer_message": f"留言 {i}"}
    for i in range(N_ORDERS)
]
KEYS = [("taobao", "s1", o["order_id"]) for o in ORDERS]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "desk.duckdb"
    s = Store(path)
    load(s, ORDERS)
    s.close()
    return path


def logged_ids(path: Path) -> set[int]:
    s = Store(path)
    try:
        return {r[0] for r in s.cursor().execute("select event_id from events").fetchall()}
    finally:
        s.close()


def assert_state_is_the_replay(store: Store) -> None:
    con = store.cursor()
    pd.testing.assert_frame_equal(actions.current_state(con), actions.replay_state(con),
                                  check_dtype=False)
    before = actions.current_state(con)
    store.run_write(lambda cur: refresh_states(cur))
    pd.testing.assert_frame_equal(actions.current_state(store.cursor()), before)


# ---------------------------------------------------------------------------------------------
# SIGKILL while writing

WRITER = """
import sys
from pipeline.desk import actions
from pipeline.db.store import Store

store = Store(sys.argv[1])
keys = [tuple(k.split("|")) for k in sys.argv[2].split(",")]
i = 0
while True:
    key = keys[i % len(keys)]
    event = actions.record(store, key, "note", by="writer", text=f"note {sys.argv[3]}-{i}")
    print(event.event_id, flush=True)
    i += 1
"""


@pytest.mark.slow
def test_a_writer_killed_at_random_loses_no_acknowledged_action(db):
    rng = random.Random(6)
    keys = ",".join("|".join(k) for k in KEYS)
    acked: list[int] = []
    rounds = 0
    while rounds < 6:  # a count, not a wall budget: a loaded machine runs them all too
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), keys, str(rounds)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            want = rng.randint(1, 25)
            for line in proc.stdout:
                acked.append(int(line))
                want -= 1
                if want == 0:
                    break
            if proc.poll() is not None:
                pytest.fail(f"the writer died by itself: {proc.stderr.read()[-2000:]}")
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            proc.stdout.close()
            proc.stderr.close()
        rounds += 1
    assert rounds >= 2 and acked
    assert len(set(acked)) == len(acked), "an event id was handed out twice"
    assert set(acked) <= logged_ids(db)
    s = Store(db)  # the store opens fine after the kills, and its derived state is consistent
    try:
        assert_state_is_the_replay(s)
    finally:
        s.close()


# ---------------------------------------------------------------------------------------------
# Eight threads in one process


@pytest.mark.slow
def test_eight_threads_lose_nothing_and_conflicts_are_reported(db):
    store = Store(db)
    shared = KEYS[0]
    acked: list[int] = []
    outcome: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        own = KEYS[1 + n]
        start.wait()
        for i in range(6):
            try:
                if i % 2 == 0:  # on the shared order, as someone who read it just before
                    seen = actions.order_context(store.cursor(), *shared)["last_event_id"]
                    ev = actions.record(store, shared, "note", by=f"t{n}", text=f"{n}-{i}",
                                        expected_last_event=int(seen))
                else:
                    ev = actions.record(store, own, "note", by=f"t{n}", text=f"{n}-{i}")
                with lock:
                    acked.append(ev.event_id)
                    outcome["recorded"] += 1
            except Conflict:
                with lock:
                    outcome["conflict"] += 1
            except BaseException as exc:  # anything else is a failure of the test
                with lock:
                    errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        print(f"threads: {dict(outcome)}")
        assert errors == []
        assert outcome["recorded"] + outcome["conflict"] == 8 * 6
        assert outcome["recorded"] >= 8 * 3  # every action on its own order goes through
        con = store.cursor()
        logged = [r[0] for r in con.execute("select event_id from events").fetchall()]
        assert sorted(logged) == sorted(acked), "the log holds exactly the acknowledged actions"
        own = con.execute("select count(*) from events where order_id <> ?",
                          [shared[2]]).fetchall()[0][0]
        assert own == 8 * 3
        assert_state_is_the_replay(store)
    finally:
        store.close()


def test_a_stale_read_is_a_conflict_naming_who_acted(db):
    store = Store(db)
    try:
        first = actions.record(store, KEYS[0], "note", by="王", text="先到")
        with pytest.raises(Conflict, match="王"):
            actions.record(store, KEYS[0], "note", by="李", text="后到", expected_last_event=0)
        again = actions.record(store, KEYS[0], "note", by="李", text="后到",
                               expected_last_event=first.event_id)
        assert again.event_id > first.event_id
    finally:
        store.close()


# ---------------------------------------------------------------------------------------------
# A second program


def test_the_cli_gets_a_clear_message_while_another_program_holds_the_store(db):
    # a program that holds the store and serves no hand-off (the dashboard does serve one:
    # tests/test_handoff.py); the command does not wait (--wait 0)
    holder = Store(db)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "--db", str(db), "--wait", "0", "action",
             KEYS[0][2], "note",
             "--by", "cron", "--text", "t"],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        holder.close()
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "open in another program" in done.stderr
    assert "Traceback" not in done.stderr
    assert logged_ids(db) == set()


# ---------------------------------------------------------------------------------------------
# Replaying the log equals applying the actions one by one

STEP = st.tuples(st.integers(0, 3), st.sampled_from(
    ["confirm", "remind", "process", "courier", "note", "review", "flag", "resolve", "undo"]))
MIXED = [
    {"order_id": "a", "created_at": "2026-11-20 09:00", "status_norm": "unpaid",
     "is_paid": False, "order_total": 5, "paid": 0},
    {"order_id": "b", "created_at": "2026-11-20 09:00", "paid_at": "2026-11-20 09:01",
     "status_norm": "paid", "is_paid": True, "order_total": 9, "paid": 9,
     "buyer_message": "周五前到"},
    {"order_id": "c", "created_at": "2026-11-20 09:00", "paid_at": "2026-11-20 09:01",
     "status_norm": "shipped", "is_paid": True, "order_total": 7, "paid": 7,
     "shipped_at": "2026-11-20 12:00"},
    {"order_id": "d", "created_at": "2026-11-20 09:00", "status_norm": "cod_confirmed",
     "is_paid": False, "is_cod": True, "order_total": 3, "paid": 0},
]
TEXTS = {"courier": "SF 1234567890", "note": "n", "flag": "why", "resolve": "done"}


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_replaying_the_log_equals_applying_the_actions(tmp_path_factory, steps):
    store = Store(tmp_path_factory.mktemp("replay") / "r.duckdb")
    try:
        load(store, MIXED)
        for i, action in steps:
            key = ("taobao", "s1", MIXED[i]["order_id"])
            with contextlib.suppress(actions.ActionError):  # refused by the rules: no write
                actions.record(store, key, action, by="h", text=TEXTS.get(action),
                               kind="manual" if action == "resolve" else None)
        assert_state_is_the_replay(store)
    finally:
        store.close()
