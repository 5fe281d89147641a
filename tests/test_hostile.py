"""Hostile input end to end through the store and the CLI, and downloads safe to open in Excel.

Each bad file gets a clear message and never a traceback; a refused file leaves the store
exactly as it was, a file with bad rows loses only those rows. The layout readers' own unit
tests are in tests/test_formats.py; these go through `import_bytes` and `python -m pipeline`.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main as cli
from pipeline.db.store import Store
from pipeline.ingest.importing import import_bytes
from pipeline.outputs import workbook
from pipeline.outputs.export import csv_bytes, xlsx_bytes
from tests.factories import GOOD, REFUSED, template_csv

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("orders", "order_lines", "stock", "bundles", "promotions", "events", "imports",
          "import_rejects", "order_state")


def snapshot(store: Store) -> tuple:
    """Everything the store holds, and its data version."""
    con = store.cursor()
    return tuple(con.execute(f"select * from {t} order by all").fetchall()  # noqa: S608
                 for t in TABLES) + (store.data_version(),)


def orders(store: Store) -> dict[str, tuple]:
    rows = store.cursor().execute(
        "select order_id, address, buyer_message, seller_note from orders").fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.fixture
def filled(store: Store) -> Store:
    """A store holding the three good orders."""
    assert import_bytes(store, "good.csv", template_csv(GOOD)).status == "imported"
    return store


# ---------------------------------------------------------------------------------------------
# Refused files: a clear message, the store unchanged


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_file_has_a_clear_message_and_changes_nothing(filled, case):
    data, words = REFUSED[case]
    name = f"{case}.xlsx" if case.startswith(("xlsx", "zip", "xml")) else f"{case}.csv"
    before = snapshot(filled)
    result = import_bytes(filled, name, data)
    assert result.status == "refused" and result.exit_code == 2
    assert result.message.startswith(name) and words.lower() in result.message.lower()
    assert "Traceback" not in result.message
    assert snapshot(filled) == before


def test_the_xml_bomb_is_refused_by_the_cli_within_bounded_memory(tmp_path):
    """A child process's peak memory stays small: the entities are never expanded."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(REFUSED["xml_bomb"][0])
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--db", str(tmp_path / "b.duckdb"), "import",
         str(bomb)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    guard = threading.Timer(120, proc.kill)  # against a hang, not a timing
    guard.start()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    guard.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 2, err
    assert "bomb.xlsx" in err and "Traceback" not in err
    assert usage.ru_maxrss < 1024 * 1024, f"peak {usage.ru_maxrss / 1024:.0f} MB"


# ---------------------------------------------------------------------------------------------
# Bad rows: only they are rejected, with file, row and column


