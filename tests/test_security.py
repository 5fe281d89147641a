"""Security settings and hostile text: the committed config, no user text as HTML, uploads checked.

Every page listed in app.py is run on a store whose orders carry script and image tags in the
fields people type (buyer message, seller note, address, titles): the text must arrive as text.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.apptest import fresh_app, make_store, store_file

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = f"请尽快发货 {SCRIPT} {IMG}"
MARKERS = (SCRIPT, IMG)


def app_pages() -> list[str]:
    """The pages registered in app.py's navigation, in order."""
    found = re.findall(r'st\.Page\(\s*(?:HERE / )?"(pages/[^"]+\.py)"',
                       (ROOT / "app.py").read_text())
    assert len(found) >= 9, "app.py's pages are found"  # the tests over them are never empty
    return found


def ui_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
            *sorted((ROOT / "ui").glob("*.py"))]


# ---------------------------------------------------------------------------------------------
# The committed Streamlit config


def test_config_keeps_xsrf_on_static_off_and_a_deliberate_upload_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableStaticServing"] is False
    assert server.get("enableCORS", True) is True
    limit = server["maxUploadSize"]  # stated, not left to the default
    assert isinstance(limit, int) and 1 <= limit <= 1024
    assert config["browser"]["gatherUsageStats"] is False


def test_the_import_page_checks_size_server_side_within_the_config_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    text = (ROOT / "pages" / "import.py").read_text(encoding="utf-8")
    found = re.search(r"MAX_FILE_BYTES\s*=\s*([0-9 *]+)\n", text)
    assert found, "pages/import.py checks the size of each upload itself"
    limit = eval(found.group(1), {"__builtins__": {}})  # digits and * only, matched above
    assert limit <= config["server"]["maxUploadSize"] * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# No user text reaches raw HTML


def _html_sinks(tree: ast.AST) -> Iterator[tuple[int, ast.Call]]:
    """Calls that render raw HTML: st.html, components html/iframe, unsafe_allow_html=True."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", "")
        unsafe = any(k.arg == "unsafe_allow_html" and not (
            isinstance(k.value, ast.Constant) and k.value.value is False) for k in node.keywords)
        if unsafe or name in ("html", "iframe", "declare_component"):
            yield node.lineno, node


def _constant(node: ast.expr) -> bool:
    """A string fixed in the source: a literal, or literals joined with + / implicit concat."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant(node.left) and _constant(node.right)
    return False


def test_raw_html_is_only_ever_a_constant_string():
    offenders = []
    for path in ui_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, call in _html_sinks(tree):
            body = call.args[0] if call.args else next(
                (k.value for k in call.keywords if k.arg in ("body", "html")), None)
            if body is None or not _constant(body):
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == [], "raw HTML built from data (user text could reach it)"


def test_the_sink_finder_sees_what_it_must():
    code = ("st.markdown(msg, unsafe_allow_html=True)\n"
            "st.markdown('<br>', unsafe_allow_html=True)\n"
            "st.html(f'<b>{x}</b>')\n"
            "st.markdown(msg)\n")
    found = [(line, _constant(c.args[0])) for line, c in _html_sinks(ast.parse(code))]
    assert sorted(found) == [(1, False), (2, True), (3, False)]


# ---------------------------------------------------------------------------------------------
# Hostile text through every page


