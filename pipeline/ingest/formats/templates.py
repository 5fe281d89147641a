"""The desk's own templates (DESIGN §9), for any platform or ERP without its own adapter."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.base import canonical as C
from pipeline.ingest.formats import douyin, pinduoduo, taobao
from pipeline.ingest.formats.cases import PHASE_WORDS
from pipeline.ingest.formats.cn import lookup, unknown_note
from pipeline.ingest.formats.platform import Layout, Platform
from pipeline.ingest.formats.taobao import ORDER_STATUS as TAOBAO_STATUS
from pipeline.ingest.formats.taobao import REFUND_STATUS, _word_key
from pipeline.ingest.formats.values import (
    NAME_CAP,
    SHOP_HEADERS,
    SIGNED_STOCK,
    SPREADSHEET_NUMBER,
    Cells,
    cap_of,
    map_words,
    norm_header,
    positions,
    repeat_text,
)

if TYPE_CHECKING:
    from pipeline.ingest.formats.reading import Sheet

KEY = "template"
DEFAULT_PLATFORM = "other"

# Order template `status`: a state code of DESIGN §3 or its label -> (status_norm, is_paid, is_cod)
ORDER_STATUS: dict[str, tuple[str, bool | None, bool | None]] = {
    "unconfirmed_unpaid": ("unpaid",        False, None),
    "未确认未付款":       ("unpaid",        False, None),
    "confirmed_unpaid":   ("cod_confirmed", False, True),
    "已确认未付款":       ("cod_confirmed", False, True),
    "paid_unprocessed":   ("paid",          True,  None),
    "未处理已确认已付款": ("paid",          True,  None),
    "paid_processed":     ("processed",     True,  None),
    "已处理已确认已付款": ("processed",     True,  None),
    "shipped":            ("shipped",       None,  None),
    "已发货":             ("shipped",       None,  None),
    "completed":          ("completed",     None,  None),
    "已处理已发货":       ("completed",     None,  None),
    "refunding":          ("cancelled",     True,  None),
    "退款中":             ("cancelled",     True,  None),
    "refunded":           ("refunded",      True,  None),
    "退款成功":           ("refunded",      True,  None),
    "closed":             ("closed",        False, None),
    "已关闭":             ("closed",        False, None),
    # the normalised platform words themselves
    "unpaid":             ("unpaid",        False, None),
    "cod_confirmed":      ("cod_confirmed", False, True),
    "paid":               ("paid",          True,  None),
    "cancelled":          ("cancelled",     None,  None),
    "processed":          ("processed",     True,  None),
}

# Extra header names per canonical column; every canonical column name is accepted as well.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "status": ("status", "状态"),
        "shop": SHOP_HEADERS,
        # the seller's flag as an ERP or a shop tool exports it: a colour or a number 0–5
        "seller_flag": ("flag", "旗帜", "旗帜颜色", "标记", "卖家备注旗帜", "商家备注旗帜",
                        "备注旗帜", "商家备注等级"),
    },
    "order_lines": {
        "refund_text": ("refund_status",),
        "shop": SHOP_HEADERS,
    },
    "stock": {
        "sku":          ("商家编码", "SKU编码"),
        "available":    ("可用库存", "可用数"),
        "name":         ("商品名称",),
        "on_hand":      ("实际库存", "库存数量"),
        "reserved":     ("占用库存", "锁定库存"),
        "in_transit":   ("在途库存",),
        "safety_stock": ("安全库存",),
        "warehouse":    ("仓库", "仓库名称"),
        "unit_cost":    ("成本价", "单位成本", "成本"),
        "barcode":      ("条码", "条形码", "69码", "商品条码", "国际条码", "Barcode"),
    },
    "bundles": {
        "bundle_sku":    ("组合商品编码", "组合装编码"),
        "component_sku": ("子商品编码",),
        "quantity":      ("数量",),
    },
    "promotions": {
        "name":     ("活动名称",),
        "start_at": ("开始时间",),
        "end_at":   ("结束时间",),
    },
    "cases": {
        "shop": SHOP_HEADERS,
    },
}

# layout -> (table, required canonical columns)
TEMPLATES_TABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "template_orders":     ("orders", ("order_id", "created_at")),
    "template_lines":      ("order_lines", ("order_id", "sku", "quantity")),
    "template_stock":      ("stock", ("sku", "available")),
    "template_bundles":    ("bundles", ("bundle_sku", "component_sku", "quantity")),
    "template_promotions": ("promotions", ("name", "start_at", "end_at")),
    "template_cases":      ("cases", ("case_id", "order_id", "type_text", "status_text",
                                      "requested_at")),
}

# Columns read from another header or derived, never taken by their canonical name.
_DERIVED = {"status_text", "status_norm", "refund_norm", "paid_net", "type_text", "case_type"}
_KEYS = {"order_id", "line_id", "case_id"}
_IDS = {"sku", "component_sku", "bundle_sku", "tracking_no", "phone", "return_tracking",
        "barcode"}


# The header a template documents where it differs from the canonical column name.
DOCUMENTED = {"start_at": "start", "end_at": "end"}
# the case template's `type` and `status`: the words as the platform wrote them, or the codes
DOCUMENTED_CASES = {"type_text": "type", "status_text": "status"}

# Case template `status`: a code of C.CASE_STATUSES or a platform's word (DESIGN §11)
CASE_STATUS: dict[str, str] = {
    **taobao.CASE_STATUS, **douyin.CASE_STATUS, **pinduoduo.CASE_STATUS,
    **{code: code for code in C.CASE_STATUSES},
}
# Case template `type`: a code of C.CASE_TYPES or a platform's word -> (case type, phase)
CASE_TYPES: dict[str, tuple[str | None, str | None]] = {
    **taobao.CASE_TYPES, **douyin.CASE_TYPES, **pinduoduo.CASE_TYPES,
    **{code: (code, None) for code in C.CASE_TYPES},
}


def aliases(table: str, column: str) -> tuple[str, ...]:
    """Every header accepted for `column` of `table`'s template, the documented one first."""
    documented = DOCUMENTED_CASES if table == "cases" else DOCUMENTED
    names = (documented.get(column, column), column, *ALIASES.get(table, {}).get(column, ()))
    return tuple(dict.fromkeys(names))


