"""The desk's accounts: names, roles, argon2 password hashes, SSO e-mails, sign-in throttling.

A password is only ever hashed (argon2id, `argon2-cffi`) and compared with its hash; neither
the password nor the hash appears in a return value other than `verify`'s yes/no, in a message
or in a listing. Every change is a write through the store, by a manager (`role=None`: the
command line's operator, a manager).

Sign-in throttling: attempts are recorded in `sign_in_attempts`, per name and per client
address (an unknown address, on this machine: all of them together, GLOBAL_AFTER). After
THROTTLE_AFTER failures within THROTTLE_WINDOW (counted since the last successful sign-in of
that name, or from that address), further attempts are refused, without checking the password,
until a delay after the latest failure has passed: 30 seconds, doubled for every further
failure, at most THROTTLE_MAX. A refused attempt is not counted. The count and the record are
one write, made before the password is checked (as a failure, set ok after a match), so that
sign-ins at the same moment cannot overrun the limit; attempts older than the window are
pruned by it. These writes are bookkeeping: they change no page's data (`Store.write`).

Password checks and hashes (argon2id, 64 MiB each) run at most CHECKS_AT_ONCE at a time; the
others wait up to CHECK_WAIT seconds, then are refused as busy.

Sessions: a password sign-in opens a row in `sign_in_sessions` and gives the browser a token
(`session_token`): a random session id, the moment it expires and an HMAC-SHA256 of both and
of the account's name, keyed by a secret kept in the store. A token works while its row is
there (sign-out, disabling the account and a new password delete it), before the idle time
since the last click counted has passed, from the client address it was given to, and for an
enabled account.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.base.reasons import Reason
from pipeline.base.roles import ROLES, require
from pipeline.db.queries import sql
from pipeline.db.settings import local_now
from pipeline.db.store import Store

MIN_PASSWORD = 10
MAX_NAME = 40
THROTTLE_AFTER = 5
GLOBAL_AFTER = 20          # failures from unknown addresses (this machine), all names together
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_FIRST = timedelta(seconds=30)
THROTTLE_MAX = timedelta(minutes=15)
CHECKS_AT_ONCE = 2         # argon2 checks and hashes running at one time (64 MiB each)
CHECK_WAIT = 10.0          # seconds a check waits for its turn before it is refused as busy
TOUCH_EVERY = 60.0         # seconds between two updates of a session's last click
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"

_HASHER = PasswordHasher()
_CHECKS = threading.BoundedSemaphore(CHECKS_AT_ONCE)
# letters that draw nothing (Hangul fillers, braille blank, Mongolian vowel separator) and
# variation selectors: printable for Python, invisible on screen
_INVISIBLE = re.compile("[\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5"
                        "\ufe00-\ufe0f\U000e0100-\U000e01ef]")


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked against when the name is unknown, so that an unknown
    name costs as long as a known one; made on first use, not when the dashboard starts."""
    with _turn():
        return _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    """A signed-in person: what the desk records and checks."""

    name: str
    role: str


class UserError(Exception):
    """An account change or a sign-in that cannot be done; the message says why."""


class SignInRefused(UserError):
    """A sign-in refused. `reason`: bad (name or password), disabled, throttled, busy
    (too many checks at once), unmapped."""

    def __init__(self, reason: str, message: str, wait_seconds: int = 0):
        super().__init__(message)
        self.reason = reason
        self.wait_seconds = wait_seconds


# ---------------------------------------------------------------------------------------------
# The tables


def ensure_users_table(cur: duckdb.DuckDBPyConnection) -> None:
    """Create `users`, `sign_in_attempts` and the events' `role` column if missing."""
    cur.execute(sql("users_schema"))


READY_SQL = """
select
    (select count(*) from duckdb_tables() where schema_name = 'main'
     and table_name in ('users', 'sign_in_attempts', 'sign_in_sessions', 'sign_in_secret'))
  + (select count(*) from duckdb_columns() where schema_name = 'main'
     and ((table_name = 'events' and column_name = 'role')
          or (table_name = 'sign_in_attempts' and column_name = 'attempt_id')))
"""


def ensure_ready(con: duckdb.DuckDBPyConnection) -> None:
    """`ensure_users_table` unless the tables are already there (a read, most of the time)."""
    if con.execute(READY_SQL).fetchall()[0][0] < 6:
        ensure_users_table(con)


