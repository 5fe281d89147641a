"""The command line beside a running dashboard and beside another command (pipeline/db/handoff.py).

The dashboard's process holds the store; a scheduled `report`, `import` or `action` in another
process hands its work to it and succeeds. With no dashboard, a command waits (a bounded time)
for the program holding the store. No test here asserts a time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.commands import run_handed
from pipeline.db import handoff
from pipeline.db.store import Store
from tests.conftest import SAMPLES, load

ROOT = Path(__file__).resolve().parent.parent
TAOBAO = SAMPLES / "taobao_2017" / "ExportOrderList201707080100.masked.gbk.csv"


def cli(*argv: str, wait: str = "0") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--wait", wait, *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


HANDED: list[list[str]] = []   # the commands the dashboard of the fixture was handed


@pytest.fixture
def dashboard(tmp_path):
    """A store held by this process, serving the hand-off socket, as the dashboard does."""
    db = tmp_path / "desk.duckdb"
    store = Store(db)
    load(store, [{"order_id": "o1", "created_at": "2026-11-30 10:00", "status_norm": "paid",
                  "paid_at": "2026-11-30 10:05"}])
    HANDED.clear()

    def run(argv):
        HANDED.append(argv)
        return run_handed(store, argv)

    assert handoff.serve(db, run) is not None
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


def user_cli(db, *argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--wait", "0", "--db", str(db),
                           "user", *argv], cwd=ROOT, capture_output=True, text=True,
                          input=stdin, timeout=300)


def test_user_commands_are_handed_over_with_the_password_as_its_hash(dashboard):
    from pipeline.accounts import users

    db, store = dashboard
    got = user_cli(db, "add", "Mia", "--role", "manager", "--password-stdin",
                   stdin="plum tree at dawn\n")
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "account Mia added as manager"
    assert user_cli(db, "add", "Cleo", "--role", "clerk", "--password-stdin",
                    stdin="clerk password\n").returncode == 0
    assert user_cli(db, "set-role", "Cleo", "viewer").returncode == 0
    assert user_cli(db, "reset-password", "Mia", "--password-stdin",
                    stdin="a new plum tree\n").returncode == 0
    assert user_cli(db, "disable", "Cleo").returncode == 0
    listed = user_cli(db, "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines() == ["Cleo\tviewer\tdisabled\tpassword\t-",
                                          "Mia\tmanager\tenabled\tpassword\t-"]
    # the dashboard's store has them; the passwords never went over the socket
    assert users.sign_in(store, "Mia", "a new plum tree").name == "Mia"
    sent = repr(HANDED)
    assert "plum tree" not in sent and "clerk password" not in sent and "$argon2id$" in sent
    refused = user_cli(db, "add", "Bo", "--role", "clerk", "--password-stdin",
                       stdin="1234567890\n")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "common" in refused.stderr and "Traceback" not in refused.stderr


def test_a_refusal_beside_the_dashboard_and_without_it_is_one_line_and_exit_2(dashboard,
                                                                               tmp_path):
    """A clerk undoing a manager's note: the role refuses it (the handler crashed on this and
    the command line retried for a minute; run directly it printed a traceback, exit 1)."""
    from pipeline.accounts import users

    db, store = dashboard
    users.add_user(store, "boss", "manager", "plum tree at dawn", by="test")
    users.add_user(store, "clerk", "clerk", "clerk password", by="test")
    assert cli("--db", str(db), "action", "o1", "note", "--by", "boss",
               "--text", "fragile").returncode == 0
    got = cli("--db", str(db), "action", "o1", "undo", "--by", "clerk", wait="60")
    assert got.returncode == 2
    assert got.stderr.count("\n") == 1 and got.stderr.startswith("error: ")
    assert "another program" not in got.stderr and "waiting" not in got.stderr
    assert "Traceback" not in got.stderr
    handoff.stop(db)
    store.close()
    direct = cli("--db", str(db), "action", "o1", "undo", "--by", "clerk")
    assert direct.returncode == 2, direct.stderr
    assert direct.stderr.count("\n") == 1 and "Traceback" not in direct.stderr
    assert direct.stderr == got.stderr                  # the same words either way
    Store(db).close()   # the fixture closes a store again: it may


def test_a_handed_command_that_fails_is_answered_at_once(tmp_path):
    db = tmp_path / "crash.duckdb"
    store = Store(db)

    def broken(argv):
        raise RuntimeError("a bug")

    assert handoff.serve(db, broken) is not None
    try:
        got = cli("--db", str(db), "action", "o1", "process", wait="60")
    finally:
        handoff.stop(db)
        store.close()
    assert got.returncode == 2
    assert got.stderr.count("\n") == 1 and "could not run this" in got.stderr
    assert "waiting" not in got.stderr and "Traceback" not in got.stderr


# --------------------------------------------------------------------------------------------
# Another account on the same machine (issue 27, point 4)

NOBODY = 65534
FORGED = """
import json, os, socket, sys
path, seen = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o666)
s.listen(5)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        data = c.recv(65536)
    except OSError:
        data = b""
    with open(seen, "ab") as f:
        f.write(data)
    c.sendall(json.dumps({"code": 0, "stdout": "note recorded\\n", "stderr": ""}).encode()
              + b"\\n")
    c.close()
