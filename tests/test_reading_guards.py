"""The readers' guards against broken input: quotes never closed, fields over their caps,
implausible values, NUL bytes, workbooks of too many parts, and the bytes let go once parsed.

Every record of a file is either read or rejected with its row; nothing is read quietly wrong.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta

import pandas as pd
import pytest

from pipeline.base import canonical as C
from pipeline.ingest import formats
from pipeline.ingest.formats import read_export
from pipeline.ingest.formats.values import IDENT_CAP, NAME_CAP, TEXT_CAP
from tests.conftest import SAMPLES

COLUMNS = ["order_id", "created_at", "status", "order_total", "buyer_message", "address"]


def order_lines(n: int, message=lambda i: f"留言 {i}") -> list[str]:
    """A template orders file as lines: the header, then rows numbered 2..n+1 as a
    spreadsheet shows them; order ids end in the row number."""
    lines = [",".join(COLUMNS)]
    for row in range(2, n + 2):
        lines.append(",".join([f"41{row:017d}", "2024-11-20 09:00:00", "paid_unprocessed",
                               "10.00", message(row), f"浙江省 杭州市 西湖区 {row} 号"]))
    return lines


def joined(lines: list[str], end: str = "\n") -> bytes:
    return ("\n".join(lines) + end).encode("utf-8")


def rows_of(parsed: C.Parsed, table: str = "orders") -> list[int]:
    return parsed.frames[table]["_row"].tolist()


def accounted(parsed: C.Parsed, table: str = "orders") -> list[int]:
    """Every row number read or rejected, in order."""
    return sorted(set(rows_of(parsed, table)) | {r.row for r in parsed.rejects})


# ---------------------------------------------------------------------------------------------
# A quote never closed


def test_a_stray_quote_no_longer_swallows_the_rows_up_to_the_next_quote():
    """Row 500 opens a quote, row 800 holds the next one: the parser took rows 500-800 for
    one order with a message of 300 rows. Every order is read now, the stray quote a character."""
    lines = order_lines(1000)
    lines[499] = lines[499].replace("留言", '"开始 留言', 1)     # row 500
    lines[799] = lines[799].replace(",浙江省", ' 结束",浙江省', 1)  # row 800
    parsed = read_export("stray.csv", joined(lines))
    orders = parsed.frames["orders"]
    assert parsed.rows_read == 1000 and not parsed.rejects
    assert rows_of(parsed) == list(range(2, 1002))
    assert orders.buyer_message.str.len().max() < 20
    assert orders.set_index("_row").loc[500, "buyer_message"] == '"开始 留言 500'
    assert orders.set_index("_row").loc[501, "order_id"] == f"41{501:017d}"
    assert any(n.startswith("row 500: a quote opened in buyer_message is never closed")
               and "rows 500–800" in n for n in parsed.notes), parsed.notes


def test_a_stray_quote_that_does_not_read_as_a_character_rejects_its_row_alone():
    lines = order_lines(20)
    lines[9] = lines[9].replace("留言 10", '"留言, 第十', 1)         # row 10: one field too many
    lines[14] = lines[14].replace(",浙江省", '结束",浙江省', 1)     # row 15 closes it
    parsed = read_export("stray.csv", joined(lines))
    assert parsed.rows_read == 20
    assert [(r.row, r.column) for r in parsed.rejects] == [(10, "buyer_message")]
    assert "never closed" in parsed.rejects[0].reason
    assert "rows 10–15" in parsed.rejects[0].reason
    assert rows_of(parsed) == [r for r in range(2, 22) if r != 10]


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_quote_never_closed_to_the_end_of_the_file(end):
    lines = order_lines(10)
    lines[4] = lines[4].replace("留言", '"留言', 1)  # row 5; no other quote in the file
    parsed = read_export("open.csv", joined(lines, end))
    assert parsed.rows_read == 10
    assert accounted(parsed) == list(range(2, 12))
    assert rows_of(parsed) == list(range(2, 12))   # row 5 reads with its quote as a character
    assert any("row 5:" in n and "never closed" in n for n in parsed.notes)


def test_a_quote_never_closed_in_a_big_file_and_many_of_them():
    """Past the csv module's field limit, and one stray quote every ten rows."""
    lines = order_lines(5000)
    lines[4] = lines[4].replace("留言", '"留言', 1)
    parsed = read_export("big.csv", joined(lines))
    assert not parsed.rejects and rows_of(parsed) == list(range(2, 5002))
    lines = order_lines(2000, lambda i: '"留言' if i % 10 == 0 else "留言")
    parsed = read_export("many.csv", joined(lines))
    assert not parsed.rejects and rows_of(parsed) == list(range(2, 2002))
    assert len(parsed.notes) == 11
    assert parsed.notes[-1].startswith("and 190 more row(s) with a quote never closed")


