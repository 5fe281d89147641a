"""The import page: files and results, the shops, rejected rows, layouts, templates and the
demo kept apart."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # the import page
    "upload_files": ("选择导出文件（可多选）", "Choose export files (several at once)"),
    "import_button": ("导入", "Import"),
    "importing": ("正在导入", "Importing"),
    "import_history": ("导入记录", "Import history"),
    "templates": ("模板下载", "Templates"),
    "templates_help": (
        "其他平台或ERP：按模板整理后导入。",
        "Other platforms or ERPs: fill a template and import it.",
    ),
    "import_layouts": (
        "可识别：淘宝/天猫订单报表与宝贝报表、Shopify 订单与库存、抖店订单、拼多多订单与售后（售后信息）、"
        "京东订单，以及本系统模板（CSV 或 XLSX）。",
        "Reads: Taobao/Tmall order and item reports, Shopify orders and inventory, 抖店 (Douyin) "
        "orders, 拼多多 (Pinduoduo) orders and after-sales (售后信息), 京东 (JD) orders, and the "
        "desk's templates (CSV or XLSX).",
    ),
    "inbox_imported": ("收件夹里有 {n} 个新文件已导入，详见“导入”页的导入记录。",
                       "{n} new file(s) from the inbox imported: see the import history on the "
                       "Import page."),

    # each file's result
    "layout": ("识别格式", "Layout"),
    "rows_read": ("读取行数", "Rows read"),
    "rows_imported": ("导入行数", "Rows imported"),
    "rows_rejected": ("拒绝行数", "Rows rejected"),
    "status": ("结果", "Result"),
    "rejects": ("被拒绝的行", "Rejected rows"),
    "download_rejects": ("下载被拒绝的行", "Download rejected rows"),
    "status_imported": ("已导入", "imported"),
    "status_partial": ("部分导入", "partly imported"),
    "status_skipped": ("已导入过，未改变", "already imported, nothing changed"),
    "status_refused": ("拒绝", "refused"),
    "imp_result_read": (
        "{file} — {status}：识别为 {layout}，读取 {read} 行，导入 {imported} 行",
        "{file} — {status}: read as {layout}, {imported} of {read} rows imported"),
    "imp_result_rejected": ("，拒绝 {rejected} 行", ", {rejected} rejected"),
    "imp_result_skipped": ("{file} — {status}（与第 {import_id} 次导入的内容相同）",
                           "{file} — {status} (same content as import #{import_id})"),
    "imp_result_refused": ("{file} — {status}：未导入任何内容。",
                           "{file} — {status}: nothing was imported."),
    "imp_reader_detail": ("读取器的说明", "What the reader reported"),
    "imp_result_shop": ("店铺：{shop}", "Shop: {shop}"),

    # import history
    "imp_import_id": ("导入编号", "Import"),
    "imp_imported_at": ("导入时间", "Imported at"),
    "imp_file_name": ("文件名", "File"),
    "imp_layout": ("识别格式", "Layout"),
    "imp_rows_read": ("读取行数", "Rows read"),
    "imp_rows_imported": ("导入行数", "Rows imported"),
    "imp_rows_rejected": ("拒绝行数", "Rows rejected"),
    "imp_imported_by": ("导入人", "By"),
    "imp_sha256": ("文件指纹 (SHA-256)", "SHA-256"),

    # the shop of files that do not name it (DESIGN §13)
    "imp_shop_ask": ("{platform} 文件的店铺", "Shop of the {platform} files"),
    "imp_shop_help": (
        "这些文件没有店铺列（Shopify 导出从来没有）：请选择店铺或新建一个。默认是上次为该平台选择的店铺。"
        "两个店铺的订单绝不会合并：订单编号与该店铺中下单时间不同的订单相同的文件会被拒绝。",
        "These files do not name their shop (a Shopify export never does): choose it, or add a "
        "new one. Proposed: the shop last chosen for this platform. Two shops are never "
        "merged: a file whose order ids belong to that shop's orders created at other times "
        "is refused."),
    "imp_shop_files": ("文件：{files}", "Files: {files}"),
    "imp_shop_auto": ("不指定（按已导入的同号订单的店铺，否则为未命名店铺）",
                      "Not named (the shop of stored orders with these ids, else the unnamed shop)"),
    "imp_shop_new": ("新店铺…", "New shop…"),
    "imp_shop_new_name": ("新店铺的名称", "New shop's name"),
    "imp_shop_new_missing": ("请填写新店铺的名称。", "Type the new shop's name."),
    "imp_shop_own": ("文件自带店铺列，按文件中的店铺导入：{files}",
                     "These files name their own shop, which is kept: {files}"),
    "imp_clash": (
        "{file} 中有 {n} 个订单编号已属于店铺“{shop}”里下单时间不同的订单：这是另一个店铺的订单。"
        "未导入任何内容；请为该文件选择它自己的店铺后重新导入。",
        "{n} order ids of {file} already belong to orders of the shop “{shop}” created at "
        "other times: another shop's orders. Nothing was imported; import the file again "
        "under its own shop."),
    "imp_clash_order_id": ("订单编号", "Order id"),
    "imp_clash_stored": ("已导入订单的下单时间", "Created (stored order)"),
    "imp_clash_file": ("本文件中的下单时间", "Created (this file)"),

    # the shops (DESIGN §13): the name shown with a shop's platform
    "shop_unnamed": ("未命名店铺", "Unnamed shop"),
    "shops_title": ("店铺", "Shops"),
    "shops_help": (
        "订单里保存的店铺标识不会改变（订单的操作记录随之保留）；经理可以为店铺设置显示名称，"
        "筛选、列表和下载中都显示这个名称和平台。",
        "The shop key stored with the orders never changes (their history stays attached); "
        "a manager gives a shop the name shown with its platform in the filters, lists and "
        "downloads."),
    "shops_none": ("还没有店铺：导入订单后会列在这里。",
                   "No shops yet: they are listed here once orders are imported."),
    "shop_col_name": ("显示名称", "Name"),
    "shop_col_platform": ("平台", "Platform"),
    "shop_col_shop": ("店铺标识（导入时的名称）", "Key (as imported)"),
    "shop_col_time_zone": ("时区", "Time zone"),
    "shop_col_currency": ("货币", "Currency"),
    "shop_col_orders": ("订单数", "Orders"),
    "shop_col_renamed_at": ("改名时间", "Renamed at"),
    "shop_col_renamed_by": ("改名人", "Renamed by"),
    "shop_rename_pick": ("要改名的店铺", "Shop to rename"),
    "shop_rename_name": ("新的显示名称（留空则显示店铺标识）", "New display name (empty: its key)"),
    "shop_rename_button": ("保存名称", "Save name"),
    "shop_renamed": ("店铺已改名。", "The shop was renamed."),
    "shop_rename_taken": ("同一平台已有店铺显示为这个名称。",
                          "Another shop of this platform is shown by that name."),

    # rejected rows
    "imp_rej_file": ("文件", "File"),
    "imp_rej_row": ("行", "Row"),
    "imp_rej_column": ("列", "Column"),
    "imp_rej_reason": ("原因", "Reason"),
    "imp_rej_value": ("值", "Value"),

    # the demo kept apart: which data is on screen
    "imp_on_screen_demo": (
        "当前显示的是演示数据（单独存放）。导入您的第一个文件后，将建立您自己的数据库并切换过去，演示订单不会混入。",
        "On screen: the demo data, kept in a store of its own. Your first import starts your "
        "own store and the app switches to it; no demo order is mixed in.",
    ),
    "imp_on_screen_own": ("当前显示的是您自己导入的数据。", "On screen: your own imported data."),
    "imp_demo_mixed": (
        "此数据库中还有旧版本导入的演示订单。",
        "This store still holds demo orders imported by an earlier version.",
    ),
    "imp_store_file": ("数据库文件", "Store file"),
    "imp_switched_to_own": (
        "已建立您自己的数据库并切换过去；演示数据仍单独保存。",
        "Your own store was started and is now on screen; the demo stays apart.",
    ),

    # layouts the readers know (DESIGN §9)
    "layout_taobao_orders": ("淘宝/天猫订单报表", "Taobao/Tmall orders"),
    "layout_taobao_items": ("淘宝/天猫宝贝报表", "Taobao/Tmall items"),
    "layout_shopify_orders": ("Shopify 订单", "Shopify orders"),
    "layout_shopify_inventory": ("Shopify 库存", "Shopify inventory"),
    "layout_douyin_orders": ("抖店订单", "Douyin (抖店) orders"),
    "layout_pinduoduo_orders": ("拼多多订单", "Pinduoduo orders"),
    "layout_pinduoduo_refunds": ("拼多多售后", "Pinduoduo after-sales"),
    "layout_taobao_refunds": ("淘宝/天猫退款报表", "Taobao/Tmall refund report"),
    "layout_douyin_cases": ("抖店售后单", "Douyin after-sales cases"),
    "layout_template_cases": ("售后模板", "After-sales template"),
    "layout_jd_orders": ("京东订单", "JD orders"),
    "layout_template_orders": ("订单模板", "orders template"),
    "layout_template_lines": ("商品行模板", "order lines template"),
    "layout_template_bundles": ("套装模板", "sets template"),
    "layout_template_stock": ("库存模板", "stock template"),
    "layout_template_promotions": ("活动模板", "promotions template"),

    # templates
    "tpl_orders": ("订单", "orders"),
    "tpl_order_lines": ("商品行", "order lines"),
    "tpl_stock": ("库存", "stock"),
    "tpl_bundles": ("套装", "sets"),
    "tpl_promotions": ("活动", "promotions"),
}
