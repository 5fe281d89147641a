"""Starting the dashboard warm: `python app.py [streamlit options]`.

`streamlit run app.py` imports the app's modules, opens the store and works out the first
page's numbers only when the first visitor comes, who then waits for all of it (2-3 s at 1M
orders). Started as `python app.py`, the process first runs the app once itself, without a
browser (Streamlit's own AppTest, on the default page with the default filters, as a first
visitor would), and then serves it as `streamlit run app.py` would, with the same options:
the modules are imported, the store is open and the first page's results are in the caches
every session shares (`ui.data.query`). The server answers once that run is done. Warming is
a head start, never a condition: a run that fails is logged and the server starts anyway.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from ui.layout import RUN_LOG_ENV

log = logging.getLogger(__name__)
WARM_TIMEOUT_S = 600   # a first page on a large store, or the demo shop written on first start


class _Quiet(logging.Filter):
    """Drops Streamlit's two false alarms of a warm start: a call outside a script run while
    the test runner sets up (bare mode, as it says), and "an update to the [server] config
    option section", which is the command line's options read after the warm run's defaults
    (the server is started afterwards, with them)."""

    WORDS = ("missing ScriptRunContext", "An update to the [server] config option section")

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(w in record.getMessage() for w in self.WORDS)


def _quiet_streamlit() -> None:
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.config"):
        logging.getLogger(name).addFilter(_Quiet())


def warm_first_page(script: str) -> float | None:
    """Run `script` once in this process, as a first visitor's view; the seconds it took, or
    None when it could not run (logged). Not counted as a view in the run log."""
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    run_log = os.environ.pop(RUN_LOG_ENV, None)
    try:
        at = AppTest.from_file(script, default_timeout=WARM_TIMEOUT_S)
        at.run()
        if at.exception:
            log.warning("warming the first page: the run raised %s", at.exception[0].message)
    except Exception as exc:  # noqa: BLE001 - a head start only: the server starts anyway
        log.warning("warming the first page failed (%s); starting without it", exc)
        return None
    finally:
        if run_log is not None:
            os.environ[RUN_LOG_ENV] = run_log
    return time.perf_counter() - started


def serve(script: str, argv: list[str]) -> int:
    """The first page warmed, then `streamlit run script argv...` in this process."""
    from streamlit.web import cli

    _quiet_streamlit()
    print("Order Desk: preparing the first page…", file=sys.stderr, flush=True)
    seconds = warm_first_page(script)
    if seconds is not None:
        print(f"Order Desk: first page ready in {seconds:.1f} s; starting the server",
              file=sys.stderr, flush=True)
    sys.argv = ["streamlit", "run", script, *argv]
    try:
        cli.main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0