def required_headers(layout: str) -> list[tuple[str, ...]]:
    table, required = TEMPLATES_TABLE[layout]
    return [aliases(table, c) for c in required]


def known_headers(layout: str) -> tuple[str, ...]:
    """Every header a template file of `layout` may carry."""
    table, _ = TEMPLATES_TABLE[layout]
    names = [a for c in C.TABLE_COLUMNS[table] for a in aliases(table, c)]
    if table == "orders":
        names += aliases("orders", "status")
    return tuple(names)


def read_template(cells: Cells, layout: str) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """One template file as its canonical frame."""
    table, required = TEMPLATES_TABLE[layout]
    types = C.TABLE_COLUMNS[table]
    notes: list[str] = []
    cols: dict[str, object] = {}
    for column, kind in types.items():
        if column in _DERIVED or column in ("platform", "shop"):
            continue
        names = aliases(table, column)
        if kind == "varchar":
            cols[column] = (cells.ident(*names, key=column in _KEYS)
                            if column in _KEYS | _IDS else cells.text(*names, cap=cap_of(column)))
        elif kind == "timestamp":
            cols[column] = cells.time(*names)
        elif kind.startswith("decimal") and table == "cases":   # a refund may be signed
            amount = cells.amount(*names, negative=True)
            cols[column] = None if amount is None else amount.abs()
        elif kind.startswith("decimal"):
            cols[column] = cells.amount(*names)
        elif kind == "integer":
            cols[column] = cells.integer(
                *names, negative=table == "stock" and column in SIGNED_STOCK)
        elif kind == "boolean":
            cols[column] = cells.boolean(*names)
    if table == "cases":
        _case_words(cells, cols, notes)
    for column in required:
        cells.require(cols.get(column), cells.header(*aliases(table, column)),
                      DOCUMENTED_CASES.get(column, column) if table == "cases" else column)
    if table in ("orders", "order_lines", "cases"):
        platform = cells.text("platform", cap=NAME_CAP)
        platform = (platform.str.strip().str.lower().fillna(DEFAULT_PLATFORM)
                    if platform is not None else DEFAULT_PLATFORM)
        shop = cells.text(*aliases(table, "shop"), cap=NAME_CAP)
        cols = {"platform": platform,
                "shop": shop if shop is not None else repeat_text(cells.n),
                **cols}
    if table == "orders":
        _order_status(cells, cols, notes)
        currency_codes(cells, cols)
    if table == "order_lines":
        _line_extras(cells, cols, notes)
    if table == "stock":
        _barcodes(cols, notes)
    if table == "stock" and cols.get("warehouse") is None:
        cols["warehouse"] = ""
    elif table == "stock":
        cols["warehouse"] = cols["warehouse"].fillna("")
    known = {norm_header(a) for c in types for a in aliases(table, c)}
    known |= {norm_header(a) for a in aliases(table, "status")} | {"platform", "shop"}
    ignored = [h for h in cells.sheet.headers if norm_header(h) not in known]
    if ignored:
        notes.append("ignored columns: " + ", ".join(ignored))
    return {table: cells.frame(cols)}, notes


