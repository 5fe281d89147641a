"""Export layouts: detect a file's layout from its headers and map it to canonical frames.

`read_export` is the one entry point: bytes in, a `canonical.Parsed` out, or `FileRefused`
for a file that cannot be read at all. Layouts are recognised by their trimmed headers,
Chinese or English, never by the file name or column positions; any subset of a layout's
columns that keeps its required ones is read.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.canonical import FileRefused, Parsed
from pipeline.formats import shopify, taobao, templates
from pipeline.formats.reading import read_sheet
from pipeline.formats.values import Cells, norm_header

# Recognising a layout: each group of headers needs at least one present; first match wins.
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
    **{layout: templates.required_headers(layout) for layout in templates.TEMPLATES_TABLE},
}

LAYOUTS = tuple(name for name, _ in SIGNATURES)

_READERS: dict[str, tuple[str | None, Callable]] = {
    # layout -> (time zone naive times are written in, None = the desk's; reader)
    "taobao_orders": (taobao.SOURCE_TZ, taobao.read_orders),
    "taobao_items": (taobao.SOURCE_TZ, taobao.read_items),
    "shopify_orders": (None, shopify.read_orders),
    "shopify_inventory": (None, shopify.read_inventory),
    **{
        layout: (None, lambda cells, layout=layout: templates.read_template(cells, layout))
        for layout in templates.TEMPLATES_TABLE
    },
}


def detect_layout(headers: list[str]) -> str | None:
    """The layout whose signature headers appear in `headers`, or None."""
    present = {norm_header(h) for h in headers if isinstance(h, str)}
    for layout, groups in SIGNATURES:
        if all(any(norm_header(h) in present for h in group) for group in groups):
            return layout
    return None


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
    sheet = read_sheet(file_name, held, lambda headers: detect_layout(headers) is not None)
    layout = detect_layout(sheet.headers)
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

__all__ = ["LAYOUTS", "TEMPLATES", "detect_layout", "read_export"]
