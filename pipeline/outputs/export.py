"""Downloads that are safe to open in Excel: formula-like cells escaped, ids kept as text."""

from __future__ import annotations

import io
import re

import pandas as pd

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Prefix `'` to a text cell that a spreadsheet would run as a formula; numbers untouched."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell escaped; id-like columns forced to text."""
    out = df.copy()
    for col in out.columns:
        if str(col).endswith("_id") or col in ("order_id", "tracking_no"):
            out[col] = out[col].map(lambda v: v if v is None or pd.isna(v) else str(v))
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(escape_cell)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel shows Chinese headers; cells escaped."""
    # CRLF line ends make the writer quote any cell holding a bare CR or LF.
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# Number formats by what a column holds, read from its (canonical or shown) name.
MONEY_WORDS = ("amount", "paid", "total", "refund", "price", "cost", "aov", "金额", "价",
               "成本", "客单")
SHARE_WORDS = ("rate", "share", "uplift", "pct", "率", "占比")
MONEY_FORMAT, SHARE_FORMAT = "#,##0.00", "0.0%"


def column_format(name: object, values: pd.Series) -> str | None:
    """The number format for a column: money with 2 decimals, shares as percents, else none."""
    if not pd.api.types.is_float_dtype(values) and not pd.api.types.is_integer_dtype(values):
        return None
    text = str(name).lower()
    if any(w in text for w in SHARE_WORDS):
        return SHARE_FORMAT
    if pd.api.types.is_float_dtype(values) and any(w in text for w in MONEY_WORDS):
        return MONEY_FORMAT
    return None


_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """`name` as Excel allows a sheet to be called (a file's name may hold any of [ ] : * ? /
    \\, which Excel refuses): those become `_`, at most 31 characters, never blank."""
    return _NOT_IN_SHEET_TITLES.sub("_", str(name))[:31].strip("'") or "Sheet"


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per frame, formatted to be read: a frozen header row with
    filters, columns as wide as their content (within bounds), money with 2 decimals and
    shares as percents; text cells stored as text (never formulas)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    for name, df in sheets.items():
        ws = wb.create_sheet(title=sheet_title(name))
        safe = safe_frame(df)
        formats = [column_format(c, df[c]) for c in df.columns]
        for i, col in enumerate(safe.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = _width(col, safe[col])
        ws.freeze_panes = "A2"
        if len(safe.columns):
            ws.auto_filter.ref = (f"A1:{get_column_letter(len(safe.columns))}"
                                  f"{max(len(safe) + 1, 2)}")
        ws.append([_text_cell(ws, str(c), WriteOnlyCell) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            ws.append([_cell(ws, v, WriteOnlyCell, fmt) for v, fmt in zip(row, formats,
                                                                         strict=True)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _width(name: object, values: pd.Series) -> float:
    """A column as wide as its header or its longest of the first 200 cells (CJK counted
    double), between 8 and 60 characters."""
    def size(v: object) -> int:
        text = "" if _isna(v) else str(v)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:80])

    longest = max([size(name), *(size(v) for v in values.head(200))])
    return float(min(max(longest + 2, 8), 60))


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text_cell(ws: object, text: str, cell_type: type) -> object:
    """A cell that holds `text` as a string, even when it starts with '='."""
    cell = cell_type(ws, value=_ILLEGAL.sub("\ufffd", text))
    cell.data_type = "s"
    return cell


def _cell(ws: object, v: object, cell_type: type, fmt: str | None = None) -> object:
    if _isna(v):
        return None
    v = _plain(v)
    if isinstance(v, str):
        return _text_cell(ws, v, cell_type)
    if fmt and isinstance(v, int | float) and not isinstance(v, bool):
        cell = cell_type(ws, value=v)
        cell.number_format = fmt
        return cell
    return v


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v: object) -> object:
    """Values openpyxl can store: timestamps as datetimes, numpy scalars as Python numbers."""
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):
        return v.item()
    return v
