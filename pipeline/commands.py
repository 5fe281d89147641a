"""What each command of DESIGN §10 does, wherever it comes from: the command line
(pipeline/cli.py) or a dashboard handed it while it holds the store (`serve`,
pipeline/db/handoff.py). The words of the commands (`build_parser`) are here too, so a handed
command is read exactly as the command line reads it.

The person at the command line is the machine's operator and acts as a manager.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path

from pipeline.base.roles import CASE_ACTIONS  # an after-sales case's actions (DESIGN §11)
from pipeline.db import handoff
from pipeline.db.store import ROOT, Store, StoreFault, first_line

EXIT_OK, EXIT_REJECTS, EXIT_REFUSED = 0, 1, 2
ACTIONS = ("confirm", "remind", "process", "courier", "note", "review", "flag", "resolve", "undo",
           "merge", "split", "packed")


class UsageError(Exception):
    """A command's words are off (a bad --as-of): said in one line, exit 2 like argparse."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description="Order Desk")
    p.add_argument("--db", help="the store (default data/orderdesk.duckdb; env ORDERDESK_DB)")
    p.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                   help="while another program holds the store (and no dashboard serves it), "
                        "wait up to this long (default 60)")
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="import export files (layout detected from headers)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--by", default="cli", help="who imports (recorded in the import log)")
    imp.add_argument("--shop", metavar="NAME",
                     help="the shop of the files' orders where a file names none (a Shopify "
                          "export never does); default: the platform's one unnamed shop")

    rep = sub.add_parser("report", help="the store's numbers as of a moment")
    rep.add_argument("--as-of", help="'YYYY-MM-DD HH:MM' in the shop's time zone (default now)")
    rep.add_argument("--json", action="store_true", help="one JSON object")
    rep.add_argument("--xlsx", metavar="FILE", help="write the daily workbook to FILE")

    act = sub.add_parser(
        "action", help="record a desk action on an order or an after-sales case",
        usage="%(prog)s ORDER_ID ACTION | CASE_ID CASE_ACTION [--order ORDER_ID] | "
              "--order ORDER_ID CASE_ACTION [--by NAME] [--text TEXT] [--kind KIND]",
        description="ACTION (an order's): " + ", ".join(ACTIONS) + ". CASE_ACTION (an "
                    "after-sales case's): " + ", ".join((*CASE_ACTIONS, "undo")) + ".")
    act.add_argument("order_id", metavar="ID", help="the order's id, or the case's id for a "
                     "case action (with --order alone: the action)")
    act.add_argument("action", metavar="ACTION", nargs="?", choices=(*ACTIONS, *CASE_ACTIONS))
    act.add_argument("--by", default="cli", help="who acts")
    act.add_argument("--text", help="courier and tracking number (a split order's parcel: "
                     "'#N COURIER TRACKING_NO'), note, or reason; merge: the other order ids; "
                     "split: the parcels as JSON, e.g. '[{\"lines\": {\"1\": 1}}, "
                     "{\"lines\": {\"2\": 1}}]'; packed: what was scanned (a split "
                     "order's parcel first: '#2 A×1'); for a case: the reason of reject, what "
                     "customer service was told, the person assigned")
    act.add_argument("--kind", help="problem type, for flag/resolve (default manual); "
                     "resellable or damaged, for received")
    act.add_argument("--order", metavar="ORDER_ID", help="name the case by its order: the "
                     "order's one open case, or the case CASE_ID of that order")

    demo = sub.add_parser("demo", help="write demo exports")
    demo.add_argument("--orders", type=int, default=20000)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--out", default=str(ROOT / "data" / "demo"))
    demo.add_argument("--end", help="'YYYY-MM-DD HH:MM' where the data stops (default now); "
                                    "a fixed end and seed give identical files")
    watch = sub.add_parser("watch", help="import the new exports dropped into a folder")
    watch.add_argument("folder", metavar="DIR")
    watch.add_argument("--every", type=float, default=60.0, metavar="SECONDS",
                       help="how often to look (default 60)")
    watch.add_argument("--once", action="store_true", help="look twice (a file must hold "
                       "still between the looks), import, and stop")
    _user_parser(sub)
    from pipeline.outputs.scheduled import add_commands

    add_commands(sub)   # alerts, daily-report
    store = sub.add_parser("store", help="the store itself")
    store_cmd = store.add_subparsers(dest="store_command", required=True)
    copy = store_cmd.add_parser("copy", help="copy a desk's store, nothing lost (a DuckDB file "
                                             "to PostgreSQL and back): counts and checksums")
    copy.add_argument("source", metavar="FROM", help="a DuckDB file or postgresql://…")
    copy.add_argument("target", metavar="TO", help="a DuckDB file or postgresql://…")
    return p


