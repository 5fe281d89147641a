"""The desk's editing actions (DESIGN §8): each one an event, appended in one transaction.

An action is checked against the order's current state, written as a row of `events` and
overlaid on the imported facts by `sql/states.sql`. Events are never updated or deleted: an
undo is an event too, naming the event it takes back. An import never touches them.

An action on many orders at once (`record_many`) gives its events one shared `batch_id`;
`undo_batch` takes the whole batch back as one step, each event by an undo event of its own.
Processing a batch the work queue proposed (pipeline.desk.queue) also records that batch's id
(`queue_batch`) on each event: the id then names those orders for good (the queue never
proposes it again, and its pick list and slips are printed again from these events).

Two managers on one order: writes are serialised by the store's lock; a caller that read the
order before acting passes `expected_last_event` (the order's `last_event_id` as it saw it, 0
when it had none) and gets a `Conflict` naming who changed the order and how, if it changed.

After-sales cases (DESIGN §11) take actions of their own (`record_case`: agree, reject,
received, feedback, assign), recorded the same way with the case's id in `events.case_id` and
its order's key; an undo of a case takes back the case's last action in effect. An order's own
undo, and a batch's, never take back a case's action (nor are held up by one).

Parcels (DESIGN §12, pipeline/desk/parcels.py): `merge` (text: the other orders' ids) and
`split` (text: the parcels as JSON) act on one order at a time, with the roles of `process`.
A merge is one event, on the parcel's first order. A `courier` on any order of a merged parcel
is recorded on every order of it, one event each sharing a batch id; an undo of it takes it
back from all of them. On a split order the courier names its parcel: `#N COURIER
TRACKING_NO`. An undo on an order of a merged parcel whose merge came after its own last
action takes the merge back (recorded on the parcel's first order).

Packing (the Pack page's scan to verify, pipeline/desk/packing.py): `packed` records that a
parcel was checked item by item and packed, its text what was scanned (`A×2, SET1×1`; on a
split order the parcel first: `#2 A×1`). It is taken with a clerk's role on a processed order
waiting to ship that no open problem holds (DESIGN §6), once per order (per parcel of a split
order); a merged parcel's orders are recorded together, each with its own text
(`record_many(texts=…)`). It changes no state: a packed order still waits to ship.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from pipeline.accounts.users import ensure_ready
from pipeline.base import canonical as C
from pipeline.base.filters import Filters
from pipeline.base.labels import STATES
from pipeline.base.reasons import Reason
from pipeline.base.roles import CASE_ACTIONS, ROLES, NotAllowed, effective, may, require
from pipeline.db.queries import sql
from pipeline.db.settings import get_settings
from pipeline.db.states import refresh_states
from pipeline.db.store import Conflict, Store
from pipeline.desk import parcels
from pipeline.desk.problems import open_problems

ACTIONS = ("confirm", "remind", "process", "courier", "note", "review", "flag", "resolve", "undo",
           "merge", "split", "packed")

# Parcels (DESIGN §12): taken with the roles of `process`, on one order at a time, and offered
# apart from the other actions (each needs a choice of orders or lines).
PARCEL_ACTIONS = parcels.PARCEL_ACTIONS

# Problem types of DESIGN §6: what `resolve` may close (its `kind`).
PROBLEM_TYPES = (
    "out_of_stock", "address", "buyer_message", "refund_before_ship", "merge_candidate", "manual",
)

# Actions that carry a text, and what the text is.
TEXT_NEEDED = {"courier": "COURIER TRACKING_NO", "note": "the note", "flag": "the reason",
               "resolve": "what was done", "merge": "the other order ids",
               "split": "the parcels as JSON"}

UNPAID_STATES = ("unconfirmed_unpaid", "confirmed_unpaid")

# After-sales cases (DESIGN §11): what a returned parcel's goods are (`received`'s kind), the
# case types whose goods come back, the statuses in which the shop answers a case (agree or
# reject) and those in which a parcel can be received; the actions that need a text, and what
# the text is (a label).
RECEIVED_KINDS = ("resellable", "damaged")
RETURN_TYPES = ("return_refund", "exchange")
ANSWERABLE = ("awaiting_seller", "arbitration", "returned")
RECEIVABLE = ("awaiting_return", "returned")
CASE_TEXT_NEEDED = {"reject": "case_act_text_reject", "feedback": "case_act_text_feedback",
                    "assign": "case_act_text_assign"}


@dataclass(frozen=True)
class Event:
    """One recorded action."""

    event_id: int
    platform: str
    shop: str
    order_id: str
    action: str
    text: str | None
    kind: str | None
    target_event: int | None
    author: str
    acted_at: datetime
    batch_id: int | None = None
    queue_batch: str | None = None
    case_id: str | None = None      # the after-sales case it answers; None for an order's own


class ActionError(Exception):
    """The action cannot be recorded; the message says why, in the desk's words."""


# What an action needs to know about each order: its state, the message to review, and the
# last event still in effect (the one an undo takes back).
ORDER_CONTEXT_SQL = """
with keys as (
    select platform, shop, order_id from action_keys
),

last_effective as (
    select e.platform, e.shop, e.order_id,
           max(e.event_id) as undo_target,
           arg_max(e.action, e.event_id) as undo_action
    from effective_events as e
    join keys as k using (platform, shop, order_id)
    where e.case_id is null
    group by all
),

-- what a newer export changed after the desk acted (DESIGN §12 info_changed) that no review
-- has seen yet: a review is what clears it
last_review as (
    select e.platform, e.shop, e.order_id, max(e.event_id) as review_event
    from effective_events as e
    join keys as k using (platform, shop, order_id)
    where e.action = 'review' and e.case_id is null
    group by all
),

-- the packing recorded (pipeline/desk/packing.py): each `packed` event still in effect, its
-- text naming the parcel of a split order (`#N …`)
packs as (
    select e.platform, e.shop, e.order_id,
           list(coalesce(e.text, '') order by e.event_id) as packed_texts,
           arg_max(e.author, e.event_id) as packed_by,
           arg_max(e.acted_at, e.event_id) as packed_at
    from effective_events as e
    join keys as k using (platform, shop, order_id)
    where e.action = 'packed' and e.case_id is null
    group by all
),

changed as (
    select distinct c.platform, c.shop, c.order_id
    from info_changes as c
    join keys as k using (platform, shop, order_id)
    left join last_review as r using (platform, shop, order_id)
    where coalesce(r.review_event <= c.events_before, true)
),

final as (
    select
        k.platform, k.shop, k.order_id,
        o.order_id is not null as found,
        s.state, s.waiting_to_ship, s.processed, s.flag_reason, s.reviewed_message,
        coalesce(s.last_event_id, 0) as last_event_id,
        nullif(trim(o.buyer_message), '') as buyer_message,
        le.undo_target, le.undo_action,
        ch.order_id is not null as info_changed,
        p.packed_texts, p.packed_by, p.packed_at
    from keys as k
    left join orders as o using (platform, shop, order_id)
    left join order_state as s using (platform, shop, order_id)
    left join last_effective as le using (platform, shop, order_id)
    left join changed as ch using (platform, shop, order_id)
    left join packs as p using (platform, shop, order_id)
)

select * from final
"""

