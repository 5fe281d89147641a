"""Export layouts: detect a file's layout from its headers and map it to canonical frames.

`read_export` is the one entry point: bytes in, a `canonical.Parsed` out, or `FileRefused`
for a file that cannot be read at all. Layouts are recognised by their trimmed headers,
Chinese or English, never by the file name or column positions; any subset of a layout's
columns that keeps its required ones is read.

A platform is one module that ends in a `PLATFORM = Platform(...)` (`platform.py`): its key,
the time zone its times are written in, and its layouts, each a declarative column map (the
headers that recognise it, the ones it cannot do without, its full export, its status words)
plus the function that reads it. To add a platform, write `formats/<name>.py` on the model of
`jd.py` and add its `PLATFORM` to `PLATFORMS` below; detection, the required columns, the
readers and slicing are all read from that list.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.base.canonical import FileRefused, Parsed
from pipeline.ingest.formats import douyin, jd, pinduoduo, shopify, taobao, templates
from pipeline.ingest.formats.platform import Layout, Platform
from pipeline.ingest.formats.reading import (
    SLICE_MIN_BYTES,
    SLICE_ROWS,
    CsvPlan,
    ReadWhole,
    Sheet,
    Survey,
    plan_csv,
    read_ahead,
    read_sheet,
    read_slices,
)
from pipeline.ingest.formats.values import SHOP_HEADERS, Cells, norm_header

# The platforms read, in the order their layouts are tried: where two layouts know as many of a
# file's headers, the first one listed wins if they are of one platform (else it is ambiguous).
PLATFORMS: tuple[Platform, ...] = (
    shopify.PLATFORM,
    taobao.PLATFORM,
    douyin.PLATFORM,
    pinduoduo.PLATFORM,
    jd.PLATFORM,
    templates.PLATFORM,
)


def _by_name(platforms: tuple[Platform, ...]) -> dict[str, tuple[Platform, Layout]]:
    found: dict[str, tuple[Platform, Layout]] = {}
    for platform in platforms:
        for layout in platform.layouts:
            if layout.name in found:
                raise ValueError(f"two layouts are called {layout.name}")
            found[layout.name] = (platform, layout)
    return found


_LAYOUTS = _by_name(PLATFORMS)
LAYOUTS = tuple(_LAYOUTS)

# The columns each layout cannot do without (one header of each group).
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    name: list(layout.required) for name, (_, layout) in _LAYOUTS.items()
}

# Every header each layout is known to carry, for weighing the candidates.
KNOWN: dict[str, frozenset[str]] = {
    name: frozenset(norm_header(h) for h in (
        *layout.headers,
        *(h for group in layout.signature for h in group),
        *(h for group in layout.required for h in group),
    ))
    for name, (_, layout) in _LAYOUTS.items()
}

# layout -> (time zone naive times are written in, None = the desk's; reader)
_READERS = {name: (platform.source_tz, layout.read)
            for name, (platform, layout) in _LAYOUTS.items()}

# Layouts a large CSV of which is read in slices, with the header whose rows belong together
# (an order's rows: its first row carries the order, its lines are numbered within it), which
# a slice never splits.
SLICED: dict[str, tuple[str, ...] | None] = {
    name: layout.kept_together for name, (_, layout) in _LAYOUTS.items() if layout.sliced
}


def _platform(layout: str) -> str:
    return _LAYOUTS[layout][0].key


def candidates(headers: list[str]) -> list[tuple[str, int]]:
    """The layouts whose signature `headers` match, each with how many of the headers it
    knows, best first (ties in the order of PLATFORMS)."""
    present = {norm_header(h) for h in headers if isinstance(h, str)}
    found = [
        (name, len(present & KNOWN[name]))
        for name, (_, layout) in _LAYOUTS.items()
        if all(any(norm_header(h) in present for h in group) for group in layout.signature)
    ]
    return sorted(found, key=lambda c: -c[1])


def detect(headers: list[str]) -> tuple[str | None, list[str]]:
    """The layout of a header row, and the candidates when it is ambiguous.

    The whole row is weighed: the candidate that knows the most of the headers wins. Two
    layouts of the same platform that know as many (a subset of columns) go to the more
    specific one, listed first by its platform; layouts of different platforms that know as
    many are ambiguous: (None, their names)."""
    found = candidates(headers)
    if not found:
        return None, []
    best = found[0][1]
    tied = [layout for layout, score in found if score == best]
    if len({_platform(layout) for layout in tied}) > 1:
        return None, tied
    return tied[0], []


def detect_layout(headers: list[str]) -> str | None:
    """The layout whose headers best match `headers`, or None (unknown or ambiguous)."""
    return detect(headers)[0]


def read_export(file_name: str, data: bytes, timezone: str = "Asia/Shanghai") -> Parsed:
    """Read one export file into canonical frames; `FileRefused` if it cannot be read at all."""
    held = [data]  # read_sheet lets go of the bytes once they are parsed
    del data
    try:
        return _read_export(file_name, held, timezone)
    except FileRefused:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # a file must never surface as a traceback
        raise FileRefused(
            f"{file_name}: cannot be read ({type(exc).__name__}: {exc})"
        ) from exc


def _read_export(file_name: str, held: list[bytes], timezone: str) -> Parsed:
    sheet = read_sheet(file_name, held, lambda headers: bool(candidates(headers)))
    layout, tied = detect(sheet.headers)
    if tied:
        raise FileRefused(
            f"{file_name}: the headers fit several layouts equally well ({', '.join(tied)}); "
            f"headers seen: {_show(sheet.headers)}. Export the full set of columns, "
            "or use the desk's template"
        )
    if layout is None:
        raise FileRefused(
            f"{file_name}: layout not recognised; headers seen: {_show(sheet.headers)}. "
            f"Known layouts: {_known()}"
        )
    missing = [group for group in REQUIRED[layout]
               if not any(norm_header(h) in {norm_header(x) for x in sheet.headers}
                          for h in group)]
    if missing:
        names = ", ".join(" or ".join(group) for group in missing)
        raise FileRefused(
            f"{file_name}: looks like {layout} but lacks the required column(s) {names}; "
            f"headers seen: {_show(sheet.headers)}"
        )
    source_tz, reader = _READERS[layout]
    cells = Cells(sheet, timezone, source_tz or timezone)
    frames, notes = reader(cells)
    return Parsed(
        layout=layout,
        frames=frames,
        rejects=sorted(sheet.rejects + cells.rejects(), key=lambda r: r.row),
        rows_read=sheet.rows_read,
        rows_skipped=cells.skipped,
        notes=sheet.notes + notes,
    )


@dataclass
class Sniffed:
    """What a file's header row says before it is imported: its layout (None: not known or
    ambiguous), the platform of its orders, and whether it names its orders' shop."""

    layout: str | None
    platform: str | None
    names_shop: bool


