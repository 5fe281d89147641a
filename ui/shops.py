"""The shops on the Import page (DESIGN §13): which shop the uploaded files are imported under,
and the list of shops, which a manager renames (pipeline/db/shops.py)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pipeline.base.roles import NotAllowed, may
from pipeline.db.shops import (
    ShopError,
    clean_name,
    import_shops,
    last_chosen,
    rename_shop,
    shop_list,
)
from pipeline.ingest.formats import sniff
from ui.actor import role
from ui.data import get_store, query, shop_label
from ui.errors import store_errors
from ui.i18n import platform_label, t
from ui.safe import md_escape

AUTO = "\x00auto"   # no shop given: the stored order's shop, else the platform's unnamed shop
NEW = "\x00new"     # a shop typed in


@st.cache_data(max_entries=64, show_spinner=False)
def _sniffed(file_id: str, name: str, _data: bytes) -> tuple[str | None, bool]:
    """(platform, whether the file names its shop) of one upload, looked at once."""
    found = sniff(name, _data)
    return found.platform, found.names_shop


def ask_shops(files: list[Any]) -> dict[str, str | None] | None:
    """Per upload (file_id) the shop it is imported under: a question per platform among the
    files that do not name their shop, proposing the shop last chosen for that platform.
    None while a new shop's name is still missing."""
    chosen: dict[str, str | None] = {}
    asked: dict[str, list[Any]] = {}
    own: list[str] = []
    for up in files:
        platform, names_shop = _sniffed(up.file_id, up.name, up.getvalue())
        chosen[up.file_id] = None
        if names_shop:
            own.append(up.name)
        elif platform:
            asked.setdefault(platform, []).append(up)
    if own:
        st.caption(t("imp_shop_own").format(files=", ".join(md_escape(n) for n in own)))
    complete = True
    for platform, ups in sorted(asked.items()):
        shop = _ask(platform, [u.name for u in ups])
        if shop == NEW:
            complete = False
            continue
        for up in ups:
            chosen[up.file_id] = None if shop == AUTO else shop
    return chosen if complete else None


def _ask(platform: str, names: list[str]) -> str:
    """One platform's question: a shop key, AUTO, or NEW while the new name is empty."""
    shops = query(shop_list)
    keys = [s for s in shops.loc[shops["platform"] == platform, "shop"] if s]
    options = [AUTO, *keys, NEW]
    last = query(last_chosen, platform)
    index = options.index(last) if last in options else 0

    # worked out in this run (a widget's labels may be asked for outside it)
    shown = {AUTO: t("imp_shop_auto"), NEW: t("imp_shop_new"),
             **{key: shop_label(key, platform) for key in keys}}

    with st.container(border=True):
        pick = st.selectbox(t("imp_shop_ask").format(platform=platform_label(platform)),
                            options, index=index, format_func=shown.__getitem__,
                            key=f"import_shop_{platform}", help=t("imp_shop_help"))
        st.caption(t("imp_shop_files").format(files=", ".join(md_escape(n) for n in names)))
        if pick != NEW:
            return pick
        typed = clean_name(st.text_input(t("imp_shop_new_name"), key=f"import_shop_new_{platform}",
                                         max_chars=200))
        if not typed:
            st.caption(t("imp_shop_new_missing"))
            return NEW
        return typed


SHOP_COLUMNS = ["name", "platform", "shop", "time_zone", "currency", "orders", "renamed_at",
                "renamed_by"]


def shops_section() -> None:
    """The shops with their names, platform, time zone and currency; a manager renames one."""
    st.subheader(t("shops_title"))
    st.caption(t("shops_help"))
    shops = query(shop_list)
    if shops.empty:
        st.caption(t("shops_none"))
        return
    table = shops.assign(
        name=shops["name"].map(lambda n: n or t("shop_unnamed")),
        platform=shops["platform"].map(platform_label),
        shop=shops["shop"].map(lambda s: s or t("shop_unnamed")),
        currency=shops["currency"].fillna("—"),
        renamed_at=shops["renamed_at"].map(lambda v: "—" if pd.isna(v)
                                           else v.strftime("%Y-%m-%d %H:%M")),
        renamed_by=shops["renamed_by"].fillna("—"),
    )[SHOP_COLUMNS]
    st.dataframe(table, hide_index=True, key="shops_table", column_config={
        c: st.column_config.Column(t(f"shop_col_{c}")) for c in SHOP_COLUMNS})
    if not may(role(), "settings"):
        return
    keys = list(zip(shops["platform"], shops["shop"], strict=True))
    shown = [shop_label(s, p) for p, s in keys]
    with st.form("shop_rename_form", border=True):
        pick = st.selectbox(t("shop_rename_pick"), range(len(keys)), key="shop_rename_pick",
                            format_func=shown.__getitem__)
        name = st.text_input(t("shop_rename_name"), key="shop_rename_name", max_chars=200)
        if st.form_submit_button(t("shop_rename_button"), icon=":material/edit:"):
            _rename(*keys[pick], name)


def _rename(platform: str, shop: str, name: str) -> None:
    with store_errors():
        try:
            rename_shop(get_store(), platform, shop, name,
                        by=st.session_state.get("actor") or "app", role=role())
        except ShopError:
            st.error(t("shop_rename_taken"))
            return
        except NotAllowed:
            st.error(t("auth_not_allowed"))
            return
        st.success(t("shop_renamed"))


def result_shop(res: Any) -> str:
    """The shop an import was given, as name · platform for each platform it wrote under it
    (the name as renamed, never the key alone); every platform with that key where it wrote
    nothing (a refused file)."""
    platforms = query(import_shops, res.import_id, res.shop)
    if not platforms:
        return shop_label(res.shop)
    return t("list_sep").join(shop_label(res.shop, p) for p in platforms)


def clash_view(res: Any) -> None:
    """Why a file was refused as another shop's orders: the shop, how many ids clash, and
    the first few with both creation times (DESIGN §13)."""
    clash = res.clash
    shop = shop_label(clash.shop, clash.platform)
    st.text(t("imp_clash").format(file=res.file_name, n=clash.count, shop=shop))
    rows = pd.DataFrame(clash.examples, columns=["order_id", "stored", "file"])
    st.dataframe(rows, hide_index=True, key=f"clash_{res.file_name}", column_config={
        c: st.column_config.Column(t(f"imp_clash_{c}")) for c in rows.columns})
