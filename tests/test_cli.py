"""The command line of DESIGN §10 on the real samples: exit codes, messages, report keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.cli import main
from pipeline.db.settings import save_setting
from pipeline.db.store import Store
from tests.conftest import SAMPLES

TAOBAO = SAMPLES / "taobao_2017"
SHOPIFY = SAMPLES / "shopify_cod"
REAL_FILES = [
    TAOBAO / "ExportOrderList201707080100.masked.gbk.csv",
    TAOBAO / "ExportOrderDetailList201707080100.gbk.csv",
    SHOPIFY / "orders_export_10.masked.csv",
    SHOPIFY / "orders_export.masked.csv",
]
REPORT_KEYS = {"as_of", "orders", "order_lines", "states", "amounts", "partial_refunds",
               "overdue", "due_soon", "problems", "order_types", "out_of_stock_skus", "stock",
               "currency", "currencies"}


def report(db: Path, capsys, *extra: str) -> dict:
    capsys.readouterr()
    assert main(["--db", str(db), "report", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_real_samples_import_and_report_as_counted_by_hand(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    assert main(["--db", str(db), "import", *map(str, REAL_FILES)]) == 0
    out = capsys.readouterr().out
    assert "taobao_orders, 5 of 5 rows imported" in out
    assert "shopify_orders, 50 of 50 rows imported" in out
    rep = report(db, capsys, "--as-of", "2026-04-08 12:00")
    assert set(rep) >= REPORT_KEYS
    assert rep["as_of"] == "2026-04-08 12:00"
    # 5 Taobao orders + 50 + 5 Shopify orders (#71737 has two line rows)
    assert (rep["orders"], rep["order_lines"]) == (60, 61)
    assert rep["states"] == {
        "unconfirmed_unpaid": 9,   # Shopify pending + unfulfilled, not cancelled
        "confirmed_unpaid": 0,
        "paid_unprocessed": 5,     # Taobao 买家已付款，等待卖家发货, no tracking number
        "paid_processed": 0,
        "shipped": 34,             # Shopify COD fulfilled, still `pending`
        "completed": 0,
        "refunding": 0,
        "refunded": 0,
        "closed": 12,              # Shopify voided + cancelled before payment
    }
    # amounts are in the desk currency, that of most orders: 55 Shopify orders in taka, whose
    # COD orders are not paid yet; the Taobao orders' 买家实际支付金额 are yuan, never added
    assert rep["currency"] == "BDT"
    assert rep["amounts"]["paid"] == 0.0
    assert rep["currencies"]["CNY"]["paid"] == round(201.12 + 186.15 + 331.55 + 989.00 + 236.55, 2)
    assert rep["amounts"]["refunded"] == 0.0
    # the Taobao export ends in 2017: that shop is stale and timed as of its data moment
    # (paid on 2017-07-07/08, none past the 72 h to ship then); the nine unconfirmed Shopify
    # COD orders are past the 48 h to chase them
    assert rep["overdue"]["ship_paid"] == 0
    assert rep["overdue"]["chase_unpaid"] == 9
    assert rep["stale_shops"] == [
        {"shop": "勤驿达海外生活", "platform": "taobao", "name": "勤驿达海外生活",
         "data_as_of": "2017-07-08 00:42:39"}]
    assert set(rep["overdue"]) == set(rep["due_soon"]) == {
        "chase_unpaid", "ship_paid", "out_of_stock", "address"}
    assert set(rep["problems"]) == {"out_of_stock", "address", "buyer_message",
                                    "refund_before_ship", "merge_candidate", "manual",
                                    "info_changed"}
    # 23 Shopify orders carry a discount code (22 + 1 in the two files); the Taobao items
    # listed at 239.00 against 201.12 paid are a standing price, not a promotion (DESIGN §7)
    assert rep["order_types"]["promotion"] == 23


def test_real_samples_report_money_per_currency(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    assert main(["--db", str(db), "import", *map(str, REAL_FILES)]) == 0
    store = Store(db)
    with store.write() as cur:
        save_setting(cur, "currency", "CNY", "desk")
    store.close()
    rep = report(db, capsys, "--as-of", "2026-04-08 12:00")
    assert rep["currency"] == "CNY"
    assert rep["amounts"]["paid"] == round(201.12 + 186.15 + 331.55 + 989.00 + 236.55, 2)
    assert rep["currencies"]["CNY"]["orders"] == 5
    assert rep["currencies"]["CNY"]["paid"] == rep["amounts"]["paid"]
    # the Shopify orders are in taka, never added to the yuan; COD orders are not paid yet
    assert rep["currencies"]["BDT"]["orders"] == 55
    assert rep["currencies"]["BDT"]["paid"] == 0.0
    assert set(rep["currencies"]) == {"CNY", "BDT"}


def test_importing_again_changes_nothing(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    main(["--db", str(db), "import", *map(str, REAL_FILES)])
    before = report(db, capsys, "--as-of", "2026-04-08 12:00")
    assert main(["--db", str(db), "import", *map(str, REAL_FILES)]) == 0
    assert capsys.readouterr().out.count("already imported") == 4
    assert report(db, capsys, "--as-of", "2026-04-08 12:00") == before


def test_a_bad_row_exits_1_and_names_file_row_and_column(tmp_path, capsys):
    text = (TAOBAO / "ExportOrderList201707080100.masked.utf8.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[3] = lines[3].replace("2017-07-07 20:42:50", "2017-13-45 99:99:99")
    bad = tmp_path / "orders_bad_date.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    assert main(["--db", str(db), "import", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "4 of 5 rows imported, 1 rejected" in captured.out
    assert "orders_bad_date.csv row 4, column 订单创建时间" in captured.err
    assert report(db, capsys)["orders"] == 4


def test_a_refused_file_exits_2_and_leaves_the_store_as_it_was(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    main(["--db", str(db), "import", str(REAL_FILES[0])])
    before = report(db, capsys, "--as-of", "2026-04-08 12:00")
    junk = tmp_path / "notes.csv"
    junk.write_text("colour,size\nred,L\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["--db", str(db), "import", str(junk), str(empty), str(REAL_FILES[1])]) == 2
    err = capsys.readouterr().err
    assert "notes.csv" in err and "empty.csv" in err
    after = report(db, capsys, "--as-of", "2026-04-08 12:00")
    assert after["order_lines"] == before["order_lines"] + 5  # the good file still went in
    assert after["orders"] == before["orders"]


def test_report_as_of_is_validated(capsys):
    assert main(["--db", ":memory:", "report", "--as-of", "tomorrow"]) == 2   # as argparse's
    assert "is not 'YYYY-MM-DD HH:MM'" in capsys.readouterr().err
    assert main(["--db", ":memory:", "report", "--as-of", "2026-03-10T10:00", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"].startswith("2026-03-10")


def test_report_on_a_store_that_is_not_there_is_refused(tmp_path, capsys, monkeypatch):
    """A scheduled job's mistyped --db gets exit 2 and says so, not an empty desk's zeros."""
    missing = tmp_path / "nodir" / "x.duckdb"
    assert main(["--db", str(missing), "report", "--json"]) == 2
    assert f"no store at {missing}" in capsys.readouterr().err
    assert not missing.parent.exists()
    monkeypatch.setenv("ORDERDESK_DB", str(missing))                # named the other way
    assert main(["report", "--json"]) == 2


def test_python_dash_m_pipeline_runs(tmp_path):
    Store(tmp_path / "s.duckdb").close()          # a new, empty store
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "--db", str(tmp_path / "s.duckdb"), "report", "--json"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    assert set(rep) >= REPORT_KEYS
    assert rep["orders"] == 0 and sum(rep["states"].values()) == 0


def test_demo_with_a_fixed_end_and_seed_writes_identical_files(tmp_path, capsys):
    args = ["demo", "--orders", "300", "--seed", "3", "--end", "2026-11-20 12:00"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "taobao_orders.csv" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert main(["demo", "--end", "soon", "--out", str(tmp_path / "c")]) == 2
