"""Every label in both languages, and every label the code asks for defined.

The code is read, not run. A lookup (`t`, `tc`, `label`, `Reason` and the shorthands in
LOOKUPS) names its key in the call: as a literal, as either side of a conditional, or through a
variable assigned one of those in the same function. A key built from a value (`t(f"rule_{r}")`,
`"role_" + r`) has a shape (`rule_{}`): where the code names the values (VOCABULARIES), every
value has its label; otherwise the shape is listed in DYNAMIC and at least one label has it.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

from pipeline.base import canonical
from pipeline.base.labels import LABELS, STATES, TOPICS
from pipeline.base.roles import CASE_ACTIONS, ROLES
from pipeline.db.settings import DEFAULTS
from pipeline.db.store import FAULT_KINDS
from pipeline.desk import (
    actions,
    address,
    aftersales,
    kpis,
    problems,
    promo,
    queue,
    sla,
    stock,
    team,
)
from pipeline.ingest import bulk_ship
from pipeline.ingest.formats import LAYOUTS, TEMPLATES
from pipeline.outputs import printing

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted([*ROOT.glob("pipeline/**/*.py"), *ROOT.glob("ui/**/*.py"),
               *ROOT.glob("pages/**/*.py"), ROOT / "app.py"])
HOLE = "{}"

# A lookup -> the position of the argument that holds its key, and the keys it looks up
# (`*` is the argument).
LOOKUPS = {
    "t": (0, ("*",)), "tc": (0, ("*",)),  # ui/i18n.py: in the viewer's language
    "label": (0, ("*",)),                 # pipeline/base/labels
    "Reason": (0, ("*",)),                # pipeline/base/reasons.py: a refusal by its key
    "_word": (0, ("*",)),                 # pipeline/base/roles.py: a role or a thing in words
    "lab": (0, ("*",)),                   # ui/overdue.py, ui/bulk_ship.py: in the frame's language
    "unit": (1, ("*",)),                  # ui/overdue.py: unit(n, key)
    "_h": (0, ("col_*", "*")),            # pipeline/outputs/workbook.py: col_<key>, else <key>
    "named": (0, ("*{}",)),               # ui/overdue.py: named(prefix) shows label(prefix + value)
}
EMPTY = "empty"                           # ... and named(prefix, empty=key) shows label(key)

# Keys built from a value, and the values (as the code names them) each must have a label for.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "rule_{}": sla.RULES,
    "status_{}": (*sla.STATUSES, "imported", "partial", "skipped", "refused"),  # an import's too
    "aging_{}": sla.AGING_BUCKETS,
    "not_judged_{}": tuple(sla.NEEDS),
    "q_due_{}": (*sla.STATUSES, "not_judged"),
    "kpi_{}": kpis.KPIS + promo.MEASURES,
    "kpi_help_{}": kpis.KPIS,
    "problem_{}": problems.PROBLEMS + actions.PROBLEM_TYPES,
    "addr_{}": address.REASONS,
    "role_{}": ROLES,
    "action_{}": (*actions.ACTIONS, *CASE_ACTIONS),
    "verb_{}": actions.ACTIONS,
    "why_text_{}": tuple(actions.TEXT_NEEDED),
    "q_kind_{}": queue.BATCH_KINDS,
    "q_status_{}": queue.BATCH_STATUSES,
    "team_what_{}": tuple(w for w in team.BEHIND if w != "undone"),  # worded from team_col_undone
    "stock_basis_{}": stock.BASIS_ORDER,
    "print_col_{}": (*printing.PICK_COLUMNS, *printing.SLIP_COLUMNS, *printing.ITEM_COLUMNS),
    "print_size_{}": printing.SLIP_SIZES,
    "bulk_why_{}": bulk_ship.PROBLEMS,
    "store_fault_{}": FAULT_KINDS,
    "layout_{}": LAYOUTS,
    "tpl_{}": tuple(TEMPLATES),
    "set_{}": tuple(DEFAULTS),
    "page_{}": tuple(p.stem for p in (ROOT / "pages").glob("*.py")),
    "case_status_{}": canonical.CASE_STATUSES,
    "case_type_{}": canonical.CASE_TYPES,
    "case_phase_{}": canonical.CASE_PHASES,
    "case_act_kind_{}": actions.RECEIVED_KINDS,
    "as_actor_{}": (*{a for a in canonical.CASE_STATUS_ACTOR.values() if a}, "none"),
    "as_by_{}": aftersales.READ_BY,
}

# Keys built from values the code does not list in one place (a frame's columns, a few words
# written where they are used): at least one label has the shape.
DYNAMIC = {
    "col_{}", "q_col_{}", "team_col_{}", "usr_col_{}", "wr_col_{}", "shop_col_{}",
    "dlg_h_{}", "dlg_l_{}", "imp_{}", "imp_rej_{}", "imp_clash_{}",
    "q_{}", "q_{}_help", "od_by_{}", "team_view_{}", "promo_measure_{}", "wr_projected_{}",
    "wr_method_{}", "wr_reason_{}", "wr_basis_{}", "wr_status_{}", "why_done_{}", "may_{}",
    "auth_{}", "handoff_why_{}", "bulk_source_{}", "bulk_file_{}", "platform_{}",
    "as_col_{}", "as_h_{}", "as_read_col_{}", "as_kpi_{}", "as_source_{}", "as_view_{}",
}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _shapes(node: ast.expr) -> list[str]:
    """The keys `node` may be, a value written as HOLE; [] when nothing is written."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _shapes(node.body) + _shapes(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [left + right for left in _shapes(node.left) or [HOLE]
                for right in _shapes(node.right) or [HOLE]]
    return []


