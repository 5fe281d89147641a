"""Bytes of an export -> a sheet of text cells: encodings, CSV, XLSX and the guards around them."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import queue
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.base.canonical import FileRefused, Reject

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML a workbook may unpack to
MAX_XLSX_ENTRIES = 10_000
CSV_BLOCK_SIZE = 1 << 20                   # bytes per block the CSV parser works on in parallel
DECODE_BLOCK_SIZE = 1 << 24                # bytes of a GB18030 file converted at a time
MAX_FIELD_CHARS = 65_536                  # a longer cell is a broken record, not an export's field
MAX_NOTES = 10                             # rows named one by one in a file's notes
MAX_NUL_BYTES = 100                        # more NUL bytes than this: binary, not a text export
CUT_RECORD = "the file ends inside this record (cut off?)"
NUL_IN_FIELD = "the field holds a NUL byte (the file is damaged here)"
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


def read_sheet(file_name: str, data: bytes | list[bytes],
               accept: Callable[[list[str]], bool]) -> Sheet:
    """The sheet in `data` (CSV text or an XLSX workbook); `accept` picks a workbook's sheet.
    Given as a one-item list holding the only reference, the bytes are let go of once parsed:
    the sheet's cells are then the one full copy of the file."""
    if isinstance(data, list):
        data = data.pop()
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
    nuls = text.utf8.count(b"\x00")
    if nuls > MAX_NUL_BYTES:
        raise FileRefused(f"{file_name}: binary content ({nuls:,} NUL bytes), "
                          "not a CSV or XLSX export")
    skip, text, title = _after_title(text, accept)
    raw, cut = _split_cut_record(text)
    notes = text.notes
    del text, data
    sheet = _read_csv(file_name, raw, skip)
    del raw  # the sheet holds its own copy of the cells; big files keep one at a time
    _reject_broken_cells(sheet)
    pa.default_memory_pool().release_unused()
    if cut is not None:
        sheet.rejects.append(Reject(sheet.next_row, "", CUT_RECORD, cut[:200]))
        sheet.rows_read += 1
    sheet.notes[:0] = notes + ([_title_note(skip, title)] if skip else [])
    return sheet


MAX_TITLE_LINES = 10      # lines above a header (a report's title, its date) looked through


def _after_title(text: Text, accept: Callable[[list[str]], bool]) -> tuple[int, Text, str]:
    """The text from its header on, when its first record is no known header but one of the
    next few lines is (a title or an export date written above it); how many lines were
    skipped and the first of them. The header's row number still counts them. Each line is
    split by its own delimiter; a line with a quote left open is not guessed at (its record
    runs over lines): the text is then read as it is."""
    raw = text.utf8
    head = raw[:65536].decode("utf-8", errors="ignore")
    first = next(csv.reader(io.StringIO(head, newline=""), delimiter=_sniff_delimiter(head)), [])
    lines = [x for x in _AFTER_LINE_BREAK.split(head) if x][:MAX_TITLE_LINES + 1]
    if len(lines) < 2 or accept(first):
        return 0, text, ""

    def records():  # each line as one record, up to one that leaves a quote open
        for line in lines:
            if line.count('"') % 2:
                return
            yield next(csv.reader([line], delimiter=_sniff_delimiter(line)), [])

    skip = _header_among(records(), accept)
    if not skip:
        return 0, text, ""
    offset = sum(len(line.encode("utf-8")) for line in lines[:skip])
    return skip, Text(raw[offset:], text.notes, text.cut_char,
                      text.quotes - raw[:offset].count(b'"')), lines[0].strip()


def _header_among(rows: Iterable[list[str]], accept: Callable[[list[str]], bool]) -> int | None:
    """Which of the first rows of a file (up to MAX_TITLE_LINES after the first one that holds
    anything) is a known header, counted from 0; None for none. CSV and workbooks alike."""
    seen = 0
    for i, fields in enumerate(rows):
        if not any(f.strip() for f in fields):
            continue
        if accept(fields):
            return i
        seen += 1
        if seen > MAX_TITLE_LINES:
            return None
    return None


