"""What can go wrong with the store, in words a desk can act on: the store's exceptions, the
kinds of fault (FAULT_KINDS) with one plain sentence each, and `classify`, which sorts any
exception a store operation raises into one of them.

The file store (pipeline/db/store.py), PostgreSQL's (pipeline/db/pg.py, mirror.py) and the
pages and command line that show a fault all take them from here.
"""

from __future__ import annotations

import errno
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import duckdb

FAULT_KINDS = ("disk_full", "read_only", "busy", "gone", "unreachable", "other")


class StoreFault(Exception):
    """The store cannot be opened or written; `kind` is one of FAULT_KINDS. Nothing was
    recorded by the operation that raised it."""

    kind = "other"

    def __init__(self, message: str, kind: str | None = None):
        super().__init__(message)
        if kind:
            self.kind = kind


class StoreBusy(StoreFault):
    """Another process holds the database file."""

    kind = "busy"


class StoreGone(StoreFault):
    """The store file is missing, or is not the store this desk kept (removed or replaced)."""

    kind = "gone"


class StoreUnreachable(StoreFault):
    """The PostgreSQL database of the store cannot be reached (down, restarting, the network);
    reads go on from what was known, writes are refused until it is back."""

    kind = "unreachable"


class Conflict(Exception):
    """The order changed under the caller since it was read."""


class Fault(NamedTuple):
    """An exception sorted into a FAULT_KINDS kind, with one plain sentence about it."""

    kind: str
    message: str


FAULT_MESSAGES = {
    "disk_full": "the store cannot be written: the disk is full; nothing was recorded, "
                 "free some space and try again",
    "read_only": "the store cannot be written: it is read-only; nothing was recorded, "
                 "ask whoever runs the desk to make the data folder writable",
    "busy": "the store is busy (another program is using it); nothing was recorded, "
            "try again in a moment",
    "gone": "the store file is gone or was replaced; nothing was recorded, "
            "put it back or restart the desk",
    "unreachable": "the store's database cannot be reached; nothing was recorded, the pages "
                   "show what was known, try again once it is back",
    "other": "the store could not do this; nothing was recorded, "
             "the details are in the server log",
}

_ERRNO_KINDS = {
    errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full", errno.EFBIG: "disk_full",
    errno.EROFS: "read_only", errno.EACCES: "read_only", errno.EPERM: "read_only",
    errno.EAGAIN: "busy", errno.EBUSY: "busy",
    errno.ENOENT: "gone", errno.ESTALE: "gone",
}
# Words in DuckDB's messages (lowercased), checked in this order.
_TEXT_KINDS = (
    ("disk_full", ("no space left on device", "disk is full", "disk quota exceeded",
                   '"errno":"28"', "file too large")),
    ("gone", ("database does not exist", "no such file or directory", "stale file handle",
              "replaying wal")),
    ("read_only", ("read-only", "read only", "readonly", "permission denied",
                   "operation not permitted")),
    ("busy", ("could not set lock", "conflicting lock", "lock on file",
              "resource temporarily unavailable")),
)


def classify(exc: BaseException) -> Fault:
    """Sort a store fault, a DuckDB or an OS exception (or what caused it) into one of
    FAULT_KINDS, with a plain one-sentence message for a viewer."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        kind = _kind_of(e)
        if kind != "other":
            return Fault(kind, FAULT_MESSAGES[kind])
        e = e.__cause__ or e.__context__
    return Fault("other", FAULT_MESSAGES["other"])


def _kind_of(e: BaseException) -> str:
    if isinstance(e, StoreFault):
        return e.kind
    if isinstance(e, OSError) and e.errno in _ERRNO_KINDS:
        return _ERRNO_KINDS[e.errno]
    if isinstance(e, duckdb.Error | OSError):
        text = str(e).lower()
        for kind, words in _TEXT_KINDS:
            if any(w in text for w in words):
                return kind
        if isinstance(e, duckdb.TransactionException) and "conflict" in text:
            return "busy"  # a write-write conflict that outlived the retries
    return "other"


def as_fault(exc: BaseException, path: Path, doing: str = "write") -> StoreFault | None:
    """A StoreFault in the store's words for a file-level failure while opening (`doing`
    'open') or writing the store file at `path`, None for anything else (a bad value, a broken
    statement: those keep their own exception)."""
    if isinstance(exc, StoreFault):
        return None
    kind = classify(exc).kind
    if kind not in ("disk_full", "read_only", "busy", "gone"):
        return None
    what = {
        "disk_full": f"the store {path} cannot be written: the disk is full",
        "read_only": f"the store {path} cannot be written: it is read-only",
        "busy": f"the store {path} is busy (another program is using it)",
        "gone": f"the store file {path} is gone or was replaced",
    }[kind]
    outcome = "it was not opened" if doing == "open" else "nothing was recorded"
    cls = {"busy": StoreBusy, "gone": StoreGone}.get(kind, StoreFault)
    if "replaying wal" in str(exc).lower():
        # the file was replaced (or damaged) while writes were still in its write-ahead file
        wal = path.with_name(path.name + ".wal")
        return cls(f"the store file {path} does not match its write-ahead file {wal.name}: "
                   f"the file was replaced or damaged while it was in use; {outcome}; put "
                   f"back the file that was there, or move {wal.name} aside to open the file "
                   "as it is (the writes in it are then lost)", kind)
    return cls(f"{what}; {outcome}", kind)


def first_line(exc: BaseException) -> str:
    """The first line of what `exc` says (DuckDB's and PostgreSQL's messages run on with
    hints)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Outage(NamedTuple):
    """A store's database that cannot be reached: where it is (never with its password) and
    since when, in the desk's time zone."""

    where: str
    since: datetime
