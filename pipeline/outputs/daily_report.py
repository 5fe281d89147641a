"""The daily report per shop (数据报表汇总): a day's figures of each shop as a PDF and an XLSX,
and for several shops one league page with the shops side by side.

Per shop (DESIGN §13: a shop is its platform and key, shown by its display name), for a day:

- the KPIs of the Overview (pipeline/desk/kpis.py) against the day before and the same day a
  week before, money in the shop's currency; the share shipped within 72 h is known only once
  the day's paid orders have had their 72 hours, so the latest day that has (by the report's
  moment) is given beside it;
- the orders per state, and per time rule of §4 the orders overdue and due soon;
- after-sales (§11): the cases requested that day, open now, overdue and due soon per rule, and
  the cases refunded that day after the platform's deadline (missed) with their amount;
- promotions: the periods running that day against their baselines, and the day's orders by
  type (promotion, bundle, combo, gift);
- stock to reorder: the SKUs the shop sells (its lines and its bundles' components) that the
  waiting orders lack, that fall under their safety stock, or that run out within
  `alert_runout_hours`.

The states, the overdue and the after-sales standing are as of the report's moment (`as_of`);
the KPIs are the day's. The league (`league`): orders, paid orders and amount (each shop in its
own currency, never added across), refund rate, the 72-hour share, overdue, after-sales missed.
Every word comes from the labels; ids and SKUs stay text and formula-like cells are escaped in
the XLSX (pipeline/outputs/export.py); text from exports is drawn as text in the PDF.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import duckdb
import pandas as pd

from pipeline.base import canonical as C
from pipeline.base.filters import Filters
from pipeline.base.labels import STATES, label, platform_name
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings
from pipeline.desk.kpis import KPIS, MONEY_KPIS
from pipeline.outputs.export import xlsx_bytes
from pipeline.outputs.printing import FONT

LEAGUE_COLUMNS = ["shop", "platform", "orders", "paid_orders", "paid_amount", "currency",
                  "refund_rate", "shipped_72h", "overdue", "aftersales_missed"]
REORDER_COLUMNS = ["sku", "name", "available", "open_demand", "shortfall", "safety_stock",
                   "cover_days_7d", "runs_out_in_hours"]
RATE_KPIS = ("refund_rate", "shipped_72h")
AFTERSALES_MEASURES = ("requested", "open", "answer_overdue", "answer_due_soon",
                       "receive_overdue", "receive_due_soon", "missed", "missed_amount",
                       "refunded_amount")
ORDER_TYPES = ("promotion", "bundle", "combo", "gift")
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2


@dataclass
class ShopReport:
    """One shop's day: every figure of its report, in frames ready to label."""

    platform: str
    shop: str
    name: str
    currency: str
    day: date
    as_of: datetime
    data_moment: datetime | None
    kpis: pd.DataFrame          # kpi, value (the day), previous (the day before), week_before
    settled_day: date           # the latest day whose 72-hour share is known by `as_of`
    settled_72h: float | None   # that day's share (None: no shipping facts, or no paid order)
    states: pd.DataFrame        # state, orders
    rules: pd.DataFrame         # rule, overdue, due_soon
    aftersales: dict[str, float]  # AFTERSALES_MEASURES
    promotions: pd.DataFrame    # name, start_at, end_at, orders, baseline_orders, orders_uplift,
                                # paid_amount, baseline_paid_amount, paid_uplift
    order_types: dict[str, int]  # the day's orders by type
    reorder: pd.DataFrame       # REORDER_COLUMNS
    stock_known: bool           # a stock export was imported

    @property
    def kpi(self) -> dict[str, Any]:
        return dict(zip(self.kpis["kpi"], self.kpis["value"], strict=True))


# ---------------------------------------------------------------------------------------------
# The figures


