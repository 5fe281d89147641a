"""A store that cannot be opened or written, told to the viewer in one plain sentence.

- `fault_text(exc)`: the sentence for a store fault in the viewer's language; the details
  (traceback, paths) go to the server log.
- `store_errors()`: a `with` block around a write; a fault is shown with `st.error` and the
  page goes on (`outcome.failed` says whether it did).
- `open_store()`: the store for `get_store()`; when it cannot be opened the page says why and
  stops.
- `refusal_text(exc)`: a refusal of the pipeline (an action, a role, a conflict, a reader's
  sentence) in the viewer's language, escaped for the Markdown of st.error/st.warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import streamlit as st

from pipeline.base.labels import label
from pipeline.base.reasons import words
from pipeline.db import open as db_open
from pipeline.db.faults import StoreFault, classify
from pipeline.db.store import Store
from ui.safe import md_escape

log = logging.getLogger("orderdesk.ui")
FAULTS = (StoreFault, duckdb.Error, OSError)  # what a store operation raises when it fails


def fault_text(exc: BaseException, opening: bool = False) -> str:
    """One sentence for a viewer about `exc`; the details are logged."""
    kind = classify(exc).kind
    log.error("store fault (%s): %s", kind, exc, exc_info=exc)
    key = f"store_fault_{kind}"
    if opening and kind == "gone":
        key = "store_fault_open_gone"
    elif opening and kind == "unreachable":
        key = "store_fault_open_unreachable"
    return label(key, st.session_state.get("lang", "zh"))


def refusal_text(exc: BaseException) -> str:
    """A refusal of the pipeline in the viewer's language (its figures, ids and names as
    given), escaped for Markdown."""
    return md_escape(words(exc, st.session_state.get("lang", "zh")))


@dataclass
class Outcome:
    failed: bool = False
    message: str | None = None


@contextmanager
def store_errors() -> Iterator[Outcome]:
    """Around a write: a store fault is shown as one sentence (st.error) instead of a
    traceback, and the rest of the page runs."""
    outcome = Outcome()
    try:
        yield outcome
    except FAULTS as exc:
        outcome.failed = True
        outcome.message = fault_text(exc)
        st.error(outcome.message, icon=":material/error:")


def open_store(opener: Callable[[], Store] = db_open.open_store) -> Store:
    """The store `opener` opens (by default the one ORDERDESK_DB names); when it cannot be
    opened, the page says why and stops."""
    try:
        return opener()
    except FAULTS as exc:
        st.error(fault_text(exc, opening=True), icon=":material/database_off:")
        st.stop()
        raise  # st.stop() does not return
