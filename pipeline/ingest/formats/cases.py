"""What the after-sales case readers share (DESIGN §11): a platform's case export declared as a
column map, read into the canonical `cases` frame; its status and type words looked up and
the unknown ones named; refund amounts as their absolute value; the deadline under
arbitration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.base.canonical import NAME_CAP
from pipeline.ingest.formats.cn import lookup, unknown_note
from pipeline.ingest.formats.values import SHOP_HEADERS, Cells, cap_of, repeat_text

# The headers a case export names its shop by (抖店 writes 门店名称).
CASE_SHOP_HEADERS = (*SHOP_HEADERS, "门店名称")

# A status over: arbitration no longer stands on it (客服介入 on a refunded case is history).
FINAL = ("refunded", "closed", "exchanged", "failed")

# 售中 / 售后, and the canonical codes
PHASE_WORDS: dict[str, str] = {
    "售中": "before_ship",
    "售后": "after_ship",
    "before_ship": "before_ship",
    "after_ship": "after_ship",
}

# A type word -> (case type, phase it says: 未发货仅退款 before shipping, a return after).
# (None, phase): a word that says only the phase (售中退款).
TypeWords = Mapping[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class CaseMap:
    """One platform's case export: for each canonical column the headers it is read from
    (the first present wins, later ones fill its gaps)."""

    case_id: tuple[str, ...]
    order_id: tuple[str, ...]
    status: tuple[str, ...]
    status_words: Mapping[str, str]                        # word -> CASE_STATUSES
    type: tuple[str, ...] = ()
    type_words: TypeWords = field(default_factory=dict)
    ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)     # line_id, sku, …
    texts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # title, reason, …
    times: Mapping[str, tuple[str, ...]] = field(default_factory=dict)   # requested_at, …
    # groups of headers whose absolute values add up to the amount asked (one header of each)
    amounts: tuple[tuple[str, ...], ...] = ()
    refunded_at: tuple[str, ...] = ()      # taken where the case is refunded
    # where the phase is read, in order: (headers, words), or None for the type word's phase
    phase: tuple[tuple[tuple[str, ...], Mapping[str, str]] | None, ...] = (None,)
    # `是否需要退货` (older Taobao): 是 -> return_refund, anything else -> refund_only
    return_flag: tuple[str, ...] = ()
    arbitration: tuple[str, ...] = ()      # 客服介入状态 / 仲裁状态, kept as text
    arbitration_words: Mapping[str, bool] = field(default_factory=dict)  # word -> in progress
    evidence_deadline: tuple[str, ...] = ()   # 举证超时: the deadline under arbitration


def read_cases(cells: Cells, platform: str, m: CaseMap, notes: list[str],
               fallback: pd.Series | None = None) -> pd.DataFrame:
    """The export's rows as a `cases` frame (one row per case), with only the columns the file
    gave; unknown status, type and arbitration words named in `notes`. `fallback`: each row's
    status where the file gives no known word (the caller read it from other facts and names
    the unknown words itself)."""
    case_header = cells.header(*m.case_id)
    case_id = cells.ident(case_header, key=True)
    cells.require(case_id, case_header, "case id")
    order_header = cells.header(*m.order_id)
    order_id = cells.ident(order_header, key=True)
    cells.require(order_id, order_header, "order id")
    shop = cells.text(*CASE_SHOP_HEADERS, cap=NAME_CAP)
    cols: dict[str, object] = {
        "platform": platform,
        "shop": shop if shop is not None else repeat_text(cells.n),
        "case_id": case_id,
        "order_id": order_id,
    }
    for name, aliases in m.ids.items():
        cols[name] = cells.ident(*aliases)
    for name, aliases in m.texts.items():
        cols[name] = cells.text(*aliases, cap=cap_of(name))
    for name, aliases in m.times.items():
        cols[name] = cells.time(*aliases)

    amount = _amount(cells, m.amounts)
    cols["amount_asked"] = amount
    arbitration = cells.text(*m.arbitration) if m.arbitration else None
    cols["arbitration"] = arbitration

    status = cells.text(*m.status)
    norm = None
    if status is not None:
        norm = lookup(status, m.status_words)
        if fallback is None:
            _note(notes, cells.header(*m.status), status, norm, case_id)
        cols["status_text"] = status
    if fallback is not None:
        norm = fallback if norm is None else norm.where(norm.notna(), fallback)
    if norm is not None:
        if arbitration is not None:
            norm = _arbitration(arbitration, m.arbitration_words, norm,
                                cells.header(*m.arbitration), case_id, notes)
        cols["status_norm"] = norm
        if amount is not None:
            refunded = (norm == "refunded").fillna(False).to_numpy()
            cols["amount_refunded"] = amount.where(refunded, 0.0).where(
                norm.notna() & amount.notna())

    evidence = cells.time(*m.evidence_deadline) if m.evidence_deadline else None
    if evidence is not None and norm is not None:
        under = (norm == "arbitration").fillna(False).to_numpy() & evidence.notna().to_numpy()
        deadline = cols.get("deadline")
        cols["deadline"] = (evidence.where(under) if deadline is None
                            else deadline.where(~under, evidence))

    if m.refunded_at:
        refunded_at = cells.time(*m.refunded_at)
        if refunded_at is not None and norm is not None:
            refunded_at = refunded_at.where((norm == "refunded").fillna(False).to_numpy())
        cols["refunded_at"] = refunded_at

    type_phase = _types(cells, m, cols, case_id, notes)
    phase = None
    for source in m.phase:
        if source is None:
            found = type_phase
        else:
            headers, words = source
            text = cells.text(*headers)
            found = None if text is None else lookup(text, words)
        if found is not None:
            phase = found if phase is None else phase.where(phase.notna(), found)
    cols["phase"] = phase
    return cells.frame(cols)


def _amount(cells: Cells, groups: tuple[tuple[str, ...], ...]) -> pd.Series | None:
    """The amount asked: the absolute values of the groups present added up (a refund may be
    written signed, -30.00); NA where none of them has a value."""
    parts = [cells.amount(*group, negative=True) for group in groups if cells.has(*group)]
    if not parts:
        return None
    values = pd.concat([p.abs() for p in parts], axis=1)
    return values.sum(axis=1, min_count=1).round(2)


def _arbitration(text: pd.Series, words: Mapping[str, bool], norm: pd.Series,
                 header: str | None, case_id: pd.Series, notes: list[str]) -> pd.Series:
    """The status, `arbitration` where 客服介入状态 / 仲裁状态 says the platform is deciding and
    the case is not over."""
    going = lookup(text, words, "boolean")
    _note(notes, header, text, going, case_id)
    over = norm.isin(FINAL).fillna(False).to_numpy()
    under = going.fillna(False).to_numpy(dtype=bool) & ~over
    return norm.where(~under, "arbitration")


def _types(cells: Cells, m: CaseMap, cols: dict[str, object], case_id: pd.Series,
           notes: list[str]) -> pd.Series | None:
    """`type_text` and `case_type` (from the type word, else 是否需要退货); the phase the type
    word says (None without a type column)."""
    text = cells.text(*m.type) if m.type else None
    case_type = phase = None
    if text is not None:
        case_type = lookup(text, {w: t for w, (t, _) in m.type_words.items()})
        phase = lookup(text, {w: p for w, (_, p) in m.type_words.items()})
        known = lookup(text, dict.fromkeys(m.type_words, True), "boolean")
        _note(notes, cells.header(*m.type), text, known, case_id)
        cols["type_text"] = text
    flag = cells.text(*m.return_flag) if m.return_flag else None
    if flag is not None:
        said = np.where(flag.str.strip().eq("是").fillna(False).to_numpy(), "return_refund",
                        "refund_only")
        said = pd.Series(said, dtype="str")
        case_type = said if case_type is None else case_type.where(case_type.notna(), said)
    cols["case_type"] = case_type
    return phase


def _note(notes: list[str], header: str | None, words: pd.Series, found: pd.Series,
          case_id: pd.Series) -> None:
    """`unknown 退款状态 '…' on 2 cases`: the words the table does not know, by cases."""
    note = unknown_note(header or "", words, (words.notna() & found.isna()).to_numpy(),
                        case_id, "case")
    if note:
        notes.append(note)
