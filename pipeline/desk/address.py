"""Vague addresses (DESIGN §6 `address`): too vague for a courier to be assigned.

The rules, judged on what the platform gives:

- a placeholder instead of an address (不详, 待定, 同上, 未知, ?, 无, -, n/a…) -> `placeholder`;
- a Chinese address (any CJK text) needs a province, a city (not for
  北京/天津/上海/重庆), a district and a street part of at least 4 characters after them ->
  `missing_province`, `missing_city`, `missing_district`, `no_street`, `too_short`.
  When the export gives the whole address in one field (Taobao `收货地址`:
  `广东省 广州市 越秀区 某街道186bd9号(510000)`), the parts are read from it;
- any other address (Shopify: city + address line, no district) needs a city and an address
  line of at least 5 characters -> `missing_city`, `no_street`, `too_short`;
- an order whose export carries no address at all is not judged (a subset export);
- nor is a receiver the platform masked (`##密文`, `$$密文`, `****`, `浙江省 杭州市 ***`): the
  address is not available to the desk, which is not the same as vague (DESIGN §6).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

REASONS = ("placeholder", "missing_province", "missing_city", "missing_district", "no_street",
           "too_short")

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南",
    "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
PLACEHOLDER_WORDS = ("不详", "待定", "同上", "未知", "不知道", "暂无", "?", "？")
PLACEHOLDER_CELLS = {"无", "空", "-", "--", "—", ".", "0", "x", "xx", "xxx", "na", "n/a", "none",
                     "null", "nil", "tbd", "unknown", "same", "same as above"}
MIN_CJK_STREET = 4
MIN_LATIN_STREET = 5

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ZIP = re.compile(r"[(（]\s*\d{6}\s*[)）]\s*$")
_PROVINCE = re.compile(
    r"^(?:" + "|".join(PROVINCES) + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
)
_CITY = re.compile(r"^[^\s\d]{1,12}?(?:市|自治州|地区|盟|州(?!市))")
_DISTRICT = re.compile(r"^[^\s\d]{1,10}?(?:区|县|市|旗)")


_PLACEHOLDER = re.compile("|".join(re.escape(w) for w in PLACEHOLDER_WORDS))
_MASKED = re.compile(r"密文|\*\*")   # as the merge keys read it (schema.sql open_orders_of)
_PUNCT = re.compile(r"[\s,，.。#\-]")


def _clean(value: object) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if value is None or pd.isna(value):
        return ""
    return " ".join(str(value).split())


def display_address(province: object, city: object, district: object, address: object) -> str:
    """The address as a person reads it: the region parts the street does not already carry,
    then the street ("上海 上海市 闵行区 上海 上海市 闵行区 长江路872号" never happens)."""
    street = _clean(address)
    compact = street.replace(" ", "")
    parts: list[str] = []
    for part in (_clean(province), _clean(city), _clean(district)):
        if part and part not in compact and part not in parts:
            parts.append(part)
    return " ".join([*parts, street] if street else parts)


def is_masked(text: str) -> bool:
    """The platform masked this part of the receiver (`##密文`, `****`): not available."""
    return _MASKED.search(text) is not None


def split_chinese(address: str) -> tuple[str, str, str, str]:
    """Province, city, district and the rest, read from one Chinese address text."""
    rest = _ZIP.sub("", address).strip()
    parts = []
    for pattern in (_PROVINCE, _CITY, _DISTRICT):
        m = pattern.match(rest)
        parts.append(m.group(0) if m else "")
        if m:
            rest = rest[m.end():].lstrip(" ,，")
    province, city, district = parts
    if province and not city and province.startswith(MUNICIPALITIES):
        city = province
    return province, city, district, rest


def vague_reason(province: object, city: object, district: object, address: object) -> str | None:
    """Why the address is too vague to assign a courier (one of REASONS), or None when fine."""
    return _judge(*(_clean(v) for v in (province, city, district, address)))


@lru_cache(maxsize=200_000)
def _judge(prov: str, cty: str, dist: str, addr: str) -> str | None:
    """`vague_reason` on cleaned text; remembered, as the same addresses come back all day."""
    given = [v for v in (prov, cty, dist, addr) if v]
    if not given:
        return None
    # the parts searched at once, apart by a line break no pattern here can match across
    joined = "\n".join(given)
    if is_masked(joined):
        return None
    if _PLACEHOLDER.search(joined) is not None or any(v.lower() in PLACEHOLDER_CELLS
                                                      for v in given):
        return "placeholder"
    chinese = _CJK.search(joined) is not None
    if not chinese:
        if not cty:
            return "missing_city"
        if not addr:
            return "no_street"
        return "too_short" if len(addr.replace(" ", "")) < MIN_LATIN_STREET else None
    street = _ZIP.sub("", addr).strip()
    if not (prov and cty and dist):
        p2, c2, d2, street = split_chinese(street)
        prov, cty, dist = prov or p2, cty or c2, dist or d2
    else:
        for part in (prov, cty, dist):  # an address that repeats its parts
            if street.startswith(part):
                street = street[len(part):].lstrip()
    if not prov:
        return "missing_province"
    if not cty and not prov.startswith(MUNICIPALITIES):
        return "missing_city"
    if not dist:
        return "missing_district"
    street = _PUNCT.sub("", street)
    if not street:
        return "no_street"
    return "too_short" if len(street) < MIN_CJK_STREET else None


def verdicts(addresses: list[tuple[object, object, object, object]]) -> list[str | None]:
    """`vague_reason` of each (province, city, district, address) of plain text or None;
    each address is judged once per process, as the same open orders are read all day."""
    return [_verdict(*a) for a in addresses]


@lru_cache(maxsize=200_000)
def _verdict(province: object, city: object, district: object, address: object) -> str | None:
    return vague_reason(province, city, district, address)


def vague_addresses(orders: pd.DataFrame) -> pd.DataFrame:
    """The rows of `orders` (with province, city, district, address) whose address is vague,
    with a `reason` column; each distinct address is judged once."""
    cols = ["province", "city", "district", "address"]
    if orders.empty:
        return orders.assign(reason=pd.Series(dtype=object))
    distinct = orders[cols].drop_duplicates()
    distinct = distinct.assign(reason=[vague_reason(*row) for row in distinct.itertuples(
        index=False, name=None)])
    judged = orders.merge(distinct, on=cols, how="left")
    return judged[judged["reason"].notna()].reset_index(drop=True)
