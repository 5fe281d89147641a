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


def schema_files() -> list[str]:
    """The store's schema files by name: `schema`, `users_schema`, then every other
    `pipeline/<package>/sql/*_schema.sql` (the tables of a package, like the alerts'), in the
    order they are run."""
    others = sorted(name for name in _files()
                    if name.endswith("_schema") and name not in ("schema", "users_schema"))
    return ["schema", "users_schema", *others]


def sql(name: str) -> str:
    """The text of the query `name` (`pipeline/<package>/sql/<name>.sql`)."""
    return _files()[name].read_text(encoding="utf-8")