INSERT_EVENTS_SQL = """
insert into events
    (event_id, platform, shop, order_id, action, text, kind, target_event, author, acted_at, role)
select nextval('event_seq'), platform, shop, order_id, action, text, kind, target_event,
       author, acted_at, role
from new_events
returning event_id, platform, shop, order_id, action, text, kind, target_event, author, acted_at
"""

# The same with the events' batch id (null for an action on one order) and the work queue's
# batch they processed (null for any other action); event ids follow the orders' order.
INSERT_BATCH_EVENTS_SQL = """
insert into events
    (event_id, platform, shop, order_id, action, text, kind, target_event, author, acted_at, role,
     batch_id, queue_batch)
select nextval('event_seq'), platform, shop, order_id, action, text, kind, target_event,
       author, acted_at, role, batch_id, queue_batch
from (select * from new_events order by pos)
returning event_id, platform, shop, order_id, action, text, kind, target_event, author, acted_at,
          batch_id, queue_batch
"""

QUEUE_BATCH_TAKEN_SQL = "select count(*) from events where queue_batch = $queue_batch"

CHANGES_SINCE_SQL = """
select event_id, action,
       case when action = 'undo' then 'of #' || target_event else text end as text,
       author, acted_at
from events
where platform = $platform and shop = $shop and order_id = $order_id and event_id > $since
order by event_id
"""

ORDER_HISTORY_SQL = """
with order_imports as (
    select i.import_id, i.imported_at, i.file_name, i.layout, i.imported_by
    from imports as i
    where i.import_id in (
        select first_import_id from orders
        where platform = $platform and shop = $shop and order_id = $order_id
        union
        select import_id from orders
        where platform = $platform and shop = $shop and order_id = $order_id
        union
        select import_id from order_lines
        where platform = $platform and shop = $shop and order_id = $order_id
    )
),

order_events as (
    select e.*
    from events as e
    where e.platform = $platform and e.shop = $shop and e.order_id = $order_id
),

undone as (
    select target_event as event_id, event_id as undone_by
    from order_events
    where action = 'undo'
),

final as (
    select
        imported_at as happened_at,
        'import' as source,
        import_id as ref,
        'import' as action,
        file_name || ' (' || layout || ')' as detail,
        null::varchar as kind,
        imported_by as author,
        null::varchar as role,
        null::bigint as batch_id,
        false as undone,
        null::bigint as undone_by,
        null::varchar as queue_batch
    from order_imports
    union all
    select
        e.acted_at,
        'event',
        e.event_id,
        e.action,
        case when e.action = 'undo' then '#' || e.target_event else e.text end,
        e.kind,
        e.author,
        e.role,
        e.batch_id,
        u.undone_by is not null,
        u.undone_by,
        e.queue_batch
    from order_events as e
    left join undone as u using (event_id)
)

select * from final order by happened_at, source, ref
"""

ORDER_CARD_SQL = """
select o.* exclude (is_paid, courier, tracking_no, refunded),   -- the desk's, from order_state
       s.* exclude (platform, shop, order_id, seller_note),
       s.seller_note as seller_note_now
from orders as o
join order_state as s using (platform, shop, order_id)
where o.platform = $platform and o.shop = $shop and o.order_id = $order_id
"""

ORDER_LINES_SQL = """
select line_id, sku, title, quantity, unit_price, paid, refund_text,
       gift_line(is_gift, unit_price) as is_gift, is_bundle_marked
from order_lines
where platform = $platform and shop = $shop and order_id = $order_id
order by try_cast(line_id as integer) nulls last, line_id
"""

# The next batch id: the writes are serialised by the store's lock, inside one transaction.
NEXT_BATCH_SQL = "select coalesce(max(batch_id), 0) + 1 from events"

# The events of one batch still in effect, and whether a later action on the same order is in
# effect too (then the batch cannot be taken back as one step before that action).
BATCH_EVENTS_SQL = """
with batch as (
    select * from effective_events where batch_id = $batch_id
),

later as (
    select b.event_id, max(e.event_id) as later_event
    from batch as b
    join effective_events as e
      on e.platform = b.platform and e.shop = b.shop and e.order_id = b.order_id
     and e.event_id > b.event_id and e.case_id is null
    group by all
),

final as (
    select b.event_id, b.platform, b.shop, b.order_id, b.action, b.author, l.later_event,
           coalesce(s.waiting_to_ship, false) as waiting_to_ship
    from batch as b
    left join later as l using (event_id)
    left join order_state as s using (platform, shop, order_id)
)

select * from final order by event_id
"""

BATCH_EXISTS_SQL = "select count(*) from events where batch_id = $batch_id"

FIND_ORDER_SQL = """
select platform, shop, order_id from orders where order_id = $order_id order by platform, shop
"""


# ---------------------------------------------------------------------------------------------
# Checks