def _user_parser(sub: argparse._SubParsersAction) -> None:
    from pipeline.base.roles import ROLES

    user = sub.add_parser("user", help="the desk's accounts (sign-in names, roles)")
    cmd = user.add_subparsers(dest="user_command", required=True)
    add = cmd.add_parser("add", help="add an account (the password is asked twice)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--email", help="an SSO e-mail that signs in as this account")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.add_argument("--password-hash", help=argparse.SUPPRESS)  # handed over beside a desk
    cmd.add_parser("list", help="the accounts (no passwords)")
    role = cmd.add_parser("set-role", help="change an account's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=ROLES)
    off = cmd.add_parser("disable", help="disable an account (it can no longer sign in)")
    off.add_argument("name", metavar="NAME")
    reset = cmd.add_parser("reset-password", help="set a new password")
    reset.add_argument("name", metavar="NAME")
    reset.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")
    reset.add_argument("--password-hash", help=argparse.SUPPRESS)


def run(store: Store, args: argparse.Namespace) -> int:
    if args.command == "import":
        return _import(store, args)
    if args.command == "report":
        return _report(store, args)
    if args.command == "user":
        return _user(store, args)
    if args.command == "watch":
        return _watch(store, args)
    if args.command in ("alerts", "daily-report"):
        from pipeline.outputs.scheduled import run_command

        return run_command(store, args)
    return _action(store, args)


def refusal(exc: BaseException) -> bool:
    """Whether `exc` is a refusal said in one line (a role that may not, an account rule, an
    action the order refuses, an untrusted hand-off socket), not a fault to trace."""
    from pipeline.accounts.users import UserError
    from pipeline.base.roles import NotAllowed
    from pipeline.desk.actions import ActionError

    return isinstance(exc, StoreFault | UsageError | UserError | NotAllowed | ActionError
                      | handoff.Refused | handoff.NoAnswer)


def run_handed(store: Store, argv: list[str]) -> tuple[int, str, str]:
    """A command handed over by another process, run on `store` (the dashboard's): its exit
    code and what it printed. A refusal is one line and exit 2; anything else that fails too,
    its details in the dashboard's log."""
    def handed() -> int:
        args = build_parser().parse_args(argv)
        if args.command not in handoff.COMMANDS:
            print(f"error: {args.command} is not handed over; stop the desk first",
                  file=sys.stderr)
            return EXIT_REFUSED
        try:
            return run(store, args)
        except Exception as exc:
            if not refusal(exc):
                logging.getLogger("pipeline.cli").exception("handed command %s failed",
                                                            args.command)
                print(f"error: the desk could not do this: {first_line(exc)}; the details "
                      "are in its log", file=sys.stderr)
            else:
                print(f"error: {first_line(exc)}", file=sys.stderr)
            return EXIT_REFUSED

    return handoff.captured(handed)


def _import(store: Store, args: argparse.Namespace) -> int:
    from pipeline.ingest.importing import import_path  # the readers load only for an import

    code = EXIT_OK
    for f in args.files:
        result = import_path(store, f, by=args.by, shop=args.shop)
        stream = sys.stderr if result.status == "refused" else sys.stdout
        print(result.message, file=stream)
        for r in result.rejects[:20]:
            print(f"  {result.file_name} row {r.row}, column {r.column}: {r.reason}"
                  + (f" ({r.value!r})" if r.value else ""), file=sys.stderr)
        if len(result.rejects) > 20:
            print(f"  … and {len(result.rejects) - 20} more", file=sys.stderr)
        code = max(code, result.exit_code)
    return code


def _parse_as_of(store: Store, text: str | None) -> datetime:
    if not text:
        return store.now().replace(second=0, microsecond=0)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise UsageError(f"--as-of {text!r} is not 'YYYY-MM-DD HH:MM'")


def _report(store: Store, args: argparse.Namespace) -> int:
    from pipeline.outputs.report import build_report

    as_of = _parse_as_of(store, args.as_of)
    con = store.cursor()
    report = build_report(con, as_of)
    if args.xlsx:
        from pipeline.outputs.workbook import write_workbook

        write_workbook(con, as_of, Path(args.xlsx))
        print(f"workbook written to {args.xlsx}", file=sys.stderr)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    elif not args.xlsx:
        for key, value in report.items():
            print(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return EXIT_OK


def action_words(args: argparse.Namespace) -> tuple[str | None, str, bool]:
    """(the id, the action, whether it is a case's) of an `action` command: an action of
    cases takes a case id (or `--order`); an order's action an order id, as ever; `undo` is
    an order's unless `--order` is given or the id is a case's and no order's (decided by
    `_action`, which reads the store: None here)."""
    if args.action is None:
        if not args.order:
            raise UsageError("action needs an ID and an ACTION (or --order ORDER_ID and an "
                             "ACTION of cases)")
        ident, action = None, args.order_id
    else:
        ident, action = args.order_id, args.action
    if action not in (*ACTIONS, *CASE_ACTIONS):
        raise UsageError(f"invalid action {action!r} (choose from "
                         f"{', '.join((*ACTIONS, *CASE_ACTIONS))})")
    if args.order and action not in (*CASE_ACTIONS, "undo"):
        raise UsageError(f"--order names a case by its order; {action} is an order's action: "
                         "give the ORDER_ID")
    return ident, action, action in CASE_ACTIONS or bool(args.order)


def _action(store: Store, args: argparse.Namespace) -> int:
    from pipeline.desk import actions

    ident, action, of_case = action_words(args)
    try:
        if not of_case and action == "undo":   # an order's, unless the id is only a case's
            con = store.cursor()
            of_case = not actions.is_order_id(con, ident) and bool(actions.find_case(con, ident))
        if of_case:
            event = actions.record_case_by_id(store, ident, action, by=args.by, text=args.text,
                                              kind=args.kind, order_id=args.order)
        else:
            event = actions.record_by_id(store, ident, action, by=args.by, text=args.text,
                                         kind=args.kind)
    except actions.ActionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    where = event.shop or event.platform
    what = f"order {event.order_id} ({where})"
    if event.case_id:
        what = f"case {event.case_id} (" + (f"order {event.order_id}, " if event.order_id
                                           else "") + f"{where})"
    print(f"{event.action} recorded on {what} by {event.author} at "
          f"{event.acted_at:%Y-%m-%d %H:%M:%S}, event #{event.event_id}")
    return EXIT_OK


def _watch(store: Store, args: argparse.Namespace) -> int:
    """Look into the folder every `--every` seconds and import what is new (until stopped)."""
    from pipeline.ingest.inbox import Inbox
    from pipeline.outputs.scheduled import watch_tick

    box = Inbox(Path(args.folder))
    print(f"watching {box.folder} every {args.every:g} s (Ctrl-C stops)", file=sys.stderr,
          flush=True)
    code = EXIT_OK
    looks = 0
    try:
        while True:
            for result in box.look(store):
                print(result.message, flush=True)
                code = max(code, result.exit_code)
            for line in watch_tick(store):     # the alerts, and the daily report at its hour
                print(line, flush=True)
            looks += 1
            if args.once and looks >= 2:
                return code
            time.sleep(min(args.every, 1.0) if args.once else args.every)
    except KeyboardInterrupt:
        return code


def run_demo(args: argparse.Namespace) -> int:
    from pipeline.ingest.demo import write_demo

    end = None
    if args.end:
        try:
            end = datetime.strptime(args.end.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            print(f"error: --end {args.end!r} is not 'YYYY-MM-DD HH:MM'", file=sys.stderr)
            return EXIT_REFUSED
    paths = write_demo(Path(args.out), orders=args.orders, seed=args.seed, end=end)
    for p in paths:
        print(p)
    return EXIT_OK


def _user(store: Store, args: argparse.Namespace) -> int:
    from pipeline.accounts import users
    from pipeline.base.labels import label

    try:
        if args.user_command == "list":
            frame = users.list_users(store.cursor())
            if frame.empty:
                print("no accounts yet: the desk runs open on this machine only")
            for r in frame.itertuples():
                print(f"{r.name}\t{r.role}\t{'disabled' if r.disabled else 'enabled'}\t"
                      f"{'password' if r.has_password else 'no password'}\t{r.sso_email or '-'}")
            return EXIT_OK
        if args.user_command == "add":
            password = None if args.password_hash else ask_password(args.password_stdin,
                                                                  required=not args.email)
            user = users.add_user(store, args.name, args.role, password, by="cli",
                                  sso_email=args.email, password_hash=args.password_hash)
            print(f"account {user.name} added as {label('role_' + user.role, 'en')}")
        elif args.user_command == "set-role":
            users.set_role(store, args.name, args.role)
            print(f"{args.name} is now {label('role_' + args.role, 'en')}")
        elif args.user_command == "disable":
            users.set_disabled(store, args.name)
            print(f"{args.name} is disabled")
        else:
            password = None if args.password_hash else ask_password(args.password_stdin)
            users.reset_password(store, args.name, password, password_hash=args.password_hash)
            print(f"password of {args.name} changed")
    except users.UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def ask_password(from_stdin: bool, required: bool = True) -> str | None:
    """The new password: the first line of stdin, or asked twice without echo."""
    from getpass import getpass

    from pipeline.accounts.users import UserError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass("password: ")
        if password != getpass("again: "):
            raise UserError("the two passwords differ; nothing was changed")
    if not password and not required:
        return None
    return password


def serve(store: Store) -> None:
    """Take the commands other processes hand to `store` while this process holds it (the
    dashboard): import, report and action run here, on its store."""
    handoff.serve(store.path, lambda argv: run_handed(store, argv))


def store_copy(args: argparse.Namespace) -> int:
    """`store copy FROM TO`: the store copied table by table, counts and checksums compared."""
    from pipeline.db.copy import store_copy_main

    return store_copy_main(args.source, args.target)