ORDERS = [
    {"order_id": "4100000000000000001", "created_at": "2026-11-20 09:00",
     "paid_at": "2026-11-20 09:05", "status_norm": "paid", "is_paid": True,
     "order_total": 100, "paid": 100, "buyer": f"buyer{IMG}", "receiver": f"张三{SCRIPT}",
     "province": "浙江省", "city": "杭州市", "district": "西湖区", "address": f"文三路 {IMG}",
     "buyer_message": HOSTILE, "seller_note": f"备注 {SCRIPT}"},
    {"order_id": "4100000000000000002", "created_at": "2026-11-20 10:00",
     "status_norm": "unpaid", "is_paid": False, "order_total": 30, "paid": 0,
     "buyer_message": HOSTILE},
]
LINES = [
    {"order_id": "4100000000000000001", "line_id": "1", "sku": "SKU-1",
     "title": f"口红 {SCRIPT}", "quantity": 1, "unit_price": 100, "paid": 100},
    {"order_id": "4100000000000000002", "line_id": "1", "sku": "SKU-2",
     "title": f"面霜 {IMG}", "quantity": 1, "unit_price": 30, "paid": 30},
]


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    return store_file(tmp_path / "hostile.duckdb", ORDERS, LINES)


def _walk(node) -> Iterator:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def _frame_text(df: pd.DataFrame) -> str:
    # every cell as text, a missing one too (astype(str) leaves a missing number missing)
    return "\n".join([str(v) for v in df.to_numpy().ravel()] + [str(c) for c in df.columns])


PLAIN = {"dataframe", "table", "text", "code", "metric", "json"}
MARKDOWN = {"markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
            "success", "toast", "exception", "latex"}


def where_hostile_text_shows(at) -> dict[str, list[str]]:
    """Element types holding the hostile markers: plain-text elements, markdown, raw HTML."""
    seen: dict[str, list[str]] = {"plain": [], "markdown": [], "html": []}
    for node in _walk(at._tree):
        kind = getattr(node, "type", "")
        if kind not in PLAIN | MARKDOWN | {"html"}:
            continue
        value = node.value
        text = _frame_text(value) if isinstance(value, pd.DataFrame) else str(value)
        if not any(m in text for m in MARKERS):
            continue
        if kind == "html" or getattr(node.proto, "allow_html", False):
            seen["html"].append(kind)
        elif kind in MARKDOWN:
            seen["markdown"].append(kind)
        else:
            seen["plain"].append(kind)
    return seen


def test_the_detector_tells_text_from_markdown_and_html():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "import pandas as pd, streamlit as st\n"
        f"m = {HOSTILE!r}\n"
        "st.dataframe(pd.DataFrame({'message': [m]}))\n"
        "st.text(m)\n"
        "st.caption(m)\n"
        "st.markdown(m, unsafe_allow_html=True)\n"
        "st.html('<p>' + m + '</p>')\n"
        "with st.sidebar:\n"
        "    st.error(m)\n"
    ).run()
    assert where_hostile_text_shows(at) == {
        "plain": ["dataframe", "text"], "markdown": ["caption", "error"],
        "html": ["markdown", "html"]}


@pytest.mark.parametrize("page", app_pages())
def test_every_page_shows_hostile_text_as_text(hostile_db, monkeypatch, page):
    at = fresh_app(hostile_db, monkeypatch, page=page)
    assert not at.exception, [e.value for e in at.exception]
    seen = where_hostile_text_shows(at)
    assert seen["html"] == [], f"{page}: user text rendered as raw HTML"
    assert seen["markdown"] == [], f"{page}: user text rendered as markdown, show it as text"


def test_buyer_messages_are_listed_as_plain_text_somewhere(hostile_db, monkeypatch):
    """The pages that list orders (overdue, queue) show the message, as table cells."""
    shown_on = [page for page in app_pages()
                if where_hostile_text_shows(fresh_app(hostile_db, monkeypatch, page=page))["plain"]]
    assert shown_on, "no page lists the buyer message of an open order"


# ---------------------------------------------------------------------------------------------
# Uploads: layout checked server-side, refused files leave the store unchanged


def test_an_upload_with_a_hostile_name_and_no_layout_is_refused_as_text(hostile_db, monkeypatch):
    before = _snapshot(hostile_db)
    at = fresh_app(hostile_db, monkeypatch, page="pages/import.py")
    at.file_uploader(key="import_files").set_value(
        (f"{IMG}.csv", b"foo,bar\n1,2\n", "text/csv"))
    submit = next(b for b in at.button if b.label == "导入")
    submit.click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("\\<img src" in e for e in errors), errors  # the name escaped in the sentence
    details = [x.value for x in at.text]  # the reader's reason, as plain text
    assert any("无法识别文件格式" in d for d in details), details  # said in the page's language
    assert _snapshot(hostile_db) == before


