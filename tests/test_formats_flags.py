"""The seller's flag (DESIGN §12: 旗帜 / 标记 / 商家备注等级) read from each export that has one,
kept as the export writes it, and read by the message rules."""

from __future__ import annotations

import pytest

from pipeline.base.filters import ALL
from pipeline.db.settings import DEFAULTS, save_setting
from pipeline.desk import info
from pipeline.ingest.formats import detect_layout, read_export
from tests.factories import (
    DOUYIN,
    ENCODINGS,
    JD,
    csv_bytes,
    did,
    dy,
    encoded,
    imported,
    jd,
    jid,
    template_csv,
)

JD_LEVEL = "商家备注等级（等级1-5为由高到低）"


def jd_flag_rows() -> list[dict]:
    return [
        jd("01", "等待出库", **{JD_LEVEL: "1"}),
        jd("01", "等待出库", 商品名称="小样 赠品", 京东价="0.00", 货号="GIFT"),   # level on row 1 only
        jd("02", "等待出库", **{JD_LEVEL: "5"}),
        jd("03", "等待出库"),                                                   # `-`: none
    ]


def dy_flag_rows() -> list[dict]:
    return [
        dy("31", "待发货", 旗帜颜色="红"),
        dy("32", "待发货", 旗帜颜色="紫"),
        dy("33", "待发货", 旗帜颜色="-"),
    ]


def flags(store) -> dict[str, str | None]:
    return dict(store.cursor().execute(
        "select order_id, seller_flag from orders order by order_id").fetchall())


def flag_rule(pattern: str, does: str = "first", regex: bool = False) -> dict:
    return {"id": "flagged", "category": "flagged", "pattern": pattern, "regex": regex,
            "applies_to": ["flag"], "does": does, "courier": None, "enabled": True}


def use_rules(store, *rules: dict) -> None:
    with store.write() as cur:
        save_setting(cur, "message_rules", [*DEFAULTS["message_rules"], *rules], "ann")


@pytest.mark.parametrize("kind", ENCODINGS)
def test_jd_reads_its_flag_level_as_written(store, kind):
    name, data = encoded(kind, JD, jd_flag_rows())
    assert detect_layout(JD) == "jd_orders"
    imported(store, name, data)
    assert flags(store) == {jid("01"): "1", jid("02"): "5", jid("03"): None}


@pytest.mark.parametrize("kind", ENCODINGS)
def test_douyin_reads_its_flag_colour_as_written(store, kind):
    header = [*DOUYIN, "旗帜颜色"]
    assert detect_layout(header) == "douyin_orders"
    name, data = encoded(kind, header, dy_flag_rows())
    imported(store, name, data)
    assert flags(store) == {did("31"): "红", did("32"): "紫", did("33"): None}


@pytest.mark.parametrize("header", ["seller_flag", "flag", "旗帜", "标记", "卖家备注旗帜",
                                    "商家备注旗帜", "商家备注等级"])
def test_the_order_template_takes_each_flag_header(header):
    data = template_csv([{"order_id": "A1", "created_at": "2026-11-20 09:00", header: "red"}],
                        columns=["order_id", "created_at", header])
    parsed = read_export("orders.csv", data)
    assert parsed.layout == "template_orders"
    assert not parsed.notes                     # not an ignored column
    assert parsed.frames["orders"].seller_flag.tolist() == ["red"]


def test_numbers_and_colour_words_are_kept_as_the_export_writes_them(store):
    rows = [{"order_id": o, "created_at": "2026-11-20 09:00", "status": "paid_unprocessed",
             "paid_at": "2026-11-20 09:05", "旗帜": f}
            for o, f in [("A1", "0"), ("A2", "3"), ("A3", " 红旗 "), ("A4", "Red"), ("A5", "")]]
    imported(store, "orders.csv", template_csv(
        rows, columns=["order_id", "created_at", "status", "paid_at", "旗帜"]))
    assert flags(store) == {"A1": "0", "A2": "3", "A3": "红旗", "A4": "Red", "A5": None}


def test_a_later_export_without_the_flag_column_keeps_the_flag(store):
    imported(store, "jd.csv", csv_bytes(JD, jd_flag_rows()))
    without = [h for h in JD if h != JD_LEVEL]
    imported(store, "jd_later.csv", csv_bytes(without, [jd("02", "等待出库", 商家备注="已核对")]))
    assert flags(store)[jid("02")] == "5"


def test_a_message_rule_on_the_flag_catches_the_flagged_orders(store):
    imported(store, "jd.csv", csv_bytes(JD, jd_flag_rows()))
    imported(store, "dy.csv", csv_bytes([*DOUYIN, "旗帜颜色"], dy_flag_rows()))
    # a level by its number (a regular expression: the whole flag is 1), a colour by its word
    use_rules(store, flag_rule("^1$", regex=True))
    assert info.first_orders(store.cursor(), ALL)["order_id"].tolist() == [jid("01")]
    use_rules(store, flag_rule("红|red"))
    caught = info.first_orders(store.cursor(), ALL)
    assert caught[["order_id", "category", "matched"]].values.tolist() == [
        [did("31"), "flagged", "红"]]
    assert info.message_counts(store.cursor(), ALL)["flagged"] == 1


def test_a_hold_rule_on_the_flag_holds_the_order_and_names_the_flag(store):
    imported(store, "dy.csv", csv_bytes([*DOUYIN, "旗帜颜色"], dy_flag_rows()))
    use_rules(store, flag_rule("紫", does="hold"))
    held = info.info_holds(store.cursor(), ALL)
    assert held[["order_id", "source", "category", "reason"]].values.tolist() == [
        [did("32"), "flag", "flagged", "紫"]]


def test_a_rule_on_messages_and_notes_does_not_read_the_flag(store):
    imported(store, "dy.csv", csv_bytes([*DOUYIN, "旗帜颜色"], dy_flag_rows()))
    on_texts = {**flag_rule("红"), "applies_to": ["buyer_message", "seller_note"]}
    use_rules(store, on_texts)
    assert info.first_orders(store.cursor(), ALL).empty
