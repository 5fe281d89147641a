"""The work queue page on a small store: batches, held problems, acting on a batch after a
confirmation, undoing the last batch, the live headline."""

from __future__ import annotations

import pytest

from pipeline.desk import actions as A
from tests.apptest import fresh_app, make_store, table
from tests.conftest import load

PAGE = "pages/queue.py"
DAY = "2026-11-20"


def _orders():
    orders, lines = [], []
    for i in range(1, 6):
        orders.append({"order_id": f"a{i}", "created_at": f"{DAY} 08:00", "status_norm": "paid",
                       "paid_at": f"{DAY} 10:0{i}"})
        lines.append({"order_id": f"a{i}", "line_id": "1", "sku": "A", "quantity": 1})
    orders.append({"order_id": "bc", "created_at": f"{DAY} 08:00", "status_norm": "paid",
                   "paid_at": f"{DAY} 09:00"})
    lines += [{"order_id": "bc", "line_id": "1", "sku": "B", "quantity": 1},
              {"order_id": "bc", "line_id": "2", "sku": "C", "quantity": 2}]
    return orders, lines


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "app.duckdb"
    s = make_store(path)
    load(s, *_orders())
    A.record(s, ("taobao", "s1", "a5"), "flag", by="Li", text="买家要求改颜色")
    s.close()
    return path


def questions(at):
    """The confirmation questions shown (other warnings, e.g. stale data, left aside)."""
    return [w.value for w in at.warning if w.icon == ":material/help:"]


def metric(at, label):
    return next(m for m in at.metric if m.label == label).value


