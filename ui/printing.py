"""Download buttons for printing a batch: pick list and packing slips, PDF or XLSX, each built
only when its button is clicked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pipeline.outputs import printing
from ui.data import get_store
from ui.i18n import lang, t

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def print_buttons(members: pd.DataFrame, batch_id: str, key: str = "queue") -> None:
    """Pick list and packing slips of the batch's orders `members` (platform, shop, order_id),
    in their order; `key` prefixes the widgets' keys (two batches can show in one run)."""
    st.caption(t("print_help"))
    store, language = get_store(), lang()
    keys = members[["platform", "shop", "order_id"]].reset_index(drop=True).copy()
    stem = f"{batch_id}_{store.now():%Y%m%d_%H%M}"
    size = st.segmented_control(t("print_slip_size"), printing.SLIP_SIZES, default="a4",
                                key=f"{key}_slip_size", format_func=lambda s: t(f"print_size_{s}"))
    size = size or "a4"

    def data() -> printing.PrintData:
        return printing.print_data(store.cursor(), keys)

    def pick_pdf() -> bytes:
        return printing.pick_list_pdf(data().pick, batch_id, store.now(), len(keys), language)

    def pick_xlsx() -> bytes:
        return printing.pick_list_xlsx(data().pick, batch_id, language)

    def slips_pdf() -> bytes:
        return printing.packing_slips_pdf(data(), store.now(), language, size=size,
                                          batch=batch_id)

    def slips_xlsx() -> bytes:
        return printing.packing_slips_xlsx(data(), language)

    buttons = [
        ("print_pick_pdf", pick_pdf, f"pick_{stem}.pdf", PDF),
        ("print_pick_xlsx", pick_xlsx, f"pick_{stem}.xlsx", XLSX),
        ("print_slips_pdf", slips_pdf, f"slips_{stem}_{size}.pdf", PDF),
        ("print_slips_xlsx", slips_xlsx, f"slips_{stem}.xlsx", XLSX),
    ]
    for col, (name, build, file_name, mime) in zip(st.columns(len(buttons)), buttons,
                                                   strict=True):
        col.download_button(t(name), build, file_name, mime, key=f"{key}_{name}",
                            disabled=keys.empty, icon=":material/print:")
