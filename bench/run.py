"""Benchmark: import, page data, report and plain-pandas figures at 10k, 100k and 1M demo orders.

    python bench/run.py                       # 10k, 100k, 1M orders; writes bench/RESULTS.md
    python bench/run.py --max 5000000         # also 5M
    python bench/run.py --sizes 2000,20000    # any sizes (a quick look)
    python bench/run.py --browser 1,5,20      # also pages in a real browser (bench/browser.py)
                                              # and without one (bench/sessions.py), at 1M
    python bench/run.py --browser 1,5,20 --nice 19   # and once more, the browsers niced

Every measurement runs in its own child process, so that its peak memory (the child's RSS
high-water mark from wait4) is its own. Each import figure has beside it a bare DuckDB scan of
UTF-8 copies of the same files and the floor of this design; the state counts and the overdue
list have beside them the same computed with plain pandas. Every table is of this one run and
says so (its start and machine); the goal lines read a page function's new minute and its
first call after a write, never the cache hit of the same call again. This is a script, never
a timed test.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from importlib import import_module
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10_000, 100_000, 1_000_000, 5_000_000)
END = datetime(2026, 11, 20, 12, 0)      # the demo's last moment and the "as of" of every figure
PAGE_MODULES = ("kpis", "sla", "problems", "queue", "promo", "stock", "allocation", "forecast",
                "freshness", "money", "search", "team", "aftersales")
SKIP = {"workbook_sheet"}                 # not page data (the daily workbook)
# Arguments of one function only (a name other functions take in another sense)
ARGS = {"aftersales.reasons_table": {"by": "sku"}}   # the reasons per SKU, with their rates
WARM_RUNS = 3
IMPORTS = 3   # the import's time is the median of so many, like the bare scan and the floor
# The goals of the performance issue (import 5× then 3×; at 1M a page function's new minute
# within 100 ms and its first call after a write within 300 ms; the same call again is a hit
# in the shared result cache, measured and shown, in no goal).
GOALS = {"import_ratio": 5.0, "peak_gb": 2.0, "page_minute_ms": 100.0, "page_write_ms": 300.0,
         "report_s": 3.0,
         # a page's settle time in a browser: one user warm / cold, p95 with 5 and 20 users
         "one_warm_s": 1.0, "one_cold_s": 2.0, "p95_s": {5: 2.0, 20: 5.0}}


# ---------------------------------------------------------------------------------------------
# Children: each prints one JSON object on its last stdout line


def child_generate(work: Path, orders: int, seed: int) -> dict:
    from pipeline.ingest.demo import write_demo

    t0 = time.perf_counter()
    paths = write_demo(work / "demo", orders=orders, seed=seed, end=END)
    return {"seconds": time.perf_counter() - t0, "paths": [str(p) for p in paths]}


def child_utf8(work: Path) -> dict:
    """UTF-8 copies of the GBK order and item reports, for the bare scan and pandas."""
    out = {}
    for name in ("taobao_orders.csv", "taobao_items.csv"):
        src, dst = work / "demo" / name, work / "utf8" / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        with open(src, encoding="gb18030", newline="") as fi, \
                open(dst, "w", encoding="utf-8", newline="") as fo:
            while chunk := fi.read(1 << 22):
                fo.write(chunk)
        out[name] = str(dst)
    return out


SCANS = 3   # the bare scan's time is the median of so many (one alone varied 1.2–1.9 s at 1M)


def child_scan(work: Path, name: str) -> dict:
    """A bare DuckDB scan of one UTF-8 copy: every column as text, every row counted; the
    median of SCANS scans, each on a fresh connection."""
    import statistics

    import duckdb

    path = str(work / "utf8" / name)
    times = []
    for _ in range(SCANS):
        con = duckdb.connect()
        t0 = time.perf_counter()
        rows = con.execute(
            "select count(*) from read_csv($p, all_varchar = true, header = true)", {"p": path}
        ).fetchall()[0][0]
        times.append(time.perf_counter() - t0)
        con.close()
    return {"seconds": statistics.median(times), "rows": rows, "all_seconds": times}


def _stored_columns(name: str, header: list[str]) -> list[tuple[str, str]]:
    """(header, type) of each column of the file the Taobao reader takes, as the store holds
    it: time, amount, integer or text (from the reader's own tables of headers)."""
    from pipeline.ingest.formats import taobao as tb

    if name == "taobao_orders.csv":
        kinds = {h: "text" for h in ("订单编号", "店铺名称", "收货地址", "订单状态")}
        for table, kind in ((tb.ORDER_TEXT, "text"), (tb.ORDER_IDS, "text"),
                            (tb.ORDER_TIMES, "time"), (tb.ORDER_AMOUNTS, "amount"),
                            (tb.ORDER_INTS, "integer")):
            kinds.update({h: kind for aliases in table.values() for h in aliases})
        kinds.update({h: "amount" for h in tb.ORDER_DISCOUNTS})
    else:
        kinds = {h: "text" for h in (*tb.ITEM_ORDER_ID, *tb.ITEM_LINE_ID, *tb.ITEM_SKU, "标题",
                                     "退款状态", "订单状态", "备注", "商品属性", "套餐信息")}
        kinds.update({"价格": "amount", "退款金额": "amount", "买家实际支付金额": "amount",
                      "购买数量": "integer"})
    return [(h, kinds[h]) for h in header if h in kinds]


def _cpu() -> float:
    """This process's CPU time so far, every thread's (user + system)."""
    import resource

    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _floor_once(work: Path, name: str) -> dict:
    """One run of each part of `child_floor`."""
    import codecs

    import duckdb

    src = work / "demo" / name
    decoder = codecs.getincrementaldecoder("gb18030")()
    t0, c0 = time.perf_counter(), _cpu()
    with src.open("rb") as f:
        while block := f.read(1 << 22):
            decoder.decode(block).encode("utf-8")
    decode = {"seconds": time.perf_counter() - t0, "cpu": _cpu() - c0}

    path = str(work / "utf8" / name)
    db = work / "floor.duckdb"
    files = (db, db.with_suffix(".duckdb.wal"))
    for p in files:
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    header = [r[0] for r in con.execute(
        "describe select * from read_csv($p, all_varchar = true, header = true)",
        {"p": path}).fetchall()]
    typed = {"time": "try_strptime({}, '%Y-%m-%d %H:%M:%S')",
             "amount": "try_cast({} as decimal(18, 2))", "integer": "try_cast({} as integer)",
             "text": "{}"}
    stored = _stored_columns(name, header)
    cols = ", ".join(typed[kind].format(f'"{h}"') + f' as "{h}"' for h, kind in stored)
    t0, c0 = time.perf_counter(), _cpu()
    con.execute("begin")
    # identifiers from the reader's fixed tables of headers only (_stored_columns), never new
    con.execute(f"create table landed as select {cols} "  # noqa: S608
                "from read_csv($p, all_varchar = true, header = true)", {"p": path})
    con.execute("commit")
    land = {"seconds": time.perf_counter() - t0, "cpu": _cpu() - c0}
    rows = con.execute("select count(*) from landed").fetchall()[0][0]
    con.close()
    for p in files:
        p.unlink(missing_ok=True)
    return {"decode": decode, "land": land, "rows": rows, "columns": len(stored)}


def child_floor(work: Path, name: str) -> dict:
    """The floor of this design: what an import built as this one is (the standard
    library's GB18030 decoder, then DuckDB loading the UTF-8 text) must do at least, each
    part alone: convert the GBK file to UTF-8 (the standard library's codec in 4 MB blocks,
    as the import's converter does), and have DuckDB land the columns the reader takes, at
    the store's types and with no check, from the UTF-8 copy into a new table of a fresh
    store file, committed. Seconds and CPU seconds of each; `bound` is the least wall time
    both need on this machine's cores, were they overlapped perfectly; each part the median
    of SCANS runs. Not the floor of any import: another decoder, or the decoding split over
    processes, would lower it (bench/decode_floor.py measures both)."""
    runs = [_floor_once(work, name) for _ in range(SCANS)]
    decode, land = ({k: statistics.median(r[part][k] for r in runs) for k in ("seconds", "cpu")}
                    for part in ("decode", "land"))
    rows, columns = runs[0]["rows"], runs[0]["columns"]
    cores = os.cpu_count() or 1
    bound = max(decode["seconds"], land["seconds"], (decode["cpu"] + land["cpu"]) / cores)
    return {"decode": decode, "land": land, "rows": rows, "columns": columns, "cores": cores,
            "bound": bound}


def child_import_one(work: Path, name: str) -> dict:
    """One report into the store the previous step left (so each has its own peak memory)."""
    from pipeline.db.store import Store
    from pipeline.ingest.importing import import_path

    db = work / "store.duckdb"
    if name == "taobao_orders.csv":  # a fresh store, on purpose: the file, its log and marker
        for p in (db, db.with_suffix(".duckdb.wal"), db.with_suffix(".duckdb.id")):
            p.unlink(missing_ok=True)
    store = Store(db)
    t0 = time.perf_counter()
    r = import_path(store, work / "demo" / name, by="bench")
    seconds = time.perf_counter() - t0
    store.close()
    return {"seconds": seconds, "status": r.status, "rows_read": r.rows_read,
            "rows_imported": r.rows_imported, "rows_rejected": r.rows_rejected,
            "message": r.message[:300]}


def page_functions() -> list[tuple[str, Callable]]:
    """The public `(con, …)` functions of the topic modules that exist."""
    found = []
    for mod_name in PAGE_MODULES:
        try:
            mod = import_module(f"pipeline.desk.{mod_name}")
        except ImportError:
            continue
        for name, fn in inspect.getmembers(mod, inspect.isfunction):
            if fn.__module__ != mod.__name__ or name.startswith("_") or name in SKIP:
                continue
            if name.endswith("_section"):
                continue  # report sections: timed through `report`
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "con":
                found.append((f"{mod_name}.{name}", fn))
    return found


def _context(con: Any) -> dict[str, Any]:
    """Values for the parameters page functions take, from the store itself."""
    from pipeline.base.filters import ALL

    ctx: dict[str, Any] = {"f": ALL, "as_of": END}
    try:
        from pipeline.desk.kpis import latest_day

        ctx["day"] = latest_day(con, ALL)
    except Exception:
        ctx["day"] = END.date()
    try:
        from pipeline.desk.promo import default_period

        period = default_period(con, END)
        ctx["name"] = ctx["promo_name"] = period[0] if period else None
    except Exception:
        pass
    try:
        from pipeline.desk.queue import batches

        b = batches(con, ALL, END)
        if len(b):
            ctx["batch_id"] = b["batch_id"].iloc[0]
    except Exception:
        pass
    row = con.execute("select platform, shop, order_id from order_state "
                      "where state = 'paid_unprocessed' order by order_id limit 1").fetchall()
    if row:
        ctx["platform"], ctx["shop"], ctx["order_id"] = row[0]
    return {k: v for k, v in ctx.items() if v is not None}


def _timed(store: Any, fn: Callable, kwargs: dict[str, Any]) -> tuple[float, Any]:
    """Seconds of one call `fn(cursor, **kwargs)` and its result."""
    con = store.cursor()
    t = time.perf_counter()
    result = fn(con, **kwargs)
    seconds = time.perf_counter() - t
    con.close()
    return seconds, result


def child_pages(work: Path) -> dict:
    """Every page data function three ways, each against the same store: `cold`, the first
    call after a write (a new data version: nothing remembered); `minute`, the same data a
    minute later (a new moment); `warm`, the same call again (the same data and moment)."""
    from datetime import timedelta

    from pipeline.db.store import Store

    store = Store(work / "store.duckdb")
    out: dict[str, Any] = {"functions": {}, "skipped": {}}
    t0 = time.perf_counter()
    ctx = _context(store.cursor())
    out["context_seconds"] = time.perf_counter() - t0
    for label, fn in page_functions():
        sig = inspect.signature(fn)
        kwargs, missing = {}, []
        for i, (pname, p) in enumerate(sig.parameters.items()):
            if i == 0:
                continue
            if pname in ARGS.get(label, {}):
                kwargs[pname] = ARGS[label][pname]
            elif pname in ctx:
                kwargs[pname] = ctx[pname]
            elif p.default is inspect.Parameter.empty:
                missing.append(pname)
        if missing:
            out["skipped"][label] = f"needs {', '.join(missing)}"
            continue

        moments = {"as_of": END} if "as_of" in kwargs else {}
        try:
            store.run_write(lambda cur: None)     # a new data version, as after any write
            cold, result = _timed(store, fn, {**kwargs, **moments})
            minute = []
            for k in range(1, 1 + WARM_RUNS):
                if moments:
                    moments = {"as_of": END + timedelta(minutes=k)}
                minute.append(_timed(store, fn, {**kwargs, **moments})[0])
            warm = [_timed(store, fn, {**kwargs, **moments})[0] for _ in range(WARM_RUNS)]
        except Exception as exc:  # a failing function is reported, not fatal to the run
            out["skipped"][label] = f"{type(exc).__name__}: {str(exc)[:200]}"
            continue
        rows = len(result) if hasattr(result, "__len__") else None
        out["functions"][label] = {"cold": cold, "minute": statistics.median(minute),
                                   "warm": statistics.median(warm), "rows": rows,
                                   "moment": bool(moments)}
    store.close()
    return out


def child_pandas(work: Path) -> dict:
    """The state counts and the overdue list (paid, not shipped, past 3 days) in plain pandas."""
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    orders = pd.read_csv(work / "utf8" / "taobao_orders.csv", dtype=str, usecols=[
        "订单编号", "订单状态", "订单付款时间", "物流单号", "总金额", "退款金额", "发货时间",
        "店铺名称"], keep_default_na=False)
    items = pd.read_csv(work / "utf8" / "taobao_items.csv", dtype=str,
                        usecols=["主订单编号", "退款状态"], keep_default_na=False)
    load = time.perf_counter() - t0

    t0 = time.perf_counter()
    oid = orders["订单编号"].str.strip('="')
    status = orders["订单状态"]
    paid = orders["订单付款时间"].ne("")
    total = pd.to_numeric(orders["总金额"], errors="coerce").fillna(0)
    refunded = pd.to_numeric(orders["退款金额"], errors="coerce").fillna(0)
    open_refund = items.loc[items["退款状态"].str.startswith(("买家已经申请", "卖家已经同意",
                                                          "买家已经退货")), "主订单编号"]
    refunding = oid.isin(set(open_refund.str.strip('="')))
    state = np.select(
        [refunding,
         (refunded > 0) & (refunded >= total),
         status.str.startswith("交易关闭") & ~paid,
         status.str.startswith("交易关闭") & paid,
         status.isin(["交易成功", "买家已签收", "买家已签收，回款至卖家"]),
         status.str.startswith("卖家已发货"),
         status.eq("买家已付款，等待卖家发货") & orders["物流单号"].ne(""),
         status.eq("买家已付款，等待卖家发货"),
         status.eq("买家已确认，等待卖家发货")],
        ["refunding", "refunded", "closed", "refunded", "completed", "shipped",
         "paid_processed", "paid_unprocessed", "confirmed_unpaid"],
        default="unconfirmed_unpaid")
    counts = pd.Series(state).value_counts()
    state_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    paid_at = pd.to_datetime(orders["订单付款时间"], errors="coerce")
    waiting = status.eq("买家已付款，等待卖家发货") & ~refunding
    deadline = paid_at + pd.Timedelta(days=3)
    overdue = orders.loc[waiting & (deadline < pd.Timestamp(END)), ["订单编号", "店铺名称"]].assign(
        deadline=deadline[waiting & (deadline < pd.Timestamp(END))],
        hours_late=(pd.Timestamp(END) - deadline) / pd.Timedelta(hours=1),
    ).sort_values("deadline")
    overdue_seconds = time.perf_counter() - t0
    return {"load": load, "state_counts": state_seconds, "overdue": overdue_seconds,
            "states": {k: int(v) for k, v in counts.items()}, "overdue_rows": len(overdue)}


CHILDREN = {"generate": child_generate, "utf8": child_utf8, "scan": child_scan,
            "floor": child_floor, "import_one": child_import_one, "pages": child_pages,
            "pandas": child_pandas}


# ---------------------------------------------------------------------------------------------
# The parent: run children, keep their peak memory, write the table


def run_child(*args: str) -> tuple[dict, float, float]:
    """(result, wall seconds, peak RSS in MB) of `python bench/run.py --child …`."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed with {proc.returncode}:\n{out[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024


IMPORT_FILES = ("taobao_orders.csv", "taobao_items.csv", "stock.csv", "bundles.csv",
                "promotions.csv")


def _median_import(runs: list[dict]) -> dict:
    """One file's import over its runs: the median seconds and wall, every run's seconds, the
    highest peak memory, the last run's outcome (every run imports the same file into a
    fresh store; a run whose outcome differs is kept in `outcomes`)."""
    out = {**runs[-1], "seconds": statistics.median(r["seconds"] for r in runs),
           "wall": statistics.median(r["wall"] for r in runs),
           "peak_mb": max(r["peak_mb"] for r in runs),
           "all_seconds": [r["seconds"] for r in runs]}
    outcomes = {(r["status"], r["rows_imported"]) for r in runs}
    if len(outcomes) > 1:
        out["outcomes"] = sorted(outcomes)
    return out


def measure(n: int, seed: int, base: Path, log: Callable[[str], None],
            browser_users: list[int] | None = None, run: dict | None = None,
            nice: int = 0) -> dict:
    """Every measurement at `n` orders; `run` is the run's own stamp (its start and machine),
    kept with the size's results so that a table can say which run each figure is from."""
    started = time.perf_counter()
    work = base / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"orders": n, "run": run or {}}
    stamp = work / "demo" / f".done-{seed}-{END:%Y%m%d%H%M}"
    if not stamp.exists():
        log(f"[{n}] writing demo exports")
        gen, _, _ = run_child("generate", str(work), str(n), str(seed))
        res["generate_seconds"] = gen["seconds"]
        stamp.touch()
        (work / "utf8").mkdir(exist_ok=True)
        run_child("utf8", str(work))
    sizes = {p.name: p.stat().st_size for p in (work / "demo").glob("*.csv")}
    res["file_mb"] = {k: v / 2**20 for k, v in sizes.items()}

    res["scan"], res["import"] = {}, {}
    for name in ("taobao_orders.csv", "taobao_items.csv"):
        log(f"[{n}] bare scan {name}")
        scan, _, scan_peak = run_child("scan", str(work), name)
        res["scan"][name] = {**scan, "peak_mb": scan_peak}
        log(f"[{n}] the floor of {name}")
        floor, _, _ = run_child("floor", str(work), name)
        res.setdefault("floor", {})[name] = {**floor, "scan_seconds": scan["seconds"]}
    runs: dict[str, list[dict]] = {}
    for k in range(1, IMPORTS + 1):   # each time into a fresh store (the order report's child)
        for name in IMPORT_FILES:
            log(f"[{n}] import {name} ({k}/{IMPORTS})")
            imp, wall, peak = run_child("import_one", str(work), name)
            runs.setdefault(name, []).append({**imp, "wall": wall, "peak_mb": peak})
            log(f"[{n}]   {imp['seconds']:.1f}s, {peak:.0f} MB, {imp['status']}")
    res["import"] = {name: _median_import(got) for name, got in runs.items()}
    db = work / "store.duckdb"
    res["store_mb"] = db.stat().st_size / 2**20

    log(f"[{n}] page data")
    pages, _, pages_peak = run_child("pages", str(work))
    res["pages"] = {**pages, "peak_mb": pages_peak}

    log(f"[{n}] report --json")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "--db", str(db), "report",
                             "--json", "--as-of", f"{END:%Y-%m-%d %H:%M}"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    res["report"] = {"seconds": time.perf_counter() - t0, "peak_mb": usage.ru_maxrss / 1024,
                     "ok": os.waitstatus_to_exitcode(status) == 0}
    if res["report"]["ok"]:
        rep = json.loads(out)
        res["report"]["states"] = rep.get("states")
        res["report"]["overdue"] = rep.get("overdue")
    else:
        res["report"]["error"] = err[-500:]
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pipeline.cli"], cwd=ROOT, check=True)
    res["report"]["python_startup_seconds"] = time.perf_counter() - t0

    log(f"[{n}] plain pandas")
    pdres, _, pd_peak = run_child("pandas", str(work))
    res["pandas"] = {**pdres, "peak_mb": pd_peak}

    if browser_users:
        from bench import browser

        log(f"[{n}] pages in a browser, {browser_users} users")
        got = browser.measure(db, browser_users, 2, work / "streamlit.log")
        res["browser"] = {k: v for k, v in got.items() if k != "rows"}
        from bench import sessions

        log(f"[{n}] pages without a browser, {browser_users} sessions")
        got = sessions.measure(db, browser_users, 2, work / "sessions.log")
        res["sessions"] = {k: v for k, v in got.items() if k != "rows"}
        if nice:
            log(f"[{n}] pages in a browser, the browsers niced {nice}, {browser_users} users")
            got = browser.measure(db, browser_users, 2, work / "streamlit-niced.log", nice=nice)
            res["browser_niced"] = {k: v for k, v in got.items() if k != "rows"}
    res["run_seconds"] = time.perf_counter() - started
    return res


