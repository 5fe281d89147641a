"""What a platform module declares: its layouts, each with the headers that recognise it, the
ones it cannot do without, its status words and the function that reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.ingest.formats.reading import Sheet
    from pipeline.ingest.formats.values import Cells

Headers = tuple[tuple[str, ...], ...]   # groups of headers: one header of each group
Reader = Callable[["Cells"], tuple[dict[str, "pd.DataFrame"], list[str]]]


@dataclass(frozen=True)
class Layout:
    """One file layout: `signature` makes a file a candidate (a header of each group present),
    `headers` (its full export) weigh the candidates, `required` must be there to read it."""

    name: str                   # what the import calls it: `taobao_orders`
    read: Reader                # cells -> (canonical frames by table, notes)
    signature: Headers
    required: Headers
    headers: tuple[str, ...] = ()
    # header -> its status words and what each means, as `read` maps them
    words: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    sliced: bool = False        # a large CSV is read in slices
    kept_together: tuple[str, ...] | None = None   # header whose rows a slice never splits


@dataclass(frozen=True)
class Platform:
    """A platform's layouts, best first where two of them know as many of a file's headers."""

    key: str                    # the orders' platform (`taobao`); layouts share it on a tie
    layouts: tuple[Layout, ...]
    source_tz: str | None = None    # the time zone naive times are written in; None: the desk's
    # (layout, sheet) -> the platform of a file's orders when it is not `key` (None: each row's)
    platform_of: Callable[[str, Sheet], str | None] | None = None

    def orders_platform(self, layout: str, sheet: Sheet) -> str | None:
        """The platform of the orders of a file in `layout` (None: named on each row)."""
        return self.key if self.platform_of is None else self.platform_of(layout, sheet)