def _barcodes(cols: dict[str, object], notes: list[str]) -> None:
    """A barcode is kept as the file's text (a 69-code's 13 digits and leading zeros exactly);
    one a spreadsheet turned into a rounded number (`6.90123E+12`) names no product and is
    left empty, said in a note."""
    barcode = cols.get("barcode")
    if barcode is None:
        return
    rounded = barcode.str.match(SPREADSHEET_NUMBER).fillna(False).astype(bool)
    if rounded.any():
        cols["barcode"] = barcode.mask(rounded)
        notes.append(f"{int(rounded.sum()):,} barcode(s) rounded by a spreadsheet left empty "
                     "(export barcodes as text)")


def _order_status(cells: Cells, cols: dict[str, object], notes: list[str]) -> None:
    status = cells.text(*aliases("orders", "status"))
    if status is None:
        return
    table = {k.lower(): v for k, v in ORDER_STATUS.items()}
    table.update({
        _word_key(pd.Series([word], dtype="str")).iloc[0]: (norm, paid, cod)
        for word, (norm, cod, paid) in TAOBAO_STATUS.items()
    })
    key = _word_key(status.str.lower())
    norm = map_words(key, {k: v[0] for k, v in table.items()})
    paid = map_words(key, {k: v[1] for k, v in table.items()}, "boolean")
    cod = map_words(key, {k: v[2] for k, v in table.items()}, "boolean")
    note = unknown_note("status", status, status.notna() & norm.isna(), cols.get("order_id"),
                        then="read from payment/shipping times")
    if note:
        notes.append(note)
    cols["status_text"] = status
    cols["status_norm"] = norm
    if cols.get("is_paid") is None:
        cols["is_paid"] = paid
    else:
        cols["is_paid"] = cols["is_paid"].where(cols["is_paid"].notna(), paid)
    if cols.get("is_cod") is None:
        cols["is_cod"] = cod
    else:
        cols["is_cod"] = cols["is_cod"].where(cols["is_cod"].notna(), cod)


