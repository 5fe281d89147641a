"""Server-side benchmark: the walk of `bench/browser.py`, by sessions that speak Streamlit's own
protocol instead of drawing the pages.

    python bench/sessions.py --db STORE.duckdb [--users 1,5,20] [--rounds 2] [--out FILE.json]

On this machine the browsers of `bench/browser.py` share the server's two cores, and at five or
twenty of them they take most of the CPU (drawing tables and charts): their settle times then
measure the browsers as much as the dashboard. Here each user is a websocket session that asks
for a page as the browser does (a rerun with the page's script hash) and counts it settled at
the server's "script finished": no page is drawn, every element the page sends is received.
A run that shows an exception, or ends in a compile error, is a failed visit, not a settle.
The same levels, rounds and write between rounds as `bench/browser.py`, and the same table.
What a person waits for in a browser on a machine of their own is about this plus drawing one
page (0.1-0.5 s of a browser's main thread for these pages). A script, never a timed test.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

try:  # the server, the tally and the tables are the browser benchmark's
    from bench import browser as B
except ImportError:  # run as a script: bench/ is on the path, the project's root is not
    import browser as B

TIMEOUT_S = 600


async def _run(ws, pages_hash: str, name: str, query: str = "", widgets=None) -> list:
    """One rerun of a page (with the address's query string and widget values): every message
    the server sends until its script has finished."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    back = BackMsg()
    back.rerun_script.query_string = query
    back.rerun_script.page_script_hash = pages_hash
    back.rerun_script.page_name = name
    for w in widgets or []:
        back.rerun_script.widget_states.widgets.append(w)
    await ws.send(back.SerializeToString())
    got = []
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT_S))
        got.append(msg)
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and msg.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
            return got


def shown_error(messages: list) -> str | None:
    """What a run showed instead of its page: the first exception element it sent, or its
    compile error; None when it rendered."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for msg in messages:
        kind = msg.WhichOneof("type")
        if (kind == "delta" and msg.delta.WhichOneof("type") == "new_element"
                and msg.delta.new_element.WhichOneof("type") == "exception"):
            exc = msg.delta.new_element.exception
            return f"exception: {exc.type}: {exc.message}"[:200]
        if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            exc = msg.session_event.script_compilation_exception
            return f"compile error: {exc.type}: {exc.message}"[:200]
        if kind == "script_finished" and msg.script_finished == \
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            return "compile error"
    return None


def _pages(messages: list) -> list[tuple[str, str, str]]:
    """(title, script hash, url path) of the navigation's pages, in the sidebar's order: the
    run's last navigation (a process's first run sends stand-ins before the app's own)."""
    navigation = [m for m in messages if m.WhichOneof("type") == "navigation"]
    if not navigation:
        raise RuntimeError("the server sent no navigation")
    return [(p.page_name, p.page_script_hash, p.url_pathname)
            for p in navigation[-1].navigation.app_pages if not p.is_hidden]


async def _user(url: str, rounds: int, n: int, out: list[dict],
                after_write: tuple[asyncio.Barrier, object] | None = None) -> None:
    import websockets

    async with websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream",
                                  subprotocols=["streamlit"], max_size=None,
                                  open_timeout=TIMEOUT_S) as ws:
        t0 = time.perf_counter()
        first = await _run(ws, "", "")
        seconds = time.perf_counter() - t0
        pages = _pages(first)
        out.append({"user": n, "round": 0, "page": pages[0][0], "seconds": seconds,
                    "kind": "first load", "error": shown_error(first)})

        async def visit(title: str, script: str, path: str) -> tuple[float, str | None]:
            t = time.perf_counter()
            got = await _run(ws, script, path)
            return time.perf_counter() - t, shown_error(got)

        await B.walk(pages, rounds, n, out, after_write, visit)


async def _level(url: str, users: int, rounds: int, write=None) -> list[dict]:
    out: list[dict] = []
    after = (asyncio.Barrier(users), write) if write else None
    await asyncio.gather(*(_user(url, rounds, n, out, after) for n in range(users)))
    return out


HEADING = "Pages without a browser"


def measure(db: Path, levels: list[int], rounds: int, log: Path) -> dict:
    return B.measure(db, levels, rounds, log, _level)


def markdown(result: dict, label: str) -> str:
    return B.markdown(result, label, HEADING)


def main(argv: list[str] | None = None) -> int:
    return B.main(argv, _level, HEADING, __doc__, ".sessions.log")


if __name__ == "__main__":
    raise SystemExit(main())
