"""Browser-level benchmark: how long each page takes to settle in a real browser, for one user
and for several at once, and the server's memory.

    python bench/browser.py --db STORE.duckdb [--users 1,5,20] [--rounds 2] [--out FILE.json]

Starts the dashboard on the store as `make run` does (`python app.py`: the first page worked
out before the server answers; the seconds until it answers are recorded as `start_s`), opens one headless Chromium (Debian's) with one
browser context per user, and has every user walk through every page of the sidebar
navigation `--rounds` times at once. A page's settle time runs from the click on its link to
the moment the script has finished (`data-test-script-state` notRunning) with the page's own
title shown. Round 1 is each session's first visit (cold for that session), later rounds warm.
Then one user's action (a note on one order, from the command line, handed to the dashboard)
moves the data version and everyone goes round once more: "after a write" (every shared page
result is new; the dashboard works out again in the background what was asked before). The
store gets that one note per level. The server's RSS is read from /proc after each level; the
CPU time of the server, the browsers and the rest (the driver) is tallied from /proc while
the level runs, with how busy the whole machine was: on this machine the browsers share the
server's two cores. A script, never a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ORDERDESK_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 600_000
# How often a browser checks whether its page has settled. Checking on every animation frame
# (the default) has each of twenty browsers spend the shared CPU the server needs; every
# 50 ms keeps the figures within 50 ms.
POLL_MS = 50
CORES = os.cpu_count() or 1

# Settled means rendered: the script has finished, connected, with the page's own title shown,
# or has finished showing an exception (or the app a compile error): a failure, not a settle.
# Falsy while not settled, else {error: null} or {error: "what the page shows"}.
SETTLED = """([title]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const state = app.getAttribute('data-test-script-state');
  if (state === 'compilationError') return {error: 'compile error'};
  if (state !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const shown = app.querySelector('[data-testid="stException"]');
  if (shown) return {error: 'exception: ' + shown.innerText.trim().split('\\n')[0].slice(0, 200)};
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return !!h1 && h1.innerText.trim().startsWith(title) && {error: null};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> tuple[float, float]:
    """The process's resident memory now and its high-water mark, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """The whole machine's CPU time so far, busy and in all (every core), in seconds: what
    the server, the browsers and the benchmark's own driver took together."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]                    # idle and waiting for the disk
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks[:8]) - idle) / hz, sum(ticks[:8]) / hz


class CpuTally:
    """CPU time per kind of process while it runs (the server, the browsers, the rest: the
    benchmark's driver and anything else), from every process's own count in /proc, read
    every SAMPLE_S seconds: a process's last moments before it ends are not counted."""

    SAMPLE_S = 0.5

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.first: dict[int, float] = {}   # processes running when the tally started
        self.last: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _kind(self, pid: int) -> str:
        if pid == self.server_pid:
            return "server"
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            return "rest"
        return "browsers" if name.startswith(("chrom", "headless")) else "rest"

    def _read(self) -> dict[int, float]:
        seen = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    seen[int(entry.name)] = cpu_seconds(int(entry.name))
        return seen

    def _run(self) -> None:
        while not self.stop.wait(self.SAMPLE_S):
            for pid, cpu in self._read().items():
                kind = self.last[pid][0] if pid in self.last else self._kind(pid)
                self.last[pid] = (kind, cpu)

    def __enter__(self) -> CpuTally:
        self.first = self._read()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def seconds(self) -> dict[str, float]:
        out = {"server": 0.0, "browsers": 0.0, "rest": 0.0}
        for pid, (kind, cpu) in self.last.items():
            out[kind] += cpu - self.first.get(pid, 0.0)
        return {k: round(v, 1) for k, v in out.items()}


def _run_log(log: Path) -> Path:
    """Where the server writes each view's own time (ui.layout.framed)."""
    return log.with_suffix(".runs.jsonl")


def _server_runs(log: Path, since: int) -> tuple[list[float], int]:
    """The server's time per view logged after line `since`, and the lines so far."""
    path = _run_log(log)
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(x)["seconds"] for x in lines[since:]], len(lines)


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "ORDERDESK_DB": str(db), "PYTHONUNBUFFERED": "1",
           "ORDERDESK_RUN_LOG": str(_run_log(log))}
    _run_log(log).unlink(missing_ok=True)
    cmd = [sys.executable, "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    out = log.open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.25)
        if proc.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-3000:])
    raise RuntimeError("the server did not start")


