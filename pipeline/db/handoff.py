"""Hand-off: while the dashboard holds the store, the command line hands its work to it.

DuckDB lets one process at a time open a store file for writing, and the dashboard holds its
store while it runs. So the dashboard also listens on a Unix socket beside the store
(`<db>.sock`, readable and writable by the same system user only) and runs there the commands
the command line hands it — `import`, `report`, `action`, `user` (a new password goes over as
its argon2 hash, never as typed) — on its own connection, through the same single write path.

Nobody else is trusted on the socket: the dashboard serves only a socket it made itself (its
own, mode 0600; a path held by another account is left alone and not served), answers only
clients of its own system user (or root), and the command line sends nothing until the
kernel's SO_PEERCRED says the program listening runs as the same user (or root): either
refuses in one plain line (`Refused`). A handed command that fails is answered at once with
its refusal (one line, exit 2), never left without an answer. A scheduled job thus succeeds beside a running dashboard; the dashboard
keeps serving its pages while such an import runs (its readers see the store as it was until
the import commits, then the new data). Handed-off commands act as the machine's operator, like
the command line itself. With no dashboard running, the command line opens the store itself,
waiting a bounded time (`--wait`) while another program holds it.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import logging
import os
import socket
import socketserver
import stat
import struct
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

COMMANDS = ("import", "report", "action", "user", "alerts", "daily-report")  # handed over
EXIT_WAIT_SECONDS = 120                      # at exit, how long a handed-off command is waited for
_RUN_LOCK = threading.Lock()                # one handed-off command at a time
_servers: dict[str, socketserver.BaseServer] = {}
_refused: dict[str, str] = {}                # socket path -> why the desk did not serve it


class Refused(Exception):
    """The socket or the program on it is not to be trusted; the message says why (one line),
    `reason` in a word: not_socket, other_owner, open_to_others, other_listener."""

    def __init__(self, message: str, reason: str = "other_listener"):
        super().__init__(message)
        self.reason = reason


class NoAnswer(Exception):
    """The dashboard took the command but sent no answer (it failed running it)."""


def peer_uid(sock: socket.socket) -> int:
    """The system user of the process at the other end of a connected Unix socket."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def trusted_uid(uid: int) -> bool:
    """Whether a process of `uid` may serve or send commands: this user, or root."""
    return uid in (os.geteuid(), 0)


def check_socket_file(path: Path) -> None:
    """Refuse a socket path that is not a socket of this user (or root) open to them only."""
    st_ = path.lstat()
    if not stat.S_ISSOCK(st_.st_mode):
        raise Refused(f"{path} is not a socket; remove it or choose another --db", "not_socket")
    if not trusted_uid(st_.st_uid):
        raise Refused(f"the socket {path} belongs to another account (uid {st_.st_uid}); "
                      "nothing was sent; keep the store in a folder of your own", "other_owner")
    if st_.st_mode & 0o077:
        raise Refused(f"the socket {path} is open to other accounts; nothing was sent",
                      "open_to_others")


def socket_path(db: str | Path) -> Path:
    """The socket beside the store: `<db>.sock`."""
    p = Path(db).resolve()
    return p.with_name(p.name + ".sock")


