"""Export layouts: detect a file's layout from its headers and map it to canonical frames.

`read_export` is the one entry point: bytes in, a `canonical.Parsed` out, or `FileRefused`
for a file that cannot be read at all. Layouts are recognised by their trimmed headers,
Chinese or English, never by the file name or column positions; any subset of a layout's
columns that keeps its required ones is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.base import canonical as C
from pipeline.base.canonical import FileRefused, Parsed
from pipeline.ingest.formats import douyin, jd, pinduoduo, shopify, taobao, templates
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

# Recognising a layout: each group of headers needs at least one present to make the layout a
# candidate; candidates are then weighed by how many of the file's headers they know (below).
SIGNATURES: list[tuple[str, list[tuple[str, ...]]]] = [
    ("shopify_orders",      [("Name",), ("Financial Status", "Fulfillment Status",
                                         "Lineitem name", "Lineitem quantity")]),
    ("shopify_inventory",   [("Handle",), ("SKU",), (*shopify.INVENTORY_QUANTITIES["available"],
                                                     *shopify.INVENTORY_QUANTITIES["on_hand"],
                                                     "Committed (not editable)")]),
    ("taobao_items",        [("主订单编号", "订单编号"), ("子订单编号", "标题", "价格", "购买数量")]),
    ("taobao_orders",       [("订单编号",), ("订单创建时间", "买家会员名", "总金额",
                                             "买家实际支付金额", "收货地址", "收货人姓名",
                                             "宝贝标题", "订单状态", "订单付款时间")]),
    ("douyin_orders",       [douyin.ORDER_ID, ("订单提交时间", "订单应付金额", "选购商品", "商品规格",
                                               "商品数量", "支付完成时间", "订单完成时间", "售后状态",
                                               "收件人", "收件人手机号", "详细地址", "取消原因",
                                               *douyin.DISCOUNTS)]),
    ("pinduoduo_orders",    [pinduoduo.ORDER_ID, ("订单成交时间", "订单付款时间", *pinduoduo.GOODS,
                                                  *pinduoduo.PAID, *pinduoduo.SKU, "样式ID",
                                                  *(h for d in pinduoduo.DISCOUNTS for h in d))]),
    ("pinduoduo_refunds",   [("订单编号",), ("售后编号", "交易金额", "售后状态", "申请时间",
                                             "同意退款时间")]),
    ("jd_orders",           [jd.ORDER_ID, ("下单时间", "京东价", "应付金额", "订单金额", "结算金额",
                                           "余额支付", "付款确认时间", "客户姓名", "客户地址",
                                           "下单帐号", "货号", "订购数量", "商品名称")]),
    ("template_lines",      [("order_id",), ("sku", "quantity", "line_id")]),
    ("template_orders",     [("order_id",)]),
    ("template_bundles",    [templates.aliases("bundles", "bundle_sku"),
                             templates.aliases("bundles", "component_sku")]),
    ("template_stock",      [templates.aliases("stock", "sku"),
                             (*templates.aliases("stock", "available"),
                              *templates.aliases("stock", "on_hand"))]),
    ("template_promotions", [templates.aliases("promotions", "name"),
                             templates.aliases("promotions", "start_at"),
                             templates.aliases("promotions", "end_at")]),
]

# The columns each layout cannot do without (one header of each group).
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "taobao_orders": list(taobao.ORDER_REQUIRED),
    "taobao_items": list(taobao.ITEM_REQUIRED),
    "shopify_orders": list(shopify.ORDER_REQUIRED),
    "shopify_inventory": list(shopify.INVENTORY_REQUIRED),
    "douyin_orders": list(douyin.REQUIRED),
    "pinduoduo_orders": list(pinduoduo.REQUIRED),
    "pinduoduo_refunds": list(pinduoduo.REFUND_REQUIRED),
    "jd_orders": list(jd.REQUIRED),
    **{layout: templates.required_headers(layout) for layout in templates.TEMPLATES_TABLE},
}

LAYOUTS = tuple(name for name, _ in SIGNATURES)

# Every header each layout is known to carry (its full export), for weighing the candidates.
_TAOBAO_ORDERS = (
    "订单编号", "买家会员名", "买家会员昵称", "支付单号", "支付详情", "买家支付宝账号", "买家应付货款",
    "买家应付邮费", "买家支付积分", "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分",
    "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机", "订单创建时间",
    "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司", "订单备注", "宝贝总数量", "店铺Id",
    "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息",
    "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "新零售交易类型",
    "新零售导购门店id", "新零售导购门店名称", "新零售发货门店id", "新零售发货门店名称", "退款金额",
    "预约门店", "确认收货时间", "打款商家金额", "预售订单", "发货时间", "商家备忘", "主订单编号",
)
_TAOBAO_ITEMS = (
    "子订单编号", "主订单编号", "订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性",
    "套餐信息", "备注", "订单状态", "商家编码", "支付单号", "买家应付货款", "买家实际支付金额",
    "退款状态", "退款金额", "订单创建时间", "订单付款时间",
)
_SHOPIFY_ORDERS = (
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
_SHOPIFY_INVENTORY = (
    "Handle", "Title", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
    "Option3 Name", "Option3 Value", "SKU", "HS Code", "COO", "Location", "Bin name",
    "Incoming (not editable)", "Unavailable (not editable)", "Committed (not editable)",
    "Available (not editable)", "On hand (current)", "On hand (new)", "Available", "On hand",
    "Committed", "Incoming",
)


def _template_known(layout: str) -> tuple[str, ...]:
    table, _ = templates.TEMPLATES_TABLE[layout]
    names = [a for c in C.TABLE_COLUMNS[table] for a in templates.aliases(table, c)]
    if table == "orders":
        names += templates.aliases("orders", "status")
    return tuple(names)


KNOWN: dict[str, frozenset[str]] = {
    layout: frozenset(norm_header(h) for h in (
        *headers,
        *(h for group in dict(SIGNATURES)[layout] for h in group),
        *(h for group in REQUIRED[layout] for h in group),
    ))
    for layout, headers in {
        "taobao_orders": _TAOBAO_ORDERS,
        "taobao_items": _TAOBAO_ITEMS,
        "shopify_orders": _SHOPIFY_ORDERS,
        "shopify_inventory": _SHOPIFY_INVENTORY,
        "douyin_orders": douyin.HEADERS,
        "pinduoduo_orders": pinduoduo.HEADERS,
        "pinduoduo_refunds": pinduoduo.REFUND_HEADERS,
        "jd_orders": jd.HEADERS,
        **{layout: _template_known(layout) for layout in templates.TEMPLATES_TABLE},
    }.items()
}

_READERS: dict[str, tuple[str | None, Callable]] = {
    # layout -> (time zone naive times are written in, None = the desk's; reader)
    "taobao_orders": (taobao.SOURCE_TZ, taobao.read_orders),
    "taobao_items": (taobao.SOURCE_TZ, taobao.read_items),
    "shopify_orders": (None, shopify.read_orders),
    "shopify_inventory": (None, shopify.read_inventory),
    "douyin_orders": (douyin.SOURCE_TZ, douyin.read_orders),
    "pinduoduo_orders": (pinduoduo.SOURCE_TZ, pinduoduo.read_orders),
    "pinduoduo_refunds": (pinduoduo.SOURCE_TZ, pinduoduo.read_refunds),
    "jd_orders": (jd.SOURCE_TZ, jd.read_orders),
    **{
        layout: (None, lambda cells, layout=layout: templates.read_template(cells, layout))
        for layout in templates.TEMPLATES_TABLE
    },
}


def _platform(layout: str) -> str:
    return layout.split("_", 1)[0]


def candidates(headers: list[str]) -> list[tuple[str, int]]:
    """The layouts whose signature `headers` match, each with how many of the headers it
    knows, best first (ties in the order of SIGNATURES)."""
    present = {norm_header(h) for h in headers if isinstance(h, str)}
    found = [
        (layout, len(present & KNOWN[layout]))
        for layout, groups in SIGNATURES
        if all(any(norm_header(h) in present for h in group) for group in groups)
    ]
    return sorted(found, key=lambda c: -c[1])


def detect(headers: list[str]) -> tuple[str | None, list[str]]:
    """The layout of a header row, and the candidates when it is ambiguous.

    The whole row is weighed: the candidate that knows the most of the headers wins. Two
    layouts of the same platform that know as many (a subset of columns) go to the more
    specific one, first in SIGNATURES; layouts of different platforms that know as many are
    ambiguous: (None, their names)."""
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
    platform = None if layout.startswith("template_") else _platform(layout)
    if layout in ("template_orders", "template_lines"):
        platforms = sheet.cells.get("platform")
        platform = templates.DEFAULT_PLATFORM if platforms is None else None
    return Sniffed(layout, platform, names_shop)


# Layouts a large CSV of which is read in slices, with the header whose rows belong together
# (an order's rows: its first row carries the order, its lines are numbered within it), which
# a slice never splits.
SLICED: dict[str, tuple[str, ...] | None] = {
    "taobao_orders": None,
    "taobao_items": taobao.ITEM_ORDER_ID,
    "shopify_orders": ("Name",),
}


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


def _template(header: str, *rows: str) -> str:
    return "\n".join((header, *rows)) + "\n"


# Example files of the desk's templates, for download on the import page and the README.
TEMPLATES: dict[str, str] = {
    "orders": _template(
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
    "order_lines": _template(
        "order_id,line_id,sku,title,quantity,unit_price,paid,refund_status,is_gift,platform,shop",
        "PDD240501001,1,LIP-RED-01,丝绒口红 01 正红,2,64.00,118.00,没有申请退款,false,"
        "pinduoduo,Flagship",
        "PDD240501001,2,SAMPLE-MINI,小样 赠品,1,0.00,0.00,,true,pinduoduo,Flagship",
        "PDD240501002,1,SET-SKIN-3,护肤三件套 套装,1,59.90,59.90,requested,false,"
        "pinduoduo,Flagship",
    ),
    "stock": _template(
        "sku,name,available,on_hand,reserved,in_transit,safety_stock,warehouse",
        "LIP-RED-01,丝绒口红 01 正红,120,140,20,50,30,杭州仓",
        "SAMPLE-MINI,小样,800,800,0,0,100,杭州仓",
        "SET-SKIN-3,护肤三件套,-4,6,10,24,5,杭州仓",
    ),
    "bundles": _template(
        "bundle_sku,component_sku,quantity",
        "SET-SKIN-3,TONER-150,1",
        "SET-SKIN-3,SERUM-30,1",
        "SET-SKIN-3,CREAM-50,1",
    ),
    "promotions": _template(
        "name,start,end",
        "618 presale,2024-05-20 20:00,2024-06-15 23:59",
        "618 day,2024-06-18 00:00,2024-06-18 23:59",
        "双11 day,2024-11-11 00:00,2024-11-11 23:59",
    ),
}

__all__ = ["LAYOUTS", "SLICED", "TEMPLATES", "ReadWhole", "Slices", "candidates", "detect",
           "detect_layout", "plan_slices", "read_export", "sniff"]
