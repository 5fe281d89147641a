"""The inbox, looked into every minute while the dashboard is open (pipeline/ingest/inbox.py)."""

from __future__ import annotations

import threading

import streamlit as st

from pipeline.ingest.inbox import Inbox, inbox_dir
from ui.auth import signed_in
from ui.data import after_import, desk_settings, get_store, import_store, on_demo
from ui.i18n import t


@st.cache_resource(show_spinner=False)
def _inbox(folder: str) -> tuple[Inbox, threading.Lock]:
    """One inbox per folder and process, shared by every session; one look at a time."""
    return Inbox(inbox_dir(folder)), threading.Lock()


def look_inbox() -> int:
    """Import what is new in the inbox (into the desk's own store, never the demo's); how
    many files were imported or refused."""
    box, lock = _inbox(desk_settings()["inbox_dir"])
    if not box.has_files() or not lock.acquire(blocking=False):
        return 0                       # nothing there, or another session is looking
    try:
        target = import_store()
        results = box.look(target)
        if results:
            imported = any(r.status in ("imported", "partial") for r in results)
            after_import(target, on_demo() and imported)
        elif target is not get_store():
            target.close()
        return len(results)
    finally:
        lock.release()


@st.fragment(run_every=60)
@signed_in
def inbox_watch() -> None:
    """Every minute: the inbox's new files imported, and a note when there were some."""
    n = look_inbox()
    if n:
        st.toast(t("inbox_imported").format(n=n), icon=":material/inbox:")