def test_a_stray_quote_in_a_taobao_report_with_quoted_ids():
    """Quoted ids (`="…"`) close the stray quote at once: the record comes out too wide, which
    once rejected one row and took the next ones with it."""
    header = "订单编号,订单创建时间,买家留言,收货地址\n"
    body = "".join(f'="{4100 + i}",2017-07-08 10:00:00,留言{i},浙江省 杭州市 {i}\n'
                   for i in range(10))
    body = body.replace("留言3", '"留言3')
    parsed = read_export("taobao.csv", (header + body).encode("gbk"))
    assert parsed.rows_read == 10
    assert accounted(parsed) == list(range(2, 12))
    assert parsed.frames["orders"].order_id.tolist()[:4] == ["4100", "4101", "4102", "4103"]


def test_a_file_cut_off_inside_a_quoted_last_record_is_still_one_reject():
    lines = order_lines(3)
    last = lines[3].replace("留言 4", '"还没写完\n第二行', 1)   # the file ends in this field
    parsed = read_export("cut.csv", joined(lines[:3]) + last.encode())
    assert [(r.row, r.reason) for r in parsed.rejects] == [
        (4, "the file ends inside this record (cut off?)")]
    assert rows_of(parsed) == [2, 3]


def test_legit_multi_line_fields_stay_whole():
    parsed = read_export("orders_export.masked.csv",
                         (SAMPLES / "shopify_cod" / "orders_export.masked.csv").read_bytes())
    assert not parsed.rejects and not any("never closed" in n for n in parsed.notes)
    lines = order_lines(3)
    lines[2] = lines[2].replace("留言 3", '"第一行, 你好\n第二行\n第三行, 谢谢"', 1)
    parsed = read_export("multi.csv", joined(lines))
    assert not parsed.rejects and not parsed.notes
    assert parsed.frames["orders"].buyer_message.tolist()[1] == "第一行, 你好\n第二行\n第三行, 谢谢"


# ---------------------------------------------------------------------------------------------
# Length caps


def test_free_text_is_cut_to_its_cap_and_the_import_says_how_many():
    long = "长" * (TEXT_CAP + 500)
    lines = order_lines(4, lambda i: long if i in (2, 4) else "短")
    parsed = read_export("long.csv", joined(lines))
    assert not parsed.rejects
    assert parsed.frames["orders"].buyer_message.str.len().tolist() == [TEXT_CAP, 1, TEXT_CAP, 1]
    assert "2 buyer_message value(s) cut to 2,000 characters" in parsed.notes


def test_an_id_over_its_cap_rejects_its_row_and_a_name_is_cut():
    text = ("order_id,created_at,shop,tracking_no\n"
            f"{'9' * (IDENT_CAP + 1)},2024-01-01 10:00:00,店,1\n"
            f"2,2024-01-01 10:00:00,{'店' * 300},{'7' * (IDENT_CAP + 1)}\n"
            "3,2024-01-01 10:00:00,店,3\n")
    parsed = read_export("ids.csv", text.encode())
    assert [(r.row, r.column) for r in parsed.rejects] == [(2, "order_id"), (3, "tracking_no")]
    assert "longer than 200 characters" in parsed.rejects[0].reason
    assert parsed.frames["orders"].order_id.tolist() == ["3"]
    named = read_export("shop.csv", f"order_id,created_at,shop\n1,2024-01-01,{'店' * 300}\n"
                        .encode())
    assert named.frames["orders"].shop.str.len().tolist() == [NAME_CAP]


def test_a_required_value_over_its_cap_rejects_its_row():
    text = f"name,start,end\n{'促' * (TEXT_CAP + 1)},2024-06-01,2024-06-18\n618,2024-06-01,2024-06-18\n"
    parsed = read_export("promotions.csv", text.encode())
    assert [(r.row, r.column) for r in parsed.rejects] == [(2, "name")]
    assert parsed.frames["promotions"].name.tolist() == ["618"]


