"""After a write, what the pages asked for just before it is worked out again in the
background, so that the next visit finds it ready instead of waiting for it.

Every committed write (an import, and every action: a note, a flag, a courier) moves the
store's data version, and every shared page result (`pipeline/db/cache.py`) is then computed anew
on the first visit that asks for it: at 1M orders 0.3–1.5 s per board, paid by whoever comes
first, while the others wait. A `Warmer` remembers what was asked (the function and its
arguments, most recent last) and, once the data version has moved, asks it again itself, the
most recent first, in one background thread per store. The moments among the arguments are
the ones asked before: what a board keeps per data version (the orders as of the newest
data, their marks and slices) is the expensive part, and a page asking the current minute
then only re-times it. What was not asked within `RECENT_SECONDS` is not warmed; a newer
write stops a round and starts the next. A result being warmed when a page asks for it is
not computed twice (the memo's waiting).

The pages ask the current minute (the time rules, the queue and the marks are evaluated as of
it), so the first view of every minute re-times what each board keeps. At second
`AHEAD_SECOND` of each minute the warmer asks the recent asks holding the current minute
again with the next one, so that the minute's first view finds them ready too.

The warmer only reads, on its own cursor. It waits until no write has come for
`SETTLE_SECONDS` before it starts, so a burst of actions is warmed once, and it ends when its
store is closed or gone, or the process exits: at exit every warmer is stopped and its thread
waited for (`stop_all`), because a thread still inside the database when the interpreter goes
down takes the whole process with it ("terminate called ... exception not rethrown").
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import duckdb

from pipeline.db.store import Store

log = logging.getLogger(__name__)

RECENT_SECONDS = 300     # what was asked within the last 5 minutes is warmed
MAX_ASKS = 64            # at most so many distinct asks remembered per store
SETTLE_SECONDS = 1.0     # quiet time after a write before a round starts
AHEAD_SECOND = 45        # at hh:mm:45 the asks of the next minute are worked out
ONE_MINUTE = timedelta(minutes=1)

Ask = tuple[Callable, str, tuple, tuple]  # function, its name (for the log), args, sorted kwargs
Redo = Callable[[Store, Ask, int], Any]  # works an ask out again at a data version

EXIT_WAIT_SECONDS = 60   # at exit, how long the warmers' current asks are waited for

_warmers: weakref.WeakKeyDictionary[Store, Warmer] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()
_stopping = threading.Event()   # set at exit: no warmer starts another ask
_started: weakref.WeakSet[Warmer] = weakref.WeakSet()   # every warmer whose thread started
_started_lock = threading.Lock()


class Warmer:
    """What was asked of one store, and the thread that asks it again after a write.

    The thread sleeps until the store says it changed (`Store.on_change`: a commit or its
    close), waits for the writes to settle, and runs a round. It holds the store only
    weakly, and ends with it."""

    def __init__(self, store: Store, redo: Redo | None = None, start: bool = True) -> None:
        self._store = weakref.ref(store)
        self.redo = redo or _call
        self.asks: OrderedDict[Ask, float] = OrderedDict()
        self.rounds = 0           # rounds finished (tests, the benchmark)
        self.warmed = 0           # asks worked out again, over all rounds
        self.seconds = 0.0        # the last round's time
        self.ahead_done = 0       # asks worked out a minute ahead
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._version = _version(store)
        self.thread: threading.Thread | None = None
        if start:
            store.on_change.append(self._wake.set)
            self.thread = threading.Thread(target=self._loop, name="orderdesk-warm", daemon=True)
            self.thread.start()
            with _started_lock:
                _started.add(self)

    def asked(self, ask: Ask) -> None:
        with self._lock:
            self.asks[ask] = time.monotonic()
            self.asks.move_to_end(ask)
            while len(self.asks) > MAX_ASKS:
                self.asks.popitem(last=False)

    def recent(self) -> list[Ask]:
        """The asks of the last `RECENT_SECONDS`, the most recent first."""
        since = time.monotonic() - RECENT_SECONDS
        with self._lock:
            return [a for a, at in reversed(self.asks.items()) if at >= since]

    def run_once(self) -> int:
        """One round when the data version has moved since the last: every recent ask again,
        stopping early when another write comes in. Returns how many were worked out."""
        store = self._store()
        version = _version(store)
        if version is None or version == self._version:
            return 0
        started, done = time.perf_counter(), 0
        for ask in self.recent():
            if _stopping.is_set():
                return done          # the process is exiting
            if _version(store) != version:
                return done          # a newer write: the next round starts from it
            if _redone(self.redo, store, ask, version):
                done += 1
        self._version = version
        self.rounds += 1
        self.warmed += done
        self.seconds = time.perf_counter() - started
        return done

    def ahead(self, now: datetime) -> int:
        """The next minute's asks before it comes: every recent ask holding the current
        minute (`now` cut to the minute, or the end of that minute) is worked out again with
        it a minute later, at the data version already warmed. Returns how many."""
        store = self._store()
        version = _version(store)
        if version is None or version != self._version:
            return 0                 # a write is waiting for its round: that comes first
        minute = now.replace(second=0, microsecond=0)
        done = 0
        for ask in self.recent():
            later = _a_minute_later(ask, minute)
            if later is None or later in self.asks:
                continue
            if _stopping.is_set() or _version(store) != version:
                break
            if _redone(self.redo, store, later, version):
                done += 1
        self.ahead_done += done
        return done

    def _loop(self) -> None:
        while not _stopping.is_set():
            store = self._store()
            if store is None or store.closed:
                return
            del store
            # the second of the minute is the same in the desk's time zone as in this machine's
            if not self._wake.wait(_until_ahead(datetime.now())):  # the next minute is near
                self._try(lambda s: self.ahead(s.now()))
                continue
            while self._wake.is_set() and not _stopping.is_set():  # writes still coming
                self._wake.clear()
                _stopping.wait(SETTLE_SECONDS)
            self._try(lambda s: self.run_once())

    def _try(self, work: Callable[[Store], Any]) -> None:
        store = self._store()
        if store is None or store.closed or _stopping.is_set():
            return
        try:
            work(store)
        except duckdb.Error as exc:              # the store closed under the round
            log.debug("warming stopped: %s", exc)


def warmer(store: Store, redo: Redo | None = None) -> Warmer:
    """The store's warmer, started on first use; `redo(store, ask, version)` works an ask out
    again where the pages will look for it (default: the function itself, whose shared
    parts the memo keeps)."""
    with _registry_lock:
        w = _warmers.get(store)
        if w is None:
            w = _warmers[store] = Warmer(store, redo)
        return w


def stop_all(wait: float = EXIT_WAIT_SECONDS) -> None:
    """Stop every warmer: none starts another ask, and the one being worked out is waited
    for (up to `wait` seconds in all). Called at exit; warmers asked for afterwards are not
    started."""
    _stopping.set()
    with _started_lock:
        running = list(_started)
    for w in running:
        w._wake.set()
    deadline = time.monotonic() + wait
    for w in running:
        w.thread.join(max(0.0, deadline - time.monotonic()))


atexit.register(stop_all)


def asked(store: Store, ask: Ask, redo: Redo | None = None) -> None:
    """Note that a page asked `fn(cursor, *args, **kwargs)` of `store` (`ask`: fn, its name,
    args, sorted kwargs)."""
    if store.memory or _stopping.is_set():
        return               # nothing is remembered for an in-memory store: nothing to warm
    warmer(store, redo).asked(ask)


def _call(store: Store, ask: Ask, version: int) -> Any:
    fn, _, args, kwargs = ask
    return fn(store.cursor(), *args, **dict(kwargs))


def _redone(redo: Redo, store: Store, ask: Ask, version: int) -> bool:
    """`redo` one ask; False when it fails. An ask that no longer fits the data (a shop
    gone, a period removed) fails here as it will for the page that asks it again, which
    says so; the warmer goes on with the others, the traceback in the server's log."""
    try:
        redo(store, ask, version)
        return True
    except duckdb.Error as exc:
        if store.closed:
            raise                     # the store closed under the round: the round ends
        log.info("warming %s failed: %s", ask[1], exc)
    except Exception:  # noqa: BLE001 - any page function's failure; the round goes on
        log.warning("warming %s failed", ask[1], exc_info=True)
    return False


def _until_ahead(now: datetime) -> float:
    """Seconds until the next `AHEAD_SECOND` of a minute."""
    second = now.second + now.microsecond / 1e6
    return (AHEAD_SECOND - second) % 60 or 60


def _a_minute_later(ask: Ask, minute: datetime) -> Ask | None:
    """`ask` with each argument that is `minute` (or the end of it) a minute later; None
    when it holds neither (it does not move with the clock)."""
    moments = {minute, minute + ONE_MINUTE}
    moved = False

    def later(value: Any) -> Any:
        nonlocal moved
        if isinstance(value, datetime) and value in moments:
            moved = True
            return value + ONE_MINUTE
        return value

    fn, name, args, kwargs = ask
    shifted = (fn, name, tuple(later(a) for a in args),
               tuple((k, later(v)) for k, v in kwargs))
    return shifted if moved else None


def _version(store: Store | None) -> int | None:
    if store is None or store.closed:
        return None
    try:
        return store.data_version()
    except duckdb.Error:
        return None
