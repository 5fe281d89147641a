"""The packing bench's widgets (the Pack page): one scan field that a barcode scanner types into
(the code and Enter), what the last scan did in large colours with a sound, the parcel's items
counted against what it needs, and the buttons to start again, take another parcel or undo.

The field is read by its `on_change` callback and emptied there, so the next code goes into an
empty field; it stays where it is on the page (everything that changes is drawn below it), so
the field keeps the focus from one Enter to the next. The parcel being packed and its scans are
kept in the session (`pack_state`, a `pipeline.desk.packing.PackState`); the last scan's words
in `pack_said`, the sound to play once in `pack_sound`. When the last item is counted, the
parcel is recorded `packed` at once.

Every text from the store or the scanner (codes, SKUs, names) is escaped before it reaches
Markdown, or shown in a table's cells; the sounds are short WAV tones made here.
"""

from __future__ import annotations

import io
import math
import struct
import wave

import pandas as pd
import streamlit as st

from pipeline.base.reasons import words
from pipeline.base.roles import NotAllowed
from pipeline.db.store import Conflict
from pipeline.desk import actions, packing
from ui.actor import role
from ui.auth import signed_in
from ui.data import get_store
from ui.errors import FAULTS, fault_text
from ui.i18n import lang, t, tc
from ui.safe import md_escape

SCAN = "pack_scan"       # the field
STATE = "pack_state"     # the parcel being packed (PackState), or None
SAID = "pack_said"       # (kind: ok | bad | done | info, words) of the last scan
SOUND = "pack_sound"     # (kind, n) of a sound to play once
DONE = "pack_done"       # the events its packing recorded (for an undo), once complete
BEEPS = "pack_beeps"     # sounds played in the session: each one a file of its own

RATE = 8000
TONES = {                 # kind -> (frequency Hz, milliseconds) of each tone, in order
    "ok": ((1320, 70),),
    "info": ((1320, 70),),  # a slip taken sounds like an item counted
    "bad": ((196, 220), (0, 60), (196, 320)),
    "done": ((880, 110), (0, 30), (1320, 180)),
}


def tone(kind: str, n: int = 0) -> bytes:
    """A short mono WAV of the tones of `kind`; `n` extra samples of silence at its end make
    each sound a file of its own (a player given the same file again would not play it)."""
    samples: list[int] = []
    for freq, ms in TONES[kind]:
        count = RATE * ms // 1000
        for i in range(count):
            fade = min(1.0, i / 80, (count - i) / 80)
            value = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
            samples.append(int(12000 * fade * value))
    samples += [0] * (n % 64)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The field and what a scan does


def scan_field(who: str | None) -> None:
    """The scan field, and under it what to scan next."""
    st.html(   # fixed text, no data: the sound's player out of sight, the feedback large
        "<style>"
        ".st-key-pack_sound{position:absolute;width:1px;height:1px;overflow:hidden;opacity:0}"
        ".st-key-pack_said h3{font-size:1.6rem;line-height:1.3;overflow-wrap:anywhere}"
        "@media (max-width:640px){.st-key-pack_said h3{font-size:1.25rem}}"
        "</style>"
    )
    st.text_input(t("pack_scan"), key=SCAN, on_change=_scanned, args=(who,),
                  placeholder=t("pack_scan_placeholder"), disabled=not who,
                  autocomplete="off", icon=":material/barcode_scanner:")
    state = st.session_state.get(STATE)
    if state is None or st.session_state.get(DONE):
        st.caption(t("pack_next_slip"))
    else:
        done, total = state.pieces
        st.caption(t("pack_next_item").format(left=total - done))


@signed_in
def _scanned(who: str | None) -> None:
    """The field's callback: the code typed (and Enter) read as a slip or an item."""
    code = (st.session_state.get(SCAN) or "").strip()
    st.session_state[SCAN] = ""
    if not code:
        return
    state = st.session_state.get(STATE)
    if state is None or st.session_state.get(DONE) or state.complete:
        _slip(code)   # a parcel complete but not recorded (refused meanwhile): the next one
    else:
        _item(state, code, who)