def refusal(action: str, order: dict[str, Any], text: str | None, kind: str | None
            ) -> Reason | None:
    """Why `action` cannot be taken on an order (a row of ORDER_CONTEXT_SQL), or None."""
    state = order.get("state")
    named = Reason(state) if state in STATES else state
    if action == "confirm" and state != "unconfirmed_unpaid":
        return Reason("why_state_confirm", state=named)
    if action == "remind" and state not in UNPAID_STATES:
        return Reason("why_state_remind", state=named)
    if action in ("process", "courier", "split") and not order.get("waiting_to_ship"):
        return Reason("why_state_ship", state=named, done=Reason(f"why_done_{action}"))
    if action in ("process", "split") and order.get("processed"):
        return Reason("why_already_processed")
    if action == "packed":
        return _pack_refusal(order, text, named)
    if action in TEXT_NEEDED and not text:
        return Reason("why_needs_text", what=Reason(f"why_text_{action}"))
    if action == "review" and not order.get("info_changed"):   # a change is reviewed too
        if not order.get("buyer_message"):
            return Reason("why_no_message")
        if order.get("reviewed_message") == order.get("buyer_message"):
            return Reason("why_message_reviewed")
    if action == "flag" and order.get("flag_reason"):
        return Reason("why_already_flagged", reason=order["flag_reason"])
    if action == "resolve":
        if kind not in PROBLEM_TYPES:
            return Reason("why_needs_kind", kinds=[Reason(f"problem_{k}") for k in PROBLEM_TYPES])
        if kind == "manual" and not order.get("flag_reason"):
            return Reason("why_no_open_flag")
        # a problem the order does not have cannot be resolved ahead of it (it would hide the
        # mark when it comes): checked where the caller gave the order's open problems
        if (kind != "manual" and "open_problems" in order
                and kind not in order["open_problems"]):
            return Reason("why_no_open_problem", kind=Reason(f"problem_{kind}"))
    if action == "undo" and not _present(order.get("undo_target")):
        return Reason("why_nothing_to_undo")
    return None


def _pack_refusal(order: dict[str, Any], text: str | None, state: Any) -> Reason | None:
    """Why an order cannot be recorded as packed (its parcel `#N` named first in `text` on a
    split order), or None: it must be processed, waiting to ship, held by no open problem
    (given `open_problems`) and not packed yet."""
    if not order.get("waiting_to_ship"):
        return Reason("why_state_ship", state=state, done=Reason("why_done_packed"))
    if not order.get("processed"):
        return Reason("why_pack_not_processed")
    held = [p for p in order.get("open_problems", ()) if p]
    if held:
        return Reason("why_pack_held", problems=[Reason(f"problem_{p}") for p in held])
    no, _ = parcels.read_parcel_courier(text)
    if no in packed_parcels(order):
        return Reason("why_already_packed", author=order.get("packed_by"),
                      at=f"{pd.Timestamp(order['packed_at']):%Y-%m-%d %H:%M}")
    return None


def packed_parcels(order: dict[str, Any]) -> set[int | None]:
    """The parcels of an order (a row of ORDER_CONTEXT_SQL) packed and not undone: the
    parcel numbers of a split order's, None for a whole order's."""
    texts = order.get("packed_texts")
    if texts is None or isinstance(texts, float):
        return set()
    return {parcels.read_parcel_courier(t)[0] for t in texts}