def _snapshot(db: Path) -> tuple:
    """The store's imported facts and its data version (the app must be closed)."""
    import streamlit as st

    st.cache_resource.clear()  # the app's store holds the file; release it
    s = make_store(db)
    con = s.cursor()
    out = (
        con.execute("select * from orders order by all").fetchall(),
        con.execute("select * from order_lines order by all").fetchall(),
        con.execute("select count(*) from imports").fetchall(),
        s.data_version(),
    )
    s.close()
    return out


# ---------------------------------------------------------------------------------------------
# The store is private (issue 27, point 3)

PRIVATE_RUN = """
import os, stat, sys
from pathlib import Path
os.umask(0)                                   # the loosest mask a desk could be started with
from pipeline.accounts import users
from pipeline.db.store import Store
db = Path(sys.argv[1])
s = Store(db)
users.add_user(s, "Mia", "manager", "plum tree at dawn", by="test")
out = Path(sys.argv[2])
out.write_bytes(b"a workbook")                # a file written after the store opened
files = [db, db.with_name(db.name + ".wal"), db.with_name(db.name + ".id"), db.parent, out]
for f in files:
    print(f.name, oct(stat.S_IMODE(f.stat().st_mode)) if f.exists() else "absent")
s.close()
"""


def test_the_store_its_write_ahead_file_and_what_the_desk_writes_are_the_owners_only(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "data" / "desk.duckdb"
    got = subprocess.run([sys.executable, "-c", PRIVATE_RUN, str(db), str(tmp_path / "w.xlsx")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    modes = dict(line.split() for line in got.stdout.splitlines())
    assert modes == {"desk.duckdb": "0o600", "desk.duckdb.wal": "0o600",
                     "desk.duckdb.id": "0o600", "data": "0o700", "w.xlsx": "0o600"}


def test_a_store_made_readable_by_others_before_is_made_the_owners_only(tmp_path):
    from pipeline.db.store import Store

    db = tmp_path / "old.duckdb"
    Store(db).close()
    db.chmod(0o644)
    Store(db).close()
    assert oct(db.stat().st_mode & 0o777) == "0o600"


# ---------------------------------------------------------------------------------------------
# Plain words for store faults (issue 27, point 8)

CUT_OFF = """
import os, sys
from pipeline.accounts import users
from pipeline.db.store import Store
s = Store(sys.argv[1])
s.con.execute("checkpoint")
users.add_user(s, "Mia", "manager", "plum tree at dawn", by="test")   # left in the WAL
os._exit(0)                                                            # no checkpoint
"""


def test_a_store_file_replaced_under_its_write_ahead_file_is_said_in_plain_words(tmp_path):
    import shutil
    import subprocess
    import sys

    from pipeline.db.store import Store

    db, other = tmp_path / "desk.duckdb", tmp_path / "other.duckdb"
    Store(other).close()
    done = subprocess.run([sys.executable, "-c", CUT_OFF, str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    shutil.copy(other, db)                                # replaced, its WAL left beside it
    got = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), "--wait", "0",
                          "user", "list"], cwd=ROOT, capture_output=True, text=True,
                         env={**__import__("os").environ, "ORDERDESK_NEW_STORE": "1"},
                         timeout=300)
    assert got.returncode == 2
    assert got.stderr.count("\n") == 1 and "Traceback" not in got.stderr
    assert "replaying" not in got.stderr.lower()          # not DuckDB's own words
    assert "does not match its write-ahead file desk.duckdb.wal" in got.stderr
    assert "move desk.duckdb.wal aside" in got.stderr
