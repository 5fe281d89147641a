"""The one cache: what the pages read, computed once per store, data version and arguments
and shared by every session of the process.

A page asks it by one visible call, `ask(store, fn, *args)`: the result of `fn(cursor, *args)`
shared across sessions, and noted for the warmer (pipeline/db/warm.py), which works it out
again in the background after a write. The domain functions only say what of them may be
shared and for how long (`@shared`, `facts=True`, `remembered` for the parts every moment
reads): that is knowledge of the rule (which results hold for a data version, which survive
an action); where the results are kept and when they are let go is decided here alone.

The data version (`meta.data_version`) is bumped by every committed write, so a result kept
under the version it was computed at is right for as long as that version is current; the
store's file path and random id (`meta.store_id`) are part of the key, so two stores, or a
file replaced under the same path, never share a result. Sessions asking for the same key at
the same time wait for one computation. Results of older versions are dropped when a newer
one is computed; at most `MAX_ENTRIES` are kept, `MAX_PER_NAME` of one function (least
recently used go first: the minutes gone by, filters no one has asked for lately).

An in-memory store has no path to key on: nothing is remembered there. A remembered function
must not be called inside a write transaction (its reads would be kept under the version the
transaction has not bumped yet); no write path calls one.

`shared` remembers a public function by its arguments (a moment included: the same minute's
board is the same for everyone). `remembered` is for the parts that depend only on the data,
which every moment reads. Each caller gets its own copy of a frame.

A result that reads nothing the desk's events change (`facts=True`: what was imported and set,
never a state, a queue or a mark) is kept under the facts version instead (`meta.facts_version`,
bumped by every write but the actions': pipeline/db/store.py), so an action leaves it as it is. A
facts-only computation that asks for a remembered result depending on events raises
`EventsRead`: its result would then be kept past the events that change it.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import pandas as pd

from pipeline.db import warm
from pipeline.db.store import Store

MAX_ENTRIES = 256
MAX_PER_NAME = 12     # moments, filters and periods of one function kept at once

# Computations per name since the process started (what a remembered call did not save), and
# per store file and name (`computed_for`: what one store's readers computed, whatever other
# stores of the process and their warmers do meanwhile).
computed: Counter[str] = Counter()
computed_in: Counter[tuple[str, str]] = Counter()

_PATH_SQL = "select path from duckdb_databases() where database_name = current_database()"
_paths: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # connection -> its file

_lock = threading.Lock()
# The store key a thread's outermost remembered call read, per cursor: the computations nested
# in it read the same data version without asking again.
_reading = threading.local()
_entries: OrderedDict[tuple, _Entry] = OrderedDict()
_latest: dict[tuple, Any] = {}      # (path, store_id) -> the newest data version seen
_keep: dict[str, int] = {}          # name -> how many of its results are kept, when not the default
_facts: set[str] = set()            # names whose results read the imported and set facts alone
# How deep the thread is in facts-only computations (a result depending on events may not be
# asked there).
_in_facts = threading.local()

T = TypeVar("T")


class _Entry:
    __slots__ = ("done", "lock", "value")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False
        self.value: Any = None


class EventsRead(RuntimeError):
    """A facts-only computation asked for a result that depends on the desk's events."""


