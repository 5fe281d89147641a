"""The SQL the desk runs, kept beside the topic that runs it: `pipeline/<package>/sql/<name>.sql`.

Names are unique across the packages, so a query is asked for by its name alone."""

from __future__ import annotations

import functools
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[1]


@functools.cache
def _files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for path in sorted(PIPELINE.glob("*/sql/*.sql")):
        if path.stem in files:
            raise RuntimeError(f"two queries are named {path.stem}: {files[path.stem]} and {path}")
        files[path.stem] = path
    return files


def sql(name: str) -> str:
    """The text of the query `name` (`pipeline/<package>/sql/<name>.sql`)."""
    return _files()[name].read_text(encoding="utf-8")
