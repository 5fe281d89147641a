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


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per frame; text cells stored as text (never formulas)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for name, df in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        safe = safe_frame(df)
        ws.append([_text_cell(ws, str(c), WriteOnlyCell) for c in safe.columns])
        for row in safe.itertuples(index=False, name=None):
            ws.append([_cell(ws, v, WriteOnlyCell) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text_cell(ws: object, text: str, cell_type: type) -> object:
    """A cell that holds `text` as a string, even when it starts with '='."""
    cell = cell_type(ws, value=_ILLEGAL.sub("\ufffd", text))
    cell.data_type = "s"
    return cell


def _cell(ws: object, v: object, cell_type: type) -> object:
    if _isna(v):
        return None
    v = _plain(v)
    if isinstance(v, str):
        return _text_cell(ws, v, cell_type)
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
