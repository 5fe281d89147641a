"""Benchmark: the PostgreSQL store (DESIGN §14, docs/postgresql.md) at scale, beside the DuckDB
file it was copied from.

    python bench/pg.py --store /path/store.duckdb [--sessions 20] [--rounds 2]
                       [--out bench/results-pg.md] [--json FILE] [--findings FILE.md]
    python bench/pg.py --render FILE.json [--findings FILE.md]   # only the Markdown, again

The store file is written to (actions, and the sessions' write): run it on a copy. Starts a
throwaway PostgreSQL cluster in a temporary folder (tests/pg_cluster.py: `initdb`, `pg_ctl`,
127.0.0.1, fsync off), then, each measurement in its own process (its peak memory is its RSS
high-water mark from wait4):

1. copies the file into a new database (`pipeline.db.copy.copy_store`, as `python -m pipeline
   store copy` does, counts and checksums included), `--copies` times into fresh databases;
2. opens a `PgStore` on it (its mirror made from nothing: the first pull) and again on that
   mirror, then times every page function of `bench/run.py`'s list warm and after one action
   (a note recorded through the store) and after a write that moves every version (run.py's
   "after a write"), each the median of `--repeat`; the same on the file itself;
3. freshness: an action recorded by a `PgStore` in one process, polled for in the mirror of
   another process's `PgStore`: seconds from the action's return until the other shows it;
4. sessions: two dashboards (`app.py` on two ports, ORDERDESK_DB the database) with
   `bench/sessions.py`'s clients split over both, and one dashboard on the file with the same
   clients; one action between the rounds, recorded by a `PgStore` in a process of its own.

Then stops everything, removes the folders and writes Markdown tables (the file's figures
beside PostgreSQL's). The machine's load average is recorded at each step: on a shared machine
the figures move with it. A script, never a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import browser as B  # noqa: E402
from bench import run as R  # noqa: E402
from bench import sessions as S  # noqa: E402

REPEAT = 3            # after an action / after a write: the median of so many
WARM_RUNS = 3
FRESHNESS_ACTIONS = 5
FRESHNESS_GOAL_S = 5.0   # DESIGN §14: what one server records every other shows within seconds
WATCH_EVERY_S = 0.01
WATCH_LIMIT_S = 60.0
# After the sessions' action, before the users go round again: the dashboards catch up by
# polling (every second), so a view at once could still show the data before the action.
CATCH_UP_S = 3.0
SERVERS = 2


def log(msg: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {msg}", file=sys.stderr, flush=True)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def own_rss() -> tuple[float, float]:
    """This process's resident memory now and its high-water mark, in MB."""
    return B.rss_mb(os.getpid())


def is_url(where: str) -> bool:
    return where.startswith(("postgresql://", "postgres://"))


def open_timed(where: str, cache: str) -> tuple[Any, float]:
    """The store at `where` (its mirror in `cache` for a database) and the seconds to open it."""
    from pipeline.db.open import open_store

    t0 = time.perf_counter()
    store = open_store(where, cache=cache) if is_url(where) else open_store(where)
    return store, time.perf_counter() - t0


def an_order(store: Any) -> tuple[str, str, str]:
    """One order an action may be recorded on (paid, not processed), as run.py's context."""
    row = store.cursor().execute(
        "select platform, shop, order_id from order_state where state = 'paid_unprocessed' "
        "order by order_id limit 1").fetchall()
    if not row:
        raise RuntimeError("the store has no paid, unprocessed order to act on")
    return tuple(row[0])


def note(store: Any, key: tuple[str, str, str], text: str) -> tuple[int, float]:
    """One action (a note) recorded through the store: its event id and seconds."""
    from pipeline.desk.actions import record

    t0 = time.perf_counter()
    event = record(store, key, "note", by="bench", text=text)
    return event.event_id, time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------
# Children: each prints one JSON object on its last stdout line


def child_copy(src: str, url: str) -> dict:
    from pipeline.db.copy import copy_store

    said: list[str] = []
    t0 = time.perf_counter()
    result = copy_store(src, url, say=said.append)
    return {"seconds": time.perf_counter() - t0, "equal": all(t.equal for t in result),
            "tables": len(result), "rows": sum(t.rows_from for t in result), "said": said[-1]}