def allowed_actions(order: dict[str, Any]) -> list[str]:
    """The actions an order can take now, texts aside (for offering buttons); `resolve`
    only when it has an open flag or, given `open_problems`, an open problem. Merging and
    splitting (PARCEL_ACTIONS) are not among them: each needs its own form; nor is `packed`,
    recorded where the items are scanned (the Pack page)."""
    out = []
    problems = [p for p in order.get("open_problems", ()) if p != "manual"]
    resolvable = "manual" if order.get("flag_reason") else (problems or ["address"])[0]
    for action in ACTIONS:
        if action in (*PARCEL_ACTIONS, "packed"):
            continue
        reason = refusal(action, order, "x", resolvable)
        if reason is None:
            out.append(action)
    return out


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NA


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _keys_frame(keys: Iterable[tuple[str, str, str]] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(keys, pd.DataFrame):
        frame = keys[C.ORDER_KEY].copy()
    else:
        frame = pd.DataFrame([tuple(k) for k in keys], columns=C.ORDER_KEY)
    return frame.astype(str).drop_duplicates().reset_index(drop=True)


def _label(row: dict[str, Any]) -> str:
    where = "/".join(p for p in (row["platform"], row["shop"]) if p)
    return f"{row['order_id']} ({where})" if where else str(row["order_id"])


# ---------------------------------------------------------------------------------------------
# Recording


def record(
    store: Store,
    key: tuple[str, str, str],
    action: str,
    by: str,
    text: str | None = None,
    kind: str | None = None,
    expected_last_event: int | None = None,
    role: str | None = None,
) -> Event:
    """Record one action on one order. `expected_last_event`: 0 = the order had no event.

    `role`: the actor's role (pipeline/base/roles.py), checked first; None is the command line's
    operator, a manager. A clerk may undo only their own actions.
    """
    return _record(store, _keys_frame([key]), action, by, text, kind, expected_last_event,
                   role)[0]


def record_many(
    store: Store,
    keys: Iterable[tuple[str, str, str]] | pd.DataFrame,
    action: str,
    by: str,
    text: str | None = None,
    kind: str | None = None,
    role: str | None = None,
    queue_batch: str | None = None,
    texts: dict[tuple[str, str, str], str] | None = None,
) -> list[Event]:
    """Record one action on many orders, all or nothing; refused orders are listed in the error.

    `queue_batch`: the work queue's batch these orders are processed as (action `process`
    only); refused when that id was already recorded, for whatever orders. The events follow
    the order of `keys`. `texts`: each order's own text (platform, shop, order_id -> text),
    where one is given, instead of `text` (a merged parcel's packing: what each order had).
    """
    queue_batch = _clean(queue_batch)
    if queue_batch is not None and action != "process":
        raise ActionError(f"only processing records a batch of the queue, not {action}")
    return _record(store, _keys_frame(keys), action, by, text, kind, None, role, batch=True,
                   queue_batch=queue_batch, texts=texts)


def record_by_id(
    store: Store,
    order_id: str,
    action: str,
    by: str,
    text: str | None = None,
    kind: str | None = None,
    role: str | None = None,
) -> Event:
    """`record` on a bare order id; unknown or ambiguous (several shops) ids are refused."""
    return record(store, find_order(store.cursor(), order_id), action, by, text, kind,
                  role=role)


def find_order(con: duckdb.DuckDBPyConnection, order_id: str) -> tuple[str, str, str]:
    """The key of the one order with this id."""
    order_id = str(order_id).strip()
    matches = con.execute(FIND_ORDER_SQL, {"order_id": order_id}).fetchall()
    if not matches:
        raise ActionError(f"no order {order_id} in the store (check the id, or import its export)")
    if len(matches) > 1:
        listed = ", ".join(f"{p}/{s or '—'}" for p, s, _ in matches)
        raise ActionError(
            f"order id {order_id} is in {len(matches)} shops: {listed}; act on it in the dashboard"
        )
    return tuple(matches[0])


def _record(
    store: Store,
    keys: pd.DataFrame,
    action: str,
    by: str,
    text: str | None,
    kind: str | None,
    expected_last_event: int | None,
    role: str | None = None,
    batch: bool = False,
    queue_batch: str | None = None,
    texts: dict[tuple[str, str, str], str] | None = None,
) -> list[Event]:
    if action not in ACTIONS:
        raise ActionError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    require(role, _permission(action))
    author = _clean(by)
    if author is None:
        raise ActionError(Reason("why_name_required"))
    if keys.empty:
        raise ActionError(Reason("why_no_orders"))
    if action in PARCEL_ACTIONS and len(keys) > 1:
        raise ActionError(Reason("why_parcel_one_order"))
    text = _clean(text)
    kind = _clean(kind)
    if action == "resolve":
        kind = kind or "manual"
    elif action == "flag":
        kind = "manual"
    elif action in PARCEL_ACTIONS:
        kind = None

    own = {tuple(str(p) for p in k): _clean(v) for k, v in (texts or {}).items()}
    # the open marks of the orders: what a resolve closes, what holds a parcel from packing
    marked = (_open_problems(store, keys)
              if (action == "resolve" and kind != "manual") or action == "packed" else None)

    def work(cur: duckdb.DuckDBPyConnection) -> list[Event]:
        cur.register("action_keys", keys)
        # in the order of `keys`: a batch's events follow its order
        orders = keys.merge(cur.execute(ORDER_CONTEXT_SQL).df(), on=C.ORDER_KEY, how="left")
        cur.unregister("action_keys")
        rows = orders.to_dict("records")
        if marked is not None:
            for r in rows:
                r["open_problems"] = marked.get((r["platform"], r["shop"], r["order_id"]), ())
        missing = [r for r in rows if not r["found"]]
        if missing:
            raise ActionError(Reason("why_no_such_order",
                                     listed=", ".join(_label(r) for r in missing[:20])))
        if expected_last_event is not None:
            _check_unchanged(cur, rows[0], expected_last_event)
        index = (parcels.parcel_index(cur)
                 if action in (*PARCEL_ACTIONS, "courier", "undo", "packed") else None)
        if action == "undo":
            _parcel_undo(cur, rows, index)
        for r in rows:
            r["text"] = own.get((r["platform"], r["shop"], r["order_id"]), text)
        refused = [(r, refusal(action, r, r["text"], kind)) for r in rows]
        refused = [(r, why) for r, why in refused if why]
        if refused:
            raise ActionError(_refused_message(action, refused, len(rows)))
        planned = _planned(cur, action, rows, text, index)
        if queue_batch is not None and cur.execute(
                QUEUE_BATCH_TAKEN_SQL, {"queue_batch": queue_batch}).fetchall()[0][0]:
            raise ActionError(Reason("why_batch_taken", batch=queue_batch))
        who, acting = acting_role(cur, author, role, _permission(action))
        if action == "undo" and not may(acting, "undo_any"):
            _own_only(cur, pd.Series([p["target_event"] for p in planned]), who)
        acted_at = store.now()
        # the events of one action on many orders share a batch id (a parcel's courier too)
        together = batch or len(planned) > 1
        batch_id = cur.execute(NEXT_BATCH_SQL).fetchall()[0][0] if together else None
        new = pd.DataFrame({
            "platform": [p["platform"] for p in planned],
            "shop": [p["shop"] for p in planned],
            "order_id": [p["order_id"] for p in planned],
            "action": action,
            "text": pd.Series([p["text"] for p in planned], dtype=object),
            "kind": kind,
            "target_event": pd.array([p["target_event"] for p in planned], dtype="Int64"),
            "author": who,
            "acted_at": acted_at,
            "role": acting,
            "batch_id": batch_id,
            "queue_batch": queue_batch,
            "pos": range(len(planned)),
        })
        new["queue_batch"] = new["queue_batch"].astype(object)
        new["batch_id"] = new["batch_id"].astype("Int64")
        new["kind"] = new["kind"].astype(object)
        cur.register("new_events", new)
        written = cur.execute(INSERT_BATCH_EVENTS_SQL).fetchall()
        cur.unregister("new_events")
        refresh_states(cur, pd.concat([keys, new[C.ORDER_KEY]]).drop_duplicates())
        return [_event(r) for r in written]

    return store.run_write(work, events_only=True)


def _permission(action: str) -> str:
    """What a role must be allowed to take `action`: merging and splitting are processing."""
    return "process" if action in PARCEL_ACTIONS else action


def _planned(cur: duckdb.DuckDBPyConnection, action: str, rows: list[dict[str, Any]],
             text: str | None, index: parcels.ParcelIndex | None) -> list[dict[str, Any]]:
    """The events to write for `action` on the orders `rows` (checked by `refusal`): one per
    order, but a merge's or split's text as recorded, a courier on every order of a merged
    parcel (`#N` on a split order's parcel), an undo on the order whose event it takes back
    (and on every order of a merged parcel's courier). Raises ActionError when a parcel's rule
    refuses it."""
    def event(r: dict[str, Any], text: str | None, target: Any = None) -> dict[str, Any]:
        return {"platform": r[0], "shop": r[1], "order_id": r[2], "text": text,
                "target_event": None if target is None else int(target)}

    key = (rows[0]["platform"], rows[0]["shop"], rows[0]["order_id"])
    if action == "merge":
        why, others = parcels.merge_refusal(cur, key, text, index)
        if why:
            raise ActionError(_refused_message(action, [(rows[0], why)], 1))
        return [event(key, " ".join(o[2] for o in others))]
    if action == "split":
        why, recorded = parcels.split_refusal(cur, key, text, index)
        if why:
            raise ActionError(_refused_message(action, [(rows[0], why)], 1))
        return [event(key, recorded)]
    out: list[dict[str, Any]] = []
    if action == "packed":
        refused = [(r, _pack_parcel_refusal(index, r)) for r in rows]
        refused = [(r, why) for r, why in refused if why]
        if refused:
            raise ActionError(_refused_message(action, refused, len(rows)))
        return [event((r["platform"], r["shop"], r["order_id"]), r["text"]) for r in rows]
    if action == "undo":
        for r in rows:
            out.append(event(r["undo_key"], None, r["undo_target"]))
            out += [event(k, None, e) for k, e in r["also_undo"]]
        return out
    if action != "courier":
        return [event((r["platform"], r["shop"], r["order_id"]),
                      r["buyer_message"] if action == "review" else text) for r in rows]
    seen: set[tuple] = set()
    refused = []
    for r in rows:
        k = (r["platform"], r["shop"], r["order_id"])
        why, targets = parcels.courier_targets(index, k, text)
        if why:
            refused.append((r, why))
            continue
        for target, said in targets:
            if target not in seen:
                seen.add(target)
                out.append(event(target, said))
    if refused:
        raise ActionError(_refused_message(action, refused, len(rows)))
    acted = {(r["platform"], r["shop"], r["order_id"]) for r in rows}
    others = pd.DataFrame([(p["platform"], p["shop"], p["order_id"]) for p in out
                           if (p["platform"], p["shop"], p["order_id"]) not in acted],
                          columns=C.ORDER_KEY)
    if len(others):     # the parcel's other orders: each must take a courier too
        cur.register("action_keys", others)
        context = cur.execute(ORDER_CONTEXT_SQL).df().to_dict("records")
        cur.unregister("action_keys")
        held = [(c, refusal("courier", c, text, None)) for c in context]
        held = [(c, why) for c, why in held if why]
        if held:
            c, why = held[0]
            raise ActionError(_refused_message(action, [(rows[0], Reason(
                "why_parcel_member", order=c["order_id"], why=why))], 1))
    return out


def _pack_parcel_refusal(index: parcels.ParcelIndex, order: dict[str, Any]) -> Reason | None:
    """Why a packing's text does not fit the order's parcels: a split order's names one of its
    parcels first (`#N …`), a whole order's names none."""
    no, _ = parcels.read_parcel_courier(order["text"])
    n = index.splits.get((order["platform"], order["shop"], order["order_id"]))
    if n is not None and no is None:
        return Reason("why_pack_parcel_needed", n=n)
    if n is not None and not 1 <= no <= n:
        return Reason("why_parcel_no", no=no, n=n)
    if n is None and no is not None:
        return Reason("why_pack_not_split", no=no)
    return None


# An event still in effect, and the other courier events of its batch still in effect.
EFFECTIVE_EVENT_SQL = """
select event_id, platform, shop, order_id, action, batch_id
from effective_events
where event_id = $event_id and case_id is null
"""

BATCH_COURIERS_SQL = """
select event_id, platform, shop, order_id
from effective_events
where batch_id = $batch_id and action = 'courier' and event_id <> $event_id
  and case_id is null
order by event_id
"""


def _parcel_undo(cur: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]],
                 index: parcels.ParcelIndex) -> None:
    """What an undo on each order of `rows` takes back, parcels considered: its last action in
    effect (`undo_target`), or the merge that put it in a merged parcel when that came later
    (taken back on the parcel's first order: `undo_key`); with a courier recorded on a merged
    parcel, the same courier on the parcel's other orders (`also_undo`)."""
    for r in rows:
        key = (r["platform"], r["shop"], r["order_id"])
        r["undo_key"], r["also_undo"] = key, []
        merged_by = index.merged_by.get(key)
        head = index.head(key)
        own = int(r["undo_target"]) if _present(r.get("undo_target")) else None
        if head is not None and head != key and (own is None or merged_by > own):
            r["undo_target"], r["undo_key"] = merged_by, head
            r["undo_action"] = "merge"
            continue
        if own is None or head is None:
            continue
        found = cur.execute(EFFECTIVE_EVENT_SQL, {"event_id": own}).fetchall()
        if not found or found[0][4] != "courier" or found[0][5] is None:
            continue
        group = set(index.members[key])
        for event_id, platform, shop, order_id in cur.execute(
                BATCH_COURIERS_SQL, {"batch_id": int(found[0][5]), "event_id": own}).fetchall():
            if (platform, shop, order_id) in group:
                r["also_undo"].append(((platform, shop, order_id), int(event_id)))


