"""The first day at the desk: the commands the screen shows work as shown."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from pipeline.accounts import users
from pipeline.db.store import Store
from tests.apptest import fresh_app, store_file

ROOT = Path(__file__).resolve().parent.parent


def test_the_open_banners_command_adds_the_first_manager_as_shown(tmp_path, monkeypatch):
    db = tmp_path / "desk.duckdb"
    at = fresh_app(db, monkeypatch, state={"lang": "en"})
    banner = next(i.value for i in at.info if "add the first manager" in i.value.lower())
    shown = re.search(r"folder\): (.+?) user add NAME --role manager", banner)
    assert shown, banner
    prefix = shown.group(1)
    assert str(db) in prefix  # the store the desk runs on, not the default one
    # run as a person would paste it, in the desk's folder, with no environment activated
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("ORDERDESK_DB", None)
    done = subprocess.run(f"{prefix} user add Ann --role manager --password-stdin", shell=True,
                          cwd=ROOT, env=env, input="a long enough passphrase 42\n", text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    s = Store(db)
    try:
        listed = users.list_users(s.cursor())
        assert listed[["name", "role"]].values.tolist() == [["Ann", "manager"]]
    finally:
        s.close()


def test_the_imports_progress_clears_when_it_ends(tmp_path, monkeypatch):
    db = store_file(tmp_path / "own.duckdb", [{"order_id": "A1", "created_at": "2026-11-01 10:00"}])
    at = fresh_app(db, monkeypatch, page="pages/import.py", state={"lang": "en"})
    at.file_uploader(key="import_files").set_value(
        ("orders.csv", b"order_id,created_at\nB2,2026-11-02 09:00\n", "text/csv"))
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception
    assert [s.value for s in at.success], "the import's outcome is shown"
    assert not at.get("progress"), [p.proto for p in at.get("progress")]
