"""Typed, vectorised access to a sheet's columns; a bad value becomes a reject of its row."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.base.canonical import NAME_CAP, CountNote, Reject
from pipeline.ingest.formats.reading import Sheet

EMPTY_MARKERS = ("", "-", '=""')
AMOUNT_LIMIT = 1e12          # decimal(14,2)
INT_LIMIT = 2**31 - 1        # integer
# Length caps, in characters. Free text over its cap is cut there (the import says how many
# values); an id over its cap, or a required value over its cap, rejects its row.
TEXT_CAP = 2_000             # buyer messages, notes, addresses, titles, status words
IDENT_CAP = 200              # ids, SKUs, phones, tracking numbers
# The headers an export names its orders' shop by (DESIGN §13; a Shopify export has none).
SHOP_HEADERS = ("店铺名称", "店铺")
NAME_COLUMNS = frozenset({"buyer", "receiver", "shop", "platform", "courier", "warehouse",
                          "promo_code"})
# Stock figures that may be below zero (sold beyond what is there: Shopify writes -3).
SIGNED_STOCK = frozenset({"available", "on_hand"})
# Times outside [TIME_FLOOR, now + TIME_AHEAD] are not an order desk's: their rows are rejected.
TIME_FLOOR = pd.Timestamp("2000-01-01")
TIME_AHEAD = pd.DateOffset(years=1)
TRUE_WORDS = ("true", "1", "yes", "y", "t", "是", "√")
FALSE_WORDS = ("false", "0", "no", "n", "f", "否", "")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
ZONED_FROM, ZONED_UNTIL = pd.Timestamp("1700-01-01"), pd.Timestamp("2200-01-01")
# Patterns stay within what pyarrow's RE2 runs natively (no \s, \d, backreferences).
_OFFSET = r"[0-9]:[0-9]{2}(?::[0-9]{2}(?:[.][0-9]+)?)? *(?:[+-][0-9]{2}:?[0-9]{2}|Z|UTC)$"
SPREADSHEET_NUMBER = r"^[0-9](?:[.][0-9]+)?[eE][+][0-9]+$"  # 3.51531E+16: an id a spreadsheet rounded
_BLANKS = "[ \t\u3000\u00a0]"
_MONEY_MARKS = "[元¥￥$, \t\u3000\u00a0]|RMB|CNY"


def cap_of(column: str) -> int:
    """The length cap of a canonical text column."""
    return NAME_CAP if column in NAME_COLUMNS else TEXT_CAP


_HEADER_MARKS = re.compile(r"[\s_/／()（）\[\]【】]+")


def norm_header(header: str) -> str:
    """Headers compare case-insensitive with blanks, `_`, `/` and brackets (also full-width)
    ignored: `卖家真实姓名 (新)`, `手工退款/系统退款`, `应付金额（元）`, `order_id` and `Order ID`
    each match their other spellings."""
    return _HEADER_MARKS.sub("", header.lower())


def clean_text(s: pd.Series) -> pd.Series:
    """Cell text without Excel's `="…"` wrapper and surrounding blanks; empty markers -> NA."""
    v = pc.utf8_trim_whitespace(arrow_text(s))
    starts = pc.starts_with(v, '="')
    if pc.any(starts).as_py():
        wrapped = pc.and_(pc.and_(starts, pc.ends_with(v, '"')),
                          pc.greater_equal(pc.utf8_length(v), 3))
        v = pc.if_else(wrapped, pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(v, 2, -1)), v)
    return _unmarked(v, s.index)


def clean_id(s: pd.Series) -> pd.Series:
    """An id as exact text: also without a leading `'` or tab, or a spreadsheet's `.0`."""
    cleaned = clean_text(s)
    v, changed = arrow_text(cleaned), False
    if pc.any(pc.starts_with(v, "'")).as_py():
        v, changed = pc.utf8_trim_whitespace(pc.utf8_ltrim(v, "'")), True
    if pc.any(pc.match_substring(v, ".")).as_py():
        float_like = pc.match_substring_regex(v, r"^[0-9]+[.]0+$")
        if pc.any(float_like).as_py():
            v, changed = pc.if_else(float_like, pc.replace_substring_regex(v, r"[.]0+$", ""), v), True
    return _unmarked(v, s.index) if changed else cleaned