def _open_problems(store: Store, keys: pd.DataFrame) -> dict[tuple, tuple[str, ...]]:
    """The open problem types (DESIGN §6) of the orders `keys` now, as the pages show them;
    worked out before the write (shared results are never computed inside one)."""
    f = Filters(shops=tuple(sorted(set(keys["shop"]))),
                platforms=tuple(sorted(set(keys["platform"]))))
    marks = open_problems(store.cursor(), f, store.now())
    out: dict[tuple, tuple[str, ...]] = {}
    for k, p in zip(zip(marks["platform"], marks["shop"], marks["order_id"], strict=True),
                    marks["problem"], strict=True):
        out[k] = (*out.get(k, ()), p)
    return out


ACCOUNT_SQL = "select name, role, disabled from users where lower(name) = lower(?)"


def acting_role(cur: duckdb.DuckDBPyConnection, author: str, role: str | None,
                action: str) -> tuple[str, str]:
    """Who acts and with which role, checked for `action` inside the write: an author who is
    an account (names are one account whatever their case) is recorded under its name and acts
    with its role as it is now, and not at all once it is disabled (a page's session, or the
    command line's `--by`, may name one changed since); another name (the open desk, a
    scheduled job) as given, with `role` as given."""
    ensure_ready(cur)
    rows = cur.execute(ACCOUNT_SQL, [author]).fetchall()
    who, acting = author, effective(role)
    if rows:
        who, account_role, disabled = rows[0]
        if disabled:
            raise NotAllowed(Reason("why_disabled", who=who))
        acting = account_role if role is None else _lower(role, account_role)
    require(acting, action)
    return who, acting


def _lower(a: str, b: str) -> str:
    """The role of the two that may do less (a session's role, or the account's now)."""
    return min(a, b, key=lambda r: ROLES.index(r) if r in ROLES else -1)