def _assigned(scope: ast.AST, name: str) -> list[ast.expr]:
    """What `name` is assigned in `scope` (the function around a lookup, else the module)."""
    return [a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in a.targets)]


def _uses(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(where, the keys any of which will do) for each key a lookup in `path` names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scope_of: dict[ast.AST, ast.AST] = {}
    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
        scope_of.update((node, scope) for node in ast.walk(scope))  # the innermost wins
    uses = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or _name(call.func) not in LOOKUPS:
            continue
        at, forms = LOOKUPS[_name(call.func)]
        args = [(arg, forms) for arg in call.args[at:at + 1]]
        args += [(k.value, ("*",)) for k in call.keywords if k.arg == EMPTY]
        for arg, forms in args:
            values = _assigned(scope_of[call], arg.id) if isinstance(arg, ast.Name) else [arg]
            for shape in (shape for value in values for shape in _shapes(value)):
                if shape.replace(HOLE, ""):   # a bare value (`t(state)`) names no key
                    keys = tuple(form.replace("*", shape) for form in forms)
                    uses.add((f"{path.relative_to(ROOT)}:{call.lineno}", keys))
    return sorted(uses)


USES = [use for path in CODE for use in _uses(path)]


def _has_shape(shape: str) -> bool:
    pattern = re.compile(".+".join(re.escape(part) for part in shape.split(HOLE)))
    return any(pattern.fullmatch(key) for key in LABELS)


def test_every_label_has_chinese_and_english():
    broken = [key for key, pair in LABELS.items()
              if not (isinstance(pair, tuple) and len(pair) == 2
                      and all(isinstance(text, str) and text.strip() for text in pair))]
    assert broken == []


def test_no_key_is_in_two_topics():
    counts = Counter(key for topic in TOPICS for key in topic.LABELS)
    assert [key for key, n in counts.items() if n > 1] == []
    assert sum(counts.values()) == len(LABELS)


def test_the_code_names_keys_through_every_lookup():
    """The scan sees the lookups it is meant to (a renamed helper would hide its keys)."""
    assert len(USES) > 500
    called = {_name(c.func) for path in CODE for c in ast.walk(ast.parse(path.read_text()))
              if isinstance(c, ast.Call)}
    assert set(LOOKUPS) <= called


def test_every_key_written_in_the_code_is_a_label():
    missing = [(where, keys) for where, keys in USES
               if all(HOLE not in key for key in keys) and not any(k in LABELS for k in keys)]
    assert missing == []


def test_every_key_built_from_a_value_is_known_here():
    built = {keys[0] for _, keys in USES if HOLE in keys[0]}
    assert sorted(built - set(VOCABULARIES) - DYNAMIC) == [], (
        "add the values to VOCABULARIES, or the shape to DYNAMIC")
    assert sorted((set(VOCABULARIES) | DYNAMIC) - built) == [], "no code builds these any more"


def test_every_value_of_a_vocabulary_has_its_label():
    missing = [shape.replace(HOLE, value) for shape, values in VOCABULARIES.items()
               for value in values if shape.replace(HOLE, value) not in LABELS]
    assert all(VOCABULARIES.values())
    assert missing == []


def test_every_dynamic_shape_has_a_label():
    assert sorted(shape for shape in DYNAMIC if not _has_shape(shape)) == []


def test_every_state_and_order_type_has_its_label():
    """States and order types are looked up as they are (`t(state)`, `.map(t)`)."""
    assert [s for s in (*STATES, *promo.ORDER_TYPES) if s not in LABELS] == []