def computed_for(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """How many times `name` was computed for the store `con` reads (0 for an in-memory
    store, which remembers nothing)."""
    key = store_key(con)
    return computed_in[(key[0], name)] if key else 0


def store_key(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """(path, store id, (data version, settings), (facts version, settings)) of the store `con`
    reads; None for an in-memory store. The settings are part of the version: they are few,
    and a setting saved on a bare cursor (outside `Store.write`) must still be seen. A store
    without a facts version (opened read-only before it had one) takes its data version."""
    path = _paths.get(con)
    if path is None:
        path = _paths[con] = con.execute(_PATH_SQL).fetchall()[0][0] or ""
    if not path:
        return None
    meta = dict(con.execute("select key, value from meta").fetchall())
    settings = tuple(sorted(con.execute("select key, value from settings").fetchall()))
    facts = ("facts", meta["facts_version"]) if "facts_version" in meta \
        else ("data", meta.get("data_version"))
    return path, meta.get("store_id"), (meta.get("data_version"), settings), (facts, settings)


def keeps(con: duckdb.DuckDBPyConnection) -> bool:
    """True when results of `con`'s store are remembered (not an in-memory store). Where
    nothing is kept, nothing is cut to share between moments either: every figure is
    computed as asked, the reference the shared ones are tested against."""
    reading = _reading.__dict__.setdefault("keys", {})
    store = reading[id(con)] if id(con) in reading else store_key(con)
    return store is not None


def remembered(con: duckdb.DuckDBPyConnection, name: str, key: Any,
               compute: Callable[[], T], facts: bool = False) -> T:
    """`compute()`, once per store, data version, `name` and `key` (hashable); with `facts`,
    once per facts version (every call of `name` says the same). The value is shared: callers
    must not change it (see `private`)."""
    if facts:
        _facts.add(name)
    elif name in _facts:
        raise ValueError(f"{name} is remembered under the facts version elsewhere")
    reading = _reading.__dict__.setdefault("keys", {})
    if id(con) in reading:          # inside a remembered computation on this cursor: its key
        return _remember(reading[id(con)], name, key, compute)
    store = reading[id(con)] = store_key(con)
    try:
        return _remember(store, name, key, compute)
    finally:
        del reading[id(con)]


def _remember(store: tuple | None, name: str, key: Any, compute: Callable[[], T]) -> T:
    facts = name in _facts
    if not facts and getattr(_in_facts, "depth", 0):
        raise EventsRead(f"{name} depends on the desk's events and was asked for inside a "
                         "facts-only computation")
    if facts:
        compute = _facts_only(compute)
    if store is None:
        computed[name] += 1
        return compute()
    full = (store[0], store[1], store[3] if facts else store[2], name, key)
    with _lock:
        entry = _entries.get(full)
        if entry is None:
            _forget_older(store)
            entry = _entries[full] = _Entry()
            same = [k for k in _entries if k[3] == name]
            for k in same[:max(0, len(same) - _keep.get(name, MAX_PER_NAME))]:
                del _entries[k]
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        else:
            _entries.move_to_end(full)
    with entry.lock:
        if not entry.done:
            computed[name] += 1
            computed_in[(store[0], name)] += 1
            entry.value = compute()
            entry.done = True
    return entry.value


def _facts_only(compute: Callable[[], T]) -> Callable[[], T]:
    """`compute`, marking the thread as inside a facts-only computation while it runs."""
    def run() -> T:
        _in_facts.depth = getattr(_in_facts, "depth", 0) + 1
        try:
            return compute()
        finally:
            _in_facts.depth -= 1
    return run


def _forget_older(store: tuple) -> None:
    """Drop the entries of older data versions of the same store (under `_lock`); those kept
    under the facts version stay while it is current."""
    path, store_id, version, facts = store
    seen = _latest.get((path, store_id))
    if seen is not None and (seen == version or seen[0] > version[0]):
        return
    _latest[(path, store_id)] = version
    for k in [k for k in _entries if k[0] == path and k[1] == store_id
              and k[2] != (facts if k[3] in _facts else version)]:
        del _entries[k]


def clear() -> None:
    """Forget everything remembered (tests; never needed for correctness)."""
    with _lock:
        _entries.clear()
        _latest.clear()
        _store_keys.clear()


def private(value: T) -> T:
    """A copy of a shared value that the caller may change: frames copied, containers rebuilt.
    A frame's copy is shallow: pandas copies on write, so changing it never changes the
    shared one, and a copy costs nothing until then."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, dict):
        return {k: private(v) for k, v in value.items()}
    if isinstance(value, list):
        return [private(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(private(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: private(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value    # immutable: text, numbers, moments, Arrow tables


def _frozen(value: Any) -> Any:
    """A hashable stand-in for an argument; TypeError when there is none (a frame)."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, _frozen(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("list", tuple(_frozen(v) for v in value))
    hash(value)
    return value


def shared(fn: Callable[..., T] | None = None, *, keep: int | None = None,
           facts: bool = False) -> Any:
    """Remember `fn(con, ...)` per store, data version and arguments (defaults filled in);
    `keep`: at most so many results of it at once (default `MAX_PER_NAME`); `facts`: per facts
    version instead (`fn` reads nothing the desk's events change). A call with an argument
    that cannot be a key (a frame) is computed as it comes."""
    if fn is None:
        return functools.partial(shared, keep=keep, facts=facts)
    sig = inspect.signature(fn)
    name = f"{fn.__module__}.{fn.__qualname__}"
    if keep is not None:
        _keep[name] = keep
    if facts:
        _facts.add(name)

    @functools.wraps(fn)
    def wrapper(con: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> T:
        bound = sig.bind(con, *args, **kwargs)
        bound.apply_defaults()
        try:
            key = _frozen(list(bound.arguments.values())[1:])
        except TypeError:
            computed[name] += 1
            return fn(con, *args, **kwargs)
        return private(remembered(con, name, key, lambda: fn(con, *args, **kwargs),
                                  facts=facts))

    wrapper.shared = True
    return wrapper


# A page's asks go through `ask`, which knows the store (not only a cursor): its key is read
# once per data version (`Store.data_version` costs no query between commits), not twice a
# call, so a page's dozens of asks per view cost a dictionary look-up each.
_store_keys: dict[tuple, tuple[int, tuple | None]] = {}
_wrapped: dict[Callable, Callable] = {}


def ask(store: Store, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """What a page reads: `fn(cursor, *args, **kwargs)` of `store`, computed once per data
    version and arguments for every session (`fn` shared as it is when it says so, else as
    `shared(fn)`), each caller with its own copy. After a write, what was asked is worked out
    again in the background before anyone asks (pipeline/db/warm.py)."""
    kw = tuple(sorted(kwargs.items()))
    warm.asked(store, (fn, f"{fn.__module__}.{fn.__qualname__}", args, kw), _redo)
    return _through(store, fn, args, kw)


def _redo(store: Store, ask: warm.Ask, version: int) -> Any:
    """The warmer's way to work an ask out again: into this cache, where pages look."""
    fn, _, args, kw = ask
    return _through(store, fn, args, kw)


def _through(store: Store, fn: Callable[..., T], args: tuple, kw: tuple) -> T:
    cur = store.cursor()
    key = _key_of(store, cur)
    reading = _reading.__dict__.setdefault("keys", {})
    reading[id(cur)] = key
    try:
        return _sharing(fn)(cur, *args, **dict(kw))
    finally:
        del reading[id(cur)]


def _sharing(fn: Callable[..., T]) -> Callable[..., T]:
    """`fn` shared: as it is when it is (`@shared`), else wrapped once."""
    if getattr(fn, "shared", False):
        return fn
    with _lock:
        wrapped = _wrapped.get(fn)
        if wrapped is None:
            wrapped = _wrapped[fn] = shared(fn)
    return wrapped


def _key_of(store: Store, cur: duckdb.DuckDBPyConnection) -> tuple | None:
    """`store_key` of `store`, read again only when its data version moved."""
    if store.memory:
        return None
    version = store.data_version()
    where = (str(store.path), store.store_id)
    known = _store_keys.get(where)
    if known is not None and known[0] == version:
        return known[1]
    key = store_key(cur)
    if key is not None and key[2][0] == version:   # read at that version: kept for it
        _store_keys[where] = (version, key)
    return key
