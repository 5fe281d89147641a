"""Failed sign-ins against a signed-in user's view: the Overview's warm time, quiet and under a
spray of anonymous clients guessing passwords (issue 27, point 1).

    python bench/signin_spray.py [--db STORE.duckdb] [--clients 4] [--rate 2] [--seconds 45]
                                 [--alone 20]

The server is started on a copy of the store (default: a new store holding the demo shop)
with one account added. The signed-in user is a websocket session speaking Streamlit's own
protocol, opened with a session token in its address as after the sign-in form (a reload of
a signed-in page); its views of the Overview, one after another for `--seconds`, are each
counted from the rerun it asks for to the server's "script finished", after two warm-up
views. Then the same again under the spray: `--clients` other sessions that each fill in the
sign-in form with a random name and a wrong password and submit it, `--rate` submissions a
second between them all; then the spray alone for `--alone` seconds (its own cost). Printed:
the user's views quiet and under the spray (median and p95), the sign-ins answered (checked
and wrong, or refused by the limit), the server's CPU and its peak memory.
A script, never a timed test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import browser as B  # noqa: E402 (the path above first)
from bench.sessions import _pages, _run, shown_error  # noqa: E402

NAME, PASSWORD = "Mia", "correct horse battery"
TIMEOUT_S = 120


def prepare(db: Path | None, folder: Path) -> tuple[Path, str]:
    """A store for the run (a copy of `db`, else the demo shop) with the account, and a
    session token of that account as the sign-in form would have given it."""
    from pipeline.accounts import users
    from pipeline.db.store import Store
    from pipeline.ingest import bootstrap

    path = folder / "spray.duckdb"
    if db:
        shutil.copy(db, path)
    store = Store(path)
    try:
        if not db:
            bootstrap.load_demo(store)
        if users.active_user(store.cursor(), NAME) is None:
            users.add_user(store, NAME, "manager", PASSWORD, by="bench")
        token = users.open_session(store, users.User(NAME, "manager"), None, time.time(),
                                   8 * 3600)
    finally:
        store.close()
    return path, token


async def _connect(url: str):
    import websockets

    return await websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream",
                                    subprotocols=["streamlit"], max_size=None,
                                    open_timeout=TIMEOUT_S)


async def _rerun(ws, query: str, script: str = "", page: str = "", widgets=None) -> list:
    """`bench.sessions._run` with the address's query string and widget values."""
    return await _run(ws, script, page, query, widgets)


def _elements(messages: list):
    for m in messages:
        if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element":
            yield m.delta.new_element


def _form_ids(messages: list) -> tuple[str, str, str]:
    """The widget ids of the sign-in form: name, password, submit."""
    name = password = submit = None
    for el in _elements(messages):
        kind = el.WhichOneof("type")
        if kind == "text_input" and el.text_input.id.endswith("auth_name_input"):
            name = el.text_input.id
        elif kind == "text_input" and el.text_input.id.endswith("auth_password_input"):
            password = el.text_input.id
        elif kind == "button" and el.button.is_form_submitter:
            submit = el.button.id
    if not (name and password and submit):
        raise RuntimeError("no sign-in form: does the store hold an account?")
    return name, password, submit


def _texts(messages: list) -> str:
    out = []
    for el in _elements(messages):
        kind = el.WhichOneof("type")
        if kind == "alert":
            out.append(el.alert.body)
        elif kind == "heading":
            out.append(el.heading.body)
    return " | ".join(out)


async def signed_in_views(url: str, token: str, n: int, stop: asyncio.Event | None = None,
                          out: list[float] | None = None) -> list[float]:
    """The signed-in user's warm views of the Overview: `n` of them (or until `stop`)."""
    ws = await _connect(url)
    out = [] if out is None else out
    try:
        query = f"session={token}"
        first = await _rerun(ws, query)
        if "Sign in" in _texts(first) or "登录" in _texts(first)[:10]:
            raise RuntimeError("the token did not sign in: " + _texts(first)[:200])
        overview = next(p for p in _pages(first) if p[2] in ("", "overview"))
        for _ in range(2):                                  # warm-up: not counted
            await _rerun(ws, query, overview[1], overview[2])
        while (stop is None and len(out) < n) or (stop is not None and not stop.is_set()):
            t = time.perf_counter()
            got = await _rerun(ws, query, overview[1], overview[2])
            if shown_error(got):
                raise RuntimeError(shown_error(got))
            out.append(time.perf_counter() - t)
    finally:
        await ws.close()
    return out


async def views_for(url: str, token: str, seconds: float) -> list[float]:
    """The signed-in user's warm views of the Overview for `seconds`, one after another."""
    done = asyncio.Event()
    got: list[float] = []
    viewer = asyncio.create_task(signed_in_views(url, token, 0, done, got))
    await asyncio.sleep(seconds)
    done.set()
    await viewer
    return got