# ---------------------------------------------------------------------------------------------
# Absurd values


def test_times_outside_the_plausible_window_reject_their_rows():
    ahead = (datetime.now() + timedelta(days=800)).strftime("%Y-%m-%d %H:%M:%S")
    text = ("订单编号,订单创建时间\n"
            "1,1999-12-31 23:59:59\n"
            f"2,{ahead}\n"
            "3,36000\n"                    # an Excel day number of 1998
            "4,42924.4166666667\n"         # an Excel day number of 2017
            "5,2000-01-01 00:00:00\n"
            "6,2017年7月8日 10:00\n")
    parsed = read_export("times.csv", text.encode())
    assert [(r.row, r.column) for r in parsed.rejects] == [
        (2, "订单创建时间"), (3, "订单创建时间"), (4, "订单创建时间")]
    assert all("plausible time window (2000-01-01 to" in r.reason for r in parsed.rejects)
    assert parsed.frames["orders"].created_at.tolist() == [
        pd.Timestamp("2017-07-08 10:00"), pd.Timestamp("2000-01-01"),
        pd.Timestamp("2017-07-08 10:00")]


def test_negative_amounts_and_quantities_reject_their_rows_but_stock_may_be_below_zero():
    orders = read_export("o.csv", b"order_id,created_at,order_total,paid,refunded\n"
                                  b"1,2024-01-01,-10.00,0,0\n2,2024-01-01,10,10,-1\n"
                                  b"3,2024-01-01,10,10,0\n")
    assert [(r.row, r.column) for r in orders.rejects] == [(2, "order_total"), (3, "refunded")]
    assert orders.rejects[0].reason == "below zero, which it never is"
    lines = read_export("l.csv", b"order_id,sku,quantity,unit_price\n1,A,-1,5\n1,B,1,-5\n"
                                 b"1,C,1,5\n")
    assert [(r.row, r.column) for r in lines.rejects] == [(2, "quantity"), (3, "unit_price")]
    stock = read_export("s.csv", b"sku,available,on_hand,reserved\nA,-4,-1,3\nB,1,1,-2\n")
    assert [(r.row, r.column) for r in stock.rejects] == [(3, "reserved")]
    assert stock.frames["stock"].available.tolist() == [-4]
    template = read_export("stock.csv", formats.TEMPLATES["stock"].encode())
    assert not template.rejects and -4 in template.frames["stock"].available.tolist()



def test_a_time_in_the_year_9999_is_rejected_when_the_desk_keeps_another_time_zone():
    """Taobao writes Beijing time; a desk in Berlin converts it, and 9999-12-31 is beyond what
    the time zones know: its row is rejected as outside the window, the others are read."""
    text = ("订单编号,订单创建时间\n"
            "1,9999-12-31 23:59:59\n"
            "2,2024-11-20 09:00:00\n")
    parsed = read_export("times.csv", text.encode(), timezone="Europe/Berlin")
    assert [(r.row, r.column) for r in parsed.rejects] == [(2, "订单创建时间")]
    assert "plausible time window" in parsed.rejects[0].reason
    assert parsed.frames["orders"].created_at.tolist() == [pd.Timestamp("2024-11-20 02:00")]

# ---------------------------------------------------------------------------------------------
# NUL bytes, huge fields, workbooks of too many parts


def test_a_nul_byte_after_the_first_64_kb_rejects_its_row():
    lines = order_lines(2000)
    assert len(joined(lines[:1500])) > 65536
    lines[1700] = lines[1700].replace("留言", "留\x00言", 1)   # row 1701
    parsed = read_export("nul.csv", joined(lines))
    assert [(r.row, r.column, r.reason) for r in parsed.rejects] == [
        (1701, "buyer_message", "the field holds a NUL byte (the file is damaged here)")]
    assert parsed.rows_read == 2000 and len(parsed.frames["orders"]) == 1999
    assert not parsed.frames["orders"].buyer_message.str.contains("\x00").any()


def test_many_nul_bytes_refuse_the_file_as_binary():
    lines = order_lines(2000)
    data = joined(lines) + b"\x00" * 5000
    with pytest.raises(C.FileRefused, match="binary content"):
        read_export("nul.csv", data)