def test_a_wrong_date_rejects_its_row_alone(store, capsys, tmp_path):
    rows = [dict(r) for r in GOOD]
    rows[1]["created_at"] = "2026-13-45 10:00"
    path = tmp_path / "bad_date.csv"
    path.write_bytes(template_csv(rows, "gbk"))
    code = cli(["--db", str(store.path.with_name("cli.duckdb")), "import", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "bad_date.csv row 3, column created_at" in err and "Traceback" not in err
    result = import_bytes(store, "bad_date.csv", path.read_bytes())
    assert result.status == "partial"
    assert [(r.row, r.column) for r in result.rejects] == [(3, "created_at")]
    assert set(orders(store)) == {GOOD[0]["order_id"], GOOD[2]["order_id"]}
    assert result.rejects_frame()[["file", "row", "column"]].values.tolist() == [
        ["bad_date.csv", 3, "created_at"]]


def _cut(data: bytes, inside: str, keep: int, encoding: str = "gbk") -> bytes:
    """`data` cut `keep` bytes into the last occurrence of `inside`."""
    at = data.rfind(inside.encode(encoding))
    assert at > 0
    return data[: at + keep]


@pytest.mark.parametrize("where", ["mid_row", "multibyte"])
def test_a_file_cut_off_rejects_only_its_last_record(filled, where):
    rows = [dict(r) for r in GOOD]
    rows[2]["order_id"] = "4100000000000000004"
    data = template_csv(rows, "gbk")
    # mid_row: inside the address, the record lacks its last fields;
    # multibyte: inside a two-byte character of the record's last field.
    cut = _cut(data, "科技园南路", 4) if where == "mid_row" else _cut(data, "老客户送小样", 5)
    result = import_bytes(filled, f"cut_{where}.csv", cut)
    assert result.status == "partial", result.message
    assert [r.row for r in result.rejects] == [4]
    assert "4100000000000000004" not in orders(filled)
    assert orders(filled)["4100000000000000001"] == (
        GOOD[0]["address"], GOOD[0]["buyer_message"], GOOD[0]["seller_note"])


def test_a_file_cut_inside_a_character_keeps_the_complete_rows_and_says_so(filled):
    rows = [dict(r) for r in GOOD]
    rows[2]["order_id"] = "4100000000000000004"
    cut = _cut(template_csv(rows, "gbk"), "老客户送小样", 5)
    result = import_bytes(filled, "cut.csv", cut)
    assert result.status in ("imported", "partial")
    assert "Traceback" not in result.message
    stored = orders(filled)
    assert stored["4100000000000000001"] == (
        GOOD[0]["address"], GOOD[0]["buyer_message"], GOOD[0]["seller_note"])
    notes = filled.cursor().execute(
        "select notes from imports where file_name = 'cut.csv'").fetchall()[0][0]
    assert "cut off" in notes


def test_a_10_mb_field_rejects_its_row_alone(store):
    big = "长" * (5 * 2**20)  # 10 MB in GBK
    rows = [dict(GOOD[0], buyer_message=big), GOOD[1]]
    result = import_bytes(store, "big.csv", template_csv(rows, "gbk"))
    assert result.status == "partial", result.message
    assert [(r.row, r.column) for r in result.rejects] == [(2, "buyer_message")]
    assert "5,242,880 characters (at most 65,536)" in result.rejects[0].reason
    assert set(orders(store)) == {GOOD[1]["order_id"]}


def test_a_ragged_file_with_one_200_kb_field_loses_only_that_row(store):
    rows = [dict(r) for r in GOOD]
    rows[1]["buyer_message"] = "长" * 200_000
    data = template_csv(rows).decode().splitlines()
    data[3] += ",多余的字段"  # row 4 is one field too wide: the file is ragged
    result = import_bytes(store, "ragged.csv", ("\n".join(data) + "\n").encode())
    assert result.status == "partial", result.message
    assert [r.row for r in result.rejects] == [3, 4]
    assert "at most 65,536" in result.rejects[0].reason
    assert set(orders(store)) == {GOOD[0]["order_id"]}


def test_a_nul_byte_after_the_first_64_kb_is_never_stored(store):
    rows = [dict(GOOD[0], order_id=f"41{i:017d}", buyer_message=f"第 {i} 单") for i in range(2000)]
    rows[1500]["buyer_message"] = "坏\x00了"
    data = template_csv(rows)
    assert data.index(b"\x00") > 65536
    result = import_bytes(store, "nul.csv", data)
    assert result.status == "partial" and result.rows_imported == 1999
    assert [(r.row, r.column) for r in result.rejects] == [(1502, "buyer_message")]
    assert "NUL" in result.rejects[0].reason
    assert store.cursor().execute(
        "select count(*) from orders where contains(buyer_message, chr(0))").fetchall() == [(0,)]
    assert len(orders(store)) == 1999


# ---------------------------------------------------------------------------------------------
# A quote never closed: no order vanishes into another one's message


def _with_stray_quote(n: int, opened: int, closed: int, opening: str = '"') -> bytes:
    """`n` orders; row `opened` starts its message with a quote, row `closed` ends its own with
    one: a CSV parser reads rows opened..closed as one order."""
    rows = [dict(GOOD[0], order_id=f"41{row:017d}", buyer_message=f"留言 {row}")
            for row in range(2, n + 2)]
    lines = template_csv(rows, quoting=csv.QUOTE_NONE).decode().splitlines()
    lines[opened - 1] = lines[opened - 1].replace("留言", opening + "留言", 1)
    lines[closed - 1] = lines[closed - 1].replace(",加急", '"' + ",加急", 1)
    return ("\n".join(lines) + "\n").encode()


def test_a_stray_quote_leaves_every_order_in_place(store, capsys, tmp_path):
    data = _with_stray_quote(1000, 500, 800)
    result = import_bytes(store, "stray.csv", data)
    assert (result.status, result.rows_read, result.rows_imported) == ("imported", 1000, 1000)
    assert "row 500: a quote opened in buyer_message is never closed" in result.message
    assert "rows 500–800" in result.message
    got = store.cursor().execute(
        "select count(*), max(length(buyer_message)) from orders").fetchall()[0]
    assert got == (1000, len('"留言 500'))
    assert orders(store)[f"41{500:017d}"][1] == '"留言 500'
    notes = store.cursor().execute("select notes from imports").fetchall()[0][0]
    assert "never closed" in notes
    path = tmp_path / "stray.csv"
    path.write_bytes(data)
    assert cli(["--db", str(tmp_path / "cli.duckdb"), "import", str(path)]) == 0
    assert "row 500: a quote opened" in capsys.readouterr().out


def test_a_stray_quote_that_cannot_be_read_rejects_its_row_and_keeps_the_rest(store):
    data = _with_stray_quote(1000, 500, 800, opening='"多, ')  # one field too many as text
    result = import_bytes(store, "stray.csv", data)
    assert (result.status, result.rows_read, result.rows_imported) == ("partial", 1000, 999)
    assert [(r.row, r.column) for r in result.rejects] == [(500, "buyer_message")]
    assert "never closed: the field runs across rows 500–800" in result.rejects[0].reason
    stored = orders(store)
    assert len(stored) == 999 and f"41{500:017d}" not in stored
    assert max(len(v[1]) for v in stored.values()) < 20


# ---------------------------------------------------------------------------------------------
# Caps and implausible values through the store


def test_long_text_is_cut_with_a_note_and_a_long_id_rejects_its_row(store):
    rows = [dict(r) for r in GOOD]
    rows[0]["buyer_message"] = "长" * 2500
    rows[1]["address"] = "路" * 3000
    rows[2]["order_id"] = "4" * 201
    result = import_bytes(store, "long.csv", template_csv(rows))
    assert result.status == "partial", result.message
    assert [(r.row, r.column) for r in result.rejects] == [(4, "order_id")]
    assert "1 buyer_message value(s) cut to 2,000 characters" in result.message
    assert "1 address value(s) cut to 2,000 characters" in result.message
    stored = orders(store)
    assert len(stored[GOOD[0]["order_id"]][1]) == 2000
    assert len(stored[GOOD[1]["order_id"]][0]) == 2000


def test_implausible_times_and_negative_money_reject_their_rows(store):
    rows = [dict(r) for r in GOOD]
    rows[0]["created_at"] = "1970-01-01 08:00:00"
    rows[1]["order_total"] = "-20.00"
    result = import_bytes(store, "absurd.csv", template_csv(rows))
    assert [(r.row, r.column) for r in result.rejects] == [(2, "created_at"), (3, "order_total")]
    assert "plausible time window" in result.rejects[0].reason
    assert set(orders(store)) == {GOOD[2]["order_id"]}
    stock = import_bytes(store, "stock.csv", b"sku,available,on_hand\nA,-4,-1\nB,3,3\n")
    assert stock.status == "imported", stock.message
    assert store.cursor().execute(
        "select sku, available, on_hand from stock order by sku").fetchall() == [
        ("A", -4, -1), ("B", 3, 3)]


def test_duplicate_ids_with_conflicting_data_keep_the_first_and_name_the_second(store):
    header = "订单编号,订单创建时间,订单状态,总金额,买家实际支付金额,买家留言,订单付款时间\n"
    body = ('="4100000000000000001",2026-11-20 09:00:00,买家已付款，等待卖家发货,10.00,10.00,'
            '第一,2026-11-20 09:01:00\n'
            '="4100000000000000002",2026-11-20 09:30:00,等待买家付款,5.00,0.00,,\n'
            '="4100000000000000001",2026-11-21 09:00:00,交易关闭,99.00,0.00,第二,\n')
    result = import_bytes(store, "dups.csv", (header + body).encode("gbk"))
    assert result.status == "partial" and result.exit_code == 1
    assert [(r.row, r.column) for r in result.rejects] == [(4, "order_id")]
    assert "row 2" in result.rejects[0].reason
    got = store.cursor().execute(
        "select order_id, status_text, order_total, buyer_message from orders order by 1"
    ).fetchall()
    assert got == [("4100000000000000001", "买家已付款，等待卖家发货", Decimal("10.00"), "第一"),
                   ("4100000000000000002", "等待买家付款", Decimal("5.00"), None)]


def test_nineteen_digit_ids_survive_import_and_export_exactly(store):
    ids = ["9223372036854775807", "9999999999999999999", "0000000000000000019",
           "3501043833932301333"]
    header = "订单编号,订单创建时间,订单状态,总金额\n"
    body = "".join(f'="{i}",2026-11-20 09:00:00,等待买家付款,1.00\n' for i in ids[:2])
    body += "".join(f"{i},2026-11-20 09:00:00,等待买家付款,1.00\n" for i in ids[2:])
    assert import_bytes(store, "ids.csv", (header + body).encode("gbk")).status == "imported"
    frame = store.cursor().execute("select order_id, order_total from orders order by 1").df()
    assert sorted(frame["order_id"]) == sorted(ids)
    back = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"))))
    assert sorted(r[0] for r in back[1:]) == sorted(ids)
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx_bytes({"orders": frame}))).active
    cells = [c for c in ws["A"][1:]]
    assert sorted(c.value for c in cells) == sorted(ids)
    assert {c.data_type for c in cells} == {"s"}