def _an_order(db: Path) -> str | None:
    """An order of the store (read before the server holds it), for the write between rounds."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("select order_id from orders order by order_id limit 1").fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _write_note(db: Path, order_id: str) -> None:
    """A note on one order from the command line, handed to the running dashboard: one
    committed write, as any action of any user is."""
    subprocess.run([sys.executable, "-m", "pipeline", "action", order_id, "note",
                    "--text", "bench", "--by", "bench"], cwd=ROOT, check=True,
                   env={**os.environ, "ORDERDESK_DB": str(db)}, capture_output=True)


async def _settled(page, title: str) -> str | None:
    """Wait until the page has settled (SETTLED); what it shows instead of rendering, if
    anything (an exception, a compile error)."""
    handle = await page.wait_for_function(SETTLED, arg=[title], polling=POLL_MS)
    return (await handle.json_value())["error"]


async def _visit(page, title: str, href: str) -> tuple[float, str | None]:
    t0 = time.perf_counter()
    await page.get_by_test_id("stSidebarNav").locator(f'a[href="{href}"]').click()
    error = await _settled(page, title)
    return time.perf_counter() - t0, error


async def _user(browser, url: str, rounds: int, n: int, out: list[dict],
                after_write: tuple[asyncio.Barrier, Callable[[], None]] | None = None) -> None:
    ctx = await browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded")
    error = await _settled(page, "")  # the first page
    seconds = time.perf_counter() - t0
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    pages = [(await a.locator("span[label]").get_attribute("label"), await a.get_attribute("href"))
             for a in await links.all()]
    out.append({"user": n, "round": 0, "page": pages[0][0] if pages else "?",
                "seconds": seconds, "kind": "first load", "error": error})
    await walk(pages, rounds, n, out, after_write,
               lambda title, href: _visit(page, title, href))
    await ctx.close()


async def walk(pages: list[tuple], rounds: int, n: int, out: list[dict],
               after_write: tuple[asyncio.Barrier, Callable[[], None]] | None,
               visit: Callable[..., Awaitable[float]]) -> None:
    """User `n` visits every page (`(title, *where)`; `visit(title, *where)` gives its
    seconds and what it showed instead of rendering, or None) in `rounds` rounds, the first
    visits then warm ones; with `after_write`, once everyone has been everywhere one user's
    action moves the data version and every user goes round once more (the pages' shared
    results are then new)."""
    async def one(title: str, where: list, r: int, kind: str) -> None:
        seconds, error = await visit(title, *where)
        out.append({"user": n, "round": r, "page": title, "seconds": seconds, "kind": kind,
                    "error": error})

    for r in range(1, rounds + 1):
        for title, *where in pages:
            await one(title, where, r, "first visit" if r == 1 else "warm")
    if after_write is not None:
        barrier, write = after_write
        if await barrier.wait() == 0:
            await asyncio.to_thread(write)
        await barrier.wait()
        for title, *where in pages:
            await one(title, where, rounds + 1, "after a write")


async def _level(url: str, users: int, rounds: int,
                 write: Callable[[], None] | None = None) -> list[dict]:
    from playwright.async_api import async_playwright

    out: list[dict] = []
    after = (asyncio.Barrier(users), write) if write else None
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        await asyncio.gather(*(_user(browser, url, rounds, n, out, after)
                               for n in range(users)))
        await browser.close()
    return out


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def summarise(rows: list[dict]) -> list[dict]:
    """Per users level, page and kind: the visits, how many failed (showed an exception or a
    compile error instead of the page), and p50, p95 and max seconds of the ones that
    rendered (None when none did)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["users"], r["page"], r["kind"]), []).append(r)
    out = []
    for (u, p, k), got in sorted(groups.items()):
        ok = [r["seconds"] for r in got if not r.get("error")]
        out.append({"users": u, "page": p, "kind": k, "n": len(got), "failed": len(got) - len(ok),
                    "p50": statistics.median(ok) if ok else None,
                    "p95": _pct(ok, 0.95) if ok else None, "max": max(ok) if ok else None})
    return out


def failures(rows: list[dict], keep: int = 20) -> list[dict]:
    """The first `keep` failed visits: who, where and what the page showed."""
    return [{k: r[k] for k in ("users", "user", "page", "kind", "error")}
            for r in rows if r.get("error")][:keep]


