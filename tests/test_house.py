"""House rules of tests/ checked on the source: shared test data lives in one place
(tests/factories.py, tests/conftest.py and the other shared modules), and a test module never
imports another (its tests would be collected twice, and a change to one test file would
break another)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _names_a_test_module(name: str) -> bool:
    """`tests.test_x`, `tests.test_x.y`, or `test_x` as imported from tests/ itself."""
    parts = name.split(".")
    if parts[0] == "tests":
        return len(parts) > 1 and parts[1].startswith("test_")
    return parts[0].startswith("test_")


def imports_of_test_modules(source: str) -> list[str]:
    """Every import in `source`, at any depth, that reaches a test module, as written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _names_a_test_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            where = "." * node.level + (node.module or "")
            if node.module and _names_a_test_module(node.module):
                found.append(f"from {where} import {', '.join(a.name for a in node.names)}")
            elif node.module in (None, "tests"):   # from tests import test_x; from . import …
                found += [f"from {where} import {a.name}" for a in node.names
                          if a.name.startswith("test_")]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in ("importlib.import_module", "import_module",
                                             "__import__")
              and _names_a_test_module(node.args[0].value)):
            found.append(f"{ast.unparse(node.func)}({node.args[0].value!r})")
    return found


def test_no_file_of_tests_imports_a_test_module():
    files = sorted(TESTS.glob("*.py"))
    assert len(files) > 50, files   # the glob found the test files
    found = {f.name: got for f in files
             if (got := imports_of_test_modules(f.read_text(encoding="utf-8")))}
    assert found == {}, "take shared rows and helpers from tests/factories.py (fixtures from " \
                        f"tests/conftest.py) instead: {found}"


def test_every_way_of_importing_a_test_module_is_caught():
    source = '''
import tests.test_promo
import tests.test_stock as stock
import test_printing
from tests.test_problems import ADDR, event
from tests import test_hostile, factories
from test_formats import NEW_ITEMS
from .test_browser import App
from . import test_sla

def later():
    from tests.test_order_dialog import dialog_script
    importlib.import_module("tests.test_launch")

import pytest
import tests.factories
from tests.factories import ADDR
from tests import conftest
from streamlit.testing.v1 import AppTest
from pipeline.desk import stock
from tests.apptest import fresh_app
from .browser_app import serving
importlib.import_module("pipeline.desk.stock")
'''
    assert sorted(imports_of_test_modules(source)) == sorted([
        "import tests.test_promo",
        "import tests.test_stock",
        "import test_printing",
        "from tests.test_problems import ADDR, event",
        "from tests import test_hostile",
        "from test_formats import NEW_ITEMS",
        "from .test_browser import App",
        "from . import test_sla",
        "from tests.test_order_dialog import dialog_script",
        "importlib.import_module('tests.test_launch')",
    ])