SNIFF_BYTES = 256 * 1024  # of a CSV, looked at for its header


def sniff(file_name: str, data: bytes) -> Sniffed:
    """The layout and platform of an export from its headers (the Import page asks for the
    shop of the files that do not name it, DESIGN §13). Never raises."""
    try:
        head = data if data.startswith(b"PK") else data[:SNIFF_BYTES]
        sheet = read_sheet(file_name, [head], lambda headers: bool(candidates(headers)))
    except Exception:  # noqa: BLE001 - the import says what is wrong with the file
        return Sniffed(None, None, False)
    layout, _ = detect(sheet.headers)
    if layout is None:
        return Sniffed(None, None, False)
    present = {norm_header(h) for h in sheet.headers}
    names_shop = any(norm_header(h) in present for h in ("shop", *SHOP_HEADERS))
    return Sniffed(layout, _LAYOUTS[layout][0].orders_platform(layout, sheet), names_shop)


@dataclass
class Slices:
    """A large CSV export read slice by slice: iterating gives one `Parsed` per slice, each
    read as the whole file would be (rows numbered as in the file). Raises `ReadWhole` where
    the whole-file reader must read the file instead; iterating again starts over."""

    file_name: str
    layout: str
    plan: CsvPlan
    timezone: str
    slice_rows: int

    def __iter__(self) -> Iterator[Parsed]:
        group = SLICED[self.layout]
        header = _header_of(self.plan.headers, group) if group else None
        carry: Sheet | None = None
        # the next slice is read (decoded and split into cells) while this one is parsed
        with closing(read_ahead(read_slices(self.plan, self.slice_rows))) as sheets:
            for sheet in sheets:
                if carry is not None:
                    sheet = _joined(carry, sheet)
                if header is not None:
                    sheet, carry = _split_last_group(sheet, header)
                yield self._parse(sheet, header)
        if carry is not None:
            yield self._parse(carry, header)

    def _parse(self, sheet: Sheet, header: str | None) -> Parsed:
        source_tz, reader = _READERS[self.layout]
        try:
            cells = Cells(sheet, self.timezone, source_tz or self.timezone)
            frames, notes = reader(cells)
        except (MemoryError, RecursionError):
            raise
        except Exception as exc:  # the whole-file reader says what it is
            raise ReadWhole(str(exc)) from exc
        groups = None
        if header is not None:  # rows without a key stand alone (rejected as such)
            keys = pc.unique(pa.array(sheet.cells[header].array, pa.large_string()))
            groups = keys.filter(pc.not_equal(pc.utf8_trim_whitespace(keys), ""))
        return Parsed(
            layout=self.layout,
            frames=frames,
            rejects=sorted(sheet.rejects + cells.rejects(), key=lambda r: r.row),
            rows_read=sheet.rows_read,
            rows_skipped=cells.skipped,
            notes=sheet.notes + notes,
            groups=groups,
        )


