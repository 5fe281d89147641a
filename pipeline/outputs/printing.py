"""What the warehouse prints for a batch: the pick list and a packing slip per order, as PDF
(Chinese text in reportlab's built-in CID font STSong-Light: no font file needed; it has no
'·', so separators are ASCII) or XLSX.

`print_data(con, keys)` reads the frames; `pick_list_pdf`, `packing_slips_pdf`,
`pick_list_xlsx`, `packing_slips_xlsx` turn frames into bytes and read nothing else. Every word
on the page comes from the labels; text from exports is drawn as text (escaped for reportlab's
paragraph markup), and in XLSX cells starting with = + - @ tab or CR are prefixed with `'`.

Packing slips come in two sizes (SLIP_SIZES): `a4`, as many whole slips to a page as fit, a
dashed cut line between them; `label`, one slip to a 100×150 mm thermal label. A slip shows the
receiver's name and phone as exported and the address once (pipeline.desk.address); a shop is
shown by its display name (DESIGN §13), its key kept for matching. An SKU code or
an order id is never broken across lines: it is drawn on one line, in a smaller font where its
column is too narrow for it.

Parcels (DESIGN §12, pipeline/desk/parcels.py): the orders of a merged parcel are printed
together wherever one of them is (at the place of the first one given): their lines on the
pick list, and one slip naming every order, with the parcel's courier and tracking number. A
split order prints one slip per parcel, each with its own lines and pieces, courier and
tracking number; its pick list is the order's, whole.

Barcodes (Code128, drawn by reportlab's own barcode module), for the packer's scanner: each
slip carries its parcel's id (an order's own id, a merged parcel's first order's, a split
order's `ORDER_ID#N`) and, once known, the tracking number; each pick-list line its SKU. The
value is printed under its bars; a value Code128 cannot carry (anything but printable ASCII)
gets no barcode, its text printed as ever. A bar module is 3 or 2 dots of a 203-dpi thermal
printer (0.375 or 0.25 mm, whole dots so that no bar is rounded apart from its neighbours),
the wider where it fits, never narrower; quiet zones of ten modules either side, inside the
drawing, so no text comes near the bars. On A4 a slip's barcodes stand beside its title where
the title keeps its size there; else, and on a label, under it (side by side where they fit).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

import duckdb
import pandas as pd

from pipeline.base.labels import label, platform_name
from pipeline.db.queries import sql
from pipeline.desk import parcels
from pipeline.desk.address import display_address
from pipeline.outputs.export import xlsx_bytes

FONT = "STSong-Light"
SLIP_SIZES = ("a4", "label")
MM = 72 / 25.4                      # points in a millimetre
LABEL_SIZE = (100 * MM, 150 * MM)   # the common thermal label (100×150 mm)
PICK_COLUMNS = ["sku", "name", "warehouse", "quantity", "gift_quantity", "from_bundles",
                "orders"]
SLIP_COLUMNS = ["order_id", "shop", "platform", "created_at", "paid_at", "buyer", "receiver",
                "phone", "address", "courier", "tracking_no", "buyer_message", "seller_note", "gifts",
                "parcel"]
ITEM_COLUMNS = ["order_id", "shop", "line_id", "sku", "title", "quantity", "is_gift",
                "components", "parcel"]
PARCEL_KEY = ["platform", "shop", "parcel_id"]
THERMAL_DPI = 203                   # the dots an inch of the common thermal label printer
BAR_DOTS = (3, 2)                   # a bar module in printer dots, the wider first: 0.375, 0.25 mm
BAR_HEIGHT = 10 * MM                # a slip's barcodes
PICK_BAR_HEIGHT = 6 * MM            # a pick-list line's, small beside its neighbours
BAR_FONT, BAR_FONT_SIZE = "Helvetica", 8    # the value under a slip's bars
BAR_TEXT_GAP = 1.5                  # points between the bars and the value under them
HEAD_SHARE = 0.45                   # what an A4 slip's title keeps of the width beside its barcodes


@dataclass
class PrintData:
    """The frames a batch prints from: the pick list, the slips (one row a parcel: an order,
    a merged parcel on its first order's row, or a split order's parcel) and their lines.
    Both carry `parcel_id` (the order id, a merged parcel's first order's, `ORDER_ID#N`),
    `parcel_no` and `n_parcels` (a split order's) and `parcel_orders` (a merged parcel's
    order ids, first order first)."""

    pick: pd.DataFrame
    orders: pd.DataFrame
    lines: pd.DataFrame


def print_data(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> PrintData:
    """The pick list and packing slips of the orders `keys` (platform, shop, order_id), in the
    order given; a merged parcel whole wherever one of its orders is."""
    members = parcels.merged_members(con)
    registered = _whole_parcels(keys[["platform", "shop", "order_id"]].astype(str), members)
    con.register("print_keys", registered)
    try:
        orders = con.execute(sql("print_slip_orders")).df()
        pick = con.execute(sql("print_pick_list")).df()
        lines = con.execute(sql("print_slip_lines")).df()
    finally:
        con.unregister("print_keys")
    parts = ["province", "city", "district", "address"]
    address = [display_address(*p) or None
               for p in orders[parts].itertuples(index=False, name=None)]
    orders = orders.drop(columns=parts[:3]).assign(address=pd.Series(address, dtype=object,
                                                                     index=orders.index))
    orders, lines = _merged(orders, lines, members)
    orders, lines = _split(orders, lines, parcels.split_lines(con))
    return PrintData(pick=pick, orders=orders.reset_index(drop=True),
                     lines=lines.reset_index(drop=True))


def _whole_parcels(keys: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """`keys` numbered (`pos`) in their order, each once, with every order of a merged parcel
    (`members`) at the place of the first of them given, its first order first."""
    group: dict[tuple, list[tuple]] = {}
    for (platform, shop, _), part in members.groupby(["platform", "shop", "parcel_id"],
                                                     sort=False):
        ids = part.sort_values("member_no")["order_id"].tolist()
        for o in ids:
            group[(platform, shop, o)] = [(platform, shop, i) for i in ids]
    out: list[tuple] = []
    seen: set[tuple] = set()
    for key in keys.itertuples(index=False, name=None):
        for k in group.get(key, [key]):
            if k not in seen:
                seen.add(k)
                out.append(k)
    frame = pd.DataFrame(out, columns=["platform", "shop", "order_id"], dtype=object)
    frame.insert(0, "pos", range(len(frame)))
    return frame


def _merged(orders: pd.DataFrame, lines: pd.DataFrame,
            members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One slip a merged parcel: its first order's row naming every order (`parcel_orders`),
    the orders' messages and notes each after its order's id; every line its parcel's."""
    head = {(r.platform, r.shop, r.order_id): r.parcel_id for r in members.itertuples()}
    orders = orders.assign(parcel_id=[head.get(k, k[2]) for k in _keys(orders)],
                           parcel_no=pd.Series(pd.NA, index=orders.index, dtype="Int64"),
                           n_parcels=pd.Series(pd.NA, index=orders.index, dtype="Int64"),
                           parcel_orders=pd.Series(None, index=orders.index, dtype=object))
    lines = lines.assign(parcel_id=[head.get(k, k[2]) for k in _keys(lines)])
    later = orders.duplicated(PARCEL_KEY, keep="first")
    if not later.any():
        return orders, lines
    together = orders[orders.duplicated(PARCEL_KEY, keep=False)]
    for _, part in together.groupby(PARCEL_KEY, sort=False):
        first = part.index[0]
        orders.at[first, "parcel_orders"] = ", ".join(part["order_id"])
        for col in ("buyer_message", "seller_note"):
            said = [(o, t) for o, t in zip(part["order_id"], part[col], strict=True)
                    if isinstance(t, str) and t.strip()]
            orders.at[first, col] = "\n".join(f"{o}: {t}" for o, t in said) if said else None
    return orders[~later], lines


