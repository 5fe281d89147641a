"""The store, the global filters, labels and cached data access for every page."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from pipeline.base.filters import Filters
from pipeline.base.labels import label, platform_name
from pipeline.cli import run_handed
from pipeline.db import handoff, warm
from pipeline.db.cache import private
from pipeline.db.settings import get_settings, now_in
from pipeline.db.shops import named, shop_names
from pipeline.db.store import Store
from pipeline.ingest import bootstrap
from pipeline.outputs.export import csv_bytes, xlsx_bytes
from ui.errors import open_store
from ui.safe import md_escape


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """The process's one store: the desk's own once it holds an import, else the demo store
    (see `ready_store` for its filling). A store that cannot be opened: the page says why and
    stops."""
    store = open_store(bootstrap.open_store)
    # the command line hands its import, report and action to this process while it holds the
    # store (pipeline/db/handoff.py)
    handoff.serve(store.path, lambda argv: run_handed(store, argv))
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
    after_write()


def t(key: str) -> str:
    """A label in the language chosen in the sidebar (default 中文)."""
    return label(key, st.session_state.get("lang", "zh"))


def lang() -> str:
    return st.session_state.get("lang", "zh")


def colon() -> str:
    """The colon after a label: full-width in Chinese (截至时间：), `: ` in English."""
    return "：" if lang() == "zh" else ": "


def tc(key: str) -> str:
    """A label followed by its colon."""
    return t(key) + colon()


def per_value(values: pd.Series, fn: Callable[[Any], Any], na: Any = None) -> pd.Series:
    """`fn(v)` for every value of `values`, each distinct value worked out once (a list of
    thousands of orders holds a handful of states, rules and shops); `na` where a value is
    missing. Lists are taken as tuples."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:                           # lists (unhashable): as tuples
        codes, uniques = pd.factorize(values.map(tuple), use_na_sentinel=True)
    out = [fn(v) for v in uniques] + [na]      # code -1 (missing) takes the last
    result = pd.Series(out).take(codes)
    result.index = values.index
    return result


@st.cache_resource(ttl=600, max_entries=256, show_spinner=False)
def _cached(module: str, name: str, where: tuple, version: int, args: tuple, kwargs: tuple,
            _store: Store | None = None) -> Any:
    """`module.name(cursor, *args)` of the store `where` (its path and id) at `version`."""
    fn = getattr(importlib.import_module(module), name)
    return fn(_store.cursor(), *args, **dict(kwargs))


_held: dict[tuple, set[tuple]] = {}   # (store, data version) -> the asks cached at it
_held_lock = threading.Lock()


def _result(store: Store, ask: tuple, version: int, page: bool = True) -> Any:
    """`_cached` for `ask` of `store` at `version`; once a newer version is asked for, the
    results of the older ones are let go of (no page reads them again: every page asks the
    newest), so a busy desk's writes never pile up results of versions gone by in memory; a
    `page` asking lets go of other stores' results too (one store is on screen). Two stores
    never share a result, however alike their version numbers (the demo's and the desk's own,
    a file replaced under a path)."""
    where = (str(store.path), store.store_id)
    with _held_lock:
        _held.setdefault((where, version), set()).add(ask)
        gone = [k for k in _held if (k[0] == where and k[1] < version)
                or (page and k[0] != where)]
        stale = [(k, a) for k in gone for a in _held.pop(k)]
    for (w, v), (module, name, args, kw) in stale:
        _cached.clear(module, name, w, v, args, kw, None)
    return _cached(ask[0], ask[1], where, version, ask[2], ask[3], store)


def query(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(cursor, *args)` cached by the store's data version and the arguments, one result
    shared by every session; each caller gets its own (copy-on-write) copy, never a pickled
    one to unpack on every rerun. After a write, what was asked is worked out again in the
    background (`pipeline/db/warm.py`)."""
    store = get_store()
    version = store.data_version()
    kw = tuple(sorted(kwargs.items()))
    ask = (fn.__module__, fn.__name__, args, kw)
    warm.asked(store, ask, _redo)   # worked out again after a write, before anyone asks
    return private(_result(store, ask, version))


def _redo(store: Store, ask: tuple, version: int) -> None:
    """The warmer's way to work an ask out again: into the cache the pages read."""
    _result(store, ask, version, page=False)


def desk_settings() -> dict[str, Any]:
    """The settings, read once per data version (every saved setting is a committed write)."""
    return query(get_settings)


def desk_now() -> datetime:
    """`Store.now` (the moment in the desk's time zone) without reading the settings again."""
    return now_in(desk_settings())


def desk_minute() -> datetime:
    """`desk_now` to the minute: the moment the pages evaluate their rules and boards at."""
    return desk_now().replace(second=0, microsecond=0)


def after_write() -> None:
    """Call after any write: cached results are keyed by data version, options may change."""
    with _held_lock:
        _held.clear()
    _cached.clear()


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


def platform_label(platform: str) -> str:
    """A platform as people name it, in the viewer's language (淘宝/天猫, 抖店, …)."""
    return platform_name(platform, lang())


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


def fmt_money(v: float | None, currency: str | None = None) -> str:
    """`1,234.50`, or `CNY 1,234.50` with its currency; `—` when unknown."""
    if v is None or pd.isna(v):
        return "—"
    return f"{currency} {v:,.2f}" if currency else f"{v:,.2f}"


def fmt_amounts(amounts: pd.DataFrame, column: str) -> str:
    """One figure per currency, never a sum: `USD 1,234.00 · TRY 5,678.00` (`currency`, `column`)."""
    return " · ".join(fmt_money(v, c) for c, v in zip(amounts["currency"], amounts[column],
                                                      strict=True))


def fmt_pct(v: float | None) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:.1%}"


MONEY_KPIS = {"paid_amount", "aov", "refund_amount"}
SHARE_KPIS = {"refund_rate", "shipped_72h"}


def kpi_texts(kpi: str, value: float | None, previous: float | None,
              currency: str | None = None) -> tuple[str, str | None, str]:
    """The value, the change against the previous day (None when unknown) and the previous value,
    formatted for the KPI's kind (money with its `currency`, share or count)."""
    def fmt(v: float | None) -> str:
        if v is None or pd.isna(v):
            return "—"
        return fmt_money(v, currency) if kpi in MONEY_KPIS else fmt_pct(v) if kpi in SHARE_KPIS else f"{int(v):,}"

    delta = None
    if not (value is None or previous is None or pd.isna(value) or pd.isna(previous)):
        diff = value - previous
        # money changes carry their currency after the sign (the metric reads the arrow from it)
        delta = None if abs(diff) < 1e-9 else (
            fmt_pct(diff) if kpi in SHARE_KPIS
            else ("+" if diff > 0 else "-") + fmt_money(abs(diff), currency) if kpi in MONEY_KPIS
            else f"{int(diff):+,}")
    return fmt(value), delta, fmt(previous)