def plan_slices(file_name: str, source: Path | bytes, info: Survey,
                timezone: str = "Asia/Shanghai", slice_rows: int | None = None) -> Slices | None:
    """How to read a large CSV export in slices of `slice_rows` records (default: files of
    SLICE_MIN_BYTES or more, SLICE_ROWS records a slice; 0: never); None when it is read whole
    (small, a workbook, a layout not read in slices, anything the whole-file reader must
    judge)."""
    if slice_rows == 0 or (slice_rows is None and info.size < SLICE_MIN_BYTES):
        return None
    plan = plan_csv(source, info)
    if plan is None:
        return None
    layout, _ = detect(plan.headers)
    if layout not in SLICED:
        return None
    present = {norm_header(h) for h in plan.headers}
    if any(not any(norm_header(h) in present for h in group) for group in REQUIRED[layout]):
        return None
    return Slices(file_name, layout, plan, timezone, slice_rows or SLICE_ROWS)


def _header_of(headers: list[str], aliases: tuple[str, ...]) -> str | None:
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm_header(h), h)
    return next((by_norm[norm_header(a)] for a in aliases if norm_header(a) in by_norm), None)


def _joined(carry: Sheet, sheet: Sheet) -> Sheet:
    """The rows held back from the slice before, then this slice's."""
    sheet.cells = pd.concat([carry.cells, sheet.cells], ignore_index=True)
    sheet.rows = np.concatenate([carry.rows, sheet.rows])
    return sheet


def _split_last_group(sheet: Sheet, header: str) -> tuple[Sheet, Sheet | None]:
    """The sheet without the rows of its last group (same `header` value as its last row),
    and those rows, which go with the next slice (counted and noted here, read there)."""
    keys = sheet.cells[header].to_numpy()
    if not len(keys):
        return sheet, None
    others = np.flatnonzero(keys != keys[-1])
    cut = int(others[-1]) + 1 if len(others) else 0
    held = Sheet(sheet.headers, sheet.cells.iloc[cut:].reset_index(drop=True), sheet.rows[cut:],
                 delimiter=sheet.delimiter)
    sheet.cells = sheet.cells.iloc[:cut].reset_index(drop=True)
    sheet.rows = sheet.rows[:cut]
    return sheet, held


def _show(headers: list[str], limit: int = 30) -> str:
    shown = [h for h in headers if h][:limit]
    more = len(headers) - len(shown)
    return ", ".join(shown) + (f" (and {more} more)" if more > 0 else "") if shown else "(none)"


def _known() -> str:
    return "; ".join(
        f"{layout} ({', '.join('/'.join(group) for group in REQUIRED[layout])})"
        for layout in LAYOUTS
    )


# Example files of the desk's templates, for download on the import page and the README.
TEMPLATES: dict[str, str] = templates.EXAMPLES

__all__ = ["LAYOUTS", "PLATFORMS", "SLICED", "TEMPLATES", "ReadWhole", "Slices", "candidates",
           "detect", "detect_layout", "plan_slices", "read_export", "sniff"]
