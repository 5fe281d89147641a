"""What cron and `watch` run beside the dashboard: the alerts pushed (pipeline/outputs/alerts.py)
and the daily report per shop (pipeline/outputs/daily_report.py), as the commands `alerts` and
`daily-report` (pipeline/commands.py calls `add_commands` and `run_command`); the `alerts`
command also makes yesterday's report once its hour has come, so one cron line serves both.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pipeline.outputs.alerts import ChannelError, delivery_line, run_alerts
from pipeline.outputs.daily_report import daily_report_main, parse_day, report_if_due


def watch_tick(store: Any, now: datetime | None = None) -> list[str]:
    """What `watch` does after each look: the alerts sent, and the daily report when its hour
    has come (pipeline/outputs/daily_report.py). One line per thing done."""
    now = now or store.now().replace(second=0, microsecond=0)
    lines = [delivery_line(d) for d in run_alerts(store, now) if d.keys or d.ok is False]
    done = report_if_due(store, now)
    if done:
        lines.append(done)
    return lines



EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The `alerts` and `daily-report` commands' words, on the command line's sub-parsers."""
    al = sub.add_parser("alerts", help="evaluate the alert rules and push what is new to the "
                                       "channels (for cron)")
    al.add_argument("--as-of", help="'YYYY-MM-DD HH:MM' in the shop's time zone (default now)")
    al.add_argument("--dry-run", action="store_true",
                    help="print what would be sent; send and record nothing")
    dr = sub.add_parser("daily-report", help="the daily report per shop (PDF and XLSX), "
                                             "written to a folder or e-mailed")
    dr.add_argument("--day", help="YYYY-MM-DD (default yesterday)")
    dr.add_argument("--out", metavar="DIR", help="write the files here (default data/reports "
                                                 "when not sent)")
    dr.add_argument("--send", action="store_true",
                    help="e-mail each shop's report to its addresses (and the league page)")


def portable_argv(args: argparse.Namespace) -> list[str]:
    """An `alerts` or `daily-report` command as another process on this machine runs it
    (handed to the dashboard that holds the store): the folder made absolute."""
    from pathlib import Path

    if args.command == "alerts":
        return ["alerts", *(["--as-of", args.as_of] if args.as_of else []),
                *(["--dry-run"] if args.dry_run else [])]
    return ["daily-report", *(["--day", args.day] if args.day else []),
            *(["--out", str(Path(args.out).resolve())] if args.out else []),
            *(["--send"] if args.send else [])]


def parse_moment(store: Any, text: str | None) -> datetime:
    """`--as-of`: 'YYYY-MM-DD HH:MM' (or with seconds, or a day), default now (to the minute)."""
    if not text:
        return store.now().replace(second=0, microsecond=0)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise ChannelError(f"--as-of {text!r} is not 'YYYY-MM-DD HH:MM'")


def run_command(store: Any, args: argparse.Namespace) -> int | None:
    """Run `alerts` or `daily-report` (None for any other command)."""
    if args.command == "alerts":
        try:
            as_of = parse_moment(store, args.as_of)
        except ChannelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        return _alerts(store, as_of, args.dry_run)
    if args.command == "daily-report":
        try:
            day = parse_day(store, args.day)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        return daily_report_main(store, day, args.out, args.send)
    return None


def _alerts(store: Any, as_of: datetime, dry_run: bool) -> int:
    """The alerts sent (a line per channel); then, unless a dry run, yesterday's daily report
    when its hour has come and it is turned on (daily_report.report_if_due)."""
    done = run_alerts(store, as_of, dry_run)
    if not done:
        print("no channel is enabled: nothing to send (add one on the Settings page)",
              file=sys.stderr)
    for d in done:
        print(delivery_line(d, dry_run), file=sys.stderr if d.ok is False else sys.stdout)
        if dry_run:
            for text in d.texts:
                print(f"  {text}")
    made = None if dry_run else report_if_due(store, as_of)
    if made:
        print(made)
    failed = any(d.ok is False for d in done) or bool(made and "FAILED" in made)
    return EXIT_FAILED if failed else EXIT_OK


def alerts_main(argv: Sequence[str] | None = None) -> int:
    """`alerts [--db PATH] [--as-of …] [--dry-run]` on its own: the store opened, the rules
    evaluated, what is new sent. Exit 0 done, 1 a channel failed, 2 refused."""
    from pipeline.db.faults import StoreFault
    from pipeline.db.open import open_store

    p = argparse.ArgumentParser(prog="python -m pipeline alerts")
    p.add_argument("--db", help="the store (default data/orderdesk.duckdb; env ORDERDESK_DB)")
    p.add_argument("--as-of")
    p.add_argument("--dry-run", action="store_true")
    args = p.parse_args(argv)
    try:
        store = open_store(args.db)
    except StoreFault as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        return run_command(store, argparse.Namespace(command="alerts", as_of=args.as_of,
                                                     dry_run=args.dry_run)) or EXIT_OK
    finally:
        store.close()
