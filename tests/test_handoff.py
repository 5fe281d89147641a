"""The command line beside a running dashboard and beside another command (pipeline/handoff.py).

The dashboard's process holds the store; a scheduled `report`, `import` or `action` in another
process hands its work to it and succeeds. With no dashboard, a command waits (a bounded time)
for the program holding the store. No test here asserts a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import handoff
from pipeline.cli import run_handed
from pipeline.store import Store
from tests.conftest import SAMPLES, load

ROOT = Path(__file__).resolve().parent.parent
TAOBAO = SAMPLES / "taobao_2017" / "ExportOrderList201707080100.masked.gbk.csv"


def cli(*argv: str, wait: str = "0") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--wait", wait, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def dashboard(tmp_path):
    """A store held by this process, serving the hand-off socket, as the dashboard does."""
    db = tmp_path / "desk.duckdb"
    store = Store(db)
    load(store, [{"order_id": "o1", "created_at": "2026-11-30 10:00", "status_norm": "paid",
                  "paid_at": "2026-11-30 10:05"}])
    assert handoff.serve(db, lambda argv: run_handed(store, argv)) is not None
    yield db, store
    handoff.stop(db)
    store.close()


def test_report_import_and_action_succeed_beside_a_running_dashboard(dashboard):
    db, store = dashboard
    before = store.data_version()
    rep = cli("--db", str(db), "report", "--json", "--as-of", "2026-12-01 09:00")
    assert rep.returncode == 0, rep.stderr
    assert json.loads(rep.stdout)["orders"] == 1
    imp = cli("--db", str(db), "import", str(TAOBAO))
    assert imp.returncode == 0, imp.stderr
    assert "5 of 5 rows imported" in imp.stdout
    act = cli("--db", str(db), "action", "o1", "process", "--by", "night-job")
    assert act.returncode == 0, act.stderr
    # the dashboard's own connection sees what the handed-off commands wrote
    con = store.cursor()
    assert con.execute("select count(*) from orders").fetchall()[0][0] == 6
    assert con.execute("select state from order_state where order_id = 'o1'").fetchall() == [
        ("paid_processed",)]
    assert store.data_version() > before


def test_a_refusal_comes_back_with_its_exit_code(dashboard):
    db, _ = dashboard
    act = cli("--db", str(db), "action", "nobody", "process")
    assert act.returncode == 2
    assert "nobody" in act.stderr and "Traceback" not in act.stderr


def test_user_commands_are_not_handed_over(dashboard):
    db, _ = dashboard
    got = cli("--db", str(db), "user", "list")
    assert got.returncode == 2
    assert "busy" in got.stderr or "another program" in got.stderr


HOLD = ("import sys; from pipeline.store import Store; s = Store(sys.argv[1]); "
        "print('held', flush=True); sys.stdin.read(); s.close()")


def test_a_command_waits_for_another_program_to_let_the_store_go(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = cli("--db", str(db), "report", "--json", wait="0")
        assert busy.returncode == 2 and "Traceback" not in busy.stderr
        waiting = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--wait", "120", "--db", str(db), "import",
             str(TAOBAO)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said = waiting.stderr.readline()     # it found the store held and waits …
        assert "waiting up to 120 s" in said
        holder.stdin.close()                 # … until the other program lets it go
        out, err = waiting.communicate(timeout=300)
        assert waiting.returncode == 0, err
        assert "5 of 5 rows imported" in out
    finally:
        holder.kill()
        holder.wait()
