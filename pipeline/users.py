"""The desk's accounts: names, roles, argon2 password hashes, SSO e-mails, sign-in throttling.

A password is only ever hashed (argon2id, `argon2-cffi`) and compared with its hash; neither
the password nor the hash appears in a return value other than `verify`'s yes/no, in a message
or in a listing. Every change is a write through the store, by a manager (`role=None`: the
command line's operator, a manager).

Sign-in throttling: failures are recorded in `sign_in_attempts`, per name and per client
address. After THROTTLE_AFTER failures within THROTTLE_WINDOW (counted since the last
successful sign-in of that name, or from that address), further attempts are refused, without
checking the password, until a delay after the latest failure has passed: 30 seconds, doubled
for every further failure, at most THROTTLE_MAX. A refused attempt is not counted.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.roles import ROLES, require
from pipeline.settings import local_now
from pipeline.store import Store, sql

MIN_PASSWORD = 8
MAX_NAME = 40
THROTTLE_AFTER = 5
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_FIRST = timedelta(seconds=30)
THROTTLE_MAX = timedelta(minutes=15)

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, checked against when the name is unknown, so that an unknown
    name costs as long as a known one; made on first use, not when the dashboard starts."""
    return _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    """A signed-in person: what the desk records and checks."""

    name: str
    role: str


class UserError(Exception):
    """An account change or a sign-in that cannot be done; the message says why."""


class SignInRefused(UserError):
    """A sign-in refused. `reason`: bad (name or password), disabled, throttled, unmapped."""

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
    (select count(*) from duckdb_tables() where table_name = 'users' and schema_name = 'main')
  + (select count(*) from duckdb_tables()
     where table_name = 'sign_in_attempts' and schema_name = 'main')
  + (select count(*) from duckdb_columns()
     where table_name = 'events' and column_name = 'role' and schema_name = 'main')
"""


def ensure_ready(con: duckdb.DuckDBPyConnection) -> None:
    """`ensure_users_table` unless the tables are already there (a read, most of the time)."""
    if con.execute(READY_SQL).fetchall()[0][0] < 3:
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
             sso_email: str | None = None, actor_role: str | None = None) -> User:
    """A new account. It needs a password, an SSO e-mail, or both."""
    require(actor_role, "users")
    name = _name(name)
    _role(role)
    email = _email(sso_email)
    if password is None and not email:
        raise UserError("an account needs a password or an SSO e-mail")
    digest = None if password is None else _hash(password)

    def work(cur: duckdb.DuckDBPyConnection) -> User:
        ensure_users_table(cur)
        if cur.execute("select count(*) from users where lower(name) = lower(?)",
                       [name]).fetchall()[0][0]:
            raise UserError(f"an account named {name!r} already exists")
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

    store.run_write(work)


def reset_password(store: Store, name: str, password: str,
                   actor_role: str | None = None) -> None:
    """A new password for an account."""
    require(actor_role, "users")
    digest = _hash(password)

    def work(cur: duckdb.DuckDBPyConnection) -> None:
        _existing(cur, name)
        cur.execute("update users set password_hash = ? where name = ?", [digest, name])

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
        raise UserError(f"no account named {name!r}")
    return rows[0]


def _not_last_manager(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    others = cur.execute("select count(*) from users where role = 'manager' and not disabled "
                         "and name <> ?", [name]).fetchall()[0][0]
    if not others:
        raise UserError(f"{name} is the last manager; make someone else a manager first")


def _email_free(cur: duckdb.DuckDBPyConnection, email: str | None, name: str) -> None:
    if not email:
        return
    taken = cur.execute("select name from users where sso_email = ? and name <> ?",
                        [email, name]).fetchall()
    if taken:
        raise UserError(f"the e-mail {email} is already mapped to {taken[0][0]}")


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise UserError("an account needs a name")
    if len(name) > MAX_NAME or re.search(r"[\x00-\x1f\x7f]", name):
        raise UserError(f"a name has at most {MAX_NAME} characters and no control characters")
    return name


def _role(role: str) -> None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; one of {', '.join(ROLES)}")


def _email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+", email):
        raise UserError(f"{email!r} is not an e-mail address")
    return email or None


def _hash(password: str) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


# ---------------------------------------------------------------------------------------------
# Signing in


# Failed sign-ins since the last success, within the window, for one name ($by = 'name') or
# one client address ($by = 'address').
FAILURES_SQL = """
with attempts as (
    select attempted_at, ok
    from sign_in_attempts
    where case when $by = 'name' then user_name else address end = $key
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
    keys = [("name", _attempt_name(name))] + ([("address", address)] if address else [])
    checks = [con.execute(FAILURES_SQL, {"by": by, "key": key, "window_start": window_start})
              .fetchall()[0] for by, key in keys]
    wait = 0
    for failures, last in checks:
        if failures >= THROTTLE_AFTER:
            delay = min(THROTTLE_FIRST * 2 ** (failures - THROTTLE_AFTER), THROTTLE_MAX)
            wait = max(wait, int((last + delay - now).total_seconds() + 0.999))
    return max(wait, 0)


def sign_in(store: Store, name: str, password: str, address: str | None = None,
            now: datetime | None = None) -> User:
    """The account for `name` and `password`; raises SignInRefused (the message never says
    whether the name exists, unless the password was right)."""
    con = store.cursor()
    ensure_ready(con)
    now = now or local_now(con)
    typed = (name or "").strip()
    wait = throttle_wait(con, typed, address, now)
    if wait:
        raise SignInRefused("throttled", f"too many failed sign-ins: try again in {wait} s",
                            wait)
    rows = con.execute("select name, role, password_hash, disabled from users "
                       "where lower(name) = lower(?)", [typed]).fetchall()
    found = rows[0] if rows else None
    ok = _verify(found[2] if found else None, password or "")
    _record_attempt(store, typed, address, now, ok)
    if not ok:
        raise SignInRefused("bad", "wrong name or password")
    if found[3]:
        raise SignInRefused("disabled", "this account is disabled; ask a manager")
    return User(found[0], found[1])


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches `stored_hash` (False for no hash)."""
    return _verify(stored_hash, password)


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _attempt_name(name: str) -> str:
    return (name or "").strip().lower()[:MAX_NAME * 2]


def _record_attempt(store: Store, name: str, address: str | None, now: datetime,
                    ok: bool) -> None:
    def work(cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute("insert into sign_in_attempts values (?, ?, ?, ?)",
                    [now, _attempt_name(name), address, ok])

    store.run_write(work)