"""


def another_accounts_python() -> str:
    """A Python another account may run (the project's may sit in root's home)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a process as another account (uid 65534)")
    for exe in ("/usr/bin/python3", "/usr/local/bin/python3"):
        probe = subprocess.run([exe, "-c", "print(1)"], user=NOBODY, capture_output=True,
                               cwd="/") if os.path.exists(exe) else None
        if probe is not None and probe.returncode == 0:
            return exe
    pytest.skip("no Python that uid 65534 may run")


def test_the_command_line_sends_nothing_to_a_program_of_another_account():
    python = another_accounts_python()
    shared = Path(tempfile.mkdtemp(prefix="orderdesk-shared-", dir="/tmp"))
    shared.chmod(0o1777)                                   # a world-writable folder
    db = shared / "desk.duckdb"
    Store(db).close()
    seen = shared / "seen.bin"
    seen.touch()
    seen.chmod(0o666)
    forger = subprocess.Popen([python, "-c", FORGED, str(handoff.socket_path(db)),
                               str(seen)], user=NOBODY, group=NOBODY, cwd="/",
                              stdout=subprocess.PIPE, text=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert forger.stdout.readline().strip() == "listening"
        assert holder.stdout.readline().strip() == "held"
        got = cli("--db", str(db), "action", "o1", "note", "--by", "boss", "--text", "x")
        assert got.returncode == 2
        assert "another account" in got.stderr and got.stderr.count("\n") == 1
        assert "recorded" not in got.stdout
        assert seen.read_bytes() == b""                    # nothing was sent to it
        # the dashboard does not take over (nor serve at) a path another account holds
        store_db = shared / "other.duckdb"
        os.link(handoff.socket_path(db), handoff.socket_path(store_db))
        assert handoff.serve(store_db, lambda argv: (0, "", "")) is None
        assert handoff.socket_path(store_db).lstat().st_uid == NOBODY   # left alone
    finally:
        holder.kill()
        holder.wait()
        forger.kill()
        forger.wait()
        shutil.rmtree(shared, ignore_errors=True)


HOLD = ("import sys; from pipeline.db.store import Store; s = Store(sys.argv[1]); "
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


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "is open to other accounts, so the desk did not use it"),
    ("zh", "对其他账户开放，订单台没有使用它"),
])
def test_a_socket_path_the_desk_did_not_make_is_said_on_the_page(monkeypatch, lang, said):
    """A socket left open to others at `<db>.sock` (as another account could leave one in a
    shared folder): the desk does not serve it and says so in a sentence on the page."""
    import socket as socket_

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    folder = Path(tempfile.mkdtemp(dir="/tmp"))   # a socket path must stay short
    try:
        db = folder / "desk.duckdb"
        s = Store(db)
        load(s, [{"order_id": "a", "created_at": "2026-11-20 10:00", "status_norm": "unpaid"}])
        s.close()
        planted = socket_.socket(socket_.AF_UNIX)
        planted.bind(str(folder / "desk.duckdb.sock"))
        planted.close()
        os.chmod(folder / "desk.duckdb.sock", 0o666)
        monkeypatch.setenv("ORDERDESK_DB", str(db))
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        [warning] = [w.value.replace("\\", "") for w in at.warning if said in w.value]
        assert f"{folder}/desk.duckdb.sock" in warning      # shown escaped as Markdown
        assert (folder / "desk.duckdb.sock").stat().st_mode & 0o777 == 0o666   # left alone
        st.cache_resource.clear()
    finally:
        handoff.stop(folder / "desk.duckdb")
        shutil.rmtree(folder, ignore_errors=True)