def _title_note(skip: int, title: str) -> str:
    return f"{skip} line(s) above the header skipped (a title: {title[:60]!r})"


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
    try:
        return _transcode(data, "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mixed_lines(data)
    if mixed is not None:
        utf8_line, other_line = mixed
        raise FileRefused(
            f"{file_name}: the text mixes two encodings (line {utf8_line} is UTF-8, line "
            f"{other_line} is not: GBK?); save the whole file again in one encoding and retry"
        )
    try:
        return _transcode(data, "gb18030")
    except UnicodeDecodeError:
        pass
    raise FileRefused(
        f"{file_name}: the text is neither UTF-8 nor GBK/GB18030 (undecodable bytes); "
        "save it again as CSV (UTF-8) and retry"
    )


MIXED_CHECK_BYTES = 16 * 2**20   # files up to this size are looked at line by line
_UTF8_CJK = re.compile(rb"[\xe4-\xe9][\x80-\xbf]{2}")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


def _mixed_lines(data: bytes) -> tuple[int, int] | None:
    """(a line in UTF-8 holding Chinese, a line that is not UTF-8) of a text that is not
    UTF-8 throughout, or None. A GBK line holding Chinese is all but never valid UTF-8, so
    both kinds in one file mean rows pasted together from two encodings: read as GBK, the
    UTF-8 rows would be stored garbled (你好 as 浣犲ソ). Large files are not looked at."""
    if len(data) > MIXED_CHECK_BYTES:
        return None
    utf8_line = other_line = None
    for number, line in enumerate(_LINE_BREAK_BYTES.split(data), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other_line = other_line or number
        else:
            if utf8_line is None and _UTF8_CJK.search(line):
                utf8_line = number
        if utf8_line and other_line:
            return utf8_line, other_line
    return None


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
    head = raw[:65536].decode("utf-8", errors="ignore")
    delimiter = _sniff_delimiter(head)
    width = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), []))
    last_break = max(raw.rfind(b"\n"), raw.rfind(b"\r"))
    last = raw[last_break + 1:].decode("utf-8", errors="replace")
    if last_break > header_end and last.count('"') % 2 and _record_like(last, delimiter, width):
        # The last line is a whole record's start whose quote never closes: the file ends
        # inside it, whatever an earlier row's stray quote does to the count of quotes.
        return raw[:last_break + 1], last
    start = _last_record_start(raw, text.quotes, header_end)
    tail = raw[start:].decode("utf-8", errors="replace")
    cut = text.cut_char or text.quotes % 2 == 1
    if cut and any(_record_like(line, delimiter, width)
                   for line in itertools.islice(io.StringIO(tail, newline=""), 1, None)):
        # Not one record cut off: a quote never closed runs over whole records to the end.
        # The careful reader reads them one by one (and a last one short of fields as cut).
        return raw, None
    if not cut:
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


def _read_csv(file_name: str, raw: bytes, skip: int = 0) -> Sheet:
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
        # a header with a line break inside a quoted name: only the careful reader knows
        return _drop_blank_records(_read_csv_lines(raw, names, delimiter, skip))
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
            del body
            return _drop_blank_records(_read_csv_lines(raw, names, delimiter, skip))
    del body
    if _may_run_over_records(table, delimiter, len(headers)):
        del table
        return _drop_blank_records(_read_csv_lines(raw, names, delimiter, skip))
    cells = pd.DataFrame(
        {name: pd.Series(table.column(i), dtype="str") for i, name in enumerate(names)},
        index=pd.RangeIndex(table.num_rows),
    )
    first = 2 + skip
    sheet = Sheet(names, cells, np.arange(first, table.num_rows + first), delimiter=delimiter,
                  next_row=table.num_rows + first)
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


def _may_run_over_records(table: pa.Table, delimiter: str, width: int) -> bool:
    """Whether a cell may hold whole records, swallowed by a quote that was never closed: a
    line inside it holds a record's worth of delimiters, or its last line as many as the
    record had before the cell (the fields after the closing quote then fill the record)."""
    for i, column in enumerate(table.columns):
        if not any(_holds_line_break(chunk) for chunk in column.chunks):
            continue
        broken = pc.match_substring_regex(column, "[\r\n]")
        if not pc.any(broken).as_py():
            continue
        # neither test can pass with fewer delimiters in the whole cell
        broken = pc.and_(broken, pc.greater_equal(pc.count_substring(column, delimiter),
                                                  min(i, width - 1)))
        for value in pc.filter(column, broken).to_pylist():
            parts = _LINE_BREAK.split(value)[1:]
            if any(part.count(delimiter) >= width - 1 for part in parts):
                return True
            if parts and parts[-1].count(delimiter) == i:
                return True
    return False


