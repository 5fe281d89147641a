"""CSV and XLSX downloads of a table: cells escaped, ids as text (pipeline/outputs/export.py)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from pipeline.outputs.export import csv_bytes, xlsx_bytes
from ui.i18n import t


def download_buttons(df: pd.DataFrame | Callable[[], pd.DataFrame], stem: str, key: str) -> None:
    """CSV and XLSX downloads of `df` (or of the frame `df()` makes), cells escaped, ids as
    text; each file, and the frame it holds, is built when its button is clicked, not on
    every view."""

    def frame() -> pd.DataFrame:
        return df() if callable(df) else df

    c1, c2 = st.columns(2)
    c1.download_button(t("download_csv"), lambda: csv_bytes(frame()), f"{stem}.csv", "text/csv",
                       key=f"{key}_csv", icon=":material/download:")
    c2.download_button(
        t("download_xlsx"), lambda: xlsx_bytes({stem: frame()}), f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx", icon=":material/download:",
    )
