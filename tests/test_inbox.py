"""The inbox folder: new exports imported by themselves, once, when they hold still."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.ingest.inbox import Inbox
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
TAOBAO = SAMPLES / "taobao_2017" / "ExportOrderList201707080100.masked.gbk.csv"
ITEMS = SAMPLES / "taobao_2017" / "ExportOrderDetailList201707080100.gbk.csv"


def orders(store) -> int:
    return store.cursor().execute("select count(*) from orders").fetchall()[0][0]


def test_a_file_is_imported_once_it_holds_still_and_only_once(store, tmp_path):
    box = Inbox(tmp_path / "inbox")
    assert box.look(store) == [] and not box.has_files()    # no folder yet: nothing
    box.folder.mkdir()
    shutil.copy(TAOBAO, box.folder / "orders.csv")
    (box.folder / "notes.pdf").write_bytes(b"%PDF")          # not a kind it reads
    assert box.has_files()
    assert box.look(store) == []                             # first seen: may still be copying
    got = box.look(store)                                    # held still: imported
    assert [(r.status, r.layout) for r in got] == [("imported", "taobao_orders")]
    assert orders(store) == 5
    assert box.look(store) == []                             # never again
    history = store.cursor().execute("select imported_by from imports").fetchall()
    assert history == [("inbox",)]


def test_a_growing_file_waits_and_a_copy_of_an_imported_file_changes_nothing(store, tmp_path):
    box = Inbox(tmp_path)
    part = tmp_path / "items.csv"
    data = ITEMS.read_bytes()
    part.write_bytes(data[: len(data) // 2])
    box.look(store)
    part.write_bytes(data)                                   # still growing at the next look
    os.utime(part, (1, 1))
    assert box.look(store) == []
    assert len(box.look(store)) == 1                         # then held still: imported whole
    shutil.copy(part, tmp_path / "items again.csv")
    box.look(store)
    assert box.look(store) == []                             # same bytes: already imported
    assert store.cursor().execute("select count(*) from imports").fetchall()[0][0] == 1


def test_watch_once_from_the_command_line(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(TAOBAO, inbox / "ExportOrderList.csv")
    done = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(tmp_path / "s.duckdb"),
                           "watch", str(inbox), "--once", "--every", "0.2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "5 of 5 rows imported" in done.stdout