def measure(db: Path, levels: list[int], rounds: int, log: Path, level=None,
            nice: int = 0) -> dict:
    """Every level of users walking the pages at once (`level(url, users, rounds, write)`,
    an async function giving the visits; default: in browsers), with the server's memory and
    the CPU of every process. `nice`: the niceness of everything but the server (this
    process and what it starts after the server: the browsers, the command line's write),
    so that the server is never kept waiting for a browser's CPU, as on a desk where each
    browser runs on its own computer."""
    level = level or _level
    order = _an_order(db)
    write = (lambda: _write_note(db, order)) if order else None
    started = time.perf_counter()
    proc, url = start_server(db, log)
    start_s = round(time.perf_counter() - started, 2)
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    if nice:
        os.setpriority(os.PRIO_PROCESS, 0, niceness + nice)   # inherited by what starts next
    try:
        rows, memory = [], []
        seen = 0
        for users in levels:
            machine = machine_cpu()
            t0 = time.perf_counter()
            with CpuTally(proc.pid) as tally:
                got = asyncio.run(level(url, users, rounds, write))
            wall = time.perf_counter() - t0
            cpu = tally.seconds()
            rows += [{**r, "users": users} for r in got]
            now, peak = rss_mb(proc.pid)
            busy, total = (b - a for a, b in zip(machine, machine_cpu(), strict=True))
            runs, seen = _server_runs(log, seen)
            memory.append({"server_run_p50": statistics.median(runs) if runs else None,
                           "server_run_p95": _pct(runs, 0.95) if runs else None,
                           "server_runs": len(runs), "users": users, "rss_mb": round(now), "peak_mb": round(peak),
                           "server_cpu_s": cpu["server"], "browsers_cpu_s": cpu["browsers"],
                           "rest_cpu_s": cpu["rest"],
                           "machine_busy": round(busy / total, 3) if total else None,
                           "wall_s": round(wall, 1), "visits": len(got)})
        time.sleep(5)
        idle = rss_mb(proc.pid)[0]
        return {"rows": rows, "summary": summarise(rows), "failures": failures(rows),
                "memory": memory,
                "idle_rss_mb": round(idle), "start_s": start_s, "nice": nice}
    finally:
        if nice:
            with contextlib.suppress(PermissionError):   # only root may lower it again
                os.setpriority(os.PRIO_PROCESS, 0, niceness)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def markdown(result: dict, label: str, heading: str = "Pages in a browser") -> str:
    def sec(x: float | None) -> str:
        return "—" if x is None else f"{x:.2f}"

    lines = [f"### {heading} ({label})", "",
             "| users | page | visit | n | failed | p50 s | p95 s | max s |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for s in result["summary"]:
        failed = s.get("failed", 0)
        lines.append(f"| {s['users']} | {s['page']} | {s['kind']} | {s['n']} "
                     f"| {f'**{failed}**' if failed else 0} | {sec(s['p50'])} | {sec(s['p95'])} "
                     f"| {sec(s['max'])} |")
    if result.get("failures"):
        lines += ["", "Failed visits (a page showing an exception or a compile error; its time "
                  "is in no figure): " + "; ".join(
                      f"{f['users']} users, {f['page']} ({f['kind']}): {f['error']}"
                      for f in result["failures"])]
    lines += ["", "| users | server RSS after | server peak RSS | wall | server CPU | per visit "
              "| browsers' CPU | the rest's CPU | machine busy | server's time per view, p50 / p95 "
              "| browsers' CPU per visit | all switching at once, at least |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for m in result["memory"]:
        if "server_cpu_s" not in m:
            cpu = "— | — | — | — | —"
        else:
            # runs before the tally read the browsers' CPU from finished children only,
            # which missed most of it: not shown
            others = (f"{m['browsers_cpu_s']:.1f} s | {m['rest_cpu_s']:.1f} s"
                      if "rest_cpu_s" in m else "— | —")
            cpu = (f"{m['wall_s']:.0f} s | {m['server_cpu_s']:.1f} s "
                   f"| {m['server_cpu_s'] / m['visits']:.2f} s | {others}")
        busy = f"{m['machine_busy']:.0%}" if m.get("machine_busy") is not None else "—"
        own = (f"{m['server_run_p50']:.2f} / {m['server_run_p95']:.2f} s"
               if m.get("server_run_p50") is not None else "—")
        if m.get("browsers_cpu_s") and m.get("visits"):
            # every user's browser draws its page on the machine's cores, beside the others
            per = m["browsers_cpu_s"] / m["visits"]
            drawn = f"{per:.2f} s | {per * m['users'] / CORES:.2f} s"
        else:
            drawn = "— | —"
        lines.append(f"| {m['users']} | {m['rss_mb']:,} MB | {m['peak_mb']:,} MB | {cpu} "
                     f"| {busy} | {own} | {drawn} |")
    lines += ["", "*Browsers' CPU per visit*: the browsers' CPU over the visits; *all switching "
              "at once, at least*: that times the users over the machine's cores, the least a "
              "page switch can take here when every user's browser draws at once, however "
              "fast the server.", "",
              f"Server RSS 5 s after the last level: {result['idle_rss_mb']:,} MB."]
    if result.get("start_s") is not None:   # runs before the warm start did not record it
        lines.append(f"From the server's start to its first answer (`python app.py`, the first "
                     f"page worked out meanwhile): {result['start_s']:.1f} s.")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None, level=None, heading: str = "Pages in a browser",
         about: str = __doc__, log_suffix: str = ".streamlit.log") -> int:
    """The command line of this benchmark, and of `bench/sessions.py` (its own `level`)."""
    p = argparse.ArgumentParser(description=about.splitlines()[0])
    p.add_argument("--db", required=True, help="the store to serve")
    p.add_argument("--users", default="1,5,20", help="concurrent users per level")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--label", default="")
    p.add_argument("--out", help="write the raw result as JSON here")
    p.add_argument("--nice", type=int, default=0,
                   help="run the browsers (and the rest but the server) this much nicer")
    a = p.parse_args(argv)
    db = Path(a.db)
    result = measure(db, [int(x) for x in a.users.split(",")], a.rounds,
                     db.with_suffix(log_suffix), level, a.nice)
    if a.out:
        Path(a.out).write_text(json.dumps(result, indent=1))
    print(markdown(result, a.label or db.name, heading))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