def _case_words(cells: Cells, cols: dict[str, object], notes: list[str]) -> None:
    """The case template's `type` and `status` (codes or platform words) and `phase` (a code,
    售中 or 售后) as canonical codes, the unknown words named; a refunded case refunded what
    it asked, at `closed_at`, where the file does not say."""
    case_id = cols.get("case_id")
    status = cells.text(*aliases("cases", "status_text"))
    if status is not None:
        norm = lookup(status.str.lower(), CASE_STATUS)
        _unknown(notes, "status", status, norm, case_id)
        cols["status_text"], cols["status_norm"] = status, norm
        refunded = (norm == "refunded").fillna(False).to_numpy()
        asked, closed = cols.get("amount_asked"), cols.get("closed_at")
        if asked is not None:   # what was asked, once refunded; nothing while it is not
            _fill(cols, "amount_refunded", asked.where(refunded, 0.0).where(norm.notna()))
        if closed is not None:
            _fill(cols, "refunded_at", closed.where(refunded))
    kind = cells.text(*aliases("cases", "type_text"))
    type_phase = None
    if kind is not None:
        key = kind.str.lower()
        cols["type_text"] = kind
        cols["case_type"] = lookup(key, {w: t for w, (t, _) in CASE_TYPES.items()})
        type_phase = lookup(key, {w: p for w, (_, p) in CASE_TYPES.items()})
        _unknown(notes, "type", kind, lookup(key, dict.fromkeys(CASE_TYPES, True), "boolean"),
                 case_id)
    phase = cols.get("phase")
    if phase is not None:
        norm_phase = lookup(phase.str.lower(), PHASE_WORDS)
        _unknown(notes, "phase", phase, norm_phase, case_id)
        phase = norm_phase
    if type_phase is not None:
        phase = type_phase if phase is None else phase.where(phase.notna(), type_phase)
    cols["phase"] = phase


def _fill(cols: dict[str, object], column: str, values: pd.Series) -> None:
    """`cols[column]` where the file gave it, else `values`."""
    given = cols.get(column)
    cols[column] = values if given is None else given.where(given.notna(), values)


def _unknown(notes: list[str], header: str, words: pd.Series, found: pd.Series,
             case_id: pd.Series | None) -> None:
    note = unknown_note(header, words, (words.notna() & found.isna()).to_numpy(), case_id,
                        "case")
    if note:
        notes.append(note)


def currency_codes(cells: Cells, cols: dict[str, object]) -> None:
    """`cols["currency"]` in capitals (usd -> USD); other than three letters rejects its row."""
    currency = cols.get("currency")
    if currency is None:
        return
    upper = currency.str.strip().str.upper()
    bad = (upper.notna() & ~upper.str.fullmatch(r"[A-Z]{3}").fillna(False)).to_numpy(dtype=bool)
    cells.flag(bad, cells.header("currency"), "not a currency code (CNY, USD, …)", currency)
    cols["currency"] = upper


def _line_extras(cells: Cells, cols: dict[str, object], notes: list[str]) -> None:
    order_id = cols["order_id"]
    position = positions(order_id)
    line_id = cols.get("line_id")
    cols["line_id"] = position if line_id is None else line_id.where(line_id.notna(), position)
    price = cols.get("unit_price")
    if cols.get("is_gift") is None and price is not None:
        cols["is_gift"] = pd.Series((price == 0).to_numpy(), dtype="boolean")
    refund = cols.get("refund_text")
    if refund is not None:
        words = {_word_key(pd.Series([k])).iloc[0]: v for k, v in REFUND_STATUS.items()}
        words.update({code: code for code in C.REFUND_NORM})
        words["退款中"] = "requested"
        norm = map_words(_word_key(refund.str.lower()), words)
        note = unknown_note("refund_status", refund, refund.notna() & norm.isna(), None,
                            "line", "taken as no refund in progress")
        if note:
            notes.append(note)
        cols["refund_norm"] = norm.where(refund.notna(), "none")


def orders_platform(layout: str, sheet: Sheet) -> str | None:
    """The platform of an orders, lines or cases template's orders: the desk's default when
    the file has no `platform` column, else None (each row names its own)."""
    if (layout in ("template_orders", "template_lines", "template_cases")
            and sheet.cells.get("platform") is None):
        return DEFAULT_PLATFORM
    return None


# The status words a template is read with: the orders' `status` takes the state codes and
# labels (and Taobao's 订单状态 words), the lines' `refund_status` Taobao's 退款状态 words (and
# the codes of C.REFUND_NORM).
_WORDS = {"orders": {"status": ORDER_STATUS}, "order_lines": {"refund_status": REFUND_STATUS},
          "cases": {"status": CASE_STATUS, "type": CASE_TYPES, "phase": PHASE_WORDS}}