# ---------------------------------------------------------------------------------------------
# Formula-like cells: imported as text, exported escaped

# What a spreadsheet takes for a formula (written here, not read from the product): = + - @,
# and a tab or carriage return before one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 138 0000 0000", "-2+3", "@SUM(A1:A9)",
            "=1+1"]


def test_formula_like_cells_are_imported_as_text_and_exported_escaped(store):
    rows = [dict(GOOD[0], order_id=f"41000000000000000{i:02d}", buyer_message=f,
                 seller_note=f, address=f) for i, f in enumerate(FORMULAS)]
    assert import_bytes(store, "formulas.csv", template_csv(rows)).status == "imported"
    frame = store.cursor().execute(
        "select order_id, buyer_message, seller_note, address, order_total, -order_total as neg "
        "from orders order by order_id").df()
    assert frame["buyer_message"].tolist() == FORMULAS
    back = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert [r[1] for r in back[1:]] == ["'" + f for f in FORMULAS]
    assert {r[5] for r in back[1:]} <= {"-10.00", "-10.0", "-10"}  # negative, not escaped
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx_bytes({"orders": frame}))).active
    for row in ws.iter_rows(min_row=2):
        assert all(c.data_type != "f" for c in row)
        assert row[1].value == "'" + FORMULAS[row[0].row - 2]
        assert row[5].data_type == "n" and row[5].value < 0


