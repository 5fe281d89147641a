"""Helpers for AppTest-based page tests: a pre-filled store and a fresh app."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.db.store import Store
from tests.conftest import load, load_tables

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def fresh_app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None,
              state: dict | None = None) -> AppTest:
    """The app on the store at `db`, caches cleared, optionally switched to `page`, run once.

    `state` presets session state by widget key (e.g. the sidebar filters `f_shops`, `lang`):
    AppTest does not keep app-level sidebar widgets across reruns of an `st.navigation` app,
    so global filters are set before the first run rather than clicked.
    """
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def make_store(db: Path) -> Store:
    """A store at `db` (closed by the caller before the app opens it)."""
    return Store(db)


def store_file(db: Path, orders: list[dict] = (), lines: list[dict] = (),
               **tables: list[dict]) -> Path:
    """A closed store file at `db` holding the given canonical rows, for the app to open."""
    s = Store(db)
    if orders or lines:
        load(s, orders, lines)
    if tables:
        load_tables(s, **tables)
    s.close()
    return db


def metric(at: AppTest, label: str):
    """The metric element labelled `label`."""
    return next(m for m in at.metric if m.label == label)


def table(at: AppTest, column: str):
    """The first table on the page with `column` (AppTest does not look tables up by key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)
