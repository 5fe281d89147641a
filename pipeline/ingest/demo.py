"""Demo exports: a cosmetics shop's Taobao order and item reports, stock, bundles, promotions
and after-sales cases.

`write_demo` writes the files a desk of two Tmall/Taobao shops of one cosmetics brand would load
on a morning: the order report (订单报表) and item report (宝贝报表) in the 2020s seller-centre
layouts (GBK, every field quoted, ids as `="…"`), the desk's stock, bundle and promotion
templates, and the after-sales exports (DESIGN §11): each shop's refund report (退款报表, the
旗舰店's in the current layout, the 专营店's in the older one), one case per refunded line that
agrees with the item and order reports, and the 抖店 售后单 of the brand's 抖店 shop (UTF-8,
ids tab-prefixed, refunds signed). Same seed and same `end` give the same bytes.

Orders follow a daily and hourly rhythm with a 双11 presale and a 双11 day spike; each order's
status follows from its age at `end` (paid, processed, shipped, received, refunded, closed).
When the window holds a 双11, last year's 双11 day is there too (its period, "双11 2025" for
"双11 2026", and its orders, out of the same total), as a shop that sold a year before has it:
the War room projects the day from last year's shape. Cases follow the refunds: more in the
days after 双11 (its orders come back, more of them bought on impulse), every status, some
past the platform's deadline, some refunded by the platform at it (missed). A few percent of
the orders carry a buyer message (买家留言) and a seller note (订单备注, 商家备忘): every category
of the desk's default message rules among them (DESIGN §12), and plain words no rule catches.
About one order in a hundred, and most of those the shop noted, carries the shop's flag (旗帜, a
colour), in the export of the shop's ERP (the order template: the 订单报表 has no flag). The
stock carries each SKU's barcode (条码: the brand's 69-codes, imported products' codes with
leading zeros). A later order report (LATER_FILE) shows a few orders waiting to ship edited
after the desk processed them (a buyer message, a seller note, a new address): load_demo
records the processing before it imports that report, so that they show as changed (§12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.ingest.formats import douyin, taobao

TIMEZONE = "Asia/Shanghai"
ORDERS_FILE = "taobao_orders.csv"
ITEMS_FILE = "taobao_items.csv"
STOCK_FILE = "stock.csv"
BUNDLES_FILE = "bundles.csv"
PROMOTIONS_FILE = "promotions.csv"
REFUNDS_FILE = "taobao_refunds.csv"            # 退款报表, current layout (the 旗舰店's)
REFUNDS_OLD_FILE = "taobao_refunds_old.csv"    # 退款报表, older layout (the 专营店's)
DOUYIN_CASES_FILE = "douyin_aftersales.csv"    # 抖店 售后单
FLAGS_FILE = "order_flags.csv"                 # the seller's flags, from the shop's ERP (order template)
LATER_FILE = "taobao_orders_later.csv"         # 订单报表 of an hour later: a few orders edited
# the order reports before the case files: a case takes the shop of its stored order; the
# later order report last (the desk processes its orders before it comes: load_demo)
DEMO_FILES = (ORDERS_FILE, ITEMS_FILE, FLAGS_FILE, STOCK_FILE, BUNDLES_FILE, PROMOTIONS_FILE,
              REFUNDS_FILE, REFUNDS_OLD_FILE, DOUYIN_CASES_FILE, LATER_FILE)

ORDER_HEADERS = (
    "订单编号", "买家会员名", "买家会员昵称", "支付单号", "支付详情", "买家支付宝账号",
    "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分", "买家实际支付金额",
    "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话",
    "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司",
    "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费",
    "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片",
    "是否上传小票", "是否代付", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息",
    "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店", "确认收货时间",
    "打款商家金额", "预售订单", "发货时间", "商家备忘", "主订单编号",
)
ITEM_HEADERS = (
    "子订单编号", "主订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息",
    "备注", "订单状态", "商家编码", "支付单号", "买家应付货款", "买家实际支付金额", "退款状态",
    "退款金额", "订单创建时间", "订单付款时间",
)
STOCK_HEADERS = ("商家编码", "商品名称", "条码", "实际库存", "占用库存", "可用库存", "在途库存", "安全库存",
                 "仓库")
# the order template's columns the ERP's flag export fills (DESIGN §9, §12)
FLAG_HEADERS = ("order_id", "created_at", "platform", "shop", "seller_flag")

# ---------------------------------------------------------------------------------------------
# The shop
# ---------------------------------------------------------------------------------------------

# shop name, shop id, share of orders
SHOPS = (
    ("花漾美妆旗舰店", "573920184", 0.72),
    ("花漾美妆专营店", "109384756", 0.28),
)

# 商家编码, 商品名称 (stock), 宝贝标题, 价格 (yuan), 商品属性, popularity
PRODUCTS = (
    ("HY-SERUM-30ML", "小棕瓶修护精华30ml", "花漾小棕瓶修护精华液30ml 保湿紧致抗初老", 399, "规格：30ml", 10.0),
    ("HY-SERUM-50ML", "小棕瓶修护精华50ml", "花漾小棕瓶修护精华液50ml 大瓶装 修护肌底", 569, "规格：50ml", 4.0),
    ("HY-VC-SERUM-30ML", "VC焕亮精华30ml", "花漾VC焕亮精华液30ml 提亮肤色 淡化暗沉", 299, "规格：30ml", 5.0),
    ("HY-NIA-SERUM-30ML", "烟酰胺美白精华30ml", "花漾烟酰胺美白精华30ml 均匀肤色 官方正品", 259, "规格：30ml", 5.0),
    ("HY-EYE-15G", "紧致眼霜15g", "花漾紧致淡纹眼霜15g 淡化细纹黑眼圈", 329, "规格：15g", 4.0),
    ("HY-CREAM-50G", "玻尿酸保湿面霜50g", "花漾玻尿酸保湿面霜50g 补水锁水 清爽不油腻", 269, "规格：50g", 7.0),
    ("HY-CREAM-RICH-50G", "修护滋润面霜50g", "花漾修护滋润面霜50g 干皮秋冬 舒缓泛红", 349, "规格：50g", 4.0),
    ("HY-CREAM-NIGHT-50G", "晚安修护晚霜50g", "花漾晚安修护晚霜50g 熬夜急救 睡眠修护", 299, "规格：50g", 3.0),
    ("HY-TONER-150ML", "玻尿酸补水爽肤水150ml", "花漾玻尿酸补水爽肤水150ml 湿敷化妆水", 159, "规格：150ml", 6.0),
    ("HY-LOTION-120ML", "玻尿酸保湿乳液120ml", "花漾玻尿酸保湿乳液120ml 补水保湿 男女可用", 179, "规格：120ml", 5.0),
    ("HY-ESSENCE-200ML", "酵母精华水200ml", "花漾酵母精华水200ml 神仙水 细致毛孔", 329, "规格：200ml", 4.0),
    ("HY-MASK-HYA-5P", "玻尿酸补水面膜5片装", "花漾玻尿酸补水面膜 5片装 熬夜补水急救", 69, "规格：5片", 8.0),
    ("HY-MASK-HYA-10P", "玻尿酸补水面膜10片装", "花漾玻尿酸补水面膜 10片装 囤货装", 119, "规格：10片", 7.0),
    ("HY-MASK-CLAY-100G", "清洁泥膜100g", "花漾深层清洁泥膜100g 去黑头 收缩毛孔", 129, "规格：100g", 4.0),
    ("HY-MASK-SLEEP-80G", "睡眠面膜80g", "花漾免洗睡眠面膜80g 补水保湿 涂抹式", 149, "规格：80g", 3.0),
    ("HY-SUN-SPF50-50ML", "清透防晒乳SPF50 50ml", "花漾清透防晒乳SPF50+ PA++++ 50ml 军训户外", 149, "规格：50ml", 7.0),
    ("HY-SUN-SPRAY-150ML", "防晒喷雾150ml", "花漾清爽防晒喷雾150ml 全身可用 SPF50+", 99, "规格：150ml", 4.0),
    ("HY-SUN-STICK-20G", "防晒棒20g", "花漾便携防晒棒20g 补涂不搓泥", 89, "规格：20g", 3.0),
    ("HY-CLEANSE-OIL-200ML", "温和卸妆油200ml", "花漾温和卸妆油200ml 深层清洁 敏感肌可用", 139, "规格：200ml", 6.0),
    ("HY-CLEANSE-WATER-400ML", "卸妆水400ml", "花漾温和卸妆水400ml 眼唇脸三合一", 89, "规格：400ml", 6.0),
    ("HY-CLEANSE-BALM-100G", "卸妆膏100g", "花漾净澈卸妆膏100g 乳化快 不糊眼", 119, "规格：100g", 3.0),
    ("HY-FOAM-120G", "氨基酸洗面奶120g", "花漾氨基酸洗面奶120g 温和控油 男女士", 79, "规格：120g", 8.0),
    ("HY-FOAM-MOUSSE-150ML", "洁面慕斯150ml", "花漾绵密洁面慕斯150ml 敏感肌洁面泡沫", 89, "规格：150ml", 3.0),
    ("HY-LIP-999", "丝绒口红#999正红", "花漾丝绒哑光口红 显白不拔干 生日礼物", 249, "颜色分类：#999正红色", 6.0),
    ("HY-LIP-520", "丝绒口红#520豆沙", "花漾丝绒哑光口红 显白不拔干 生日礼物", 249, "颜色分类：#520豆沙色", 5.0),
    ("HY-LIP-316", "丝绒口红#316枫叶红", "花漾丝绒哑光口红 显白不拔干 生日礼物", 249, "颜色分类：#316枫叶红", 4.0),
    ("HY-LIP-888", "丝绒口红#888复古红", "花漾丝绒哑光口红 显白不拔干 生日礼物", 249, "颜色分类：#888复古红", 3.0),
    ("HY-GLAZE-01", "水光唇釉#01", "花漾水光镜面唇釉 玻璃唇 不沾杯", 169, "颜色分类：#01蜜桃", 3.0),
    ("HY-GLAZE-05", "水光唇釉#05", "花漾水光镜面唇釉 玻璃唇 不沾杯", 169, "颜色分类：#05奶茶", 3.0),
    ("HY-LIPBALM-4G", "润唇膏4g", "花漾保湿润唇膏4g 淡化唇纹 男女可用", 59, "规格：4g", 4.0),
    ("HY-FDN-01-30ML", "持妆粉底液01象牙白", "花漾持妆粉底液30ml 控油遮瑕 混油皮", 329, "颜色分类：01象牙白", 4.0),
    ("HY-FDN-02-30ML", "持妆粉底液02自然色", "花漾持妆粉底液30ml 控油遮瑕 混油皮", 329, "颜色分类：02自然色", 3.0),
    ("HY-CUSHION-01", "水润气垫01亮白", "花漾水润气垫BB霜 遮瑕保湿 送替换芯", 269, "颜色分类：01亮白", 3.0),
    ("HY-CUSHION-02", "水润气垫02自然", "花漾水润气垫BB霜 遮瑕保湿 送替换芯", 269, "颜色分类：02自然", 3.0),
    ("HY-POWDER-8G", "控油散粉8g", "花漾控油定妆散粉8g 持久不脱妆 蜜粉", 199, "规格：8g", 3.0),
    ("HY-PRIMER-30ML", "隔离妆前乳30ml", "花漾隐形毛孔妆前乳30ml 隔离霜", 189, "规格：30ml", 2.0),
    ("HY-CONCEALER-01", "遮瑕液01", "花漾遮瑕液 遮痘印黑眼圈 不卡粉", 129, "颜色分类：01亮肤", 2.0),
    ("HY-BROW-01", "极细眉笔01", "花漾极细眉笔 防水防汗不脱色 新手", 59, "颜色分类：01灰棕", 4.0),
    ("HY-MASCARA-01", "纤长睫毛膏", "花漾纤长卷翘睫毛膏 防水不晕染", 99, "颜色分类：黑色", 3.0),
    ("HY-LINER-BLK", "眼线液笔黑色", "花漾极细眼线液笔 防水持久 新手不晕", 69, "颜色分类：黑色", 2.0),
    ("HY-SHADOW-PLT-01", "九色眼影盘01", "花漾九色眼影盘 大地色 珠光哑光", 239, "颜色分类：01大地色", 2.0),
    ("HY-BLUSH-02", "腮红02蜜桃", "花漾单色腮红 自然蜜桃 显气色", 149, "颜色分类：02蜜桃", 2.0),
    ("HY-SETTING-100ML", "定妆喷雾100ml", "花漾持妆定妆喷雾100ml 控油补水", 129, "规格：100ml", 2.0),
    ("HY-BODY-250ML", "烟酰胺身体乳250ml", "花漾烟酰胺身体乳250ml 保湿滋润 持久留香", 99, "规格：250ml", 4.0),
    ("HY-HAND-50G", "护手霜50g", "花漾玫瑰护手霜50g 滋润不油腻", 49, "规格：50g", 4.0),
    ("HY-PERFUME-30ML", "栀子花淡香水30ml", "花漾栀子花淡香水30ml 清新持久 送女友", 399, "规格：30ml", 2.0),
    ("HY-PERFUME-50ML", "栀子花淡香水50ml", "花漾栀子花淡香水50ml 清新持久 礼盒装", 599, "规格：50ml", 1.5),
)

# 商家编码, 商品名称, 宝贝标题 (some do not say 套装), 价格, 套餐信息 when the listing gives one,
# popularity, components (component 商家编码, quantity)
BUNDLES = (
    ("HY-SET-SERUM-CREAM", "精华面霜护肤套装", "花漾小棕瓶精华+玻尿酸面霜 护肤套装", 599, "套餐类型：精华+面霜", 5.0,
     (("HY-SERUM-30ML", 1), ("HY-CREAM-50G", 1))),
    ("HY-SET-HYDRA-3", "玻尿酸水乳霜三件套", "花漾玻尿酸补水保湿水乳霜 三件套", 499, "套餐类型：水+乳+霜", 4.0,
     (("HY-TONER-150ML", 1), ("HY-LOTION-120ML", 1), ("HY-CREAM-50G", 1))),
    ("HY-SET-CLEAN-2", "卸妆洁面两件套", "花漾明星清洁CP 卸妆油+氨基酸洗面奶", 189, "", 3.0,
     (("HY-CLEANSE-OIL-200ML", 1), ("HY-FOAM-120G", 1))),
    ("HY-SET-MASK-STOCKUP", "面膜囤货组合", "花漾补水面膜20片+清洁泥膜 囤货不踩雷", 329, "", 3.0,
     (("HY-MASK-HYA-10P", 2), ("HY-MASK-CLAY-100G", 1))),
    ("HY-SET-LIP-GIFT", "丝绒口红三支礼盒", "花漾丝绒口红礼盒 三支装 送女友生日礼物", 599, "套餐类型：口红礼盒3支", 3.0,
     (("HY-LIP-999", 1), ("HY-LIP-520", 1), ("HY-LIP-316", 1))),
    ("HY-SET-SUN-2", "防晒双支加防晒棒", "花漾清透防晒乳两支+便携防晒棒 户外必备", 299, "", 2.0,
     (("HY-SUN-SPF50-50ML", 2), ("HY-SUN-STICK-20G", 1))),
    ("HY-SET-BASE-4", "持妆底妆四件套", "花漾持妆底妆套装 妆前乳+粉底液+散粉+遮瑕", 699, "套餐类型：底妆四件套", 2.0,
     (("HY-PRIMER-30ML", 1), ("HY-FDN-01-30ML", 1), ("HY-POWDER-8G", 1), ("HY-CONCEALER-01", 1))),
    ("HY-SET-ANTIAGE-GIFT", "抗老修护礼盒", "花漾小棕瓶抗老修护礼盒 精华眼霜晚霜精华水", 1099, "套餐类型：抗老礼盒", 3.0,
     (("HY-SERUM-30ML", 1), ("HY-EYE-15G", 1), ("HY-CREAM-NIGHT-50G", 1), ("HY-ESSENCE-200ML", 1))),
)

# 商家编码, 商品名称, 宝贝标题, 备注 (gifts whose title does not say so are marked here), share
GIFTS = (
    ("HY-GIFT-SERUM-5ML", "小棕瓶精华小样5ml", "【赠品】花漾小棕瓶精华小样5ml", "", 5.0),
    ("HY-GIFT-CREAM-5G", "玻尿酸面霜小样5g", "【赠品】花漾玻尿酸面霜小样5g", "", 4.0),
    ("HY-GIFT-MASK-1P", "玻尿酸补水面膜单片", "花漾玻尿酸补水面膜 单片装", "赠品", 4.0),
    ("HY-GIFT-LIP-MINI", "丝绒口红小样#999", "花漾丝绒口红小样#999 1.5g", "赠品 随单发", 2.0),
    ("HY-GIFT-POUCH", "品牌化妆包", "【赠品】花漾品牌化妆包", "", 2.0),
    ("HY-GIFT-COTTON", "化妆棉50片", "花漾化妆棉50片", "赠品", 3.0),
    ("HY-GIFT-SUN-10ML", "防晒乳小样10ml", "【赠品】花漾清透防晒乳小样10ml", "", 2.0),
)

WAREHOUSES = ("杭州主仓", "广州分仓")

# ---------------------------------------------------------------------------------------------
# When people buy
# ---------------------------------------------------------------------------------------------

# orders per hour of the day, an ordinary day (night dip, evening peak)
HOUR_PROFILE = (0.55, 0.30, 0.15, 0.08, 0.06, 0.07, 0.15, 0.35, 0.60, 0.85, 1.00, 1.00,
                0.95, 0.90, 0.95, 0.95, 0.90, 0.85, 0.90, 1.10, 1.45, 1.65, 1.50, 1.00)
# a big promotion day: the midnight rush, then a strong evening
BIG_DAY_PROFILE = (10.0, 4.0, 1.5, 0.6, 0.3, 0.3, 0.4, 0.7, 1.0, 1.3, 1.5, 1.5,
                   1.4, 1.4, 1.4, 1.4, 1.3, 1.3, 1.4, 1.7, 2.2, 2.6, 2.8, 2.0)
# Monday .. Sunday
WEEKDAY_FACTOR = (0.95, 0.95, 0.97, 1.00, 1.02, 1.10, 1.08)

# name, start (month, day, hour), last hour (month, day, hour), orders vs an ordinary day,
# big-day hourly profile, boost of the first hours (presale opening)
PROMOTIONS = (
    ("618", (6, 18, 0), (6, 18, 23), 3.5, True, 1.0),
    ("双11预售", (10, 20, 20), (11, 10, 23), 1.6, False, 3.0),
    ("双11", (11, 11, 0), (11, 11, 23), 6.5, True, 1.0),
    ("双12", (12, 12, 0), (12, 12, 23), 2.5, True, 1.0),
)
PRESALE, DOUBLE11 = "双11预售", "双11"
# days just after 双11 that still sell more (返场), not listed as promotions
AFTERGLOW = (((11, 12), 1.5), ((11, 13), 1.2))

# ---------------------------------------------------------------------------------------------
# What happens to an order (shares and delays)
# ---------------------------------------------------------------------------------------------

HOUR, DAY = 3600, 86400
MAX_SHIP_DAYS = 7             # the slowest parcel still leaves within a week of payment

PAID_LINES = ((1, 0.52), (2, 0.25), (3, 0.12), (4, 0.06), (5, 0.03), (6, 0.02))
QUANTITIES = ((1, 0.82), (2, 0.13), (3, 0.04), (5, 0.01))
GIFT_SHARE = {"ordinary": 0.30, "promotion": 0.65}
BUNDLE_SHARE = {"ordinary": 0.07, "promotion": 0.22}

SHARE = {
    "cod": 0.004,                 # cash on delivery
    "cod_never_confirmed": 0.15,
    "presale": 0.40,              # of orders placed in the presale period
    "presale_tail_unpaid": 0.05,  # deposit paid, balance never paid
    "never_paid": 0.08,
    "buyer_closes": 0.30,         # of never-paid orders: closed by the buyer, else auto-closed at 72 h
    "refund_before_ship": 0.02,   # full refund of a paid order before shipping
    "slow_ship": 0.035,           # shipping takes several times longer (stock, problems)
    "buyer_confirms": 0.65,       # confirms receipt soon after delivery, else auto-confirm at 10 days
    "open_request_unshipped": 0.03,
    "partial_refund_unshipped": 0.008,
    "full_return": 0.006,
    "partial_refund": 0.02,
    "after_sale_request": 0.045,
    "refund_refused": 0.006,
    "refund_closed": 0.01,
    "message": 0.08,
    "seller_note": 0.02,
    "vague_address": 0.015,
    "invoice": 0.03,
    "mobile": 0.86,
    "paid_by_friend": 0.01,
    "merge_pairs": 0.008,         # of open orders: a second order of the same buyer and address
    "flag": 0.01,                 # the shop flagged the order (旗帜)
    "flag_noted": 0.6,            # of the orders with a seller note: flagged too
}

# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

STATUS = (
    "等待买家付款",                      # 0
    "买家已付款，等待卖家发货",          # 1
    "卖家已发货，等待买家确认",          # 2
    "交易成功",                          # 3
    "交易关闭",                          # 4
    "等待买家确认货到付款订单信息",      # 5 COD
    "买家已确认，等待卖家发货",          # 6 COD
    "卖家已发货，等待买家确认收货并付款",  # 7 COD
    "买家已签收",                        # 8 COD
    "买家已签收，回款至卖家",            # 9 COD
)
(S_UNPAID, S_PAID, S_SHIPPED, S_SUCCESS, S_CLOSED,
 S_COD_NEW, S_COD_CONFIRMED, S_COD_SHIPPED, S_COD_SIGNED, S_COD_SETTLED) = range(10)

REFUND_STATUS = (
    "没有申请退款",                       # 0
    "买家已经申请退款，等待卖家同意",     # 1
    "卖家已经同意退款，等待买家退货",     # 2
    "买家已经退货，等待卖家确认收货",     # 3
    "卖家拒绝退款",                       # 4
    "退款关闭",                           # 5
    "退款成功",                           # 6
)
R_NONE, R_REQUESTED, R_AGREED, R_RETURNED, R_REFUSED, R_CLOSED, R_SUCCESS = range(7)

UNPAID_CLOSE_REASONS = ("买家不想买了", "信息填写错误，重新拍", "拍错了，重新下单", "其他原因", "同城见面交易")
AUTO_CLOSE_REASON = "付款超时，交易自动关闭"
REFUND_CLOSE_REASON = "全额退款，交易关闭"
OPEN_REASON = "订单未关闭"

# courier, tracking prefix, digits after it, share of ordinary parcels, share of valuable ones
COURIERS = (
    ("顺丰速运", "SF", 13, 0.12, 0.70),
    ("中通快递", "78", 12, 0.30, 0.08),
    ("圆通速递", "YT", 13, 0.22, 0.08),
    ("韵达快递", "43", 13, 0.16, 0.04),
    ("申通快递", "77", 13, 0.14, 0.04),
    ("京东物流", "JDVA", 11, 0.06, 0.06),
)
VALUABLE_CENTS = 40000

# What buyers write in 买家留言 (SHARE["message"] of the orders) and how often, by the category of
# the desk's default message rules (DESIGN §12) that catches it; the last ones no rule catches.
MESSAGES = (
    # address_change: held until the desk reviews it
    ("地址写错了，改成浙江省杭州市西湖区文三路90号东部软件园", 1.2),
    ("改地址，改成公司地址，已联系客服", 1.5),      # ADDRESS_CHANGE: 修改后的收货地址 given
    ("收货地址有误，是12栋不是21栋", 0.8),
    ("麻烦换地址，寄到我妈家，电话不变", 0.6),
    # variant_change: held
    ("口红换色号，要#520豆沙色，不要#999", 1.2),
    ("拍错了，粉底液换颜色，要02自然色", 0.8),
    ("精华改规格，要50ml的，差价补给你", 0.6),
    # cancel_request: held
    ("不要了，取消订单", 0.8),
    ("拍重复了，这单先别发", 0.5),
    ("不想要了，麻烦直接退款", 0.5),
    # courier_request: the courier asked (or refused)
    ("麻烦发顺丰，邮费可以补", 2.0),
    ("指定中通，别的快递我们村不到", 1.0),
    ("不要发韵达，上次丢件了", 0.8),
    ("请走京东，谢谢", 0.6),
    # urgent: first in the queue
    ("请尽快发货，谢谢", 2.0),
    ("急用，今天能发吗", 1.5),
    ("加急！周五出差要带", 1.0),
    ("什么时候发货？等着用", 0.8),
    # invoice: tagged
    ("要发票，抬头：杭州青禾网络科技有限公司，税号：91330106MA2B7C4K5X", 1.0),
    ("麻烦开票，个人抬头就行", 0.6),
    ("送人的，请不要放发票和价格单", 0.6),
    # gift_request: tagged
    ("能不能多送几个小样", 2.0),
    ("赠品要面霜小样，不要面膜", 1.0),
    ("老客户了，多送点面膜呗", 0.8),
    # delivery: printed on the slip
    ("放快递柜就行，不要打电话", 1.5),
    ("周末家里没人，请工作日送达", 1.0),
    ("放菜鸟驿站，谢谢", 1.0),
    # two at once: urgent and courier_request
    ("加急，发顺丰，运费我补", 0.6),
    # plain: no rule catches these
    ("谢谢", 2.0),
    ("好评！回购第三次了", 1.5),
    ("生日礼物，麻烦包装好一点", 1.5),
    ("请帮忙看一下生产日期，要新一点的", 1.2),
    ("色号别发错了，谢谢", 1.0),
    ("和上一单一起发", 1.0),                         # MERGE_MESSAGE: a buyer's second order
    ("送女朋友的，包装仔细一点", 1.0),
)
# What the shop notes in 订单备注 / 商家备忘 (SHARE["seller_note"] of the orders), and how often.
SELLER_NOTES = (
    ("已联系客户", 3.0),
    ("已联系客户确认收货人电话", 1.5),
    ("缺货，已与买家协商延迟发货", 1.0),
    ("补发小样", 1.5),                               # gift_request
    ("加送面膜2片", 1.0),                            # gift_request
    ("VIP客户 加急", 1.5),                           # urgent
    ("指定顺丰，已补邮费", 1.0),                     # courier_request
    ("发票已开，随单寄出", 0.8),                     # invoice
    ("客户要求周末送货", 0.6),                       # delivery
    ("买家要求改地址，已修改", 0.6),                 # address_change: held until reviewed
    ("预售单，尾款付清后发货", 0.0),                 # PRESALE_NOTE: a few presale orders only
)
ADDRESS_CHANGE_MESSAGE = [m for m, _ in MESSAGES].index("改地址，改成公司地址，已联系客服")
MERGE_MESSAGE = [m for m, _ in MESSAGES].index("和上一单一起发")
PRESALE_NOTE = len(SELLER_NOTES) - 1
# The seller's flags (旗帜) the shop sets in 千牛, as its ERP exports them, and how often. The
# 订单报表 carries no flag: the ERP's export comes through the order template (FLAGS_FILE).
FLAGS = (("红", 3.0), ("黄", 2.0), ("绿", 1.5), ("蓝", 1.0), ("紫", 0.5))

# What a later order report (LATER_FILE) shows edited of a few orders the desk processed
# before it came (DESIGN §6/§12 `info_changed`), in turn: a buyer message, a seller note, a new
# address with the note that says so.
CHANGED_ORDERS = 6
LATE_MESSAGES = tuple([m for m, _ in MESSAGES].index(m) for m in (
    "麻烦发顺丰，邮费可以补", "口红换色号，要#520豆沙色，不要#999", "周末家里没人，请工作日送达"))
LATE_NOTES = tuple([m for m, _ in SELLER_NOTES].index(m) for m in (
    "缺货，已与买家协商延迟发货", "指定顺丰，已补邮费"))
ADDRESS_NOTE = [m for m, _ in SELLER_NOTES].index("买家要求改地址，已修改")
INVOICE_TITLES = ("个人", "上海花语文化传媒有限公司", "深圳市云帆电子商务有限公司", "杭州青禾网络科技有限公司")

# province, city, postcode, districts, share of buyers, remote (postage)
GEO = (
    ("上海", "上海市", "200000", "浦东新区 徐汇区 静安区 闵行区 杨浦区 长宁区", 10, False),
    ("北京", "北京市", "100000", "朝阳区 海淀区 东城区 西城区 丰台区 昌平区", 9, False),
    ("广东省", "广州市", "510000", "天河区 越秀区 海珠区 白云区 番禺区", 9, False),
    ("广东省", "深圳市", "518000", "南山区 福田区 宝安区 龙岗区 罗湖区", 9, False),
    ("广东省", "东莞市", "523000", "南城街道 东城街道 长安镇", 3, False),
    ("浙江省", "杭州市", "310000", "西湖区 拱墅区 上城区 滨江区 余杭区 萧山区", 8, False),
    ("浙江省", "宁波市", "315000", "海曙区 鄞州区 江北区", 3, False),
    ("江苏省", "南京市", "210000", "鼓楼区 玄武区 秦淮区 建邺区 江宁区", 5, False),
    ("江苏省", "苏州市", "215000", "姑苏区 工业园区 吴中区 相城区", 5, False),
    ("江苏省", "无锡市", "214000", "梁溪区 滨湖区 新吴区", 2, False),
    ("天津", "天津市", "300000", "南开区 河西区 和平区", 2, False),
    ("重庆", "重庆市", "400000", "渝中区 江北区 南岸区 渝北区", 3, False),
    ("四川省", "成都市", "610000", "锦江区 武侯区 青羊区 成华区 郫都区", 6, False),
    ("湖北省", "武汉市", "430000", "武昌区 洪山区 江汉区 江岸区", 5, False),
    ("湖南省", "长沙市", "410000", "岳麓区 芙蓉区 天心区 雨花区", 4, False),
    ("福建省", "福州市", "350000", "鼓楼区 台江区 仓山区", 2, False),
    ("福建省", "厦门市", "361000", "思明区 湖里区 集美区", 3, False),
    ("山东省", "济南市", "250000", "历下区 市中区 槐荫区", 3, False),
    ("山东省", "青岛市", "266000", "市南区 市北区 崂山区 黄岛区", 3, False),
    ("河南省", "郑州市", "450000", "金水区 中原区 二七区 管城回族区", 4, False),
    ("河北省", "石家庄市", "050000", "长安区 桥西区 裕华区", 2, False),
    ("陕西省", "西安市", "710000", "雁塔区 碑林区 未央区 长安区", 4, False),
    ("安徽省", "合肥市", "230000", "蜀山区 包河区 庐阳区 瑶海区", 3, False),
    ("江西省", "南昌市", "330000", "东湖区 西湖区 青山湖区", 2, False),
    ("广西壮族自治区", "南宁市", "530000", "青秀区 兴宁区 西乡塘区", 2, False),
    ("云南省", "昆明市", "650000", "五华区 盘龙区 官渡区", 2, False),
    ("贵州省", "贵阳市", "550000", "南明区 云岩区 观山湖区", 1, False),
    ("辽宁省", "沈阳市", "110000", "和平区 沈河区 皇姑区", 2, False),
    ("辽宁省", "大连市", "116000", "中山区 沙河口区 甘井子区", 2, False),
    ("吉林省", "长春市", "130000", "朝阳区 南关区 绿园区", 1, False),
    ("黑龙江省", "哈尔滨市", "150000", "南岗区 道里区 香坊区", 2, False),
    ("山西省", "太原市", "030000", "小店区 迎泽区 杏花岭区", 1, False),
    ("海南省", "海口市", "570000", "龙华区 美兰区", 1, False),
    ("甘肃省", "兰州市", "730000", "城关区 七里河区", 1, False),
    ("内蒙古自治区", "呼和浩特市", "010000", "新城区 赛罕区", 1, True),
    ("宁夏回族自治区", "银川市", "750000", "兴庆区 金凤区", 0.5, True),
    ("青海省", "西宁市", "810000", "城西区 城中区", 0.3, True),
    ("新疆维吾尔自治区", "乌鲁木齐市", "830000", "天山区 沙依巴克区 新市区", 1, True),
    ("西藏自治区", "拉萨市", "850000", "城关区", 0.2, True),
)
ROADS = ("人民路", "中山路", "解放路", "建设路", "和平路", "新华路", "长江路", "黄河路", "文化路",
         "胜利路", "青年路", "滨江大道", "世纪大道", "科技路", "学府路", "南京路", "北京路", "朝阳路",
         "东风路", "幸福路", "团结路", "光明路", "花园路", "湖滨路", "文一西路", "天目山路", "五一路",
         "金桥路", "振兴路", "迎宾大道")
COMMUNITIES = ("阳光花园", "锦绣家园", "碧桂园", "万科城", "翡翠湾", "金色家园", "香樟苑", "桂花园",
               "中海国际社区", "保利花园", "幸福里", "书香苑", "滨江花园", "龙湖春江郦城", "名都花园",
               "东方明珠苑", "创业大厦", "科技园A座", "国贸中心", "时代广场")
# vague addresses: what is left of them; "{p}"/"{c}"/"{d}" are the receiver's province/city/district
VAGUE_ADDRESSES = ("{p} {c} 不详", "{p} {c} {d} 待定", "同上", "{p} {c} {d} ", "{p} {c} ", "{c} 学校")
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN_NAMES = ("静", "丽", "敏", "婷", "娜", "芳", "燕", "雪", "颖", "琳", "倩", "欣怡", "子涵", "雨萱",
               "思彤", "梦瑶", "佳怡", "诗涵", "一诺", "晓雯", "嘉欣", "慧", "玲", "霞", "莉", "佳", "悦",
               "琪", "晨", "洁", "蕾", "萌", "瑶", "璐", "小雨", "晓燕", "美玲", "丹", "阳", "伟", "磊",
               "浩", "杰", "涛", "鹏")
# nick word, share, digits appended (low, high)
NICKS = (
    ("tb", 8.0, 10**7, 10**10), ("小鹿", 1.0, 1, 9999), ("甜甜圈", 1.0, 1, 9999), ("momo", 1.0, 1, 9999),
    ("cherry", 1.0, 1, 9999), ("阿紫", 1.0, 1, 999), ("喵喵", 1.0, 1, 9999), ("lily", 1.0, 1, 9999),
    ("晴天", 1.0, 1, 9999), ("小仙女", 1.0, 1, 99999), ("奶茶", 1.0, 1, 999), ("兔兔", 1.0, 1, 9999),
    ("jessica", 1.0, 1, 9999), ("橙子", 1.0, 1, 999), ("柠檬", 1.0, 1, 9999), ("糖果", 1.0, 1, 999),
    ("rainbow", 1.0, 1, 9999), ("木木", 1.0, 1, 999), ("星星", 1.0, 1, 9999), ("豆豆", 1.0, 1, 9999),
)
PHONE_PREFIXES = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157, 158,
                  159, 166, 177, 180, 182, 183, 185, 186, 187, 188, 189, 198, 199)

CHUNK_ORDERS = 100_000
MAX_ORDERS = 20_000_000


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def write_demo(
    out_dir: str | Path,
    orders: int = 20000,
    seed: int = 7,
    end: datetime | None = None,
    days: int = 60,
) -> list[Path]:
    """Write the demo exports into `out_dir`; return the paths written (in `DEMO_FILES` order)."""
    if not 1 <= orders <= MAX_ORDERS:
        raise ValueError(f"orders must be between 1 and {MAX_ORDERS}, not {orders}")
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    end = demo_end(end)
    start = end - timedelta(days=days)
    seed = seed & 0xFFFF_FFFF_FFFF_FFFF
    cat = _Catalog()
    periods = promotion_periods(end, days)
    extra = last_year_days(periods, start, end)
    created = _order_times(np.random.default_rng([seed, 0]), orders, start, end, periods, extra)
    first = min([start] + [a for a, _ in extra])
    ctx = _Context(cat, _epoch(first), _epoch(end), periods, seed)
    demand = np.zeros(cat.n, dtype=np.int64)
    sold = np.zeros(cat.n, dtype=np.int64)

    path = {name: out / name for name in DEMO_FILES}
    gbk = _CaseText(ctx, "gbk")
    last_chunk = (orders - 1) // CHUNK_ORDERS
    flags: list[pd.DataFrame] = []
    with (open(path[ORDERS_FILE], "wb") as fo, open(path[ITEMS_FILE], "wb") as fi,
          open(path[REFUNDS_FILE], "wb") as fr, open(path[REFUNDS_OLD_FILE], "wb") as fro,
          open(path[LATER_FILE], "wb") as fl):
        fo.write(_header(ORDER_HEADERS))
        fi.write(_header(ITEM_HEADERS))
        fr.write(_header(REFUND_HEADERS))
        fro.write(_header(REFUND_HEADERS_OLD))
        fl.write(_header(ORDER_HEADERS))
        first_line = 0
        for c, lo in enumerate(range(0, orders, CHUNK_ORDERS)):
            rng = np.random.default_rng([seed, 1, c])
            o, li = _simulate(rng, created[lo:lo + CHUNK_ORDERS], lo, first_line, ctx)
            first_line += len(li["sku"])
            _write(fo, _order_rows(o, li, ctx))
            _write(fi, _item_rows(o, li, ctx))
            flags.append(_flags(np.random.default_rng([seed, 7, c]), o))
            if c == last_chunk:   # the newest orders: those still waiting to ship
                later = _later_orders(np.random.default_rng([seed, 6]), o, li)
                if later is not None:
                    _write(fl, _order_rows(later, li, ctx))
            cases = _taobao_cases(np.random.default_rng([seed, 3, c]), o, li, ctx)
            shop = o["shop"][cases["of"]]
            for f, which, headers in ((fr, REFUNDS_SHOP, REFUND_HEADERS),
                                      (fro, REFUNDS_OLD_SHOP, REFUND_HEADERS_OLD)):
                rows = np.flatnonzero(shop == which)
                if len(rows):
                    _write(f, _taobao_case_rows(o, li, cases, ctx, gbk, rows, headers))
            demand += _open_demand(o, li, cat)
            recent = o["created"][li["of"]] >= _epoch(start)   # the window's sales set the stock
            sold += np.bincount(li["sku"][recent], weights=li["qty"][recent],
                                minlength=cat.n).astype(np.int64)

    _flags_frame(flags).to_csv(
        path[FLAGS_FILE], index=False, encoding="utf-8", lineterminator="\n")
    _stock_frame(np.random.default_rng([seed, 2]), cat, demand, sold, days).to_csv(
        path[STOCK_FILE], index=False, encoding="utf-8", lineterminator="\n"
    )
    _bundles_frame().to_csv(path[BUNDLES_FILE], index=False, encoding="utf-8", lineterminator="\n")
    _promotions_frame(periods).to_csv(path[PROMOTIONS_FILE], index=False, encoding="utf-8",
                                      lineterminator="\n")
    with open(path[DOUYIN_CASES_FILE], "wb") as fd:   # UTF-8 with a BOM, as 抖店 downloads it
        fd.write(b"\xef\xbb\xbf" + (",".join(f'"{h}"' for h in DOUYIN_CASE_HEADERS) + "\r\n").encode())
        n_cases = max(1, round(orders * DOUYIN_CASE_SHARE))
        _write(fd, _douyin_cases(np.random.default_rng([seed, 4]), created, ctx, n_cases,
                                 _CaseText(ctx, "utf-8")))
    return list(path.values())


def demo_end(end: datetime | None = None) -> datetime:
    """The moment the demo data stops: `end` as shop-local naive time, default now to the hour."""
    tz = ZoneInfo(TIMEZONE)
    if end is None:
        return datetime.now(tz).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    if end.tzinfo is not None:
        end = end.astimezone(tz).replace(tzinfo=None)
    return end.replace(microsecond=0)


def promotion_periods(end: datetime, days: int = 60) -> list[tuple[str, datetime, datetime]]:
    """Each promotion's latest run starting before `end` + 31 days, plus every run in the window."""
    start, horizon = end - timedelta(days=days), end + timedelta(days=31)
    found = []
    for name, (m0, d0, h0), (m1, d1, h1), *_ in PROMOTIONS:
        runs = [(f"{name} {y}", datetime(y, m0, d0, h0), datetime(y, m1, d1, h1, 59, 59))
                for y in range(start.year - 1, end.year + 2)]
        runs = [run for run in runs if run[1] <= horizon]
        found += [run for run in runs[:-1] if run[2] >= start] + runs[-1:]
        if name == DOUBLE11:   # last year's 双11 beside one in the window (see last_year_days)
            found += [(f"{name} {a.year - 1}", a.replace(year=a.year - 1), b.replace(year=b.year - 1))
                      for _, a, b in runs if a <= end and b >= start]
    return sorted(set(found), key=lambda p: (p[1], p[0]))


