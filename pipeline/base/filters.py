"""The global filters (date range, shops, platforms; the currency shown) as bound SQL parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Filters:
    """Orders created between `date_from` and `date_to` (inclusive), in `shops` and `platforms`.

    Empty tuples mean "all". `currency` is whose money is shown (never a filter on the orders
    counted); None means the desk's currency. It is not part of `params()`: money queries bind
    it with `pipeline.desk.money.money_params`.
    """

    date_from: date | None = None
    date_to: date | None = None
    shops: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    currency: str | None = None

    def params(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "shops": list(self.shops),
            "platforms": list(self.platforms),
        }


ALL = Filters()

# Every filtered query starts from the table macro defined in sql/schema.sql:
#   from filtered_orders($date_from, $date_to, $shops, $platforms) as o