def _split(orders: pd.DataFrame, lines: pd.DataFrame,
           split: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A slip per parcel of a split order: its number, its courier and tracking number, its
    lines with the parcel's pieces."""
    split = split[pd.MultiIndex.from_frame(split[["platform", "shop", "order_id"]]).isin(
        list(_keys(orders)))] if len(split) and len(orders) else split.iloc[:0]
    if split.empty:
        return orders, lines
    order_key = ["platform", "shop", "order_id"]
    heads = split.drop_duplicates(["platform", "shop", "order_id", "parcel_no"])
    rows = orders.merge(heads[[*order_key, "parcel_id", "parcel_no", "n_parcels", "courier",
                               "tracking_no"]], on=order_key, suffixes=("", "_parcel"))
    rows = rows.assign(parcel_id=rows["parcel_id_parcel"],
                       parcel_no=rows["parcel_no_parcel"].astype("Int64"),
                       n_parcels=rows["n_parcels_parcel"].astype("Int64"),
                       courier=rows["courier_parcel"].astype(object),
                       tracking_no=rows["tracking_no_parcel"].astype(object))[orders.columns]
    keep = ~pd.MultiIndex.from_frame(orders[order_key]).isin(
        pd.MultiIndex.from_frame(heads[order_key]))
    orders = pd.concat([orders[keep], rows], ignore_index=True).sort_values(
        ["pos", "parcel_no"], kind="stable", na_position="first")
    pieces = split[[*order_key, "line_id", "parcel_id", "parcel_no", "quantity"]]
    parted = lines.merge(pieces, on=[*order_key, "line_id"], suffixes=("", "_parcel"))
    parted = parted.assign(parcel_id=parted["parcel_id_parcel"],
                           quantity=parted["quantity_parcel"])
    kept = ~pd.MultiIndex.from_frame(lines[order_key]).isin(
        pd.MultiIndex.from_frame(heads[order_key]))
    lines = pd.concat([lines[kept].assign(parcel_no=pd.NA),
                       parted[[*lines.columns, "parcel_no"]]], ignore_index=True)
    # as print_slip_lines.sql: by place, then a split order's parcels, then numeric line ids
    lines = lines.assign(
        _parcel=pd.to_numeric(lines["parcel_no"], errors="coerce").fillna(0),
        _line=pd.to_numeric(lines["line_id"], errors="coerce").fillna(float("inf")),
    ).sort_values(["pos", "_parcel", "_line", "line_id"], kind="stable")
    return orders, lines.drop(columns=["_parcel", "_line", "parcel_no"])


def _keys(frame: pd.DataFrame) -> list[tuple]:
    return list(zip(frame["platform"], frame["shop"], frame["order_id"], strict=True))


# ---------------------------------------------------------------------------------------------
# Frames as shown (labelled, in one language)


def pick_frame(pick: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The pick list with labelled headers."""
    out = pick.reindex(columns=PICK_COLUMNS).astype({"quantity": "Int64", "gift_quantity": "Int64",
                                                     "orders": "Int64"})
    out = out.assign(**{c: out[c].astype(object).where(out[c].notna(), "—")
                        for c in ("name", "warehouse", "from_bundles")})
    return out.rename(columns={c: label(f"print_col_{c}", lang) for c in PICK_COLUMNS})


def slip_frames(data: PrintData, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The slips (one row a parcel, gifts listed, the parcel in words) and their items,
    labelled."""
    lines = data.lines.reindex(columns=["pos", *ITEM_COLUMNS[:1], "platform", *ITEM_COLUMNS[1:],
                                        "parcel_id"])
    gifts = (lines[lines["is_gift"].fillna(False).astype(bool)]
             .assign(item=lambda d: d["sku"].fillna(d["title"]).fillna("?") + " ×"
                     + d["quantity"].fillna(0).astype(int).astype(str))
             .groupby(PARCEL_KEY, sort=False)["item"]
             .agg(", ".join).rename("gifts").reset_index())
    orders = data.orders.merge(gifts, on=PARCEL_KEY, how="left")
    orders["parcel"] = [parcel_words(r, lang) for r in orders.itertuples()]
    said = orders[[*PARCEL_KEY, "parcel"]]
    orders = _shop_named(orders).reindex(columns=SLIP_COLUMNS)
    orders["gifts"] = orders["gifts"].fillna("")
    orders["platform"] = orders["platform"].map(lambda p: platform_name(p, lang))
    for col in ("buyer_message", "seller_note", "courier", "tracking_no", "buyer", "receiver",
                "phone", "address"):
        orders[col] = orders[col].astype(object).where(orders[col].notna(), "")
    parcel = lines[PARCEL_KEY].merge(said, on=PARCEL_KEY, how="left")["parcel"].fillna("")
    items = _shop_named(data.lines).reindex(columns=ITEM_COLUMNS).assign(
        is_gift=lines["is_gift"].map(lambda g: label("print_gift", lang) if g else ""),
        components=lines["components"].astype(object).where(lines["components"].notna(), ""),
        parcel=parcel.to_numpy(),
    )
    return (orders.rename(columns={c: label(f"print_col_{c}", lang) for c in SLIP_COLUMNS}),
            items.rename(columns={c: label(f"print_col_{c}", lang) for c in ITEM_COLUMNS}))


def parcel_words(slip, lang: str = "zh") -> str:
    """What a slip (a row of `PrintData.orders`) says of its parcel: "parcel 1 of 2" for a split
    order's, "One parcel: 1001, 1002" for a merged one, nothing for an order as it is."""
    if _given(getattr(slip, "parcel_no", None)):
        return label("print_parcel_of", lang).format(n=int(slip.parcel_no),
                                                     total=int(slip.n_parcels))
    if _given(getattr(slip, "parcel_orders", None)):
        return label("print_parcel_merged", lang).format(orders=slip.parcel_orders)
    return ""


def _given(v: object) -> bool:
    return v is not None and not (not isinstance(v, str) and pd.isna(v))


def _shop_named(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `shop` as people know it: the display name (`shop_name`, DESIGN §13)."""
    if "shop_name" not in frame:
        return frame
    return frame.assign(shop=frame["shop_name"])


# ---------------------------------------------------------------------------------------------
# XLSX


def pick_list_xlsx(pick: pd.DataFrame, batch: str, lang: str = "zh") -> bytes:
    """The pick list as a workbook of one sheet; ids and SKUs as text, formulas escaped."""
    return xlsx_bytes({label("print_pick_sheet", lang): pick_frame(pick, lang).assign(
        **{label("print_col_batch", lang): batch})})


def packing_slips_xlsx(data: PrintData, lang: str = "zh") -> bytes:
    """The packing slips as a workbook: one sheet of orders, one of their items."""
    orders, items = slip_frames(data, lang)
    return xlsx_bytes({label("print_slips_sheet", lang): orders,
                       label("print_items_sheet", lang): items})


# ---------------------------------------------------------------------------------------------
# PDF


def pick_list_pdf(pick: pd.DataFrame, batch: str, printed_at: datetime, n_orders: int,
                  lang: str = "zh") -> bytes:
    """The pick list on A4: the batch, when printed, a row per SKU (its code on one line)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Spacer

    styles = _styles()
    width = A4[0] - 2 * 40
    story = [
        _para(f"{label('print_pick_title', lang)} | {batch}", styles["title"]),
        _para(label("print_pick_meta", lang).format(at=f"{printed_at:%Y-%m-%d %H:%M}",
                                                     n=n_orders, skus=len(pick)),
              styles["small"]),
        Spacer(1, 8),
    ]
    shown = pick_frame(pick, lang)
    fixed = [70, 40, 40, 90, 40]                 # warehouse, quantity, gifts, from sets, orders
    most = 0.4 * width
    # a line's SKU under its bars (small, the narrowest module); one too long for the widest
    # column, or that Code128 cannot carry, as text alone
    bars = [_barcode(sku, PICK_BAR_HEIGHT, BAR_DOTS[-1:], FONT, 9, most - 2 * CELL_PAD)
            for sku in shown.iloc[:, 0]]
    sku_w = max(_code_width(shown.iloc[:, 0], 9, 60, most),
                max((b.minWidth() + 2 * CELL_PAD for b in bars if b), default=0))
    widths = [sku_w, width - sku_w - sum(fixed), *fixed]
    rows = [[_para(str(c), styles["head"]) for c in shown.columns]]
    rows += [[_code(r[0], sku_w, 9) if bar is None else bar]
             + [_para(_text(v), styles["cell"]) for v in r[1:]]
             for r, bar in zip(shown.itertuples(index=False, name=None), bars, strict=True)]
    story.append(_table(rows, widths))
    return _build(story, label("print_pick_title", lang))


def packing_slips_pdf(data: PrintData, printed_at: datetime, lang: str = "zh",
                      size: str = "a4", batch: str | None = None) -> bytes:
    """A slip per parcel (an order, a merged parcel naming its orders, a split order's
    parcel): who and where (name, phone, the address once), the courier, the items, gifts,
    messages. `size` (SLIP_SIZES): `a4`, several whole slips to a page with a
    cut line between; `label`, one slip to a 100×150 mm label."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak

    if size not in SLIP_SIZES:
        raise ValueError(f"unknown slip size {size!r}; one of {', '.join(SLIP_SIZES)}")
    label_size = size == "label"
    page, margin = (LABEL_SIZE, 8) if label_size else (A4, 28)
    width = page[0] - 2 * margin
    styles = _styles(small=label_size)
    orders, _ = slip_frames(data, lang)
    orders.columns = SLIP_COLUMNS
    platforms = data.orders["platform"].tolist()     # as stored (the slips show their names)
    shops = data.orders["shop"].tolist()             # the keys (the slips show display names)
    parcel_ids = data.orders["parcel_id"].tolist()   # a slip is a parcel's
    tracking = data.orders["tracking_no"].tolist()   # as stored: none where unknown
    story: list = []
    for i, o in enumerate(orders.itertuples(index=False)):
        mine = data.lines[(data.lines["platform"] == platforms[i]) & (data.lines["shop"] == shops[i])
                          & (data.lines["parcel_id"] == parcel_ids[i])]
        codes = [parcel_ids[i], tracking[i]]
        slip = _slip(o, mine, codes, printed_at, lang, styles, width, batch, label_size)
        if i:
            story.append(PageBreak() if label_size else _cut_line(width))
        story.append(slip)
    if not story:
        story.append(_para(label("print_nothing", lang), styles["cell"]))
    return _build(story, label("print_slip_title", lang), page, margin)


def _slip(o, lines: pd.DataFrame, codes: list, printed_at: datetime, lang: str, styles: dict,
          width: float, batch: str | None, label_size: bool) -> object:
    """One parcel's slip, kept whole on a page where it fits; `codes` are its barcodes' values
    (the parcel's id, its tracking number or None), beside the title on A4, under it on a
    label."""
    from reportlab.platypus import KeepTogether, Spacer

    lab = {c: label(f"print_col_{c}", lang) for c in SLIP_COLUMNS + ITEM_COLUMNS}
    size = styles["cell"].fontSize
    meta = [f"{lab['shop']}: {_text(o.shop)}", f"{lab['platform']}: {_text(o.platform)}",
            f"{lab['created_at']}: {_text(o.created_at)}",
            f"{label('print_printed_at', lang)}: {printed_at:%Y-%m-%d %H:%M}"]
    if batch:
        meta.insert(0, f"{label('print_col_batch', lang)}: {batch}")
    title = f"{label('print_slip_title', lang)} | {o.order_id}"
    if o.parcel:            # a merged parcel names its orders; a split order its parcel
        title += f" | {o.parcel}"
    head = _slip_head(title, _para(" | ".join(meta), styles["small"]), codes, width,
                      styles["title"].fontSize, beside=not label_size)
    key_w = max(width * 0.17, 58)       # a label's headers stay whole words
    value_w = (width - 2 * key_w) / 2

    def k(name: str) -> object:
        return _para(lab[name], styles["head"])

    def v(value: object) -> object:
        return _para(_text(value), styles["cell"])

    facts = _table([
        [k("receiver"), v(o.receiver), k("phone"), _code(_text(o.phone), value_w, size)],
        [k("address"), v(o.address), "", ""],
        [k("courier"), v(o.courier), k("tracking_no"), _code(_text(o.tracking_no), value_w,
                                                             size)],
    ], [key_w, value_w, key_w, value_w], spans=[((1, 1), (3, 1))])
    qty_w, gift_w = max(width * 0.09, 38), max(width * 0.09, 30)
    codes = lines["sku"].map(_text)
    sku_w = _code_width(codes, size, width * 0.16, width * 0.4)
    comp_w = width * 0.2
    title_w = width - sku_w - qty_w - gift_w - comp_w
    items = [[_para(lab[c], styles["head"]) for c in
              ("sku", "title", "quantity", "is_gift", "components")]]
    for line, code in zip(lines.itertuples(index=False), codes, strict=True):
        gift = label("print_gift", lang) if line.is_gift else ""
        items.append([_code(code, sku_w, size), v(line.title), v(line.quantity), v(gift),
                      v(line.components)])
    parts = [*head, Spacer(1, 4), facts, Spacer(1, 4),
             _table(items, [sku_w, title_w, qty_w, gift_w, comp_w])]
    notes = [(lab[c], getattr(o, c)) for c in ("gifts", "buyer_message", "seller_note")
             if _text(getattr(o, c)) != "—"]       # only what there is: a slip stays short
    if notes:
        parts += [Spacer(1, 4), _table([[_para(n, styles["head"]), v(t)] for n, t in notes],
                                       [key_w, width - key_w])]
    return KeepTogether(parts)


def _slip_head(title: str, meta: object, codes: list, width: float, size: float,
               beside: bool) -> list:
    """A slip's title (one line, at `size` or smaller), the line under it (`meta`) and the
    barcodes of `codes` (those Code128 can carry): `beside` the title where they fit there,
    the title keeping HEAD_SHARE of the width and its full size; else under it, side by side
    where they fit the width at their widest module, one a row where not."""
    from reportlab.platypus import Spacer, Table, TableStyle

    values = [c for c in codes if barcode_text(c) is not None]
    for dots in BAR_DOTS if beside and values else ():   # beside: the wider module first
        bars = [_barcode(c, BAR_HEIGHT, (dots,)) for c in values]
        widths = [b.minWidth() + 2 * CELL_PAD for b in bars]
        head_w = width - sum(widths)
        if head_w < width * HEAD_SHARE or _code(title, head_w, size).size < size:
            continue
        top = Table([[[_title(title, head_w, size), meta], *bars]], colWidths=[head_w, *widths])
        top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (0, 0), 0),
                                 ("RIGHTPADDING", (0, 0), (0, 0), 0),
                                 ("LEFTPADDING", (1, 0), (-1, -1), CELL_PAD),
                                 ("RIGHTPADDING", (1, 0), (-1, -1), CELL_PAD),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return [top]
    head = [_title(title, width, size), meta]
    bars = [b for b in (_barcode(c, BAR_HEIGHT, room=width - 2 * CELL_PAD) for c in values) if b]
    if not bars:
        return head
    widths = [b.minWidth() + 2 * CELL_PAD for b in bars]
    rows = [bars] if sum(widths) <= width else [[b] for b in bars]
    under = Table(rows, colWidths=widths if len(rows) == 1 else [width], hAlign="LEFT",
                  style=[("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                         ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD)])
    return [*head, Spacer(1, 4), under]


def _title(title: str, width: float, size: float) -> object:
    """A slip's title on one line of `width`, in a smaller font where it would not fit."""
    return _table([[_code(title, width, size)]], [width], grid=False)


def barcode_text(value: object) -> str | None:
    """What a barcode of `value` (an id, a tracking number, an SKU) carries: the value as it
    is, when it is printable ASCII; None when there is none or Code128 cannot carry it."""
    if not _given(value):
        return None
    text = str(value)
    if not text.strip() or not all(" " <= c <= "~" for c in text):
        return None
    return text


def _barcode(value: object, height: float, dots: tuple[int, ...] = BAR_DOTS,
             font: str = BAR_FONT, size: float = BAR_FONT_SIZE,
             room: float = float("inf")) -> object | None:
    """`value`'s Code128 (reportlab's own), bars `height` tall with ten modules of quiet zone
    either side and the value under them in `font` at `size` (smaller where wider than the
    bars), all inside its own box, so nothing drawn beside or after it comes near the bars;
    at the widest module of `dots` (printer dots) at which it fits `room` points (its
    `minWidth()`). None when Code128 cannot carry `value` or it fits at none."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table, TableStyle

    text = barcode_text(value)
    if text is None:
        return None
    _styles()  # the font registered
    for d in dots:
        module = d * 72 / THERMAL_DPI
        code = Code128(text, barWidth=module, barHeight=height, quiet=1, lquiet=10 * module,
                       rquiet=10 * module, humanReadable=0)
        if code.width > room:
            continue
        bars_w = code.width - 20 * module
        drawn = stringWidth(text, font, size)
        small = size if drawn <= bars_w else size * bars_w / drawn
        bars = Table([[code], [text]], colWidths=[code.width])
        bars.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 0), (-1, -1), 0),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                                  ("TOPPADDING", (0, 1), (0, 1), BAR_TEXT_GAP),
                                  ("FONT", (0, 1), (0, 1), font, small, small * 1.2)]))
        return bars
    return None


def _cut_line(width: float) -> object:
    """A dashed line between two slips of a page, where they are cut apart."""
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable

    return HRFlowable(width=width, thickness=0.5, color=colors.grey, dash=(3, 3),
                      spaceBefore=10, spaceAfter=10)


def _code_width(codes: pd.Series, size: float, least: float, most: float) -> float:
    """A column wide enough for its longest code on one line at `size`, within [least, most]."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _styles()  # the font registered
    longest = max((stringWidth(str(c), FONT, size) for c in codes), default=0)
    return min(max(longest + 2 * CELL_PAD + 1, least), most)


def _code(value: object, width: float, size: float) -> object:
    """A code (SKU, order id, phone, tracking number) on one line of a cell `width` wide: a
    plain string, never wrapped, in a smaller font when it would not fit."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = _text(value)
    _styles()
    room = width - 2 * CELL_PAD
    fits = stringWidth(text, FONT, size)
    return _Code(text, size if fits <= room else max(size * room / fits, 4))


class _Code(str):
    """A cell's code and the font size it is drawn at (read by `_table`)."""

    def __new__(cls, text: str, size: float) -> _Code:
        obj = super().__new__(cls, text)
        obj.size = size
        return obj


def _text(v: object) -> str:
    """A value as it is printed: empty as '—', times to the minute, whole numbers plain."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, datetime | pd.Timestamp):
        return f"{v:%Y-%m-%d %H:%M}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if text.strip() else "—"


CELL_PAD = 3   # a table cell's left and right padding, in points


def _styles(small: bool = False) -> dict:
    """Paragraph styles in the CJK font; `small` for a 100 mm label."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    scale = 0.85 if small else 1.0
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=13 * scale, leading=17 * scale),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=7 * scale, leading=9.5 * scale,
                                wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=FONT, fontSize=8.5 * scale, leading=11 * scale,
                               wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9 * scale, leading=12 * scale,
                               wordWrap="CJK"),
    }


def _para(text: str, style) -> object:
    """A paragraph of plain text: reportlab's markup characters escaped, line breaks kept."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list], widths: list[float], grid: bool = True,
           spans: list[tuple] = ()) -> object:
    """A table; a `_Code` cell is drawn on one line in the CJK font at its own size."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1 if grid else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
             ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD)]
    if grid:
        style += [("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                  ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]
    for start, end in spans:
        style.append(("SPAN", start, end))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, _Code):
                style.append(("FONT", (c, r), (c, r), FONT, cell.size, cell.size * 1.3))
    table.setStyle(TableStyle(style))
    return table


def _build(story: list, title: str, page: tuple[float, float] | None = None,
           margin: float = 40) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page or A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, title=title,
                            author="Order Desk", pageCompression=1)
    doc.build(story)
    return buf.getvalue()