def test_queue_page_shows_batches_and_held_orders(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en"})
    assert not at.exception
    assert [metric(at, k) for k in ("Waiting to ship", "To process", "Proposed batches",
                                     "Held by a problem")] == ["6", "6", "2", "1"]
    batches = at.dataframe[0].value
    assert batches[["kind", "sku_set", "orders", "pieces"]].values.tolist() == [
        ["several items, mixed", "1 SKU set(s)", 1, 3],
        ["single items, one SKU", "A", 4, 4]]
    assert at.selectbox(key="queue_batch").value == batches["batch_id"][0]
    held = [d.value for d in at.dataframe if "reason" in d.value.columns][0]
    assert held[["order_id", "reason"]].values.tolist() == [["a5", "买家要求改颜色"]]


def test_processing_a_batch_changes_the_counts(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en", "actor": "Wang"})
    batch_a = at.dataframe[0].value["batch_id"][1]
    at.selectbox(key="queue_batch").set_value(batch_a).run()
    assert not at.exception
    at.button(key="queue_process_batch").click().run()
    assert not at.exception
    # nothing is written before the confirmation, which names how many orders
    assert metric(at, "To process") == "6"
    assert questions(at) == ["Mark 4 orders processed?"]
    at.button(key="queue_confirm").click().run()
    assert not at.exception
    assert [metric(at, k) for k in ("Waiting to ship", "To process", "Proposed batches")] == [
        "6", "2", "1"]
    assert any("Recorded: Mark processed on 4 orders" in s.value for s in at.success)
    assert not questions(at)


def test_assigning_a_courier_to_a_batch(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE, state={"actor": "Wang"})
    at.text_input(key="queue_courier").input("ZTO").run()
    at.button(key="queue_courier_batch").click().run()
    assert not at.exception
    assert questions(at) == ["确认为 1 单指定快递 ZTO？"]
    at.button(key="queue_confirm").click().run()
    assert not at.exception
    assert metric(at, "待处理") == "5"


def test_cancel_writes_nothing(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en", "actor": "Wang"})
    at.button(key="queue_process_batch").click().run()
    at.button(key="queue_cancel").click().run()
    assert not at.exception
    assert not questions(at)
    assert metric(at, "To process") == "6"
    assert not [b for b in at.button if b.key == "queue_undo_batch"]


def done_rows(at):
    """The table of batches done today: batch id, action, orders, undo status."""
    return table(at, "status")[["queue_batch", "action", "orders", "status"]].values.tolist()


def test_a_processed_batch_keeps_its_id_and_is_undone_from_the_log(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en", "actor": "Wang"})
    at.number_input(key="queue_batch_size").set_value(1).run()
    ids = at.dataframe[0].value["batch_id"].tolist()        # bc | a1 | a2 | a3 | a4
    first_a = ids[1]
    at.selectbox(key="queue_batch").set_value(first_a).run()
    at.button(key="queue_process_batch").click().run()
    at.button(key="queue_confirm").click().run()
    assert not at.exception
    # the processed id is gone from the proposals and from the selector: never reused
    assert first_a not in at.dataframe[0].value["batch_id"].tolist()
    assert at.selectbox(key="queue_batch").value != first_a
    assert done_rows(at) == [[first_a, "Mark processed", 1, "can be undone"]]
    assert any(f"Batch {first_a}: pick list and slips of the 1 orders" in c.value
               for c in at.caption)
    undo = at.button(key="queue_undo_batch")
    assert undo.label == f"Undo batch {first_a} (Mark processed, 1 orders)"
    undo.click().run()
    assert not at.exception
    assert metric(at, "To process") == "6"
    assert any(f"Undid batch {first_a}" in s.value for s in at.success)
    assert done_rows(at) == [[first_a, "Mark processed", 1, "undone"]]
    assert at.button(key="queue_undo_batch").disabled


def test_after_processing_the_undo_names_the_batch_just_processed(db, monkeypatch):
    """A batch processed earlier is listed (and was the one picked); processing another picks
    the new one, so the undo button takes back what was just done."""
    s = make_store(db)
    A.record_many(s, [("taobao", "s1", "a1")], "process", by="Li", queue_batch="abc123-1")
    s.close()
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en", "actor": "Wang"})
    at.number_input(key="queue_batch_size").set_value(1).run()
    assert at.button(key="queue_undo_batch").label.startswith("Undo batch abc123-1")
    new = at.dataframe[0].value["batch_id"].tolist()[0]
    at.selectbox(key="queue_batch").set_value(new).run()
    at.button(key="queue_process_batch").click().run()
    at.button(key="queue_confirm").click().run()
    assert not at.exception
    assert at.button(key="queue_undo_batch").label.startswith(f"Undo batch {new} ")


def test_another_session_undoes_a_batch_after_a_reload(db, monkeypatch):
    s = make_store(db)
    keys = [("taobao", "s1", "a1"), ("taobao", "s1", "a2")]
    A.record_many(s, keys, "process", by="Li", queue_batch="abc123-1")
    s.close()
    # a manager in a new session (open desk: the operator's role) sees it and takes it back
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en", "actor": "Wang"})
    assert done_rows(at) == [["abc123-1", "Mark processed", 2, "can be undone"]]
    assert metric(at, "To process") == "4"
    at.button(key="queue_undo_batch").click().run()
    assert not at.exception
    assert metric(at, "To process") == "6"


def test_the_live_headline_renders_and_choices_survive_a_rerun(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en", "actor": "Wang"})
    second = at.dataframe[0].value["batch_id"][1]
    at.selectbox(key="queue_batch").set_value(second).run()
    at.number_input(key="queue_batch_size").set_value(3).run()
    at.run()  # what a refresh does: the same script again, widgets kept by their keys
    assert not at.exception
    assert at.number_input(key="queue_batch_size").value == 3
    assert metric(at, "Proposed batches") == "3"  # A: 3 + 1, B + C: 1
    assert at.selectbox(key="queue_batch").value == second



def test_no_name_no_action(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE)
    assert at.button(key="queue_process_batch").disabled
    at.text_input(key="actor_input").input("Li").run()
    assert not at.button(key="queue_process_batch").disabled
    assert at.session_state["actor"] == "Li"


def test_full_queue_toggle_pages_and_downloads(db, monkeypatch):
    at = fresh_app(db, monkeypatch, page=PAGE)
    at.toggle(key="queue_show_full").set_value(True).run()
    assert not at.exception
    full = [d.value for d in at.dataframe if "rank" in d.value.columns and len(d.value) == 6]
    assert full[0]["order_id"].tolist() == ["bc", "a1", "a2", "a3", "a4", "a5"]


def test_an_order_packed_at_the_bench_shows_packed_in_the_full_queue(db, monkeypatch):
    s = make_store(db)
    A.record(s, ("taobao", "s1", "a1"), "process", by="Li")
    A.record(s, ("taobao", "s1", "a1"), "packed", by="Li", text="A×1")
    s.close()
    at = fresh_app(db, monkeypatch, page=PAGE, state={"lang": "en"})
    at.toggle(key="queue_show_full").set_value(True).run()
    assert not at.exception
    full = table(at, "packed")
    packed = dict(zip(full["order_id"], full["packed"], strict=True))
    assert packed["a1"] and not packed["a2"] and not packed["bc"]