def undo_batch(store: Store, batch_id: int, by: str, role: str | None = None) -> list[Event]:
    """Take back, as one step, every event of batch `batch_id` still in effect.

    Each is taken back by an undo event of its own (the undo events share a new batch id), all
    in one transaction. Refused, with nothing written, when nothing of the batch is left in
    effect, when a later action on one of its orders is still in effect (undo that first), or
    when a processing or courier batch has an order that moved on (shipped, refunded, closed).
    A clerk may undo only their own batch.
    """
    require(role, "undo")
    author = _clean(by)
    if author is None:
        raise ActionError(Reason("why_name_required"))

    def work(cur: duckdb.DuckDBPyConnection) -> list[Event]:
        params = {"batch_id": int(batch_id)}
        if not cur.execute(BATCH_EXISTS_SQL, params).fetchall()[0][0]:
            raise ActionError(Reason("why_no_batch", batch=batch_id))
        events = cur.execute(BATCH_EVENTS_SQL, params).df()
        if events.empty:
            raise ActionError(Reason("why_batch_undone", batch=batch_id))
        blocked = events[events["later_event"].notna()].to_dict("records")
        if blocked:
            listed = [Reason("why_batch_later_item", order=_label(r), event=int(r["later_event"]))
                      for r in blocked[:20]]
            raise ActionError(Reason("why_batch_later", batch=batch_id, n=len(blocked),
                                     listed=listed))
        gone = events[events["action"].isin(["process", "courier"])
                      & ~events["waiting_to_ship"]].to_dict("records")
        if gone:
            listed = ", ".join(_label(r) for r in gone[:20])
            raise ActionError(Reason("why_batch_moved_on", batch=batch_id, n=len(gone),
                                     listed=listed))
        who, acting = acting_role(cur, author, role, "undo")
        if not may(acting, "undo_any"):
            _own_only(cur, events["event_id"], who)
        new = pd.DataFrame({
            "platform": events["platform"],
            "shop": events["shop"],
            "order_id": events["order_id"],
            "action": "undo",
            "text": None,
            "kind": None,
            "target_event": events["event_id"].astype("Int64"),
            "author": who,
            "acted_at": store.now(),
            "role": acting,
            "batch_id": cur.execute(NEXT_BATCH_SQL).fetchall()[0][0],
            "queue_batch": None,
            "pos": range(len(events)),
        })
        new["queue_batch"] = new["queue_batch"].astype(object)
        new["text"] = new["text"].astype(object)
        new["kind"] = new["kind"].astype(object)
        new["batch_id"] = new["batch_id"].astype("Int64")
        cur.register("new_events", new)
        written = cur.execute(INSERT_BATCH_EVENTS_SQL).fetchall()
        cur.unregister("new_events")
        refresh_states(cur, _keys_frame(events))
        return [_event(r) for r in written]

    return store.run_write(work, events_only=True)


def _own_only(cur: duckdb.DuckDBPyConnection, targets: pd.Series, author: str) -> None:
    """Raise NotAllowed when any event to undo was recorded by someone else."""
    ids = [int(t) for t in targets.dropna()]
    others = cur.execute("select event_id, author from events where list_contains(?, event_id) "
                         "and author <> ? order by event_id", [ids, author]).fetchall()
    if others:
        listed = [Reason("why_event_by", event=e, author=a) for e, a in others[:10]]
        raise NotAllowed(Reason("why_own_only", listed=listed))


def _event(row: tuple) -> Event:
    (event_id, platform, shop, order_id, action, text, kind, target, author, acted_at,
     batch_id, queue_batch) = (*row, None, None, None)[:12]
    return Event(int(event_id), platform, shop, order_id, action, text, kind,
                 None if target is None else int(target), author, acted_at,
                 None if batch_id is None else int(batch_id), queue_batch)


def _check_unchanged(cur: duckdb.DuckDBPyConnection, order: dict[str, Any], expected: int) -> None:
    """Raise Conflict, saying who did what, when the order has events newer than `expected`."""
    if int(order["last_event_id"]) == int(expected):
        return
    changes = cur.execute(CHANGES_SINCE_SQL, {
        "platform": order["platform"], "shop": order["shop"], "order_id": order["order_id"],
        "since": int(expected),
    }).fetchall()
    done = [Reason("why_change", event=event_id, action=_verb(action),
                   text=f" ({text})" if text else "", author=author, at=f"{at:%H:%M:%S}")
            for event_id, action, text, author, at in changes
            ] or Reason("why_change_undone")
    state = order["state"]
    raise Conflict(Reason("why_conflict", order=_label(order), done=done,
                          state=Reason(state) if state in STATES else state))


def _verb(action: str) -> Reason | str:
    """An action's verb in words (`process`, `agree`), for refusals."""
    return Reason(f"verb_{action}") if action in ACTIONS or action in CASE_ACTIONS else action


def _refused_message(action: str, refused: list[tuple[dict, Reason]], total: int) -> Reason:
    if total == 1:
        order, why = refused[0]
        return Reason("why_refused_one", action=_verb(action), order=_label(order), why=why)
    listed = [Reason("why_refused_item", order=_label(r), why=why) for r, why in refused[:20]]
    more = Reason("why_more", n=len(refused) - 20) if len(refused) > 20 else ""
    return Reason("why_refused_many", action=_verb(action), n=len(refused), total=total,
                  listed=listed, more=more)


# ---------------------------------------------------------------------------------------------
# Reading


def _key_params(platform: str, shop: str, order_id: str) -> dict[str, str]:
    return {"platform": platform, "shop": shop, "order_id": order_id}


def history(con: duckdb.DuckDBPyConnection, platform: str, shop: str, order_id: str) -> pd.DataFrame:
    """Imports that wrote the order and its events, oldest first.

    Columns: happened_at, source (import | event), ref (import or event id), action, detail, kind,
    author, role (the author's role when acting; empty for imports and older events), batch_id
    (the events recorded together by one action on many orders share one), undone, undone_by,
    queue_batch (the work queue's batch an event processed the order in).
    """
    ensure_ready(con)
    return con.execute(ORDER_HISTORY_SQL, _key_params(platform, shop, order_id)).df()


def order_card(con: duckdb.DuckDBPyConnection, platform: str, shop: str, order_id: str) -> pd.DataFrame:
    """One row: the order's imported facts and its derived state (empty if unknown).

    `courier`, `tracking_no` are the effective ones; `seller_note` is as imported and
    `seller_note_now` includes the desk's notes.
    """
    return con.execute(ORDER_CARD_SQL, _key_params(platform, shop, order_id)).df()


def order_lines(con: duckdb.DuckDBPyConnection, platform: str, shop: str, order_id: str) -> pd.DataFrame:
    """The order's lines as imported."""
    return con.execute(ORDER_LINES_SQL, _key_params(platform, shop, order_id)).df()


def order_context(con: duckdb.DuckDBPyConnection, platform: str, shop: str,
                  order_id: str) -> dict[str, Any]:
    """What the checks read about one order (state, last event, undo target: the merge that
    put it in a merged parcel when that came after its own last action)."""
    con.register("action_keys", pd.DataFrame([(platform, shop, order_id)], columns=C.ORDER_KEY))
    rows = con.execute(ORDER_CONTEXT_SQL).df().to_dict("records")
    con.unregister("action_keys")
    _parcel_undo(con, rows, parcels.parcel_index(con))
    return rows[0]


