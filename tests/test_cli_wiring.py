"""The commands added beside DESIGN §10's (never renaming one): `alerts`, `daily-report` and
`store copy` reached from `python -m pipeline`; `watch` looks at the alerts after each look
(what it sends is tested in tests/test_alerts.py)."""

from __future__ import annotations

from pathlib import Path

from pipeline.cli import main
from pipeline.db import handoff

SAMPLE = Path(__file__).parent / "fixtures" / "samples" / "taobao_2017" / \
    "ExportOrderList201707080100.masked.utf8.csv"


def test_store_copy_and_alerts_run_from_the_command_line(tmp_path, capsys):
    db, copy = tmp_path / "s.duckdb", tmp_path / "t.duckdb"
    assert main(["--db", str(db), "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    assert main(["store", "copy", str(db), str(copy)]) == 0
    out = capsys.readouterr().out
    assert "orders                      5" in out
    assert out.rstrip().endswith("every count and checksum equal")
    assert main(["--db", str(db), "alerts", "--dry-run"]) == 0
    assert "no channel is enabled" in capsys.readouterr().err
    assert main(["--db", str(db), "daily-report", "--day", "2017-07-07",
                 "--out", str(tmp_path / "reports")]) == 0
    assert any((tmp_path / "reports").iterdir())


def test_a_dashboard_holding_the_store_takes_alerts_and_daily_reports():
    assert {"alerts", "daily-report"} <= set(handoff.COMMANDS)


def test_watch_still_imports_with_the_alerts_looked_at_after_each_look(tmp_path, capsys):
    db, box = tmp_path / "s.duckdb", tmp_path / "inbox"
    box.mkdir()
    (box / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    assert main(["--db", str(db), "watch", str(box), "--every", "0.1", "--once"]) == 0
    out = capsys.readouterr().out
    assert "5 of 5 rows imported" in out