def report_shops(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The shops that have orders: platform, shop, name, currency (the shop's, else the desk's)."""
    from pipeline.db.shops import shop_list
    from pipeline.desk.money import desk_currency

    shops = shop_list(con)
    shops = shops[shops["orders"] > 0].reset_index(drop=True)
    desk = desk_currency(con)
    shops["currency"] = shops["currency"].astype(object).where(shops["currency"].notna(), desk)
    return shops[["platform", "shop", "name", "currency"]]


def shop_report(con: duckdb.DuckDBPyConnection, platform: str, shop: str, name: str,
                currency: str, day: date, as_of: datetime) -> ShopReport:
    """The figures of one shop's report for `day`, as of `as_of`."""
    from pipeline.desk.freshness import data_moments
    from pipeline.desk.kpis import day_kpis, state_counts
    from pipeline.desk.sla import sla_counts

    f = Filters(shops=(shop,), platforms=(platform,), currency=currency)
    k = day_kpis(con, f, day, as_of=as_of)
    week = day_kpis(con, f, day - timedelta(days=7), as_of=as_of)
    kpis = pd.DataFrame({"kpi": list(KPIS), "value": k["value"].to_numpy(),
                         "previous": k["previous"].to_numpy(),
                         "week_before": week["value"].to_numpy()})
    settled = settled_day(day, as_of)
    settled_k = day_kpis(con, f, settled, as_of=as_of).set_index("kpi")["value"]
    share = settled_k.get("shipped_72h")
    moments = data_moments(con)
    mine = moments[(moments["platform"] == platform) & (moments["shop"] == shop)]
    moment = None if mine.empty or pd.isna(mine["data_moment"].iloc[0]) \
        else pd.Timestamp(mine["data_moment"].iloc[0]).to_pydatetime()
    states = state_counts(con, f)[["state", "orders"]]
    rules = sla_counts(con, f, as_of)
    return ShopReport(
        platform=platform, shop=shop, name=name, currency=currency, day=day, as_of=as_of,
        data_moment=moment, kpis=kpis, settled_day=settled,
        settled_72h=None if share is None or pd.isna(share) else float(share),
        states=states, rules=rules, aftersales=_aftersales(con, f, day, as_of),
        promotions=_promotions(con, f, day, as_of),
        order_types=_order_types(con, f, day),
        reorder=_reorder(con, platform, shop, as_of), stock_known=_has_stock(con))


def settled_day(day: date, as_of: datetime) -> date:
    """The latest day up to `day` whose paid orders all had their 72 hours by `as_of` (the
    KPIs' rule: the day's start plus 4 days is not after `as_of`)."""
    return min(day, (pd.Timestamp(as_of) - pd.Timedelta(days=4)).date())


def _aftersales(con: duckdb.DuckDBPyConnection, f: Filters, day: date,
                as_of: datetime) -> dict[str, float]:
    from pipeline.desk.aftersales import case_board

    board = case_board(con, Filters(shops=f.shops, platforms=f.platforms), as_of)
    on_day = pd.to_datetime(board["requested_at"]).dt.date == day
    refunded_on_day = pd.to_datetime(board["refunded_at"]).dt.date == day
    amount = board["amount_refunded"].fillna(board["amount_asked"]).fillna(0.0)
    mine = board["currency"] == f.currency
    missed = board["missed"].fillna(False).astype(bool) & refunded_on_day
    refunded = (board["status_norm"] == "refunded") & refunded_on_day

    def count(rule: str, status: str) -> int:
        return int(((board["rule"] == rule) & (board["sla"] == status)).sum())

    return {
        "requested": int(on_day.sum()),
        "open": int(board["status_norm"].isin(C.CASE_OPEN).sum()),
        "answer_overdue": count("aftersales_answer", "overdue"),
        "answer_due_soon": count("aftersales_answer", "due_soon"),
        "receive_overdue": count("aftersales_receive", "overdue"),
        "receive_due_soon": count("aftersales_receive", "due_soon"),
        "missed": int(missed.sum()),
        "missed_amount": round(float(amount[missed & mine].sum()), 2),
        "refunded_amount": round(float(amount[refunded & mine].sum()), 2),
    }


def _promotions(con: duckdb.DuckDBPyConnection, f: Filters, day: date,
                as_of: datetime) -> pd.DataFrame:
    """The periods running on `day` against their baselines (cut at `as_of` while running)."""
    from pipeline.desk.promo import period_vs_baseline

    start = datetime.combine(day, datetime.min.time())
    rows = []
    for name, p_start, p_end in con.execute(
            "select name, start_at, end_at from promotions where start_at < ? and end_at > ? "
            "and start_at <= ? order by start_at, name",
            [start + timedelta(days=1), start, as_of]).fetchall():
        m = period_vs_baseline(con, f, name, as_of).set_index("measure")
        rows.append({"name": name, "start_at": p_start, "end_at": p_end,
                     "orders": m.loc["orders", "period"],
                     "baseline_orders": m.loc["orders", "baseline"],
                     "orders_uplift": m.loc["orders", "uplift"],
                     "paid_amount": m.loc["paid_amount", "period"],
                     "baseline_paid_amount": m.loc["paid_amount", "baseline"],
                     "paid_uplift": m.loc["paid_amount", "uplift"]})
    return pd.DataFrame(rows, columns=["name", "start_at", "end_at", "orders", "baseline_orders",
                                       "orders_uplift", "paid_amount", "baseline_paid_amount",
                                       "paid_uplift"])


def _order_types(con: duckdb.DuckDBPyConnection, f: Filters, day: date) -> dict[str, int]:
    from pipeline.desk.promo import order_type_counts

    counts = order_type_counts(con, Filters(date_from=day, date_to=day, shops=f.shops,
                                            platforms=f.platforms))
    return {t: int(n) for t, n in zip(counts["order_type"], counts["orders"], strict=True)}


def _has_stock(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select count(*) from stock").fetchall()[0][0])


def _reorder(con: duckdb.DuckDBPyConnection, platform: str, shop: str,
             as_of: datetime) -> pd.DataFrame:
    """The shop's SKUs to reorder: short for the waiting orders, under their safety stock, or
    running out within `alert_runout_hours`; the most short first."""
    from pipeline.desk.forecast import running_out
    from pipeline.desk.stock import stock_status

    if not _has_stock(con):
        return pd.DataFrame(columns=REORDER_COLUMNS)
    skus = {r[0] for r in con.execute(sql("alerts_shop_skus"),
                                      {"platform": platform, "shop": shop}).fetchall()}
    status = stock_status(con, as_of)
    soon = running_out(con, as_of, get_settings(con))
    hours = dict(zip(soon["sku"], soon["cover_hours"], strict=True))
    status = status[status["sku"].isin(skus)].copy()
    status["runs_out_in_hours"] = status["sku"].map(hours)
    keep = ((status["shortfall"].fillna(0) > 0) | status["below_safety"].fillna(False).astype(bool)
            | status["runs_out_in_hours"].notna())
    out = status.loc[keep, REORDER_COLUMNS].copy()
    out["name"] = out["name"].astype(object).where(out["name"].notna(), None)
    return out.sort_values(["shortfall", "runs_out_in_hours", "sku"],
                           ascending=[False, True, True], na_position="last",
                           ignore_index=True)


def daily_reports(con: duckdb.DuckDBPyConnection, day: date, as_of: datetime
                  ) -> list[ShopReport]:
    """Every shop's report for `day` (the shops with orders, in the shop list's order)."""
    return [shop_report(con, r.platform, r.shop, r.name, r.currency, day, as_of)
            for r in report_shops(con).itertuples()]


def league(reports: list[ShopReport]) -> pd.DataFrame:
    """The shops side by side (LEAGUE_COLUMNS), most orders first: the day's orders, paid
    orders and amount (in the shop's currency), refund rate, the 72-hour share of the latest
    day known, the orders overdue now (every rule) and the cases missed that day."""
    rows = [{
        "shop": r.name, "platform": r.platform, "orders": r.kpi["orders"],
        "paid_orders": r.kpi["paid_orders"], "paid_amount": r.kpi["paid_amount"],
        "currency": r.currency, "refund_rate": r.kpi["refund_rate"],
        "shipped_72h": r.settled_72h, "overdue": int(r.rules["overdue"].sum()),
        "aftersales_missed": int(r.aftersales["missed"]),
    } for r in reports]
    out = pd.DataFrame(rows, columns=LEAGUE_COLUMNS)
    for col in ("orders", "paid_orders", "overdue", "aftersales_missed"):
        out[col] = pd.to_numeric(out[col]).astype("int64")
    for col in ("paid_amount", "refund_rate", "shipped_72h"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    return out.sort_values(["orders", "shop"], ascending=[False, True], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Words and numbers as a person reads them


def _h(key: str, lang: str) -> str:
    return label(key, lang)


def _num(v: Any, kpi: str | None = None, currency: str = "") -> str:
    """A figure as printed: '—' for none, rates as percents, money with 2 decimals and its
    currency, counts whole."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if kpi in RATE_KPIS:
        return f"{float(v) * 100:.1f}%"
    if kpi in MONEY_KPIS:
        return f"{float(v):,.2f} {currency}".strip()
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.2f}"
    return f"{int(v):,}"


def _change(kpi: str, value: Any, other: Any, lang: str) -> str:
    """How the day compares: a rate in percentage points, anything else in percent ('—' when
    either is unknown or the other is 0)."""
    if value is None or other is None or pd.isna(value) or pd.isna(other):
        return "—"
    if kpi in RATE_KPIS:
        return label("dr_points", lang).format(d=f"{(float(value) - float(other)) * 100:+.1f}")
    if float(other) == 0:
        return "—"
    return f"{(float(value) / float(other) - 1) * 100:+.1f}%"


def kpi_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    """The KPIs as printed: the day, the day before and the same day a week before, changes."""
    rows = []
    for row in r.kpis.itertuples():
        rows.append({
            _h("col_kpi", lang): label(f"kpi_{row.kpi}", lang),
            f"{r.day:%Y-%m-%d}": _num(row.value, row.kpi, r.currency),
            _h("dr_previous_day", lang): _num(row.previous, row.kpi, r.currency),
            _h("dr_change", lang): _change(row.kpi, row.value, row.previous, lang),
            _h("dr_week_before", lang): _num(row.week_before, row.kpi, r.currency),
            _h("dr_change_week", lang): _change(row.kpi, row.value, row.week_before, lang),
        })
    return pd.DataFrame(rows)


def state_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    s = r.states.set_index("state")["orders"]
    return pd.DataFrame({_h("col_state", lang): [label(x, lang) for x in STATES],
                         _h("col_orders", lang): [int(s.get(x, 0)) for x in STATES]})


def rules_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    return pd.DataFrame({
        _h("col_rule", lang): [label(f"rule_{x}", lang) for x in r.rules["rule"]],
        _h("status_overdue", lang): r.rules["overdue"].astype(int).tolist(),
        _h("status_due_soon", lang): r.rules["due_soon"].astype(int).tolist(),
    })


AFTERSALES_LABELS = {
    "requested": "dr_as_requested", "open": "dr_as_open",
    "answer_overdue": "dr_as_answer_overdue", "answer_due_soon": "dr_as_answer_due_soon",
    "receive_overdue": "dr_as_receive_overdue", "receive_due_soon": "dr_as_receive_due_soon",
    "missed": "dr_as_missed", "missed_amount": "dr_as_missed_amount",
    "refunded_amount": "dr_as_refunded_amount",
}


def aftersales_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    money = ("missed_amount", "refunded_amount")
    return pd.DataFrame({
        _h("dr_measure", lang): [label(AFTERSALES_LABELS[m], lang) for m in AFTERSALES_MEASURES],
        _h("dr_value", lang): [_num(r.aftersales[m], "paid_amount" if m in money else None,
                                    r.currency) for m in AFTERSALES_MEASURES],
    })


def promotions_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    p = r.promotions
    return pd.DataFrame({
        _h("dr_promotion", lang): p["name"].tolist(),
        _h("dr_period", lang): [f"{a:%Y-%m-%d %H:%M} – {b:%Y-%m-%d %H:%M}"
                                for a, b in zip(p["start_at"], p["end_at"], strict=True)],
        _h("kpi_orders", lang): [_num(v) for v in p["orders"]],
        _h("col_baseline_orders", lang): [_num(v) for v in p["baseline_orders"]],
        _h("col_orders_uplift", lang): [_num(v, "refund_rate") for v in p["orders_uplift"]],
        _h("kpi_paid_amount", lang): [_num(v, "paid_amount", r.currency) for v in p["paid_amount"]],
        _h("col_paid_uplift", lang): [_num(v, "refund_rate") for v in p["paid_uplift"]],
    })


def order_types_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    return pd.DataFrame({_h("dr_order_type", lang): [label(t, lang) for t in ORDER_TYPES],
                         _h("col_orders", lang): [r.order_types[t] for t in ORDER_TYPES]})


def reorder_frame(r: ShopReport, lang: str = "zh") -> pd.DataFrame:
    x = r.reorder
    return pd.DataFrame({
        _h("dr_sku", lang): x["sku"].astype(str).tolist(),
        _h("dr_sku_name", lang): [v if isinstance(v, str) else "—" for v in x["name"]],
        _h("dr_available", lang): [_num(v) for v in x["available"]],
        _h("dr_open_demand", lang): [_num(v) for v in x["open_demand"]],
        _h("dr_shortfall", lang): [_num(v) for v in x["shortfall"]],
        _h("dr_safety_stock", lang): [_num(v) for v in x["safety_stock"]],
        _h("dr_cover_days", lang): [_num(None if pd.isna(v) else round(float(v), 1))
                                    for v in x["cover_days_7d"]],
        _h("dr_runs_out_in", lang): [_num(None if pd.isna(v) else round(float(v), 1))
                                     for v in x["runs_out_in_hours"]],
    })


def league_frame(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The league as printed: shops by name, figures in their own units."""
    return pd.DataFrame({
        _h("col_shop", lang): table["shop"].tolist(),
        _h("col_platform", lang): [platform_name(p, lang) for p in table["platform"]],
        _h("kpi_orders", lang): [_num(v) for v in table["orders"]],
        _h("kpi_paid_orders", lang): [_num(v) for v in table["paid_orders"]],
        _h("kpi_paid_amount", lang): [_num(v, "paid_amount", c) for v, c in
                                      zip(table["paid_amount"], table["currency"], strict=True)],
        _h("kpi_refund_rate", lang): [_num(v, "refund_rate") for v in table["refund_rate"]],
        _h("dr_league_72h", lang): [_num(v, "shipped_72h") for v in table["shipped_72h"]],
        _h("dr_league_overdue", lang): [_num(v) for v in table["overdue"]],
        _h("dr_league_missed", lang): [_num(v) for v in table["aftersales_missed"]],
    })


# ---------------------------------------------------------------------------------------------
# XLSX: the figures as numbers (formatted by export.xlsx_bytes), ids and SKUs as text


def shop_sheets(r: ShopReport, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Sheet name -> frame of one shop's report."""
    kpis = pd.DataFrame({
        _h("col_kpi", lang): [label(f"kpi_{k}", lang) for k in r.kpis["kpi"]],
        f"{r.day:%Y-%m-%d}": pd.to_numeric(r.kpis["value"], errors="coerce"),
        _h("dr_previous_day", lang): pd.to_numeric(r.kpis["previous"], errors="coerce"),
        _h("dr_week_before", lang): pd.to_numeric(r.kpis["week_before"], errors="coerce"),
        _h("col_currency", lang): [r.currency if k in MONEY_KPIS else "" for k in r.kpis["kpi"]],
    })
    settled = pd.DataFrame({_h("dr_measure", lang): [label("dr_settled_72h", lang).format(
        day=f"{r.settled_day:%Y-%m-%d}")], _h("dr_value", lang): [r.settled_72h]})
    aftersales = pd.DataFrame({
        _h("dr_measure", lang): [label(AFTERSALES_LABELS[m], lang) for m in AFTERSALES_MEASURES],
        _h("dr_value", lang): [float(r.aftersales[m]) for m in AFTERSALES_MEASURES],
    })
    promo = r.promotions.rename(columns={
        "name": _h("dr_promotion", lang), "start_at": _h("dr_start", lang),
        "end_at": _h("dr_end", lang), "orders": _h("kpi_orders", lang),
        "baseline_orders": _h("col_baseline_orders", lang),
        "orders_uplift": _h("col_orders_uplift", lang),
        "paid_amount": _h("kpi_paid_amount", lang),
        "baseline_paid_amount": _h("col_baseline_paid_amount", lang),
        "paid_uplift": _h("col_paid_uplift", lang)})
    reorder = r.reorder.rename(columns={
        "sku": _h("dr_sku", lang), "name": _h("dr_sku_name", lang),
        "available": _h("dr_available", lang), "open_demand": _h("dr_open_demand", lang),
        "shortfall": _h("dr_shortfall", lang), "safety_stock": _h("dr_safety_stock", lang),
        "cover_days_7d": _h("dr_cover_days", lang),
        "runs_out_in_hours": _h("dr_runs_out_in", lang)})
    return {
        label("sheet_kpis", lang): kpis,
        label("dr_sheet_72h", lang): settled,
        label("sheet_states", lang): state_frame(r, lang),
        label("sheet_rules", lang): rules_frame(r, lang),
        label("dr_sheet_aftersales", lang): aftersales,
        label("sheet_promotions", lang): promo,
        label("dr_sheet_order_types", lang): order_types_frame(r, lang),
        label("dr_sheet_reorder", lang): reorder,
    }


def shop_xlsx(r: ShopReport, lang: str = "zh") -> bytes:
    return xlsx_bytes(shop_sheets(r, lang))


def league_xlsx(table: pd.DataFrame, day: date, lang: str = "zh") -> bytes:
    out = table.assign(platform=[platform_name(p, lang) for p in table["platform"]]).rename(
        columns={"shop": _h("col_shop", lang), "platform": _h("col_platform", lang),
                 "orders": _h("kpi_orders", lang), "paid_orders": _h("kpi_paid_orders", lang),
                 "paid_amount": _h("kpi_paid_amount", lang),
                 "currency": _h("col_currency", lang),
                 "refund_rate": _h("kpi_refund_rate", lang),
                 "shipped_72h": _h("dr_league_72h", lang),
                 "overdue": _h("dr_league_overdue", lang),
                 "aftersales_missed": _h("dr_league_missed", lang)})
    return xlsx_bytes({f"{label('dr_league', lang)} {day:%Y-%m-%d}": out})


# ---------------------------------------------------------------------------------------------
# PDF (reportlab; Chinese in the built-in CID font, as pipeline/outputs/printing.py draws it)


def _styles() -> dict:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {
        "title": ParagraphStyle("dr_title", fontName=FONT, fontSize=15, leading=20),
        "section": ParagraphStyle("dr_section", fontName=FONT, fontSize=11, leading=15,
                                  spaceBefore=8, spaceAfter=3),
        "small": ParagraphStyle("dr_small", fontName=FONT, fontSize=7.5, leading=10,
                                wordWrap="CJK"),
        "head": ParagraphStyle("dr_head", fontName=FONT, fontSize=8, leading=10.5,
                               wordWrap="CJK"),
        "cell": ParagraphStyle("dr_cell", fontName=FONT, fontSize=8.5, leading=11,
                               wordWrap="CJK"),
    }


def _para(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _grid(frame: pd.DataFrame, width: float, styles: dict,
          widths: list[float] | None = None) -> Any:
    """A frame as a table: headers shaded, every cell a paragraph of plain text."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    rows = [[_para(c, styles["head"]) for c in frame.columns]]
    rows += [[_para(v, styles["cell"]) for v in r]
             for r in frame.astype(object).itertuples(index=False, name=None)]
    n = max(len(frame.columns), 1)
    table = Table(rows, colWidths=widths or [width / n] * n, repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _build(story: list, title: str, landscape_page: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4) if landscape_page else A4,
                            leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36,
                            title=title, author="Order Desk", pageCompression=1)
    doc.build(story)
    return buf.getvalue()


def shop_pdf(r: ShopReport, lang: str = "zh") -> bytes:
    """One shop's report on A4."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepTogether, Spacer

    st = _styles()
    width = A4[0] - 72
    title = label("dr_title", lang).format(shop=r.name, day=f"{r.day:%Y-%m-%d}")
    meta = label("dr_meta", lang).format(
        platform=platform_name(r.platform, lang), as_of=f"{r.as_of:%Y-%m-%d %H:%M}",
        moment="—" if r.data_moment is None else f"{r.data_moment:%Y-%m-%d %H:%M}",
        currency=r.currency)
    story: list = [_para(title, st["title"]), _para(meta, st["small"]), Spacer(1, 6)]

    def section(key: str, *parts: Any) -> None:
        story.append(KeepTogether([_para(label(key, lang), st["section"]), *parts]))

    kpis = kpi_frame(r, lang)
    section("dr_section_kpis", _grid(kpis, width, st, [width * 0.22] + [width * 0.156] * 5),
            _para(label("dr_settled_72h_line", lang).format(
                day=f"{r.settled_day:%Y-%m-%d}", share=_num(r.settled_72h, "shipped_72h")),
                st["small"]))
    half = (width - 12) / 2
    from reportlab.platypus import Table

    side = Table([[_grid(state_frame(r, lang), half, st, [half * 0.7, half * 0.3]),
                   _grid(rules_frame(r, lang), half, st, [half * 0.5, half * 0.25, half * 0.25])]],
                 colWidths=[half + 6, half + 6])
    side.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    section("dr_section_states", side,
            _para(label("dr_as_of_line", lang).format(as_of=f"{r.as_of:%Y-%m-%d %H:%M}"),
                  st["small"]))
    section("dr_section_aftersales", _grid(aftersales_frame(r, lang), width * 0.6, st,
                                           [width * 0.4, width * 0.2]))
    types = order_types_frame(r, lang)
    if r.promotions.empty:
        section("dr_section_promotions", _para(label("dr_no_promotion", lang), st["cell"]),
                Spacer(1, 3), _grid(types, width * 0.5, st))
    else:
        section("dr_section_promotions", _grid(promotions_frame(r, lang), width, st,
                                               [width * 0.18, width * 0.26] + [width * 0.112] * 5),
                Spacer(1, 3), _grid(types, width * 0.5, st))
    if not r.stock_known:
        section("dr_section_reorder", _para(label("dr_no_stock", lang), st["cell"]))
    elif r.reorder.empty:
        section("dr_section_reorder", _para(label("dr_nothing_to_reorder", lang), st["cell"]))
    else:
        story.append(_para(label("dr_section_reorder", lang), st["section"]))
        story.append(_grid(reorder_frame(r, lang), width, st,
                           [width * 0.15, width * 0.23] + [width * 0.1033] * 6))
    return _build(story, title)


def league_pdf(table: pd.DataFrame, day: date, as_of: datetime, lang: str = "zh") -> bytes:
    """The shops side by side on one landscape page (the 72-hour share: of the latest day whose
    paid orders all had their 72 hours by `as_of`)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import Spacer

    st = _styles()
    width = landscape(A4)[0] - 72
    title = label("dr_league_title", lang).format(day=f"{day:%Y-%m-%d}", n=len(table))
    shown = league_frame(table, lang)
    story = [_para(title, st["title"]),
             _para(label("dr_league_meta", lang).format(
                 as_of=f"{as_of:%Y-%m-%d %H:%M}", settled=f"{settled_day(day, as_of):%Y-%m-%d}"),
                 st["small"]),
             Spacer(1, 8),
             _grid(shown, width, st, [width * 0.2, width * 0.1] + [width * 0.7 / 7] * 7)]
    return _build(story, title, landscape_page=True)


# ---------------------------------------------------------------------------------------------
# Written, sent


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def file_stem(r: ShopReport) -> str:
    """`<day>_<platform>_<shop name>`, safe as a file name."""
    name = _UNSAFE.sub("_", r.name or r.shop).strip("._") or "shop"
    return f"{r.day:%Y-%m-%d}_{r.platform}_{name}"


@dataclass
class Outcome:
    """What a run did: files written, e-mails sent, failures (one line each)."""

    written: list[Path]
    sent: list[str]
    failed: list[str]
    unsent: list[str]        # shops with no address to send to


def default_dir(day: date) -> Path:
    from pipeline.db.store import ROOT

    return ROOT / "data" / "reports" / f"{day:%Y-%m-%d}"


def make_reports(store: Any, day: date, out_dir: str | Path | None = None, send: bool = False,
                 as_of: datetime | None = None, lang: str | None = None) -> Outcome:
    """Every shop's report for `day` (and the league when there are several shops): written to
    `out_dir` (default `data/reports/<day>` when not sent), e-mailed when `send` (each shop to
    its addresses, the league to the league's) through the report's e-mail channel."""
    from pipeline.outputs import alerts

    con = store.cursor()
    opts = alerts.options(con)
    lang = lang or opts["report_lang"] or "zh"
    as_of = as_of or store.now().replace(second=0, microsecond=0)
    reports = daily_reports(con, day, as_of)
    files: list[tuple[ShopReport | None, str, bytes, str]] = []
    for r in reports:
        files.append((r, f"{file_stem(r)}.pdf", shop_pdf(r, lang), PDF_MIME))
        files.append((r, f"{file_stem(r)}.xlsx", shop_xlsx(r, lang), XLSX_MIME))
    table = league(reports)
    if len(reports) > 1:
        stem = f"{day:%Y-%m-%d}_{label('dr_league_file', lang)}"
        files.append((None, f"{stem}.pdf", league_pdf(table, day, as_of, lang), PDF_MIME))
        files.append((None, f"{stem}.xlsx", league_xlsx(table, day, lang), XLSX_MIME))
    out = Outcome([], [], [], [])
    if out_dir is not None or not send:
        folder = Path(out_dir) if out_dir is not None else default_dir(day)
        folder.mkdir(parents=True, exist_ok=True)
        for _, name, data, _ in files:
            (folder / name).write_bytes(data)
            out.written.append(folder / name)
    if send:
        _send(con, opts, reports, table, files, day, lang, out)
    return out


def report_channel(con: duckdb.DuckDBPyConnection, opts: dict[str, Any]) -> Any:
    """The e-mail channel the report goes through: the one chosen, else the first enabled."""
    from pipeline.outputs import alerts

    mail = [c for c in alerts.channels(con, enabled_only=True) if c.kind == "email"]
    chosen = [c for c in mail if c.channel_id == opts["report_channel"]]
    return (chosen or mail or [None])[0]


def _send(con: duckdb.DuckDBPyConnection, opts: dict[str, Any], reports: list[ShopReport],
          table: pd.DataFrame, files: list, day: date, lang: str, out: Outcome) -> None:
    from pipeline.outputs import alerts

    ch = report_channel(con, opts)
    if ch is None:
        out.failed.append("no enabled e-mail channel to send the report through")
        return
    to_of = alerts.report_addresses(con)
    jobs = []
    for r in reports:
        to = to_of.get((r.platform, r.shop), [])
        if not to:
            out.unsent.append(r.name)
            continue
        mine = [(n, d, m) for who, n, d, m in files if who is r]
        subject = label("dr_mail_subject", lang).format(shop=r.name, day=f"{day:%Y-%m-%d}")
        jobs.append((r.name, to, subject, mail_body(r, lang), mine))
    league_to = alerts.addresses(opts["league_addresses"])
    if len(reports) > 1 and league_to:
        mine = [(n, d, m) for who, n, d, m in files if who is None]
        subject = label("dr_league_subject", lang).format(day=f"{day:%Y-%m-%d}", n=len(reports))
        body = "\n".join(f"{row.shop}: {_num(row.orders)} / {_num(row.paid_amount, 'paid_amount', row.currency)}"
                         for row in table.itertuples())
        jobs.append((label("dr_league", lang), league_to, subject, body, mine))
    for who, to, subject, body, attachments in jobs:
        try:
            alerts.send_email(ch, to, subject, body, attachments)
        except alerts.SendError as exc:
            out.failed.append(f"{who}: {alerts._scrub(str(exc), ch)}")
        else:
            out.sent.append(f"{who} -> {', '.join(to)}")


def mail_body(r: ShopReport, lang: str = "zh") -> str:
    """The e-mail's few lines: the day's orders, paid, refund rate, overdue, missed."""
    k = r.kpi
    return label("dr_mail_body", lang).format(
        shop=r.name, day=f"{r.day:%Y-%m-%d}", orders=_num(k["orders"]),
        paid=_num(k["paid_amount"], "paid_amount", r.currency),
        refund_rate=_num(k["refund_rate"], "refund_rate"),
        overdue=_num(int(r.rules["overdue"].sum())), missed=_num(r.aftersales["missed"]))


def parse_day(store: Any, text: str | None) -> date:
    """`--day`: YYYY-MM-DD, default yesterday (in the desk's time zone)."""
    if not text:
        return store.now().date() - timedelta(days=1)
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"--day {text!r} is not YYYY-MM-DD") from None


def daily_report_main(store: Any, day: date, out_dir: str | Path | None = None,
                      send: bool = False, as_of: datetime | None = None) -> int:
    """`daily-report`: the reports made, written and/or sent, a line each. Exit 0 done, 1 a
    send failed, 2 nothing to report on or nothing to send through."""
    con = store.cursor()
    if report_shops(con).empty:
        print("no shop has orders yet: no report to make", file=sys.stderr)
        return EXIT_REFUSED
    from pipeline.outputs import alerts

    if send and report_channel(con, alerts.options(con)) is None:
        print("error: no enabled e-mail channel to send the report through (add one on the "
              "Settings page), nothing was sent", file=sys.stderr)
        return EXIT_REFUSED
    out = make_reports(store, day, out_dir, send, as_of)
    for path in out.written:
        print(path)
    for line in out.sent:
        print(f"sent: {line}")
    for name in out.unsent:
        print(f"not sent: {name} has no address (Settings, daily report)", file=sys.stderr)
    for line in out.failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return EXIT_FAILED if out.failed else EXIT_OK


def report_if_due(store: Any, now: datetime) -> str | None:
    """Yesterday's report, made once when the report hour has come (the option
    `report_enabled`): e-mailed where addresses are set and an e-mail channel is on, else
    written to the report folder. One line about it, or None when nothing was due."""
    from pipeline.outputs import alerts

    con = store.cursor()
    opts = alerts.options(con)
    day = now.date() - timedelta(days=1)
    if (not opts["report_enabled"] or now.hour < int(opts["report_hour"])
            or opts["last_report_day"] == day.isoformat() or report_shops(con).empty):
        return None
    send = report_channel(con, opts) is not None and bool(
        alerts.report_addresses(con) or alerts.addresses(opts["league_addresses"]))
    folder = opts["report_dir"] or (None if send else default_dir(day))
    out = make_reports(store, day, folder, send, now)
    alerts._write(store, lambda cur: alerts._put_options(
        cur, {"last_report_day": day.isoformat()}, "schedule"))
    return (f"daily report {day}: {len(out.written)} file(s) written, {len(out.sent)} e-mail(s) "
            f"sent" + (f", FAILED: {'; '.join(out.failed)}" if out.failed else ""))
