"""Bytes of an export -> a sheet of text cells: encodings, CSV, XLSX and the guards around them."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.canonical import FileRefused, Reject

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML a workbook may unpack to
MAX_XLSX_ENTRIES = 10_000
CSV_BLOCK_SIZE = 1 << 20                   # bytes per block the CSV parser works on in parallel
DECODE_BLOCK_SIZE = 1 << 24                # bytes of a GB18030 file converted at a time
CUT_RECORD = "the file ends inside this record (cut off?)"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted workbook
_DELIMITERS = (",", "\t", ";")


@dataclass
class Sheet:
    """The records of one file as text: trimmed headers, one `str` column each, '' when empty."""

    headers: list[str]
    cells: pd.DataFrame
    rows: np.ndarray                                   # the row number a spreadsheet shows
    notes: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)  # records that could not be split
    rows_read: int = 0
    delimiter: str = ","
    next_row: int = 0                                  # the number the next record would get


def read_sheet(file_name: str, data: bytes, accept: Callable[[list[str]], bool]) -> Sheet:
    """The sheet in `data` (CSV text or an XLSX workbook); `accept` picks a workbook's sheet."""
    if not data or (len(data) < 65536 and not data.strip()):
        raise FileRefused(f"{file_name}: the file is empty")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(file_name, data, accept)
    if data.startswith(_OLE_MAGIC):
        raise FileRefused(
            f"{file_name}: an old .xls workbook or a password-protected file; "
            "open it in Excel and save it as .xlsx or CSV"
        )
    text = utf8_text(file_name, data)
    raw, cut = _split_cut_record(text)
    notes = text.notes
    del text
    sheet = _read_csv(file_name, raw)
    del raw  # the sheet holds its own copy of the cells; big files keep one at a time
    pa.default_memory_pool().release_unused()
    if cut is not None:
        sheet.rejects.append(Reject(sheet.next_row, "", CUT_RECORD, cut[:200]))
        sheet.rows_read += 1
    sheet.notes[:0] = notes
    return sheet


# ---------------------------------------------------------------------------------------------
# Text


@dataclass
class Text:
    """A CSV export's text as UTF-8 bytes (no BOM)."""

    utf8: bytes
    notes: list[str] = field(default_factory=list)
    cut_char: bool = False      # the file ended inside a character, whose bytes were dropped
    quotes: int = 0             # how many `"` the text holds


