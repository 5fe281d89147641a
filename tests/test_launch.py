"""The warm start (`python app.py`): the first page run once before the server answers, its
results kept for the first visitor; a run that fails never keeps the server from starting."""

from __future__ import annotations

import logging
import os

import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline.db import cache
from tests.apptest import APP, metric, store_file
from tests.factories import OVERVIEW_ORDERS as ORDERS
from ui.launch import warm_first_page

# Overview asks that take no moment: the same key for the warm run and the first visitor
# whatever the minute
NO_MOMENT = ("pipeline.desk.kpis.latest_day", "pipeline.desk.kpis.state_counts",
             "pipeline.desk.kpis.daily_series")


def test_the_first_visitor_after_a_warm_start_computes_nothing_again(tmp_path, monkeypatch):
    db = store_file(tmp_path / "app.duckdb", ORDERS)
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    before = {name: cache.computed[name] for name in NO_MOMENT}
    assert warm_first_page(APP) is not None
    warmed = {name: cache.computed[name] for name in NO_MOMENT}
    assert all(warmed[name] == before[name] + 1 for name in NO_MOMENT), (before, warmed)

    visitor = AppTest.from_file(APP, default_timeout=60)   # the caches are not cleared
    visitor.run()
    assert not visitor.exception
    assert metric(visitor, "订单数").value == "2"
    assert {name: cache.computed[name] for name in NO_MOMENT} == warmed


def test_a_warm_run_that_fails_is_logged_and_the_start_goes_on(tmp_path, caplog):
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('no store here')\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="ui.launch"):
        seconds = warm_first_page(str(broken))
    assert seconds is not None               # it ran; the script's error is logged
    assert "no store here" in caplog.text


def test_a_warm_run_keeps_no_line_in_the_run_log(tmp_path, monkeypatch):
    db = store_file(tmp_path / "app.duckdb", ORDERS)
    run_log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("ORDERDESK_DB", str(db))
    monkeypatch.setenv("ORDERDESK_RUN_LOG", str(run_log))
    st.cache_resource.clear()
    warm_first_page(APP)
    assert not run_log.exists()
    assert os.environ["ORDERDESK_RUN_LOG"] == str(run_log)   # given back for the server