# ---------------------------------------------------------------------------------------------
# Reading


LIST_SQL = """
select name, role, disabled, password_hash is not null as has_password, sso_email,
       created_at, created_by
from users
order by name
"""


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account, without its hash: name, role, disabled, has_password, sso_email,
    created_at, created_by."""
    ensure_ready(con)
    return con.execute(LIST_SQL).df()


def has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any account exists (disabled ones too): then everyone signs in."""
    ensure_ready(con)
    return con.execute("select count(*) from users").fetchall()[0][0] > 0


def active_user(con: duckdb.DuckDBPyConnection, name: str) -> User | None:
    """The account `name` as it is now, or None when it is gone or disabled."""
    ensure_ready(con)
    rows = con.execute("select name, role from users where name = ? and not disabled",
                       [name]).fetchall()
    return User(*rows[0]) if rows else None


def user_for_email(con: duckdb.DuckDBPyConnection, email: str | None) -> User | None:
    """The enabled account an SSO e-mail is mapped to, or None."""
    email = _email(email)
    if not email:
        return None
    ensure_ready(con)
    rows = con.execute("select name, role from users where sso_email = ? and not disabled",
                       [email]).fetchall()
    return User(*rows[0]) if rows else None


# ---------------------------------------------------------------------------------------------
# Changing accounts (managers only)


def add_user(store: Store, name: str, role: str, password: str | None, by: str,
             sso_email: str | None = None, actor_role: str | None = None,
             password_hash: str | None = None) -> User:
    """A new account. It needs a password (or its hash, `hash_password`'s), an SSO e-mail,
    or both."""
    require(actor_role, "users")
    name = _name(name)
    _role(role)
    email = _email(sso_email)
    digest = _given_hash(password_hash) if password_hash else (
        None if password is None else hash_password(password))
    if digest is None and not email:
        raise UserError(Reason("why_user_secret"))

    def work(cur: duckdb.DuckDBPyConnection) -> User:
        ensure_users_table(cur)
        if cur.execute("select count(*) from users where lower(name) = lower(?)",
                       [name]).fetchall()[0][0]:
            raise UserError(Reason("why_user_taken", name=name))
        _email_free(cur, email, name)
        cur.execute("insert into users (name, role, password_hash, disabled, created_at, "
                    "created_by, sso_email) values (?, ?, ?, false, ?, ?, ?)",
                    [name, role, digest, local_now(cur), by, email])
        return User(name, role)

    return store.run_write(work)


def set_role(store: Store, name: str, role: str, actor_role: str | None = None) -> None:
    """Change an account's role; the last enabled manager stays a manager."""
    require(actor_role, "users")
    _role(role)

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        current = _existing(cur, name)
        if current[1] == "manager" and role != "manager" and not current[2]:
            _not_last_manager(cur, name)
        cur.execute("update users set role = ? where name = ?", [role, name])

    store.run_write(work)


def set_disabled(store: Store, name: str, disabled: bool = True,
                 actor_role: str | None = None) -> None:
    """Disable (or enable again) an account; the last enabled manager cannot be disabled."""
    require(actor_role, "users")

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        current = _existing(cur, name)
        if disabled and current[1] == "manager" and not current[2]:
            _not_last_manager(cur, name)
        cur.execute("update users set disabled = ? where name = ?", [disabled, name])
        if disabled:
            cur.execute("delete from sign_in_sessions where user_name = ?", [current[0]])

    store.run_write(work)


def reset_password(store: Store, name: str, password: str | None,
                   actor_role: str | None = None, password_hash: str | None = None) -> None:
    """A new password (or its hash, `hash_password`'s) for an account; its open sessions end."""
    require(actor_role, "users")
    digest = _given_hash(password_hash) if password_hash else hash_password(password)

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        current = _existing(cur, name)
        cur.execute("update users set password_hash = ? where name = ?", [digest, name])
        cur.execute("delete from sign_in_sessions where user_name = ?", [current[0]])

    store.run_write(work)


def set_sso_email(store: Store, name: str, email: str | None,
                  actor_role: str | None = None) -> None:
    """Map an SSO e-mail to an account (its role then applies), or remove the mapping."""
    require(actor_role, "users")
    email = _email(email)

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        _existing(cur, name)
        _email_free(cur, email, name)
        cur.execute("update users set sso_email = ? where name = ?", [email, name])

    store.run_write(work)