def _slip(code: str) -> None:
    con = get_store().cursor()
    st.session_state[STATE], st.session_state[DONE] = None, None
    try:
        parcel = packing.find_parcel(con, code)
    except packing.PackRefused as exc:
        return _say("bad", md_escape(words(exc, lang())))
    if parcel is None:
        return _say("bad", t("pack_not_found").format(code=md_escape(code)))
    why = packing.refusal(con, parcel)
    if why is not None:
        return _say("bad", md_escape(why.words(lang())))
    st.session_state[STATE] = state = packing.start(parcel)
    _say("info", t("pack_taken").format(parcel=md_escape(parcel.parcel_id),
                                        total=state.pieces[1]))


def _item(state: packing.PackState, code: str, who: str | None) -> None:
    state, result = packing.scan(state, code)
    st.session_state[STATE] = state
    if result.outcome == "wrong":
        said = t("pack_wrong").format(code=md_escape(code))
        found = packing.identify(get_store().cursor(), code)
        if found:
            said += " — " + t("pack_wrong_is").format(sku=md_escape(found[0]),
                                                      name=md_escape(found[1] or ""))
        return _say("bad", said)
    if result.outcome == "extra":
        if result.as_set:
            return _say("bad", t("pack_extra_set").format(sku=md_escape(result.sku)))
        needed = sum(i.needed for i in state.parcel.items if i.sku == result.sku)
        return _say("bad", t("pack_extra").format(sku=md_escape(result.sku), needed=needed))
    if result.outcome == "complete":
        return _record(state, who)
    if result.as_set:
        return _say("ok", t("pack_counted_set").format(sku=md_escape(result.sku)))
    frame = packing.lines(state)
    mine = frame[frame["sku"] == result.sku]
    _say("ok", t("pack_counted").format(sku=md_escape(result.sku),
                                        done=int(mine["counted"].sum()),
                                        needed=int(mine["needed"].sum())))


def _record(state: packing.PackState, who: str | None) -> None:
    """The parcel complete: record it packed, or say loudly why it was not."""
    try:
        events = packing.record_packed(get_store(), state, by=who or "", role=role())
    except (actions.ActionError, Conflict, NotAllowed) as exc:
        return _say("bad", t("pack_record_failed").format(why=md_escape(words(exc, lang()))))
    except FAULTS as exc:   # the store cannot be written: one plain sentence, details logged
        return _say("bad", t("pack_record_failed").format(why=fault_text(exc)))
    st.session_state[DONE] = events
    _say("done", t("pack_complete").format(parcel=md_escape(state.parcel.parcel_id),
                                           event=events[0].event_id))


def _say(kind: str, text: str, sound: bool = True) -> None:
    st.session_state[SAID] = (kind, text)
    if sound:
        n = st.session_state.get(BEEPS, 0) + 1
        st.session_state[BEEPS] = n
        st.session_state[SOUND] = (kind, n)


# ---------------------------------------------------------------------------------------------
# What the packer sees


def feedback() -> None:
    """What the last scan did, large: green counted or done, red refused; its sound once."""
    said = st.session_state.get(SAID)
    box = st.container(key="pack_said")
    if said is None:
        box.info(t("pack_start"), icon=":material/barcode_scanner:")
    else:
        kind, text = said
        show = {"ok": box.success, "done": box.success, "info": box.info,
                "bad": box.error}[kind]
        icon = {"ok": ":material/check_circle:", "done": ":material/inventory_2:",
                "info": ":material/package_2:", "bad": ":material/block:"}[kind]
        show("### " + text, icon=icon)
    sound = st.session_state.pop(SOUND, None)
    if sound:
        with st.container(key="pack_sound"):
            st.audio(tone(sound[0], sound[1]),
                     format="audio/wav", autoplay=True)


def parcel_view() -> None:
    """The parcel at the bench: its id, orders, courier; the pieces scanned; its items."""
    state = st.session_state.get(STATE)
    if state is None:
        return
    p = state.parcel
    st.subheader(t("pack_parcel").format(parcel=md_escape(p.parcel_id)))
    facts = [tc("pack_orders") + t("list_sep").join(k[2] for k in p.keys)]
    if p.courier or p.tracking_no:
        facts.append(tc("pack_courier") + f"{p.courier or ''} {p.tracking_no or ''}".strip())
    st.text("\n".join(facts))
    done, total = state.pieces
    st.progress(done / total if total else 1.0,
                text=t("pack_progress").format(done=done, total=total))
    st.dataframe(items_view(packing.lines(state), multi=len(p.keys) > 1), hide_index=True,
                 key="pack_items", width="stretch")


