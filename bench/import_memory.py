"""Server memory around one large import, in one process, as the Import page does it.

    python bench/import_memory.py FILE [--mode page|path] [--slice-rows N]

`page`: the bytes are held by the caller while they are imported (the upload's bytes), then
dropped; `path`: `import_path` reads the file itself (a large CSV in slices, never whole).
`--slice-rows`: records per slice (0: the whole file at once; default: the importer's). Prints the process's RSS (MB) before,
its high-water mark, right after the import, after `release_unused_memory()` and after
some idle seconds (DuckDB's allocator gives memory back in the background).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":")
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--mode", choices=("page", "path"), default="page")
    ap.add_argument("--idle", type=float, default=15, help="seconds idle before the last figure")
    ap.add_argument("--slice-rows", type=int, default=None,
                    help="records per slice (0: read whole; default: the importer's choice)")
    args = ap.parse_args()

    from pipeline.db.store import Store, release_unused_memory
    from pipeline.ingest.importing import import_bytes, import_path

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "mem.duckdb")
        store.cursor().execute("select 1").fetchall()
        gc.collect()
        before = rss_mb()["VmRSS"]
        path = Path(args.file)
        if args.mode == "path":
            result = import_path(store, path, by="bench", slice_rows=args.slice_rows)
        else:
            data = path.read_bytes()
            result = import_bytes(store, path.name, data, by="bench", slice_rows=args.slice_rows)
            del data
        summary = {"status": result.status, "rows": result.rows_imported}
        del result
        after = rss_mb()
        release_unused_memory()
        released = rss_mb()["VmRSS"]
        time.sleep(args.idle)
        idle = rss_mb()["VmRSS"]
        store.close()
    print(json.dumps({"file_mb": round(path.stat().st_size / 2**20, 1), "mode": args.mode,
                      "slice_rows": args.slice_rows,
                      **summary, "rss_before": before, "rss_peak": after["VmHWM"],
                      "rss_after_import": after["VmRSS"], "rss_after_release": released,
                      f"rss_after_{args.idle:g}s_idle": idle}))


if __name__ == "__main__":
    main()