def test_a_ragged_file_with_one_200_kb_field_rejects_that_row_alone():
    lines = order_lines(5)
    lines[2] = lines[2].replace("留言 3", "长" * 200_000, 1)     # row 3
    lines[4] += ",多余"                                          # row 5: one field too many
    parsed = read_export("ragged.csv", joined(lines))
    assert [r.row for r in parsed.rejects] == [3, 5]
    assert "characters (at most 65,536)" in parsed.rejects[0].reason
    assert rows_of(parsed) == [2, 4, 6]


def test_a_huge_field_in_a_well_formed_file_rejects_its_row():
    lines = order_lines(3)
    lines[2] = lines[2].replace("留言 3", "长" * 70_000, 1)
    parsed = read_export("huge.csv", joined(lines))
    assert [(r.row, r.column) for r in parsed.rejects] == [(3, "buyer_message")]
    assert parsed.rejects[0].reason.startswith("a field of 70,000 characters")
    assert rows_of(parsed) == [2, 4]


def test_a_workbook_of_too_many_parts_says_so():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(20_000):
            z.writestr(f"xl/media/p{i}.xml", "")
    with pytest.raises(C.FileRefused) as refused:
        read_export("parts.xlsx", buf.getvalue())
    assert "too many parts (20,001; at most 10,000)" in str(refused.value)
    assert "MB" not in str(refused.value)


# ---------------------------------------------------------------------------------------------
# Memory


class Tracked(bytes):
    """File bytes that say when they are freed."""

    freed: list[bool] = []

    def __del__(self):
        Tracked.freed.append(True)


def test_the_file_bytes_are_let_go_of_before_the_rows_are_mapped(monkeypatch):
    seen = []
    layout = "template_orders"
    source_tz, reader = formats._READERS[layout]

    def watching(cells):
        seen.append(bool(Tracked.freed))
        return reader(cells)

    monkeypatch.setitem(formats._READERS, layout, (source_tz, watching))
    Tracked.freed.clear()
    parsed = read_export("o.csv", Tracked(joined(order_lines(50))))
    assert len(parsed.frames["orders"]) == 50
    assert seen == [True]


def test_the_careful_reader_reads_like_the_fast_one():
    """The same well-formed file through both readers: the same frames."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for i in range(30):
        w.writerow([f"41{i:017d}", "2024-01-01 10:00:00", "shipped", "1.00",
                    f'他说 "好", 第 {i} 行\n第二行' if i % 4 else "", "浙江省 杭州市"])
    fast = read_export("a.csv", buf.getvalue().encode())
    careful = read_export("b.csv", (buf.getvalue() + "30,2024-01-01,shipped,1,,x,extra\r\n")
                          .encode())
    assert [r.row for r in careful.rejects] == [32]
    pd.testing.assert_frame_equal(fast.frames["orders"], careful.frames["orders"])


def test_a_field_of_many_bytes_but_few_enough_characters_is_kept():
    lines = order_lines(3)
    lines[2] = lines[2].replace("留言 3", "长" * 30_000, 1)      # 90,000 bytes, 30,000 characters
    parsed = read_export("long.csv", joined(lines))
    assert not parsed.rejects and rows_of(parsed) == [2, 3, 4]
    assert parsed.frames["orders"].buyer_message.str.len().max() == 2_000   # cut to its cap


def test_a_cut_last_record_is_rejected_after_an_earlier_stray_quote():
    """The count of quotes comes out even (a stray one earlier, the cut one last): the last
    line, a whole record's start whose quote never closes, is still the cut record."""
    from pipeline.ingest.formats import read_export

    data = (b'order_id,created_at,shop,buyer_message\n'
            b'B1,2026-03-09 10:00,S1,"hello\n'
            b'B2,2026-03-09 10:00,S1,"unterminated and more')
    parsed = read_export("cut.csv", data)
    assert parsed.frames["orders"]["order_id"].tolist() == ["B1"]
    assert [(r.row, r.reason) for r in parsed.rejects] == [
        (3, "the file ends inside this record (cut off?)")]
    # a quoted field closing on the last line is no cut record
    whole = b'order_id,created_at,shop,buyer_message\nB1,2026-03-09 10:00,S1,"line1\nline2"'
    parsed = read_export("ok.csv", whole)
    assert parsed.frames["orders"]["buyer_message"].tolist() == ["line1\nline2"]
    assert parsed.rejects == []