def _holds_line_break(chunk: pa.Array) -> bool:
    """Whether the bytes behind a text column hold a line break (perhaps outside its cells:
    then the cells are looked at one by one)."""
    data = chunk.buffers()[2] if chunk.type in (pa.string(), pa.large_string()) else None
    if data is None:
        return True
    octets = np.frombuffer(data, dtype=np.uint8)
    return bool((octets == 10).any() or (octets == 13).any())


_LINE_BREAK = re.compile("\r\n|\r|\n")
_AFTER_LINE_BREAK = re.compile("(?<=\n)|(?<=\r)(?!\n)")


def _record_like(line: str, delimiter: str, width: int) -> bool:
    """A line that splits into a whole record on its own: the header's number of fields
    (more only when they are empty), whether its quotes are read as quotes or as characters."""
    if width < 2 or line.count(delimiter) < width - 1:
        return False
    line = line.rstrip("\r\n")
    for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
        fields = next(csv.reader([line], delimiter=delimiter, quoting=quoting), [])
        if len(fields) >= width and not any(f.strip() for f in fields[width:]):
            return True
    return False


def _open_quote(line: str, delimiter: str) -> tuple[int, int] | None:
    """Where a quote opens a field that the line never closes, and that field's position."""
    pos, column = 0, 0
    while pos < len(line):
        if line[pos] == '"':
            start, pos = pos, pos + 1
            while True:
                close = line.find('"', pos)
                if close < 0:
                    return start, column
                if line[close + 1:close + 2] == '"':
                    pos = close + 2
                    continue
                pos = close + 1
                break
        nxt = line.find(delimiter, pos)
        if nxt < 0:
            return None
        pos, column = nxt + 1, column + 1
    return None


