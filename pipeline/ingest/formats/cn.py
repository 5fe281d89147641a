"""What the readers of the Chinese platforms (抖店, 拼多多, 京东) share: status words looked up
and the unknown ones named with their counts, one row per order from rows per item, and an
order rejected with all its rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.base.canonical import Note
from pipeline.ingest.formats.values import _BLANKS, Cells, map_words, per_distinct, repeat_text

CURRENCY = "CNY"
COD_WORD = "货到付款"
GIFT_WORD = "赠品"
MASK_WORDS = ("密文", "****")   # a receiver the platform masked: `##密文`, `$$密文`, `138****0000`
SHOWN_WORDS = 10


def word_key(s: pd.Series) -> pd.Series:
    """Status words compare without blanks, with half-width commas and brackets made full-width."""
    return per_distinct(s, lambda words: (
        words.str.replace(_BLANKS, "", regex=True).str.replace(",", "，", regex=False)
        .str.replace("(", "（", regex=False).str.replace(")", "）", regex=False)))


def lookup(words: pd.Series, table: dict[str, object], dtype: str = "str") -> pd.Series:
    """Each word's entry in `table` (keys compared as `word_key` does), NA when unknown."""
    keys = {word_key(pd.Series([k], dtype="str")).iloc[0]: v for k, v in table.items()}
    return map_words(word_key(words), keys, dtype)


class UnknownWords(Note):
    """`unknown 订单状态 '待审核' on 3 orders, …; <then>`, kept with what it counts so that the
    slices of a file add up: the (word, key) pairs, or the rows per word when `keys` is None."""

    def __new__(cls, header: str, what: str, then: str, pairs: pd.DataFrame | None,
                rows: dict[str, int] | None) -> UnknownWords:
        if pairs is not None:
            counts = pairs.groupby("word", sort=False).size()
            counts = counts.sort_values(ascending=False, kind="stable")
            items = list(counts.items())
        else:
            items = sorted(rows.items(), key=lambda item: -item[1])
        shown = [f"'{w}' on {n} {what}{'' if n == 1 else 's'}" for w, n in items[:SHOWN_WORDS]]
        more = len(items) - SHOWN_WORDS
        text = f"unknown {header} " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        note = super().__new__(cls, text + (f"; {then}" if then else ""))
        note.parts, note.pairs, note.rows = (header, what, then), pairs, rows
        note.key, note.rank = ("unknown", header, what, then), 3
        return note

    def merge(self, other: Note) -> Note:
        if self.pairs is not None:
            pairs = pd.concat([self.pairs, other.pairs], ignore_index=True).drop_duplicates()
            return UnknownWords(*self.parts, pairs, None)
        rows = dict(self.rows)
        for word, n in other.rows.items():
            rows[word] = rows.get(word, 0) + n
        return UnknownWords(*self.parts, None, rows)


def unknown_note(header: str, words: pd.Series, unknown: pd.Series | np.ndarray,
                 keys: pd.Series | None, what: str = "order", then: str = "") -> str | None:
    """`unknown 订单状态 '待审核' on 3 orders, …; <then>`: each unknown word and how many
    distinct `keys` (orders; rows when None) carry it, most frequent first."""
    unknown = np.asarray(unknown, dtype=bool)
    if not unknown.any():
        return None
    if keys is None:
        counts = pd.Series(words[unknown].to_numpy()).value_counts(sort=False, dropna=True)
        return UnknownWords(header, what, then, None, {w: int(n) for w, n in counts.items()})
    picked = pd.DataFrame({"word": words[unknown].to_numpy(), "key": keys[unknown].to_numpy()})
    return UnknownWords(header, what, then,
                        picked.dropna(subset=["key"]).drop_duplicates(), None)


class WordsNote(Note):
    """`<prefix>a, b, c`: the first ten of the words (sorted) that the slices found."""

    def __new__(cls, prefix: str, words: set[str]) -> WordsNote:
        note = super().__new__(cls, prefix + ", ".join(sorted(words)[:10]))
        note.prefix, note.words, note.key, note.rank = prefix, words, ("words", prefix), 4
        return note

    def merge(self, other: Note) -> Note:
        return WordsNote(self.prefix, self.words | other.words)


def contains(s: pd.Series | None, word: str) -> np.ndarray | None:
    """Where `s` holds `word` (False for empty cells); None when the column is absent."""
    if s is None:
        return None
    return s.str.contains(word, regex=False).fillna(False).astype(bool).to_numpy()


def reject_whole_orders(cells: Cells, order_id: pd.Series, header: str | None) -> None:
    """A row rejected for a bad value takes the other rows of its order with it: an order's
    figures are summed or read from its rows, and a part of them would be wrong."""
    bad_orders = order_id[cells.bad].dropna().unique()
    if not len(bad_orders):
        return
    others = order_id.isin(bad_orders).to_numpy() & ~cells.bad
    if others.any() and header is not None:
        cells.flag(others, header, "another row of its order was rejected", order_id)


def per_order(rows: pd.DataFrame, sums: tuple[str, ...] = (),
              any_true: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per order of a frame with a row per item: each column's first non-empty value,
    the `sums` added up (NA when no row has a value), the `any_true` true when a row is."""
    if rows.empty:
        return rows
    key = rows["order_id"]
    groups = rows.groupby(key, sort=False, dropna=True)
    first = groups.first()
    for col in sums:
        if col in rows.columns:
            first[col] = groups[col].sum(min_count=1).round(2)
    for col in any_true:
        if col in rows.columns:
            first[col] = groups[col].any().astype("boolean")
    first["_row"] = groups["_row"].min()
    first = first.drop(columns=["order_id"], errors="ignore").reset_index()
    order = [c for c in rows.columns if c in first.columns]
    out = first[order].reset_index(drop=True)
    for col in out.columns:
        if rows[col].dtype == "str" or str(rows[col].dtype).startswith("string"):
            out[col] = out[col].astype(rows[col].dtype)
    return out


def order_key(cells: Cells, id_headers: tuple[str, ...],
              created_headers: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """The order id and creation time every row needs (a row without either is rejected)."""
    id_header = cells.header(*id_headers)
    order_id = cells.ident(id_header, key=True)
    cells.require(order_id, id_header, "order id")
    created = cells.time(*created_headers)
    cells.require(created, cells.header(*created_headers), "creation time")
    return order_id, created


def shopless(n: int) -> pd.Series:
    """These exports name no shop: the store resolves it (DESIGN §2, like Taobao items)."""
    return repeat_text(n)