def _existing(cur: duckdb.DuckDBPyConnection, name: str) -> tuple:
    ensure_users_table(cur)
    rows = cur.execute("select name, role, disabled from users where name = ?",
                       [name]).fetchall()
    if not rows:
        raise UserError(Reason("why_user_none", name=name))
    return rows[0]


def _not_last_manager(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    others = cur.execute("select count(*) from users where role = 'manager' and not disabled "
                         "and name <> ?", [name]).fetchall()[0][0]
    if not others:
        raise UserError(Reason("why_user_last_manager", name=name))


def _email_free(cur: duckdb.DuckDBPyConnection, email: str | None, name: str) -> None:
    if not email:
        return
    taken = cur.execute("select name from users where sso_email = ? and name <> ?",
                        [email, name]).fetchall()
    if taken:
        raise UserError(Reason("why_user_email_taken", email=email, name=taken[0][0]))


def normal_name(name: str | None) -> str:
    """A name as the desk keeps and compares it: NFKC (full-width letters and spaces made
    plain), its spaces trimmed and runs of them made one."""
    return re.sub(r" {2,}", " ", unicodedata.normalize("NFKC", name or "").strip())


def _name(name: str) -> str:
    name = normal_name(name)
    if not name:
        raise UserError(Reason("why_user_name"))
    if len(name) > MAX_NAME or not name.isprintable() or _INVISIBLE.search(name):
        raise UserError(Reason("why_user_name_chars", n=MAX_NAME))
    return name


def _role(role: str) -> None:
    if role not in ROLES:
        raise UserError(Reason("why_user_role", role=role, roles=", ".join(ROLES)))


def _email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise UserError(Reason("why_user_email", email=email))
    return email or None


def check_password(password: str | None) -> str:
    """`password` when it may be one: at least MIN_PASSWORD characters, not only spaces, not
    one of the common passwords shipped in `pipeline/common_passwords.txt`."""
    if password is None or len(password) < MIN_PASSWORD:
        raise UserError(Reason("why_password_short", n=MIN_PASSWORD))
    if not password.strip():
        raise UserError(Reason("why_password_spaces"))
    if password.strip().lower() in _common_passwords():
        raise UserError(Reason("why_password_common"))
    return password


def hash_password(password: str | None) -> str:
    """The argon2id hash of an acceptable password (`check_password`)."""
    check_password(password)
    with _turn():
        return _HASHER.hash(password)


@functools.cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _given_hash(digest: str) -> str:
    """A hash made by `hash_password` elsewhere (the command line beside the dashboard)."""
    try:
        _HASHER.check_needs_rehash(digest)   # parses it: an argon2 hash, nothing else
    except (InvalidHashError, ValueError) as exc:
        raise UserError(Reason("why_password_failed")) from exc
    if not digest.startswith("$argon2id$"):
        raise UserError(Reason("why_password_failed"))
    return digest


class _turn:
    """One of the CHECKS_AT_ONCE places for an argon2 check or hash, waited for up to
    CHECK_WAIT seconds; refused as busy after that."""

    def __enter__(self) -> None:
        if not _CHECKS.acquire(timeout=CHECK_WAIT):
            raise SignInRefused("busy", "the desk is busy checking other sign-ins; "
                                        "try again in a moment")

    def __exit__(self, *exc: object) -> None:
        _CHECKS.release()


# ---------------------------------------------------------------------------------------------
# Signing in


# Failed sign-ins since the last success, within the window, for one name ($by = 'name'), one
# client address ($by = 'address') or every unknown address together ($by = 'global'). An
# attempt whose password is being checked is recorded as failed until it matched.
FAILURES_SQL = """
with attempts as (
    select attempted_at, ok
    from sign_in_attempts
    where case $by when 'name' then user_name = $key
                   when 'address' then address = $key
                   else address is null end
)

select count(*), max(attempted_at)
from attempts
where not ok and attempted_at > $window_start
  and attempted_at > coalesce((select max(attempted_at) from attempts where ok),
                              '-infinity'::timestamp)
"""


def throttle_wait(con: duckdb.DuckDBPyConnection, name: str, address: str | None,
                  now: datetime) -> int:
    """Seconds before `name` (or anyone from `address`) may try again; 0 when they may now."""
    ensure_ready(con)
    window_start = now - THROTTLE_WINDOW
    keys = [("name", _attempt_name(name), THROTTLE_AFTER),
            ("address", address, THROTTLE_AFTER) if address else ("global", "", GLOBAL_AFTER)]
    wait = 0
    for by, key, after in keys:
        failures, last = con.execute(
            FAILURES_SQL, {"by": by, "key": key, "window_start": window_start}).fetchall()[0]
        if failures >= after:
            delay = min(THROTTLE_FIRST * 2 ** (failures - after), THROTTLE_MAX)
            wait = max(wait, int((last + delay - now).total_seconds() + 0.999))
    return max(wait, 0)


def sign_in(store: Store, name: str, password: str, address: str | None = None,
            now: datetime | None = None) -> User:
    """The account for `name` and `password`; raises SignInRefused (the message never says
    whether the name exists, unless the password was right)."""
    con = store.cursor()
    ensure_ready(con)
    now = now or local_now(con)
    typed = normal_name(name)
    attempt = _reserve_attempt(store, typed, address, now)
    rows = con.execute("select name, role, password_hash, disabled from users "
                       "where lower(name) = lower(?)", [typed]).fetchall()
    found = rows[0] if rows else None
    ok = _verify(found[2] if found else None, password or "")
    if ok:
        store.run_write(lambda cur: cur.execute(
            "update sign_in_attempts set ok = true where attempt_id = ?", [attempt]),
            bookkeeping=True)
    if not ok:
        raise SignInRefused("bad", "wrong name or password")
    if found[3]:
        raise SignInRefused("disabled", "this account is disabled; ask a manager")
    return User(found[0], found[1])


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches `stored_hash` (False for no hash)."""
    return _verify(stored_hash, password)


def _verify(stored_hash: str | None, password: str) -> bool:
    dummy = _dummy_hash() if stored_hash is None else None   # outside the turn it takes
    try:
        with _turn():
            return _HASHER.verify(stored_hash or dummy, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _attempt_name(name: str) -> str:
    return normal_name(name).lower()[:MAX_NAME * 2]


def _reserve_attempt(store: Store, name: str, address: str | None, now: datetime) -> str:
    """In one write: refuse (throttled) when the limit is reached, else record the attempt as
    failed (its id returned, to be set ok after a match); attempts too old to count go."""
    attempt = uuid.uuid4().hex

    def work(cur: duckdb.DuckDBPyConnection) -> int:
        cur.execute("delete from sign_in_attempts where attempted_at < ?",
                    [now - THROTTLE_WINDOW - THROTTLE_MAX])
        wait = throttle_wait(cur, name, address, now)
        if not wait:
            cur.execute("insert into sign_in_attempts (attempted_at, user_name, address, ok, "
                        "attempt_id) values (?, ?, ?, false, ?)",
                        [now, _attempt_name(name), address, attempt])
        return wait

    wait = store.run_write(work, bookkeeping=True)
    if wait:
        raise SignInRefused("throttled", f"too many failed sign-ins: try again in {wait} s",
                            wait)
    return attempt


# ---------------------------------------------------------------------------------------------
# Sessions that survive a reload


PROXY_HEADER_ENV = "ORDERDESK_PROXY_HEADER"        # e.g. X-Forwarded-For; unset: no proxy
TRUSTED_PROXIES_ENV = "ORDERDESK_TRUSTED_PROXIES"  # the proxies' addresses; default loopback
LOOPBACK = "loopback"     # the peer Streamlit gives no address for (127.0.0.1, ::1)


def trusted_proxies(setting: str | None) -> frozenset[str]:
    """The addresses of `ORDERDESK_TRUSTED_PROXIES` (comma-separated), normalised; unset or
    blank: a proxy on this machine only."""
    named = [a.strip() for a in (setting or "").split(",") if a.strip()] or ["127.0.0.1"]
    return frozenset(_address_key(a) for a in named)


def _address_key(address: str | None) -> str:
    if address is None or address.strip().lower() == "localhost":
        return LOOPBACK
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    return LOOPBACK if ip.is_loopback else str(ip)


def forwarded_address(peer: str | None, forwarded: str | None,
                      trusted: frozenset[str]) -> str | None:
    """The client's address: `peer` (the connection's, None on loopback) unless it is one of
    the `trusted` proxies; then the proxy's header value `forwarded` ("client, proxy, …" as
    X-Forwarded-For appends them) read from its right end, skipping trusted proxies: the
    first address a trusted proxy saw. A value that is not an address, or none at all,
    leaves `peer`. What a client writes into the header itself lies left of that and is
    never taken."""
    if _address_key(peer) not in trusted:
        return peer
    for part in reversed((forwarded or "").split(",")):
        try:
            ip = str(ipaddress.ip_address(part.strip()))
        except ValueError:
            return peer
        if _address_key(ip) not in trusted:
            return ip
    return peer


@dataclass(frozen=True)
class Session:
    """An open session a token stands for: its account (as it is now) and the token to give
    the browser from now on (a new expiry after a click is counted)."""

    user: User
    token: str
    seen_at: float


def open_session(store: Store, user: User, address: str | None, now: float,
                 idle_seconds: float) -> str:
    """A new session of `user` (just signed in); its token."""
    sid = secrets.token_urlsafe(24)

    def work(cur: duckdb.DuckDBPyConnection) -> str:
        cur.execute("delete from sign_in_sessions where seen_at < ?", [now - idle_seconds])
        cur.execute("insert into sign_in_sessions values (?, ?, ?, ?, ?)",
                    [_sid_hash(sid), user.name, address, now, now])
        return _secret(cur)

    secret = store.run_write(work, bookkeeping=True)
    return _token(secret, sid, user.name, now + idle_seconds)


def session_for(con: duckdb.DuckDBPyConnection, token: str | None, address: str | None,
                now: float, idle_seconds: float) -> Session | None:
    """The open session `token` stands for, or None: a token that is malformed, wrongly
    signed, expired, signed out, from another address, or of an account gone or disabled."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    sid, expires = parts[0], int(parts[1])
    if expires <= now:
        return None
    ensure_ready(con)
    rows = con.execute(
        "select s.user_name, s.address, s.seen_at, u.role, u.disabled "
        "from sign_in_sessions s join users u on u.name = s.user_name "
        "where s.session_hash = ?", [_sid_hash(sid)]).fetchall()
    secrets_ = con.execute("select secret from sign_in_secret").fetchall()
    if not rows or not secrets_:
        return None
    name, bound, seen_at, role, disabled = rows[0]
    if not hmac.compare_digest(token, _token(secrets_[0][0], sid, name, expires)):
        return None
    if disabled or seen_at + idle_seconds <= now or (bound is not None and bound != address):
        return None
    return Session(User(name, role), token, seen_at)


