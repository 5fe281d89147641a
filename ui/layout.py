"""Layout for every screen width: metric cards in a grid that keeps two to a row on a phone.

Streamlit's columns stack one under the other below 640 px, so eight KPI cards become a
column of eight. A `metric_grid` lays its cards out `per_row` to a row on a wide screen and
two to a row on a narrow one; a figure too long for its card wraps (after the currency code
first), never cut with an ellipsis, and is a size smaller on a phone.
The style sheet below is fixed text (no data ever reaches it), written beside each grid.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from pipeline.base.labels import label

GRID_SIZES = (2, 3, 4, 5)
PAGES = Path(__file__).resolve().parent.parent / "pages"


def grid_style() -> None:
    """The grids' layout rules, written beside each grid (a page's own element: styles
    written by app.py before the page can be dropped when the page changes)."""
    st.html(
        "<style>"
        "[class*='st-key-kpis2_']{display:grid!important;"
        "grid-template-columns:repeat(2,minmax(0,1fr))}"
        "[class*='st-key-kpis3_']{display:grid!important;"
        "grid-template-columns:repeat(3,minmax(0,1fr))}"
        "[class*='st-key-kpis4_']{display:grid!important;"
        "grid-template-columns:repeat(4,minmax(0,1fr))}"
        "[class*='st-key-kpis5_']{display:grid!important;"
        "grid-template-columns:repeat(5,minmax(0,1fr))}"
        "[class*='st-key-kpis']>[data-testid='stElementContainer']{align-self:stretch;"
        "height:auto!important}"
        "[class*='st-key-kpis'] [data-testid='stMetric']{height:100%}"
        "[class*='st-key-kpis'] [data-testid='stMetricValue']{font-size:1.75rem}"
        "[class*='st-key-kpis'] [data-testid='stMetricValue'] *,"
        "[class*='st-key-kpis'] [data-testid='stMetricLabel'] *{white-space:normal!important;"
        "overflow:visible!important;text-overflow:clip!important;overflow-wrap:anywhere}"
        "@media (max-width:640px){"
        "[class*='st-key-kpis']{grid-template-columns:repeat(2,minmax(0,1fr))!important}"
        "[class*='st-key-kpis'] [data-testid='stMetricValue']{font-size:1.25rem}"
        "}"
        "</style>"
    )


def metric_grid(key: str, per_row: int = 4):
    """A container whose cards (st.metric, or containers of them) sit `per_row` to a row,
    two to a row under 640 px. `key` names it on the page (unique there)."""
    if per_row not in GRID_SIZES:
        raise ValueError(f"per_row must be one of {GRID_SIZES}")
    grid_style()
    return st.container(key=f"kpis{per_row}_{key}", gap="small")


_covered = False   # set once this process has drawn a navigation of its own


def cover_file_names() -> None:
    """On the process's first run only: replace at once the navigation Streamlit draws from the
    `pages/` file names (until an app draws its own) with an empty one, so that while the
    first start imports and opens the store the sidebar shows no file names; app.py's own
    navigation, with the pages' titles, follows in the same run. Call right after
    st.set_page_config, before anything slow."""
    global _covered
    if _covered:
        return
    _covered = True
    lang = st.session_state.get("lang", "zh")
    # one stand-in per page, at the page's address, so that the page asked for is "found"
    stand_ins = [st.Page(_starting, title=label("app_starting", lang), url_path="starting",
                         default=True)] + [
        st.Page(_starting, title=label(f"page_{p.stem}", lang), url_path=p.stem)
        for p in sorted(PAGES.glob("*.py"))]
    st.navigation(stand_ins, position="hidden")


def _starting() -> None:
    """The page behind `cover_file_names`, never run."""


RUN_LOG_ENV = "ORDERDESK_RUN_LOG"
_frame = threading.local()   # per script thread: whether app.py is running the page


@contextmanager
def framed(page: str = "", started: float | None = None) -> Iterator[None]:
    """app.py runs the chosen page inside this: the page knows it has the frame around it.
    With `RUN_LOG_ENV` set to a file, each run of the frame and page (from `started`, a
    `time.perf_counter()` taken when app.py began) is added to it as a JSON line: the
    server's own time per view, which the browser benchmark reads.

    Above the page: while a PostgreSQL store's database cannot be reached, the banner saying so
    (ui/outage.py `outage_banner`)."""
    # imported here, not above: app.py imports this module before the slow imports
    # (`cover_file_names`)
    from ui.data import get_store
    from ui.outage import outage_banner

    _frame.on = True
    try:
        outage_banner(get_store())
        yield
    finally:
        _frame.on = False
        log = os.environ.get(RUN_LOG_ENV)
        if log and started is not None:
            line = json.dumps({"page": page, "seconds": round(time.perf_counter() - started, 4)})
            with open(log, "a", encoding="utf-8") as out:
                out.write(line + "\n")


def in_frame() -> bool:
    """Whether this page runs inside app.py (sign-in, sidebar, navigation)."""
    return getattr(_frame, "on", False)