def serve(db: str | Path, run: Callable[[list[str]], tuple[int, str, str]]) -> Path | None:
    """Listen beside the store at `db` and answer each connection with `run(argv)`:
    (exit code, stdout, stderr). Idempotent per store; None when sockets are unavailable."""
    path = socket_path(db)
    key = str(path)
    if key in _servers:
        return path
    if len(str(path)) > 100:    # the length a Unix socket path may have
        log.warning("no hand-off socket: the path %s is too long", path)
        return None
    try:
        check_socket_file(path)
        if forward_raw(path, {"ping": True}) is None:
            path.unlink()       # left by a process of ours that is gone
    except FileNotFoundError:
        pass
    except Refused as exc:
        log.warning("no hand-off socket: %s", exc)
        _refused[key] = exc.reason     # said on the page too (`refusal`), not only in the log
        return None
    except OSError as exc:
        log.warning("no hand-off socket: %s", exc)
        return None
    if path.exists() or path.is_symlink():
        log.warning("another program already serves %s", path)
        return None

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            if not trusted_uid(peer_uid(self.connection)):
                log.warning("hand-off: a client of another account was turned away")
                return
            request = json.loads(self.rfile.readline() or b"{}")
            if request.get("ping"):
                reply = {"ok": True}
            else:
                argv = [str(a) for a in request.get("argv", [])]
                with _RUN_LOCK:
                    try:
                        code, out, err = run(argv)
                    except Exception as exc:   # answered, never left hanging
                        log.exception("hand-off: %s failed", argv[:1])
                        code, out, err = 2, "", (f"error: the desk could not run this "
                                                 f"({type(exc).__name__}); the details are in "
                                                 "its log\n")
                reply = {"code": code, "stdout": out, "stderr": err}
            self.wfile.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")

    old_umask = os.umask(0o177)             # the socket is the owner's only
    try:
        server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
    except OSError as exc:
        log.warning("no hand-off socket at %s: %s", path, exc)
        return None
    finally:
        os.umask(old_umask)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    try:
        check_socket_file(path)                 # what was made is ours, for us only
    except (Refused, OSError) as exc:
        log.warning("no hand-off socket: %s", exc)
        if isinstance(exc, Refused):
            _refused[key] = exc.reason
        server.server_close()
        return None
    _refused.pop(key, None)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="orderdesk-handoff", daemon=True).start()
    _servers[key] = server
    return path


def refusal(db: str | Path) -> tuple[Path, str] | None:
    """The socket path beside `db` the desk refused to serve, and why in a word (the reasons
    of `Refused`); None when it serves it or never tried."""
    path = socket_path(db)
    reason = _refused.get(str(path))
    return (path, reason) if reason else None


def stop(db: str | Path) -> None:
    """Stop listening beside the store at `db` (when its process lets the store go)."""
    _close(socket_path(db))


def _close(path: Path) -> None:
    server = _servers.pop(str(path), None)
    if server is not None:
        server.shutdown()
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _stop_all() -> None:
    """At exit: stop listening, and let a handed-off command that is running finish (a thread
    still inside the database when the interpreter goes down aborts the process)."""
    for key in list(_servers):
        _close(Path(key))
    if _RUN_LOCK.acquire(timeout=EXIT_WAIT_SECONDS):
        _RUN_LOCK.release()


atexit.register(_stop_all)


def forward_raw(path: Path, request: dict, timeout: float | None = None) -> dict | None:
    """Send one request to the socket at `path`; None when nobody listens there. Raises
    Refused when the socket or the program listening is not this user's (nothing is sent),
    NoAnswer when a command was taken but not answered."""
    try:
        check_socket_file(path)
    except FileNotFoundError:
        return None
    sent = False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5 if request.get("ping") else timeout)
            s.connect(str(path))
            uid = peer_uid(s)
            if not trusted_uid(uid):
                raise Refused(f"the program listening at {path} runs as another account "
                              f"(uid {uid}); nothing was sent to it")
            s.sendall(json.dumps(request, ensure_ascii=False).encode() + b"\n")
            sent = True
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                data += chunk
    except (TimeoutError, ConnectionRefusedError, FileNotFoundError, OSError):
        data = b""
    if not data:
        if sent and not request.get("ping"):
            raise NoAnswer(f"the desk serving {path} took the command but did not answer; "
                           "see its log")
        return None
    return json.loads(data)


def forward(db: str | Path, argv: list[str]) -> tuple[int, str, str] | None:
    """Hand `argv` to the dashboard serving the store at `db`: (exit code, stdout, stderr), or
    None when no dashboard serves it."""
    reply = forward_raw(socket_path(db), {"argv": argv})
    if reply is None or "code" not in reply:
        return None
    return int(reply["code"]), reply.get("stdout", ""), reply.get("stderr", "")


def captured(fn: Callable[[], int]) -> tuple[int, str, str]:
    """`fn()` with what it prints captured: (its exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = fn()
        except SystemExit as exc:   # argparse and --as-of errors
            code = exc.code if isinstance(exc.code, int) else 2
            if not isinstance(exc.code, int) and exc.code:
                print(exc.code, file=err)
    return code, out.getvalue(), err.getvalue()
