"""A case's words in the viewer's language (its status, type, phase, a moment) and an order's
cases as its dialog lists them: shared by the After-sales page (ui/aftersales.py) and the
order dialog (ui/order_dialog.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.base.labels import label
from ui.fmt import fmt_money
from ui.i18n import lang

UNKNOWN = "unknown"


def status_word(status: Any, status_text: Any = None, language: str = "zh") -> str:
    """A case's status in words; a word the desk does not know, as the export wrote it."""
    if isinstance(status, str) and status:
        return label(f"case_status_{status}", language)
    if isinstance(status_text, str) and status_text.strip():
        return status_text.strip()
    return label("case_status_unknown", language)


def type_word(case_type: Any, language: str = "zh") -> str:
    if isinstance(case_type, str) and case_type and case_type != UNKNOWN:
        return label(f"case_type_{case_type}", language)
    return label("case_type_unknown", language)


def phase_word(phase: Any, language: str = "zh") -> str:
    if isinstance(phase, str) and phase:
        return label(f"case_phase_{phase}", language)
    return "—"


def when(moment: Any) -> str:
    return "—" if moment is None or pd.isna(moment) else f"{pd.Timestamp(moment):%Y-%m-%d %H:%M}"


def order_cases_view(cases: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """An order's cases (`aftersales.order_cases`) as its dialog lists them, in the viewer's
    language; money in the order's currency."""
    language = lang()

    def col(key: str) -> str:
        return label(f"as_col_{key}", language)

    return pd.DataFrame({
        col("case_id"): cases["case_id"],
        col("type"): [type_word(v, language) for v in cases["case_type"]],
        col("status"): [status_word(s, x, language)
                        for s, x in zip(cases["status_norm"], cases["status_text"], strict=True)],
        col("amount"): [fmt_money(v, currency) for v in cases["amount_asked"]],
        col("refunded"): [fmt_money(v, currency) for v in cases["amount_refunded"]],
        col("requested_at"): cases["requested_at"].map(when),
        col("reason"): cases["reason"].fillna(""),
        col("sku"): cases["sku"].fillna(""),
    })


# ---------------------------------------------------------------------------------------------
# Reading the reasons