_EMPTY = pa.array(EMPTY_MARKERS, pa.large_string())
_NO_TEXT = pa.scalar(None, pa.large_string())
_MARKER_BYTES = max(len(m.encode()) for m in EMPTY_MARKERS)


def arrow_text(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow (the sheet's columns are Arrow-backed: no copy)."""
    return pa.array(s.array, pa.large_string())


def _unmarked(v: pa.Array, index: pd.Index) -> pd.Series:
    """`v` with the empty markers as NA, as a `str` Series on `index`."""
    if pc.any(pc.less_equal(pc.binary_length(v), _MARKER_BYTES)).as_py():
        v = pc.if_else(pc.is_in(v, value_set=_EMPTY), _NO_TEXT, v)
    return pd.Series(v, dtype="str", index=index)


def parse_amounts(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Money as float rounded to cents: `0元`, `¥12.50`, `1,234.00` read; blanks -> NA."""
    values = _to_float(s)
    left = s.notna() & values.isna()
    if left.any():
        stripped = s[left].str.replace(_MONEY_MARKS, "", regex=True)
        values[left] = pd.to_numeric(stripped.mask(stripped == ""), errors="coerce")
        blank = pd.Series(False, index=s.index)
        blank[left] = (stripped == "").to_numpy()
    else:
        blank = pd.Series(False, index=s.index)
    arr = values.to_numpy()
    bad = (s.notna() & ~blank).to_numpy() & ~(np.isfinite(arr) & (np.abs(np.nan_to_num(arr)) < AMOUNT_LIMIT))
    values[bad] = np.nan
    return values.round(2), bad


def _to_float(s: pd.Series) -> pd.Series:
    """Numbers from text: pyarrow's cast when every value is plain, else pandas per value."""
    try:
        cast = pc.cast(pa.array(s.array), pa.float64())
        return pd.Series(cast.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        return pd.to_numeric(s, errors="coerce").astype("float64")


def parse_ints(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers as Int64 (a spreadsheet's `3.0` reads as 3)."""
    values, bad = parse_amounts(s)
    arr = values.to_numpy()
    whole = np.isnan(arr) | ((np.round(arr) == arr) & (np.abs(arr) <= INT_LIMIT))
    bad = bad | ~whole
    values[bad] = np.nan
    return values.astype("Int64"), bad


def parse_bools(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """yes/no words (true/false, 1/0, 是/否) as nullable booleans."""
    low = s.str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[low.isin(TRUE_WORDS).to_numpy()] = True
    out[low.isin(FALSE_WORDS).to_numpy()] = False
    bad = (s.notna() & out.isna()).to_numpy()
    return out, bad


def parse_times(s: pd.Series, source_tz: str, tz: str) -> tuple[pd.Series, np.ndarray]:
    """Times as naive datetimes in `tz`; naive text is taken to be in `source_tz`."""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = s.notna()
    if not todo.any():
        return out, np.zeros(len(s), dtype=bool)
    local = _plain_times(s)               # the form nearly every export writes, in one pass
    offset = pd.Series(False, index=s.index)
    left = todo & local.isna()
    if left.any():
        text = s[left].str.replace("/", "-", regex=False)
        zoned = text.str.contains(_OFFSET, regex=True).fillna(False).astype(bool)
        if zoned.any():
            t = text[zoned].str.replace(r" *UTC$", "Z", regex=True)
            parsed = pd.to_datetime(t, format="%Y-%m-%d %H:%M:%S %z", utc=True, errors="coerce")
            rest = parsed.isna()
            if rest.any():
                parsed[rest] = pd.to_datetime(t[rest], format="ISO8601", utc=True,
                                              errors="coerce")
            out[t.index] = parsed.dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[us]")
            offset[t.index] = True
        if not zoned.all():
            naive_text = text[~zoned]
            local[naive_text.index] = _written_times(naive_text)
    naive = todo & ~offset
    if naive.any():
        if source_tz != tz:
            # a year beyond what time zones are known for (9999-12-31) stays as written: it is
            # outside the plausible window, and rejected as such
            zoned = naive & local.between(ZONED_FROM, ZONED_UNTIL)
            local[zoned] = (local[zoned].dt.tz_localize(source_tz, ambiguous="NaT",
                                                        nonexistent="shift_forward")
                            .dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[us]"))
        out[naive] = local[naive]
    bad = (todo & out.isna()).to_numpy()
    return out, bad


_PLAIN_TIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"


def _plain_times(s: pd.Series) -> pd.Series:
    """`2026-11-11 10:00:00` read by Arrow in one pass over the column (NaT for any other
    form, left to `_written_times`). Arrow rolls an impossible day over (02-30 -> 03-02):
    a day that is not the one written is left too, and refused there."""
    values = arrow_text(s)
    plain = pc.match_substring_regex(values, _PLAIN_TIME)
    stamps = pc.strptime(values, "%Y-%m-%d %H:%M:%S", "us", error_is_null=True)
    day = pc.utf8_lpad(pc.cast(pc.day(stamps), pa.large_string()), 2, "0")
    same_day = pc.equal(pc.utf8_slice_codeunits(values, 8, 10), day)
    keep = pc.fill_null(pc.and_(plain, same_day), False)
    kept = pc.if_else(keep, stamps, pa.scalar(None, pa.timestamp("us")))
    return pd.Series(kept.to_numpy(zero_copy_only=False), index=s.index, dtype="datetime64[us]")


def _written_times(text: pd.Series) -> pd.Series:
    """Naive times in every other form an export writes (`text` with `/` made `-`): the
    formats of TIME_FORMATS, Excel's day numbers, `2017年7月8日 10:00`, other ISO 8601."""
    local = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    left = pd.Series(True, index=text.index)
    for fmt in TIME_FORMATS:
        parsed = pd.to_datetime(text[left], format=fmt, errors="coerce")
        local[left] = parsed.astype("datetime64[us]")
        left = left & local.isna()
        if not left.any():
            return local
    local[left] = _excel_serials(text[left])
    left = left & local.isna()
    if left.any():
        # 2017年7月8日 10:00, as a Chinese-locale spreadsheet writes it
        written = (text[left].str.replace("[年月]", "-", regex=True)
                   .str.replace("日", "", regex=False).str.strip())
        for fmt in TIME_FORMATS[:3]:
            local[left] = pd.to_datetime(written[left[left].index], format=fmt,
                                         errors="coerce").astype("datetime64[us]")
            left = left & local.isna()
    if left.any():
        iso = text[left].str.match(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}").fillna(False).astype(bool)
        if iso.any():
            idx = iso[iso].index
            local[idx] = pd.to_datetime(text[idx], format="ISO8601", errors="coerce")
    return local


def _excel_serials(text: pd.Series) -> pd.Series:
    """Excel's day numbers (45383.5 = 2024-04-01 12:00) within 1955..2119."""
    serial = text.str.fullmatch(r"[0-9]{5}(?:[.][0-9]+)?").fillna(False).astype(bool)
    number = pd.to_numeric(text.where(serial), errors="coerce")
    number = number.where((number > 20000) & (number < 80000))
    stamps = EXCEL_EPOCH + pd.to_timedelta(number * 86400, unit="s").dt.round("s")
    return stamps.astype("datetime64[us]")


class Cells:
    """Typed access to one sheet's columns by header name; bad values become rejects."""

    def __init__(self, sheet: Sheet, tz: str, source_tz: str | None = None):
        self.sheet = sheet
        self.n = len(sheet.cells)
        self.tz = tz
        self.source_tz = source_tz or tz
        self.bad = np.zeros(self.n, dtype=bool)
        self.used: set[str] = set()
        self.skipped = 0  # records deliberately left out (not errors), e.g. stock rows without SKU
        self.problems: list[tuple[np.ndarray, str, str, pd.Series | None]] = []
        self._bad_in: dict[str, np.ndarray] = {}
        self._cut: dict[str, tuple[np.ndarray, int]] = {}  # header -> rows cut to the cap
        self._headers: dict[str, str] = {}
        for h in sheet.headers:
            self._headers.setdefault(norm_header(h), h)

    # headers ---------------------------------------------------------------------------------

    def header(self, *aliases: str) -> str | None:
        """The file's header for the first alias present."""
        for alias in aliases:
            found = self._headers.get(norm_header(alias))
            if found is not None:
                return found
        return None

    def has(self, *aliases: str) -> bool:
        return self.header(*aliases) is not None

    def raw(self, header: str) -> pd.Series:
        self.used.add(header)
        return self.sheet.cells[header]

    # typed columns ---------------------------------------------------------------------------

    def text(self, *aliases: str, cap: int = TEXT_CAP) -> pd.Series | None:
        """Free text cut to `cap` characters; the first alias present wins, later ones fill
        its gaps. The file's notes say how many values of a column were cut."""

        def one(h: str) -> pd.Series:
            s = clean_text(self.raw(h))
            over = (s.str.len() > cap).fillna(False).to_numpy(dtype=bool)
            if over.any():
                s = s.where(~over, s.str.slice(0, cap))
                if h not in self._cut:
                    self.sheet.notes.append(CountNote(
                        "{count:,} " + f"{h} value(s) cut to {cap:,} characters",
                        int(over.sum())))
                self._cut[h] = (self._cut.get(h, (False, cap))[0] | over, cap)
            return s

        return self._coalesce(aliases, one)

    def ident(self, *aliases: str, key: bool = False, cap: int = IDENT_CAP) -> pd.Series | None:
        """Ids, phones, tracking numbers as exact text; `key` refuses spreadsheet-rounded ids.
        An id longer than `cap` characters rejects its row."""

        def one(h: str) -> pd.Series:
            s = clean_id(self.raw(h))
            over = (s.str.len() > cap).fillna(False).to_numpy(dtype=bool)
            if over.any():
                self.flag(over, h, f"longer than {cap:,} characters (not an id)", s)
                s = s.mask(over)
            if key:
                rounded = s.str.match(SPREADSHEET_NUMBER).fillna(False).astype(bool).to_numpy()
                if rounded.any():
                    self.flag(rounded, h, "the id was rounded by a spreadsheet "
                              "(export ids as text)", s)
                    s = s.mask(rounded)
            return s

        return self._coalesce(aliases, one)

    def amount(self, *aliases: str, negative: bool = False) -> pd.Series | None:
        """Money; below zero only where the column can be (`negative`), else the row is
        rejected (totals, payments, prices, refunds never are)."""
        return self._typed(aliases, parse_amounts, "not an amount",
                           None if negative else _below_zero)

    def integer(self, *aliases: str, negative: bool = False) -> pd.Series | None:
        """Whole numbers; below zero only where the column can be (stock `available`)."""
        return self._typed(aliases, parse_ints, "not a whole number",
                           None if negative else _below_zero)

    def boolean(self, *aliases: str) -> pd.Series | None:
        return self._typed(aliases, parse_bools, "not yes/no (true/false, 1/0, 是/否)")

    def time(self, *aliases: str) -> pd.Series | None:
        """Times within [TIME_FLOOR, now + TIME_AHEAD]; a time outside rejects its row."""
        return self._typed(
            aliases, lambda s: parse_times(s, self.source_tz, self.tz), "not a date/time",
            self._implausible,
        )

    def _implausible(self, values: pd.Series) -> tuple[np.ndarray, str]:
        ceiling = pd.Timestamp.now(tz=self.tz).tz_localize(None) + TIME_AHEAD
        outside = (values.notna() & ((values < TIME_FLOOR) | (values > ceiling))).to_numpy()
        return outside, (f"outside the plausible time window ({TIME_FLOOR:%Y-%m-%d} to "
                         f"{ceiling:%Y-%m-%d})")

    def _typed(self, aliases, parse, reason: str, check=None) -> pd.Series | None:
        def one(h: str) -> pd.Series:
            s = clean_text(self.raw(h))
            values, bad = parse(s)
            if bad.any():
                self.flag(bad, h, reason, s)
            if check is not None:
                wrong, why = check(values)
                if wrong.any():
                    self.flag(wrong, h, why, s)
                    values = values.mask(wrong)
            return values

        return self._coalesce(aliases, one)

    def _coalesce(self, aliases, convert: Callable[[str], pd.Series]) -> pd.Series | None:
        result = None
        for alias in aliases:
            h = self.header(alias)
            if h is None:
                continue
            values = convert(h)
            result = values if result is None else result.where(result.notna(), values)
        return result

    # rejects ---------------------------------------------------------------------------------

    def flag(self, mask: np.ndarray, column: str, reason: str, values: pd.Series | None) -> None:
        """Reject the rows in `mask`, naming `column` as the file names it."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.bad |= mask
            self._bad_in[column] = self._bad_in.get(column, False) | mask
            self.problems.append((mask, column, reason, values))

    def require(self, values: pd.Series | None, column: str, what: str = "value") -> None:
        """Rows where `values` is empty (and not already rejected as bad) miss `what`."""
        if values is not None:
            missing = values.isna().to_numpy() & ~self._bad_in.get(column, False)
            self.flag(missing, column, f"missing {what}", None)
            if column in self._cut:
                cut, cap = self._cut[column]
                self.flag(cut, column, f"{what} longer than {cap:,} characters", values)

    def rejects(self) -> list[Reject]:
        rows = self.sheet.rows
        out: dict[tuple[int, str, str], Reject] = {}
        for mask, column, reason, values in self.problems:
            for i in np.flatnonzero(mask):
                value = "" if values is None or pd.isna(values.iloc[i]) else str(values.iloc[i])
                out.setdefault((int(rows[i]), column, reason),
                               Reject(int(rows[i]), column, reason, value))
        return sorted(out.values(), key=lambda r: r.row)

    # frames ----------------------------------------------------------------------------------

    def frame(self, columns: dict[str, object], keep: np.ndarray | None = None) -> pd.DataFrame:
        """A canonical frame of the given columns (None entries left out), bad rows dropped."""
        data = {}
        for name, values in columns.items():
            if values is None:
                continue
            if isinstance(values, pd.Series):
                data[name] = values.reset_index(drop=True)
            else:
                data[name] = repeat_text(self.n, values)
        frame = pd.DataFrame(data, index=pd.RangeIndex(self.n))
        frame["_row"] = self.sheet.rows.astype("int64")
        ok = ~self.bad if keep is None else (~self.bad & keep)
        return frame[ok].reset_index(drop=True)


def _below_zero(values: pd.Series) -> tuple[np.ndarray, str]:
    return (values < 0).fillna(False).to_numpy(dtype=bool), "below zero, which it never is"


def repeat_text(n: int, value: str | None = None) -> pd.Series:
    """A `str` column of one repeated value (NA when None)."""
    if value is None:
        return pd.Series(pa.nulls(n, pa.large_string()), dtype="str")
    return pd.Series(pd.array([value], dtype="str").take(np.zeros(n, dtype=np.intp)))


def positions(keys: pd.Series) -> pd.Series:
    """Each row's position ("1", "2", …) among the rows with the same key, in file order."""
    counts = keys.groupby(keys, sort=False, dropna=False).cumcount().to_numpy() + 1
    return pd.Series(pc.cast(pa.array(counts), pa.large_string()), dtype="str")


def per_distinct(s: pd.Series, fn: Callable[[pd.Series], object], dtype: str = "str") -> pd.Series:
    """`fn(s)` for a `str` column, worked out once per distinct value (status words repeat:
    a million rows hold a dozen of them); `fn` gets the distinct values, NA left out."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    found = pd.array(list(fn(pd.Series(uniques, dtype="str"))) + [None], dtype=dtype)
    return pd.Series(found.take(np.where(codes < 0, len(uniques), codes)), index=s.index)


def map_words(key: pd.Series, table: dict[str, object], dtype: str = "str") -> pd.Series:
    """`key` looked up in `table` (NA when absent), one lookup per distinct value."""
    return per_distinct(key, lambda words: [table.get(w) for w in words], dtype)
