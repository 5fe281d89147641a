"""The viewer's language: labels (pipeline/base/labels/) in 中文 or English, as chosen in the
sidebar, and the platforms' names."""

from __future__ import annotations

import streamlit as st

from pipeline.base.labels import label, platform_name


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


def platform_label(platform: str) -> str:
    """A platform as people name it, in the viewer's language (淘宝/天猫, 抖店, …)."""
    return platform_name(platform, lang())
