"""The import's decoding step, the part of the floor of `bench/run.py` that its design fixes,
measured other ways on the same GBK files.

    python bench/decode_floor.py DIR/taobao_orders.csv DIR/taobao_items.csv [--runs 3]

The floor of `bench/run.py` converts the file to UTF-8 with the standard library's GB18030
decoder, in one process, in 4 MB blocks. Here the same conversion is timed:

- `stdlib`: that (the floor's own figure, measured again beside the others);
- `iconv`: glibc's iconv (GB18030 to UTF-8, bytes to bytes, through ctypes: no package);
- each of them in two processes, the file split at the line end nearest its middle. GB18030
  never uses the newline byte inside a character (a two-byte character's second byte is
  0x40-0x7E or 0x80-0xFE, a four-byte one's second and fourth 0x30-0x39), so the byte after
  any newline starts a character and each half decodes on its own.

Each variant's wall and CPU seconds (its own and its children's) are the median of `--runs`
runs; the UTF-8 text is thrown away, as in the floor. Before the timing, each variant's
output is written out once and compared with the standard library's, byte for byte: a
variant that differs is reported as such, not as faster. A script, never a timed test; on a
machine shared with other work the figures move with it.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import hashlib
import multiprocessing
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

BLOCK = 1 << 22          # 4 MB, as the floor and the import's converter read
ENCODING = "gb18030"


def _cpu() -> float:
    """CPU seconds of this process and of its children waited for (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _blocks(path: str, start: int, end: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        f.seek(start)
        left = end - start
        while left > 0 and (block := f.read(min(BLOCK, left))):
            left -= len(block)
            yield block


def stdlib_utf8(path: str, start: int, end: int) -> Iterator[bytes]:
    """The bytes [start, end) of the file as UTF-8, by the standard library's decoder."""
    import codecs

    decoder = codecs.getincrementaldecoder(ENCODING)()
    for block in _blocks(path, start, end):
        yield decoder.decode(block).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


class Iconv:
    """glibc's iconv, GB18030 to UTF-8, bytes to bytes."""

    E2BIG, EINVAL = 7, 22

    def __init__(self) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.open = libc.iconv_open
        self.open.restype = ctypes.c_void_p
        self.open.argtypes = (ctypes.c_char_p, ctypes.c_char_p)
        self.conv = libc.iconv
        self.conv.restype = ctypes.c_size_t
        self.conv.argtypes = (ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p),
                              ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_char_p),
                              ctypes.POINTER(ctypes.c_size_t))
        self.close = libc.iconv_close
        self.close.argtypes = (ctypes.c_void_p,)
        self.cd = self.open(b"UTF-8", ENCODING.upper().encode())
        if self.cd in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "iconv_open failed")
        self.out = ctypes.create_string_buffer(2 * BLOCK + 64)

    def convert(self, data: bytes) -> tuple[bytes, bytes]:
        """(UTF-8 of `data`, the bytes left at its end: a character cut by the block)."""
        inbuf = ctypes.c_char_p(data)
        inleft = ctypes.c_size_t(len(data))
        outbuf = ctypes.cast(self.out, ctypes.c_char_p)
        outleft = ctypes.c_size_t(len(self.out))
        done = self.conv(self.cd, ctypes.byref(inbuf), ctypes.byref(inleft), ctypes.byref(outbuf),
                         ctypes.byref(outleft))
        if done == ctypes.c_size_t(-1).value:
            err = ctypes.get_errno()
            if err != self.EINVAL:   # EINVAL: an incomplete character at the end, kept
                raise OSError(err, f"iconv failed {len(data) - inleft.value} bytes in")
        produced = len(self.out) - outleft.value
        return self.out.raw[:produced], data[len(data) - inleft.value:]


def iconv_utf8(path: str, start: int, end: int) -> Iterator[bytes]:
    conv = Iconv()
    rest = b""
    for block in _blocks(path, start, end):
        got, rest = conv.convert(rest + block)
        yield got
    if rest:
        raise ValueError(f"{len(rest)} bytes at the end are no whole character")


DECODERS: dict[str, Callable[[str, int, int], Iterator[bytes]]] = {
    "stdlib": stdlib_utf8, "iconv": iconv_utf8}


def split_at_line_end(path: str, parts: int) -> list[tuple[int, int]]:
    """(start, end) of `parts` pieces of the file, each but the last ending just after a
    newline byte (a character's start in GB18030)."""
    size = os.path.getsize(path)
    cuts = [0]
    with open(path, "rb") as f:
        for k in range(1, parts):
            f.seek(max(cuts[-1], size * k // parts))
            chunk = f.read(1 << 20)
            nl = chunk.find(b"\n")
            if nl < 0:
                break
            cuts.append(f.tell() - len(chunk) + nl + 1)
    cuts.append(size)
    return list(zip(cuts, cuts[1:], strict=False))


def _piece(args: tuple[str, str, int, int, str]) -> int:
    """One process's piece: converted and thrown away (or written to `out`); its UTF-8 size."""
    decoder, path, start, end, out = args
    size = 0
    sink = open(out, "wb") if out else None   # noqa: SIM115 (closed below)
    try:
        for chunk in DECODERS[decoder](path, start, end):
            size += len(chunk)
            if sink:
                sink.write(chunk)
    finally:
        if sink:
            sink.close()
    return size


def convert(decoder: str, path: str, parts: int, out: str = "") -> dict:
    """The whole file converted in `parts` processes (1: in this one); seconds, CPU seconds
    and UTF-8 bytes. With `out`, each piece is written to `out.N`."""
    pieces = split_at_line_end(path, parts)
    jobs = [(decoder, path, a, b, f"{out}.{k}" if out else "") for k, (a, b) in enumerate(pieces)]
    t0, c0 = time.perf_counter(), _cpu()
    if parts == 1:
        sizes = [_piece(jobs[0])]
    else:
        with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
            sizes = pool.map(_piece, jobs)
    return {"seconds": time.perf_counter() - t0, "cpu": _cpu() - c0, "utf8_bytes": sum(sizes),
            "pieces": len(pieces)}


def digest(out: str, pieces: int) -> str:
    h = hashlib.sha256()
    for k in range(pieces):
        with open(f"{out}.{k}", "rb") as f:
            while block := f.read(BLOCK):
                h.update(block)
        os.unlink(f"{out}.{k}")
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--parts", type=int, default=2, help="processes of the split variants")
    p.add_argument("--tmp", default="/tmp", help="where each variant's output is compared")
    a = p.parse_args(argv)
    variants = [(d, n) for d in DECODERS for n in (1, a.parts)]
    print(f"{os.cpu_count()} cores; median of {a.runs} runs; load average before: "
          f"{os.getloadavg()[0]:.1f}")
    print("| file | MB | decoder | processes | seconds | CPU s | × stdlib, one process "
          "| same UTF-8 as stdlib |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for path in a.files:
        mb = os.path.getsize(path) / 2**20
        out = str(Path(a.tmp) / f"decode_floor.{os.getpid()}")
        sums = {}
        for d, n in variants:
            got = convert(d, path, n, out)
            sums[(d, n)] = digest(out, got["pieces"])
        base = None
        for d, n in variants:
            runs = [convert(d, path, n) for _ in range(a.runs)]
            sec = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            base = base or sec
            same = "yes" if sums[(d, n)] == sums[("stdlib", 1)] else "**no**"
            print(f"| {Path(path).name} | {mb:.0f} | {d} | {n} | {sec:.2f} | {cpu:.2f} "
                  f"| {sec / base:.2f}× | {same} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