def _split_literal(line: str, delimiter: str) -> tuple[list[str], int] | None:
    """The line's fields with the quote it never closes read as a character, and the position
    of the field it opens; None when every quote of the line is closed."""
    line = line.rstrip("\r\n")
    found = _open_quote(line, delimiter)
    if found is None:
        return None
    at, column = found
    before = next(csv.reader([line[:at]], delimiter=delimiter), [""])[:-1] if at else []
    after = next(csv.reader([line[at:]], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
    return before + after, column


def _read_csv_lines(raw: bytes, names: list[str], delimiter: str, skip: int = 0) -> Sheet:
    """The careful reader, for files the fast parser cannot take as they are: short records
    padded, overlong ones rejected, a record with a field over MAX_FIELD_CHARS rejected, and a
    quote never closed that would run over whole records read as a character, the records
    after it read one by one. Rows are numbered by record, as everywhere."""
    width = len(names)
    text = raw.decode("utf-8")
    lines = _AFTER_LINE_BREAK.split(text)  # the lines with their breaks, as csv sees them
    del text
    if lines and not lines[-1]:
        lines.pop()
    open_end = bool(lines) and not lines[-1].endswith(("\n", "\r"))
    source = _Lines(lines)
    next(csv.reader(source, delimiter=delimiter), None)   # the header
    pos = source.pos
    kept: list[list[str]] = []
    rows: list[int] = []
    rejects: list[Reject] = []
    notes: list[str] = []
    ordinal = 1 + skip                   # the header's number: title lines above it count

    def keep(record: list[str], text: str) -> None:
        if len(record) > width and any(v.strip() for v in record[width:]):
            rejects.append(Reject(
                ordinal, "", f"the record has {len(record)} fields but the header {width}",
                text[:200]))
            return
        if open_end and pos >= len(lines) and 0 < len(record) < width:
            rejects.append(Reject(ordinal, "", CUT_RECORD, text[:200]))
            return
        kept.append((record + [""] * width)[:width])
        rows.append(ordinal)

    reader = csv.reader(source, delimiter=delimiter)
    while True:
        start = source.pos
        try:
            record, error = next(reader), None
        except StopIteration:
            break
        except csv.Error as exc:  # a field over the csv module's limit
            record, error = [], exc
        pos = source.pos
        ordinal += 1
        if pos - start > 1 and any(_record_like(lines[i], delimiter, width)
                                   for i in range(start + 1, pos)):
            # a quote never closed took the next records in: they are read again as records
            _stray_quote(lines[start], names, delimiter, ordinal, pos - start, keep,
                         rejects, notes)
            source.pos = start + 1
            reader = csv.reader(source, delimiter=delimiter)
        elif error is not None:
            rejects.append(Reject(
                ordinal, "", f"a field of more than {csv.field_size_limit():,} characters "
                f"(at most {MAX_FIELD_CHARS:,}): the record is broken", lines[start][:200]))
            reader = csv.reader(source, delimiter=delimiter)
        elif record:
            keep(record, "".join(lines[start:pos]))
        # a blank line still takes its number
    if len(notes) > MAX_NOTES:
        more = len(notes) - MAX_NOTES
        notes[MAX_NOTES:] = [f"and {more:,} more row(s) with a quote never closed, each read "
                             "the same way"]
    frame = pd.DataFrame(kept, columns=names, dtype="str") if kept else pd.DataFrame(
        {n: pd.Series([], dtype="str") for n in names})
    return Sheet(names, frame, np.asarray(rows, dtype=np.int64), notes=notes, rejects=rejects,
                 rows_read=len(rejects), delimiter=delimiter, next_row=ordinal + 1)


class _Lines:
    """The lines of a text handed to the csv module one at a time; `pos` is the next one, and
    setting it reads again from there."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def _stray_quote(line: str, names: list[str], delimiter: str, row: int, span: int,
                 keep: Callable[[list[str], str], None], rejects: list[Reject],
                 notes: list[str]) -> None:
    """Row `row` opens a quote it never closes, which would run over `span` lines of records:
    the row is read with the quote as a character when that gives it its fields, else
    rejected; either way the import says so, and the rows after it are read as rows."""
    last = row + span - 1
    split = _split_literal(line, delimiter)
    column = names[split[1]] if split and split[1] < len(names) else ""
    where = f" in {column}" if column else ""
    if split is not None and len(split[0]) >= len(names) and not any(
            v.strip() for v in split[0][len(names):]):
        before = len(rejects)
        keep(split[0], line)
        if len(rejects) == before:
            notes.append(f"row {row}: a quote opened{where} is never closed (it would run "
                         f"across rows {row}–{last}); it was read as a character, and rows "
                         f"{row + 1}–{last} as rows of their own")
            return
        del rejects[before:]
    rejects.append(Reject(row, column, f"a quote opened here is never closed: the field runs "
                                       f"across rows {row}–{last}; the rows after it were read "
                                       "as rows of their own", line.rstrip("\r\n")[:200]))


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


def _reject_broken_cells(sheet: Sheet, may_hold_nul: bool = True) -> None:
    """Records holding a NUL byte or a cell over MAX_FIELD_CHARS are damaged, not data: each
    is rejected (naming its first such column) and left out; the others stay. `may_hold_nul`:
    whether the cells may hold a NUL byte at all (a file read in slices holds none)."""
    cells = sheet.cells
    if not len(cells):
        return
    broken = np.zeros(len(cells), dtype=bool)
    found: list[Reject] = []
    for col in cells.columns:
        values = pa.array(cells[col].array)
        if not _may_be_broken(values, may_hold_nul):
            continue
        nul = pc.match_substring(values, "\x00").to_numpy(zero_copy_only=False)
        length = pc.utf8_length(values).to_numpy(zero_copy_only=False)
        long = length > MAX_FIELD_CHARS
        for i in np.flatnonzero((nul | long) & ~broken):
            value = values[int(i)].as_py()
            reason = (NUL_IN_FIELD if nul[i] else
                      f"a field of {int(length[i]):,} characters (at most {MAX_FIELD_CHARS:,}): "
                      "the record is broken")
            found.append(Reject(int(sheet.rows[i]), col, reason,
                                value[:200].replace("\x00", "\\0")))
        broken |= nul | long
    if found:
        sheet.rejects.extend(found)
        sheet.cells = cells[~broken].reset_index(drop=True)
        sheet.rows = sheet.rows[~broken]


def _may_be_broken(values: pa.Array, may_hold_nul: bool) -> bool:
    """Whether a column may hold a NUL byte or a cell over MAX_FIELD_CHARS: a cell's
    characters are never more than its bytes, and most columns are short and clean."""
    if (pc.max(pc.binary_length(values)).as_py() or 0) > MAX_FIELD_CHARS:
        return True
    return bool(may_hold_nul and pc.any(pc.match_substring(values, "\x00")).as_py())


# ---------------------------------------------------------------------------------------------
# XLSX


def _read_xlsx(file_name: str, data: bytes, accept: Callable[[list[str]], bool]) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileRefused(f"{file_name}: not a valid XLSX workbook (broken zip: {exc})") from exc
    if len(infos) > MAX_XLSX_ENTRIES:
        raise FileRefused(
            f"{file_name}: the workbook has too many parts ({len(infos):,}; at most "
            f"{MAX_XLSX_ENTRIES:,}); export it as CSV instead"
        )
    if sum(i.file_size for i in infos) > MAX_XLSX_UNCOMPRESSED:
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
            sheet, part = _read_book(file_name, book, accept)
        finally:
            book.close()
        unsaved = _unsaved_formulas(archive, part)
        if unsaved:
            sheet.notes.append(f"{unsaved:,} formula cell(s) hold no saved result and were read "
                               "as empty; open the workbook in Excel, save it and import it again")
        return sheet
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many kinds; all mean unreadable
        raise FileRefused(
            f"{file_name}: the XLSX workbook cannot be read ({type(exc).__name__}: {exc})"
        ) from exc


_FORMULA = re.compile(rb"<f[\s>/]")
_SAVED_VALUE = re.compile(rb"<v>[^<]+</v>")


def _unsaved_formulas(archive: zipfile.ZipFile, part: str | None) -> int:
    """Cells of the sheet read (its part `part` of the workbook) holding a formula without a
    saved result: a workbook written by a program that does not calculate, whose formulas read
    as empty cells. A formula's cell runs from its `<c …>` to the next `</c>` (cells do not
    nest), each looked at once; a text result (`t="str"`) may be empty."""
    if not part:
        return 0
    try:
        xml = archive.read(part)
    except KeyError:
        return 0
    count, pos = 0, 0
    while (found := _FORMULA.search(xml, pos)) is not None:
        end = xml.find(b"</c>", found.start())
        if end < 0:
            break
        opening = xml[xml.rfind(b"<c ", 0, found.start()):found.start()]
        opening = opening[:opening.find(b">") + 1]
        if not _SAVED_VALUE.search(xml, found.start(), end) and b't="str"' not in opening:
            count += 1
        pos = end + 4
    return count


def _read_book(file_name: str, book,
               accept: Callable[[list[str]], bool]) -> tuple[Sheet, str | None]:
    """The sheet read (the first with a known header, else the first with rows) and its part
    of the workbook."""
    first = None
    for ws in book.worksheets:
        at = _header_row(ws, accept)
        if at is None:
            continue
        sheet = _read_worksheet(ws, header_only=True, header_at=at)
        if accept(sheet.headers):
            return (_read_worksheet(ws, header_only=False, header_at=at),
                    getattr(ws, "_worksheet_path", None))
        first = first or (ws, at)
    if first is None:
        raise FileRefused(f"{file_name}: the workbook has no rows")
    return (_read_worksheet(first[0], header_only=False, header_at=first[1]),
            getattr(first[0], "_worksheet_path", None))


def _header_row(ws, accept: Callable[[list[str]], bool]) -> int | None:
    """The number of a sheet's header row: its first row holding anything, or, when that is
    no known header but one of the next few rows is (a title or an export date above it),
    that one. None for a sheet empty in its first 50 rows."""
    rows = [_trimmed([cell_text(v) for v in values])
            for values in ws.iter_rows(values_only=True, max_row=50)]
    found = _header_among(rows, accept)
    if found is not None:
        return found + 1
    return next((n for n, r in enumerate(rows, start=1) if r), None)


def _trimmed(texts: list[str]) -> list[str]:
    """A row's cells without the blank ones at its end (a blank row: none)."""
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def _read_worksheet(ws, header_only: bool, header_at: int = 1) -> Sheet | None:
    """The sheet's records under its header (row `header_at` or the first row holding
    anything after it); rows above it holding anything are a title, said in the notes."""
    rows_iter = ws.iter_rows(values_only=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    numbers: list[int] = []
    titles: list[str] = []
    width = 0
    for number, values in enumerate(rows_iter, start=1):
        texts = [cell_text(v) for v in values]
        if header is None:
            if any(t.strip() for t in texts):
                if number < header_at:
                    titles.append(" ".join(t.strip() for t in texts if t.strip()))
                    continue
                header = _trimmed(texts)
                width = len(header)
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
    notes = [_title_note(len(titles), titles[0])] if titles else []
    return Sheet(names, cells, np.asarray(numbers, dtype=np.int64), notes=notes,
                 rows_read=len(records))


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


# ---------------------------------------------------------------------------------------------
# A large CSV in slices

SLICE_ROWS = 200_000            # records per slice of a large CSV
SLICE_MIN_BYTES = 16 * 2**20    # files smaller than this are read whole
_SURVEY_BLOCK = 8 * 2**20


class ReadWhole(Exception):  # noqa: N818 - a signal, not an error
    """The file holds something only the whole-file reader handles (a ragged or cut-off record,
    a quote never closed, a NUL byte, a broken character, …): read it again, whole."""


@dataclass
class Survey:
    """What one pass over a file's bytes tells before it is read."""

    sha256: str
    size: int
    head: bytes                 # the first 64 KB
    last: bytes                 # the last byte
    nuls: int                   # NUL bytes in the whole file
    quotes: int | None          # `"` in the whole file; None (not counted) when it ends with
                                # a line break (only an unfinished last record needs them)
    utf8: bool                  # the whole file is valid UTF-8


def survey(source: Path | bytes) -> Survey:
    """Digest, size, head, NUL bytes and UTF-8 validity of a file on disk or of bytes, read in
    blocks (a file is never held whole); its quotes too when it does not end with a line
    break (read again for them)."""
    import codecs
    import hashlib

    digest = hashlib.sha256()
    check = codecs.getincrementaldecoder("utf-8")()
    utf8, nuls, size, head, last = True, 0, 0, b"", b""
    for block in _blocks(source):
        digest.update(block)
        if b"\x00" in block:            # a search: far quicker than a count of none
            nuls += block.count(b"\x00")
        if utf8:
            try:
                check.decode(block)
            except UnicodeDecodeError:
                utf8 = False
        if not head:
            head = bytes(block[:65536])
        size += len(block)
        last = bytes(block[-1:])
    if utf8:
        try:
            check.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    quotes = (None if last in (b"\n", b"\r")
              else sum(block.count(b'"') for block in _blocks(source)))
    return Survey(digest.hexdigest(), size, head, last, nuls, quotes, utf8)


def _blocks(source: Path | bytes):
    if isinstance(source, Path):
        with source.open("rb") as f:
            while block := f.read(_SURVEY_BLOCK):
                yield block
        return
    for start in range(0, len(source), _SURVEY_BLOCK):
        yield source[start:start + _SURVEY_BLOCK]


@dataclass
class CsvPlan:
    """How to read a CSV export in slices: its header, delimiter and encoding."""

    source: Path | bytes
    headers: list[str]
    delimiter: str
    columns: list[str]          # the parser's column names (a trailing empty field included)
    encoding: str               # "utf-8" or "gb18030"
    skip: int                   # bytes of a byte-order mark before the header


def plan_csv(source: Path | bytes, info: Survey) -> CsvPlan | None:
    """The plan for reading `source` in slices, or None when only the whole-file reader can
    read it as it must: a workbook, UTF-16, NUL bytes, a header with a line break in a quoted
    name, a file that ends inside a quoted field. (A last record short of fields or a broken
    last character stops the parser: the whole-file reader then rejects that record as cut.)"""
    data = info.head
    if (not data.strip() or data.startswith((_ZIP_MAGIC, _OLE_MAGIC, b"\xff\xfe", b"\xfe\xff"))
            or info.nuls or (info.last not in (b"\n", b"\r") and info.quotes % 2)):
        return None
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if skip and not info.utf8:
        return None                      # a UTF-8 mark on broken UTF-8: refused as a whole
    encoding = "utf-8" if info.utf8 else "gb18030"
    head = data[skip:].decode(encoding, errors="ignore")
    delimiter = _sniff_delimiter(head)
    first = list(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))[:2]
    if len(first) < 2 or not any(h.strip() for h in first[0]):
        return None
    headers = first[0]
    line_end = min([i for i in (head.find("\n"), head.find("\r")) if i >= 0] or [len(head)])
    if next(csv.reader([head[:line_end]], delimiter=delimiter), []) != headers:
        return None
    names = _unique([h.strip().lstrip("\ufeff").strip() for h in headers])
    extra = len(first[1]) == len(headers) + 1 and first[1][-1] == ""
    return CsvPlan(source, names, delimiter, names + (["\x00extra"] if extra else []),
                   encoding, skip)


def read_slices(plan: CsvPlan, slice_rows: int = SLICE_ROWS) -> Iterator[Sheet]:
    """The file's records in sheets of `slice_rows` records each, numbered as in the file,
    decoded and parsed as they stream in (the file is never held whole). Raises `ReadWhole`
    where the whole-file reader must take over; the records are then read the same way.
    A GB18030 file is converted to UTF-8 by a process of its own as it is read (see
    `_Transcoder`), so the conversion runs beside this process's parsing, on the other core."""
    with _utf8_stream(plan) as (stream, finished):
        reader = None
        try:
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=plan.columns, skip_rows=1,
                                               block_size=CSV_BLOCK_SIZE),
                parse_options=pacsv.ParseOptions(delimiter=plan.delimiter,
                                                 newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.large_string() for c in plan.columns},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            pending: list[pa.RecordBatch] = []
            held, row = 0, 2
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                pending.append(batch)
                held += batch.num_rows
                while held >= slice_rows:
                    table = pa.Table.from_batches(pending)
                    yield _slice_sheet(plan, table.slice(0, slice_rows), row)
                    row += slice_rows
                    rest = table.slice(slice_rows)
                    pending, held = rest.to_batches(), rest.num_rows
                    del table, rest
            finished()  # the whole text came through (a broken character stops it short)
            if held or row == 2:
                table = (pa.Table.from_batches(pending) if pending else
                         pa.table({c: pa.array([], pa.large_string()) for c in plan.columns}))
                yield _slice_sheet(plan, table, row)
        except (pa.ArrowException, UnicodeError, ValueError) as exc:
            raise ReadWhole(str(exc)) from exc
        finally:
            del reader  # never left to the interpreter's exit (it may decode on a thread)


