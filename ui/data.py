"""What every page reads: the store on screen (the desk's own or the demo), its data through
the one cache (pipeline/db/cache.py), the desk's settings and moment, the global filters and
the shops as people know them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from pipeline import commands
from pipeline.base.filters import Filters
from pipeline.db import cache, handoff
from pipeline.db.settings import get_settings, now_in
from pipeline.db.shops import named, shop_names
from pipeline.db.store import Store
from pipeline.ingest import bootstrap
from ui.errors import open_store
from ui.fmt import per_value
from ui.i18n import platform_label, t
from ui.safe import md_escape


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """The process's one store: the desk's own once it holds an import, else the demo store
    (see `ready_store` for its filling). A store that cannot be opened: the page says why and
    stops."""
    store = open_store(bootstrap.open_store)
    # the command line hands its import, report and action to this process while it holds the
    # store (pipeline/db/handoff.py)
    commands.serve(store)
    return store


def handoff_notice() -> None:
    """When the desk refused to serve the socket beside its store (a path it did not make: of
    another account, open to others, not a socket), one plain sentence saying so and what to
    do, on the page and not only in the log."""
    refused = handoff.refusal(get_store().path)
    if refused:
        path, why = refused
        st.warning(t("handoff_refused").format(path=md_escape(str(path)),
                                               why=t(f"handoff_why_{why}")),
                   icon=":material/gpp_bad:")


def ready_store() -> Store:
    """`get_store`, with the demo shop loaded into the demo store on first start (once per
    process, whoever asks first; the others wait for it). Called after the navigation is
    drawn, so that the slow first start shows the pages' titles beside its spinner."""
    store = get_store()
    if bootstrap.is_demo_store(store):
        _demo_loaded(str(store.path))
    return store


@st.cache_resource(show_spinner=False)
def _demo_loaded(path: str) -> bool:
    store = get_store()
    if bootstrap.store_is_empty(store.cursor()):
        with st.spinner(t("loading_demo")):
            bootstrap.load_demo(store)
    return True


def on_demo() -> bool:
    """True while the demo store is on screen."""
    return bootstrap.is_demo_store(get_store())


def import_store() -> Store:
    """Where an import goes: the store on screen, or while the demo is shown the desk's own
    store (made if need be), never the demo."""
    return bootstrap.own_store() if on_demo() else get_store()


def after_import(target: Store, imported: bool) -> None:
    """Call after importing into `target`: when it is the own store taking over from the demo
    and something was imported, the app switches to it."""
    if target is not get_store():
        target.close()
        if imported:
            get_store.clear()


def query(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(cursor, *args, **kwargs)` of the store on screen, through the one cache: computed
    once per data version and arguments for every session, worked out again in the
    background after a write (pipeline/db/cache.py `ask`)."""
    return cache.ask(get_store(), fn, *args, **kwargs)


def desk_settings() -> dict[str, Any]:
    """The settings, read once per data version (every saved setting is a committed write)."""
    return query(get_settings)


def desk_now() -> datetime:
    """`Store.now` (the moment in the desk's time zone) without reading the settings again."""
    return now_in(desk_settings())


def desk_minute() -> datetime:
    """`desk_now` to the minute: the moment the pages evaluate their rules and boards at."""
    return desk_now().replace(second=0, microsecond=0)


def filters() -> Filters:
    """The global filters from the sidebar widgets (keys f_dates, f_shops, f_platforms, and
    f_currency: whose money is shown, the desk's when unset)."""
    dates = st.session_state.get("f_dates") or ()
    d_from = dates[0] if len(dates) > 0 else None
    d_to = dates[1] if len(dates) > 1 else d_from
    return Filters(
        date_from=d_from,
        date_to=d_to,
        shops=tuple(st.session_state.get("f_shops") or ()),
        platforms=tuple(st.session_state.get("f_platforms") or ()),
        currency=st.session_state.get("f_currency") or None,
    )


def filter_options(con: Any) -> dict[str, Any]:
    """Shops, platforms and the date span present in the store."""
    shops = [r[0] for r in con.execute("select distinct shop from orders order by 1").fetchall()]
    platforms = [r[0] for r in con.execute(
        "select distinct platform from orders order by 1").fetchall()]
    lo, hi = con.execute("select min(created_at)::date, max(created_at)::date from orders"
                         ).fetchall()[0]
    return {"shops": shops, "platforms": platforms, "min": lo, "max": hi}


def demo_banner() -> None:
    if on_demo():
        st.info(t("demo_banner"), icon=":material/science:")


def shop_label(shop: str | None, platform: str | None = None) -> str:
    """A shop as people know it (DESIGN §13): its display name and platform, `Prime picks ·
    Shopify`; the platform's unnamed shop ('') is said so. Without `platform`, every platform
    that has a shop of that key is named."""
    if shop is None or (isinstance(shop, float) and pd.isna(shop)):
        return "—"
    names = query(shop_names)
    platforms = [platform] if platform else sorted(p for p, s in names if s == shop)
    if not platforms:
        return shop or t("shop_unnamed")
    shown = [(names.get((p, shop)) or t("shop_unnamed"), platform_label(p)) for p in platforms]
    if len({n for n, _ in shown}) == 1:
        return f"{shown[0][0]} · {' / '.join(p for _, p in shown)}"
    return " / ".join(f"{n} · {p}" for n, p in shown)


def shop_labels(frame: pd.DataFrame, shop: str = "shop", platform: str = "platform") -> pd.Series:
    """`shop_label` of every row (name · platform), each distinct shop worked out once; the
    frame's keys are left as they are (a table's selection maps rows back by them)."""
    pairs = pd.Series(list(zip(frame[platform], frame[shop], strict=True)), index=frame.index,
                      dtype=object)
    return per_value(pairs, lambda ps: shop_label(ps[1], ps[0]), "—")


def shops_named(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for a file (CSV/XLSX download): its `shop` column the shops' display names
    (DESIGN §13), the platform left in its own column."""
    if "shop" not in frame or "platform" not in frame:
        return frame
    return frame.assign(shop=named(frame, query(shop_names)))
