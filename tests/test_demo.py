"""The demo exports: layouts, determinism, and a believable shop (pipeline/ingest/demo.py)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from pipeline.db.settings import DEFAULT_MESSAGE_RULES
from pipeline.desk.info import categorise, rule_hits
from pipeline.ingest.demo import DEMO_FILES, promotion_periods, write_demo
from pipeline.ingest.formats import read_export

END = datetime(2026, 11, 27, 9)
ORDERS = 3000

# the layouts as the platform writes them (copied here, not imported: the test guards the constants)
ORDER_HEADERS = [
    "订单编号", "买家会员名", "买家会员昵称", "支付单号", "支付详情", "买家支付宝账号",
    "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分", "买家实际支付金额",
    "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话",
    "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号", "物流公司",
    "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费",
    "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票",
    "是否代付", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣",
    "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店", "确认收货时间", "打款商家金额",
    "预售订单", "发货时间", "商家备忘", "主订单编号",
]
ITEM_HEADERS = [
    "子订单编号", "主订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性",
    "套餐信息", "备注", "订单状态", "商家编码", "支付单号", "买家应付货款", "买家实际支付金额",
    "退款状态", "退款金额", "订单创建时间", "订单付款时间",
]
STOCK_HEADERS = [
    "商家编码", "商品名称", "条码", "实际库存", "占用库存", "可用库存", "在途库存", "安全库存", "仓库",
]
FLAG_HEADERS = ["order_id", "created_at", "platform", "shop", "seller_flag"]
FLAG_COLOURS = {"红", "黄", "绿", "蓝", "紫"}

ORDER_STATES = ("等待买家付款", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "交易关闭")
REFUND_STATES = (
    "没有申请退款", "买家已经申请退款，等待卖家同意", "卖家已经同意退款，等待买家退货",
    "买家已经退货，等待卖家确认收货", "卖家拒绝退款", "退款关闭", "退款成功",
)
REFUND_OPEN = REFUND_STATES[1:4]
WAITING = ("买家已付款，等待卖家发货", "买家已确认，等待卖家发货")
# the categories of the desk's default message and note rules (DESIGN §12)
CATEGORIES = {"address_change", "variant_change", "cancel_request", "courier_request", "urgent",
              "invoice", "gift_request", "delivery"}


def read_gbk(path: Path) -> tuple[list[str], pd.DataFrame]:
    """Header and rows of a GBK report, ids unwrapped from `="…"`, amounts and times kept as text."""
    text = path.read_bytes().decode("gbk")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    for col in frame.columns:
        frame[col] = frame[col].str.replace(r'^="(.*)"$', r"\1", regex=True)
    return rows[0], frame


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("demo")
    paths = write_demo(out, orders=ORDERS, seed=7, end=END)
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def orders(demo) -> pd.DataFrame:
    frame = read_gbk(demo["taobao_orders.csv"])[1]
    for col in ("订单创建时间", "订单付款时间", "发货时间", "确认收货时间"):
        frame[col] = pd.to_datetime(frame[col].replace("", None), format="%Y-%m-%d %H:%M:%S")
    for col in ("买家应付货款", "买家应付邮费", "总金额", "买家实际支付金额", "退款金额"):
        frame[col] = pd.to_numeric(frame[col])
    return frame


@pytest.fixture(scope="module")
def items(demo) -> pd.DataFrame:
    frame = read_gbk(demo["taobao_items.csv"])[1]
    for col in ("价格", "买家应付货款", "买家实际支付金额", "退款金额"):
        frame[col] = pd.to_numeric(frame[col])
    frame["购买数量"] = frame["购买数量"].astype(int)
    return frame


@pytest.fixture(scope="module")
def bundles(demo) -> pd.DataFrame:
    return pd.read_csv(demo["bundles.csv"], dtype={"bundle_sku": str, "component_sku": str})


@pytest.fixture(scope="module")
def stock(demo) -> pd.DataFrame:
    return pd.read_csv(demo["stock.csv"], encoding="utf-8", dtype={"商家编码": str, "条码": str},
                       keep_default_na=False)


def test_writes_every_file(demo):
    assert list(demo) == list(DEMO_FILES)
    assert all(p.stat().st_size > 0 for p in demo.values())


def test_same_seed_and_end_give_the_same_bytes(demo, tmp_path):
    again = write_demo(tmp_path, orders=ORDERS, seed=7, end=END)
    for path in again:
        assert path.read_bytes() == demo[path.name].read_bytes(), path.name


def test_another_seed_gives_other_data(demo, tmp_path):
    other = {p.name: p for p in write_demo(tmp_path, orders=ORDERS, seed=8, end=END)}
    assert other["taobao_orders.csv"].read_bytes() != demo["taobao_orders.csv"].read_bytes()
    assert other["taobao_items.csv"].read_bytes() != demo["taobao_items.csv"].read_bytes()


def test_reports_are_gbk_with_the_exact_headers_every_field_quoted(demo):
    header, frame = read_gbk(demo["taobao_orders.csv"])
    assert header == ORDER_HEADERS
    assert len(frame) == ORDERS
    assert read_gbk(demo["taobao_items.csv"])[0] == ITEM_HEADERS
    raw = demo["taobao_orders.csv"].read_bytes().decode("gbk").split("\r\n")
    assert raw[1].startswith('="3') and raw[1].endswith('"')
    assert ',"\'1' in raw[1]                      # phones written '138…
    assert ',=""' in raw[1]                       # the empty deposit id, unquoted like the real one
    assert pd.read_csv(demo["stock.csv"], encoding="utf-8").columns.tolist() == STOCK_HEADERS


def test_ids_have_19_digits_and_are_unique(orders, items):
    for ids in (orders["订单编号"], items["子订单编号"]):
        assert ids.str.fullmatch(r"[1-9]\d{18}").all()
        assert ids.is_unique
    assert (orders["主订单编号"] == orders["订单编号"]).all()
    assert set(items["主订单编号"]) == set(orders["订单编号"])


def test_two_to_three_lines_per_order_with_singles_multis_gifts_and_bundles(orders, items, bundles):
    assert 2.0 <= len(items) / len(orders) <= 3.0
    per_order = items.groupby("主订单编号").size()
    assert (per_order == 1).mean() > 0.2
    assert (per_order >= 3).mean() > 0.2
    gifts = items[items["价格"] == 0]
    assert len(gifts) > 0.1 * len(items)
    assert (gifts["标题"].str.contains("赠品|小样") | gifts["备注"].str.contains("赠品")).all()
    assert (gifts["备注"].str.contains("赠品") & ~gifts["标题"].str.contains("赠品")).any()
    bundle_lines = items[items["商家编码"].isin(bundles["bundle_sku"])]
    assert len(bundle_lines) > 0
    assert (bundle_lines["套餐信息"] != "").any()
    silent = bundle_lines[(bundle_lines["套餐信息"] == "") & ~bundle_lines["标题"].str.contains("套装|礼盒")]
    assert len(silent) > 0


def test_every_order_status_and_refund_status_appears(orders, items):
    assert set(ORDER_STATES) <= set(orders["订单状态"])
    assert set(REFUND_STATES) <= set(items["退款状态"])
    assert set(items["退款状态"]) <= set(REFUND_STATES)


def test_amounts_are_consistent(orders, items):
    lines = items.assign(list_amount=items["价格"] * items["购买数量"]).groupby("主订单编号").agg(
        payable=("买家应付货款", "sum"), list_amount=("list_amount", "sum"),
        pieces=("购买数量", "sum"), kinds=("商家编码", "nunique"),
        refunded=("退款金额", lambda s: s[items.loc[s.index, "退款状态"] == "退款成功"].sum()),
    )
    o = orders.set_index("订单编号").join(lines)
    assert (o["payable"] - o["买家应付货款"]).abs().max() < 0.005
    assert ((o["买家应付货款"] + o["买家应付邮费"] - o["总金额"]).abs() < 0.005).all()
    assert (o["list_amount"] >= o["买家应付货款"] - 0.005).all()      # discounts, never a surcharge
    assert (o["list_amount"] > o["买家应付货款"] + 0.005).mean() > 0.3
    assert (o["宝贝总数量"].astype(int) == o["pieces"]).all()
    assert (o["宝贝种类"].astype(int) == o["kinds"]).all()
    paid = o["订单付款时间"].notna()
    assert (o.loc[paid, "买家实际支付金额"] == o.loc[paid, "总金额"]).all()
    assert (o.loc[~paid, "买家实际支付金额"] == 0).all()
    assert (o["退款金额"] <= o["总金额"] + 0.005).all()
    partial = (o["退款金额"] > 0) & (o["退款金额"] < o["总金额"])
    assert partial.any()
    assert ((o.loc[partial, "退款金额"] - o.loc[partial, "refunded"]).abs() < 0.005).all()
    full = o[(o["退款金额"] > 0) & (o["退款金额"] >= o["总金额"])]
    assert len(full) > 0 and (full["订单状态"] == "交易关闭").all()


def test_statuses_follow_the_age_of_the_order(orders):
    age = END - orders["订单创建时间"]
    old = orders[age > timedelta(days=20)]
    assert old["订单状态"].isin(["交易成功", "交易关闭"]).mean() > 0.9
    waiting = orders[orders["订单状态"] == "买家已付款，等待卖家发货"]
    last_day = orders[(age < timedelta(days=1)) & orders["订单付款时间"].notna()]
    assert (last_day["订单状态"] == "买家已付款，等待卖家发货").mean() > 0.6
    assert len(waiting) > 0.01 * len(orders)
    assert ((END - waiting["订单付款时间"]) < timedelta(days=4)).mean() > 0.7
    late = (END - waiting["订单付款时间"]) > timedelta(hours=72)
    assert late.sum() >= 2                                    # overdue to ship
    assert ((waiting["物流单号"] != "") & ~late).any()        # processed, not yet shipped
    unpaid = orders[orders["订单状态"] == "等待买家付款"]
    assert ((END - unpaid["订单创建时间"]) > timedelta(days=2)).any()  # to chase
    shipped = orders[orders["订单状态"].isin(["卖家已发货，等待买家确认", "交易成功"])]
    assert (shipped["物流单号"] != "").all() and shipped["发货时间"].notna().all()
    done = orders[orders["订单状态"] == "交易成功"]
    assert done["确认收货时间"].notna().all() and (done["确认收货时间"] <= END).all()
    closed_unpaid = orders[(orders["订单状态"] == "交易关闭") & orders["订单付款时间"].isna()]
    assert len(closed_unpaid) > 0 and (closed_unpaid["订单关闭原因"] != "订单未关闭").all()
    assert (orders.loc[orders["订单状态"] != "交易关闭", "订单关闭原因"] == "订单未关闭").all()
    assert set(orders["物流公司"]) - {""} <= {"顺丰速运", "中通快递", "圆通速递", "韵达快递", "申通快递", "京东物流"}
    for col in ("订单创建时间", "订单付款时间", "发货时间", "确认收货时间"):
        assert (orders[col].dropna() <= END).all()


def test_double_11_sells_several_ordinary_days(orders):
    days = orders["订单创建时间"].dt.normalize().value_counts()
    ordinary = days[(days.index < pd.Timestamp("2026-10-20")) | (days.index >= pd.Timestamp("2026-11-15"))]
    ordinary = ordinary[ordinary.index < pd.Timestamp(END.date())]       # whole days only
    assert days[pd.Timestamp("2026-11-11")] > 4 * ordinary.median()
    first_hour = orders["订单创建时间"].between("2026-11-11 00:00", "2026-11-11 00:59:59").sum()
    assert first_hour > ordinary.median()                                # the midnight rush
    presale = orders[orders["预售订单"] == "是"]
    assert len(presale) > 0 and (presale["订单付款时间"].dropna() >= pd.Timestamp("2026-11-11")).all()


def test_buyer_messages_notes_and_addresses(orders):
    assert 0.05 < (orders["买家留言"] != "").mean() < 0.12
    assert (orders["订单备注"] != "").any()
    full = orders["收货地址"].str.fullmatch(r"\S+ \S+ \S+ \S+\(\d{6}\)")
    assert 0.005 < (~full).mean() < 0.04                                 # a few vague ones
    assert orders["联系手机"].str.fullmatch(r"'1\d{10}").all()
    assert set(orders["店铺名称"]) == {"花漾美妆旗舰店", "花漾美妆专营店"}


def test_a_few_buyers_have_two_open_orders_to_one_address(orders):
    open_ = orders[orders["订单状态"].isin(["等待买家付款", "买家已付款，等待卖家发货"])]
    same = open_.groupby(["店铺名称", "买家会员名", "收货地址"]).size()
    assert 1 <= (same >= 2).sum() <= max(5, 0.05 * len(open_))


def test_stock_has_short_low_and_empty_skus(stock, items, orders, bundles):
    waiting = orders.loc[orders["订单状态"].isin(WAITING), "订单编号"]
    refund_open = items.loc[items["退款状态"].isin(REFUND_OPEN), "主订单编号"]
    lines = items[items["主订单编号"].isin(waiting) & ~items["主订单编号"].isin(refund_open)
                  & (items["退款状态"] != "退款成功")]
    bom = pd.concat([
        bundles.rename(columns={"bundle_sku": "sku", "component_sku": "part", "quantity": "per"}),
        pd.DataFrame({"sku": lines["商家编码"].unique()}).assign(part=lambda d: d["sku"], per=1),
    ])
    bom = bom[~bom["sku"].isin(bundles["bundle_sku"]) | (bom["part"] != bom["sku"])]
    need = (lines.merge(bom, left_on="商家编码", right_on="sku")
            .assign(units=lambda d: d["购买数量"] * d["per"]).groupby("part")["units"].sum())
    per_sku = stock.groupby("商家编码")[["可用库存", "占用库存", "安全库存"]].sum()
    assert set(stock["仓库"]) == {"杭州主仓", "广州分仓"}
    assert (stock["实际库存"] == stock["占用库存"] + stock["可用库存"]).all()
    assert 40 <= len(per_sku) <= 70
    available = per_sku["可用库存"].reindex(need.index, fill_value=0)
    assert 3 <= (available < need).sum() <= 10
    assert 1 <= (per_sku["可用库存"] == 0).sum() <= 3
    assert (per_sku["可用库存"] < per_sku["安全库存"]).sum() >= 3
    assert set(bundles["component_sku"]) <= set(stock["商家编码"])
    assert not set(bundles["bundle_sku"]) & set(stock["商家编码"])


def test_bundles_have_two_to_four_components(bundles, items):
    sizes = bundles.groupby("bundle_sku").size()
    assert 6 <= len(sizes) <= 10 and sizes.between(2, 4).all()
    assert (bundles["quantity"] == 2).any()
    assert set(sizes.index) & set(items["商家编码"])


def test_promotions_put_double_11_inside_the_window(demo):
    promos = pd.read_csv(demo["promotions.csv"], parse_dates=["start", "end"])
    assert promos.columns.tolist() == ["name", "start", "end"]
    by_name = promos.set_index("name")
    assert by_name.loc["双11 2026", "start"] == pd.Timestamp("2026-11-11 00:00:00")
    assert by_name.loc["双11 2026", "end"] == pd.Timestamp("2026-11-11 23:59:59")
    assert by_name.loc["双11预售 2026", "end"] < by_name.loc["双11 2026", "start"]
    assert "618 2026" in by_name.index
    assert (promos["start"] < promos["end"]).all()


def test_promotion_years_follow_end():
    names = [name for name, _, _ in promotion_periods(datetime(2031, 1, 10), days=60)]
    assert "双11 2030" in names and "双12 2030" in names
    assert not any(name.endswith("2031") for name in names)
    spring = [name for name, _, _ in promotion_periods(datetime(2026, 3, 5), days=60)]
    assert spring == ["618 2025", "双11预售 2025", "双11 2025", "双12 2025"]


def test_end_defaults_to_the_last_full_hour_in_shanghai(tmp_path):
    before = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    created = pd.to_datetime(read_gbk(write_demo(tmp_path, orders=50, seed=1, days=3)[0])[1]["订单创建时间"])
    hour = before.replace(minute=0, second=0, microsecond=0)
    assert len(created) == 50
    assert created.max() < hour + timedelta(hours=1)
    assert created.min() >= hour - timedelta(days=3, hours=1)


def test_the_readers_take_every_demo_file_without_rejects(demo):
    for name, path in demo.items():
        parsed = read_export(name, path.read_bytes(), "Asia/Shanghai")
        assert parsed.rejects == [], (name, parsed.rejects[:5])
        assert parsed.frames and all(len(f) for f in parsed.frames.values()), name


def categories_of(texts: pd.Series, source: str) -> tuple[Counter, int]:
    """How many of the texts each default category catches, and how many none catches."""
    counts, plain = Counter(), 0
    for text in texts[texts != ""]:
        found = categorise(text, DEFAULT_MESSAGE_RULES, source)
        counts.update(found)
        plain += not found
    return counts, plain


def test_buyer_messages_fall_into_every_default_category(orders):
    counts, plain = categories_of(orders["买家留言"], "buyer_message")
    assert set(counts) == CATEGORIES
    # seed 7, 3,000 orders: 240 messages (8 %), six of them in two categories (加急 and 发顺丰);
    # the shares of the words would give about 26, 17, 12, 32, 38, 14, 24, 22 and 59 plain
    assert counts == {"address_change": 27, "variant_change": 14, "cancel_request": 14,
                      "courier_request": 31, "urgent": 43, "invoice": 11, "gift_request": 34,
                      "delivery": 18}
    assert plain == 54
    assert (orders["买家留言"] != "").sum() == 240


def test_courier_requests_name_the_courier_asked_or_refused(orders):
    asked, refused = Counter(), Counter()
    for text in orders["买家留言"]:
        for hit in rule_hits(text, DEFAULT_MESSAGE_RULES, "buyer_message"):
            if hit.category == "courier_request":
                asked[hit.courier] += 1
                refused[hit.avoid] += 1
    assert asked == {"顺丰": 17, "中通": 8, "京东": 3, None: 3}      # 不要发韵达: none asked
    assert refused == {None: 28, "韵达": 3}


def test_seller_notes_are_the_shops_words_some_caught_by_the_rules(orders):
    notes = orders["订单备注"]
    assert (orders["商家备忘"] == notes).all()
    counts, plain = categories_of(notes, "seller_note")
    # seed 7, 3,000 orders: 50 notes (2 %) and the note of 36 presale orders
    assert counts == {"address_change": 3, "courier_request": 7, "urgent": 6, "invoice": 1,
                      "gift_request": 5, "delivery": 1}
    assert plain == 63                       # 已联系客户, 缺货…, and the presale orders' note
    assert {"已联系客户", "补发小样", "VIP客户 加急"} <= set(notes)
    presale = notes == "预售单，尾款付清后发货"
    assert presale.sum() == 36 and (orders.loc[presale, "预售订单"] == "是").all()


def test_a_changed_address_is_given_only_where_the_buyer_asked_for_it(orders):
    changed = orders[orders["修改后的收货地址"] != ""]
    assert len(changed) == 14
    assert (changed["修改后的收货地址"] != changed["收货地址"]).all()
    assert all(categorise(m, DEFAULT_MESSAGE_RULES) == ["address_change"]
               for m in changed["买家留言"])


def ean13_valid(code: str) -> bool:
    digits = [int(d) for d in code]
    return (sum(digits[0:12:2]) + 3 * sum(digits[1:12:2]) + digits[12]) % 10 == 0


def test_stock_barcodes_are_ean13_as_text(stock, demo):
    codes = stock.drop_duplicates("商家编码").set_index("商家编码")["条码"]
    given = codes[codes != ""]
    assert len(codes) - len(given) == 1                       # a sample without one
    assert given.str.fullmatch(r"[0-9]{13}").all() and given.map(ean13_valid).all()
    assert given.is_unique
    assert given.str.startswith("69").mean() > 0.8            # the brand's 69-codes
    assert given.str.startswith("00").sum() >= 3              # imported ones, leading zeros
    # a warehouse's second row of an SKU has the same code
    assert (stock.groupby("商家编码")["条码"].nunique() == 1).all()
    read = read_export("stock.csv", demo["stock.csv"].read_bytes()).frames["stock"]
    assert read.set_index(["sku", "warehouse"])["barcode"].fillna("").to_dict() == \
        stock.set_index(["商家编码", "仓库"])["条码"].to_dict()


def test_some_orders_carry_the_shops_flag(demo, orders):
    flags = pd.read_csv(demo["order_flags.csv"], dtype=str)
    assert flags.columns.tolist() == FLAG_HEADERS
    assert set(flags["seller_flag"]) == FLAG_COLOURS
    assert flags["order_id"].is_unique and set(flags["platform"]) == {"taobao"}
    mine = orders.set_index("订单编号").loc[flags["order_id"]]
    assert (mine["店铺名称"].to_numpy() == flags["shop"].to_numpy()).all()
    assert (mine["订单创建时间"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
            == flags["created_at"].to_numpy()).all()
    # seed 7, 3,000 orders: about 1 % of the orders, most of those the shop noted
    noted = mine["订单备注"] != ""
    assert 0.01 < len(flags) / len(orders) < 0.03
    assert noted.sum() > 0.5 * (orders["订单备注"] != "").sum()
    parsed = read_export("order_flags.csv", demo["order_flags.csv"].read_bytes())
    assert parsed.layout == "template_orders" and not parsed.notes


def test_a_later_report_edits_a_few_orders_waiting_to_ship(demo, orders):
    header, later = read_gbk(demo["taobao_orders_later.csv"])
    assert header == ORDER_HEADERS and len(later) == 6
    before = orders.set_index("订单编号").loc[later["订单编号"]]
    assert (before["订单状态"] == "买家已付款，等待卖家发货").all()
    assert (before["物流单号"] == "").all()                       # not processed yet
    fields = ["买家留言", "订单备注", "收货地址"]
    edited = [tuple(f for f in fields if later[f].iloc[i] != before[f].iloc[i])
              for i in range(len(later))]
    # in turn: a buyer message, a seller note, a new street with the note that says so
    assert edited == [("买家留言",), ("订单备注",), ("订单备注", "收货地址")] * 2
    moved = later[later["收货地址"] != before["收货地址"].to_numpy()]
    assert (moved["订单备注"] == "买家要求改地址，已修改").all()
    assert (later["订单备注"] == later["商家备忘"]).all()
    same = [h for h in ORDER_HEADERS if h not in (*fields, "商家备忘")]
    written = read_gbk(demo["taobao_orders.csv"])[1].set_index("订单编号", drop=False)
    assert (later[same].to_numpy() == written.loc[later["订单编号"], same].to_numpy()).all()