# ---------------------------------------------------------------------------------------------
# The Markdown


def machine() -> dict[str, str]:
    import duckdb
    import pandas
    import streamlit

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor() or "?")
    mem = next((int(line.split()[1]) / 2**20 for line in
                Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    return {"cores": str(os.cpu_count()), "memory": f"{mem:.1f} GB", "cpu": cpu,
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "pandas": pandas.__version__, "streamlit": streamlit.__version__,
            "date": date.today().isoformat(), "os": platform.platform()}


def _fmt_n(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


# The settle-time runs a result may hold: (its key, the section's title, what the section
# measures, the heading of each size's tables)
SETTLE_SECTIONS = (
    ("browser", "Pages in a real browser (`bench/browser.py`)",
     "Settle time from the click on a page's link to the finished script with the page's title "
     "shown, every user walking through every page twice at once; visit 1 is each session's "
     "first, visit 2 warm. The server's memory is read from /proc after each level.",
     "Pages in a browser"),
    ("browser_niced", "Pages in a real browser, the browsers niced (`bench/browser.py --nice 19`)",
     "The same walk with the browsers (and the benchmark's driver) at the lowest priority, so "
     "that the server never waits for a browser's CPU: what is left of a settle time is the "
     "browsers' own work, on the same two cores.",
     "Pages in a browser, the browsers niced"),
    ("sessions", "Pages without a browser (`bench/sessions.py`)",
     "The same walk by sessions that speak Streamlit's protocol and draw nothing (settled at "
     "the server's \"script finished\"): the server's share of a settle time, without the "
     "browsers that share its two cores here.",
     "Pages without a browser"),
)


def _machine_line(info: dict[str, str]) -> str:
    return f"{info['cores']} cores, {info['memory']} memory, {info['cpu']}"


def run_line(results: list[dict]) -> str:
    """Which run a table's figures are from: its start and machine. A table whose sizes came
    from different runs says so, size by size (the benchmark writes one run's; a table put
    together from several would show it)."""
    if any(not r.get("run") for r in results):
        return ("*Run not recorded (results of an earlier version of the benchmark): the "
                "sizes may be of different runs.*\n")
    runs: dict[tuple[str, str], list[str]] = {}
    for r in results:
        runs.setdefault((r["run"]["started"], r["run"]["machine"]), []).append(
            _fmt_n(r["orders"]))
    if len(runs) == 1:
        ((started, where),) = runs
        return f"*One run, started {started}, on {where}.*\n"
    return ("*Sizes from different runs: " + "; ".join(
        f"{', '.join(sizes)} started {started} on {where}"
        for (started, where), sizes in runs.items()) + ".*\n")


def _page_cell(f: dict) -> str:
    """new minute / after a write / warm (a cache hit), in ms, ⚠ after a figure over its
    goal; a function with no moment has no new minute of its own (·)."""
    minute = f.get("minute")
    if minute is None or not f.get("moment", True):
        m = "·"
    else:
        m = f"{minute * 1000:,.0f}" + (" ⚠" if minute * 1000 > GOALS["page_minute_ms"] else "")
    c = f"{f['cold'] * 1000:,.0f}" + (" ⚠" if f["cold"] * 1000 > GOALS["page_write_ms"] else "")
    return f"{m} / {c} / {f['warm'] * 1000:,.0f}"


def markdown(results: list[dict], info: dict[str, str], findings: str = "") -> str:
    L: list[str] = []
    L.append("# Benchmark results\n")
    L.append("Produced by `python bench/run.py` (`make bench`). Demo data of "
             "`pipeline.ingest.demo.write_demo` (about 2.5 lines per order), every figure as of "
             f"{END:%Y-%m-%d %H:%M}. Each measurement runs in its own process; peak memory is "
             "that process's RSS high-water mark. Every table is of one run (its start and "
             "machine under its title).\n")
    L.append(f"- Machine: {_machine_line(info)}")
    L.append(f"- Versions: Python {info['python']}, DuckDB {info['duckdb']}, pandas "
             f"{info['pandas']}, Streamlit {info['streamlit']} ({info['os']})")
    L.append(f"- Date: {info['date']}\n")
    when = run_line(results)

    L.append("## Import (GBK order and item reports through `pipeline.ingest.importing.import_path`)\n")
    L.append(when)
    L.append("| orders | file | MB | rows | seconds | rows/s | peak memory | bare scan s "
             "| × bare scan | floor of this design s | floor × bare scan | × floor |")
    L.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for name in ("taobao_orders.csv", "taobao_items.csv"):
            imp, scan = r["import"][name], r["scan"][name]
            ratio = imp["seconds"] / scan["seconds"] if scan["seconds"] else float("nan")
            floor = r.get("floor", {}).get(name)
            floors = (f"{floor['bound']:.2f} | {floor['bound'] / _floor_scan(floor, scan):.1f}× | "
                      f"{imp['seconds'] / floor['bound']:.1f}×" if floor else "— | — | —")
            L.append(f"| {_fmt_n(r['orders'])} | {name} | {r['file_mb'][name]:.0f} | "
                     f"{imp['rows_read']:,} | {imp['seconds']:.2f} | "
                     f"{imp['rows_read'] / imp['seconds']:,.0f} | {imp['peak_mb']:,.0f} MB | "
                     f"{scan['seconds']:.2f} | {ratio:.1f}× | {floors} |")
    L.append("")
    runs = sorted({len(r["import"][n].get("all_seconds", [0])) for r in results
                   for n in ("taobao_orders.csv", "taobao_items.csv")})
    L.append(f"*Seconds*: the median of {' or '.join(map(str, runs))} imports, each into a "
             "fresh store (peak memory: the highest); the bare scan and the floor the median "
             f"of {SCANS}, all of the same run.\n")
    L.append("*Floor of this design*: the least wall time an import built as this one is needs "
             "on this machine (the `floor` child): the larger of converting the GBK file to "
             "UTF-8 alone with the standard library's decoder, DuckDB landing the columns the "
             "reader takes at the store's types with no check into a fresh store file alone, "
             "and the CPU time of both together spread over every core; each the median of "
             f"{SCANS} runs, set against the bare scan measured beside it. It is not the floor "
             "of any import: another decoder, or the decoding split over processes, may lower it "
             "(`bench/decode_floor.py`; FINDINGS says by how much). Converting and landing:\n")
    for r in results:
        for name, floor in r.get("floor", {}).items():
            L.append(f"- {_fmt_n(r['orders'])} {name}: converting {floor['decode']['seconds']:.2f} s "
                     f"(CPU {floor['decode']['cpu']:.2f} s), landing {floor['columns']} columns "
                     f"{floor['land']['seconds']:.2f} s (CPU {floor['land']['cpu']:.2f} s), "
                     f"{floor['cores']} cores")
    L.append("")
    L.append("Statuses: " + "; ".join(
        f"{_fmt_n(r['orders'])}: " + ", ".join(
            f"{k.split('.')[0]} {v['status']} ({v['rows_imported']:,}/{v['rows_read']:,})"
            + (" (runs differed: " + ", ".join(f"{s} {n:,}" for s, n in v["outcomes"]) + ")"
               if v.get("outcomes") else "")
            for k, v in r["import"].items()) for r in results) + "\n")

    for r in results:  # a run that measured only the import, the report and the browser
        r.setdefault("pages", {"functions": {}, "skipped": {}})
    names = sorted({k for r in results for k in r["pages"]["functions"]})
    L.append("## Page data (ms: new minute / after a write / warm, a cache hit; all shops, "
             "whole period)\n")
    L.append(when)
    L.append("*New minute*: the same data a minute later, what the first view of each minute "
             "asks: the minute's shared result is new, what the data alone decides is "
             "remembered; the median of "
             f"{WARM_RUNS} minutes (·: the function takes no moment, a new minute asks it "
             "nothing new). *After a write*: the first call after a write that moves every "
             "version (as an import does: nothing remembered), without the dashboard's "
             "background warmer. *Warm*: the same call again, a hit in the shared result "
             "cache: shown for scale, in no goal. ⚠: over the goal (a new minute "
             f"{GOALS['page_minute_ms']:.0f} ms, after a write {GOALS['page_write_ms']:.0f} ms; "
             "the goals are set at 1M).\n")
    L.append("| function | " + " | ".join(_fmt_n(r["orders"]) for r in results) + " |")
    L.append("|---|" + "---:|" * len(results))
    for name in names:
        cells = []
        for r in results:
            f = r["pages"]["functions"].get(name)
            cells.append(_page_cell(f) if f else "—")
        L.append(f"| `{name}` | " + " | ".join(cells) + " |")
    skipped = {k: v for r in results for k, v in r["pages"]["skipped"].items()}
    if skipped:
        L.append("\nNot timed: " + "; ".join(f"`{k}` ({v})" for k, v in sorted(skipped.items())))
    L.append("")

    L.append("## `python -m pipeline report --json` and plain pandas\n")
    L.append(when)
    L.append("| orders | report s | report peak | pandas load s | pandas state counts s "
             "| DuckDB `kpis.state_counts` after a write s | pandas overdue s "
             "| DuckDB `sla.sla_orders` after a write s | pandas peak | store MB |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        fns = r["pages"]["functions"]
        sc = fns.get("kpis.state_counts", {}).get("cold", float("nan"))
        od = fns.get("sla.sla_orders", {}).get("cold", float("nan"))
        rp = r["report"]
        pdr = r.get("pandas")
        pandas_cells = (f"{pdr['load']:.2f} | {pdr['state_counts']:.3f} | {sc:.3f} | "
                        f"{pdr['overdue']:.3f} | {od:.3f} | {pdr['peak_mb']:,.0f} MB"
                        if pdr else "— | — | — | — | — | —")
        L.append(f"| {_fmt_n(r['orders'])} | {rp['seconds']:.2f}{'' if rp['ok'] else ' (failed)'}"
                 f" | {rp['peak_mb']:,.0f} MB | {pandas_cells} | {r['store_mb']:,.0f} |")
    L.append("\nLike with like: pandas computes from frames already loaded (the load apart), "
             "DuckDB's figure is the function's first call after a write (nothing remembered; "
             "the same call again is a cache hit, in the page data table). One difference "
             "stays: DuckDB counts the states every write keeps (their cost is in the import), "
             "pandas works them out from the columns. The report's time "
             "includes starting Python and importing the pipeline ("
             + ", ".join(f"{r['report']['python_startup_seconds']:.2f} s at "
                         f"{_fmt_n(r['orders'])}" for r in results
                         if "python_startup_seconds" in r["report"]) + ").\n")

    for key, title, intro, heading in SETTLE_SECTIONS:
        measured = [r for r in results if r.get(key)]
        if measured:
            from bench import browser

            L.append(f"## {title}\n")
            L.append(run_line(measured))
            L.append(intro + "\n")
            for r in measured:
                L.append(browser.markdown(r[key], f"{_fmt_n(r['orders'])} orders", heading))
    L.append("## Goals at the largest size\n")
    L.append(when)
    L.extend(goal_lines(results))
    L.append("")
    timed = [r for r in results if r.get("run_seconds")]
    if timed:
        L.append("This run took " + ", ".join(
            f"{r['run_seconds'] / 60:.1f} min at {_fmt_n(r['orders'])}" for r in timed)
            + " (writing the demo files, when not kept from an earlier run, included).\n")
    if findings:
        L.append("## Findings\n")
        L.append(findings.strip() + "\n")
    return "\n".join(L)


def browser_goal_lines(measured: dict | None, where: str = "in a browser") -> list[str]:
    """The settle-time goals against a browser run's summary: the slowest page of each."""
    if not measured:
        return []
    rows = measured["summary"]

    cold = ("first load", "first visit", "after a write")

    def worst(users: int, kinds: tuple[str, ...], key: str) -> tuple[float, str] | None:
        got = [(r[key], r["page"]) for r in rows if r["users"] == users and r["kind"] in kinds
               and r.get(key) is not None]
        return max(got) if got else None

    def failed(users: int, kinds: tuple[str, ...]) -> int:
        return sum(r.get("failed", 0) for r in rows if r["users"] == users and r["kind"] in kinds)

    def line(text: str, users: int, kinds: tuple[str, ...], key: str, goal: float) -> str:
        got, bad = worst(users, kinds, key), failed(users, kinds)
        if got is None and not bad:
            return f"- {text}: not measured"
        slowest = f"slowest {got[0]:.2f} s ({got[1]}; goal ≤ {goal:.0f} s)" if got else \
            f"goal ≤ {goal:.0f} s"
        if bad:   # a page that shows an exception has not settled: no time stands for it
            return f"- {text}: {slowest} MISSED: {bad} visits failed"
        return f"- {text}: {slowest} {'met' if got[0] <= goal else 'MISSED'}"

    out = [failure_line(measured, where),
           line(f"{where}, one user, a page warm", 1, ("warm",), "max", GOALS["one_warm_s"]),
           line(f"{where}, one user, the first load, a page's first visit or first view after "
                "a write", 1, cold, "max", GOALS["one_cold_s"])]
    for users, goal in GOALS["p95_s"].items():
        out.append(line(f"{where}, {users} users at once, p95", users, (*cold, "warm"), "p95",
                        goal))
    return out


def failure_line(measured: dict, where: str) -> str:
    """Whether every visit rendered its page: a page showing an exception (or the app a
    compile error) is a failure, however fast it came."""
    rows = measured["summary"]
    total = sum(r["n"] for r in rows)
    bad = [r for r in rows if r.get("failed")]
    if not bad:
        return f"- {where}, every page rendered (no exception, no compile error): met ({total} visits)"
    errors = measured.get("failures", [])
    first = f"; first: {errors[0]['page']}, {errors[0]['error']}" if errors else ""
    return (f"- {where}, every page rendered (no exception, no compile error): MISSED: "
            f"{sum(r['failed'] for r in bad)} of {total} visits failed ("
            + ", ".join(sorted({r['page'] for r in bad})) + f"){first}")


def _floor_scan(floor: dict, scan: dict) -> float:
    """The bare scan to set a floor against: the one measured beside it (on the same day's
    machine), else the import's."""
    return floor.get("scan_seconds") or scan["seconds"]


def page_goal_lines(functions: dict[str, dict]) -> list[str]:
    """The page data goals: a new minute within 100 ms (the functions that take a moment) and
    the first call after a write within 300 ms (every function). The warm figure, the same
    call again, is a hit in the shared result cache and in no goal."""
    if not functions:
        return ["- page data: not measured"]

    def line(what: str, key: str, goal: float, timed: dict[str, dict]) -> str:
        ms = {k: v[key] * 1000 for k, v in timed.items()}
        slow = sorted(((v, k) for k, v in ms.items() if v > goal), reverse=True)
        worst = max(ms.items(), key=lambda x: x[1])
        head = f"- page data, {what} ≤ {goal:.0f} ms ({len(ms)} functions): "
        if not slow:
            return head + f"met (slowest `{worst[0]}` {worst[1]:,.0f} ms)"
        return head + "MISSED by " + ", ".join(f"`{k}` {v:,.0f} ms" for v, k in slow)

    moment = {k: v for k, v in functions.items() if v.get("moment", True) and "minute" in v}
    out = []
    if moment:
        out.append(line("a new minute", "minute", GOALS["page_minute_ms"], moment)
                   + (f"; {len(functions) - len(moment)} more take no moment"
                      if len(moment) < len(functions) else ""))
    else:
        out.append("- page data, a new minute: not measured")
    out.append(line("the first call after a write", "cold", GOALS["page_write_ms"], functions))
    return out


def goal_size(sizes: list[int]) -> int:
    """The size the goals are read at: 1M orders (where they are set), else the largest."""
    return 1_000_000 if 1_000_000 in sizes else max(sizes)


def goal_lines(results: list[dict]) -> list[str]:
    if not results:
        return []
    # the goals are stated at 1M orders; a larger run (10M) is reported beside them
    big = next(r for r in results if r["orders"] == goal_size([r["orders"] for r in results]))
    out = [f"At {_fmt_n(big['orders'])} orders:"]
    for name in ("taobao_orders.csv", "taobao_items.csv"):
        ratio = big["import"][name]["seconds"] / big["scan"][name]["seconds"]
        floor = big.get("floor", {}).get(name)
        below = (f"; the floor alone is "
                 f"{floor['bound'] / _floor_scan(floor, big['scan'][name]):.1f}× and "
                 f"this import {big['import'][name]['seconds'] / floor['bound']:.1f}× its floor"
                 if floor else "")
        out.append(f"- import {name}: {ratio:.1f}× the bare scan (goal ≤ {GOALS['import_ratio']:.0f}×)"
                   f" {'met' if ratio <= GOALS['import_ratio'] else 'MISSED'}{below}")
    peak = max(v["peak_mb"] for v in big["import"].values()) / 1024
    out.append(f"- peak memory of an import: {peak:.2f} GB (goal ≤ {GOALS['peak_gb']:.0f} GB) "
               f"{'met' if peak <= GOALS['peak_gb'] else 'MISSED'}")
    out.extend(page_goal_lines(big["pages"]["functions"]))
    rep = big["report"]["seconds"]
    out.append(f"- report: {rep:.2f} s (goal ≤ {GOALS['report_s']:.0f} s) "
               f"{'met' if rep <= GOALS['report_s'] else 'MISSED'}")
    out.extend(browser_goal_lines(big.get("browser")))
    out.extend(browser_goal_lines(big.get("browser_niced"), "in a browser, the browsers niced"))
    out.extend(browser_goal_lines(big.get("sessions"), "without a browser"))
    if len(results) > 1:
        small = results[0]
        scale = big["orders"] / small["orders"]

        def growth(a: float, b: float) -> str:
            return f"{b / a:.0f}× for {scale:.0f}× the orders" if a else "?"

        imp_small = sum(small["import"][n]["seconds"] for n in ("taobao_orders.csv",
                                                                "taobao_items.csv"))
        imp_big = sum(big["import"][n]["seconds"] for n in ("taobao_orders.csv",
                                                            "taobao_items.csv"))
        out.append(f"- growth from {_fmt_n(small['orders'])} to {_fmt_n(big['orders'])}: "
                   f"import {growth(imp_small, imp_big)}, report "
                   f"{growth(small['report']['seconds'], big['report']['seconds'])}")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    p.add_argument("--sizes", help="comma-separated order counts (default 10k, 100k, 1M)")
    p.add_argument("--max", type=int, default=1_000_000, help="largest size (5000000 adds 5M)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--work", default=os.environ.get("ORDERDESK_BENCH_DIR", "/tmp/orderdesk-bench"),
                   help="where demo files and stores go (kept between runs)")
    p.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    p.add_argument("--findings", default=str(ROOT / "bench" / "FINDINGS.md"),
                   help="a Markdown file whose text goes under 'Findings' (if it exists)")
    p.add_argument("--browser", metavar="USERS",
                   help="also measure the pages in headless Chromium with these numbers of "
                        "users at once (e.g. 1,5,20), then by sessions without a browser")
    p.add_argument("--browser-sizes", metavar="SIZES",
                   help="with --browser, the sizes to measure in the browser (default: the size "
                        "the goals are set at, 1M, or the largest)")
    p.add_argument("--nice", type=int, default=0, metavar="N",
                   help="with --browser, also walk once more with the browsers N nicer "
                        "(bench/browser.py --nice), in the same run")
    p.add_argument("--pages", metavar="DIR",
                   help="only time the page data functions on DIR/store.duckdb (it is written "
                        "to: each cold call follows a write) and print the table")
    p.add_argument("--render", metavar="RESULTS_JSON",
                   help="only rewrite the Markdown from a results.json of an earlier run")
    args = p.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        fn = CHILDREN[kind]
        params = list(inspect.signature(fn).parameters.values())
        values = [Path(v) if prm.annotation in ("Path", Path) else
                  int(v) if prm.annotation in ("int", int) else v
                  for prm, v in zip(params, rest, strict=True)]
        print(json.dumps(fn(*values), default=str))
        return 0

    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [s for s in SIZES if s <= args.max])
    base = Path(args.work)
    base.mkdir(parents=True, exist_ok=True)
    info = machine()
    findings_path = Path(args.findings)
    findings = findings_path.read_text(encoding="utf-8") if findings_path.exists() else ""
    if args.pages:
        pages, _, peak = run_child("pages", args.pages)
        got = {"orders": 0, "pages": {**pages, "peak_mb": peak}}
        print(json.dumps(got, default=str))
        return 0
    if args.render:
        saved = json.loads(Path(args.render).read_text())
        results, info = saved["results"], saved["machine"]
        Path(args.out).write_text(markdown(results, info, findings), encoding="utf-8")
        return 0
    results: list[dict] = []

    def log(msg: str) -> None:
        print(f"{datetime.now():%H:%M:%S} {msg}", flush=True)

    run = {"started": f"{datetime.now():%Y-%m-%d %H:%M}", "machine": _machine_line(info)}
    users = [int(u) for u in args.browser.split(",")] if args.browser else None
    in_browser = ({int(s) for s in args.browser_sizes.split(",")} if args.browser_sizes
                  else {goal_size(sizes)})
    for n in sizes:
        results.append(measure(n, args.seed, base, log, users if n in in_browser else None, run,
                               args.nice))
        log(f"[{n}] measured in {results[-1]['run_seconds']:.0f} s")
        for where in (base / "results.json", Path(args.out).with_name("results.json")):
            where.write_text(json.dumps({"machine": info, "results": results}, indent=1,
                                        default=str))
        Path(args.out).write_text(markdown(results, info, findings), encoding="utf-8")
        log(f"[{n}] written to {args.out}")
    print(markdown(results, info, findings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
