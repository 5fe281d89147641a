"""Shopify admin exports: orders (one row per line item) and inventory (2024+)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.ingest.formats.cn import WordsNote
from pipeline.ingest.formats.platform import Layout, Platform
from pipeline.ingest.formats.reading import Sheet
from pipeline.ingest.formats.templates import currency_codes
from pipeline.ingest.formats.values import (
    NAME_CAP,
    SIGNED_STOCK,
    Cells,
    cap_of,
    norm_header,
    positions,
    repeat_text,
)

KEY = "shopify"
KNOWN_FINANCIAL = ("pending", "authorized", "paid", "partially_paid", "partially_refunded",
                   "refunded", "voided", "expired")
PAID_FINANCIAL = ("paid", "partially_paid", "partially_refunded", "refunded")
SHIPPED_FULFILLMENT = ("fulfilled", "partial")
COD_PATTERN = r"cash on delivery|(?:^|[^a-z])cod(?:[^a-z]|$)"   # matched on lower-case text

# Order-level columns (given on an order's first row only): canonical -> headers.
ORDER_TEXT = {
    "buyer":        ("Email",),
    "receiver":     ("Shipping Name",),
    "province":     ("Shipping Province Name", "Shipping Province"),
    "city":         ("Shipping City",),
    "promo_code":   ("Discount Code",),
    # Shopify's order note is written by the merchant (or the checkout form): a seller note.
    "seller_note":  ("Notes", "Note"),
    "tags":         ("Tags",),
    "courier":      ("Shipping Method",),  # the CSV names no carrier; the method is the best hint
    "currency":     ("Currency",),         # ISO code of the order's money (BDT, USD, …)
}
ORDER_IDS = {
    "phone":        ("Shipping Phone", "Phone"),
}
ORDER_TIMES = {
    "created_at":   ("Created at",),
    "paid_at":      ("Paid at",),
    "shipped_at":   ("Fulfilled at", "Fulfillment Date"),
    "closed_at":    ("Cancelled at",),
}
ORDER_AMOUNTS = {
    "order_total":  ("Total",),
    "shipping_fee": ("Shipping",),
    "discount":     ("Discount Amount",),
    "refunded":     ("Refunded Amount",),
}
ORDER_REQUIRED = (("Name",), ("Created at",))
ORDER_STATUS_HEADERS = ("Financial Status", "Fulfillment Status", "Cancelled at")
PAYMENT_HEADERS = ("Payment Method", "Payment Gateway")
ADDRESS_HEADERS = ("Shipping Address1", "Shipping Address2")

_ORDER_HEADERS = (
    "Name", "Shipping Street", *ADDRESS_HEADERS, *ORDER_STATUS_HEADERS, *PAYMENT_HEADERS,
    *(h for table in (ORDER_TEXT, ORDER_IDS, ORDER_TIMES, ORDER_AMOUNTS)
      for aliases in table.values() for h in aliases),
)

INVENTORY_QUANTITIES = {
    "available":  ("Available (not editable)", "Available"),
    "reserved":   ("Committed (not editable)", "Committed"),
    "on_hand":    ("On hand (current)", "On hand"),
    "in_transit": ("Incoming (not editable)", "Incoming"),
}
INVENTORY_REQUIRED = (("SKU",), INVENTORY_QUANTITIES["available"])
NOT_STOCKED = "not stocked"

# Every header each export is known to carry, for weighing the candidates.
ORDER_EXPORT = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Fulfillment Date", "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
    "Discount Code", "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity",
    "Lineitem name", "Lineitem price", "Lineitem compare at price", "Lineitem sku",
    "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
    "Lineitem discount", "Lineitem id", "Billing Name", "Billing Street", "Billing Address1",
    "Billing Address2", "Billing Company", "Billing City", "Billing Zip", "Billing Province",
    "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street", "Shipping Address1",
    "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip", "Shipping Province",
    "Shipping Country", "Shipping Phone", "Notes", "Note", "Note Attributes", "Cancelled at",
    "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Outstanding Balance",
    "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level", "Source", "Phone",
    "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
    "Payment Terms Name", "Next Payment Due At", "Payment References",
)
INVENTORY_EXPORT = (
    "Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO", "Location", "Bin name",
    "Incoming (not editable)", "Unavailable (not editable)", "Committed (not editable)",
    "Available (not editable)", "On hand (current)", "On hand (new)", "Available", "On hand",
    "Committed", "Incoming",
)


def read_orders(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The orders export as `orders` (one row per order) and `order_lines` frames."""
    name_header = cells.header("Name")
    name = cells.ident(name_header, key=True)
    cells.require(name, name_header, "order id (Name)")
    first = (~name.duplicated() & name.notna()).to_numpy()

    order_cells = _order_level(cells, name, first)
    notes: list[str] = []
    orders_cols = _order_columns(order_cells, notes)
    orders = order_cells.frame(orders_cols)

    # An order rejected for an order-level value takes its line rows with it.
    rejected_orders = set(name[first][order_cells.bad].dropna())
    for problem in order_cells.problems:
        cells.flag(*_spread(problem, first))
    order_dropped = name.isin(rejected_orders).to_numpy() & ~first
    if order_dropped.any():
        cells.flag(order_dropped, name_header, "its order was rejected on its first row", name)

    lines = cells.frame(_line_columns(cells, name))
    return {"orders": orders, "order_lines": lines}, notes


