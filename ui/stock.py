"""Stock page helpers: the figure the allocation takes from, in words, and tables for display."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pipeline.desk.allocation import UNTRACKED

Label = Callable[[str], str]


def basis_label(code: str | None, label: Label) -> str:
    """A basis code (`on_hand`, `available_reserved`, `available`, `mixed`, `untracked`) in words."""
    return label(f"stock_basis_{code or UNTRACKED}")


def with_basis(df: pd.DataFrame, label: Label) -> pd.DataFrame:
    """`df` with its `basis` codes in words (an empty basis reads as untracked)."""
    return df.assign(basis=[basis_label(c if isinstance(c, str) else None, label)
                            for c in df["basis"]])


def basis_caption(counts: pd.DataFrame, label: Label) -> str:
    """One sentence from `stock.basis_counts`: the figures the allocation takes from, per SKU
    count, then how many SKUs are untracked."""
    parts = [label("stock_basis_part_one" if n == 1 else "stock_basis_part")
             .format(basis=basis_label(b, label), n=f"{n:,}")
             for b, n in zip(counts["basis"], counts["skus"], strict=True) if b != UNTRACKED]
    text = label("stock_basis_caption").format(parts="; ".join(parts)) if parts else ""
    untracked = counts.loc[counts["basis"] == UNTRACKED, "skus"].sum()
    if untracked:
        key = "stock_untracked_caption_one" if untracked == 1 else "stock_untracked_caption"
        text = f"{text} {label(key).format(n=f'{int(untracked):,}')}".strip()
    return text


def bundles_view(bundles: pd.DataFrame, label: Label) -> pd.DataFrame:
    """Buildable bundles for display: a bundle whose components are all untracked says so."""
    untracked = label("stock_basis_untracked")
    return bundles.assign(limiting_component=bundles["limiting_component"].astype(object)
                          .where(bundles["limiting_component"].notna(), untracked))
