"""Who may do what: the three roles of the desk, checked where the work is done.

- `viewer` sees every page and downloads;
- `clerk` also acts on orders (confirm, remind, process, courier, note, review, flag, resolve,
  and packed: the Pack page's scan to verify, pipeline/desk/packing.py) and on after-sales cases (agree, reject, received, feedback, assign: DESIGN §11), and undoes
  their own actions;
- `manager` also imports files, changes the settings, edits promotion periods and bundles,
  undoes anyone's action and manages the accounts.

`role=None` is the person at the command line (the machine's operator): a manager. The
dashboard always passes the signed-in user's role (in open local mode, with no account yet,
the one person at this machine: a manager).
"""

from __future__ import annotations

from pipeline.base.labels import LABELS
from pipeline.base.reasons import Reason

ROLES = ("viewer", "clerk", "manager")

ORDER_ACTIONS = ("confirm", "remind", "process", "courier", "note", "review", "flag", "resolve",
                 "packed")
CASE_ACTIONS = ("agree", "reject", "received", "feedback", "assign")   # DESIGN §11

# what -> the lowest role that may do it
_LOWEST: dict[str, str] = {
    "view": "viewer",
    "download": "viewer",
    **{action: "clerk" for action in ORDER_ACTIONS},
    **{action: "clerk" for action in CASE_ACTIONS},
    "undo": "clerk",          # their own actions; see `undo_any`
    "undo_any": "manager",
    "import": "manager",
    "settings": "manager",
    "promotions": "manager",
    "bundles": "manager",
    "users": "manager",
}


class NotAllowed(Exception):
    """The role may not do this; the message (a `pipeline.base.reasons.Reason`) says who may."""


def effective(role: str | None) -> str:
    """The role that counts: None (the command line's operator) is a manager."""
    return "manager" if role is None else role


def may(role: str | None, what: str) -> bool:
    """Whether `role` may do `what` (an action name or one of the keys above)."""
    role = effective(role)
    lowest = _LOWEST.get(what)
    if lowest is None or role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(lowest)


def require(role: str | None, what: str) -> None:
    """Raise NotAllowed unless `role` may do `what`."""
    if may(role, what):
        return
    raise NotAllowed(refusal(role, what))


def refusal(role: str | None, what: str) -> Reason:
    """Why `role` may not do `what`, and who may (the thing and the roles in words)."""
    lowest = _LOWEST.get(what)
    thing = _word(f"may_{what}", f"{what} orders")
    if lowest is None:
        return Reason("why_nobody", thing=thing)
    key = "why_not_allowed_manager" if lowest == "manager" else "why_not_allowed"
    return Reason(key, role=_word(f"role_{effective(role)}", effective(role)), thing=thing,
                  lowest=_word(f"role_{lowest}", lowest))


def _word(key: str, otherwise: str) -> Reason | str:
    return Reason(key) if key in LABELS else otherwise