def last_year_days(periods: list[tuple[str, datetime, datetime]], start: datetime,
                   end: datetime) -> list[tuple[datetime, datetime]]:
    """The days of last year's 双11 that get orders: a year before each 双11 in the window
    [start, end], when before the window (its period is listed by `promotion_periods`)."""
    out = []
    for name, a, b in periods:
        if name.split()[0] == DOUBLE11 and a <= end and b >= start:
            before = (a.replace(year=a.year - 1), b.replace(year=b.year - 1) + timedelta(seconds=1))
            if before[1] <= start:
                out.append(before)
    return out


# ---------------------------------------------------------------------------------------------
# Catalogue and context
# ---------------------------------------------------------------------------------------------


def _gbk(values) -> pa.BinaryArray:
    """A table of texts as GBK-encoded binary, for `take`."""
    return pa.array([v.encode("gbk") for v in values], type=pa.binary())


class _Catalog:
    """Every SKU (sellable, then bundles, then gifts) as arrays indexed by one SKU number."""

    def __init__(self) -> None:
        rows = (
            [(p[0], p[1], p[2], p[3], p[4], "", "", p[5]) for p in PRODUCTS]
            + [(b[0], b[1], b[2], b[3], "", b[4], "", b[5]) for b in BUNDLES]
            + [(g[0], g[1], g[2], 0, "", "", g[3], g[4]) for g in GIFTS]
        )
        self.n_sell, self.n_bundle, self.n_gift = len(PRODUCTS), len(BUNDLES), len(GIFTS)
        self.n = len(rows)
        self.bundle0 = self.n_sell
        self.gift0 = self.n_sell + self.n_bundle
        self.sku = [r[0] for r in rows]
        self.name = [r[1] for r in rows]
        self.index = {s: i for i, s in enumerate(self.sku)}
        self.price = np.array([r[3] * 100 for r in rows], dtype=np.int64)
        weight = np.array([r[7] for r in rows], dtype=float)
        self.sell_p = weight[: self.n_sell] / weight[: self.n_sell].sum()
        self.bundle_p = weight[self.bundle0:self.gift0] / weight[self.bundle0:self.gift0].sum()
        self.gift_p = weight[self.gift0:] / weight[self.gift0:].sum()
        self.g_sku = _gbk(self.sku)
        self.g_title = _gbk([r[2] for r in rows])
        self.g_title_sep = _gbk(["，" + r[2] for r in rows] + [""])
        self.g_attr = _gbk([r[4] for r in rows])
        self.g_package = _gbk([r[5] for r in rows])
        self.g_note = _gbk([r[6] for r in rows])
        # bill of materials: units of each stocked SKU per unit of a line SKU
        self.bom = np.eye(self.n, dtype=np.int64)
        for b, (*_, components) in enumerate(BUNDLES):
            i = self.bundle0 + b
            self.bom[i, i] = 0
            for comp, qty in components:
                self.bom[i, self.index[comp]] = qty