def test_a_carriage_return_inside_a_quoted_field_stays_in_its_cell(store):
    rows = [dict(GOOD[0], buyer_message="\r=1+1 第一行\r第二行"), GOOD[1]]
    # Python's csv module quotes a field holding a bare CR only when CR is in the line ending
    # (or with QUOTE_ALL); with "\n" alone the file really has a record break there.
    result = import_bytes(store, "cr.csv", template_csv(rows, quoting=csv.QUOTE_ALL))
    assert result.status == "imported", (result.message, result.rejects)
    assert orders(store)[GOOD[0]["order_id"]][1] == "=1+1 第一行\r第二行".strip()


def test_an_xlsx_download_survives_control_characters():
    frame = pd.DataFrame({"order_id": ["4100000000000000001"], "note": ["备注\x1f\x00\x0b"]})
    book = xlsx_bytes({"s": frame})
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(book)).active["B2"].value.startswith("备注")


def test_the_daily_workbook_escapes_user_text(store):
    rows = [dict(GOOD[0], order_id=f"41000000000000000{i:02d}", buyer_message=f,
                 seller_note=f, address=f"浙江省 杭州市 西湖区 {f}",
                 created_at="2026-11-15 09:00:00", paid_at="2026-11-15 09:05:00")
            for i, f in enumerate(FORMULAS)]
    assert import_bytes(store, "formulas.csv", template_csv(rows)).status == "imported"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook.workbook_bytes(store.cursor(),
                                                            datetime(2026, 11, 20, 12))))
    texts = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula"
                if isinstance(c.value, str):
                    texts += 1
                    assert not c.value.startswith(FORMULA_START), (
                        f"{ws.title}!{c.coordinate}: {c.value!r}")
    assert texts


def test_a_csv_download_keeps_a_carriage_return_inside_its_cell():
    frame = pd.DataFrame({"note": ["\r=1+1", "a\rb"], "n": [1, 2]})
    back = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert back == [["note", "n"], ["'\r=1+1", "1"], ["a\rb", "2"]]


# Other control characters are replaced in XLSX downloads: see the test above.
printable = st.characters(exclude_categories=("Cs",), exclude_characters="".join(
    chr(c) for c in range(32) if chr(c) not in "\t\n\r"))