def _order_level(cells: Cells, name: pd.Series, first: np.ndarray) -> Cells:
    """A sheet with one record per order: each column's first non-empty value in the order."""
    sheet = cells.sheet
    wanted = {norm_header(h) for h in _ORDER_HEADERS}
    keep = [h for h in sheet.headers if norm_header(h) in wanted]
    raw = sheet.cells[keep].replace("", np.nan)
    raw.index = pd.Index(name.to_numpy())
    firsts = raw.groupby(level=0, sort=False, dropna=True).first()
    rows = firsts.reset_index(drop=True).fillna("").astype("str")
    return Cells(Sheet(keep, rows, sheet.rows[first], notes=sheet.notes), cells.tz,
                 cells.source_tz)


def _spread(problem, first: np.ndarray):
    mask, column, reason, values = problem
    full = np.zeros(len(first), dtype=bool)
    full[np.flatnonzero(first)[mask]] = True
    if values is not None:
        spread = repeat_text(len(first))
        spread[np.flatnonzero(first)] = values.to_numpy()
        values = spread
    return full, column, reason, values


def _order_columns(cells: Cells, notes: list[str]) -> dict[str, object]:
    cols: dict[str, object] = {
        "platform": KEY,
        "shop": repeat_text(cells.n),
        "order_id": cells.ident("Name", key=True),
    }
    for name, aliases in ORDER_TEXT.items():
        cols[name] = cells.text(*aliases, cap=cap_of(name))
    for name, aliases in ORDER_IDS.items():
        cols[name] = cells.ident(*aliases)
    for name, aliases in ORDER_TIMES.items():
        cols[name] = cells.time(*aliases)
    for name, aliases in ORDER_AMOUNTS.items():
        cols[name] = cells.amount(*aliases)
    cells.require(cols["created_at"], cells.header("Created at"), "creation time")
    currency_codes(cells, cols)
    parts = [cells.text(h) for h in ADDRESS_HEADERS if cells.has(h)]
    if parts:
        address = parts[0]
        for extra in parts[1:]:
            address = address.where(extra.isna(), address.fillna("").str.cat(extra, sep=" ")
                                    .str.strip())
        if cells.has("Shipping Street"):
            address = address.where(address.notna(), cells.text("Shipping Street"))
        cols["address"] = address
    elif cells.has("Shipping Street"):
        cols["address"] = cells.text("Shipping Street")
    cols.update(_status_columns(cells, cols, notes))
    return cols