def utf8_text(file_name: str, data: bytes) -> Text:
    """The text of a CSV export as UTF-8: UTF-8 (BOM or not), UTF-16 with a BOM, else
    GB18030 (a superset of GBK). GB18030 is converted in blocks, never held as one `str`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            utf8 = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileRefused(f"{file_name}: broken UTF-16 text at byte {exc.start}") from exc
        return Text(utf8, quotes=utf8.count(b'"'))
    if b"\x00" in data[:65536]:
        raise FileRefused(f"{file_name}: binary content, not a CSV or XLSX export")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _transcode(data, "utf-8", start=3)
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"{file_name}: broken UTF-8 text (invalid bytes at offset {exc.start - 3})"
            ) from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            return _transcode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(
        f"{file_name}: the text is neither UTF-8 nor GBK/GB18030 (undecodable bytes); "
        "save it again as CSV (UTF-8) and retry"
    )


def _transcode(data: bytes, encoding: str, start: int = 0) -> Text:
    """`data[start:]` checked and converted to UTF-8 in blocks that end at a line feed (never
    inside a character in UTF-8 or GB18030). A character cut off at the very end is dropped
    with a note; any other undecodable byte raises `UnicodeDecodeError` (offset into `data`)."""
    size = len(data)
    same = encoding == "utf-8"         # checked only: the bytes are the text
    out = io.BytesIO()
    quotes = 0
    notes: list[str] = []
    pos, stop = start, size
    while pos < size:
        end = min(pos + DECODE_BLOCK_SIZE, size)
        if end < size:
            lf = data.rfind(b"\n", pos, end)
            if lf < 0:
                lf = data.find(b"\n", end)
            end = size if lf < 0 else lf + 1
        piece = data if (pos, end) == (0, size) else data[pos:end]
        try:
            text = piece.decode(encoding)
        except UnicodeDecodeError as exc:
            at, upto = pos + exc.start, pos + exc.end
            if not (upto == size and at >= size - 3):
                raise UnicodeDecodeError(encoding, b"", at, upto, exc.reason) from None
            piece, stop = data[pos:at], at
            text = piece.decode(encoding)
            notes.append(f"the file ends inside a character (cut off?); its last {size - at} "
                         "byte(s) were dropped")
        quotes += piece.count(b'"')
        if not same:
            out.write(text.encode("utf-8"))
        del text, piece
        pos = end
    if not same:
        return Text(out.getvalue(), notes, bool(notes), quotes)
    return Text(data if (start, stop) == (0, size) else data[start:stop], notes, bool(notes),
                quotes)


def _split_cut_record(text: Text) -> tuple[bytes, str | None]:
    """The text without its last record when the file ends inside that record, and that
    record's text. A file that does not end with a line break is cut off when it ended inside a
    character, inside a quoted field, or its last record has fewer fields than the header."""
    raw = text.utf8
    if not raw or raw[-1:] in (b"\n", b"\r"):
        return raw, None
    header_end = _line_end(raw)
    if header_end >= len(raw):
        return raw, None                 # the header is all there is
    start = _last_record_start(raw, text.quotes, header_end)
    tail = raw[start:].decode("utf-8", errors="replace")
    cut = text.cut_char or text.quotes % 2 == 1
    if not cut:
        head = raw[:65536].decode("utf-8", errors="ignore")
        delimiter = _sniff_delimiter(head)
        width = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), []))
        record = next(csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter), [])
        cut = 0 < len(record) < width
    return (raw[:start], tail) if cut else (raw, None)


def _line_end(raw: bytes) -> int:
    ends = [i for i in (raw.find(b"\n"), raw.find(b"\r")) if i >= 0]
    return min(ends) if ends else len(raw)


def _last_record_start(raw: bytes, quotes: int, floor: int) -> int:
    """Where the last record begins: after the last line break outside quotes (an even number
    of `"` before it), and not before `floor`."""
    pos = len(raw)
    after = 0                            # quotes from the candidate break to the end
    while True:
        i = max(raw.rfind(b"\n", floor, pos), raw.rfind(b"\r", floor, pos))
        if i < floor:
            return floor + 1 + (raw[floor:floor + 2] == b"\r\n")
        after += raw.count(b'"', i, pos)
        if (quotes - after) % 2 == 0:
            return i + 1
        pos = i


def _read_csv(file_name: str, raw: bytes) -> Sheet:
    """UTF-8 text split into records: pyarrow's parser, or the tolerant one for ragged files."""
    head = raw[:65536].decode("utf-8", errors="ignore")
    delimiter = _sniff_delimiter(head)
    first = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))[:2]
    if not first or not any(h.strip() for h in first[0]):
        raise FileRefused(f"{file_name}: no header row found")
    headers = first[0]
    names = _unique([h.strip().lstrip("\ufeff").strip() for h in headers])
    ends = [i for i in (raw.find(b"\n"), raw.find(b"\r")) if i >= 0]
    line_end = min(ends) if ends else len(raw)
    header_line = raw[:line_end].decode("utf-8", errors="replace")
    if next(csv.reader([header_line], delimiter=delimiter), []) != headers:
        # a header with a line break inside a quoted name: only the slow path knows
        return _drop_blank_records(_read_csv_tolerant(raw.decode("utf-8"), names, delimiter))
    body_start = line_end + (2 if raw[line_end:line_end + 2] == b"\r\n" else 1)
    # Taobao's item report ends every data line with one more (empty) field than its header.
    extra = len(first) > 1 and len(first[1]) == len(headers) + 1 and first[1][-1] == ""
    columns = names + (["\x00extra"] if extra else [])
    body = memoryview(raw)[body_start:]
    try:
        table = _parse(body, columns, delimiter, CSV_BLOCK_SIZE)
    except (pa.ArrowInvalid, ValueError) as exc:
        try:
            if "straddl" not in str(exc):  # a record longer than a block: retry in one block
                raise
            table = _parse(body, columns, delimiter, max(CSV_BLOCK_SIZE, len(body) + 1))
        except (pa.ArrowInvalid, ValueError):
            return _drop_blank_records(_read_csv_tolerant(raw.decode("utf-8"), names, delimiter))
    del body
    cells = pd.DataFrame(
        {name: pd.Series(table.column(i), dtype="str") for i, name in enumerate(names)},
        index=pd.RangeIndex(table.num_rows),
    )
    sheet = Sheet(names, cells, np.arange(2, table.num_rows + 2), delimiter=delimiter,
                  next_row=table.num_rows + 2)
    return _drop_blank_records(sheet)


