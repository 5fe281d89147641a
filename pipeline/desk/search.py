"""Finding any order from one box: by id (whole or its last digits), buyer nick, receiver phone
(last 4 digits) or tracking number, across every shop and platform."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.db.queries import sql

MAX_QUERY = 100   # characters of the search text read; an id or nick is never longer
MIN_ENDING = 4    # characters of an id's or phone's ending that identify it
MAX_PHONE = 15    # digits of the longest phone number (E.164); longer digits are an id

SEARCH_COLUMNS = ["platform", "shop", "order_id", "state", "created_at", "buyer", "city",
                  "courier", "tracking_no", "matched"]


def find_orders(con: duckdb.DuckDBPyConnection, text: str, limit: int = 20) -> pd.DataFrame:
    """Orders matching `text`, the best match first, at most `limit`.

    Columns: platform, shop, order_id, state, created_at, buyer, city (the receiver's),
    courier, tracking_no (the
    effective ones, the desk's courier action included) and matched (order_id, tracking_no,
    order_id_end, phone or buyer: what the text matched). A text shorter than 2 characters
    finds only an order with exactly that id.
    """
    q = clean_query(text)
    if not q:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return con.execute(sql("search_orders"), {
        "q": q, "q_upper": q.upper(), "ending": "%" + like, "part": "%" + like + "%",
        "id_end": len(q) >= MIN_ENDING,
        "phone_end": MIN_ENDING <= len(q) <= MAX_PHONE and q.isascii() and q.isdigit(),
        "nick": len(q) >= 2, "limit": int(limit),
    }).df()


def clean_query(text: str | None) -> str:
    """The search text as matched: trimmed, a leading '#' of a Shopify name kept, capped."""
    return (text or "").strip()[:MAX_QUERY]