@dataclass
class _Context:
    """What every chunk needs: the catalogue, the window, the promotions, text tables."""

    cat: _Catalog
    start: int
    end: int
    periods: list[tuple[str, datetime, datetime]]
    seed: int

    def __post_init__(self) -> None:
        self.day0 = self.start // DAY - 1
        n_days = self.end // DAY - self.day0 + 2
        dates = [datetime(1970, 1, 1) + timedelta(days=int(self.day0 + i)) for i in range(n_days)]
        self.g_date = _gbk([d.strftime("%Y-%m-%d") for d in dates] + [""])
        self.g_ymd = _gbk([d.strftime("%Y%m%d") for d in dates])
        self.g_tod = _gbk([f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)] + [""])
        self.g_frac = _gbk([f"{i:02d}" for i in range(100)])
        self.promo = [(_epoch(a), _epoch(b) + 1) for _, a, b in self.periods]
        self.presale = [(_epoch(a), _epoch(b) + 1) for n, a, b in self.periods if n.startswith(PRESALE)]
        self.double11 = [(_epoch(a), _epoch(b) + 1) for n, a, b in self.periods
                         if n.split()[0] == DOUBLE11]
        self.afterglow = []
        for year in {d.year for d in dates}:
            for (m, d), _ in AFTERGLOW:
                a = _epoch(datetime(year, m, d))
                self.afterglow.append((a, a + DAY))
        self.g_status = _gbk(STATUS)
        self.g_refund = _gbk(REFUND_STATUS)
        self.g_shop = _gbk([s[0] for s in SHOPS])
        self.g_shop_id = _gbk([s[1] for s in SHOPS])
        self.g_message = _gbk([m for m, _ in MESSAGES] + [""])
        self.g_note = _gbk([m for m, _ in SELLER_NOTES] + [""])
        self.g_invoice = _gbk(list(INVOICE_TITLES) + [""])
        self.g_close = _gbk([OPEN_REASON, *UNPAID_CLOSE_REASONS, AUTO_CLOSE_REASON, REFUND_CLOSE_REASON])
        self.g_courier = _gbk([c[0] for c in COURIERS] + [""])
        self.g_track_prefix = _gbk([c[1] for c in COURIERS])
        geo = [(p, c, z, d, w / len(ds.split()), r)
               for p, c, z, ds, w, r in GEO for d in ds.split()]
        self.geo_p = np.array([g[4] for g in geo]) / sum(g[4] for g in geo)
        self.geo_remote = np.array([g[5] for g in geo])
        self.g_province = _gbk([g[0] for g in geo])
        self.g_city = _gbk([g[1] for g in geo])
        self.g_district = _gbk([g[3] for g in geo])
        self.g_zip = _gbk([g[2] for g in geo])
        self.n_geo = len(geo)
        self.g_vague = _gbk([v.format(p=g[0], c=g[1], d=g[3]) for g in geo for v in VAGUE_ADDRESSES])
        self.g_road = _gbk(ROADS)
        self.g_community = _gbk(COMMUNITIES)
        self.g_surname = _gbk(SURNAMES)
        self.g_given = _gbk(GIVEN_NAMES)
        self.g_nick = _gbk([n[0] for n in NICKS])
        self.nick_p = np.array([n[1] for n in NICKS]) / sum(n[1] for n in NICKS)
        self.nick_lo = np.array([n[2] for n in NICKS], dtype=np.int64)
        self.nick_hi = np.array([n[3] for n in NICKS], dtype=np.int64)