async def guesser(url: str, every_s: float, stop: asyncio.Event, answers: list[str],
                  offset: float) -> None:
    """An anonymous client submitting the sign-in form with wrong passwords, every `every_s`."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    ws = await _connect(url)
    try:
        first = await _rerun(ws, "")
        name_id, password_id, submit_id = _form_ids(first)
        await asyncio.sleep(offset)
        while not stop.is_set():
            t = time.perf_counter()
            states = [WidgetState(id=name_id, string_value=f"user{random.randrange(10**6)}"),
                      WidgetState(id=password_id, string_value=f"guess{random.random()}"),
                      WidgetState(id=submit_id, trigger_value=True)]
            got = await _rerun(ws, "", widgets=states)
            text = _texts(got)
            answers.append("throttled" if "Too many" in text or "次数过多" in text else
                           "busy" if "busy" in text or "正忙" in text else
                           "wrong" if "Wrong name" in text or "错误" in text else "other")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, every_s - (time.perf_counter() - t)))
    finally:
        await ws.close()


async def spray(url: str, token: str, clients: int, rate: float, seconds: float) -> dict:
    stop = asyncio.Event()
    answers: list[str] = []
    every = clients / rate
    tasks = [asyncio.create_task(guesser(url, every, stop, answers, i * every / clients))
             for i in range(clients)]
    await asyncio.sleep(every)                 # every guesser at work before counting
    t0 = time.perf_counter()
    n0 = len(answers)
    done = asyncio.Event()
    got: list[float] = []
    viewer = asyncio.create_task(signed_in_views(url, token, 0, done, got)) if token else None
    await asyncio.sleep(seconds)
    done.set()
    if viewer:
        await viewer
    wall = time.perf_counter() - t0
    stop.set()
    await asyncio.gather(*tasks)
    return {"views": got, "sign_ins": len(answers), "sign_ins_during": len(answers) - n0,
            "wall_s": wall, "answers": {a: answers.count(a) for a in sorted(set(answers))}}


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="a store to copy (default: the demo shop)")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--rate", type=float, default=2.0,
                    help="sign-in submissions a second, all clients together")
    ap.add_argument("--seconds", type=float, default=45,
                    help="how long the user views the Overview, quiet and then under the spray")
    ap.add_argument("--alone", type=float, default=20,
                    help="then the spray alone, nobody viewing, this long")
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="spray", dir="/tmp"))
    try:
        db, token = prepare(args.db, folder)
        proc, url = B.start_server(db, folder / "server.log")
        try:
            cpu0 = B.cpu_seconds(proc.pid)
            t0 = time.perf_counter()
            quiet = asyncio.run(views_for(url, token, args.seconds))
            quiet_cpu = B.cpu_seconds(proc.pid) - cpu0
            quiet_wall = time.perf_counter() - t0
            cpu1 = B.cpu_seconds(proc.pid)
            sprayed = asyncio.run(spray(url, token, args.clients, args.rate, args.seconds))
            spray_cpu = B.cpu_seconds(proc.pid) - cpu1
            cpu2 = B.cpu_seconds(proc.pid)          # the spray alone, nobody viewing
            alone = asyncio.run(spray(url, None, args.clients, args.rate, args.alone))
            alone_cpu = B.cpu_seconds(proc.pid) - cpu2
            rss, peak = B.rss_mb(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except Exception:
                proc.kill()
        load1 = Path("/proc/loadavg").read_text().split()[0]
        views = sprayed["views"]
        print(f"machine: {os.cpu_count()} cores, load average {load1} at the end "
              "(other work was running on it)")
        print(f"store: {args.db or 'the demo shop'}; spray: {args.clients} anonymous clients, "
              f"{sprayed['sign_ins_during'] / sprayed['wall_s']:.2f} sign-ins/s while counted "
              f"({sprayed['sign_ins']} in all: {sprayed['answers']})")
        print("| the signed-in user's Overview (warm) | views | median s | p95 s | server CPU s "
              "| wall s |")
        print("|---|---:|---:|---:|---:|---:|")
        print(f"| quiet | {len(quiet)} | {statistics.median(quiet):.3f} | {_pct(quiet, .95):.3f} "
              f"| {quiet_cpu:.1f} | {quiet_wall:.1f} |")
        print(f"| under the spray | {len(views)} | {statistics.median(views):.3f} | "
              f"{_pct(views, .95):.3f} | {spray_cpu:.1f} | {sprayed['wall_s']:.1f} |")
        print(f"ratio of medians: {statistics.median(views) / statistics.median(quiet):.2f}x; "
              f"p95: {_pct(views, .95) / _pct(quiet, .95):.2f}x")
        print(f"the spray alone afterwards, nobody viewing: {alone['sign_ins_during']} "
              f"sign-ins in {alone['wall_s']:.0f} s ({alone['answers']}), server CPU "
              f"{alone_cpu:.1f} s")
        print(f"server memory: {rss:.0f} MB at the end, peak {peak:.0f} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
