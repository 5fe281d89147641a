"""The Queue page's bulk tracking numbers (批量发货): a file or pasted lines, a preview of every
row, then one confirmation that records them all or none."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pipeline.base.canonical import FileRefused
from pipeline.base.reasons import say
from pipeline.base.roles import NotAllowed
from pipeline.db.store import Conflict
from pipeline.desk.actions import ActionError
from pipeline.ingest import bulk_ship
from ui.actor import role
from ui.auth import signed_in
from ui.data import get_store, shop_labels
from ui.errors import refusal_text
from ui.i18n import lang, t
from ui.order_dialog import FLASH
from ui.safe import md_escape

CHECKED = "bulk_checked"
SOURCES = ("file", "text")


def bulk_ship_section(who: str | None) -> None:
    """Behind a toggle: the input, the preview and the confirmation."""
    if not st.toggle(t("bulk_toggle"), key="bulk_show"):
        return
    st.caption(t("bulk_help"))
    source = st.segmented_control(t("bulk_source"), SOURCES, default="file", required=True,
                                  key="bulk_source", format_func=lambda s: t(f"bulk_source_{s}"))
    if source == "file":
        upload = st.file_uploader(t("bulk_file"), type=["csv", "xlsx", "txt"], key="bulk_file")
        name, data = (upload.name, upload.getvalue()) if upload else ("", b"")
    else:
        text = st.text_area(t("bulk_text"), key="bulk_text", height=140,
                            placeholder="3512200012345678901 SF SF1234567890")
        name, data = "", (text or "").encode()
    digest = hashlib.sha256(source.encode() + name.encode() + data).hexdigest()
    if st.button(t("bulk_preview"), key="bulk_preview", disabled=not data.strip(),
                 icon=":material/preview:"):
        st.session_state[CHECKED] = (digest, _checked(source, name, data))
    stored_digest, checked = st.session_state.get(CHECKED, (None, None))
    if checked is None or stored_digest != digest:
        return
    if isinstance(checked, str):
        st.error(md_escape(checked), icon=":material/error:")
        return
    if checked.empty:
        st.warning(t("bulk_no_rows"), icon=":material/info:")
        return
    bad = int((~checked["ok"]).sum())
    if bad:
        st.warning(t("bulk_some_refused").format(bad=bad, n=len(checked)), icon=":material/flag:")
    else:
        st.success(t("bulk_all_ok").format(n=len(checked)), icon=":material/task_alt:")
    st.dataframe(preview_frame(checked, lang()), hide_index=True, key="bulk_preview_table")
    st.button(t("bulk_confirm").format(n=len(checked)), key="bulk_confirm", type="primary",
              disabled=bool(bad) or not who, on_click=_confirm, args=(who,),
              icon=":material/local_shipping:")


def _checked(source: str, name: str, data: bytes) -> pd.DataFrame | str:
    """The checked rows, or the sentence saying why the input cannot be read."""
    try:
        rows = (bulk_ship.parse_file(name, data) if source == "file"
                else bulk_ship.parse_text(data.decode("utf-8", errors="replace")))
    except bulk_ship.BulkShipError as exc:
        return t(f"bulk_file_{exc.code}").format(detail=exc.detail) if exc.code else str(exc)
    except FileRefused as exc:
        return say(str(exc), lang(), name)
    return bulk_ship.check(get_store().cursor(), rows)


def preview_frame(checked: pd.DataFrame, language: str) -> pd.DataFrame:
    """The preview as shown: one row per input row, the shop as name · platform, the reason
    in words."""
    from pipeline.base.labels import label

    def lab(key: str) -> str:
        return label(key, language)

    yes, no = lab("bulk_yes"), lab("bulk_no")
    return pd.DataFrame({
        lab("bulk_col_line"): checked["line"],
        lab("col_order_id"): checked["order_id"].fillna("—"),
        lab("col_shop"): shop_labels(checked),          # name · platform (DESIGN §13)
        lab("col_courier"): checked["courier"].fillna("—"),
        lab("col_tracking_no"): checked["tracking_no"].fillna("—"),
        lab("col_state"): checked["state"].map(lambda s: lab(s) if isinstance(s, str) else "—"),
        lab("bulk_col_found"): checked["found"].map(lambda v: yes if v else no),
        lab("bulk_col_ok"): checked["ok"].map(lambda v: yes if v else no),
        lab("bulk_col_reason"): [bulk_ship.reason_text(p, d, language)
                                 for p, d in zip(checked["problem"], checked["detail"],
                                                 strict=True)],
    })


@signed_in
def _confirm(who: str | None) -> None:
    """The confirmation's callback: record every row or none, and say which."""
    _, checked = st.session_state.get(CHECKED, (None, None))
    if not isinstance(checked, pd.DataFrame):
        return
    try:
        events = bulk_ship.apply(get_store(), checked, by=who or "", role=role())
    except bulk_ship.BulkShipError as exc:
        refused = exc.rows if exc.rows is not None else checked
        st.session_state[FLASH] = ("error", md_escape(bulk_ship.refused_message(refused, lang())))
        fresh = bulk_ship.check(get_store().cursor(), checked[bulk_ship.ROW_COLUMNS])
        digest = st.session_state[CHECKED][0]
        st.session_state[CHECKED] = (digest, fresh)
        return
    except (ActionError, Conflict, NotAllowed) as exc:
        st.session_state[FLASH] = ("error", refusal_text(exc))
        return
    st.session_state.pop(CHECKED, None)
    st.session_state[FLASH] = ("success", t("bulk_done").format(n=len(events)))