# The converter's whole program: the standard library's incremental decoder (the same
# mapping as the whole-file reader's), block by block; an undecodable byte ends it with 3.
# With glibc, the blocks' memory is kept for the next ones instead of going back to the system
# and being faulted in again (mallopt: M_MMAP_THRESHOLD 32 MB, M_TRIM_THRESHOLD 256 MB): at 1M
# orders that was 0.4M page faults and 1.3-1.9 s of system time, now 10k and 0.4-0.6 s.
_TRANSCODE = """
import codecs, sys
try:
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-3, 1 << 25)
    libc.mallopt(-1, 1 << 28)
except (ImportError, OSError, AttributeError):
    pass
decode = codecs.getincrementaldecoder(sys.argv[1])().decode
read, write = sys.stdin.buffer.read, sys.stdout.buffer.write
try:
    while block := read(1 << 22):
        write(decode(block).encode("utf-8"))
    write(decode(b"", final=True).encode("utf-8"))
except UnicodeDecodeError:
    sys.exit(3)
"""


class _Transcoder:
    """A child process converting a file (or bytes) from `encoding` to UTF-8: the parent
    reads its output as a stream. The standard library's codecs hold the interpreter's lock;
    in a process of their own they run beside the parsing instead of taking turns with it."""

    def __init__(self, source: Path | bytes, skip: int, encoding: str):
        self.feeder: threading.Thread | None = None
        held = None
        if isinstance(source, Path):
            held = source.open("rb")
            held.seek(skip)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _TRANSCODE, encoding],
                stdin=held if held is not None else subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        finally:
            if held is not None:
                held.close()             # the child has its own copy of the handle
        if not isinstance(source, Path):
            self.feeder = threading.Thread(target=self._feed, args=(memoryview(source)[skip:],),
                                           name="orderdesk-transcode-feed", daemon=True)
            self.feeder.start()

    def _feed(self, data: memoryview) -> None:
        try:
            for start in range(0, len(data), 1 << 22):
                self.proc.stdin.write(data[start:start + (1 << 22)])
        except (BrokenPipeError, ValueError, OSError):
            pass                         # the child ended (a broken byte) or was stopped
        finally:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()

    def finished(self) -> None:
        """Raises `UnicodeError` unless the child converted the whole text."""
        if self.proc.wait() != 0:
            raise UnicodeError(f"the text is not {self.proc.args[-1]} throughout")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        if self.feeder is not None:
            self.feeder.join()