def items_view(frame: pd.DataFrame, multi: bool = False):
    """The items as the packer reads them: done or how many to go, the SKU, scanned/needed,
    the name (a gift said so), the set it belongs to, the order (a merged parcel's); rows
    done in green."""
    shown = pd.DataFrame({
        t("pack_col_check"): [t("pack_line_done") if left == 0
                              else t("pack_line_todo").format(left=left)
                              for left in frame["left"]],
        t("pack_col_sku"): frame["sku"],
        t("pack_col_count"): [f"{c} / {n}" for c, n in zip(frame["counted"], frame["needed"],
                                                           strict=True)],
        t("pack_col_title"): [(str(v) if isinstance(v, str) else "—")
                              + (f" ({t('pack_gift')})" if gift else "")
                              for v, gift in zip(frame["title"], frame["is_gift"], strict=True)],
    })
    if frame["bundle_sku"].notna().any():
        shown[t("pack_col_set")] = frame["bundle_sku"].fillna("—").to_numpy()
    if multi:
        shown[t("pack_col_order")] = frame["order_id"].to_numpy()
    done = (frame["left"] == 0).to_numpy()
    return shown.style.apply(
        lambda row: ["background-color: rgba(33, 195, 84, 0.18)" if done[row.name] else ""
                     for _ in row], axis=1)


def bench_buttons(who: str | None) -> None:
    """Start the parcel again, take another parcel, or undo the packing just recorded."""
    state = st.session_state.get(STATE)
    if state is None:
        return
    recorded = st.session_state.get(DONE)
    c1, c2 = st.columns(2)
    if recorded:
        c1.button(t("pack_undo"), key="pack_undo", icon=":material/undo:",
                  on_click=_undo, args=(who,), width="stretch")
    else:
        c1.button(t("pack_restart"), key="pack_restart", icon=":material/restart_alt:",
                  on_click=_restart, width="stretch")
    c2.button(t("pack_another"), key="pack_another", icon=":material/skip_next:",
              on_click=_another, width="stretch")


def scans_view() -> None:
    """The parcel's scans, the newest first."""
    state = st.session_state.get(STATE)
    if state is None or not state.scans:
        return
    st.caption(t("pack_scans"))
    outcome = {"counted": t("pack_outcome_counted"), "wrong": t("pack_outcome_wrong"),
               "extra": t("pack_outcome_extra"), "complete": t("pack_outcome_complete")}
    st.dataframe(pd.DataFrame({
        t("pack_col_code"): [s.code for s in reversed(state.scans)],
        t("pack_col_sku"): [s.sku or "—" for s in reversed(state.scans)],
        t("pack_col_outcome"): [outcome[s.outcome] for s in reversed(state.scans)],
    }), hide_index=True, key="pack_scans_table", width="stretch")


@signed_in
def _restart() -> None:
    state = st.session_state.get(STATE)
    if state is not None:
        st.session_state[STATE] = packing.restart(state)
        st.session_state[SAID] = None


@signed_in
def _another() -> None:
    for name in (STATE, SAID, DONE):
        st.session_state[name] = None


@signed_in
def _undo(who: str | None) -> None:
    """Take back the packing recorded for this parcel (each of its orders' event)."""
    state, recorded = st.session_state.get(STATE), st.session_state.get(DONE) or []
    try:
        packing.undo_packed(get_store(), recorded, by=who or "", role=role())
    except (actions.ActionError, Conflict, NotAllowed) as exc:
        return _say("bad", md_escape(words(exc, lang())))
    except FAULTS as exc:   # the store cannot be written: one plain sentence, details logged
        return _say("bad", fault_text(exc))
    st.session_state[DONE] = None
    st.session_state[STATE] = packing.restart(state)
    _say("info", t("pack_undone").format(parcel=md_escape(state.parcel.parcel_id)),
         sound=False)