def _epoch(t: datetime) -> int:
    """Seconds since 1970-01-01 of a naive shop-local time (used as a plain clock)."""
    return int((t - datetime(1970, 1, 1)).total_seconds())


def _in(t: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Whether each time falls inside any of the [start, end) spans."""
    mask = np.zeros(len(t), dtype=bool)
    for a, b in spans:
        mask |= (t >= a) & (t < b)
    return mask


# ---------------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------------


def _order_times(
    rng: np.random.Generator, orders: int, start: datetime, end: datetime,
    periods: list[tuple[str, datetime, datetime]],
    extra: list[tuple[datetime, datetime]] = (),
) -> np.ndarray:
    """Creation times (epoch seconds) of all orders, newest first, following the shop's rhythm
    over the window and the `extra` spans before it (last year's 双11)."""
    los, his, starts = [], [], []
    for a, b in [*extra, (start, end)]:
        s, e = _epoch(a), _epoch(b)
        first = s - s % HOUR
        edges = np.arange(first, e + HOUR, HOUR, dtype=np.int64)
        lo = np.maximum(edges[:-1], s)
        hi = np.minimum(edges[1:], e)
        keep = hi > lo
        los.append(lo[keep])
        his.append(hi[keep])
        starts.append(edges[:-1][keep])
    lo, hi, hours = np.concatenate(los), np.concatenate(his), np.concatenate(starts)
    hour_of_day = (hours % DAY) // HOUR
    day = hours // DAY
    weekday = (day + 3) % 7                       # 1970-01-01 was a Thursday
    normal = np.array(HOUR_PROFILE) / np.mean(HOUR_PROFILE)
    big = np.array(BIG_DAY_PROFILE) / np.mean(BIG_DAY_PROFILE)
    days_seen, day_idx = np.unique(day, return_inverse=True)
    noise = rng.lognormal(0.0, 0.08, len(days_seen))[day_idx]
    w = normal[hour_of_day] * np.array(WEEKDAY_FACTOR)[weekday] * noise
    spec = {p[0]: p for p in PROMOTIONS}
    for name, a, b in periods:
        _, _, _, factor, big_day, opening = spec[name.split()[0]]
        inside = (hours >= _epoch(a)) & (hours <= _epoch(b))
        profile = big if big_day else normal
        w[inside] = (factor * profile[hour_of_day] * np.array(WEEKDAY_FACTOR)[weekday] * noise)[inside]
        w[inside & (hours < _epoch(a) + 4 * HOUR)] *= opening
    for year in range(start.year, end.year + 1):
        for (m, d), factor in AFTERGLOW:
            a = _epoch(datetime(year, m, d))
            w[(hours >= a) & (hours < a + DAY)] *= factor
    w = w * (hi - lo) / HOUR
    counts = rng.multinomial(orders, w / w.sum())
    base = np.repeat(lo, counts)
    span = np.repeat(hi - lo, counts)
    t = base + (rng.random(orders) * span).astype(np.int64)
    return np.sort(t)[::-1].copy()


def _choice(rng: np.random.Generator, table: tuple, n: int) -> np.ndarray:
    """Draw `n` values from a (value, share) table."""
    values = np.array([v for v, _ in table])
    p = np.array([s for _, s in table], dtype=float)
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    """Durations in seconds around a median."""
    return rng.lognormal(np.log(median), sigma, n)


def _simulate(
    rng: np.random.Generator, created: np.ndarray, first_order: int, first_line: int, ctx: _Context
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The facts of a chunk of orders (one row each) and of their lines, as of `ctx.end`."""
    cat, end, n = ctx.cat, ctx.end, len(created)
    never = np.iinfo(np.int64).max // 4

    def r() -> np.ndarray:
        return rng.random(n)

    promo = _in(created, ctx.promo) | _in(created, ctx.afterglow)
    presale = _in(created, ctx.presale) & (r() < SHARE["presale"])
    cod = (r() < SHARE["cod"]) & ~presale
    shop = (r() >= SHOPS[0][2]).astype(np.int64)

    # lines: paid lines, then gifts; distinct SKUs within an order
    n_paid = _choice(rng, PAID_LINES, n)
    n_gift = (r() < np.where(promo, GIFT_SHARE["promotion"], GIFT_SHARE["ordinary"])) * (1 + (r() < 0.3))
    n_lines = n_paid + n_gift
    starts = np.concatenate([[0], np.cumsum(n_lines)[:-1]])
    total = int(n_lines.sum())
    of = np.repeat(np.arange(n), n_lines)
    pos = np.arange(total) - starts[of]
    step = rng.integers(1, 6, total)
    step[starts] = 0
    csum = np.cumsum(step)
    offset = csum - csum[starts][of]
    gift = pos >= n_paid[of]
    sku = (rng.choice(cat.n_sell, size=n, p=cat.sell_p)[of] + offset) % cat.n_sell
    bundle_order = r() < np.where(promo, BUNDLE_SHARE["promotion"], BUNDLE_SHARE["ordinary"])
    is_bundle = (pos == 0) & bundle_order[of]
    sku = np.where(is_bundle, cat.bundle0 + rng.choice(cat.n_bundle, size=n, p=cat.bundle_p)[of], sku)
    g_first = rng.choice(cat.n_gift, size=n, p=cat.gift_p)[of]
    sku = np.where(gift, cat.gift0 + (g_first + pos - n_paid[of]) % cat.n_gift, sku)
    qty = np.where(is_bundle, 1 + (rng.random(total) < 0.08), _choice(rng, QUANTITIES, total))
    qty = np.where(gift, 1 + (rng.random(total) < 0.25), qty)

    # amounts in cents: promotion discounts are deeper
    discount = np.where(
        promo, rng.uniform(0.12, 0.30, n),
        np.where(r() < 0.35, rng.uniform(0.03, 0.10, n), 0.0),
    )
    list_cents = cat.price[sku] * qty
    line_pay = np.rint(list_cents * (1 - discount[of])).astype(np.int64)
    goods = np.add.reduceat(line_pay, starts)
    geo = rng.choice(ctx.n_geo, size=n, p=ctx.geo_p)
    postage = np.where(ctx.geo_remote[geo] & (goods < 29900), 1500,
                       np.where((goods < 9900) & (r() < 0.6), 800, 0)).astype(np.int64)
    order_total = goods + postage

    # payment
    will_pay = (r() >= SHARE["never_paid"]) & ~cod
    tail_unpaid = presale & (r() < SHARE["presale_tail_unpaid"])
    will_pay &= ~tail_unpaid
    pay_delay = np.where(r() < 0.85, _lognormal(rng, 45, 0.9, n), _lognormal(rng, 2 * HOUR, 1.2, n))
    paid_at = created + pay_delay.astype(np.int64)
    d11_starts = np.array(sorted(a for a, _ in ctx.double11) + [never], dtype=np.int64)
    d11 = d11_starts[np.searchsorted(d11_starts, created, side="right")]
    tail_at = d11 + rng.exponential(1.5 * HOUR, n).astype(np.int64)
    tail_at = np.minimum(tail_at, d11 + DAY - 1)
    paid_at = np.where(presale, tail_at, paid_at)
    buyer_close = created + rng.integers(10 * 60, 36 * HOUR, n)
    close_at = np.where(r() < SHARE["buyer_closes"], buyer_close, created + 72 * HOUR)
    close_at = np.where(tail_unpaid, d11 + DAY, close_at)
    close_reason = np.where(close_at == created + 72 * HOUR, 1 + len(UNPAID_CLOSE_REASONS),
                            1 + rng.integers(0, len(UNPAID_CLOSE_REASONS), n))

    # cash on delivery: confirmed by the buyer (or by phone), shipped, signed, settled
    cod_never = cod & (r() < SHARE["cod_never_confirmed"])
    cod_confirm = created + np.where(r() < 0.7, rng.integers(60, 1800, n), rng.integers(HOUR, 40 * HOUR, n))
    cod_confirm = np.where(cod_never, never, cod_confirm)

    # shipping: a day or so, longer after 双11 and for a few problem orders
    ready_at = np.where(cod, cod_confirm, paid_at)
    backlog = np.where(_in(ready_at, [(a, a + 3 * DAY) for a, _ in ctx.double11]), 1.8, 1.0)
    slow = np.where(r() < SHARE["slow_ship"], rng.uniform(3.0, 5.0, n), 1.0)
    ship_delay = _lognormal(rng, 30 * HOUR, 0.55, n) * backlog * slow
    ship_delay = np.minimum(ship_delay, MAX_SHIP_DAYS * DAY).astype(np.int64)
    ship_at = ready_at + ship_delay
    process_at = ready_at + (ship_delay * rng.uniform(0.35, 0.9, n)).astype(np.int64)
    refund_before = will_pay & (r() < SHARE["refund_before_ship"])
    refund_req_at = paid_at + rng.integers(HOUR // 5, 24 * HOUR, n)
    refund_done_at = refund_req_at + rng.integers(HOUR, 48 * HOUR, n)
    ship_at = np.where(refund_before, never, ship_at)
    process_at = np.where(refund_before, never, process_at)
    transit = rng.integers(36 * HOUR, 4 * DAY, n)
    confirm_at = ship_at + np.where(r() < SHARE["buyer_confirms"],
                                    transit + _lognormal(rng, 20 * HOUR, 0.8, n).astype(np.int64),
                                    10 * DAY)
    settle_at = ship_at + transit + rng.integers(DAY, 3 * DAY, n)

    # status at `end`
    paid = will_pay & (paid_at <= end)
    shipped = ~cod & paid & (ship_at <= end)
    status = np.full(n, S_UNPAID, dtype=np.int64)
    status[~cod & ~paid & (close_at <= end)] = S_CLOSED
    status[paid] = S_PAID
    full_refund = refund_before & paid & (refund_done_at <= end)
    status[full_refund] = S_CLOSED
    status[shipped] = S_SHIPPED
    status[shipped & (confirm_at <= end)] = S_SUCCESS
    cod_signed = cod & (ship_at + transit <= end)
    status[cod] = S_COD_NEW
    status[cod & (cod_confirm <= end)] = S_COD_CONFIRMED
    status[cod & (ship_at <= end)] = S_COD_SHIPPED
    status[cod_signed] = S_COD_SIGNED
    status[cod & (settle_at <= end)] = S_COD_SETTLED
    status[cod_never & (created + 2 * DAY <= end)] = S_CLOSED
    close_reason = np.where(status == S_CLOSED, close_reason, 0)
    paid = paid | cod_signed
    paid_at = np.where(cod, ship_at + transit, paid_at)
    is_shipped = shipped | (cod & (ship_at <= end))
    processed = ~is_shipped & (paid | (cod & (cod_confirm <= end))) & (process_at <= end)
    processed &= ~refund_before
    tracked = is_shipped | processed

    # refunds on lines
    refund = np.zeros(total, dtype=np.int64)
    lucky = np.floor(r() * n_paid).astype(np.int64)          # the line a partial refund is about
    one = pos == lucky[of]
    waiting = paid & ~is_shipped & ~full_refund & ~cod
    open_request = refund_before & paid & ~full_refund & (refund_req_at <= end)
    open_request |= waiting & (r() < SHARE["open_request_unshipped"])
    refund[open_request[of] & one] = R_REQUESTED
    # a refund of the only paid line closes the order: that is a full refund
    short_item = waiting & ~open_request & (r() < SHARE["partial_refund_unshipped"])
    refund[(short_item & (n_paid > 1))[of] & one] = R_SUCCESS
    full_refund |= short_item & (n_paid == 1)
    refund[full_refund[of]] = R_SUCCESS

    after_at = ship_at + rng.integers(2 * DAY, 8 * DAY, n)
    happened = shipped & (after_at <= end)
    kind = r()
    cuts = np.cumsum([SHARE[k] for k in ("full_return", "partial_refund", "after_sale_request",
                                         "refund_refused", "refund_closed")])
    partial = happened & (kind >= cuts[0]) & (kind < cuts[1]) & (n_paid > 1)
    full_return = happened & ((kind < cuts[0]) | ((kind < cuts[1]) & (n_paid == 1)))
    after_sale = happened & (kind >= cuts[1]) & (kind < cuts[2])
    refused = happened & (kind >= cuts[2]) & (kind < cuts[3])
    closed_request = happened & (kind >= cuts[3]) & (kind < cuts[4])
    recent = (end - after_at) < 6 * DAY
    stage = rng.choice([R_REQUESTED, R_AGREED, R_RETURNED], size=n, p=[0.4, 0.3, 0.3])
    settled = np.where((r() < 0.5) & (n_paid > 1), R_SUCCESS, R_CLOSED)
    refund[full_return[of]] = R_SUCCESS
    refund[(partial[of]) & one] = R_SUCCESS
    refund[(after_sale & recent)[of] & one] = stage[of][(after_sale & recent)[of] & one]
    refund[(after_sale & ~recent)[of] & one] = settled[of][(after_sale & ~recent)[of] & one]
    refund[(refused[of]) & one] = R_REFUSED
    refund[(closed_request[of]) & one] = R_CLOSED
    whole = full_refund | full_return
    status[whole] = S_CLOSED
    close_reason[whole] = 2 + len(UNPAID_CLOSE_REASONS)
    tracked &= ~full_refund

    refund_line = np.where(refund != R_NONE, line_pay, 0)
    refund_line = np.where(np.isin(refund, (R_REFUSED, R_CLOSED)), 0, refund_line)
    refunded = np.add.reduceat(np.where(refund == R_SUCCESS, line_pay, 0), starts)
    refunded = np.where(whole, order_total, refunded)

    # who and where; a few buyers place a second open order to the same address
    ident = np.arange(n)
    open_order = np.isin(status, (S_UNPAID, S_PAID, S_COD_NEW, S_COD_CONFIRMED))
    no_refund = np.add.reduceat((refund != R_NONE).astype(np.int64), starts) == 0
    candidates = np.flatnonzero(open_order & no_refund)
    pairs = int(len(candidates) * SHARE["merge_pairs"])
    if len(candidates) >= 6:
        pairs = max(pairs, 2)
        pick = rng.choice(candidates, size=2 * pairs, replace=False)
        ident[pick[pairs:]] = pick[:pairs]
        shop[pick[pairs:]] = shop[pick[:pairs]]
    geo = geo[ident]
    second = pick[pairs:] if len(candidates) >= 6 else np.zeros(0, dtype=np.int64)
    message, note = _order_texts(np.random.default_rng([ctx.seed, 5, first_order]), presale,
                                 second)
    vague = np.where(r() < SHARE["vague_address"], rng.integers(0, len(VAGUE_ADDRESSES), n), -1)[ident]

    nick = rng.choice(len(NICKS), size=n, p=ctx.nick_p)
    nick_num = rng.integers(ctx.nick_lo[nick], ctx.nick_hi[nick])
    phone = (np.array(PHONE_PREFIXES)[rng.integers(0, len(PHONE_PREFIXES), n)].astype(np.int64) * 10**8
             + rng.integers(0, 10**8, n))
    courier_valuable = np.array([c[4] for c in COURIERS])
    courier_ordinary = np.array([c[3] for c in COURIERS])
    courier = np.where(
        order_total >= VALUABLE_CENTS,
        rng.choice(len(COURIERS), size=n, p=courier_valuable / courier_valuable.sum()),
        rng.choice(len(COURIERS), size=n, p=courier_ordinary / courier_ordinary.sum()),
    )
    digits = np.array([c[2] for c in COURIERS])
    track_lo = 10 ** (digits[courier] - 1).astype(np.int64)
    tracking = rng.integers(track_lo, track_lo * 10)

    order_id = _unique_id(rng, first_order + np.arange(n, dtype=np.int64), ctx.seed, 0)
    line_id = _unique_id(rng, first_line + np.arange(total, dtype=np.int64), ctx.seed, 1)

    orders = {
        "order_id": order_id, "created": created, "status": status, "shop": shop, "cod": cod,
        "presale": presale, "paid": paid, "paid_at": np.where(paid, paid_at, -1),
        "ship_at": np.where(is_shipped, ship_at, -1),
        "confirm_at": np.where(np.isin(status, (S_SUCCESS, S_COD_SIGNED, S_COD_SETTLED)),
                               np.where(cod, ship_at + transit, confirm_at), -1),
        "goods": goods, "postage": postage, "total": order_total, "refunded": refunded,
        "whole_refund": whole, "refund_req_at": refund_req_at, "refund_done_at": refund_done_at,
        "after_at": after_at,
        "n_lines": n_lines, "starts": starts, "qty": np.add.reduceat(qty, starts),
        "close_reason": close_reason, "tracked": tracked, "courier": courier, "tracking": tracking,
        "geo": geo, "vague": vague, "road": rng.integers(0, len(ROADS), n)[ident],
        "house": rng.integers(1, 999, n)[ident], "has_flat": (r() < 0.75)[ident],
        "community": rng.integers(0, len(COMMUNITIES), n)[ident],
        "building": rng.integers(1, 30, n)[ident], "unit": rng.integers(1, 6, n)[ident],
        "room": (rng.integers(1, 33, n) * 100 + rng.integers(1, 5, n))[ident],
        "surname": rng.integers(0, len(SURNAMES), n)[ident],
        "given": rng.integers(0, len(GIVEN_NAMES), n)[ident],
        "nick": nick[ident], "nick_num": nick_num[ident], "phone": phone[ident],
        "message": message, "note": note,
        "invoice": np.where(r() < SHARE["invoice"], rng.integers(0, len(INVOICE_TITLES), n),
                            len(INVOICE_TITLES)),
        "mobile": r() < SHARE["mobile"], "by_friend": r() < SHARE["paid_by_friend"],
        "trade_no": rng.integers(10**15, 10**16, n),
        "deposit": np.rint(order_total * 0.2).astype(np.int64),
    }
    lines = {
        "line_id": line_id, "of": of, "pos": pos, "sku": sku, "qty": qty, "gift": gift,
        "pay": line_pay, "refund": refund, "refund_amount": refund_line,
        "package": is_bundle & (rng.random(total) < 0.6),
    }
    return orders, lines


def _order_texts(rng: np.random.Generator, presale: np.ndarray, second: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The buyer message and seller note of each order, as positions in MESSAGES and
    SELLER_NOTES (their length: none). The buyer of a `second` order to one address asks half
    the time to ship it with the first; a few presale orders are noted as such. Drawn from a
    generator of their own, so that the words change no other fact of the demo."""
    n = len(presale)
    wrote = rng.random(n) < SHARE["message"]
    message = np.where(wrote, rng.choice(len(MESSAGES), size=n, p=_shares(MESSAGES)),
                       len(MESSAGES))
    message[second] = np.where(rng.random(len(second)) < 0.5, MERGE_MESSAGE, message[second])
    noted = rng.random(n) < SHARE["seller_note"]
    note = np.where(noted, rng.choice(len(SELLER_NOTES), size=n, p=_shares(SELLER_NOTES)),
                    len(SELLER_NOTES))
    note = np.where(presale & (rng.random(n) < 0.05), PRESALE_NOTE, note)
    return message, note


def _flags(rng: np.random.Generator, o: dict[str, np.ndarray]) -> pd.DataFrame:
    """The orders of a chunk the shop flagged (旗帜): most of those it noted, a few others, each
    a colour of FLAGS; at least one. Drawn from a generator of their own, so that the flags
    change no other fact of the demo."""
    n = len(o["order_id"])
    noted = o["note"] < len(SELLER_NOTES)
    flagged = rng.random(n) < np.where(noted, SHARE["flag_noted"], SHARE["flag"])
    colour = rng.choice(len(FLAGS), size=n, p=_shares(FLAGS))
    flagged[0] |= not flagged.any()
    return pd.DataFrame({k: o[k][flagged] for k in ("order_id", "created", "shop")}
                        ).assign(flag=colour[flagged])


def _later_orders(rng: np.random.Generator, o: dict[str, np.ndarray],
                  li: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """CHANGED_ORDERS orders waiting to ship and not yet processed (paid, no refund, not a
    presale, cash on delivery or vague address, no address change asked), as a later order
    report shows them: in turn a new buyer message, a new seller note, a new street with the
    note that says so. None when no order fits."""
    refund = np.zeros(len(o["order_id"]), dtype=bool)
    refund[li["of"][li["refund"] != R_NONE]] = True
    fits = ((o["status"] == S_PAID) & ~o["tracked"] & ~o["presale"] & ~o["cod"] & ~refund
            & (o["vague"] < 0) & (o["message"] != ADDRESS_CHANGE_MESSAGE))
    found = np.flatnonzero(fits)
    if not len(found):
        return None
    pick = np.sort(rng.choice(found, size=min(CHANGED_ORDERS, len(found)), replace=False))
    later = {k: v[pick].copy() for k, v in o.items()}
    turn = np.arange(len(pick)) % 3
    for j in np.flatnonzero(turn == 0):     # another message than the one it had
        asked = [m for m in LATE_MESSAGES if m != later["message"][j]]
        later["message"][j] = asked[j // 3 % len(asked)]
    for j in np.flatnonzero(turn == 1):     # another note than the one it had
        noted = [n for n in LATE_NOTES if n != later["note"][j]]
        later["note"][j] = noted[j // 3 % len(noted)]
    moved = turn == 2
    later["road"][moved] = (later["road"][moved] + 1 + rng.integers(0, len(ROADS) - 1, moved.sum())
                            ) % len(ROADS)
    later["house"][moved] = 1 + (later["house"][moved] + rng.integers(1, 900, moved.sum())) % 998
    later["note"][moved] = ADDRESS_NOTE
    return later


def _shares(table: tuple) -> np.ndarray:
    """The shares of a (value, share) table, adding up to one."""
    p = np.array([s for _, s in table], dtype=float)
    return p / p.sum()


def _unique_id(rng: np.random.Generator, index: np.ndarray, seed: int, kind: int) -> np.ndarray:
    """19-digit ids `3…`: ten random digits, then eight that are a one-to-one scramble of `index`."""
    low = (index * 61_803_399 + (seed * 2_654_435_761 + kind * 48_271) % 10**8) % 10**8
    reversed_digits = np.zeros_like(low)
    for k in range(8):
        reversed_digits = reversed_digits * 10 + low // 10**k % 10
    low = (reversed_digits * 31_415_927 + 27_182_818) % 10**8
    return 3 * 10**18 + rng.integers(0, 10**10, len(index)) * 10**8 + low


def _open_demand(o: dict[str, np.ndarray], li: dict[str, np.ndarray], cat: _Catalog) -> np.ndarray:
    """Units per stocked SKU that the orders waiting to ship still need (bundles exploded)."""
    waiting = np.isin(o["status"], (S_PAID, S_COD_CONFIRMED))
    refund_open = np.zeros(len(waiting), dtype=bool)
    refund_open[li["of"][np.isin(li["refund"], (R_REQUESTED, R_AGREED, R_RETURNED))]] = True
    take = (waiting & ~refund_open)[li["of"]] & (li["refund"] != R_SUCCESS)
    per_sku = np.bincount(li["sku"][take], weights=li["qty"][take], minlength=cat.n).astype(np.int64)
    return per_sku @ cat.bom


# ---------------------------------------------------------------------------------------------
# CSV text, built column by column as GBK bytes
# ---------------------------------------------------------------------------------------------


class _Rows:
    """One CSV line per row, assembled from column pieces (binary arrays or constant bytes)."""

    def __init__(self) -> None:
        self.parts: list = []

    def field(self, *pieces, raw: bool = False) -> None:
        """Add a field; quoted unless `raw` (then the pieces carry their own quoting)."""
        if self.parts:
            self.parts.append(b",")
        if not raw:
            self.parts.append(b'"')
        self.parts.extend(pieces)
        if not raw:
            self.parts.append(b'"')

    def build(self) -> pa.BinaryArray:
        """The lines, each ending in CRLF like the platform's download."""
        return _join(*self.parts, b"\r\n")


def _join(*pieces) -> pa.BinaryArray:
    """Concatenate pieces row by row; adjacent constants are merged first."""
    merged: list = []
    for p in pieces:
        if isinstance(p, str):
            p = p.encode("gbk")
        if isinstance(p, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += p
        else:
            merged.append(p)
    args = [pa.scalar(p, pa.binary()) if isinstance(p, bytes) else p for p in merged]
    return pc.binary_join_element_wise(*args, pa.scalar(b"", pa.binary()))


def _when(mask: np.ndarray, *pieces) -> pa.BinaryArray:
    """The joined pieces where `mask`, else empty."""
    return pc.if_else(pa.array(mask), _join(*pieces), pa.scalar(b"", pa.binary()))


def _text(values: np.ndarray) -> pa.BinaryArray:
    """Integers as decimal text."""
    return pa.array(values, type=pa.int64()).cast(pa.string()).cast(pa.binary())


def _money(ctx: _Context, cents: np.ndarray) -> list:
    """Pieces of an amount like `12.50`."""
    return [_text(cents // 100), b".", ctx.g_frac.take(pa.array(cents % 100))]


def _time(ctx: _Context, t: np.ndarray) -> list:
    """Pieces of a time like `2026-11-11 00:00:05`; empty where `t` is -1."""
    missing = t < 0
    day = np.where(missing, len(ctx.g_date) - 1, t // DAY - ctx.day0)
    sec = np.where(missing, DAY, t % DAY)
    return [ctx.g_date.take(pa.array(day)), ctx.g_tod.take(pa.array(sec))]


def _padded(values: np.ndarray, width: int) -> pa.BinaryArray:
    """Integers as decimal text with leading zeros."""
    text = pa.array(values, type=pa.int64()).cast(pa.string())
    return pc.utf8_lpad(text, width=width, padding="0").cast(pa.binary())


def _take(table: pa.BinaryArray, idx: np.ndarray) -> pa.BinaryArray:
    """The table's texts at the given positions."""
    return table.take(pa.array(idx))


def _order_rows(o: dict[str, np.ndarray], li: dict[str, np.ndarray], ctx: _Context) -> pa.BinaryArray:
    """The order report's lines for a chunk."""
    cat, n = ctx.cat, len(o["order_id"])
    oid = _text(o["order_id"])
    paid = o["paid"]
    status = _take(ctx.g_status, o["status"])
    nick = _join(_take(ctx.g_nick, o["nick"]), _text(o["nick_num"]))
    phone = _text(o["phone"])
    alipay = _join(_text(o["phone"] // 10**8), b"****", _padded(o["phone"] % 10**4, 4))
    day_idx = o["created"] // DAY - ctx.day0
    trade_no = _join(_take(ctx.g_ymd, day_idx), "2200", _text(o["trade_no"]))
    total = _money(ctx, o["total"])
    paid_cents = np.where(paid, o["total"], 0)
    receiver = _join(_take(ctx.g_surname, o["surname"]), _take(ctx.g_given, o["given"]))

    full = _join(
        _take(ctx.g_province, o["geo"]), b" ", _take(ctx.g_city, o["geo"]), b" ",
        _take(ctx.g_district, o["geo"]), b" ", _take(ctx.g_road, o["road"]), _text(o["house"]), "号",
        _when(o["has_flat"], _take(ctx.g_community, o["community"]), _text(o["building"]), "栋",
              _text(o["unit"]), "单元", _text(o["room"]), "室"),
        b"(", _take(ctx.g_zip, o["geo"]), b")",
    )
    vague = o["vague"] >= 0
    if vague.any():
        v_idx = o["geo"][vague] * len(VAGUE_ADDRESSES) + o["vague"][vague]
        v_text = _take(ctx.g_vague, v_idx)
        same = o["vague"][vague] == VAGUE_ADDRESSES.index("同上")
        v_text = pc.if_else(pa.array(same), v_text,
                            _join(v_text, b"(", _take(ctx.g_zip, o["geo"][vague]), b")"))
        full = pc.replace_with_mask(full, pa.array(vague), v_text)
    changed = o["message"] == ADDRESS_CHANGE_MESSAGE
    new_address = _when(changed, full.take(pa.array(np.roll(np.arange(n), 1))))

    # the order's title: the first three line titles
    titles = [_take(cat.g_title, li["sku"][o["starts"]])]
    for j in (1, 2):
        has = o["n_lines"] > j
        idx = np.where(has, li["sku"][np.minimum(o["starts"] + j, len(li["sku"]) - 1)], cat.n)
        titles.append(_take(cat.g_title_sep, idx))

    tracked = o["tracked"]
    courier = _take(ctx.g_courier, np.where(tracked, o["courier"], len(COURIERS)))
    tracking = _when(tracked, _take(ctx.g_track_prefix, o["courier"]), _text(o["tracking"]))
    note = _take(ctx.g_note, o["note"])
    pay_detail = _when(paid, "支付宝:", *_money(ctx, o["total"]), "元")
    stages = _when(o["presale"], "定金：", *_money(ctx, o["deposit"]), "元；尾款：",
                   *_money(ctx, o["total"] - o["deposit"]), "元")
    settled = _when(o["status"] == S_SUCCESS, *_money(ctx, o["total"]))
    quoted_id = (b'="', oid, b'"')

    r = _Rows()
    r.field(*quoted_id, raw=True)                                   # 订单编号
    r.field(nick)                                                   # 买家会员名
    r.field(nick)                                                   # 买家会员昵称
    r.field(trade_no)                                               # 支付单号
    r.field(pay_detail)                                             # 支付详情
    r.field(alipay)                                                 # 买家支付宝账号
    r.field(*_money(ctx, o["goods"]))                               # 买家应付货款
    r.field(*_money(ctx, o["postage"]))                             # 买家应付邮费
    r.field(b"0")                                                   # 买家支付积分
    r.field(*total)                                                 # 总金额
    r.field(_text(np.where(paid, o["total"] // 10000, 0)))          # 返点积分
    r.field(*_money(ctx, paid_cents))                               # 买家实际支付金额
    r.field(b"0")                                                   # 买家实际支付积分
    r.field(status)                                                 # 订单状态
    r.field(_take(ctx.g_message, o["message"]))                     # 买家留言
    r.field(receiver)                                               # 收货人姓名
    r.field(full)                                                   # 收货地址
    r.field(pc.if_else(pa.array(o["cod"]), pa.scalar("货到付款".encode("gbk")),
                       pa.scalar("快递".encode("gbk"))))            # 运送方式
    r.field(b"")                                                    # 联系电话
    r.field(b"'", phone)                                            # 联系手机
    r.field(*_time(ctx, o["created"]))                              # 订单创建时间
    r.field(*_time(ctx, o["paid_at"]))                              # 订单付款时间
    r.field(*titles)                                                # 宝贝标题
    r.field(_text(o["n_lines"]))                                    # 宝贝种类
    r.field(tracking)                                               # 物流单号
    r.field(courier)                                                # 物流公司
    r.field(note)                                                   # 订单备注
    r.field(_text(o["qty"]))                                        # 宝贝总数量
    r.field(_take(ctx.g_shop_id, o["shop"]))                        # 店铺Id
    r.field(_take(ctx.g_shop, o["shop"]))                           # 店铺名称
    r.field(_take(ctx.g_close, o["close_reason"]))                  # 订单关闭原因
    r.field(b"0")                                                   # 卖家服务费
    r.field("0元")                                                  # 买家服务费
    r.field(_take(ctx.g_invoice, o["invoice"]))                     # 发票抬头
    r.field(_when(o["mobile"], "手机订单"))                         # 是否手机订单
    r.field(stages)                                                 # 分阶段订单信息
    r.field(b'=""', raw=True)                                       # 特权订金订单id
    r.field("否")                                                   # 是否上传合同照片
    r.field("否")                                                   # 是否上传小票
    r.field(pc.if_else(pa.array(o["by_friend"]), pa.scalar("是".encode("gbk")),
                       pa.scalar("否".encode("gbk"))))              # 是否代付
    r.field(b"")                                                    # 定金排名
    r.field(b"")                                                    # 修改后的sku
    r.field(new_address)                                            # 修改后的收货地址
    r.field(b"")                                                    # 异常信息
    r.field(b"")                                                    # 天猫卡券抵扣
    r.field(b"")                                                    # 集分宝抵扣
    r.field(b"")                                                    # 是否是O2O交易
    r.field(*_money(ctx, o["refunded"]))                            # 退款金额
    r.field(b"")                                                    # 预约门店
    r.field(*_time(ctx, o["confirm_at"]))                           # 确认收货时间
    r.field(settled)                                                # 打款商家金额
    r.field(_when(o["presale"], "是"))                              # 预售订单
    r.field(*_time(ctx, o["ship_at"]))                              # 发货时间
    r.field(note)                                                   # 商家备忘
    r.field(*quoted_id, raw=True)                                   # 主订单编号
    return r.build()


def _item_rows(o: dict[str, np.ndarray], li: dict[str, np.ndarray], ctx: _Context) -> pa.BinaryArray:
    """The item report's lines for a chunk."""
    cat, of, sku = ctx.cat, li["of"], li["sku"]
    status = np.where(li["refund"] == R_SUCCESS, S_CLOSED, o["status"][of])
    paid = o["paid"][of]
    day_idx = o["created"][of] // DAY - ctx.day0
    r = _Rows()
    r.field(b'="', _text(li["line_id"]), b'"', raw=True)            # 子订单编号
    r.field(b'="', _text(o["order_id"][of]), b'"', raw=True)        # 主订单编号
    r.field(_take(cat.g_title, sku))                                # 标题
    r.field(*_money(ctx, cat.price[sku]))                           # 价格
    r.field(_text(li["qty"]))                                       # 购买数量
    r.field(_take(cat.g_sku, sku))                                  # 外部系统编号
    r.field(_take(cat.g_attr, sku))                                 # 商品属性
    r.field(_when(li["package"], _take(cat.g_package, sku)))        # 套餐信息
    r.field(_take(cat.g_note, sku))                                 # 备注
    r.field(_take(ctx.g_status, status))                            # 订单状态
    r.field(_take(cat.g_sku, sku))                                  # 商家编码
    r.field(_take(ctx.g_ymd, day_idx), "2200", _text(o["trade_no"][of]))  # 支付单号
    r.field(*_money(ctx, li["pay"]))                                # 买家应付货款
    r.field(*_money(ctx, np.where(paid, li["pay"], 0)))             # 买家实际支付金额
    r.field(_take(ctx.g_refund, li["refund"]))                      # 退款状态
    r.field(*_money(ctx, li["refund_amount"]))                      # 退款金额
    r.field(*_time(ctx, o["created"][of]))                          # 订单创建时间
    r.field(*_time(ctx, o["paid_at"][of]))                          # 订单付款时间
    return r.build()


def _header(names: tuple[str, ...]) -> bytes:
    """The quoted GBK header line."""
    return (",".join(f'"{h}"' for h in names) + "\r\n").encode("gbk")


def _write(f, rows: pa.BinaryArray) -> None:
    """Write the bytes of a column of lines."""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32, count=len(rows) + 1, offset=rows.offset * 4)
    data = rows.buffers()[2]
    f.write(memoryview(data)[offsets[0]:offsets[-1]])


# ---------------------------------------------------------------------------------------------
# Templates: stock, bundles, promotions
# ---------------------------------------------------------------------------------------------


def _stock_frame(
    rng: np.random.Generator, cat: _Catalog, demand: np.ndarray, sold: np.ndarray, days: int
) -> pd.DataFrame:
    """Stock per SKU and warehouse: mostly healthy, several short, a few under safety, some at 0.

    占用 (reserved) is what the orders waiting to ship hold and 可用 = 实际 − 占用, as ERPs
    write it; a short SKU has less on hand than its orders hold, so its 可用 is negative.
    """
    stocked = [i for i in range(cat.n) if not cat.bundle0 <= i < cat.gift0]
    units = sold @ cat.bom
    per_day = np.maximum(units / max(days, 1), 0.2)
    order = sorted(stocked, key=lambda i: (-demand[i], i))
    with_demand = [i for i in order if demand[i] > 0]
    short = set(with_demand[1:14:3][:5])
    zero = set(with_demand[20:21]) | {cat.gift0 + cat.n_gift - 1}
    low = {i for i in with_demand[2:30:6] if i not in short | zero}

    rows = []
    for i in sorted(stocked, key=lambda i: cat.sku[i]):
        d, v = int(demand[i]), float(per_day[i])
        safety = int(np.ceil(v * rng.uniform(3, 6))) + 10
        in_transit = 0
        if i in zero:
            available = 0
        elif i in short:
            available = max(1, int(d * rng.uniform(0.2, 0.75))) if d >= 2 else 0
            in_transit = int(np.ceil(v * rng.uniform(10, 20)))
        elif i in low:
            available = d + int(np.ceil(v * rng.uniform(0.5, 1.5))) + 2
            safety = max(safety, available + int(np.ceil(v * 3)) + 10)
        else:
            available = d + int(np.ceil(v * rng.uniform(8, 30))) + int(rng.integers(20, 200))
            safety = min(safety, available // 2)
            in_transit = int(np.ceil(v * rng.uniform(5, 15))) if rng.random() < 0.3 else 0
        on_hand = available + d        # 实际 = 占用 (what the waiting orders hold) + 可用
        if i in short:                 # a real shortage: less on hand than the orders hold
            on_hand, available = available, available - d
        values = np.array([on_hand, d, available, in_transit, safety])
        if i < cat.n_sell and i in order[:12] and i not in zero:
            second = (values * 0.3).astype(np.int64)   # the second warehouse holds about 30 %
            second[0] = second[1] + second[2]
            parts = [values - second, second]
        else:
            parts = [values]
        for w, v in enumerate(parts):
            rows.append((cat.sku[i], cat.name[i], _barcode(cat, i), *(int(x) for x in v),
                         WAREHOUSES[w]))
    return pd.DataFrame(rows, columns=list(STOCK_HEADERS))


def _flags_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The flagged orders as the ERP's export in the order template (FLAG_HEADERS): order,
    creation time, platform, shop and flag."""
    f = pd.concat(parts, ignore_index=True)
    return pd.DataFrame({
        "order_id": f["order_id"].astype(str),
        "created_at": pd.to_datetime(f["created"], unit="s").dt.strftime("%Y-%m-%d %H:%M:%S"),
        "platform": taobao.KEY,
        "shop": [SHOPS[s][0] for s in f["shop"]],
        "seller_flag": [FLAGS[k][0] for k in f["flag"]],
    }, columns=list(FLAG_HEADERS))


def _barcode(cat: _Catalog, i: int) -> str:
    """The EAN-13 barcode of SKU number `i`: a 69-code of the brand's (692…) for most, an
    imported product's (every tenth product: a UPC written with two leading zeros); the last
    gift, a sample, has none."""
    if i == cat.n - 1:
        return ""
    body = f"0074{i:08d}" if i < cat.n_sell and i % 10 == 9 else f"69215830{i:04d}"
    odd, even = sum(int(d) for d in body[0::2]), sum(int(d) for d in body[1::2])
    return body + str((10 - (odd + 3 * even) % 10) % 10)


def _bundles_frame() -> pd.DataFrame:
    """The bill of materials of every set."""
    rows = [(b[0], comp, qty) for b in BUNDLES for comp, qty in b[6]]
    return pd.DataFrame(rows, columns=["bundle_sku", "component_sku", "quantity"])


def _promotions_frame(periods: list[tuple[str, datetime, datetime]]) -> pd.DataFrame:
    """The promotion periods as the desk's template."""
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = [(name, a.strftime(fmt), b.strftime(fmt)) for name, a, b in periods]
    return pd.DataFrame(rows, columns=["name", "start", "end"])


# ---------------------------------------------------------------------------------------------
# After-sales cases: each Tmall shop's 退款报表 and the brand's 抖店 售后单 (DESIGN §11)
# ---------------------------------------------------------------------------------------------

# The 退款报表 in the seller centre's current layout (the 旗舰店's) and in the older one (the
# 专营店's, exported by an older tool): one row per refund, a refund per sub-order.
# The headers are the exports' own, as the readers know them (pipeline/ingest/formats).
REFUND_HEADERS, REFUND_HEADERS_OLD = taobao.REFUND_EXPORT, taobao.REFUND_EXPORT_OLD
DOUYIN_CASE_HEADERS = douyin.CASE_HEADERS
REFUNDS_SHOP, REFUNDS_OLD_SHOP = 0, 1         # which Tmall shop exports which layout
DOUYIN_SHOP = "花漾美妆抖音旗舰店"
DOUYIN_CASE_SHARE = 0.01                      # 抖店 cases per demo order

# The case's status, as the desk reads it (DESIGN §11)
(C_SELLER, C_ARBITRATION, C_RETURN, C_RETURNED, C_REFUNDING,
 C_REFUNDED, C_REJECTED, C_CLOSED, C_EXCHANGED, C_FAILED) = range(10)
CASE_OPEN_CODES = (C_SELLER, C_ARBITRATION, C_RETURN, C_RETURNED, C_REFUNDING)
TAOBAO_CASE_STATUS = (
    "买家已经申请退款，等待卖家同意", "卖家拒绝退款", "卖家已经同意退款，等待买家退货",
    "买家已经退货，等待卖家确认收货", "同意退款，退款中", "退款成功", "卖家拒绝退款", "退款关闭",
    "换货成功", "退款失败",
)
DOUYIN_CASE_STATUS = (
    "待商家处理", "待商家处理", "待买家退货", "待商家收货", "退款中", "退款成功", "拒绝售后", "售后关闭",
    "换货成功", "退款失败",
)
# The case's type: (Taobao 售后类型, 是否需要退货)
T_REFUND, T_RETURN, T_EXCHANGE = range(3)
TAOBAO_CASE_TYPE = ("仅退款", "退货退款", "换货")
# 抖店 售后类型, the goods shipped or not, and which statuses each may be in while open / over
DOUYIN_TYPES = (
    # word, shipped, share, open statuses (shares), closed statuses (shares)
    ("未发货仅退款", False, 0.20, ((C_SELLER, 0.75), (C_REFUNDING, 0.25)),
     ((C_REFUNDED, 0.75), (C_CLOSED, 0.2), (C_FAILED, 0.05))),
    ("已发货仅退款", True, 0.28, ((C_SELLER, 0.6), (C_ARBITRATION, 0.15), (C_REFUNDING, 0.25)),
     ((C_REFUNDED, 0.65), (C_REJECTED, 0.1), (C_CLOSED, 0.2), (C_FAILED, 0.05))),
    ("退货退款", True, 0.37, ((C_SELLER, 0.35), (C_ARBITRATION, 0.1), (C_RETURN, 0.3),
                                (C_RETURNED, 0.25)),
     ((C_REFUNDED, 0.7), (C_REJECTED, 0.1), (C_CLOSED, 0.2))),
    ("换货", True, 0.07, ((C_SELLER, 0.4), (C_RETURN, 0.3), (C_RETURNED, 0.3)),
     ((C_EXCHANGED, 0.8), (C_CLOSED, 0.2))),
    ("补寄", True, 0.04, ((C_SELLER, 1.0),), ((C_EXCHANGED, 0.8), (C_CLOSED, 0.2))),
    ("价保", True, 0.04, ((C_SELLER, 0.7), (C_REFUNDING, 0.3)), ((C_REFUNDED, 0.8), (C_CLOSED, 0.2))),
)
DOUYIN_REFUND_TYPES = {0, 1, 2, 5}            # the types that give money back
DOUYIN_RETURN_TYPES = {2, 3}                  # the types that send the goods back

# reason, who is responsible (0 the buyer, 1 the seller, 2 the courier), what buyers write
CASE_REASONS = (
    ("不想要了", 0, ("不想要了", "不需要了", "买重复了")),
    ("拍错/多拍", 0, ("拍错色号了", "多拍了一件")),
    ("地址填写错误", 0, ("地址写错了，重新拍",)),
    ("未按约定时间发货", 1, ("说好48小时发货，一直没发",)),
    ("缺货", 1, ("客服说缺货，协商退款",)),
    ("七天无理由", 0, ("双11囤多了，用不完", "买多了", "和想象的不一样")),
    ("过敏", 0, ("用了两天脸上起红疹", "涂完刺痛发痒", "敏感肌用了泛红")),
    ("质量问题", 1, ("精华有分层", "泵头按不出来", "膏体有异味")),
    ("发错货", 1, ("色号发错了，要的是#520", "发成了50ml的")),
    ("少发/漏发", 1, ("少了一支口红", "赠品没收到", "套装少了面霜")),
    ("包装破损", 2, ("瓶子碎了", "外盒压坏了", "漏液了")),
    ("效果不好", 0, ("用了没效果",)),
)
RESPONSIBLE = ("买家", "卖家", "物流公司")
# reasons of each kind of case: (reason index, share)
REASONS_BEFORE_SHIP = ((0, 0.5), (1, 0.25), (2, 0.1), (3, 0.15))
REASONS_SHORT = ((4, 1.0),)
REASONS_AFTER_SHIP = ((5, 0.30), (6, 0.15), (0, 0.15), (7, 0.12), (8, 0.08), (9, 0.08), (10, 0.07),
                      (11, 0.05))
REASONS_AFTER_PROMO = ((5, 0.38), (6, 0.13), (0, 0.20), (7, 0.08), (8, 0.06), (9, 0.06), (10, 0.05),
                       (11, 0.04))   # what a 双11 buyer sends back: bought too much
REASONS_PART = ((9, 0.4), (7, 0.25), (10, 0.2), (8, 0.15))
REASONS_EXCHANGE = ((8, 0.6), (7, 0.25), (10, 0.15))
CASE_STAFF = ("小美", "阿杰", "琳琳")
DEMO_STAFF = CASE_STAFF[0]    # who processed the orders the later order report edits (load_demo)
MISSED_SHARE = 0.08           # refunds the platform made at the deadline, for the shop
ARBITRATION_SHARE = 0.25      # of the after-shipping requests waiting for the seller
SELLER_NAME = "花漾化妆品有限公司"
RETURN_ADDRESS = "浙江省杭州市余杭区仓前街道文一西路1500号 花漾电商仓"
RETURN_PHONE, RETURN_MOBILE, RETURN_ZIP = "0571-86880000", "18958000000", "311121"


class _CaseText:
    """The words, tables and clock of the case files, encoded for one file's encoding."""

    def __init__(self, ctx: _Context, encoding: str) -> None:
        def enc(values) -> pa.BinaryArray:
            return pa.array([v.encode(encoding) for v in values], type=pa.binary())

        self.encoding = encoding
        self.day0 = ctx.day0
        n_days = ctx.end // DAY - ctx.day0 + 20          # deadlines run past the end
        dates = [datetime(1970, 1, 1) + timedelta(days=int(ctx.day0 + i)) for i in range(n_days)]
        self.g_date = enc([d.strftime("%Y-%m-%d") for d in dates] + [""])
        self.g_tod, self.g_frac = ctx.g_tod, ctx.g_frac   # ASCII: the same in either encoding
        self.enc = enc
        self.reason = enc([r[0] for r in CASE_REASONS])
        texts = [t for r in CASE_REASONS for t in r[2]]
        self.text = enc(texts)
        self.text_first = np.cumsum([0] + [len(r[2]) for r in CASE_REASONS])[:-1]
        self.text_count = np.array([len(r[2]) for r in CASE_REASONS])
        self.responsible = enc(RESPONSIBLE)
        self.reason_responsible = np.array([r[1] for r in CASE_REASONS])
        self.courier = enc([c[0] for c in COURIERS] + [""])
        self.track_prefix = enc([c[1] for c in COURIERS])
        self.staff = enc(CASE_STAFF)
        self.sku = enc(ctx.cat.sku)
        self.title = ctx.cat.g_title if encoding == "gbk" else enc(
            [t.decode("gbk") for t in ctx.cat.g_title.to_pylist()])

    def b(self, text: str) -> bytes:
        return text.encode(self.encoding)

    def words(self, table: tuple[str, ...], idx: np.ndarray) -> pa.BinaryArray:
        return self.enc(table).take(pa.array(idx))


def _pick(rng: np.random.Generator, table: tuple, n: int) -> np.ndarray:
    """Draw `n` entries of a (value, share) table."""
    return _choice(rng, table, n) if n else np.zeros(0, dtype=np.int64)


def _taobao_cases(rng: np.random.Generator, o: dict[str, np.ndarray], li: dict[str, np.ndarray],
                  ctx: _Context) -> dict[str, np.ndarray]:
    """One case per line with a refund (退款状态 other than 没有申请退款) that charged something:
    its facts agree with the item and order reports (the refunded cases of an order add up to
    its 退款金额, a whole refund's first line carrying the postage), so the order's state reads
    the same from either."""
    end = ctx.end
    pick = np.flatnonzero((li["refund"] != R_NONE) & (li["pay"] > 0))
    k = len(pick)
    of, refund = li["of"][pick], li["refund"][pick]
    shipped = o["ship_at"][of] >= 0
    whole = o["whole_refund"][of]
    promo = _in(o["created"][of], ctx.promo) | _in(o["created"][of], ctx.afterglow)

    def u(lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        return rng.uniform(lo, hi, k)

    # the type, then the status (a refund agreed without a return is paid out: 退款中)
    kind, chance = np.full(k, T_REFUND), u()
    kind[shipped & (refund == R_RETURNED)] = T_RETURN
    kind[shipped & (refund == R_AGREED) & (chance < 0.7)] = T_RETURN
    kind[shipped & (refund == R_REQUESTED) & (chance < 0.55)] = T_RETURN
    kind[shipped & (refund == R_SUCCESS) & (whole | (chance < 0.4))] = T_RETURN
    kind[shipped & (refund == R_REFUSED) & (chance < 0.5)] = T_RETURN
    closed = shipped & (refund == R_CLOSED)
    kind[closed & (chance < 0.55)] = T_RETURN
    kind[closed & (chance < 0.15)] = T_EXCHANGE
    status = np.select(
        [refund == R_REQUESTED, refund == R_AGREED, refund == R_RETURNED, refund == R_SUCCESS,
         refund == R_REFUSED],
        [C_SELLER, np.where(kind == T_RETURN, C_RETURN, C_REFUNDING), C_RETURNED, C_REFUNDED,
         C_REJECTED],
        np.where(kind == T_EXCHANGE, C_EXCHANGED, C_CLOSED))
    second = u()
    status[(status == C_SELLER) & shipped & (second < ARBITRATION_SHARE)] = C_ARBITRATION
    status[(status == C_CLOSED) & (kind == T_REFUND) & (second < 0.06)] = C_FAILED

    # when: after shipping, as the simulation says; before, within a day of payment
    paid_at = o["paid_at"][of]
    before = paid_at + ((np.minimum(o["refund_req_at"][of], end) - paid_at) * u(0.5, 1.0)).astype(
        np.int64)
    req = np.where(shipped, o["after_at"][of], before)
    # a request still waiting for the seller is mostly a recent one (the platform decides the
    # older ones): a few are past their deadline
    waiting = shipped & (status == C_SELLER)
    req = np.where(waiting, np.maximum(req, end - u(2 * HOUR, 60 * HOUR).astype(np.int64)), req)
    span = end - req
    took = np.minimum(u(2 * HOUR, 4 * DAY), span * u(0.3, 1.0)).astype(np.int64)
    done = np.where(shipped, req + took,
                    np.maximum(req, np.minimum(o["refund_done_at"][of], end)))
    missed = (status == C_REFUNDED) & (u() < MISSED_SHARE)
    step = req + (span * u(0.3, 0.9)).astype(np.int64)     # agreed, sent back, taken to 客服
    deadline = np.select(
        [status == C_SELLER, status == C_REJECTED, status == C_RETURN, status == C_RETURNED,
         missed, status == C_REFUNDED],
        [req + 2 * DAY, req + 2 * DAY, step + 7 * DAY, step + 3 * DAY, done,
         done + u(2 * HOUR, 40 * HOUR).astype(np.int64)], -1)
    evidence = np.where(status == C_ARBITRATION, step + 3 * DAY, -1)
    over = np.isin(status, (C_REFUNDED, C_CLOSED, C_EXCHANGED, C_FAILED))
    sent = np.isin(status, (C_REFUNDED, C_EXCHANGED)) & (kind != T_REFUND)
    back = np.where(status == C_RETURNED, step, np.where(sent, req + (done - req) * 3 // 5, -1))

    # why: by what happened and to what order
    reason = np.where(shipped, _pick(rng, REASONS_AFTER_SHIP, k), _pick(rng, REASONS_BEFORE_SHIP, k))
    reason = np.where(shipped & promo, _pick(rng, REASONS_AFTER_PROMO, k), reason)
    part = shipped & (refund == R_SUCCESS) & ~whole & (kind == T_REFUND)
    reason = np.where(part, _pick(rng, REASONS_PART, k), reason)
    reason = np.where(~shipped & (refund == R_SUCCESS) & ~whole, _pick(rng, REASONS_SHORT, k),
                      reason)
    reason = np.where(kind == T_EXCHANGE, _pick(rng, REASONS_EXCHANGE, k), reason)

    asked = li["pay"][pick] + np.where(whole & (li["pos"][pick] == 0), o["postage"][of], 0)
    courier = rng.integers(0, len(COURIERS), k)
    digits = np.array([c[2] for c in COURIERS])[courier]
    return {
        "pick": pick, "of": of, "shipped": shipped, "whole": whole, "kind": kind,
        "status": status, "req": req, "done": np.where(over, done, -1),
        "deadline": deadline, "evidence": evidence, "missed": missed, "back": back,
        "reason": reason, "text": rng.integers(0, 1 << 30, k), "asked": np.where(
            kind == T_EXCHANGE, 0, asked),
        "courier": courier, "tracking": rng.integers(10 ** (digits - 1), 10 ** digits),
        "staff": rng.integers(0, len(CASE_STAFF), k),
        "case_id": _unique_id(rng, li["line_id"][pick] % 10**8, ctx.seed, 2),
    }


def _taobao_case_rows(o: dict[str, np.ndarray], li: dict[str, np.ndarray], c: dict[str, np.ndarray],
                      ctx: _Context, t: _CaseText, rows: np.ndarray, headers: tuple[str, ...]
                      ) -> pa.BinaryArray:
    """The 退款报表 lines of the cases at `rows` (positions in `c`), in the layout `headers`."""
    def at(key: str) -> np.ndarray:
        return c[key][rows]

    of, pick, status, kind = at("of"), at("pick"), at("status"), at("kind")
    sku = li["sku"][pick]
    shipped, reason = at("shipped"), at("reason")
    answered = ~np.isin(status, (C_SELLER, C_ARBITRATION))
    refunded = status == C_REFUNDED
    text_idx = t.text_first[reason] + at("text") % t.text_count[reason]
    staff = _join(_take(ctx.g_shop, o["shop"][of]), b":", _take(t.staff, at("staff")))
    back = at("back")
    tracking = _when(back >= 0, _take(t.track_prefix, at("courier")), _text(at("tracking")))
    deadline = at("deadline")
    if "举证超时" not in headers:   # the older layout's 超时时间 is the step's, evidence included
        deadline = np.where(at("evidence") >= 0, at("evidence"), deadline)
    fields: dict[str, list] = {
        "订单编号": [b'="', _text(o["order_id"][of]), b'"'],
        "退款编号": [b'="', _text(at("case_id")), b'"'],
        "支付单号": [_take(ctx.g_ymd, o["created"][of] // DAY - ctx.day0), b"2200",
                  _text(o["trade_no"][of])],
        "订单付款时间": _time(t, o["paid_at"][of]),
        "商品 id": [_text(680_000_000_000 + 7919 * sku)],
        "商品编码": [_take(t.sku, sku)],
        "退款完结时间": _time(t, at("done")),
        "买家会员名称": [_take(ctx.g_nick, o["nick"][of]), _text(o["nick_num"][of])],
        "买家实际支付金额": _money(t, li["pay"][pick]),
        "宝贝标题": [_take(t.title, sku)],
        "买家退款金额": _money(t, at("asked")),
        "手工退款/系统退款": [_when(refunded, pc.if_else(pa.array(at("missed")),
                                                  pa.scalar(t.b("系统退款")),
                                                  pa.scalar(t.b("手工退款"))))],
        "售后类型": [t.words(TAOBAO_CASE_TYPE, kind)],
        "是否需要退货": [t.words(("否", "是", "是"), kind)],
        "退款的申请时间": _time(t, at("req")),
        "超时时间": _time(t, deadline),
        "退款状态": [t.words(TAOBAO_CASE_STATUS, status)],
        "货物状态": [t.words(("买家未收到货", "买家已收到货", "买家已退货"),
                         np.where(back >= 0, 2, shipped.astype(np.int64)))],
        "退货物流信息": [_when(back >= 0, t.b("已签收"))],
        "发货物流信息": [_take(t.courier, np.where(shipped, o["courier"][of], len(COURIERS)))],
        "客服介入状态": [t.words(("未介入", "客服介入中"), (status == C_ARBITRATION).astype(np.int64))],
        "卖家真实姓名": [t.b(SELLER_NAME)],
        "卖家真实姓名 (新)": [t.b(SELLER_NAME)],
        "卖家退货地址": [t.b(RETURN_ADDRESS)],
        "卖家邮编": [t.b(RETURN_ZIP)],
        "卖家电话": [t.b(RETURN_PHONE)],
        "卖家手机": [t.b(RETURN_MOBILE)],
        "退货物流单号": [tracking],
        "退货物流公司": [_take(t.courier, np.where(back >= 0, at("courier"), len(COURIERS)))],
        "买家退款原因": [_take(t.reason, reason)],
        "买家退款说明": [_take(t.text, text_idx)],
        "买家退货时间": _time(t, back),
        "责任方": [_take(t.responsible, t.reason_responsible[reason])],
        "售中或售后": [t.words(("售中", "售后"), shipped.astype(np.int64))],
        "完结时间": _time(t, at("done")),
        "部分退款/全部退款": [t.b("全部退款")],       # each case asks for what its line charged
        "审核操作人": [_when(answered, staff)],
        "举证超时": _time(t, at("evidence")),
        "是否零秒响应": [t.b("否")],
        "退款操作人": [_when(refunded, pc.if_else(pa.array(at("missed")), pa.scalar(t.b("系统")),
                                              staff))],
        "业务类型": [t.b("普通")],
        "是否帮他退款": [t.b("否")],
    }
    fields["支付宝交易号"] = fields["支付单号"]
    fields["商品id"] = fields["商品 id"]
    fields["商家编码"] = fields["商品编码"]
    r = _Rows()
    for h in headers:
        pieces = fields.get(h, [b""])
        r.field(*pieces, raw=h in ("订单编号", "退款编号"))
    return r.build()


def _douyin_cases(rng: np.random.Generator, created: np.ndarray, ctx: _Context, n: int,
                  t: _CaseText) -> pa.BinaryArray:
    """`n` cases of the brand's 抖店 shop, requested in the days after orders like the demo's
    (the 双11 surge included), every status among them when there are enough."""
    end, cat = ctx.end, ctx.cat
    base = created[rng.integers(0, len(created), n)]
    req = base + rng.integers(DAY, 9 * DAY, n)
    late = req >= end
    req[late] = base[late] + ((end - base[late]) * rng.uniform(0.2, 0.95, late.sum())).astype(np.int64)
    span = end - req
    types = DOUYIN_TYPES
    kind = _pick(rng, tuple((i, ty[2]) for i, ty in enumerate(types)), n)
    open_ = (span < 5 * DAY) & (rng.random(n) < 0.85)
    status = np.zeros(n, dtype=np.int64)
    for i, ty in enumerate(types):
        for is_open, table in ((True, ty[3]), (False, ty[4])):
            at = np.flatnonzero((kind == i) & (open_ == is_open))
            status[at] = _pick(rng, table, len(at))
    # every status once at least (an open one on a case requested in the last days)
    for code in range(10):
        if (status == code).any() or n < 20:
            continue
        fits = [i for i, ty in enumerate(types) if code in {s for s, _ in ty[3] + ty[4]}]
        spare = np.flatnonzero(np.isin(kind, fits)
                               & (np.bincount(status, minlength=10)[status] > 1))
        if len(spare):
            status[spare[0]] = code
            if code in CASE_OPEN_CODES and not open_[spare[0]]:
                req[spare[0]] = end - int(rng.integers(2 * HOUR, 3 * DAY))
    span = end - req
    sku = rng.choice(cat.n_sell, size=n, p=cat.sell_p)
    pay = np.rint(cat.price[sku] * rng.uniform(0.8, 1.0, n)).astype(np.int64)
    shipped = np.array([ty[1] for ty in types])[kind]
    refund_type = np.isin(kind, list(DOUYIN_REFUND_TYPES))
    back_type = np.isin(kind, list(DOUYIN_RETURN_TYPES))
    refund = np.where(refund_type, pay, 0)
    refund = np.where(kind == 5, np.rint(pay * rng.uniform(0.05, 0.2, n)).astype(np.int64), refund)
    postage = np.where((kind == 2) & (rng.random(n) < 0.3), 800, 0)

    over = np.isin(status, (C_REFUNDED, C_REJECTED, C_CLOSED, C_EXCHANGED, C_FAILED))
    took = np.minimum(rng.uniform(2 * HOUR, 4 * DAY, n), span * rng.uniform(0.3, 1.0, n))
    done = req + took.astype(np.int64)
    step = req + (span * rng.uniform(0.3, 0.9, n)).astype(np.int64)
    missed = (status == C_REFUNDED) & (rng.random(n) < MISSED_SHARE)
    deadline = np.select(
        [status == C_SELLER, status == C_REJECTED, status == C_ARBITRATION, status == C_RETURN,
         status == C_RETURNED, missed, status == C_REFUNDED],
        [req + 2 * DAY, req + 2 * DAY, step + 3 * DAY, step + 7 * DAY, step + 2 * DAY, done,
         done + rng.uniform(2 * HOUR, 40 * HOUR, n).astype(np.int64)], -1)
    agreed = np.where(np.isin(status, (C_RETURN, C_RETURNED, C_REFUNDING, C_EXCHANGED))
                      | ((status == C_REFUNDED) & ~missed),
                      req + (np.where(over, done, step) - req) // 3, -1)
    back = np.where(back_type & (np.isin(status, (C_RETURNED,)) | (over & (status != C_CLOSED))),
                    np.where(over, req + (done - req) * 3 // 5, step), -1)
    reason = np.where(shipped, _pick(rng, REASONS_AFTER_SHIP, n), _pick(rng, REASONS_BEFORE_SHIP, n))
    reason = np.where(kind == 3, _pick(rng, REASONS_EXCHANGE, n), reason)
    reason = np.where(kind == 4, 9, reason)                   # 补寄: something was missing
    text_idx = t.text_first[reason] + rng.integers(0, 1 << 30, n) % t.text_count[reason]
    courier = rng.integers(0, len(COURIERS), n)
    digits = np.array([c[2] for c in COURIERS])[courier]
    tracking = rng.integers(10 ** (digits - 1), 10 ** digits)
    ship_courier = rng.integers(0, len(COURIERS), n)
    ship_tracking = rng.integers(10**12, 10**13, n)
    index = np.arange(n, dtype=np.int64)
    order_no = 6_900_000_000_000_000_000 + (_unique_id(rng, index, ctx.seed, 3) % 10**17)
    case_no = 7_000_000_000_000_000_000 + (_unique_id(rng, index, ctx.seed, 4) % 10**17)
    staff = rng.integers(0, len(CASE_STAFF), n)

    def minus(cents: np.ndarray) -> list:            # 抖店 writes what goes back signed
        return [_when(cents > 0, b"-"), *_money(t, cents)]

    dash = b"-"
    title = t.title
    fields: dict[str, list] = {
        "售后单号": [b"\t", _text(case_no)],
        "订单号": [b"\t", _text(order_no)],
        "商品单号": [b"\t", _text(order_no + 5 * 10**16)],
        "商品名称": [_take(title, sku)],
        "商品ID": [b"\t", _text(3_600_000_000_000_000_000 + 7919 * sku)],
        "应付金额（元）": _money(t, pay),
        "商品运费（元）": [b"0.00"],
        "支付优惠（元）": [b"0.00"],
        "商品税费（元）": [b"0.00"],
        "商品发货状态": [t.words(("未发货", "已发货"), shipped.astype(np.int64))],
        "售后类型": [t.words(tuple(ty[0] for ty in types), kind)],
        "退商品金额（元）": minus(refund),
        "退运费金额（元）": minus(postage),
        "退支付优惠（元）": [b"0.00"],
        "退税费金额（元）": [b"0.00"],
        "售后状态": [t.words(DOUYIN_CASE_STATUS, status)],
        "售后申请时间": _time(t, req),
        "退款方式": [_when(refund_type, t.b("原路退回"))],
        "是否已上传退款凭证": [t.b("否")],
        "售后原因": [_take(t.reason, reason)],
        "售后原因标签": [dash],
        "退货物流单号": [pc.if_else(pa.array(back >= 0), _join(
            b"\t", _take(t.track_prefix, courier), _text(tracking)), pa.scalar(dash))],
        "退货异常": [dash],
        "退货发货时间": _dashed(t, back),
        "退货物流公司": [_take(t.enc([c[0] for c in COURIERS] + ["-"]),
                            np.where(back >= 0, courier, len(COURIERS)))],
        "自动处理截止时间": _dashed(t, deadline),
        "同意售后申请时间": _dashed(t, agreed),
        "商家退款时间": _dashed(t, np.where(status == C_REFUNDED, done, -1)),
        "用户到账时间": _dashed(t, np.where(status == C_REFUNDED, done, -1)),
        "售后关闭时间": _dashed(t, np.where(status == C_CLOSED, done, -1)),
        "商家退货地址": [t.b(RETURN_ADDRESS)],
        "商家退货联系人姓名": [t.b("花漾售后")],
        "商家退货联系人电话": [t.b(RETURN_MOBILE)],
        "仲裁状态": [t.words(("-", "仲裁中"), (status == C_ARBITRATION).astype(np.int64))],
        "纠纷责任方": [dash],
        "是否极速退款": [t.b("否")],
        "是否拒签后退款": [t.b("否")],
        "发货物流单号": [pc.if_else(pa.array(shipped), _join(
            b"\t", _take(t.track_prefix, ship_courier), _text(ship_tracking)), pa.scalar(dash))],
        "发货物流状态": [t.words(("-", "已签收"), shipped.astype(np.int64))],
        "换货物流单号": [dash],
        "退货物流状态": [t.words(("-", "已签收"), (back >= 0).astype(np.int64))],
        "售后完结时间": _dashed(t, np.where(over, done, -1)),
        "订单备注": [dash],
        "用户售后说明": [_take(t.text, text_idx)],
        "售后备注": [dash],
        "操作人": [pc.if_else(pa.array(np.isin(status, CASE_OPEN_CODES[:1]) | missed),
                            pa.scalar(dash), _take(t.staff, staff))],
        "协商记录": [dash],
        "换货商品信息": [dash],
        "商家编码": [_take(t.sku, sku)],
        "门店名称": [t.b(DOUYIN_SHOP)],
    }
    r = _Rows()
    for h in DOUYIN_CASE_HEADERS:
        r.field(*fields[h])
    return r.build()


def _dashed(t: _CaseText, at: np.ndarray) -> list:
    """A time, or `-` where there is none (as 抖店 writes an empty cell)."""
    return [pc.if_else(pa.array(at < 0), pa.scalar(b"-"), _join(*_time(t, at)))]
