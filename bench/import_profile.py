"""Import timing of the GBK Taobao reports, for working on the import path.

    python bench/import_profile.py /tmp/perf1/demo100k            # times, rows/s, peak memory
    python bench/import_profile.py /tmp/perf1/demo100k --profile  # and the top of a cProfile
    python bench/import_profile.py /tmp/perf1/demo100k --slice-rows 0  # each file read whole

The directory holds `python -m pipeline demo --out DIR` files. Each import runs in its own
process into a fresh store (the order report first, then the item report into the same store,
as the benchmark does); its peak memory is that process's RSS high-water mark. Beside each
figure is a bare DuckDB scan of a UTF-8 copy of the same file (`read_csv`, all columns as
text), the ratio the goal is set against. The full benchmark is `bench/run.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("taobao_orders.csv", "taobao_items.csv")


def child_utf8(src: str, dst: str) -> dict:
    with open(src, encoding="gb18030", newline="") as fi, \
            open(dst, "w", encoding="utf-8", newline="") as fo:
        while chunk := fi.read(1 << 22):
            fo.write(chunk)
    return {}


def child_scan(path: str) -> dict:
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = con.execute(
        "select count(*) from read_csv($p, all_varchar = true, header = true)", {"p": path}
    ).fetchall()[0][0]
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def child_import(db: str, path: str, profile: str, slice_rows: str = "") -> dict:
    sys.path.insert(0, str(ROOT))
    from pipeline.db.store import Store
    from pipeline.ingest.importing import import_path

    store = Store(db)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.perf_counter()
    r = import_path(store, path, by="bench", slice_rows=int(slice_rows) if slice_rows else None)
    seconds = time.perf_counter() - t0
    if prof is not None:
        import pstats

        prof.disable()
        with open(profile, "w") as out:
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(35)
    store.close()
    return {"seconds": seconds, "status": r.status, "rows_read": r.rows_read,
            "rows_imported": r.rows_imported, "message": r.message[:300]}


def run_child(*args: str) -> tuple[dict, float]:
    """(result, peak RSS in MB) of this script run as a child."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"child {args} failed:\n{out[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("demo", type=Path)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each import")
    parser.add_argument("--repeat", type=int, default=1, help="import each file this many times")
    parser.add_argument("--slice-rows", default="",
                        help="records per slice (0: read whole; default: the importer's choice)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import_profile_") as tmp:
        work = Path(tmp)
        print("| file | rows | seconds | rows/s | peak MB | bare scan s | × bare scan |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        scans = {}
        for name in FILES:
            utf8 = work / name
            run_child("utf8", str(args.demo / name), str(utf8))
            scans[name] = min(run_child("scan", str(utf8))[0]["seconds"] for _ in range(2))
            utf8.unlink()
        for _ in range(args.repeat):
            db = work / "store.duckdb"
            for p in (db, db.with_suffix(".duckdb.wal")):
                p.unlink(missing_ok=True)
            for name in FILES:
                prof = str(work / f"{name}.prof") if args.profile else ""
                res, peak = run_child("import", str(db), str(args.demo / name), prof,
                                      args.slice_rows)
                rate = res["rows_read"] / res["seconds"] if res["seconds"] else 0
                print(f"| {name} | {res['rows_read']:,} | {res['seconds']:.2f} | {rate:,.0f} "
                      f"| {peak:,.0f} | {scans[name]:.2f} | {res['seconds'] / scans[name]:.1f}× |"
                      f"  {res['status']}", flush=True)
                if prof:
                    print(Path(prof).read_text())
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], sys.argv[3:]
        result = {"utf8": child_utf8, "scan": child_scan, "import": child_import}[kind](*rest)
        print(json.dumps(result))
        sys.exit(0)
    sys.exit(main())
