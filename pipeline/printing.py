"""What the warehouse prints for a batch: the pick list and a packing slip per order, as PDF
(Chinese text in reportlab's built-in CID font STSong-Light: no font file needed; it has no
'·', so separators are ASCII) or XLSX.

`print_data(con, keys)` reads the frames; `pick_list_pdf`, `packing_slips_pdf`,
`pick_list_xlsx`, `packing_slips_xlsx` turn frames into bytes and read nothing else. Every word
on the page comes from the labels; text from exports is drawn as text (escaped for reportlab's
paragraph markup), and in XLSX cells starting with = + - @ tab or CR are prefixed with `'`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

import duckdb
import pandas as pd

from pipeline.export import xlsx_bytes
from pipeline.labels import label, platform_name
from pipeline.store import sql

FONT = "STSong-Light"
PICK_COLUMNS = ["sku", "name", "warehouse", "quantity", "gift_quantity", "from_bundles",
                "orders"]
SLIP_COLUMNS = ["order_id", "shop", "platform", "created_at", "paid_at", "buyer", "receiver",
                "address", "courier", "tracking_no", "buyer_message", "seller_note", "gifts"]
ITEM_COLUMNS = ["order_id", "shop", "line_id", "sku", "title", "quantity", "is_gift",
                "components"]


@dataclass
class PrintData:
    """The frames a batch prints from: the pick list, the slips' orders and their lines."""

    pick: pd.DataFrame
    orders: pd.DataFrame
    lines: pd.DataFrame


def print_data(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> PrintData:
    """The pick list and packing slips of the orders `keys` (platform, shop, order_id), in the
    order given."""
    registered = keys[["platform", "shop", "order_id"]].astype(str).reset_index(drop=True)
    registered.insert(0, "pos", range(len(registered)))
    con.register("print_keys", registered)
    try:
        return PrintData(
            pick=con.execute(sql("print_pick_list")).df(),
            orders=con.execute(sql("print_slip_orders")).df(),
            lines=con.execute(sql("print_slip_lines")).df(),
        )
    finally:
        con.unregister("print_keys")


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
    """The slips' orders (one row each, gifts listed) and their items, labelled."""
    lines = data.lines.reindex(columns=["pos", *ITEM_COLUMNS[:1], "platform", *ITEM_COLUMNS[1:]])
    gifts = (lines[lines["is_gift"].fillna(False).astype(bool)]
             .assign(item=lambda d: d["sku"].fillna(d["title"]).fillna("?") + " ×"
                     + d["quantity"].fillna(0).astype(int).astype(str))
             .groupby(["platform", "shop", "order_id"], sort=False)["item"]
             .agg(", ".join).rename("gifts").reset_index())
    orders = data.orders.merge(gifts, on=["platform", "shop", "order_id"], how="left")
    orders = orders.reindex(columns=SLIP_COLUMNS)
    orders["gifts"] = orders["gifts"].fillna("")
    orders["platform"] = orders["platform"].map(lambda p: platform_name(p, lang))
    for col in ("buyer_message", "seller_note", "courier", "tracking_no", "buyer", "receiver"):
        orders[col] = orders[col].astype(object).where(orders[col].notna(), "")
    items = lines.reindex(columns=ITEM_COLUMNS).assign(
        is_gift=lines["is_gift"].map(lambda g: label("print_gift", lang) if g else ""),
        components=lines["components"].astype(object).where(lines["components"].notna(), ""),
    )
    return (orders.rename(columns={c: label(f"print_col_{c}", lang) for c in SLIP_COLUMNS}),
            items.rename(columns={c: label(f"print_col_{c}", lang) for c in ITEM_COLUMNS}))


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
    """The pick list on A4: the batch, when printed, a row per SKU."""
    from reportlab.platypus import Spacer

    styles = _styles()
    story = [
        _para(f"{label('print_pick_title', lang)} | {batch}", styles["title"]),
        _para(label("print_pick_meta", lang).format(at=f"{printed_at:%Y-%m-%d %H:%M}",
                                                     n=n_orders, skus=len(pick)),
              styles["small"]),
        Spacer(1, 8),
    ]
    shown = pick_frame(pick, lang)
    rows = [[_para(str(c), styles["head"]) for c in shown.columns]]
    rows += [[_para(_text(v), styles["cell"]) for v in r]
             for r in shown.itertuples(index=False, name=None)]
    story.append(_table(rows, [70, 130, 70, 40, 40, 90, 40]))
    return _build(story, label("print_pick_title", lang))


def packing_slips_pdf(data: PrintData, printed_at: datetime, lang: str = "zh") -> bytes:
    """One page per order: who and where, the courier, the items, gifts, messages."""
    from reportlab.platypus import PageBreak, Spacer

    styles = _styles()
    lab = {c: label(f"print_col_{c}", lang) for c in SLIP_COLUMNS + ITEM_COLUMNS}
    orders, _ = slip_frames(data, lang)
    orders.columns = SLIP_COLUMNS
    platforms = data.orders["platform"].tolist()     # as stored (the slips show their names)
    story: list = []
    for i, o in enumerate(orders.itertuples(index=False)):
        if i:
            story.append(PageBreak())
        story += [
            _para(f"{label('print_slip_title', lang)} | {o.order_id}", styles["title"]),
            _para(f"{lab['shop']}: {_text(o.shop)}  {lab['platform']}: {_text(o.platform)}  "
                  f"{lab['created_at']}: {_text(o.created_at)}  "
                  f"{label('print_printed_at', lang)}: {printed_at:%Y-%m-%d %H:%M}",
                  styles["small"]),
            Spacer(1, 6),
        ]
        facts = [(lab["receiver"], o.receiver), (lab["address"], o.address),
                 (lab["courier"], o.courier), (lab["tracking_no"], o.tracking_no)]
        story.append(_table([[_para(k, styles["head"]), _para(_text(v), styles["cell"])]
                             for k, v in facts], [90, 390]))
        story.append(Spacer(1, 8))
        mine = data.lines[(data.lines["platform"] == platforms[i]) & (data.lines["shop"] == o.shop)
                          & (data.lines["order_id"] == o.order_id)]
        head = [lab[c] for c in ("sku", "title", "quantity", "is_gift", "components")]
        rows = [[_para(h, styles["head"]) for h in head]]
        for line in mine.itertuples(index=False):
            gift = label("print_gift", lang) if line.is_gift else ""
            rows.append([_para(_text(v), styles["cell"]) for v in (
                line.sku, line.title, line.quantity, gift, line.components)])
        story.append(_table(rows, [80, 190, 40, 40, 130]))
        story.append(Spacer(1, 8))
        notes = [(lab["gifts"], o.gifts), (lab["buyer_message"], o.buyer_message),
                 (lab["seller_note"], o.seller_note)]
        story.append(_table([[_para(k, styles["head"]), _para(_text(v), styles["cell"])]
                             for k, v in notes], [90, 390]))
    if not story:
        story.append(_para(label("print_nothing", lang), styles["cell"]))
    return _build(story, label("print_slip_title", lang))


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


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=15, leading=20),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11),
        "head": ParagraphStyle("head", fontName=FONT, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK"),
    }


def _para(text: str, style) -> object:
    """A paragraph of plain text: reportlab's markup characters escaped, line breaks kept."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _table(rows: list[list], widths: list[float]) -> object:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]))
    return table


def _build(story: list, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=40,
                            bottomMargin=40, title=title, author="Order Desk",
                            pageCompression=1)
    doc.build(story)
    return buf.getvalue()