def _status_columns(cells: Cells, cols: dict[str, object], notes: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    financial = cells.text("Financial Status")
    fulfillment = cells.text("Fulfillment Status")
    cancelled = cols.get("closed_at")
    paid_at = cols.get("paid_at")
    n = cells.n
    fin = financial.str.lower() if financial is not None else repeat_text(n)
    ful = (fulfillment.str.lower() if fulfillment is not None
           else repeat_text(n))
    if any(cells.has(h) for h in ORDER_STATUS_HEADERS):
        is_cancelled = (cancelled.notna() if cancelled is not None
                        else pd.Series(False, index=range(n)))
        # First match wins. A cancelled order that is already refunded reads `refunded`
        # (DESIGN §3: `refunding` is cancelled after payment and not yet refunded).
        norm = np.select(
            [
                fin.isin(("voided", "expired")).to_numpy(),
                (fin == "refunded").fillna(False).to_numpy(dtype=bool),
                is_cancelled.to_numpy(),
                ful.isin(SHIPPED_FULFILLMENT).to_numpy(),
                fin.isin(("paid", "partially_paid", "partially_refunded")).to_numpy(),
                fin.isin(("pending", "authorized")).to_numpy(),
            ],
            ["closed", "refunded", "cancelled", "shipped", "paid", "unpaid"],
            default=None,
        )
        out["status_norm"] = pd.Series(norm, dtype="str")
        unknown = financial.notna() & ~fin.isin(KNOWN_FINANCIAL) if financial is not None else None
        if unknown is not None and unknown.any():
            notes.append(WordsNote("unknown Financial Status values: ",
                                   set(financial[unknown].unique())))
        texts = [s for s in (financial, fulfillment) if s is not None]
        text = texts[0]
        for extra in texts[1:]:
            text = text.fillna("").str.cat(extra.fillna(""), sep=" / ").str.strip(" /")
        out["status_text"] = text.mask(text == "")
    if financial is not None:   # said outright, whether or not `Refunded Amount` is exported
        out["refund_partial"] = pd.Series((fin == "partially_refunded").fillna(False),
                                          dtype="boolean")
    if fulfillment is not None:
        out["partial_shipped"] = pd.Series((ful == "partial").fillna(False), dtype="boolean")
    if financial is not None or paid_at is not None:
        paid = np.zeros(n, dtype=bool)
        if financial is not None:
            paid |= fin.isin(PAID_FINANCIAL).to_numpy()
        if paid_at is not None:
            paid |= paid_at.notna().to_numpy()
        out["is_paid"] = pd.Series(paid, dtype="boolean")
        total = cols.get("order_total")
        if total is not None:
            out["paid"] = total.where(paid, 0.0).where(total.notna())
    method = cells.text(*PAYMENT_HEADERS)
    if method is not None:
        cod = method.str.lower().str.contains(COD_PATTERN, regex=True).fillna(False).astype(bool)
        out["is_cod"] = pd.Series(cod.to_numpy(), dtype="boolean")
    return out


def _line_columns(cells: Cells, name: pd.Series) -> dict[str, object]:
    line_id = positions(name)
    if cells.has("Lineitem id"):
        given = cells.ident("Lineitem id")
        line_id = given.where(given.notna(), line_id)
    title = cells.text("Lineitem name")
    sku = cells.ident("Lineitem sku")
    if title is not None:
        sku = title if sku is None else sku.where(sku.notna(), title)
    price = cells.amount("Lineitem price")
    discount = cells.amount("Lineitem discount")
    cols: dict[str, object] = {
        "platform": KEY,
        "shop": repeat_text(cells.n),
        "order_id": name,
        "line_id": line_id,
        "sku": sku,
        "title": title,
        "quantity": cells.integer("Lineitem quantity"),
        "unit_price": price,
        "status_text": cells.text("Lineitem fulfillment status"),
    }
    if price is not None:
        cols["is_gift"] = pd.Series((price == 0).to_numpy(), dtype="boolean")
    if discount is not None:
        # a line discount is a promotion; a compare-at price above the price is a standing
        # price, not one (DESIGN §7)
        cols["is_promo"] = pd.Series((discount > 0).fillna(False).to_numpy(), dtype="boolean")
    return cols


def read_inventory(cells: Cells) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The inventory export as a `stock` frame; rows without an SKU are skipped."""
    notes: list[str] = []
    sku = cells.ident("SKU")
    blank = sku.isna().to_numpy()
    if blank.any():
        cells.skipped = int(blank.sum())
        notes.append(f"{cells.skipped} row(s) without an SKU skipped")
    warehouse = cells.text("Location", cap=NAME_CAP)
    warehouse = (warehouse.fillna("") if warehouse is not None
                 else pd.Series([""] * cells.n, dtype="str"))
    cols: dict[str, object] = {"sku": sku, "warehouse": warehouse, "name": _variant_name(cells)}
    for name, aliases in INVENTORY_QUANTITIES.items():
        header = cells.header(*aliases)
        if header is None:
            continue
        raw = cells.raw(header)
        stocked = raw.str.strip().str.lower() != NOT_STOCKED
        masked = raw.where(stocked, "")
        cells.sheet.cells[header] = masked
        cols[name] = cells.integer(header, negative=name in SIGNED_STOCK)
    skip = ~blank
    return {"stock": cells.frame(cols, keep=skip)}, notes


def _variant_name(cells: Cells) -> pd.Series | None:
    """`Title - Red / L`: the product title and its option values (not `Default Title`)."""
    title = cells.text("Title")
    values = []
    for i in (1, 2, 3):
        v = cells.text(f"Option{i} Value")
        if v is not None:
            values.append(v.mask(v == "Default Title"))
    if title is None:
        return None
    if not values:
        return title
    options = values[0]
    for v in values[1:]:
        options = options.where(v.isna(), options.fillna("").str.cat(v, sep=" / "))
    options = options.str.strip(" /").mask(options.str.strip(" /") == "")
    return title.where(options.isna(), title.fillna("").str.cat(options, sep=" - ").str.strip(" -"))


PLATFORM = Platform(
    key=KEY,
    layouts=(
        Layout("shopify_orders", read_orders,
               signature=(("Name",), ("Financial Status", "Fulfillment Status", "Lineitem name",
                                      "Lineitem quantity")),
               required=ORDER_REQUIRED, headers=ORDER_EXPORT,
               # word -> it says the order was paid (its state is read from several columns)
               words={"Financial Status": {w: w in PAID_FINANCIAL for w in KNOWN_FINANCIAL}},
               sliced=True, kept_together=("Name",)),
        Layout("shopify_inventory", read_inventory,
               signature=(("Handle",), ("SKU",), (*INVENTORY_QUANTITIES["available"],
                                                  *INVENTORY_QUANTITIES["on_hand"],
                                                  "Committed (not editable)")),
               required=INVENTORY_REQUIRED, headers=INVENTORY_EXPORT),
    ),
)
