"""A page-data function that counts how often it really runs (for tests/test_sharing.py)."""

from __future__ import annotations

import threading
import time

CALLS: list[tuple] = []
_LOCK = threading.Lock()
STARTED = threading.Event()


def slow_board(con, as_of: str) -> int:
    """Stands for a heavy board: slow enough that a second session asks while it runs."""
    with _LOCK:
        CALLS.append((as_of,))
    STARTED.set()
    time.sleep(0.5)
    return con.execute("select count(*) from orders").fetchall()[0][0]