def _layout(name: str, signature: tuple[tuple[str, ...], ...]) -> Layout:
    words = _WORDS.get(TEMPLATES_TABLE[name][0], {})
    return Layout(name, partial(read_template, layout=name), signature=signature,
                  required=tuple(required_headers(name)), headers=known_headers(name),
                  words=words)


PLATFORM = Platform(
    key=KEY,
    layouts=(
        _layout("template_cases", (aliases("cases", "case_id"), aliases("cases", "order_id"))),
        _layout("template_lines", (("order_id",), ("sku", "quantity", "line_id"))),
        _layout("template_orders", (("order_id",),)),
        _layout("template_bundles", (aliases("bundles", "bundle_sku"),
                                     aliases("bundles", "component_sku"))),
        _layout("template_stock", (aliases("stock", "sku"),
                                   (*aliases("stock", "available"), *aliases("stock", "on_hand")))),
        _layout("template_promotions", (aliases("promotions", "name"),
                                        aliases("promotions", "start_at"),
                                        aliases("promotions", "end_at"))),
    ),
    platform_of=orders_platform,
)


def _example(header: str, *rows: str) -> str:
    return "\n".join((header, *rows)) + "\n"


# Example files of the templates, for download on the import page and the README.
EXAMPLES: dict[str, str] = {
    "orders": _example(
        "order_id,created_at,platform,shop,status,paid_at,shipped_at,completed_at,closed_at,"
        "ship_by,order_total,paid,refunded,courier,tracking_no,province,city,district,address,"
        "buyer_message,seller_note,promo_code,currency",
        "PDD240501001,2024-05-01 09:12:00,pinduoduo,Flagship,paid_unprocessed,"
        "2024-05-01 09:13:10,,,,2024-05-03 09:13:10,128.00,128.00,0.00,,,浙江省,杭州市,西湖区,"
        "文三路 100 号,请周五前发货,,MAY10,CNY",
        "PDD240501002,2024-05-01 10:40:00,pinduoduo,Flagship,shipped,2024-05-01 10:41:02,"
        "2024-05-02 15:20:00,,,,59.90,59.90,0.00,中通快递,75312345678901,广东省,深圳市,南山区,"
        "科技园南路 8 号,,加急,,CNY",
        "PDD240501003,2024-05-01 11:05:00,pinduoduo,Flagship,closed,,,,2024-05-01 23:05:00,,"
        "35.00,0.00,0.00,,,四川省,成都市,武侯区,人民南路 5 号,,,,CNY",
    ),
    "order_lines": _example(
        "order_id,line_id,sku,title,quantity,unit_price,paid,refund_status,is_gift,platform,shop",
        "PDD240501001,1,LIP-RED-01,丝绒口红 01 正红,2,64.00,118.00,没有申请退款,false,"
        "pinduoduo,Flagship",
        "PDD240501001,2,SAMPLE-MINI,小样 赠品,1,0.00,0.00,,true,pinduoduo,Flagship",
        "PDD240501002,1,SET-SKIN-3,护肤三件套 套装,1,59.90,59.90,requested,false,"
        "pinduoduo,Flagship",
    ),
    "stock": _example(
        "sku,name,barcode,available,on_hand,reserved,in_transit,safety_stock,warehouse",
        "LIP-RED-01,丝绒口红 01 正红,6901234567892,120,140,20,50,30,杭州仓",
        "SAMPLE-MINI,小样,0012345678905,800,800,0,0,100,杭州仓",
        "SET-SKIN-3,护肤三件套,,-4,6,10,24,5,杭州仓",
    ),
    "bundles": _example(
        "bundle_sku,component_sku,quantity",
        "SET-SKIN-3,TONER-150,1",
        "SET-SKIN-3,SERUM-30,1",
        "SET-SKIN-3,CREAM-50,1",
    ),
    "promotions": _example(
        "name,start,end",
        "618 presale,2024-05-20 20:00,2024-06-15 23:59",
        "618 day,2024-06-18 00:00,2024-06-18 23:59",
        "双11 day,2024-11-11 00:00,2024-11-11 23:59",
    ),
}