def _kwargs(label: str, fn: Any, ctx: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The arguments run.py gives a page function, and the required ones it cannot give."""
    kwargs, missing = {}, []
    for i, (name, p) in enumerate(inspect.signature(fn).parameters.items()):
        if i == 0:
            continue
        if name in R.ARGS.get(label, {}):
            kwargs[name] = R.ARGS[label][name]
        elif name in ctx:
            kwargs[name] = ctx[name]
        elif p.default is inspect.Parameter.empty:
            missing.append(name)
    return kwargs, missing


def child_pages(where: str, cache: str, repeat: int) -> dict:
    """The store opened (and opened again), then every page function of run.py's list: after
    one action, after a write that changes nothing but moves every version, and warm; with the
    seconds of each action and write."""
    store, first = open_timed(where, cache)
    rss_open = own_rss()[0]
    store.close()
    store, again = open_timed(where, cache)
    out: dict[str, Any] = {"open_s": first, "reopen_s": again, "rss_open_mb": rss_open,
                           "functions": {}, "skipped": {}, "actions_s": [], "writes_s": []}
    if is_url(where):
        out["mirror_mb"] = round(Path(store.path).stat().st_size / 2**20)
    t0 = time.perf_counter()
    ctx = R._context(store.cursor())
    out["context_s"] = time.perf_counter() - t0
    key = (ctx["platform"], ctx["shop"], ctx["order_id"])
    for label, fn in R.page_functions():
        kwargs, missing = _kwargs(label, fn, ctx)
        if missing:
            out["skipped"][label] = f"needs {', '.join(missing)}"
            continue
        action, write, warm = [], [], []
        try:
            for k in range(repeat):
                out["actions_s"].append(note(store, key, f"bench {label} {k}")[1])
                action.append(R._timed(store, fn, kwargs)[0])
                t = time.perf_counter()
                store.run_write(lambda cur: None)
                out["writes_s"].append(time.perf_counter() - t)
                seconds, result = R._timed(store, fn, kwargs)
                write.append(seconds)
            warm = [R._timed(store, fn, kwargs)[0] for _ in range(WARM_RUNS)]
        except Exception as exc:   # a failing function is reported, not fatal to the run
            out["skipped"][label] = f"{type(exc).__name__}: {str(exc)[:200]}"
            continue
        out["functions"][label] = {"action": statistics.median(action),
                                   "write": statistics.median(write),
                                   "warm": statistics.median(warm),
                                   "rows": len(result) if hasattr(result, "__len__") else None}
    out["rss_end_mb"] = own_rss()[0]
    store.close()
    return out


def child_watch(url: str, cache: str) -> dict:
    """The other process of the freshness: its own PgStore; for each event id read on stdin,
    its mirror polled until it holds that event; the moment (time.time()) it was seen."""
    store, opened = open_timed(url, cache)
    print(json.dumps({"ready": opened, "rss_mb": own_rss()[0]}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        event_id = int(line)
        cur = store.cursor()
        limit = time.time() + WATCH_LIMIT_S
        seen = None
        while seen is None and time.time() < limit:
            if cur.execute("select count(*) from events where event_id = ?",
                           [event_id]).fetchall()[0][0]:
                seen = time.time()
            else:
                time.sleep(WATCH_EVERY_S)
        cur.close()
        print(json.dumps({"event_id": event_id, "seen_at": seen}), flush=True)
    store.close()
    return {"open_s": opened}


def child_freshness(url: str, cache: str, actions: int) -> dict:
    """An action recorded here (a PgStore), shown by another process's PgStore: the seconds
    from the action's return to the other's mirror holding it, `actions` times, each after a
    random pause of up to a second (so that the actions fall anywhere in the other's poll)."""
    store, opened = open_timed(url, cache)
    key = an_order(store)
    watcher = start_child("watch", url, cache)
    ready = json.loads(watcher.stdout.readline())
    rng = random.Random(7)
    runs = []
    for i in range(actions):
        time.sleep(rng.uniform(0, 1))
        started = time.time()
        event_id, seconds = note(store, key, f"freshness {i}")
        returned = time.time()
        watcher.stdin.write(f"{event_id}\n")
        watcher.stdin.flush()
        seen = json.loads(watcher.stdout.readline())["seen_at"]
        runs.append({"action_s": seconds,
                     "delay_s": None if seen is None else seen - returned,
                     "from_start_s": None if seen is None else seen - started})
    watcher.stdin.close()
    _, peak = finish_child(watcher)
    store.close()
    return {"open_s": opened, "watcher_open_s": ready["ready"],
            "watcher_rss_open_mb": ready["rss_mb"], "watcher_peak_mb": peak, "runs": runs}


def child_writer(url: str, cache: str) -> dict:
    """The sessions' one user who acts: a PgStore in a process of its own, recording a note
    for each line read on stdin."""
    store, opened = open_timed(url, cache)
    key = an_order(store)
    print(json.dumps({"ready": opened}), flush=True)
    times = []
    for n, line in enumerate(sys.stdin):
        if not line.strip():
            break
        times.append(note(store, key, f"sessions {n}")[1])
        print(json.dumps({"seconds": times[-1]}), flush=True)
    store.close()
    return {"open_s": opened, "actions_s": times}


CHILDREN = {"copy": child_copy, "pages": child_pages, "watch": child_watch,
            "freshness": child_freshness, "writer": child_writer}


def start_child(kind: str, *args: Any) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", kind,
                             *map(str, args)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def finish_child(proc: subprocess.Popen) -> tuple[dict, float]:
    """(the child's last JSON line, its peak RSS in MB), once it has ended."""
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child {proc.args[3:]} failed with {proc.returncode}:\n{out[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def run_child(kind: str, *args: Any) -> tuple[dict, float, float]:
    """(result, wall seconds, peak RSS in MB) of one child run to its end."""
    t0 = time.perf_counter()
    proc = start_child(kind, *args)
    proc.stdin.close()
    result, peak = finish_child(proc)
    return result, time.perf_counter() - t0, peak


# ---------------------------------------------------------------------------------------------
# Sessions over two dashboards


async def _over_servers(urls: list[str], users: int, rounds: int, write: Any) -> list[dict]:
    """sessions.py's users, user n on server n mod len(urls); one action between the rounds."""
    out: list[dict] = []
    after = (asyncio.Barrier(users), write)
    await asyncio.gather(*(S._user(urls[n % len(urls)], rounds, n, out, after)
                           for n in range(users)))
    for r in out:
        r["server"] = r["user"] % len(urls)
    return out


def pg_sessions(url: str, cache: str, users: int, rounds: int, work: Path) -> dict:
    """Two dashboards on the database, the users split over both."""
    os.environ["ORDERDESK_PG_CACHE"] = cache      # the dashboards' mirrors, beside the others
    writer = start_child("writer", url, cache)
    writer_open = json.loads(writer.stdout.readline())["ready"]
    servers: list[tuple[subprocess.Popen, str, Path]] = []
    starts = []
    actions: list[float] = []

    def write() -> None:
        writer.stdin.write("note\n")
        writer.stdin.flush()
        actions.append(json.loads(writer.stdout.readline())["seconds"])
        time.sleep(CATCH_UP_S)

    try:
        mirrors = []
        for i in range(SERVERS):
            logfile = work / f"pg-server-{i}.log"
            before = set(Path(cache).glob("*.duckdb"))
            t0 = time.perf_counter()
            proc, addr = B.start_server(url, logfile)
            starts.append(time.perf_counter() - t0)
            servers.append((proc, addr, logfile))
            mirrors.append("made from nothing" if set(Path(cache).glob("*.duckdb")) - before
                           else "kept")
            log(f"dashboard {i} answers after {starts[-1]:.1f} s (its mirror {mirrors[-1]})")
        cpu0 = [B.cpu_seconds(p.pid) for p, _, _ in servers]
        machine0 = B.machine_cpu()
        t0 = time.perf_counter()
        rows = asyncio.run(_over_servers([a for _, a, _ in servers], users, rounds, write))
        wall = time.perf_counter() - t0
        busy, total = (b - a for a, b in zip(machine0, B.machine_cpu(), strict=True))
        each = []
        for i, (proc, _, logfile) in enumerate(servers):
            now, peak = B.rss_mb(proc.pid)
            runs, _ = B._server_runs(logfile, 0)
            each.append({"server": i, "start_s": starts[i], "mirror": mirrors[i],
                         "rss_mb": round(now),
                         "peak_mb": round(peak),
                         "cpu_s": round(B.cpu_seconds(proc.pid) - cpu0[i], 1),
                         "run_p50": statistics.median(runs) if runs else None,
                         "run_p95": B._pct(runs, 0.95) if runs else None,
                         "runs": len(runs), "visits": sum(r["server"] == i for r in rows)})
        time.sleep(5)
        for i, (proc, _, logfile) in enumerate(servers):
            each[i]["idle_rss_mb"] = round(B.rss_mb(proc.pid)[0])
            each[i]["tracebacks"] = tracebacks(logfile)
        rows = [{**r, "users": users} for r in rows]
        return {"summary": B.summarise(rows), "failures": B.failures(rows), "servers": each,
                "wall_s": round(wall, 1), "machine_busy": round(busy / total, 3) if total else None,
                "writer_open_s": writer_open, "actions_s": actions,
                "p95_by_server": {i: B._pct([r["seconds"] for r in rows
                                              if r["server"] == i and not r.get("error")], 0.95)
                                  for i in range(SERVERS)}}
    finally:
        for proc, _, _ in servers:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        with contextlib.suppress(BrokenPipeError, ValueError):
            writer.stdin.close()
        with contextlib.suppress(RuntimeError, ValueError):
            finish_child(writer)


def file_sessions(store: Path, users: int, rounds: int, work: Path) -> dict:
    """One dashboard on the file, as bench/sessions.py runs it."""
    got = S.measure(store, [users], rounds, work / "file-server.log")
    got.pop("rows", None)
    got["tracebacks"] = tracebacks(work / "file-server.log")
    return got


def tracebacks(logfile: Path, keep: int = 3) -> list[str]:
    """The distinct tracebacks a dashboard logged (the last lines of each), the first `keep`."""
    text = logfile.read_text(errors="replace") if logfile.exists() else ""
    found: list[str] = []
    for part in text.split("Traceback (most recent call last):")[1:]:
        lines = [x for x in part.splitlines() if x.strip()]
        # the frames, then the exception's own line(s): keep the last frames and the message
        tail = "\n".join(lines[:60])[-2500:]
        if tail not in found:
            found.append(tail)
    return found[:keep]


# ---------------------------------------------------------------------------------------------
# The run


def measure(args: argparse.Namespace) -> dict:
    from tests.pg_cluster import running_cluster

    store = Path(args.store).resolve()
    res: dict[str, Any] = {"started": f"{datetime.now():%Y-%m-%d %H:%M}", "machine": R.machine(),
                           "store": str(store), "store_mb": round(store.stat().st_size / 2**20),
                           "revision": args.revision, "loads": [], "users": args.sessions,
                           "rounds": args.rounds, "repeat": args.repeat}

    def step(name: str) -> None:
        if args.json:   # what was measured so far, should a later step fail
            Path(args.json).write_text(json.dumps(res, indent=1, default=str))
        res["loads"].append({"step": name, "at": f"{datetime.now():%H:%M:%S}", "load": load()})
        log(f"{name} (load {res['loads'][-1]['load']})")

    with running_cluster() as cluster, \
            tempfile.TemporaryDirectory(prefix="orderdesk-pgbench-") as tmp:
        work = Path(tmp)
        cache = str(work / "pgcache")
        res["cluster"] = _cluster_info(cluster)
        step("start")
        copies = []
        url = ""
        for k in range(args.copies):
            url = cluster.new_database()
            step(f"copy {k + 1}/{args.copies}")
            got, wall, peak = run_child("copy", store, url)
            copies.append({**got, "wall": wall, "peak_mb": peak})
            log(f"  {got['seconds']:.1f} s, {peak:.0f} MB: {got['said']}")
            if k < args.copies - 1:     # only the last copy is kept
                _drop(cluster, url)
        res["copies"] = copies
        res["database_mb"] = _database_mb(url)
        orders = _orders(store)
        res["orders"] = orders

        step("page functions on PostgreSQL")
        got, _, peak = run_child("pages", url, cache, args.repeat)
        res["pg_pages"] = {**got, "peak_mb": peak}
        step("page functions on the file")
        got, _, peak = run_child("pages", store, cache, args.repeat)
        res["file_pages"] = {**got, "peak_mb": peak}

        step("freshness")
        got, _, peak = run_child("freshness", url, cache, FRESHNESS_ACTIONS)
        res["freshness"] = {**got, "peak_mb": peak}

        if args.sessions:
            step(f"{args.sessions} sessions over {SERVERS} dashboards on PostgreSQL")
            res["pg_sessions"] = pg_sessions(url, cache, args.sessions, args.rounds, work)
            step(f"{args.sessions} sessions on one dashboard on the file")
            res["file_sessions"] = file_sessions(store, args.sessions, args.rounds, work)
        step("end")
    return res


def _cluster_info(cluster: Any) -> dict:
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        settings = dict(conn.execute(
            "select name, setting from pg_settings where name in ('server_version', 'fsync', "
            "'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem')"
        ).fetchall())
    return settings


def _drop(cluster: Any, url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(sql.SQL("drop database {}").format(sql.Identifier(name)))


def _database_mb(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return round(conn.execute("select pg_database_size(current_database())")
                     .fetchone()[0] / 2**20)


def _orders(store: Path) -> int:
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute("select count(*) from orders").fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# The Markdown


def _med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def _s(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def markdown(res: dict) -> str:
    m = res["machine"]
    loads = res["loads"]
    L = ["# The PostgreSQL store beside the DuckDB file", "",
         f"Produced by `python bench/pg.py --store STORE --sessions {res['users']}`, on a copy of "
         f"a store of {res['orders']:,} demo orders ({res['store_mb']:,} MB). One run, started "
         f"{res['started']}" + (f", at {res['revision']}" if res.get("revision") else "") + ".",
         "",
         f"- Machine: {R._machine_line(m)}; Python {m['python']}, DuckDB {m['duckdb']}, "
         f"Streamlit {m['streamlit']}",
         f"- PostgreSQL {res['cluster'].get('server_version', '?')} on the same machine, a "
         "throwaway cluster as the tests start it (tests/pg_cluster.py): "
         + ", ".join(f"{k} {v}" for k, v in sorted(res["cluster"].items())
                     if k != "server_version")
         + ". Without fsync a commit waits for no disk: a production server's commits "
           "take longer.",
         f"- The machine is shared with other work: load average (1 min) {loads[0]['load']} at "
         f"the start and {loads[-1]['load']} at the end, on {m['cores']} cores; at each step: "
         + ", ".join(f"{x['step']} {x['load']}" for x in loads) + ".",
         ""]

    L += ["## Moving the store into PostgreSQL and opening it", "",
          "| what | DuckDB file | PostgreSQL store |", "|---|---:|---:|"]
    copies = res["copies"]
    L.append(f"| `store copy` of the file into a new database (`copy_store`, counts and checksums "
             f"included), median of {len(copies)} | — | "
             f"{_med([c['seconds'] for c in copies]):.1f} s ("
             + ", ".join(f"{c['seconds']:.1f}" for c in copies) + ") |")
    L.append(f"| peak memory of the copy's process | — | "
             f"{max(c['peak_mb'] for c in copies):,.0f} MB |")
    L.append(f"| every count and checksum equal | — | "
             f"{'yes' if all(c['equal'] for c in copies) else '**no**'} "
             f"({copies[-1]['tables']} tables, {copies[-1]['rows']:,} rows) |")
    L.append(f"| size | {res['store_mb']:,} MB | database {res['database_mb']:,} MB, "
             f"each mirror {res['pg_pages'].get('mirror_mb', 0):,} MB |")
    fp, pp = res["file_pages"], res["pg_pages"]
    fr = res["freshness"]
    L.append(f"| first open (PostgreSQL: the mirror made from nothing, the first pull; the "
             f"file: its states derived again if the rules changed since it was written) | "
             f"{fp['open_s']:.2f} s | {pp['open_s']:.1f} s |")
    L.append(f"| memory of the process after that open | {fp['rss_open_mb']:,.0f} MB | "
             f"{pp['rss_open_mb']:,.0f} MB |")
    L.append(f"| a second process's first open, its own mirror made from nothing | — | "
             f"{fr['watcher_open_s']:.1f} s ({fr['watcher_rss_open_mb']:,.0f} MB) |")
    L.append(f"| open again (PostgreSQL: on its mirror, caught up) | {fp['reopen_s']:.2f} s | "
             f"{pp['reopen_s']:.2f} s |")
    L.append(f"| an action (a note), median of {len(fp['actions_s'])} | "
             f"{_med(fp['actions_s']):.3f} s | {_med(pp['actions_s']):.3f} s |")
    L.append(f"| a write that changes nothing but moves every version, median of "
             f"{len(fp['writes_s'])} | {_med(fp['writes_s']):.3f} s | "
             f"{_med(pp['writes_s']):.3f} s |")
    L.append(f"| peak memory of the page functions' process (opens included) | "
             f"{fp['peak_mb']:,.0f} MB | {pp['peak_mb']:,.0f} MB |")
    L += ["", "The actions and writes are those of the page functions' loop below (each note "
          "on the same order, after a write that moved every version).", ""]

    L += [f"## Page functions (ms: after an action / after a write / warm; median of "
          f"{res['repeat']})", "",
          "Every public `(con, …)` function of `bench/run.py`'s list, with run.py's arguments "
          "and moment (2026-11-20 12:00). *After an action*: the first call after one note "
          "recorded through the store (the data version moves, the facts version stays). "
          "*After a write*: the first call after a write that moves every version (run.py's "
          "figure: as after an import), without the dashboard's background warmer. *Warm*: "
          "the same call again, a hit in the shared result cache. On PostgreSQL the functions "
          "run on the process's DuckDB mirror.", "",
          "| function | file: action | file: write | file: warm | PG: action | PG: write "
          "| PG: warm | PG / file after a write |",
          "|---|---:|---:|---:|---:|---:|---:|---:|"]
    names = sorted(set(fp["functions"]) | set(pp["functions"]))
    totals = {k: [0.0, 0.0] for k in ("action", "write")}
    for name in names:
        f, p = fp["functions"].get(name), pp["functions"].get(name)

        def cells(x: dict | None) -> str:
            return " | ".join(f"{x[k] * 1000:,.0f}" for k in ("action", "write", "warm")) \
                if x else "— | — | —"

        ratio = f"{p['write'] / f['write']:.2f}×" if f and p and f["write"] else "—"
        if f and p:
            for k in totals:
                totals[k][0] += f[k]
                totals[k][1] += p[k]
        L.append(f"| `{name}` | {cells(f)} | {cells(p)} | {ratio} |")
    if totals["write"][0]:
        (fa, pa), (fw, pw) = totals["action"], totals["write"]
        L.append(f"| **all, added up** | {fa:,.1f} s | {fw:,.1f} s | | {pa:,.1f} s | "
                 f"{pw:,.1f} s | | {pw / fw:.2f}× |")
    skipped = {**fp["skipped"], **pp["skipped"]}
    if skipped:
        L.append("\nNot timed: " + "; ".join(f"`{k}` ({v})" for k, v in sorted(skipped.items())))
    L.append("")

    runs = fr["runs"]
    delays = [r["delay_s"] for r in runs if r["delay_s"] is not None]
    missing = sum(r["delay_s"] is None for r in runs)
    L += ["## Freshness: what one process records, another shows", "",
          f"An action (a note) recorded by a `PgStore` in one process; another process's "
          f"`PgStore` polls its own mirror (every {WATCH_EVERY_S * 1000:.0f} ms) for the event. "
          "*Delay*: from the action's return to the other mirror holding it (the other's thread "
          f"asks PostgreSQL every second). Each action after a random pause of up to 1 s.", "",
          "| action | recording it s | delay s | from its start s |", "|---:|---:|---:|---:|"]
    for i, r in enumerate(runs, 1):
        L.append(f"| {i} | {r['action_s']:.2f} | {_s(r['delay_s'])} | {_s(r['from_start_s'])} |")
    within = delays and max(delays) <= FRESHNESS_GOAL_S and not missing
    L += ["", f"Median delay {_s(_med(delays))} s, max {_s(max(delays) if delays else None)} s"
          + (f", {missing} not seen within {WATCH_LIMIT_S:.0f} s" if missing else "")
          + f": within {FRESHNESS_GOAL_S:.0f} s {'met' if within else '**MISSED**'}.", ""]

    if res.get("pg_sessions"):
        L += _sessions_markdown(res)
    if res.get("findings"):
        L += [res["findings"].rstrip(), ""]
    return "\n".join(L)


def _sessions_markdown(res: dict) -> list[str]:
    ps, fs = res["pg_sessions"], res["file_sessions"]
    users = res["users"]
    L = [f"## {users} sessions: two dashboards on PostgreSQL, one on the file", "",
         f"`bench/sessions.py`'s users (Streamlit's own protocol, settled at the server's "
         f"\"script finished\", nothing drawn), all at once, each through every page "
         f"{res['rounds']} times, then one action and once more (*after a write*). On "
         f"PostgreSQL user n is on dashboard n mod {SERVERS}, and the action is recorded by a "
         f"`PgStore` in a process of its own, followed by {CATCH_UP_S:.0f} s for both "
         "dashboards to catch up (they poll every second); on the file the action is the "
         "command line's, handed to the dashboard, as in `bench/sessions.py`. "
         "Seconds; p50 / p95 per page and visit.", "",
         "| page | visit | file, 1 dashboard: n | p50 | p95 | PG, 2 dashboards: n | p50 | p95 |",
         "|---|---|---:|---:|---:|---:|---:|---:|"]
    file_rows = {(r["page"], r["kind"]): r for r in fs["summary"] if r["users"] == users}
    pg_rows = {(r["page"], r["kind"]): r for r in ps["summary"]}
    order = {"first load": 0, "first visit": 1, "warm": 2, "after a write": 3}
    for key in sorted(set(file_rows) | set(pg_rows), key=lambda k: (order.get(k[1], 9), k[0])):
        cells = []
        for got in (file_rows.get(key), pg_rows.get(key)):
            if got is None:
                cells.append("— | — | —")
                continue
            failed = f" (**{got['failed']} failed**)" if got.get("failed") else ""
            cells.append(f"{got['n']}{failed} | {_s(got['p50'])} | {_s(got['p95'])}")
        L.append(f"| {key[0]} | {key[1]} | {cells[0]} | {cells[1]} |")

    def all_p95(summary: list[dict]) -> str:
        worst = max((r["p95"], r["page"], r["kind"]) for r in summary
                    if r["users"] == users and r["p95"] is not None)
        return f"{worst[0]:.2f} s ({worst[1]}, {worst[2]})"

    goal = R.GOALS["p95_s"].get(users)
    if goal:
        L.append("")
        for where, got in (("the file, one dashboard", fs), ("PostgreSQL, two dashboards", ps)):
            over = sorted({r["page"] for r in got["summary"] if r["users"] == users
                           and r["p95"] is not None and r["p95"] > goal})
            L.append(f"- {users} users at once on {where}, p95 ≤ {goal:.0f} s (bench/run.py's "
                     "goal): " + (f"MISSED on {', '.join(over)}" if over else "met"))
    L += ["", f"Slowest p95: file {all_p95(fs['summary'])}; PostgreSQL "
          f"{all_p95(ps['summary'])}. p95 of every visit per PostgreSQL dashboard: "
          + ", ".join(f"dashboard {i} {v:.2f} s" for i, v in ps["p95_by_server"].items()) + "."]
    for where, got in (("file", fs), ("PostgreSQL", ps)):
        if got.get("failures"):
            seen: dict[tuple, int] = {}
            for f in got["failures"]:
                key = (f["page"], f["kind"], f["error"][:120])
                seen[key] = seen.get(key, 0) + 1
            L.append(f"\nFailed visits on the {where} (the first 20 listed; each showed an "
                     "exception instead of the page): " + "; ".join(
                         f"{page} ({kind}) ×{n}: {error}" for (page, kind, error), n
                         in seen.items()))
        logged = got.get("tracebacks", []) + [t for s in got.get("servers", [])
                                              for t in s.get("tracebacks", [])]
        for t in dict.fromkeys(logged):
            L += ["", f"A traceback in the {where} dashboard's log (its last lines):", "",
                  "```", t[-1500:], "```"]
    mem = fs["memory"][-1]
    L += ["", "| dashboard | start s | RSS after | peak RSS | RSS 5 s later | CPU s | visits "
          "| its time per view p50 / p95 s | wall s | machine busy |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
          f"| the file | {_s(fs.get('start_s'), 1)} | {mem['rss_mb']:,} MB | "
          f"{mem['peak_mb']:,} MB | {fs['idle_rss_mb']:,} MB | {mem['server_cpu_s']:.1f} | "
          f"{mem['visits']} | {_s(mem['server_run_p50'])} / {_s(mem['server_run_p95'])} | "
          f"{mem['wall_s']:.0f} | {mem['machine_busy']:.0%} |"]
    for s in ps["servers"]:
        L.append(f"| PostgreSQL {s['server']} | {s['start_s']:.1f} ({s['mirror']}) "
                 f"| {s['rss_mb']:,} MB | "
                 f"{s['peak_mb']:,} MB | {s['idle_rss_mb']:,} MB | {s['cpu_s']:.1f} | "
                 f"{s['visits']} | {_s(s['run_p50'])} / {_s(s['run_p95'])} | "
                 f"{ps['wall_s']:.0f} | {ps['machine_busy']:.0%} |")
    L += ["", "*Start*: from `python app.py` to its first answer (the first page worked out "
          "meanwhile; on PostgreSQL the mirror made or caught up first: each dashboard takes "
          "the first free mirror file of the cache folder, and one with none left makes its "
          "own from nothing). The sessions' action on PostgreSQL took "
          + ", ".join(f"{a:.2f} s" for a in ps["actions_s"])
          + f"; its process opened its store in {ps['writer_open_s']:.1f} s.", ""]
    return L


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    p.add_argument("--store", help="the DuckDB store to copy and compare (it is written to)")
    p.add_argument("--sessions", type=int, default=20,
                   help="users at once over the dashboards (0: no sessions)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--copies", type=int, default=3,
                   help="copies into PostgreSQL, each into a new database (the median is shown)")
    p.add_argument("--repeat", type=int, default=REPEAT,
                   help="actions and writes per page function (the median is shown)")
    p.add_argument("--revision", default="", help="the code's revision, to print with the run")
    p.add_argument("--out", default=str(ROOT / "bench" / "results-pg.md"))
    p.add_argument("--json", help="also write the run's figures here")
    p.add_argument("--findings", help="a Markdown file whose text ends the tables")
    p.add_argument("--render", metavar="JSON", help="only write the Markdown from a run's JSON")
    args = p.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        fn = CHILDREN[kind]
        params = list(inspect.signature(fn).parameters.values())
        values = [int(v) if prm.annotation in ("int", int) else v
                  for prm, v in zip(params, rest, strict=True)]
        print(json.dumps(fn(*values), default=str), flush=True)
        return 0
    if args.render:
        res = json.loads(Path(args.render).read_text())
    else:
        if not args.store:
            p.error("--store is required")
        res = measure(args)
        if args.json:
            Path(args.json).write_text(json.dumps(res, indent=1, default=str))
    if args.findings:
        res["findings"] = Path(args.findings).read_text(encoding="utf-8")
    text = markdown(res)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
