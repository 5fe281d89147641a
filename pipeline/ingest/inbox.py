"""The inbox: a folder whose new exports are imported by themselves.

The dashboard looks into it every minute (`data/inbox/`, setting `inbox_dir`), and so does
`python -m pipeline watch DIR` on a server without the dashboard. Every file of a known kind
(.csv, .txt, .xlsx) is imported as if uploaded, each import in the history, signed `inbox`.
A file is taken once it has stopped growing (its size and modification time unchanged since
the last look), so a file still being copied is never read half-way. Importing the same bytes
again changes nothing (the import log keeps each file's SHA-256), so files may stay in the
folder; nothing is moved or deleted.

A subfolder names the shop of its files (DESIGN §13): `inbox/Prime picks/orders_export.csv` is
imported as `import --shop "Prime picks"` would (rows whose file names their shop keep it);
files directly in the inbox go to the shop their file names, else the platform's unnamed shop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.db.store import ROOT, Store
from pipeline.ingest.importing import ImportResult, import_path, sha256

DEFAULT_DIR = ROOT / "data" / "inbox"
KINDS = (".csv", ".txt", ".xlsx")
AUTHOR = "inbox"


@dataclass
class Inbox:
    """One folder and what it looked like at the last look (file -> (size, mtime))."""

    folder: Path
    seen: dict[str, tuple[int, float]] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)      # files imported (or found already imported)

    def has_files(self) -> bool:
        """Whether the folder (or a shop's subfolder) holds any file of a kind it imports."""
        return any(True for _ in self.files())

    def files(self) -> list[tuple[Path, str | None]]:
        """The files of a kind it imports, each with the shop its subfolder names (None for a
        file directly in the inbox), in name order."""
        found: list[tuple[Path, str | None]] = []
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_dir():
                found += [(p, path.name) for p in sorted(path.iterdir()) if _importable(p)]
            elif _importable(path):
                found.append((path, None))
        return found

    def look(self, store: Store) -> list[ImportResult]:
        """Import the files that are new and have stopped growing since the last look."""
        results: list[ImportResult] = []
        if not self.folder.is_dir():
            return results
        now: dict[str, tuple[int, float]] = {}
        for path, shop in self.files():
            st = path.stat()
            key = str(path)
            now[key] = (st.st_size, st.st_mtime)
            if key in self.done and self.seen.get(key) == now[key]:
                continue
            if self.seen.get(key) != now[key]:
                continue    # new or still growing: taken at the next look if it holds still
            if _already_imported(store, path):
                self.done.add(key)
                continue
            results.append(import_path(store, path, by=AUTHOR, shop=shop))
            self.done.add(key)
        self.seen = now
        return results


def _importable(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in KINDS and not path.name.startswith(".")


def _already_imported(store: Store, path: Path) -> bool:
    try:
        digest = sha256(path.read_bytes())
    except OSError:
        return False
    rows = store.cursor().execute("select count(*) from imports where sha256 = ?",
                                  [digest]).fetchall()
    return rows[0][0] > 0


def inbox_dir(value: str | None) -> Path:
    """The folder the setting `inbox_dir` names (relative to the desk's folder), else
    `data/inbox/`."""
    if not value:
        return DEFAULT_DIR
    p = Path(value).expanduser()
    return p if p.is_absolute() else ROOT / p
