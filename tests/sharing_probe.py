"""A page-data function that counts how often it really runs and holds its computation until
the test lets it go (for the tests of shared results)."""

from __future__ import annotations

import sys
import threading
import time

CALLS: list[tuple] = []
_LOCK = threading.Lock()
STARTED = threading.Event()
RELEASE = threading.Event()
RELEASE.set()   # computed at once, unless a test holds it


def reset(hold: bool = False) -> None:
    """Forget the calls; with `hold`, the next computations wait until RELEASE is set."""
    CALLS.clear()
    STARTED.clear()
    if hold:
        RELEASE.clear()
    else:
        RELEASE.set()


def slow_board(con, as_of: str) -> int:
    """Stands for a heavy board: it runs until the test releases it, so that a second session
    is known to ask while it runs."""
    with _LOCK:
        CALLS.append((as_of,))
    STARTED.set()
    if not RELEASE.wait(60):
        raise TimeoutError("the test never released the computation")
    return con.execute("select count(*) from orders").fetchall()[0][0]


def waits_inside(thread: threading.Thread, caller: str, below: str, seconds: float = 60) -> bool:
    """True once `thread` is blocked in a frame from a file whose path contains `below`,
    called (at any depth) from the function `caller`: it has asked and is waiting for the
    computation another thread runs. False if that never happens within `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and thread.is_alive():
        frame = sys._current_frames().get(thread.ident)
        names = []
        while frame is not None:
            names.append((frame.f_code.co_name, frame.f_code.co_filename))
            frame = frame.f_back
        inner = [n for n in names if below in n[1]]
        if inner and any(n[0] == caller for n in names) and not any(
                n[0] == "slow_board" for n in names):
            return True
        threading.Event().wait(0.005)
    return False
