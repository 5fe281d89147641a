"""The command line of DESIGN §10, for scheduled jobs and for checks.

    python -m pipeline [--db PATH] import FILE... [--shop NAME]
    python -m pipeline [--db PATH] report [--as-of 'YYYY-MM-DD HH:MM'] [--json]
    python -m pipeline [--db PATH] action ORDER_ID ACTION [--by NAME] [--text TEXT]
    python -m pipeline [--db PATH] action CASE_ID agree|reject|received|feedback|assign|undo
                       [--by NAME] [--text TEXT] [--kind resellable|damaged] [--order ORDER_ID]
    python -m pipeline [--db PATH] action --order ORDER_ID CASE_ACTION [...]
    python -m pipeline demo [--orders N] [--seed S] [--out DIR]
    python -m pipeline [--db PATH] watch DIR [--every SECONDS] [--once]
    python -m pipeline [--db PATH] user add NAME --role ROLE [--password-stdin] [--email E]
    python -m pipeline [--db PATH] user list | set-role NAME ROLE | disable NAME
    python -m pipeline [--db PATH] user reset-password NAME [--password-stdin]

What each command does is pipeline/commands.py; this is the process: opening the store,
waiting for it or handing the command to the dashboard that holds it, and saying a
refusal in one line.

`report` opens the store read-only and writes nothing. A store that cannot be opened or
written (disk full, read-only, busy, gone or replaced) is one plain line on stderr and exit 2;
the details go to the log (shown with ORDERDESK_DEBUG=1).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import duckdb

from pipeline.commands import (
    EXIT_REFUSED,
    UsageError,
    ask_password,
    build_parser,
    refusal,
    run,
    run_demo,
    store_copy,
)
from pipeline.db.open import open_for_reading, open_store
from pipeline.db.store import (
    Store,
    StoreBusy,
    StoreFault,
    default_db_path,
    first_line,
    is_database_url,
    marker_path,
)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return run_demo(args)
    if args.command == "store":
        return store_copy(args)
    named = args.db or os.environ.get("ORDERDESK_DB")   # a store the job names, not the default
    if args.command == "report" and named and named != ":memory:" \
            and not is_database_url(named) and not Path(named).exists() and not marker_path(Path(named)).exists():
        # a scheduled job's mistyped --db (or ORDERDESK_DB): no store ever there, not an empty
        # desk's zeros
        print(f"error: no store at {named}", file=sys.stderr)
        return EXIT_REFUSED
    logging.basicConfig(level=logging.DEBUG if os.environ.get("ORDERDESK_DEBUG") else
                        logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        try:
            store = _open(args)
        except _HandedOff as done:
            sys.stdout.write(done.out)
            sys.stderr.write(done.err)
            return done.code
        try:
            return run(store, args)
        finally:
            store.close()
    except StoreFault as exc:
        logging.getLogger("pipeline.cli").debug("store fault", exc_info=True)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except duckdb.Error as exc:  # anything else the store said: its first line, no traceback
        logging.getLogger("pipeline.cli").debug("store error", exc_info=True)
        print(f"error: the store could not do this, nothing was recorded: {first_line(exc)}",
              file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # a refusal (a role, an account rule, the hand-off): one line
        if not refusal(exc):
            raise
        logging.getLogger("pipeline.cli").debug("refused", exc_info=True)
        print(f"error: {first_line(exc)}", file=sys.stderr)
        return EXIT_REFUSED


class _HandedOff(Exception):
    """The dashboard holding the store ran the command: its exit code and output."""

    def __init__(self, code: int, out: str, err: str):
        super().__init__(code)
        self.code, self.out, self.err = code, out, err


def _open(args: argparse.Namespace) -> Store:
    """The store, for this command. While another program holds it: the dashboard serving it
    is handed the command (import, report, action); else wait up to `--wait` seconds."""
    from pipeline.db import handoff

    db = Path(args.db) if args.db else default_db_path()
    deadline = time.monotonic() + max(0.0, args.wait)
    said = False
    argv: list[str] | None = None
    while True:
        try:
            return open_for_reading(args.db) if args.command == "report" else open_store(args.db)
        except StoreBusy:
            if args.command in handoff.COMMANDS and handoff.socket_path(db).exists():
                argv = argv or _portable_argv(args)   # a new password asked for once
                handed = handoff.forward(db, argv)
                if handed is not None:
                    raise _HandedOff(*handed) from None
            if time.monotonic() >= deadline:
                raise
            if not said:
                print(f"the store {db} is held by another program; waiting up to "
                      f"{args.wait:g} s for it", file=sys.stderr, flush=True)
                said = True
            time.sleep(0.5)


def _portable_argv(args: argparse.Namespace) -> list[str]:
    """The command as another process on this machine runs it: paths made absolute, no --db."""
    if args.command in ("alerts", "daily-report"):
        from pipeline.outputs.scheduled import portable_argv

        return portable_argv(args)
    if args.command == "import":
        out = ["import", *(str(Path(f).resolve()) for f in args.files), "--by", args.by]
        return out + (["--shop", args.shop] if args.shop else [])
    if args.command == "report":
        out = ["report"]
        if args.as_of:
            out += ["--as-of", args.as_of]
        if args.json:
            out.append("--json")
        if args.xlsx:
            out += ["--xlsx", str(Path(args.xlsx).resolve())]
        return out
    if args.command == "user":
        return _portable_user_argv(args)
    # the words as given: `action --order O agree` has one positional
    out = ["action", args.order_id, *([args.action] if args.action else []), "--by", args.by]
    if args.text is not None:
        out += ["--text", args.text]
    if args.kind is not None:
        out += ["--kind", args.kind]
    if args.order is not None:
        out += ["--order", args.order]
    return out


def _portable_user_argv(args: argparse.Namespace) -> list[str]:
    """A `user` command as the dashboard runs it: a new password asked here and sent as its
    argon2 hash only."""
    from pipeline.accounts.users import hash_password

    out = ["user", args.user_command]
    if args.user_command in ("add", "reset-password"):
        out.append(args.name)
        if args.user_command == "add":
            out += ["--role", args.role] + (["--email", args.email] if args.email else [])
        password = args.password_hash or ask_password(
            args.password_stdin, required=args.user_command != "add" or not args.email)
        if password is not None:
            args.password_hash = args.password_hash or hash_password(password)  # asked once
            out += ["--password-hash", args.password_hash]
    elif args.user_command == "set-role":
        out += [args.name, args.role]
    elif args.user_command == "disable":
        out.append(args.name)
    return out


