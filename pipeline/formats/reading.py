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
import pyarrow.csv as pacsv

from pipeline.canonical import FileRefused, Reject

MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of XML a workbook may unpack to
MAX_XLSX_ENTRIES = 10_000
CSV_BLOCK_SIZE = 1 << 24                   # bytes per block the CSV parser works on in parallel
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
    text, notes, encoding = decode(file_name, data)
    if encoding == "utf-8" and not notes:
        raw = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    else:
        raw = text.encode("utf-8")
    del text  # the UTF-8 bytes are all the parser needs; big files keep one copy
    sheet = _read_csv(file_name, raw)
    sheet.notes[:0] = notes
    return sheet


# ---------------------------------------------------------------------------------------------
# Text


def decode(file_name: str, data: bytes) -> tuple[str, list[str], str]:
    """The text of a CSV export, notes, and the encoding it was in: UTF-8 (BOM or not),
    UTF-16 with a BOM, else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), [], "utf-16"
        except UnicodeDecodeError as exc:
            raise FileRefused(f"{file_name}: broken UTF-16 text at byte {exc.start}") from exc
    if b"\x00" in data[:65536]:
        raise FileRefused(f"{file_name}: binary content, not a CSV or XLSX export")
    if data.startswith(b"\xef\xbb\xbf"):
        return (*_decode_as(file_name, data[3:], "utf-8", "UTF-8"), "utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), [], encoding
        except UnicodeDecodeError as exc:
            if _truncated_at_end(exc, len(data)):
                return (*_decode_as(file_name, data, encoding, encoding.upper()), encoding)
    raise FileRefused(
        f"{file_name}: the text is neither UTF-8 nor GBK/GB18030 (undecodable bytes); "
        "save it again as CSV (UTF-8) and retry"
    )


def _truncated_at_end(exc: UnicodeDecodeError, size: int) -> bool:
    return exc.start >= size - 3 and exc.end == size


def _decode_as(file_name: str, data: bytes, encoding: str, label: str) -> tuple[str, list[str]]:
    """Decode strictly; a file cut off inside its last character keeps everything before it."""
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        if not _truncated_at_end(exc, len(data)):
            raise FileRefused(
                f"{file_name}: broken {label} text (invalid bytes at offset {exc.start})"
            ) from exc
        return data[: exc.start].decode(encoding), [
            f"the file ends inside a character (cut off?); its last {len(data) - exc.start} "
            "byte(s) were dropped"
        ]


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
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(memoryview(raw)[body_start:])),
            read_options=pacsv.ReadOptions(column_names=columns, block_size=CSV_BLOCK_SIZE),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return _drop_blank_records(_read_csv_tolerant(raw.decode("utf-8"), names, delimiter))
    cells = pd.DataFrame(
        {name: pd.Series(table.column(i), dtype="str") for i, name in enumerate(names)},
        index=pd.RangeIndex(table.num_rows),
    )
    return _drop_blank_records(Sheet(names, cells, np.arange(2, table.num_rows + 2)))


def _read_csv_tolerant(text: str, names: list[str], delimiter: str) -> Sheet:
    """The slow path for ragged files: short records padded, overlong ones rejected."""
    width = len(names)
    kept: list[list[str]] = []
    rows: list[int] = []
    rejects: list[Reject] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    for ordinal, record in enumerate(reader, start=2):
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
                 rows_read=len(rejects))


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
        filled = np.zeros(len(cells), dtype=bool)
        for col in cells.columns:
            filled |= (cells[col].str.strip() != "").to_numpy()
        if not filled.all():
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