def _parse(body: memoryview, columns: list[str], delimiter: str, block_size: int) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(body)),
        read_options=pacsv.ReadOptions(column_names=columns, block_size=block_size),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.large_string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _read_csv_tolerant(text: str, names: list[str], delimiter: str) -> Sheet:
    """The slow path for ragged files: short records padded, overlong ones rejected."""
    width = len(names)
    kept: list[list[str]] = []
    rows: list[int] = []
    rejects: list[Reject] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    ordinal = 1
    for ordinal, record in enumerate(reader, start=2):  # noqa: B007 (the count is kept)
        if not record:
            continue
        if len(record) > width and any(v.strip() for v in record[width:]):
            rejects.append(Reject(
                ordinal, "", f"the record has {len(record)} fields but the header {width}",
                delimiter.join(record)[:200],
            ))
            continue
        kept.append((record + [""] * width)[:width])
        rows.append(ordinal)
    frame = pd.DataFrame(kept, columns=names, dtype="str") if kept else pd.DataFrame(
        {n: pd.Series([], dtype="str") for n in names})
    return Sheet(names, frame, np.asarray(rows, dtype=np.int64), rejects=rejects,
                 rows_read=len(rejects), delimiter=delimiter, next_row=ordinal + 1)


def _sniff_delimiter(head: str) -> str:
    line = head.replace("\r", "\n").split("\n", 1)[0]
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _drop_blank_records(sheet: Sheet) -> Sheet:
    """Records with every cell empty (Excel leaves them at the end) are not records."""
    cells = sheet.cells
    if len(cells) and len(cells.columns):
        # Most records fill their first cells: only the others are looked at further.
        todo = np.arange(len(cells))
        for col in cells.columns:
            values = pa.array(cells[col].array)
            if len(todo) < len(cells):
                values = values.take(pa.array(todo))
            blank = pc.equal(pc.utf8_trim_whitespace(values), "").to_numpy(zero_copy_only=False)
            todo = todo[blank]
            if not len(todo):
                break
        if len(todo):
            filled = np.ones(len(cells), dtype=bool)
            filled[todo] = False
            sheet.cells = cells[filled].reset_index(drop=True)
            sheet.rows = sheet.rows[filled]
    sheet.rows_read += len(sheet.cells)
    return sheet


# ---------------------------------------------------------------------------------------------
# XLSX


def _read_xlsx(file_name: str, data: bytes, accept: Callable[[list[str]], bool]) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(f"{file_name}: not a valid XLSX workbook (broken zip: {exc})") from exc
    if len(infos) > MAX_XLSX_ENTRIES or sum(i.file_size for i in infos) > MAX_XLSX_UNCOMPRESSED:
        raise FileRefused(
            f"{file_name}: the workbook unpacks to more than "
            f"{MAX_XLSX_UNCOMPRESSED // 2**20} MB; export it as CSV instead"
        )
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise FileRefused(f"{file_name}: a zip archive, but not an XLSX workbook")
    import openpyxl  # imported here: CSV imports do not pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return _read_book(file_name, book, accept)
        finally:
            book.close()
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many kinds; all mean unreadable
        raise FileRefused(
            f"{file_name}: the XLSX workbook cannot be read ({type(exc).__name__}: {exc})"
        ) from exc


def _read_book(file_name: str, book, accept: Callable[[list[str]], bool]) -> Sheet:
    first = None
    for ws in book.worksheets:
        sheet = _read_worksheet(ws, header_only=True)
        if sheet is None:
            continue
        if accept(sheet.headers):
            return _read_worksheet(ws, header_only=False)
        first = first or ws
    if first is None:
        raise FileRefused(f"{file_name}: the workbook has no rows")
    return _read_worksheet(first, header_only=False)


def _read_worksheet(ws, header_only: bool) -> Sheet | None:
    rows_iter = ws.iter_rows(values_only=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    numbers: list[int] = []
    width = 0
    for number, values in enumerate(rows_iter, start=1):
        texts = [cell_text(v) for v in values]
        if header is None:
            if any(t.strip() for t in texts):
                while texts and not texts[-1].strip():
                    texts.pop()
                header, width = texts, len(texts)
                if header_only:
                    break
            elif number > 50:
                return None
            continue
        if not any(t.strip() for t in texts):
            continue
        records.append((texts + [""] * width)[:width])
        numbers.append(number)
    if header is None:
        return None
    names = _unique([h.strip() for h in header])
    cells = pd.DataFrame(records, columns=names, dtype="str") if records else pd.DataFrame(
        {n: pd.Series([], dtype="str") for n in names})
    return Sheet(names, cells, np.asarray(numbers, dtype=np.int64), rows_read=len(records))


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold; whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    return str(value)