def touch_session(store: Store, session: Session, now: float, idle_seconds: float) -> Session:
    """`session` with this click counted: its row's last click and its token's expiry moved
    on, at most once every TOUCH_EVERY seconds (otherwise `session` as it was)."""
    if now - session.seen_at < TOUCH_EVERY:
        return session
    sid = session.token.split(".")[0]

    def work(cur: duckdb.DuckDBPyConnection) -> str:
        cur.execute("update sign_in_sessions set seen_at = ? where session_hash = ?",
                    [now, _sid_hash(sid)])
        return _secret(cur)

    secret = store.run_write(work, bookkeeping=True)
    return Session(session.user, _token(secret, sid, session.user.name, now + idle_seconds), now)


def close_session(store: Store, token: str | None) -> None:
    """Sign-out: the session `token` stands for is closed (its token no longer works)."""
    sid = (token or "").split(".")[0]
    if not sid:
        return
    store.run_write(lambda cur: cur.execute(
        "delete from sign_in_sessions where session_hash = ?", [_sid_hash(sid)]),
        bookkeeping=True)


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _token(secret: str, sid: str, name: str, expires: float) -> str:
    stamp = str(int(expires))
    mac = hmac.new(secret.encode(), f"{sid}.{stamp}.{name}".encode(), hashlib.sha256).digest()
    return f"{sid}.{stamp}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def _secret(cur: duckdb.DuckDBPyConnection) -> str:
    """The store's signing key, made on first use (inside a write)."""
    ensure_ready(cur)
    rows = cur.execute("select secret from sign_in_secret").fetchall()
    if rows:
        return rows[0][0]
    secret = secrets.token_urlsafe(32)
    cur.execute("insert into sign_in_secret values (?)", [secret])
    return secret
