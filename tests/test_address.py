"""Vague-address rules on real address shapes (Taobao 收货地址, split columns, Shopify)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.base.filters import Filters
from pipeline.desk.address import (
    display_address,
    split_chinese,
    vague_addresses,
    vague_reason,
    verdicts,
)
from pipeline.desk.problems import open_problems
from tests.conftest import load

CASES = [
    # Taobao order report: the whole address in 收货地址, zip in brackets
    (None, None, None, "广东省 广州市 越秀区 某街道186bd9号(510000)", None),
    (None, None, None, "四川省 成都市 其它区 某街道858096号(610000)", None),
    (None, None, None, "广西壮族自治区 南宁市 青秀区 某街道e1f5cf号(000000)", None),
    (None, None, None, "上海 上海市 浦东新区 张杨路500弄3号(200120)", None),
    (None, None, None, "北京市朝阳区建国路88号", None),
    (None, None, None, "广东省广州市越秀区解放路1号", None),
    (None, None, None, "湖北省 恩施土家族苗族自治州 恩施市 舞阳大道10号", None),
    (None, None, None, "广东省", "missing_city"),
    (None, None, None, "广东省 广州市 越秀区", "no_street"),
    (None, None, None, "广东省 广州市 越秀区 (510000)", "no_street"),
    (None, None, None, "广东省 广州市 某街道186bd9号", "missing_district"),
    (None, None, None, "广州市越秀区解放路1号", "missing_province"),
    (None, None, None, "广东省 广州市 越秀区 某村", "too_short"),
    (None, None, None, "地址不详", "placeholder"),
    (None, None, None, "广东省 广州市 越秀区 待定", "placeholder"),
    (None, None, None, "同上", "placeholder"),
    (None, None, None, "广东省 广州市 越秀区 ??", "placeholder"),
    # split columns (desk template, other ERPs)
    ("广东省", "广州市", "越秀区", "解放中路100号", None),
    ("广东省", "广州市", "越秀区", "广东省 广州市 越秀区 解放中路100号", None),
    ("广东省", "广州市", "越秀区", "", "no_street"),
    ("广东省", "广州市", "越秀区", "广东省广州市越秀区", "no_street"),
    ("广东省", "广州市", "", "解放中路100号", "missing_district"),
    ("广东省", "", "", "", "missing_city"),
    ("上海", "", "浦东新区", "张杨路500弄3号", None),
    ("广东省", "广州市", "越秀区", "无", "placeholder"),
    # Shopify: city and an address line, no district
    ("", "Dhaka", None, "REDACTED-137e893d", None),
    (None, "Savar", None, "Apex....road horinhari 2 tala mosjid", None),
    ("NY", "New York", None, "350 5th Ave", None),
    (None, "Dhaka", None, "", "no_street"),
    (None, "Dhaka", None, "12", "too_short"),
    (None, "", None, "House 12, Road 5", "missing_city"),
    (None, "Dhaka", None, "N/A", "placeholder"),
    (None, "-", None, "House 12, Road 5", "placeholder"),
    # an export with no address columns at all is not judged
    (None, None, None, None, None),
]


@pytest.mark.parametrize(("province", "city", "district", "address", "want"), CASES)
def test_vague_reason(province, city, district, address, want):
    assert vague_reason(province, city, district, address) == want


def test_split_chinese():
    assert split_chinese("广东省 广州市 越秀区 某街道186bd9号(510000)") == (
        "广东省", "广州市", "越秀区", "某街道186bd9号")
    assert split_chinese("北京市朝阳区建国路88号") == ("北京市", "北京市", "朝阳区", "建国路88号")


def test_vague_addresses_keeps_only_vague_rows_with_reason():
    orders = pd.DataFrame({
        "order_id": ["a", "b", "c"],
        "province": [None, None, None],
        "city": [None, "Dhaka", None],
        "district": [None, None, None],
        "address": ["广东省 广州市 越秀区 某街道186bd9号(510000)", "", "同上"],
    })
    got = vague_addresses(orders)
    assert got[["order_id", "reason"]].to_dict("records") == [
        {"order_id": "b", "reason": "no_street"}, {"order_id": "c", "reason": "placeholder"}]


def test_verdicts_judge_each_address_as_vague_reason_does():
    rows = [(None, None, None, "同上"), ("广东省", "广州市", "越秀区", "某街道186号"),
            (None, "Dhaka", None, ""), (None, "Dhaka", None, "")]
    assert verdicts(rows) == [vague_reason(*r) for r in rows] == [
        "placeholder", None, "no_street", "no_street"]


MASKED = [
    (None, None, None, "##密文"),
    (None, None, None, "$$密文"),
    (None, None, None, "****"),
    ("浙江省", "杭州市", "西湖区", "##密文"),
    ("浙江省", "杭州市", "西湖区", "****"),
    (None, None, None, "浙江省 杭州市 西湖区 *******"),
    ("", "", "", "$$密文"),
]


@pytest.mark.parametrize("parts", MASKED)
def test_masked_receivers_are_not_available_not_vague(parts):
    assert vague_reason(*parts) is None
    assert vague_addresses(pd.DataFrame([dict(zip(
        ["province", "city", "district", "address"], parts, strict=True))])).empty


def test_masked_address_gets_no_address_mark_through_the_store(store):
    base = {"created_at": "2024-03-01 08:00", "paid_at": "2024-03-01 08:01",
            "is_paid": True, "order_total": 10.0, "paid": 10.0}
    load(store, orders=[{**base, "order_id": "M1", "address": "##密文"},
                        {**base, "order_id": "M2", "address": "****"},
                        {**base, "order_id": "V1", "address": "同上"}])
    marks = open_problems(store.cursor(), Filters(), datetime(2024, 3, 1, 12))
    flagged = set(marks.loc[marks["problem"] == "address", "order_id"])
    assert flagged == {"V1"}


@pytest.mark.parametrize("parts,shown", [
    (("上海", "上海市", "闵行区", "上海 上海市 闵行区 长江路872号"), "上海 上海市 闵行区 长江路872号"),
    (("浙江省", "杭州市", "西湖区", "文三路 100 号"), "浙江省 杭州市 西湖区 文三路 100 号"),
    (("广东省", "深圳市", "南山区", "深圳市南山区科技园南路8号"), "广东省 深圳市南山区科技园南路8号"),
    ((None, None, None, "123 Main St"), "123 Main St"),
    (("北京", "北京", "朝阳区", None), "北京 朝阳区"),
    ((None, None, None, None), ""),
])
def test_display_address_never_repeats_the_region(parts, shown):
    assert display_address(*parts) == shown
