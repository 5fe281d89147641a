"""Every label the product shows, in both languages, in one place.

`LABELS[key] = (中文, English)`. Topics add their own block with `LABELS.update({...})` below.
"""

from __future__ import annotations

LANGS = ("zh", "en")

# The nine order states of DESIGN §3, in display order.
STATES = (
    "unconfirmed_unpaid",
    "confirmed_unpaid",
    "paid_unprocessed",
    "paid_processed",
    "shipped",
    "completed",
    "refunding",
    "refunded",
    "closed",
)

LABELS: dict[str, tuple[str, str]] = {
    # states
    "unconfirmed_unpaid": ("未确认未付款", "Unconfirmed, unpaid"),
    "confirmed_unpaid": ("已确认未付款", "Confirmed, unpaid"),
    "paid_unprocessed": ("未处理已确认已付款", "Paid, not processed"),
    "paid_processed": ("已处理已确认已付款", "Paid, processed"),
    "shipped": ("已发货", "Shipped"),
    "completed": ("已处理已发货", "Completed"),
    "refunding": ("退款中", "Refunding"),
    "refunded": ("退款成功", "Refunded"),
    "closed": ("已关闭", "Closed"),
    "partial_refund": ("部分退款", "Partial refund"),
    "partial_ship": ("部分发货", "Partly shipped"),
    # app frame
    "app_title": ("订单台", "Order Desk"),
    "language": ("语言", "Language"),
    "filters": ("筛选", "Filters"),
    "date_range": ("日期范围（下单时间）", "Date range (order created)"),
    "shop": ("店铺", "Shop"),
    "platform": ("平台", "Platform"),
    "all": ("全部", "All"),
    "demo_banner": (
        "演示数据：请在“导入”页面导入您的平台导出文件",
        "demo data — import your exports on the Import page",
    ),
    "empty_store": (
        "还没有订单。请在“导入”页面导入平台导出文件。",
        "No orders yet. Import your platform's exports on the Import page.",
    ),
    # pages
    "page_overview": ("总览", "Overview"),
    "page_import": ("导入", "Import"),
    # overview
    "day": ("日期", "Day"),
    "kpi_orders": ("订单数", "Orders"),
    "kpi_paid_orders": ("付款订单", "Paid orders"),
    "kpi_paid_amount": ("付款金额", "Paid amount"),
    "kpi_aov": ("客单价", "Average order value"),
    "kpi_shipped": ("发货订单", "Shipped"),
    "kpi_refund_amount": ("退款金额", "Refund amount"),
    "kpi_refund_rate": ("退款率", "Refund rate"),
    "kpi_shipped_72h": ("72小时发货率", "Shipped within 72 h"),
    "vs_previous_day": ("较前一天", "vs the day before"),
    "state_counts": ("订单状态", "Orders by state"),
    "state": ("状态", "State"),
    "orders": ("订单", "Orders"),
    "paid_amount": ("付款金额", "Paid amount"),
    "per_day": ("每日订单与付款金额", "Orders and paid amount per day"),
    "download_workbook": ("下载日报工作簿 (XLSX)", "Download the daily workbook (XLSX)"),
    # import
    "upload_files": ("选择导出文件（可多选）", "Choose export files (several at once)"),
    "import_button": ("导入", "Import"),
    "importing": ("正在导入", "Importing"),
    "layout": ("识别格式", "Layout"),
    "rows_read": ("读取行数", "Rows read"),
    "rows_imported": ("导入行数", "Rows imported"),
    "rows_rejected": ("拒绝行数", "Rows rejected"),
    "status": ("结果", "Result"),
    "rejects": ("被拒绝的行", "Rejected rows"),
    "download_rejects": ("下载被拒绝的行", "Download rejected rows"),
    "import_history": ("导入记录", "Import history"),
    "templates": ("模板下载", "Templates"),
    "templates_help": (
        "其他平台或ERP：按模板整理后导入。",
        "Other platforms or ERPs: fill a template and import it.",
    ),
    "status_imported": ("已导入", "imported"),
    "status_partial": ("部分导入", "partly imported"),
    "status_skipped": ("已导入过，未改变", "already imported, nothing changed"),
    "status_refused": ("拒绝", "refused"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
}


def label(key: str, lang: str = "zh") -> str:
    """The label of `key` in `lang`; the key itself when none is defined."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]