cell_text = st.one_of(
    st.text(printable, max_size=12),
    st.builds(lambda p, s: p + s, st.sampled_from(FORMULA_START), st.text(printable, max_size=8)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cell_text, st.integers(-10**6, 10**6),
                          st.from_regex(r"[0-9]{19}", fullmatch=True)), min_size=1, max_size=8))
def test_every_download_is_escaped_numbers_untouched_ids_text(rows):
    frame = pd.DataFrame(rows, columns=["note", "amount", "order_id"])
    back = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert back[0] == ["note", "amount", "order_id"]
    for (note, amount, oid), got in zip(rows, back[1:], strict=True):
        want = "'" + note if note.startswith(FORMULA_START) else note
        assert got == [want, str(amount), oid]
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx_bytes({"s": frame}))).active
    for (note, amount, oid), row in zip(rows, ws.iter_rows(min_row=2), strict=True):
        want = "'" + note if note.startswith(FORMULA_START) else note
        # XML reads a CR back as LF; the cell stays escaped
        assert (row[0].value or "") == want.replace("\r\n", "\n").replace("\r", "\n")
        assert row[1].value == amount and row[1].data_type == "n"
        assert row[2].value == oid and row[2].data_type == "s"


# ---------------------------------------------------------------------------------------------
# Property tests through the store

TAOBAO_STATUS = ["等待买家付款", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功"]
safe_text = st.text(st.characters(codec="gb18030", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                    max_size=20).map(str.strip).filter(lambda s: s != "-")  # "-" means empty
order_row = st.fixed_dictionaries({
    "order_id": st.from_regex(r"[1-9][0-9]{18}", fullmatch=True),
    "created_at": st.datetimes(datetime(2020, 1, 1), datetime(2026, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    "status": st.sampled_from(TAOBAO_STATUS),
    "order_total": st.decimals(0, 100_000, places=2),
    "buyer_message": safe_text,
})
order_tables = st.lists(order_row, min_size=1, max_size=6, unique_by=lambda r: r["order_id"])


def _fresh(tmp_path_factory) -> Store:
    return Store(tmp_path_factory.mktemp("prop") / "p.duckdb")


def _facts(store: Store) -> list[tuple]:
    return store.cursor().execute(
        "select order_id, created_at, order_total, coalesce(buyer_message, '') "
        "from orders order by order_id").fetchall()


def _expected(rows: list[dict]) -> list[tuple]:
    return sorted((r["order_id"], r["created_at"], r["order_total"], r["buyer_message"])
                  for r in rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=order_tables, quote_ids=st.booleans())
def test_any_taobao_order_report_reads_back_the_same_facts(tmp_path_factory, rows, quote_ids):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(["订单编号", "订单创建时间", "订单状态", "总金额", "买家留言"])
    for r in rows:
        w.writerow([f'="{r["order_id"]}"' if quote_ids else r["order_id"],
                    f"{r['created_at']:%Y-%m-%d %H:%M:%S}", r["status"], f"{r['order_total']:.2f}",
                    r["buyer_message"]])
    store = _fresh(tmp_path_factory)
    try:
        result = import_bytes(store, "orders.csv", buf.getvalue().encode("gb18030"))
        assert result.status == "imported", (result.message, result.rejects)
        assert _facts(store) == _expected(rows)
    finally:
        store.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=order_tables)
def test_any_orders_template_reads_back_the_same_facts(tmp_path_factory, rows):
    data = template_csv([{"order_id": r["order_id"], "created_at": f"{r['created_at']}",
                          "order_total": f"{r['order_total']:.2f}",
                          "buyer_message": r["buyer_message"]} for r in rows],
                        columns=["order_id", "created_at", "order_total", "buyer_message"])
    store = _fresh(tmp_path_factory)
    try:
        result = import_bytes(store, "orders.csv", data)
        assert result.status == "imported", (result.message, result.rejects)
        assert _facts(store) == _expected(rows)
    finally:
        store.close()


HEADERS = [b"", "订单编号,订单创建时间\n".encode("gbk"), b"order_id,created_at\n",
           b"order_id,sku,quantity\n", b"sku,available\n", "\ufeff订单编号,订单创建时间\n".encode(),
           b"PK\x03\x04"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from(HEADERS), body=st.binary(max_size=400))
def test_random_bytes_never_crash_the_importer(filled, head, body):
    before = snapshot(filled)
    result = import_bytes(filled, "random.csv", head + body)
    assert result.status in ("refused", "imported", "partial", "skipped")
    assert "Traceback" not in result.message
    if result.status == "refused":
        assert snapshot(filled) == before
