"""The Pack page 验货打包 in AppTest: a clerk scans a slip and its items into the one field (each
code then Enter), a wrong item is refused in red with a sound, the last item records the
parcel packed under the clerk's name, the packing is undone; an order not processed is refused
with the reason; a viewer is not offered the page.

The store: q1 (A ×1, B ×2; its tracking number SF1 as exported: processed), q2 (A ×1, paid,
not processed); the stock gives B the barcode 6901111111111.
"""

from __future__ import annotations

import time

import pytest

from pipeline.accounts import users
from pipeline.db.store import Store
from tests.apptest import fresh_app
from tests.conftest import load, load_tables

PAGE = "pages/pack.py"
PAID = {"created_at": "2026-11-20 08:00", "status_norm": "paid", "paid_at": "2026-11-20 09:00"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "pack.duckdb"
    s = Store(path)
    load(s, [{"order_id": "q1", **PAID, "courier": "SF", "tracking_no": "SF1"},
             {"order_id": "q2", **PAID}],
         [{"order_id": "q1", "line_id": "1", "sku": "A", "title": "精华", "quantity": 1},
          {"order_id": "q1", "line_id": "2", "sku": "B", "title": "面霜", "quantity": 2},
          {"order_id": "q2", "line_id": "1", "sku": "A", "quantity": 1}])
    load_tables(s, stock=[{"sku": "A", "available": 50, "name": "精华"},
                          {"sku": "B", "available": 50, "name": "面霜"}])
    with s.write() as cur:   # the column the stock layout gains (条码, 69码, Barcode)
        cur.execute("alter table stock add column if not exists barcode varchar")
        cur.execute("update stock set barcode = '6901111111111' where sku = 'B'")
    s.close()
    return path


def signed(db, name: str, role: str) -> dict:
    """Session state of `name` signed in, in English (the account made in the store)."""
    s = Store(db)
    users.add_user(s, name, role, f"{name} password", by="test")
    token = users.open_session(s, users.User(name, role), None, time.time(), 3600)
    s.close()
    return {"lang": "en", "auth_user": {"name": name, "role": role, "seen": time.time(),
                                        "sso": False, "token": token}}


def scan(at, code: str):
    """A code typed into the field and Enter, as a scanner does."""
    at.text_input(key="pack_scan").input(code).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="pack_scan").value == ""   # emptied for the next code
    return at


def said(at) -> tuple[str, str]:
    """(the colour, the words) of what the last scan did."""
    for kind in ("error", "success", "info"):
        found = [e.value for e in getattr(at, kind) if e.value.startswith("### ")]
        if found:
            return kind, found[0].removeprefix("### ").replace("\\", "").replace("\u2060", "")
    raise AssertionError("nothing said")


def parcel(at) -> list[str]:
    return [s.value for s in at.subheader if s.value.startswith("Parcel")]


def sounds(at) -> int:
    return len(at.get("audio"))


def packed_events(db) -> list[tuple]:
    s = Store(db)
    try:
        return s.cursor().execute(
            "select order_id, text, author from effective_events where action = 'packed' "
            "order by event_id").fetchall()
    finally:
        s.close()


def test_a_clerk_scans_a_slip_and_its_items_and_the_parcel_is_recorded_packed(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    assert not at.exception
    assert at.title[0].value == "Pack"
    assert [e.value for e in at.info] == ["Scan a slip to start packing."]

    scan(at, "sf1")                              # the tracking number on the slip
    assert parcel(at) == ["Parcel q1"]
    items = at.dataframe[0].value
    assert items["SKU"].tolist() == ["A", "B"]
    assert items["Scanned / needed"].tolist() == ["0 / 1", "0 / 2"]

    scan(at, "C9")                               # not in the parcel: red, with a sound
    assert said(at) == ("error", "✗ Wrong item: C9 is not in this parcel, take it out")
    assert sounds(at) == 1
    scan(at, "A")
    assert said(at) == ("success", "✓ A: 1/1")
    scan(at, "A")
    assert said(at) == ("error", "✗ Extra: A is already complete (1), take it out")
    scan(at, "6901111111111")                    # B by its barcode
    assert said(at) == ("success", "✓ B: 1/2")
    assert packed_events(db) == []
    scan(at, "b")
    kind, words = said(at)
    assert kind == "success" and words.startswith(
        "✓ Parcel q1: every item checked, recorded as packed (event #")
    assert packed_events(db) == [("q1", "A×1, B×2", "Cleo")]
    assert at.dataframe[0].value["Scanned / needed"].tolist() == ["1 / 1", "2 / 2"]

    at.button(key="pack_undo").click().run()     # taken back
    assert not at.exception
    assert said(at) == ("info", "Packing of parcel q1 taken back")
    assert packed_events(db) == []


def test_an_order_not_processed_is_refused_with_the_reason(db, monkeypatch):
    at = fresh_app(db, monkeypatch, PAGE, state=signed(db, "Cleo", "clerk"))
    scan(at, "q2")
    assert said(at) == ("error", "✗ Cannot pack order q2: it is not processed yet (no waybill "
                                 "printed, no courier): process it first, then pack it")
    assert sounds(at) == 1
    assert parcel(at) == []                      # no parcel taken
    scan(at, "nothing")
    assert said(at) == ("error", "✗ Nothing found for nothing: not an order id, parcel id or "
                                 "tracking number")


def test_a_viewer_is_not_offered_the_page(db, monkeypatch):
    at = fresh_app(db, monkeypatch, state=signed(db, "Vera", "viewer"))
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
        at.switch_page(PAGE)
    assert "pages/queue.py" in str(refused.value)   # the pages a viewer has are listed


def test_each_sound_is_a_short_wav_of_its_own():
    import io
    import wave

    from ui.pack import tone

    with wave.open(io.BytesIO(tone("bad", 3))) as w:
        # 220 + 60 + 320 ms at 8 kHz, and 3 samples of silence that make the file its own
        assert (w.getnchannels(), w.getframerate(), w.getnframes()) == (1, 8000, 4803)
    with wave.open(io.BytesIO(tone("done"))) as w:
        assert w.getnframes() == (110 + 30 + 180) * 8
    assert tone("bad", 1) != tone("bad", 2)