def replay_state(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every order's state computed from scratch: the imported facts plus the whole event log.

    Equal to `order_state` whenever each action refreshed its orders correctly.
    """
    params = {"all": True, "confirmed_tag": get_settings(con)["confirmed_tag"]}
    # The statement is the fixed text of sql/states.sql; the values stay bound.
    head = "select * replace (n_lines::integer as n_lines, pieces::integer as pieces) from ("
    replayed = head + sql("states") + ") order by platform, shop, order_id"
    return con.execute(replayed, params).df()


def current_state(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`order_state` as stored, in the same order as `replay_state`."""
    return con.execute("select * from order_state order by platform, shop, order_id").df()


# ---------------------------------------------------------------------------------------------
# After-sales cases (DESIGN §11)

# What the checks of a case action read: the case's facts and when they were last imported, its
# answer, received parcel and person still in effect, and its last action in effect (what an
# undo takes back). One row, or none when the case is unknown.
CASE_CONTEXT_SQL = """
with the_case as (
    select c.platform, c.shop, c.case_id, coalesce(c.order_id, '') as order_id,
           c.case_type, c.type_text, c.status_norm, c.status_text,
           i.imported_at as facts_at
    from cases as c
    left join imports as i using (import_id)
    where c.platform = $platform and c.shop = $shop and c.case_id = $case_id
),

case_events as (
    select e.event_id, e.action, e.text, e.kind, e.author, e.acted_at
    from effective_events as e
    where e.platform = $platform and e.shop = $shop and e.case_id = $case_id
),

answered as (
    select arg_max(action, event_id) as answer,
           arg_max(author, event_id) as answer_by,
           arg_max(acted_at, event_id) as answer_at
    from case_events
    where action in ('agree', 'reject')
),

received as (
    select arg_max(kind, event_id) as received_kind,
           arg_max(author, event_id) as received_by
    from case_events
    where action = 'received'
),

assigned as (
    select arg_max(text, event_id) as assigned_to
    from case_events
    where action = 'assign'
),

last_effective as (
    select max(event_id) as undo_target from case_events
),

final as (
    select t.*, a.*, r.*, s.*, l.*
    from the_case as t
    cross join answered as a
    cross join received as r
    cross join assigned as s
    cross join last_effective as l
)

select * from final
"""

INSERT_CASE_EVENT_SQL = """
insert into events
    (event_id, platform, shop, order_id, action, text, kind, target_event, author, acted_at, role,
     case_id)
values (nextval('event_seq'), $platform, $shop, $order_id, $action, $text, $kind, $target_event,
        $author, $acted_at, $role, $case_id)
returning event_id, platform, shop, order_id, action, text, kind, target_event, author, acted_at,
          case_id
"""

CASE_HISTORY_SQL = """
with case_events as (
    select e.*
    from events as e
    where e.platform = $platform and e.shop = $shop and e.case_id = $case_id
),

undone as (
    select target_event as event_id, event_id as undone_by
    from case_events
    where action = 'undo'
),

final as (
    select
        e.event_id,
        e.acted_at,
        e.action,
        case when e.action = 'undo' then '#' || e.target_event else e.text end as detail,
        e.kind,
        e.author,
        e.role,
        u.undone_by is not null as undone,
        u.undone_by
    from case_events as e
    left join undone as u using (event_id)
)

select * from final order by event_id
"""

# Cases by their id, their order's id, or both (either may be null: not asked).
FIND_CASE_SQL = """
select platform, shop, case_id, coalesce(order_id, '') as order_id, status_norm, status_text
from cases
where ($case_id is null or case_id = $case_id)
  and ($order_id is null or order_id = $order_id)
order by platform, shop, case_id
"""

ORDER_ID_KNOWN_SQL = "select count(*) from orders where order_id = $order_id"


def case_refusal(action: str, case: dict[str, Any], text: str | None,
                 kind: str | None) -> Reason | None:
    """Why `action` cannot be taken on a case (a row of CASE_CONTEXT_SQL), or None."""
    status = case.get("status_norm")
    said = case.get("status_text") or status or Reason("why_case_unknown")
    if action in ("agree", "reject", "received") and status in C.CASE_CLOSED:
        return Reason("why_case_over", status=said)
    if action in ("agree", "reject"):
        if status is not None and status not in ANSWERABLE:   # the buyer's or platform's turn
            buyer = C.CASE_STATUS_ACTOR.get(status) == "buyer"
            return Reason("why_case_waits", status=said, actor=Reason(
                "case_act_actor_buyer" if buyer else "case_act_actor_platform"))
        if _present(case.get("answer")) and not _before(case.get("answer_at"),
                                                        case.get("facts_at")):
            # answered since the case's newest facts: a new export lets the desk answer again
            return Reason("why_case_answered", author=case["answer_by"],
                          at=f"{case['answer_at']:%Y-%m-%d %H:%M}", answer=Reason(
                              "case_act_agreed" if case["answer"] == "agree"
                              else "case_act_rejected"))
    if action == "received":
        case_type = case.get("case_type")
        if case_type is not None and case_type not in RETURN_TYPES:
            return Reason("why_case_not_return", type=case.get("type_text") or case_type)
        if status not in RECEIVABLE:
            return Reason("why_case_not_returning", status=said)
        if kind not in RECEIVED_KINDS:
            return Reason("why_case_kind", kinds=[Reason("case_act_kind_resellable"),
                                                  Reason("case_act_kind_damaged")])
        if _present(case.get("received_kind")):
            return Reason("why_case_received", author=case["received_by"], kind=Reason(
                "case_act_kind_resellable" if case["received_kind"] == "resellable"
                else "case_act_kind_damaged"))
    if action in CASE_TEXT_NEEDED and not text:
        return Reason("why_needs_text", what=Reason(CASE_TEXT_NEEDED[action]))
    if (action == "assign" and _present(case.get("assigned_to"))
            and str(case["assigned_to"]).casefold() == str(text).casefold()):
        return Reason("why_case_assigned", who=case["assigned_to"])
    if action == "undo" and not _present(case.get("undo_target")):
        return Reason("why_nothing_to_undo")
    return None


def _before(a: Any, b: Any) -> bool:
    """Whether moment `a` is before moment `b` (an unknown `b` is never after anything)."""
    return _present(a) and _present(b) and pd.Timestamp(a) < pd.Timestamp(b)


def record_case(
    store: Store,
    case_key: tuple[str, str, str],
    action: str,
    by: str,
    text: str | None = None,
    kind: str | None = None,
    role: str | None = None,
) -> Event:
    """Record one action on one after-sales case (platform, shop, case_id): agree, reject
    (text: the reason), received (kind: resellable or damaged), feedback (text: what customer
    service was told), assign (text: the person's name), or undo (its last action in effect).

    `role` as for `record`: checked first, None is the command line's operator (a manager); a
    clerk may undo only their own actions. Refused (ActionError) when the case is unknown or
    the action does not fit it (`case_refusal`), nothing written.
    """
    if action not in (*CASE_ACTIONS, "undo"):
        raise ActionError(f"unknown case action {action!r}; one of "
                          f"{', '.join((*CASE_ACTIONS, 'undo'))}")
    require(role, action)
    author = _clean(by)
    if author is None:
        raise ActionError(Reason("why_name_required"))
    text, kind = _clean(text), _clean(kind)
    platform, shop, case_id = (str(k) for k in case_key)
    params = {"platform": platform, "shop": shop, "case_id": case_id}

    def work(cur: duckdb.DuckDBPyConnection) -> Event:
        rows = cur.execute(CASE_CONTEXT_SQL, params).df().to_dict("records")
        if not rows:
            raise ActionError(Reason("why_no_such_case", case=case_id))
        case = rows[0]
        why = case_refusal(action, case, text, kind)
        if why is not None:
            raise ActionError(Reason("why_case_refused", action=_verb(action), case=case_id,
                                     why=why))
        who, acting = acting_role(cur, author, role, action)
        target = int(case["undo_target"]) if action == "undo" else None
        if target is not None and not may(acting, "undo_any"):
            _own_only(cur, pd.Series([target]), who)
        row = cur.execute(INSERT_CASE_EVENT_SQL, {
            **params, "order_id": case["order_id"], "action": action,
            "text": text if action != "undo" else None,
            "kind": kind if action == "received" else None,
            "target_event": target, "author": who, "acted_at": store.now(), "role": acting,
        }).fetchall()[0]
        if case["order_id"]:   # the order's last event moved (DESIGN §8: state reads events)
            refresh_states(cur, pd.DataFrame([(platform, shop, case["order_id"])],
                                             columns=C.ORDER_KEY))
        (event_id, platform_, shop_, order_id, action_, text_, kind_, target_, author_,
         acted_at, case_id_) = row
        return Event(int(event_id), platform_, shop_, order_id, action_, text_, kind_,
                     None if target_ is None else int(target_), author_, acted_at,
                     case_id=case_id_)

    return store.run_write(work, events_only=True)


def record_case_by_id(
    store: Store,
    case_id: str | None,
    action: str,
    by: str,
    text: str | None = None,
    kind: str | None = None,
    role: str | None = None,
    order_id: str | None = None,
) -> Event:
    """`record_case` on a bare case id, or on the one open case of order `order_id`
    (`case_key`); unknown or ambiguous ids are refused."""
    key = case_key(store.cursor(), case_id, order_id)
    return record_case(store, key, action, by, text, kind, role=role)


def find_case(con: duckdb.DuckDBPyConnection, case_id: str | None,
              order_id: str | None = None) -> list[tuple[str, str, str]]:
    """The keys (platform, shop, case_id) of the cases with this id (in any shop), on the
    order with id `order_id` when given; with no case id, every case of that order."""
    return [tuple(r[:3]) for r in _cases(con, case_id, order_id)]


def case_key(con: duckdb.DuckDBPyConnection, case_id: str | None,
             order_id: str | None = None) -> tuple[str, str, str]:
    """The key of the one case named: by its id (on order `order_id` when given, which tells
    shops apart), or by its order alone when that order has exactly one open case (a status
    not known to be over). Else ActionError, naming the cases."""
    case_id, order_id = _clean(case_id), _clean(order_id)
    if case_id is None and order_id is None:
        raise ActionError("name a case by its id, or by its order with --order")
    rows = _cases(con, case_id, order_id)
    if case_id is not None:
        if not rows and order_id is not None and _cases(con, case_id, None):
            raise ActionError(Reason("why_case_not_on_order", case=case_id, order=order_id))
        if not rows and order_id is None and con.execute(
                ORDER_ID_KNOWN_SQL, {"order_id": case_id}).fetchall()[0][0]:
            raise ActionError(Reason("why_case_is_an_order", case=case_id))
        if not rows:
            raise ActionError(Reason("why_no_such_case", case=case_id))
        if len(rows) > 1:
            listed = ", ".join(f"{p}/{s or '—'}" for p, s, *_ in rows)
            raise ActionError(Reason("why_case_shops", case=case_id, n=len(rows),
                                     listed=listed))
        return tuple(rows[0][:3])
    if not rows:
        raise ActionError(Reason("why_order_no_case", order=order_id))
    open_ = [r for r in rows if r[4] not in C.CASE_CLOSED]
    if len(open_) == 1:
        return tuple(open_[0][:3])
    listed = [Reason("why_case_item", case=r[2],
                     status=r[5] or r[4] or Reason("why_case_unknown"))
              for r in (open_ or rows)[:20]]
    if not open_:
        raise ActionError(Reason("why_order_no_open_case", order=order_id, listed=listed))
    raise ActionError(Reason("why_order_open_cases", order=order_id, n=len(open_),
                             listed=listed))


def _cases(con: duckdb.DuckDBPyConnection, case_id: str | None,
           order_id: str | None) -> list[tuple]:
    return con.execute(FIND_CASE_SQL, {"case_id": case_id, "order_id": order_id}).fetchall()


def is_order_id(con: duckdb.DuckDBPyConnection, order_id: str) -> bool:
    """Whether some order in the store has this id."""
    return con.execute(ORDER_ID_KNOWN_SQL, {"order_id": str(order_id).strip()}).fetchall()[0][0] > 0


def case_history(con: duckdb.DuckDBPyConnection, platform: str, shop: str,
                 case_id: str) -> pd.DataFrame:
    """The case's events, oldest first: event_id, acted_at, action, detail (the text; an
    undo's `#event`), kind, author, role, undone, undone_by."""
    ensure_ready(con)
    return con.execute(CASE_HISTORY_SQL,
                       {"platform": platform, "shop": shop, "case_id": case_id}).df()