@contextlib.contextmanager
def _utf8_stream(plan: CsvPlan):
    """The file's text as a UTF-8 stream after its byte-order mark, and a check to call once
    it has all been read (it raises when the text was not all converted). Where no child
    process can be started, the text is converted in this process as it is read."""
    transcoder = None
    if plan.encoding != "utf-8":
        try:
            transcoder = _Transcoder(plan.source, plan.skip, plan.encoding)
        except OSError:
            transcoder = None
    if transcoder is None:
        stream = (pa.input_stream(str(plan.source)) if isinstance(plan.source, Path)
                  else pa.BufferReader(pa.py_buffer(plan.source)))
        if plan.skip:
            stream.read(plan.skip)
        if plan.encoding != "utf-8":
            stream = pa.transcoding_input_stream(stream, plan.encoding, "utf-8")
        try:
            yield stream, lambda: None
        finally:
            stream.close()
        return
    try:
        yield transcoder.proc.stdout, transcoder.finished
    finally:
        transcoder.close()


_DONE = object()


def read_ahead(items: Iterable) -> Iterator:
    """`items` as they come, the next one worked out on a thread of its own while the caller
    works on this one: at most two are held at once. What the thread raises is raised here, in
    its place; a caller that stops early stops the thread at its next item."""
    handed: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                handed.put((item, None))
                del item
                handed.join()            # the caller took it: the next one may be worked out
                if stop.is_set():
                    return
            handed.put((_DONE, None))
        except BaseException as exc:     # noqa: BLE001 - handed to the caller, raised there
            handed.put((_DONE, exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="orderdesk-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = handed.get()
            handed.task_done()
            if exc is not None:
                raise exc
            if item is _DONE:
                return
            yield item
            del item
    finally:
        stop.set()
        while worker.is_alive():         # let a thread blocked on a full hand go on
            try:
                handed.get(timeout=0.05)
                handed.task_done()
            except queue.Empty:
                pass
        worker.join()


def _slice_sheet(plan: CsvPlan, table: pa.Table, row: int) -> Sheet:
    """One slice's records as a sheet, numbered from `row`, with the same guards as a whole
    file: blank records dropped, broken cells rejected."""
    if _may_run_over_records(table, plan.delimiter, len(plan.headers)):
        raise ReadWhole("a cell may hold whole records")
    names = plan.headers
    cells = pd.DataFrame(
        {name: pd.Series(table.column(i), dtype="str") for i, name in enumerate(names)},
        index=pd.RangeIndex(table.num_rows),
    )
    sheet = _drop_blank_records(Sheet(
        names, cells, np.arange(row, row + table.num_rows), delimiter=plan.delimiter,
        next_row=row + table.num_rows))
    _reject_broken_cells(sheet, may_hold_nul=False)  # a file with NUL bytes is read whole
    return sheet
